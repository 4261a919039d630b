// Browser-based quality checks of a built undersigned site (default theme).
//
//   node scripts/browser/check.mjs SITE_DIR SCREENSHOT_DIR [STATEMENT_PATH OTHER_PATH...]
//
// With paths after the two folders (another site than the example, such as the Arabic one
// scripts/test builds), axe runs on those pages instead, and the screenshots are of the first.
//
// 1. Nu HTML Checker (vnu.jar from the vnu-jar package, run with the system `java`) over
//    every .html file of SITE_DIR: one check per file.
// 2. axe-core in Debian's Chromium (/usr/bin/chromium, driven by playwright-core) on every
//    page type in both languages at phone (375x812) and desktop (1280x900) widths: one check
//    per page x width. SITE_DIR is served by a small HTTP server on 127.0.0.1.
// 3. Search: on each language's search page, a query typed and sent finds a known
//    statement (Spanish by another form of the word: the index is stemmed), then axe-core
//    runs on the page with its results shown, at both widths. `--search=PAGE|QUERY|URL`
//    arguments (any number) replace the example site's searches.
// 4. Screenshots of the English seed statement (phone, desktop, print, dark) into
//    SCREENSHOT_DIR, and that page's weight (HTML + CSS bytes, uncompressed).
// 5. The site's own `_headers` (Content-Security-Policy and the rest), sent by the server with
//    every answer as Netlify or Cloudflare Pages would: every page of step 2 is loaded under
//    it, and any violation the browser reports fails the page (axe itself, injected into the
//    page, runs with the policy bypassed).
// 6. A closing line `browser-checks: N passed, M failed`; exit status 1 if any check failed.
//
// Install the dependencies with scripts/install-browser-deps.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { promises as fs, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const VNU_JAR = String(require('vnu-jar'));
const AXE_PATH = require.resolve('axe-core/axe.min.js');
// Evaluated through the DevTools protocol, which a page's Content-Security-Policy does not
// govern: the search is checked with axe under the site's own policy, as readers get it.
const AXE_SOURCE = readFileSync(AXE_PATH, 'utf8');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const WIDTHS = [
  { name: 'phone', width: 375, height: 812 },
  { name: 'desktop', width: 1280, height: 900 },
];
// One page of every type, in both languages.
let PAGES = [
  '/',
  '/en/',
  '/es/',
  '/en/statements/national-guard-migration-enforcement/',
  '/es/declaraciones/guardia-nacional-control-migratorio/',
  // A statement with a wide table, an addressee and a note cited twice.
  '/en/statements/shelter-funding-cuts/',
  '/es/declaraciones/recortes-financiamiento-albergues/',
  '/es/declaraciones/court-ruling-asylum-access/',
  '/en/signatories/',
  '/es/signatories/exodo-ejemplo/',
  '/en/about/',
  '/es/acerca/',
  '/404.html',
  '/en/search/',
  '/es/buscar/',
];
let SEED_STATEMENT = '/en/statements/national-guard-migration-enforcement/';
// Search page, query, a statement the results must link to.
let SEARCHES = [
  // "denunciar" is in no statement: "denuncian" and "Denunciamos" are, with the same stem.
  ['/es/buscar/', 'denunciar', '/es/declaraciones/guardia-nacional-control-migratorio/'],
  ['/en/search/', 'urging deployment', '/en/statements/national-guard-migration-enforcement/'],
];
const NAV_TIMEOUT_MS = 20_000;

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.pdf': 'application/pdf',
};

let passed = 0;
let failed = 0;
const record = (ok) => (ok ? passed++ : failed++);

function usage() {
  console.error('usage: node scripts/browser/check.mjs SITE_DIR SCREENSHOT_DIR [STATEMENT_PATH OTHER_PATH...] [--search=PAGE|QUERY|URL...]');
  process.exit(2);
}

async function htmlFiles(dir) {
  const out = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await htmlFiles(p)));
    else if (entry.isFile() && entry.name.endsWith('.html')) out.push(p);
  }
  return out.sort();
}

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// --- 1. Nu HTML Checker -------------------------------------------------------------------

