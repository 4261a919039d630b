//! Search: Pagefind's index of each language in the output, its search page, and the
//! index kept from the previous output when no indexed text changed.

use std::fs;

use undersigned::render::search::Indexing;
use undersigned::{BuildOptions, Report};

use crate::fixture::Fixture;

fn build(site: &Fixture) -> Report {
    let options = BuildOptions { root: site.root().to_path_buf(), ..BuildOptions::default() };
    undersigned::build(&options).unwrap_or_else(|e| panic!("build failed: {e}"))
}

#[test]
fn each_language_has_its_index_and_its_search_page() {
    let site = Fixture::base();
    let report = build(&site);
    assert_eq!(report.search, Some(Indexing::Indexed));
    let entry = site.output("pagefind/pagefind-entry.json");
    for lang in ["en", "es"] {
        assert_contains!(entry, &format!("\"{lang}\":{{\"hash\":\"{lang}_"));
        assert!(site.root().join(format!("public/pagefind/wasm.{lang}.pagefind")).is_file(), "{lang}: no stemming");
    }
    for file in ["pagefind.js", "pagefind-worker.js", "undersigned-index.txt"] {
        assert!(site.root().join("public/pagefind").join(file).is_file(), "{file} missing");
    }
    // Pagefind's ready-made interfaces are left out: the theme has its own.
    assert!(!site.root().join("public/pagefind/pagefind-ui.js").exists());
    let es = site.output("es/buscar/index.html");
    assert_contains!(es, "<html lang=\"es\">");
    assert_contains!(es, "data-bundle=\"/pagefind/pagefind.js\"");
    // The script under its hashed name, like the stylesheet.
    let script = es.split("<script type=\"module\" src=\"").nth(1).and_then(|s| s.split('"').next()).expect("a script");
    assert!(script.starts_with("/search.") && script.ends_with(".js") && script != "/search.js", "{script}");
    assert!(site.root().join("public").join(&script[1..]).is_file(), "{script}");
    assert_contains!(es, "<label for=\"search-q\">Buscar en las declaraciones</label>");
    assert_contains!(es, "aria-live=\"polite\"");
    // For readers without JavaScript: the archive's topics and years.
    assert_contains!(es, "<li><a href=\"/es/topics/\">Temas</a></li>");
    assert_contains!(site.output("search.js"), "pagefind.search(");
    // Every page's header links its language's search page.
    assert_contains!(site.output("en/about/index.html"), "<li><a href=\"/en/search/\">Search</a></li>");
    assert_contains!(site.output("es/index.html"), "<li><a href=\"/es/buscar/\">Buscar</a></li>");
    // The search pages are no pages for search engines.
    assert_lacks!(site.output("sitemap.xml"), "/buscar/");
}

#[test]
fn a_rebuild_reindexes_only_when_indexed_text_changes() {
    let site = Fixture::base();
    assert_eq!(build(&site).search, Some(Indexing::Indexed));
    let listing = site.output("pagefind/undersigned-index.txt");
    assert_eq!(build(&site).search, Some(Indexing::Kept));
    assert_eq!(site.output("pagefind/undersigned-index.txt"), listing);
    // A change that no record holds (the theme's look) keeps the index too.
    let site = site.file("themes/default/static/style.css", "body { color: red; }\n");
    assert_eq!(build(&site).search, Some(Indexing::Kept));
    // A statement's text is indexed: the index is made again, with another key.
    let text = fs::read_to_string(site.root().join("content/statements/sample/en.md")).unwrap();
    let site = site.file("content/statements/sample/en.md", text.replace("We say it twice.", "We say it thrice."));
    assert_eq!(build(&site).search, Some(Indexing::Indexed));
    assert_ne!(site.output("pagefind/undersigned-index.txt"), listing);
    assert_eq!(build(&site).search, Some(Indexing::Kept));
    // A kept file changed by hand is not reused: the index is made again.
    let meta = fs::read_dir(site.root().join("public/pagefind"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pf_meta"))
        .unwrap();
    fs::remove_file(&meta).unwrap();
    fs::write(&meta, b"changed").unwrap();
    assert_eq!(build(&site).search, Some(Indexing::Indexed));
    assert_ne!(fs::read(&meta).unwrap(), b"changed");
}

#[test]
fn check_makes_no_index() {
    let site = Fixture::base();
    let options = BuildOptions { root: site.root().to_path_buf(), ..BuildOptions::default() };
    assert_eq!(undersigned::check(&options).unwrap().search, None);
}

#[test]
fn a_static_file_where_the_index_goes_is_a_located_conflict() {
    let site = Fixture::base().file("static/pagefind/pagefind.js", "export {};\n");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_contains!(
        run.stderr,
        "static/pagefind/pagefind.js:1:1: error: this file would be `pagefind/pagefind.js` in the output, which the build writes"
    );
    assert!(!site.root().join("public").exists());
}
