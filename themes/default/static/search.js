// The search page of the default theme: Pagefind's browser API over the index that
// `undersigned build` writes to /pagefind/. Loaded as a module from the page (no inline
// script, so a Content-Security-Policy of `script-src 'self' 'wasm-unsafe-eval'` holds).
// The page says in its own markup where the index is and what to write: the form's
// data-bundle (pagefind.js), data-results (plural forms of the count), data-none,
// data-failed and data-searching. Override this file in your theme to change the UI.

const form = document.getElementById('search-form');
const input = document.getElementById('search-q');
const status = document.getElementById('search-status');
const list = document.getElementById('search-results');
const selects = [...form.querySelectorAll('select[data-filter]')];
const lang = document.documentElement.lang;
const forms = JSON.parse(form.dataset.results || '{}');
const plural = new Intl.PluralRules(lang);
let pagefind = null;
let latest = 0;
let timer = 0;

// "3 statements found", by the language's plural rules.
const counted = (n) => (forms[plural.select(n)] || forms.other || '{n}').replace('{n}', n.toLocaleString(lang));

// An excerpt with Pagefind's <mark>s kept and nothing else: parsed inertly, rebuilt from text.
function excerpt(html) {
  const p = document.createElement('p');
  p.className = 'excerpt';
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html').body;
  for (const node of parsed.childNodes) {
    if (node.nodeName === 'MARK') {
      const mark = document.createElement('mark');
      mark.textContent = node.textContent;
      p.append(mark);
    } else {
      p.append(node.textContent);
    }
  }
  return p;
}

function result(data) {
  const li = document.createElement('li');
  const h2 = document.createElement('h2');
  const a = document.createElement('a');
  a.href = data.url;
  a.textContent = data.meta.title || data.url;
  h2.append(a);
  li.append(h2);
  if (data.meta.date) {
    const meta = document.createElement('p');
    meta.className = 'meta';
    const time = document.createElement('time');
    if (data.meta.iso) time.dateTime = data.meta.iso;
    time.textContent = data.meta.date;
    meta.append(time);
    li.append(meta);
  }
  li.append(excerpt(data.excerpt || ''));
  return li;
}

function filters() {
  const chosen = {};
  for (const s of selects) if (s.value) chosen[s.dataset.filter] = s.value;
  return chosen;
}

async function run() {
  const query = input.value.trim();
  const chosen = filters();
  const url = new URL(location.href);
  url.search = '';
  if (query) url.searchParams.set('q', query);
  for (const [k, v] of Object.entries(chosen)) url.searchParams.set(k, v);
  history.replaceState(null, '', url);
  const id = ++latest;
  if (!query && Object.keys(chosen).length === 0) {
    list.replaceChildren();
    status.textContent = '';
    return;
  }
  status.textContent = form.dataset.searching;
  try {
    pagefind ??= await import(form.dataset.bundle);
    const search = await pagefind.search(query || null, { filters: chosen });
    // The first 10, in order; a newer search replaces this one.
    const shown = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
    if (id !== latest) return;
    list.replaceChildren(...shown.map(result));
    status.textContent = search.results.length ? counted(search.results.length) : form.dataset.none;
  } catch (e) {
    if (id !== latest) return;
    list.replaceChildren();
    status.textContent = form.dataset.failed;
    console.error(e);
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  clearTimeout(timer);
  run();
});
input.addEventListener('input', () => {
  clearTimeout(timer);
  timer = setTimeout(run, 300);
});
for (const s of selects) s.addEventListener('change', run);

// A shared address (?q=…&topic=…) searches at once.
const params = new URLSearchParams(location.search);
input.value = params.get('q') || '';
for (const s of selects) {
  const wanted = params.get(s.dataset.filter);
  if (wanted && [...s.options].some((o) => o.value === wanted)) s.value = wanted;
}
form.hidden = false;
if (input.value || Object.keys(filters()).length) run();
