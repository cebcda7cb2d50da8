//! Stage 2 support: front matter of the everyday shape read line by line,
//! without a YAML parser. Entries are block mappings of word keys whose
//! values are one-line scalars, `|` blocks, one-line `[...]` lists and
//! lists of such values or of mappings. That shape is read here in one pass
//! over the text, several times faster than granit-parser's scanner, which
//! looks at each character through a general state machine.
//!
//! Whatever this reader is not sure of it declines (`None`), and the caller
//! falls back to the event route and then to serde-saphyr, which stays the
//! reference for results, positions and every error: tabs, anchors, tags,
//! flow mappings, folded or indented block headers, multi-line plain or
//! quoted scalars, empty values, unusual escapes and keys, and control
//! characters all go that way. The tests check that what this reader does
//! accept gives exactly serde-saphyr's nodes and positions.

use std::borrow::Cow;

use granit_parser::ScalarStyle;

use super::Node;
use super::fast::{MAX_DEPTH, MAX_KEYS, MAX_TEXT, scalar, surely_string};
use crate::source::{Located, Pos};

/// Reads `text` if it is all of the everyday shape; `None` otherwise.
pub(super) fn parse(text: &str) -> Option<Located<Node>> {
    if text.len() > MAX_TEXT || !printable(text) {
        return None;
    }
    let mut doc = Doc::new(text);
    doc.skip_blank()?;
    if doc.at_end() || doc.indent(doc.at) != 0 {
        return None;
    }
    let root = doc.map(0)?;
    doc.skip_blank()?;
    doc.at_end().then_some(root)
}

/// Whether the text has no character that YAML forbids or reads as a line
/// break: controls other than tab and line feed (carriage returns too),
/// DEL, the C1 controls (NEL among them), U+2028/U+2029, U+FEFF, U+FFFE
/// and U+FFFF. Anything like that is left to the parsers. Runs of printable
/// ASCII are passed 64 bytes at a time.
fn printable(text: &str) -> bool {
    let b = text.as_bytes();
    let mut start = 0;
    while start < b.len() {
        let end = (start + 64).min(b.len());
        let ascii = b[start..end].iter().fold(true, |ok, &c| {
            ok & ((0x20..0x7f).contains(&c) | (c == b'\n') | (c == b'\t'))
        });
        if !ascii && !(start..end).all(|i| allowed(b, i)) {
            return false;
        }
        start = end;
    }
    true
}

/// Whether byte `i` of `b` may stand where it is (see [`printable`]).
fn allowed(b: &[u8], i: usize) -> bool {
    match b[i] {
        b'\n' | b'\t' | 0x20..=0x7e | 0x80..=0xc1 | 0xc3..=0xe1 | 0xe3..=0xee | 0xf0.. => true,
        0xc2 => !matches!(b.get(i + 1), Some(0x80..=0x9f)),
        0xe2 => !(b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xa8 | 0xa9))),
        0xef => !matches!(
            (b.get(i + 1), b.get(i + 2)),
            (Some(0xbb), Some(0xbf)) | (Some(0xbf), Some(0xbe | 0xbf))
        ),
        _ => false,
    }
}

/// The document split into lines, and the line being read.
struct Doc<'a> {
    text: &'a str,
    /// Byte range of each line, without its line feed.
    lines: Vec<(usize, usize)>,
    /// Index of the current line.
    at: usize,
    /// Open mappings and sequences.
    depth: usize,
}

