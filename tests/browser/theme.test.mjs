// The default theme in real headless Chromium: every kind of page at a phone
// and a desktop width, in light and dark mode, with no horizontal overflow,
// no console errors, no failed or external requests and no axe-core
// violations; plus the theme toggle, the copy button, pages without
// JavaScript, and search results that appear without moving the page.
// Screenshots go to tests/browser/screenshots/ (not committed; CI keeps them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO, buildAndServe, launch } from './lib/harness.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SHOTS = join(import.meta.dirname, 'screenshots');
const ENTRY = 'ollama/model-not-found-try-pulling/';
const PAGES = {
  home: '',
  category: 'ollama/',
  tag: 'tags/configuration/',
  entry: ENTRY,
  '404': 'no-such-page/',
};
const WIDTHS = [375, 1280];
const SCHEMES = ['light', 'dark'];

let site, stress, browser;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  site = await buildAndServe();
  stress = await buildAndServe(join(REPO, 'tests/fixtures/theme/stress'));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  site?.close();
  stress?.close();
});

/** Opens `path` and records console errors, failed requests and requests
 *  that leave the site. */
async function open(path, options = {}, from = site) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const problems = { console: [], failed: [], external: [] };
  const url = from.base + path;
  page.on('console', (m) => {
    // The 404 page is served with status 404, which Chromium logs.
    const expected404 = path === PAGES['404'] && m.location().url === url;
    if (m.type() === 'error' && !expected404) problems.console.push(m.text());
  });
  page.on('pageerror', (e) => problems.console.push(String(e)));
  page.on('requestfailed', (r) => problems.failed.push(`${r.url()} ${r.failure()?.errorText}`));
  page.on('request', (r) => { if (!r.url().startsWith(from.base)) problems.external.push(r.url()); });
  page.on('response', (r) => {
    const expected404 = r.url() === url && path === PAGES['404'] && r.status() === 404;
    if (r.status() >= 400 && !expected404) problems.failed.push(`${r.url()} ${r.status()}`);
  });
  await page.goto(url, { waitUntil: 'load' });
  return { context, page, problems };
}

