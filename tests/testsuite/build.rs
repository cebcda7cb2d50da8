//! `kbgen build` on a full fixture KB: every page of SPEC §4, links that
//! resolve, byte-identical rebuilds, atomic output, template overrides.

use crate::common::*;

fn build_full() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = fixture("build/full");
    let out = dir.path().join("public");
    let o = kbgen(dir.path(), &["build"]);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.starts_with("built 13 pages"),
        "summary line: {stdout}"
    );
    (dir, out)
}

#[test]
fn writes_every_page_of_the_spec() {
    let (_dir, out) = build_full();
    for f in [
        "index.html",
        "404.html",
        "ollama/index.html",
        "git/index.html",
        "ollama/model-not-found/index.html",
        "ollama/connection-refused/index.html",
        "git/push-rejected/index.html",
        "tags/index.html",
        "tags/networking/index.html",
        "tags/ollama-api/index.html",
        "old/ollama-model/index.html",
        "sitemap.xml",
        "robots.txt",
        "atom.xml",
        "api/errors.json",
        "assets/kbgen.css",
        "img/logo.svg",
    ] {
        assert!(out.join(f).is_file(), "missing {f}");
    }
    assert!(!out.join("git/draft-entry").exists(), "drafts are left out");
}

#[test]
fn every_internal_link_resolves() {
    let (_dir, out) = build_full();
    assert_eq!(broken_internal_links(&out), Vec::<(String, String)>::new());
}

