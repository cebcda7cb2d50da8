//! Stage 4b: every output file of the site. The output plan (every path)
//! is fixed first, so directories are created once and links can be
//! checked against it; entry pages are then rendered in parallel and handed
//! to the sink as soon as each is done.

use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::error::Result;
use crate::model::assemble::alias_file;
use crate::model::{Category, Entry, Kb, Md, Part, Signature, Tag};
use crate::render::cards::Cards;
use crate::render::context::*;
use crate::render::feeds;
use crate::render::highlight::Highlighter;
use crate::render::markdown::{InternalLink, Markdown, PageIds, Rendered};
use crate::render::seo;
use crate::render::templates::Templates;
use crate::write::Sink;

/// Theme assets written to `assets/`.
pub const ASSETS: &[(&str, &[u8])] = &[
    (
        "assets/kbgen.css",
        include_bytes!("../../theme/static/kbgen.css"),
    ),
    (
        "assets/kbgen.js",
        include_bytes!("../../theme/static/kbgen.js"),
    ),
    (
        "assets/search.js",
        include_bytes!("../../theme/static/search.js"),
    ),
    (
        "assets/highlight.css",
        include_bytes!("../../theme/static/highlight.css"),
    ),
    (
        "assets/favicon.svg",
        include_bytes!("../../theme/static/favicon.svg"),
    ),
];

const ENTRY_ROOT: &str = "../../";
const RECENT_LIMIT: usize = 12;

/// Ids the entry template uses; Markdown headings never take them.
const RESERVED_IDS: &[&str] = &[
    "main",
    "signature",
    "quick-fix",
    "toc",
    "meaning",
    "why",
    "causes",
    "fixes",
    "checks",
    "steps",
    "prevention",
    "sources",
    "related",
    "faq",
    "search-input",
    "search-results",
    "search-hint",
];

/// Section ids, headings and whether they are numbered, in page order.
const SECTIONS: &[(&str, &str, bool)] = &[
    ("meaning", "What this error means", false),
    ("why", "Why this happens", false),
    ("causes", "Common causes", false),
    ("fixes", "Quick fixes", false),
    ("checks", "Platform and tool-specific checks", false),
    ("steps", "Step-by-step troubleshooting", true),
    ("prevention", "How to prevent it", false),
];

/// What a render produced.
#[derive(Debug, Default)]
pub struct RenderReport {
    /// HTML pages written.
    pub pages: usize,
    /// All files written (pages, feeds, assets, index).
    pub files: usize,
    /// Link-check and unsafe-link findings.
    pub diags: Diagnostics,
    /// What each entry page links to and which ids it has, in entry order
    /// (kept by `serve` to re-check links after a partial rebuild).
    pub links: Vec<PageLinks>,
}

/// Inputs that are not part of the knowledge base itself.
pub struct RenderInput<'a> {
    /// The validated site.
    pub kb: &'a Kb,
    /// Compiled templates.
    pub templates: &'a Templates,
    /// Files under `static/`, by output path, for the link check.
    pub static_files: &'a BTreeSet<String>,
    /// Makes the extra generated files (the search index) to write and
    /// link-check; called on a rayon thread while entry pages render.
    pub extra_files: ExtraFiles<'a>,
}

/// A producer of extra generated files, by output path.
pub type ExtraFiles<'a> = Box<dyn FnOnce() -> Vec<(String, Vec<u8>)> + Send + 'a>;

/// Every output path the site will have, other than `static/` files.
pub fn plan<S: AsRef<str>>(kb: &Kb, extra: &[S]) -> BTreeSet<String> {
    let mut p: BTreeSet<String> = ["index.html", "404.html", "tags/index.html"]
        .into_iter()
        .map(String::from)
        .collect();
    p.extend(data_names(kb));
    p.extend(ASSETS.iter().map(|(n, _)| n.to_string()));
    p.extend(
        kb.categories
            .iter()
            .map(|c| format!("{}/index.html", c.slug)),
    );
    p.extend(kb.entries.iter().map(|e| format!("{}/index.html", e.id)));
    p.extend(
        kb.tags
            .iter()
            .map(|t| format!("tags/{}/index.html", t.slug)),
    );
    p.extend(
        kb.entries
            .iter()
            .flat_map(|e| e.aliases.iter().map(|a| alias_file(&a.value))),
    );
    p.extend(extra.iter().map(|n| n.as_ref().to_string()));
    p
}

