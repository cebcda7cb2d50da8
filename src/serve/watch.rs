//! `serve`, the watcher: file-system events from `content/`, `templates/`,
//! `static/` and `kbgen.toml`, debounced and sorted into the [`Changes`] a
//! rebuild needs. Editors save in many ways (write in place, write a
//! temporary file and rename it over, delete and create); the rebuild looks
//! at each named path as it is now, so every way gives the same result.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::error::{Error, Result};
use crate::load::rel_path;

/// How long a path must stay quiet before its events are passed on. Short,
/// so a save shows up quickly; long enough to see a save as one change.
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// The folders watched recursively (when they exist).
const TREES: &[&str] = &["content", "templates", "static"];

/// What changed since the last rebuild.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// `kbgen.toml` changed.
    pub config: bool,
    /// Something under `templates/` changed.
    pub templates: bool,
    /// Paths under `content/`, from the site root (`content/git/x.md`);
    /// `content` itself when the whole folder came or went.
    pub content: BTreeSet<String>,
    /// Paths under `static/`, from that folder (`img/a.png`); empty string
    /// for the folder itself.
    pub statics: BTreeSet<String>,
}

impl Changes {
    /// Sorts changed paths (absolute, under `root`) by what they affect;
    /// paths elsewhere (the output folder, `.git`) are left out.
    pub fn from_paths<'a>(root: &Path, paths: impl IntoIterator<Item = &'a Path>) -> Self {
        let mut c = Changes::default();
        for p in paths {
            let Ok(rel) = p.strip_prefix(root) else {
                continue;
            };
            let rel = rel_path(Path::new(""), rel);
            let (top, rest) = rel.split_once('/').unwrap_or((rel.as_str(), ""));
            match top {
                "kbgen.toml" if rest.is_empty() => c.config = true,
                "templates" => c.templates = true,
                "content" => {
                    c.content.insert(rel.clone());
                }
                "static" => {
                    c.statics.insert(rest.to_string());
                }
                _ => {}
            }
        }
        c
    }

    /// Adds the changes of a later batch.
    pub fn merge(&mut self, other: Changes) {
        self.config |= other.config;
        self.templates |= other.templates;
        self.content.extend(other.content);
        self.statics.extend(other.statics);
    }

    /// True when nothing that matters changed.
    pub fn is_empty(&self) -> bool {
        !self.config && !self.templates && self.content.is_empty() && self.statics.is_empty()
    }

    /// Whether everything must be rebuilt (config or templates changed).
    pub fn needs_full(&self) -> bool {
        self.config || self.templates
    }
}

/// Watches a site and reports [`Changes`] (or why watching failed); stops
/// when dropped.
pub struct Watcher {
    root: PathBuf,
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    trees: BTreeSet<PathBuf>,
}

impl Watcher {
    /// Starts watching `root` (canonical) and the folders in it; `report`
    /// runs on the watcher's thread.
    pub fn start(
        root: &Path,
        mut report: impl FnMut(std::result::Result<Changes, String>) + Send + 'static,
    ) -> Result<Watcher> {
        let base = root.to_path_buf();
        let handler = move |res: DebounceEventResult| {
            let msg = match res {
                Ok(events) => {
                    let paths = events
                        .iter()
                        .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                        .flat_map(|e| e.paths.iter().map(PathBuf::as_path));
                    let changes = Changes::from_paths(&base, paths);
                    if changes.is_empty() {
                        return;
                    }
                    Ok(changes)
                }
                Err(errors) => Err(errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")),
            };
            report(msg);
        };
        let debouncer = new_debouncer(DEBOUNCE, None, handler).map_err(|e| watch_error(root, e))?;
        let mut w = Watcher {
            root: root.to_path_buf(),
            debouncer,
            trees: BTreeSet::new(),
        };
        w.debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| watch_error(root, e))?;
        w.refresh()?;
        Ok(w)
    }

    /// Watches folders that appeared since (a new `static/`, say).
    pub fn refresh(&mut self) -> Result<()> {
        for name in TREES {
            let dir = self.root.join(name);
            if dir.is_dir() && !self.trees.contains(&dir) {
                self.debouncer
                    .watch(&dir, RecursiveMode::Recursive)
                    .map_err(|e| watch_error(&dir, e))?;
                self.trees.insert(dir);
            } else if !dir.is_dir() && self.trees.remove(&dir) {
                let _ = self.debouncer.unwatch(&dir);
            }
        }
        Ok(())
    }
}

fn watch_error(path: &Path, source: notify_debouncer_full::notify::Error) -> Error {
    Error::Watch {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_sorted_by_what_they_affect() {
        let root = Path::new("/site");
        let paths = [
            "/site/kbgen.toml",
            "/site/content/git/x.md",
            "/site/static/img/a.png",
            "/site/public/index.html",
            "/elsewhere/kbgen.toml",
        ];
        let c = Changes::from_paths(root, paths.iter().map(Path::new));
        assert!(c.config && !c.templates);
        assert_eq!(c.content, BTreeSet::from(["content/git/x.md".to_string()]));
        assert_eq!(c.statics, BTreeSet::from(["img/a.png".to_string()]));
        let t = Changes::from_paths(root, [Path::new("/site/templates/entry.html")]);
        assert!(t.needs_full());
        assert!(Changes::from_paths(root, [Path::new("/site/.git/HEAD")]).is_empty());
    }
}
