//! Stage 3, kept live: a [`Kb`] that takes changes entry by entry, for
//! `serve`. Adding, replacing or removing an entry updates the categories,
//! tags, related indexes and only those related lists the change can alter,
//! and reports what changed so the caller re-renders only the pages that
//! show it. After any sequence of changes the `Kb` equals the one
//! [`super::assemble::index_kb`] builds from the same entries (the tests at
//! the bottom check this on random edits).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::model::assemble::{category, title_order};
use crate::model::related::{Features, Index};
use crate::model::slug::slugify;
use crate::model::{Entry, Kb, Tag};
use crate::parse::category::RawCategory;

/// A [`Kb`] with the indexes needed to update it in place.
pub struct LiveKb {
    // Shared with whoever makes the feeds and indexes in the background;
    // changed in place when no one else holds it, copied otherwise.
    kb: Arc<Kb>,
    meta: BTreeMap<String, RawCategory>,
    index: Index,
}

/// What one [`LiveKb::apply`] changed.
#[derive(Debug, Default)]
pub struct KbChange {
    /// Every id the batch named.
    pub ids: BTreeSet<String>,
    /// The entries as they were before, for ids that existed before.
    pub old: BTreeMap<String, Entry>,
    /// Ids of entries whose related list is different now (entries that
    /// were added count too).
    pub related: BTreeSet<String>,
}

impl KbChange {
    /// Whether the set of pages changed: an entry came or went, or moved
    /// category, or its tags or aliases changed. `kb` is the state after.
    pub fn reshapes(&self, kb: &Kb) -> bool {
        self.ids.iter().any(|id| {
            match (self.old.get(id), kb.index_of(id).map(|i| &kb.entries[i])) {
                (Some(a), Some(b)) => {
                    a.category != b.category || a.tags != b.tags || a.aliases != b.aliases
                }
                (None, None) => false,
                _ => true,
            }
        })
    }

    /// Whether the whole-site checks ([`super::assemble::site_checks`]) can
    /// find something else now: the pages changed shape, an entry's
    /// `related` list changed, or the batch named an id the knowledge base
    /// does not hold (a draft, or a file with errors).
    pub fn touches_site_checks(&self, kb: &Kb) -> bool {
        self.reshapes(kb)
            || self.ids.iter().any(|id| {
                match (self.old.get(id), kb.index_of(id).map(|i| &kb.entries[i])) {
                    (Some(a), Some(b)) => a.related_ids != b.related_ids,
                    _ => true,
                }
            })
    }
}

/// Where a removed entry was in a related list until the list is recomputed.
const GONE: usize = usize::MAX;

impl LiveKb {
    /// Wraps an assembled `Kb` and the category metadata it was built with.
    pub fn new(kb: Kb, meta: BTreeMap<String, RawCategory>) -> Self {
        let index = Index::build(&kb.entries);
        LiveKb {
            kb: Arc::new(kb),
            meta,
            index,
        }
    }

    /// The current knowledge base.
    pub fn kb(&self) -> &Kb {
        &self.kb
    }

    /// The current knowledge base, shared (it stays as it is while this
    /// `LiveKb` changes).
    pub fn shared(&self) -> Arc<Kb> {
        self.kb.clone()
    }

    /// Replaces a category's metadata (its `_category.yaml` changed or went
    /// away). Returns whether the category is listed (has entries).
    pub fn set_category_meta(&mut self, slug: &str, meta: Option<RawCategory>) -> bool {
        match meta {
            Some(m) => self.meta.insert(slug.to_string(), m),
            None => self.meta.remove(slug),
        };
        let Ok(c) = category_pos(&self.kb, slug) else {
            return false;
        };
        let kb = Arc::make_mut(&mut self.kb);
        let members = std::mem::take(&mut kb.categories[c].entries);
        kb.categories[c] = category(slug, self.meta.get(slug), members);
        true
    }