async function checkHtml(siteDir) {
  const files = await htmlFiles(siteDir);
  console.log(`== Nu HTML Checker: ${files.length} files`);
  if (files.length === 0) {
    console.log('no .html files found');
    record(false);
    return 0;
  }
  const { code, stdout, stderr } = await run('java', [
    '-jar', VNU_JAR, '--errors-only', '--format', 'json', ...files,
  ]);
  let report;
  try {
    report = JSON.parse(stderr || stdout);
  } catch {
    console.log(`vnu did not report JSON (exit ${code}):\n${stderr}${stdout}`);
    record(false);
    return 1;
  }
  const byFile = new Map(files.map((f) => [f, []]));
  const other = [];
  for (const m of report.messages || []) {
    const file = m.url ? fileURLToPath(m.url) : null;
    if (m.type === 'info') continue;
    if (file && byFile.has(file)) byFile.get(file).push(m);
    else other.push(m);
  }
  let errors = 0;
  for (const [file, messages] of byFile) {
    const rel = path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file);
    for (const m of messages) {
      const line = m.lastLine ?? m.firstLine ?? 0;
      const col = m.firstColumn ?? m.lastColumn ?? 0;
      console.log(`${rel}:${line}:${col}: ${m.message}`);
      errors++;
    }
    record(messages.length === 0);
  }
  for (const m of other) {
    console.log(`${m.url || '(vnu)'}: ${m.type}: ${m.message}`);
    errors++;
  }
  if (other.length) record(false);
  console.log(`vnu: ${errors} error(s) in ${[...byFile.values()].filter((v) => v.length).length} of ${files.length} file(s)`);
  return errors;
}

// --- 2. a static file server ----------------------------------------------------------------

/// The rules of SITE_DIR/_headers (Netlify / Cloudflare Pages format): a path pattern (`*`
/// matches anything) and its headers; none when there is no such file.
async function headerRules(root) {
  const text = await fs.readFile(path.join(root, '_headers'), 'utf8').catch(() => '');
  const rules = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    if (/^\s/.test(line)) {
      const at = line.indexOf(':');
      if (rules.length && at > 0) rules[rules.length - 1].headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    } else {
      const pattern = new RegExp('^' + line.trim().split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
      rules.push({ pattern, headers: {} });
    }
  }
  return rules;
}

