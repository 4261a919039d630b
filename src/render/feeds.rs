//! RSS 2.0, Atom 1.0 and JSON Feed 1.1 per language, written here directly (every text
//! escaped or in CDATA; JSON laid out as serde_json would), never by templates, so they are
//! always well-formed: the tests read them back with feed-rs, and CI with feedparser and
//! xmllint.
//!
//! They follow what the W3C Feed Validator asks beyond the specifications (its rules are
//! kept as tests below): the Atom feed names its author (the coalition); RSS links itself
//! with `atom:link rel="self"`; RSS `description` is HTML, so a plain-text summary is
//! escaped as HTML before it goes in, and an item without a summary gets its title there;
//! RSS plain text writes `&` and `<` as hexadecimal references (the RSS profile); Atom
//! titles and summaries are `type="html"`, so text that looks like markup is read as text;
//! RSS dates are in UTC (the validator refuses offsets such as +0545); and no character
//! XML forbids, nor a C1 control character, ever reaches a feed: each is written as a space.
//!
//! An entry carries both the summary and the full text. The full text is the statement
//! with every `#fragment` and relative link made absolute, so note references work inside
//! a feed reader, followed by the notes and any corrections. It is written anew for each
//! feed that needs it, so a language's feeds never hold every statement's text at once.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// One statement as a feed entry.
pub struct FeedEntry<'a> {
    /// Stable id: a `tag:` URI built from the host, the date and the statement's folder.
    pub id: String,
    /// Title.
    pub title: String,
    /// Absolute permalink.
    pub url: String,
    /// Summary, if the statement has one.
    pub summary: Option<String>,
    /// Writes the full text as HTML, links absolute.
    pub content: Content<'a>,
    /// About how long the full text is, to reserve room for it.
    pub size: usize,
    /// Publication instant.
    pub published: Timestamp,
    /// Last update (a correction or `updated:`), at least the publication.
    pub updated: Timestamp,
    /// Tags.
    pub tags: Vec<String>,
}

/// Appends an entry's full text to a buffer.
pub type Content<'a> = Box<dyn Fn(&mut String) + 'a>;

impl FeedEntry<'_> {
    /// The full text, written into `buffer` (cleared first).
    fn text<'b>(&self, buffer: &'b mut String) -> &'b str {
        buffer.clear();
        (self.content)(buffer);
        buffer
    }
}

impl std::fmt::Debug for FeedEntry<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedEntry").field("id", &self.id).field("url", &self.url).finish_non_exhaustive()
    }
}

/// What describes one language's feeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedMeta {
    /// Site title in this language.
    pub title: String,
    /// Site description in this language.
    pub description: String,
    /// Language tag.
    pub lang: String,
    /// Absolute URL of the language's index.
    pub home_url: String,
    /// Absolute URLs of the three feeds: RSS, Atom, JSON.
    pub rss_url: String,
    /// Atom feed URL.
    pub atom_url: String,
    /// JSON Feed URL.
    pub json_url: String,
    /// The zone dates are written in.
    pub timezone: TimeZone,
    /// The build instant: a feed with no entries was last updated then.
    pub now: Timestamp,
}

/// The `tag:` URI of a statement: stable across slug changes and base-path moves.
pub fn entry_id(base_url: &str, date: &str, statement_id: &str, lang: &str) -> String {
    let host = base_url.split("://").nth(1).unwrap_or(base_url).split(['/', ':']).next().unwrap_or_default();
    format!("tag:{host},{date}:statements/{statement_id}/{lang}")
}

