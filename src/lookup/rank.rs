//! Lookup, ranking: full matches from the anchored candidates, token-overlap
//! scores from the postings, one best hit per entry, in SPEC §3 order.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use crate::lookup::index::{Index, scoring_tokens};
use crate::lookup::pattern::Spans;

/// How an entry matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// Every literal part of a signature occurs in order.
    Full,
    /// Enough of a signature's weighted tokens occur, one of them rare.
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

/// Lowest partial score returned, out of [`crate::lookup::index::SCALE`]:
/// half the weight of a signature (or of the title and tags) must be found.
pub const PARTIAL_MIN: u32 = 5_000;

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

    /// Token overlap. Only rare tokens have postings, so only signatures
    /// with a rare token in the text are scored; the shares of their common
    /// tokens in the text are added once. An entry's title, tags and
    /// category name are scored the same way, as one more signature.
    fn partial_matches(&self, tokens: &[&str]) -> Vec<Hit> {
        let query: HashSet<&str> = tokens.iter().copied().collect();
        let in_query = |common: &[(u32, u32)]| -> u32 {
            common
                .iter()
                .filter(|&&(t, _)| query.contains(self.word(t)))
                .map(|(_, share)| share)
                .sum()
        };
        let mut sig_acc: HashMap<u32, u32> = HashMap::new();
        let mut meta_acc: HashMap<u32, u32> = HashMap::new();
        for t in tokens {
            let Some(p) = self.tokens.get(*t) else {
                continue;
            };
            for &(s, share) in &p.sigs {
                *sig_acc
                    .entry(s)
                    .or_insert_with(|| in_query(&self.sigs[s as usize].common)) += share;
            }
            for &(e, share) in &p.meta {
                *meta_acc
                    .entry(e)
                    .or_insert_with(|| in_query(&self.entries[e as usize].meta_common)) += share;
            }
        }
        let mut best: HashMap<u32, (u32, u32)> = HashMap::new();
        for (s, acc) in sig_acc {
            let e = self.sigs[s as usize].entry;
            let cur = best.entry(e).or_insert((acc, s));
            if (acc, Reverse(s)) > (cur.0, Reverse(cur.1)) {
                *cur = (acc, s);
            }
        }
        for (e, acc) in meta_acc {
            let first = self.first_sig(e);
            let cur = best.entry(e).or_insert((acc, first));
            cur.0 = cur.0.max(acc);
        }
        best.into_iter()
            .filter(|(_, (score, _))| *score >= PARTIAL_MIN)
            .map(|(e, (score, s))| Hit {
                entry: e,
                sig: s,
                kind: MatchKind::Partial,
                score,
                spans: None,
            })
            .collect()
    }

    /// The index of an entry's first signature.
    fn first_sig(&self, entry: u32) -> u32 {
        self.sigs.partition_point(|s| s.entry < entry) as u32
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
