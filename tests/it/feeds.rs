//! The example site's feeds, read with a real feed parser; hreflang sets walked whole.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use crate::example_site::build_example;

const BASE: &str = "https://statements.example.org/";

#[test]
fn every_feed_parses_and_carries_full_text_with_absolute_note_links() {
    let out = build_example();
    let public = out.path().join("public");
    for (lang, count) in [("en", 3), ("es", 2)] {
        for file in ["feed.xml", "atom.xml", "feed.json"] {
            let bytes = fs::read(public.join(lang).join(file)).expect("feed file");
            let feed = feed_rs::parser::parse(bytes.as_slice()).unwrap_or_else(|e| panic!("{lang}/{file}: {e}"));
            assert_eq!(feed.entries.len(), count, "{lang}/{file}");
            assert_eq!(feed.language.as_deref(), Some(lang), "{lang}/{file}");
            let dates: Vec<_> = feed.entries.iter().map(|e| e.published.expect("published")).collect();
            assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{lang}/{file}: newest first");
            for entry in &feed.entries {
                let title = entry.title.as_ref().map(|t| t.content.clone()).unwrap_or_default();
                assert!(!title.is_empty(), "{lang}/{file}");
                assert!(entry.id.starts_with("tag:statements.example.org,"), "{}", entry.id);
                assert!(
                    entry.links.iter().any(|l| l.href.starts_with(&format!("{BASE}{lang}/"))),
                    "{lang}/{file} {title}"
                );
                let content = entry.content.as_ref().and_then(|c| c.body.clone()).unwrap_or_default();
                assert!(content.len() > 500, "{lang}/{file} {title}: full text expected");
                assert_lacks!(content, "href=\"#", "{lang}/{file} {title}: a relative fragment link");
                assert!(entry.summary.is_some(), "{lang}/{file} {title}: summary expected");
            }
            let seed = feed
                .entries
                .iter()
                .find(|e| e.id.contains("national-guard-migration-enforcement"))
                .expect("the seed statement is in every feed");
            let content = seed.content.as_ref().and_then(|c| c.body.clone()).unwrap_or_default();
            let page = if lang == "en" {
                "en/statements/national-guard-migration-enforcement/"
            } else {
                "es/declaraciones/guardia-nacional-control-migratorio/"
            };
            let note = format!("href=\"{BASE}{page}#national-guard-migration-enforcement-fn-1\"");
            assert_contains!(content, &note, "{lang}/{file}: {note} not in\n{content}");
            let published = seed.published.expect("published").to_rfc3339();
            assert_eq!(published, "2019-06-27T05:00:00+00:00", "{lang}/{file}");
        }
    }
    let rss = fs::read_to_string(public.join("en/feed.xml")).expect("rss");
    assert_contains!(rss, "<pubDate>Thu, 27 Jun 2019 05:00:00 +0000</pubDate>", "RSS dates are in UTC");
}

#[test]
fn the_json_feed_has_the_fields_version_1_1_requires() {
    let out = build_example();
    let text = fs::read_to_string(out.path().join("public/es/feed.json")).expect("feed.json");
    let feed: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
    assert!(feed["title"].is_string());
    assert_eq!(feed["feed_url"], format!("{BASE}es/feed.json"));
    for item in feed["items"].as_array().expect("items") {
        assert!(item["id"].is_string());
        assert!(item["content_html"].is_string() || item["content_text"].is_string());
        assert!(
            item["date_published"].as_str().is_some_and(|d| d.ends_with("-05:00") || d.ends_with("-06:00")),
            "{item}"
        );
    }
}

