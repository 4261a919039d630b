//! The repository's own example site builds, and its seed statement is complete.

use std::path::Path;

use undersigned::BuildOptions;

/// Builds the repository's own site into a temporary folder (`<tmp>/public`).
pub fn build_example() -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("temp");
    let options = BuildOptions {
        root: Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf(),
        output: Some(out.path().join("public")),
        ..BuildOptions::default()
    };
    let report = undersigned::build(&options).unwrap_or_else(|e| panic!("the example site does not build: {e:?}"));
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    out
}

#[test]
fn the_example_site_passes_check_without_a_warning() {
    let options = BuildOptions { root: Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf(), ..BuildOptions::default() };
    let report = undersigned::check(&options).unwrap_or_else(|e| panic!("the example site fails check: {e:?}"));
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join("public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn the_seed_statement_has_its_text_notes_backlinks_and_signers_in_both_languages() {
    let out = build_example();
    let en = read(out.path(), "en/statements/national-guard-migration-enforcement/index.html");
    let es = read(out.path(), "es/declaraciones/guardia-nacional-control-migratorio/index.html");
    assert_contains!(
        en,
        "The undersigned organizations are gravely concerned by the recent actions of the Mexican National Guard"
    );
    assert_contains!(
        en,
        "Safe Third Country agreement with the United States which would further put at risk the safety and well-being of asylum seekers."
    );
    for (page, notes) in [(&en, "Notes"), (&es, "Notas")] {
        let id = "national-guard-migration-enforcement";
        for n in [1, 2] {
            assert_contains!(
                page,
                &format!("<a id=\"{id}-fnref-{n}\" href=\"#{id}-fn-{n}\" role=\"doc-noteref\">{n}</a>"),
                "noteref {n}"
            );
            assert_contains!(page, &format!("<li id=\"{id}-fn-{n}\">"), "note {n}");
            assert_contains!(page, &format!("<a href=\"#{id}-fnref-{n}\" role=\"doc-backlink\""), "backlink {n}");
        }
        assert_contains!(page, &format!(">{notes}</h2>"));
        assert_contains!(
            page,
            "<a href=\"https://www.state.gov/u-s-mexico-join-declaration/\">www.state.gov/u-s-mexico-join-declaration/</a>."
        );
        assert_contains!(page, "<a href=\"http://bit.ly/2xfX610\">http://bit.ly/2xfX610</a>.");
    }
    assert_contains!(en, "Signed by 14 organisations and 3 individuals from 6 countries");
    assert_contains!(es, "Firmada por 14 organizaciones y 3 personas de 6 países");
    assert_contains!(
        en,
        "href=\"https://statements.example.org/es/declaraciones/guardia-nacional-control-migratorio/\" lang=\"es\" hreflang=\"es\""
    );
    assert_contains!(
        es,
        "href=\"https://statements.example.org/en/statements/national-guard-migration-enforcement/\" lang=\"en\" hreflang=\"en\""
    );
}

#[test]
fn signers_sort_by_the_reader_s_alphabet() {
    let out = build_example();
    let en = read(out.path(), "en/statements/national-guard-migration-enforcement/index.html");
    let signers = &en[en.find("<section class=\"signers\"").expect("signers section")..];
    let position = |name: &str| signers.find(name).unwrap_or_else(|| panic!("{name} is not listed"));
    // "Éxodo" sorts with E, after "Example …" and before "Faith …".
    assert!(position("Example Latin America") < position("Éxodo") && position("Éxodo") < position("Faith Welcome"));
}

#[test]
fn the_english_only_statement_has_a_spanish_notice() {
    let out = build_example();
    let notice = read(out.path(), "es/declaraciones/court-ruling-asylum-access/index.html");
    assert_contains!(notice, "lang=\"en\" hreflang=\"en\">Coalition Welcomes Court Ruling on Asylum Access</a>");
}

#[test]
fn builds_a_year_apart_with_nothing_new_are_byte_identical() {
    // Its topics without a statement in Spanish have empty Spanish feeds: they must not
    // carry the build's clock.
    let at = |now: &str| {
        let out = tempfile::tempdir().expect("temp");
        let options = BuildOptions {
            root: Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf(),
            output: Some(out.path().join("public")),
            now: Some(now.parse().expect("an instant")),
            ..BuildOptions::default()
        };
        undersigned::build(&options).unwrap_or_else(|e| panic!("{e:?}"));
        crate::fixture::snapshot_tree(&out.path().join("public"))
    };
    let (first, second) = (at("2030-01-01T00:00:00Z"), at("2031-01-01T00:00:00Z"));
    assert_eq!(first.len(), second.len());
    for ((path, a), (_, b)) in first.iter().zip(&second) {
        assert!(a == b, "{} differs between the two builds", path.display());
    }
}