impl<'a> Doc<'a> {
    fn new(text: &'a str) -> Self {
        let mut lines = Vec::with_capacity(text.len() / 40 + 1);
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
            lines.push((start, end));
            start = end + 1;
        }
        if start < text.len() {
            lines.push((start, text.len()));
        }
        Doc {
            text,
            lines,
            at: 0,
            depth: 0,
        }
    }

    fn line(&self, k: usize) -> &'a str {
        let (s, e) = self.lines[k];
        &self.text[s..e]
    }

    fn at_end(&self) -> bool {
        self.at >= self.lines.len()
    }

    /// Leading spaces of line `k`.
    fn indent(&self, k: usize) -> usize {
        spaces(self.line(k))
    }

    /// Moves past empty, blank and comment lines. A tab where indentation
    /// ends is left to the parsers.
    fn skip_blank(&mut self) -> Option<()> {
        while !self.at_end() {
            let line = self.line(self.at);
            match line.as_bytes().get(spaces(line)) {
                None | Some(b'#') => self.at += 1,
                Some(b'\t') => return None,
                Some(_) => break,
            }
        }
        Some(())
    }

    /// Whether line `k` is a sequence item (`- `) at column `ind`.
    fn is_item(&self, k: usize, ind: usize) -> bool {
        let b = self.line(k).as_bytes();
        b.get(ind) == Some(&b'-') && matches!(b.get(ind + 1), None | Some(b' '))
    }

    /// The position of byte `off` of line `k`, in characters.
    fn pos(&self, k: usize, off: usize) -> Pos {
        let before = &self.line(k)[..off];
        let col = if before.is_ascii() {
            off
        } else {
            before.chars().count()
        };
        Pos::new(k as u32 + 1, col as u32 + 1)
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// A block mapping whose keys are at column `n`, starting with the key
    /// at column `n` of the current line (which may follow a `- `).
    fn map(&mut self, n: usize) -> Option<Located<Node>> {
        self.enter()?;
        let start = self.pos(self.at, n);
        let mut items: Vec<(Located<String>, Located<Node>)> = Vec::new();
        loop {
            if !items.is_empty() {
                self.skip_blank()?;
                if self.at_end() || self.indent(self.at) < n {
                    break;
                }
                if self.indent(self.at) > n {
                    return None;
                }
            }
            let rest = &self.line(self.at)[n..];
            let len = key_len(rest)?;
            let name = &rest[..len];
            if !surely_string(name)
                || items.len() >= MAX_KEYS
                || items.iter().any(|(k, _)| k.value == name)
            {
                return None;
            }
            let key = Located::new(name.to_owned(), self.pos(self.at, n));
            let value = self.value(n + len + 1, n, true)?;
            items.push((key, value));
        }
        self.depth -= 1;
        Some(Located::new(Node::Map(items), start))
    }

    /// A block sequence whose `- ` marks are at column `m`, starting on the
    /// current line. One written at its parent key's column (`indentless`)
    /// is placed where its first item starts, any other at its first `-`.
    fn seq(&mut self, m: usize, indentless: bool) -> Option<Located<Node>> {
        self.enter()?;
        let mut start = None;
        let mut items = Vec::new();
        loop {
            if start.is_some() {
                self.skip_blank()?;
                if self.at_end() || self.indent(self.at) < m {
                    break;
                }
                if self.indent(self.at) > m {
                    return None;
                }
                if !self.is_item(self.at, m) {
                    break;
                }
            }
            let line = self.line(self.at);
            let off = m + 1 + spaces(&line[m + 1..]);
            if off == m + 1 || off == line.len() {
                // `-` alone, or followed by a tab or by nothing.
                return None;
            }
            let here = if indentless { off } else { m };
            start.get_or_insert(self.pos(self.at, here));
            let item = if is_key(&line[off..]) {
                self.map(off)?
            } else {
                self.value(m + 1, m, false)?
            };
            items.push(item);
        }
        self.depth -= 1;
        Some(Located::new(Node::Seq(items), start?))
    }

    /// The value that follows byte `from` of the current line (after a key's
    /// `:` or an item's `-`), for a parent at column `parent`. Leaves the
    /// current line on the first line after the value.
    fn value(&mut self, from: usize, parent: usize, in_map: bool) -> Option<Located<Node>> {
        let line = self.line(self.at);
        let off = from + spaces(&line[from..]);
        let rest = &line[off..];
        if off == from && !rest.is_empty() {
            // `key:x` is not a key, and a tab is left to the parsers.
            return None;
        }
        match rest.as_bytes().first() {
            None | Some(b'#') if in_map => self.nested(parent),
            None | Some(b'#') => None,
            Some(b'|') => self.literal(off, parent),
            Some(b'\'' | b'"' | b'[') => {
                let (node, end) = self.inline(off)?;
                tail(&line[end..]).then(|| self.at += 1)?;
                Some(node)
            }
            Some(c) if b"-?:,]{}&*!%@`>\t".contains(c) => None,
            Some(_) => {
                let node = self.plain(off)?;
                self.at += 1;
                Some(node)
            }
        }
    }

    /// A key's value written on the lines below it: a mapping or sequence
    /// indented under it, or a sequence at the key's own column. An empty
    /// value (null) is left to the parsers.
    fn nested(&mut self, n: usize) -> Option<Located<Node>> {
        self.at += 1;
        self.skip_blank()?;
        if self.at_end() {
            return None;
        }
        let ind = self.indent(self.at);
        let item = self.is_item(self.at, ind);
        match ind {
            _ if ind == n && item => self.seq(ind, true),
            _ if ind > n && item => self.seq(ind, false),
            _ if ind > n => self.map(ind),
            _ => None,
        }
    }

    /// A one-line plain scalar at byte `off` of the current line, up to a
    /// comment. One that goes on to the next line is declined by the
    /// caller, which finds that line indented more than it expects.
    fn plain(&self, off: usize) -> Option<Located<Node>> {
        let rest = &self.line(self.at)[off..];
        let text = match memchr::memmem::find(rest.as_bytes(), b" #") {
            Some(k) => &rest[..k],
            None => rest,
        }
        .trim_end_matches(' ');
        if text.contains('\t') || text.contains(": ") || text.ends_with(':') {
            return None;
        }
        let node = scalar(Cow::Borrowed(text), ScalarStyle::Plain)?;
        Some(Located::new(node, self.pos(self.at, off)))
    }

    /// A quoted scalar or a flow list of them, starting at byte `off` of
    /// the current line and closed on it; with the byte after its end.
    fn inline(&self, off: usize) -> Option<(Located<Node>, usize)> {
        let rest = &self.line(self.at)[off..];
        let (node, len) = match rest.as_bytes()[0] {
            b'\'' => single_quoted(rest)?,
            b'"' => double_quoted(rest)?,
            _ => return self.flow_seq(off),
        };
        Some((
            Located::new(Node::Str(node), self.pos(self.at, off)),
            off + len,
        ))
    }

    /// `[a, 'b', "c"]` on one line: quoted or plain scalars, no nesting,
    /// no trailing comma.
    fn flow_seq(&self, off: usize) -> Option<(Located<Node>, usize)> {
        let line = self.line(self.at);
        let mut items = Vec::new();
        let mut k = off + 1;
        loop {
            k += spaces(&line[k..]);
            let b = line.as_bytes();
            if items.is_empty() && b.get(k) == Some(&b']') {
                break;
            }
            let rest = &line[k..];
            let (node, len) = match b.get(k)? {
                b'\'' => single_quoted(rest).map(|(s, n)| (Node::Str(s), n))?,
                b'"' => double_quoted(rest).map(|(s, n)| (Node::Str(s), n))?,
                _ => flow_plain(rest)?,
            };
            items.push(Located::new(node, self.pos(self.at, k)));
            k += len;
            k += spaces(&line[k..]);
            match b.get(k)? {
                b',' => k += 1,
                b']' => break,
                _ => return None,
            }
        }
        Some((
            Located::new(Node::Seq(items), self.pos(self.at, off)),
            k + 1,
        ))
    }

    /// A `|` or `|-` block at byte `off` of the current line, under a parent
    /// at column `parent`. Placed where its first line of text starts.
    fn literal(&mut self, off: usize, parent: usize) -> Option<Located<Node>> {
        let header = &self.line(self.at)[off + 1..];
        let strip = header.starts_with('-');
        if !tail(&header[usize::from(strip)..]) {
            return None;
        }
        self.at += 1;
        if self.at_end() {
            return None;
        }
        let first = self.line(self.at);
        let m = spaces(first);
        // Blank lines before the text, text not indented under the parent,
        // or a tab where the indentation ends: left to the parsers.
        if m <= parent || matches!(first.as_bytes().get(m), None | Some(b'\t')) {
            return None;
        }
        let start = self.pos(self.at, m);
        let mut text = String::new();
        let mut blank = 0;
        while !self.at_end() {
            let line = self.line(self.at);
            let ind = spaces(line);
            if ind == line.len() {
                if ind > m {
                    return None;
                }
                blank += 1;
            } else if ind < m {
                break;
            } else {
                (0..blank).for_each(|_| text.push('\n'));
                blank = 0;
                text.push_str(&line[m..]);
                text.push('\n');
            }
            self.at += 1;
        }
        if strip {
            text.pop();
        }
        // Entries keep their strings for the whole build: no spare capacity.
        text.shrink_to_fit();
        Some(Located::new(Node::Str(text), start))
    }
}

