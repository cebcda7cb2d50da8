//! Site configuration: `kbgen.toml` becomes a typed [`Config`]. Problems in it
//! are diagnostics with line and column like any other content problem.

use serde::Deserialize;

use crate::diag::Diagnostic;
use crate::source::SourceFile;

/// Default limit on the size of one content file (1 MiB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1024 * 1024;

/// The validated site configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Site title.
    pub title: String,
    /// Absolute base URL without a trailing slash (`https://org.github.io/kb`).
    pub base_url: String,
    /// Site description for the home page and feeds.
    pub description: String,
    /// `lang` of every page.
    pub language: String,
    /// Prefix of "Edit this page" links; the entry's path is appended.
    pub edit_url: Option<String>,
    /// Most related errors listed per entry.
    pub related_limit: usize,
    /// Whether raw HTML in Markdown is kept (sanitised) instead of escaped.
    pub allow_html: bool,
    /// Largest content file accepted, in bytes.
    pub max_file_size: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_language")]
    language: String,
    edit_url: Option<String>,
    #[serde(default = "default_related_limit")]
    related_limit: usize,
    #[serde(default)]
    allow_html: bool,
    #[serde(default = "default_max_file_size")]
    max_file_size: u64,
}

fn default_language() -> String {
    "en".into()
}
fn default_related_limit() -> usize {
    6
}
fn default_max_file_size() -> u64 {
    DEFAULT_MAX_FILE_SIZE
}

impl Config {
    /// Parses and validates `kbgen.toml`.
    pub fn parse(file: &SourceFile) -> Result<Config, Vec<Diagnostic>> {
        let raw: RawConfig = toml::from_str(&file.text).map_err(|e| {
            let pos = e
                .span()
                .map_or(crate::source::Pos::START, |s| file.pos_of(s.start));
            vec![
                Diagnostic::error(&file.rel_path, pos, e.message().to_string())
                    .with_help(CONFIG_HELP),
            ]
        })?;
        let mut diags = Vec::new();
        let base_url = raw.base_url.trim_end_matches('/').to_string();
        if let Err(why) = check_base_url(&base_url) {
            diags.push(
                Diagnostic::error(&file.rel_path, key_pos(file, "base_url"), why).with_help(
                    "write an absolute URL, e.g. base_url = \"https://org.github.io/kb\"",
                ),
            );
        }
        if let Some(edit) = &raw.edit_url
            && !(edit.starts_with("https://") || edit.starts_with("http://"))
        {
            diags.push(
                Diagnostic::error(
                    &file.rel_path,
                    key_pos(file, "edit_url"),
                    "edit_url must be an http(s) URL",
                )
                .with_help("e.g. edit_url = \"https://github.com/org/kb/edit/main/\""),
            );
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        Ok(Config {
            title: raw.title,
            base_url,
            description: raw.description,
            language: raw.language,
            edit_url: raw.edit_url,
            related_limit: raw.related_limit,
            allow_html: raw.allow_html,
            max_file_size: raw.max_file_size,
        })
    }

    /// This config with another base URL (`build --base-url`).
    pub fn with_base_url(mut self, url: &str) -> Result<Config, String> {
        let url = url.trim_end_matches('/').to_string();
        check_base_url(&url)?;
        self.base_url = url;
        Ok(self)
    }

    /// The absolute URL of a site path (`docker/x/` → `https://host/kb/docker/x/`).
    pub fn absolute(&self, path: &str) -> String {
        format!("{}/{}", self.base_url, path.trim_start_matches('/'))
    }
}

const CONFIG_HELP: &str = "kbgen.toml needs `title` and `base_url`; optional keys are description, language, edit_url, related_limit, allow_html and max_file_size";

fn check_base_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("base_url `{url}` is not an absolute http(s) URL"))?;
    if rest.is_empty() || rest.starts_with('/') || url.contains(['?', '#', ' ']) {
        return Err(format!(
            "base_url `{url}` has no host or carries a query or fragment"
        ));
    }
    Ok(())
}

fn key_pos(file: &SourceFile, key: &str) -> crate::source::Pos {
    file.text
        .match_indices(key)
        .find(|(i, _)| *i == 0 || file.text.as_bytes()[i - 1] == b'\n')
        .map_or(crate::source::Pos::START, |(i, _)| file.pos_of(i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::parse(&SourceFile::new("kbgen.toml", PathBuf::new(), text.into()))
    }

    #[test]
    fn defaults_fill_optional_keys() {
        let c = parse("title = \"KB\"\nbase_url = \"https://x.org/kb/\"\n").unwrap();
        assert_eq!(c.base_url, "https://x.org/kb");
        assert_eq!(c.related_limit, 6);
        assert_eq!(c.language, "en");
        assert_eq!(c.absolute("/git/"), "https://x.org/kb/git/");
    }

    #[test]
    fn unknown_key_points_at_its_line() {
        let e = parse("title = \"KB\"\nbase_url = \"https://x.org\"\ntitel = 1\n").unwrap_err();
        assert_eq!(e[0].line, Some(3));
    }

    #[test]
    fn relative_base_url_is_rejected() {
        let e = parse("title = \"KB\"\nbase_url = \"/kb\"\n").unwrap_err();
        assert_eq!(e[0].line, Some(2));
    }
}
