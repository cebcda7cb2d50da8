//! Lookup: pasted error text → ranked entries (SPEC §3). Not a pipeline
//! stage: it runs on a validated [`crate::model::Kb`] for `kbgen lookup`,
//! and its [`Index`] is what `build` writes for the search box, whose
//! JavaScript (`theme/static/search.js`) mirrors this module.
//!
//! - [`text`]: the normal form and tokens;
//! - [`pattern`]: signatures compiled once, full matching in linear time;
//! - [`index`]: token weights, postings and anchors;
//! - [`rank`]: full and partial scores, one hit per entry, SPEC order.

pub mod index;
pub mod pattern;
pub mod rank;
pub mod text;

pub use index::{Index, SCALE};
pub use rank::{Hit, MatchKind};
pub use text::Folded;

use crate::model::Part;

/// Longest placeholder value shown, in characters (longer ones are cut
/// around `…`; a placeholder can take a whole log).
pub const VALUE_CHARS: usize = 40;

/// One result of a lookup, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<'a> {
    /// The hit behind it.
    pub hit: Hit,
    /// Entry id.
    pub id: &'a str,
    /// Entry title.
    pub title: &'a str,
    /// Page path under the site root.
    pub path: &'a str,
    /// Category display name.
    pub category: &'a str,
    /// The signature that matched, as written.
    pub signature: String,
    /// The signature with the pasted values in place of its placeholders
    /// (full matches), or as written (partial ones).
    pub filled: String,
}

impl Found<'_> {
    /// The score as JSON shows it: literal characters for a full match, a
    /// fraction of 1 for a partial one.
    pub fn json_score(&self) -> serde_json::Value {
        match self.hit.kind {
            MatchKind::Full => self.hit.score.into(),
            MatchKind::Partial => (f64::from(self.hit.score) / f64::from(SCALE)).into(),
        }
    }
}

/// Ranks the entries of `index` for pasted `text`, best first.
pub fn lookup<'a>(index: &'a Index, text: &str) -> Vec<Found<'a>> {
    let folded = Folded::new(text);
    index
        .search(&folded.text)
        .into_iter()
        .map(|hit| {
            let e = &index.entries[hit.entry as usize];
            let sig = &index.sigs[hit.sig as usize];
            let values = hit
                .spans
                .as_ref()
                .map(|s| placeholder_values(&folded, sig.pattern.lead, sig.pattern.trail, s))
                .unwrap_or_default();
            Found {
                id: &e.id,
                title: &e.title,
                path: &e.path,
                category: &e.category,
                signature: sig.signature.display(),
                filled: fill(&sig.signature.parts, &values),
                hit,
            }
        })
        .collect()
}

/// The pasted values of a full match's placeholders, in order, shortened
/// to [`VALUE_CHARS`].
pub fn placeholder_values(
    f: &Folded,
    lead: bool,
    trail: bool,
    spans: &pattern::Spans,
) -> Vec<String> {
    let s = &spans.0;
    let mut out = Vec::new();
    if lead && let Some(&(start, _)) = s.first() {
        out.push(clip_start(f.source(0, start)));
    }
    for w in s.windows(2) {
        out.push(clip_middle(f.source(w[0].1, w[1].0)));
    }
    if trail && let Some(&(_, end)) = s.last() {
        out.push(clip_end(f.source(end, f.text.len())));
    }
    out
}

fn clip_start(v: &str) -> String {
    let n = v.chars().count();
    if n <= VALUE_CHARS {
        return v.to_string();
    }
    format!("…{}", v.chars().skip(n - VALUE_CHARS).collect::<String>())
}

fn clip_end(v: &str) -> String {
    if v.chars().count() <= VALUE_CHARS {
        return v.to_string();
    }
    format!("{}…", v.chars().take(VALUE_CHARS).collect::<String>())
}

fn clip_middle(v: &str) -> String {
    let n = v.chars().count();
    if n <= 2 * VALUE_CHARS {
        return v.to_string();
    }
    let head: String = v.chars().take(VALUE_CHARS).collect();
    let tail: String = v.chars().skip(n - VALUE_CHARS).collect();
    format!("{head}…{tail}")
}

/// A signature with `values` in place of its placeholders (as written where
/// a value is missing).
fn fill(parts: &[Part], values: &[String]) -> String {
    let mut vals = values.iter();
    parts
        .iter()
        .map(|p| match p {
            Part::Lit(s) => s.clone(),
            Part::Var(n) => vals.next().cloned().unwrap_or_else(|| format!("{{{n}}}")),
        })
        .collect()
}
