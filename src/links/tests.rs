//! Links, fragments, hreflang and withheld statements, on small sites in memory.

use super::index::alternates;
use super::resolve::normalise;
use super::*;

fn site(files: &[(&str, &str)]) -> Site {
    Site::from_texts(files)
}

fn messages(site: &Site, withheld: &HashMap<String, Withheld>) -> Vec<String> {
    let scope = LinkScope {
        base_url: "https://e.org/".to_owned(),
        root: "/".to_owned(),
        withheld: withheld.clone(),
        ..LinkScope::default()
    };
    check_links(&LinkIndex::of_site(site, &scope, None), &scope, None).into_iter().map(|d| d.message).collect()
}

#[test]
fn links_and_fragments_resolve_in_every_form() {
    let s = site(&[
        (
            "index.html",
            "<a href=\"/en/\">en</a> <a href=\"https://e.org/en/#top\">top</a> <a href=\"https://other.org/x\">x</a>",
        ),
        (
            "en/index.html",
            "<h1 id=\"top\">T</h1><a href=\"a/#n-1\">a</a> <a href=\"../style.css\">css</a> <a href=\"mailto:x@e.org\">m</a>",
        ),
        ("en/a/index.html", "<li id=\"n-1\">note</li><a href=\"#n-1\">back</a>"),
        ("style.css", ""),
    ]);
    assert_eq!(messages(&s, &HashMap::default()), Vec::<String>::new());
}

#[test]
fn hreflang_alternates_must_list_each_other() {
    let head = |alternates: &[(&str, &str)]| {
        let tags: String = alternates
            .iter()
            .map(|(lang, href)| format!("<link rel=\"alternate\" hreflang=\"{lang}\" href=\"{href}\">"))
            .collect();
        format!("<head>{tags}</head><body><link rel=\"alternate\" hreflang=\"fr\" href=\"/fr/\"></body>")
    };
    // The head's alternates only, `&amp;` read as `&`, x-default left out.
    let read = alternates(head(&[("en", "https://e.org/?a=1&amp;b=2"), ("x-default", "https://e.org/")]).as_bytes());
    assert_eq!(read, [("en".into(), "https://e.org/?a=1&b=2".into())]);

    let both = [("en", "https://e.org/en/a/"), ("es", "https://e.org/es/a/"), ("x-default", "https://e.org/")];
    let s = site(&[("en/a/index.html", &head(&both)), ("es/a/index.html", &head(&[("es", "https://e.org/es/a/")]))]);
    let scope = LinkScope { base_url: "https://e.org/".to_owned(), ..LinkScope::default() };
    let index = LinkIndex::of_site(&s, &scope, None);
    let messages: Vec<String> = check_hreflang(&index, "https://e.org/").into_iter().map(|d| d.message).collect();
    assert_eq!(
        messages,
        ["the es version https://e.org/es/a/ does not list this page (https://e.org/en/a/) as its en version"]
    );
}

#[test]
fn broken_links_fragments_and_withheld_statements_are_errors() {
    let s = site(&[(
        "en/index.html",
        "<a href=\"/en/missing/\">x</a> <a href=\"#nowhere\">y</a> <a href=\"/en/statements/secret/\">z</a>",
    )]);
    let withheld = HashMap::from_iter([(
        "en/statements/secret/".to_owned(),
        Withheld { id: "secret".to_owned(), reason: "under embargo until 27 June 2019 09:00".to_owned() },
    )]);
    assert_eq!(
        messages(&s, &withheld),
        [
            "links to a page that does not exist: /en/missing/",
            "links to `#nowhere`, which is not on this page: #nowhere",
            "links to the statement `secret`, which is under embargo until 27 June 2019 09:00: /en/statements/secret/",
        ]
    );
}

#[test]
fn a_link_found_good_once_is_not_checked_again_but_a_broken_one_is_reported_on_every_page() {
    let pages: Vec<(String, String)> = (0..40)
        .map(|i| (format!("en/p{i}/index.html"), "<a href=\"/en/a/\">a</a> <a href=\"/en/a/#gone\">b</a>".to_owned()))
        .chain(std::iter::once(("en/a/index.html".to_owned(), "<p id=\"here\">a</p>".to_owned())))
        .collect();
    let files: Vec<(&str, &str)> = pages.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let found = messages(&site(&files), &HashMap::default());
    assert_eq!(found.len(), 40, "{found:?}");
    assert!(found.iter().all(|m| m == "links to `#gone`, which is not on /en/a/: /en/a/#gone"), "{found:?}");

    // A link relative to its page is checked on every page: `#here` is on one of them.
    // (Both pages are checked in turn with one set of good links, as one thread does.)
    let relative = site(&[
        ("en/a/index.html", "<p id=\"here\"><a href=\"#here\">a</a></p>"),
        ("en/b/index.html", "<a href=\"#here\">b</a>"),
    ]);
    let scope = LinkScope { base_url: "https://e.org/".to_owned(), root: "/".to_owned(), ..LinkScope::default() };
    let index = LinkIndex::of_site(&relative, &scope, None);
    let mut good = HashSet::default();
    let mut found = Vec::new();
    for page in ["en/a/index.html", "en/b/index.html"] {
        found.extend(check_page(&index, &scope, page, &index.pages[page], &mut good).into_iter().map(|d| d.message));
    }
    assert_eq!(found, ["links to `#here`, which is not on this page: #here"]);
}

