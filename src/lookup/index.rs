//! Lookup, the index: every signature compiled, every token weighted, and the
//! postings that let a query touch only the entries that share its tokens.
//!
//! The same [`Index`] answers `kbgen lookup` and is written out by `build`
//! for the browser (`crate::render::search`), so both rank from identical
//! integers. Token weights are `ln(1 + N / df)` (N entries, df entries using
//! the token in a signature, title, tag or category name); they are turned
//! into integer shares of [`SCALE`] here, once, so the browser only adds.

use std::collections::{BTreeMap, BTreeSet};

use crate::lookup::pattern::Pattern;
use crate::lookup::text::{normalise, token_set};
use crate::model::{Entry, Kb, Signature};

/// Scores are integers out of this (a signature fully covered scores it).
pub const SCALE: u32 = 10_000;

/// Words too common in English to tell errors apart; never scored, never
/// anchors. Written into the search manifest so the browser skips them too.
pub const STOPWORDS: &[&str] = &[
    "an", "and", "are", "as", "at", "be", "been", "but", "by", "do", "does", "for", "from", "has",
    "have", "if", "in", "into", "is", "it", "its", "of", "on", "or", "so", "than", "that", "the",
    "their", "then", "there", "these", "this", "to", "was", "were", "when", "which", "while",
    "will", "with", "you", "your",
];

/// One entry as results show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    /// `category/slug`.
    pub id: String,
    /// Title.
    pub title: String,
    /// Page path under the site root (`git/x/`).
    pub path: String,
    /// Category display name.
    pub category: String,
}

/// One signature of one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexSig {
    /// Index into [`Index::entries`].
    pub entry: u32,
    /// Position among the entry's signatures.
    pub nth: u32,
    /// The signature as written.
    pub signature: Signature,
    /// The signature compiled.
    pub pattern: Pattern,
}

/// Whether a token used by `df` of `n` entries is distinctive: used by at
/// most 2 entries, or by at most 1 % of them. A partial match needs one.
pub fn is_rare(df: u32, n: usize) -> bool {
    df <= 2 || (df as usize) * 100 <= n
}

/// What the index knows about one token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Postings {
    /// The token is distinctive ([`is_rare`]).
    pub rare: bool,
    /// `(signature, share)`: the token's share of that signature's weight.
    pub sigs: Vec<(u32, u32)>,
    /// `(entry, share)`: the token's share of the entry's title, tags and
    /// category name.
    pub meta: Vec<(u32, u32)>,
    /// Signatures whose rarest anchor token this is (see
    /// [`Pattern::anchor_tokens`]): the only ones a text holding this token
    /// might fully match, besides [`Index::always`].
    pub anchored: Vec<u32>,
}

/// The lookup index of a knowledge base.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Entries, in the knowledge base's order (by id).
    pub entries: Vec<IndexEntry>,
    /// Every signature, entry by entry.
    pub sigs: Vec<IndexSig>,
    /// Postings by token (sorted, so written files are deterministic).
    pub tokens: BTreeMap<String, Postings>,
    /// Signatures with no anchor token: tried against every text.
    pub always: Vec<u32>,
}

/// Whether a token is a stopword.
pub fn is_stopword(t: &str) -> bool {
    STOPWORDS.binary_search(&t).is_ok()
}

/// The scoring tokens of normalised text: kept and not stopwords.
pub fn scoring_tokens(text: &str) -> Vec<&str> {
    let mut v = token_set(text);
    v.retain(|t| !is_stopword(t));
    v
}

/// Tokens of a signature's literals.
fn sig_tokens(p: &Pattern) -> Vec<String> {
    let mut set = BTreeSet::new();
    for lit in &p.literals {
        set.extend(scoring_tokens(lit).into_iter().map(String::from));
    }
    set.into_iter().collect()
}

/// Tokens of an entry's title (placeholders left out), tags and category.
fn meta_tokens(e: &Entry, category: &str) -> Vec<String> {
    let title = Signature::parse(&e.title)
        .map(|s| s.literal_text())
        .unwrap_or_else(|_| e.title.clone());
    let text = format!("{title}\n{}\n{category}", e.tags.join("\n"));
    let norm = normalise(&text);
    scoring_tokens(&norm)
        .into_iter()
        .map(String::from)
        .collect()
}

