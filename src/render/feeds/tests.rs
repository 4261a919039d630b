//! The feeds read back by a real parser, and the W3C Feed Validator's rules.

use super::json::json_string;
use super::xml::forbidden_in_xml;
use super::*;

fn sample() -> (FeedMeta, Vec<FeedEntry<'static>>) {
    let tz = TimeZone::get("America/Mexico_City").unwrap();
    let meta = FeedMeta {
        title: "Coalición".to_owned(),
        description: "Declaraciones".to_owned(),
        lang: "es".to_owned(),
        home_url: "https://e.org/es/".to_owned(),
        rss_url: "https://e.org/es/feed.xml".to_owned(),
        atom_url: "https://e.org/es/atom.xml".to_owned(),
        json_url: "https://e.org/es/feed.json".to_owned(),
        timezone: tz,
        empty_updated: "2020-01-01T00:00:00Z".parse().unwrap(),
    };
    let published: Timestamp = "2019-06-27T05:00:00Z".parse().unwrap();
    let entry = FeedEntry {
        id: crate::render::urls::entry_id("https://e.org/sub/", "2019-06-27", "guard", "es"),
        title: "Título <con> & signos".to_owned(),
        url: "https://e.org/es/declaraciones/guardia/".to_owned(),
        summary: Some("Resumen".to_owned()),
        content: Box::new(|out| {
            out.push_str("<p>Texto<a href=\"https://e.org/es/declaraciones/guardia/#guard-fn-1\">1</a></p>");
        }),
        size: 80,
        published,
        updated: "2019-06-28T15:00:00Z".parse().unwrap(),
        tags: vec!["migración".to_owned()],
    };
    (meta, vec![entry])
}

#[test]
fn text_that_looks_like_markup_survives_both_xml_formats() {
    let (meta, mut entries) = sample();
    entries[0].title = "Don't \"quote\" <me> & ]]> end".to_owned();
    entries[0].summary = Some("A summary with ]]> inside".to_owned());
    let html = "<p>Code: <code>a[b[0]]></code> & 'x'</p>";
    entries[0].content = Box::new(move |out| out.push_str(html));
    for (name, text) in [("rss", rss(&meta, &entries)), ("atom", atom(&meta, &entries))] {
        let feed = feed_rs::parser::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        let entry = &feed.entries[0];
        // Atom titles are HTML, RSS titles text; summaries are HTML in both.
        let title = &entry.title.as_ref().unwrap().content;
        assert_eq!(if name == "atom" { unescape(title) } else { title.clone() }, entries[0].title, "{name}");
        assert_eq!(unescape(&entry.summary.as_ref().unwrap().content), "A summary with ]]> inside", "{name}");
        let content = entry.content.as_ref().and_then(|c| c.body.clone()).unwrap_or_default();
        assert_eq!(content, html, "{name}");
    }
}