async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => (await window.axe.run(document)).violations);
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`);
}

for (const [name, path] of Object.entries(PAGES)) {
  for (const width of WIDTHS) {
    for (const scheme of SCHEMES) {
      test(`${name} page at ${width}px in ${scheme} mode`, async () => {
        const { context, page, problems } = await open(path, {
          viewport: { width, height: 800 },
          colorScheme: scheme,
        });
        await page.screenshot({ path: join(SHOTS, `${name}-${width}-${scheme}.png`), fullPage: true });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.equal(overflow, 0, 'no horizontal overflow');
        const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        assert.equal(bg === 'rgb(255, 255, 255)', scheme === 'light', `page background ${bg} follows ${scheme} mode`);
        assert.deepEqual(await axeViolations(page), [], 'axe-core violations');
        assert.deepEqual(problems, { console: [], failed: [], external: [] });
        await context.close();
      });
    }
  }
}

test('the theme toggle switches modes and remembers the choice', async () => {
  const { context, page } = await open(ENTRY, { colorScheme: 'light' });
  const toggle = page.locator('[data-theme-toggle]');
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  const light = await background();
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  assert.equal(await page.evaluate(() => localStorage.getItem('kbgen-theme')), 'dark');
  assert.notEqual(await background(), light, 'dark colours apply');
  await page.goto(site.base, { waitUntil: 'load' });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark', 'remembered on the next page');
  assert.equal(await page.locator('[data-theme-toggle]').getAttribute('aria-pressed'), 'true');
  assert.notEqual(await background(), light);
  await page.locator('[data-theme-toggle]').click();
  assert.equal(await background(), light, 'back to light');
  await context.close();
});

test('the copy button copies the signature and says so', async () => {
  const { context, page } = await open(ENTRY, { permissions: ['clipboard-read', 'clipboard-write'] });
  const button = page.locator('.copy-button').first();
  const text = await button.getAttribute('data-copy');
  await button.click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), text);
  assert.equal(await button.textContent(), 'Copied');
  assert.equal(await page.locator('[role="status"].copy-status').textContent(), 'Copied to the clipboard');
  assert.deepEqual(await axeViolations(page), [], 'the announcement sits inside a landmark');
  await context.close();
});

test('without JavaScript the signature is plain selectable text and JS-only buttons stay hidden', async () => {
  const { context, page } = await open(ENTRY, { javaScriptEnabled: false });
  assert.equal(await page.locator('.copy-button').first().isVisible(), false);
  assert.equal(await page.locator('[data-theme-toggle]').isVisible(), false);
  const sig = page.locator('.sig-text').first();
  assert.equal(await sig.evaluate((el) => getComputedStyle(el).userSelect), 'auto');
  assert.match(await sig.textContent(), /not found, try pulling it first/);
  const size = await sig.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(size >= 16, `signature text is large (${size}px)`);
  await context.close();
});

// The real search box (search.js) on real pastes: results overlay the page
// instead of pushing it down, fit the viewport, are reachable from the
// keyboard, and pass axe-core in both modes.
const PASTE = 'ollama._types.ResponseError: model "llama3.2:8b" not found, try pulling it first (status code: 404)';
for (const [name, path, width, scheme] of [
  ['home', '', 375, 'light'], ['home', '', 1280, 'dark'],
  ['entry', ENTRY, 1280, 'light'], ['entry', ENTRY, 375, 'dark'], ['404', PAGES['404'], 375, 'light'],
]) {
  test(`search results appear on the ${name} page at ${width}px in ${scheme} mode without moving anything`, async () => {
    const { context, page, problems } = await open(path, { viewport: { width, height: 800 }, colorScheme: scheme });
    const boxes = () => page.evaluate(() => [...document.querySelectorAll('main > *, main h1, .site-footer')]
      .map((el) => { const r = el.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }));
    const beforeBoxes = await boxes();
    const input = page.locator('input[type="search"]');
    await input.fill(PASTE);
    await page.locator('.search-result').first().waitFor();
    assert.deepEqual(await boxes(), beforeBoxes, 'no layout shift');
    const results = await page.locator('[data-search-results]').boundingBox();
    assert.ok(results.height > 50, 'results are shown');
    assert.ok(results.x >= 0 && results.x + results.width <= width, 'results fit the viewport');
    assert.match(await page.locator('.search-result').first().getAttribute('href'), /model-not-found-try-pulling/);
    await input.press('ArrowDown');
    await page.screenshot({ path: join(SHOTS, `search-${name}-${width}-${scheme}.png`) });
    await input.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.classList.contains('search-result')), true, 'Tab reaches the results');
    assert.deepEqual(await axeViolations(page), [], 'axe-core violations with results open');
    await input.fill('zzqx wvvq nothing like any error');
    await page.locator('.search-status:not(:empty)').waitFor();
    assert.deepEqual(await boxes(), beforeBoxes, 'no layout shift for the no-match message');
    assert.deepEqual(problems, { console: [], failed: [], external: [] });
    await context.close();
  });
}

test('no page of the bundled KB overflows sideways at 320px', async () => {
  const index = JSON.parse(readFileSync(join(site.dir, 'api/errors.json'), 'utf8'));
  const paths = ['', 'tags/', ...new Set(index.entries.flatMap((e) => [`${e.category}/`, `${e.id}/`]))];
  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  const wide = [];
  for (const path of paths) {
    await page.goto(site.base + path, { waitUntil: 'load' });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) wide.push(`${path}: ${overflow}px`);
  }
  assert.ok(paths.length > 50, `checked ${paths.length} pages`);
  assert.deepEqual(wide, []);
  await context.close();
});

// Long unbroken titles, signatures, paths and URLs, tables, blockquotes,
// deeper headings, and entries with and without the optional parts.
const STRESS = {
  home: '',
  category: 'edge-cases/',
  tag: 'tags/a-tag-with-a-rather-long-name-that-keeps-going/',
  'every-block': 'edge-cases/every-block/',
  minimal: 'edge-cases/minimal/',
};
for (const [name, path] of Object.entries(STRESS)) {
  test(`stress fixture: ${name} page fits 320px and 1280px in both modes`, async () => {
    for (const width of [320, 1280]) {
      for (const scheme of SCHEMES) {
        const { context, page, problems } = await open(path, { viewport: { width, height: 800 }, colorScheme: scheme }, stress);
        await page.screenshot({ path: join(SHOTS, `stress-${name}-${width}-${scheme}.png`), fullPage: true });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.equal(overflow, 0, `no horizontal overflow at ${width}px`);
        assert.deepEqual(await axeViolations(page), [], `axe-core violations at ${width}px in ${scheme} mode`);
        assert.deepEqual(problems, { console: [], failed: [], external: [] });
        await context.close();
      }
    }
  });
}

test('a site re-themes through CSS variables in a head.html override (docs/theming.md)', async () => {
  const themed = await buildAndServe(join(REPO, 'tests/fixtures/theme/override'));
  try {
    const modes = [['light', 'rgb(138, 63, 252)', 'rgb(218, 30, 40)'], ['dark', 'rgb(190, 149, 255)', 'rgb(255, 131, 137)']];
    for (const [scheme, link, line] of modes) {
      const { context, page, problems } = await open('demo/example-error/', { colorScheme: scheme }, themed);
      const style = (sel, prop) => page.locator(sel).first().evaluate((el, p) => getComputedStyle(el)[p], prop);
      assert.equal(await style('.breadcrumb a', 'color'), link, `${scheme} link colour`);
      assert.equal(await style('.signature', 'borderLeftColor'), line, `${scheme} signature colour`);
      assert.equal(await style('.signature', 'borderTopLeftRadius'), '2px', 'non-colour variables apply in both modes');
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(problems, { console: [], failed: [], external: [] });
      await context.close();
    }
  } finally {
    themed.close();
  }
});

test('every element reached with Tab shows a focus ring, starting with the skip link', async () => {
  for (const path of ['', ENTRY]) {
    const { context, page } = await open(path, { viewport: { width: 1280, height: 800 } });
    const seen = [];
    for (let i = 0; i < 150; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body || el.dataset.tabbed) return null;
        el.dataset.tabbed = 'yes';
        // A card shows the ring on itself when its stretched link has focus.
        const ring = [el, el.closest('.card, .category-card')].filter(Boolean)
          .some((x) => { const s = getComputedStyle(x); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; });
        const r = el.getBoundingClientRect();
        return { what: el.outerHTML.slice(0, 60), ring, visible: r.width > 0 && r.height > 0 && r.bottom > 0 };
      });
      if (!f) break;
      seen.push(f);
    }
    assert.match(seen[0].what, /skip-link/, 'the skip link comes first');
    assert.ok(seen.length > 20, `${path}: tabbed through ${seen.length} elements`);
    assert.deepEqual(seen.filter((f) => !f.ring || !f.visible), [], `${path}: focus is visible`);
    await context.close();
  }
});