/// Renders the whole site into `sink`.
pub fn render_site(input: RenderInput, sink: &dyn Sink) -> Result<RenderReport> {
    let cards = Cards::new(input.kb);
    render_site_with(input, sink, &Highlighter::new(), &cards)
}

/// [`render_site`] with a highlighter and cards that outlive the build
/// (`serve` keeps them so grammars load once and cards render once).
pub fn render_site_with(
    input: RenderInput,
    sink: &dyn Sink,
    highlighter: &Highlighter,
    cards: &Cards,
) -> Result<RenderReport> {
    let kb = input.kb;
    let r = SiteRenderer::new(kb, input.templates, highlighter, cards);
    let make_extra = input.extra_files;
    /// Entry pages rendered as one piece of work at most.
    const ENTRY_PIECE: usize = 32;
    // The extra files (the search index: 120 MB at 100k entries) are made
    // on one thread while the other renders entry pages, and go to the sink
    // as soon as they exist, so they are not held through rendering.
    let (extra, results) = rayon::join(
        || -> Result<Vec<String>> {
            let files = make_extra();
            let names = files.iter().map(|(n, _)| n.clone()).collect();
            for (path, bytes) in files {
                sink.put_owned(path, bytes)?;
            }
            Ok(names)
        },
        || -> Vec<Result<PageLinks>> {
            // Small pieces, so that neither thread is left alone with a
            // long run of entries at the end (rayon's default split leaves
            // pieces of thousands on two cores).
            (0..kb.entries.len())
                .into_par_iter()
                .with_max_len(ENTRY_PIECE)
                .map(|i| {
                    let EntryOutput { html, links } = r.entry_page(i)?;
                    sink.put_owned(
                        format!("{}/index.html", kb.entries[i].id),
                        html.into_bytes(),
                    )?;
                    Ok(links)
                })
                .collect()
        },
    );
    let extra = extra?;
    let planned = plan(kb, &extra);
    let mut report = RenderReport {
        links: results.into_iter().collect::<Result<_>>()?,
        ..RenderReport::default()
    };
    report.pages = kb.entries.len();
    let (list_pages, diags) = rayon::join(
        || r.list_pages(sink),
        || {
            let refs: Vec<&PageLinks> = report.links.iter().collect();
            link_diags(kb, &refs, &planned, input.static_files)
        },
    );
    report.diags = diags;
    report.pages += list_pages?;
    for (path, bytes) in ASSETS {
        sink.put(path, bytes)?;
    }
    // After the list pages, not beside them: `api/errors.json` alone is
    // 74 MB at 100k entries.
    let data = data_files(kb);
    let files = report.pages + ASSETS.len() + data.len() + extra.len();
    for (path, bytes) in data {
        sink.put_owned(path, bytes)?;
    }
    report.files = files;
    Ok(report)
}

/// The names of the files [`data_files`] makes, without making them.
pub fn data_names(kb: &Kb) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = ["robots.txt", "atom.xml", "api/errors.json"]
        .into_iter()
        .map(String::from)
        .collect();
    names.extend(feeds::sitemap_names(kb));
    names
}

/// The generated files that are not pages: `robots.txt`, `atom.xml`,
/// `api/errors.json` and the sitemap(s).
/// `api/errors.json`, the largest, is made on one thread while the others
/// are made on the other.
pub fn data_files(kb: &Kb) -> Vec<(String, Vec<u8>)> {
    let (api, (atom, sitemaps)) = rayon::join(
        || feeds::api(kb),
        || rayon::join(|| feeds::atom(kb), || feeds::sitemaps(kb)),
    );
    let mut data: Vec<(String, Vec<u8>)> = vec![
        ("robots.txt".into(), feeds::robots(kb).into_bytes()),
        ("atom.xml".into(), atom.into_bytes()),
        ("api/errors.json".into(), api.into_bytes()),
    ];
    data.extend(sitemaps.into_iter().map(|(n, s)| (n, s.into_bytes())));
    data
}

