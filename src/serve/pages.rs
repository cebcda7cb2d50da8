//! `serve`, choosing pages: which output files show what a change touched,
//! and rendering just those. An entry's own page shows all of it; its card
//! (title, description, first signature, date, category) shows on its
//! category and tag pages, the home page and the pages whose related lists
//! include it; its listed data (title, description, signatures, tags,
//! category, date) is in the feeds, the sitemap and the search index.

use std::collections::BTreeSet;
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::Result;
use crate::model::assemble::alias_file;
use crate::model::live::KbChange;
use crate::model::slug::slugify;
use crate::model::{Entry, Kb};
use crate::render::site::{PageLinks, SiteRenderer};

/// Pages to render again (or remove, when what they show is gone).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Dirty {
    /// Every page.
    pub all: bool,
    /// Entry pages, by id.
    pub entries: BTreeSet<String>,
    /// Category pages, by slug.
    pub categories: BTreeSet<String>,
    /// Tag pages, by slug.
    pub tags: BTreeSet<String>,
    /// Alias redirect pages, by output file.
    pub aliases: BTreeSet<String>,
    /// The home page.
    pub home: bool,
    /// The list of all tags.
    pub tags_index: bool,
    /// Feeds, sitemap, API index and search index.
    pub data: bool,
    /// Entries whose card changed, by id (their rendered cards are stale).
    pub cards: BTreeSet<String>,
}

/// A file to write (`Some`) or remove (`None`), by output path.
pub type FileChange = (String, Option<Arc<[u8]>>);

/// What [`Dirty::render`] produced.
#[derive(Default)]
pub struct Rendered {
    /// Pages written or removed (data files are the caller's).
    pub files: Vec<FileChange>,
    /// Links of entry pages rendered (`Some`) or removed (`None`), by id.
    pub links: Vec<(String, Option<PageLinks>)>,
}

/// Whether two versions of an entry look the same on a card.
fn same_card(a: &Entry, b: &Entry) -> bool {
    a.title == b.title
        && a.description == b.description
        && a.signatures.first() == b.signatures.first()
        && a.updated == b.updated
        && a.category == b.category
}

/// Whether two versions of an entry give the same feeds and indexes.
fn same_data(a: &Entry, b: &Entry) -> bool {
    same_card(a, b) && a.signatures == b.signatures && a.tags == b.tags
}

impl Dirty {
    /// True when no page needs rendering.
    pub fn is_empty(&self) -> bool {
        *self == Dirty::default()
    }

    /// Marks the pages that show entries changed by `change`; `kb` is the
    /// knowledge base after it. An edit that leaves the card as it was
    /// (the body, the fixes) re-renders the entry's own page only.
    pub fn mark_change(&mut self, kb: &Kb, change: &KbChange) {
        for id in &change.ids {
            self.entries.insert(id.clone());
            let now = kb.index_of(id);
            let versions = (change.old.get(id), now.map(|i| &kb.entries[i]));
            let (card, data, tags, aliases) = match versions {
                (Some(a), Some(b)) => (
                    same_card(a, b),
                    same_data(a, b),
                    a.tags == b.tags,
                    a.aliases == b.aliases,
                ),
                _ => (false, false, false, false),
            };
            let both = || versions.0.into_iter().chain(versions.1);
            if !card || !tags {
                both().for_each(|e| self.tags.extend(e.tags.iter().map(|t| slugify(t))));
            }
            if !card || !aliases {
                both().for_each(|e| {
                    self.aliases
                        .extend(e.aliases.iter().map(|a| alias_file(&a.value)));
                });
            }
            if !card {
                self.cards.insert(id.clone());
                both().for_each(|e| {
                    self.categories.insert(e.category.clone());
                });
                if let Some(i) = now {
                    self.listing_of(kb, i);
                }
                self.home = true;
            }
            self.data |= !data;
        }
        self.entries.extend(change.related.iter().cloned());
        self.tags_index |= !self.tags.is_empty();
    }

