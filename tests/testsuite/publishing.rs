//! Files for crawlers and feed readers, structured data, and sub-path
//! hosting, checked with parsers kbgen does not share code with.

use std::path::Path;

use crate::common::*;

fn build(case: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = fixture(case);
    let o = kbgen(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", text(&o).1);
    let out = dir.path().join("public");
    (dir, out)
}

fn read(out: &Path, f: &str) -> String {
    std::fs::read_to_string(out.join(f)).unwrap()
}

#[test]
fn sitemap_lists_every_page_with_lastmod_from_updated() {
    let (_d, out) = build("build/full");
    let xml = read(&out, "sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).expect("sitemap is well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "urlset");
    let urls: Vec<(String, Option<String>)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("url"))
        .map(|u| {
            let child = |name| {
                u.children()
                    .find(|c| c.has_tag_name(name))
                    .and_then(|c| c.text())
                    .map(String::from)
            };
            (child("loc").unwrap(), child("lastmod"))
        })
        .collect();
    let api: serde_json::Value = serde_json::from_str(&read(&out, "api/errors.json")).unwrap();
    for e in api["entries"].as_array().unwrap() {
        let url = e["url"].as_str().unwrap().to_string();
        let updated = e["updated"].as_str().unwrap().to_string();
        assert!(
            urls.contains(&(url.clone(), Some(updated))),
            "{url} missing or wrong lastmod"
        );
    }
    assert!(
        urls.iter()
            .all(|(u, _)| u.starts_with("https://org.github.io/kb/"))
    );
    assert!(read(&out, "robots.txt").contains("Sitemap: https://org.github.io/kb/sitemap.xml"));
}

#[test]
fn atom_feed_parses_with_ids_and_dates() {
    let (_d, out) = build("build/full");
    let feed: atom_syndication::Feed = read(&out, "atom.xml").parse().expect("valid Atom");
    assert_eq!(feed.title().as_str(), "Full Fixture KB");
    assert_eq!(feed.entries().len(), 3);
    let first = &feed.entries()[0];
    assert_eq!(
        first.id(),
        "https://org.github.io/kb/ollama/model-not-found/"
    );
    assert_eq!(first.updated().to_rfc3339(), "2026-03-01T00:00:00+00:00");
    assert!(
        feed.links()
            .iter()
            .any(|l| l.rel() == "self" && l.href() == "https://org.github.io/kb/atom.xml")
    );
}

fn json_ld(out: &Path, page_path: &str) -> Vec<serde_json::Value> {
    let doc = page(out, page_path);
    select_text(&doc, "script[type=\"application/ld+json\"]")
        .iter()
        .map(|s| serde_json::from_str(s).expect("JSON-LD parses"))
        .collect()
}

#[test]
fn json_ld_blocks_parse_with_expected_types() {
    let (_d, out) = build("build/full");
    let types = |blocks: &[serde_json::Value]| {
        blocks
            .iter()
            .map(|b| b["@type"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(types(&json_ld(&out, "index.html")), vec!["WebSite"]);
    let entry = json_ld(&out, "ollama/model-not-found/index.html");
    assert_eq!(
        types(&entry),
        vec!["TechArticle", "BreadcrumbList", "FAQPage"]
    );
    assert_eq!(entry[0]["dateModified"], "2026-03-01");
    assert_eq!(
        entry[0]["mainEntityOfPage"]["@id"],
        "https://org.github.io/kb/ollama/model-not-found/"
    );
    assert_eq!(entry[2]["mainEntity"][0]["name"], "Does the tag matter?");
    // No FAQ, no FAQPage.
    assert_eq!(
        types(&json_ld(&out, "ollama/connection-refused/index.html")),
        vec!["TechArticle", "BreadcrumbList"]
    );
}

#[test]
fn json_ld_cannot_be_closed_by_content() {
    let dir = fixture("build/full");
    let f = dir.path().join("content/git/push-rejected.md");
    let t = std::fs::read_to_string(&f).unwrap().replace(
        "title: \"git: failed to push some refs\"",
        "title: \"</script><script>alert(1)</script>\"",
    );
    std::fs::write(&f, t).unwrap();
    assert!(kbgen(dir.path(), &["build"]).status.success());
    let out = dir.path().join("public");
    let html = read(&out, "git/push-rejected/index.html");
    assert!(
        !html.contains("<script>alert(1)"),
        "title escaped out of JSON-LD"
    );
    assert_eq!(
        json_ld(&out, "git/push-rejected/index.html")[0]["headline"],
        "</script><script>alert(1)</script>"
    );
}

#[test]
fn api_index_is_stable_and_complete() {
    let (_d, out) = build("build/full");
    let api: serde_json::Value = serde_json::from_str(&read(&out, "api/errors.json")).unwrap();
    let ids: Vec<&str> = api["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![
            "git/push-rejected",
            "ollama/connection-refused",
            "ollama/model-not-found"
        ]
    );
    let e = &api["entries"][2];
    assert_eq!(
        e["signatures"][0],
        "model \"{model}\" not found, try pulling it first"
    );
    assert_eq!(e["category"], "ollama");
    assert!(e["description"].is_string() && e["tags"].is_array() && e["title"].is_string());
}

#[test]
fn sub_path_site_links_and_assets_resolve() {
    let (_d, out) = build("build/full");
    assert_eq!(broken_internal_links(&out), vec![]);
    let nf = page(&out, "404.html");
    let hrefs = select_attr(&nf, "link[rel=stylesheet]", "href");
    assert!(
        hrefs
            .iter()
            .all(|h| h.starts_with("https://org.github.io/kb/assets/")),
        "{hrefs:?}"
    );
}