/// Link-check and unsafe-link findings for every entry page; `links[i]` is
/// what entry `i`'s page links to.
pub fn link_diags(
    kb: &Kb,
    links: &[&PageLinks],
    planned: &BTreeSet<String>,
    static_files: &BTreeSet<String>,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let anchors = |file: &str| {
        let id = file.strip_suffix("/index.html")?;
        kb.index_of(id).map(|j| &*links[j].ids)
    };
    for (i, page) in links.iter().enumerate() {
        check_links(
            kb,
            i,
            &page.links,
            planned,
            static_files,
            &anchors,
            &mut diags,
        );
        for (md_pos, l) in &page.unsafe_links {
            let e = &kb.entries[i];
            diags.push(
                Diagnostic::warning(&e.file, link_pos(*md_pos, l), format!("link `{}` uses a scheme that is not http, https or mailto; it is shown as text", l.dest))
                    .with_help("link to an https:// page or a page of this site")
                    .with_len(l.len),
            );
        }
    }
    diags
}

/// A rendered entry page.
pub struct EntryOutput {
    /// The HTML.
    pub html: String,
    /// What it links to and which ids it has.
    pub links: PageLinks,
}

/// The internal links of an entry page and the element ids it has.
#[derive(Debug, Clone, Default)]
pub struct PageLinks {
    /// Every element id of the page, one per line (compact: it is kept
    /// for every entry of the site).
    ids: Box<str>,
    links: Vec<(crate::source::Pos, InternalLink)>,
    unsafe_links: Vec<(crate::source::Pos, InternalLink)>,
}

/// Renders single pages of a site; [`render_site`] is made of these calls,
/// and `serve` uses them to re-render only what a change affects.
pub struct SiteRenderer<'a> {
    kb: &'a Kb,
    templates: &'a Templates,
    md: Markdown<'a>,
    site: SiteView<'a>,
    cards: &'a Cards,
    /// Bytes to reserve for the next entry page: a little more than the
    /// last one took, so Tera's output does not grow by copying.
    page_bytes: std::sync::atomic::AtomicUsize,
}

/// Collects rendered Markdown and where its links were.
#[derive(Default)]
struct Collected {
    links: Vec<(crate::source::Pos, InternalLink)>,
    unsafe_links: Vec<(crate::source::Pos, InternalLink)>,
}

impl Collected {
    fn take(&mut self, md: &Md, r: Rendered) -> String {
        self.links
            .extend(r.internal_links.into_iter().map(|l| (md.pos, l)));
        self.unsafe_links
            .extend(r.unsafe_links.into_iter().map(|l| (md.pos, l)));
        r.html
    }
}

/// Signature parts for display.
pub fn signature_view(s: &Signature) -> SignatureView<'_> {
    SignatureView {
        text: s.display(),
        parts: s
            .parts
            .iter()
            .map(|p| match p {
                Part::Lit(t) => PartView {
                    text: t.as_str().into(),
                    var: false,
                },
                Part::Var(n) => PartView {
                    text: format!("{{{n}}}").into(),
                    var: true,
                },
            })
            .collect(),
    }
}

impl<'a> SiteRenderer<'a> {
    /// A renderer for `kb` with `templates`; `highlighter` is shared so its
    /// grammars load once, and `cards` (made for `kb`) so each card renders
    /// once per page depth.
    pub fn new(
        kb: &'a Kb,
        templates: &'a Templates,
        highlighter: &'a Highlighter,
        cards: &'a Cards,
    ) -> Self {
        SiteRenderer {
            kb,
            templates,
            cards,
            page_bytes: 0.into(),
            md: Markdown::new(kb.config.allow_html, highlighter),
            site: SiteView {
                title: &kb.config.title,
                description: &kb.config.description,
                language: &kb.config.language,
                base_url: &kb.config.base_url,
                edit_url: kb.config.edit_url.as_deref(),
            },
        }
    }

