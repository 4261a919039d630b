//! Every internal link and `#fragment` of a rendered site must resolve.
//!
//! The pages are our own output, so a light scan of `id`, `href` and `src` attributes is
//! enough; no HTML parser is needed. A link that leads to a statement that is not public
//! (a draft, or under embargo) is reported as such, naming both statements, because
//! that is how embargoes leak.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::error::{Diagnostic, Diagnostics, SourceLocation};
use crate::hash::{HashMap, HashSet};
use crate::model::Corpus;
use crate::render::urls::{Urls, output_file};
use crate::render::{RenderOptions, Site, is_public};

/// Why a path of the site is not published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withheld {
    /// The statement's folder name.
    pub id: String,
    /// "a draft" or "under embargo until …".
    pub reason: String,
}

/// What link checks need to know about a site beyond its files.
#[derive(Debug, Clone, Default)]
pub struct LinkScope<'a> {
    /// Absolute URL of the site root, ending with `/`.
    pub base_url: String,
    /// Path of the site root, ending with `/`.
    pub root: String,
    /// Paths of unpublished statements (`en/statements/x/`) and why they are withheld.
    pub withheld: HashMap<String, Withheld>,
    /// The content, to find where a broken link was written (looked up only when there
    /// is one).
    pub sources: Option<&'a Corpus>,
}

/// Checks the links of a site rendered in memory: internal links and anchors, and
/// hreflang sets. With `only`, just the links on those output pages (a preview after one edit).
pub fn check_corpus_links(
    site: &Site,
    corpus: &Corpus,
    options: &RenderOptions,
    only: Option<&HashSet<String>>,
) -> Diagnostics {
    let scope = LinkScope::of(corpus, options);
    let index = LinkIndex::of_site(site, &scope, only);
    let mut diagnostics = check_links(&index, &scope, only);
    if only.is_none() {
        diagnostics.extend(check_hreflang(&index, &scope.base_url));
    }
    diagnostics
}

impl<'a> LinkScope<'a> {
    /// Works out which paths are withheld and which source each page came from.
    pub fn of(corpus: &'a Corpus, options: &RenderOptions) -> Self {
        let base_url = options.base_url.as_deref().unwrap_or(&corpus.site.base_url);
        let urls = Urls::new(base_url);
        let mut withheld = HashMap::default();
        for statement in corpus.statements.iter().filter(|s| !is_public(s, options)) {
            for (lang, t) in &statement.translations {
                let reason = match statement.embargo {
                    Some(e) if !statement.draft || options.drafts => format!(
                        "under embargo until {}",
                        e.to_zoned_datetime(corpus.site.timezone.clone()).strftime("%Y-%m-%d %H:%M %Z")
                    ),
                    _ => "a draft".to_owned(),
                };
                withheld.insert(Urls::statement(lang, &t.slug), Withheld { id: statement.id.clone(), reason });
            }
        }
        Self { base_url: urls.absolute(""), root: urls.root().to_owned(), withheld, sources: Some(corpus) }
    }

    /// Where a link found in output page `page` was written: the Markdown file the page
    /// was rendered from, at the link (as parse recorded it), or that file's start, or
    /// the page itself.
    pub fn locate(&self, page: &str, href: &str) -> SourceLocation {
        let Some(corpus) = self.sources else { return SourceLocation::file(PathBuf::from(page)) };
        let statements =
            corpus.statements.iter().flat_map(|s| &s.translations).map(|(l, t)| (Urls::statement(l, &t.slug), t));
        let pages = corpus.pages.iter().flat_map(|p| &p.translations).map(|(l, t)| (Urls::page(l, &t.slug), t));
        let Some(t) = statements.chain(pages).find(|(rel, _)| output_file(rel) == page).map(|(_, t)| t) else {
            return SourceLocation::file(PathBuf::from(page));
        };
        // Bare addresses were written without the scheme that linking added.
        let bare = href.strip_prefix("https://").or_else(|| href.strip_prefix("http://")).unwrap_or(href);
        let path = &t.slug_location.path;
        match t.document.links.iter().find(|l| *l.address == *href || *l.address == *bare) {
            Some(l) => SourceLocation::new(path, l.line as usize, l.col as usize),
            None => SourceLocation::file(path),
        }
    }
}

