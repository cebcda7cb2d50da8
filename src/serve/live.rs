//! `serve`, the state: a [`LiveSite`] owns everything a rebuild needs (the
//! config and templates, every content file read, each file's diagnostics,
//! the live knowledge base, what each entry page links to, the `static/`
//! files) and turns a batch of [`Changes`] into an [`Update`] of the served
//! files. Only changed files are read and parsed again, and only the pages
//! that show what changed are rendered again; a change to `kbgen.toml` or
//! `templates/` rebuilds everything. While the site has errors nothing is
//! published: the pages that need rendering add up and go out together once
//! the errors are fixed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Format};
use crate::error::{Error, Result};
use crate::load::{FileKind, Loaded, LoadedFile, load_content, load_under, rel_path};
use crate::model::assemble::{check_entry_file, index_kb, read_categories, site_checks};
use crate::model::live::LiveKb;
use crate::model::{Entry, Kb};
use crate::parse::category::RawCategory;
use crate::pipeline::{extra_files, read_config};
use crate::render::cards::Cards;
use crate::render::highlight::Highlighter;
use crate::render::site::{
    PageLinks, RenderInput, SiteRenderer, data_files, data_names, link_diags, plan,
    render_site_with,
};
use crate::render::templates::Templates;
use crate::serve::pages::{Dirty, FileChange};
use crate::serve::watch::Changes;
use crate::source::SourceFile;
use crate::write::MemorySink;

/// How a site is served.
#[derive(Debug, Clone)]
pub struct SiteOptions {
    /// The site root (canonical).
    pub root: PathBuf,
    /// The address pages are served at (`http://127.0.0.1:1111`).
    pub base_url: String,
    /// Include drafts.
    pub drafts: bool,
}

/// New contents for the served files.
pub enum Pages {
    /// Every generated file, replacing all.
    All(HashMap<String, Arc<[u8]>>),
    /// Files to write or remove.
    Some(Vec<FileChange>),
}

/// The result of a build or rebuild.
pub struct Update {
    /// Generated files to publish; `None` when errors hold them back.
    pub pages: Option<Pages>,
    /// The files of `static/`, when they changed.
    pub statics: Option<BTreeMap<String, Arc<[u8]>>>,
    /// Every diagnostic of the site as it is now.
    pub diags: Diagnostics,
    /// Pages rendered.
    pub rendered: usize,
}

impl Update {
    /// True when no served file changes (a file that is no entry came and
    /// went, say, or errors hold everything back); the diagnostics may
    /// still have changed.
    pub fn changes_nothing(&self) -> bool {
        self.statics.is_none()
            && match &self.pages {
                Some(Pages::Some(f)) => f.is_empty(),
                Some(Pages::All(_)) => false,
                None => true,
            }
    }
}

/// A site being served: what is needed to rebuild it after a change.
pub struct LiveSite {
    opts: SiteOptions,
    highlighter: Highlighter,
    config_file: Option<SourceFile>,
    setup_diags: Diagnostics,
    model: Option<Model>,
    statics: BTreeMap<String, Arc<[u8]>>,
    dirty: Dirty,
    /// Published pages are ahead of the data files ([`LiveSite::data_job`]).
    data_pending: bool,
    /// Counts publications that changed the data files' inputs.
    data_version: u64,
}

/// Making the feeds, sitemap, API index and search index for one version
/// of the site; runs anywhere, on a snapshot of the knowledge base.
pub struct DataJob {
    version: u64,
    kb: Arc<Kb>,
}

/// What a [`DataJob`] made.
pub struct DataFiles {
    version: u64,
    data: Vec<(String, Vec<u8>)>,
    extra: Vec<(String, Vec<u8>)>,
}

impl DataJob {
    /// Makes the files (the slow part: the search index covers every entry).
    pub fn run(self) -> DataFiles {
        DataFiles {
            version: self.version,
            data: data_files(&self.kb),
            extra: extra_files(&self.kb),
        }
    }
}

