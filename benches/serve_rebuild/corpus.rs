//! A synthetic knowledge base of any size for the serve benchmark: entries
//! shaped like the bundled ones (every section, a code block, tags, an
//! explicit related link), spread over 20 categories and 60 tags, with
//! signature words drawn from a vocabulary large enough that `related`
//! neighbours stay selective. Deterministic: the same `n` gives the same files.

use std::fmt::Write as _;
use std::path::Path;

/// Categories the entries are spread over.
pub const CATEGORIES: usize = 20;
const TAGS: usize = 60;

const WORDS: &[&str] = &[
    "socket",
    "daemon",
    "buffer",
    "thread",
    "module",
    "import",
    "config",
    "network",
    "timeout",
    "refused",
    "denied",
    "manifest",
    "resolve",
    "registry",
    "version",
    "package",
    "compile",
    "linker",
    "symbol",
    "runtime",
    "memory",
    "process",
    "signal",
    "handle",
    "stream",
    "cursor",
    "schema",
    "column",
    "index",
    "tensor",
    "shape",
    "device",
    "driver",
    "kernel",
    "mount",
    "volume",
    "image",
    "layer",
    "digest",
    "token",
    "quota",
    "limit",
    "proxy",
    "header",
    "cookie",
    "session",
    "branch",
    "remote",
    "commit",
    "rebase",
    "merge",
    "upstream",
    "origin",
    "workspace",
    "target",
];

/// The id (`category/slug`) of entry `i`.
pub fn entry_id(i: usize) -> String {
    format!("cat-{:02}/error-{i:05}", i % CATEGORIES)
}

/// The file of entry `i`, relative to the site root.
pub fn entry_file(i: usize) -> String {
    format!("content/{}.md", entry_id(i))
}

fn word(i: usize, k: usize) -> &'static str {
    WORDS[(i * (7 + 2 * k) + k * 13) % WORDS.len()]
}

/// The text of entry `i`; `marker` is put into the first paragraph so a
/// benchmark can see when an edited version is served.
pub fn entry_text(i: usize, marker: &str) -> String {
    let tags: Vec<String> = (0..3)
        .map(|k| format!("tag-{:02}", (i * (3 + 2 * k) + k * 17) % TAGS))
        .collect();
    let (w1, w2, w3) = (word(i, 0), word(i, 1), word(i, 2));
    let mut s = String::new();
    let _ = write!(
        s,
        "---\ntitle: 'Error {i}: cannot {w1} the {w2} of {{name}}'\n\
         description: 'Synthetic entry {i}: the {w1} step failed because the {w2} was missing.'\n\
         signatures:\n  - 'error[E{i:05}]: cannot {w1} the {w2} of {{name}} ({w3} unavailable)'\n  - '{w3}: {w2} {i} failed'\n\
         updated: 2025-{:02}-{:02}\n\
         quick_fix: 'Run `tool repair --{w2}` and retry.'\n\
         tags: [{}]\n",
        1 + i % 12,
        1 + i % 28,
        tags.join(", ")
    );
    s.push_str("why: |\n  The tool checks the ");
    let _ = writeln!(
        s,
        "{w2} before it can {w1}; when the {w3} is gone it stops here."
    );
    s.push_str("causes:\n");
    for k in 0..3 {
        let _ = writeln!(
            s,
            "  - 'Cause {k}: the {} was changed by another process.'",
            word(i, k + 3)
        );
    }
    s.push_str("fixes:\n  - |\n    Repair it:\n    ```bash\n");
    let _ = writeln!(
        s,
        "    tool repair --{w2} --verbose\n    tool {w1} again\n    ```"
    );
    let _ = writeln!(s, "  - 'Restart the {w3} service.'");
    s.push_str("steps:\n  - Read the message.\n  - Check the logs.\n  - Retry with `--verbose`.\n");
    s.push_str("prevention:\n  - Pin versions.\n");
    s.push_str("sources:\n  - title: Tool manual\n    url: https://example.org/manual\n");
    if i >= CATEGORIES {
        let _ = writeln!(s, "related: [error-{:05}]", i - CATEGORIES);
    }
    s.push_str("faq:\n  - q: Is it safe to retry?\n    a: Yes, after the fix.\n---\n");
    let _ = writeln!(
        s,
        "{marker}Entry {i} means the {w1} of the {w2} could not finish. The {w3} it needs was not there.\n"
    );
    s.push_str("It is usually harmless once the cause is fixed.\n");
    s
}

/// Writes a site of `n` entries under `root` (config, categories, entries).
pub fn write_corpus(root: &Path, n: usize) -> std::io::Result<()> {
    std::fs::write(
        root.join("kbgen.toml"),
        "title = \"Bench KB\"\nbase_url = \"https://bench.example.org/kb\"\n",
    )?;
    for c in 0..CATEGORIES {
        let dir = root.join(format!("content/cat-{c:02}"));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(
            dir.join("_category.yaml"),
            format!("name: Category {c}\ndescription: Synthetic category {c}.\n"),
        )?;
    }
    for i in 0..n {
        std::fs::write(root.join(entry_file(i)), entry_text(i, ""))?;
    }
    Ok(())
}
