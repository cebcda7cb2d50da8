//! The incremental rebuild is checked against the truth: after every edit,
//! the files `serve` holds (the first build plus every update since) must be
//! byte for byte what a fresh build of the same folder gives.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::live::{LiveSite, Pages, SiteOptions, Update};
use super::watch::Changes;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/serve/basic");

type Files = HashMap<String, Arc<[u8]>>;

struct Harness {
    _dir: tempfile::TempDir,
    root: PathBuf,
    site: LiveSite,
    served: Files,
    statics: BTreeMap<String, Arc<[u8]>>,
    /// The diagnostics of the last update, as printed.
    diags: String,
}

fn copy_tree(from: &Path, to: &Path) {
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

fn options(root: &Path) -> SiteOptions {
    SiteOptions {
        root: root.to_path_buf(),
        base_url: "http://127.0.0.1:1111".into(),
        drafts: false,
    }
}

impl Harness {
    fn new() -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        copy_tree(Path::new(FIXTURE), &root);
        let (site, update) = LiveSite::new(options(&root)).unwrap();
        let mut h = Harness {
            _dir: dir,
            root,
            site,
            served: Files::new(),
            statics: BTreeMap::new(),
            diags: String::new(),
        };
        h.diags = h.site.describe(&update.diags, false);
        h.take(update);
        h
    }

    fn take(&mut self, update: Update) -> bool {
        if let Some(s) = update.statics {
            self.statics = s;
        }
        match update.pages {
            Some(Pages::All(files)) => self.served = files,
            Some(Pages::Some(files)) => {
                for (path, bytes) in files {
                    match bytes {
                        Some(b) => self.served.insert(path, b),
                        None => self.served.remove(&path),
                    };
                }
            }
            None => return false,
        }
        true
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no `{from}`");
        self.write(rel, &text.replacen(from, to, 1));
    }

    /// Rebuilds after `paths` changed; returns whether files were
    /// published and the update's diagnostics text.
    fn rebuild(&mut self, paths: &[&str]) -> (bool, String) {
        let (published, text, _) = self.rebuild_counted(paths);
        (published, text)
    }

    /// [`Harness::rebuild`], with the number of pages rendered.
    fn rebuild_counted(&mut self, paths: &[&str]) -> (bool, String, usize) {
        let abs: Vec<PathBuf> = paths.iter().map(|p| self.root.join(p)).collect();
        let changes = Changes::from_paths(&self.root, abs.iter().map(PathBuf::as_path));
        let update = self.site.rebuild(&changes).unwrap();
        let text = self.site.describe(&update.diags, false);
        self.diags = text.clone();
        let rendered = update.rendered;
        let published = self.take(update);
        for (path, bytes) in self.site.refresh_data().unwrap_or_default() {
            match bytes {
                Some(b) => self.served.insert(path, b),
                None => self.served.remove(&path),
            };
        }
        (published, text, rendered)
    }

    /// The diagnostics text of a fresh `serve` of the site as it is now.
    fn fresh_diags(&self) -> String {
        let (fresh, update) = LiveSite::new(options(&self.root)).unwrap();
        fresh.describe(&update.diags, false)
    }

    /// The served files and the diagnostics equal a fresh build's.
    fn assert_fresh(&self, step: &str) {
        let (fresh_site, update) = LiveSite::new(options(&self.root)).unwrap();
        assert!(!update.diags.has_errors(), "{step}: fresh build has errors");
        assert_eq!(
            self.diags,
            fresh_site.describe(&update.diags, false),
            "{step}: diagnostics"
        );
        let Some(Pages::All(fresh)) = update.pages else {
            panic!("{step}: a fresh build publishes everything");
        };
        let keys = |m: &Files| m.keys().cloned().collect::<BTreeSet<_>>();
        assert_eq!(keys(&self.served), keys(&fresh), "{step}: different files");
        for (path, bytes) in &fresh {
            assert!(
                self.served[path] == *bytes,
                "{step}: {path} differs from a fresh build\n--- served\n{}\n--- fresh\n{}",
                String::from_utf8_lossy(&self.served[path]),
                String::from_utf8_lossy(bytes)
            );
        }
        assert_eq!(
            self.statics,
            update.statics.unwrap(),
            "{step}: static files"
        );
    }
}