/// RSS 2.0: the summary as `description`, the full text as `content:encoded`.
///
/// RSS and Atom are written directly: the feeds hold the full text of every statement,
/// and building them as element trees first would copy all of it once more.
pub fn rss(meta: &FeedMeta, entries: &[FeedEntry<'_>]) -> String {
    let mut text = String::new();
    let mut out = String::with_capacity(feed_capacity(entries, 1.0));
    out.push_str(concat!(
        r#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0" "#,
        r#"xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom"><channel>"#
    ));
    rss_text(&mut out, "title", &meta.title);
    element(&mut out, "link", &meta.home_url);
    // RSS requires a description; a site without one describes its feed by its title.
    rss_text(&mut out, "description", if meta.description.is_empty() { &meta.title } else { &meta.description });
    element(&mut out, "language", &meta.lang);
    if let Some(updated) = entries.iter().map(|e| e.updated).max() {
        element(&mut out, "lastBuildDate", &rfc2822(updated));
    }
    element(&mut out, "generator", "undersigned");
    out.push_str("<atom:link href=\"");
    escape_xml(&mut out, &meta.rss_url);
    out.push_str("\" rel=\"self\" type=\"application/rss+xml\"/>");
    for e in entries {
        out.push_str("<item>");
        rss_text(&mut out, "title", &e.title);
        element(&mut out, "link", &e.url);
        // HTML, in which the plain-text summary (or the title) must read as text.
        cdata(&mut out, "description", &crate::render::html::escape(e.summary.as_deref().unwrap_or(&e.title)));
        for tag in &e.tags {
            rss_text(&mut out, "category", tag);
        }
        out.push_str(r#"<guid isPermaLink="false">"#);
        escape_xml(&mut out, &e.id);
        out.push_str("</guid>");
        element(&mut out, "pubDate", &rfc2822(e.published));
        cdata(&mut out, "content:encoded", e.text(&mut text));
        out.push_str("</item>");
    }
    out.push_str("</channel></rss>");
    out
}

/// Atom 1.0, with `xml:lang` on the feed.
pub fn atom(meta: &FeedMeta, entries: &[FeedEntry<'_>]) -> String {
    // Escaped HTML is longer than the HTML: reserve what it takes, so the feed (the
    // largest file of a site) is never copied into a buffer twice its size.
    let mut text = String::new();
    let mut out = String::with_capacity(feed_capacity(entries, 1.5));
    let link = |out: &mut String, href: &str, rel: &str, mime: &str| {
        out.push_str("<link href=\"");
        escape_xml(out, href);
        out.push_str(&format!("\" rel=\"{rel}\" hreflang=\""));
        escape_xml(out, &meta.lang);
        out.push_str(&format!("\" type=\"{mime}\"/>"));
    };
    out.push_str("<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"");
    escape_xml(&mut out, &meta.lang);
    out.push_str("\">");
    html_text(&mut out, "title", &meta.title);
    element(&mut out, "id", &meta.atom_url);
    let updated = entries.iter().map(|e| e.updated).max().unwrap_or(meta.now);
    element(&mut out, "updated", &rfc3339(updated, &meta.timezone));
    element(&mut out, "generator", "undersigned");
    link(&mut out, &meta.atom_url, "self", "application/atom+xml");
    link(&mut out, &meta.home_url, "alternate", "text/html");
    if !meta.description.is_empty() {
        html_text(&mut out, "subtitle", &meta.description);
    }
    // Every entry needs an author; the coalition is the author of them all.
    out.push_str("<author>");
    element(&mut out, "name", &meta.title);
    element(&mut out, "uri", &meta.home_url);
    out.push_str("</author>");
    for e in entries {
        out.push_str("<entry>");
        html_text(&mut out, "title", &e.title);
        element(&mut out, "id", &e.id);
        element(&mut out, "updated", &rfc3339(e.updated, &meta.timezone));
        for tag in &e.tags {
            out.push_str("<category term=\"");
            escape_xml(&mut out, tag);
            out.push_str("\"/>");
        }
        link(&mut out, &e.url, "alternate", "text/html");
        element(&mut out, "published", &rfc3339(e.published, &meta.timezone));
        if let Some(summary) = &e.summary {
            html_text(&mut out, "summary", summary);
        }
        out.push_str("<content xml:lang=\"");
        escape_xml(&mut out, &meta.lang);
        out.push_str("\" type=\"html\">");
        escape_xml(&mut out, e.text(&mut text));
        out.push_str("</content></entry>");
    }
    out.push_str("</feed>");
    out
}

/// Room for a feed: its entries' text, grown by `factor` (escaped text is longer), and
/// some. Room reserved but never written costs no memory.
fn feed_capacity(entries: &[FeedEntry<'_>], factor: f64) -> usize {
    entries.iter().map(|e| (e.size as f64 * factor) as usize + 1024).sum::<usize>() + 4096
}

/// `<name>text</name>`, the text escaped.
fn element(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    escape_xml(out, text);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// An RSS plain-text element: `&` and `<` written as hexadecimal references, as the RSS
/// Best Practices Profile asks (a validator warns about `&amp;` and `&lt;` there).
fn rss_text(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    for c in text.chars() {
        match c {
            '&' => out.push_str("&#x26;"),
            '<' => out.push_str("&#x3C;"),
            '>' => out.push_str("&gt;"),
            c if forbidden_in_xml(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// An Atom text construct of `type="html"` holding plain text: the text is escaped as
/// HTML, then as XML, so a title such as `Ruling on <b>` reads as it is written.
fn html_text(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    out.push_str(" type=\"html\">");
    escape_xml(out, &crate::render::html::escape(text));
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Whether `c` may not be written into a feed: what XML 1.0 forbids, and the C1 controls,
/// which the validator calls bad characters. Text from the sources is cleaned when it is
/// read (with a located warning); this is the last guard, for a character that came from
/// a YAML escape or a Markdown character reference.
fn forbidden_in_xml(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
}

/// `text` with every character [forbidden in XML](forbidden_in_xml) written as a space;
/// borrowed when there is none, which a scan of its bytes tells (such a character is
/// either an ASCII control byte or starts with 0xC2 or 0xEF).
fn xml_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let suspect =
        |b: u8| (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r') | (b == 0x7f) | (b == 0xc2) | (b == 0xef);
    if !text.as_bytes().iter().fold(false, |any, &b| any | suspect(b)) || !text.chars().any(forbidden_in_xml) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().map(|c| if forbidden_in_xml(c) { ' ' } else { c }).collect())
}

/// `<name><![CDATA[text]]></name>`; a `]]>` in the text is split across two sections.
fn cdata(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    out.push_str("><![CDATA[");
    let text = xml_safe(text);
    let mut rest: &str = &text;
    while let Some(i) = memchr::memmem::find(rest.as_bytes(), b"]]>") {
        out.push_str(&rest[..i]);
        out.push_str("]]]]><![CDATA[>");
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    out.push_str("]]></");
    out.push_str(name);
    out.push('>');
}

/// Escapes `<`, `>`, `&`, `"` and `'` (as `&#39;`), for text and attribute values alike.
fn escape_xml(out: &mut String, text: &str) {
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(pulldown_cmark_escape::FmtWriter(out), &xml_safe(text));
}

/// JSON Feed 1.1, laid out as serde_json's pretty printer does (two-space indents).
///
/// Written directly, like RSS and Atom: most of a feed is the entries' text, and a string
/// escaper that skips to the next special byte is several times faster than serde_json's
/// byte-by-byte one.
pub fn json_feed(meta: &FeedMeta, entries: &[FeedEntry<'_>]) -> String {
    let mut text = String::new();
    let mut out = String::with_capacity(feed_capacity(entries, 1.125));
    let field = |out: &mut String, indent: &str, name: &str, value: &str, last: bool| {
        out.push_str(indent);
        json_string(out, name);
        out.push_str(": ");
        json_string(out, value);
        out.push_str(if last { "\n" } else { ",\n" });
    };
    out.push_str("{\n");
    field(&mut out, "  ", "version", "https://jsonfeed.org/version/1.1", false);
    field(&mut out, "  ", "title", &meta.title, false);
    field(&mut out, "  ", "home_page_url", &meta.home_url, false);
    field(&mut out, "  ", "feed_url", &meta.json_url, false);
    field(&mut out, "  ", "description", &meta.description, false);
    field(&mut out, "  ", "language", &meta.lang, false);
    // The coalition is the author of every item.
    out.push_str("  \"authors\": [\n    {\n");
    field(&mut out, "      ", "name", &meta.title, false);
    field(&mut out, "      ", "url", &meta.home_url, true);
    out.push_str("    }\n  ],\n");
    out.push_str(if entries.is_empty() { "  \"items\": []\n" } else { "  \"items\": [\n" });
    for (i, e) in entries.iter().enumerate() {
        let item = "      ";
        out.push_str("    {\n");
        field(&mut out, item, "id", &e.id, false);
        field(&mut out, item, "url", &e.url, false);
        field(&mut out, item, "title", &e.title, false);
        field(&mut out, item, "content_html", e.text(&mut text), false);
        if let Some(summary) = &e.summary {
            field(&mut out, item, "summary", summary, false);
        }
        field(&mut out, item, "date_published", &rfc3339(e.published, &meta.timezone), false);
        field(&mut out, item, "date_modified", &rfc3339(e.updated, &meta.timezone), false);
        if !e.tags.is_empty() {
            out.push_str("      \"tags\": [\n");
            for (j, tag) in e.tags.iter().enumerate() {
                out.push_str("        ");
                json_string(&mut out, tag);
                out.push_str(if j + 1 == e.tags.len() { "\n" } else { ",\n" });
            }
            out.push_str("      ],\n");
        }
        field(&mut out, item, "language", &meta.lang, true);
        out.push_str(if i + 1 == entries.len() { "    }\n  ]\n" } else { "    },\n" });
    }
    out.push_str("}\n");
    out
}

/// `text` as a JSON string, escaped exactly as serde_json escapes it: `"`, `\\` and the
/// control characters, with the short forms where JSON has them.
fn json_string(out: &mut String, text: &str) {
    out.push('"');
    let mut rest = text;
    loop {
        let bytes = rest.as_bytes();
        // The common specials are found with SIMD; a rarer control character before the
        // first of them is looked for in the run (a loop the compiler vectorises).
        let common = memchr::memchr3(b'"', b'\\', b'\n', bytes).unwrap_or(bytes.len());
        let run = &bytes[..common];
        let stop = if run.iter().fold(false, |any, &b| any | (b < 0x20)) {
            run.iter().position(|&b| b < 0x20).unwrap_or(common)
        } else {
            common
        };
        // `stop` is at an ASCII byte or the end, so a character boundary.
        out.push_str(&rest[..stop]);
        let Some(&special) = bytes.get(stop) else { break };
        match special {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            other => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(other >> 4)]));
                out.push(char::from(HEX[usize::from(other & 0xf)]));
            }
        }
        rest = &rest[stop + 1..];
    }
    out.push('"');
}

/// `2019-06-27T00:00:00-05:00`: the instant with the site's offset at that moment.
pub fn rfc3339(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned_datetime(tz.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// `Thu, 27 Jun 2019 05:00:00 +0000`: in UTC, since RFC 822 readers (and the W3C Feed
/// Validator) take only offsets of whole and half hours, and Nepal's is +0545.
fn rfc2822(at: Timestamp) -> String {
    at.to_zoned_datetime(TimeZone::UTC).strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

#[cfg(test)]
mod tests {
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
            now: "2020-01-01T00:00:00Z".parse().unwrap(),
        };
        let published: Timestamp = "2019-06-27T05:00:00Z".parse().unwrap();
        let entry = FeedEntry {
            id: entry_id("https://e.org/sub/", "2019-06-27", "guard", "es"),
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
        html.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
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
        before(
            &rss,
            "<atom:link href=\"https://e.org/es/feed.xml\" rel=\"self\" type=\"application/rss+xml\"/>",
            "<item>",
        );
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
            assert_contains!(
                content,
                "href=\"https://e.org/es/declaraciones/guardia/#guard-fn-1\"",
                "{name}: {content}"
            );
        }
        assert_contains!(rss(&meta, &entries), "<pubDate>Thu, 27 Jun 2019 05:00:00 +0000</pubDate>");
        assert_contains!(atom(&meta, &entries), "<published>2019-06-27T00:00:00-05:00</published>");
        assert_contains!(atom(&meta, &entries), "xml:lang=\"es\"");
    }
}
