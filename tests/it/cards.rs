//! Share cards: a PNG of 1200 × 630 beside each statement page, linked as its `og:image`;
//! drawn again only when what it shows changed.

use std::fs;
use std::path::Path;

use undersigned::{BuildOptions, Report};

use crate::fixture::Fixture;

/// The example site's statement pages: `<lang>/<section>/<slug>/` with an `index.html`.
fn statement_folders(public: &Path) -> Vec<String> {
    let mut folders = Vec::new();
    for (lang, section) in [("en", "statements"), ("es", "declaraciones")] {
        for entry in fs::read_dir(public.join(lang).join(section)).expect("as the test set it up") {
            let rel =
                format!("{lang}/{section}/{}/", entry.expect("as the test set it up").file_name().to_string_lossy());
            // A notice (a statement not translated) has no card: it has no data files either.
            if public.join(&rel).join("statement.json").is_file() {
                folders.push(rel);
            }
        }
    }
    folders.sort();
    folders
}

/// The width and height in a PNG's header, after checking its signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let at = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().expect("as the test set it up"));
    (at(16), at(20))
}

/// The `content` of `<meta property="{property}" content="…">` in `page`.
fn meta<'p>(page: &'p str, property: &str) -> Option<&'p str> {
    let start = page.find(&format!("property=\"{property}\" content=\""))? + property.len() + 21;
    page[start..].split('"').next()
}

fn build(site: &Fixture) -> Report {
    let options = BuildOptions { root: site.root().to_path_buf(), ..BuildOptions::default() };
    undersigned::build(&options).unwrap_or_else(|e| panic!("build failed: {e}"))
}

#[test]
fn every_statement_page_of_the_example_site_has_its_own_card() {
    let out = crate::example_site::build_example();
    let public = out.path().join("public");
    let folders = statement_folders(&public);
    assert!(folders.len() >= 4, "{folders:?}");
    let mut cards: Vec<Vec<u8>> = Vec::new();
    for folder in &folders {
        let card = fs::read(public.join(folder).join("card.png")).unwrap_or_else(|e| panic!("{folder}: {e}"));
        assert_eq!(png_size(&card), (1200, 630), "{folder}");
        assert!(card.len() < 300 * 1024, "{folder}: {} bytes", card.len());
        assert!(!cards.contains(&card), "{folder}: the same card as another statement or language");
        cards.push(card);
        let page = fs::read_to_string(public.join(folder).join("index.html")).expect("as the test set it up");
        let image = meta(&page, "og:image").unwrap_or_else(|| panic!("{folder}: no og:image"));
        let (address, version) = image.split_once("?v=").unwrap_or_else(|| panic!("{image}: no ?v="));
        assert_eq!(address, format!("https://statements.example.org/{folder}card.png"));
        assert!(version.len() == 10 && version.bytes().all(|b| b.is_ascii_hexdigit()), "{image}");
        assert_eq!(meta(&page, "og:image:width"), Some("1200"), "{folder}");
        assert_eq!(meta(&page, "og:image:height"), Some("630"), "{folder}");
        assert_eq!(meta(&page, "og:image:type"), Some("image/png"), "{folder}");
        assert_contains!(page, "<meta name=\"twitter:card\" content=\"summary_large_image\">");
        let alt = meta(&page, "og:image:alt").unwrap_or_else(|| panic!("{folder}: no og:image:alt"));
        let signed = if folder.starts_with("es/") { "Firmada por " } else { "Signed by " };
        assert_contains!(alt, signed, "{folder}");
    }
}

#[test]
fn a_statements_own_image_wins_and_the_sites_image_does_not_stop_cards() {
    let yaml = crate::fixture::base_file("content/statements/sample/statement.yaml");
    let site = Fixture::base()
        .file("content/statements/sample/statement.yaml", format!("{yaml}image: photo.png\n"))
        .file("content/statements/sample/photo.png", b"\x89PNG not really")
        .file("content/statements/other/statement.yaml", "date: 2020-01-02\nsignatories: [zeta-network]\n")
        .file("content/statements/other/en.md", "---\ntitle: Another one\n---\nText.\n")
        .file("static/logo.png", b"\x89PNG logo");
    let site_yaml = crate::fixture::base_file("site.yaml");
    let site = site.file("site.yaml", format!("{site_yaml}image: /logo.png\n"));
    let report = build(&site);
    let page = site.output("en/statements/sample/index.html");
    assert_eq!(meta(&page, "og:image"), Some("https://fixture.example.org/en/statements/sample/photo.png"));
    assert_eq!(meta(&page, "og:image:alt"), None, "the build cannot describe a picture it did not make");
    assert!(!site.root().join("public/en/statements/sample/card.png").exists());
    assert!(!site.root().join("public/es/declaraciones/declaracion-de-prueba/card.png").exists());
    // The other statement has its card; the site's image is only for the other pages.
    let other = site.output("en/statements/other/index.html");
    assert!(meta(&other, "og:image").is_some_and(|i| i.contains("/en/statements/other/card.png?v=")), "{other}");
    assert!(site.root().join("public/en/statements/other/card.png").is_file());
    assert_eq!(meta(&site.output("en/index.html"), "og:image"), Some("https://fixture.example.org/logo.png"));
    assert_eq!(report.cards.drawn, 1);
}