/// Leading spaces of `s`.
fn spaces(s: &str) -> usize {
    s.bytes().take_while(|&b| b == b' ').count()
}

/// What may follow a value on its line: spaces, then a comment or nothing.
fn tail(rest: &str) -> bool {
    let after = rest.trim_start_matches(' ');
    after.is_empty() || (after.len() < rest.len() && after.starts_with('#'))
}

/// Longest key read here (YAML allows 1,024 characters for a key written
/// without `?`; the parsers say so).
const MAX_KEY: usize = 128;

/// Length of the word key that starts `s` if a `:` and a space or the end of
/// the line follow it: ASCII letters, digits, `_`, `-` and `.`, starting
/// with a letter or `_`.
fn key_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if !(b.first()?.is_ascii_alphabetic() || b[0] == b'_') {
        return None;
    }
    let len = b
        .iter()
        .take_while(|&&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
        .count();
    let colon = b.get(len) == Some(&b':') && matches!(b.get(len + 1), None | Some(b' '));
    (colon && len <= MAX_KEY).then_some(len)
}

/// Whether `s` starts with a word key and its `:`.
fn is_key(s: &str) -> bool {
    key_len(s).is_some()
}

/// `'...'` closed on its line (`''` is a quote): the text and the length
/// written, quotes included.
fn single_quoted(s: &str) -> Option<(String, usize)> {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut from = 1;
    let mut k = 1;
    while k < b.len() {
        if b[k] == b'\'' {
            out.push_str(&s[from..k]);
            if b.get(k + 1) != Some(&b'\'') {
                out.shrink_to_fit();
                return Some((out, k + 1));
            }
            out.push('\'');
            k += 2;
            from = k;
        } else {
            k += 1;
        }
    }
    None
}

