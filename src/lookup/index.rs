//! Lookup, the index: every signature compiled, every token weighted, and the
//! postings that let a query touch only the entries that share its tokens.
//!
//! The same [`Index`] answers `kbgen lookup` and is written out by `build`
//! for the browser (`crate::render::search`), so both rank from identical
//! integers. Token weights are `ln(1 + N / df)` (N entries, df entries using
//! the token in a signature, title, tag or category name); they are turned
//! into integer shares of [`SCALE`] here, once, so the browser only adds.

use std::collections::{BTreeMap, BTreeSet, HashMap};

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

/// Words that error messages of every tool use ("error", "failed",
/// "connection", "refused", "permission", "denied"…). However few entries
/// of a small knowledge base use one, it weighs as if half of them did
/// (`ln 3`), and it is never [rare](is_rare): a partial match needs a word
/// that is specific to the error, not "connection refused" alone.
pub const GENERIC: &[&str] = &[
    "abort",
    "aborted",
    "access",
    "address",
    "again",
    "already",
    "argument",
    "arguments",
    "auth",
    "authentication",
    "available",
    "bad",
    "call",
    "called",
    "cannot",
    "check",
    "client",
    "code",
    "command",
    "config",
    "configuration",
    "connect",
    "connected",
    "connecting",
    "connection",
    "could",
    "data",
    "denied",
    "directory",
    "disk",
    "done",
    "during",
    "empty",
    "error",
    "errors",
    "exceeded",
    "exception",
    "exist",
    "exists",
    "exit",
    "exited",
    "expected",
    "fail",
    "failed",
    "failure",
    "false",
    "fatal",
    "field",
    "file",
    "files",
    "found",
    "get",
    "host",
    "http",
    "https",
    "info",
    "input",
    "install",
    "installed",
    "internal",
    "invalid",
    "key",
    "line",
    "load",
    "local",
    "localhost",
    "memory",
    "message",
    "missing",
    "module",
    "must",
    "name",
    "network",
    "new",
    "no",
    "none",
    "not",
    "null",
    "object",
    "open",
    "operation",
    "option",
    "output",
    "package",
    "password",
    "path",
    "permission",
    "permissions",
    "please",
    "port",
    "process",
    "read",
    "reason",
    "refused",
    "request",
    "required",
    "response",
    "run",
    "running",
    "server",
    "service",
    "set",
    "size",
    "socket",
    "space",
    "start",
    "status",
    "such",
    "system",
    "time",
    "timed",
    "timeout",
    "true",
    "type",
    "unable",
    "undefined",
    "unexpected",
    "unknown",
    "use",
    "used",
    "user",
    "using",
    "value",
    "version",
    "warning",
    "write",
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
    /// Common tokens of the title, tags and category name (numbers into
    /// [`Index::words`]), with their shares (see [`IndexSig::common`]).
    pub meta_common: Vec<(u32, u32)>,
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
    /// The signature's common (not [rare](is_rare)) tokens, as numbers into
    /// [`Index::words`], and their shares of its weight. Only rare tokens
    /// have postings; a partial match starts from one and adds these.
    pub common: Vec<(u32, u32)>,
}

/// Whether a token used by `df` of `n` entries is distinctive: used by at
/// most 2 entries, or by at most 1 % of them. A partial match needs one.
pub fn is_rare(df: u32, n: usize) -> bool {
    df <= 2 || (df as usize) * 100 <= n
}

/// What the index knows about one token. Only [rare](is_rare) tokens have
/// `sigs` and `meta`; common ones are here only when they anchor a signature.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Postings {
    /// `(signature, share)`: the token's share of that signature's weight.
    pub sigs: Vec<(u32, u32)>,
    /// `(entry, share)`: the token's share of the weight of the entry's
    /// title, tags and category name, scored like one more signature.
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
    /// Every token of every signature, title, tag and category name, by
    /// number (in order of first use); `common` lists refer to these.
    pub words: Vec<String>,
}