/// The content side, present once config and templates are valid.
struct Model {
    templates: Templates,
    files: BTreeMap<String, LoadedFile>,
    load_diags: Vec<Diagnostic>,
    /// Files that could not be loaded (not UTF-8, a NUL byte), kept with
    /// their text as shown so their diagnostics get a snippet.
    unloaded: BTreeMap<String, SourceFile>,
    checked: BTreeMap<String, Vec<Diagnostic>>,
    drafts: BTreeMap<String, Entry>,
    live: LiveKb,
    links: BTreeMap<String, PageLinks>,
    extra: Vec<(String, Vec<u8>)>,
    data_names: BTreeSet<String>,
    /// Every output path, for the link check; `None` once it may be stale.
    planned: Option<BTreeSet<String>>,
    /// What the whole-site checks found; `None` once it may be stale.
    site_diags: Option<Vec<Diagnostic>>,
    /// Rendered cards, kept between rebuilds.
    cards: Cards,
}

impl LiveSite {
    /// Reads and builds the whole site.
    pub fn new(opts: SiteOptions) -> Result<(LiveSite, Update)> {
        let mut site = LiveSite {
            opts,
            highlighter: Highlighter::new(),
            config_file: None,
            setup_diags: Diagnostics::new(),
            model: None,
            statics: BTreeMap::new(),
            dirty: Dirty::default(),
            data_pending: false,
            data_version: 0,
        };
        let update = site.full()?;
        Ok((site, update))
    }

    /// Applies a batch of changes.
    pub fn rebuild(&mut self, changes: &Changes) -> Result<Update> {
        if changes.needs_full() || self.model.is_none() {
            return self.full();
        }
        let statics_changed = !changes.statics.is_empty();
        for rel in &changes.statics {
            self.reload_static(rel)?;
        }
        if !changes.content.is_empty() {
            self.reload_content(&changes.content)?;
        }
        let mut update = self.publish()?;
        if statics_changed {
            update.statics = Some(self.statics.clone());
        }
        Ok(update)
    }

    /// Renders diagnostics as the terminal shows them.
    pub fn describe(&self, diags: &Diagnostics, color: bool) -> String {
        let mut sources: BTreeMap<String, &SourceFile> = BTreeMap::new();
        if let Some(f) = &self.config_file {
            sources.insert(f.rel_path.clone(), f);
        }
        if let Some(m) = &self.model {
            for d in diags.sorted() {
                let file = m.files.get(&d.file).map(|f| &f.file);
                if let Some(f) = file.or_else(|| m.unloaded.get(&d.file)) {
                    sources.insert(d.file.clone(), f);
                }
            }
        }
        crate::diag::render(diags, &sources, Format::Human, color)
    }

    /// The knowledge base as it is now, when config and templates are valid.
    pub fn kb(&self) -> Option<&Kb> {
        self.model.as_ref().map(|m| m.live.kb())
    }

    /// Reads everything again and marks every page for rendering.
    fn full(&mut self) -> Result<Update> {
        self.model = None;
        self.setup_diags = Diagnostics::new();
        self.dirty = Dirty {
            all: true,
            ..Dirty::default()
        };
        self.statics = read_statics(&self.opts.root)?;
        let root = self.opts.root.clone();
        let (config_file, config) = read_config(&root)?;
        self.config_file = Some(config_file);
        let config = match config.map(|c| c.with_base_url(&self.opts.base_url)) {
            Ok(c) => c.map_err(Error::Usage)?,
            Err(d) => {
                self.setup_diags = d;
                return self.publish_with_statics();
            }
        };
        let templates = match Templates::load(&root) {
            Ok(t) => t,
            Err(ds) => {
                self.setup_diags.extend(ds);
                return self.publish_with_statics();
            }
        };
        let loaded = load_content(&root, config.max_file_size)?;
        self.model = Some(Model::build(config, templates, loaded, self.opts.drafts));
        self.publish_with_statics()
    }

    fn publish_with_statics(&mut self) -> Result<Update> {
        let mut update = self.publish()?;
        update.statics = Some(self.statics.clone());
        Ok(update)
    }

