//! The whole pipeline for `check` and `build`: load → parse → validate →
//! render → write, with every diagnostic of the run collected. Commands call
//! [`run`] and only decide how to print the outcome.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::diag::{Diagnostics, Format};
use crate::error::{Error, Result};
use crate::load::{self, rel_path};
use crate::model::assemble::{assemble_parsed, check_releasing};
use crate::model::{AssembleOptions, Kb, assemble};
use crate::render::site::{RenderInput, RenderReport, render_site};
use crate::render::templates::Templates;
use crate::source::SourceFile;
use crate::write::{NullSink, Staging, check_output_dir};

/// What a run should do after validating.
#[derive(Debug, Clone)]
pub enum Mode {
    /// Validate and render without writing (`check`).
    Check,
    /// Validate, render and write to this directory (`build`).
    Build {
        /// Output directory.
        out: PathBuf,
    },
}

/// Options of a run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The site root (holding `kbgen.toml`).
    pub root: PathBuf,
    /// Check or build.
    pub mode: Mode,
    /// Include drafts.
    pub drafts: bool,
    /// Replaces `base_url` from the config.
    pub base_url: Option<String>,
}

/// The result of a run.
pub struct Outcome {
    /// Every diagnostic.
    pub diags: Diagnostics,
    /// Texts of files that diagnostics point into, for snippets.
    pub sources: BTreeMap<String, SourceFile>,
    /// What was rendered, when rendering happened.
    pub report: Option<RenderReport>,
    /// The validated site, when validation passed.
    pub kb: Option<Kb>,
    /// Entry files read.
    pub entry_files: usize,
    /// Wall time of the run.
    pub elapsed: Duration,
}

impl Outcome {
    fn empty() -> Self {
        Outcome {
            diags: Diagnostics::new(),
            sources: BTreeMap::new(),
            report: None,
            kb: None,
            entry_files: 0,
            elapsed: Duration::ZERO,
        }
    }

    /// The outcome of a run stopped by a broken `kbgen.toml`.
    fn config_failed(config_file: SourceFile, diags: Diagnostics, start: Instant) -> Self {
        let mut outcome = Outcome::empty();
        outcome.diags = diags;
        outcome
            .sources
            .insert(config_file.rel_path.clone(), config_file);
        outcome.elapsed = start.elapsed();
        outcome
    }

    /// Renders the diagnostics in `format`.
    pub fn render_diags(&self, format: Format, color: bool) -> String {
        let refs = self.sources.iter().map(|(k, v)| (k.clone(), v)).collect();
        crate::diag::render(&self.diags, &refs, format, color)
    }
}

/// Reads `kbgen.toml` from `root`.
pub fn read_config(root: &Path) -> Result<(SourceFile, std::result::Result<Config, Diagnostics>)> {
    let path = root.join("kbgen.toml");
    if !path.is_file() {
        return Err(Error::NotAKb(root.to_path_buf()));
    }
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io("reading", &path, e))?;
    let file = SourceFile::new("kbgen.toml", path, text);
    let parsed = Config::parse(&file).map_err(|ds| {
        let mut d = Diagnostics::new();
        d.extend(ds);
        d
    });
    Ok((file, parsed))
}

/// Loads and validates the site without rendering (for `lookup`). The
/// outcome's `kb` holds the valid entries; it is `None` when the config is
/// broken.
pub fn load_kb(root: &Path) -> Result<Outcome> {
    let start = Instant::now();
    let (config_file, config) = read_config(root)?;
    let mut outcome = Outcome::empty();
    match config {
        Ok(config) => {
            let loaded = load::load_content(root, config.max_file_size)?;
            let (kb, diags) = assemble(config, &loaded, AssembleOptions::default());
            outcome.sources = diag_sources(loaded, &diags);
            outcome.diags = diags;
            outcome.kb = Some(kb);
        }
        Err(d) => return Ok(Outcome::config_failed(config_file, d, start)),
    }
    outcome.elapsed = start.elapsed();
    Ok(outcome)
}

/// The loaded files that diagnostics point into.
fn diag_sources(loaded: load::Loaded, diags: &Diagnostics) -> BTreeMap<String, SourceFile> {
    let wanted: BTreeSet<&str> = diags.sorted().iter().map(|d| d.file.as_str()).collect();
    loaded
        .files
        .into_iter()
        .map(|f| f.file)
        .chain(loaded.unloaded)
        .filter(|f| wanted.contains(f.rel_path.as_str()))
        .map(|f| (f.rel_path.clone(), f))
        .collect()
}

