//! Stage 2 support: YAML text to a tree of [`Node`]s that remember where each
//! value was written. Entries are validated from this tree rather than by a
//! derived `Deserialize`, so that every unknown key, wrong type and missing
//! field of a file is reported in one run instead of only the first.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, Options, Spanned};

use crate::diag::Diagnostic;
use crate::source::{Located, Pos, SourceFile};

/// A YAML value with positions on every child.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `~`, `null` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Located<Node>>),
    /// A mapping, in written order.
    Map(Vec<(Located<String>, Located<Node>)>),
}

impl Node {
    /// A short name of the node's type, for messages ("a list", "a string").
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Null => "nothing (null)",
            Node::Bool(_) => "a boolean",
            Node::Int(_) | Node::Float(_) => "a number",
            Node::Str(_) => "a string",
            Node::Seq(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }
}

fn locate<T>(s: Spanned<T>) -> Located<T> {
    let loc = s.referenced;
    Located::new(s.value, Pos::new(loc.line() as u32, loc.column() as u32))
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(i64::try_from(v).map_or(Node::Float(v as f64), Node::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(locate(item));
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Node>>()? {
            let key = locate(key);
            let value = locate(map.next_value::<Spanned<Node>>()?);
            let name = match key.value {
                Node::Str(s) => s,
                Node::Int(i) => i.to_string(),
                Node::Bool(b) => b.to_string(),
                Node::Float(f) => f.to_string(),
                Node::Null => "null".into(),
                Node::Seq(_) | Node::Map(_) => {
                    return Err(de::Error::custom("a mapping key must be a plain word"));
                }
            };
            items.push((Located::new(name, key.pos), value));
        }
        Ok(Node::Map(items))
    }
}

/// Parser limits: generous for real entries, small enough that a YAML bomb
/// (billion laughs, deep nesting) is refused quickly.
fn options() -> Options {
    let mut budget = Budget::default();
    budget.max_depth = 64;
    budget.max_nodes = 200_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 200;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = 100_000;
    options.with_snippet = false;
    options
}

/// Parses `text` (which starts on line `line_shift + 1` of `file`) into a
/// located node. A syntax error becomes a diagnostic at its real position.
pub fn parse(file: &SourceFile, text: &str, line_shift: u32) -> Result<Located<Node>, Diagnostic> {
    if text.trim().is_empty() {
        return Ok(Located::new(
            Node::Map(Vec::new()),
            Pos::new(line_shift + 1, 1),
        ));
    }
    match serde_saphyr::from_str_with_options::<Spanned<Node>>(text, options()) {
        Ok(node) => {
            let mut node = locate(node);
            shift(&mut node, line_shift);
            Ok(node)
        }
        Err(e) => Err(syntax_error(file, &e, line_shift)),
    }
}

fn shift(node: &mut Located<Node>, lines: u32) {
    node.pos = node.pos.shifted(lines);
    match &mut node.value {
        Node::Seq(items) => items.iter_mut().for_each(|n| shift(n, lines)),
        Node::Map(items) => items.iter_mut().for_each(|(k, v)| {
            k.pos = k.pos.shifted(lines);
            shift(v, lines);
        }),
        _ => {}
    }
}

fn syntax_error(file: &SourceFile, e: &serde_saphyr::Error, line_shift: u32) -> Diagnostic {
    let pos = e
        .location()
        .filter(|l| l.line() > 0)
        .map_or(Pos::new(line_shift + 1, 1), |l| {
            Pos::new(l.line() as u32 + line_shift, l.column().max(1) as u32)
        });
    let message = first_line(&e.without_snippet().to_string());
    Diagnostic::error(&file.rel_path, pos, format!("invalid YAML: {message}")).with_help(
        "check indentation and quoting; quote values that contain `: `, `#`, or start with `{`, `[`, `*`, `&` or a quote",
    )
}

fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or(s).trim();
    // serde-saphyr appends " at line X column Y"; the diagnostic shows the place itself.
    match line.find(" at line ") {
        Some(i) => line[..i].to_string(),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn parse_str(text: &str, shift: u32) -> Result<Located<Node>, Diagnostic> {
        let f = SourceFile::new("x.yaml", PathBuf::new(), text.to_string());
        parse(&f, text, shift)
    }

    #[test]
    fn keys_and_values_carry_positions() {
        let n = parse_str("title: Hello\ntags:\n  - a\n  - b\n", 0).unwrap();
        let Node::Map(items) = n.value else { panic!() };
        assert_eq!(items[0].0.value, "title");
        assert_eq!(items[0].0.pos, Pos::new(1, 1));
        assert_eq!(items[0].1.pos, Pos::new(1, 8));
        let Node::Seq(tags) = &items[1].1.value else {
            panic!()
        };
        assert_eq!(tags[1].pos, Pos::new(4, 5));
    }

    #[test]
    fn positions_shift_by_front_matter_offset() {
        let n = parse_str("title: x\n", 1).unwrap();
        let Node::Map(items) = n.value else { panic!() };
        assert_eq!(items[0].0.pos, Pos::new(2, 1));
    }

    #[test]
    fn syntax_errors_point_at_the_line() {
        let e = parse_str("title: x\ntags: [a, b\nother: 1\n", 1).unwrap_err();
        assert!(e.line.unwrap() >= 3, "{e:?}");
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut y = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for c in 'b'..='j' {
            y.push_str(&format!("{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = c;
        }
        assert!(parse_str(&y, 0).is_err());
    }
}
