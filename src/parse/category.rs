//! `_category.yaml` to [`RawCategory`].

use crate::diag::Diagnostic;
use crate::load::LoadedFile;
use crate::parse::fields::FieldReader;
use crate::parse::yaml;
use crate::source::Located;

const CATEGORY_FIELDS: &[&str] = &["name", "description", "homepage"];

/// A category's metadata as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawCategory {
    /// Display name.
    pub name: Option<Located<String>>,
    /// One-paragraph description.
    pub description: Option<Located<String>>,
    /// URL of the tool.
    pub homepage: Option<Located<String>>,
}

/// Parses a `_category.yaml`.
pub fn parse_category(f: &LoadedFile) -> (RawCategory, Vec<Diagnostic>) {
    let mut cat = RawCategory::default();
    let node = match yaml::parse(&f.file, &f.file.text, 0) {
        Ok(n) => n,
        Err(d) => return (cat, vec![d]),
    };
    let mut r = FieldReader::new(&f.file.rel_path);
    if let Some(items) = r.top_mapping(node, "_category.yaml") {
        for (key, v) in r.dedup_keys(items) {
            match key.value.as_str() {
                "name" => cat.name = r.string("name", v),
                "description" => cat.description = r.string("description", v),
                "homepage" => cat.homepage = r.string("homepage", v),
                _ => r.unknown(&key, CATEGORY_FIELDS, "_category.yaml"),
            }
        }
    }
    (cat, r.diags)
}