/// Every page's `hreflang` alternates must list it back, in the same language.
pub fn check_hreflang(index: &LinkIndex, base_url: &str) -> Diagnostics {
    let sets: BTreeMap<String, (&str, &[Alternate])> = index
        .pages
        .iter()
        .filter_map(|(page, links)| {
            let url = format!("{base_url}{}", page.strip_suffix("index.html").unwrap_or(page));
            let lang = links.alternates.iter().find(|(_, href)| **href == *url)?.0.as_ref();
            Some((url, (lang, links.alternates.as_slice())))
        })
        .collect();
    let mut diagnostics = Diagnostics::new();
    for (url, (lang, alternates)) in &sets {
        for (other_lang, href) in alternates.iter().filter(|(_, h)| **h != **url) {
            let back = sets
                .get(href.as_ref())
                .is_some_and(|(_, theirs)| theirs.iter().any(|(l, h)| **l == **lang && **h == **url));
            if !back {
                diagnostics.push(
                    Diagnostic::error(
                        SourceLocation::file(PathBuf::from(url.trim_start_matches(base_url))),
                        format!(
                            "the {other_lang} version {href} does not list this page ({url}) as its {lang} version"
                        ),
                    )
                    .with_hint("hreflang links must be reciprocal; check the theme's <link rel=\"alternate\"> tags"),
                );
            }
        }
    }
    diagnostics
}

/// Every link to another site, with the output page it is on (pages scanned with
/// `keep_external`).
pub fn external_links(index: &LinkIndex) -> Vec<(String, String)> {
    let mut links: Vec<(String, String)> = index
        .pages
        .iter()
        .flat_map(|(page, links)| links.external.iter().map(move |href| (href.to_owned(), page.clone())))
        .collect();
    links.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
    links
}

/// Checks the internal links and anchors of every scanned page (or of `only` those).
pub fn check_links(index: &LinkIndex, scope: &LinkScope<'_>, only: Option<&HashSet<String>>) -> Diagnostics {
    let mut pages: Vec<(&String, &PageLinks)> =
        index.pages.iter().filter(|(path, _)| only.is_none_or(|o| o.contains(*path))).collect();
    pages.sort_unstable_by_key(|(path, _)| *path);
    let checked: Vec<Vec<Diagnostic>> = pages
        .par_iter()
        .map_init(HashSet::default, |good, (page, links)| check_page(index, scope, page, links, good))
        .collect();
    checked.into_iter().flatten().collect()
}

/// The files of a rendered site and what the link checks need of its pages, gathered as
/// the pages are rendered (a build keeps this, not the pages).
#[derive(Debug, Default)]
pub struct LinkIndex<'s> {
    /// Files that are not scanned pages.
    files: HashSet<String>,
    /// A site in memory, whose files count too (not copied into `files`).
    site: Option<&'s Site>,
    pages: HashMap<String, PageLinks>,
}

impl<'s> LinkIndex<'s> {
    /// Scans every page of a site in memory; with `only`, those pages and the pages their
    /// `#fragment` links lead to.
    pub fn of_site(site: &'s Site, scope: &LinkScope<'_>, only: Option<&HashSet<String>>) -> Self {
        let scan = |wanted: &(dyn Fn(&str) -> bool + Sync)| -> Vec<(String, PageLinks)> {
            site.files
                .par_iter()
                .filter(|(path, _)| path.ends_with(".html") && wanted(path))
                .map(|(path, bytes)| (path.clone(), PageLinks::scan(bytes, path, scope, false)))
                .collect()
        };
        let mut pages: HashMap<String, PageLinks> =
            scan(&|path| only.is_none_or(|o| o.contains(path))).into_iter().collect();
        if only.is_some() {
            let targets: HashSet<String> = pages
                .iter()
                .flat_map(|(page, links)| links.links.iter().map(move |href| (page, href)))
                .filter(|(_, href)| href.contains('#'))
                .filter_map(|(page, href)| resolve(page, href, &scope.base_url, &scope.root))
                .map(|resolved| output_file(&resolved.target))
                .filter(|target| !pages.contains_key(target))
                .collect();
            pages.extend(scan(&|path| targets.contains(path)));
        }
        Self { files: HashSet::default(), site: Some(site), pages }
    }

