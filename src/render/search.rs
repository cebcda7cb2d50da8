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

use crate::lookup::index::{IndexSig, STOPWORDS};
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
pub fn files(ix: &Index) -> Vec<(String, Vec<u8>)> {
    let tokens: Vec<(&str, Value)> = ix
        .tokens
        .iter()
        .map(|(t, p)| {
            let sigs: Vec<Value> = p
                .sigs
                .iter()
                .map(|&(s, share)| posting_json(ix, s, share))
                .collect();
            let meta: Vec<Value> = p
                .meta
                .iter()
                .map(|&(e, share)| meta_json(ix, e, share))
                .collect();
            let anchored: Vec<Value> = p
                .anchored
                .iter()
                .map(|&s| pattern_json(&ix.sigs[s as usize]))
                .collect();
            let v = json!({"s": sigs, "m": meta, "a": anchored});
            (t.as_str(), v)
        })
        .collect();
    let total: usize = tokens
        .iter()
        .map(|(t, v)| t.len() + v.to_string().len())
        .sum();
    let shards = total.div_ceil(SHARD_BYTES).max(1);
    let mut buckets = vec![serde_json::Map::new(); shards];
    for (t, v) in tokens {
        buckets[fnv1a32(t.as_bytes()) as usize % shards].insert(t.to_string(), v);
    }
    let mut out: Vec<(String, Vec<u8>)> = buckets
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            (
                format!("search/t/{i}.json"),
                Value::Object(m).to_string().into_bytes(),
            )
        })
        .collect();
    out.extend(entry_chunks(ix));
    let build = out
        .iter()
        .fold(0x811c_9dc5_u32, |h, (_, b)| fnv1a32(b) ^ h.rotate_left(5));
    out.push(("search/manifest.json".into(), manifest(ix, shards, build)));
    out
}

fn manifest(ix: &Index, shards: usize, build: u32) -> Vec<u8> {
    let always: Vec<Value> = ix
        .always
        .iter()
        .map(|&s| pattern_json(&ix.sigs[s as usize]))
        .collect();
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
fn posting_json(ix: &Index, s: u32, share: u32) -> Value {
    let sig = &ix.sigs[s as usize];
    let mut v = vec![json!(sig.entry), json!(sig.nth), json!(share)];
    push_common(&mut v, &sig.common);
    Value::Array(v)
}

/// `[entry, share, common token, its share, …]`: the same for an entry's
/// title, tags and category name.
fn meta_json(ix: &Index, e: u32, share: u32) -> Value {
    let mut v = vec![json!(e), json!(share)];
    push_common(&mut v, &ix.entries[e as usize].meta_common);
    Value::Array(v)
}

fn push_common(v: &mut Vec<Value>, common: &[(String, u32)]) {
    for (t, sh) in common {
        v.push(json!(t));
        v.push(json!(sh));
    }
}

/// `[entry, nth, chars, flags, literal…]`; flags: 1 = starts with a
/// placeholder, 2 = ends with one.
fn pattern_json(sig: &IndexSig) -> Value {
    let p = &sig.pattern;
    let flags = u32::from(p.lead) | (u32::from(p.trail) << 1);
    let mut v = vec![
        json!(sig.entry),
        json!(sig.nth),
        json!(p.chars),
        json!(flags),
    ];
    v.extend(p.literals.iter().map(|l| json!(l)));
    Value::Array(v)
}

/// `[id, title, path, category, [signature…]]` per entry; a signature is a
/// list of parts, a string for literal text and `[name]` for a placeholder.
fn entry_chunks(ix: &Index) -> Vec<(String, Vec<u8>)> {
    let mut sigs_of: Vec<Vec<Value>> = vec![Vec::new(); ix.entries.len()];
    for s in &ix.sigs {
        let parts: Vec<Value> = s
            .signature
            .parts
            .iter()
            .map(|p| match p {
                Part::Lit(t) => json!(t),
                Part::Var(n) => json!([n]),
            })
            .collect();
        sigs_of[s.entry as usize].push(Value::Array(parts));
    }
    ix.entries
        .iter()
        .zip(sigs_of)
        .map(|(e, sigs)| json!([e.id, e.title, e.path, e.category, sigs]))
        .collect::<Vec<_>>()
        .chunks(CHUNK)
        .enumerate()
        .map(|(i, c)| {
            (
                format!("search/e/{i}.json"),
                Value::from(c.to_vec()).to_string().into_bytes(),
            )
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
