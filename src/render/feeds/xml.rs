//! RSS 2.0 and Atom 1.0, written directly: the feeds hold the full text of every
//! statement, and building them as element trees first would copy all of it once more.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::{FeedEntry, FeedMeta, rfc3339};

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
        cdata(&mut out, "description", &crate::markdown::escape(e.summary.as_deref().unwrap_or(&e.title)));
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
    let updated = entries.iter().map(|e| e.updated).max().unwrap_or(meta.empty_updated);
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
        let full_text = e.text(&mut text);
        // An entry without full text (a signer's feed) is its summary, or its title.
        match &e.summary {
            Some(summary) => html_text(&mut out, "summary", summary),
            None if full_text.is_empty() => html_text(&mut out, "summary", &e.title),
            None => {}
        }
        if !full_text.is_empty() {
            out.push_str("<content xml:lang=\"");
            escape_xml(&mut out, &meta.lang);
            out.push_str("\" type=\"html\">");
            escape_xml(&mut out, full_text);
            out.push_str("</content>");
        }
        out.push_str("</entry>");
    }
    out.push_str("</feed>");
    out
}

/// Room for a feed: its entries' text, grown by `factor` (escaped text is longer), and
/// some. Room reserved but never written costs no memory.
pub(super) fn feed_capacity(entries: &[FeedEntry<'_>], factor: f64) -> usize {
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
    escape_xml(out, &crate::markdown::escape(text));
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Whether `c` may not be written into a feed: what XML 1.0 forbids, and the C1 controls,
/// which the validator calls bad characters. Text from the sources is cleaned when it is
/// read (with a located warning); this is the last guard, for a character that came from
/// a YAML escape or a Markdown character reference.
pub(super) fn forbidden_in_xml(c: char) -> bool {
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

/// `Thu, 27 Jun 2019 05:00:00 +0000`: in UTC, since RFC 822 readers (and the W3C Feed
/// Validator) take only offsets of whole and half hours, and Nepal's is +0545.
fn rfc2822(at: Timestamp) -> String {
    at.to_zoned_datetime(TimeZone::UTC).strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}