    /// Marks the pages that show a category's name or description (its
    /// `_category.yaml` changed).
    pub fn mark_category(&mut self, kb: &Kb, slug: &str) {
        self.categories.insert(slug.to_string());
        self.home = true;
        self.data = true;
        let Ok(c) = kb
            .categories
            .binary_search_by(|c| c.slug.as_str().cmp(slug))
        else {
            return;
        };
        for &i in &kb.categories[c].entries {
            let e = &kb.entries[i];
            self.entries.insert(e.id.clone());
            self.cards.insert(e.id.clone());
            self.tags.extend(e.tags.iter().map(|t| slugify(t)));
            self.listing_of(kb, i);
        }
    }

    /// Entry pages whose related list shows entry `i`'s card.
    fn listing_of(&mut self, kb: &Kb, i: usize) {
        for (j, list) in kb.related.iter().enumerate() {
            if list.contains(&i) {
                self.entries.insert(kb.entries[j].id.clone());
            }
        }
    }

    /// Renders the marked pages (in parallel); pages whose subject is gone
    /// come back as removals. Data files are left to the caller.
    pub fn render(&self, r: &SiteRenderer, kb: &Kb) -> Result<Rendered> {
        let mut jobs: Vec<Job> = self.entries.iter().map(|id| Job::Entry(id)).collect();
        jobs.extend(self.categories.iter().map(|s| Job::Category(s)));
        jobs.extend(self.tags.iter().map(|s| Job::Tag(s)));
        jobs.extend(self.aliases.iter().map(|f| Job::Alias(f)));
        if self.home {
            jobs.push(Job::Home);
        }
        if self.tags_index {
            jobs.push(Job::TagsIndex);
        }
        let done: Vec<JobOutput> = jobs
            .par_iter()
            .map(|job| job.run(r, kb))
            .collect::<Result<_>>()?;
        let mut out = Rendered::default();
        for (file, links) in done {
            out.files.push(file);
            out.links.extend(links);
        }
        Ok(out)
    }
}

/// One page to render.
enum Job<'a> {
    Entry(&'a str),
    Category(&'a str),
    Tag(&'a str),
    Alias(&'a str),
    Home,
    TagsIndex,
}

type JobOutput = (FileChange, Option<(String, Option<PageLinks>)>);

fn bytes(html: String) -> Option<Arc<[u8]>> {
    Some(Arc::from(html.into_bytes()))
}

impl Job<'_> {
    fn run(&self, r: &SiteRenderer, kb: &Kb) -> Result<JobOutput> {
        Ok(match *self {
            Job::Entry(id) => {
                let path = format!("{id}/index.html");
                match kb.index_of(id) {
                    Some(i) => {
                        let page = r.entry_page(i)?;
                        (
                            (path, bytes(page.html)),
                            Some((id.to_string(), Some(page.links))),
                        )
                    }
                    None => ((path, None), Some((id.to_string(), None))),
                }
            }
            Job::Category(slug) => {
                let c = kb
                    .categories
                    .binary_search_by(|c| c.slug.as_str().cmp(slug));
                let html = match c {
                    Ok(c) => bytes(r.category_page(&kb.categories[c])?),
                    Err(_) => None,
                };
                ((format!("{slug}/index.html"), html), None)
            }
            Job::Tag(slug) => {
                let t = kb.tags.binary_search_by(|t| t.slug.as_str().cmp(slug));
                let html = match t {
                    Ok(t) => bytes(r.tag_page(&kb.tags[t])?),
                    Err(_) => None,
                };
                ((format!("tags/{slug}/index.html"), html), None)
            }
            Job::Alias(file) => {
                let owner = kb.entries.iter().find_map(|e| {
                    e.aliases
                        .iter()
                        .find(|a| alias_file(&a.value) == file)
                        .map(|a| (e, a.value.as_str()))
                });
                let html = match owner {
                    Some((e, alias)) => bytes(r.alias_page(e, alias)?),
                    None => None,
                };
                ((file.to_string(), html), None)
            }
            Job::Home => (("index.html".into(), bytes(r.home()?)), None),
            Job::TagsIndex => (("tags/index.html".into(), bytes(r.tags_page()?)), None),
        })
    }
}