    /// Scanned pages are files too; they are kept once, in `pages`.
    fn has_file(&self, path: &str) -> bool {
        self.files.contains(path)
            || self.pages.contains_key(path)
            || self.site.is_some_and(|s| s.files.contains_key(path))
    }

    /// Adds an output file, with its scan if it is a page.
    pub fn insert(&mut self, path: String, page: Option<PageLinks>) {
        if let Some(page) = page {
            self.pages.insert(path, page);
        } else {
            self.files.insert(path);
        }
    }
}

/// What the link checks need of one output page: the ids it defines, its links that stay
/// on the site (and, when asked, those that leave it), and its hreflang alternates.
#[derive(Debug, Default)]
pub struct PageLinks {
    ids: HashSet<Box<str>>,
    links: StrList,
    /// Links written otherwise than plainly (`HTTP://HOST/…`, `%xx`, `//host/…`) or in
    /// attributes other than `href` and `src`: `(what to check, as written, checked in
    /// full)`; those not checked in full must only not lead to a withheld statement.
    others: Vec<(Box<str>, Box<str>, bool)>,
    external: Vec<String>,
    /// The `<link rel="alternate">` tags, x-default left out.
    alternates: Vec<Alternate>,
}

/// `(hreflang, href)` of an alternate version of a page.
type Alternate = (Box<str>, Box<str>);

/// Attributes whose value is an address a browser fetches or follows, besides `href` and
/// `src`: these are checked for links to withheld statements only.
const URL_ATTRIBUTES: &[&str] = &[
    "action",
    "formaction",
    "data",
    "poster",
    "cite",
    "background",
    "longdesc",
    "manifest",
    "codebase",
    "xlink:href",
    "lowsrc",
    "dynsrc",
    "icon",
];

impl PageLinks {
    /// Reads the `id`s and the links of output page `page` as a browser reads them
    /// ([`crate::html_tags`]), and the hreflang alternates of its head.
    pub fn scan(html: &[u8], page: &str, scope: &LinkScope<'_>, keep_external: bool) -> Self {
        let text = String::from_utf8_lossy(html);
        let mut found = crate::html_tags::fold_start_tags(
            &text,
            || Self { alternates: alternates(html), ..Self::default() },
            |found, tag| {
                for (name, value) in &tag.attributes {
                    match name.as_ref() {
                        "id" => {
                            found.ids.insert(value.as_ref().into());
                        }
                        "href" | "src" => found.link(value, page, scope, true, keep_external),
                        "srcset" | "imagesrcset" => {
                            for candidate in value.split(',') {
                                let url = candidate.split_ascii_whitespace().next().unwrap_or_default();
                                found.link(url, page, scope, false, false);
                            }
                        }
                        "ping" | "archive" => {
                            for url in value.split_ascii_whitespace() {
                                found.link(url, page, scope, false, false);
                            }
                        }
                        "content" if tag.get("http-equiv").is_some_and(|e| e.eq_ignore_ascii_case("refresh")) => {
                            if let Some(url) = refresh_url(value) {
                                found.link(url, page, scope, false, false);
                            }
                        }
                        other if URL_ATTRIBUTES.contains(&other) => found.link(value, page, scope, false, false),
                        _ => {}
                    }
                }
            },
        );
        // Pages' links stay in memory until every page is written.
        found.links.text.shrink_to_fit();
        found.links.ends.shrink_to_fit();
        found
    }

    /// Notes one address found on `page`; `full` for `href` and `src`, whose target must
    /// exist, and not only be published.
    fn link(&mut self, value: &str, page: &str, scope: &LinkScope<'_>, full: bool, keep_external: bool) {
        if crate::link_url::needs_parsing(value, &scope.base_url) {
            match crate::link_url::on_site(&scope.base_url, page, value) {
                Some(on) => self.others.push((on.href.into(), value.into(), full && on.exact)),
                None if keep_external && full => {
                    let trimmed = value.trim();
                    if let Ok(url) = url::Url::parse(trimmed)
                        && matches!(url.scheme(), "http" | "https")
                    {
                        self.external.push(url.into());
                    }
                }
                None => {}
            }
            return;
        }
        let path = before(value, b'#');
        if matches!(classify(path, &scope.base_url, &scope.root), Target::Elsewhere) {
            let lower = value.get(..8).unwrap_or(value).to_ascii_lowercase();
            if keep_external && full && (lower.starts_with("http://") || lower.starts_with("https://")) {
                self.external.push(value.to_owned());
            }
        } else if full {
            self.links.push(value);
        } else {
            self.others.push((value.into(), value.into(), false));
        }
    }
}

