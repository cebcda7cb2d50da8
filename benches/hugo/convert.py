#!/usr/bin/env python3
"""Turns a generated kbgen corpus into an equivalent Hugo site.

    convert.py CORPUS SITE        # CORPUS from `cargo bench --bench throughput -- gen N CORPUS`
    convert.py --check CORPUS     # compare this parser with PyYAML on every file (needs PyYAML)

Standard library only. The benchmark corpus (benches/throughput/corpus.rs) is
deterministic and uses a small subset of YAML, which `parse_yaml` reads
exactly and refuses anything else with an error naming the file and line:
top-level `key: value` pairs whose values are single-quoted scalars, plain
scalars (dates, URLs), flow sequences (`[a, b]`, `['/x/']`), literal blocks
(`|`, clip chomping), and block sequences of those scalars, of literal blocks,
or of one-level mappings (`- title: ...` / `  url: ...`).

For each entry it writes content/<category>/<slug>.md: YAML front matter
(title, description, date/lastmod from `updated`, tags, categories,
keywords = the signatures' words as kbgen's related scoring sees them,
signatures, quick_fix, related, aliases, sources, faq, sections, and
source_file for the "Edit this page" link) and a
Markdown body with kbgen's sections in kbgen's order, each as `## Heading
{#id}` followed by its prose or list, fenced code blocks included. For each
category, content/<category>/_index.md from `_category.yaml`. Then hugo.toml,
the layouts beside this script, and kbgen's static assets (theme/static).
"""

import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# kbgen's sections (src/render/site.rs SECTIONS): id, heading, numbered.
SECTIONS = [
    ("meaning", "What this error means", False),
    ("why", "Why this happens", False),
    ("causes", "Common causes", False),
    ("fixes", "Quick fixes", False),
    ("checks", "Platform and tool-specific checks", False),
    ("steps", "Step-by-step troubleshooting", True),
    ("prevention", "How to prevent it", False),
]

RELATED_LIMIT = 6  # kbgen.toml of the corpus: related_limit = 6
MAX_POSTING = 400  # src/model/related.rs: postings longer than this are ignored


class YamlError(Exception):
    pass


# ---------------------------------------------------------------- YAML subset

KEY_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?$")


def indent_of(line):
    return len(line) - len(line.lstrip(" "))


def scalar(text, where):
    """A one-line scalar: single-quoted, or plain (kept as a string)."""
    text = text.strip()
    if text.startswith("'"):
        if len(text) < 2 or not text.endswith("'"):
            raise YamlError(f"{where}: unterminated single-quoted scalar")
        inner = text[1:-1]
        if re.search(r"(?<!')'(?!')", inner.replace("''", "")):
            raise YamlError(f"{where}: stray quote in {text!r}")
        return inner.replace("''", "'")
    if not text or text[0] in "\"[]{}&*!|>%@`#" or ": " in text or " #" in text:
        raise YamlError(f"{where}: unsupported scalar {text!r}")
    return text


def flow_sequence(text, where):
    """`[a, 'b c', d]` with plain or single-quoted items."""
    if not (text.startswith("[") and text.endswith("]")):
        raise YamlError(f"{where}: unsupported flow value {text!r}")
    inner = text[1:-1].strip()
    items, i = [], 0
    while i < len(inner):
        if inner[i] == "'":
            j = i + 1
            while True:
                j = inner.find("'", j)
                if j < 0:
                    raise YamlError(f"{where}: unterminated quote in {text!r}")
                if inner[j + 1 : j + 2] == "'":
                    j += 2
                    continue
                break
            items.append(scalar(inner[i : j + 1], where))
            i = j + 1
        else:
            j = inner.find(",", i)
            j = len(inner) if j < 0 else j
            items.append(scalar(inner[i:j], where))
            i = j
        rest = inner[i:].lstrip(" ")
        if rest.startswith(","):
            rest = rest[1:].lstrip(" ")
        elif rest:
            raise YamlError(f"{where}: unexpected {rest!r} in flow sequence")
        i = len(inner) - len(rest)
    return items


