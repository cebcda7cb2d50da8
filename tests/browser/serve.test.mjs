// `kbgen serve` in a real browser: a page open in headless Chromium reloads
// by itself when its entry file is saved, shows an overlay with the error
// when the file is broken, and drops it when the file is fixed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KBGEN, REPO, launch } from './lib/harness.mjs';

const FIXTURE = join(REPO, 'tests/fixtures/serve/basic');
const ENTRY = 'content/npm/eacces.md';
// Bounded waits: generous for debug builds on a busy machine.
const PATIENCE = 60_000;

let root, server, base, browser;

/** Starts `kbgen serve --port 0` and resolves with the address it prints. */
function startServe(dir) {
  const child = spawn(KBGEN, ['serve', '--port', '0', '--root', dir], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.resume();
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) resolve({ child, base: m[0] });
    });
    child.on('exit', (code) => reject(new Error(`kbgen serve exited ${code}: ${out}`)));
  });
}

function edit(from, to) {
  const p = join(root, ENTRY);
  const text = readFileSync(p, 'utf8');
  assert.ok(text.includes(from), `${ENTRY} has no ${from}`);
  writeFileSync(p, text.replace(from, to));
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'kbgen-serve-'));
  cpSync(FIXTURE, root, { recursive: true });
  ({ child: server, base } = await startServe(root));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.kill('SIGINT');
  rmSync(root, { recursive: true, force: true });
});

test('an open page reloads itself after its file is saved', async () => {
  const page = await browser.newPage();
  await page.goto(`${base}npm/eacces/`);
  await page.locator('h1', { hasText: 'npm ERR! code EACCES' }).waitFor({ timeout: PATIENCE });
  // Mark this page load. Whether or not the page's event stream is open
  // yet, it reloads: a late stream starts with the newer generation.
  await page.evaluate(() => { window.__beforeEdit = true; });

  edit('title: "npm ERR! code EACCES"', 'title: "npm ERR! code EACCES, edited in the editor"');
  await page.locator('h1', { hasText: 'edited in the editor' }).waitFor({ timeout: PATIENCE });
  assert.equal(await page.evaluate(() => window.__beforeEdit), undefined, 'the page was reloaded');
  await page.close();
});

test('a broken file shows the error over the page until it is fixed', async () => {
  const page = await browser.newPage();
  await page.goto(`${base}npm/eacces/`);
  await page.locator('h1', { hasText: 'edited in the editor' }).waitFor({ timeout: PATIENCE });

  edit('updated: 2025-05-05', 'updated: 2025-13-05');
  const overlay = page.locator('#kbgen-error-overlay');
  await overlay.waitFor({ state: 'visible', timeout: PATIENCE });
  const text = await overlay.innerText();
  assert.match(text, /content\/npm\/eacces\.md:6:10/);
  assert.match(text, /month 13/);

  edit('updated: 2025-13-05', 'updated: 2025-05-06');
  await overlay.waitFor({ state: 'detached', timeout: PATIENCE });
  await page.close();
});
