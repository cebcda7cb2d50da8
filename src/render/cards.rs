//! Stage 4 support: cards, an entry as listings show it. Tag pages and
//! entry pages' related lists sit at the same depth, so an entry's card for
//! them is rendered by `card.html` once and reused everywhere (at 10k
//! entries a card shows on about ten such pages). Category and home pages
//! show each card once and render it in place. `serve` keeps the cards
//! between rebuilds and renders again only those of entries whose card
//! changed.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use tera::Value;

use crate::model::Kb;

/// The relative root of tag pages and entry pages, whose cards are kept.
const ROOT: &str = "../../";

/// Rendered cards by entry, in the order of `Kb::entries`.
#[derive(Default)]
pub struct Cards {
    ids: Vec<String>,
    slots: Vec<OnceLock<Value>>,
}

impl Cards {
    /// An empty cache for the entries of `kb`; cards are rendered on first
    /// use.
    pub fn new(kb: &Kb) -> Self {
        Cards {
            ids: kb.entries.iter().map(|e| e.id.clone()).collect(),
            slots: kb.entries.iter().map(|_| Default::default()).collect(),
        }
    }

    /// The cache for `kb` after a change: cards of entries still present
    /// and not in `stale` (by id) are kept, the others are rendered again
    /// when next shown.
    pub fn carry(mut self, kb: &Kb, stale: &BTreeSet<String>) -> Self {
        if kb.entries.iter().map(|e| &e.id).eq(self.ids.iter()) {
            for (id, slot) in self.ids.iter().zip(&mut self.slots) {
                if stale.contains(id) {
                    *slot = Default::default();
                }
            }
            return self;
        }
        let mut old: HashMap<String, OnceLock<Value>> =
            self.ids.into_iter().zip(self.slots).collect();
        let slots = kb
            .entries
            .iter()
            .map(|e| match old.remove(&e.id) {
                Some(slot) if !stale.contains(&e.id) => slot,
                _ => Default::default(),
            })
            .collect();
        Cards {
            ids: kb.entries.iter().map(|e| e.id.clone()).collect(),
            slots,
        }
    }

    /// The slot of entry `i`'s card on pages whose root is `root`, when
    /// such cards are kept.
    pub(crate) fn slot(&self, i: usize, root: &str) -> Option<&OnceLock<Value>> {
        if root != ROOT {
            return None;
        }
        self.slots.get(i)
    }
}
