//! Sites in languages other than English and Spanish, with no UI strings of their own: the
//! built-in strings, plural forms from CLDR, dates, right to left, and three languages.

use crate::fixture::Fixture;

/// Counts of signers that take different plural forms (Arabic: one, two, few, many, other).
const COUNTS: [usize; 5] = [1, 2, 3, 11, 100];

/// A site in `languages` (the first is the default) with no i18n files: a statement per
/// count in [`COUNTS`], signed by that many organisations of one country, in every language;
/// a statement written only in the default language; and an About page in each.
fn site(languages: &[&str]) -> Fixture {
    let mut site = Fixture::base();
    for rel in ["content/statements/sample/en.md", "content/statements/sample/es.md"] {
        site = site.remove(rel);
    }
    for rel in ["content/pages/about/en.md", "content/pages/about/es.md"] {
        site = site.remove(rel);
    }
    let per_lang = |f: &dyn Fn(&str) -> String| {
        let pairs: Vec<String> = languages.iter().map(|l| format!("{l}: {}", f(l))).collect();
        format!("{{ {} }}", pairs.join(", "))
    };
    let site_yaml = format!(
        "base_url: https://langs.example.org\nlanguages: [{}]\ntitle: {}\ndescription: {}\n\
         timezone: Europe/Paris\nmissing_translation: notice\n",
        languages.join(", "),
        per_lang(&|l| format!("Coalition {l}")),
        per_lang(&|l| format!("Statements in {l}.")),
    );
    let mut registry = String::new();
    for i in 1..=100 {
        registry
            .push_str(&format!("- id: org-{i}\n  name: Organisation {i:03}\n  kind: organization\n  country: SN\n"));
    }
    site = site.file("site.yaml", site_yaml).file("signatories.yaml", registry);
    for n in COUNTS {
        let signers: String = (1..=n).map(|i| format!("  - org-{i}\n")).collect();
        site = site.file(
            &format!("content/statements/count-{n}/statement.yaml"),
            format!("date: 2019-06-27\nsignatories:\n{signers}"),
        );
        for l in languages {
            site = site.file(
                &format!("content/statements/count-{n}/{l}.md"),
                format!("---\ntitle: {n} ({l})\nslug: count-{n}\n---\nText {n} in {l}.[^a]\n\n[^a]: A source.\n"),
            );
        }
    }
    let first = languages[0];
    site = site.file("content/statements/sample/statement.yaml", "date: 2019-07-01\nsignatories: [org-1]\n").file(
        &format!("content/statements/sample/{first}.md"),
        format!("---\ntitle: Only in {first}\nslug: only-first\n---\nOnly in {first}.\n"),
    );
    for l in languages {
        site = site.file(
            &format!("content/pages/about/{l}.md"),
            format!("---\ntitle: About {l}\nslug: about-{l}\n---\nAbout, in {l}.\n"),
        );
    }
    site.build_ok();
    site
}

/// The signer count of the statement signed by `n`, as its page in `lang` prints it.
fn signers_count(site: &Fixture, lang: &str, section: &str, n: usize) -> String {
    let html = site.output(&format!("{lang}/{section}/count-{n}/index.html"));
    let start = html.find("<p class=\"signers-count\">").expect("a signer count") + "<p class=\"signers-count\">".len();
    html[start..].split("</p>").next().unwrap_or_default().to_owned()
}

#[test]
fn french_and_english() {
    let site = site(&["fr", "en"]);
    let page = site.output("fr/declarations/count-3/index.html");
    assert_contains!(page, "<html lang=\"fr\">");
    assert_lacks!(page, "dir=\"rtl\"");
    for word in ["Signataires", "Notes", "Aller au contenu", "27 juin 2019", "S’abonner"] {
        assert_contains!(page, word);
    }
    let counts: Vec<String> = COUNTS.iter().map(|&n| signers_count(&site, "fr", "declarations", n)).collect();
    assert_eq!(
        counts,
        [
            "Signée par 1 organisation de 1 pays",
            "Signée par 2 organisations de 1 pays",
            "Signée par 3 organisations de 1 pays",
            "Signée par 11 organisations de 1 pays",
            "Signée par 100 organisations de 1 pays",
        ]
    );
    assert_contains!(site.output("fr/signatories/index.html"), "Sénégal");
    let notice = site.output("en/statements/only-first/index.html");
    assert_contains!(notice, "has not been translated into English yet");
    assert_contains!(notice, "(French)");
    assert_contains!(site.output("en/index.html"), "Only in French");
}

