//! Diagnostics: content problems collected across the whole site and reported
//! together, for people (rustc-style, with a source snippet), for GitHub
//! pull-request annotations, and as JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use crate::source::{Pos, SourceFile};

/// How bad a diagnostic is: errors fail `check` and `build`, warnings never do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails the run.
    Error,
    /// Reported, never fails.
    Warning,
}

/// One content problem: where, what is wrong, and what would be right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Severity.
    pub severity: Severity,
    /// Path relative to the site root (`content/git/x.md`).
    pub file: String,
    /// 1-based line, when the problem has a place inside the file.
    pub line: Option<u32>,
    /// 1-based column, when the problem has a place inside the file.
    pub column: Option<u32>,
    /// What is wrong.
    pub message: String,
    /// What would be right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Bytes to underline from the position, when the problem is a known
    /// span (a link, an invalid UTF-8 sequence); otherwise the rest of the
    /// line is underlined.
    #[serde(skip)]
    pub len: Option<u32>,
}

impl Diagnostic {
    /// An error at a place in a file.
    pub fn error(file: &str, pos: Pos, message: impl Into<String>) -> Self {
        Self::at(Severity::Error, file, Some(pos), message)
    }

    /// A warning at a place in a file.
    pub fn warning(file: &str, pos: Pos, message: impl Into<String>) -> Self {
        Self::at(Severity::Warning, file, Some(pos), message)
    }

    /// A problem with a whole file that has no line (an unreadable file).
    pub fn file_error(file: &str, message: impl Into<String>) -> Self {
        Self::at(Severity::Error, file, None, message)
    }

    fn at(severity: Severity, file: &str, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            file: file.to_string(),
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.col),
            message: message.into(),
            help: None,
            len: None,
        }
    }

    /// Adds the "what would be right" line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Underlines `len` bytes from the position instead of the rest of the
    /// line (0 keeps the whole line).
    pub fn with_len(mut self, len: u32) -> Self {
        self.len = (len > 0).then_some(len);
        self
    }

    /// The position, if the diagnostic has one.
    pub fn pos(&self) -> Option<Pos> {
        Some(Pos::new(self.line?, self.column?))
    }

    fn sort_key(&self) -> (&str, u32, u32, Severity, &str) {
        (
            &self.file,
            self.line.unwrap_or(0),
            self.column.unwrap_or(0),
            self.severity,
            &self.message,
        )
    }
}

/// Every diagnostic of a run, in a stable order.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds many.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.count(Severity::Error)
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, s: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == s).count()
    }

    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    /// The diagnostics sorted by file, line and column, duplicates removed.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        v.dedup();
        v
    }

    /// Consumes the collection.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

