//! Stage 1: walk `content/` in sorted order and read every file into a
//! [`SourceFile`]. Problems that stop a file from being read at all (not
//! UTF-8, too large, a symlink leaving the site, a misplaced file) become
//! diagnostics here. Nothing is parsed here, but a caller can parse each
//! file on the thread that read it ([`load_content_with`]).

use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diag::{Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::source::{Pos, SourceFile};

/// What a file under `content/` is, judged by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `<slug>.md`: front matter plus Markdown body.
    MarkdownEntry,
    /// `<slug>.yaml`: every field in YAML.
    YamlEntry,
    /// `_category.yaml`.
    Category,
}

/// A content file that was read.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    /// What the file is.
    pub kind: FileKind,
    /// The category folder's name.
    pub category: String,
    /// The file stem (the entry slug; `_category` for category files).
    pub stem: String,
    /// The text.
    pub file: SourceFile,
}

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Files in sorted path order.
    pub files: Vec<LoadedFile>,
    /// Problems found while reading.
    pub diags: Diagnostics,
    /// Files that could not be loaded but whose diagnostics point inside
    /// them (not UTF-8, a NUL byte), as text a snippet can show: each
    /// invalid sequence or NUL byte is one U+FFFD.
    pub unloaded: Vec<SourceFile>,
}

struct Candidate {
    kind: FileKind,
    category: String,
    stem: String,
    rel: String,
    path: PathBuf,
}

/// Reads the content tree under `root/content`.
pub fn load_content(root: &Path, max_file_size: u64) -> Result<Loaded> {
    load_under(root, &root.join("content"), max_file_size)
}

/// [`load_content`] that also runs `each` on every file as soon as it is
/// read, on the thread that read it, so that parsing overlaps reading (a
/// thread waiting for the disk leaves its core to one that parses). The
/// results are in the order of `Loaded::files`, one per file.
pub fn load_content_with<T, F>(root: &Path, max_file_size: u64, each: F) -> Result<(Loaded, Vec<T>)>
where
    T: Send,
    F: Fn(&mut LoadedFile) -> T + Sync,
{
    load_under_with(root, &root.join("content"), max_file_size, each)
}

/// Reads the part of the content tree at `start`: `root/content` itself, a
/// category folder or one file (`serve` reloads only what changed). Paths
/// that do not exist give nothing. Every diagnostic names a path under
/// `start`.
pub fn load_under(root: &Path, start: &Path, max_file_size: u64) -> Result<Loaded> {
    Ok(load_under_with(root, start, max_file_size, |_| ())?.0)
}

fn load_under_with<T, F>(
    root: &Path,
    start: &Path,
    max_file_size: u64,
    each: F,
) -> Result<(Loaded, Vec<T>)>
where
    T: Send,
    F: Fn(&mut LoadedFile) -> T + Sync,
{
    let content = root.join("content");
    let mut loaded = Loaded::default();
    if !content.is_dir() || std::fs::symlink_metadata(start).is_err() {
        return Ok((loaded, Vec::new()));
    }
    let real_root = root
        .canonicalize()
        .map_err(|e| Error::io("reading", root, e))?;
    let base_depth = start
        .strip_prefix(&content)
        .map_or(0, |rel| rel.components().count());
    let mut candidates = Vec::new();
    for item in WalkDir::new(start).sort_by_file_name().follow_links(false) {
        let item = item.map_err(|e| {
            let path = e.path().unwrap_or(start).to_path_buf();
            Error::io("reading", path, e.into())
        })?;
        let depth = base_depth + item.depth();
        if depth == 0 {
            continue;
        }
        let rel = rel_path(root, item.path());
        if item.path_is_symlink() && !symlink_stays_inside(item.path(), &real_root) {
            loaded.diags.push(
                Diagnostic::file_error(&rel, "symbolic link points outside the site")
                    .with_help("copy the file into content/ instead of linking to it"),
            );
            continue;
        }
        if item.file_type().is_dir() || is_dir_link(&item) {
            if depth > 1 {
                loaded
                    .diags
                    .push(misplaced(&rel, "a folder nested inside a category"));
            }
            continue;
        }
        if let Some(c) = classify(item.path(), depth, &rel, &mut loaded.diags) {
            candidates.push(Candidate {
                path: item.path().to_path_buf(),
                rel,
                ..c
            });
        }
    }
    let results: Vec<Result<(LoadedFile, T), NotLoaded>> = candidates
        .into_par_iter()
        // Small pieces: a thread that waits for the disk near the end would
        // otherwise hold a long run of files while the other core idles.
        .with_max_len(16)
        .map(|c| {
            let mut f = read_candidate(c, max_file_size)?;
            let t = each(&mut f);
            Ok((f, t))
        })
        .collect();
    let mut out = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok((f, t)) => {
                loaded.files.push(f);
                out.push(t);
            }
            Err((d, text)) => {
                loaded.diags.push(d);
                loaded.unloaded.extend(text.map(|t| *t));
            }
        }
    }
    Ok((loaded, out))
}

fn is_dir_link(item: &walkdir::DirEntry) -> bool {
    item.path_is_symlink() && item.path().is_dir()
}

