//! Hostile content never becomes script: a fixture with script, event
//! handlers, dangerous URL schemes and template syntax in every field is
//! built, and every output file is scanned.

use std::path::Path;

use crate::common::*;

/// Scripts the theme itself emits.
fn is_own_script(el: &scraper::ElementRef) -> bool {
    let v = el.value();
    if v.attr("type") == Some("application/ld+json") {
        return true;
    }
    if let Some(src) = v.attr("src") {
        return src.ends_with("assets/kbgen.js") || src.ends_with("assets/search.js");
    }
    let text: String = el.text().collect();
    text.starts_with("try{var t=localStorage.getItem(\"kbgen-theme\")")
}

fn dangerous_url(u: &str) -> bool {
    let cleaned: String = u
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| cleaned.starts_with(s))
}

/// Every executable thing in an HTML page that kbgen did not put there itself.
fn executable_content(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let all = scraper::Selector::parse("*").unwrap();
    let mut found = Vec::new();
    for el in doc.select(&all) {
        let v = el.value();
        match v.name() {
            "script" if !is_own_script(&el) => found.push(format!("script: {}", el.html())),
            "form"
                if v.attr("data-search").is_some()
                    && v.attr("action").is_some_and(|a| !dangerous_url(a)) => {}
            "iframe" | "object" | "embed" | "base" | "form" | "style" => {
                found.push(format!("<{}>", v.name()))
            }
            "meta"
                if v.attr("http-equiv").is_some()
                    && v.attr("content")
                        .is_some_and(|c| c.to_lowercase().contains("javascript")) =>
            {
                found.push(el.html())
            }
            _ => {}
        }
        for (name, value) in v.attrs() {
            if name.starts_with("on") {
                found.push(format!("event handler {name}={value}"));
            }
            if matches!(
                name,
                "href" | "src" | "action" | "formaction" | "xlink:href" | "srcset"
            ) && dangerous_url(value)
            {
                found.push(format!("{name}={value}"));
            }
        }
    }
    found
}

fn scan_site(out: &Path) {
    let files = tree(out);
    assert!(files.len() > 8, "the site was built");
    for (rel, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        if rel.ends_with(".html") {
            assert_eq!(executable_content(&text), Vec::<String>::new(), "{rel}");
        } else if rel.ends_with(".xml") {
            let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
            assert!(
                !doc.descendants().any(|n| n.has_tag_name("script")),
                "{rel}"
            );
        } else if rel.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("{rel}: {e}"));
        }
    }
}

fn build_hostile(allow_html: bool) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = fixture("hardening/hostile");
    if allow_html {
        let cfg = dir.path().join("kbgen.toml");
        let t = std::fs::read_to_string(&cfg).unwrap() + "allow_html = true\n";
        std::fs::write(cfg, t).unwrap();
    }
    let o = kbgen(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", text(&o).1);
    let out = dir.path().join("public");
    (dir, out)
}

#[test]
fn hostile_content_never_becomes_script() {
    let (_d, out) = build_hostile(false);
    scan_site(&out);
}

#[test]
fn hostile_content_with_allow_html_is_sanitised() {
    let (_d, out) = build_hostile(true);
    scan_site(&out);
    let doc = page(&out, "evil/xss/index.html");
    // Allowed raw HTML survives as markup without its dangerous parts.
    assert!(select_text(&doc, ".section-why a").contains(&"raw".to_string()));
}

#[test]
fn hostile_text_is_shown_as_text() {
    let (_d, out) = build_hostile(false);
    let doc = page(&out, "evil/xss/index.html");
    assert_eq!(
        select_text(&doc, "h1"),
        vec!["<script>alert('title')</script> {{ .Os }}"]
    );
    let sigs = select_attr(&doc, ".copy-button", "data-copy");
    assert_eq!(
        sigs[0],
        "</code></pre><script>alert('sig')</script> failed at {where}"
    );
    // `{{`/`}}` are escaped literal braces in signatures (SPEC §3).
    assert_eq!(sigs[1], "{ config.title } {% raw %} template {{ .Os }}");
    assert_eq!(
        select_text(&doc, "details.faq summary"),
        vec!["<script>alert('q')</script>?"]
    );
    let body = doc.root_element().text().collect::<String>();
    for visible in [
        "Body <script>alert('body')</script>",
        "{{ .Os }} {% include \"base.html\" %} {# comment #}",
        "{% if true %}evaluated{% endif %}",
        "<img src=x onerror=alert('a')> {{ page.title }}",
        "javascript:alert('srcurl')",
        "<img src=x onerror=alert('cat')>",
    ] {
        assert!(body.contains(visible), "missing visible text {visible:?}");
    }
    let home = page(&out, "index.html");
    assert_eq!(
        select_text(&home, "title"),
        vec!["<script>alert('site')</script> KB"]
    );
}