#[test]
fn hreflang_sets_are_reciprocal_on_every_page_and_in_the_sitemap() {
    let out = build_example();
    let public = out.path().join("public");
    let mut pages: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&public) {
        let entry = entry.expect("walk");
        if entry.path().extension().is_none_or(|e| e != "html") || entry.file_name() == "404.html" {
            continue;
        }
        let html = fs::read_to_string(entry.path()).expect("page");
        // A page for no search engine (the search pages) is in no sitemap.
        if html.contains("<meta name=\"robots\" content=\"noindex\">") {
            continue;
        }
        let canonical = attribute_after(&html, "<link rel=\"canonical\" href=\"").expect("canonical");
        let alternates = alternates(&html, "<link rel=\"alternate\" hreflang=\"", "\" href=\"");
        assert!(alternates.iter().any(|(l, h)| l == "x-default" && h == BASE), "{canonical}: no x-default");
        let expected_file = public.join(canonical.trim_start_matches(BASE)).join("index.html");
        assert_eq!(expected_file, entry.path(), "canonical points to another file");
        pages.insert(canonical, alternates);
    }
    assert!(pages.len() >= 11, "{}", pages.len());
    check_reciprocal(&pages);

    let sitemap = fs::read_to_string(public.join("sitemap.xml")).expect("sitemap");
    let mut urls: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for block in sitemap.split("<url>").skip(1) {
        let loc =
            attribute_after(block, "<loc>").map(|l| l.split('<').next().unwrap_or_default().to_owned()).expect("loc");
        urls.insert(loc, alternates(block, "<xhtml:link rel=\"alternate\" hreflang=\"", "\" href=\""));
    }
    assert_eq!(urls.keys().collect::<Vec<_>>(), pages.keys().collect::<Vec<_>>(), "the sitemap lists every page");
    assert_eq!(urls, pages, "the sitemap's alternates are the pages' alternates");
}

fn check_reciprocal(pages: &BTreeMap<String, BTreeSet<(String, String)>>) {
    for (url, alternates) in pages {
        let own_lang = alternates.iter().find(|(_, h)| h == url).map(|(l, _)| l.clone());
        let own_lang = own_lang.unwrap_or_else(|| panic!("{url} does not list itself"));
        for (lang, href) in alternates.iter().filter(|(l, _)| l != "x-default") {
            let other = pages.get(href).unwrap_or_else(|| panic!("{url} lists {href} ({lang}), which is not a page"));
            let back = (own_lang.clone(), url.clone());
            assert!(other.contains(&back), "{href} does not list {back:?} back; it lists {other:?}");
        }
    }
}

fn attribute_after(text: &str, prefix: &str) -> Option<String> {
    let start = text.find(prefix)? + prefix.len();
    let end = text[start..].find('"').map_or(text.len(), |i| start + i);
    Some(text[start..end].to_owned())
}

fn alternates(text: &str, prefix: &str, middle: &str) -> BTreeSet<(String, String)> {
    text.match_indices(prefix)
        .filter_map(|(i, _)| {
            let rest = &text[i + prefix.len()..];
            let (lang, rest) = rest.split_once(middle)?;
            Some((lang.to_owned(), rest.split('"').next()?.to_owned()))
        })
        .collect()
}

#[test]
fn the_signer_list_opens_as_csv_with_the_expected_header() {
    let out = build_example();
    let path =
        Path::new(out.path()).join("public/es/declaraciones/guardia-nacional-control-migratorio/signatories.csv");
    let mut reader = csv::Reader::from_path(&path).expect("csv");
    assert_eq!(reader.headers().expect("header"), vec!["id", "name", "kind", "country", "url", "since"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 17);
    assert!(rows.iter().any(|r| &r[1] == "Red Fronteriza de Ejemplo"), "names are in the page's language");
}

#[test]
fn text_pasted_with_control_characters_still_makes_feeds_that_parse() {
    let en = crate::fixture::base_file("content/statements/sample/en.md")
        .replacen("title: A Sample Statement", "title: \"A Sample\u{b}Statement\"", 1)
        .replacen("We say it twice.", "We say\u{b}it\u{1} twice.", 1);
    let site = crate::fixture::Fixture::base().file("content/statements/sample/en.md", en);
    let run = site.build_ok();
    assert_contains!(
        run.stderr,
        "content/statements/sample/en.md:2:17: warning: an invisible control character (U+000B) is read as a space (2 more in this file)"
    );
    for file in ["feed.xml", "atom.xml", "feed.json"] {
        let bytes = fs::read(site.root().join("public/en").join(file)).expect("feed file");
        let feed = feed_rs::parser::parse(bytes.as_slice()).unwrap_or_else(|e| panic!("{file}: {e}"));
        let entry = feed.entries.iter().find(|e| e.id.contains("sample")).expect("the statement");
        assert_eq!(entry.title.as_ref().map(|t| t.content.as_str()), Some("A Sample Statement"), "{file}");
    }
}