#[test]
fn links_to_a_withheld_statement_are_found_however_they_are_spelt() {
    let withheld = HashMap::from_iter([(
        "en/statements/secret/".to_owned(),
        Withheld { id: "secret".to_owned(), reason: "a draft".to_owned() },
    )]);
    let spellings = [
        "<a href=\"/en/statements/secret/\">",
        "<a HREF=\"/en/statements/secret/\">",
        "<a href=/en/statements/secret/>",
        "<a href = '/en/statements/secret/'>",
        "<a title=\"a > b\" href=\"/en/statements/secret/\">",
        "<a/href=\"/en/statements/secret/\">",
        "<a href=\"HTTP://E.ORG/en/statements/secret/\">",
        "<a href=\"http://e.org/en/statements/secret/\">",
        "<a href=\"https://e.org:443/en/statements/secret/\">",
        "<a href=\"//e.org/en/statements/secret/\">",
        "<a href=\"&#104;ttps://e.org/en/statements/secret/\">",
        "<a href=\"/en/statements/%73ecret/\">",
        "<a href=\"/en/statements/SECRET/\">",
        "<a href=\"./../statements/secret/\">",
        "<a href=\"/en/statements/secret/index.html\">",
        "<a href=\"/en/statements/secret\">",
        "<a href=\"/en/statements/secret/?utm=x#top\">",
        "<a href=\"/en/statements/secret/statement-en.pdf\">",
        "<a href=\"https://www.e.org/en/statements/secret/\">",
        "<a href=\"/en/statem&Tab;ents/secret/\">",
        "<map><area href=\"/en/statements/secret/\"></map>",
        "<link rel=\"prefetch\" href=\"/en/statements/secret/\">",
        "<iframe src=\"/en/statements/secret/\"></iframe>",
        "<img srcset=\"/a.png 1x, /en/statements/secret/x.png 2x\">",
        "<form action=\"/en/statements/secret/\"></form>",
        "<button formaction=\"/en/statements/secret/\">",
        "<object data=\"/en/statements/secret/\"></object>",
        "<video poster=\"/en/statements/secret/p.png\"></video>",
        "<blockquote cite=\"/en/statements/secret/\"></blockquote>",
        "<a ping=\"/x/ /en/statements/secret/\" href=\"/\">",
        "<meta http-equiv=\"Refresh\" content=\"0; URL='/en/statements/secret/'\">",
        "<svg><a xlink:href=\"/en/statements/secret/\"></a></svg>",
        "<noscript><a href=\"/en/statements/secret/\"></a></noscript>",
    ];
    for spelling in spellings {
        let s = site(&[("en/other/index.html", spelling), ("index.html", ""), ("a.png", "")]);
        let found = messages(&s, &withheld);
        assert!(
            found.len() == 1 && found[0].starts_with("links to the statement `secret`, which is a draft: "),
            "{spelling}: {found:?}"
        );
    }
    // Not links: a comment, a script's text, another host.
    for not_a_link in [
        "<!-- <a href=\"/en/statements/secret/\"> -->",
        "<script>let a = '<a href=\"/en/statements/secret/\">';</script>",
        "<a href=\"https://other.org/en/statements/secret/\">",
        "<p>See /en/statements/secret/ soon</p>",
    ] {
        let s = site(&[("en/other/index.html", not_a_link)]);
        assert_eq!(messages(&s, &withheld), Vec::<String>::new(), "{not_a_link}");
    }
}

#[test]
fn paths_normalise() {
    assert_eq!(normalise("en/a/../b/./c/"), "en/b/c/");
    assert_eq!(
        resolve("en/a/index.html", "../b/#x", "https://e.org/", "/"),
        Some(Resolved { target: "en/b/".to_owned(), fragment: Some("x"), relative: true })
    );
    assert_eq!(
        resolve("en/index.html", "https://e.org/sub/x/", "https://e.org/sub/", "/sub/"),
        Some(Resolved { target: "x/".to_owned(), fragment: None, relative: false })
    );
    assert_eq!(resolve("en/index.html", "/elsewhere/", "https://e.org/sub/", "/sub/"), None);
}
