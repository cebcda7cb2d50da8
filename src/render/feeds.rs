//! Stage 4 support: files for crawlers, feed readers and scripts —
//! `sitemap.xml` (split into an index past 50,000 URLs), `robots.txt`,
//! `atom.xml` and `api/errors.json`. Built directly as strings: they are
//! data formats, not themeable pages.

use std::fmt::Write as _;

use serde::Serialize;

use crate::model::{Date, Kb};

/// Most URLs in one sitemap file (the sitemaps.org limit).
pub const SITEMAP_LIMIT: usize = 50_000;
/// Entries in the Atom feed.
pub const FEED_LIMIT: usize = 50;

/// Escapes text for XML content and attribute values.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids are dropped rather than emitted.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The newest `updated` of all entries (the site's last change).
pub fn newest(kb: &Kb) -> Option<Date> {
    kb.entries.iter().map(|e| e.updated).max()
}

/// Every page URL path with its last modification, in a stable order.
pub fn sitemap_urls(kb: &Kb) -> Vec<(String, Option<Date>)> {
    let newest = newest(kb);
    let mut urls = vec![(String::new(), newest)];
    for c in &kb.categories {
        let last = c.entries.iter().map(|&i| kb.entries[i].updated).max();
        urls.push((format!("{}/", c.slug), last));
    }
    urls.extend(kb.entries.iter().map(|e| (e.path(), Some(e.updated))));
    urls.push(("tags/".into(), newest));
    for t in &kb.tags {
        let last = t.entries.iter().map(|&i| kb.entries[i].updated).max();
        urls.push((format!("tags/{}/", t.slug), last));
    }
    urls
}

/// The names of the files [`sitemaps`] makes, without making them (the
/// output plan and `serve` need only these).
pub fn sitemap_names(kb: &Kb) -> Vec<String> {
    // As many URLs as `sitemap_urls` lists: home, tag index, every
    // category, entry and tag.
    let urls = 2 + kb.categories.len() + kb.entries.len() + kb.tags.len();
    let mut names = vec!["sitemap.xml".to_string()];
    if urls > SITEMAP_LIMIT {
        names.extend((1..=urls.div_ceil(SITEMAP_LIMIT)).map(|n| format!("sitemap-{n}.xml")));
    }
    names
}

/// The sitemap files: one `sitemap.xml`, or an index plus numbered parts.
pub fn sitemaps(kb: &Kb) -> Vec<(String, String)> {
    let urls = sitemap_urls(kb);
    let mut names = sitemap_names(kb).into_iter();
    let first = names.next().expect("there is always a sitemap.xml");
    if urls.len() <= SITEMAP_LIMIT {
        return vec![(first, urlset(kb, &urls))];
    }
    let mut files = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (name, chunk) in names.zip(urls.chunks(SITEMAP_LIMIT)) {
        let _ = writeln!(
            index,
            "<sitemap><loc>{}</loc></sitemap>",
            escape_xml(&kb.config.absolute(&name))
        );
        files.push((name, urlset(kb, chunk)));
    }
    index.push_str("</sitemapindex>\n");
    files.insert(0, (first, index));
    files
}

fn urlset(kb: &Kb, urls: &[(String, Option<Date>)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (path, date) in urls {
        let _ = write!(
            s,
            "<url><loc>{}</loc>",
            escape_xml(&kb.config.absolute(path))
        );
        if let Some(d) = date {
            let _ = write!(s, "<lastmod>{d}</lastmod>");
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

/// `robots.txt` allowing everything and naming the sitemap.
pub fn robots(kb: &Kb) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        kb.config.absolute("sitemap.xml")
    )
}

/// The Atom feed of the most recently updated entries.
pub fn atom(kb: &Kb) -> String {
    let mut order: Vec<usize> = (0..kb.entries.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&kb.entries[a], &kb.entries[b]);
        y.updated.cmp(&x.updated).then_with(|| x.id.cmp(&y.id))
    });
    let c = &kb.config;
    let updated = newest(kb).map_or_else(|| "1970-01-01T00:00:00Z".into(), |d| d.rfc3339());
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"",
    );
    let _ = writeln!(s, " xml:lang=\"{}\">", escape_xml(&c.language));
    let _ = writeln!(s, "<title>{}</title>", escape_xml(&c.title));
    if !c.description.is_empty() {
        let _ = writeln!(s, "<subtitle>{}</subtitle>", escape_xml(&c.description));
    }
    let _ = writeln!(
        s,
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape_xml(&c.absolute("atom.xml"))
    );
    let _ = writeln!(
        s,
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape_xml(&c.absolute(""))
    );
    let _ = writeln!(s, "<id>{}</id>", escape_xml(&c.absolute("")));
    let _ = writeln!(s, "<updated>{updated}</updated>");
    let _ = writeln!(s, "<author><name>{}</name></author>", escape_xml(&c.title));
    let _ = writeln!(s, "<generator>kbgen</generator>");
    for &i in order.iter().take(FEED_LIMIT) {
        let e = &kb.entries[i];
        let url = c.absolute(&e.path());
        let cat = kb.category_of(e);
        let _ = write!(
            s,
            "<entry>\n<title>{}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<id>{}</id>\n<updated>{}</updated>\n<summary>{}</summary>\n<category term=\"{}\" label=\"{}\"/>\n</entry>\n",
            escape_xml(&e.title),
            escape_xml(&url),
            escape_xml(&url),
            e.updated.rfc3339(),
            escape_xml(&e.description),
            escape_xml(&cat.slug),
            escape_xml(&cat.name),
        );
    }
    s.push_str("</feed>\n");
    s
}

