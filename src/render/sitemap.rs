//! `sitemap.xml` with hreflang alternates (x-default included) and `robots.txt`.
//!
//! A sitemap may hold at most 50,000 addresses and 50 MB (sitemaps.org). A site within
//! both has one `sitemap.xml`; a larger one gets numbered sitemaps (`sitemap-1.xml`, …)
//! and `sitemap.xml` becomes their index, so `robots.txt` and search consoles keep
//! pointing at the same address.

use std::fmt::Write as _;

use super::plan::Plan;
use super::urls::Urls;
use crate::markdown::escape;

/// Addresses in one sitemap, at most (sitemaps.org).
pub const MAX_URLS: usize = 50_000;

/// Bytes in one sitemap, at most: under the 50 MB (52,428,800 bytes) sitemaps.org allows,
/// with room for the closing tag.
const MAX_BYTES: usize = 50 * 1000 * 1000;

const URLSET_START: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
    <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";
const URLSET_END: &str = "</urlset>\n";

/// The sitemap (or sitemaps and their index) and `robots.txt`.
pub fn files(plan: &Plan<'_>, urls: &Urls) -> Vec<(String, Vec<u8>)> {
    files_with_limit(plan, urls, MAX_URLS)
}

/// [`files`], with at most `limit` addresses per sitemap (lowered by tests).
pub fn files_with_limit(plan: &Plan<'_>, urls: &Urls, limit: usize) -> Vec<(String, Vec<u8>)> {
    let mut sitemaps = sitemaps(plan, urls, limit.max(1));
    let mut files = Vec::with_capacity(sitemaps.len() + 2);
    if sitemaps.len() == 1 {
        files.push(("sitemap.xml".to_owned(), sitemaps.remove(0).into_bytes()));
    } else {
        let names: Vec<String> = (1..=sitemaps.len()).map(|n| format!("sitemap-{n}.xml")).collect();
        files.push(("sitemap.xml".to_owned(), index(&names, urls).into_bytes()));
        files.extend(names.into_iter().zip(sitemaps).map(|(name, xml)| (name, xml.into_bytes())));
    }
    files.push(("robots.txt".to_owned(), robots(urls).into_bytes()));
    files
}

/// Every public page with its last change and its language versions, in sitemaps of at
/// most `limit` addresses and [`MAX_BYTES`] bytes.
fn sitemaps(plan: &Plan<'_>, urls: &Urls, limit: usize) -> Vec<String> {
    let tz = &plan.corpus.site.timezone;
    let mut done = Vec::new();
    let mut xml = String::from(URLSET_START);
    let mut count = 0;
    let mut entry = String::new();
    for job in plan.jobs(true) {
        let Some(rel) = plan.rel(&job) else { continue };
        // A search page has nothing of its own for a search engine.
        if rel == "404.html" || matches!(job, super::plan::Job::Search(_)) {
            continue;
        }
        entry.clear();
        // Writing to a String cannot fail.
        let _ = writeln!(entry, "  <url>\n    <loc>{}</loc>", escape(&urls.absolute(&rel)));
        if let Some(lastmod) = plan.lastmod(&job) {
            let _ = writeln!(entry, "    <lastmod>{}</lastmod>", super::feeds::rfc3339(lastmod, tz));
        }
        let alternates = plan.alternates(&job);
        if !alternates.is_empty() {
            for (lang, alt) in &alternates {
                let _ = writeln!(
                    entry,
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{}\"/>",
                    escape(&urls.absolute(alt))
                );
            }
            let _ = writeln!(
                entry,
                "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                escape(&urls.absolute(""))
            );
        }
        entry.push_str("  </url>\n");
        if count > 0 && (count == limit || xml.len() + entry.len() + URLSET_END.len() > MAX_BYTES) {
            xml.push_str(URLSET_END);
            done.push(std::mem::replace(&mut xml, String::from(URLSET_START)));
            count = 0;
        }
        xml.push_str(&entry);
        count += 1;
    }
    xml.push_str(URLSET_END);
    done.push(xml);
    done
}

/// A sitemap index of the numbered sitemaps.
fn index(names: &[String], urls: &Urls) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for name in names {
        let _ = writeln!(xml, "  <sitemap>\n    <loc>{}</loc>\n  </sitemap>", escape(&urls.absolute(name)));
    }
    xml.push_str("</sitemapindex>\n");
    xml
}

fn robots(urls: &Urls) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", urls.absolute("sitemap.xml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `<url>` blocks of sitemaps, in order.
    fn blocks(xml: &str) -> Vec<String> {
        xml.split("  <url>\n").skip(1).map(|b| b.trim_end_matches(URLSET_END).to_owned()).collect()
    }

    #[test]
    fn past_the_limit_numbered_sitemaps_and_an_index_hold_every_address_with_its_alternates() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let tree = crate::load::load(root).unwrap();
        let corpus = crate::parse::parse(&tree).unwrap();
        let public: Vec<_> = corpus.statements.iter().map(|s| s.as_ref()).collect();
        let plan = Plan::new(&corpus, &public);
        let urls = Urls::new(&corpus.site.base_url);
        let text = |files: &[(String, Vec<u8>)], name: &str| {
            let (_, bytes) = files.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no {name}"));
            String::from_utf8(bytes.clone()).unwrap()
        };

        let one = files(&plan, &urls);
        assert_eq!(one.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["sitemap.xml", "robots.txt"]);
        let all = blocks(&text(&one, "sitemap.xml"));
        assert!(all.len() > 25, "the example site has {} pages", all.len());
        assert!(all.iter().all(|b| b.contains("hreflang=\"x-default\"")));

        let split = files_with_limit(&plan, &urls, 10);
        let parts = all.len().div_ceil(10);
        assert_eq!(split.len(), parts + 2, "sitemap.xml, {parts} numbered sitemaps and robots.txt");
        let index = text(&split, "sitemap.xml");
        assert_contains!(index, "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
        let mut again = Vec::new();
        for n in 1..=parts {
            let loc = format!("<loc>{}</loc>", urls.absolute(&format!("sitemap-{n}.xml")));
            assert_contains!(index, &loc, "expected {loc} in the index:\n{index}");
            let part = text(&split, &format!("sitemap-{n}.xml"));
            assert!(part.starts_with(URLSET_START) && part.ends_with(URLSET_END), "{part}");
            let part_blocks = blocks(&part);
            assert!(part_blocks.len() <= 10);
            again.extend(part_blocks);
        }
        assert_eq!(again, all, "the numbered sitemaps hold the same entries, alternates and all");
        assert_contains!(text(&split, "robots.txt"), &format!("Sitemap: {}\n", urls.absolute("sitemap.xml")));
    }
}