def literal_block(lines, i, parent_indent, where):
    """Lines from `i` of a `|` block more indented than `parent_indent`:
    (text with clip chomping, next line index)."""
    body, n = [], None
    while i < len(lines):
        line = lines[i]
        if line.strip():
            ind = indent_of(line)
            if ind <= parent_indent:
                break
            if n is None:
                n = ind
            elif ind < n:
                raise YamlError(f"{where}: line {i + 1}: less indented than its block")
            body.append(line[n:])
        else:
            body.append("")
        i += 1
    while body and body[-1] == "":
        body.pop()
    return ("\n".join(body) + "\n" if body else ""), i


def value_at(lines, i, rest, indent, where):
    """The value after `key:` (text `rest`) on line `i`: (value, next line)."""
    if rest is None or rest == "":
        # A block sequence on the following lines.
        return block_sequence(lines, i + 1, indent, where)
    if rest == "|":
        return literal_block(lines, i + 1, indent, where)
    if rest.startswith("["):
        return flow_sequence(rest, f"{where}:{i + 1}"), i + 1
    return scalar(rest, f"{where}:{i + 1}"), i + 1


def block_sequence(lines, i, parent_indent, where):
    items = []
    seq_indent = None
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            raise YamlError(f"{where}:{i + 1}: blank line in a sequence")
        ind = indent_of(line)
        if ind <= parent_indent:
            break
        if seq_indent is None:
            seq_indent = ind
        if ind != seq_indent or not line[ind:].startswith("- "):
            raise YamlError(f"{where}:{i + 1}: expected a sequence item")
        item = line[ind + 2 :]
        if item == "|":
            text, i = literal_block(lines, i + 1, ind, where)
            items.append(text)
            continue
        m = KEY_RE.match(item)
        if m and not item.startswith("'"):
            # A mapping: this key, then `key: value` lines at ind + 2.
            mapping = {}
            key, rest = m.group(1), m.group(2)
            val, i = value_at(lines, i, rest, ind + 2, where)
            mapping[key] = val
            while i < len(lines) and lines[i].strip() and indent_of(lines[i]) == ind + 2:
                m = KEY_RE.match(lines[i][ind + 2 :])
                if not m:
                    raise YamlError(f"{where}:{i + 1}: expected `key: value`")
                key, rest = m.group(1), m.group(2)
                if key in mapping:
                    raise YamlError(f"{where}:{i + 1}: duplicate key {key}")
                val, i = value_at(lines, i, rest, ind + 2, where)
                mapping[key] = val
            items.append(mapping)
            continue
        items.append(scalar(item, f"{where}:{i + 1}"))
        i += 1
    if not items:
        raise YamlError(f"{where}:{i}: empty value")
    return items, i


