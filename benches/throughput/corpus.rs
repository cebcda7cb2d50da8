//! Benchmark support: a deterministic corpus of `n` realistic kbgen entries.
//!
//! Entry `i` depends only on `i` and `n` (a splitmix64 stream seeded by the
//! index), so two runs with the same `n` write byte-identical sites. Each
//! entry is 4-6 KB of YAML and Markdown, like the bundled content: several
//! signatures with `{placeholders}`, a quick fix, sections of prose, lists,
//! sources, a FAQ, tags drawn (unevenly) from a pool of 300, related links to
//! existing entries, and fenced code in about a third of the entries (most
//! name a language; some are plain output). About 70% are `.md` entries and
//! 30% `.yaml` entries. There are 50 categories of uneven size, each with a
//! `_category.yaml`.

use std::fmt::Write as _;
use std::path::Path;

/// Number of categories.
pub const CATEGORIES: usize = 50;
/// Number of distinct tags.
pub const TAGS: usize = 300;

/// A small, fast, deterministic random stream (splitmix64).
pub struct Rng(u64);

impl Rng {
    /// A stream for one entry (or any other seed).
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// One item of a slice.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// A number in `0..n`, small values much more likely (for uneven sizes).
    pub fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u * n as f64) as usize).min(n - 1)
    }
}

const TOOLS: [&str; CATEGORIES] = [
    "Docker",
    "Kubernetes",
    "Terraform",
    "Ansible",
    "Helm",
    "Nginx",
    "Apache",
    "PostgreSQL",
    "MySQL",
    "Redis",
    "MongoDB",
    "Kafka",
    "RabbitMQ",
    "Elasticsearch",
    "Git",
    "GitHub Actions",
    "GitLab CI",
    "Jenkins",
    "npm",
    "Yarn",
    "pnpm",
    "Webpack",
    "Vite",
    "TypeScript",
    "Node.js",
    "Deno",
    "Python",
    "pip",
    "Poetry",
    "Conda",
    "Django",
    "Flask",
    "FastAPI",
    "Rust",
    "Cargo",
    "Go",
    "Java",
    "Maven",
    "Gradle",
    "Spring Boot",
    "Ruby",
    "Bundler",
    "Rails",
    "PHP",
    "Composer",
    "Laravel",
    "AWS CLI",
    "gcloud",
    "Azure CLI",
    "systemd",
];

const TAG_HEADS: [&str; 20] = [
    "network",
    "auth",
    "config",
    "build",
    "deploy",
    "disk",
    "memory",
    "cache",
    "dns",
    "tls",
    "proxy",
    "registry",
    "schema",
    "migration",
    "plugin",
    "runtime",
    "permission",
    "version",
    "timeout",
    "encoding",
];
const TAG_TAILS: [&str; 15] = [
    "",
    "errors",
    "setup",
    "limits",
    "linux",
    "macos",
    "windows",
    "ci",
    "docker",
    "upgrade",
    "security",
    "performance",
    "local-dev",
    "production",
    "debugging",
];

