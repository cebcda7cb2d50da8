//! `kbgen build`: render the site into the output directory atomically.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::BuildArgs;
use crate::diag::{plural, summary};
use crate::pipeline::{Mode, RunOptions, run as run_pipeline};

/// Runs `build`.
pub fn run(root: &Path, args: BuildArgs) -> anyhow::Result<ExitCode> {
    let out = match args.output {
        Some(o) if o.is_absolute() => o,
        Some(o) => std::env::current_dir()?.join(o),
        None => root.join("public"),
    };
    let outcome = run_pipeline(&RunOptions {
        root: root.to_path_buf(),
        mode: Mode::Build { out: out.clone() },
        drafts: args.drafts,
        base_url: args.base_url,
    })?;
    super::print_diags(&outcome, args.format);
    let ms = outcome.elapsed.as_millis();
    let warnings = outcome.diags.warning_count();
    if outcome.diags.has_errors() {
        eprintln!(
            "build failed: {}; {} left unchanged",
            summary(&outcome.diags),
            out.display()
        );
    } else if let Some(r) = &outcome.report {
        println!(
            "built {} {} ({} files) with {warnings} {} in {ms} ms -> {}",
            r.pages,
            plural(r.pages, "page"),
            r.files,
            plural(warnings, "warning"),
            out.display()
        );
    }
    Ok(super::exit_without_freeing(outcome))
}
