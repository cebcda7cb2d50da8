//! Stage 3b: every loaded file to one [`Kb`]. Files are parsed and validated
//! in parallel; then the checks that need the whole site run (duplicate ids,
//! `related` targets, alias collisions), and categories, tags and related
//! lists are built.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::{FileKind, Loaded, LoadedFile};
use crate::model::slug::{is_slug, tag_slug};
use crate::model::url::link_is_safe;
use crate::model::validate::{check_names, validate_entry};
use crate::model::{Category, Entry, Kb, Tag, related};
use crate::parse::category::{RawCategory, parse_category};
use crate::parse::entry::parse_entry;
use crate::parse::fields::nearest;
use crate::source::Pos;

/// Choices that change which entries make up the site.
#[derive(Debug, Clone, Copy, Default)]
pub struct AssembleOptions {
    /// Keep entries marked `draft: true`.
    pub include_drafts: bool,
}

/// Top-level names the generator writes itself; aliases and categories may
/// not take them.
pub const RESERVED: &[&str] = &[
    "tags",
    "api",
    "assets",
    "search",
    "index.html",
    "404.html",
    "sitemap.xml",
    "robots.txt",
    "atom.xml",
];

/// Parses, validates and assembles the site. The returned [`Kb`] holds the
/// valid entries; callers must not publish it when `diags` has errors.
pub fn assemble(config: Config, loaded: &Loaded, opts: AssembleOptions) -> (Kb, Diagnostics) {
    let results: Vec<(Option<Entry>, Vec<Diagnostic>)> = loaded
        .files
        .par_iter()
        .filter(|f| f.kind != FileKind::Category)
        .map(check_entry_file)
        .collect();
    assemble_parsed(config, loaded, results, opts)
}

/// [`check_entry_file`] for a one-shot build, run as each file is read
/// ([`crate::load::load_content_with`]); `None` for category files. An entry
/// file's text is released as soon as it has been parsed without a problem,
/// so a large site's sources and its entries are not in memory together (at
/// 100k entries that is about 600 MB). Files with diagnostics keep their
/// text for snippets.
pub fn check_releasing(f: &mut LoadedFile) -> Option<(Option<Entry>, Vec<Diagnostic>)> {
    if f.kind == FileKind::Category {
        return None;
    }
    let checked = check_entry_file(f);
    if checked.1.is_empty() {
        f.file.release_text();
    }
    Some(checked)
}

/// The rest of [`assemble`] once every entry file is parsed and validated
/// (`results` in the order of the entry files).
pub fn assemble_parsed(
    config: Config,
    loaded: &Loaded,
    results: Vec<(Option<Entry>, Vec<Diagnostic>)>,
    opts: AssembleOptions,
) -> (Kb, Diagnostics) {
    let mut diags = loaded.diags.clone();
    let (cat_files, entry_files): (Vec<&LoadedFile>, Vec<&LoadedFile>) = loaded
        .files
        .iter()
        .partition(|f| f.kind == FileKind::Category);
    let mut entries = Vec::with_capacity(results.len());
    for (e, d) in results {
        diags.extend(d);
        entries.extend(e);
    }
    let mut seen = BTreeSet::new();
    entries.retain(|e| seen.insert(e.id.clone()));
    let refs: Vec<&Entry> = entries.iter().collect();
    diags.extend(site_checks(&refs, &entry_files));
    let categories_meta = read_categories(&cat_files, &mut diags);
    entries.retain(|e| opts.include_drafts || !e.draft);
    (index_kb(config, entries, &categories_meta), diags)
}

/// Parses and validates one entry file on its own.
pub fn check_entry_file(f: &LoadedFile) -> (Option<Entry>, Vec<Diagnostic>) {
    match parse_entry(f) {
        (Some(raw), mut d) => {
            let (e, d2) = validate_entry(f, raw);
            d.extend(d2);
            (e, d)
        }
        (None, mut d) => {
            d.extend(check_names(f));
            (None, d)
        }
    }
}

/// The checks that need the whole site: ids defined twice, `related`
/// targets, category names and aliases. `entries` are the valid entries (one
/// per id, drafts included) in any order; `entry_files` every entry file read.
/// Nothing is copied: `serve` runs this after every change.
pub fn site_checks(entries: &[&Entry], entry_files: &[&LoadedFile]) -> Vec<Diagnostic> {
    let mut diags = Diagnostics::new();
    let ids = FileIds::new(entry_files);
    ids.duplicates(&mut diags);
    check_related(entries, &ids, &mut diags);
    let category_slugs: BTreeSet<&str> = ids.0.iter().map(|(c, _, _)| *c).collect();
    check_category_names(&category_slugs, entry_files, &mut diags);
    check_aliases(entries, &ids, &category_slugs, &mut diags);
    diags.into_vec()
}

