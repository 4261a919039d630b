//! What a good build produces: pages, languages, byte-identical output, policies.

use crate::fixture::{Fixture, snapshot_tree};

#[test]
fn the_summary_line_counts_pages_and_languages() {
    let run = Fixture::base().run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("built 24 pages in 2 languages in "), "{}", run.stdout);
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let site = Fixture::base();
    site.build_ok();
    let first = snapshot_tree(&site.root().join("public"));
    site.build_ok();
    assert_eq!(first, snapshot_tree(&site.root().join("public")));
}

#[test]
fn every_page_exists_in_both_languages_with_its_own_slug() {
    let site = Fixture::base();
    site.build_ok();
    for path in [
        "index.html",
        "404.html",
        "style.css",
        "en/index.html",
        "es/index.html",
        "en/statements/sample/index.html",
        "es/declaraciones/declaracion-de-prueba/index.html",
        "en/about/index.html",
        "es/acerca/index.html",
    ] {
        assert!(site.root().join("public").join(path).is_file(), "{path} missing");
    }
}

#[test]
fn the_switcher_links_the_other_language_with_lang_and_hreflang() {
    let site = Fixture::base();
    site.build_ok();
    let en = site.output("en/statements/sample/index.html");
    assert_contains!(en, "<html lang=\"en\">");
    assert_contains!(
        en,
        "<a href=\"https://fixture.example.org/es/declaraciones/declaracion-de-prueba/\" lang=\"es\" hreflang=\"es\">Español</a>"
    );
    assert_contains!(en, "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://fixture.example.org/\">");
    let es = site.output("es/declaraciones/declaracion-de-prueba/index.html");
    assert_contains!(
        es,
        "<link rel=\"canonical\" href=\"https://fixture.example.org/es/declaraciones/declaracion-de-prueba/\">"
    );
    assert_contains!(
        es,
        "<link rel=\"alternate\" hreflang=\"en\" href=\"https://fixture.example.org/en/statements/sample/\">"
    );
}

#[test]
fn spanish_pages_are_in_spanish() {
    let site = Fixture::base();
    site.build_ok();
    let es = site.output("es/declaraciones/declaracion-de-prueba/index.html");
    assert_contains!(es, ">27 de junio de 2019</time>");
    assert_contains!(es, "<h2 id=\"sample-notes\">Notas</h2>");
    assert_contains!(es, "Firmada por 2 organizaciones y 1 persona de 3 países");
    assert_contains!(es, "aria-label=\"Volver a la referencia 1 a\"");
}

#[test]
fn a_missing_translation_gives_a_notice_page_linking_the_original() {
    let site = Fixture::base().remove("content/statements/sample/es.md");
    site.build_ok();
    let notice = site.output("es/declaraciones/sample/index.html");
    assert_contains!(notice, "<a href=\"/en/statements/sample/\" lang=\"en\" hreflang=\"en\">A Sample Statement</a>");
    let index = site.output("es/index.html");
    assert_contains!(index, "<a href=\"/en/statements/sample/\" lang=\"en\" hreflang=\"en\">");
}

#[test]
fn with_skip_a_missing_translation_has_no_page() {
    let site = Fixture::base().remove("content/statements/sample/es.md");
    let config = std::fs::read_to_string(site.root().join("site.yaml")).expect("site.yaml").replace("notice", "skip");
    let site = site.file("site.yaml", config);
    site.build_ok();
    assert!(!site.root().join("public/es/declaraciones").exists());
    assert_lacks!(site.output("es/index.html"), "A Sample Statement");
}

#[test]
fn crlf_and_a_bom_simply_work() {
    let en = crate::fixture::base_file("content/statements/sample/en.md");
    let crlf = format!("\u{feff}{}", en.replace('\n', "\r\n"));
    let site = Fixture::base().file("content/statements/sample/en.md", crlf);
    site.build_ok();
    assert_contains!(site.output("en/statements/sample/index.html"), "<h1 id=\"sample-title\">A Sample Statement</h1>");
}