    fn card(&self, i: usize) -> CardView<'a> {
        let e: &'a Entry = &self.kb.entries[i];
        CardView {
            title: &e.title,
            url: e.path(),
            category: &self.kb.category_of(e).name,
            description: &e.description,
            signature: e.signatures[0].display(),
            signature_parts: signature_view(&e.signatures[0]).parts,
            updated: e.updated.to_string(),
        }
    }

    /// Entry `i`'s card for a page whose root is `root`, with its `html`;
    /// rendered once per entry and root when the cache keeps that root.
    fn card_value(&self, i: usize, root: &str) -> Result<tera::Value> {
        let Some(slot) = self.cards.slot(i, root) else {
            return self.render_card(i, root);
        };
        if let Some(v) = slot.get() {
            return Ok(v.clone());
        }
        let v = self.render_card(i, root)?;
        Ok(slot.get_or_init(|| v).clone())
    }

    fn render_card(&self, i: usize, root: &str) -> Result<tera::Value> {
        let ctx = CardPage {
            site: &self.site,
            page: CardRoot { root },
            card: self.card(i),
        };
        let html = self.templates.render("card.html", &ctx)?;
        let c = &ctx.card;
        Ok(tera::Value::from_serializable(&ListedCard {
            html: tera::Value::safe_string(&html),
            title: c.title,
            url: &c.url,
            category: c.category,
            description: c.description,
            signature: &c.signature,
            updated: &c.updated,
        }))
    }

    fn card_values(&self, entries: &[usize], root: &str) -> Result<Vec<tera::Value>> {
        entries.iter().map(|&i| self.card_value(i, root)).collect()
    }

    fn meta(
        &self,
        root: &str,
        path: &str,
        title: String,
        description: &str,
        og_type: &'static str,
    ) -> PageMeta {
        PageMeta {
            root: root.to_string(),
            canonical: self.kb.config.absolute(path),
            title,
            description: description.to_string(),
            og_type,
            json_ld: Vec::new(),
            noindex: false,
        }
    }

    /// The page of entry `i`.
    pub fn entry_page(&self, i: usize) -> Result<EntryOutput> {
        let kb = self.kb;
        let e = &kb.entries[i];
        let cat = kb.category_of(e);
        let mut ids = PageIds::with_reserved(RESERVED_IDS);
        let mut col = Collected::default();
        let mut sections = Vec::new();
        for &(id, title, ordered) in SECTIONS {
            let (html, items) = match id {
                "meaning" => (e.meaning.as_ref(), &[][..]),
                "why" => (e.why.as_ref(), &[][..]),
                "causes" => (None, &e.causes[..]),
                "fixes" => (None, &e.fixes[..]),
                "checks" => (None, &e.checks[..]),
                "steps" => (None, &e.steps[..]),
                _ => (None, &e.prevention[..]),
            };
            let html = html.map(|m| col.take(m, self.md.block(&m.text, &mut ids, ENTRY_ROOT)));
            let items: Vec<String> = items
                .iter()
                .map(|m| {
                    let r = self.md.block(&m.text, &mut ids, ENTRY_ROOT);
                    unwrap_single_paragraph(col.take(m, r))
                })
                .collect();
            if html.is_some() || !items.is_empty() {
                sections.push(SectionView {
                    id,
                    title,
                    html,
                    items,
                    ordered,
                });
            }
        }
        let quick_fix = e
            .quick_fix
            .as_ref()
            .map(|q| col.take(q, self.md.inline(&q.text, ENTRY_ROOT)));
        let sources = e
            .sources
            .iter()
            .map(|s| SourceView {
                title: &s.title,
                url: s.url.as_deref(),
                url_text: &s.url_text,
                note: s
                    .note
                    .as_ref()
                    .map(|n| col.take(n, self.md.inline(&n.text, ENTRY_ROOT))),
            })
            .collect();
        let answers: Vec<String> = e
            .faq
            .iter()
            .map(|f| col.take(&f.a, self.md.block(&f.a.text, &mut ids, ENTRY_ROOT)))
            .collect();
        let mut toc: Vec<TocItem> = sections
            .iter()
            .map(|s| TocItem {
                id: s.id,
                title: s.title,
            })
            .collect();
        for (present, id, title) in [
            (!e.sources.is_empty(), "sources", "Sources checked"),
            (!kb.related[i].is_empty(), "related", "Related errors"),
            (!e.faq.is_empty(), "faq", "FAQ"),
        ] {
            if present {
                toc.push(TocItem { id, title });
            }
        }
        if toc.len() < 4 {
            toc.clear();
        }
        let mut page = self.meta(
            ENTRY_ROOT,
            &e.path(),
            format!("{} · {}", e.title, kb.config.title),
            &e.description,
            "article",
        );
        page.json_ld
            .push(seo::script_json(&seo::tech_article(&kb.config, e, cat)));
        page.json_ld
            .push(seo::script_json(&seo::breadcrumbs(&kb.config, e, cat)));
        if !e.faq.is_empty() {
            page.json_ld
                .push(seo::script_json(&seo::faq_page(e, &answers)));
        }
        let view = EntryView {
            id: &e.id,
            title: &e.title,
            description: &e.description,
            category: NamedLink {
                name: &cat.name,
                url: format!("{}/", cat.slug),
            },
            updated: e.updated.to_string(),
            updated_human: e.updated.human(),
            signatures: e.signatures.iter().map(signature_view).collect(),
            quick_fix,
            sections,
            sources,
            related: self.card_values(&kb.related[i], ENTRY_ROOT)?,
            faq: e
                .faq
                .iter()
                .zip(answers)
                .map(|(f, a)| FaqView { q: &f.q, a })
                .collect(),
            tags: e
                .tags
                .iter()
                .map(|t| NamedLink {
                    name: t,
                    url: format!("tags/{}/", crate::model::slug::tag_slug(t)),
                })
                .collect(),
            edit_url: kb.config.edit_url.as_ref().map(|u| edit_link(u, &e.file)),
            toc,
        };
        let reserve = self.page_bytes.load(std::sync::atomic::Ordering::Relaxed);
        let html = self.templates.render_into(
            "entry.html",
            &EntryPage {
                site: &self.site,
                page,
                entry: view,
            },
            Vec::with_capacity(reserve),
        )?;
        self.page_bytes.store(
            html.len() + html.len() / 8,
            std::sync::atomic::Ordering::Relaxed,
        );
        Ok(EntryOutput {
            links: PageLinks {
                ids: ids_in(&html),
                links: col.links,
                unsafe_links: col.unsafe_links,
            },
            html,
        })
    }

    fn list_pages(&self, sink: &dyn Sink) -> Result<usize> {
        let kb = self.kb;
        // Category and tag pages are rendered in parallel: on a large site
        // they list every entry several times over.
        kb.categories.par_iter().with_max_len(1).try_for_each(|c| {
            let html = self.category_page(c)?;
            sink.put_owned(format!("{}/index.html", c.slug), html.into_bytes())
        })?;
        kb.tags.par_iter().with_max_len(1).try_for_each(|t| {
            let html = self.tag_page(t)?;
            sink.put_owned(format!("tags/{}/index.html", t.slug), html.into_bytes())
        })?;
        let mut n = kb.categories.len() + kb.tags.len();
        let mut put = |path: &str, html: String| -> Result<()> {
            n += 1;
            sink.put_owned(path.to_string(), html.into_bytes())
        };
        put("index.html", self.home()?)?;
        put("tags/index.html", self.tags_page()?)?;
        put("404.html", self.not_found_page()?)?;
        for e in &kb.entries {
            for a in &e.aliases {
                put(&alias_file(&a.value), self.alias_page(e, &a.value)?)?;
            }
        }
        Ok(n)
    }

    /// The page of category `c` (`<slug>/index.html`).
    pub fn category_page(&self, c: &Category) -> Result<String> {
        let kb = self.kb;
        let mut page = self.meta(
            "../",
            &format!("{}/", c.slug),
            format!("{} errors · {}", c.name, kb.config.title),
            &c.description,
            "website",
        );
        if page.description.is_empty() {
            page.description = format!("Troubleshooting entries for {} errors.", c.name);
        }
        let ctx = ListPage {
            site: &self.site,
            page,
            name: &c.name,
            description: &c.description,
            homepage: c.homepage.as_deref(),
            entries: self.card_values(&c.entries, "../")?,
        };
        self.templates.render("category.html", &ctx)
    }

    /// The page of tag `t` (`tags/<slug>/index.html`).
    pub fn tag_page(&self, t: &Tag) -> Result<String> {
        let kb = self.kb;
        let desc = format!("Errors tagged {} in {}.", t.name, kb.config.title);
        let page = self.meta(
            "../../",
            &format!("tags/{}/", t.slug),
            format!("Tagged {} · {}", t.name, kb.config.title),
            &desc,
            "website",
        );
        let ctx = ListPage {
            site: &self.site,
            page,
            name: &t.name,
            description: "",
            homepage: None,
            entries: self.card_values(&t.entries, "../../")?,
        };
        self.templates.render("tag.html", &ctx)
    }

    /// The list of all tags (`tags/index.html`).
    pub fn tags_page(&self) -> Result<String> {
        let kb = self.kb;
        let tags = TagsPage {
            site: &self.site,
            page: self.meta(
                "../",
                "tags/",
                format!("Tags · {}", kb.config.title),
                &format!("All tags of {}.", kb.config.title),
                "website",
            ),
            tags: kb
                .tags
                .iter()
                .map(|t| TagSummary {
                    name: &t.name,
                    url: format!("tags/{}/", t.slug),
                    count: t.entries.len(),
                })
                .collect(),
        };
        self.templates.render("tags.html", &tags)
    }

    /// The not-found page (`404.html`).
    pub fn not_found_page(&self) -> Result<String> {
        let kb = self.kb;
        let mut nf = self.meta(
            &format!("{}/", kb.config.base_url),
            "404.html",
            format!("Page not found · {}", kb.config.title),
            "No page at this address.",
            "website",
        );
        nf.noindex = true;
        self.templates.render(
            "404.html",
            &SimplePage {
                site: &self.site,
                page: nf,
                target: None,
                target_title: None,
            },
        )
    }

    /// The redirect page written at `alias` (a normalised alias path of `e`).
    pub fn alias_page(&self, e: &Entry, alias: &str) -> Result<String> {
        let file = alias_file(alias);
        let depth = file.matches('/').count();
        let root = "../".repeat(depth);
        let mut page = self.meta(&root, &e.path(), e.title.clone(), &e.description, "website");
        page.noindex = true;
        let ctx = SimplePage {
            site: &self.site,
            page,
            target: Some(format!("{root}{}", e.path())),
            target_title: Some(&e.title),
        };
        self.templates.render("alias.html", &ctx)
    }

    /// The home page (`index.html`).
    pub fn home(&self) -> Result<String> {
        let kb = self.kb;
        let mut cats: Vec<&crate::model::Category> = kb.categories.iter().collect();
        cats.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then(a.slug.cmp(&b.slug))
        });
        let mut recent: Vec<usize> = (0..kb.entries.len()).collect();
        recent.sort_by(|&a, &b| {
            let (x, y) = (&kb.entries[a], &kb.entries[b]);
            y.updated.cmp(&x.updated).then_with(|| x.id.cmp(&y.id))
        });
        let description = if kb.config.description.is_empty() {
            kb.config.title.clone()
        } else {
            kb.config.description.clone()
        };
        let mut page = self.meta("./", "", kb.config.title.clone(), &description, "website");
        page.json_ld
            .push(seo::script_json(&seo::website(&kb.config)));
        let ctx = HomePage {
            site: &self.site,
            page,
            categories: cats
                .iter()
                .map(|c| CategorySummary {
                    name: &c.name,
                    url: format!("{}/", c.slug),
                    description: &c.description,
                    count: c.entries.len(),
                })
                .collect(),
            recent: self.card_values(&recent[..recent.len().min(RECENT_LIMIT)], "./")?,
            entry_count: kb.entries.len(),
        };
        self.templates.render("index.html", &ctx)
    }
}

