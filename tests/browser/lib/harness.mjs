// Shared harness for the browser tests: build a kbgen site with the real
// binary, serve it from 127.0.0.1 under a sub-path, and drive Debian's
// Chromium through playwright-core (never a downloaded browser).
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname, resolve, normalize } from 'node:path';
import { chromium } from 'playwright-core';

export const REPO = resolve(import.meta.dirname, '../../..');
export const KBGEN = process.env.KBGEN_BIN
  ? resolve(process.env.KBGEN_BIN)
  : join(REPO, 'target/debug/kbgen');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Serves `dir` at `mount` (e.g. "/kb/") like a static host: directories
 *  give their index.html, unknown paths the site's 404.html with status 404. */
export function serveDir(dir, mount = '/kb/') {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (!url.pathname.startsWith(mount)) {
      res.writeHead(404).end('outside the site');
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(mount.length));
    let file = normalize(join(dir, rel));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
      res.end(body);
    } catch {
      const nf = join(dir, '404.html');
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      res.end(existsSync(nf) ? readFileSync(nf) : 'not found');
    }
  });
  return new Promise((ok) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      ok({ server, port, base: `http://127.0.0.1:${port}${mount}` });
    });
  });
}

/** Runs the kbgen binary; throws with its output when it fails. */
export function kbgen(args, opts = {}) {
  const r = spawnSync(KBGEN, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0 && !opts.allowFail) {
    throw new Error(`kbgen ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

/** Builds the KB at `root` (default: the bundled one) and serves it under
 *  /kb/ with a matching base URL. Returns { base, dir, close }. */
export async function buildAndServe(root = REPO, mount = '/kb/') {
  const dir = mkdtempSync(join(tmpdir(), 'kbgen-site-'));
  const out = join(dir, 'public');
  // Listen first so the base URL can carry the real port.
  const srv = await serveDir(out, mount);
  kbgen(['--root', root, 'build', '-o', out, '--base-url', srv.base]);
  return { base: srv.base, dir: out, close: () => srv.server.close() };
}

/** Launches Debian's Chromium headless, with the flags this sandbox needs. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