#[test]
fn feeds_escape_hostile_text() {
    let (_d, out) = build_hostile(false);
    let feed: atom_syndication::Feed = std::fs::read_to_string(out.join("atom.xml"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(feed.title().as_str(), "<script>alert('site')</script> KB");
    assert_eq!(
        feed.entries()[0].title().as_str(),
        "<script>alert('title')</script> {{ .Os }}"
    );
}

/// A one-entry site to break in different ways.
fn minimal_site() -> tempfile::TempDir {
    let dir = fixture("validation/no-answer");
    std::fs::write(
        dir.path().join("content/docker/port.md"),
        "---\ntitle: T\ndescription: D\nsignatures: [\"port is already allocated\"]\nupdated: 2026-01-31\n---\nBody.\n",
    )
    .unwrap();
    dir
}

fn check_fails_naming(dir: &Path, file: &str, message: &str) {
    for cmd in ["check", "build"] {
        let o = kbgen(dir, &[cmd]);
        let err = text(&o).1;
        assert_eq!(o.status.code(), Some(1), "{cmd}: {err}");
        assert!(
            err.contains(file) && err.contains(message),
            "{cmd} should name {file} and say {message:?}:\n{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn symlink_leaving_the_site_is_refused() {
    let dir = minimal_site();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "---\ntitle: s\n---\n").unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        dir.path().join("content/docker/secret.md"),
    )
    .unwrap();
    check_fails_naming(
        dir.path(),
        "content/docker/secret.md",
        "points outside the site",
    );
}

#[test]
fn oversized_file_is_an_error_and_the_limit_is_configurable() {
    let dir = minimal_site();
    let big = format!(
        "---\ntitle: T\ndescription: D\nsignatures: [\"port is taken now\"]\nupdated: 2026-01-31\n---\n{}\n",
        "x".repeat(2 * 1024 * 1024)
    );
    std::fs::write(dir.path().join("content/docker/big.md"), &big).unwrap();
    check_fails_naming(
        dir.path(),
        "content/docker/big.md",
        "over the limit of 1048576",
    );
    let cfg = dir.path().join("kbgen.toml");
    let t = std::fs::read_to_string(&cfg).unwrap() + "max_file_size = 4194304\n";
    std::fs::write(cfg, t).unwrap();
    assert_eq!(kbgen(dir.path(), &["check"]).status.code(), Some(0));
}

#[test]
fn empty_files_get_clear_errors() {
    let dir = minimal_site();
    std::fs::write(dir.path().join("content/docker/empty.md"), "").unwrap();
    std::fs::write(dir.path().join("content/docker/blank.yaml"), "").unwrap();
    check_fails_naming(
        dir.path(),
        "content/docker/empty.md",
        "missing front matter",
    );
    check_fails_naming(
        dir.path(),
        "content/docker/blank.yaml",
        "missing required field `title`",
    );
}

#[test]
fn nul_bytes_are_an_error() {
    let dir = minimal_site();
    std::fs::write(
        dir.path().join("content/docker/nul.md"),
        "---\ntitle: T\0x\n---\n",
    )
    .unwrap();
    check_fails_naming(dir.path(), "content/docker/nul.md:2:9", "NUL byte");
    // The snippet shows the line with the NUL byte as U+FFFD, marked, and
    // the terminal never receives the NUL itself.
    let err = text(&kbgen(dir.path(), &["check"])).1;
    assert!(
        err.contains("2 | title: T\u{FFFD}x\n  |         ^\n"),
        "{err}"
    );
    assert!(!err.contains('\0'), "{err}");
}

#[test]
fn deep_nesting_is_refused_without_a_panic() {
    let dir = minimal_site();
    let deep = format!("title: {}x{}\n", "[".repeat(5000), "]".repeat(5000));
    std::fs::write(dir.path().join("content/docker/deep.yaml"), deep).unwrap();
    check_fails_naming(dir.path(), "content/docker/deep.yaml", "invalid YAML");
}

#[test]
fn yaml_bomb_is_refused() {
    let dir = minimal_site();
    let mut y = String::from(
        "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    let names: Vec<char> = ('b'..='i').collect();
    let mut prev = 'a';
    for c in names {
        let refs = vec![format!("*{prev}"); 9].join(", ");
        y.push_str(&format!("{c}: &{c} [{refs}]\n"));
        prev = c;
    }
    y.push_str("title: T\n");
    std::fs::write(dir.path().join("content/docker/bomb.yaml"), y).unwrap();
    check_fails_naming(dir.path(), "content/docker/bomb.yaml", "invalid YAML");
}

#[test]
fn bom_and_crlf_are_accepted() {
    let dir = minimal_site();
    let t = "\u{feff}---\r\ntitle: T\r\ndescription: D\r\nsignatures: [\"port is already taken\"]\r\nupdated: 2026-01-31\r\n---\r\nBody.\r\n";
    std::fs::write(dir.path().join("content/docker/crlf.md"), t).unwrap();
    let o = kbgen(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", text(&o).1);
    assert_eq!(
        select_text(
            &page(&dir.path().join("public"), "docker/crlf/index.html"),
            "h1"
        ),
        vec!["T"]
    );
}

#[test]
fn output_dir_that_is_or_holds_the_sources_is_refused() {
    let dir = minimal_site();
    for out in [
        dir.path().to_path_buf(),
        dir.path().join("content"),
        dir.path().join("content/docker"),
        "/".into(),
    ] {
        let o = kbgen(dir.path(), &["build", "-o", out.to_str().unwrap()]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}: {}",
            out.display(),
            text(&o).1
        );
        assert!(text(&o).1.contains("refusing to write output"));
    }
    assert!(dir.path().join("content/docker/port.md").is_file());
}

#[test]
fn aliases_cannot_leave_the_output() {
    let dir = minimal_site();
    let f = dir.path().join("content/docker/port.md");
    let t = std::fs::read_to_string(&f).unwrap().replace(
        "updated:",
        "aliases: [\"../../outside\", \"/ok/..%2f..%2fx\", \"/a/\\\"<b>/\"]\nupdated:",
    );
    std::fs::write(&f, t).unwrap();
    let o = kbgen(dir.path(), &["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o).1.matches("is not usable").count(),
        3,
        "{}",
        text(&o).1
    );
    assert!(
        !dir.path().join("outside").exists()
            && !dir.path().parent().unwrap().join("outside").exists()
    );
}
