//! The one place URLs and output paths are built.
//!
//! Paths here are relative to the site root without a leading slash (`en/statements/x/`);
//! [`Urls::path`] makes them site-absolute for links, [`Urls::absolute`] adds the base URL
//! for canonical links and feeds, and [`output_file`] names the file that serves them.

use crate::model::Lang;

/// Builds every URL of one site.
#[derive(Debug, Clone)]
pub struct Urls {
    base: String,
    root_path: String,
}

/// Names a page may not take, because the site's own files live there. (Numbers are
/// years of the archive: see [`is_reserved_slug`].)
pub const RESERVED_SLUGS: [&str; 8] =
    ["signatories", "countries", "feed-xml", "atom-xml", "feed-json", "assets", "index", "topics"];

/// Whether a plain page may not take `slug` in `lang`: a folder of the site's own, the
/// statements' section, or a number (the archive's years live at `en/2019/`).
pub fn is_reserved_slug(lang: &Lang, slug: &str) -> bool {
    slug == Urls::section(lang)
        || slug == Urls::search_section(lang)
        || RESERVED_SLUGS.contains(&slug)
        || slug.bytes().all(|b| b.is_ascii_digit())
}

impl Urls {
    /// URLs under `base_url` (absolute, ending with `/`).
    pub fn new(base_url: &str) -> Self {
        let base = if base_url.ends_with('/') { base_url.to_owned() } else { format!("{base_url}/") };
        let after_scheme = base.split_once("://").map_or(base.as_str(), |(_, rest)| rest);
        let root_path = after_scheme.find('/').map_or("/".to_owned(), |i| after_scheme[i..].to_owned());
        Self { base, root_path }
    }

    /// The localised folder of statements: `statements`, `declaraciones`. Arabic's is
    /// `bayanat` (بيانات written in ASCII, like slugs): an address in Arabic letters is
    /// percent-encoded wherever it is pasted (`%D8%A8%D9%8A…`) and its letters flip order
    /// inside left-to-right text.
    pub fn section(lang: &Lang) -> &'static str {
        match lang.base() {
            "ar" => "bayanat",
            "es" => "declaraciones",
            "pt" => "declaracoes",
            "fr" => "declarations",
            "de" => "erklaerungen",
            "it" => "dichiarazioni",
            _ => "statements",
        }
    }

    /// The localised name of a language's search page, in ASCII like [`Urls::section`]:
    /// `search`, `buscar`; Arabic's is `bahth` (بحث).
    pub fn search_section(lang: &Lang) -> &'static str {
        match lang.base() {
            "ar" => "bahth",
            "es" => "buscar",
            "pt" => "busca",
            "fr" => "recherche",
            "de" => "suche",
            "it" => "cerca",
            _ => "search",
        }
    }

    /// A language's search page: `es/buscar/`.
    pub fn search(lang: &Lang) -> String {
        format!("{lang}/{}/", Self::search_section(lang))
    }

    /// A language's home: `en/`.
    pub fn home(lang: &Lang) -> String {
        format!("{lang}/")
    }

    /// A statement page: `es/declaraciones/guardia-nacional/`.
    pub fn statement(lang: &Lang, slug: &str) -> String {
        format!("{lang}/{}/{slug}/", Self::section(lang))
    }

    /// A plain page: `en/about/`.
    pub fn page(lang: &Lang, slug: &str) -> String {
        format!("{lang}/{slug}/")
    }

    /// The signer directory of a language: `es/signatories/`.
    pub fn directory(lang: &Lang) -> String {
        format!("{lang}/signatories/")
    }

    /// The signers of one country, when the directory is split by country:
    /// `es/countries/mx/` (`code` is the ISO code, in any case).
    pub fn country(lang: &Lang, code: &str) -> String {
        format!("{lang}/countries/{}/", code.to_ascii_lowercase())
    }

    /// One signer's page: `es/signatories/red-fronteriza/`.
    pub fn signer(lang: &Lang, id: &str) -> String {
        format!("{lang}/signatories/{id}/")
    }

    /// A year of the archive: `en/2019/`. Years live under the language root, not the
    /// statements' section: a number needs no translation, and `en/statements/` is no page.
    pub fn year(lang: &Lang, year: i16) -> String {
        format!("{lang}/{year}/")
    }

    /// A language's index of topics: `es/topics/`.
    pub fn topics(lang: &Lang) -> String {
        format!("{lang}/topics/")
    }

    /// One topic's page, where its feeds also live: `es/topics/mexico/`.
    pub fn topic(lang: &Lang, tag: &str) -> String {
        format!("{lang}/topics/{tag}/")
    }

    /// Page `n` (from 1) of a listing that starts at `first`: `en/2019/page/2/`.
    pub fn paged(first: &str, n: usize) -> String {
        if n <= 1 { first.to_owned() } else { format!("{first}page/{n}/") }
    }

    /// A site-absolute path for links inside the site: `/en/about/`.
    pub fn path(&self, rel: &str) -> String {
        format!("{}{rel}", self.root_path)
    }

    /// An absolute URL: `https://statements.example.org/en/about/`.
    pub fn absolute(&self, rel: &str) -> String {
        format!("{}{rel}", self.base)
    }

    /// The root path, ending with `/`.
    pub fn root(&self) -> &str {
        &self.root_path
    }
}

