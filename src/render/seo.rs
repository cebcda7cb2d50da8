//! Stage 4 support: structured data for search engines (JSON-LD), embedded
//! so that no content can close its `<script>` element.

use serde_json::{Value, json};

use crate::config::Config;
use crate::model::{Category, Entry};

/// Serialises JSON for a `<script type="application/ld+json">` element:
/// `<`, `>`, `&` and the JS line separators are written as `\u` escapes, so
/// `</script>` or `<!--` inside a string cannot end the element.
pub fn script_json(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_else(|_| "{}".into());
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 64);
    let mut from = 0;
    // The bytes to look at, in order: `<`, `>`, `&`, and the lead byte E2
    // of U+2028 and U+2029 (E2 80 A8, E2 80 A9), found with memchr.
    let mut marks = memchr::memchr3_iter(b'<', b'>', b'&', bytes).peekable();
    let mut leads = memchr::memchr_iter(0xE2, bytes).peekable();
    loop {
        let i = match (marks.peek(), leads.peek()) {
            (Some(&m), Some(&l)) if l < m => leads.next(),
            (Some(_), _) => marks.next(),
            (None, Some(_)) => leads.next(),
            (None, None) => None,
        };
        let Some(i) = i else { break };
        let (escaped, len) = match bytes[i] {
            b'<' => ("\\u003c", 1),
            b'>' => ("\\u003e", 1),
            b'&' => ("\\u0026", 1),
            _ => match bytes.get(i + 1..i + 3) {
                Some([0x80, 0xA8]) => ("\\u2028", 3),
                Some([0x80, 0xA9]) => ("\\u2029", 3),
                _ => continue,
            },
        };
        out.push_str(&s[from..i]);
        out.push_str(escaped);
        from = i + len;
    }
    out.push_str(&s[from..]);
    out
}

/// WebSite block for the home page.
pub fn website(config: &Config) -> Value {
    json!({
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": config.title,
        "description": config.description,
        "url": config.absolute(""),
        "inLanguage": config.language,
    })
}

/// TechArticle block for an entry page.
pub fn tech_article(config: &Config, e: &Entry, cat: &Category) -> Value {
    let url = config.absolute(&e.path());
    json!({
        "@context": "https://schema.org",
        "@type": "TechArticle",
        "headline": e.title,
        "description": e.description,
        "dateModified": e.updated.to_string(),
        "inLanguage": config.language,
        "keywords": e.tags.join(", "),
        "about": e.signatures.iter().map(|s| s.display()).collect::<Vec<_>>(),
        "articleSection": cat.name,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "isPartOf": {"@type": "WebSite", "name": config.title, "url": config.absolute("")},
    })
}

/// BreadcrumbList block: home › category › entry.
pub fn breadcrumbs(config: &Config, e: &Entry, cat: &Category) -> Value {
    json!({
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": config.title, "item": config.absolute("")},
            {"@type": "ListItem", "position": 2, "name": cat.name, "item": config.absolute(&format!("{}/", cat.slug))},
            {"@type": "ListItem", "position": 3, "name": e.title, "item": config.absolute(&e.path())},
        ],
    })
}

/// FAQPage block; `answers` are the rendered answers shown on the page.
pub fn faq_page(e: &Entry, answers: &[String]) -> Value {
    let items: Vec<Value> = e
        .faq
        .iter()
        .zip(answers)
        .map(|(f, a)| {
            json!({
                "@type": "Question",
                "name": f.q,
                "acceptedAnswer": {"@type": "Answer", "text": a},
            })
        })
        .collect();
    json!({
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The same as replacing each character in the JSON text.
        #[test]
        fn script_json_escapes_like_plain_replacement(
            a in "[<>&\u{2028}\u{2029}\u{2027}\u{20ac}—’a-z ]{0,30}",
            b in "\\PC{0,30}",
        ) {
            let v = json!({"a": a, "b": [b]});
            let expected = serde_json::to_string(&v)
                .unwrap()
                .replace('<', "\\u003c")
                .replace('>', "\\u003e")
                .replace('&', "\\u0026")
                .replace('\u{2028}', "\\u2028")
                .replace('\u{2029}', "\\u2029");
            prop_assert_eq!(script_json(&v), expected);
        }
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let s = script_json(&json!({"a": "</script><script>alert(1)</script><!--"}));
        assert!(!s.contains('<'));
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["a"], "</script><script>alert(1)</script><!--");
    }

    #[test]
    fn script_json_escapes_line_separators_and_keeps_other_text() {
        let text = "a\u{2028}b\u{2029}c & é \u{2027}\u{202A}";
        let s = script_json(&json!({ "t": text }));
        assert_eq!(
            s,
            "{\"t\":\"a\\u2028b\\u2029c \\u0026 é \u{2027}\u{202A}\"}"
        );
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["t"], text);
    }
}