/// Output formats for diagnostics (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// rustc-style with source snippets.
    #[default]
    Human,
    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…::…`).
    Github,
    /// One JSON array of diagnostics.
    Json,
}

/// Renders diagnostics in `format`; `sources` gives the text of each file by
/// its relative path so snippets can be shown.
pub fn render(
    diags: &Diagnostics,
    sources: &BTreeMap<String, &SourceFile>,
    format: Format,
    color: bool,
) -> String {
    let sorted = diags.sorted();
    let end_column = |d: &Diagnostic| {
        let src = sources.get(&d.file).filter(|s| !s.text.is_empty())?;
        d.len?;
        let (_, end) = span(d, src)?;
        // The column of the last character underlined.
        Some(src.pos_of(end).col.saturating_sub(1).max(d.column?))
    };
    match format {
        Format::Human => render_human(&sorted, sources, color),
        Format::Github => sorted
            .iter()
            .map(|d| github_line(d, end_column(d)))
            .collect(),
        Format::Json => {
            let items: Vec<JsonDiagnostic> = sorted
                .iter()
                .map(|d| JsonDiagnostic {
                    diagnostic: d,
                    end_column: end_column(d),
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&items).unwrap_or_default();
            s.push('\n');
            s
        }
    }
}

/// A diagnostic as `--format json` prints it.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    #[serde(flatten)]
    diagnostic: &'a Diagnostic,
    /// 1-based column of the last character of a known span (a link, an
    /// invalid UTF-8 sequence) on the diagnostic's line.
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
}

/// The byte range `d` underlines in `src`: its known span, or the rest of
/// its line; never past the line's end or inside a character.
fn span(d: &Diagnostic, src: &SourceFile) -> Option<(usize, usize)> {
    let start = src.offset_of(d.pos()?);
    let line_end = label_end(&src.text, start);
    let end = d.len.map_or(line_end, |n| {
        let end = (start + n as usize).min(line_end);
        (end..=line_end)
            .find(|&i| src.text.is_char_boundary(i))
            .unwrap_or(line_end)
    });
    Some((start, end))
}

fn render_human(
    sorted: &[&Diagnostic],
    sources: &BTreeMap<String, &SourceFile>,
    color: bool,
) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in sorted {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let source = sources.get(&d.file).filter(|s| !s.text.is_empty());
        let rendered = match source.and_then(|src| Some((src, span(d, src)?))) {
            Some((src, (start, end))) => {
                let mut groups = vec![
                    level.primary_title(&d.message).element(
                        Snippet::source(&src.text)
                            .path(&d.file)
                            .annotation(AnnotationKind::Primary.span(start..end)),
                    ),
                ];
                if let Some(h) = &d.help {
                    groups.push(Group::with_title(Level::HELP.secondary_title(h)));
                }
                renderer.render(&groups)
            }
            _ => {
                let mut s = format!("{}: {}\n  --> {}", level_name(d), d.message, d.file);
                if let Some(pos) = d.pos() {
                    let _ = write!(s, ":{}:{}", pos.line, pos.col);
                }
                if let Some(h) = &d.help {
                    let _ = write!(s, "\n  = help: {h}");
                }
                s
            }
        };
        out.push_str(&rendered);
        out.push_str("\n\n");
    }
    out
}

/// The end of the underline starting at `start`: the rest of the line
/// without trailing spaces, so the caret marks the offending value.
fn label_end(text: &str, start: usize) -> usize {
    let rest = &text[start..];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let len = line.trim_end().len();
    if len == 0 {
        (start + rest.chars().next().map_or(0, char::len_utf8)).min(text.len())
    } else {
        start + len
    }
}

fn level_name(d: &Diagnostic) -> &'static str {
    match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// One GitHub Actions annotation; message and properties escaped as the
/// workflow-command syntax requires.
fn github_line(d: &Diagnostic, end_column: Option<u32>) -> String {
    let mut props = format!("file={}", escape_property(&d.file));
    if let (Some(l), Some(c)) = (d.line, d.column) {
        let _ = write!(props, ",line={l},col={c}");
        if let Some(e) = end_column {
            let _ = write!(props, ",endLine={l},endColumn={e}");
        }
    }
    let mut msg = d.message.clone();
    if let Some(h) = &d.help {
        let _ = write!(msg, "\nhelp: {h}");
    }
    format!("::{} {props}::{}\n", level_name(d), escape_data(&msg))
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The closing summary of `check`: "2 errors, 1 warning".
pub fn summary(diags: &Diagnostics) -> String {
    let e = diags.error_count();
    let w = diags.warning_count();
    format!("{e} {}, {w} {}", plural(e, "error"), plural(w, "warning"))
}

/// `n` with the noun in singular or plural.
pub fn plural(n: usize, noun: &str) -> String {
    match (n, noun.strip_suffix('y')) {
        (1, _) => noun.to_string(),
        (_, Some(stem)) => format!("{stem}ies"),
        _ => format!("{noun}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_format_escapes_newlines_and_commas() {
        let d =
            Diagnostic::error("content/a,b.md", Pos::new(3, 4), "bad\nthing").with_help("do 50%");
        assert_eq!(
            github_line(&d, None),
            "::error file=content/a%2Cb.md,line=3,col=4::bad%0Athing%0Ahelp: do 50%25\n"
        );
    }

    proptest::proptest! {
        /// A diagnostic at any position, even past the end of its file,
        /// renders in every format without panicking and names the file.
        #[test]
        fn any_position_renders(text in "(\\PC|\n){0,60}", line in 0u32..12, col in 0u32..40) {
            let src = SourceFile::new("content/a/b.md", std::path::PathBuf::new(), text);
            let mut ds = Diagnostics::new();
            ds.push(Diagnostic::error("content/a/b.md", Pos::new(line, col), "bad").with_help("fix"));
            let sources = BTreeMap::from([("content/a/b.md".to_string(), &src)]);
            for format in [Format::Human, Format::Github, Format::Json] {
                let out = render(&ds, &sources, format, false);
                proptest::prop_assert!(out.contains("content/a/b.md"));
            }
        }
    }

    #[test]
    fn sorted_orders_by_file_then_line() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error("b", Pos::new(1, 1), "x"));
        ds.push(Diagnostic::error("a", Pos::new(9, 1), "y"));
        ds.push(Diagnostic::warning("a", Pos::new(2, 1), "z"));
        let files: Vec<_> = ds
            .sorted()
            .iter()
            .map(|d| (d.file.clone(), d.line))
            .collect();
        assert_eq!(
            files,
            vec![
                ("a".into(), Some(2)),
                ("a".into(), Some(9)),
                ("b".into(), Some(1))
            ]
        );
    }
}