/// `"..."` closed on its line, with the escapes `\\ \" \/ \n \t \r \0`
/// (any other is left to the parsers): the text and the length written.
fn double_quoted(s: &str) -> Option<(String, usize)> {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut from = 1;
    let mut k = 1;
    while k < b.len() {
        match b[k] {
            b'"' => {
                out.push_str(&s[from..k]);
                out.shrink_to_fit();
                return Some((out, k + 1));
            }
            b'\\' => {
                out.push_str(&s[from..k]);
                out.push(match b.get(k + 1)? {
                    b'\\' => '\\',
                    b'"' => '"',
                    b'/' => '/',
                    b'n' => '\n',
                    b't' => '\t',
                    b'r' => '\r',
                    b'0' => '\0',
                    _ => return None,
                });
                k += 2;
                from = k;
            }
            _ => k += 1,
        }
    }
    None
}

/// A plain scalar inside `[...]`: up to `,` or `]`, without indicators,
/// comments or `:` anywhere; with its length before the trailing spaces.
fn flow_plain(s: &str) -> Option<(Node, usize)> {
    let end = s.find([',', ']'])?;
    let text = s[..end].trim_end_matches(' ');
    let first = *text.as_bytes().first()?;
    if b"-?:,[]{}#&*!|>'\"%@`".contains(&first) || text.contains(['[', '{', '}', '#', ':', '\t']) {
        return None;
    }
    Some((scalar(Cow::Borrowed(text), ScalarStyle::Plain)?, text.len()))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_saphyr::Spanned;

    use super::*;

    /// serde-saphyr's reading of `text`, the reference.
    fn reference(text: &str) -> Option<Located<Node>> {
        serde_saphyr::from_str_with_options::<Spanned<Node>>(text, super::super::options())
            .ok()
            .map(super::super::locate)
    }

    /// Whether this route read `text`; an error if it read it differently
    /// from serde-saphyr (compared through `Debug`, so NaN equals NaN).
    fn agrees(text: &str) -> Result<bool, String> {
        let Some(node) = parse(text) else {
            return Ok(false);
        };
        let Some(serde) = reference(text) else {
            return Err(format!("accepted what serde-saphyr rejects:\n{text}"));
        };
        if format!("{node:?}") != format!("{serde:?}") {
            return Err(format!(
                "differs for:\n{text}\nblock: {node:?}\nserde: {serde:?}"
            ));
        }
        Ok(true)
    }

    #[test]
    fn reads_the_everyday_shapes_as_serde_saphyr_does() {
        for text in [
            "title: 'It''s here'\ntags: [a, 'b c', \"d\"]\n",
            "a: x # note\nb: \"q\\\"\\\\\\n\\t/\"\n# between\nc: a#b\n",
            "list:\n- one\n-   'two'\n- [x]\n- |\n  text\nnext: 1.5\n",
            "list:\n    - k: v\n      l: |-\n        t\n\n          u\n\n    - m: 2024-05-01\n",
            "deep:\n  inner:\n    more: é\n  back: [ é ,  ü ]\nend: true\n",
            "code: |\n  func() {\n  \tx := 1\n  }\n  # not a comment\n\nafter: ~\n",
            "last: |\n  no final newline",
            "   # leading comment\n\nfirst: x   \n",
            "a:\n  - b\n  # inside\n  - c\n",
            "k: |  # c\n   x\n",
        ] {
            assert_eq!(agrees(text), Ok(true), "{text}");
        }
    }

    #[test]
    fn declines_what_it_is_not_sure_of() {
        for text in [
            "a: >\n  folded\n",
            "a: |+\n  kept\n\n",
            "a: |2\n   x\n",
            "a: |\n\n  leading blank\n",
            "a: |\nb: 1\n",
            "a:\n  - |\n  - x\n",
            "a: |\n  x\n     \n",
            "a: 'two\n  lines'\n",
            "a: plain\n  continued\n",
            "a: \"\\x41\"\n",
            "a: {b: c}\n",
            "a: [b, ]\n",
            "a: [[b]]\n",
            "a:\n",
            "a:\nb: 1\n",
            "a: b: c\n",
            "a:\tb\n",
            "\ta: b\n",
            "a: b\r\nc: d\r\n",
            "a: b\u{85}\n",
            "\u{feff}a: b\n",
            "- a\n",
            "  a: b\n",
            "a:\n  - - b\n",
            "a:\n  -\n    b: c\n",
            "'a': b\n",
            "a b: c\n",
            "yes: x\n",
            "a: x\n---\nb: y\n",
            &format!("{}: x\n", "k".repeat(1100)),
        ] {
            let text: &str = text;
            assert!(parse(text).is_none(), "{text}");
            assert!(agrees(text).is_ok(), "{text}");
        }
    }

    /// A document's structure, written out by [`render`].
    #[derive(Debug, Clone)]
    enum Shape {
        /// Text after `key: ` or `- ` on the same line.
        Inline(String),
        /// A `|` header and the block's lines (relative indentation kept,
        /// `""` for an empty line).
        Literal(String, Vec<String>),
        Map(Vec<(String, Shape)>),
        /// Written at the key's column, and what follows each `-`.
        Seq(bool, String, Vec<Shape>),
    }

    /// What this route reads, and with weight `risk` (of 32) what it must
    /// decline.
    fn pick(
        good: &[&'static str],
        risky: &[&'static str],
        risk: u32,
    ) -> impl Strategy<Value = String> + Clone {
        let good = prop::sample::select(good.to_vec()).prop_map(String::from);
        let risky = prop::sample::select(risky.to_vec()).prop_map(String::from);
        prop_oneof![32 - risk => good, risk => risky]
    }

    fn inline(risk: u32) -> impl Strategy<Value = String> {
        let word = pick(
            &[
                "x",
                "a b",
                "a#b",
                "a #b",
                "x:y",
                "http://e.org/a",
                "yes",
                "No",
                "~",
                "null",
                "1",
                "1.5",
                ".inf",
                "0x1F",
                "2024-05-01",
                "12:30",
                "é ü",
                "don't",
                "a  b",
                "x]",
                "a, b",
            ],
            &[
                "x: y", "x:", "-1", "-x", "@x", "%x", "!x", "&x", "*x", "?x", "{x}", "`code`", "\t",
            ],
            risk,
        );
        let quoted = pick(
            &[
                "'it''s'",
                "''",
                "'a # b'",
                "'a: b'",
                "\"\"",
                "\"q\\\"\"",
                "\"a\\\\b\"",
                "\"\\n\\t\\/\"",
                "\"a\tb\"",
            ],
            &[
                "\"\\x41\"",
                "\"\\u00e9\"",
                "'open",
                "\"open",
                "'a' b",
                "'a'#c",
            ],
            risk,
        );
        let flow = prop::collection::vec((prop_oneof![word.clone(), quoted.clone()], 0..3u8), 0..4)
            .prop_map(|items| {
                let items: Vec<_> = items
                    .iter()
                    .map(|(w, pad)| {
                        let (l, r) = (*pad as usize, (*pad % 2) as usize);
                        format!("{}{w}{}", " ".repeat(l), " ".repeat(r))
                    })
                    .collect();
                format!("[{}]", items.join(","))
            });
        let text = prop_oneof![3 => word, 2 => quoted, 1 => flow];
        (text, pick(&["", "", " # c", "  "], &["\t"], risk))
            .prop_map(|(t, tail)| format!("{t}{tail}"))
    }

    fn literal(risk: u32) -> impl Strategy<Value = Shape> {
        let header = pick(&["|", "|-", "| # c"], &["|+", "|2", ">", "|#c"], risk);
        let line = pick(
            &[
                "text",
                "  more indented",
                "",
                "# not a comment",
                "\tx := 1",
                "a: b",
                "- x",
                "é",
            ],
            &["   "],
            risk,
        );
        // Text on the first line: blank lines or a tab there are declined.
        let first = pick(&["text", "  more indented", "é"], &["", "\tx"], risk);
        (header, first, prop::collection::vec(line, 0..4)).prop_map(|(h, first, mut lines)| {
            lines.insert(0, first);
            Shape::Literal(h, lines)
        })
    }

    fn key(risk: u32) -> impl Strategy<Value = String> {
        let word = pick(
            &["title", "tags", "a", "q", "x-y", "k.v", "_k"],
            &["yes", "1", "a b", "'a'"],
            risk,
        );
        // Mostly different keys: a repeated key is declined.
        (word, 0..40u8).prop_map(|(k, n)| if n < 36 { format!("{k}{n}") } else { k })
    }

    fn shape(risk: u32) -> impl Strategy<Value = Shape> {
        let leaf = prop_oneof![3 => inline(risk).prop_map(Shape::Inline), 1 => literal(risk)];
        leaf.prop_recursive(3, 24, 4, move |inner| {
            prop_oneof![
                prop::collection::vec((key(risk), inner.clone()), 1..4).prop_map(Shape::Map),
                (
                    any::<bool>(),
                    prop::sample::select(vec![" ", " ", "   "]),
                    prop::collection::vec(inner, 1..4)
                )
                    .prop_map(|(flat, sp, items)| Shape::Seq(
                        flat,
                        sp.to_string(),
                        items
                    )),
            ]
        })
    }

    /// Writes `shape` as the value that follows text already on the line,
    /// for a parent at column `col`, with nesting `step` columns deep.
    fn render(out: &mut String, shape: &Shape, col: usize, step: usize, comments: bool) {
        match shape {
            Shape::Inline(t) => {
                out.push_str(t);
                out.push('\n');
            }
            Shape::Literal(h, lines) => {
                out.push_str(h);
                out.push('\n');
                for l in lines {
                    if !l.is_empty() {
                        out.push_str(&" ".repeat(col + step));
                    }
                    out.push_str(l);
                    out.push('\n');
                }
            }
            Shape::Map(items) => {
                out.push('\n');
                map_lines(out, items, col + step, step, comments);
            }
            Shape::Seq(flat, sp, items) => {
                out.push('\n');
                let at = if *flat { col } else { col + step };
                for item in items {
                    out.push_str(&" ".repeat(at));
                    out.push('-');
                    out.push_str(sp);
                    match item {
                        Shape::Map(entries) => {
                            let inner = at + 1 + sp.len();
                            let mut first = String::new();
                            map_lines(&mut first, entries, inner, step, comments);
                            out.push_str(&first[inner..]);
                        }
                        Shape::Seq(..) => {
                            let inner = at + 1 + sp.len();
                            let mut first = String::new();
                            map_lines(
                                &mut first,
                                &[("k".into(), item.clone())],
                                inner,
                                step,
                                comments,
                            );
                            out.push_str(&first[inner..]);
                        }
                        other => render(out, other, at, step, comments),
                    }
                }
            }
        }
    }

    fn map_lines(
        out: &mut String,
        items: &[(String, Shape)],
        col: usize,
        step: usize,
        comments: bool,
    ) {
        for (k, v) in items {
            out.push_str(&" ".repeat(col));
            out.push_str(k);
            out.push(':');
            if matches!(v, Shape::Inline(_) | Shape::Literal(..)) {
                out.push(' ');
            }
            render(out, v, col, step, comments);
            if comments {
                out.push_str(&" ".repeat(col + 1));
                out.push_str("# note\n\n");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// On generated documents of entry-like shape, valid or not, this
        /// route declines or gives exactly serde-saphyr's nodes and
        /// positions.
        #[test]
        fn agrees_with_serde_on_generated_documents(
            items in prop_oneof![
                prop::collection::vec((key(0), shape(0)), 1..5),
                prop::collection::vec((key(4), shape(4)), 1..5),
            ],
            step in prop::sample::select(vec![2usize, 4]),
            comments in any::<bool>(),
            final_newline in any::<bool>(),
        ) {
            let mut text = String::new();
            map_lines(&mut text, &items, 0, step, comments);
            if !final_newline {
                text.pop();
            }
            let taken = agrees(&text);
            prop_assert!(taken.is_ok(), "{}", taken.unwrap_err());
        }
    }
}
