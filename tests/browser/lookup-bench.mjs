// Measures the search index at scale: generates a synthetic KB of N entries
// (realistic shape: tool error codes, common error words, per-tool jargon,
// placeholders), builds it, then in headless Chromium pastes typical errors
// and records the bytes each query downloads and the time it takes.
//
//   node lookup-bench.mjs [N…]        (default: 1000 10000)
//
// Not a test (no assertions): it prints the figures for the benchmark table.
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildAndServe, launch } from './lib/harness.mjs';

// A small deterministic PRNG, so every run generates the same KB.
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5 >>> 0) / 2 ** 32);
}

const COMMON = ('error failed cannot could not found invalid unable missing denied timeout refused connection ' +
  'file directory permission module package version request response server client config value type ' +
  'the to of for in is was while when from with at on by no an a be or and this that ' +
  'connect read write open load parse resolve install build start run execute call access exceed ' +
  'expected unexpected unknown unsupported required allowed already exists empty null undefined ' +
  'key token user host port path name id index size limit memory disk network socket address ' +
  'service process thread lock state status code message reason operation object field argument').split(' ');
const SYL = ['ka', 'lo', 'mi', 'ne', 'po', 'ru', 'si', 'ta', 'vu', 'xe', 'zo', 'an', 'el', 'in', 'or', 'um', 'qu', 'br', 'st', 'gr'];
const VARS = ['name', 'path', 'host', 'port', 'model', 'version', 'user', 'id', 'file', 'value', 'key', 'url'];

function word(r, n) {
  let w = '';
  for (let i = 0; i < n; i++) w += SYL[Math.floor(r() * SYL.length)];
  return w;
}

/** Zipf-ish pick: low indices far more often. */
function zipf(r, list) {
  return list[Math.floor(list.length * r() ** 2.2)];
}

function signature(r, jargon, code) {
  const words = [];
  const len = 4 + Math.floor(r() * 10);
  for (let i = 0; i < len; i++) words.push(r() < 0.35 ? zipf(r, jargon) : zipf(r, COMMON));
  const vars = Math.floor(r() * 3);
  for (let v = 0; v < vars; v++) {
    const at = 1 + Math.floor(r() * (words.length - 1));
    const name = VARS[Math.floor(r() * VARS.length)];
    const shape = Math.floor(r() * 4);
    words.splice(at, 0, ['"{' + name + '}"', "'{" + name + "}'", '{' + name + '}:', '({' + name + '})'][shape]);
  }
  let s = words.join(' ');
  if (code) s = code + ': ' + s;
  return s;
}

function quote(s) {
  return "'" + s.replace(/'/g, "''") + "'";
}

/** Writes a KB of `n` entries in 50 categories; returns its root and the
 *  entries' signatures (for making pastes). */
export function generate(n, seed = 42) {
  const r = rng(seed);
  const root = mkdtempSync(join(tmpdir(), `kbgen-synth-${n}-`));
  writeFileSync(join(root, 'kbgen.toml'), 'title = "Synthetic KB"\nbase_url = "https://kb.example.org"\n');
  const cats = Array.from({ length: 50 }, (_, i) => ({
    slug: `tool${i}`, jargon: Array.from({ length: 60 }, () => word(r, 2 + Math.floor(r() * 3))),
  }));
  const sigs = [];
  for (let i = 0; i < n; i++) {
    const cat = cats[i % cats.length];
    const code = r() < 0.5 ? (r() < 0.5 ? 'E' + (1000 + Math.floor(r() * 9000)) : 'ERR_' + word(r, 3).toUpperCase()) : '';
    const count = 1 + Math.floor(r() * 3);
    const list = Array.from({ length: count }, (_, k) => signature(r, cat.jargon, k === 0 ? code : ''));
    const dir = join(root, 'content', cat.slug);
    mkdirSync(dir, { recursive: true });
    const tags = Array.from({ length: 3 }, () => zipf(r, cat.jargon));
    writeFileSync(join(dir, `e${i}.md`), [
      '---', `title: ${quote(cat.slug + ': ' + list[0].slice(0, 80))}`,
      `description: ${quote('What ' + cat.slug + ' means by this error and how to fix it.')}`,
      'signatures:', ...list.map((s) => '  - ' + quote(s)), 'updated: 2025-01-01',
      `tags: [${[...new Set(tags)].join(', ')}]`, 'fixes:', '  - Fix it.', '---', 'Meaning.', '',
    ].join('\n'));
    sigs.push({ id: `${cat.slug}/e${i}`, sig: list[Math.floor(r() * list.length)] });
  }
  return { root, sigs };
}

function dirBytes(dir) {
  let raw = 0;
  let gz = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      const d = dirBytes(p);
      raw += d.raw;
      gz += d.gz;
    } else {
      const b = readFileSync(p);
      raw += b.length;
      gz += gzipSync(b, { level: 9 }).length;
    }
  }
  return { raw, gz };
}

