//! The links of each rendered page, gathered as it is made: what it links to, the ids it
//! has, and its hreflang alternates.

use rayon::prelude::*;

use crate::hash::{HashMap, HashSet};
use crate::render::Site;
use crate::render::urls::output_file;

use super::LinkScope;
use super::resolve::{Target, before, classify, resolve};

/// The files of a rendered site and what the link checks need of its pages, gathered as
/// the pages are rendered (a build keeps this, not the pages).
#[derive(Debug, Default)]
pub struct LinkIndex<'s> {
    /// Files that are not scanned pages.
    pub(super) files: HashSet<String>,
    /// A site in memory, whose files count too (not copied into `files`).
    pub(super) site: Option<&'s Site>,
    pub(super) pages: HashMap<String, PageLinks>,
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
    pub(super) fn has_file(&self, path: &str) -> bool {
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
    pub(super) ids: HashSet<Box<str>>,
    pub(super) links: StrList,
    /// Links written otherwise than plainly (`HTTP://HOST/…`, `%xx`, `//host/…`) or in
    /// attributes other than `href` and `src`: `(what to check, as written, checked in
    /// full)`; those not checked in full must only not lead to a withheld statement.
    pub(super) others: Vec<(Box<str>, Box<str>, bool)>,
    pub(super) external: Vec<String>,
    /// The `<link rel="alternate">` tags, x-default left out.
    pub(super) alternates: Vec<Alternate>,
}

/// `(hreflang, href)` of an alternate version of a page.
pub(super) type Alternate = (Box<str>, Box<str>);

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
                        other if crate::html_tags::ADDRESS_ATTRIBUTES.contains(&other) => {
                            found.link(value, page, scope, false, false)
                        }
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
        if super::url::needs_parsing(value, &scope.base_url) {
            match super::url::on_site(&scope.base_url, page, value) {
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
pub(super) fn refresh_url(content: &str) -> Option<&str> {
    let lower = content.to_ascii_lowercase();
    let at = lower.find("url")?;
    let rest = content[at + 3..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    Some(rest.trim_matches(|c| c == '\'' || c == '"'))
}

/// The hreflang alternates in the head of a page.
pub(super) fn alternates(html: &[u8]) -> Vec<Alternate> {
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
pub(super) struct StrList {
    pub(super) text: String,
    pub(super) ends: Vec<u32>,
}

impl StrList {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(start, &end)| self.text.get(start as usize..end as usize).unwrap_or_default())
    }
}
