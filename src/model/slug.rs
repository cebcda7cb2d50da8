//! Slugs and dates: the small validated values that become paths and
//! timestamps.

use std::fmt;

/// True when `s` is a valid slug: lowercase ASCII letters, digits and `-`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Turns free text into a slug: lowercase, and every run of characters other
/// than `a-z0-9` becomes one `-` (trimmed at both ends).
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    if text.is_ascii() {
        // The same rule without Unicode case mapping (most text is ASCII).
        for b in text.bytes().map(|b| b.to_ascii_lowercase()) {
            if b.is_ascii_lowercase() || b.is_ascii_digit() {
                if dash && !out.is_empty() {
                    out.push('-');
                }
                dash = false;
                out.push(char::from(b));
            } else {
                dash = true;
            }
        }
        return out;
    }
    slugify_unicode(text)
}

/// [`slugify`] for any text, with Unicode lowercase mapping.
fn slugify_unicode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    out
}

/// The URL slug of a tag: [`slugify`], or for a tag with no ASCII letters
/// or digits (`日本語`), `tag-` plus a stable hash of the name, so every tag
/// gets a page.
pub fn tag_slug(name: &str) -> String {
    let s = slugify(name);
    if !s.is_empty() {
        return s;
    }
    // FNV-1a: stable across builds and platforms.
    let hash = name.trim().bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("tag-{:08x}", hash as u32)
}

/// A calendar date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day, 1–31.
    pub day: u8,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    /// Parses `YYYY-MM-DD`, checking that the day exists.
    pub fn parse(s: &str) -> Result<Date, String> {
        let b = s.as_bytes();
        let shape_ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape_ok {
            return Err(format!("`{s}` is not a date in the form YYYY-MM-DD"));
        }
        let year: u16 = s[0..4].parse().map_err(|_| "bad year".to_string())?;
        let month: u8 = s[5..7].parse().map_err(|_| "bad month".to_string())?;
        let day: u8 = s[8..10].parse().map_err(|_| "bad day".to_string())?;
        if !(1..=12).contains(&month) {
            return Err(format!("`{s}` has month {month}; months are 01 to 12"));
        }
        let max = days_in_month(year, month);
        if day == 0 || day > max {
            return Err(format!("`{s}` does not exist: that month has {max} days"));
        }
        Ok(Date { year, month, day })
    }

    /// `27 November 2026`.
    pub fn human(&self) -> String {
        format!(
            "{} {} {}",
            self.day,
            MONTHS[self.month as usize - 1],
            self.year
        )
    }

    /// RFC 3339 midnight UTC, for feeds.
    pub fn rfc3339(&self) -> String {
        format!("{self}T00:00:00Z")
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn slugs() {
        assert!(is_slug("model-not-found-2"));
        assert!(!is_slug("Model"));
        assert!(!is_slug("a_b"));
        assert!(!is_slug(""));
        assert_eq!(
            slugify("Model \"{model}\" not found!"),
            "model-model-not-found"
        );
        assert_eq!(slugify("  C++ / Rust  "), "c-rust");
        assert_eq!(slugify("Ünïcode"), "n-code");
        assert_eq!(tag_slug("Ollama API"), "ollama-api");
        assert_eq!(tag_slug("日本語"), tag_slug(" 日本語 "));
        assert!(tag_slug("日本語").starts_with("tag-") && is_slug(&tag_slug("日本語")));
        assert_ne!(tag_slug("日本語"), tag_slug("中文"));
    }

    #[test]
    fn dates() {
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert!(Date::parse("2023-02-29").is_err());
        assert!(Date::parse("2023-13-01").is_err());
        assert!(Date::parse("2023-1-01").is_err());
        assert!(Date::parse("2023-04-31").is_err());
        assert_eq!(
            Date::parse("2026-11-27").unwrap().human(),
            "27 November 2026"
        );
    }

    proptest! {
        /// The ASCII shortcut gives what the Unicode rule gives.
        #[test]
        fn slugify_ascii_shortcut_agrees(s in "[\\x00-\\x7f]{0,40}") {
            prop_assert_eq!(slugify(&s), slugify_unicode(&s));
        }

        #[test]
        fn slugify_always_gives_a_slug_or_nothing(s in "\\PC{0,40}") {
            let slug = slugify(&s);
            prop_assert!(slug.is_empty() || is_slug(&slug));
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-'));
            prop_assert!(!slug.contains("--"));
        }
    }
}