/// The address of a `<meta http-equiv="refresh" content="5; url=…">`.
fn refresh_url(content: &str) -> Option<&str> {
    let lower = content.to_ascii_lowercase();
    let at = lower.find("url")?;
    let rest = content[at + 3..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    Some(rest.trim_matches(|c| c == '\'' || c == '"'))
}

/// The hreflang alternates in the head of a page.
fn alternates(html: &[u8]) -> Vec<Alternate> {
    const PREFIX: &[u8] = b"<link rel=\"alternate\" hreflang=\"";
    // The head is all we need; it ends long before the body.
    let head = &html[..memchr::memmem::find(html, b"</head>").unwrap_or(html.len())];
    memchr::memmem::find_iter(head, PREFIX)
        .filter_map(|i| {
            let rest = &head[i + PREFIX.len()..];
            let lang = &rest[..memchr::memchr(b'"', rest)?];
            let rest = rest[lang.len()..].strip_prefix(b"\" href=\"")?;
            let href = &rest[..memchr::memchr(b'"', rest)?];
            let lang = std::str::from_utf8(lang).ok()?;
            (lang != "x-default").then_some(())?;
            Some((lang.into(), std::str::from_utf8(href).ok()?.replace("&amp;", "&").into_boxed_str()))
        })
        .collect()
}

/// Many short strings in one buffer: a site's pages hold hundreds of thousands of links.
#[derive(Debug, Default)]
struct StrList {
    text: String,
    ends: Vec<u32>,
}

impl StrList {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(start, &end)| self.text.get(start as usize..end as usize).unwrap_or_default())
    }
}

/// The problems of one page's links.
/// `good` holds links from the site's root already found to resolve, on any page: pages
/// link to the same signers and statements again and again.
fn check_page<'l>(
    index: &LinkIndex,
    scope: &LinkScope<'_>,
    page: &str,
    links: &'l PageLinks,
    good: &mut HashSet<&'l str>,
) -> Vec<Diagnostic> {
    let (base_url, root, withheld) = (scope.base_url.as_str(), scope.root.as_str(), &scope.withheld);
    let mut reported = HashSet::default();
    let mut diagnostics = Vec::new();
    let plain = links.links.iter().map(|href| (href, href, true));
    let others = links.others.iter().map(|(href, written, full)| (&**href, &**written, *full));
    for (href, written, full) in plain.chain(others) {
        if good.contains(href) {
            continue;
        }
        let Some(Resolved { target, fragment, relative }) = resolve(page, href, base_url, root) else { continue };
        let file = output_file(&target);
        let problem = if let Some(w) = withheld_at(withheld, &target) {
            Some(format!("links to the statement `{}`, which is {}: {written}", w.id, w.reason))
        } else if !full {
            None
        } else if !index.has_file(&file) {
            Some(format!("links to a page that does not exist: {written}"))
        } else if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
            let found = index.pages.get(file.as_str()).is_some_and(|a| a.ids.contains(fragment));
            (!found).then(|| {
                let on = if target == page_dir(page) { "this page".to_owned() } else { format!("/{target}") };
                format!("links to `#{fragment}`, which is not on {on}: {written}")
            })
        } else {
            None
        };
        if problem.is_none() && !relative && full {
            good.insert(href);
        }
        if let Some(message) = problem
            && reported.insert(message.clone())
        {
            let location = scope.locate(page, written);
            diagnostics
                .push(Diagnostic::error(location, message).with_hint(format!("found in the output page /{page}")));
        }
    }
    diagnostics
}