    /// Reads one changed path under `static/` (a file or a folder) again.
    fn reload_static(&mut self, rel: &str) -> Result<()> {
        let dir = self.opts.root.join("static");
        let prefix = format!("{rel}/");
        self.statics
            .retain(|k, _| !(rel.is_empty() || k == rel || k.starts_with(&prefix)));
        let start = if rel.is_empty() {
            dir.clone()
        } else {
            dir.join(rel)
        };
        self.statics.extend(read_tree(&dir, &start)?);
        Ok(())
    }

    /// Reads changed content paths again and updates the knowledge base.
    fn reload_content(&mut self, paths: &BTreeSet<String>) -> Result<()> {
        let root = self.opts.root.clone();
        let Some(m) = self.model.as_mut() else {
            return Ok(());
        };
        let max = m.live.kb().config.max_file_size;
        let mut touched: Vec<LoadedFile> = Vec::new();
        let (mut gone, mut found) = (BTreeSet::new(), BTreeSet::new());
        for rel in paths {
            let forgotten = m.forget_under(rel);
            gone.extend(forgotten.iter().map(|f| f.file.rel_path.clone()));
            touched.extend(forgotten);
            let loaded = match load_under(&root, &root.join(rel), max) {
                Ok(l) => l,
                // The path went away while it was read; its removal event follows.
                Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                    continue;
                }
                Err(e) => return Err(e),
            };
            m.load_diags.extend(loaded.diags.into_vec());
            m.unloaded.extend(by_path(loaded.unloaded));
            for f in loaded.files {
                found.insert(f.file.rel_path.clone());
                touched.push(f.clone());
                m.files.insert(f.file.rel_path.clone(), f);
            }
        }
        let mut ids = BTreeSet::new();
        let mut categories = BTreeSet::new();
        for f in &touched {
            match f.kind {
                FileKind::Category => categories.insert(f.category.clone()),
                _ => ids.insert(format!("{}/{}", f.category, f.stem)),
            };
        }
        for slug in categories {
            if m.recheck_category(&slug) {
                self.dirty.mark_category(m.live.kb(), &slug);
            }
        }
        let changes: Vec<(String, Option<Entry>)> = ids
            .into_iter()
            .map(|id| {
                let e = m.recheck_id(&id, self.opts.drafts);
                (id, e)
            })
            .collect();
        let change = m.live.apply(changes);
        if change.reshapes(m.live.kb()) {
            m.planned = None;
        }
        if gone != found || change.touches_site_checks(m.live.kb()) {
            m.site_diags = None;
        }
        self.dirty.mark_change(m.live.kb(), &change);
        Ok(())
    }

    /// Every diagnostic of the site as it is now, rendering aside.
    fn diagnostics(&mut self) -> Diagnostics {
        let mut d = self.setup_diags.clone();
        if let Some(m) = &mut self.model {
            d.extend(m.diagnostics());
        }
        d
    }

    /// Renders what is marked and hands it out, unless there are errors.
    fn publish(&mut self) -> Result<Update> {
        let mut update = Update {
            pages: None,
            statics: None,
            diags: self.diagnostics(),
            rendered: 0,
        };
        let Some(m) = self.model.as_mut() else {
            return Ok(update);
        };
        if update.diags.has_errors() {
            return Ok(update);
        }
        let (pages, rendered, link_diags) = if self.dirty.all {
            m.render_all(&self.highlighter, &self.statics)?
        } else {
            m.render_dirty(&self.highlighter, &self.statics, &self.dirty)?
        };
        let failed = link_diags.has_errors();
        update.diags.extend(link_diags.into_vec());
        if !failed {
            update.pages = Some(pages);
            update.rendered = rendered;
            self.data_pending = self.dirty.data && !self.dirty.all;
            if self.dirty.data || self.dirty.all {
                self.data_version += 1;
            }
            self.dirty = Dirty::default();
        }
        Ok(update)
    }

    /// The job that makes the feeds, sitemap, API index and search index
    /// again, when a change published since touched them. `rebuild` leaves
    /// them out so that pages go out first; `serve` runs the job on another
    /// thread and hands the result to [`LiveSite::apply_data`].
    pub fn data_job(&mut self) -> Option<DataJob> {
        if !std::mem::take(&mut self.data_pending) {
            return None;
        }
        let m = self.model.as_ref()?;
        Some(DataJob {
            version: self.data_version,
            kb: m.live.shared(),
        })
    }

    /// The files a job made that differ from those served (writes and
    /// removals); `None` when the site changed since the job started (a
    /// newer job follows).
    pub fn apply_data(&mut self, files: DataFiles) -> Option<Vec<FileChange>> {
        if files.version != self.data_version {
            return None;
        }
        self.model.as_mut().map(|m| m.take_data(files))
    }

    /// [`LiveSite::data_job`] and [`LiveSite::apply_data`] in one go.
    pub fn refresh_data(&mut self) -> Option<Vec<FileChange>> {
        let job = self.data_job()?;
        self.apply_data(job.run())
    }
}

