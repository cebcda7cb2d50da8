//! Fuzz target: `lookup` over arbitrary pasted text against the bundled
//! knowledge base. Nothing may panic, and every result must be a full or
//! partial match with a finite score.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use kbgen::lookup::{Index, lookup};
use libfuzzer_sys::fuzz_target;

/// Built once from the repository's own content/.
static INDEX: OnceLock<Index> = OnceLock::new();

fn index() -> &'static Index {
    INDEX.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let outcome = kbgen::pipeline::load_kb(&root).expect("the bundled KB loads");
        Index::build(outcome.kb.as_ref().expect("the bundled KB is valid"))
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let found = lookup(index(), &text);
    for f in &found {
        assert!(f.json_score().is_number());
    }
});
