//! Related errors: the explicit `related` list first, then neighbours found
//! through inverted indexes (same category, shared tags, shared rare
//! signature words) rather than by comparing every pair of entries.

use std::collections::HashMap;

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
    let index_of: HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let postings = Postings::build(entries);
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut out: Vec<usize> = Vec::new();
            for r in &e.related_ids {
                if let Some(&j) = index_of.get(r.value.as_str())
                    && j != i
                    && !out.contains(&j)
                {
                    out.push(j);
                }
            }
            if out.len() < limit {
                for j in postings.neighbours(i, e) {
                    if out.len() >= limit {
                        break;
                    }
                    if !out.contains(&j) {
                        out.push(j);
                    }
                }
            }
            out
        })
        .collect()
}

struct Postings {
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

impl Postings {
    fn build(entries: &[Entry]) -> Self {
        let mut p = Postings {
            category: HashMap::new(),
            tags: HashMap::new(),
            words: HashMap::new(),
        };
        for (i, e) in entries.iter().enumerate() {
            p.category.entry(e.category.clone()).or_default().push(i);
            for t in &e.tags {
                p.tags.entry(tag_slug(t)).or_default().push(i);
            }
            for w in signature_words(e) {
                p.words.entry(w).or_default().push(i);
            }
        }
        p
    }

    fn neighbours(&self, i: usize, e: &Entry) -> Vec<usize> {
        let mut score: HashMap<usize, u32> = HashMap::new();
        let mut add = |list: &[usize], w: u32| {
            if list.len() <= MAX_POSTING {
                for &j in list {
                    *score.entry(j).or_default() += w;
                }
            }
        };
        for t in &e.tags {
            add(&self.tags[&tag_slug(t)], TAG_WEIGHT);
        }
        for w in signature_words(e) {
            add(&self.words[&w], WORD_WEIGHT);
        }
        let same_cat = &self.category[&e.category];
        for &j in same_cat.iter().take(MAX_POSTING) {
            *score.entry(j).or_default() += CATEGORY_WEIGHT;
        }
        score.remove(&i);
        let mut ranked: Vec<(usize, u32)> = score.into_iter().collect();
        // Higher score first; ties by index, which is id order.
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.into_iter().map(|(j, _)| j).collect()
    }
}
