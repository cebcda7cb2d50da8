//! `kbgen lookup` and the lookup library: the shared test vectors
//! (tests/lookup_vectors.json) over the bundled KB, the real binary on a
//! small fixture site (tests/fixtures/lookup/basic), the search index that
//! `build` writes, and properties of matching.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use kbgen::lookup::{Index, MatchKind, lookup};
use kbgen::model::Part;
use kbgen::pipeline::load_kb;
use proptest::prelude::*;
use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture() -> PathBuf {
    repo().join("tests/fixtures/lookup/basic")
}

#[derive(serde::Deserialize)]
struct Vectors {
    vectors: Vec<Vector>,
}

#[derive(serde::Deserialize)]
struct Vector {
    name: String,
    text: String,
    expect: Option<String>,
}

fn vectors() -> Vec<Vector> {
    let text = std::fs::read_to_string(repo().join("tests/lookup_vectors.json")).unwrap();
    serde_json::from_str::<Vectors>(&text).unwrap().vectors
}

fn index_of(root: &Path) -> Index {
    let outcome = load_kb(root).unwrap();
    assert!(!outcome.diags.has_errors());
    Index::build(outcome.kb.as_ref().unwrap())
}

/// Runs `kbgen --root ROOT ARGS…` with `stdin` piped in.
fn kbgen(root: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kbgen"));
    cmd.arg("--root").arg(root).args(args);
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(text) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn json_lookup(text: &str) -> (i32, Vec<Value>) {
    let out = kbgen(&fixture(), &["lookup", "--json", text], None);
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    (out.status.code().unwrap(), rows.as_array().unwrap().clone())
}

fn ids(rows: &[Value]) -> Vec<&str> {
    rows.iter().map(|r| r["id"].as_str().unwrap()).collect()
}

#[test]
fn vectors_rank_the_expected_entry_first() {
    let all = vectors();
    assert!(all.len() >= 60, "only {} vectors", all.len());
    assert!(all.iter().filter(|v| v.expect.is_none()).count() >= 10);
    let index = index_of(&repo());
    let wrong: Vec<String> = all
        .iter()
        .filter_map(|v| {
            let first = lookup(&index, &v.text).first().map(|f| f.id.to_string());
            (first != v.expect).then(|| format!("{}: got {first:?}, want {:?}", v.name, v.expect))
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn human_output_has_rank_title_url_and_the_matched_signature() {
    let out = kbgen(
        &fixture(),
        &[
            "lookup",
            "2025-01-01 ERROR Model \"Llama3:8B\" not found, try pulling it first",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.lines().take(3).collect::<Vec<_>>(),
        vec![
            "1. Model not found",
            "   https://kb.example.org/sub/tool/model-not-found/",
            "   matched: model \"Llama3:8B\" not found, try pulling it first",
        ]
    );
}

#[test]
fn json_output_lists_id_title_url_score_and_match() {
    let (code, rows) = json_lookup("could not connect to server: Connection refused (port 5432)");
    assert_eq!(code, 0);
    assert_eq!(
        ids(&rows),
        vec!["tool/specific-refused", "tool/generic-refused"]
    );
    let first = &rows[0];
    assert_eq!(first["title"], "Specific refused");
    assert_eq!(
        first["url"],
        "https://kb.example.org/sub/tool/specific-refused/"
    );
    assert_eq!(first["match"], "full");
    assert!(first["score"].as_u64().unwrap() > rows[1]["score"].as_u64().unwrap());
}

#[test]
fn text_comes_from_stdin_when_no_argument_is_given() {
    let out = kbgen(
        &fixture(),
        &["lookup", "--json"],
        Some("line one\nexec /bin/app: exec format error\n"),
    );
    assert_eq!(out.status.code(), Some(0));
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["id"], "tool/exec-format");
}

#[test]
fn nothing_found_exits_1_and_bad_input_exits_2() {
    let (code, rows) = json_lookup("KeyError: 'user'");
    assert_eq!((code, rows.len()), (1, 0));
    let out = kbgen(&fixture(), &["lookup", "KeyError: 'user'"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no entry matches"));
    let out = kbgen(&fixture(), &["lookup", "  \n "], None);
    assert_eq!(out.status.code(), Some(2));
    let out = kbgen(&fixture().join("content"), &["lookup", "x"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no kbgen.toml"));
}

#[test]
fn entries_with_errors_are_left_out_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    for rel in ["kbgen.toml", "content/tool/model-not-found.md"] {
        let to = dir.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(fixture().join(rel), to).unwrap();
    }
    std::fs::write(
        dir.path().join("content/tool/broken.md"),
        "---\ntitle: x\n---\n",
    )
    .unwrap();
    let out = kbgen(
        dir.path(),
        &["lookup", "model \"a\" not found, try pulling it first"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("entries with errors are left out"));
}

#[test]
fn ties_break_by_id_and_limit_cuts_the_list() {
    let (_, rows) = json_lookup("error: the twin failure happened");
    assert_eq!(ids(&rows), vec!["other/twin-a", "tool/twin-b"]);
    let out = kbgen(
        &fixture(),
        &[
            "lookup",
            "--json",
            "--limit",
            "1",
            "the twin failure happened",
        ],
        None,
    );
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ids(rows.as_array().unwrap()), vec!["other/twin-a"]);
}

#[test]
fn full_matches_rank_above_partial_ones() {
    let (_, rows) =
        json_lookup("exec user process caused: no such file; model \"x\" not found, try pul");
    assert_eq!(rows[0]["id"], "tool/exec-format");
    assert_eq!(rows[0]["match"], "full");
    assert!(
        rows[1..].iter().all(|r| r["match"] == "partial"),
        "{rows:?}"
    );
    assert!(
        rows.len() >= 2,
        "the truncated refused message is a partial match: {rows:?}"
    );
}

#[test]
fn placeholders_at_the_edges_and_folded_non_ascii() {
    let (_, rows) = json_lookup("/usr/bin/app: exec format error");
    assert_eq!(rows[0]["id"], "tool/exec-format");
    let (_, rows) = json_lookup(": exec format error");
    assert!(rows.iter().all(|r| r["match"] != "full"), "{rows:?}");
    let (_, rows) = json_lookup("ОШИБКА: ФАЙЛ config.yaml НЕ НАЙДЕН");
    assert_eq!(rows[0]["id"], "other/unicode");
    assert_eq!(rows[0]["match"], "full");
}

#[test]
fn a_one_megabyte_paste_is_matched_in_one_pass() {
    // Every line starts the signature but never finishes it: a backtracking
    // matcher would try each of the ~25 000 starts against the rest.
    let index = index_of(&fixture());
    let mut text = "model \"x\" not found, try again\n".repeat(33_000);
    assert!(text.len() >= 1_000_000);
    assert!(
        lookup(&index, &text)
            .iter()
            .all(|f| f.hit.kind != MatchKind::Full)
    );
    text.push_str("model \"llama3\" not found, try pulling it first\n");
    let found = lookup(&index, &text);
    assert_eq!(found[0].id, "tool/model-not-found");
    assert_eq!(
        found[0].filled,
        "model \"llama3\" not found, try pulling it first"
    );
}

#[test]
fn build_writes_a_versioned_sharded_index() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let status = kbgen(&repo(), &["build", "-o", out.to_str().unwrap()], None);
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(out.join("search/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["format"], 1);
    assert_eq!(manifest["entries"], 46);
    let shards = manifest["shards"].as_u64().unwrap();
    for i in 0..shards {
        assert!(out.join(format!("search/t/{i}.json")).is_file());
    }
    assert!(!out.join(format!("search/t/{shards}.json")).exists());
    assert!(out.join("search/e/0.json").is_file());
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("assets/search.js\" defer"));
    assert!(out.join("assets/search.js").is_file());
}

/// Instantiates a signature with `values` (cycled) in place of placeholders.
fn instantiate(parts: &[Part], values: &[String]) -> String {
    let mut vals = values.iter().cycle();
    parts
        .iter()
        .map(|p| match p {
            Part::Lit(s) => s.clone(),
            Part::Var(_) => vals.next().unwrap().clone(),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_signature_matches_its_own_instantiation(
        values in proptest::collection::vec("[A-Za-z0-9_./:@é-]([A-Za-z0-9_./:@ ÄÖé-]{0,14}[A-Za-z0-9_./:@é-])?", 1..4),
        prefix in "[A-Za-z0-9 :\\[\\]-]{0,30}",
        suffix in "[A-Za-z0-9 :.\\n-]{0,30}",
    ) {
        let index = BUNDLED.with(|i| i.clone());
        for sig in &index.sigs {
            let text = format!("{prefix} {} {suffix}", instantiate(&sig.signature.parts, &values));
            let found = lookup(&index, &text);
            let entry = &index.entries[sig.entry as usize].id;
            let hit = found.iter().find(|f| f.id == entry);
            prop_assert!(
                hit.is_some_and(|f| f.hit.kind == MatchKind::Full && f.hit.score >= sig.pattern.chars),
                "{} not fully matched in {text:?}", sig.signature.raw
            );
        }
    }
}

thread_local! {
    static BUNDLED: Index = index_of(&repo());
}
