// The built bundled KB loads in a real browser under a sub-path, and every
// asset it asks for is served.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildAndServe, launch } from './lib/harness.mjs';

let site, browser;
before(async () => {
  site = await buildAndServe();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  site?.close();
});

test('home page loads with no failed requests and a search box', async () => {
  const page = await browser.newPage();
  const failed = [];
  page.on('response', (r) => { if (r.status() >= 400) failed.push(r.url()); });
  page.on('requestfailed', (r) => failed.push(r.url()));
  await page.goto(site.base);
  assert.equal(await page.locator('input[type="search"]').count(), 1);
  assert.equal(await page.locator('[data-search-results]').count(), 1);
  assert.deepEqual(failed, []);
  await page.close();
});
