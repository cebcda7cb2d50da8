//! Lookup, full matching: a signature compiled once into normalised literal
//! parts, matched against a normalised text in one left-to-right pass.
//!
//! A full match needs every literal, in order, with at least one character
//! between two literals (the placeholder's value) and before the first or
//! after the last literal when the signature starts or ends with a
//! placeholder. Taking the leftmost occurrence of each literal after the
//! previous one is optimal (any match can be shifted left onto it), so one
//! `find` per literal decides the match: linear in the text.

use crate::lookup::text::{is_token_char, keeps_token, normalise_part};
use crate::model::{Part, Signature};

/// A signature ready to match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// Normalised literals, in order (never empty strings).
    pub literals: Vec<String>,
    /// The signature starts with a placeholder.
    pub lead: bool,
    /// The signature ends with a placeholder.
    pub trail: bool,
    /// Characters (Unicode scalar values) in all literals: the full-match score.
    pub chars: u32,
}

/// Where a full match put each literal: byte ranges in the normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spans(pub Vec<(usize, usize)>);

impl Pattern {
    /// Compiles a signature. Whitespace at the signature's two ends is
    /// dropped, like in a normalised text.
    pub fn compile(sig: &Signature) -> Pattern {
        let n = sig.parts.len();
        let mut literals = Vec::new();
        for (i, part) in sig.parts.iter().enumerate() {
            if let Part::Lit(s) = part {
                let mut lit = normalise_part(s);
                if i == 0 {
                    lit = lit.trim_start_matches(' ').to_string();
                }
                if i + 1 == n {
                    lit.truncate(lit.trim_end_matches(' ').len());
                }
                if !lit.is_empty() {
                    literals.push(lit);
                }
            }
        }
        let lead = !matches!(sig.parts.first(), Some(Part::Lit(s)) if !s.trim().is_empty());
        let trail = !matches!(sig.parts.last(), Some(Part::Lit(s)) if !s.trim().is_empty());
        let chars = literals.iter().map(|l| l.chars().count() as u32).sum();
        Pattern {
            literals,
            lead,
            trail,
            chars,
        }
    }

    /// The leftmost full match in normalised `text`, if any.
    pub fn find(&self, text: &str) -> Option<Spans> {
        let mut spans = Vec::with_capacity(self.literals.len());
        let mut from = if self.lead { next_char(text, 0)? } else { 0 };
        for lit in &self.literals {
            if let Some(&(_, end)) = spans.last() {
                from = next_char(text, end)?;
            }
            let at = from + text.get(from..)?.find(lit.as_str())?;
            spans.push((at, at + lit.len()));
        }
        if self.trail && spans.last().is_some_and(|&(_, e)| e >= text.len()) {
            return None;
        }
        Some(Spans(spans))
    }

    /// Moves each literal of a match as far right as it can go before the
    /// next one, so placeholder values are the shortest runs (for display;
    /// the score does not change). Linear: each search covers the gap only.
    pub fn tighten(&self, text: &str, mut spans: Spans) -> Spans {
        for i in (0..spans.0.len().saturating_sub(1)).rev() {
            let lit = &self.literals[i];
            let limit = prev_char(text, spans.0[i + 1].0);
            let lo = spans.0[i].0;
            if let Some(at) = text[lo..limit].rfind(lit.as_str()) {
                spans.0[i] = (lo + at, lo + at + lit.len());
            }
        }
        spans
    }

    /// Tokens that any text holding a full match must contain as whole
    /// tokens: scoring tokens inside a literal with a non-token character
    /// on both sides within that literal.
    pub fn anchor_tokens(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for lit in &self.literals {
            let mut start = None;
            let mut prev_sep = false;
            for (i, c) in lit.char_indices() {
                match (is_token_char(c), start) {
                    (true, None) => start = prev_sep.then_some(i),
                    (false, Some(s)) => {
                        let t = &lit[s..i];
                        if keeps_token(t) {
                            out.push(t);
                        }
                        start = None;
                    }
                    _ => {}
                }
                prev_sep = !is_token_char(c);
            }
        }
        out
    }
}

/// Byte offset of the character after the one at `at`, or `None` at the end.
fn next_char(text: &str, at: usize) -> Option<usize> {
    text.get(at..)?.chars().next().map(|c| at + c.len_utf8())
}