#[test]
fn drafts_and_embargoes_are_not_published_unless_asked() {
    let site = Fixture::base()
        .file("content/statements/draft/statement.yaml", "date: 2020-01-01\ndraft: true\n")
        .file("content/statements/draft/en.md", "---\ntitle: Draft\n---\nText.\n")
        .file("content/statements/embargoed/statement.yaml", "date: 2020-01-01\nembargo: 2020-01-02T09:00:00-05:00\n")
        .file("content/statements/embargoed/en.md", "---\ntitle: Embargoed\n---\nText.\n");
    let run = site.run(&["build", "--now", "2020-01-02T13:59:59Z"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!site.root().join("public/en/statements/draft").exists());
    assert!(!site.root().join("public/en/statements/embargoed").exists());
    assert_lacks!(site.output("en/index.html"), "Embargoed");
    let run = site.run(&["build", "--now", "2020-01-02T14:00:00Z", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.root().join("public/en/statements/draft/index.html").exists());
    assert_contains!(site.output("en/index.html"), "Embargoed");
}

#[test]
fn one_template_can_be_overridden() {
    let site = Fixture::base().file(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<h1 class=\"custom\">{{ page.title }}</h1>{{ body | safe }}{% endblock content %}",
    );
    site.build_ok();
    assert_contains!(site.output("en/about/index.html"), "<h1 class=\"custom\">About</h1>");
    // Everything else still comes from the built-in theme.
    assert_contains!(site.output("en/statements/sample/index.html"), "role=\"doc-endnotes\"");
}

#[test]
fn the_old_names_of_partial_rows_still_work_with_a_warning() {
    let site = Fixture::base()
        .file("themes/default/templates/partials/signer.html", "<li class=\"old\">{{ o.name }}</li>\n")
        .file("themes/default/templates/partials/signed.html", "<li class=\"old\">{{ s.title }}</li>\n");
    let run = site.build_ok();
    for line in [
        "themes/default/templates/partials/signer.html:1:1: warning: `o` is now called `signer` in partials/signer.html",
        "themes/default/templates/partials/signed.html:1:1: warning: `s` is now called `statement` in partials/signed.html",
    ] {
        assert!(run.stderr.lines().any(|l| l == line), "expected the line {line:?} in:\n{}", run.stderr);
    }
    let page = site.output("en/statements/sample/index.html");
    assert_contains!(page, "<li class=\"old\">Nordic Example Fund</li>", "expected the old partial's row in:\n{page}");
    let signer = site.output("en/signatories/nordic-example/index.html");
    assert_contains!(
        signer,
        "<li class=\"old\">A Sample Statement</li>",
        "expected the old partial's row in:\n{signer}"
    );
}

#[test]
fn a_row_partial_can_be_overridden_and_its_errors_are_located() {
    let site = Fixture::base().file(
        "themes/default/templates/partials/signer.html",
        "<li class=\"mine\">{{ signer.name }} ({{ signer.country }})</li>\n",
    );
    let run = site.build_ok();
    assert_lacks!(run.stderr, "warning");
    let page = site.output("en/statements/sample/index.html");
    assert_contains!(page, "\n<li class=\"mine\">Nordic Example Fund (NO)</li>\n");

    let broken = site.file("themes/default/templates/partials/signer.html", "<li>\n{{ signer.name | nope }}</li>\n");
    let run = broken.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_contains!(run.stderr, "partials/signer.html:2:");
}

#[test]
fn statement_files_are_copied_next_to_each_language_page() {
    let site = Fixture::base().file("content/statements/sample/statement-en.pdf", b"%PDF-1.4 fake").file(
        "content/statements/sample/statement.yaml",
        "date: 2019-06-27\nsignatories: [zeta-network]\npdf: { en: statement-en.pdf }\n",
    );
    site.build_ok();
    assert!(site.root().join("public/en/statements/sample/statement-en.pdf").is_file());
    let page = site.output("en/statements/sample/index.html");
    assert_contains!(
        page,
        "<a href=\"/en/statements/sample/statement-en.pdf\" type=\"application/pdf\">Download this statement (PDF)</a>"
    );
    assert_lacks!(site.output("es/declaraciones/declaracion-de-prueba/index.html"), ".pdf", "no Spanish PDF was given");
}

#[test]
fn check_writes_nothing() {
    let site = Fixture::base();
    let run = site.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("checked 24 pages"), "{}", run.stdout);
    assert!(!site.root().join("public").exists());
}

#[test]
fn hostile_signer_names_are_neutralised_in_csv_and_cannot_end_the_json_ld() {
    let registry = crate::fixture::base_file("signatories.yaml");
    let registry =
        registry.replace("name: Nordic Example Fund", "name: '=HYPERLINK(\"x\") </script><script>alert(1)</script>'");
    let site = Fixture::base().file("signatories.yaml", registry);
    site.build_ok();
    let csv = site.output("en/statements/sample/signatories.csv");
    assert_contains!(csv, "\"'=HYPERLINK(\"\"x\"\") </script><script>alert(1)</script>\"");
    let html = site.output("en/statements/sample/index.html");
    assert_lacks!(html, "<script>alert(1)", "the name must be escaped everywhere");
    assert_eq!(html.matches("</script>").count(), 1, "only the JSON-LD block's own end tag");
    let topic = site.output("en/topics/test/index.html");
    assert_lacks!(topic, "<b>bold</b>", "raw markup from a topic's label reached its page");
}

#[test]
fn static_files_are_copied_and_win_over_the_theme() {
    let site = Fixture::base().file("static/logo.svg", "<svg/>").file("static/style.css", "body{}");
    site.build_ok();
    assert_eq!(site.output("logo.svg"), "<svg/>");
    assert_eq!(site.output("style.css"), "body{}");
}

#[test]
fn hostile_strings_from_yaml_are_escaped_in_every_output() {
    let evil = "<b>bold</b> & \"quotes\" 'single' </script> ]]> {{ t }}";
    let yaml = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let site = Fixture::base()
        .file(
            "content/statements/sample/en.md",
            format!("---\ntitle: {}\nsummary: {}\naddressee: {}\n---\nBody.\n", yaml(evil), yaml(evil), yaml(evil)),
        )
        .file(
            "content/statements/sample/statement.yaml",
            "date: 2019-06-27\nsignatories: [zeta-network]\ntags: [test]\n",
        )
        .file("site.yaml", format!("{}topics: {{ test: {} }}\n", crate::fixture::base_file("site.yaml"), yaml(evil)));
    site.build_ok();
    let html = site.output("en/statements/sample/index.html");
    assert_lacks!(html, "<b>bold</b>", "raw markup from YAML reached the page");
    assert!(
        html.contains("&lt;b&gt;bold&lt;&#x2F;b&gt;") || html.contains("&lt;b&gt;bold&lt;/b&gt;"),
        "escaped title expected"
    );
    assert_eq!(html.matches("</script>").count(), 1, "only the JSON-LD block's own end tag");
    let topic = site.output("en/topics/test/index.html");
    assert_lacks!(topic, "<b>bold</b>", "raw markup from a topic's label reached its page");
    for feed in ["en/feed.xml", "en/atom.xml", "en/feed.json"] {
        let parsed = feed_rs::parser::parse(site.output(feed).as_bytes()).unwrap_or_else(|e| panic!("{feed}: {e}"));
        let title = parsed.entries.iter().find_map(|e| e.title.as_ref()).map(|t| t.content.clone());
        // Atom titles are HTML (`type="html"`): a reader shows them unescaped.
        let shown = |html: String| {
            html.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&")
        };
        let title = if feed.ends_with("atom.xml") { title.map(shown) } else { title };
        assert_eq!(title.as_deref(), Some(evil), "{feed}");
    }
    let data: serde_json::Value =
        serde_json::from_str(&site.output("en/statements/sample/statement.json")).expect("statement.json is JSON");
    assert_eq!(data["title"], evil);
    assert_contains!(site.output("sitemap.xml"), "<loc>https://fixture.example.org/en/statements/sample/</loc>");
}

#[test]
fn a_statement_image_becomes_its_share_card() {
    let site = Fixture::base().file("content/statements/sample/card.png", b"\x89PNG fake").file(
        "content/statements/sample/statement.yaml",
        "date: 2019-06-27\nsignatories: [zeta-network]\nimage: card.png\n",
    );
    site.build_ok();
    let en = site.output("en/statements/sample/index.html");
    assert_contains!(
        en,
        "<meta property=\"og:image\" content=\"https://fixture.example.org/en/statements/sample/card.png\">"
    );
    assert_contains!(en, "<meta name=\"twitter:card\" content=\"summary_large_image\">");
    assert!(site.root().join("public/es/declaraciones/declaracion-de-prueba/card.png").is_file());
}

#[test]
fn the_same_site_in_folders_of_other_names_written_in_other_orders_builds_byte_for_byte_alike() {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let a = tempfile::Builder::new().prefix("first-").tempdir().expect("temp");
    let b = tempfile::Builder::new().prefix("other-name-").tempdir().expect("temp");
    let mut files: Vec<std::path::PathBuf> = ["site.yaml", "signatories.yaml", "content", "static"]
        .iter()
        .flat_map(|top| walkdir::WalkDir::new(example.join(top)).into_iter().map(|e| e.expect("walk").into_path()))
        .filter(|p| p.is_file())
        .collect();
    for (dir, reversed) in [(a.path(), false), (b.path(), true)] {
        if reversed {
            files.reverse();
        }
        for file in &files {
            let target = dir.join(file.strip_prefix(example).expect("inside"));
            std::fs::create_dir_all(target.parent().expect("parent")).expect("folders");
            std::fs::copy(file, &target).expect("copy");
        }
        let options = undersigned::BuildOptions {
            root: dir.to_path_buf(),
            now: Some("2026-01-01T00:00:00Z".parse().expect("instant")),
            ..undersigned::BuildOptions::default()
        };
        undersigned::build(&options).expect("builds");
    }
    let first = snapshot_tree(&a.path().join("public"));
    assert!(first.len() > 20);
    assert_eq!(first, snapshot_tree(&b.path().join("public")));
}

#[test]
fn a_plain_page_lists_its_notes_with_back_links_as_a_statement_does() {
    let site = Fixture::base().file(
        "content/pages/about/en.md",
        "---\ntitle: About\n---\nAbout us.[^who] Again.[^who] And[^how].\n\n[^who]: Who we are.\n[^how]: How we work.\n",
    );
    site.build_ok();
    let page = site.output("en/about/index.html");
    for expected in [
        "<a id=\"about-fnref-1\" href=\"#about-fn-1\" role=\"doc-noteref\">1</a>",
        "<a id=\"about-fnref-1-2\" href=\"#about-fn-1\" role=\"doc-noteref\">1</a>",
        "<a id=\"about-fnref-2\" href=\"#about-fn-2\" role=\"doc-noteref\">2</a>",
        "<section class=\"notes\" role=\"doc-endnotes\" aria-labelledby=\"about-notes\">\n<h2 id=\"about-notes\">Notes</h2>",
        "<li id=\"about-fn-1\"><p>Who we are. <a href=\"#about-fnref-1\" role=\"doc-backlink\"",
        "<a href=\"#about-fnref-1-2\" role=\"doc-backlink\"",
        "<li id=\"about-fn-2\"><p>How we work. <a href=\"#about-fnref-2\" role=\"doc-backlink\"",
    ] {
        assert_contains!(page, expected, "missing {expected:?} in:\n{page}");
    }
    assert_lacks!(site.output("es/acerca/index.html"), "doc-endnotes", "a page without notes has no list");
}
