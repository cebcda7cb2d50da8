//! Stage 4c: the search index files the search box loads on demand, written
//! from the same [`Index`] `kbgen lookup` ranks with (format: docs/search.md).
//!
//! - `search/manifest.json`: format version, build id, counts, scoring
//!   constants, stopwords and the signatures every text is tried against;
//! - `search/t/<n>.json`: token shards, token → postings and the signatures
//!   it anchors (a token lives in shard `fnv1a32(utf8) % shards`);
//! - `search/e/<n>.json`: entry chunks, [`CHUNK`] entries each, for showing
//!   results.
//!
//! A query downloads the manifest, the shards of its tokens, and the chunks
//! of the entries it shows.

use serde_json::{Value, json};

use crate::lookup::index::{IndexSig, Postings, STOPWORDS};
use crate::lookup::rank::PARTIAL_MIN;
use crate::lookup::{Index, SCALE};
use crate::model::Part;

/// Version of the index format; the script refuses other versions.
pub const FORMAT: u32 = 1;
/// Entries per entry chunk.
pub const CHUNK: usize = 8;
/// Aimed-for bytes of one token shard (JSON, before compression).
pub const SHARD_BYTES: usize = 2 * 1024;

/// FNV-1a, 32 bits, over UTF-8 bytes: which shard holds a token.
pub fn fnv1a32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// Every search file, by output path.
///
/// JSON is written straight into each file's buffer: building a
/// `serde_json::Value` tree for every token first added about 80 MB to the
/// peak memory of a 100k-entry build.
pub fn files(ix: &Index) -> Vec<(String, Vec<u8>)> {
    // The number of shards follows the total size, measured in a first pass
    // through one reused buffer.
    let mut one = Vec::new();
    let total: usize = ix
        .tokens
        .iter()
        .map(|(t, p)| {
            one.clear();
            token_json(&mut one, ix, p);
            t.len() + one.len()
        })
        .sum();
    let shards = total.div_ceil(SHARD_BYTES).max(1);
    // Tokens come sorted, so each shard's keys are in order as appended.
    let mut buckets: Vec<Vec<u8>> = vec![b"{".to_vec(); shards];
    for (t, p) in &ix.tokens {
        let b = &mut buckets[fnv1a32(t.as_bytes()) as usize % shards];
        if b.len() > 1 {
            b.push(b',');
        }
        string(b, t);
        b.push(b':');
        token_json(b, ix, p);
    }
    let mut out: Vec<(String, Vec<u8>)> = buckets
        .into_iter()
        .enumerate()
        .map(|(i, mut b)| {
            b.push(b'}');
            (format!("search/t/{i}.json"), b)
        })
        .collect();
    out.extend(entry_chunks(ix));
    let build = out
        .iter()
        .fold(0x811c_9dc5_u32, |h, (_, b)| fnv1a32(b) ^ h.rotate_left(5));
    out.push(("search/manifest.json".into(), manifest(ix, shards, build)));
    out
}

/// A JSON string.
fn string(out: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(out, s).expect("writing to a Vec does not fail");
}

/// A JSON number.
fn number(out: &mut Vec<u8>, n: impl std::fmt::Display) {
    use std::io::Write as _;
    write!(out, "{n}").expect("writing to a Vec does not fail");
}

/// `[a,b,…]` with each item written by `item`.
fn array<T>(
    out: &mut Vec<u8>,
    items: impl IntoIterator<Item = T>,
    mut item: impl FnMut(&mut Vec<u8>, T),
) {
    out.push(b'[');
    for (i, x) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        item(out, x);
    }
    out.push(b']');
}

/// A token's postings: `{"a":[pattern…],"m":[meta posting…],"s":[posting…]}`
/// (keys in sorted order, as the format always had them).
fn token_json(out: &mut Vec<u8>, ix: &Index, p: &Postings) {
    out.extend_from_slice(b"{\"a\":");
    array(out, &p.anchored, |o, &s| {
        pattern_json(o, &ix.sigs[s as usize])
    });
    out.extend_from_slice(b",\"m\":");
    array(out, &p.meta, |o, &(e, share)| meta_json(o, ix, e, share));
    out.extend_from_slice(b",\"s\":");
    array(out, &p.sigs, |o, &(s, share)| posting_json(o, ix, s, share));
    out.push(b'}');
}

