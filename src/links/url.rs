//! Which links lead to this site, however they are spelt.
//!
//! A link to an embargoed statement leaks it whether it is written `/en/statements/x/`,
//! `HTTP://STATEMENTS.EXAMPLE.ORG/en/statements/x/`, `//statements.example.org/…`,
//! `/en/statements/%78/` or `https://statements.example.org:443/…`. Links are resolved
//! and normalised as a browser does, with the `url` crate (WHATWG URL parsing: scheme and
//! host case, default ports, `\`, tabs and newlines, `.`/`..` and `%2e` segments), and
//! then compared with the site's address. Most links are written plainly and need none of
//! this; [`needs_parsing`] tells them apart cheaply.

use std::borrow::Cow;

use url::Url;

/// A link that leads to this site, as the link checks compare it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnSite {
    /// The site's base URL followed by the path (percent-decoded) and `#fragment`.
    pub href: String,
    /// Whether it is this very site (scheme http or https, any port); `false` for the same
    /// host with or without `www.`, which may well serve the same files.
    pub exact: bool,
}

/// Whether `value` must be parsed to be compared: anything a plain comparison of text
/// with the site's base URL (`base_url`) or root path could misread.
pub fn needs_parsing(value: &str, base_url: &str) -> bool {
    let bytes = value.as_bytes();
    let scheme = |s: &[u8]| bytes.len() >= s.len() && bytes[..s.len()].eq_ignore_ascii_case(s);
    bytes.first().is_some_and(|b| *b <= b' ')
        || bytes.last().is_some_and(|b| *b <= b' ')
        || memchr::memchr3(b'%', b'\\', b'\t', bytes).is_some()
        || memchr::memchr2(b'\n', b'\r', bytes).is_some()
        || value.starts_with("//")
        || ((scheme(b"http:") || scheme(b"https:")) && !value.starts_with(base_url) && may_be_ours(value, base_url))
}

/// Whether an http(s) address may name the site's host: most name another site plainly
/// (`https://other.example.org/…`) and are told apart without parsing them.
fn may_be_ours(value: &str, base_url: &str) -> bool {
    let authority = |url: &str| -> Option<String> {
        let rest = &url[url.find("://")? + 3..];
        Some(rest[..rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len())].to_ascii_lowercase())
    };
    let (Some(theirs), Some(ours)) = (authority(value), authority(base_url)) else { return true };
    let ours = ours.strip_prefix("www.").unwrap_or(&ours);
    theirs.contains(ours) || !theirs.is_ascii() || theirs.contains('%')
}

/// Where `value`, a link on output page `page` (`en/x/index.html`), leads when it leads to
/// the site whose base URL is `base_url` (ending with `/`), or to the same host with or
/// without `www.`.
pub fn on_site(base_url: &str, page: &str, value: &str) -> Option<OnSite> {
    let base = Url::parse(base_url).ok()?;
    let page_url = base.join(page).ok()?;
    let url = page_url.join(value).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?.trim_end_matches('.');
    let ours = base.host_str()?.trim_end_matches('.');
    let exact = host == ours;
    let bare = |h: &str| h.strip_prefix("www.").map_or_else(|| h.to_owned(), str::to_owned);
    if !exact && bare(host) != bare(ours) {
        return None;
    }
    let path = url.path().strip_prefix(base.path())?;
    let mut href = format!("{base_url}{}", decode(path));
    if let Some(fragment) = url.fragment() {
        href.push('#');
        href.push_str(&decode(fragment));
    }
    Some(OnSite { href, exact })
}

/// `%xx` decoded, as the server does when it looks for the file.
fn decode(text: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_a_link_to_the_site_leads_to_it() {
        let site = "https://s.example.org/";
        let secret = "https://s.example.org/en/statements/secret/";
        let cases: &[(&str, Option<(&str, bool)>)] = &[
            ("HTTP://S.EXAMPLE.ORG/en/statements/secret/", Some((secret, true))),
            ("http://s.example.org/en/statements/secret/", Some((secret, true))),
            ("https://s.example.org:443/en/statements/secret/", Some((secret, true))),
            ("https://s.example.org./en/statements/secret/", Some((secret, true))),
            ("https://user@s.example.org/en/statements/secret/", Some((secret, true))),
            ("//s.example.org/en/statements/secret/", Some((secret, true))),
            ("/en/statements/%73ecret/", Some((secret, true))),
            ("/en/statements/%2e/secret/", Some((secret, true))),
            ("./statements/../statements/./secret/", Some((secret, true))),
            ("\\en\\statements\\secret\\", Some((secret, true))),
            (" /en/statem\tents/sec\nret/ ", Some((secret, true))),
            ("https://www.s.example.org/en/statements/secret/", Some((secret, false))),
            ("/en/statements/secret/?x=1#top", Some(("https://s.example.org/en/statements/secret/#top", true))),
            ("https://other.example.org/en/statements/secret/", None),
            ("mailto:press@s.example.org", None),
            ("javascript:location='/en/statements/secret/'", None),
        ];
        for (value, expected) in cases {
            let found = on_site(site, "en/index.html", value);
            let expected = expected.map(|(href, exact)| OnSite { href: href.to_owned(), exact });
            assert_eq!(found, expected, "{value}");
        }
    }

    #[test]
    fn plain_links_need_no_parsing() {
        let site = "https://s.example.org/";
        for plain in [
            "/en/",
            "https://s.example.org/en/",
            "http-guide/",
            "#top",
            "mailto:x@e.org",
            "https://other.org/s.example.org",
        ] {
            assert!(!needs_parsing(plain, site), "{plain}");
        }
        for odd in [
            "HTTPS://s.example.org/",
            "Http://S.Example.org/",
            "https:s.example.org/",
            "https://s%2eexample.org/",
            "//x/",
            "/%41/",
            "a\\b",
            " /x/",
            "http://s.example.org/",
        ] {
            assert!(needs_parsing(odd, site), "{odd}");
        }
    }
}