#[derive(Serialize)]
struct ApiEntry<'a> {
    id: &'a str,
    title: &'a str,
    category: &'a str,
    description: &'a str,
    url: String,
    signatures: Vec<String>,
    tags: &'a [String],
    updated: String,
}

#[derive(Serialize)]
struct Api<'a> {
    version: u32,
    site: &'a str,
    base_url: &'a str,
    count: usize,
    entries: ApiEntries<'a>,
}

/// Every entry of the API index, made one at a time while serialising (a
/// list of them all would be 60 MB at 100k entries).
struct ApiEntries<'a>(&'a Kb);

impl Serialize for ApiEntries<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let kb = self.0;
        serializer.collect_seq(kb.entries.iter().map(|e| ApiEntry {
            id: &e.id,
            title: &e.title,
            category: &e.category,
            description: &e.description,
            url: kb.config.absolute(&e.path()),
            signatures: e.signatures.iter().map(|s| s.display()).collect(),
            tags: &e.tags,
            updated: e.updated.to_string(),
        }))
    }
}

/// `api/errors.json`: every entry's id, title, category, description, URL,
/// signatures, tags and date, sorted by id.
pub fn api(kb: &Kb) -> String {
    let api = Api {
        version: 1,
        site: &kb.config.title,
        base_url: &kb.config.base_url,
        count: kb.entries.len(),
        entries: ApiEntries(kb),
    };
    // Sized up front so the text is not copied as it grows (74 MB at 100k).
    let estimate: usize = kb
        .entries
        .iter()
        .map(|e| {
            let sigs: usize = e.signatures.iter().map(|s| s.raw.len() + 12).sum();
            let tags: usize = e.tags.iter().map(|t| t.len() + 12).sum();
            400 + e.id.len() * 2 + e.title.len() + e.description.len() + sigs + tags
        })
        .sum();
    let mut out = Vec::with_capacity(estimate + 256);
    serde_json::to_writer_pretty(&mut out, &api).unwrap_or_default();
    out.push(b'\n');
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::model::Tag;
    use crate::source::SourceFile;

    /// A site with `tags` tags and nothing else: each tag is one sitemap URL.
    fn kb_with_tags(tags: usize) -> Kb {
        let toml = "title = \"Big\"\nbase_url = \"https://kb.example/docs/\"\n";
        let file = SourceFile::new("kbgen.toml", Default::default(), toml.to_string());
        Kb {
            config: Config::parse(&file).expect("valid config"),
            entries: Vec::new(),
            categories: Vec::new(),
            tags: (0..tags)
                .map(|t| Tag {
                    slug: format!("t{t}"),
                    name: format!("t{t}"),
                    entries: Vec::new(),
                })
                .collect(),
            related: Vec::new(),
        }
    }

    fn locs(xml: &str) -> Vec<&str> {
        xml.split("<loc>")
            .skip(1)
            .map(|s| &s[..s.find("</loc>").expect("closed")])
            .collect()
    }

    #[test]
    fn sitemap_at_the_limit_is_one_file() {
        // Home and tag index plus the tags: exactly the limit.
        let kb = kb_with_tags(SITEMAP_LIMIT - 2);
        let files = sitemaps(&kb);
        assert_eq!(sitemap_names(&kb), ["sitemap.xml"]);
        assert_eq!(files.len(), 1);
        assert!(files[0].1.contains("<urlset"));
        assert_eq!(locs(&files[0].1).len(), SITEMAP_LIMIT);
    }

    #[test]
    fn sitemap_past_the_limit_is_an_index_of_parts_holding_every_url_once() {
        let kb = kb_with_tags(SITEMAP_LIMIT + 3);
        let files = sitemaps(&kb);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml"]);
        assert_eq!(sitemap_names(&kb), names, "the plan names the same files");
        let index = &files[0].1;
        assert!(index.contains("<sitemapindex"));
        assert_eq!(
            locs(index),
            [
                "https://kb.example/docs/sitemap-1.xml",
                "https://kb.example/docs/sitemap-2.xml"
            ]
        );
        let (first, second) = (locs(&files[1].1), locs(&files[2].1));
        assert_eq!(first.len(), SITEMAP_LIMIT);
        assert_eq!(second.len(), 5);
        let all: Vec<String> = sitemap_urls(&kb)
            .into_iter()
            .map(|(p, _)| kb.config.absolute(&p))
            .collect();
        let listed: Vec<&str> = first.into_iter().chain(second).collect();
        assert_eq!(listed, all.iter().map(String::as_str).collect::<Vec<_>>());
    }
}
