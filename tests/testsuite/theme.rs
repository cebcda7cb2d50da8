//! The default theme's template hooks: the `head.html` override point that
//! re-theming relies on, on pages at every depth and on the 404 page, and
//! `card.html`, which every listing shows.

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

/// Cards are rendered once per entry and page depth and reused by every
/// listing; a site's own `card.html` must still show in each of them, with
/// links right for the page's depth.
#[test]
fn card_override_shows_in_every_listing_at_every_depth() {
    let dir = fixture("build/full");
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("card.html"),
        "<li class=\"my-card\" data-entry=\"{{ card.url }}\"><a href=\"{{ page.root }}{{ card.url }}\">{{ card.title }}</a> <code>{{ card.signature }}</code></li>\n",
    )
    .unwrap();
    assert!(kbgen(dir.path(), &["build"]).status.success());
    let out = dir.path().join("public");
    let model = "ollama/model-not-found/";
    let refused = "ollama/connection-refused/";
    let push = "git/push-rejected/";
    for (rel, root, want) in [
        ("index.html", "./", vec![model, refused, push]),
        ("ollama/index.html", "../", vec![refused, model]),
        ("tags/networking/index.html", "../../", vec![refused, push]),
        (
            "ollama/connection-refused/index.html",
            "../../",
            vec![model, push],
        ),
    ] {
        let doc = page(&out, rel);
        let mut shown = select_attr(&doc, ".my-card", "data-entry");
        shown.sort();
        let mut want: Vec<String> = want.into_iter().map(String::from).collect();
        want.sort();
        assert_eq!(shown, want, "{rel}");
        let hrefs = select_attr(&doc, ".my-card a", "href");
        assert_eq!(
            hrefs,
            select_attr(&doc, ".my-card", "data-entry")
                .iter()
                .map(|u| format!("{root}{u}"))
                .collect::<Vec<_>>(),
            "{rel}: links use the page's own root"
        );
        assert!(
            select_attr(&doc, "li.card", "class").is_empty(),
            "{rel}: the built-in card is replaced"
        );
    }
    assert_eq!(crate::common::broken_internal_links(&out), vec![]);
}
