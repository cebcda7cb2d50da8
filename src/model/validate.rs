//! Stage 3a: one raw entry to a validated [`Entry`], with a diagnostic for
//! every problem the file has on its own (cross-file checks are in
//! [`crate::model::assemble`]).

use crate::diag::Diagnostic;
use crate::load::LoadedFile;
use crate::model::slug::{Date, is_slug, slugify, tag_slug};
use crate::model::url::{link_is_safe, normalise_alias};
use crate::model::{Entry, Faq, Md, Signature, SourceLink};
use crate::parse::entry::{RawEntry, RawFaq, RawSource};
use crate::source::{Located, Pos};

/// Longest description before a warning (search engines cut it there).
pub const DESCRIPTION_WARN_CHARS: usize = 160;

struct Checker<'a> {
    file: &'a str,
    start: Pos,
    diags: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, pos: Pos, msg: impl Into<String>, help: impl Into<String>) {
        self.diags
            .push(Diagnostic::error(self.file, pos, msg).with_help(help));
    }

    fn warn(&mut self, pos: Pos, msg: impl Into<String>, help: impl Into<String>) {
        self.diags
            .push(Diagnostic::warning(self.file, pos, msg).with_help(help));
    }

    fn required(
        &mut self,
        field: &str,
        v: Option<Located<String>>,
        example: &str,
    ) -> Option<Located<String>> {
        match v {
            Some(v) if !v.value.trim().is_empty() => Some(v),
            Some(v) => {
                self.error(
                    v.pos,
                    format!("`{field}` is empty"),
                    format!("write it, e.g. `{field}: {example}`"),
                );
                None
            }
            None => {
                self.error(
                    self.start,
                    format!("missing required field `{field}`"),
                    format!("add `{field}: {example}` to the entry's fields"),
                );
                None
            }
        }
    }
}

fn md(v: Located<String>) -> Md {
    Md {
        text: v.value,
        pos: v.pos,
    }
}

fn md_list(v: Vec<Located<String>>) -> Vec<Md> {
    v.into_iter()
        .filter(|l| !l.value.trim().is_empty())
        .map(md)
        .collect()
}

/// Checks slugs of the category folder and the file stem.
pub fn check_names(f: &LoadedFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (what, name) in [
        ("category folder", &f.category),
        ("entry file name", &f.stem),
    ] {
        if !is_slug(name) {
            let suggestion = slugify(name);
            let help = if suggestion.is_empty() {
                "use lowercase ASCII letters, digits and `-` only".to_string()
            } else {
                format!("use lowercase ASCII letters, digits and `-` only, e.g. `{suggestion}`")
            };
            out.push(
                Diagnostic::file_error(
                    &f.file.rel_path,
                    format!("{what} `{name}` is not a valid slug"),
                )
                .with_help(help),
            );
        }
    }
    out
}

/// Validates one entry's own fields.
pub fn validate_entry(f: &LoadedFile, raw: RawEntry) -> (Option<Entry>, Vec<Diagnostic>) {
    let mut c = Checker {
        file: &f.file.rel_path,
        start: raw.start,
        diags: check_names(f),
    };
    let title = c.required("title", raw.title, "\"Docker: port is already allocated\"");
    let description = c.required(
        "description",
        raw.description,
        "\"One sentence on what the error is\"",
    );
    if let Some(d) = &description {
        let n = d.value.chars().count();
        if n > DESCRIPTION_WARN_CHARS {
            c.warn(
                d.pos,
                format!("description is {n} characters long; search results cut it at {DESCRIPTION_WARN_CHARS}"),
                "shorten it to one sentence of at most 160 characters",
            );
        }
    }
    let signatures = check_signatures(&mut c, raw.signatures);
    let updated = c
        .required("updated", raw.updated, "2026-01-31")
        .and_then(|u| match Date::parse(u.value.trim()) {
            Ok(d) => Some(d),
            Err(why) => {
                c.error(
                    u.pos,
                    format!("invalid `updated` date: {why}"),
                    "write the date as YYYY-MM-DD, e.g. `updated: 2026-01-31`",
                );
                None
            }
        });
    let tags = check_tags(&mut c, raw.tags);
    let sources = raw
        .sources
        .into_iter()
        .filter_map(|s| check_source(&mut c, s))
        .collect();
    let faq = raw
        .faq
        .into_iter()
        .filter_map(|q| check_faq(&mut c, q))
        .collect();
    let aliases = check_aliases(&mut c, raw.aliases);
    let related_ids = raw
        .related
        .iter()
        .map(|r| Located::new(qualify(&f.category, r.value.trim()), r.pos))
        .collect();
    let meaning = raw.meaning.filter(|m| !m.value.trim().is_empty()).map(md);
    let fixes = md_list(raw.fixes);
    if meaning.is_none() && fixes.is_empty() {
        c.warn(
            raw.start,
            "entry has neither a meaning nor fixes, so its page answers nothing",
            "write what the error means (the body of a .md entry, or `meaning:`) or add `fixes:`",
        );
    }
    let (Some(title), Some(description), Some(signatures), Some(updated)) =
        (title, description, signatures, updated)
    else {
        return (None, c.diags);
    };
    let entry = Entry {
        id: format!("{}/{}", f.category, f.stem),
        category: f.category.clone(),
        slug: f.stem.clone(),
        file: f.file.rel_path.clone(),
        title: title.value.trim().to_string(),
        description: description.value.trim().to_string(),
        signatures,
        updated,
        quick_fix: raw.quick_fix.filter(|q| !q.value.trim().is_empty()).map(md),
        tags,
        meaning,
        why: raw.why.filter(|m| !m.value.trim().is_empty()).map(md),
        causes: md_list(raw.causes),
        fixes,
        checks: md_list(raw.checks),
        steps: md_list(raw.steps),
        prevention: md_list(raw.prevention),
        sources,
        related_ids,
        faq,
        aliases,
        draft: raw.draft,
    };
    (Some(entry), c.diags)
}

