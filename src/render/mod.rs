//! Stage 4: the validated [`crate::model::Kb`] to every output file, in
//! memory. Markdown is rendered once per entry, pages in parallel.

pub mod cards;
pub mod context;
pub mod feeds;
pub mod highlight;
pub mod markdown;
pub mod search;
pub mod seo;
pub mod site;
pub mod templates;
