//! The throughput benchmark's generated corpus must be a valid, clean site:
//! `kbgen check` passes on it with no warnings, and two generations of the
//! same size are byte-identical.

use crate::common::{kbgen, text, tree};

#[path = "../../benches/throughput/corpus.rs"]
#[allow(dead_code)]
mod corpus;

#[test]
fn generated_corpus_passes_check_without_warnings() {
    let dir = tempfile::tempdir().unwrap();
    corpus::write_site(dir.path(), 300).unwrap();
    let out = kbgen(dir.path(), &["check"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    let all = format!("{stdout}{stderr}");
    assert!(
        all.contains("checked 300 entries: 0 errors, 0 warnings"),
        "{all}"
    );
}

#[test]
fn generated_corpus_is_deterministic() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    corpus::write_site(a.path(), 120).unwrap();
    corpus::write_site(b.path(), 120).unwrap();
    assert_eq!(tree(a.path()), tree(b.path()));
}
