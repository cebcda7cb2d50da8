//! `kbgen init [DIR]`: a new knowledge base that builds as it is.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::InitArgs;
use crate::error::Error;

const FILES: &[(&str, &str)] = &[
    (
        "kbgen.toml",
        include_str!("../../theme/scaffold/kbgen.toml"),
    ),
    (
        "content/node/_category.yaml",
        include_str!("../../theme/scaffold/example-category.yaml"),
    ),
    (
        "content/node/listen-eaddrinuse.md",
        include_str!("../../theme/scaffold/example-entry.md"),
    ),
    (".gitignore", "/public/\n"),
];

/// Runs `init`.
pub fn run(root: &Path, root_given: bool, args: InitArgs) -> anyhow::Result<ExitCode> {
    let dir = match args.dir {
        Some(d) if d.is_absolute() || root_given => root.join(d),
        Some(d) => std::env::current_dir()?.join(d),
        None => root.to_path_buf(),
    };
    if dir.join("kbgen.toml").exists() {
        return Err(Error::Exists(dir.join("kbgen.toml")).into());
    }
    for (rel, text) in FILES {
        let path = dir.join(rel);
        if path.exists() {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("creating", parent, e))?;
        }
        std::fs::write(&path, text).map_err(|e| Error::io("writing", &path, e))?;
    }
    println!("created a knowledge base in {}", dir.display());
    println!(
        "next: edit kbgen.toml, then run `kbgen build` (or `kbgen new CATEGORY \"error text\"` to add an entry)"
    );
    Ok(ExitCode::SUCCESS)
}