impl Model {
    /// Checks every file read and builds the knowledge base from scratch.
    fn build(config: Config, templates: Templates, loaded: Loaded, drafts: bool) -> Model {
        use rayon::prelude::*;
        let files: BTreeMap<String, LoadedFile> = loaded
            .files
            .into_iter()
            .map(|f| (f.file.rel_path.clone(), f))
            .collect();
        let entry_files: Vec<&LoadedFile> = files
            .values()
            .filter(|f| f.kind != FileKind::Category)
            .collect();
        let results: Vec<(Option<Entry>, Vec<Diagnostic>)> = entry_files
            .par_iter()
            .map(|f| check_entry_file(f))
            .collect();
        let mut checked = BTreeMap::new();
        let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
        for (f, (e, d)) in entry_files.iter().zip(results) {
            checked.insert(f.file.rel_path.clone(), d);
            if let Some(e) = e {
                entries.entry(e.id.clone()).or_insert(e);
            }
        }
        let (kept, left_out): (Vec<Entry>, Vec<Entry>) =
            entries.into_values().partition(|e| drafts || !e.draft);
        let mut meta = BTreeMap::new();
        for f in files.values().filter(|f| f.kind == FileKind::Category) {
            let mut d = Diagnostics::new();
            meta.extend(read_categories(&[f], &mut d));
            checked.insert(f.file.rel_path.clone(), d.into_vec());
        }
        Model {
            live: LiveKb::new(index_kb(config, kept, &meta), meta),
            templates,
            files,
            load_diags: loaded.diags.into_vec(),
            unloaded: by_path(loaded.unloaded),
            checked,
            drafts: left_out.into_iter().map(|e| (e.id.clone(), e)).collect(),
            links: BTreeMap::new(),
            extra: Vec::new(),
            data_names: BTreeSet::new(),
            planned: None,
            site_diags: None,
            cards: Cards::default(),
        }
    }

    /// Drops every file at or under `rel`; returns them.
    fn forget_under(&mut self, rel: &str) -> Vec<LoadedFile> {
        let prefix = format!("{rel}/");
        let gone: Vec<String> = self
            .files
            .range(rel.to_string()..)
            .take_while(|(k, _)| *k == rel || k.starts_with(&prefix))
            .map(|(k, _)| k.clone())
            .collect();
        let under = |path: &str| path == rel || path.starts_with(&prefix);
        self.load_diags.retain(|d| !under(&d.file));
        self.unloaded.retain(|path, _| !under(path));
        gone.iter()
            .filter_map(|k| {
                self.checked.remove(k);
                self.files.remove(k)
            })
            .collect()
    }

    /// Parses a `_category.yaml` again; returns whether its category's
    /// metadata changed.
    fn recheck_category(&mut self, slug: &str) -> bool {
        let rel = format!("content/{slug}/_category.yaml");
        let meta = self.check_category_file(&rel).map(|(_, m)| m);
        self.live.set_category_meta(slug, meta)
    }