/// Runs the pipeline.
pub fn run(opts: &RunOptions) -> Result<Outcome> {
    let start = Instant::now();
    let root = &opts.root;
    let (config_file, config) = read_config(root)?;
    let mut outcome = Outcome::empty();
    let config = match config.map(|c| match &opts.base_url {
        Some(u) => c.with_base_url(u).map_err(Error::Usage),
        None => Ok(c),
    }) {
        Ok(c) => c?,
        Err(d) => return Ok(Outcome::config_failed(config_file, d, start)),
    };
    if let Mode::Build { out } = &opts.mode {
        check_output_dir(root, out)?;
    }
    // Each entry file is parsed by the thread that read it, as soon as it
    // is read.
    let (loaded, checked) = load::load_content_with(root, config.max_file_size, check_releasing)?;
    let checked: Vec<_> = checked.into_iter().flatten().collect();
    outcome.entry_files = checked.len();
    let (kb, mut diags) = assemble_parsed(
        config,
        &loaded,
        checked,
        AssembleOptions {
            include_drafts: opts.drafts,
        },
    );
    // Entries own their text now; keep only the files that diagnostics
    // point into (a large site's sources would otherwise stay in memory
    // through rendering). Files that rendering finds fault with are read
    // again at the end.
    let mut kept = KeptSources::keep(loaded, &diags);
    let templates = match Templates::load(root) {
        Ok(t) => Some(t),
        Err(ds) => {
            diags.extend(ds);
            None
        }
    };
    if let (false, Some(templates)) = (diags.has_errors(), templates) {
        let report = render(&kb, &templates, root, &opts.mode, &mut diags)?;
        outcome.report = report;
    }
    outcome.sources = kept.take(&diags);
    outcome.diags = diags;
    outcome.kb = Some(kb);
    outcome.elapsed = start.elapsed();
    Ok(outcome)
}

/// Source texts of a run: those with diagnostics, and where the others are.
struct KeptSources {
    texts: BTreeMap<String, SourceFile>,
    paths: BTreeMap<String, PathBuf>,
}

impl KeptSources {
    fn keep(loaded: load::Loaded, diags: &Diagnostics) -> Self {
        let paths = loaded
            .files
            .iter()
            .map(|f| (f.file.rel_path.clone(), f.file.disk_path.clone()))
            .collect();
        let mut texts = diag_sources(loaded, diags);
        // Texts released while parsing are read again if needed.
        texts.retain(|_, f| !f.text.is_empty());
        KeptSources { texts, paths }
    }

    /// The texts of the files `diags` point into, reading again those not
    /// kept.
    fn take(&mut self, diags: &Diagnostics) -> BTreeMap<String, SourceFile> {
        let wanted: BTreeSet<&str> = diags.sorted().iter().map(|d| d.file.as_str()).collect();
        wanted
            .into_iter()
            .filter_map(|rel| match self.texts.remove(rel) {
                Some(f) => Some((rel.to_string(), f)),
                None => {
                    let path = self.paths.get(rel)?;
                    let text = std::fs::read_to_string(path).ok()?;
                    Some((rel.to_string(), SourceFile::new(rel, path.clone(), text)))
                }
            })
            .collect()
    }
}

/// Output paths of the files under `root/static` (copied verbatim).
pub fn static_files(root: &Path) -> BTreeSet<String> {
    let dir = root.join("static");
    walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| rel_path(&dir, e.path()))
        .collect()
}

/// Generated files beyond pages and feeds (the search index), by output
/// path. `build`, `check` and `serve` all take them from here; `serve`
/// regenerates them when an entry's listed data changes (id, title,
/// description, signatures, tags, category, date).
pub fn extra_files(kb: &Kb) -> Vec<(String, Vec<u8>)> {
    crate::render::search::files(&crate::lookup::Index::build(kb))
}

fn render(
    kb: &Kb,
    templates: &Templates,
    root: &Path,
    mode: &Mode,
    diags: &mut Diagnostics,
) -> Result<Option<RenderReport>> {
    let statics = static_files(root);
    let input = RenderInput {
        kb,
        templates,
        static_files: &statics,
        extra_files: Box::new(|| extra_files(kb)),
    };
    match mode {
        Mode::Check => {
            let report = render_site(input, &NullSink)?;
            diags.extend(report.diags.clone().into_vec());
            Ok(Some(report))
        }
        Mode::Build { out } => {
            let staging = Staging::begin(out)?;
            if root.join("static").is_dir() {
                staging.copy_tree(&root.join("static"))?;
            }
            // One writer thread, fed by the render threads: on this kind of
            // filesystem parallel creates only add kernel time (benches/README.md).
            let report = staging.write_from(|sink| render_site(input, sink))?;
            diags.extend(report.diags.clone().into_vec());
            if !diags.has_errors() {
                staging.commit()?;
            }
            Ok(Some(report))
        }
    }
}