const NOUNS: &[&str] = &[
    "connection",
    "socket",
    "token",
    "certificate",
    "manifest",
    "lockfile",
    "module",
    "package",
    "volume",
    "container",
    "service",
    "endpoint",
    "credential",
    "index",
    "table",
    "queue",
    "worker",
    "channel",
    "session",
    "handshake",
    "resolver",
    "mirror",
    "snapshot",
    "artifact",
    "workspace",
    "profile",
    "context",
    "namespace",
    "secret",
    "listener",
];
const VERBS: &[&str] = &[
    "open",
    "read",
    "resolve",
    "load",
    "bind",
    "connect to",
    "parse",
    "verify",
    "fetch",
    "write",
    "lock",
    "start",
    "mount",
    "decode",
    "authenticate against",
];
const PROBLEMS: &[&str] = &[
    "permission denied",
    "no such file or directory",
    "connection refused",
    "operation timed out",
    "already exists",
    "is not a valid identifier",
    "unexpected end of input",
    "certificate has expired",
    "resource temporarily unavailable",
    "version mismatch",
    "not found",
    "is read-only",
    "exceeded the configured limit",
    "was closed by the remote host",
    "has an invalid checksum",
];
const VARS: &[&str] = &[
    "path", "name", "host", "port", "version", "id", "file", "user", "url", "size", "key", "code",
];
const LANGS: &[&str] = &[
    "bash",
    "yaml",
    "json",
    "python",
    "rust",
    "toml",
    "javascript",
    "go",
    "sql",
    "dockerfile",
];
const PROSE: &[&str] = &[
    "The {tool} {noun} is checked before anything else runs, so the failure shows up early and the rest of the command never starts.",
    "When the {noun} cannot be used, {tool} stops with this message instead of retrying, because a retry would fail the same way.",
    "Most reports come from machines where the {noun} was created by a different user or by an older release of {tool}.",
    "The message names the {noun} it tried to {verb}; that value is the first thing to compare with what you expected.",
    "Running the same command with verbose output (`{cmd} --verbose`) prints the full path and the configuration file that was read.",
    "On CI runners the {noun} is usually fresh, so the error tends to appear only after a cache from an earlier job is restored.",
    "A {noun} left behind by an interrupted run keeps its old settings, and {tool} refuses to {verb} it until it is cleaned up.",
    "Configuration is read in order: command-line flags, then environment variables such as `{env}`, then the project file, then the user's defaults.",
    "Upgrading {tool} changes the default for this setting, which is why a project that worked last week can fail today without any change of its own.",
    "The operating system reports the underlying problem, and {tool} adds only the name of the {noun}, so search for the last part of the message.",
    "Containers and virtual machines add their own layer: the {noun} seen inside may not be the one you inspect on the host.",
    "If several processes share the {noun}, the second one to arrive gets this error while the first keeps working normally.",
    "The check is strict on purpose: a half-configured {noun} would otherwise corrupt data later, far from the real cause.",
    "Logs at debug level show each attempt to {verb} the {noun}, with the time it took and the exact error returned.",
    "Nothing is wrong with the data itself; the {noun} is simply not where {tool} looks for it at this point of the run.",
    "Network filesystems and synced folders make this worse, since the {noun} can change between the check and its use.",
    "The exit status is non-zero, so scripts and CI jobs stop at this step unless they ignore errors explicitly.",
    "Older guides suggest deleting the whole cache directory, which works but also throws away every other {noun} it holds.",
    "A proxy or VPN between you and the {noun} can rewrite the request, and the error then names the proxy's answer rather than the real one.",
    "The same text appears in several releases of {tool}, but the reason changed over time; check the version first with `{cmd} --version`.",
    "Environment files loaded by the shell (`.env`, profile scripts) may override `{env}` without any sign in the command line.",
    "Time limits apply per attempt: a slow {noun} on a loaded machine fails here even though it would answer a moment later.",
    "Because {tool} caches the {noun} between runs, fixing the root cause is not enough until the cached copy is refreshed.",
    "Reading the code path that prints the message helps: it runs right after {tool} tries to {verb} the {noun} and gets an error back.",
];
const FIX_LINES: &[&str] = &[
    "Check which {noun} {tool} is using with `{cmd} config list` and correct the value that points at the wrong place.",
    "Remove the stale {noun} and run the command again; {tool} recreates it with the right owner.",
    "Set `{env}` explicitly in the shell or the CI job so every step uses the same {noun}.",
    "Pin the {tool} version in the project so local machines and CI agree on the defaults.",
    "Give the current user access to the {noun} instead of running {tool} as root.",
    "Restart the {noun} service and confirm it is listening before running {tool} again.",
    "Clear the cache (`{cmd} cache clean`) when the {noun} was restored from an older run.",
    "Read the full error with `--verbose` and follow the path it prints to the {noun} that fails.",
];
const CODE: &[&str] = &[
    "{cmd} config list --show-origin | grep {env_lower}\nexport {env}=/srv/{slug}\n{cmd} {verb_word} --verbose",
    "{noun}:\n  name: {slug}\n  retries: {n}\n  timeout: {n}s\n  path: /var/lib/{slug}",
    "{\n  \"{noun}\": \"{slug}\",\n  \"retries\": {n},\n  \"strict\": false\n}",
    "import os\n\nvalue = os.environ.get(\"{env}\", \"/tmp/{slug}\")\nprint(f\"using {value}\")\nopen(value).close()",
    "fn main() {\n    let path = std::env::var(\"{env}\").unwrap_or_else(|_| \"{slug}\".into());\n    println!(\"{} bytes\", std::fs::metadata(&path).map(|m| m.len()).unwrap_or({n}));\n}",
    "[{noun}]\nname = \"{slug}\"\nretries = {n}\nstrict = true",
    "const value = process.env.{env} ?? \"{slug}\";\nconsole.log(`retrying ${value}`, {n});",
    "package main\n\nimport \"os\"\n\nfunc main() {\n\t_, err := os.Stat(\"{slug}\")\n\tif err != nil {\n\t\tpanic(err)\n\t}\n}",
    "SELECT name, state FROM {noun_word}s WHERE name = '{slug}' LIMIT {n};",
    "FROM debian:stable-slim\nENV {env}=/srv/{slug}\nRUN mkdir -p /srv/{slug}\nCMD [\"run\", \"{slug}\"]",
];

