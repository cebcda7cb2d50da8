//! Entry files (`.md` with front matter, or `.yaml`) to [`RawEntry`]: every
//! field typed and located, nothing validated beyond its YAML type.

use crate::diag::Diagnostic;
use crate::load::{FileKind, LoadedFile};
use crate::parse::fields::{Entries, FieldReader};
use crate::parse::front_matter;
use crate::parse::yaml::{self, Node};
use crate::source::{Located, Pos};

/// The fields an entry may have, in page order.
pub const ENTRY_FIELDS: &[&str] = &[
    "title",
    "description",
    "signatures",
    "updated",
    "quick_fix",
    "tags",
    "meaning",
    "why",
    "causes",
    "fixes",
    "checks",
    "steps",
    "prevention",
    "sources",
    "related",
    "faq",
    "aliases",
    "draft",
];

/// A source citation as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawSource {
    /// Link text.
    pub title: Option<Located<String>>,
    /// The URL.
    pub url: Option<Located<String>>,
    /// What the source shows.
    pub note: Option<Located<String>>,
}

/// A question and its answer as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFaq {
    /// The question.
    pub q: Option<Located<String>>,
    /// The answer (Markdown).
    pub a: Option<Located<String>>,
}

/// An entry's fields as written, each with its position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawEntry {
    /// Where whole-file problems point: the front matter's first line.
    pub start: Pos,
    /// `title`.
    pub title: Option<Located<String>>,
    /// `description`.
    pub description: Option<Located<String>>,
    /// `signatures`, with the position of the key for an empty list.
    pub signatures: Option<Located<Vec<Located<String>>>>,
    /// `updated`, as written.
    pub updated: Option<Located<String>>,
    /// `quick_fix`.
    pub quick_fix: Option<Located<String>>,
    /// `tags`.
    pub tags: Vec<Located<String>>,
    /// `meaning`, or the body of a `.md` entry.
    pub meaning: Option<Located<String>>,
    /// `why`.
    pub why: Option<Located<String>>,
    /// `causes`.
    pub causes: Vec<Located<String>>,
    /// `fixes`.
    pub fixes: Vec<Located<String>>,
    /// `checks`.
    pub checks: Vec<Located<String>>,
    /// `steps`.
    pub steps: Vec<Located<String>>,
    /// `prevention`.
    pub prevention: Vec<Located<String>>,
    /// `sources`.
    pub sources: Vec<Located<RawSource>>,
    /// `related` ids.
    pub related: Vec<Located<String>>,
    /// `faq`.
    pub faq: Vec<Located<RawFaq>>,
    /// `aliases`.
    pub aliases: Vec<Located<String>>,
    /// `draft`.
    pub draft: bool,
}

/// Parses one entry file. Errors are returned together; a file with errors
/// still yields what could be read so later checks can run on it.
pub fn parse_entry(f: &LoadedFile) -> (Option<RawEntry>, Vec<Diagnostic>) {
    let file = &f.file;
    let (yaml_text, shift, body) = match f.kind {
        FileKind::MarkdownEntry => match front_matter::split(file) {
            Ok(s) => (s.yaml, s.yaml_line_shift, Some((s.body, s.body_line))),
            Err(d) => return (None, vec![d]),
        },
        _ => (file.text.as_str(), 0, None),
    };
    let node = match yaml::parse(file, yaml_text, shift) {
        Ok(n) => n,
        Err(d) => return (None, vec![d]),
    };
    let mut r = FieldReader::new(&file.rel_path);
    let Some(items) = r.top_mapping(node, "an entry") else {
        return (None, r.diags);
    };
    let start = Pos::START;
    let mut entry = read_fields(&mut r, items, body.is_some());
    entry.start = start;
    if let Some((text, line)) = body
        && !text.trim().is_empty()
    {
        entry.meaning = Some(Located::new(text.to_string(), Pos::new(line, 1)));
    }
    (Some(entry), r.diags)
}