/** A realistic paste of `sig`: timestamped log lines around the error. */
function paste(r, sig, multiLine) {
  const filled = sig.replace(/\{\w+\}/g, () => word(r, 3) + Math.floor(r() * 100));
  const line = `2025-03-01T10:${String(Math.floor(r() * 60)).padStart(2, '0')}:00Z ERROR ${filled}`;
  if (!multiLine) return line;
  return ['Traceback (most recent call last):', '  File "/srv/app/main.py", line 42, in handler',
    '    result = client.run(job)', '  File "/srv/app/client.py", line 7, in run', line,
    'During handling of the above exception, another exception occurred:'].join('\n');
}

async function measure(n, browser) {
  const { root, sigs } = generate(n);
  const t0 = Date.now();
  const site = await buildAndServe(root);
  const buildMs = Date.now() - t0;
  const size = dirBytes(join(site.dir, 'search'));
  const manifest = JSON.parse(readFileSync(join(site.dir, 'search/manifest.json'), 'utf8'));
  const r = rng(7);
  const rows = [];
  for (let q = 0; q < 40; q++) {
    const target = sigs[Math.floor(r() * sigs.length)];
    const text = paste(r, target.sig, q % 2 === 1);
    const page = await browser.newPage();
    let bytes = 0;
    let gz = 0;
    let requests = 0;
    const kinds = { manifest: 0, t: 0, e: 0 };
    page.on('response', async (resp) => {
      const m = resp.url().match(/\/search\/(manifest|t|e)\b/);
      if (!m) return;
      try {
        const b = await resp.body();
        bytes += b.length;
        requests += 1;
        kinds[m[1]] += b.length;
        gz += gzipSync(b, { level: 6 }).length;
      } catch { /* navigation raced the body */ }
    });
    await page.goto(site.base);
    await page.fill('input[type="search"]', text);
    await page.waitForFunction(() => {
      const i = document.querySelector('input[type="search"]');
      const res = document.querySelector('[data-search-results]');
      return res.dataset.seq === i.dataset.seq && ['results', 'empty', 'error'].includes(res.dataset.state);
    });
    // A second, warm query on the same page: the index is cached by then.
    const ms = await page.evaluate(() => Number(document.querySelector('[data-search-results]').dataset.ms));
    await page.fill('input[type="search"]', text + ' ');
    await page.waitForFunction(() => {
      const i = document.querySelector('input[type="search"]');
      const res = document.querySelector('[data-search-results]');
      return res.dataset.seq === i.dataset.seq && res.dataset.state !== 'loading';
    });
    const warm = await page.evaluate(() => Number(document.querySelector('[data-search-results]').dataset.ms));
    const first = await page.locator('[data-search-results] [role="option"]').first().getAttribute('data-id').catch(() => null);
    rows.push({ bytes, gz, ms, warm, requests, ok: first === target.id, ...kinds });
    await page.close();
  }
  site.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(join(site.dir, '..'), { recursive: true, force: true });
  const avg = (k) => rows.reduce((a, x) => a + x[k], 0) / rows.length;
  const p90 = (k) => rows.map((x) => x[k]).sort((a, b) => a - b)[Math.floor(rows.length * 0.9)];
  return {
    entries: n, shards: manifest.shards, always: manifest.always.length, buildMs,
    indexBytesPerEntry: Math.round(size.raw / n), indexGzBytesPerEntry: Math.round(size.gz / n),
    queryKB: (avg('bytes') / 1024).toFixed(1), queryKBp90: (p90('bytes') / 1024).toFixed(1),
    queryGzKB: (avg('gz') / 1024).toFixed(1), requests: avg('requests').toFixed(1),
    manifestKB: (avg('manifest') / 1024).toFixed(1), shardsKB: (avg('t') / 1024).toFixed(1),
    entriesKB: (avg('e') / 1024).toFixed(1),
    coldMs: avg('ms').toFixed(1), warmMs: avg('warm').toFixed(1), warmMsP90: p90('warm').toFixed(1),
    firstRight: `${rows.filter((x) => x.ok).length}/${rows.length}`,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = process.argv.slice(2).map(Number);
  const browser = await launch();
  for (const n of sizes.length ? sizes : [1000, 10000]) console.log(JSON.stringify(await measure(n, browser)));
  await browser.close();
}