fn symlink_stays_inside(path: &Path, real_root: &Path) -> bool {
    path.canonicalize()
        .map(|target| target.starts_with(real_root))
        .unwrap_or(false)
}

/// Relative path with `/` separators.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn misplaced(rel: &str, what: &str) -> Diagnostic {
    Diagnostic::file_error(rel, format!("{what} is not part of the content layout"))
        .with_help("entries live at content/<category>/<slug>.md or content/<category>/<slug>.yaml")
}

fn classify(path: &Path, depth: usize, rel: &str, diags: &mut Diagnostics) -> Option<Candidate> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    if name.starts_with('.') {
        return None;
    }
    if depth != 2 {
        if depth > 2 {
            return None; // the nested folder itself was reported
        }
        diags.push(misplaced(rel, "a file directly under content/"));
        return None;
    }
    let category = path.parent()?.file_name()?.to_string_lossy().into_owned();
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s.to_string(), e.to_string()),
        None => (name.clone(), String::new()),
    };
    let kind = match (stem.as_str(), ext.as_str()) {
        ("_category", "yaml") => FileKind::Category,
        (_, "md") => FileKind::MarkdownEntry,
        (_, "yaml") => FileKind::YamlEntry,
        (_, "yml") => {
            diags.push(
                Diagnostic::file_error(rel, "entries use the .yaml extension, not .yml")
                    .with_help(format!("rename it to {stem}.yaml")),
            );
            return None;
        }
        _ => {
            diags.push(
                Diagnostic {
                    severity: crate::diag::Severity::Warning,
                    ..Diagnostic::file_error(rel, "not an entry (.md or .yaml); ignored")
                }
                .with_help("put images and other files in static/"),
            );
            return None;
        }
    };
    Some(Candidate {
        kind,
        category,
        stem,
        rel: String::new(),
        path: PathBuf::new(),
    })
}

/// Why a file was not loaded, and its text when the diagnostic points
/// inside it.
type NotLoaded = (Diagnostic, Option<Box<SourceFile>>);

fn read_candidate(c: Candidate, max_file_size: u64) -> Result<LoadedFile, NotLoaded> {
    let cannot = |e: std::io::Error| {
        (
            Diagnostic::file_error(&c.rel, format!("cannot read file: {e}")),
            None,
        )
    };
    // One open, and the size of the open file: a stat of the path cost a
    // second path lookup for every file. `Take` reads without another
    // `fstat` (`File::read_to_end` makes one to size its buffer) and stops
    // at the limit if the file grew after its size was taken.
    let file = std::fs::File::open(&c.path).map_err(cannot)?;
    let len = file.metadata().map_err(cannot)?.len();
    let mut bytes = Vec::new();
    if len <= max_file_size {
        bytes.reserve_exact(len as usize);
        file.take(max_file_size + 1)
            .read_to_end(&mut bytes)
            .map_err(cannot)?;
    }
    let size = len.max(bytes.len() as u64);
    if size > max_file_size {
        return Err((
            Diagnostic::error(
                &c.rel,
                Pos::START,
                format!("file is {size} bytes, over the limit of {max_file_size}"),
            )
            .with_help("split the entry, or raise max_file_size in kbgen.toml"),
            None,
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| not_utf8(&c.rel, &c.path, e))?;
    if let Some(at) = memchr::memchr(0, text.as_bytes()) {
        let f = SourceFile::new(c.rel.clone(), c.path.clone(), text[..at].to_string());
        let pos = f.pos_of(at);
        let shown = SourceFile::new(
            c.rel.clone(),
            c.path.clone(),
            text.replace('\0', "\u{FFFD}"),
        );
        return Err((
            Diagnostic::error(&c.rel, pos, "file contains a NUL byte")
                .with_help("content files are text; remove the NUL byte (is this a binary file?)")
                .with_len(char::REPLACEMENT_CHARACTER.len_utf8() as u32),
            Some(Box::new(shown)),
        ));
    }
    Ok(LoadedFile {
        kind: c.kind,
        category: c.category,
        stem: c.stem,
        file: SourceFile::new(c.rel, c.path, text),
    })
}

/// The diagnostic for a file that is not UTF-8, at its first invalid
/// sequence, and the file's text with each invalid sequence as U+FFFD.
fn not_utf8(rel: &str, path: &Path, e: std::string::FromUtf8Error) -> NotLoaded {
    let valid = e.utf8_error().valid_up_to();
    let bytes = e.into_bytes();
    // The position in the normalised text (without a BOM, CRLF as LF).
    let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
    let before = SourceFile::new(rel, PathBuf::new(), prefix);
    let pos = before.pos_of(before.text.len());
    let shown = SourceFile::new(
        rel,
        path.to_path_buf(),
        String::from_utf8_lossy(&bytes).into_owned(),
    );
    let d = Diagnostic::error(
        rel,
        pos,
        format!("file is not valid UTF-8 (invalid byte at offset {valid})"),
    )
    .with_help("save the file as UTF-8")
    .with_len(char::REPLACEMENT_CHARACTER.len_utf8() as u32);
    (d, Some(Box::new(shown)))
}