/// The withheld statement that site path `target` belongs to: its page in any case, with
/// or without `index.html` or the final `/`, or any file in its folder.
fn withheld_at<'w>(withheld: &'w HashMap<String, Withheld>, target: &str) -> Option<&'w Withheld> {
    if withheld.is_empty() {
        return None;
    }
    let mut target = target.to_lowercase();
    if !target.ends_with('/') {
        target.push('/');
    }
    target.match_indices('/').find_map(|(i, _)| withheld.get(&target[..=i]))
}

/// The folder a page file serves: `en/x/index.html` → `en/x/`.
fn page_dir(page: &str) -> String {
    page.strip_suffix("index.html").map_or_else(|| page.to_owned(), str::to_owned)
}

/// Where a link on the site leads.
#[derive(Debug, PartialEq, Eq)]
struct Resolved<'h> {
    /// The site path (`en/x/`).
    target: String,
    /// The part after `#`, if any.
    fragment: Option<&'h str>,
    /// Whether it was written relative to the page, so that it leads elsewhere from
    /// another page.
    relative: bool,
}

/// Where a link on output page `page` leads, or `None` when it leaves the site.
fn resolve<'h>(page: &str, href: &'h str, base_url: &str, root: &str) -> Option<Resolved<'h>> {
    let (path, fragment) = match memchr::memchr(b'#', href.as_bytes()) {
        Some(i) => (&href[..i], Some(&href[i + 1..])),
        None => (href, None),
    };
    let (joined, relative) = match classify(path, base_url, root) {
        Target::Elsewhere => return None,
        Target::Site(rest) => (rest.to_owned(), false),
        Target::Relative(path) => {
            let dir = page.rfind('/').map_or("", |i| &page[..=i]);
            (format!("{dir}{path}"), true)
        }
    };
    Some(Resolved { target: normalise(&joined), fragment, relative })
}

/// Where the path of a link (its part before any `#`) leads.
enum Target<'h> {
    /// Another site, or a path outside this site's base path: not ours to check.
    Elsewhere,
    /// A path from the site's root.
    Site(&'h str),
    /// A path relative to the page.
    Relative(&'h str),
}

fn classify<'h>(path: &'h str, base_url: &str, root: &str) -> Target<'h> {
    let path = before(path, b'?');
    if let Some(rest) = path.strip_prefix(base_url) {
        Target::Site(rest)
    } else if memchr::memchr(b':', path.as_bytes()).is_some() || path.starts_with("//") {
        Target::Elsewhere
    } else if let Some(rest) = path.strip_prefix(root) {
        Target::Site(rest)
    } else if path.starts_with('/') {
        Target::Elsewhere
    } else {
        Target::Relative(path)
    }
}

/// `text` up to the first `byte` (an ASCII character), or all of it.
fn before(text: &str, byte: u8) -> &str {
    memchr::memchr(byte, text.as_bytes()).map_or(text, |i| &text[..i])
}