    /// Applies a batch of changes: for each id, its new entry, or `None` to
    /// remove it (the last change of an id wins). Recomputes the related
    /// lists the batch can alter.
    pub fn apply(&mut self, changes: Vec<(String, Option<Entry>)>) -> KbChange {
        let changes: BTreeMap<String, Option<Entry>> = changes.into_iter().collect();
        let mut out = KbChange::default();
        let mut features: BTreeMap<String, (Option<Features>, Option<Features>)> = BTreeMap::new();
        for (id, new) in changes {
            let new_f = new.as_ref().map(Features::of);
            let old = match (self.kb.index_of(&id), new) {
                (Some(i), Some(e)) => Some(self.replace(i, e)),
                (Some(i), None) => Some(self.remove(i)),
                (None, Some(e)) => {
                    self.insert(e);
                    None
                }
                (None, None) => None,
            };
            let old_f = old.as_ref().map(Features::of);
            features.insert(id.clone(), (old_f, new_f));
            out.ids.insert(id.clone());
            if let Some(old) = old {
                out.old.insert(id, old);
            }
        }
        out.related = self.refresh_related(&features, &out.old);
        for id in features.keys() {
            if !out.old.contains_key(id) && self.kb.index_of(id).is_some() {
                out.related.insert(id.clone());
            }
        }
        out
    }

    /// Puts `e` over the entry at `i` (same id); returns the old one.
    fn replace(&mut self, i: usize, e: Entry) -> Entry {
        let f = Features::of(&self.kb.entries[i]);
        self.unlist(i);
        self.index.remove_at(i, &f);
        let old = std::mem::replace(&mut Arc::make_mut(&mut self.kb).entries[i], e);
        self.index.add_at(i, &Features::of(&self.kb.entries[i]));
        self.list(i);
        old
    }

    /// Removes the entry at `i` and returns it.
    fn remove(&mut self, i: usize) -> Entry {
        let f = Features::of(&self.kb.entries[i]);
        self.unlist(i);
        self.index.remove(i, &f);
        let kb = Arc::make_mut(&mut self.kb);
        let e = kb.entries.remove(i);
        kb.related.remove(i);
        self.shift(|j| match j {
            j if j == i => GONE,
            j if j > i && j != GONE => j - 1,
            j => j,
        });
        e
    }

    /// Inserts a new entry at its place in id order.
    fn insert(&mut self, e: Entry) {
        let i = self
            .kb
            .entries
            .partition_point(|x| x.id.as_str() < e.id.as_str());
        self.shift(|j| if j >= i && j != GONE { j + 1 } else { j });
        self.index.insert(i, &Features::of(&e));
        let kb = Arc::make_mut(&mut self.kb);
        kb.entries.insert(i, e);
        kb.related.insert(i, Vec::new());
        self.list(i);
    }

    /// Renumbers every index held in categories, tags and related lists.
    fn shift(&mut self, f: impl Fn(usize) -> usize) {
        let kb = Arc::make_mut(&mut self.kb);
        let lists = kb
            .categories
            .iter_mut()
            .map(|c| &mut c.entries)
            .chain(kb.tags.iter_mut().map(|t| &mut t.entries))
            .chain(kb.related.iter_mut());
        for list in lists {
            for j in list.iter_mut() {
                *j = f(*j);
            }
        }
    }

    /// Takes entry `i` out of its category and tag listings.
    fn unlist(&mut self, i: usize) {
        let kb = Arc::make_mut(&mut self.kb);
        let e = &kb.entries[i];
        let slugs: Vec<String> = e.tags.iter().map(|t| slugify(t)).collect();
        if let Ok(c) = category_pos(kb, &e.category) {
            kb.categories[c].entries.retain(|&j| j != i);
            if kb.categories[c].entries.is_empty() {
                kb.categories.remove(c);
            }
        }
        for slug in slugs {
            if let Ok(t) = tag_pos(kb, &slug) {
                kb.tags[t].entries.retain(|&j| j != i);
                if kb.tags[t].entries.is_empty() {
                    kb.tags.remove(t);
                } else {
                    name_tag(kb, t);
                }
            }
        }
    }

    /// Adds entry `i` to its category and tag listings, in title order.
    fn list(&mut self, i: usize) {
        let kb = Arc::make_mut(&mut self.kb);
        let e = &kb.entries[i];
        let c = match kb
            .categories
            .binary_search_by(|c| c.slug.as_str().cmp(&e.category))
        {
            Ok(c) => c,
            Err(c) => {
                let new = category(&e.category, self.meta.get(&e.category), Vec::new());
                kb.categories.insert(c, new);
                c
            }
        };
        insert_ordered(&mut kb.categories[c].entries, i, &kb.entries);
        for name in &e.tags {
            let slug = slugify(name);
            let t = match kb.tags.binary_search_by(|t| t.slug.as_str().cmp(&slug)) {
                Ok(t) => t,
                Err(t) => {
                    kb.tags.insert(
                        t,
                        Tag {
                            slug,
                            name: name.clone(),
                            entries: Vec::new(),
                        },
                    );
                    t
                }
            };
            insert_ordered(&mut kb.tags[t].entries, i, &kb.entries);
        }
        let slugs: Vec<String> = e.tags.iter().map(|t| slugify(t)).collect();
        for slug in slugs {
            if let Ok(t) = tag_pos(kb, &slug) {
                name_tag(kb, t);
            }
        }
    }

