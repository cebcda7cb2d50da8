//! Error signatures: the text a tool prints, with `{name}` placeholders for
//! the parts that vary. Parsed once here; lookup and rendering use the parts.

/// One piece of a signature.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(tag = "t", content = "v")]
pub enum Part {
    /// Text that must appear as written (braces already unescaped).
    #[serde(rename = "l")]
    Lit(String),
    /// A placeholder: any non-empty run of characters.
    #[serde(rename = "p")]
    Var(String),
}

/// A parsed signature.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Signature {
    /// As written in the entry.
    pub raw: String,
    /// Literal and placeholder parts, in order; never two placeholders in a row.
    pub parts: Vec<Part>,
}

/// Why a signature cannot be used, with where in the raw text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureError {
    /// Byte offset into the raw signature.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
    /// What would be right.
    pub help: String,
}

/// Fewest literal (non-space) characters a signature needs to be specific.
pub const MIN_LITERAL_CHARS: usize = 4;

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn looks_like_placeholder(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl Signature {
    /// Parses a signature. `{{`/`}}` are literal braces, `{name}` is a
    /// placeholder, `{}` / `{1x}` / `{a-b}` are malformed placeholders, and any
    /// other brace is literal.
    pub fn parse(raw: &str) -> Result<Signature, SignatureError> {
        if raw.trim().is_empty() {
            return Err(err(
                0,
                "signature is empty",
                "write the error text as the tool prints it",
            ));
        }
        let mut parts: Vec<Part> = Vec::new();
        let mut lit = String::new();
        let mut i = 0;
        let b = raw.as_bytes();
        while i < raw.len() {
            let rest = &raw[i..];
            if rest.starts_with("{{") || rest.starts_with("}}") {
                lit.push(b[i] as char);
                i += 2;
                continue;
            }
            if b[i] == b'{'
                && let Some(close) = rest[1..].find('}')
            {
                let inner = &rest[1..1 + close];
                if looks_like_placeholder(inner) {
                    if !is_name(inner) {
                        return Err(err(
                            i,
                            format!("malformed placeholder `{{{inner}}}`"),
                            "a placeholder name starts with a letter and has only letters, digits and `_` (e.g. `{model_name}`); write `{{` and `}}` for literal braces",
                        ));
                    }
                    if lit.is_empty() && matches!(parts.last(), Some(Part::Var(_))) {
                        return Err(err(
                            i,
                            format!(
                                "placeholder `{{{inner}}}` directly follows another placeholder"
                            ),
                            "put the literal text that separates them between the two placeholders, or merge them into one",
                        ));
                    }
                    if !lit.is_empty() {
                        parts.push(Part::Lit(std::mem::take(&mut lit)));
                    }
                    parts.push(Part::Var(inner.to_string()));
                    i += close + 2;
                    continue;
                }
            }
            let c = rest.chars().next().unwrap_or(' ');
            lit.push(c);
            i += c.len_utf8();
        }
        if !lit.is_empty() {
            parts.push(Part::Lit(lit));
        }
        let literal_chars: usize = parts
            .iter()
            .map(|p| match p {
                Part::Lit(s) => s.chars().filter(|c| !c.is_whitespace()).count(),
                Part::Var(_) => 0,
            })
            .sum();
        if literal_chars < MIN_LITERAL_CHARS {
            return Err(err(
                0,
                "signature has too little literal text to identify an error",
                format!(
                    "include at least {MIN_LITERAL_CHARS} characters of the message itself, not only placeholders"
                ),
            ));
        }
        Ok(Signature {
            raw: raw.to_string(),
            parts,
        })
    }

    /// The signature as shown on pages: placeholders as `{name}`, literal
    /// braces once.
    pub fn display(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Lit(s) => s.clone(),
                Part::Var(n) => format!("{{{n}}}"),
            })
            .collect()
    }

    /// Placeholder names in order (repeats kept).
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Var(n) => Some(n.as_str()),
            Part::Lit(_) => None,
        })
    }

    /// Literal text only, joined by spaces (for token statistics).
    pub fn literal_text(&self) -> String {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::Lit(s) => Some(s.as_str()),
                Part::Var(_) => None,
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn err(offset: usize, message: impl Into<String>, help: impl Into<String>) -> SignatureError {
    SignatureError {
        offset,
        message: message.into(),
        help: help.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lit(s: &str) -> Part {
        Part::Lit(s.into())
    }
    fn var(s: &str) -> Part {
        Part::Var(s.into())
    }

    #[test]
    fn parses_placeholders_and_escaped_braces() {
        let s = Signature::parse("model \"{model}\" not found {{x}} {'a': 1}").unwrap();
        assert_eq!(
            s.parts,
            vec![
                lit("model \""),
                var("model"),
                lit("\" not found {x} {'a': 1}")
            ]
        );
        assert_eq!(s.display(), "model \"{model}\" not found {x} {'a': 1}");
    }

    #[test]
    fn repeated_names_are_allowed() {
        let s = Signature::parse("copy {p} to {p} failed").unwrap();
        assert_eq!(s.placeholders().collect::<Vec<_>>(), vec!["p", "p"]);
    }

    #[test]
    fn malformed_placeholders_are_errors() {
        assert_eq!(Signature::parse("bad {} here").unwrap_err().offset, 4);
        assert!(Signature::parse("bad {1x} here").is_err());
        assert!(Signature::parse("bad {my-model} here").is_err());
        assert!(Signature::parse("error {a}{b} here").is_err());
        assert!(Signature::parse("{a}: {b}").is_err());
        assert!(Signature::parse("   ").is_err());
    }

    #[test]
    fn unbalanced_braces_are_literal() {
        let s = Signature::parse("unexpected { in input").unwrap();
        assert_eq!(s.parts, vec![lit("unexpected { in input")]);
        let s = Signature::parse("Go struct &{Name:foo} failed").unwrap();
        assert_eq!(s.parts.len(), 1);
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,60}") {
            let _ = Signature::parse(&s);
        }

        #[test]
        fn display_round_trips_through_escaping(words in proptest::collection::vec("[a-z]{4,8}", 1..5)) {
            let raw = format!("{} {{{{x}}}} {{name}}", words.join(" "));
            let s = Signature::parse(&raw).unwrap();
            prop_assert_eq!(s.display(), format!("{} {{x}} {{name}}", words.join(" ")));
        }
    }
}