/// HTML text as a reader shows it.
fn unescape(html: &str) -> String {
    html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// What the W3C Feed Validator (github w3c/feedvalidator) reported on our feeds, as
/// rules: each assertion names the validator's message it keeps away.
#[test]
fn the_feeds_follow_the_w3c_feed_validator_rules() {
    let (mut meta, mut entries) = sample();
    entries[0].summary = Some("<10% of AT&T's quotes".to_owned());
    entries[0].title = "AT&T says x<y".to_owned();
    let (rss, atom) = (rss(&meta, &entries), atom(&meta, &entries));
    let before = |text: &str, first: &str, second: &str| {
        let (a, b) = (text.find(first), text.find(second));
        assert!(a.is_some() && b.is_some() && a < b, "expected {first:?} before {second:?} in:\n{text}");
    };
    // MissingElement author (Atom): a feed-level author, before the entries.
    before(&atom, "<author><name>Coalición</name><uri>https://e.org/es/</uri></author>", "<entry>");
    // MissingAtomSelfLink (RSS).
    assert_contains!(rss, "xmlns:atom=\"http://www.w3.org/2005/Atom\"");
    before(&rss, "<atom:link href=\"https://e.org/es/feed.xml\" rel=\"self\" type=\"application/rss+xml\"/>", "<item>");
    // NotHtml: the plain-text summary is escaped as HTML in RSS `description`.
    assert_contains!(rss, "<description><![CDATA[&lt;10% of AT&amp;T&#39;s quotes]]></description>");
    // CharacterData (RSS plain text): `&` and `<` as hexadecimal references.
    assert_contains!(rss, "<title>AT&#x26;T says x&#x3C;y</title>");
    // ContainsUndeclaredHTML (Atom): titles and summaries are `type="html"`.
    assert_contains!(atom, "<title type=\"html\">AT&amp;amp;T says x&amp;lt;y</title>");
    assert_contains!(atom, "<summary type=\"html\">&amp;lt;10% of AT&amp;amp;T&amp;#39;s quotes</summary>");
    // NeedDescriptionBeforeContent: an item without a summary has its title there.
    entries[0].summary = None;
    let rss_without = super::rss(&meta, &entries);
    before(&rss_without, "<description><![CDATA[AT&amp;T says x&lt;y]]></description>", "<content:encoded>");
    // ProblematicalRFC822Date: RSS dates in UTC, whatever the site's zone.
    meta.timezone = TimeZone::get("Asia/Kathmandu").unwrap();
    assert_contains!(super::rss(&meta, &entries), "<pubDate>Thu, 27 Jun 2019 05:00:00 +0000</pubDate>");
    // ImplausibleDate: a feed with nothing in it was updated at the build, not in 1970.
    // NotBlank: no empty subtitle; RSS describes itself by its title.
    meta.description = String::new();
    let empty = super::atom(&meta, &[]);
    assert_contains!(empty, "<updated>2020-01-01T05:45:00+05:45</updated>");
    assert_lacks!(empty, "<subtitle");
    assert_contains!(super::rss(&meta, &[]), "<description>Coalición</description>");
}

#[test]
fn characters_xml_forbids_never_reach_a_feed() {
    let (meta, mut entries) = sample();
    let bad = "bell\u{7} vt\u{b} esc\u{1b} nel\u{85} c1\u{80} nonchar\u{fffe}\u{ffff} del\u{7f} end";
    entries[0].title = bad.to_owned();
    entries[0].summary = Some(bad.to_owned());
    entries[0].tags = vec![bad.to_owned()];
    entries[0].content = Box::new(move |out| out.push_str(&format!("<p>{bad}</p>")));
    for (name, text) in [("rss", rss(&meta, &entries)), ("atom", atom(&meta, &entries))] {
        let found: Vec<char> = text.chars().filter(|&c| forbidden_in_xml(c)).collect();
        assert!(found.is_empty(), "{name} holds {found:?}:\n{text}");
        assert_contains!(text, "bell  vt  esc  nel  c1  nonchar   del  end");
        feed_rs::parser::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
    }
}

#[test]
fn json_strings_are_escaped_as_serde_json_escapes_them() {
    let every_ascii: String = (0u8..0x80).map(char::from).collect();
    for text in [every_ascii.as_str(), "", "plain", "<p class=\"a\">é “quoted” \\ 𝄞</p>\n", "\n\n\"", "\u{7f}\t"]
    {
        let mut ours = String::new();
        json_string(&mut ours, text);
        assert_eq!(ours, serde_json::to_string(text).unwrap());
    }
}

#[test]
fn the_json_feed_is_laid_out_as_serde_json_pretty_prints_it() {
    let (meta, entries) = sample();
    for entries in [&entries[..], &[]] {
        let ours = json_feed(&meta, entries);
        let value: serde_json::Value = serde_json::from_str(&ours).unwrap();
        // Keys in written order: serde_json sorts them in a `Value`, so they are sorted
        // on both sides.
        let sorted = |text: &str| {
            let mut lines: Vec<String> = text.lines().map(|l| l.trim_end_matches(',').to_owned()).collect();
            lines.sort();
            lines
        };
        assert_eq!(sorted(&ours), sorted(&(serde_json::to_string_pretty(&value).unwrap() + "\n")));
        assert_eq!(value["items"].as_array().map(Vec::len), Some(entries.len()));
        assert_eq!(value["authors"][0]["name"], "Coalición");
    }
}

#[test]
fn ids_are_tag_uris() {
    assert_eq!(sample().1[0].id, "tag:e.org,2019-06-27:statements/guard/es");
}

#[test]
fn every_format_parses_with_a_real_feed_parser() {
    let (meta, entries) = sample();
    for (name, text) in
        [("rss", rss(&meta, &entries)), ("atom", atom(&meta, &entries)), ("json", json_feed(&meta, &entries))]
    {
        let feed = feed_rs::parser::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        assert_eq!(feed.entries.len(), 1, "{name}");
        let entry = &feed.entries[0];
        assert_eq!(unescape(&entry.title.as_ref().unwrap().content), "Título <con> & signos", "{name}");
        assert_eq!(entry.published.unwrap().to_rfc3339(), "2019-06-27T05:00:00+00:00", "{name}");
        let content = entry.content.as_ref().and_then(|c| c.body.clone()).unwrap_or_default();
        assert_contains!(content, "href=\"https://e.org/es/declaraciones/guardia/#guard-fn-1\"", "{name}: {content}");
    }
    assert_contains!(rss(&meta, &entries), "<pubDate>Thu, 27 Jun 2019 05:00:00 +0000</pubDate>");
    assert_contains!(atom(&meta, &entries), "<published>2019-06-27T00:00:00-05:00</published>");
    assert_contains!(atom(&meta, &entries), "xml:lang=\"es\"");
}

#[test]
fn an_entry_without_full_text_is_its_summary_or_its_title() {
    let (meta, mut entries) = sample();
    entries[0].content = Box::new(|_| {});
    let with_summary = atom(&meta, &entries);
    assert_lacks!(with_summary, "<content");
    assert_contains!(with_summary, "<summary type=\"html\">Resumen</summary>");
    entries[0].summary = None;
    let bare = atom(&meta, &entries);
    let feed = feed_rs::parser::parse(bare.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{bare}"));
    let summary = feed.entries[0].summary.as_ref().map(|s| unescape(&s.content)).unwrap_or_default();
    assert_eq!(summary, entries[0].title, "the title stands for a missing summary");
    assert!(feed.entries[0].content.is_none(), "{bare}");
}
