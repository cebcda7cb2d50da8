// The search box of the built bundled KB, in headless Chromium: every shared
// test vector (tests/lookup_vectors.json) gives the same first result as
// `kbgen lookup`, and the box works from the keyboard, from a shared ?q= URL,
// on entry and 404 pages, and says so when nothing matches.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAndServe, launch, kbgen, REPO } from './lib/harness.mjs';

const { vectors } = JSON.parse(readFileSync(join(REPO, 'tests/lookup_vectors.json'), 'utf8'));

let site, browser;
before(async () => {
  site = await buildAndServe();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  site?.close();
});

/** The ranking of `kbgen lookup --json`: "id match score" per result
 *  (partial scores as the integer out of 10000 the index holds). */
function cliRanking(text) {
  const r = kbgen(['--root', REPO, 'lookup', '--json', '--limit', '10'], { input: text, allowFail: true });
  assert.equal(r.status, JSON.parse(r.stdout).length ? 0 : 1, `kbgen lookup exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout).map((x) =>
    `${x.id} ${x.match} ${x.match === 'full' ? x.score : Math.round(x.score * 10000)}`);
}

/** The same for the search box's results. */
async function boxRanking(page) {
  const ids = await resultIds(page);
  const opts = await page.locator('[data-search-results] [role="option"]').evaluateAll(
    (as) => as.map((a) => `${a.dataset.match} ${a.dataset.score}`),
  );
  return ids.map((id, i) => `${id} ${opts[i]}`);
}

/** Waits until the results show the search for the input's current value. */
async function settled(page) {
  await page.waitForFunction(() => {
    const input = document.querySelector('input[type="search"]');
    const res = document.querySelector('[data-search-results]');
    return res.dataset.seq === input.dataset.seq && ['results', 'empty', 'idle', 'error'].includes(res.dataset.state);
  });
}

/** Pastes text into the search box the way a clipboard paste arrives. */
async function paste(page, text) {
  await page.evaluate((t) => {
    const input = document.querySelector('input[type="search"]');
    input.focus();
    input.select();
    const data = new DataTransfer();
    data.setData('text/plain', t);
    input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
  await settled(page);
}

/** The entry ids of the result links, best first. */
async function resultIds(page) {
  const hrefs = await page.locator('[data-search-results] a[href]').evaluateAll(
    (as) => as.filter((a) => a.getAttribute('role') === 'option').map((a) => a.href),
  );
  return hrefs.map((h) => h.slice(site.base.length).replace(/\/$/, ''));
}

test('every test vector: the search box ranks like kbgen lookup, expected entry first', async () => {
  const page = await browser.newPage();
  await page.goto(site.base);
  const wrong = [];
  for (const v of vectors) {
    const cli = cliRanking(v.text);
    if (v.text.includes('\n')) {
      await paste(page, v.text);
    } else {
      await page.fill('input[type="search"]', v.text);
      await settled(page);
    }
    const box = await boxRanking(page);
    const first = box.length ? box[0].split(' ')[0] : null;
    if (first !== v.expect) wrong.push(`${v.name}: first ${first}, expected ${v.expect}`);
    if (box.join('\n') !== cli.join('\n')) wrong.push(`${v.name}: box [${box}] but cli [${cli}]`);
  }
  assert.deepEqual(wrong, []);
  await page.close();
});

test('a full match shows the signature with the pasted values, as pasted', async () => {
  const page = await browser.newPage();
  await page.goto(site.base);
  await paste(page, 'Traceback (most recent call last):\n  File "x.py", line 3\nollama._types.ResponseError: model "Mistral:Latest" not found, try pulling it first');
  const first = page.locator('[data-search-results] [role="option"]').first();
  assert.equal(await first.getAttribute('data-match'), 'full');
  assert.equal(await first.locator('mark').textContent(), 'Mistral:Latest');
  assert.equal(await first.locator('.search-result-category').textContent(), 'Ollama');
  assert.equal(await first.locator('code').textContent(), 'model "Mistral:Latest" not found, try pulling it first');
  await page.close();
});

test('arrow keys and Enter open a result', async () => {
  const page = await browser.newPage();
  await page.goto(site.base);
  await page.fill('input[type="search"]', 'Error: listen tcp 127.0.0.1:11434: bind: address already in use');
  await settled(page);
  const ids = await resultIds(page);
  assert.ok(ids.length >= 2, `want two results, got ${ids}`);
  const input = page.locator('input[type="search"]');
  assert.equal(await input.getAttribute('role'), 'combobox');
  assert.equal(await input.getAttribute('aria-expanded'), 'true');
  await input.press('ArrowDown');
  await input.press('ArrowDown');
  const active = await input.getAttribute('aria-activedescendant');
  assert.equal(await page.locator(`#${active}`).getAttribute('aria-selected'), 'true');
  await Promise.all([page.waitForURL(site.base + ids[1] + '/'), input.press('Enter')]);
  await page.close();
});

