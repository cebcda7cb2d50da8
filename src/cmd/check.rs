//! `kbgen check`: validate everything, render without writing (so internal
//! links are checked too), print every problem.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::CheckArgs;
use crate::diag::{Format, summary};
use crate::pipeline::{Mode, RunOptions, run as run_pipeline};

/// Runs `check`.
pub fn run(root: &Path, args: CheckArgs) -> anyhow::Result<ExitCode> {
    let outcome = run_pipeline(&RunOptions {
        root: root.to_path_buf(),
        mode: Mode::Check,
        drafts: args.drafts,
        base_url: None,
    })?;
    super::print_diags(&outcome, args.format);
    if args.format == Format::Human {
        let n = outcome.entry_files;
        eprintln!(
            "checked {n} {}: {}",
            crate::diag::plural(n, "entry"),
            summary(&outcome.diags)
        );
    }
    Ok(super::exit_without_freeing(outcome))
}