function serve(siteDir, rules) {
  const root = path.resolve(siteDir);
  const headersFor = (pathname) => Object.assign({}, ...rules.filter((r) => r.pattern.test(pathname)).map((r) => r.headers));
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      let rel = decodeURIComponent(url.pathname);
      if (rel.endsWith('/')) rel += 'index.html';
      const file = path.resolve(root, '.' + rel);
      if (file !== root && !file.startsWith(root + path.sep)) {
        res.writeHead(403).end('forbidden');
        return;
      }
      let stat = await fs.stat(file).catch(() => null);
      if (stat && stat.isDirectory()) {
        res.writeHead(301, { Location: url.pathname + '/' }).end();
        return;
      }
      if (!stat) {
        const body = await fs.readFile(path.join(root, '404.html')).catch(() => 'not found');
        res.writeHead(404, { ...headersFor(url.pathname), 'Content-Type': CONTENT_TYPES['.html'] }).end(body);
        return;
      }
      const type = CONTENT_TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
      const body = await fs.readFile(file);
      res.writeHead(200, { 'Cache-Control': 'no-store', ...headersFor(url.pathname), 'Content-Type': type, 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// --- 3. axe-core ----------------------------------------------------------------------------

async function checkAxe(browser, base) {
  console.log(`\n== axe-core ${require('axe-core/package.json').version} (${AXE_TAGS.join(', ')}): ${PAGES.length} pages x ${WIDTHS.length} widths`);
  let violations = 0;
  let nodes = 0;
  for (const w of WIDTHS) {
    // axe is injected as a script of the page, which the site's policy forbids.
    const context = await browser.newContext({ viewport: { width: w.width, height: w.height }, bypassCSP: true });
    const page = await context.newPage();
    page.setDefaultTimeout(NAV_TIMEOUT_MS);
    for (const p of PAGES) {
      const where = `${p} @ ${w.name} ${w.width}px`;
      try {
        const response = await page.goto(base + p, { waitUntil: 'load' });
        if (!response || !response.ok()) {
          console.log(`${where}: HTTP ${response ? response.status() : 'no response'}`);
          record(false);
          continue;
        }
        await page.addScriptTag({ path: AXE_PATH });
        const result = await page.evaluate(
          (tags) => window.axe.run(document, {
            runOnly: { type: 'tag', values: tags },
            resultTypes: ['violations'],
          }),
          AXE_TAGS,
        );
        for (const v of result.violations) {
          violations++;
          nodes += v.nodes.length;
          console.log(`${where}: ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})`);
          for (const n of v.nodes) {
            const summary = (n.failureSummary || '').split('\n').slice(1).map((s) => s.trim()).filter(Boolean)[0];
            console.log(`    ${n.target.join(' ')}${summary ? ` — ${summary}` : ''}`);
          }
        }
        record(result.violations.length === 0);
      } catch (e) {
        console.log(`${where}: ${e.message.split('\n')[0]}`);
        record(false);
      }
    }
    await context.close();
  }
  console.log(`axe: ${violations} violation(s) (${nodes} element(s))`);
  return violations;
}

// --- 3b. search -------------------------------------------------------------------------------

async function axeViolations(page, where) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  for (const v of result.violations) {
    console.log(`${where}: ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes) console.log(`    ${n.target.join(' ')}`);
  }
  return result.violations.length;
}

async function checkSearch(browser, base) {
  console.log(`\n== search: ${SEARCHES.length} queries x ${WIDTHS.length} widths, axe with the results shown`);
  let failures = 0;
  for (const w of WIDTHS) {
    const context = await browser.newContext({ viewport: { width: w.width, height: w.height } });
    const page = await context.newPage();
    page.setDefaultTimeout(NAV_TIMEOUT_MS);
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    for (const [path, query, expected] of SEARCHES) {
      const where = `${path} "${query}" @ ${w.name}`;
      errors.length = 0;
      try {
        await page.goto(base + path, { waitUntil: 'load' });
        // The form is shown by the script: typed in and sent from the keyboard.
        await page.locator('#search-q').fill(query);
        await page.locator('#search-q').press('Enter');
        await page.locator(`#search-results a[href="${expected}"]`).waitFor({ state: 'visible' });
        const status = (await page.locator('#search-status').textContent()).trim();
        const count = await page.locator('#search-results > li').count();
        const excerpt = await page.locator('#search-results .excerpt mark').count();
        const violations = await axeViolations(page, where);
        const ok = violations === 0 && status !== '' && count > 0 && excerpt > 0 && errors.length === 0;
        console.log(`${where}: ${count} result(s), "${status}", ${excerpt} highlight(s), ${violations} axe violation(s)${errors.length ? `, errors: ${errors.join('; ')}` : ''}`);
        record(ok);
        if (!ok) failures++;
      } catch (e) {
        console.log(`${where}: ${e.message.split('\n')[0]}${errors.length ? ` (page errors: ${errors.join('; ')})` : ''}`);
        record(false);
        failures++;
      }
    }
    await context.close();
  }
  return failures;
}


// --- 5. the site's Content-Security-Policy -------------------------------------------------

async function checkPolicy(browser, base, rules) {
  console.log(`\n== the headers of _headers, Content-Security-Policy enforced: ${PAGES.length} pages`);
  if (!rules.length) {
    console.log('no _headers in the site: nothing to check');
    return;
  }
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(NAV_TIMEOUT_MS);
  let refused = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) refused.push(m.text());
  });
  for (const p of PAGES) {
    refused = [];
    try {
      const response = await page.goto(base + p, { waitUntil: 'load' });
      const policy = response && response.headers()['content-security-policy'];
      if (!policy) refused.push('no Content-Security-Policy header');
    } catch (e) {
      refused.push(e.message.split('\n')[0]);
    }
    for (const r of refused) console.log(`${p}: ${r}`);
    record(refused.length === 0);
  }
  await context.close();
}