test('the query is kept in the URL and a ?q= link runs the search', async () => {
  const page = await browser.newPage();
  await page.goto(site.base);
  const text = 'fatal: refusing to merge unrelated histories';
  await page.fill('input[type="search"]', text);
  await settled(page);
  assert.equal(new URL(page.url()).searchParams.get('q'), text);
  const shared = await browser.newPage();
  await shared.goto(page.url());
  await settled(shared);
  assert.equal(await shared.inputValue('input[type="search"]'), text);
  assert.deepEqual((await resultIds(shared)).slice(0, 1), ['git/refusing-to-merge-unrelated-histories']);
  await shared.close();
  await page.close();
});

test('no match: says so and links to adding an entry', async () => {
  const page = await browser.newPage();
  await page.goto(site.base);
  await page.fill('input[type="search"]', 'KeyError: \'user\'');
  await settled(page);
  assert.equal(await page.locator('[data-search-results]').getAttribute('data-state'), 'empty');
  assert.deepEqual(await resultIds(page), []);
  const add = page.locator('[data-search-results] a.search-contribute');
  assert.equal(await add.getAttribute('href'), 'https://github.com/kbgen/kbgen/new/main/content/');
  await page.close();
});

test('search works from an entry page and from the 404 page', async () => {
  const page = await browser.newPage();
  const fetched = [];
  page.on('request', (r) => fetched.push(r.url()));
  for (const url of [site.base + 'git/dubious-ownership/', site.base + 'no/such/page/']) {
    await page.goto(url);
    await page.fill('input[type="search"]', 'ERROR: No matching distribution found for torch==9.9');
    await settled(page);
    assert.deepEqual((await resultIds(page)).slice(0, 1), ['pip/no-matching-distribution'], url);
  }
  const outside = fetched.filter((u) => !u.startsWith(site.base));
  assert.deepEqual(outside, []);
  await page.close();
});

test('a one-megabyte paste is searched and the error at its end found', async () => {
  const page = await browser.newPage();
  await page.goto(site.base);
  const text = 'model "x" not found, try again\n'.repeat(33_000) +
    'ollama._types.ResponseError: model "llama3" not found, try pulling it first\n';
  await paste(page, text);
  assert.deepEqual((await resultIds(page)).slice(0, 1), ['ollama/model-not-found-try-pulling']);
  assert.equal(new URL(page.url()).searchParams.get('q'), null, 'a huge paste is not put in the URL');
  await page.close();
});

test('the results pass axe-core', async () => {
  const page = await browser.newPage();
  await page.goto(site.base);
  await page.fill('input[type="search"]', 'error: failed to push some refs to \'origin\'');
  await settled(page);
  await page.locator('input[type="search"]').press('ArrowDown');
  await page.addScriptTag({ path: join(import.meta.dirname, 'node_modules/axe-core/axe.min.js') });
  const { violations } = await page.evaluate(() => window.axe.run('form[data-search]'));
  assert.deepEqual(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`), []);
  await page.close();
});
