//! Template contexts: small typed views that borrow from the model. Pages
//! get references to what they show, never whole collections.

use serde::Serialize;

/// Site-wide values every template sees.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    /// Site title.
    pub title: &'a str,
    /// Site description.
    pub description: &'a str,
    /// `lang` attribute.
    pub language: &'a str,
    /// Absolute base URL, no trailing slash.
    pub base_url: &'a str,
    /// Prefix for "Edit this page" and "contribute" links.
    pub edit_url: Option<&'a str>,
}

/// Per-page head values.
#[derive(Debug, Serialize)]
pub struct PageMeta {
    /// Relative prefix from this page to the site root (`../../`), or the
    /// absolute base URL for pages served at any path (404).
    pub root: String,
    /// Canonical absolute URL.
    pub canonical: String,
    /// `<title>` text.
    pub title: String,
    /// Meta description.
    pub description: String,
    /// OpenGraph type.
    pub og_type: &'static str,
    /// JSON-LD blocks, already serialised and safe inside `<script>`.
    pub json_ld: Vec<String>,
    /// Whether robots should skip the page.
    pub noindex: bool,
}

/// A link to a category or tag.
#[derive(Debug, Serialize)]
pub struct NamedLink<'a> {
    /// Display name.
    pub name: &'a str,
    /// Path from the site root (`git/`).
    pub url: String,
}

/// One piece of a displayed signature.
#[derive(Debug, Serialize)]
pub struct PartView<'a> {
    /// Literal text or `{name}`.
    pub text: std::borrow::Cow<'a, str>,
    /// True for a placeholder.
    pub var: bool,
}

/// A signature for display.
#[derive(Debug, Serialize)]
pub struct SignatureView<'a> {
    /// Plain text, as copied.
    pub text: String,
    /// Parts, for marking placeholders.
    pub parts: Vec<PartView<'a>>,
}

/// An entry in a listing (home, category, tag, related).
#[derive(Debug, Serialize)]
pub struct CardView<'a> {
    /// Title.
    pub title: &'a str,
    /// Path from the site root.
    pub url: String,
    /// Category display name.
    pub category: &'a str,
    /// Description.
    pub description: &'a str,
    /// First signature, as displayed.
    pub signature: String,
    /// First signature's parts, for marking placeholders.
    pub signature_parts: Vec<PartView<'a>>,
    /// `YYYY-MM-DD`.
    pub updated: String,
}

/// A card as listings get it: `card.html`'s result for the listing's page
/// depth, and the card's plain fields (kept for every entry, so without
/// `signature_parts`, which only `card.html` needs).
#[derive(Debug, Serialize)]
pub struct ListedCard<'a> {
    /// The card as `card.html` renders it on this page.
    pub html: tera::Value,
    /// Title.
    pub title: &'a str,
    /// Path from the site root.
    pub url: &'a str,
    /// Category display name.
    pub category: &'a str,
    /// Description.
    pub description: &'a str,
    /// First signature, as displayed.
    pub signature: &'a str,
    /// `YYYY-MM-DD`.
    pub updated: &'a str,
}

/// Context of `card.html` when a card is rendered for the card cache.
#[derive(Debug, Serialize)]
pub struct CardPage<'a> {
    /// Site values.
    pub site: &'a SiteView<'a>,
    /// The page's root only: a card is shared by every page of a depth.
    pub page: CardRoot<'a>,
    /// The card.
    pub card: CardView<'a>,
}

/// The `page` a cached card sees.
#[derive(Debug, Serialize)]
pub struct CardRoot<'a> {
    /// Relative prefix to the site root.
    pub root: &'a str,
}

/// A page section: prose (`html`) or a list (`items`).
#[derive(Debug, Serialize)]
pub struct SectionView {
    /// Anchor id.
    pub id: &'static str,
    /// Heading.
    pub title: &'static str,
    /// Rendered prose.
    pub html: Option<String>,
    /// Rendered list items.
    pub items: Vec<String>,
    /// Whether the list is numbered.
    pub ordered: bool,
}

