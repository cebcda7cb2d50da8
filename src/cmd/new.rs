//! `kbgen new CATEGORY "TEXT"`: scaffold an entry with every section.

use std::path::Path;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::cli::NewArgs;
use crate::error::Error;
use crate::model::slug::{is_slug, slugify};

/// Longest slug derived from the text.
const MAX_SLUG: usize = 60;

/// Runs `new`.
pub fn run(root: &Path, args: NewArgs) -> anyhow::Result<ExitCode> {
    if !root.join("kbgen.toml").is_file() {
        return Err(Error::NotAKb(root.to_path_buf()).into());
    }
    if !is_slug(&args.category) {
        return Err(Error::Usage(format!(
            "category `{}` is not a slug; use lowercase letters, digits and `-`, e.g. `{}`",
            args.category,
            slugify(&args.category)
        ))
        .into());
    }
    let slug = short_slug(&args.text);
    if slug.is_empty() {
        return Err(Error::Usage(
            "the text has no letters or digits to make a file name from".into(),
        )
        .into());
    }
    let dir = root.join("content").join(&args.category);
    for ext in ["md", "yaml"] {
        let p = dir.join(format!("{slug}.{ext}"));
        if p.exists() {
            return Err(Error::Exists(p).into());
        }
    }
    let path = dir.join(format!("{slug}.md"));
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("creating", &dir, e))?;
    std::fs::write(&path, scaffold(&args.text, &today()))
        .map_err(|e| Error::io("writing", &path, e))?;
    println!("created content/{}/{slug}.md", args.category);
    println!("next: fill in every section, then run `kbgen check`");
    Ok(ExitCode::SUCCESS)
}

/// A slug of at most [`MAX_SLUG`] characters, cut at a word boundary.
fn short_slug(text: &str) -> String {
    let full = slugify(text);
    if full.len() <= MAX_SLUG {
        return full;
    }
    let cut = full[..MAX_SLUG].rfind('-').unwrap_or(MAX_SLUG);
    full[..cut].to_string()
}

fn yaml_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn scaffold(text: &str, date: &str) -> String {
    let t = yaml_quote(text.trim());
    format!(
        r#"---
title: {t}
description: 'TODO: one sentence on what this error is and what fixes it (at most 160 characters).'
signatures:
  # The error exactly as the tool prints it; mark varying parts as {{name}}.
  - {t}
updated: {date}
quick_fix: 'TODO: the one change that fixes it most often.'
tags: []
why: |
  TODO: why the tool prints this error.
causes:
  - 'TODO: a common cause.'
fixes:
  - 'TODO: a fix, with the command to run.'
checks:
  - 'TODO: a check specific to a platform or tool version.'
steps:
  - 'TODO: the first thing to look at.'
prevention:
  - 'TODO: how to avoid it next time.'
sources:
  - title: 'TODO: the page that documents this error'
    url: https://example.org/
    note: 'TODO: what this source shows.'
related: []
faq:
  - q: 'TODO: a question readers ask?'
    a: 'TODO: the answer.'
---
TODO: what this error means, in two or three sentences.
"#
    )
}

/// Today's date (UTC) as `YYYY-MM-DD`.
fn today() -> String {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(20_784), (2026, 11, 27));
    }

    #[test]
    fn slugs_are_cut_at_words() {
        let s = short_slug(
            "Only proxy admin can be used to generate, delete, update info for new keys/users/teams",
        );
        assert!(s.len() <= MAX_SLUG && !s.ends_with('-'), "{s}");
    }
}
