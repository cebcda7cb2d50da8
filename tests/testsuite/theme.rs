//! The default theme's template hooks: the `head.html` override point that
//! re-theming relies on, on pages at every depth and on the 404 page.

use crate::common::{fixture, kbgen, page, select_attr};

#[test]
fn head_override_adds_a_stylesheet_after_the_theme_on_every_page() {
    let dir = fixture("theme/override");
    assert!(kbgen(dir.path(), &["build"]).status.success());
    let out = dir.path().join("public");
    for (rel, href) in [
        ("index.html", "./theme.css"),
        ("demo/index.html", "../theme.css"),
        ("demo/example-error/index.html", "../../theme.css"),
        ("404.html", "https://theme.example.org/kb/theme.css"),
    ] {
        let doc = page(&out, rel);
        let sheets = select_attr(&doc, "head link[rel=stylesheet]", "href");
        assert_eq!(
            sheets.last().map(String::as_str),
            Some(href),
            "{rel}: {sheets:?}"
        );
        assert_eq!(
            sheets.len(),
            3,
            "{rel}: the theme's two stylesheets come first"
        );
    }
    assert!(out.join("theme.css").is_file());
}

#[test]
fn default_head_partial_adds_nothing() {
    let dir = fixture("build/full");
    assert!(kbgen(dir.path(), &["build"]).status.success());
    let doc = page(
        &dir.path().join("public"),
        "ollama/model-not-found/index.html",
    );
    assert_eq!(
        select_attr(&doc, "head link[rel=stylesheet]", "href"),
        vec!["../../assets/kbgen.css", "../../assets/highlight.css"]
    );
}
