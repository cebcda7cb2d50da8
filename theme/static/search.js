// kbgen search box: paste an error, get the entries for it, best first.
//
// This is the browser half of `kbgen lookup`. It mirrors src/lookup/ (Rust)
// step for step over the index that `kbgen build` writes to search/
// (format: docs/search.md), so both rank from the same integers; the shared
// test vectors (tests/lookup_vectors.json) check they agree. No framework,
// no network beyond this site: the manifest on first use, then only the
// token shards and entry chunks a query needs.
(() => {
  'use strict';

  const FORMAT = 1;
  const LIMIT = 10;
  const DEBOUNCE_MS = 120;
  const VALUE_CHARS = 40;
  const MAX_URL_QUERY = 4000;

  // ---- Text: src/lookup/text.rs ------------------------------------------
  // Rust char::is_whitespace plus U+FEFF is JS \s plus U+0085.
  const SPACE = /[\s\u0085]/;
  const SPACE_EDGES = /^[\s\u0085]+|[\s\u0085]+$/g;
  const TOKEN_RUN = /[\p{Alphabetic}\p{N}_]+/gu;
  const NUMBER = /^\p{N}+$/u;

  /** Case fold of one code point: lowercase on its own, then ς → σ. */
  function foldChar(ch) {
    return ch.toLowerCase().replace(/ς/g, 'σ');
  }

  /** NFC, fold, whitespace runs to one space, ends trimmed; `map[i]` is the
   *  index in `original` of the character `text[i]` came from. */
  function fold(input) {
    const original = input.normalize('NFC');
    const out = [];
    const map = [];
    let pending = -1;
    let length = 0;
    for (let i = 0; i < original.length;) {
      const cp = original.codePointAt(i);
      const ch = String.fromCodePoint(cp);
      if (SPACE.test(ch)) {
        if (pending < 0) pending = i;
        i += ch.length;
        continue;
      }
      if (pending >= 0) {
        if (length > 0) { out.push(' '); map.push(pending); length += 1; }
        pending = -1;
      }
      const l = foldChar(ch);
      out.push(l);
      for (let k = 0; k < l.length; k++) map.push(i);
      length += l.length;
      i += ch.length;
    }
    map.push(original.length);
    return { original, text: out.join(''), map };
  }

  /** The pasted text behind text[start, end), trimmed. */
  function source(f, start, end) {
    const to = end >= f.text.length ? f.original.length : f.map[end];
    return f.original.slice(f.map[start], to).replace(SPACE_EDGES, '');
  }

  function keepsToken(t) {
    let n = 0;
    for (const _ of t) { if (++n >= 2) break; }
    return n >= 2 && !NUMBER.test(t);
  }

  /** Distinct scoring tokens of normalised text. */
  function scoringTokens(text, stop) {
    const set = new Set();
    for (const m of text.matchAll(TOKEN_RUN)) {
      if (keepsToken(m[0]) && !stop.has(m[0])) set.add(m[0]);
    }
    return [...set];
  }

  // ---- Full matching: src/lookup/pattern.rs --------------------------------
  function nextChar(text, at) {
    if (at >= text.length) return -1;
    return at + (text.codePointAt(at) > 0xffff ? 2 : 1);
  }

  function prevChar(text, at) {
    if (at <= 0) return 0;
    const c = text.charCodeAt(at - 1);
    return at >= 2 && c >= 0xdc00 && c <= 0xdfff ? at - 2 : at - 1;
  }

  /** Leftmost in-order match of the literals, one indexOf each. */
  function find(text, p) {
    const spans = [];
    let from = 0;
    if (p.lead && (from = nextChar(text, 0)) < 0) return null;
    for (const lit of p.lits) {
      if (spans.length) {
        from = nextChar(text, spans[spans.length - 1][1]);
        if (from < 0) return null;
      }
      const at = text.indexOf(lit, from);
      if (at < 0) return null;
      spans.push([at, at + lit.length]);
    }
    if (p.trail && spans[spans.length - 1][1] >= text.length) return null;
    return spans;
  }

  /** Moves each literal right, next to the one after it (display only). */
  function tighten(text, p, spans) {
    for (let i = spans.length - 2; i >= 0; i--) {
      const lit = p.lits[i];
      const limit = prevChar(text, spans[i + 1][0]);
      const lo = spans[i][0];
      if (limit - lit.length < lo) continue;
      const at = text.lastIndexOf(lit, limit - lit.length);
      if (at >= lo) spans[i] = [at, at + lit.length];
    }
    return spans;
  }

  /** `[entry, nth, chars, flags, literal…]` from the index. */
  function pattern(rec) {
    return {
      entry: rec[0], nth: rec[1], chars: rec[2],
      lead: (rec[3] & 1) !== 0, trail: (rec[3] & 2) !== 0, lits: rec.slice(4),
    };
  }

  // ---- The index: src/render/search.rs -------------------------------------
  function fnv1a32(s) {
    let h = 0x811c9dc5;
    for (const b of new TextEncoder().encode(s)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    return h;
  }

  function makeIndex(base) {
    let manifest = null;
    const cache = new Map();
    const get = (path) => {
      if (!cache.has(path)) {
        cache.set(path, fetch(base + path + '?v=' + manifest.build).then((r) => {
          if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
          return r.json();
        }).catch((e) => { cache.delete(path); throw e; }));
      }
      return cache.get(path);
    };
    const ready = fetch(base + 'search/manifest.json', { cache: 'no-cache' })
      .then((r) => { if (!r.ok) throw new Error('manifest: HTTP ' + r.status); return r.json(); })
      .then((m) => {
        if (m.format !== FORMAT) throw new Error('search index format ' + m.format + ', expected ' + FORMAT);
        m.stopSet = new Set(m.stop);
        m.alwaysPatterns = m.always.map(pattern);
        manifest = m;
        return m;
      });
    return {
      ready,
      shard: (t) => get('search/t/' + (fnv1a32(t) % manifest.shards) + '.json'),
      entry: (e) => get('search/e/' + Math.floor(e / manifest.chunk) + '.json')
        .then((chunk) => chunk[e % manifest.chunk]),
    };
  }

  // ---- Ranking: src/lookup/rank.rs -----------------------------------------
  const FULL = 0;
  const PARTIAL = 1;

  /** [kind, -score, entry, nth]: smaller is better. */
  function better(a, b) {
    if (a.kind !== b.kind) return a.kind - b.kind;
    if (a.score !== b.score) return b.score - a.score;
    if (a.entry !== b.entry) return a.entry - b.entry;
    return a.nth - b.nth;
  }

  function keepBetter(best, hit) {
    const cur = best.get(hit.entry);
    if (!cur || better(hit, cur) < 0) best.set(hit.entry, hit);
  }

  function fullMatches(text, m, postings, best) {
    const seen = new Set();
    const cands = m.alwaysPatterns.slice();
    for (const p of postings) for (const rec of p.a) cands.push(pattern(rec));
    for (const p of cands) {
      const key = p.entry + ':' + p.nth;
      if (seen.has(key)) continue;
      seen.add(key);
      const spans = find(text, p);
      if (spans) {
        keepBetter(best, { kind: FULL, score: p.chars, entry: p.entry, nth: p.nth, p, spans: tighten(text, p, spans) });
      }
    }
  }

  /** Token overlap: only rare tokens have postings; each carries its
   *  signature's (or title's) common tokens, counted once. An entry's title,
   *  tags and category name score like one more signature. */
  function partialMatches(m, tokens, postings, best) {
    const query = new Set(tokens);
    const common = (rec, from) => {
      let acc = 0;
      for (let i = from; i < rec.length; i += 2) if (query.has(rec[i])) acc += rec[i + 1];
      return acc;
    };
    const sigAcc = new Map();
    const metaAcc = new Map();
    for (const p of postings) {
      for (const rec of p.s) {
        const key = rec[0] + ':' + rec[1];
        let cur = sigAcc.get(key);
        if (!cur) sigAcc.set(key, (cur = { entry: rec[0], nth: rec[1], acc: common(rec, 3) }));
        cur.acc += rec[2];
      }
      for (const rec of p.m) {
        if (!metaAcc.has(rec[0])) metaAcc.set(rec[0], common(rec, 2));
        metaAcc.set(rec[0], metaAcc.get(rec[0]) + rec[1]);
      }
    }
    const bestOf = new Map();
    for (const s of sigAcc.values()) {
      const cur = bestOf.get(s.entry);
      if (!cur || s.acc > cur.score || (s.acc === cur.score && s.nth < cur.nth)) {
        bestOf.set(s.entry, { score: s.acc, nth: s.nth });
      }
    }
    for (const [entry, acc] of metaAcc) {
      const cur = bestOf.get(entry);
      if (!cur) bestOf.set(entry, { score: acc, nth: 0 });
      else cur.score = Math.max(cur.score, acc);
    }
    for (const [entry, b] of bestOf) {
      if (b.score >= m.min) keepBetter(best, { kind: PARTIAL, score: b.score, entry, nth: b.nth });
    }
  }

  /** Ranks entries for pasted text: [{kind, score, entry, nth, p?, spans?}]. */
  async function rank(index, f) {
    const m = await index.ready;
    const tokens = scoringTokens(f.text, m.stopSet);
    const shards = await Promise.all(tokens.map((t) => index.shard(t)));
    const postings = [];
    tokens.forEach((t, i) => { if (Object.hasOwn(shards[i], t)) postings.push(shards[i][t]); });
    const best = new Map();
    fullMatches(f.text, m, postings, best);
    partialMatches(m, tokens, postings, best);
    return [...best.values()].sort(better);
  }

  // ---- Showing results -----------------------------------------------------
  function clip(v, where) {
    const cps = [...v];
    if (where === 'start' && cps.length > VALUE_CHARS) return '…' + cps.slice(-VALUE_CHARS).join('');
    if (where === 'end' && cps.length > VALUE_CHARS) return cps.slice(0, VALUE_CHARS).join('') + '…';
    if (where === 'middle' && cps.length > 2 * VALUE_CHARS) {
      return cps.slice(0, VALUE_CHARS).join('') + '…' + cps.slice(-VALUE_CHARS).join('');
    }
    return v;
  }

  /** Pasted values of a full match's placeholders, in order. */
  function values(f, hit) {
    const s = hit.spans;
    const out = [];
    if (hit.p.lead) out.push(clip(source(f, 0, s[0][0]), 'start'));
    for (let i = 0; i + 1 < s.length; i++) out.push(clip(source(f, s[i][1], s[i + 1][0]), 'middle'));
    if (hit.p.trail) out.push(clip(source(f, s[s.length - 1][1], f.text.length), 'end'));
    return out;
  }

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const k of kids) e.append(k);
    return e;
  }

  /** The signature with values (marked) in place of its placeholders. */
  function signatureNode(parts, vals) {
    const code = el('code', { class: 'search-result-signature' });
    let i = 0;
    for (const part of parts) {
      if (typeof part === 'string') code.append(part);
      else if (vals && i < vals.length) code.append(el('mark', { title: part[0] }, vals[i++]));
      else code.append(el('var', {}, '{' + part[0] + '}'));
    }
    return code;
  }

  function resultNode(root, f, hit, entry, optionId) {
    const [id, title, path, category, sigs] = entry;
    const vals = hit.kind === FULL ? values(f, hit) : null;
    const a = el('a', {
      class: 'search-result', role: 'option', id: optionId,
      href: root + path, 'aria-selected': 'false', 'data-id': id,
      'data-match': hit.kind === FULL ? 'full' : 'partial', 'data-score': String(hit.score),
    },
    el('span', { class: 'search-result-meta' },
      el('span', { class: 'search-result-category' }, category),
      hit.kind === FULL ? '' : ' ',
      hit.kind === FULL ? '' : el('span', { class: 'search-result-kind' }, 'similar')),
    ' ',
    el('span', { class: 'search-result-title' }, title),
    ' ',
    signatureNode(sigs[hit.nth], vals));
    return el('li', { role: 'presentation' }, a);
  }

  /** Where a contributor adds an entry: `edit_url` with /edit/ → /new/,
   *  in content/ (GitHub and GitLab spell their "new file" pages so). */
  function contributeUrl(editUrl) {
    if (!editUrl) return null;
    const i = editUrl.lastIndexOf('/edit/');
    if (i < 0) return editUrl;
    return editUrl.slice(0, i) + '/new/' + editUrl.slice(i + 6) + 'content/';
  }

  // ---- The search box ------------------------------------------------------
  function setup(form, getIndex, root) {
    const input = form.querySelector('input[type="search"]');
    const results = form.querySelector('[data-search-results]');
    if (!input || !results) return;
    const listId = (results.id || 'search-results') + '-list';
    results.removeAttribute('aria-live');
    const status = el('p', { class: 'search-status', role: 'status' });
    const list = el('ul', { class: 'search-list', role: 'listbox', id: listId, 'aria-label': 'Matching entries' });
    results.replaceChildren(status, list);
    list.hidden = true;
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', listId);
    let seq = 0;
    let active = -1;
    let timer = 0;

    const options = () => [...list.querySelectorAll('[role="option"]')];
    const activate = (i) => {
      const opts = options();
      active = opts.length ? (i + opts.length) % opts.length : -1;
      opts.forEach((o, k) => o.setAttribute('aria-selected', String(k === active)));
      if (active >= 0) {
        input.setAttribute('aria-activedescendant', opts[active].id);
        opts[active].scrollIntoView({ block: 'nearest' });
      } else input.removeAttribute('aria-activedescendant');
    };
    const show = (state, message, items) => {
      status.replaceChildren(...message);
      list.replaceChildren(...items);
      list.hidden = items.length === 0;
      input.setAttribute('aria-expanded', String(items.length > 0));
      active = -1;
      input.removeAttribute('aria-activedescendant');
      results.dataset.state = state;
    };

    const keepInUrl = (q) => {
      const url = new URL(location.href);
      if (q && q.length <= MAX_URL_QUERY) url.searchParams.set('q', q);
      else url.searchParams.delete('q');
      if (url.href !== location.href) history.replaceState(history.state, '', url);
    };

    const run = async (mine) => {
      const q = input.value;
      keepInUrl(q.trim() ? q : '');
      if (!q.trim()) {
        show('idle', [], []);
        results.dataset.seq = String(mine);
        return;
      }
      results.dataset.state = 'loading';
      const t0 = performance.now();
      try {
        const f = fold(q);
        const index = getIndex();
        const hits = (await rank(index, f)).slice(0, LIMIT);
        const entries = await Promise.all(hits.map((h) => index.entry(h.entry)));
        if (mine !== seq) return;
        if (hits.length === 0) {
          const url = contributeUrl(form.dataset.contribute);
          const msg = ['No entry matches this text yet.'];
          if (url) msg.push(' ', el('a', { href: url, class: 'search-contribute' }, 'Add this error to the knowledge base'));
          show('empty', msg, []);
        } else {
          const items = hits.map((h, n) => resultNode(root, f, h, entries[n], listId + '-' + n));
          const full = hits.filter((h) => h.kind === FULL).length;
          show('results', [hits.length + (hits.length === 1 ? ' matching entry' : ' matching entries') +
            (full ? '' : ' (similar, not exact)')], items);
        }
      } catch (e) {
        if (mine !== seq) return;
        show('error', ['Search is unavailable: ' + e.message], []);
      }
      results.dataset.ms = (performance.now() - t0).toFixed(1);
      results.dataset.seq = String(mine);
    };

    const schedule = (delay) => {
      seq += 1;
      input.dataset.seq = String(seq);
      clearTimeout(timer);
      const mine = seq;
      timer = setTimeout(() => run(mine), delay);
    };

    input.addEventListener('input', () => schedule(DEBOUNCE_MS));
    input.addEventListener('paste', (ev) => {
      // An <input> drops line breaks; keep them as spaces, like the CLI.
      const text = ev.clipboardData && ev.clipboardData.getData('text/plain');
      if (!text) return;
      ev.preventDefault();
      input.setRangeText(text.replace(/\r\n?|\n/g, ' '), input.selectionStart, input.selectionEnd, 'end');
      schedule(0);
    });
    input.addEventListener('keydown', (ev) => {
      const opts = options();
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        if (!opts.length) return;
        ev.preventDefault();
        activate(active < 0 && ev.key === 'ArrowUp' ? -1 : active + (ev.key === 'ArrowDown' ? 1 : -1));
      } else if (ev.key === 'Enter' && opts.length) {
        ev.preventDefault();
        location.href = opts[Math.max(active, 0)].href;
      } else if (ev.key === 'Escape' && active >= 0) {
        ev.preventDefault();
        activate(-1);
      }
    });
    form.addEventListener('submit', (ev) => { ev.preventDefault(); schedule(0); });

    const q = new URLSearchParams(location.search).get('q');
    if (q) {
      input.value = q;
      schedule(0);
    }
  }

  function init() {
    const root = document.documentElement.dataset.root || '';
    const base = new URL(root, location.href).href;
    let index = null;
    const getIndex = () => index || (index = makeIndex(base));
    for (const form of document.querySelectorAll('form[data-search]')) {
      // Fetch the manifest as soon as someone reaches for the box.
      form.querySelector('input[type="search"]')
        ?.addEventListener('focus', () => getIndex().ready.catch(() => {}), { once: true });
      setup(form, getIndex, root);
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
