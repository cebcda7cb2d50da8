//! Reading typed fields out of a located YAML mapping, collecting a
//! diagnostic for every wrong type, unknown key or duplicate instead of
//! stopping at the first.

use crate::diag::Diagnostic;
use crate::parse::yaml::Node;
use crate::source::{Located, Pos};

/// A mapping's entries in written order.
pub type Entries = Vec<(Located<String>, Located<Node>)>;

/// Collects typed values and diagnostics for one file.
pub struct FieldReader<'a> {
    file: &'a str,
    /// Every problem found so far.
    pub diags: Vec<Diagnostic>,
}

impl<'a> FieldReader<'a> {
    /// A reader for the file at `file` (relative path).
    pub fn new(file: &'a str) -> Self {
        FieldReader {
            file,
            diags: Vec::new(),
        }
    }

    /// Records an error.
    pub fn error(&mut self, pos: Pos, message: impl Into<String>, help: impl Into<String>) {
        self.diags
            .push(Diagnostic::error(self.file, pos, message).with_help(help));
    }

    /// The mapping entries of the top-level node, or an error when the
    /// document is not a mapping.
    pub fn top_mapping(&mut self, node: Located<Node>, what: &str) -> Option<Entries> {
        match node.value {
            Node::Map(items) => Some(items),
            other => {
                self.error(
                    node.pos,
                    format!(
                        "{what} must be a YAML mapping of fields, found {}",
                        other.kind()
                    ),
                    "write one `field: value` per line, e.g. `title: ...`",
                );
                None
            }
        }
    }

    /// Reports keys that appear more than once; returns the entries with
    /// only the first occurrence of each key kept.
    pub fn dedup_keys(&mut self, items: Entries) -> Entries {
        let mut seen: Vec<(String, Pos)> = Vec::new();
        let mut out = Vec::with_capacity(items.len());
        for (k, v) in items {
            if let Some((_, first)) = seen.iter().find(|(name, _)| *name == k.value) {
                let first = *first;
                self.error(
                    k.pos,
                    format!("field `{}` is given twice", k.value),
                    format!("keep one; the first is on line {}", first.line),
                );
                continue;
            }
            seen.push((k.value.clone(), k.pos));
            out.push((k, v));
        }
        out
    }

    /// Reports an unknown key, suggesting the nearest known one.
    pub fn unknown(&mut self, key: &Located<String>, known: &[&str], what: &str) {
        let help = match nearest(&key.value, known) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("{what} fields are: {}", known.join(", ")),
        };
        self.error(
            key.pos,
            format!("unknown field `{}` in {what}", key.value),
            help,
        );
    }

    /// A scalar as a string (numbers and booleans are taken as written);
    /// `None` for null (an absent value).
    pub fn string(&mut self, key: &str, v: Located<Node>) -> Option<Located<String>> {
        let pos = v.pos;
        match v.value {
            Node::Str(s) => Some(Located::new(s, pos)),
            Node::Int(i) => Some(Located::new(i.to_string(), pos)),
            Node::Float(f) => Some(Located::new(f.to_string(), pos)),
            Node::Bool(b) => Some(Located::new(b.to_string(), pos)),
            Node::Null => None,
            other => {
                self.type_error(key, pos, "a string", other.kind());
                None
            }
        }
    }

    /// A list of strings; a single string is a type error with a hint.
    pub fn string_list(&mut self, key: &str, v: Located<Node>) -> Vec<Located<String>> {
        self.list(key, v, "a list of strings", |r, item| r.string(key, item))
    }

    /// A list whose items are read by `f`.
    pub fn list<T>(
        &mut self,
        key: &str,
        v: Located<Node>,
        what: &str,
        mut f: impl FnMut(&mut Self, Located<Node>) -> Option<T>,
    ) -> Vec<T> {
        match v.value {
            Node::Seq(items) => items.into_iter().filter_map(|i| f(self, i)).collect(),
            Node::Null => Vec::new(),
            other => {
                self.type_error(key, v.pos, what, other.kind());
                Vec::new()
            }
        }
    }

    /// A boolean.
    pub fn boolean(&mut self, key: &str, v: Located<Node>) -> Option<bool> {
        match v.value {
            Node::Bool(b) => Some(b),
            Node::Null => None,
            other => {
                self.type_error(key, v.pos, "true or false", other.kind());
                None
            }
        }
    }

    fn type_error(&mut self, key: &str, pos: Pos, expected: &str, found: &str) {
        let help = if expected.starts_with("a list") {
            format!("write `{key}:` followed by items on their own lines, each starting with `- `")
        } else if expected == "a string" {
            format!(
                "write `{key}: some text`, quoting it if it contains `: ` or starts with a special character"
            )
        } else {
            format!("write `{key}: true` or `{key}: false`")
        };
        self.error(
            pos,
            format!("`{key}` must be {expected}, found {found}"),
            help,
        );
    }
}

/// The known name closest to `name`, if it is close enough to be a typo.
pub fn nearest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    let name = name.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (levenshtein(&name, k), *k))
        .filter(|(d, k)| *d <= (k.len() / 3).max(2))
        .min()
        .map(|(_, k)| k)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_nearest_field() {
        let known = ["title", "tags", "signatures", "description"];
        assert_eq!(nearest("titel", &known), Some("title"));
        assert_eq!(nearest("signature", &known), Some("signatures"));
        assert_eq!(nearest("Description", &known), Some("description"));
        assert_eq!(nearest("zzzzzz", &known), None);
    }
}