    fn check_category_file(&mut self, rel: &str) -> Option<(String, RawCategory)> {
        let f = self.files.get(rel)?;
        let mut d = Diagnostics::new();
        let mut meta = read_categories(&[f], &mut d);
        self.checked.insert(rel.to_string(), d.into_vec());
        meta.pop_first()
    }

    /// Checks the files that define entry `id` again (`<slug>.md` and
    /// `<slug>.yaml`; the first valid one wins, as in a build) and returns
    /// the entry the knowledge base should hold.
    fn recheck_id(&mut self, id: &str, drafts: bool) -> Option<Entry> {
        let mut found = None;
        for ext in ["md", "yaml"] {
            let rel = format!("content/{id}.{ext}");
            let Some(f) = self.files.get(&rel) else {
                continue;
            };
            let (e, d) = check_entry_file(f);
            self.checked.insert(rel, d);
            if found.is_none() {
                found = e;
            }
        }
        self.drafts.remove(id);
        match found {
            Some(e) if e.draft && !drafts => {
                self.drafts.insert(id.to_string(), e);
                None
            }
            other => other,
        }
    }

    /// Problems found reading and checking files, and the whole-site
    /// checks (run again only when a change can alter what they find).
    fn diagnostics(&mut self) -> Vec<Diagnostic> {
        let mut d: Vec<Diagnostic> = self.load_diags.clone();
        d.extend(self.checked.values().flatten().cloned());
        let site = self.site_diags.get_or_insert_with(|| {
            let entries: Vec<&Entry> = self
                .live
                .kb()
                .entries
                .iter()
                .chain(self.drafts.values())
                .collect();
            let entry_files: Vec<&LoadedFile> = self
                .files
                .values()
                .filter(|f| f.kind != FileKind::Category)
                .collect();
            site_checks(&entries, &entry_files)
        });
        d.extend(site.iter().cloned());
        d
    }

    /// Renders the whole site.
    fn render_all(
        &mut self,
        highlighter: &Highlighter,
        statics: &BTreeMap<String, Arc<[u8]>>,
    ) -> Result<(Pages, usize, Diagnostics)> {
        let kb = self.live.kb();
        let static_files: BTreeSet<String> = statics.keys().cloned().collect();
        let sink = MemorySink::default();
        self.cards = Cards::new(kb);
        // Made beside the entry pages, as in `build`; `serve` keeps a copy
        // to tell later which search files changed.
        let kept = std::sync::Mutex::new(Vec::new());
        let report = render_site_with(
            RenderInput {
                kb,
                templates: &self.templates,
                static_files: &static_files,
                extra_files: Box::new(|| {
                    let files = extra_files(kb);
                    *kept.lock().expect("no thread panics holding it") = files.clone();
                    files
                }),
            },
            &sink,
            highlighter,
            &self.cards,
        )?;
        self.links = kb
            .entries
            .iter()
            .map(|e| e.id.clone())
            .zip(report.links)
            .collect();
        self.extra = kept.into_inner().expect("no thread panicked holding it");
        self.data_names = data_names(kb);
        self.planned = None;
        Ok((Pages::All(sink.into_files()), report.pages, report.diags))
    }

    /// Renders the marked pages, and the data files when marked.
    fn render_dirty(
        &mut self,
        highlighter: &Highlighter,
        statics: &BTreeMap<String, Arc<[u8]>>,
        dirty: &Dirty,
    ) -> Result<(Pages, usize, Diagnostics)> {
        let kb = self.live.kb();
        self.cards = std::mem::take(&mut self.cards).carry(kb, &dirty.cards);
        let r = SiteRenderer::new(kb, &self.templates, highlighter, &self.cards);
        let rendered = dirty.render(&r, kb)?;
        let pages = rendered.files.iter().filter(|(_, b)| b.is_some()).count();
        let files = rendered.files;
        for (id, links) in rendered.links {
            match links {
                Some(l) => self.links.insert(id, l),
                None => self.links.remove(&id),
            };
        }
        let diags = self.check_links(statics);
        Ok((Pages::Some(files), pages, diags))
    }