fn read_fields(r: &mut FieldReader, items: Entries, is_markdown: bool) -> RawEntry {
    let mut e = RawEntry::default();
    for (key, v) in r.dedup_keys(items) {
        let k = key.value.as_str();
        match k {
            "title" => e.title = r.string(k, v),
            "description" => e.description = r.string(k, v),
            "signatures" => {
                let pos = key.pos;
                e.signatures = Some(Located::new(r.string_list(k, v), pos));
            }
            "updated" => e.updated = r.string(k, v),
            "quick_fix" => e.quick_fix = r.string(k, v),
            "tags" => e.tags = r.string_list(k, v),
            "meaning" if is_markdown => r.error(
                key.pos,
                "`meaning` is not a field of a Markdown entry: its body is the meaning",
                "move this text below the closing `---` line",
            ),
            "meaning" => e.meaning = r.string(k, v),
            "why" => e.why = r.string(k, v),
            "causes" => e.causes = r.string_list(k, v),
            "fixes" => e.fixes = r.string_list(k, v),
            "checks" => e.checks = r.string_list(k, v),
            "steps" => e.steps = r.string_list(k, v),
            "prevention" => e.prevention = r.string_list(k, v),
            "sources" => e.sources = r.list(k, v, "a list of {title, url, note}", read_source),
            "related" => e.related = r.string_list(k, v),
            "faq" => e.faq = r.list(k, v, "a list of {q, a}", read_faq),
            "aliases" => e.aliases = r.string_list(k, v),
            "draft" => e.draft = r.boolean(k, v).unwrap_or(false),
            _ => r.unknown(&key, ENTRY_FIELDS, "an entry"),
        }
    }
    e
}

const SOURCE_FIELDS: &[&str] = &["title", "url", "note"];
const FAQ_FIELDS: &[&str] = &["q", "a"];

fn sub_mapping(
    r: &mut FieldReader,
    v: Located<Node>,
    what: &str,
    example: &str,
) -> Option<Entries> {
    match v.value {
        Node::Map(items) => Some(r.dedup_keys(items)),
        other => {
            r.error(
                v.pos,
                format!(
                    "each item of `{what}` must be a mapping, found {}",
                    other.kind()
                ),
                format!("write each item as `- {example}`"),
            );
            None
        }
    }
}

fn read_source(r: &mut FieldReader, v: Located<Node>) -> Option<Located<RawSource>> {
    let pos = v.pos;
    let items = sub_mapping(r, v, "sources", "title: ...\n    url: https://...")?;
    let mut s = RawSource {
        title: None,
        url: None,
        note: None,
    };
    for (key, v) in items {
        match key.value.as_str() {
            "title" => s.title = r.string("title", v),
            "url" => s.url = r.string("url", v),
            "note" => s.note = r.string("note", v),
            _ => r.unknown(&key, SOURCE_FIELDS, "a source"),
        }
    }
    Some(Located::new(s, pos))
}

fn read_faq(r: &mut FieldReader, v: Located<Node>) -> Option<Located<RawFaq>> {
    let pos = v.pos;
    let items = sub_mapping(r, v, "faq", "q: question?\n    a: answer")?;
    let mut f = RawFaq { q: None, a: None };
    for (key, v) in items {
        match key.value.as_str() {
            "q" => f.q = r.string("q", v),
            "a" => f.a = r.string("a", v),
            _ => r.unknown(&key, FAQ_FIELDS, "a FAQ item"),
        }
    }
    Some(Located::new(f, pos))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use std::path::PathBuf;

    fn md(text: &str) -> (Option<RawEntry>, Vec<Diagnostic>) {
        parse_entry(&LoadedFile {
            kind: FileKind::MarkdownEntry,
            category: "a".into(),
            stem: "b".into(),
            file: SourceFile::new("content/a/b.md", PathBuf::new(), text.into()),
        })
    }

    #[test]
    fn reads_fields_and_body() {
        let (e, d) = md("---\ntitle: T\nsignatures: [\"x {a}\"]\ntags: [k]\n---\nBody text\n");
        assert!(d.is_empty(), "{d:?}");
        let e = e.unwrap();
        assert_eq!(e.title.unwrap().pos, Pos::new(2, 8));
        assert_eq!(e.meaning.unwrap().pos, Pos::new(6, 1));
        assert_eq!(e.signatures.unwrap().value[0].value, "x {a}");
    }

    #[test]
    fn every_unknown_and_mistyped_field_is_reported() {
        let (_, d) = md("---\ntitel: T\ntags: one\ncausez: []\n---\n");
        let lines: Vec<_> = d.iter().map(|d| d.line.unwrap()).collect();
        assert_eq!(lines, vec![2, 3, 4]);
        assert_eq!(d[0].help.as_deref(), Some("did you mean `title`?"));
    }
}
