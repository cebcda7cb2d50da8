//! The bundled knowledge base (this repository's own `content/`): it checks
//! clean, builds, and every entry page exists and cites a source.

use std::path::Path;

use crate::common::*;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn bundled_kb_checks_clean() {
    let o = kbgen(repo(), &["check"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains(": 0 errors, 0 warnings"), "{err}");
}

#[test]
fn every_bundled_entry_has_a_page_with_a_source_link() {
    let out = tempfile::tempdir().unwrap();
    let o = kbgen(repo(), &["build", "-o", out.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o).1);
    let api: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("api/errors.json")).unwrap())
            .unwrap();
    let entries = api["entries"].as_array().unwrap();
    assert!(
        entries.len() >= 40,
        "at least 40 entries, found {}",
        entries.len()
    );
    let mut categories: Vec<&str> = entries
        .iter()
        .map(|e| e["category"].as_str().unwrap())
        .collect();
    categories.dedup();
    assert!(
        categories.len() >= 8,
        "at least 8 categories: {categories:?}"
    );
    for e in entries {
        let id = e["id"].as_str().unwrap();
        let doc = page(out.path(), &format!("{id}/index.html"));
        let sources = select_attr(&doc, ".sources a", "href");
        assert!(!sources.is_empty(), "{id} has no source link");
        assert!(
            sources.iter().all(|s| s.starts_with("https://")),
            "{id}: {sources:?}"
        );
    }
    assert_eq!(broken_internal_links(out.path()), vec![]);
}