/// Removes `.` and `..` segments; a trailing `/` is kept.
fn normalise(path: &str) -> String {
    // A `.` or `..` segment starts the path or follows a `/`.
    if !path.starts_with('.') && memchr::memmem::find(path.as_bytes(), b"/.").is_none() {
        return path.trim_start_matches('/').to_owned();
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    joined.trim_start_matches('/').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> Site {
        Site::from_texts(files)
    }

    fn messages(site: &Site, withheld: &HashMap<String, Withheld>) -> Vec<String> {
        let scope = LinkScope {
            base_url: "https://e.org/".to_owned(),
            root: "/".to_owned(),
            withheld: withheld.clone(),
            ..LinkScope::default()
        };
        check_links(&LinkIndex::of_site(site, &scope, None), &scope, None).into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn links_and_fragments_resolve_in_every_form() {
        let s = site(&[
            (
                "index.html",
                "<a href=\"/en/\">en</a> <a href=\"https://e.org/en/#top\">top</a> <a href=\"https://other.org/x\">x</a>",
            ),
            (
                "en/index.html",
                "<h1 id=\"top\">T</h1><a href=\"a/#n-1\">a</a> <a href=\"../style.css\">css</a> <a href=\"mailto:x@e.org\">m</a>",
            ),
            ("en/a/index.html", "<li id=\"n-1\">note</li><a href=\"#n-1\">back</a>"),
            ("style.css", ""),
        ]);
        assert_eq!(messages(&s, &HashMap::default()), Vec::<String>::new());
    }

    #[test]
    fn hreflang_alternates_must_list_each_other() {
        let head = |alternates: &[(&str, &str)]| {
            let tags: String = alternates
                .iter()
                .map(|(lang, href)| format!("<link rel=\"alternate\" hreflang=\"{lang}\" href=\"{href}\">"))
                .collect();
            format!("<head>{tags}</head><body><link rel=\"alternate\" hreflang=\"fr\" href=\"/fr/\"></body>")
        };
        // The head's alternates only, `&amp;` read as `&`, x-default left out.
        let read =
            alternates(head(&[("en", "https://e.org/?a=1&amp;b=2"), ("x-default", "https://e.org/")]).as_bytes());
        assert_eq!(read, [("en".into(), "https://e.org/?a=1&b=2".into())]);

        let both = [("en", "https://e.org/en/a/"), ("es", "https://e.org/es/a/"), ("x-default", "https://e.org/")];
        let s =
            site(&[("en/a/index.html", &head(&both)), ("es/a/index.html", &head(&[("es", "https://e.org/es/a/")]))]);
        let scope = LinkScope { base_url: "https://e.org/".to_owned(), ..LinkScope::default() };
        let index = LinkIndex::of_site(&s, &scope, None);
        let messages: Vec<String> = check_hreflang(&index, "https://e.org/").into_iter().map(|d| d.message).collect();
        assert_eq!(
            messages,
            ["the es version https://e.org/es/a/ does not list this page (https://e.org/en/a/) as its en version"]
        );
    }

    #[test]
    fn broken_links_fragments_and_withheld_statements_are_errors() {
        let s = site(&[(
            "en/index.html",
            "<a href=\"/en/missing/\">x</a> <a href=\"#nowhere\">y</a> <a href=\"/en/statements/secret/\">z</a>",
        )]);
        let withheld = HashMap::from_iter([(
            "en/statements/secret/".to_owned(),
            Withheld { id: "secret".to_owned(), reason: "under embargo until 27 June 2019 09:00".to_owned() },
        )]);
        assert_eq!(
            messages(&s, &withheld),
            [
                "links to a page that does not exist: /en/missing/",
                "links to `#nowhere`, which is not on this page: #nowhere",
                "links to the statement `secret`, which is under embargo until 27 June 2019 09:00: /en/statements/secret/",
            ]
        );
    }

    #[test]
    fn a_link_found_good_once_is_not_checked_again_but_a_broken_one_is_reported_on_every_page() {
        let pages: Vec<(String, String)> = (0..40)
            .map(|i| {
                (format!("en/p{i}/index.html"), "<a href=\"/en/a/\">a</a> <a href=\"/en/a/#gone\">b</a>".to_owned())
            })
            .chain(std::iter::once(("en/a/index.html".to_owned(), "<p id=\"here\">a</p>".to_owned())))
            .collect();
        let files: Vec<(&str, &str)> = pages.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        let found = messages(&site(&files), &HashMap::default());
        assert_eq!(found.len(), 40, "{found:?}");
        assert!(found.iter().all(|m| m == "links to `#gone`, which is not on /en/a/: /en/a/#gone"), "{found:?}");

        // A link relative to its page is checked on every page: `#here` is on one of them.
        // (Both pages are checked in turn with one set of good links, as one thread does.)
        let relative = site(&[
            ("en/a/index.html", "<p id=\"here\"><a href=\"#here\">a</a></p>"),
            ("en/b/index.html", "<a href=\"#here\">b</a>"),
        ]);
        let scope = LinkScope { base_url: "https://e.org/".to_owned(), root: "/".to_owned(), ..LinkScope::default() };
        let index = LinkIndex::of_site(&relative, &scope, None);
        let mut good = HashSet::default();
        let mut found = Vec::new();
        for page in ["en/a/index.html", "en/b/index.html"] {
            found
                .extend(check_page(&index, &scope, page, &index.pages[page], &mut good).into_iter().map(|d| d.message));
        }
        assert_eq!(found, ["links to `#here`, which is not on this page: #here"]);
    }

    #[test]
    fn links_to_a_withheld_statement_are_found_however_they_are_spelt() {
        let withheld = HashMap::from_iter([(
            "en/statements/secret/".to_owned(),
            Withheld { id: "secret".to_owned(), reason: "a draft".to_owned() },
        )]);
        let spellings = [
            "<a href=\"/en/statements/secret/\">",
            "<a HREF=\"/en/statements/secret/\">",
            "<a href=/en/statements/secret/>",
            "<a href = '/en/statements/secret/'>",
            "<a title=\"a > b\" href=\"/en/statements/secret/\">",
            "<a/href=\"/en/statements/secret/\">",
            "<a href=\"HTTP://E.ORG/en/statements/secret/\">",
            "<a href=\"http://e.org/en/statements/secret/\">",
            "<a href=\"https://e.org:443/en/statements/secret/\">",
            "<a href=\"//e.org/en/statements/secret/\">",
            "<a href=\"&#104;ttps://e.org/en/statements/secret/\">",
            "<a href=\"/en/statements/%73ecret/\">",
            "<a href=\"/en/statements/SECRET/\">",
            "<a href=\"./../statements/secret/\">",
            "<a href=\"/en/statements/secret/index.html\">",
            "<a href=\"/en/statements/secret\">",
            "<a href=\"/en/statements/secret/?utm=x#top\">",
            "<a href=\"/en/statements/secret/statement-en.pdf\">",
            "<a href=\"https://www.e.org/en/statements/secret/\">",
            "<a href=\"/en/statem&Tab;ents/secret/\">",
            "<map><area href=\"/en/statements/secret/\"></map>",
            "<link rel=\"prefetch\" href=\"/en/statements/secret/\">",
            "<iframe src=\"/en/statements/secret/\"></iframe>",
            "<img srcset=\"/a.png 1x, /en/statements/secret/x.png 2x\">",
            "<form action=\"/en/statements/secret/\"></form>",
            "<button formaction=\"/en/statements/secret/\">",
            "<object data=\"/en/statements/secret/\"></object>",
            "<video poster=\"/en/statements/secret/p.png\"></video>",
            "<blockquote cite=\"/en/statements/secret/\"></blockquote>",
            "<a ping=\"/x/ /en/statements/secret/\" href=\"/\">",
            "<meta http-equiv=\"Refresh\" content=\"0; URL='/en/statements/secret/'\">",
            "<svg><a xlink:href=\"/en/statements/secret/\"></a></svg>",
            "<noscript><a href=\"/en/statements/secret/\"></a></noscript>",
        ];
        for spelling in spellings {
            let s = site(&[("en/other/index.html", spelling), ("index.html", ""), ("a.png", "")]);
            let found = messages(&s, &withheld);
            assert!(
                found.len() == 1 && found[0].starts_with("links to the statement `secret`, which is a draft: "),
                "{spelling}: {found:?}"
            );
        }
        // Not links: a comment, a script's text, another host.
        for not_a_link in [
            "<!-- <a href=\"/en/statements/secret/\"> -->",
            "<script>let a = '<a href=\"/en/statements/secret/\">';</script>",
            "<a href=\"https://other.org/en/statements/secret/\">",
            "<p>See /en/statements/secret/ soon</p>",
        ] {
            let s = site(&[("en/other/index.html", not_a_link)]);
            assert_eq!(messages(&s, &withheld), Vec::<String>::new(), "{not_a_link}");
        }
    }

    #[test]
    fn paths_normalise() {
        assert_eq!(normalise("en/a/../b/./c/"), "en/b/c/");
        assert_eq!(
            resolve("en/a/index.html", "../b/#x", "https://e.org/", "/"),
            Some(Resolved { target: "en/b/".to_owned(), fragment: Some("x"), relative: true })
        );
        assert_eq!(
            resolve("en/index.html", "https://e.org/sub/x/", "https://e.org/sub/", "/sub/"),
            Some(Resolved { target: "x/".to_owned(), fragment: None, relative: false })
        );
        assert_eq!(resolve("en/index.html", "/elsewhere/", "https://e.org/sub/", "/sub/"), None);
    }
}
