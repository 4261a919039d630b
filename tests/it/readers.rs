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
