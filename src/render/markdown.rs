//! Stage 4a: Markdown to HTML in one pass over pulldown-cmark's events:
//! heading ids are assigned (unique per page), headings are shifted below
//! the page's section headings, fenced code with a language is highlighted,
//! raw HTML is escaped (or sanitised when `allow_html` is on), links with
//! unsafe schemes become plain text, and internal links are collected for
//! the link check.

use std::collections::HashSet;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::model::slug::slugify;
use crate::model::url::{link_is_safe, scheme};
use crate::render::highlight::Highlighter;

/// A link inside the site found in rendered Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    /// The destination as written.
    pub dest: String,
    /// 0-based line within the Markdown text.
    pub line: u32,
    /// 1-based column (in characters) within that line.
    pub col: u32,
    /// Bytes of the whole link as written (`[text](dest)`), when it is on
    /// one line; 0 when it runs over several.
    pub len: u32,
}

/// Result of rendering one Markdown text.
#[derive(Debug, Default)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// Links to pages of this site (no scheme, not `//host`).
    pub internal_links: Vec<InternalLink>,
    /// Links and images dropped for an unsafe scheme.
    pub unsafe_links: Vec<InternalLink>,
}

/// Renders Markdown for one page at a time.
pub struct Markdown<'h> {
    allow_html: bool,
    highlighter: &'h Highlighter,
}

/// Heading ids already used on a page.
#[derive(Debug, Default)]
pub struct PageIds {
    used: HashSet<String>,
}

