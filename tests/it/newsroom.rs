//! How statements live: embargoes, late signers, sign-on calls, corrections, the directory.

use crate::fixture::{Fixture, snapshot_tree};

/// The base site plus a statement under embargo until 2020-01-02 09:00 in Mexico City
/// (15:00 UTC), signed by one signer nobody else has.
fn with_embargo() -> Fixture {
    let registry = crate::fixture::base_file("signatories.yaml");
    Fixture::base()
        .file(
            "signatories.yaml",
            format!("{registry}- id: only-here\n  name: Only Signs The Secret\n  kind: organization\n  country: GT\n"),
        )
        .file(
            "content/statements/secret/statement.yaml",
            "date: 2020-01-02T09:00:00\nembargo: 2020-01-02T09:00:00\nsignatories: [only-here, zeta-network]\ntags: [embargoed-tag]\n",
        )
        .file("content/statements/secret/en.md", "---\ntitle: The Secret Statement\nsummary: Secret summary.\n---\nSecret body.\n")
}

#[test]
fn before_its_embargo_nothing_of_a_statement_is_in_any_output_file() {
    let site = with_embargo();
    let run = site.run(&["build", "--now", "2020-01-02T14:59:59Z"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (path, bytes) in snapshot_tree(&site.root().join("public")) {
        let text = String::from_utf8_lossy(&bytes);
        for secret in
            ["The Secret Statement", "Secret summary", "secret", "Only Signs The Secret", "only-here", "embargoed-tag"]
        {
            assert_lacks!(text, secret, "{} reveals {secret:?}", path.display());
        }
        assert!(
            !path.to_string_lossy().contains("secret") && !path.to_string_lossy().contains("only-here"),
            "{}",
            path.display()
        );
    }
    let run = site.run(&["build", "--now", "2020-01-02T15:00:00Z"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = site.output("en/statements/secret/index.html");
    assert_contains!(page, ">2 January 2020 09:00 CST</time>", "the publication time with its zone");
    for file in [
        "en/index.html",
        "en/feed.xml",
        "sitemap.xml",
        "en/signatories/index.html",
        "en/signatories/only-here/index.html",
    ] {
        assert!(site.output(file).contains("secret") || site.output(file).contains("Secret"), "{file}");
    }
}

#[test]
fn late_signers_are_marked_and_the_count_is_dated() {
    let site = Fixture::base().file(
        "content/statements/sample/statement.yaml",
        "date: 2019-06-27\nsignatories:\n  - zeta-network\n  - { id: nordic-example, since: 2019-07-02 }\n  - angel-example\n",
    );
    site.build_ok();
    let en = site.output("en/statements/sample/index.html");
    assert_contains!(en, "Signed by 2 organisations and 1 individual from 3 countries, as of 2 July 2019");
    assert_contains!(
        en,
        "<bdi>Nordic Example Fund</bdi> <span class=\"country\">(Norway)</span> <span class=\"since\">joined 2 July 2019</span>"
    );
    // The signer's own page says when it joined; the others' rows do not.
    let signer = site.output("en/signatories/nordic-example/index.html");
    assert_contains!(signer, "</time> · joined 2 July 2019</p>");
    assert_lacks!(site.output("en/signatories/zeta-network/index.html"), "joined");
    let es = site.output("es/declaraciones/declaracion-de-prueba/index.html");
    assert_contains!(es, "de 3 países, al 2 de julio de 2019");
    let csv = site.output("en/statements/sample/signatories.csv");
    assert_contains!(csv, "nordic-example,Nordic Example Fund,organization,NO,,2019-07-02");
    let json: serde_json::Value =
        serde_json::from_str(&site.output("en/statements/sample/statement.json")).expect("json");
    assert!(json["signatories"].as_array().expect("list").iter().any(|s| s["since"] == "2019-07-02"));
}

#[test]
fn the_sign_on_call_shows_until_it_closes() {
    let site = Fixture::base().file(
        "content/statements/sample/statement.yaml",
        "date: 2019-06-27\nsignatories: [zeta-network]\nsign_on: { url: \"https://forms.example.org/sign\", until: 2019-07-15 }\n",
    );
    let run = site.run(&["build", "--now", "2019-07-10T00:00:00Z"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let open = site.output("en/statements/sample/index.html");
    assert_contains!(open, "<a href=\"https://forms.example.org/sign\">Add your organisation to this statement</a>");
    assert_contains!(open, "(open until 15 July 2019)");
    let run = site.run(&["build", "--now", "2019-07-16T00:00:00Z"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_lacks!(site.output("en/statements/sample/index.html"), "forms.example.org");
}

#[test]
fn a_correction_is_shown_and_redates_the_page_and_the_feed_entry() {
    let en = crate::fixture::base_file("content/statements/sample/en.md");
    let en = en.replacen("---\n", "---\ncorrections:\n  - { date: 2019-06-28, note: \"Added 12 signatories.\" }\n", 1);
    let site = Fixture::base().file("content/statements/sample/en.md", en);
    site.build_ok();
    let page = site.output("en/statements/sample/index.html");
    assert_contains!(
        page,
        "Corrected <time datetime=\"2019-06-28\">28 June 2019</time>:</strong> Added 12 signatories."
    );
    assert_contains!(page, "<meta property=\"article:modified_time\" content=\"2019-06-28T00:00:00-05:00\">");
    assert_contains!(page, "\"correction\":[{\"@type\":\"CorrectionComment\"");
    let atom = site.output("en/atom.xml");
    assert_contains!(atom, "<updated>2019-06-28T00:00:00-05:00</updated>");
    assert_contains!(atom, "Corrected 28 June 2019: Added 12 signatories.");
}

#[test]
fn the_directory_lists_signers_by_country_and_each_signer_has_its_statements() {
    let site = Fixture::base()
        .file("content/statements/later/statement.yaml", "date: 2021-01-01\nsignatories: [zeta-network]\n")
        .file("content/statements/later/en.md", "---\ntitle: A Later Statement\n---\nText.\n");
    site.build_ok();
    let directory = site.output("es/signatories/index.html");
    let mexico = directory.find(">México</h3>").expect("Mexico group");
    let norway = directory.find(">Noruega</h3>").expect("Norway group");
    assert!(mexico < norway, "countries in the reader's alphabet");
    let individuals = directory.find("id=\"directory-individuals\"").expect("individuals apart");
    assert!(directory.find("Ángel Ejemplo").expect("listed") > individuals);
    assert_contains!(
        directory,
        "<a href=\"/es/signatories/zeta-network/\"><bdi>Red Zeta de Ejemplo</bdi></a> <span class=\"count\">(2)</span>"
    );
    let zeta = site.output("en/signatories/zeta-network/index.html");
    let later = zeta.find("A Later Statement").expect("listed");
    let sample = zeta.find("A Sample Statement").expect("listed");
    assert!(later < sample, "newest first");
    let zeta_es = site.output("es/signatories/zeta-network/index.html");
    assert_contains!(
        zeta_es,
        "lang=\"en\" hreflang=\"en\">A Later Statement</a>",
        "the untranslated one is marked: {zeta_es}"
    );
}