#[test]
fn two_builds_are_byte_identical() {
    let dir = fixture("build/full");
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    assert!(
        kbgen(dir.path(), &["build", "-o", a.to_str().unwrap()])
            .status
            .success()
    );
    assert!(
        kbgen(dir.path(), &["build", "-o", b.to_str().unwrap()])
            .status
            .success()
    );
    let (ta, tb) = (tree(&a), tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(v == &tb[k], "{k} differs between builds");
    }
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let (dir, out) = build_full();
    let before = tree(&out);
    let entry = dir.path().join("content/git/push-rejected.md");
    let text_before = std::fs::read_to_string(&entry).unwrap();
    std::fs::write(
        &entry,
        text_before.replace("updated: 2026-01-15", "updated: 2026-02-30"),
    )
    .unwrap();
    let o = kbgen(dir.path(), &["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(tree(&out), before, "the old site must be exactly as it was");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".kbgen-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary output left behind: {leftovers:?}"
    );
}

#[test]
fn entry_page_follows_the_anatomy() {
    let (_dir, out) = build_full();
    let doc = page(&out, "ollama/model-not-found/index.html");
    assert_eq!(
        select_text(&doc, "h1"),
        vec!["Ollama: model \"{model}\" not found"]
    );
    assert_eq!(
        select_text(&doc, ".breadcrumb li"),
        vec!["Home", "Ollama", "Ollama: model \"{model}\" not found"]
    );
    assert_eq!(
        select_text(&doc, ".sig-text var"),
        vec!["{model}"],
        "placeholders are marked"
    );
    assert_eq!(
        select_attr(&doc, ".copy-button", "data-copy"),
        vec!["model \"{model}\" not found, try pulling it first"]
    );
    assert!(
        select_text(&doc, ".quick-fix")
            .concat()
            .contains("ollama pull <model>")
    );
    let headings = select_attr(&doc, "section > h2", "id");
    assert_eq!(
        headings,
        vec![
            "signature",
            "meaning",
            "why",
            "causes",
            "fixes",
            "steps",
            "prevention",
            "sources",
            "related",
            "faq"
        ],
        "sections in SPEC order, empty ones left out"
    );
    assert_eq!(select_text(&doc, "ol.steps li").len(), 2);
    assert_eq!(
        select_text(&doc, "details.faq summary"),
        vec!["Does the tag matter?"]
    );
    assert_eq!(
        select_attr(&doc, ".sources a", "href"),
        vec!["https://github.com/ollama/ollama/blob/main/docs/api.md"]
    );
    assert_eq!(
        select_attr(&doc, ".edit a", "href"),
        vec!["https://github.com/org/kb/edit/main/content/ollama/model-not-found.md"]
    );
    assert_eq!(
        select_attr(&doc, "link[rel=canonical]", "href"),
        vec!["https://org.github.io/kb/ollama/model-not-found/"]
    );
    assert_eq!(select_attr(&doc, "input[type=search]", "type").len(), 1);
    assert_eq!(select_attr(&doc, "[data-search-results]", "class").len(), 1);
    assert!(
        doc.html().contains("class=\"g-"),
        "fenced bash is highlighted with classes"
    );
}

#[test]
fn related_lists_explicit_first_then_neighbours() {
    let (_dir, out) = build_full();
    let doc = page(&out, "ollama/model-not-found/index.html");
    let related = select_attr(&doc, ".related .card-title", "href");
    assert_eq!(
        related,
        vec![
            "../../git/push-rejected/",
            "../../ollama/connection-refused/"
        ]
    );
}

#[test]
fn non_ascii_signatures_and_hostile_text_render_as_text() {
    let (_dir, out) = build_full();
    let doc = page(&out, "git/push-rejected/index.html");
    let sigs = select_attr(&doc, ".copy-button", "data-copy");
    assert!(
        sigs.contains(&"Échec de l'envoi de références vers « {remote} »".to_string()),
        "{sigs:?}"
    );
    assert_eq!(
        select_text(&doc, "details.faq summary"),
        vec!["Is <b>force</b> safe?"]
    );
}

#[test]
fn drafts_are_built_on_request() {
    let dir = fixture("build/full");
    assert!(kbgen(dir.path(), &["build", "--drafts"]).status.success());
    assert!(
        dir.path()
            .join("public/git/draft-entry/index.html")
            .is_file()
    );
}

#[test]
fn base_url_flag_overrides_config() {
    let dir = fixture("build/full");
    assert!(
        kbgen(
            dir.path(),
            &["build", "--base-url", "https://preview.example.net/pr-7/"]
        )
        .status
        .success()
    );
    let doc = page(&dir.path().join("public"), "git/push-rejected/index.html");
    assert_eq!(
        select_attr(&doc, "link[rel=canonical]", "href"),
        vec!["https://preview.example.net/pr-7/git/push-rejected/"]
    );
}

#[test]
fn alias_page_redirects_to_its_entry() {
    let (_dir, out) = build_full();
    let doc = page(&out, "old/ollama-model/index.html");
    assert_eq!(
        select_attr(&doc, "meta[http-equiv=refresh]", "content"),
        vec!["0; url=../../ollama/model-not-found/"]
    );
    assert_eq!(
        select_attr(&doc, "a", "href"),
        vec!["../../ollama/model-not-found/"]
    );
}

#[test]
fn template_override_takes_effect() {
    let dir = fixture("build/template-override");
    assert!(kbgen(dir.path(), &["build"]).status.success());
    let out = dir.path().join("public");
    let doc = page(&out, "git/push-rejected/index.html");
    assert_eq!(
        select_text(&doc, "h1.overridden"),
        vec!["git: failed to push some refs"]
    );
    assert!(select_text(&doc, "p").contains(&"Custom entry template".to_string()));
    // Templates not overridden still come from the built-in theme.
    let home = page(&out, "index.html");
    assert_eq!(select_attr(&home, "input[type=search]", "type").len(), 1);
}

#[test]
fn broken_template_override_names_its_file() {
    let dir = fixture("build/template-override");
    std::fs::write(dir.path().join("templates/entry.html"), "{% if %}").unwrap();
    let o = kbgen(dir.path(), &["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).1.contains("templates/entry.html"),
        "{}",
        text(&o).1
    );
}

#[test]
fn output_dir_that_holds_the_site_is_refused() {
    let dir = fixture("build/full");
    let o = kbgen(dir.path(), &["build", "-o", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(dir.path().join("content/git/push-rejected.md").exists());
}
