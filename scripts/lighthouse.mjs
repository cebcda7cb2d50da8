// Driver for scripts/lighthouse: builds and serves the bundled KB on
// 127.0.0.1 with the browser-test harness, runs the Lighthouse CLI on each
// page with mobile and desktop settings, prints the scores and the audits
// that failed, and exits 1 when any category scores below 100.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAndServe } from '../tests/browser/lib/harness.mjs';

const CATEGORIES = ['accessibility', 'best-practices', 'seo'];
const paths = process.argv.slice(2);
const pages = paths.length ? paths : ['ollama/model-not-found-try-pulling/', ''];
const out = mkdtempSync(join(tmpdir(), 'kbgen-lighthouse-'));
const site = await buildAndServe();
let ok = true;
try {
  for (const path of pages) {
    for (const preset of ['mobile', 'desktop']) {
      const report = join(out, `${preset}-${path.replace(/\W+/g, '_') || 'home'}.json`);
      const args = [
        site.base + path,
        `--only-categories=${CATEGORIES.join(',')}`,
        '--output=json', `--output-path=${report}`, '--quiet',
        '--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage',
        ...(preset === 'desktop' ? ['--preset=desktop'] : []),
      ];
      // Asynchronous: the site is served from this process.
      const status = await new Promise((done) => {
        spawn(process.env.LIGHTHOUSE, args, { stdio: 'inherit' }).on('exit', done);
      });
      if (status !== 0) throw new Error(`lighthouse exited ${status}`);
      const lhr = JSON.parse(readFileSync(report, 'utf8'));
      const scores = CATEGORIES.map((c) => `${c} ${Math.round(lhr.categories[c].score * 100)}`);
      console.log(`/${path} (${preset}, Lighthouse ${lhr.lighthouseVersion}): ${scores.join(', ')}`);
      for (const c of CATEGORIES) {
        for (const ref of lhr.categories[c].auditRefs) {
          const a = lhr.audits[ref.id];
          if (ref.weight > 0 && a.score !== null && a.score < 1) {
            ok = false;
            console.log(`  ${c}: ${a.id}: ${a.title}`);
          }
        }
      }
    }
  }
} finally {
  site.close();
}
process.exit(ok ? 0 : 1);