fn manifest(ix: &Index, shards: usize, build: u32) -> Vec<u8> {
    let mut always = Vec::new();
    array(&mut always, &ix.always, |o, &s| {
        pattern_json(o, &ix.sigs[s as usize]);
    });
    let always: Value = serde_json::from_slice(&always).expect("patterns are valid JSON");
    let m = json!({
        "format": FORMAT,
        "build": format!("{build:08x}"),
        "entries": ix.entries.len(),
        "shards": shards,
        "chunk": CHUNK,
        "scale": SCALE,
        "min": PARTIAL_MIN,
        "stop": STOPWORDS,
        "always": always,
    });
    let mut s = m.to_string();
    s.push('\n');
    s.into_bytes()
}

/// `[entry, nth, share, common token, its share, …]`: a rare token's share
/// of a signature, with the signature's common tokens.
fn posting_json(out: &mut Vec<u8>, ix: &Index, s: u32, share: u32) {
    let sig = &ix.sigs[s as usize];
    out.push(b'[');
    for n in [sig.entry, sig.nth, share] {
        number(out, n);
        out.push(b',');
    }
    push_common(out, ix, &sig.common);
}

/// `[entry, share, common token, its share, …]`: the same for an entry's
/// title, tags and category name.
fn meta_json(out: &mut Vec<u8>, ix: &Index, e: u32, share: u32) {
    out.push(b'[');
    for n in [e, share] {
        number(out, n);
        out.push(b',');
    }
    push_common(out, ix, &ix.entries[e as usize].meta_common);
}

/// The common tokens and their shares, then the closing `]` of a posting
/// whose numbers were written with a trailing comma.
fn push_common(out: &mut Vec<u8>, ix: &Index, common: &[(u32, u32)]) {
    for &(t, sh) in common {
        string(out, ix.word(t));
        out.push(b',');
        number(out, sh);
        out.push(b',');
    }
    *out.last_mut().expect("a posting has numbers") = b']';
}

/// `[entry, nth, chars, flags, literal…]`; flags: 1 = starts with a
/// placeholder, 2 = ends with one.
fn pattern_json(out: &mut Vec<u8>, sig: &IndexSig) {
    let p = &sig.pattern;
    let flags = u32::from(p.lead) | (u32::from(p.trail) << 1);
    out.push(b'[');
    for n in [sig.entry, sig.nth, p.chars, flags] {
        number(out, n);
        out.push(b',');
    }
    for l in &p.literals {
        string(out, l);
        out.push(b',');
    }
    *out.last_mut().expect("a pattern has numbers") = b']';
}

/// `[id, title, path, category, [signature…]]` per entry; a signature is a
/// list of parts, a string for literal text and `[name]` for a placeholder.
fn entry_chunks(ix: &Index) -> Vec<(String, Vec<u8>)> {
    // Signatures come entry by entry; `first[e]` is entry e's first one.
    let mut first = Vec::with_capacity(ix.entries.len() + 1);
    let mut s = 0;
    for e in 0..ix.entries.len() {
        first.push(s);
        while s < ix.sigs.len() && ix.sigs[s].entry as usize == e {
            s += 1;
        }
    }
    first.push(s);
    (0..ix.entries.len())
        .step_by(CHUNK)
        .enumerate()
        .map(|(i, from)| {
            let to = (from + CHUNK).min(ix.entries.len());
            let mut b = Vec::new();
            array(&mut b, from..to, |o, e| {
                let entry = &ix.entries[e];
                o.push(b'[');
                for text in [&entry.id, &entry.title, &entry.path, &entry.category] {
                    string(o, text);
                    o.push(b',');
                }
                array(o, &ix.sigs[first[e]..first[e + 1]], |o, sig| {
                    array(o, &sig.signature.parts, |o, part| match part {
                        Part::Lit(t) => string(o, t),
                        Part::Var(n) => {
                            o.push(b'[');
                            string(o, n);
                            o.push(b']');
                        }
                    });
                });
                o.push(b']');
            });
            (format!("search/e/{i}.json"), b)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_reference_values() {
        assert_eq!(fnv1a32(b""), 0x811c_9dc5);
        assert_eq!(fnv1a32(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a32(b"foobar"), 0xbf9c_f968);
    }
}
