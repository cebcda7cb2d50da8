//! `kbgen serve`: build into memory, serve on 127.0.0.1, rebuild on change.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::ServeArgs;
use crate::serve::{ServeOptions, run as run_serve};

/// Runs `serve` until Ctrl-C.
pub fn run(root: &Path, args: ServeArgs) -> anyhow::Result<ExitCode> {
    run_serve(ServeOptions {
        root: root.to_path_buf(),
        port: args.port,
        drafts: args.drafts,
        color: super::stderr_color(),
    })?;
    Ok(ExitCode::SUCCESS)
}
