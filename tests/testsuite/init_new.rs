//! `kbgen init` and `kbgen new`: the paths a new contributor takes.

use crate::common::*;

#[test]
fn init_then_build_works() {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("mykb");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .arg("init")
        .arg(&kb)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o).1);
    let check = kbgen(&kb, &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check).1);
    assert!(
        !text(&check).1.contains("warning:"),
        "the example is clean: {}",
        text(&check).1
    );
    assert!(kbgen(&kb, &["build"]).status.success());
    assert!(
        kb.join("public/node/listen-eaddrinuse/index.html")
            .is_file()
    );
    assert_eq!(broken_internal_links(&kb.join("public")), vec![]);
    // A second init refuses to overwrite.
    let again = kbgen(&kb, &["init"]);
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn new_then_check_then_build_works() {
    let dir = fixture("build/full");
    let o = kbgen(
        dir.path(),
        &[
            "new",
            "docker",
            "Bind for 0.0.0.0:{port} failed: port is already allocated",
        ],
    );
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stdout.contains("content/docker/bind-for-0-0-0-0-port-failed-port-is-already-allocated.md"),
        "{stdout}"
    );
    let file = dir
        .path()
        .join("content/docker/bind-for-0-0-0-0-port-failed-port-is-already-allocated.md");
    let text_new = std::fs::read_to_string(&file).unwrap();
    for field in [
        "title:",
        "description:",
        "signatures:",
        "updated:",
        "quick_fix:",
        "why:",
        "causes:",
        "fixes:",
        "checks:",
        "steps:",
        "prevention:",
        "sources:",
        "related:",
        "faq:",
    ] {
        assert!(text_new.contains(field), "scaffold lacks {field}");
    }
    let check = kbgen(dir.path(), &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check).1);
    assert!(kbgen(dir.path(), &["build"]).status.success());
    let doc = page(
        &dir.path().join("public"),
        "docker/bind-for-0-0-0-0-port-failed-port-is-already-allocated/index.html",
    );
    assert_eq!(select_text(&doc, ".sig-text var"), vec!["{port}"]);
    // It refuses to overwrite.
    let again = kbgen(
        dir.path(),
        &[
            "new",
            "docker",
            "Bind for 0.0.0.0:{port} failed: port is already allocated",
        ],
    );
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text_new);
}

#[test]
fn new_rejects_a_bad_category() {
    let dir = fixture("build/full");
    let o = kbgen(dir.path(), &["new", "Docker Stuff", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("docker-stuff"));
}