/// Where a link found in Markdown starting at `md` is in the entry file.
fn link_pos(md: crate::source::Pos, l: &InternalLink) -> crate::source::Pos {
    if l.line == 0 {
        crate::source::Pos::new(md.line, md.col + l.col - 1)
    } else {
        crate::source::Pos::new(md.line + l.line, l.col)
    }
}

/// `<p>text</p>` → `text` for list items that are one paragraph.
fn unwrap_single_paragraph(html: String) -> String {
    let t = html.trim_end();
    match t.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html,
    }
}

fn edit_link(prefix: &str, file: &str) -> String {
    if prefix.ends_with('/') {
        format!("{prefix}{file}")
    } else {
        format!("{prefix}/{file}")
    }
}

/// Every `id="…"` in a page, one per line, for anchor checks.
fn ids_in(html: &str) -> Box<str> {
    const NEEDLE: &str = " id=\"";
    let mut ids = String::new();
    for i in memchr::memmem::find_iter(html.as_bytes(), NEEDLE) {
        let rest = &html[i + NEEDLE.len()..];
        if let Some(end) = memchr::memchr(b'"', rest.as_bytes()) {
            if !ids.is_empty() {
                ids.push('\n');
            }
            ids.push_str(&rest[..end]);
        }
    }
    ids.into_boxed_str()
}

