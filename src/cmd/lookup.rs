//! `kbgen lookup [TEXT]`: rank the KB's entries for pasted error text, read
//! straight from `content/` (no build needed). Exit 0 found, 1 nothing,
//! 2 usage or I/O failure.

use std::io::{IsTerminal, Read};
use std::path::Path;
use std::process::ExitCode;

use crate::cli::LookupArgs;
use crate::config::Config;
use crate::diag::{Format, summary};
use crate::error::Error;
use crate::lookup::{Found, Index, MatchKind, lookup};
use crate::pipeline::load_kb;

/// Exit code when nothing matched.
pub const NOTHING_FOUND: u8 = 1;

/// Runs `lookup`.
pub fn run(root: &Path, args: LookupArgs) -> anyhow::Result<ExitCode> {
    let text = read_text(args.text)?;
    let outcome = load_kb(root)?;
    let Some(kb) = &outcome.kb else {
        super::print_diags(&outcome, Format::Human);
        return Err(Error::Usage("kbgen.toml has errors; fix them first".into()).into());
    };
    if outcome.diags.has_errors() {
        eprintln!(
            "warning: {}; entries with errors are left out (run `kbgen check`)",
            summary(&outcome.diags)
        );
    }
    let index = Index::build(kb);
    let mut found = lookup(&index, &text);
    if args.limit > 0 {
        found.truncate(args.limit);
    }
    if args.json {
        println!("{}", to_json(&found, &kb.config));
    } else if !found.is_empty() {
        print!("{}", to_text(&found, &kb.config));
    }
    if found.is_empty() {
        if !args.json {
            eprintln!("no entry matches this text");
        }
        return Ok(ExitCode::from(NOTHING_FOUND));
    }
    Ok(ExitCode::SUCCESS)
}

/// The text from the argument, or stdin when there is none.
fn read_text(arg: Option<String>) -> Result<String, Error> {
    let text = match arg {
        Some(t) if t != "-" => t,
        _ => {
            let mut stdin = std::io::stdin();
            if stdin.is_terminal() {
                return Err(Error::Usage(
                    "give the error text as an argument, or pipe it in: `pbpaste | kbgen lookup`"
                        .into(),
                ));
            }
            let mut buf = Vec::new();
            stdin
                .read_to_end(&mut buf)
                .map_err(|e| Error::io("reading", "stdin", e))?;
            String::from_utf8_lossy(&buf).into_owned()
        }
    };
    if text.trim().is_empty() {
        return Err(Error::Usage("the error text is empty".into()));
    }
    Ok(text)
}

/// One result as `--json` prints it (SPEC §3), plus the signature matched.
#[derive(serde::Serialize)]
struct JsonRow<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    score: serde_json::Value,
    #[serde(rename = "match")]
    kind: MatchKind,
    signature: &'a str,
}

fn to_json(found: &[Found], config: &Config) -> String {
    let rows: Vec<JsonRow> = found
        .iter()
        .map(|f| JsonRow {
            id: f.id,
            title: f.title,
            url: config.absolute(f.path),
            score: f.json_score(),
            kind: f.hit.kind,
            signature: &f.signature,
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_default()
}

fn to_text(found: &[Found], config: &Config) -> String {
    let mut out = String::new();
    for (i, f) in found.iter().enumerate() {
        let how = match f.hit.kind {
            MatchKind::Full => "matched".to_string(),
            MatchKind::Partial => format!("similar ({}%)", f.hit.score / 100),
        };
        out.push_str(&format!(
            "{}. {}\n   {}\n   {how}: {}\n",
            i + 1,
            f.title,
            config.absolute(f.path),
            f.filled
        ));
    }
    out
}