    /// Recomputes the related lists the batch can alter; returns the ids
    /// whose list changed.
    fn refresh_related(
        &mut self,
        features: &BTreeMap<String, (Option<Features>, Option<Features>)>,
        old: &BTreeMap<String, Entry>,
    ) -> BTreeSet<String> {
        let mut affected: BTreeSet<usize> = BTreeSet::new();
        let mut appeared_or_gone: BTreeSet<&str> = BTreeSet::new();
        for (id, (before, after)) in features {
            if let Some(i) = self.kb.index_of(id) {
                affected.insert(i);
            }
            if before != after {
                affected.extend(self.index.affected_by(before.as_ref(), after.as_ref()));
            }
            if old.contains_key(id) != self.kb.index_of(id).is_some() {
                appeared_or_gone.insert(id);
            }
        }
        if !appeared_or_gone.is_empty() {
            affected.extend(self.kb.entries.iter().enumerate().filter_map(|(j, e)| {
                e.related_ids
                    .iter()
                    .any(|r| appeared_or_gone.contains(r.value.as_str()))
                    .then_some(j)
            }));
        }
        let limit = self.kb.config.related_limit;
        let (entries, index) = (&self.kb.entries, &self.index);
        let fresh: Vec<(usize, Vec<usize>)> = affected
            .into_par_iter()
            .map(|j| (j, index.list(entries, j, limit)))
            .collect();
        let mut changed = BTreeSet::new();
        let kb = Arc::make_mut(&mut self.kb);
        for (j, list) in fresh {
            if kb.related[j] != list {
                changed.insert(kb.entries[j].id.clone());
                kb.related[j] = list;
            }
        }
        debug_assert!(kb.related.iter().flatten().all(|&j| j != GONE));
        changed
    }
}

fn category_pos(kb: &Kb, slug: &str) -> Result<usize, usize> {
    kb.categories
        .binary_search_by(|c| c.slug.as_str().cmp(slug))
}

fn tag_pos(kb: &Kb, slug: &str) -> Result<usize, usize> {
    kb.tags.binary_search_by(|t| t.slug.as_str().cmp(slug))
}

/// A tag is named as the first entry (in id order) carrying it writes it.
fn name_tag(kb: &mut Kb, t: usize) {
    let tag = &kb.tags[t];
    let Some(&first) = tag.entries.iter().min() else {
        return;
    };
    let name = kb.entries[first]
        .tags
        .iter()
        .find(|n| slugify(n) == tag.slug)
        .cloned();
    if let Some(name) = name {
        kb.tags[t].name = name;
    }
}