/// Every entry file as (category, slug, path), sorted: the ids that exist,
/// valid or not.
struct FileIds<'a>(Vec<(&'a str, &'a str, &'a str)>);

impl<'a> FileIds<'a> {
    fn new(files: &[&'a LoadedFile]) -> Self {
        let mut v: Vec<(&str, &str, &str)> = files
            .iter()
            .map(|f| {
                (
                    f.category.as_str(),
                    f.stem.as_str(),
                    f.file.rel_path.as_str(),
                )
            })
            .collect();
        v.sort_unstable();
        FileIds(v)
    }

    fn contains(&self, id: &str) -> bool {
        id.split_once('/').is_some_and(|(c, s)| {
            self.0
                .binary_search_by(|(fc, fs, _)| (*fc, *fs).cmp(&(c, s)))
                .is_ok()
        })
    }

    /// Every id, for "did you mean" hints.
    fn all(&self) -> Vec<String> {
        let mut v: Vec<String> = self.0.iter().map(|(c, s, _)| format!("{c}/{s}")).collect();
        v.dedup();
        v
    }

    fn duplicates(&self, diags: &mut Diagnostics) {
        for w in self.0.windows(2) {
            let ((c, s, first), (c2, s2, p)) = (w[0], w[1]);
            if (c, s) != (c2, s2) {
                continue;
            }
            // With three files for one id, name the first for each repeat.
            let first = self
                .0
                .iter()
                .find(|(fc, fs, _)| (*fc, *fs) == (c, s))
                .map_or(first, |f| f.2);
            diags.push(
                Diagnostic::error(
                    p,
                    Pos::START,
                    format!("entry id `{c}/{s}` is defined twice: also by {first}"),
                )
                .with_help(
                    "an entry is either <slug>.md or <slug>.yaml; delete or rename one of them",
                ),
            );
        }
    }
}

/// Sorts the entries by id and builds categories, tags and related lists.
pub fn index_kb(
    config: Config,
    mut entries: Vec<Entry>,
    categories_meta: &BTreeMap<String, RawCategory>,
) -> Kb {
    entries.sort_by(|a, b| a.id.cmp(&b.id));
    let keys = title_keys(&entries);
    // The related lists beside the categories and tags: the listings are
    // mostly one thread's work, and would leave the other core idle.
    let ((categories, tags), related) = rayon::join(
        || {
            (
                build_categories(&entries, &keys, categories_meta),
                build_tags(&entries, &keys),
            )
        },
        || related::compute(&entries, config.related_limit),
    );
    Kb {
        config,
        entries,
        categories,
        tags,
        related,
    }
}

fn check_related(entries: &[&Entry], known: &FileIds, diags: &mut Diagnostics) {
    let mut all: Option<Vec<String>> = None;
    for e in entries {
        for r in &e.related_ids {
            if r.value == e.id {
                diags.push(
                    Diagnostic::error(&e.file, r.pos, "an entry cannot be related to itself")
                        .with_help("remove this id from `related`"),
                );
            } else if !known.contains(&r.value) {
                let all = all.get_or_insert_with(|| known.all());
                let ids: Vec<&str> = all.iter().map(String::as_str).collect();
                let help = match nearest(&r.value, &ids) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "write `category/slug` of an existing entry, or `slug` within the same category".into(),
                };
                diags.push(
                    Diagnostic::error(
                        &e.file,
                        r.pos,
                        format!("related entry `{}` does not exist", r.value),
                    )
                    .with_help(help),
                );
            }
        }
    }
}

fn check_category_names(slugs: &BTreeSet<&str>, files: &[&LoadedFile], diags: &mut Diagnostics) {
    for slug in slugs {
        if is_slug(slug) && RESERVED.contains(slug) {
            let file = files
                .iter()
                .find(|f| f.category == *slug)
                .map_or(String::new(), |f| f.file.rel_path.clone());
            diags.push(
                Diagnostic::file_error(
                    &file,
                    format!("category `{slug}` uses a name the site needs for itself"),
                )
                .with_help(format!(
                    "rename the folder; reserved names are: {}",
                    RESERVED.join(", ")
                )),
            );
        }
    }
}

/// The file an alias's redirect page is written to.
pub fn alias_file(alias: &str) -> String {
    if alias.ends_with(".html") {
        alias.to_string()
    } else {
        format!("{alias}/index.html")
    }
}