impl PageIds {
    /// A set seeded with ids the page template uses itself.
    pub fn with_reserved(ids: &[&str]) -> Self {
        PageIds {
            used: ids.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// A unique id derived from `text`.
    pub fn unique(&mut self, text: &str) -> String {
        let base = match slugify(text) {
            s if s.is_empty() => "section".to_string(),
            s => s,
        };
        let mut id = base.clone();
        let mut n = 1;
        while !self.used.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

impl<'h> Markdown<'h> {
    /// A renderer; `allow_html` keeps (sanitised) raw HTML.
    pub fn new(allow_html: bool, highlighter: &'h Highlighter) -> Self {
        Markdown {
            allow_html,
            highlighter,
        }
    }

    /// Renders a block of Markdown for a page whose root prefix is `root`
    /// (`../../` on entry pages): site-absolute links (`/git/x/`) are
    /// rewritten relative to it.
    pub fn block(&self, text: &str, ids: &mut PageIds, root: &str) -> Rendered {
        let line_of = LineIndex::new(text);
        let mut out = Rendered::default();
        // Sized from the text (about one event per 10 bytes, and HTML a
        // little longer than its Markdown), so neither grows by copying.
        let mut events: Vec<Event> = Vec::with_capacity(text.len() / 8 + 4);
        let mut heading: Option<(HeadingLevel, Vec<Event>)> = None;
        let mut code: Option<(String, String)> = None;
        let mut skip_end: Vec<bool> = Vec::new();
        for (ev, range) in Parser::new_ext(text, options()).into_offset_iter() {
            let (line, col) = line_of.line_col(text, range.start);
            // Bytes of a link as written, for diagnostics (0 over several lines).
            let span = || {
                let written = &text[range.clone()];
                if written.contains('\n') {
                    0
                } else {
                    written.len() as u32
                }
            };
            let ev = match ev {
                Event::Html(s) | Event::InlineHtml(s) if !self.allow_html => Event::Text(s),
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang)))
                    if !lang.trim().is_empty() =>
                {
                    code = Some((lang.to_string(), String::new()));
                    continue;
                }
                Event::Text(t) if code.is_some() => {
                    if let Some((_, buf)) = &mut code {
                        buf.push_str(&t);
                    }
                    continue;
                }
                Event::End(TagEnd::CodeBlock) if code.is_some() => {
                    let (lang, buf) = code.take().unwrap_or_default();
                    Event::Html(self.code_block(&lang, &buf).into())
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => match self.link(&dest_url, root, (line, col, span()), &mut out) {
                    Some(dest) => {
                        skip_end.push(false);
                        Event::Start(Tag::Link {
                            link_type,
                            dest_url: dest.into(),
                            title,
                            id,
                        })
                    }
                    None => {
                        skip_end.push(true);
                        continue;
                    }
                },
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => match self.link(&dest_url, root, (line, col, span()), &mut out) {
                    Some(dest) => {
                        skip_end.push(false);
                        Event::Start(Tag::Image {
                            link_type,
                            dest_url: dest.into(),
                            title,
                            id,
                        })
                    }
                    None => {
                        skip_end.push(true);
                        continue;
                    }
                },
                Event::End(TagEnd::Link | TagEnd::Image) => {
                    if skip_end.pop().unwrap_or(false) {
                        continue;
                    }
                    ev
                }
                other => other,
            };
            match ev {
                Event::Start(Tag::Heading { level, .. }) => heading = Some((level, Vec::new())),
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((level, inner)) = heading.take() {
                        push_heading(&mut events, level, inner, ids);
                    }
                }
                ev => match &mut heading {
                    Some((_, inner)) => inner.push(ev),
                    None => events.push(ev),
                },
            }
        }
        out.html.reserve(text.len() + text.len() / 4 + 16);
        pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
        if self.allow_html {
            out.html = sanitise(&out.html);
        }
        out
    }

    /// Renders a short Markdown text without its wrapping paragraph.
    pub fn inline(&self, text: &str, root: &str) -> Rendered {
        let mut ids = PageIds::default();
        let mut r = self.block(text, &mut ids, root);
        let trimmed = r.html.trim_end();
        if let Some(inner) = trimmed
            .strip_prefix("<p>")
            .and_then(|s| s.strip_suffix("</p>"))
            && !inner.contains("<p>")
        {
            r.html = inner.to_string();
        }
        r
    }

    fn link(
        &self,
        dest: &str,
        root: &str,
        (line, col, len): (u32, u32, u32),
        out: &mut Rendered,
    ) -> Option<String> {
        let found = InternalLink {
            dest: dest.to_string(),
            line,
            col,
            len,
        };
        if !link_is_safe(dest) {
            out.unsafe_links.push(found);
            return None;
        }
        if scheme(dest).is_some() || dest.starts_with("//") {
            return Some(dest.to_string());
        }
        out.internal_links.push(found);
        match dest.strip_prefix('/') {
            Some(rest) => Some(format!("{root}{rest}")),
            None => Some(dest.to_string()),
        }
    }

    fn code_block(&self, info: &str, code: &str) -> String {
        let lang = info
            .split(|c: char| c == ',' || c == '{' || c.is_whitespace())
            .next()
            .unwrap_or("");
        match self.highlighter.highlight(code, lang) {
            Some(html) => html,
            None => format!(
                "<pre><code class=\"language-{}\">{}</code></pre>\n",
                escape_html(lang),
                escape_html(code)
            ),
        }
    }
}

fn push_heading<'a>(
    events: &mut Vec<Event<'a>>,
    level: HeadingLevel,
    inner: Vec<Event<'a>>,
    ids: &mut PageIds,
) {
    let text: String = inner
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect();
    let id = ids.unique(&text);
    // Entry sections are <h2>; headings inside them are <h3> whether the
    // author wrote `#`, `##` or `###`, so no heading level is ever skipped.
    let n = (level as usize).clamp(3, 6);
    events.push(Event::Html(CowStr::from(format!("<h{n} id=\"{id}\">"))));
    events.extend(inner);
    events.push(Event::Html(CowStr::from(format!("</h{n}>\n"))));
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Cleans HTML that may contain a contributor's raw HTML: an allow-list that
/// keeps structure, heading ids and highlighter classes, and only http,
/// https and mailto links.
fn sanitise(html: &str) -> String {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["class"])
        .add_tag_attributes("h3", ["id"])
        .add_tag_attributes("h4", ["id"])
        .add_tag_attributes("h5", ["id"])
        .add_tag_attributes("h6", ["id"])
        .add_tag_attributes("div", ["id"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tags(["input"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect());
    b.clean(html).to_string()
}

struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        LineIndex {
            starts: std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        }
    }

    fn line_col(&self, text: &str, offset: usize) -> (u32, u32) {
        let i = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let col = text
            .get(self.starts[i]..offset)
            .map_or(0, |s| s.chars().count());
        (i as u32, col as u32 + 1)
    }
}

#[cfg(test)]
mod tests;
