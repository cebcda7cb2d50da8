//! Stage 3: validated, typed values. A [`Kb`] is the whole knowledge base
//! after every check has passed; nothing here does I/O.

pub mod assemble;
pub mod live;
pub mod related;
pub mod signature;
pub mod slug;
pub mod url;
pub mod validate;

pub use assemble::{AssembleOptions, assemble};
pub use signature::{Part, Signature};
pub use slug::Date;

use crate::config::Config;
use crate::source::{Located, Pos};

/// Markdown text with the position it starts at (for link-check errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Md {
    /// The Markdown source.
    pub text: String,
    /// Where the text starts in the entry file.
    pub pos: Pos,
}

/// A source citation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLink {
    /// Link text.
    pub title: String,
    /// URL; `None` when its scheme is unsafe (then shown as text only).
    pub url: Option<String>,
    /// The URL as written (shown when it is not linkable).
    pub url_text: String,
    /// What the source shows (inline Markdown).
    pub note: Option<Md>,
}

/// One FAQ item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Faq {
    /// The question (plain text).
    pub q: String,
    /// The answer (Markdown).
    pub a: Md,
}

/// A validated entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `category/slug`.
    pub id: String,
    /// Category slug.
    pub category: String,
    /// Entry slug.
    pub slug: String,
    /// The file's path from the site root (`content/git/x.md`).
    pub file: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Signatures, at least one.
    pub signatures: Vec<Signature>,
    /// Last update.
    pub updated: Date,
    /// Quick fix (inline Markdown).
    pub quick_fix: Option<Md>,
    /// Tags as written, duplicates removed.
    pub tags: Vec<String>,
    /// What this error means.
    pub meaning: Option<Md>,
    /// Why this happens.
    pub why: Option<Md>,
    /// Common causes.
    pub causes: Vec<Md>,
    /// Quick fixes.
    pub fixes: Vec<Md>,
    /// Platform and tool-specific checks.
    pub checks: Vec<Md>,
    /// Step-by-step troubleshooting.
    pub steps: Vec<Md>,
    /// How to prevent it.
    pub prevention: Vec<Md>,
    /// Sources checked.
    pub sources: Vec<SourceLink>,
    /// Explicit related ids, resolved to `category/slug`, where written.
    pub related_ids: Vec<Located<String>>,
    /// FAQ.
    pub faq: Vec<Faq>,
    /// Alias paths, normalised (`old/path`), where written.
    pub aliases: Vec<Located<String>>,
    /// Left out unless drafts are built.
    pub draft: bool,
}

impl Entry {
    /// The entry page's path under the site root (`git/x/`).
    pub fn path(&self) -> String {
        format!("{}/{}/", self.category, self.slug)
    }
}

/// A category of entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// Folder name.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Description (inline Markdown not supported: plain text).
    pub description: String,
    /// URL of the tool, when safe.
    pub homepage: Option<String>,
    /// Indices into [`Kb::entries`], sorted by title then id.
    pub entries: Vec<usize>,
}

/// A tag and the entries that carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// URL slug.
    pub slug: String,
    /// Name as first written.
    pub name: String,
    /// Indices into [`Kb::entries`], sorted by title then id.
    pub entries: Vec<usize>,
}

/// The validated knowledge base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kb {
    /// Site configuration.
    pub config: Config,
    /// Entries sorted by id.
    pub entries: Vec<Entry>,
    /// Categories sorted by slug.
    pub categories: Vec<Category>,
    /// Tags sorted by slug.
    pub tags: Vec<Tag>,
    /// Related entries per entry (explicit first, then computed), as indices.
    pub related: Vec<Vec<usize>>,
}

impl Kb {
    /// The index of an entry by id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.entries
            .binary_search_by(|e| e.id.as_str().cmp(id))
            .ok()
    }

    /// The category an entry belongs to.
    pub fn category_of(&self, entry: &Entry) -> &Category {
        let i = self
            .categories
            .binary_search_by(|c| c.slug.as_str().cmp(&entry.category))
            .expect("every entry's category exists");
        &self.categories[i]
    }
}
