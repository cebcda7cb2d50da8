//! Lookup, text side: the normal form both pasted text and signatures are
//! compared in, and the tokens partial matching counts.
//!
//! Every rule here is mirrored character for character by
//! `theme/static/search.js`; `tests/lookup_vectors.json` checks both agree.
//!
//! - NFC first, then case-fold each character on its own with
//!   `char::to_lowercase` (JS: `String.prototype.toLowerCase` on one code
//!   point), then `ς` → `σ`. Folding per character keeps the fold free of
//!   context (no final-sigma rule), so a literal folds the same inside a
//!   signature and inside a paste.
//! - Whitespace is [`is_space`]; every run of it becomes one space and the
//!   ends are trimmed, so a multi-line paste becomes one line.
//! - A token is a maximal run of [`is_token_char`]; only tokens of two or more
//!   characters that are not all digits count ([`keeps_token`]).

use unicode_normalization::UnicodeNormalization;

/// Whitespace for normalisation: Unicode `White_Space` plus U+FEFF, which
/// is exactly what JavaScript's `\s` matches except U+0085 (added there).
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// Characters tokens are made of: Unicode `Alphabetic`, `N*` numbers and
/// `_` (JS: `[\p{Alphabetic}\p{N}_]`).
pub fn is_token_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether a token takes part in scoring: two characters or more, and not a
/// number (numbers in logs are times, ports and ids, not words).
pub fn keeps_token(t: &str) -> bool {
    let mut chars = t.chars();
    chars.next().is_some() && chars.next().is_some() && !t.chars().all(char::is_numeric)
}

/// Pushes the case fold of `c` onto `out`.
fn fold_into(c: char, out: &mut String) {
    for l in c.to_lowercase() {
        out.push(if l == 'ς' { 'σ' } else { l });
    }
}

/// Normalises a signature literal or a short text: NFC, fold, whitespace
/// runs to one space. Ends are not trimmed (a literal's edge spaces matter).
pub fn normalise_part(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    if s.is_ascii() {
        // ASCII is its own NFC, and its case fold is ASCII lowercase.
        for b in s.bytes() {
            if char::from(b).is_whitespace() {
                space = true;
                continue;
            }
            if space {
                out.push(' ');
                space = false;
            }
            out.push(char::from(b.to_ascii_lowercase()));
        }
        if space {
            out.push(' ');
        }
        return out;
    }
    normalise_part_unicode(s)
}

/// [`normalise_part`] for any text.
fn normalise_part_unicode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfc() {
        if is_space(c) {
            space = true;
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        fold_into(c, &mut out);
    }
    if space {
        out.push(' ');
    }
    out
}

/// Normalises a whole text: [`normalise_part`] with both ends trimmed.
pub fn normalise(s: &str) -> String {
    normalise_part(s).trim_matches(' ').to_string()
}

/// A pasted text in normal form, with the way back to what was pasted so
/// matched placeholder values can be shown as written.
#[derive(Debug, Clone)]
pub struct Folded {
    /// The text after NFC only (what values are cut from).
    pub original: String,
    /// The normal form that matching runs on.
    pub text: String,
    /// For each byte offset of `text` that starts a character, and for
    /// `text.len()`, the byte offset in `original` of the character it came
    /// from (other offsets hold the value of the character's start).
    map: Vec<usize>,
}

impl Folded {
    /// Normalises `s`, remembering where each character came from.
    pub fn new(s: &str) -> Folded {
        let original: String = s.nfc().collect();
        let mut text = String::with_capacity(original.len());
        let mut map = Vec::with_capacity(original.len() + 1);
        let mut pending_space: Option<usize> = None;
        for (at, c) in original.char_indices() {
            if is_space(c) {
                pending_space.get_or_insert(at);
                continue;
            }
            if let Some(sp) = pending_space.take().filter(|_| !text.is_empty()) {
                text.push(' ');
                map.push(sp);
            }
            let before = text.len();
            fold_into(c, &mut text);
            map.resize(text.len(), at);
            debug_assert!(text.len() > before);
        }
        map.push(original.len());
        Folded {
            original,
            text,
            map,
        }
    }

    /// The pasted text behind `text[start..end]`, trimmed.
    pub fn source(&self, start: usize, end: usize) -> &str {
        let end_src = if end >= self.text.len() {
            self.original.len()
        } else {
            self.map[end]
        };
        self.original[self.map[start]..end_src].trim_matches(is_space)
    }
}

/// The tokens of normalised text, in order, repeats kept, unfiltered.
pub fn raw_tokens(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        while rest.next_if(|&(_, c)| !is_token_char(c)).is_some() {}
        let (start, _) = *rest.peek()?;
        let mut end = start;
        while let Some((i, c)) = rest.next_if(|&(_, c)| is_token_char(c)) {
            end = i + c.len_utf8();
        }
        Some((start, &text[start..end]))
    })
}

/// The distinct scoring tokens of normalised text, sorted.
pub fn token_set(text: &str) -> Vec<&str> {
    let mut v: Vec<&str> = raw_tokens(text)
        .map(|(_, t)| t)
        .filter(|t| keeps_token(t))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The ASCII shortcut gives what NFC and per-character folding give.
        #[test]
        fn normalise_part_ascii_shortcut_agrees(s in "[\\x00-\\x7f]{0,40}") {
            prop_assert_eq!(normalise_part(&s), normalise_part_unicode(&s));
        }
    }

    #[test]
    fn normal_form_is_nfc_folded_one_line() {
        assert_eq!(
            normalise("  Model \"Llama3\"\n\t NOT   found  "),
            "model \"llama3\" not found"
        );
        assert_eq!(normalise("Cafe\u{301} ÄÖ"), "café äö");
        assert_eq!(normalise("ΟΔΟΣ"), "οδοσ");
        assert_eq!(normalise("a\u{feff}\u{3000}b"), "a b");
    }

    #[test]
    fn parts_keep_edge_spaces() {
        assert_eq!(normalise_part("model \""), "model \"");
        assert_eq!(normalise_part("\"  not\nfound "), "\" not found ");
    }

    #[test]
    fn folded_maps_back_to_what_was_pasted() {
        let f = Folded::new("  Model  \"Llama3:8B\" NOT found");
        assert_eq!(f.text, "model \"llama3:8b\" not found");
        let start = f.text.find("llama").unwrap();
        let end = start + "llama3:8b".len();
        assert_eq!(f.source(start, end), "Llama3:8B");
        assert_eq!(f.source(0, f.text.len()), "Model  \"Llama3:8B\" NOT found");
    }

    #[test]
    fn folded_text_equals_normalise() {
        for s in ["İstanbul  ΣΑΣ\n x", "\u{feff} a", "e\u{301}\u{301}", ""] {
            assert_eq!(Folded::new(s).text, normalise(s), "{s:?}");
        }
    }

    #[test]
    fn tokens_are_words_and_identifiers() {
        let toks: Vec<&str> = raw_tokens("error[e0382]: `my_var` ok.x--y")
            .map(|t| t.1)
            .collect();
        assert_eq!(toks, vec!["error", "e0382", "my_var", "ok", "x", "y"]);
        assert_eq!(
            token_set("at 12:30 port 8080 a ab ab ünï"),
            vec!["ab", "at", "port", "ünï"]
        );
    }
}
