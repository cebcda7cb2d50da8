//! The command line: clap definitions and dispatch to [`crate::cmd`].

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::diag::Format;

/// kbgen: a static-site generator for troubleshooting knowledge bases.
#[derive(Debug, Parser)]
#[command(name = "kbgen", version, about, long_about = None)]
pub struct Cli {
    /// The knowledge base to work on (the folder holding kbgen.toml).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new knowledge base with a config and one example entry.
    Init(InitArgs),
    /// Scaffold a new entry with every section.
    New(NewArgs),
    /// Validate every file; exit 1 on any error.
    Check(CheckArgs),
    /// Render the site into the output directory.
    Build(BuildArgs),
    /// Find the entries for pasted error text (argument or stdin).
    Lookup(LookupArgs),
    /// Serve the site on 127.0.0.1, rebuilding and reloading on change.
    Serve(ServeArgs),
}

/// `kbgen init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the knowledge base in (default: the current one).
    pub dir: Option<PathBuf>,
}

/// `kbgen new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// Category folder (a slug such as `docker`).
    pub category: String,
    /// The error message or a title; the entry's slug is derived from it.
    pub text: String,
}

/// `kbgen check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// How to print problems.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Check drafts too (they are always validated; this also renders them).
    #[arg(long)]
    pub drafts: bool,
}

/// `kbgen build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Output directory (default: public/ in the site root).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Use this base URL instead of the one in kbgen.toml (preview deploys).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include entries marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// How to print problems.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// `kbgen lookup`.
#[derive(Debug, Args)]
pub struct LookupArgs {
    /// The error text (a log line, a stack trace); read from stdin when absent.
    pub text: Option<String>,
    /// Print `[{"id","title","url","score","match"}]` instead of text.
    #[arg(long)]
    pub json: bool,
    /// Show at most N results (0: all).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub limit: usize,
}

/// `kbgen serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0 picks a free one and prints it).
    #[arg(short = 'p', long, default_value_t = crate::serve::DEFAULT_PORT)]
    pub port: u16,
    /// Include entries marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let root = match &cli.root {
        Some(r) => r.clone(),
        None => std::env::current_dir()?,
    };
    match cli.command {
        Command::Init(a) => crate::cmd::init::run(&root, cli.root.is_some(), a),
        Command::New(a) => crate::cmd::new::run(&root, a),
        Command::Check(a) => crate::cmd::check::run(&root, a),
        Command::Build(a) => crate::cmd::build::run(&root, a),
        Command::Lookup(a) => crate::cmd::lookup::run(&root, a),
        Command::Serve(a) => crate::cmd::serve::run(&root, a),
    }
}
