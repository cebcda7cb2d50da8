//! Tests of the regex engine under the highlighter (stage 4): the vendored
//! Oniguruma's set search, which kbgen changed (vendor/onig_sys/KBGEN.md),
//! must find what searching each regex on its own finds.
//!
//! giallo asks a set of regexes for the leftmost match from a position
//! (ties go to the earlier regex), once per token. The changed search keeps
//! where each regex could next match after a search that matched, and a
//! later search of the same text from there on starts from that. These
//! tests search the way a tokenizer does, move back, switch texts of the
//! same length and switch sets, and compare every answer with one regex at
//! a time, which never goes through the set search.

use onig::{RegSet, RegSetLead, Regex, RegexOptions, Region, SearchOptions, Syntax};
use proptest::prelude::*;

/// Regexes of the kinds Oniguruma optimises differently: a literal, a
/// literal at a bounded or unbounded distance, a character map, a line
/// anchor, a look-behind, `\G`, and one with no optimisation at all.
const PATTERNS: &[&str] = &[
    r"\bfn\b",
    r#""(?:[^"\\]|\\.)*""#,
    r"[A-Z][a-z]+",
    r"\d+(\.\d+)?",
    r"(?<=\.)(\w+)",
    r"^\s*#(.*)$",
    r"\G\s+",
    r"a.{0,3}b",
    r"x.*y",
    r"(?:ab|cd)+e",
    r"(b)(c)?\1",
    r"$",
];

/// The same with a catch-all last, so every position matches something.
const PATTERNS_WITH_ANY: &[&str] = &[r"ab", r"\.\w", r"c{2,}", r"(?<!a)b", r"."];

const OPTIONS: [SearchOptions; 3] = [
    SearchOptions::SEARCH_OPTION_NONE,
    SearchOptions::SEARCH_OPTION_NOT_BEGIN_POSITION,
    SearchOptions::SEARCH_OPTION_NOT_BEGIN_STRING,
];

/// A match: the index of the regex and the span of every group.
type Found = (usize, Vec<Option<(usize, usize)>>);

struct Engine {
    set: RegSet,
    each: Vec<Regex>,
}

impl Engine {
    fn new(patterns: &[&str]) -> Engine {
        let options = RegexOptions::REGEX_OPTION_CAPTURE_GROUP;
        Engine {
            set: RegSet::with_options(patterns, options).expect("patterns compile"),
            each: patterns
                .iter()
                .map(|p| Regex::with_options(p, options, Syntax::default()).expect("compiles"))
                .collect(),
        }
    }

    fn set_search(&self, text: &str, from: usize, options: SearchOptions) -> Option<Found> {
        let (index, caps) = self.set.captures_with_options(
            text,
            from,
            text.len(),
            RegSetLead::Position,
            options,
        )?;
        Some((index, (0..caps.len()).map(|i| caps.pos(i)).collect()))
    }

    /// The leftmost match of any regex searched alone; the earlier regex
    /// wins a tie.
    fn one_by_one(&self, text: &str, from: usize, options: SearchOptions) -> Option<Found> {
        let mut best: Option<(usize, Found)> = None;
        for (index, regex) in self.each.iter().enumerate() {
            let mut region = Region::new();
            let Some(at) =
                regex.search_with_options(text, from, text.len(), options, Some(&mut region))
            else {
                continue;
            };
            if best.as_ref().is_none_or(|(b, _)| at < *b) {
                let groups = (0..region.len()).map(|i| region.pos(i)).collect();
                best = Some((at, (index, groups)));
            }
        }
        best.map(|(_, found)| found)
    }
}

/// Tokenises `text` the way giallo does, from `from` to the end, checking
/// every search; returns the positions searched.
fn tokenise(engine: &Engine, text: &str, from: usize, options: SearchOptions) -> Vec<usize> {
    let mut searched = Vec::new();
    let mut pos = from;
    while pos <= text.len() {
        searched.push(pos);
        let got = engine.set_search(text, pos, options);
        assert_eq!(
            got,
            engine.one_by_one(text, pos, options),
            "{text:?} from {pos} with {options:?}"
        );
        let Some((_, groups)) = got else { break };
        let (_, end) = groups[0].expect("a match has a span");
        pos = if end > pos { end } else { next_char(text, pos) };
    }
    searched
}

fn next_char(text: &str, pos: usize) -> usize {
    text[pos..]
        .chars()
        .next()
        .map_or(text.len() + 1, |c| pos + c.len_utf8())
}

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("fn "),
            Just("a"),
            Just("b"),
            Just("c"),
            Just("e"),
            Just("x"),
            Just("y"),
            Just("\""),
            Just("\\"),
            Just("."),
            Just("#"),
            Just(" "),
            Just("Ab"),
            Just("7"),
            Just("3.1"),
            Just("é"),
            Just("\n"),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Token after token through a line, as the highlighter searches it.
    #[test]
    fn set_search_tokenising_a_line_agrees_with_each_regex_alone(t in text(), o in 0..3usize) {
        let engine = Engine::new(PATTERNS);
        tokenise(&engine, &t, 0, OPTIONS[o]);
        let engine = Engine::new(PATTERNS_WITH_ANY);
        tokenise(&engine, &t, 0, OPTIONS[o]);
    }

    /// After searching through a text, a search from an earlier position,
    /// a text of the same length with other bytes, the same bytes in
    /// another buffer, and another set in between.
    #[test]
    fn set_search_after_earlier_searches_agrees_with_each_regex_alone(
        t in text(),
        other in text(),
        back in 0..40usize,
        o in 0..3usize,
    ) {
        let engine = Engine::new(PATTERNS);
        let alt = Engine::new(PATTERNS_WITH_ANY);
        let options = OPTIONS[o];
        let searched = tokenise(&engine, &t, 0, options);

        // Back to an earlier position in the same text.
        let from = searched[back % searched.len()];
        tokenise(&engine, &t, from, options);

        // A text of the same length with other bytes, searched from where
        // the first search of `t` matched.
        let reversed: String = t.chars().rev().collect();
        let rotated: String = t.chars().skip(1).chain(t.chars().take(1)).collect();
        for same_len in [reversed, rotated] {
            let first = engine.set_search(&t, 0, options);
            assert_eq!(first, engine.one_by_one(&t, 0, options), "{t:?} from 0");
            let at = first.map_or(0, |(_, groups)| groups[0].map_or(0, |(start, _)| start));
            if same_len.is_char_boundary(at) {
                tokenise(&engine, &same_len, at, options);
            }
        }

        // The same bytes in a new buffer, with another set searched in
        // between.
        tokenise(&alt, &other, 0, options);
        let copy = t.clone();
        tokenise(&engine, &copy, 0, options);
        tokenise(&engine, &other, 0, options);
    }
}

/// Lines longer than the engine keeps a copy of still search correctly.
#[test]
fn set_search_on_a_long_line_agrees_with_each_regex_alone() {
    let line = "fn Abc 3.1 \"q\\\"x\" .name # x a--b xcdy ".repeat(60);
    assert!(line.len() > 1024);
    tokenise(
        &Engine::new(PATTERNS),
        &line,
        0,
        SearchOptions::SEARCH_OPTION_NONE,
    );
}