#[test]
fn portuguese_of_brazil_and_spanish() {
    let site = site(&["pt-BR", "es"]);
    let page = site.output("pt-br/declaracoes/count-2/index.html");
    assert_contains!(page, "<html lang=\"pt-br\">");
    for word in ["Signatários", "Ir para o conteúdo", "27 de junho de 2019", "Assinada por 2 organizações de 1 país"]
    {
        assert_contains!(page, word);
    }
    assert_eq!(signers_count(&site, "pt-br", "declaracoes", 1), "Assinada por 1 organização de 1 país");
    assert_eq!(signers_count(&site, "es", "declaraciones", 11), "Firmada por 11 organizaciones de 1 país");
    let es = site.output("es/declaraciones/only-first/index.html");
    assert_contains!(es, "(portugués)");
    assert_contains!(site.output("es/index.html"), "Solo en portugués");
    assert_contains!(site.output("pt-br/signatories/index.html"), "Senegal");
}

#[test]
fn arabic_and_english() {
    let site = site(&["ar", "en"]);
    let page = site.output("ar/bayanat/count-3/index.html");
    assert_contains!(page, "<html lang=\"ar\" dir=\"rtl\">");
    for word in ["الموقّعون", "الحواشي", "انتقل إلى المحتوى", "27 يونيو 2019", "الاشتراك"]
    {
        assert_contains!(page, word);
    }
    // The switcher marks the other language's direction; English pages stay left to right.
    assert_contains!(page, "lang=\"en\" hreflang=\"en\" dir=\"ltr\">English</a>");
    let en = site.output("en/statements/count-3/index.html");
    assert_contains!(en, "<html lang=\"en\">");
    assert_contains!(en, "lang=\"ar\" hreflang=\"ar\" dir=\"rtl\">العربية</a>");
    let counts: Vec<String> = COUNTS.iter().map(|&n| signers_count(&site, "ar", "bayanat", n)).collect();
    assert_eq!(
        counts,
        [
            "بتوقيع منظمة واحدة من دولة واحدة",
            "بتوقيع منظمتين من دولة واحدة",
            "بتوقيع 3 منظمات من دولة واحدة",
            "بتوقيع 11 منظمة من دولة واحدة",
            "بتوقيع 100 منظمة من دولة واحدة",
        ]
    );
    // A statement only in Arabic, listed on the English index, and its notice page there.
    let index = site.output("en/index.html");
    assert_contains!(index, "lang=\"ar\" hreflang=\"ar\" dir=\"rtl\">Only in ar</a>");
    // So does the year archive, which lists the same rows.
    assert_contains!(site.output("en/2019/index.html"), "lang=\"ar\" hreflang=\"ar\" dir=\"rtl\">Only in ar</a>");
    let notice = site.output("en/statements/only-first/index.html");
    assert_contains!(notice, "<h1 lang=\"ar\" dir=\"rtl\">Only in ar</h1>");
    assert_contains!(notice, "(Arabic)");
    // Feeds carry the language, and the Arabic text says its direction.
    let rss = site.output("ar/feed.xml");
    assert_contains!(rss, "<language>ar</language>");
    assert_contains!(rss, "<content:encoded><![CDATA[<div dir=\"rtl\">");
    assert_contains!(site.output("ar/atom.xml"), "xml:lang=\"ar\"");
    assert_contains!(site.output("ar/feed.json"), "\"language\": \"ar\"");
    assert_lacks!(site.output("en/feed.xml"), "dir=");
}

#[test]
fn three_languages_everywhere() {
    let site = site(&["en", "es", "fr"]);
    let page = site.output("fr/declarations/count-1/index.html");
    for (lang, url) in [
        ("en", "https://langs.example.org/en/statements/count-1/"),
        ("es", "https://langs.example.org/es/declaraciones/count-1/"),
        ("fr", "https://langs.example.org/fr/declarations/count-1/"),
    ] {
        assert_contains!(page, &format!("<link rel=\"alternate\" hreflang=\"{lang}\" href=\"{url}\">"));
        assert_contains!(page, &format!("<li><a href=\"{url}\" lang=\"{lang}\" hreflang=\"{lang}\""));
    }
    assert_contains!(page, "Signée par 1 organisation de 1 pays");
    // The statement written only in English has a notice page in Spanish and in French.
    assert_contains!(site.output("es/declaraciones/only-first/index.html"), "(inglés)");
    assert_contains!(site.output("fr/declarations/only-first/index.html"), "(anglais)");
    let sitemap = site.output("sitemap.xml");
    assert_contains!(
        sitemap,
        "<xhtml:link rel=\"alternate\" hreflang=\"fr\" href=\"https://langs.example.org/fr/declarations/count-11/\"/>"
    );
    let chooser = site.output("index.html");
    for name in ["English", "Español", "Français"] {
        assert_contains!(chooser, &format!(">{name}</a>"));
    }
    for lang in ["en", "es", "fr"] {
        assert_contains!(site.output(&format!("{lang}/feed.xml")), &format!("<language>{lang}</language>"));
        assert_contains!(site.output(&format!("{lang}/signatories/index.html")), "Organisation 100");
    }
}