/// Resolves a link written on the entry page `from` (`git/x/`) to an output
/// file and fragment; `None` when it climbs above the site root.
fn resolve(from: &str, dest: &str) -> Option<(String, Option<String>)> {
    let (path, frag) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or("");
    if path.is_empty() {
        return Some((format!("{from}index.html"), frag));
    }
    let mut segs: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        from.split('/').filter(|s| !s.is_empty()).collect()
    };
    for s in path.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                segs.pop()?;
            }
            s => segs.push(s),
        }
    }
    let joined = segs.join("/");
    let file = if path.ends_with('/') || joined.is_empty() {
        if joined.is_empty() {
            "index.html".to_string()
        } else {
            format!("{joined}/index.html")
        }
    } else {
        joined
    };
    Some((file, frag))
}

fn check_links<'a>(
    kb: &Kb,
    i: usize,
    links: &[(crate::source::Pos, InternalLink)],
    planned: &BTreeSet<String>,
    static_files: &BTreeSet<String>,
    anchors: &dyn Fn(&str) -> Option<&'a str>,
    diags: &mut Diagnostics,
) {
    let e = &kb.entries[i];
    for (pos, l) in links {
        let at = link_pos(*pos, l);
        let problem = match resolve(&e.path(), &l.dest) {
            None => Some("it points above the site root".to_string()),
            Some((file, frag)) => {
                let dir_index = format!("{file}/index.html");
                let target = if planned.contains(&file) || static_files.contains(&file) {
                    Some(file)
                } else if planned.contains(&dir_index) {
                    Some(dir_index)
                } else {
                    None
                };
                match (target, frag) {
                    (None, _) => Some("no page or file of the site is there".to_string()),
                    (Some(t), Some(f)) if !f.is_empty() => match anchors(&t) {
                        Some(ids) if !ids.split('\n').any(|id| id == f) => {
                            Some(format!("the page has no heading or element with id `{f}`"))
                        }
                        _ => None,
                    },
                    _ => None,
                }
            }
        };
        if let Some(why) = problem {
            diags.push(
                Diagnostic::error(&e.file, at, format!("broken internal link `{}`: {why}", l.dest))
                    .with_help("link to an entry as `/category/slug/` (optionally with `#section`), or fix the path")
                    .with_len(l.len),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_and_absolute_links() {
        assert_eq!(
            resolve("git/x/", "/docker/y/"),
            Some(("docker/y/index.html".into(), None))
        );
        assert_eq!(
            resolve("git/x/", "../y/#fix"),
            Some(("git/y/index.html".into(), Some("fix".into())))
        );
        assert_eq!(
            resolve("git/x/", "#why"),
            Some(("git/x/index.html".into(), Some("why".into())))
        );
        assert_eq!(
            resolve("git/x/", "../../"),
            Some(("index.html".into(), None))
        );
        assert_eq!(resolve("git/x/", "../../../etc"), None);
        assert_eq!(
            resolve("git/x/", "/img/a.png"),
            Some(("img/a.png".into(), None))
        );
    }
}