/// Inserts `i` into a list kept in title order.
fn insert_ordered(list: &mut Vec<usize>, i: usize, entries: &[Entry]) {
    let order = title_order(entries);
    let at = list.partition_point(|j| order(j, &i).is_lt());
    list.insert(at, i);
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use proptest::prelude::*;

    use super::*;
    use crate::config::Config;
    use crate::load::{FileKind, LoadedFile};
    use crate::model::assemble::{check_entry_file, index_kb};
    use crate::source::SourceFile;

    const CATS: &[&str] = &["git", "npm", "pip"];
    const TAGS: &[&str] = &["net", "Net", "auth", "disk", "ci"];
    const WORDS: &[&str] = &["socket", "refused", "denied", "manifest", "token"];
    const TITLES: &[&str] = &["Alpha", "beta", "Gamma", "alpha"];

    fn config() -> Config {
        let text = "title = \"T\"\nbase_url = \"https://x.org\"\nrelated_limit = 3\n";
        Config::parse(&SourceFile::new("kbgen.toml", PathBuf::new(), text.into())).unwrap()
    }

    /// An entry with id `cat/e<slug>` built from small choices.
    #[derive(Debug, Clone)]
    struct Spec {
        cat: usize,
        slug: usize,
        title: usize,
        tags: Vec<usize>,
        words: Vec<usize>,
        related: Vec<(usize, usize)>,
    }

    fn id(cat: usize, slug: usize) -> String {
        format!("{}/e{slug}", CATS[cat])
    }

    fn entry(s: &Spec) -> Entry {
        let tags: Vec<&str> = s.tags.iter().map(|&t| TAGS[t]).collect();
        let words: Vec<&str> = s.words.iter().map(|&w| WORDS[w]).collect();
        let related: Vec<String> = s.related.iter().map(|&(c, n)| id(c, n)).collect();
        let text = format!(
            "---\ntitle: {}\ndescription: d\nsignatures: ['{} failed']\nupdated: 2025-01-01\ntags: [{}]\nrelated: [{}]\nfixes: [x]\n---\nbody\n",
            TITLES[s.title],
            words.join(" "),
            tags.join(", "),
            related.join(", ")
        );
        let f = LoadedFile {
            kind: FileKind::MarkdownEntry,
            category: CATS[s.cat].into(),
            stem: format!("e{}", s.slug),
            file: SourceFile::new(
                format!("content/{}/e{}.md", CATS[s.cat], s.slug),
                PathBuf::new(),
                text,
            ),
        };
        let (e, d) = check_entry_file(&f);
        e.unwrap_or_else(|| panic!("{d:?}"))
    }

    fn spec() -> impl Strategy<Value = Spec> {
        (
            0..CATS.len(),
            0..6usize,
            0..TITLES.len(),
            proptest::collection::vec(0..TAGS.len(), 0..3),
            proptest::collection::vec(0..WORDS.len(), 1..3),
            proptest::collection::vec((0..CATS.len(), 0..6usize), 0..2),
        )
            .prop_map(|(cat, slug, title, tags, words, related)| Spec {
                cat,
                slug,
                title,
                tags,
                words,
                related,
            })
    }

    /// One change: put an entry (maybe over an existing id) or remove one.
    fn op() -> impl Strategy<Value = (Spec, bool)> {
        (spec(), proptest::bool::weighted(0.25))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn live_updates_match_a_fresh_index(
            start in proptest::collection::vec(spec(), 0..12),
            batches in proptest::collection::vec(proptest::collection::vec(op(), 1..4), 1..6),
        ) {
            let mut current: BTreeMap<String, Entry> = BTreeMap::new();
            for s in &start {
                current.insert(id(s.cat, s.slug), entry(s));
            }
            let meta = BTreeMap::new();
            let mut live = LiveKb::new(index_kb(config(), current.values().cloned().collect(), &meta), meta.clone());
            for batch in batches {
                let before = live.kb().clone();
                let mut changes = Vec::new();
                for (s, remove) in batch {
                    let key = id(s.cat, s.slug);
                    if remove {
                        current.remove(&key);
                        changes.push((key, None));
                    } else {
                        let e = entry(&s);
                        current.insert(key.clone(), e.clone());
                        changes.push((key, Some(e)));
                    }
                }
                let held = live.shared();
                let change = live.apply(changes);
                prop_assert_eq!(&*held, &before, "a shared snapshot stays as it was");
                let fresh = index_kb(config(), current.values().cloned().collect(), &meta);
                prop_assert_eq!(live.kb(), &fresh);
                // Every list that differs from before (by ids) is reported.
                for (i, e) in fresh.entries.iter().enumerate() {
                    let ids = |kb: &Kb, list: &[usize]| -> Vec<String> {
                        list.iter().map(|&j| kb.entries[j].id.clone()).collect()
                    };
                    let now = ids(&fresh, &fresh.related[i]);
                    let was = before.index_of(&e.id).map(|b| ids(&before, &before.related[b]));
                    if was.as_ref() != Some(&now) {
                        prop_assert!(change.related.contains(&e.id), "{} not reported", e.id);
                    }
                }
            }
        }
    }

    #[test]
    fn category_metadata_changes_in_place() {
        let s = Spec {
            cat: 0,
            slug: 1,
            title: 0,
            tags: vec![],
            words: vec![0],
            related: vec![],
        };
        let mut live = LiveKb::new(
            index_kb(config(), vec![entry(&s)], &BTreeMap::new()),
            BTreeMap::new(),
        );
        let file = SourceFile::new(
            "content/git/_category.yaml",
            PathBuf::new(),
            "name: Git\n".into(),
        );
        let f = LoadedFile {
            kind: FileKind::Category,
            category: "git".into(),
            stem: "_category".into(),
            file,
        };
        let (raw, _) = crate::parse::category::parse_category(&f);
        assert!(live.set_category_meta("git", Some(raw)));
        assert_eq!(live.kb().categories[0].name, "Git");
        assert!(live.set_category_meta("git", None));
        assert_eq!(live.kb().categories[0].name, "git");
        assert!(!live.set_category_meta("npm", None));
    }
}
