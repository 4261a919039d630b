//! What a reader finds as an archive grows: a feed per signer, topic pages with their
//! feeds, and the archive by year.

use std::fs;
use std::path::Path;

use crate::example_site::build_example;

fn read(public: &Path, rel: &str) -> String {
    fs::read_to_string(public.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn each_signer_page_links_its_own_atom_feed_of_what_it_signed() {
    let out = build_example();
    let public = out.path().join("public");
    for (lang, page) in [
        ("en", "en/statements/national-guard-migration-enforcement/"),
        ("es", "es/declaraciones/guardia-nacional-control-migratorio/"),
    ] {
        let rel = format!("{lang}/signatories/red-fronteriza-ejemplo/");
        let html = read(&public, &format!("{rel}index.html"));
        let link = format!(
            "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/{rel}atom.xml\" title=\"{}",
            if lang == "en" { "Statements signed by Example Border Network" } else { "Declaraciones firmadas por" }
        );
        assert_contains!(html, &link, "{lang}: autodiscovery");
        let bytes = fs::read(public.join(format!("{rel}atom.xml"))).expect("the signer's feed");
        let feed = feed_rs::parser::parse(bytes.as_slice()).unwrap_or_else(|e| panic!("{lang}: {e}"));
        assert_eq!(feed.language.as_deref(), Some(lang));
        assert!(!feed.authors.is_empty(), "{lang}: the W3C validator wants an author");
        let links: Vec<&str> = feed.entries.iter().flat_map(|e| &e.links).map(|l| l.href.as_str()).collect();
        assert!(links.contains(&format!("https://statements.example.org/{page}").as_str()), "{lang}: {links:?}");
        assert!(
            feed.entries.iter().all(|e| e.summary.is_some() && e.content.is_none()),
            "{lang}: a list, not full text"
        );
    }
}

#[test]
fn tags_become_topic_pages_labelled_per_language_with_their_feeds() {
    let out = build_example();
    let public = out.path().join("public");
    let statement = read(&public, "es/declaraciones/guardia-nacional-control-migratorio/index.html");
    assert_contains!(statement, "<li><a href=\"/es/topics/mexico/\">México</a></li>", "the statement links its topics");
    let topic = read(&public, "es/topics/mexico/index.html");
    assert_contains!(topic, "<h1>México</h1>");
    assert_contains!(
        topic,
        "<link rel=\"alternate\" hreflang=\"en\" href=\"https://statements.example.org/en/topics/mexico/\">"
    );
    assert_contains!(
        topic,
        "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/es/topics/mexico/feed.xml\" title=\"México: canal RSS\">"
    );
    assert_contains!(
        topic,
        "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/es/topics/mexico/atom.xml\" title=\"México: canal Atom\">"
    );
    assert_contains!(topic, "href=\"/es/declaraciones/guardia-nacional-control-migratorio/\"");
    assert_lacks!(topic, "court-ruling", "a statement without the tag");
    for file in ["feed.xml", "atom.xml"] {
        let bytes = fs::read(public.join("es/topics/mexico").join(file)).expect("the topic's feed");
        let feed = feed_rs::parser::parse(bytes.as_slice()).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(feed.entries.len(), 2, "{file}: the two statements on Mexico written in Spanish");
        assert!(feed.entries.iter().all(|e| e.content.is_some()), "{file}: full text, as the language's feeds");
    }
    let index = read(&public, "en/topics/index.html");
    assert_contains!(index, "<a href=\"/en/topics/united-states/\">United States</a> <span class=\"count\">(1)</span>");
    let sitemap = read(&public, "sitemap.xml");
    assert_contains!(sitemap, "<loc>https://statements.example.org/es/topics/mexico/</loc>");
    assert_contains!(sitemap, "<loc>https://statements.example.org/en/topics/</loc>");
}

#[test]
fn an_unlabelled_tag_shows_its_id() {
    let site = crate::fixture::Fixture::base();
    site.build_ok();
    let topic = fs::read_to_string(site.root().join("public/es/topics/test/index.html")).expect("topic page");
    assert_contains!(topic, "<h1>test</h1>");
}

#[test]
fn the_home_shows_the_newest_and_the_archive_holds_every_statement_by_year() {
    let out = build_example();
    let public = out.path().join("public");
    let home = read(&public, "en/index.html");
    assert_contains!(home, "<a href=\"/en/2019/\">2019</a> <span class=\"count\">(1)</span>");
    let year = read(&public, "es/2019/index.html");
    assert_contains!(year, "<h1>Declaraciones de 2019</h1>");
    assert_contains!(year, "href=\"/es/declaraciones/guardia-nacional-control-migratorio/\"");
    assert_contains!(year, "<link rel=\"alternate\" hreflang=\"en\" href=\"https://statements.example.org/en/2019/\">");
    assert_lacks!(year, "rel=\"next\"", "one page only");
}

#[test]
fn a_directory_of_more_than_500_signers_is_split_by_country() {
    let countries = ["MX", "GT", "NO"];
    let mut registry = String::new();
    let mut list = String::new();
    for i in 0..510 {
        let country = countries[i % countries.len()];
        let kind = if i % 10 == 0 { "individual" } else { "organization" };
        registry.push_str(&format!("- id: s-{i:03}\n  name: Signer {i:03}\n  kind: {kind}\n  country: {country}\n"));
        list.push_str(&format!("  - s-{i:03}\n"));
    }
    let site = crate::fixture::Fixture::base()
        .file("signatories.yaml", registry)
        .file("content/statements/sample/statement.yaml", format!("date: 2019-06-27\nsignatories:\n{list}"));
    site.build_ok();
    let index = site.output("es/signatories/index.html");
    assert_contains!(index, "<h2 id=\"directory-countries\">Países</h2>");
    assert_contains!(index, "<li><a href=\"/es/countries/gt/\">Guatemala</a> <span class=\"count\">(170)</span></li>");
    assert_lacks!(index, "Signer 001", "the index lists countries, not signers");
    // Guatemala, México, Noruega: in the reader's alphabet.
    let order: Vec<usize> = ["Guatemala", "México", "Noruega"].iter().map(|c| index.find(c).expect(c)).collect();
    assert!(order.is_sorted(), "{order:?}");
    let mexico = site.output("es/countries/mx/index.html");
    assert_contains!(mexico, "<h1>Firmantes: México</h1>");
    assert_contains!(mexico, "<a href=\"/es/signatories/s-003/\"><bdi>Signer 003</bdi></a>");
    assert_contains!(mexico, "<a href=\"/es/signatories/s-000/\"><bdi>Signer 000</bdi></a>", "individuals too");
    assert_lacks!(mexico, "Signer 001", "Signer 001 is in Guatemala");
    assert_contains!(
        mexico,
        "<link rel=\"alternate\" hreflang=\"en\" href=\"https://fixture.example.org/en/countries/mx/\">"
    );
    assert_contains!(site.output("sitemap.xml"), "<loc>https://fixture.example.org/en/countries/no/</loc>");
}

#[test]
fn a_directory_of_500_signers_or_fewer_is_one_page() {
    let out = build_example();
    let index = read(&out.path().join("public"), "en/signatories/index.html");
    assert_contains!(index, "<h2 id=\"directory-organizations\">");
    assert_lacks!(index, "directory-countries");
    assert!(!out.path().join("public/en/countries").exists());
}
