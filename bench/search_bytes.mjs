// What one search costs a reader: the requests and bytes the search page fetches, in
// Chromium, from opening it to showing the first ten results of each query.
//
//     node bench/search_bytes.mjs SITE_DIR [SEARCH_PAGE] [QUERY ...]
//
// SITE_DIR is a built site (e.g. bench/out/corpus-5000/public); SEARCH_PAGE defaults to
// /en/search/. Each query runs in a fresh browser context (an empty cache), so each line is
// a first search. Bytes are the response bodies as served (the index files are gzipped by
// Pagefind itself; the page, its stylesheet and Pagefind's code are counted uncompressed, as
// a server without compression would send them). Needs the browser checks' packages:
// scripts/install-browser-deps.
import { createRequire } from 'node:module';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const require = createRequire(new URL('../scripts/browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

const [site, page = '/en/search/', ...given] = process.argv.slice(2);
if (!site) {
  console.error('usage: node bench/search_bytes.mjs SITE_DIR [SEARCH_PAGE] [QUERY ...]');
  process.exit(2);
}
const queries = given.length ? given : ['water', 'detention', 'coalition demands'];

const root = path.resolve(site);
const server = http.createServer(async (req, res) => {
  let rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.resolve(root, '.' + rel);
  const body = file.startsWith(root + path.sep) ? await fs.readFile(file).catch(() => null) : null;
  if (!body) return res.writeHead(404).end();
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Content-Length': body.length });
  res.end(body);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

// What a fetched file is, by its name.
const kind = (p) =>
  p.startsWith('/pagefind/') === false ? 'page, style, script'
    : /pagefind(-worker)?\.js$|\.pagefind$/.test(p) ? 'pagefind code'
    : /pagefind-entry\.json$|\.pf_meta$/.test(p) ? 'entries, metadata'
    : /\.pf_index$/.test(p) ? 'index chunks'
    : /\.pf_fragment$/.test(p) ? 'results (fragments)'
    : /\.pf_filter$/.test(p) ? 'filters'
    : 'other';

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
console.log(`| query | results | requests | bytes | ${['page, style, script', 'pagefind code', 'entries, metadata', 'index chunks', 'results (fragments)', 'filters'].join(' | ')} |`);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const query of queries) {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const sizes = {};
  let requests = 0;
  tab.on('response', async (r) => {
    const body = await r.body().catch(() => Buffer.alloc(0));
    const k = kind(new URL(r.url()).pathname);
    sizes[k] = (sizes[k] || 0) + body.length;
    requests++;
  });
  await tab.goto(base + page, { waitUntil: 'load' });
  await tab.locator('#search-q').fill(query);
  await tab.locator('#search-q').press('Enter');
  await tab.locator('#search-results > li').first().waitFor({ state: 'visible', timeout: 30000 });
  await tab.waitForLoadState('networkidle');
  const results = (await tab.locator('#search-status').textContent()).trim();
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  const kb = (n) => `${((n || 0) / 1024).toFixed(0)} KiB`;
  console.log(`| ${query} | ${results} | ${requests} | ${kb(total)} | ${['page, style, script', 'pagefind code', 'entries, metadata', 'index chunks', 'results (fragments)', 'filters'].map((k) => kb(sizes[k])).join(' | ')} |`);
  await context.close();
}
await browser.close();
server.close();
