//! Stage 1 support: a content file held in memory, and positions inside it.
//!
//! Every diagnostic points at a [`Pos`] (1-based line and column, counted in
//! characters) inside a [`SourceFile`]. Byte offsets are turned into positions
//! here and nowhere else.

use std::path::PathBuf;

/// A 1-based line and column (the column counts Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, in characters.
    pub col: u32,
}

impl Pos {
    /// The first character of a file.
    pub const START: Pos = Pos { line: 1, col: 1 };

    /// Builds a position from 1-based line and column.
    pub fn new(line: u32, col: u32) -> Self {
        Pos { line, col }
    }

    /// This position moved down by `lines` lines (used to shift YAML positions
    /// by the line the front matter starts on).
    pub fn shifted(self, lines: u32) -> Self {
        Pos {
            line: self.line + lines,
            col: self.col,
        }
    }
}

/// A value together with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where the value starts in its file.
    pub pos: Pos,
}

impl<T> Located<T> {
    /// Pairs a value with a position.
    pub fn new(value: T, pos: Pos) -> Self {
        Located { value, pos }
    }
}

/// A file read from the site, normalised for parsing: a leading BOM is removed
/// and CRLF line endings become LF (columns are unaffected by both).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root with `/` separators (`content/git/x.md`).
    pub rel_path: String,
    /// Absolute or root-joined path on disk.
    pub disk_path: PathBuf,
    /// The normalised text.
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Wraps `text`, normalising BOM and line endings.
    pub fn new(rel_path: impl Into<String>, disk_path: PathBuf, text: String) -> Self {
        let text = normalise_text(text);
        let line_starts = line_starts(&text);
        SourceFile {
            rel_path: rel_path.into(),
            disk_path,
            text,
            line_starts,
        }
    }

    /// Frees the text once nothing will point into it (a large build
    /// keeps only the files that have diagnostics).
    pub fn release_text(&mut self) {
        self.text = String::new();
        self.line_starts = Vec::new();
    }

    /// The position of a byte offset into [`SourceFile::text`].
    pub fn pos_of(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line_idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_idx];
        let col = self.text[start..floor_char_boundary(&self.text, offset)]
            .chars()
            .count();
        Pos::new(line_idx as u32 + 1, col as u32 + 1)
    }

    /// The byte offset of a position (clamped to the line's end).
    pub fn offset_of(&self, pos: Pos) -> usize {
        let idx = (pos.line.max(1) as usize - 1).min(self.line_starts.len() - 1);
        let start = self.line_starts[idx];
        let line = self.line_text(idx);
        let within: usize = line
            .chars()
            .take(pos.col.max(1) as usize - 1)
            .map(char::len_utf8)
            .sum();
        start + within
    }

    /// The text of the 0-based line `idx`, without its newline.
    fn line_text(&self, idx: usize) -> &str {
        let start = self.line_starts[idx];
        let end = self
            .line_starts
            .get(idx + 1)
            .map_or(self.text.len(), |e| e - 1);
        &self.text[start..end.max(start)]
    }

    /// Number of lines in the file.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

fn normalise_text(text: String) -> String {
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    if memchr::memchr(b'\r', text.as_bytes()).is_some() {
        text.replace("\r\n", "\n")
    } else {
        text
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    // memchr's search, not `match_indices`: every line of every file is
    // found here once, and the standard library's search costs about 250
    // instructions per short line.
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect()
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("content/a/b.md", PathBuf::from("b.md"), text.to_string())
    }

    #[test]
    fn offsets_map_to_lines_and_columns() {
        let f = file("ab\ncdé\nx");
        assert_eq!(f.pos_of(0), Pos::new(1, 1));
        assert_eq!(f.pos_of(3), Pos::new(2, 1));
        assert_eq!(f.pos_of(7), Pos::new(2, 4));
        assert_eq!(f.pos_of(8), Pos::new(3, 1));
        assert_eq!(f.offset_of(Pos::new(2, 3)), 5);
        assert_eq!(f.offset_of(Pos::new(3, 1)), 8);
    }

    proptest::proptest! {
        /// Every byte offset maps to a position inside the file, and mapping
        /// that position back lands on the same character.
        #[test]
        fn positions_round_trip(text in "(\\PC|\n){0,80}", at in 0usize..100) {
            let f = file(&text);
            let offset = at.min(f.text.len());
            let pos = f.pos_of(offset);
            proptest::prop_assert!(pos.line >= 1 && pos.col >= 1);
            proptest::prop_assert!((pos.line as usize) <= f.line_count());
            let back = f.offset_of(pos);
            let boundary = (0..=offset).rev().find(|i| f.text.is_char_boundary(*i)).unwrap();
            proptest::prop_assert_eq!(back, boundary);
        }
    }

    #[test]
    fn bom_and_crlf_are_normalised() {
        let f = file("\u{feff}a: 1\r\nb: 2\r\n");
        assert_eq!(f.text, "a: 1\nb: 2\n");
        assert_eq!(f.pos_of(5), Pos::new(2, 1));
    }
}