fn check_aliases(
    entries: &[&Entry],
    known: &FileIds,
    categories: &BTreeSet<&str>,
    diags: &mut Diagnostics,
) {
    // Pages of entries and categories, the home page and the 404 page.
    let generated = |file: &str| {
        matches!(file, "index.html" | "404.html")
            || file
                .strip_suffix("/index.html")
                .is_some_and(|p| known.contains(p) || categories.contains(p))
    };
    // The entry whose file comes first (in walk order) keeps a contested alias.
    let mut with_aliases: Vec<&Entry> = entries
        .iter()
        .copied()
        .filter(|e| !e.aliases.is_empty())
        .collect();
    with_aliases.sort_by(|a, b| a.file.split('/').cmp(b.file.split('/')));
    let mut taken: HashMap<String, &str> = HashMap::new();
    for e in with_aliases {
        for alias in &e.aliases {
            let first = alias.value.split('/').next().unwrap_or("");
            let file = alias_file(&alias.value);
            if RESERVED.contains(&first) || generated(&file) {
                diags.push(
                    Diagnostic::error(&e.file, alias.pos, format!("alias `/{}` would overwrite a page the site generates", alias.value))
                        .with_help("an alias must be an old address that no entry, category or built-in page uses"),
                );
            } else if let Some(other) = taken.insert(file, &e.id) {
                diags.push(
                    Diagnostic::error(
                        &e.file,
                        alias.pos,
                        format!("alias `/{}` is also an alias of `{other}`", alias.value),
                    )
                    .with_help("each old address can redirect to one entry only"),
                );
            }
        }
    }
}

/// Reads every `_category.yaml`, by category slug.
pub fn read_categories(
    files: &[&LoadedFile],
    diags: &mut Diagnostics,
) -> BTreeMap<String, RawCategory> {
    let mut out = BTreeMap::new();
    for f in files {
        let (cat, d) = parse_category(f);
        diags.extend(d);
        if let Some(h) = &cat.homepage
            && !link_is_safe(&h.value)
        {
            diags.push(
                Diagnostic::warning(
                    &f.file.rel_path,
                    h.pos,
                    "homepage is not an http(s) URL; it is shown as text",
                )
                .with_help("use the tool's https:// address"),
            );
        }
        out.insert(f.category.clone(), cat);
    }
    out
}

/// Listing order: title (case-insensitive), then id.
pub(crate) fn title_order(entries: &[Entry]) -> impl Fn(&usize, &usize) -> std::cmp::Ordering + '_ {
    |a, b| {
        let (x, y) = (&entries[*a], &entries[*b]);
        x.title
            .to_lowercase()
            .cmp(&y.title.to_lowercase())
            .then_with(|| x.id.cmp(&y.id))
    }
}

/// Sort keys for [`title_order`], lowercased once per entry rather than on
/// every comparison (two allocations each, over every category and tag
/// list of a large site).
fn title_keys(entries: &[Entry]) -> Vec<String> {
    entries.par_iter().map(|e| e.title.to_lowercase()).collect()
}

/// Sorts `idx` in [`title_order`] using keys from [`title_keys`].
fn sort_by_title(idx: &mut [usize], keys: &[String], entries: &[Entry]) {
    idx.sort_by(|&a, &b| {
        keys[a]
            .cmp(&keys[b])
            .then_with(|| entries[a].id.cmp(&entries[b].id))
    });
}

fn build_categories(
    entries: &[Entry],
    keys: &[String],
    meta: &BTreeMap<String, RawCategory>,
) -> Vec<Category> {
    let mut members: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        members.entry(&e.category).or_default().push(i);
    }
    members
        .into_iter()
        .map(|(slug, mut idx)| {
            sort_by_title(&mut idx, keys, entries);
            category(slug, meta.get(slug), idx)
        })
        .collect()
}

/// A category from its slug, its `_category.yaml` (if any) and its members.
pub(crate) fn category(slug: &str, meta: Option<&RawCategory>, entries: Vec<usize>) -> Category {
    let text = |v: Option<&crate::source::Located<String>>| v.map(|x| x.value.trim().to_string());
    let m = meta.cloned().unwrap_or_default();
    Category {
        slug: slug.to_string(),
        name: text(m.name.as_ref()).unwrap_or_else(|| slug.to_string()),
        description: text(m.description.as_ref()).unwrap_or_default(),
        homepage: text(m.homepage.as_ref()).filter(|h| link_is_safe(h)),
        entries,
    }
}

fn build_tags(entries: &[Entry], keys: &[String]) -> Vec<Tag> {
    let slugs: Vec<Vec<String>> = entries
        .par_iter()
        .map(|e| e.tags.iter().map(|t| tag_slug(t)).collect())
        .collect();
    let mut tags: BTreeMap<String, Tag> = BTreeMap::new();
    for (i, (e, slugs)) in entries.iter().zip(slugs).enumerate() {
        for (t, slug) in e.tags.iter().zip(slugs) {
            tags.entry(slug.clone())
                .or_insert_with(|| Tag {
                    slug,
                    name: t.clone(),
                    entries: Vec::new(),
                })
                .entries
                .push(i);
        }
    }
    let mut tags: Vec<Tag> = tags.into_values().collect();
    tags.par_iter_mut()
        .for_each(|t| sort_by_title(&mut t.entries, keys, entries));
    tags
}
