//! Tool failures: I/O, bad flags, a missing site. Content problems are never
//! errors of this kind; they are [`crate::diag::Diagnostic`]s.

use std::path::PathBuf;

/// A failure of the tool itself (exit code 2), as opposed to bad content.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done ("reading", "writing", …).
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// No `kbgen.toml` in the chosen root.
    #[error("no kbgen.toml in {0} (run `kbgen init` to create a knowledge base, or pass --root)")]
    NotAKb(PathBuf),
    /// The output directory would destroy or contain the sources.
    #[error("refusing to write output to {path}: {reason}")]
    UnsafeOutput {
        /// The output directory asked for.
        path: PathBuf,
        /// Why it is refused.
        reason: &'static str,
    },
    /// A file that must not be overwritten already exists.
    #[error("{0} already exists; refusing to overwrite it")]
    Exists(PathBuf),
    /// A command-line value is not acceptable.
    #[error("{0}")]
    Usage(String),
    /// `serve` could not listen on the port asked for.
    #[error(
        "port {port} on 127.0.0.1 is already in use; choose another with --port, or --port 0 for a free one"
    )]
    PortInUse {
        /// The port asked for.
        port: u16,
    },
    /// `serve` could not watch a folder for changes.
    #[error("cannot watch {path} for changes: {source}")]
    Watch {
        /// The folder.
        path: PathBuf,
        /// The watcher's error.
        source: notify_debouncer_full::notify::Error,
    },
    /// The output writer thread stopped (after an I/O error it reports).
    #[error("the output writer stopped")]
    WriterStopped,
    /// A built-in template failed to compile or render (a bug in kbgen).
    #[error("template {name}: {message}")]
    Template {
        /// Template name.
        name: String,
        /// Tera's message.
        message: String,
    },
}

impl Error {
    /// Wraps an I/O error with what was being done and where.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// Result alias for tool failures.
pub type Result<T, E = Error> = std::result::Result<T, E>;