/// A category's folder slug (tool name, lowercase, non-alphanumerics as `-`).
pub fn category_slug(c: usize) -> String {
    slugify(TOOLS[c])
}

/// The tag name at `t` of the pool.
pub fn tag_name(t: usize) -> String {
    let (head, tail) = (
        TAG_HEADS[t % TAG_HEADS.len()],
        TAG_TAILS[t / TAG_HEADS.len()],
    );
    if tail.is_empty() {
        head.to_string()
    } else {
        format!("{head}-{tail}")
    }
}

fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The category of entry `i` (uneven: the first categories are larger).
pub fn category_of(i: usize) -> usize {
    Rng::new(i as u64 ^ 0xCA7).skewed(CATEGORIES)
}

/// The id (`category/slug`) of entry `i`.
pub fn id_of(i: usize) -> String {
    format!("{}/{}", category_slug(category_of(i)), slug_of(i))
}

fn slug_of(i: usize) -> String {
    let mut r = Rng::new(i as u64 ^ 0x51);
    let noun = r.pick(NOUNS);
    let problem = r.pick(PROBLEMS);
    format!("{}-{}-{i}", slugify(noun), slugify(problem))
}

/// Placeholder values of one entry, substituted into the prose templates.
/// Sentences are dealt from a shuffled deck, so an entry repeats one only
/// after it has used them all.
struct Words {
    deck: std::cell::RefCell<(Vec<usize>, usize)>,
    tool: &'static str,
    cmd: String,
    noun: &'static str,
    verb: &'static str,
    env: String,
    slug: String,
}

impl Words {
    fn fill(&self, template: &str, r: &mut Rng) -> String {
        template
            .replace("{tool}", self.tool)
            .replace("{cmd}", &self.cmd)
            .replace("{noun_word}", &slugify(self.noun).replace('-', "_"))
            .replace("{noun}", self.noun)
            .replace("{verb_word}", self.verb.split(' ').next().unwrap_or("run"))
            .replace("{verb}", self.verb)
            .replace("{env_lower}", &self.env.to_lowercase())
            .replace("{env}", &self.env)
            .replace("{slug}", &self.slug)
            .replace("{n}", &r.range(2, 600).to_string())
    }

    fn sentence(&self, r: &mut Rng) -> String {
        let k = {
            let mut deck = self.deck.borrow_mut();
            let (order, next) = &mut *deck;
            if *next == order.len() {
                *order = (0..PROSE.len()).collect();
                for a in (1..order.len()).rev() {
                    order.swap(a, r.below(a + 1));
                }
                *next = 0;
            }
            *next += 1;
            order[*next - 1]
        };
        self.fill(PROSE[k], r)
    }

    fn paragraph(&self, r: &mut Rng, sentences: usize) -> String {
        let mut p = String::new();
        for k in 0..sentences {
            if k > 0 {
                p.push(' ');
            }
            p.push_str(&self.sentence(r));
        }
        p
    }
}

/// One generated entry: its relative path and file text.
pub struct Generated {
    /// `content/<category>/<slug>.md` or `.yaml`.
    pub path: String,
    /// The file's text.
    pub text: String,
}

/// Entry `i` of a corpus of `n` entries.
pub fn entry(i: usize, n: usize) -> Generated {
    let mut r = Rng::new(i as u64);
    let c = category_of(i);
    let tool = TOOLS[c];
    let slug = slug_of(i);
    let noun = NOUNS[r.below(NOUNS.len())];
    let w = Words {
        deck: Default::default(),
        tool,
        cmd: slugify(tool).replace("-cli", "").replace('-', ""),
        noun,
        verb: r.pick(VERBS),
        env: format!("{}_{}", slugify(tool).replace('-', "_"), slugify(noun)).to_uppercase(),
        slug: slug.clone(),
    };
    let target = r.range(4200, 5900);
    let markdown = r.chance(70);
    let mut f = Fields::default();
    f.front(&w, &mut r, i, n);
    f.body(&w, &mut r, i, n, target);
    let text = if markdown {
        f.to_markdown()
    } else {
        f.to_yaml()
    };
    let ext = if markdown { "md" } else { "yaml" };
    Generated {
        path: format!("content/{}/{slug}.{ext}", category_slug(c)),
        text,
    }
}