#[test]
fn a_site_file_of_strings_still_replaces_the_built_in_one() {
    let fr = include_str!("../../themes/default/i18n/fr.yaml").replace("\"Signataires\"", "\"Les signataires\"");
    let site = Fixture::base()
        .file("site.yaml", crate::fixture::base_file("site.yaml").replace("[en, es]", "[en, es, fr]"))
        .file("themes/default/i18n/fr.yaml", fr);
    site.build_ok();
    assert_contains!(site.output("fr/index.html"), ">Les signataires</a>");
    assert_contains!(site.output("es/index.html"), ">Firmantes</a>");
}

#[test]
fn a_language_without_strings_is_an_error_that_says_which_file_to_make() {
    let site =
        Fixture::base().file("site.yaml", crate::fixture::base_file("site.yaml").replace("[en, es]", "[en, es, de]"));
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_contains!(run.stderr, "themes/default/i18n/de.yaml:1:1: error: the theme has no UI strings for `de`");
    assert_contains!(run.stderr, "create themes/default/i18n/de.yaml: copy the built-in English strings");
    assert_contains!(run.stderr, "built in: ar, en, es, fr, pt");
    assert_lacks!(run.stderr, "panicked");
}

#[test]
fn signers_sort_in_the_readers_alphabet() {
    let registry = "\
- id: zebre\n  name: Zèbre Solidaire\n  kind: organization\n  country: SN
- id: education\n  name: { fr: Éducation Sans Frontières, ar: التعليم بلا حدود }\n  kind: organization\n  country: SN
- id: eau\n  name: Eau Vive\n  kind: organization\n  country: SN
- id: nour\n  name: جمعية النور\n  kind: organization\n  country: LB
";
    let site = Fixture::base()
        .remove("content/statements/sample/en.md")
        .remove("content/statements/sample/es.md")
        .remove("content/pages/about/en.md")
        .remove("content/pages/about/es.md")
        .file(
            "site.yaml",
            "base_url: https://sort.example.org\nlanguages: [fr, ar]\ntitle: { fr: Tri, ar: ترتيب }\ntimezone: UTC\n",
        )
        .file("signatories.yaml", registry)
        .file(
            "content/statements/sample/statement.yaml",
            "date: 2019-06-27\nsignatories: [zebre, education, eau, nour]\n",
        )
        .file("content/statements/sample/fr.md", "---\ntitle: Tri\nslug: tri\n---\nTexte.\n")
        .file("content/statements/sample/ar.md", "---\ntitle: ترتيب\nslug: tartib\n---\nنص.\n");
    site.build_ok();
    let order = |html: &str, names: &[&str]| {
        let mut found: Vec<(usize, String)> = names
            .iter()
            .map(|n| (html.find(&format!("<bdi>{n}</bdi>")).unwrap_or(usize::MAX), (*n).to_owned()))
            .collect();
        found.sort();
        found.into_iter().map(|(_, n)| n).collect::<Vec<_>>()
    };
    // French: É with E, not after Z; Latin before Arabic.
    let fr = site.output("fr/declarations/tri/index.html");
    let names = ["Zèbre Solidaire", "Éducation Sans Frontières", "Eau Vive", "جمعية النور"];
    assert_eq!(order(&fr, &names), ["Eau Vive", "Éducation Sans Frontières", "Zèbre Solidaire", "جمعية النور"]);
    // Arabic: the Arabic alphabet first (ت before ج), then Latin.
    let ar = site.output("ar/bayanat/tartib/index.html");
    let names = ["Zèbre Solidaire", "التعليم بلا حدود", "Eau Vive", "جمعية النور"];
    assert_eq!(order(&ar, &names), ["التعليم بلا حدود", "جمعية النور", "Eau Vive", "Zèbre Solidaire"]);
}