/// A cited source.
#[derive(Debug, Serialize)]
pub struct SourceView<'a> {
    /// Link text.
    pub title: &'a str,
    /// Safe URL, if linkable.
    pub url: Option<&'a str>,
    /// The URL as written.
    pub url_text: &'a str,
    /// Rendered note.
    pub note: Option<String>,
}

/// One FAQ item.
#[derive(Debug, Serialize)]
pub struct FaqView<'a> {
    /// Question.
    pub q: &'a str,
    /// Rendered answer.
    pub a: String,
}

/// A table-of-contents line.
#[derive(Debug, Serialize)]
pub struct TocItem {
    /// Anchor.
    pub id: &'static str,
    /// Heading.
    pub title: &'static str,
}

/// Everything the entry template shows.
#[derive(Debug, Serialize)]
pub struct EntryView<'a> {
    /// `category/slug`.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Description.
    pub description: &'a str,
    /// Its category.
    pub category: NamedLink<'a>,
    /// `YYYY-MM-DD`.
    pub updated: String,
    /// `27 November 2026`.
    pub updated_human: String,
    /// Signatures.
    pub signatures: Vec<SignatureView<'a>>,
    /// Rendered quick fix.
    pub quick_fix: Option<String>,
    /// Sections in page order, empty ones left out.
    pub sections: Vec<SectionView>,
    /// Sources.
    pub sources: Vec<SourceView<'a>>,
    /// Related entries (cards with their `html`).
    pub related: Vec<tera::Value>,
    /// FAQ.
    pub faq: Vec<FaqView<'a>>,
    /// Tags.
    pub tags: Vec<NamedLink<'a>>,
    /// "Edit this page" URL.
    pub edit_url: Option<String>,
    /// Table of contents (long pages only).
    pub toc: Vec<TocItem>,
}

/// A category on the home page.
#[derive(Debug, Serialize)]
pub struct CategorySummary<'a> {
    /// Name.
    pub name: &'a str,
    /// Path from the site root.
    pub url: String,
    /// Description.
    pub description: &'a str,
    /// Number of entries.
    pub count: usize,
}

/// A tag on the tag index.
#[derive(Debug, Serialize)]
pub struct TagSummary<'a> {
    /// Name.
    pub name: &'a str,
    /// Path from the site root.
    pub url: String,
    /// Number of entries.
    pub count: usize,
}

/// Context of `entry.html`.
#[derive(Debug, Serialize)]
pub struct EntryPage<'a> {
    /// Site values.
    pub site: &'a SiteView<'a>,
    /// Head values.
    pub page: PageMeta,
    /// The entry.
    pub entry: EntryView<'a>,
}

/// Context of `index.html`.
#[derive(Debug, Serialize)]
pub struct HomePage<'a> {
    /// Site values.
    pub site: &'a SiteView<'a>,
    /// Head values.
    pub page: PageMeta,
    /// Categories with counts.
    pub categories: Vec<CategorySummary<'a>>,
    /// Recently updated entries (cards with their `html`).
    pub recent: Vec<tera::Value>,
    /// Total number of entries.
    pub entry_count: usize,
}

/// Context of `category.html` and `tag.html`.
#[derive(Debug, Serialize)]
pub struct ListPage<'a> {
    /// Site values.
    pub site: &'a SiteView<'a>,
    /// Head values.
    pub page: PageMeta,
    /// Heading.
    pub name: &'a str,
    /// Description (categories).
    pub description: &'a str,
    /// Tool homepage (categories).
    pub homepage: Option<&'a str>,
    /// The entries (cards with their `html`).
    pub entries: Vec<tera::Value>,
}

/// Context of `tags.html`.
#[derive(Debug, Serialize)]
pub struct TagsPage<'a> {
    /// Site values.
    pub site: &'a SiteView<'a>,
    /// Head values.
    pub page: PageMeta,
    /// All tags.
    pub tags: Vec<TagSummary<'a>>,
}

/// Context of `404.html` and `alias.html`.
#[derive(Debug, Serialize)]
pub struct SimplePage<'a> {
    /// Site values.
    pub site: &'a SiteView<'a>,
    /// Head values.
    pub page: PageMeta,
    /// Redirect target (aliases), relative to this page.
    pub target: Option<String>,
    /// Redirect target title (aliases).
    pub target_title: Option<&'a str>,
}