const NEW_ENTRY: &str = "---
title: \"npm ERR! code ENOENT\"
description: npm could not find a file.
signatures:
  - \"npm ERR! code ENOENT no such file or directory\"
updated: 2025-07-07
tags: [Shell, files]
related: [git/dubious-ownership]
fixes:
  - Check the path.
---
A file npm needed is missing.
";

#[test]
fn every_kind_of_edit_matches_a_fresh_build() {
    let mut h = Harness::new();
    h.assert_fresh("first build");

    h.edit(
        "content/npm/eacces.md",
        "npm tried to write",
        "npm really tried to write",
    );
    let (published, _, rendered) = h.rebuild_counted(&["content/npm/eacces.md"]);
    assert!(published);
    assert_eq!(rendered, 1, "a body edit renders the entry's page only");
    h.assert_fresh("body edit");

    h.edit(
        "content/npm/eacces.md",
        "title: \"npm ERR! code EACCES\"",
        "title: \"npm ERR! EACCES permission denied\"",
    );
    h.rebuild(&["content/npm/eacces.md"]);
    h.assert_fresh("title edit (a card on other pages)");

    h.edit(
        "content/git/push-rejected.md",
        "tags: [remote, repository]",
        "tags: [remote, shell, daemon]",
    );
    h.rebuild(&["content/git/push-rejected.md"]);
    h.assert_fresh("tags edit");

    h.write("content/npm/enoent.md", NEW_ENTRY);
    h.rebuild(&["content/npm/enoent.md"]);
    h.assert_fresh("new entry");

    std::fs::rename(
        h.root.join("content/npm/enoent.md"),
        h.root.join("content/npm/missing-file.md"),
    )
    .unwrap();
    h.rebuild(&["content/npm/enoent.md", "content/npm/missing-file.md"]);
    h.assert_fresh("renamed entry");

    std::fs::rename(
        h.root.join("content/npm/missing-file.md"),
        h.root.join("content/docker/missing-file.md"),
    )
    .unwrap();
    h.rebuild(&[
        "content/npm/missing-file.md",
        "content/docker/missing-file.md",
    ]);
    h.assert_fresh("entry moved to another category");

    std::fs::remove_file(h.root.join("content/git/push-rejected.md")).unwrap();
    h.edit(
        "content/git/not-a-repo.md",
        "related: [push-rejected]",
        "related: []",
    );
    h.edit(
        "content/git/not-a-repo.md",
        "See [the push error](/git/push-rejected/#fixes) too.",
        "",
    );
    h.rebuild(&["content/git/push-rejected.md", "content/git/not-a-repo.md"]);
    h.assert_fresh("deleted entry and its links");

    h.edit(
        "content/git/not-a-repo.md",
        "aliases: [old/not-a-repo]",
        "aliases: [older/path]",
    );
    h.rebuild(&["content/git/not-a-repo.md"]);
    h.assert_fresh("alias moved");

    h.edit("content/git/_category.yaml", "name: Git", "name: Git CLI");
    h.rebuild(&["content/git/_category.yaml"]);
    h.assert_fresh("category renamed in _category.yaml");

    std::fs::rename(h.root.join("content/npm"), h.root.join("content/node")).unwrap();
    h.rebuild(&["content/npm", "content/node"]);
    h.assert_fresh("category folder renamed");

    h.edit(
        "content/docker/daemon.md",
        "updated: 2025-06-01",
        "updated: 2025-06-01\ndraft: true",
    );
    h.rebuild(&["content/docker/daemon.md"]);
    h.assert_fresh("entry became a draft");

    h.edit(
        "content/git/dubious-ownership.yaml",
        "description: The repository belongs to another user.",
        &format!("description: {}", "Long. ".repeat(40)),
    );
    h.rebuild(&["content/git/dubious-ownership.yaml"]);
    assert!(h.diags.contains("warning"), "{}", h.diags);
    h.assert_fresh("a warning appeared");

    h.write("static/img/new.txt", "hello");
    h.rebuild(&["static/img/new.txt"]);
    h.assert_fresh("static file added");
}

