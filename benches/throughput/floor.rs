//! Benchmark support: the floor program. It does the least any generator
//! must do for each entry and nothing else: read the file, parse its YAML
//! (serde-saphyr, into plain strings), render every Markdown field with
//! pulldown-cmark, and write one HTML file per entry. No templates, no
//! listings, no feeds, no highlighting, one thread. A generator cannot be
//! faster than this on one core; kbgen's time is reported against it.

use std::path::Path;

use pulldown_cmark::{Options, Parser, html};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
struct Source {
    title: String,
    url: String,
    note: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Faq {
    q: String,
    a: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Entry {
    title: String,
    description: String,
    signatures: Vec<String>,
    updated: String,
    quick_fix: Option<String>,
    tags: Vec<String>,
    meaning: Option<String>,
    why: Option<String>,
    causes: Vec<String>,
    fixes: Vec<String>,
    checks: Vec<String>,
    steps: Vec<String>,
    prevention: Vec<String>,
    sources: Vec<Source>,
    related: Vec<String>,
    faq: Vec<Faq>,
    aliases: Vec<String>,
    draft: bool,
}

fn markdown(out: &mut String, md: &str) {
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    html::push_html(out, Parser::new_ext(md, opts));
}

/// The entry's HTML: every field, Markdown rendered, no page around it.
fn render(e: &Entry, body: Option<&str>) -> String {
    let mut out = String::with_capacity(16 * 1024);
    out.push_str(&e.title);
    out.push_str(&e.description);
    out.push_str(&e.updated);
    e.signatures.iter().for_each(|s| out.push_str(s));
    e.tags
        .iter()
        .chain(&e.related)
        .chain(&e.aliases)
        .for_each(|s| out.push_str(s));
    if let Some(q) = &e.quick_fix {
        markdown(&mut out, q);
    }
    for m in body
        .iter()
        .copied()
        .chain(e.meaning.as_deref())
        .chain(e.why.as_deref())
    {
        markdown(&mut out, m);
    }
    for list in [&e.causes, &e.fixes, &e.checks, &e.steps, &e.prevention] {
        list.iter().for_each(|m| markdown(&mut out, m));
    }
    for s in &e.sources {
        out.push_str(&s.title);
        out.push_str(&s.url);
        if let Some(n) = &s.note {
            markdown(&mut out, n);
        }
    }
    for f in &e.faq {
        out.push_str(&f.q);
        markdown(&mut out, &f.a);
    }
    if e.draft {
        out.push_str("draft");
    }
    out
}

/// Splits `---` front matter from a Markdown entry's body.
fn split(text: &str) -> (&str, Option<&str>) {
    match text
        .strip_prefix("---\n")
        .and_then(|t| t.split_once("\n---\n"))
    {
        Some((yaml, body)) => (yaml, Some(body)),
        None => (text, None),
    }
}

/// Renders every entry of the site at `root` into `out`; returns the count.
pub fn run(root: &Path, out: &Path) -> std::io::Result<usize> {
    let mut n = 0;
    for cat in sorted_dir(&root.join("content"))? {
        let cat_name = cat
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        for file in sorted_dir(&cat)? {
            let name = file
                .file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            let Some((stem, _)) = name.rsplit_once('.') else {
                continue;
            };
            if stem.starts_with('_') {
                continue;
            }
            let text = std::fs::read_to_string(&file)?;
            let (yaml, body) = split(&text);
            let entry: Entry = serde_saphyr::from_str(yaml)
                .map_err(|e| std::io::Error::other(format!("{}: {e}", file.display())))?;
            let html = render(&entry, body);
            let dir = out.join(&cat_name).join(stem);
            std::fs::create_dir_all(&dir)?;
            std::fs::write(dir.join("index.html"), html)?;
            n += 1;
        }
    }
    Ok(n)
}

fn sorted_dir(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut items: Vec<_> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    items.sort();
    Ok(items)
}
