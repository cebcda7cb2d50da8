use super::*;

fn render(text: &str, allow_html: bool) -> Rendered {
    let h = Highlighter::new();
    let md = Markdown::new(allow_html, &h);
    let mut ids = PageIds::with_reserved(&["meaning"]);
    md.block(text, &mut ids, "../../")
}

#[test]
fn headings_get_unique_ids_and_never_skip_a_level() {
    let r = render("# Meaning\n\n## Setup\n\n### Setup\n\n#### Deep\n", false);
    insta::assert_snapshot!(r.html, @r#"
    <h3 id="meaning-1">Meaning</h3>
    <h3 id="setup">Setup</h3>
    <h3 id="setup-1">Setup</h3>
    <h4 id="deep">Deep</h4>
    "#);
}

#[test]
fn raw_html_is_escaped_by_default() {
    let r = render(
        "Hi <script>alert(1)</script> <b>x</b>\n\n<div onclick=x>y</div>\n",
        false,
    );
    assert!(!r.html.contains("<script"), "{}", r.html);
    assert!(!r.html.contains("<div"), "{}", r.html);
    assert!(r.html.contains("&lt;script&gt;"), "{}", r.html);
}

#[test]
fn allowed_html_is_sanitised() {
    let r = render(
        "<b onclick=\"x()\">bold</b> <script>alert(1)</script> <a href=\"javascript:x\">l</a>\n",
        true,
    );
    assert!(r.html.contains("<b>bold</b>"), "{}", r.html);
    assert!(!r.html.contains("script"), "{}", r.html);
    assert!(!r.html.contains("javascript"), "{}", r.html);
    assert!(!r.html.contains("onclick"), "{}", r.html);
}

#[test]
fn unsafe_links_become_text() {
    let r = render(
        "[click](javascript:alert(1)) and ![img](data:text/html,x) [ok](https://x.org)\n",
        false,
    );
    insta::assert_snapshot!(r.html, @r#"<p>click and img <a href="https://x.org">ok</a></p>"#);
    assert_eq!(r.unsafe_links.len(), 2);
}

#[test]
fn site_absolute_links_are_made_relative_and_collected() {
    let r = render("See [x](/git/other/#fix) and [y](../../docker/).\n", false);
    assert!(
        r.html.contains("href=\"../../git/other/#fix\""),
        "{}",
        r.html
    );
    let dests: Vec<_> = r.internal_links.iter().map(|l| l.dest.as_str()).collect();
    assert_eq!(dests, vec!["/git/other/#fix", "../../docker/"]);
}

#[test]
fn gfm_extensions_render() {
    let r = render(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n~~old~~ text[^1]\n\n[^1]: note\n",
        false,
    );
    assert!(r.html.contains("<table>"));
    assert!(r.html.contains("type=\"checkbox\""));
    assert!(r.html.contains("<del>old</del>"));
    assert!(r.html.contains("footnote-definition"));
}

#[test]
fn fenced_code_with_language_is_highlighted_with_classes() {
    let r = render("```rust\nfn main() {}\n```\n\n```\nplain <b>\n```\n", false);
    assert!(r.html.contains("class=\"g-"), "{}", r.html);
    assert!(
        r.html.contains("<pre><code>plain &lt;b&gt;\n</code></pre>"),
        "{}",
        r.html
    );
}

#[test]
fn inline_strips_paragraph() {
    let h = Highlighter::new();
    let md = Markdown::new(false, &h);
    assert_eq!(md.inline("Run `x`", "./").html, "Run <code>x</code>");
}