#[test]
fn errors_hold_pages_back_until_fixed() {
    let mut h = Harness::new();
    let before = h.served.clone();
    h.edit(
        "content/npm/eacces.md",
        "updated: 2025-05-05",
        "updated: 2025-13-05",
    );
    h.edit(
        "content/npm/eresolve.md",
        "Two packages",
        "Two packages, edited,",
    );
    let (published, text) = h.rebuild(&["content/npm/eacces.md", "content/npm/eresolve.md"]);
    assert!(!published, "nothing is published while there are errors");
    assert!(text.contains("content/npm/eacces.md:6:10"), "{text}");
    assert!(text.contains("month 13"), "{text}");
    assert_eq!(h.served.len(), before.len());
    assert!(h.served["npm/eresolve/index.html"] == before["npm/eresolve/index.html"]);

    h.write(
        "content/git/broken-link.md",
        &NEW_ENTRY.replace("A file npm", "See [x](/nowhere/). A file npm"),
    );
    let (published, text) = h.rebuild(&["content/git/broken-link.md"]);
    assert!(!published);
    assert!(text.contains("month 13"), "still reported: {text}");

    h.edit(
        "content/npm/eacces.md",
        "updated: 2025-13-05",
        "updated: 2025-05-05",
    );
    let (published, text) = h.rebuild(&["content/npm/eacces.md"]);
    assert!(
        !published,
        "the broken link is an error once the rest is fine"
    );
    assert!(text.contains("broken internal link `/nowhere/`"), "{text}");

    assert_eq!(text, h.fresh_diags(), "same errors as a fresh build");

    std::fs::remove_file(h.root.join("content/git/broken-link.md")).unwrap();
    let (published, text) = h.rebuild(&["content/git/broken-link.md"]);
    assert!(published, "{text}");
    h.assert_fresh("after the errors were fixed");
}

/// A saved file that is not UTF-8 is shown with its line and the bad byte
/// marked, as `kbgen check` shows it, and forgotten once it is fixed.
#[test]
fn a_file_that_is_not_utf8_gets_a_snippet() {
    let mut h = Harness::new();
    let rel = "content/npm/eacces.md";
    let good = h.read(rel);
    let mut bytes = good.replacen("updated:", "updated: \u{1}", 1).into_bytes();
    let at = bytes.iter().position(|&b| b == 1).unwrap();
    bytes[at] = 0xff;
    std::fs::write(h.root.join(rel), bytes).unwrap();
    let (published, text) = h.rebuild(&[rel]);
    assert!(!published);
    assert!(text.contains("is not valid UTF-8"), "{text}");
    assert!(text.contains("updated: \u{FFFD}"), "no snippet: {text}");
    assert_eq!(text, h.fresh_diags(), "as a fresh build");

    h.write(rel, &good);
    let (published, text) = h.rebuild(&[rel]);
    assert!(published, "{text}");
    h.assert_fresh("after the file was fixed");
}

#[test]
fn duplicate_ids_and_config_changes() {
    let mut h = Harness::new();
    h.write("content/npm/eacces.yaml", "title: x\n");
    let (published, text) = h.rebuild(&["content/npm/eacces.yaml"]);
    assert!(!published);
    assert!(text.contains("defined twice"), "{text}");
    std::fs::remove_file(h.root.join("content/npm/eacces.yaml")).unwrap();
    assert!(h.rebuild(&["content/npm/eacces.yaml"]).0);
    h.assert_fresh("duplicate removed");

    h.edit("kbgen.toml", "related_limit = 3", "related_limit = 1");
    h.rebuild(&["kbgen.toml"]);
    h.assert_fresh("config changed");

    h.write("templates/tag.html", "{% extends \"builtin/tag.html\" %}{% block content %}<p>custom tag page</p>{{ super() }}{% endblock content %}");
    h.rebuild(&["templates/tag.html"]);
    h.assert_fresh("template override added");
    assert!(
        String::from_utf8_lossy(&h.served["tags/shell/index.html"]).contains("custom tag page")
    );
}