#[derive(Default)]
struct Fields {
    head: String,
    meaning: String,
    rest: String,
}

/// A YAML single-quoted scalar (safe for any one-line text).
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A YAML literal block for Markdown, indented by `indent` spaces.
fn block(out: &mut String, indent: usize, md: &str) {
    out.push_str("|\n");
    let pad = " ".repeat(indent);
    for line in md.lines() {
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
        out.push('\n');
    }
}

fn list_item(out: &mut String, md: &str) {
    if md.contains('\n') {
        out.push_str("  - ");
        block(out, 4, md);
    } else {
        let _ = writeln!(out, "  - {}", quoted(md));
    }
}

impl Fields {
    fn front(&mut self, w: &Words, r: &mut Rng, i: usize, n: usize) {
        let h = &mut self.head;
        let problem = r.pick(PROBLEMS);
        let var = r.pick(VARS);
        let main = format!(
            "{}: cannot {} {} `{{{var}}}`: {problem}",
            w.cmd, w.verb, w.noun
        );
        let _ = writeln!(
            h,
            "title: {}",
            quoted(&format!("{}: {} {problem}", w.tool, w.noun))
        );
        let _ = writeln!(
            h,
            "description: {}",
            quoted(&format!(
                "{} could not {} the {} ({problem}); check which {} it used and fix it.",
                w.tool, w.verb, w.noun, w.noun
            ))
        );
        h.push_str("signatures:\n");
        let _ = writeln!(h, "  - {}", quoted(&main));
        let var2 = r.pick(VARS);
        let _ = writeln!(
            h,
            "  - {}",
            quoted(&format!(
                "error[E{:04}]: {} {{{var2}}} {problem} (os error {})",
                i % 10_000,
                w.noun,
                r.range(1, 120)
            ))
        );
        if r.chance(50) {
            let _ = writeln!(
                h,
                "  - {}",
                quoted(&format!(
                    "failed to {} {{{var}}} for {}: {{reason}}",
                    w.verb, w.slug
                ))
            );
        }
        let _ = writeln!(
            h,
            "updated: {}-{:02}-{:02}",
            r.range(2023, 2026),
            r.range(1, 12),
            r.range(1, 28)
        );
        let _ = writeln!(h, "quick_fix: {}", quoted(&w.fill(r.pick(FIX_LINES), r)));
        let mut tags: Vec<String> = (0..r.range(2, 6))
            .map(|_| tag_name(r.skewed(TAGS)))
            .collect();
        tags.sort();
        tags.dedup();
        let _ = writeln!(h, "tags: [{}]", tags.join(", "));
        if n > 1 {
            let k = r.range(0, 4).min(n - 1);
            let mut rel = Vec::new();
            while rel.len() < k {
                let j = r.below(n);
                if j != i && !rel.contains(&j) {
                    rel.push(j);
                }
            }
            if !rel.is_empty() {
                let ids: Vec<String> = rel.iter().map(|&j| id_of(j)).collect();
                let _ = writeln!(h, "related: [{}]", ids.join(", "));
            }
        }
        if r.chance(2) {
            let _ = writeln!(h, "aliases: ['/old/{}/']", w.slug);
        }
    }

