//! Snapshots of the HTML that matters: a footnoted paragraph, the notes, a signer list,
//! and the head of a page. Review changes with `cargo insta review` (or INSTA_UPDATE).

use crate::fixture::Fixture;

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("{start} not found"));
    let to = html[from..].find(end).map(|i| from + i + end.len()).unwrap_or_else(|| panic!("{end} not found"));
    &html[from..to]
}

#[test]
fn statement_html() {
    let site = Fixture::base();
    site.build_ok();
    let en = site.output("en/statements/sample/index.html");
    insta::assert_snapshot!("footnoted_paragraph", between(&en, "<div class=\"statement-body\">", "</p>"));
    insta::assert_snapshot!("notes", between(&en, "<section class=\"notes\"", "</section>"));
    insta::assert_snapshot!("signers", between(&en, "<section class=\"signers\"", "</section>"));
    // The stylesheet's name changes with every edit of it (tests/it/deploy.rs checks it).
    insta::assert_snapshot!("head", without_stylesheet_hash(between(&en, "<!doctype html>", "</head>")));
    let es = site.output("es/declaraciones/declaracion-de-prueba/index.html");
    insta::assert_snapshot!("signers_es", between(&es, "<section class=\"signers\"", "</section>"));
}

/// `/style.3f2a9c1b.css` → `/style.HASH.css`.
fn without_stylesheet_hash(html: &str) -> String {
    let start = html.find("href=\"/style.").expect("a stylesheet link") + "href=\"/style.".len();
    let hash = &html[start..start + 8];
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()) && html[start + 8..].starts_with(".css\""), "{html}");
    format!("{}HASH{}", &html[..start], &html[start + 8..])
}
