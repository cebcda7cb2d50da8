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
    let mut diags = loaded.diags.clone();
    let (cat_files, entry_files): (Vec<&LoadedFile>, Vec<&LoadedFile>) = loaded
        .files
        .iter()
        .partition(|f| f.kind == FileKind::Category);
    let all_ids: BTreeSet<String> = entry_files
        .iter()
        .map(|f| format!("{}/{}", f.category, f.stem))
        .collect();
    let results: Vec<(Option<Entry>, Vec<Diagnostic>)> = entry_files
        .par_iter()
        .map(|f| match parse_entry(f) {
            (Some(raw), mut d) => {
                let (e, d2) = validate_entry(f, raw);
                d.extend(d2);
                (e, d)
            }
            (None, mut d) => {
                d.extend(check_names(f));
                (None, d)
            }
        })
        .collect();
    let mut entries = Vec::with_capacity(results.len());
    for (e, d) in results {
        diags.extend(d);
        entries.extend(e);
    }
    entries = dedup_ids(entries, &entry_files, &mut diags);
    check_related(&entries, &all_ids, &mut diags);
    let categories_meta = read_categories(&cat_files, &mut diags);
    let category_slugs: BTreeSet<&str> = entry_files.iter().map(|f| f.category.as_str()).collect();
    check_category_names(&category_slugs, &entry_files, &mut diags);
    check_aliases(&entries, &all_ids, &category_slugs, &mut diags);

    entries.retain(|e| opts.include_drafts || !e.draft);
    entries.sort_by(|a, b| a.id.cmp(&b.id));
    let categories = build_categories(&entries, categories_meta);
    let tags = build_tags(&entries);
    let related = related::compute(&entries, config.related_limit);
    (
        Kb {
            config,
            entries,
            categories,
            tags,
            related,
        },
        diags,
    )
}

fn dedup_ids(entries: Vec<Entry>, files: &[&LoadedFile], diags: &mut Diagnostics) -> Vec<Entry> {
    let mut by_id: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for f in files {
        by_id
            .entry(format!("{}/{}", f.category, f.stem))
            .or_default()
            .push(&f.file.rel_path);
    }
    for (id, paths) in &by_id {
        for p in paths.iter().skip(1) {
            diags.push(
                Diagnostic::error(
                    p,
                    Pos::START,
                    format!("entry id `{id}` is defined twice: also by {}", paths[0]),
                )
                .with_help(
                    "an entry is either <slug>.md or <slug>.yaml; delete or rename one of them",
                ),
            );
        }
    }
    let mut seen = BTreeSet::new();
    entries
        .into_iter()
        .filter(|e| seen.insert(e.id.clone()))
        .collect()
}

fn check_related(entries: &[Entry], all_ids: &BTreeSet<String>, diags: &mut Diagnostics) {
    let ids: Vec<&str> = all_ids.iter().map(String::as_str).collect();
    for e in entries {
        for r in &e.related_ids {
            if r.value == e.id {
                diags.push(
                    Diagnostic::error(&e.file, r.pos, "an entry cannot be related to itself")
                        .with_help("remove this id from `related`"),
                );
            } else if !all_ids.contains(&r.value) {
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
    entries: &[Entry],
    all_ids: &BTreeSet<String>,
    categories: &BTreeSet<&str>,
    diags: &mut Diagnostics,
) {
    let generated: BTreeSet<String> = all_ids
        .iter()
        .map(|id| format!("{id}/index.html"))
        .chain(categories.iter().map(|c| format!("{c}/index.html")))
        .chain(["index.html".to_string(), "404.html".to_string()])
        .collect();
    let mut taken: HashMap<String, &str> = HashMap::new();
    for e in entries {
        for alias in &e.aliases {
            let first = alias.value.split('/').next().unwrap_or("");
            let file = alias_file(&alias.value);
            if RESERVED.contains(&first) || generated.contains(&file) {
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

fn read_categories(
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

fn title_order(entries: &[Entry]) -> impl Fn(&usize, &usize) -> std::cmp::Ordering + '_ {
    |a, b| {
        let (x, y) = (&entries[*a], &entries[*b]);
        x.title
            .to_lowercase()
            .cmp(&y.title.to_lowercase())
            .then_with(|| x.id.cmp(&y.id))
    }
}

fn build_categories(entries: &[Entry], mut meta: BTreeMap<String, RawCategory>) -> Vec<Category> {
    let mut members: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        members.entry(&e.category).or_default().push(i);
    }
    members
        .into_iter()
        .map(|(slug, mut idx)| {
            idx.sort_by(title_order(entries));
            let m = meta.remove(slug).unwrap_or_default();
            Category {
                slug: slug.to_string(),
                name: m
                    .name
                    .map_or_else(|| slug.to_string(), |n| n.value.trim().to_string()),
                description: m
                    .description
                    .map(|d| d.value.trim().to_string())
                    .unwrap_or_default(),
                homepage: m
                    .homepage
                    .map(|h| h.value.trim().to_string())
                    .filter(|h| link_is_safe(h)),
                entries: idx,
            }
        })
        .collect()
}

fn build_tags(entries: &[Entry]) -> Vec<Tag> {
    let mut tags: BTreeMap<String, Tag> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        for t in &e.tags {
            let slug = tag_slug(t);
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
    let order = title_order(entries);
    tags.into_values()
        .map(|mut t| {
            t.entries.sort_by(&order);
            t
        })
        .collect()
}
