//! Every internal link and `#fragment` of a rendered site must resolve.
//!
//! The pages are our own output, so a light scan of `id`, `href` and `src` attributes is
//! enough; no HTML parser is needed. A link that leads to a statement that is not public
//! (a draft, or under embargo) is reported as such, naming both statements, because
//! that is how embargoes leak.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Diagnostic, Diagnostics, SourceLocation};
use crate::hash::{HashMap, HashSet};
use crate::load::SourceTree;
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
    /// The content and the files read, to find where a broken link was written (looked
    /// up only when there is one).
    pub sources: Option<(&'a Corpus, &'a SourceTree)>,
}

/// Checks the links of a site rendered in memory: internal links and anchors, and
/// hreflang sets. With `only`, just the links on those output pages (a preview after one edit).
pub fn check_corpus_links(
    site: &Site,
    corpus: &Corpus,
    tree: &SourceTree,
    options: &RenderOptions,
    only: Option<&HashSet<String>>,
) -> Diagnostics {
    let scope = LinkScope::of(corpus, tree, options);
    let index = LinkIndex::of_site(site, &scope, only);
    let mut diagnostics = check_links(&index, &scope, only);
    if only.is_none() {
        diagnostics.extend(check_hreflang(&index, &scope.base_url));
    }
    diagnostics
}

impl<'a> LinkScope<'a> {
    /// Works out which paths are withheld and which source each page came from.
    pub fn of(corpus: &'a Corpus, tree: &'a SourceTree, options: &RenderOptions) -> Self {
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
        Self { base_url: urls.absolute(""), root: urls.root().to_owned(), withheld, sources: Some((corpus, tree)) }
    }

    /// Where a link found in output page `page` was written: the Markdown file the page
    /// was rendered from, at the link, or the page itself.
    pub fn locate(&self, page: &str, href: &str) -> SourceLocation {
        let Some((corpus, tree)) = self.sources else { return SourceLocation::file(PathBuf::from(page)) };
        let statements =
            corpus.statements.iter().flat_map(|s| &s.translations).map(|(l, t)| (Urls::statement(l, &t.slug), t));
        let pages = corpus.pages.iter().flat_map(|p| &p.translations).map(|(l, t)| (Urls::page(l, &t.slug), t));
        let Some(path) =
            statements.chain(pages).find(|(rel, _)| output_file(rel) == page).map(|(_, t)| &t.slug_location.path)
        else {
            return SourceLocation::file(PathBuf::from(page));
        };
        let kept = tree.statements.iter().chain(&tree.pages).flat_map(|d| &d.texts).find(|f| f.path == *path);
        // A build forgets the sources once parsed (parse::parse_and_forget): read it again.
        let text = match kept.filter(|f| !f.text.is_empty()) {
            Some(f) => f.text.clone(),
            None => std::fs::read(path).ok().and_then(|b| crate::load::decode_text(path, b).ok()).unwrap_or_default(),
        };
        locate(path, &text, href)
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
                .map(|(path, bytes)| (path.clone(), PageLinks::scan(bytes, scope, false)))
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
    external: Vec<String>,
    /// The `<link rel="alternate">` tags, x-default left out.
    alternates: Vec<Alternate>,
}

/// `(hreflang, href)` of an alternate version of a page.
type Alternate = (Box<str>, Box<str>);

impl PageLinks {
    /// Reads `id`, `href` and `src` attributes (quoted with `"` or `'`) in one pass, and
    /// the hreflang alternates of the head. Our own output is the input, so a light scan
    /// is enough; no HTML parser is needed.
    pub fn scan(html: &[u8], scope: &LinkScope<'_>, keep_external: bool) -> Self {
        let mut found = Self { alternates: alternates(html), ..Self::default() };
        let mut i = 0;
        while let Some(eq) = memchr::memchr(b'=', &html[i..]).map(|p| p + i) {
            i = eq + 1;
            let Some(&quote) = html.get(eq + 1).filter(|q| **q == b'"' || **q == b'\'') else { continue };
            let start = eq + 2;
            let Some(len) = memchr::memchr(quote, &html[start..]) else { break };
            // The scan goes on after the value: an `=` inside it is not an attribute.
            i = start + len + 1;
            let name_start =
                html[..eq].iter().rposition(|b| !b.is_ascii_alphanumeric() && *b != b'-').map_or(0, |p| p + 1);
            let name = &html[name_start..eq];
            let is_link = name == b"href" || name == b"src";
            if !(is_link || name == b"id") || name_start == 0 || !html[name_start - 1].is_ascii_whitespace() {
                continue;
            }
            // Attribute values of well-formed UTF-8 pages are UTF-8; anything else is skipped.
            let Ok(value) = std::str::from_utf8(&html[start..start + len]) else { continue };
            if !is_link {
                found.ids.insert(value.into());
                continue;
            }
            let href = match memchr::memchr(b'&', value.as_bytes()) {
                Some(_) if value.contains("&amp;") => value.replace("&amp;", "&").into(),
                _ => Cow::Borrowed(value),
            };
            let path = before(&href, b'#');
            if !matches!(classify(path, &scope.base_url, &scope.root), Target::Elsewhere) {
                found.links.push(&href);
            } else if keep_external {
                let lower = href.to_ascii_lowercase();
                if lower.starts_with("http://") || lower.starts_with("https://") {
                    found.external.push(href.into_owned());
                }
            }
        }
        // Pages' links stay in memory until every page is written.
        found.links.text.shrink_to_fit();
        found.links.ends.shrink_to_fit();
        found
    }
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
    for href in links.links.iter() {
        if good.contains(href) {
            continue;
        }
        let Some(Resolved { target, fragment, relative }) = resolve(page, href, base_url, root) else { continue };
        let file = output_file(&target);
        let problem = if let Some(w) = withheld.get(&target) {
            Some(format!("links to the statement `{}`, which is {}: {href}", w.id, w.reason))
        } else if !index.has_file(&file) {
            Some(format!("links to a page that does not exist: {href}"))
        } else if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
            let found = index.pages.get(file.as_str()).is_some_and(|a| a.ids.contains(fragment));
            (!found).then(|| {
                let on = if target == page_dir(page) { "this page".to_owned() } else { format!("/{target}") };
                format!("links to `#{fragment}`, which is not on {on}: {href}")
            })
        } else {
            None
        };
        if problem.is_none() && !relative {
            good.insert(href);
        }
        if let Some(message) = problem
            && reported.insert(message.clone())
        {
            let location = scope.locate(page, href);
            diagnostics
                .push(Diagnostic::error(location, message).with_hint(format!("found in the output page /{page}")));
        }
    }
    diagnostics
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

/// The line and column of `href` in the source `text` at `path`, or the file's start.
fn locate(path: &Path, text: &str, href: &str) -> SourceLocation {
    // Bare addresses were written without the scheme that linking added.
    let bare = href.strip_prefix("https://").or_else(|| href.strip_prefix("http://")).unwrap_or(href);
    match text.find(href).or_else(|| text.find(bare)) {
        Some(offset) => SourceLocation::at_offset(path, text, offset, 1),
        None => SourceLocation::file(path),
    }
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