/// The file that serves a path: folders get their `index.html`.
pub fn output_file(rel: &str) -> String {
    if rel.is_empty() || rel.ends_with('/') { format!("{rel}index.html") } else { rel.to_owned() }
}

/// The `tag:` URI of a statement: stable across slug changes and base-path moves.
pub fn entry_id(base_url: &str, date: &str, statement_id: &str, lang: &str) -> String {
    let host = base_url.split("://").nth(1).unwrap_or(base_url).split(['/', ':']).next().unwrap_or_default();
    format!("tag:{host},{date}:statements/{statement_id}/{lang}")
}

/// `dest` resolved against the page at `base` (an absolute URL ending with `/`):
/// `#x`, `/path` and `file.pdf` become absolute; addresses with a scheme stay as they are.
pub fn absolute(base: &str, dest: &str) -> String {
    match crate::markdown::writer::relative_kind(dest) {
        None => dest.to_owned(),
        Some(crate::markdown::HoleKind::Origin) => format!("{}{dest}", origin(base)),
        Some(_) => format!("{base}{dest}"),
    }
}

/// The scheme and host of an absolute URL (`https://e.org` of `https://e.org/a/`).
pub fn origin(url: &str) -> &str {
    let host_start = url.find("://").map_or(0, |i| i + 3);
    url[host_start..].find('/').map_or(url, |i| &url[..host_start + i])
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Site paths stay under the base path, whatever the base URL and path.
        #[test]
        fn urls_stay_under_the_base(host in "[a-z]{1,10}\\.org", sub in "(/[a-z]{1,8}){0,3}", rel in "[a-z0-9/-]{0,30}") {
            stays_under_base(&host, &sub, &rel);
        }

        /// Links resolved for feeds are absolute, unless they had their own scheme.
        #[test]
        fn resolved_links_are_absolute(dest in "[#/a-z0-9.:?=-]{0,30}") {
            let resolved = absolute("https://e.org/sub/en/statements/a/", &dest);
            proptest::prop_assert!(resolved.starts_with("https://e.org/") || resolved == dest);
        }
    }

    #[test]
    fn relative_links_resolve_against_the_page() {
        let base = "https://e.org/sub/en/statements/a/";
        assert_eq!(absolute(base, "#fn-1"), "https://e.org/sub/en/statements/a/#fn-1");
        assert_eq!(absolute(base, "/sub/en/about/"), "https://e.org/sub/en/about/");
        assert_eq!(absolute(base, "statement.pdf"), "https://e.org/sub/en/statements/a/statement.pdf");
        assert_eq!(absolute(base, "mailto:press@example.org"), "mailto:press@example.org");
        assert_eq!(absolute(base, "https://x.org/"), "https://x.org/");
    }

    fn stays_under_base(host: &str, sub: &str, rel: &str) {
        let base = format!("https://{host}{sub}");
        let urls = Urls::new(&base);
        assert!(urls.absolute(rel).starts_with(&format!("{base}/")));
        assert!(urls.path(rel).starts_with(&format!("{sub}/")));
        assert!(urls.root().ends_with('/'));
    }

    #[test]
    fn urls_under_a_sub_path() {
        let urls = Urls::new("https://example.org/coalition");
        let es = Lang::parse("es").unwrap();
        let rel = Urls::statement(&es, "guardia");
        assert_eq!(rel, "es/declaraciones/guardia/");
        assert_eq!(urls.path(&rel), "/coalition/es/declaraciones/guardia/");
        assert_eq!(urls.absolute(&rel), "https://example.org/coalition/es/declaraciones/guardia/");
        assert_eq!(output_file(&rel), "es/declaraciones/guardia/index.html");
        assert_eq!(output_file(""), "index.html");
        assert_eq!(Urls::new("https://example.org").root(), "/");
    }
}