    fn body(&mut self, w: &Words, r: &mut Rng, i: usize, n: usize, target: usize) {
        let k = r.range(2, 4);
        let mut meaning = w.paragraph(r, k);
        meaning.push_str("\n\n");
        let k = r.range(2, 3);
        meaning.push_str(&w.paragraph(r, k));
        if n > 1 && r.chance(25) {
            let j = (i + 1 + r.below(n - 1)) % n;
            let _ = write!(
                meaning,
                " A similar failure is described in [this entry](/{}/).",
                id_of(j)
            );
        }
        self.meaning = meaning;
        let rest = &mut self.rest;
        rest.push_str("why: ");
        block(
            rest,
            2,
            &format!("{}\n\n{}", w.paragraph(r, 3), w.paragraph(r, 2)),
        );
        rest.push_str("causes:\n");
        for _ in 0..r.range(3, 5) {
            list_item(rest, &w.paragraph(r, 1));
        }
        rest.push_str("fixes:\n");
        let code = r.chance(35);
        for k in 0..r.range(3, 5) {
            let mut fix = w.fill(r.pick(FIX_LINES), r);
            if code && k < 2 {
                fix.pop();
                fix.push_str(":\n");
                fix.push_str(&code_block(w, r));
            }
            list_item(rest, &fix);
        }
        if r.chance(10) {
            rest.push_str("checks:\n");
            let out = format!(
                "The log shows the failing step:\n```\n$ {} {}\nerror: {} {}\n```",
                w.cmd,
                w.slug,
                w.noun,
                r.pick(PROBLEMS)
            );
            list_item(rest, &out);
        }
        let mut steps = String::from("steps:\n");
        let mut prevention = String::from("prevention:\n");
        let mut faq = String::from("faq:\n");
        let mut sources = String::from("sources:\n");
        for k in 0..r.range(1, 3) {
            let _ = writeln!(
                sources,
                "  - title: {}\n    url: https://docs.{}.example.org/errors/{}-{k}",
                quoted(&format!("{} documentation: {}", w.tool, w.noun)),
                slugify(w.tool),
                w.slug
            );
            if r.chance(50) {
                let _ = writeln!(sources, "    note: {}", quoted(&w.paragraph(r, 1)));
            }
        }
        let mut size = self.head.len() + self.meaning.len() + rest.len() + sources.len();
        let mut round = 0;
        while size < target {
            let (dest, text) = match round % 3 {
                0 => (&mut steps, w.paragraph(r, 1)),
                1 => (&mut prevention, w.fill(r.pick(FIX_LINES), r)),
                _ => {
                    let q = format!(
                        "  - q: {}\n    a: ",
                        quoted(&format!(
                            "Does this also happen with the {} {}?",
                            w.tool,
                            r.pick(NOUNS)
                        ))
                    );
                    faq.push_str(&q);
                    let a = w.paragraph(r, 2);
                    let _ = writeln!(faq, "{}", quoted(&a));
                    size += q.len() + a.len() + 3;
                    round += 1;
                    continue;
                }
            };
            let before = dest.len();
            list_item(dest, &text);
            size += dest.len() - before;
            round += 1;
        }
        for part in [steps, prevention, sources, faq] {
            if part.lines().count() > 1 {
                rest.push_str(&part);
            }
        }
    }

    fn to_markdown(&self) -> String {
        format!("---\n{}{}---\n{}\n", self.head, self.rest, self.meaning)
    }

    fn to_yaml(&self) -> String {
        let mut s = self.head.clone();
        s.push_str("meaning: ");
        block(&mut s, 2, &self.meaning);
        s.push_str(&self.rest);
        s
    }
}

fn code_block(w: &Words, r: &mut Rng) -> String {
    let k = r.below(LANGS.len());
    let body = w.fill(CODE[k], r);
    // One block in five names no language: shown as plain text, not highlighted.
    let lang = if r.chance(20) { "" } else { LANGS[k] };
    format!("```{lang}\n{body}\n```")
}

/// `_category.yaml` of category `c`.
pub fn category_file(c: usize) -> Generated {
    let tool = TOOLS[c];
    let slug = category_slug(c);
    Generated {
        path: format!("content/{slug}/_category.yaml"),
        text: format!(
            "name: {}\ndescription: {}\nhomepage: https://{slug}.example.org/\n",
            quoted(tool),
            quoted(&format!(
                "Errors from {tool}: configuration, networking, permissions and upgrades."
            ))
        ),
    }
}

/// Writes a whole site of `n` entries (config, categories, entries) under
/// `root`, which must not exist yet or be empty.
pub fn write_site(root: &Path, n: usize) -> std::io::Result<usize> {
    std::fs::create_dir_all(root.join("content"))?;
    std::fs::write(
        root.join("kbgen.toml"),
        "title = \"Benchmark KB\"\nbase_url = \"https://kb.example.org\"\ndescription = \"Generated entries for the throughput benchmark\"\nedit_url = \"https://example.org/kb/edit/main/\"\nrelated_limit = 6\n",
    )?;
    let used: std::collections::BTreeSet<usize> = (0..n).map(category_of).collect();
    for &c in &used {
        let f = category_file(c);
        std::fs::create_dir_all(root.join(&f.path).parent().expect("has a parent"))?;
        std::fs::write(root.join(&f.path), f.text)?;
    }
    let mut bytes = 0;
    for i in 0..n {
        let e = entry(i, n);
        bytes += e.text.len();
        std::fs::write(root.join(&e.path), e.text)?;
    }
    Ok(bytes)
}
