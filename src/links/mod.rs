//! Every internal link and `#fragment` of a rendered site must resolve, and none may lead
//! to a statement that is not public (a draft, or under embargo): that is how embargoes
//! leak, so such a link is reported naming both statements.
//!
//! Pages are read as a browser reads them ([`crate::html_tags`]; the `index` module); an
//! address written in an unusual way (capitals, `//host`, `%xx`, `:443`) is resolved with
//! the `url` crate before it is compared ([`url`]); paths are resolved and classified in
//! the `resolve` module.

mod index;
mod resolve;
pub mod url;

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::error::{Diagnostic, Diagnostics, SourceLocation};
use crate::hash::{HashMap, HashSet};
use crate::model::Corpus;
use crate::render::urls::{Urls, output_file};
use crate::render::{RenderOptions, Site, is_public};

use self::index::Alternate;
pub use self::index::{LinkIndex, PageLinks};
use self::resolve::{Resolved, page_dir, resolve, withheld_at};

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

#[cfg(test)]
mod tests;