#[test]
fn a_rebuild_draws_no_card_and_a_new_signer_redraws_only_that_statements_cards() {
    let site = Fixture::base()
        .file("content/statements/other/statement.yaml", "date: 2020-01-02\nsignatories: [zeta-network]\n")
        .file("content/statements/other/en.md", "---\ntitle: Another one\n---\nText.\n")
        .file("content/statements/other/es.md", "---\ntitle: Otra más\n---\nTexto.\n");
    let cards = [
        "en/statements/sample",
        "es/declaraciones/declaracion-de-prueba",
        "en/statements/other",
        "es/declaraciones/other",
    ];
    let read = |site: &Fixture| -> Vec<Vec<u8>> {
        cards
            .iter()
            .map(|c| fs::read(site.root().join("public").join(c).join("card.png")).expect("as the test set it up"))
            .collect()
    };
    let first = build(&site);
    assert_eq!((first.cards.drawn, first.cards.kept), (4, 0));
    let before = read(&site);
    let page = site.output("en/statements/other/index.html");

    let again = build(&site);
    assert_eq!((again.cards.drawn, again.cards.kept), (0, 4), "nothing changed: nothing drawn");
    assert_eq!(read(&site), before);
    assert_eq!(site.output("en/statements/other/index.html"), page);

    // One more signer for `other`: its two cards, and the `?v=` of its pages, change.
    let site = site.file(
        "content/statements/other/statement.yaml",
        "date: 2020-01-02\nsignatories: [zeta-network, nordic-example]\n",
    );
    let changed = build(&site);
    assert_eq!((changed.cards.drawn, changed.cards.kept), (2, 2));
    let after = read(&site);
    assert_eq!(after[..2], before[..2], "the sample statement's cards are as they were");
    assert_ne!(after[2], before[2]);
    assert_ne!(after[3], before[3]);
    assert_ne!(meta(&site.output("en/statements/other/index.html"), "og:image"), meta(&page, "og:image"));
}

#[test]
fn a_card_changed_by_hand_in_the_output_is_drawn_again() {
    let site = Fixture::base();
    build(&site);
    let path = site.root().join("public/en/statements/sample/card.png");
    let card = fs::read(&path).expect("as the test set it up");
    fs::remove_file(&path).expect("as the test set it up");
    fs::write(&path, b"not a card").expect("as the test set it up");
    let report = build(&site);
    assert_eq!((report.cards.drawn, report.cards.kept), (1, 1));
    assert_eq!(fs::read(&path).expect("as the test set it up"), card);
}

#[test]
fn check_draws_no_card() {
    let site = Fixture::base();
    let options = BuildOptions { root: site.root().to_path_buf(), ..BuildOptions::default() };
    let report = undersigned::check(&options).expect("as the test set it up");
    assert_eq!(report.cards, Default::default());
    assert!(!site.root().join("public").exists());
}

#[test]
fn an_arabic_statement_has_its_card_described_in_arabic() {
    let out = tempfile::tempdir().expect("as the test set it up");
    let options = BuildOptions {
        root: crate::fixture::fixtures().join("arabic"),
        output: Some(out.path().join("public")),
        ..BuildOptions::default()
    };
    undersigned::build(&options).expect("as the test set it up");
    let card =
        fs::read(out.path().join("public/ar/bayanat/rafa-alquyud-an-almiyah/card.png")).expect("as the test set it up");
    assert_eq!(png_size(&card), (1200, 630));
    let page = fs::read_to_string(out.path().join("public/ar/bayanat/rafa-alquyud-an-almiyah/index.html"))
        .expect("as the test set it up");
    assert_contains!(meta(&page, "og:image:alt").unwrap_or_default(), "بتوقيع");
}

#[test]
fn serve_draws_cards_once_edits_pause_and_keeps_the_last_ones_meanwhile() {
    use std::collections::BTreeSet;

    use undersigned::serve::rebuild::{Outcome, Rebuilder};
    use undersigned::serve::watch::Change;

    let site = Fixture::base();
    let card = "en/statements/sample/card.png";
    let mut preview = Rebuilder::new(site.root().to_path_buf(), crate::serve::preview_options());
    let Outcome::Built(first, _) = preview.full().expect("full build") else { panic!("the full build failed") };
    assert!(!first.files.contains_key(card), "a full preview draws no card");
    let drawn = preview.refresh_deferred().expect("the cards follow");
    let before = drawn.files.get(card).expect("drawn once edits pause").clone();
    assert!(before.starts_with(b"\x89PNG"));
    // An edit of the title: the page at once, with the card it had; the new card later.
    let en = site.root().join("content/statements/sample/en.md");
    let text = fs::read_to_string(&en).expect("en.md");
    fs::write(&en, text.replace("title: A Sample Statement", "title: A Renamed Statement")).expect("edit");
    let changes = BTreeSet::from([Change::Statement("sample".to_owned())]);
    let Outcome::Built(edited, _) = preview.apply(&changes).expect("rebuild") else { panic!("the edit failed") };
    assert_eq!(edited.files.get(card), Some(&before));
    let after = preview.refresh_deferred().expect("the cards follow");
    assert_ne!(after.files.get(card).expect("still there"), &before);
}