/// Byte offset of the character before `at` (placeholders need one).
fn prev_char(text: &str, at: usize) -> usize {
    text[..at]
        .chars()
        .next_back()
        .map_or(0, |c| at - c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lookup::text::{normalise, token_set};
    use proptest::prelude::*;

    fn pat(s: &str) -> Pattern {
        Pattern::compile(&Signature::parse(s).unwrap())
    }

    fn matches(sig: &str, text: &str) -> bool {
        pat(sig).find(&normalise(text)).is_some()
    }

    #[test]
    fn compiles_to_normalised_literals() {
        let p = pat("  Model \"{model}\"  not found, try pulling it first ");
        assert_eq!(
            p.literals,
            vec!["model \"", "\" not found, try pulling it first"]
        );
        assert!(!p.lead && !p.trail);
        assert_eq!(p.chars, 7 + 33);
        let p = pat("{path}: exec format error");
        assert!(p.lead && !p.trail);
    }

    #[test]
    fn placeholders_need_at_least_one_character() {
        assert!(matches("model \"{m}\" not found", "Model \"x\" not found"));
        assert!(!matches("model \"{m}\" not found", "model \"\" not found"));
        assert!(matches("{p}: exec format error", "x: exec format error"));
        assert!(!matches("{p}: exec format error", ": exec format error"));
        assert!(!matches("exec format error: {p}", "exec format error:"));
        assert!(matches(
            "exec format error: {p}",
            "exec format error: /bin/sh"
        ));
    }

    #[test]
    fn placeholders_take_spaces_and_lines() {
        assert!(matches(
            "dial tcp {addr}: connect: connection refused",
            "dial tcp [::1]:5432\n  (retrying): connect: Connection refused"
        ));
    }

    #[test]
    fn literals_must_be_in_order() {
        assert!(!matches("first {x} second", "second x first"));
        assert!(matches("a b {x} c d", "zz a b c d a b q c d"));
    }

    #[test]
    fn tighten_gives_shortest_values() {
        let p = pat("model \"{m}\" not found");
        let t = normalise("model \"a\" ok; model \"b\" not found");
        let s = p.tighten(&t, p.find(&t).unwrap());
        let (a, b) = (s.0[0].1, s.0[1].0);
        assert_eq!(&t[a..b], "b");
    }

    #[test]
    fn anchors_are_inner_tokens_only() {
        let p = pat("exec {path}: exec format error");
        assert_eq!(p.anchor_tokens(), vec!["exec", "format"]);
        assert!(pat("CrashLoopBackOff").anchor_tokens().is_empty());
        assert_eq!(
            pat("a {x} failed to 8080 go {y}").anchor_tokens(),
            vec!["failed", "to", "go"]
        );
    }

    proptest! {
        /// Any signature matches any text holding an instantiation of it,
        /// and such a text always holds its anchor tokens (the browser only
        /// fetches candidates by anchor).
        #[test]
        fn instantiations_match_and_hold_their_anchors(
            lits in proptest::collection::vec("[a-zA-Z0-9 .:'\"()\\[\\]_ÄéΣ-]{1,12}", 1..5),
            lead in any::<bool>(),
            trail in any::<bool>(),
            vals in proptest::collection::vec("[a-z0-9_./:@é-]([a-zA-Z0-9 _./:@Ü-]{0,10}[a-z0-9_./:@é-])?", 6),
            pre in "[a-z0-9 :-]{0,10}",
            post in "[a-z0-9 :\n-]{0,10}",
        ) {
            let raw = format!("{}{}{}", if lead { "{a} " } else { "" }, lits.join("{v}"), if trail { " {z}" } else { "" });
            let Ok(sig) = Signature::parse(&raw) else { return Ok(()) };
            let mut vi = vals.iter().cycle();
            let inst: String = sig.parts.iter().map(|p| match p {
                Part::Lit(l) => l.clone(),
                Part::Var(_) => vi.next().unwrap().clone(),
            }).collect();
            let text = normalise(&format!("{pre} {inst} {post}"));
            let p = Pattern::compile(&sig);
            prop_assert!(p.find(&text).is_some(), "{raw:?} in {text:?}");
            let toks = token_set(&text);
            for a in p.anchor_tokens() {
                prop_assert!(toks.contains(&a), "anchor {a:?} of {raw:?} not a token of {text:?}");
            }
        }
    }
}