    /// The link check of every entry page, from the links kept per page.
    fn check_links(&mut self, statics: &BTreeMap<String, Arc<[u8]>>) -> Diagnostics {
        let kb = self.live.kb();
        let planned = self.planned.get_or_insert_with(|| {
            let names: Vec<&String> = self.extra.iter().map(|(n, _)| n).collect();
            plan(kb, &names)
        });
        // Both are sorted by id; they hold the same ids once every changed
        // entry is rendered, which the lookup below covers otherwise.
        let aligned = kb.entries.iter().map(|e| &e.id).eq(self.links.keys());
        let empty = PageLinks::default();
        let links: Vec<&PageLinks> = if aligned {
            self.links.values().collect()
        } else {
            kb.entries
                .iter()
                .map(|e| self.links.get(&e.id).unwrap_or(&empty))
                .collect()
        };
        let static_files: BTreeSet<String> = statics.keys().cloned().collect();
        link_diags(kb, &links, planned, &static_files)
    }

    /// Takes new feeds, sitemap, API and search index: returns the files
    /// whose bytes changed, and removals for files no longer generated.
    fn take_data(&mut self, files: DataFiles) -> Vec<FileChange> {
        let DataFiles { data, extra, .. } = files;
        let names: BTreeSet<String> = data.iter().map(|(n, _)| n.clone()).collect();
        let mut out: Vec<FileChange> = self
            .data_names
            .difference(&names)
            .map(|n| (n.clone(), None))
            .collect();
        if self.data_names != names {
            self.planned = None;
        }
        self.data_names = names;
        let old_extra: HashMap<String, Vec<u8>> =
            std::mem::take(&mut self.extra).into_iter().collect();
        self.extra = extra;
        for (n, bytes) in &self.extra {
            if old_extra.get(n) != Some(bytes) {
                out.push((n.clone(), Some(Arc::from(bytes.as_slice()))));
            }
        }
        let new_names: BTreeSet<&String> = self.extra.iter().map(|(n, _)| n).collect();
        if new_names.len() != old_extra.len() || old_extra.keys().any(|n| !new_names.contains(n)) {
            self.planned = None;
        }
        out.extend(
            old_extra
                .into_keys()
                .filter(|n| !new_names.contains(n))
                .map(|n| (n, None)),
        );
        out.extend(data.into_iter().map(|(n, b)| (n, Some(Arc::from(b)))));
        out
    }
}

/// The files under `root/static`, by output path.
fn read_statics(root: &Path) -> Result<BTreeMap<String, Arc<[u8]>>> {
    let dir = root.join("static");
    read_tree(&dir, &dir)
}

/// Reads the files at or under `start` (inside `dir`), keyed by their path
/// from `dir`. A missing `start` gives nothing.
fn read_tree(dir: &Path, start: &Path) -> Result<BTreeMap<String, Arc<[u8]>>> {
    let mut out = BTreeMap::new();
    if !start.exists() {
        return Ok(out);
    }
    for item in walkdir::WalkDir::new(start).sort_by_file_name() {
        let item = match item {
            Ok(i) => i,
            Err(e)
                if e.io_error().map(std::io::Error::kind) == Some(std::io::ErrorKind::NotFound) =>
            {
                continue;
            }
            Err(e) => return Err(Error::io("reading", start, e.into())),
        };
        if item.file_type().is_file() {
            match std::fs::read(item.path()) {
                Ok(bytes) => {
                    out.insert(rel_path(dir, item.path()), Arc::from(bytes));
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io("reading", item.path(), e)),
            }
        }
    }
    Ok(out)
}

/// Source files by their path from the site root.
fn by_path(files: Vec<SourceFile>) -> BTreeMap<String, SourceFile> {
    files.into_iter().map(|f| (f.rel_path.clone(), f)).collect()
}
