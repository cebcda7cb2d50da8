//! Splitting a Markdown entry into its YAML front matter and its body.

use crate::diag::Diagnostic;
use crate::source::{Pos, SourceFile};

/// The two parts of a `.md` entry, with the line each starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// Lines before the YAML (the opening `---`), to shift YAML positions by.
    pub yaml_line_shift: u32,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
    /// The 1-based line the body starts on.
    pub body_line: u32,
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Splits `file` into front matter and body.
pub fn split(file: &SourceFile) -> Result<Split<'_>, Diagnostic> {
    let text = file.text.as_str();
    let first_end = text.find('\n').unwrap_or(text.len());
    if !is_fence(&text[..first_end]) {
        return Err(Diagnostic::error(
            &file.rel_path,
            Pos::START,
            "missing front matter: a Markdown entry must start with a `---` line",
        )
        .with_help("start the file with `---`, then the YAML fields (title, description, signatures, updated), then `---`, then the body"));
    }
    let yaml_start = (first_end + 1).min(text.len());
    // Line ends found with memchr: the closing fence is looked for on every
    // line of the front matter of every Markdown entry.
    let ends = memchr::memchr_iter(b'\n', &text.as_bytes()[yaml_start..])
        .map(|i| yaml_start + i + 1)
        .chain(std::iter::once(text.len()));
    let mut offset = yaml_start;
    for (line_no, end) in (2u32..).zip(ends) {
        if offset >= text.len() {
            break;
        }
        let line = &text[offset..end];
        if line.starts_with("---") && is_fence(line) {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line_shift: 1,
                body: &text[end..],
                body_line: line_no + 1,
            });
        }
        offset = end;
    }
    Err(Diagnostic::error(
        &file.rel_path,
        Pos::START,
        "front matter is not closed: no `---` line after the YAML fields",
    )
    .with_help("add a line containing only `---` between the YAML fields and the Markdown body"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn f(t: &str) -> SourceFile {
        SourceFile::new("content/a/b.md", PathBuf::new(), t.into())
    }

    #[test]
    fn splits_yaml_and_body() {
        let file = f("---\ntitle: x\n---\nBody\n");
        let s = split(&file).unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn the_closing_fence_is_the_first_line_of_only_dashes() {
        let file = f("---\na: ----\n----\nb: ---x\n---  \nBody");
        let s = split(&file).unwrap();
        assert_eq!(s.yaml, "a: ----\n----\nb: ---x\n");
        assert_eq!((s.body, s.body_line), ("Body", 6));
        let at_end = f("---\ntitle: x\n---");
        let s = split(&at_end).unwrap();
        assert_eq!((s.yaml, s.body, s.body_line), ("title: x\n", "", 4));
        assert!(split(&f("---\n")).is_err());
    }

    #[test]
    fn crlf_and_bom_are_tolerated() {
        let file = f("\u{feff}---\r\ntitle: x\r\n---\r\nBody\r\n");
        assert_eq!(split(&file).unwrap().yaml, "title: x\n");
    }

    #[test]
    fn unclosed_front_matter_points_at_line_one() {
        let e = split(&f("---\ntitle: x\n")).unwrap_err();
        assert_eq!((e.line, e.column), (Some(1), Some(1)));
    }

    #[test]
    fn missing_front_matter_is_an_error() {
        assert!(split(&f("# Title\n")).is_err());
        assert!(split(&f("")).is_err());
    }
}