def parse_yaml(text, where):
    """The top-level mapping of a document in the corpus' YAML subset."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out, i = {}, 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if line[0] == " ":
            raise YamlError(f"{where}:{i + 1}: unexpected indentation")
        m = KEY_RE.match(line)
        if not m:
            raise YamlError(f"{where}:{i + 1}: expected `key: value`, got {line!r}")
        key, rest = m.group(1), m.group(2)
        if key in out:
            raise YamlError(f"{where}:{i + 1}: duplicate key {key}")
        out[key], i = value_at(lines, i, rest, 0, where)
    return out


def split_front_matter(text, where):
    """(front matter, body) of a `.md` entry."""
    if not text.startswith("---\n"):
        raise YamlError(f"{where}: no front matter")
    end = text.find("\n---\n", 3)
    if end < 0:
        raise YamlError(f"{where}: unterminated front matter")
    return text[4 : end + 1], text[end + 5 :]


def read_entry(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith(".md"):
        front, body = split_front_matter(text, path)
        data = parse_yaml(front, path)
        data["meaning"] = body
    else:
        data = parse_yaml(text, path)
    return data


# ---------------------------------------------------------------- conversion


def q(s):
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


def flow(items):
    return "[" + ", ".join(q(x) for x in items) + "]"


SIG_VAR = re.compile(r"\{[^{}]*\}")


def signature_words(signatures):
    """kbgen's related-scoring words: literal text of the signatures (without
    `{placeholders}`), split on characters other than alphanumerics and `_`,
    at least 4 characters, lowercased, sorted, deduplicated."""
    words = set()
    for s in signatures:
        for w in re.split(r"\W+", SIG_VAR.sub(" ", s)):
            if len(w) >= 4:
                words.add(w.lower())
    return sorted(words)


def list_markdown(items, ordered):
    out = []
    for k, item in enumerate(items, 1):
        marker = f"{k}. " if ordered else "- "
        pad = " " * len(marker)
        lines = item.rstrip("\n").split("\n")
        out.append(marker + lines[0])
        out.extend(pad + l if l else "" for l in lines[1:])
    return "\n".join(out) + "\n"


def entry_page(data, category, source, where):
    for key in ("title", "description", "updated", "signatures"):
        if key not in data:
            raise YamlError(f"{where}: no {key}")
    fm = ["---"]
    fm.append(f"title: {q(data['title'])}")
    fm.append(f"description: {q(data['description'])}")
    fm.append(f"date: {data['updated']}")
    fm.append(f"lastmod: {data['updated']}")
    fm.append(f"categories: {flow([category])}")
    fm.append(f"tags: {flow(data.get('tags', []))}")
    fm.append(f"keywords: {flow(signature_words(data['signatures']))}")
    fm.append("signatures:")
    fm.extend(f"  - {q(s)}" for s in data["signatures"])
    if "quick_fix" in data:
        fm.append(f"quick_fix: {q(data['quick_fix'])}")
    if data.get("related"):
        fm.append(f"related: {flow(data['related'])}")
    if data.get("aliases"):
        fm.append(f"aliases: {flow(data['aliases'])}")
    for key, fields in (("sources", ("title", "url", "note")), ("faq", ("q", "a"))):
        if data.get(key):
            fm.append(f"{key}:")
            for item in data[key]:
                first = True
                for f in fields:
                    if f in item:
                        fm.append(("  - " if first else "    ") + f"{f}: {q(item[f])}")
                        first = False
    body, present = [], []
    for sid, heading, ordered in SECTIONS:
        value = data.get(sid)
        if not value:
            continue
        present.append(sid)
        body.append(f"## {heading} {{#{sid}}}\n")
        if isinstance(value, list):
            body.append(list_markdown(value, ordered))
        else:
            body.append(value.strip("\n") + "\n")
    fm.append(f"sections: {flow(present)}")
    fm.append(f"source_file: {q(source)}")
    fm.append("---")
    return "\n".join(fm) + "\n" + "\n".join(body)


def category_page(data, where):
    if "name" not in data:
        raise YamlError(f"{where}: no name")
    fm = ["---", f"title: {q(data['name'])}"]
    if data.get("description"):
        fm.append(f"description: {q(data['description'])}")
    if data.get("homepage"):
        fm.append(f"homepage: {q(data['homepage'])}")
    fm.append("---")
    return "\n".join(fm) + "\n"


def kbgen_config(corpus):
    """title, base_url and description from the corpus' kbgen.toml (flat
    `key = "string"` lines, as the generator writes them)."""
    conf = {}
    with open(os.path.join(corpus, "kbgen.toml"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r'^(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$', line)
            if m:
                conf[m.group(1)] = json.loads('"' + m.group(2) + '"')
    return conf


def hugo_config(conf, entries):
    # Hugo's cardinalityThreshold is a percentage of all pages; kbgen ignores
    # tags and words shared by more than MAX_POSTING entries.
    if entries > MAX_POSTING:
        card = max(1, min(100, round(MAX_POSTING * 100 / entries)))
    else:
        card = 0
    base = conf.get("base_url", "https://kb.example.org").rstrip("/") + "/"
    return f"""# Written by benches/hugo/convert.py: the Hugo equivalent of a kbgen corpus.
baseURL = {q(base)}
title = {q(conf.get("title", "KB"))}
languageCode = "en"
# The corpus has `updated` dates up to 2026.
buildFuture = true
enableRobotsTXT = true
# kbgen's Atom feed lists the 50 most recently updated entries.
rssLimit = 50
disableKinds = []

[params]
description = {q(conf.get("description", ""))}
related_limit = {RELATED_LIMIT}
edit_url = {q(conf.get("edit_url", ""))}

# Categories are sections (content/<category>/), like kbgen's category pages;
# `categories` stays a front matter parameter for related-content scoring only.
[taxonomies]
tag = "tags"

# One feed (home), as kbgen has one Atom feed; no per-section or per-tag RSS.
[outputs]
home = ["HTML", "RSS"]
section = ["HTML"]
taxonomy = ["HTML"]
term = ["HTML"]

