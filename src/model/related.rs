//! Related errors: the explicit `related` list first, then neighbours found
//! through inverted indexes (same category, shared tags, shared rare
//! signature words) rather than by comparing every pair of entries.
//!
//! The indexes are a value of their own, [`Index`], so that `serve` can keep
//! them between rebuilds: inserting or removing one entry updates them in
//! place, and [`Index::affected_by`] names the entries whose lists a change
//! can alter.

use std::collections::{BTreeSet, HashMap};

use crate::model::Entry;
use crate::model::slug::tag_slug;

/// Postings longer than this are too common to say two entries are alike.
const MAX_POSTING: usize = 400;
const CATEGORY_WEIGHT: u32 = 2;
const TAG_WEIGHT: u32 = 3;
const WORD_WEIGHT: u32 = 1;

/// For each entry (indices into the id-sorted `entries`), its related
/// entries: explicit ones in written order, then computed ones by score and
/// id, until `limit` is reached.
pub fn compute(entries: &[Entry], limit: usize) -> Vec<Vec<usize>> {
    use rayon::prelude::*;
    // Features once, for the postings and for scoring each entry.
    let features = features_of(entries);
    let index = Index::from_features(&features);
    let all: Vec<usize> = (0..entries.len()).collect();
    // One score array per chunk of entries, not per entry: zeroing an array
    // the size of the site for every entry is quadratic (40 GB of writes at
    // 100k entries).
    all.par_chunks(CHUNK)
        .flat_map_iter(|chunk| {
            let mut scores = Scores::new(entries.len());
            chunk
                .iter()
                .map(|&i| index.list_for(entries, i, &features[i], limit, &mut scores))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Entries scored with one [`Scores`] array.
const CHUNK: usize = 512;

/// Scores of candidate neighbours: a dense array indexed by entry, all
/// zero between uses, and the entries touched so it can be cleared cheaply.
pub struct Scores {
    score: Vec<u32>,
    touched: Vec<usize>,
}

impl Scores {
    /// Room for a site of `n` entries.
    pub fn new(n: usize) -> Self {
        Scores {
            score: vec![0; n],
            touched: Vec::new(),
        }
    }

    fn add(&mut self, list: &[usize], w: u32) {
        for &j in list {
            if self.score[j] == 0 {
                self.touched.push(j);
            }
            self.score[j] += w;
        }
    }
}

/// What an entry is compared by: its category, tag slugs and the words of
/// its signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Features {
    category: String,
    tags: Vec<String>,
    words: Vec<String>,
}

impl Features {
    /// The features of `e`.
    pub fn of(e: &Entry) -> Self {
        let mut tags: Vec<String> = e.tags.iter().map(|t| tag_slug(t)).collect();
        tags.sort();
        tags.dedup();
        Features {
            category: e.category.clone(),
            tags,
            words: signature_words(e),
        }
    }
}

/// Every entry's features, on both cores (tag slugs and signature words
/// are most of the work of indexing).
fn features_of(entries: &[Entry]) -> Vec<Features> {
    use rayon::prelude::*;
    entries.par_iter().map(Features::of).collect()
}

/// Inverted indexes from features to the (sorted) indices of the entries
/// that have them.
#[derive(Debug, Clone, Default)]
pub struct Index {
    category: HashMap<String, Vec<usize>>,
    tags: HashMap<String, Vec<usize>>,
    words: HashMap<String, Vec<usize>>,
}

fn signature_words(e: &Entry) -> Vec<String> {
    let mut words: Vec<String> = e
        .signatures
        .iter()
        .flat_map(|s| {
            s.literal_text()
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .filter(|w| w.chars().count() >= 4)
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .collect();
    words.sort();
    words.dedup();
    words
}

/// Adds `i` to a sorted posting list.
fn add_posting(map: &mut HashMap<String, Vec<usize>>, key: &str, i: usize) {
    let list = map.entry(key.to_string()).or_default();
    if let Err(at) = list.binary_search(&i) {
        list.insert(at, i);
    }
}

/// Removes `i` from a posting list, dropping the list when it empties.
fn remove_posting(map: &mut HashMap<String, Vec<usize>>, key: &str, i: usize) {
    if let Some(list) = map.get_mut(key) {
        list.retain(|&j| j != i);
        if list.is_empty() {
            map.remove(key);
        }
    }
}

impl Index {
    /// Indexes every entry.
    pub fn build(entries: &[Entry]) -> Self {
        Index::from_features(&features_of(entries))
    }

    /// Indexes entries by their features (`features[i]` of entry `i`).
    fn from_features(features: &[Features]) -> Self {
        let mut p = Index::default();
        for (i, f) in features.iter().enumerate() {
            p.add_at(i, f);
        }
        p
    }

    /// Adds entry `i`'s features without renumbering (`i` is free).
    pub fn add_at(&mut self, i: usize, f: &Features) {
        add_posting(&mut self.category, &f.category, i);
        for t in &f.tags {
            add_posting(&mut self.tags, t, i);
        }
        for w in &f.words {
            add_posting(&mut self.words, w, i);
        }
    }

    fn lists_mut(&mut self) -> impl Iterator<Item = &mut Vec<usize>> {
        self.category
            .values_mut()
            .chain(self.tags.values_mut())
            .chain(self.words.values_mut())
    }

    /// Records that an entry with features `f` was inserted at index `i`
    /// (entries at `i` and after moved up by one).
    pub fn insert(&mut self, i: usize, f: &Features) {
        for list in self.lists_mut() {
            for j in list.iter_mut().filter(|j| **j >= i) {
                *j += 1;
            }
        }
        self.add_at(i, f);
    }

    /// Records that the entry at index `i`, with features `f`, was removed
    /// (entries after it moved down by one).
    pub fn remove(&mut self, i: usize, f: &Features) {
        self.remove_at(i, f);
        for list in self.lists_mut() {
            for j in list.iter_mut().filter(|j| **j > i) {
                *j -= 1;
            }
        }
    }

    /// Removes entry `i`'s features without renumbering.
    pub fn remove_at(&mut self, i: usize, f: &Features) {
        remove_posting(&mut self.category, &f.category, i);
        for t in &f.tags {
            remove_posting(&mut self.tags, t, i);
        }
        for w in &f.words {
            remove_posting(&mut self.words, w, i);
        }
    }

    /// Entries whose computed neighbours can change when an entry's features
    /// go from `old` to `new` (either `None` for an entry that appears or
    /// disappears): every entry sharing a feature that was added or removed.
    /// Call it once the index holds the new state, so the indices returned
    /// are current ones.
    pub fn affected_by(&self, old: Option<&Features>, new: Option<&Features>) -> BTreeSet<usize> {
        let mut out = BTreeSet::new();
        let empty = Features {
            category: String::new(),
            tags: Vec::new(),
            words: Vec::new(),
        };
        let (a, b) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
        let mut take = |map: &HashMap<String, Vec<usize>>, key: &str| {
            if let Some(list) = map.get(key) {
                out.extend(list.iter().copied());
            }
        };
        if a.category != b.category {
            take(&self.category, &a.category);
            take(&self.category, &b.category);
        }
        for t in symmetric(&a.tags, &b.tags) {
            take(&self.tags, t);
        }
        for w in symmetric(&a.words, &b.words) {
            take(&self.words, w);
        }
        out
    }

    /// The related list of entry `i`: explicit ids first, then the best
    /// scored neighbours, `limit` in all. `entries` must be sorted by id.
    pub fn list(&self, entries: &[Entry], i: usize, limit: usize) -> Vec<usize> {
        self.list_with(entries, i, limit, &mut Scores::new(entries.len()))
    }

    /// [`Index::list`] with a reusable score array (sized for `entries`).
    pub fn list_with(
        &self,
        entries: &[Entry],
        i: usize,
        limit: usize,
        scores: &mut Scores,
    ) -> Vec<usize> {
        self.list_for(entries, i, &Features::of(&entries[i]), limit, scores)
    }

    /// [`Index::list_with`] for an entry whose features are known.
    fn list_for(
        &self,
        entries: &[Entry],
        i: usize,
        f: &Features,
        limit: usize,
        scores: &mut Scores,
    ) -> Vec<usize> {
        let e = &entries[i];
        let mut out: Vec<usize> = Vec::new();
        for r in &e.related_ids {
            if let Ok(j) = entries.binary_search_by(|x| x.id.as_str().cmp(&r.value))
                && j != i
                && !out.contains(&j)
            {
                out.push(j);
            }
        }
        if out.len() < limit {
            // At most `out.len()` of the best `limit` are already listed.
            for j in self.neighbours(i, f, scores, limit) {
                if out.len() >= limit {
                    break;
                }
                if !out.contains(&j) {
                    out.push(j);
                }
            }
        }
        out
    }

    /// The `want` best neighbours of entry `i`, by score then index.
    fn neighbours(&self, i: usize, f: &Features, s: &mut Scores, want: usize) -> Vec<usize> {
        let mut add = |list: &[usize], w: u32| s.add(list, w);
        for t in &f.tags {
            if let Some(list) = self.tags.get(t).filter(|l| l.len() <= MAX_POSTING) {
                add(list, TAG_WEIGHT);
            }
        }
        for w in &f.words {
            if let Some(list) = self.words.get(w).filter(|l| l.len() <= MAX_POSTING) {
                add(list, WORD_WEIGHT);
            }
        }
        if let Some(list) = self.category.get(&f.category) {
            add(&list[..list.len().min(MAX_POSTING)], CATEGORY_WEIGHT);
        }
        s.score[i] = 0;
        // Only candidates scoring at least the `want`-th best score can be
        // listed: find that score from a histogram (capped, so the cut can
        // only be lower) instead of ordering every candidate touched.
        let mut counts = [0usize; 64];
        for &j in &s.touched {
            counts[(s.score[j] as usize).min(63)] += 1;
        }
        let mut cut = 1;
        let mut above = 0;
        for score in (1..64).rev() {
            above += counts[score];
            if above >= want {
                cut = score as u32;
                break;
            }
        }
        let mut ranked: Vec<(u32, usize)> = Vec::with_capacity(want.max(above));
        for j in s.touched.drain(..) {
            let score = std::mem::take(&mut s.score[j]);
            if score >= cut && j != i {
                ranked.push((score, j));
            }
        }
        // Higher score first; ties by index, which is id order.
        ranked.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.truncate(want);
        ranked.into_iter().map(|(_, j)| j).collect()
    }
}

/// Items in exactly one of two sorted lists.
fn symmetric<'a>(a: &'a [String], b: &'a [String]) -> impl Iterator<Item = &'a String> {
    a.iter()
        .filter(|x| b.binary_search(x).is_err())
        .chain(b.iter().filter(|x| a.binary_search(x).is_err()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Date, Signature};
    use crate::source::{Located, Pos};

    fn entry(i: usize) -> Entry {
        // A deterministic mix: 3 categories and 6 words (lists longer than
        // MAX_POSTING at 1500 entries), 12 tags (shorter ones).
        let words = [
            "timeout", "refused", "denied", "missing", "mismatch", "expired",
        ];
        let category = format!("c{}", i % 3);
        let slug = format!("e{i:04}");
        let sig = format!("{} {} {{x}}", words[i % 6], words[(i / 6) % 6]);
        Entry {
            id: format!("{category}/{slug}"),
            category: category.clone(),
            slug: slug.clone(),
            file: format!("content/{category}/{slug}.md"),
            title: slug,
            description: String::new(),
            signatures: vec![Signature::parse(&sig).unwrap()],
            updated: Date::parse("2026-01-01").unwrap(),
            quick_fix: None,
            tags: (0..i % 4)
                .map(|k| format!("t{}", (i * 7 + k) % 12))
                .collect(),
            meaning: None,
            why: None,
            causes: Vec::new(),
            fixes: Vec::new(),
            checks: Vec::new(),
            steps: Vec::new(),
            prevention: Vec::new(),
            sources: Vec::new(),
            related_ids: i
                .is_multiple_of(5)
                .then(|| Located::new(format!("c{}/e{:04}", (i + 3) % 3, i + 3), Pos::START))
                .into_iter()
                .collect(),
            faq: Vec::new(),
            aliases: Vec::new(),
            draft: false,
        }
    }

    /// The definition: score every other entry, sort by score then index.
    fn reference(entries: &[Entry], limit: usize) -> Vec<Vec<usize>> {
        let words: Vec<Vec<String>> = entries.iter().map(signature_words).collect();
        let tags: Vec<Vec<String>> = entries
            .iter()
            .map(|e| e.tags.iter().map(|t| tag_slug(t)).collect())
            .collect();
        let list = |f: &dyn Fn(usize) -> bool| -> Vec<usize> {
            (0..entries.len()).filter(|&j| f(j)).collect()
        };
        entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let mut score = vec![0u32; entries.len()];
                let same_cat = list(&|o| entries[o].category == e.category);
                for &j in same_cat.iter().take(MAX_POSTING) {
                    score[j] += CATEGORY_WEIGHT;
                }
                for t in &e.tags {
                    let t = tag_slug(t);
                    let l = list(&|o| tags[o].contains(&t));
                    if l.len() <= MAX_POSTING {
                        l.iter().for_each(|&j| score[j] += TAG_WEIGHT);
                    }
                }
                for w in &words[i] {
                    let l = list(&|o| words[o].contains(w));
                    if l.len() <= MAX_POSTING {
                        l.iter().for_each(|&j| score[j] += WORD_WEIGHT);
                    }
                }
                let mut ranked: Vec<usize> = (0..entries.len())
                    .filter(|&j| j != i && score[j] > 0)
                    .collect();
                ranked.sort_by(|&a, &b| score[b].cmp(&score[a]).then(a.cmp(&b)));
                let index_of = |id: &str| entries.iter().position(|o| o.id == id);
                let mut out: Vec<usize> = Vec::new();
                for j in e.related_ids.iter().filter_map(|r| index_of(&r.value)) {
                    if j != i && !out.contains(&j) {
                        out.push(j);
                    }
                }
                for j in ranked {
                    if out.len() < limit && !out.contains(&j) {
                        out.push(j);
                    }
                }
                out
            })
            .collect()
    }

    #[test]
    fn indexed_scoring_matches_the_definition() {
        let mut entries: Vec<Entry> = (0..1500).map(entry).collect();
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        for limit in [1, 6] {
            let expected = reference(&entries, limit);
            assert_eq!(compute(&entries, limit), expected);
            let index = Index::build(&entries);
            assert_eq!(index.list(&entries, 7, limit), expected[7]);
        }
    }

    /// Scores above the histogram's last bucket (63) and long ties at the
    /// cut: entries with up to 30 tags from a pool of 32.
    #[test]
    fn high_scores_and_ties_match_the_definition() {
        let mut entries: Vec<Entry> = (0..300)
            .map(|i| {
                let mut e = entry(i);
                e.tags = (0..(i % 31))
                    .map(|k| format!("t{}", (i + k * 3) % 32))
                    .collect();
                e
            })
            .collect();
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        for limit in [1, 6, 40] {
            assert_eq!(compute(&entries, limit), reference(&entries, limit));
        }
    }
}
