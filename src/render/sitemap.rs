//! `sitemap.xml` with hreflang alternates (x-default included) and `robots.txt`.

use std::fmt::Write as _;

use super::html::escape;
use super::plan::Plan;
use super::urls::Urls;

/// Both files.
pub fn files(plan: &Plan<'_>, urls: &Urls) -> Vec<(String, Vec<u8>)> {
    vec![
        ("sitemap.xml".to_owned(), sitemap(plan, urls).into_bytes()),
        ("robots.txt".to_owned(), robots(urls).into_bytes()),
    ]
}

/// Every public page with its last change and its language versions.
pub fn sitemap(plan: &Plan<'_>, urls: &Urls) -> String {
    let tz = &plan.corpus.site.timezone;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for job in plan.jobs(true) {
        let Some(rel) = plan.rel(&job) else { continue };
        if rel == "404.html" {
            continue;
        }
        // Writing to a String cannot fail.
        let _ = writeln!(xml, "  <url>\n    <loc>{}</loc>", escape(&urls.absolute(&rel)));
        if let Some(lastmod) = plan.lastmod(&job) {
            let _ = writeln!(xml, "    <lastmod>{}</lastmod>", super::feeds::rfc3339(lastmod, tz));
        }
        let alternates = plan.alternates(&job);
        if !alternates.is_empty() {
            for (lang, alt) in &alternates {
                let _ = writeln!(
                    xml,
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{}\"/>",
                    escape(&urls.absolute(alt))
                );
            }
            let _ = writeln!(
                xml,
                "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                escape(&urls.absolute(""))
            );
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

fn robots(urls: &Urls) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", urls.absolute("sitemap.xml"))
}