/// `slug` → `category/slug`; `cat/slug` stays.
pub fn qualify(category: &str, id: &str) -> String {
    let id = id.trim_matches('/');
    if id.contains('/') {
        id.to_string()
    } else {
        format!("{category}/{id}")
    }
}

fn check_signatures(
    c: &mut Checker,
    sigs: Option<Located<Vec<Located<String>>>>,
) -> Option<Vec<Signature>> {
    let Some(sigs) = sigs else {
        c.error(
            c.start,
            "missing required field `signatures`",
            "add `signatures:` with the exact error text as the tool prints it, e.g.\n  signatures:\n    - 'model \"{model}\" not found, try pulling it first'",
        );
        return None;
    };
    if sigs.value.is_empty() {
        c.error(
            sigs.pos,
            "`signatures` is empty",
            "list at least one error message, as the tool prints it",
        );
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    for s in sigs.value {
        match Signature::parse(&s.value) {
            Ok(sig) if out.contains(&sig) => {
                c.warn(s.pos, "signature is listed twice", "remove the repeat")
            }
            Ok(sig) => out.push(sig),
            Err(e) => {
                ok = false;
                c.error(s.pos, e.message, e.help);
            }
        }
    }
    ok.then_some(out)
}

fn check_tags(c: &mut Checker, tags: Vec<Located<String>>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let name = t.value.trim().to_string();
        if name.is_empty() {
            c.error(
                t.pos,
                "tag is empty",
                "use a word such as `networking` or `auth`",
            );
        } else if !out.iter().any(|o| tag_slug(o) == tag_slug(&name)) {
            out.push(name);
        }
    }
    out
}

fn check_source(c: &mut Checker, s: Located<RawSource>) -> Option<SourceLink> {
    let RawSource { title, url, note } = s.value;
    let Some(url) = url.filter(|u| !u.value.trim().is_empty()) else {
        c.error(
            s.pos,
            "source has no `url`",
            "add `url: https://...` pointing at the documentation or issue",
        );
        return None;
    };
    let Some(title) = title.filter(|t| !t.value.trim().is_empty()) else {
        c.error(
            s.pos,
            "source has no `title`",
            "add `title:` naming the page, e.g. `title: Docker docs: port publishing`",
        );
        return None;
    };
    let url_text = url.value.trim().to_string();
    let safe = link_is_safe(&url_text);
    if !safe {
        c.warn(
            url.pos,
            format!("source URL `{url_text}` uses a scheme that is not http, https or mailto; it is shown as text, not linked"),
            "link to an https:// page",
        );
    }
    Some(SourceLink {
        title: title.value.trim().to_string(),
        url: safe.then(|| url_text.clone()),
        url_text,
        note: note.filter(|n| !n.value.trim().is_empty()).map(md),
    })
}

fn check_faq(c: &mut Checker, q: Located<RawFaq>) -> Option<Faq> {
    let RawFaq { q: question, a } = q.value;
    match (
        question.filter(|x| !x.value.trim().is_empty()),
        a.filter(|x| !x.value.trim().is_empty()),
    ) {
        (Some(question), Some(a)) => Some(Faq {
            q: question.value.trim().to_string(),
            a: md(a),
        }),
        _ => {
            c.error(
                q.pos,
                "FAQ item needs both `q` and `a`",
                "write `- q: The question?` and, below it, `a: The answer.`",
            );
            None
        }
    }
}

fn check_aliases(c: &mut Checker, aliases: Vec<Located<String>>) -> Vec<Located<String>> {
    aliases
        .into_iter()
        .filter_map(|a| match normalise_alias(a.value.trim()) {
            Ok(p) => Some(Located::new(p, a.pos)),
            Err(why) => {
                c.error(
                    a.pos,
                    format!("alias `{}` is not usable: {why}", a.value),
                    "write the old page's path on this site, e.g. `/old-category/old-slug/`",
                );
                None
            }
        })
        .collect()
}