/// Integer shares of [`SCALE`] for `tokens`, proportional to their weights.
fn shares(tokens: &[String], weight: &BTreeMap<String, f64>) -> Vec<u32> {
    let total: f64 = tokens.iter().map(|t| weight[t]).sum();
    tokens
        .iter()
        .map(|t| (f64::from(SCALE) * weight[t] / total).round() as u32)
        .collect()
}

impl Index {
    /// Builds the index of every entry of `kb`.
    pub fn build(kb: &Kb) -> Index {
        let mut ix = Index::default();
        let mut sig_toks = Vec::new();
        let mut meta_toks = Vec::new();
        for (i, e) in kb.entries.iter().enumerate() {
            let category = kb.category_of(e).name.clone();
            meta_toks.push(meta_tokens(e, &category));
            ix.entries.push(IndexEntry {
                id: e.id.clone(),
                title: e.title.clone(),
                path: e.path(),
                category,
            });
            for (nth, s) in e.signatures.iter().enumerate() {
                let pattern = Pattern::compile(s);
                sig_toks.push(sig_tokens(&pattern));
                ix.sigs.push(IndexSig {
                    entry: i as u32,
                    nth: nth as u32,
                    signature: s.clone(),
                    pattern,
                });
            }
        }
        let df = document_frequencies(&ix, &sig_toks, &meta_toks);
        let n = ix.entries.len() as f64;
        let weight: BTreeMap<String, f64> = df
            .iter()
            .map(|(t, &d)| (t.clone(), (1.0 + n / f64::from(d)).ln()))
            .collect();
        ix.add_postings(&sig_toks, &meta_toks, &weight);
        ix.add_anchors(&df);
        for (t, p) in ix.tokens.iter_mut() {
            p.rare = df.get(t).is_some_and(|&d| is_rare(d, ix.entries.len()));
        }
        ix
    }

    fn add_postings(
        &mut self,
        sig_toks: &[Vec<String>],
        meta_toks: &[Vec<String>],
        w: &BTreeMap<String, f64>,
    ) {
        for (s, toks) in sig_toks.iter().enumerate() {
            for (t, share) in toks.iter().zip(shares(toks, w)) {
                let p = self.tokens.entry(t.clone()).or_default();
                p.sigs.push((s as u32, share));
            }
        }
        for (e, toks) in meta_toks.iter().enumerate() {
            for (t, share) in toks.iter().zip(shares(toks, w)) {
                let p = self.tokens.entry(t.clone()).or_default();
                p.meta.push((e as u32, share));
            }
        }
    }

    fn add_anchors(&mut self, df: &BTreeMap<String, u32>) {
        for (s, sig) in self.sigs.iter().enumerate() {
            let anchor = sig
                .pattern
                .anchor_tokens()
                .into_iter()
                .filter(|t| !is_stopword(t))
                .min_by_key(|t| (df.get(*t).copied().unwrap_or(0), *t));
            match anchor {
                Some(t) => self
                    .tokens
                    .entry(t.to_string())
                    .or_default()
                    .anchored
                    .push(s as u32),
                None => self.always.push(s as u32),
            }
        }
    }
}

/// Entries using each token anywhere (signature, title, tags, category).
fn document_frequencies(
    ix: &Index,
    sig_toks: &[Vec<String>],
    meta_toks: &[Vec<String>],
) -> BTreeMap<String, u32> {
    let mut per_entry: Vec<BTreeSet<&str>> = meta_toks
        .iter()
        .map(|m| m.iter().map(String::as_str).collect())
        .collect();
    for (s, toks) in sig_toks.iter().enumerate() {
        let e = ix.sigs[s].entry as usize;
        per_entry[e].extend(toks.iter().map(String::as_str));
    }
    let mut df = BTreeMap::new();
    for toks in per_entry {
        for t in toks {
            *df.entry(t.to_string()).or_insert(0) += 1;
        }
    }
    df
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_are_sorted_for_binary_search() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(is_stopword("the") && !is_stopword("error"));
    }

    #[test]
    fn shares_add_up_to_scale() {
        let toks: Vec<String> = vec!["alpha".into(), "beta".into()];
        let w: BTreeMap<String, f64> = [("alpha".into(), 3.0), ("beta".into(), 1.0)].into();
        assert_eq!(shares(&toks, &w), vec![7500, 2500]);
    }
}