[markup.highlight]
codeFences = true
guessSyntax = false
noClasses = false

[markup.goldmark.parser.attribute]
title = true

[markup.goldmark.renderer]
unsafe = false

# kbgen does not turn quotes and dashes into typographic ones.
[markup.goldmark.extensions]
typographer = false

# kbgen scores neighbours by shared tags (3), category (2) and signature words
# (1), ignoring tags and words on more than {MAX_POSTING} entries.
[related]
includeNewer = true
threshold = 0
toLower = false
[[related.indices]]
name = "tags"
weight = 3
cardinalityThreshold = {card}
[[related.indices]]
name = "categories"
weight = 2
[[related.indices]]
name = "keywords"
weight = 1
cardinalityThreshold = {card}
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def convert(corpus, site):
    content = os.path.join(corpus, "content")
    if not os.path.isdir(content):
        sys.exit(f"convert.py: {content} is not a directory")
    if os.path.exists(site) and os.listdir(site):
        sys.exit(f"convert.py: {site} exists and is not empty")
    entries = 0
    for category in sorted(os.listdir(content)):
        cdir = os.path.join(content, category)
        if not os.path.isdir(cdir):
            continue
        cat_file = os.path.join(cdir, "_category.yaml")
        with open(cat_file, encoding="utf-8") as f:
            cat = parse_yaml(f.read(), cat_file)
        write(os.path.join(site, "content", category, "_index.md"), category_page(cat, cat_file))
        for name in sorted(os.listdir(cdir)):
            if name.startswith("_") or not name.endswith((".md", ".yaml")):
                continue
            path = os.path.join(cdir, name)
            slug = name.rsplit(".", 1)[0]
            source = f"content/{category}/{name}"
            page = entry_page(read_entry(path), category, source, path)
            write(os.path.join(site, "content", category, slug + ".md"), page)
            entries += 1
    write(os.path.join(site, "hugo.toml"), hugo_config(kbgen_config(corpus), entries))
    shutil.copytree(os.path.join(HERE, "layouts"), os.path.join(site, "layouts"))
    assets = os.path.join(site, "static", "assets")
    os.makedirs(assets)
    static = os.path.join(REPO, "theme", "static")
    for name in sorted(os.listdir(static)):
        if name != "highlight.css":  # kbgen's is for its own highlighter's classes
            shutil.copy(os.path.join(static, name), assets)
    # Chroma's classes (Hugo's highlighter), in a style close to kbgen's.
    css = os.path.join(assets, "highlight.css")
    try:
        out = subprocess.run(
            ["hugo", "gen", "chromastyles", "--style=github"],
            check=True, capture_output=True, text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        out = "/* hugo gen chromastyles was not available */\n"
    write(css, out)
    print(f"converted {entries} entries into {site}")


def check(corpus):
    """Compares parse_yaml with PyYAML on every file of the corpus."""
    import datetime

    import yaml

    def norm(v):
        if isinstance(v, dict):
            return {k: norm(x) for k, x in v.items()}
        if isinstance(v, list):
            return [norm(x) for x in v]
        if isinstance(v, (datetime.date, datetime.datetime)):
            return v.isoformat()
        return v

    files = 0
    for root, _, names in os.walk(os.path.join(corpus, "content")):
        for name in sorted(names):
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            if name.endswith(".md"):
                front, body = split_front_matter(text, path)
                mine = parse_yaml(front, path)
                theirs = yaml.safe_load(front)
            else:
                mine = parse_yaml(text, path)
                theirs = yaml.safe_load(text)
            theirs = norm(theirs)
            if mine != theirs:
                for k in sorted(set(mine) | set(theirs)):
                    if mine.get(k) != theirs.get(k):
                        print(f"{path}: {k}: {mine.get(k)!r} != {theirs.get(k)!r}")
                sys.exit(1)
            files += 1
    print(f"parse_yaml agrees with PyYAML on {files} files")


def main(argv):
    if len(argv) == 2 and argv[0] == "--check":
        check(argv[1])
    elif len(argv) == 2:
        try:
            convert(argv[0], argv[1])
        except YamlError as e:
            sys.exit(f"convert.py: {e}")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
