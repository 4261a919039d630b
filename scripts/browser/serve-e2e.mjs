// End-to-end test of `undersigned serve` in Debian's Chromium (driven by playwright-core).
//
//   node scripts/browser/serve-e2e.mjs BINARY SITE_DIR
//       Copies SITE_DIR (site.yaml, signatories.yaml, content/, static/, themes/) to a
//       temporary folder, serves it, and checks in a real browser that: an edit to en.md
//       reloads the open page with the new sentence within 2 s; a broken statement.yaml
//       shows an overlay naming the file and line; fixing it removes the overlay; a new
//       statement folder appears on the index. Ends with `serve-e2e: N passed, M failed`.
//
//   node scripts/browser/serve-e2e.mjs BINARY SITE_DIR --measure PAGE FILE [N]
//       Serves SITE_DIR itself, opens PAGE, and N times (default 5) appends a sentence to
//       FILE (relative to SITE_DIR) and times save → reloaded page showing it. Prints each
//       time and the median. FILE is restored afterwards.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

const [binary, siteDir, mode, ...rest] = process.argv.slice(2);
if (!binary || !siteDir) {
  console.error('usage: serve-e2e.mjs BINARY SITE_DIR [--measure PAGE FILE [N]]');
  process.exit(2);
}

/** Starts `serve --port 0` in `root`; resolves with { child, url } once it says where. */
function startServer(root) {
  return new Promise((resolve, reject) => {
    const child = spawn(path.resolve(binary), ['serve', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = readline.createInterface({ input: child.stdout });
    child.stderr.on('data', (d) => process.stderr.write(`  [serve] ${d}`));
    let first = true;
    lines.on('line', (line) => {
      if (first) {
        first = false;
        const match = line.match(/^serving (http:\/\/\S+)/);
        if (match) resolve({ child, url: match[1] });
        else reject(new Error(`unexpected first line: ${line}`));
      } else {
        console.log(`  [serve] ${line}`);
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
}

/** Polls the page's text (across reloads) until `predicate` holds; returns the elapsed ms. */
async function waitFor(page, predicate, limitMs, what) {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    try {
      const state = await page.evaluate(() => ({
        text: document.body ? document.body.innerText : '',
        overlay: document.getElementById('undersigned-errors')?.innerText ?? null,
      }));
      if (predicate(state)) return Date.now() - started;
    } catch {
      // The page is reloading; ask again.
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
}

async function copySite(from, to) {
  for (const name of ['site.yaml', 'signatories.yaml', 'content', 'static', 'themes']) {
    const source = path.join(from, name);
    try {
      await fs.cp(source, path.join(to, name), { recursive: true });
    } catch (e) {
      if (e.code !== 'ENOENT') throw e;
    }
  }
}

async function e2e() {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'undersigned-e2e-'));
  await copySite(siteDir, root);
  const { child, url } = await startServer(root);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const results = [];
  const check = async (name, body) => {
    try {
      const detail = await body();
      results.push(true);
      console.log(`ok   ${name}${detail ? ` (${detail})` : ''}`);
    } catch (e) {
      results.push(false);
      console.log(`FAIL ${name}: ${e.message}`);
    }
  };
  try {
    const page = await browser.newPage();
    const seed = 'content/statements/national-guard-migration-enforcement';
    await page.goto(`${url}en/statements/national-guard-migration-enforcement/`);
    const en = path.join(root, seed, 'en.md');
    const yaml = path.join(root, seed, 'statement.yaml');

    await check('an edit to en.md reloads the page with the new sentence within 2 s', async () => {
      const text = await fs.readFile(en, 'utf8');
      const changed = text.replace('gravely concerned', 'profoundly alarmed');
      if (changed === text) throw new Error('the seed sentence is not in en.md');
      const saved = Date.now();
      await fs.writeFile(en, changed);
      await waitFor(page, (s) => s.text.includes('profoundly alarmed'), 2000, 'the new sentence');
      return `${Date.now() - saved} ms from save to reloaded page`;
    });

    const goodYaml = await fs.readFile(yaml, 'utf8');
    await check('a broken statement.yaml shows an overlay naming the file and line', async () => {
      await fs.writeFile(yaml, goodYaml.replace('signatories:', 'signatories: ['));
      await waitFor(page, (s) => s.overlay !== null, 5000, 'the overlay');
      const overlay = await page.evaluate(() => document.getElementById('undersigned-errors').innerText);
      if (!/content\/statements\/national-guard-migration-enforcement\/statement\.yaml:\d+:\d+: error: /.test(overlay)) {
        throw new Error(`the overlay does not name the file and line: ${overlay}`);
      }
      const text = await page.evaluate(() => document.body.innerText);
      if (!text.includes('profoundly alarmed')) throw new Error('the last good page is not shown under the overlay');
      return overlay.split('\n').find((l) => l.includes('statement.yaml'));
    });

    await check('fixing it removes the overlay', async () => {
      await fs.writeFile(yaml, goodYaml);
      const ms = await waitFor(page, (s) => s.overlay === null && s.text.includes('profoundly alarmed'), 5000, 'the overlay to go');
      return `${ms} ms`;
    });

    await check('a new statement folder appears on the index', async () => {
      await page.goto(`${url}en/`);
      const dir = path.join(root, 'content/statements/e2e-new-statement');
      await fs.mkdir(dir);
      await fs.writeFile(path.join(dir, 'statement.yaml'), 'date: 2026-01-15\nsignatories: [exodo-ejemplo]\n');
      await fs.writeFile(path.join(dir, 'en.md'), '---\ntitle: A Statement Added While Serving\n---\nNew text.\n');
      const ms = await waitFor(page, (s) => s.text.includes('A Statement Added While Serving'), 5000, 'the new statement');
      return `${ms} ms`;
    });
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    await fs.rm(root, { recursive: true, force: true });
  }
  const passed = results.filter(Boolean).length;
  console.log(`serve-e2e: ${passed} passed, ${results.length - passed} failed`);
  return results.every(Boolean) ? 0 : 1;
}

async function measure(pagePath, file, count) {
  const { child, url } = await startServer(siteDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const target = path.join(siteDir, file);
  const original = await fs.readFile(target, 'utf8');
  const times = [];
  try {
    const page = await browser.newPage();
    await page.goto(`${url}${pagePath}`);
    for (let i = 0; i < count; i++) {
      const marker = `Measured sentence number ${i} ${Date.now()}.`;
      const saved = Date.now();
      await fs.writeFile(target, `${original}\n${marker}\n`);
      await waitFor(page, (s) => s.text.includes(marker), 30000, 'the edit');
      times.push(Date.now() - saved);
      console.log(`save → reloaded page: ${times.at(-1)} ms`);
      await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    await fs.writeFile(target, original);
    await browser.close();
    child.kill('SIGTERM');
  }
  times.sort((a, b) => a - b);
  console.log(`median save → reloaded page: ${times[Math.floor(times.length / 2)]} ms over ${times.length} saves`);
  return 0;
}

const code = mode === '--measure' ? await measure(rest[0], rest[1], Number(rest[2] || 5)) : await e2e();
process.exit(code);
