//! Fuzz target: front-matter splitting, YAML parsing, entry validation and
//! Markdown rendering on arbitrary bytes, as a `.md` and as a `.yaml` entry.
//! Nothing may panic; every failure must be a diagnostic.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use kbgen::load::{FileKind, LoadedFile};
use kbgen::model::validate::validate_entry;
use kbgen::parse::entry::parse_entry;
use kbgen::render::highlight::Highlighter;
use kbgen::render::markdown::{Markdown, PageIds};
use kbgen::source::SourceFile;
use libfuzzer_sys::fuzz_target;

/// Loaded once: giallo's grammar registry is large.
static HIGHLIGHTER: OnceLock<Highlighter> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let md = Markdown::new(false, HIGHLIGHTER.get_or_init(Highlighter::new));
    for (kind, name) in [(FileKind::MarkdownEntry, "e.md"), (FileKind::YamlEntry, "e.yaml")] {
        let file = LoadedFile {
            kind,
            category: "cat".into(),
            stem: "e".into(),
            file: SourceFile::new(format!("content/cat/{name}"), PathBuf::from(name), text.to_string()),
        };
        let (raw, diags) = parse_entry(&file);
        for d in &diags {
            assert!(d.line.is_none_or(|l| l >= 1), "positions are 1-based");
        }
        if let Some(raw) = raw {
            let (entry, _) = validate_entry(&file, raw);
            if let Some(e) = entry {
                if let Some(m) = &e.meaning {
                    let _ = md.block(&m.text, &mut PageIds::default(), "../../");
                }
            }
        }
    }
});
