//! Lookup, ranking: full matches from the anchored candidates, token-overlap
//! scores from the postings, one best hit per entry, in SPEC §3 order.

use std::cmp::Reverse;
use std::collections::HashMap;

use crate::lookup::index::{Index, scoring_tokens};
use crate::lookup::pattern::Spans;

/// How an entry matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// Every literal part of a signature occurs in order.
    Full,
    /// Enough of the entry's tokens occur.
    Partial,
}

/// One ranked entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index into [`Index::entries`].
    pub entry: u32,
    /// Index into [`Index::sigs`]: the signature that matched best.
    pub sig: u32,
    /// Full or partial.
    pub kind: MatchKind,
    /// Full: literal characters matched. Partial: share of [`SCALE`].
    ///
    /// [`SCALE`]: crate::lookup::index::SCALE
    pub score: u32,
    /// Where the literals were found (full matches only).
    pub spans: Option<Spans>,
}

/// Weight of title, tag and category tokens against signature tokens in a
/// partial score: `(SIG_PART * sig + META_PART * meta) / (SIG_PART + META_PART)`.
pub const SIG_PART: u32 = 3;
/// See [`SIG_PART`].
pub const META_PART: u32 = 1;
/// Lowest partial score returned, out of [`crate::lookup::index::SCALE`].
pub const PARTIAL_MIN: u32 = 5_000;

/// The partial score of an entry from its best signature share and its
/// title/tags/category share.
pub fn partial_score(sig: u32, meta: u32) -> u32 {
    (SIG_PART * sig + META_PART * meta) / (SIG_PART + META_PART)
}

impl Index {
    /// Ranks entries for normalised `text` (see [`crate::lookup::text`]).
    pub fn search(&self, text: &str) -> Vec<Hit> {
        let tokens = scoring_tokens(text);
        let mut best: HashMap<u32, Hit> = HashMap::new();
        for hit in self.full_matches(text, &tokens) {
            keep_better(&mut best, hit);
        }
        for hit in self.partial_matches(&tokens) {
            keep_better(&mut best, hit);
        }
        let mut hits: Vec<Hit> = best.into_values().collect();
        hits.sort_by(|a, b| {
            (a.kind, b.score, a.entry, a.sig).cmp(&(b.kind, a.score, b.entry, b.sig))
        });
        hits
    }

    fn full_matches<'a>(
        &'a self,
        text: &'a str,
        tokens: &[&str],
    ) -> impl Iterator<Item = Hit> + 'a {
        let mut cands: Vec<u32> = self.always.clone();
        for t in tokens {
            if let Some(p) = self.tokens.get(*t) {
                cands.extend(&p.anchored);
            }
        }
        cands.sort_unstable();
        cands.dedup();
        cands.into_iter().filter_map(move |s| {
            let sig = &self.sigs[s as usize];
            let spans = sig.pattern.find(text)?;
            Some(Hit {
                entry: sig.entry,
                sig: s,
                kind: MatchKind::Full,
                score: sig.pattern.chars,
                spans: Some(sig.pattern.tighten(text, spans)),
            })
        })
    }

    fn partial_matches(&self, tokens: &[&str]) -> Vec<Hit> {
        let mut sig_acc: HashMap<u32, (u32, bool)> = HashMap::new();
        let mut meta_acc: HashMap<u32, u32> = HashMap::new();
        for t in tokens {
            let Some(p) = self.tokens.get(*t) else {
                continue;
            };
            for &(s, share) in &p.sigs {
                let acc = sig_acc.entry(s).or_default();
                acc.0 += share;
                acc.1 |= p.rare;
            }
            for &(e, share) in &p.meta {
                *meta_acc.entry(e).or_default() += share;
            }
        }
        let mut best_sig: HashMap<u32, (u32, u32)> = HashMap::new();
        for (s, (acc, _)) in sig_acc.into_iter().filter(|(_, (_, rare))| *rare) {
            let e = self.sigs[s as usize].entry;
            let cur = best_sig.entry(e).or_insert((acc, s));
            if (acc, Reverse(s)) > (cur.0, Reverse(cur.1)) {
                *cur = (acc, s);
            }
        }
        best_sig
            .into_iter()
            .filter_map(|(e, (acc, s))| {
                let score = partial_score(acc, meta_acc.get(&e).copied().unwrap_or(0));
                (score >= PARTIAL_MIN).then_some(Hit {
                    entry: e,
                    sig: s,
                    kind: MatchKind::Partial,
                    score,
                    spans: None,
                })
            })
            .collect()
    }
}

/// Keeps, per entry, the better of two hits: full over partial, then the
/// higher score, then the earlier signature.
fn keep_better(best: &mut HashMap<u32, Hit>, hit: Hit) {
    match best.get(&hit.entry) {
        Some(cur)
            if (cur.kind, Reverse(cur.score), cur.sig)
                <= (hit.kind, Reverse(hit.score), hit.sig) => {}
        _ => {
            best.insert(hit.entry, hit);
        }
    }
}
