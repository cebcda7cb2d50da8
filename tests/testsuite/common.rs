//! Shared helpers: run the real binary, copy fixtures to temp dirs, read
//! built pages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The fixtures folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A temp copy of `tests/fixtures/<rel>`, so runs never touch the repo.
pub fn fixture(rel: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join(rel), dir.path());
    dir
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    for item in walkdir::WalkDir::new(from) {
        let item = item.unwrap();
        let dest = to.join(item.path().strip_prefix(from).unwrap());
        if item.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(item.path(), &dest).unwrap();
        }
    }
}

/// Runs kbgen with `--root dir` and `args`.
pub fn kbgen(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .arg("--root")
        .arg(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Stdout and stderr as text.
pub fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Every file under `dir`, by relative path, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Parses an output page.
pub fn page(out: &Path, rel: &str) -> scraper::Html {
    let text = std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    scraper::Html::parse_document(&text)
}

/// Texts of the elements matching `css`.
pub fn select_text(doc: &scraper::Html, css: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(css).unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect()
}

/// Values of `attr` on elements matching `css`.
pub fn select_attr(doc: &scraper::Html, css: &str, attr: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(css).unwrap();
    doc.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(String::from))
        .collect()
}

/// Every `href`/`src` in every HTML page under `out` that points inside the
/// site and does not resolve to a written file: `(page, link)` pairs.
pub fn broken_internal_links(out: &Path) -> Vec<(String, String)> {
    let files = tree(out);
    let mut broken = Vec::new();
    for (rel, bytes) in &files {
        if !rel.ends_with(".html") {
            continue;
        }
        let doc = scraper::Html::parse_document(&String::from_utf8_lossy(bytes));
        let sel = scraper::Selector::parse("[href], [src]").unwrap();
        for el in doc.select(&sel) {
            let link = el.value().attr("href").or(el.value().attr("src")).unwrap();
            if link.contains("://") || link.starts_with("mailto:") || link.starts_with("//") {
                continue;
            }
            let path = link.split(['#', '?']).next().unwrap();
            let base = rel.rsplit_once('/').map_or("", |(d, _)| d);
            let mut segs: Vec<&str> = if path.starts_with('/') {
                vec![]
            } else {
                base.split('/').filter(|s| !s.is_empty()).collect()
            };
            for s in path.split('/') {
                match s {
                    "" | "." => {}
                    ".." => {
                        segs.pop();
                    }
                    s => segs.push(s),
                }
            }
            let joined = segs.join("/");
            let candidates = [
                joined.clone(),
                format!("{joined}/index.html")
                    .trim_start_matches('/')
                    .to_string(),
            ];
            if path.is_empty() || candidates.iter().any(|c| files.contains_key(c)) {
                continue;
            }
            broken.push((rel.clone(), link.to_string()));
        }
    }
    broken
}
