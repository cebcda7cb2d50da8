//! Stage 2 support: YAML text to a tree of [`Node`]s that remember where each
//! value was written. Entries are validated from this tree rather than by a
//! derived `Deserialize`, so that every unknown key, wrong type and missing
//! field of a file is reported in one run instead of only the first.
//! Three routes, tried in order: front matter of the everyday shape is read
//! line by line (`block`), other plain documents are built straight from
//! the parser's events (`fast`), and serde-saphyr reads everything else and
//! words every error. The quick routes decline whatever they are not sure
//! of, and the tests hold them to serde-saphyr's nodes and positions.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, Options, Spanned};

use crate::diag::Diagnostic;
use crate::source::{Located, Pos, SourceFile};

mod block;

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
    if let Some(mut node) = block::parse(text).or_else(|| fast::parse(text)) {
        shift(&mut node, line_shift);
        return Ok(node);
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

/// What the line reader (`block`) declines, still without serde when it
/// is a document of mappings, sequences and untagged scalars, with no anchors, aliases, tags, merge keys, duplicate
/// keys or directives, built straight from the parser's events (the serde
/// route costs about as much again as the parser itself, on every node's
/// `Spanned` wrapper). Anything else, and every error, returns `None` and
/// goes through serde-saphyr, whose result and messages are the reference:
/// this path must give the same [`Node`]s at the same positions, which the
/// tests check on every content file of the repository and on generated
/// documents.
mod fast {
    use std::borrow::Cow;

    use granit_parser::{Event, Parser, ScalarStyle, Span};

    use super::{Node, options};
    use crate::source::{Located, Pos};

    /// Larger documents go through serde-saphyr, whose budget (nodes,
    /// events, scalar bytes) they could reach.
    pub(super) const MAX_TEXT: usize = 256 * 1024;
    /// Deeper nesting goes through serde-saphyr (its budget allows 64).
    pub(super) const MAX_DEPTH: usize = 32;
    /// Mappings with more keys go through serde-saphyr (duplicate keys are
    /// looked for by a linear scan here).
    pub(super) const MAX_KEYS: usize = 64;

    enum Frame {
        Seq(Pos, Vec<Located<Node>>),
        Map(
            Pos,
            Vec<(Located<String>, Located<Node>)>,
            Option<Located<String>>,
        ),
    }

    fn pos(span: &Span) -> Pos {
        Pos::new(span.start.line() as u32, span.start.col() as u32 + 1)
    }

    /// Parser options as serde-saphyr sets them for [`options`].
    fn parser_options() -> granit_parser::Options {
        let mut o = granit_parser::Options::default();
        let budget = options().budget.unwrap_or_default();
        o.simple_key_max_lookahead = budget.simple_key_max_lookahead;
        o.flow_nesting_limit = budget.flow_nesting_limit;
        o.block_nesting_limit = o
            .block_nesting_limit
            .max(budget.max_depth.saturating_add(1));
        o.emit_comments = false;
        o
    }

    pub(super) fn parse(text: &str) -> Option<Located<Node>> {
        if text.len() > MAX_TEXT {
            return None;
        }
        let mut stack: Vec<Frame> = Vec::new();
        let mut root: Option<Located<Node>> = None;
        let mut documents = 0;
        for item in Parser::new_from_str_with_options(text, parser_options()) {
            let (event, span) = item.ok()?;
            let node = match event {
                Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
                Event::DocumentStart(_, version) => {
                    documents += 1;
                    if documents > 1 || version.is_some() {
                        return None;
                    }
                    continue;
                }
                Event::Scalar(value, style, anchor, tag) => {
                    if anchor != 0 || tag.is_some() {
                        return None;
                    }
                    let at = pos(&span);
                    if let Some(Frame::Map(_, items, key @ None)) = stack.last_mut() {
                        let name = key_name(value, style)?;
                        if name == "<<"
                            || items.len() >= MAX_KEYS
                            || items.iter().any(|(k, _)| k.value == name)
                        {
                            return None;
                        }
                        *key = Some(Located::new(name, at));
                        continue;
                    }
                    Located::new(scalar(value, style)?, at)
                }
                Event::SequenceStart(_, anchor, ref tag)
                | Event::MappingStart(_, anchor, ref tag) => {
                    if anchor != 0 || tag.is_some() || stack.len() >= MAX_DEPTH {
                        return None;
                    }
                    // A collection as a mapping key.
                    if let Some(Frame::Map(_, _, None)) = stack.last() {
                        return None;
                    }
                    let at = pos(&span);
                    stack.push(if matches!(event, Event::SequenceStart(..)) {
                        Frame::Seq(at, Vec::new())
                    } else {
                        Frame::Map(at, Vec::new(), None)
                    });
                    continue;
                }
                Event::SequenceEnd | Event::MappingEnd => match stack.pop()? {
                    Frame::Seq(at, items) => Located::new(Node::Seq(items), at),
                    Frame::Map(at, items, None) => Located::new(Node::Map(items), at),
                    Frame::Map(_, _, Some(_)) => return None,
                },
                _ => return None,
            };
            match stack.last_mut() {
                Some(Frame::Seq(_, items)) => items.push(node),
                Some(Frame::Map(_, items, key)) => items.push((key.take()?, node)),
                None if root.is_none() => root = Some(node),
                None => return None,
            }
        }
        if !stack.is_empty() {
            return None;
        }
        // An empty document and a scalar document go through serde-saphyr.
        root.filter(|r| matches!(r.value, Node::Map(_) | Node::Seq(_)))
    }

    /// A mapping key that is surely a string in any style. Any other key
    /// goes through serde-saphyr, whose duplicate-key check compares keys
    /// in ways this path does not repeat (`'1E-3'` and `1E-3` are the same
    /// key there, `'1'` and `1` are not).
    fn key_name(value: Cow<'_, str>, style: ScalarStyle) -> Option<String> {
        let simple = matches!(
            style,
            ScalarStyle::Plain | ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted
        );
        (simple && surely_string(&value)).then(|| owned(value))
    }

    /// A scalar's value: quoted and block scalars are strings; a plain one
    /// that is surely a string is one, and any other plain scalar is
    /// resolved by serde-saphyr itself (null, booleans, numbers).
    pub(super) fn scalar(value: Cow<'_, str>, style: ScalarStyle) -> Option<Node> {
        if style != ScalarStyle::Plain || surely_string(&value) {
            return Some(Node::Str(owned(value)));
        }
        if value.is_empty() {
            return Some(Node::Null);
        }
        if value.contains('\n') || value.starts_with("---") || value.starts_with("...") {
            return None;
        }
        let resolved = serde_saphyr::from_str_with_options::<Node>(&value, options()).ok()?;
        match resolved {
            // Read alone, the text must be the same single scalar.
            Node::Str(s) if s != *value => None,
            Node::Seq(_) | Node::Map(_) => None,
            n => Some(n),
        }
    }

    /// The scalar as an exactly sized `String`: the scanner builds escaped
    /// and folded scalars by pushing, and entries keep these strings for
    /// the whole build (at 100k entries the spare capacity was about 28 MiB
    /// of peak memory).
    fn owned(value: Cow<'_, str>) -> String {
        match value {
            Cow::Borrowed(s) => s.to_owned(),
            Cow::Owned(mut s) => {
                s.shrink_to_fit();
                s
            }
        }
    }

    /// Whether serde-saphyr surely reads this plain scalar as a string: not
    /// empty, not starting like a number, `~` or `.inf` (a date such as
    /// `2024-05-01` excepted), and not a null, boolean or non-finite
    /// spelling in any case.
    pub(super) fn surely_string(v: &str) -> bool {
        let b = v.as_bytes();
        let Some(&first) = b.first() else {
            return false;
        };
        if first.is_ascii_digit() {
            return is_date(b);
        }
        if b"+-.~ \t\r\n".contains(&first) || v.ends_with([' ', '\t', '\r', '\n']) {
            return false;
        }
        let typed = ["null", "true", "false", "yes", "no", "y", "n", "on", "off"];
        let prefix = b.get(..3).unwrap_or_default();
        !(typed.iter().any(|t| b.eq_ignore_ascii_case(t.as_bytes()))
            || prefix.eq_ignore_ascii_case(b"inf")
            || prefix.eq_ignore_ascii_case(b"nan"))
    }

    /// `YYYY-MM-DD`: no number, null or boolean is written that way.
    fn is_date(b: &[u8]) -> bool {
        b.len() == 10
            && b.iter().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            })
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
    use proptest::prelude::*;
    use std::path::PathBuf;

    /// The serde-saphyr route alone (the reference for [`fast`]).
    fn by_serde(text: &str) -> Option<Located<Node>> {
        serde_saphyr::from_str_with_options::<Spanned<Node>>(text, options())
            .ok()
            .map(locate)
    }

    /// The two quick routes may decline a document, but what one gives
    /// must be exactly what serde-saphyr gives (compared through `Debug` so
    /// that NaN equals NaN). `Ok` says which routes took it.
    fn agrees(text: &str) -> Result<Taken, String> {
        let quick = [("block", block::parse(text)), ("fast", fast::parse(text))];
        let mut taken = Taken::default();
        for (route, node) in quick {
            let Some(node) = node else { continue };
            let serde = by_serde(text).ok_or_else(|| {
                format!("{route} route accepted what serde-saphyr rejects:\n{text}")
            })?;
            if format!("{node:?}") != format!("{serde:?}") {
                return Err(format!(
                    "{route} route differs for:\n{text}\n{route}: {node:?}\nserde: {serde:?}"
                ));
            }
            match route {
                "block" => taken.block = true,
                _ => taken.fast = true,
            }
        }
        Ok(taken)
    }

    /// Which quick routes read a document.
    #[derive(Debug, Default, Clone, Copy, PartialEq)]
    struct Taken {
        block: bool,
        fast: bool,
    }

    /// The YAML of every entry and category file under `dir`.
    fn yaml_texts(dir: &str) -> Vec<(PathBuf, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let mut out = Vec::new();
        for e in walkdir::WalkDir::new(root).sort_by_file_name() {
            let e = e.unwrap();
            let path = e.path();
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let f = SourceFile::new("x", PathBuf::new(), text);
            match path.extension().and_then(|x| x.to_str()) {
                Some("yaml") => out.push((path.to_path_buf(), f.text.clone())),
                Some("md") => {
                    if let Ok(split) = crate::parse::front_matter::split(&f) {
                        out.push((path.to_path_buf(), split.yaml.to_string()));
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Every entry of the bundled knowledge base takes both quick routes,
    /// and every content file of the repository (fixtures with broken
    /// YAML, anchors, tags and wrong types included) gives the same nodes
    /// and positions whichever route reads it.
    #[test]
    fn quick_routes_agree_with_serde_on_every_content_file() {
        let bundled = yaml_texts("content");
        assert!(bundled.len() > 40);
        let both = Taken {
            block: true,
            fast: true,
        };
        for (path, text) in &bundled {
            assert_eq!(agrees(text), Ok(both), "{}", path.display());
        }
        let (mut block, mut fast) = (0, 0);
        let fixtures = yaml_texts("tests/fixtures");
        for (path, text) in &fixtures {
            match agrees(text) {
                Ok(taken) => {
                    block += usize::from(taken.block);
                    fast += usize::from(taken.fast);
                }
                Err(e) => panic!("{}: {e}", path.display()),
            }
        }
        let half = fixtures.len() / 2;
        assert!(
            block > half && fast > half,
            "{block}, {fast} of {}",
            fixtures.len()
        );
    }

    #[test]
    fn fast_path_declines_what_it_does_not_handle() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "<<: {a: 1}\nb: 2\n",
            "a: 1\na: 2\n",
            "? [a]\n: 1\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: 1\n---\nb: 2\n",
            "just a scalar\n",
            "a: [1, 2\n",
        ] {
            assert!(fast::parse(text).is_none(), "{text}");
            assert!(block::parse(text).is_none(), "{text}");
        }
    }

    #[test]
    fn surely_string_leaves_typed_spellings_to_serde() {
        for v in [
            "title",
            "Docker",
            "a b",
            "é",
            "http://x",
            "-x",
            "2024-05-01",
        ] {
            assert_eq!(fast::surely_string(v), v != "-x", "{v}");
        }
        for v in [
            "",
            "~",
            "null",
            "NULL",
            "yes",
            "No",
            "y",
            "ON",
            "off",
            "True",
            "1",
            "-1",
            "+1",
            ".5",
            ".inf",
            "-.inf",
            ".NaN",
            "inf",
            "Infinity",
            "nan",
            "0x1F",
            "2024-05-1",
            "2024-05-01 ",
            "2024-0501",
        ] {
            assert!(!fast::surely_string(v), "{v}");
        }
    }

    /// Scalars written in every style, with spellings that YAML reads as
    /// other types.
    fn scalar_text() -> impl Strategy<Value = String> {
        let words = prop::sample::select(vec![
            "title",
            "a b",
            "yes",
            "No",
            "y",
            "n",
            "on",
            "OFF",
            "true",
            "False",
            "null",
            "Null",
            "~",
            "",
            "0",
            "1",
            "-1",
            "+1",
            "007",
            "0x1F",
            "0o17",
            "0b101",
            "1_000",
            "1.5",
            "-.5",
            ".5",
            "1e3",
            "1E-3",
            "1e999",
            ".inf",
            "-.Inf",
            ".NaN",
            "-.nan",
            "inf",
            "nan",
            "2024-05-01",
            "12:30",
            "-x",
            "x-",
            "http://x/y",
            "a:b",
            "a #b",
            "é",
            "@x",
            "`x`",
            "[x]",
            "{x}",
            "*x",
            "&x",
            "!x",
            "%x",
            "|",
            ">",
            "- x",
            "? x",
            ": x",
            "'q'",
            "\"q\"",
        ]);
        (words, 0..6u8).prop_map(|(w, style)| match style {
            0..=2 => w.to_string(),
            3 => format!("'{}'", w.replace('\'', "''")),
            4 => format!("{w:?}"),
            _ => format!("|\n  {w}\n"),
        })
    }

    /// Keys: mostly words (the fast path's case), sometimes anything.
    fn key_text() -> impl Strategy<Value = String> {
        let words = prop::sample::select(vec!["title", "tags", "a b", "x-y", "Key", "é", "q"]);
        prop_oneof![
            3 => (words, 0..3u8).prop_map(|(w, style)| match style {
                0 => w.to_string(),
                1 => format!("'{w}'"),
                _ => format!("{w:?}"),
            }),
            1 => scalar_text(),
        ]
    }

    fn value_text(depth: u32) -> BoxedStrategy<String> {
        let leaf = scalar_text().boxed();
        if depth == 0 {
            return leaf;
        }
        let inner = value_text(depth - 1);
        prop_oneof![
            3 => leaf,
            1 => prop::collection::vec(scalar_text(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            1 => prop::collection::vec((key_text(), scalar_text()), 0..3)
                .prop_map(|v| format!("{{{}}}", v.iter().map(|(k, x)| format!("{k}: {x}")).collect::<Vec<_>>().join(", "))),
            1 => prop::collection::vec(inner.clone(), 1..4)
                .prop_map(|v| v.iter().map(|x| format!("\n- {}", x.replace('\n', "\n  "))).collect::<String>()),
            1 => prop::collection::vec((key_text(), inner), 1..4)
                .prop_map(|v| v.iter().map(|(k, x)| format!("\n{k}: {}", x.replace('\n', "\n  "))).collect::<String>()),
        ]
        .boxed()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// On generated documents, valid or not, the fast path either
        /// declines or gives exactly serde-saphyr's nodes and positions.
        #[test]
        fn fast_path_agrees_with_serde_on_generated_documents(
            fields in prop::collection::vec((key_text(), value_text(2)), 1..6),
            comment in any::<bool>(),
        ) {
            let mut text = String::new();
            if comment {
                text.push_str("# a comment\n");
            }
            for (k, v) in &fields {
                let v = v.replace('\n', "\n  ");
                text.push_str(&format!("{k}: {v}\n"));
            }
            let taken = agrees(&text);
            prop_assert!(taken.is_ok(), "{}", taken.unwrap_err());
        }
    }

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