/// Entries a token counts as used by: `df`, or half of `n` for a
/// [`GENERIC`] word if that is more.
pub fn effective_df(t: &str, df: u32, n: usize) -> u32 {
    if GENERIC.binary_search(&t).is_ok() {
        df.max((n as u32).div_ceil(2))
    } else {
        df
    }
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

/// Tokens of a signature's literals, sorted.
fn sig_tokens(p: &Pattern, tokens: &mut Interner) -> Vec<u32> {
    let mut set = BTreeSet::new();
    for lit in &p.literals {
        set.extend(scoring_tokens(lit));
    }
    set.into_iter().map(|t| tokens.id(t)).collect()
}

/// Whose tokens a group holds: a signature's, or an entry's title, tags and
/// category.
#[derive(Clone, Copy)]
enum Side {
    Sigs,
    Meta,
}

/// The distinct tokens of one index build, numbered in order of first use:
/// the build keeps a number per use instead of a string (3 million uses at
/// 100k entries).
#[derive(Default)]
struct Interner {
    ids: HashMap<String, u32>,
    texts: Vec<String>,
}

impl Interner {
    fn id(&mut self, t: &str) -> u32 {
        if let Some(&id) = self.ids.get(t) {
            return id;
        }
        let id = self.texts.len() as u32;
        self.ids.insert(t.to_string(), id);
        self.texts.push(t.to_string());
        id
    }

    fn text(&self, id: u32) -> &str {
        &self.texts[id as usize]
    }
}

/// Tokens of an entry's title (placeholders left out), tags and category.
fn meta_tokens(e: &Entry, category: &str, tokens: &mut Interner) -> Vec<u32> {
    let title = Signature::parse(&e.title)
        .map(|s| s.literal_text())
        .unwrap_or_else(|_| e.title.clone());
    let text = format!("{title}\n{}\n{category}", e.tags.join("\n"));
    let norm = normalise(&text);
    scoring_tokens(&norm)
        .into_iter()
        .map(|t| tokens.id(t))
        .collect()
}

/// Integer shares of [`SCALE`] for `tokens`, proportional to their weights.
fn shares(tokens: &[u32], weight: &[f64]) -> Vec<u32> {
    let total: f64 = tokens.iter().map(|&t| weight[t as usize]).sum();
    tokens
        .iter()
        .map(|&t| (f64::from(SCALE) * weight[t as usize] / total).round() as u32)
        .collect()
}

impl Index {
    /// Builds the index of every entry of `kb`.
    pub fn build(kb: &Kb) -> Index {
        let mut ix = Index::default();
        let mut tokens = Interner::default();
        let mut sig_toks = Vec::new();
        let mut meta_toks = Vec::new();
        for (i, e) in kb.entries.iter().enumerate() {
            let category = kb.category_of(e).name.clone();
            meta_toks.push(meta_tokens(e, &category, &mut tokens));
            ix.entries.push(IndexEntry {
                id: e.id.clone(),
                title: e.title.clone(),
                path: e.path(),
                category,
                meta_common: Vec::new(),
            });
            for (nth, s) in e.signatures.iter().enumerate() {
                let pattern = Pattern::compile(s);
                sig_toks.push(sig_tokens(&pattern, &mut tokens));
                ix.sigs.push(IndexSig {
                    entry: i as u32,
                    nth: nth as u32,
                    signature: s.clone(),
                    pattern,
                    common: Vec::new(),
                });
            }
        }
        let mut df = document_frequencies(&ix, &sig_toks, &meta_toks, tokens.texts.len());
        let n_entries = ix.entries.len();
        for (t, d) in df.iter_mut().enumerate() {
            *d = effective_df(tokens.text(t as u32), *d, n_entries);
        }
        let n = n_entries as f64;
        let weight: Vec<f64> = df.iter().map(|&d| (1.0 + n / f64::from(d)).ln()).collect();
        let rare = |t: u32| is_rare(df[t as usize], n_entries);
        ix.add_groups(Side::Sigs, &sig_toks, &tokens, &weight, rare);
        ix.add_groups(Side::Meta, &meta_toks, &tokens, &weight, rare);
        ix.add_anchors(&tokens, &df);
        for sig in &mut ix.sigs {
            sig.common.shrink_to_fit();
        }
        for e in &mut ix.entries {
            e.meta_common.shrink_to_fit();
        }
        ix.words = tokens.texts;
        ix
    }

    /// The text of token number `t` (as in `common` lists).
    pub fn word(&self, t: u32) -> &str {
        &self.words[t as usize]
    }

    /// Adds each group's tokens (a signature's, or an entry's title, tags
    /// and category) with their shares: rare ones to their postings, common
    /// ones to the group itself.
    fn add_groups(
        &mut self,
        side: Side,
        groups: &[Vec<u32>],
        tokens: &Interner,
        w: &[f64],
        rare: impl Fn(u32) -> bool,
    ) {
        for (at, toks) in groups.iter().enumerate() {
            for (&t, share) in toks.iter().zip(shares(toks, w)) {
                let text = tokens.text(t);
                match (rare(t), side) {
                    (true, Side::Sigs) => self.posting(text).sigs.push((at as u32, share)),
                    (true, Side::Meta) => self.posting(text).meta.push((at as u32, share)),
                    (false, Side::Sigs) => self.sigs[at].common.push((t, share)),
                    (false, Side::Meta) => self.entries[at].meta_common.push((t, share)),
                }
            }
        }
    }

    /// The posting of token `t`, created empty on first use.
    fn posting(&mut self, t: &str) -> &mut Postings {
        if !self.tokens.contains_key(t) {
            self.tokens.insert(t.to_string(), Postings::default());
        }
        self.tokens.get_mut(t).expect("inserted above")
    }

    fn add_anchors(&mut self, tokens: &Interner, df: &[u32]) {
        let df_of = |t: &str| tokens.ids.get(t).map_or(0, |&id| df[id as usize]);
        for (s, sig) in self.sigs.iter().enumerate() {
            let anchor = sig
                .pattern
                .anchor_tokens()
                .into_iter()
                .filter(|t| !is_stopword(t))
                .min_by_key(|t| (df_of(t), *t));
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

/// Entries using each token anywhere (signature, title, tags, category),
/// by token number. One entry's tokens are held at a time (signatures come
/// in entry order).
fn document_frequencies(
    ix: &Index,
    sig_toks: &[Vec<u32>],
    meta_toks: &[Vec<u32>],
    n_tokens: usize,
) -> Vec<u32> {
    let mut df = vec![0u32; n_tokens];
    let mut s = 0;
    let mut toks: Vec<u32> = Vec::new();
    for (e, meta) in meta_toks.iter().enumerate() {
        toks.clear();
        toks.extend(meta);
        while s < sig_toks.len() && ix.sigs[s].entry as usize == e {
            toks.extend(&sig_toks[s]);
            s += 1;
        }
        toks.sort_unstable();
        toks.dedup();
        for &t in &toks {
            df[t as usize] += 1;
        }
    }
    debug_assert_eq!(s, sig_toks.len(), "signatures are in entry order");
    df
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_lists_are_sorted_for_binary_search() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(GENERIC.windows(2).all(|w| w[0] < w[1]));
        assert!(!GENERIC.iter().any(|w| is_stopword(w)));
        assert!(is_stopword("the") && !is_stopword("error"));
    }

    #[test]
    fn shares_add_up_to_scale() {
        assert_eq!(shares(&[0, 1], &[3.0, 1.0]), vec![7500, 2500]);
    }
}