// --- 4. screenshots and page weight ----------------------------------------------------------

async function screenshots(browser, base, shotDir) {
  console.log(`\n== screenshots of ${SEED_STATEMENT} -> ${shotDir}`);
  await fs.mkdir(shotDir, { recursive: true });
  const url = base + SEED_STATEMENT;
  const shots = [
    { file: 'statement-phone.png', viewport: WIDTHS[0] },
    { file: 'statement-desktop.png', viewport: WIDTHS[1] },
    { file: 'statement-print.png', viewport: WIDTHS[1], media: 'print' },
    { file: 'statement-dark.png', viewport: WIDTHS[0], colorScheme: 'dark' },
  ];
  let weight = null;
  for (const s of shots) {
    const context = await browser.newContext({
      viewport: { width: s.viewport.width, height: s.viewport.height },
      colorScheme: s.colorScheme || 'light',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(NAV_TIMEOUT_MS);
    const responses = [];
    page.on('response', (r) => responses.push(r));
    if (s.media) await page.emulateMedia({ media: s.media });
    await page.goto(url, { waitUntil: 'load' });
    const out = path.join(shotDir, s.file);
    await page.screenshot({ path: out, fullPage: true, animations: 'disabled' });
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    console.log(`${out} (${s.viewport.width}px wide, ${height}px tall${s.media ? `, ${s.media} media` : ''}${s.colorScheme ? `, ${s.colorScheme} scheme` : ''})`);
    if (weight === null) {
      weight = { html: 0, css: 0, other: [] };
      for (const r of responses) {
        const body = await r.body().catch(() => Buffer.alloc(0));
        const type = (r.headers()['content-type'] || '').split(';')[0];
        if (type === 'text/html') weight.html += body.length;
        else if (type === 'text/css') weight.css += body.length;
        else weight.other.push(`${r.url()} (${type}, ${body.length} bytes)`);
      }
    }
    await context.close();
  }
  console.log(`page weight of ${SEED_STATEMENT}: ${weight.html + weight.css} bytes (HTML ${weight.html} + CSS ${weight.css}, uncompressed)`);
  for (const o of weight.other) console.log(`  other resource: ${o}`);
}

// --- main ------------------------------------------------------------------------------------

async function main() {
  const args = process.argv.slice(2);
  const searches = args.filter((a) => a.startsWith('--search=')).map((a) => a.slice('--search='.length).split('|'));
  if (searches.some((s) => s.length !== 3)) usage();
  if (searches.length > 0) SEARCHES = searches;
  const [siteArg, shotArg, ...pages] = args.filter((a) => !a.startsWith('--search='));
  if (!siteArg || !shotArg) usage();
  if (pages.length > 0) {
    PAGES = pages;
    SEED_STATEMENT = pages[0];
  }
  const siteDir = path.resolve(siteArg);
  const shotDir = path.resolve(shotArg);
  if (!(await fs.stat(siteDir).catch(() => null))?.isDirectory()) {
    console.error(`check.mjs: ${siteDir} is not a directory`);
    process.exit(2);
  }
  const started = Date.now();

  const vnuErrors = await checkHtml(siteDir);

  const rules = await headerRules(siteDir);
  const server = await serve(siteDir, rules);
  const base = `http://127.0.0.1:${server.address().port}`;
  let browser;
  let axeViolations = 0;
  let searchFailures = 0;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
    axeViolations = await checkAxe(browser, base);
    searchFailures = await checkSearch(browser, base);
    await checkPolicy(browser, base, rules);
    try {
      await screenshots(browser, base, shotDir);
    } catch (e) {
      console.log(`screenshots: ${e.message.split('\n')[0]}`);
      record(false);
    }
  } catch (e) {
    console.log(`chromium: ${e.message.split('\n')[0]}`);
    record(false);
  } finally {
    if (browser) await browser.close();
    server.close();
  }

  console.log(`\nvnu errors: ${vnuErrors}; axe violations: ${axeViolations}; failed searches: ${searchFailures}; ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`browser-checks: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  console.log(`browser-checks: ${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
