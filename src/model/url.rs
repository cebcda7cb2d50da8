//! URL rules shared by validation and rendering: which links may be emitted
//! and how alias paths are normalised.

/// True when `url` may be emitted as a link: http, https, mailto, or
/// relative. Browsers ignore tabs, newlines and leading spaces in a scheme
/// (`java\tscript:`), so those are stripped before judging.
pub fn link_is_safe(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    match scheme(&cleaned) {
        None => true,
        Some(s) => matches!(s.to_ascii_lowercase().as_str(), "http" | "https" | "mailto"),
    }
}

/// The scheme of a URL, if it has one (`https` of `https://x`).
pub fn scheme(url: &str) -> Option<&str> {
    let end = url.find([':', '/', '?', '#'])?;
    if !url[end..].starts_with(':') || end == 0 {
        return None;
    }
    let s = &url[..end];
    let mut chars = s.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(s)
}

/// Normalises an alias to a relative site path (`/old/page/` → `old/page`).
/// Refuses anything that could leave the output directory or is not a plain
/// path.
pub fn normalise_alias(alias: &str) -> Result<String, String> {
    if scheme(alias).is_some() || alias.starts_with("//") {
        return Err("an alias is a path on this site, not a full URL".into());
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.' | '~');
    if let Some(c) = alias.chars().find(|c| !allowed(*c)) {
        return Err(format!(
            "an alias may only contain ASCII letters, digits, `/`, `-`, `_`, `.` and `~`, not {c:?}"
        ));
    }
    let segments: Vec<&str> = alias.split('/').filter(|s| !s.is_empty()).collect();
    if segments.is_empty() {
        return Err("an alias cannot be the site root".into());
    }
    if segments.iter().any(|s| *s == ".." || *s == ".") {
        return Err("an alias may not contain `.` or `..` segments".into());
    }
    Ok(segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn schemes() {
        assert!(link_is_safe("https://x.org"));
        assert!(link_is_safe("mailto:a@b"));
        assert!(link_is_safe("../x/"));
        assert!(link_is_safe("#anchor"));
        assert!(link_is_safe("/docs/a:b"));
        assert!(!link_is_safe("javascript:alert(1)"));
        assert!(!link_is_safe(" JaVaScRiPt:alert(1)"));
        assert!(!link_is_safe("java\tscript:alert(1)"));
        assert!(!link_is_safe("vbscript:x"));
        assert!(!link_is_safe("data:text/html,<script>"));
        assert!(!link_is_safe("file:///etc/passwd"));
    }

    #[test]
    fn aliases() {
        assert_eq!(normalise_alias("/old/page/").unwrap(), "old/page");
        assert!(normalise_alias("../../etc").is_err());
        assert!(normalise_alias("a/./b").is_err());
        assert!(normalise_alias("https://evil.org/").is_err());
        assert!(normalise_alias("//evil.org/").is_err());
        assert!(normalise_alias("/").is_err());
        assert!(normalise_alias("a\\..\\b").is_err());
    }

    proptest! {
        #[test]
        fn normalised_aliases_never_climb(s in "[a-z./\\\\%:]{0,30}") {
            if let Ok(a) = normalise_alias(&s) {
                prop_assert!(!a.split('/').any(|seg| seg == ".." || seg == "." || seg.is_empty()));
                prop_assert!(!a.starts_with('/'));
            }
        }
    }
}
