//! RSS 2.0, Atom 1.0 and JSON Feed 1.1 per language, written by their crates (and serde),
//! never by templates, so they are always well-formed.
//!
//! An entry carries both the summary and the full text. The full text is the statement
//! written again with every `#fragment` and relative link made absolute, so note
//! references work inside a feed reader, followed by the notes and any corrections.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

/// One statement as a feed entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    /// Stable id: a `tag:` URI built from the host, the date and the statement's folder.
    pub id: String,
    /// Title.
    pub title: String,
    /// Absolute permalink.
    pub url: String,
    /// Summary, if the statement has one.
    pub summary: Option<String>,
    /// Full text as HTML, links absolute.
    pub content_html: String,
    /// Publication instant.
    pub published: Timestamp,
    /// Last update (a correction or `updated:`), at least the publication.
    pub updated: Timestamp,
    /// Tags.
    pub tags: Vec<String>,
}

impl AsRef<FeedEntry> for FeedEntry {
    fn as_ref(&self) -> &FeedEntry {
        self
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
}

/// The `tag:` URI of a statement: stable across slug changes and base-path moves.
pub fn entry_id(base_url: &str, date: &str, statement_id: &str, lang: &str) -> String {
    let host = base_url.split("://").nth(1).unwrap_or(base_url).split(['/', ':']).next().unwrap_or_default();
    format!("tag:{host},{date}:statements/{statement_id}/{lang}")
}

/// RSS 2.0: the summary as `description`, the full text as `content:encoded`.
pub fn rss(meta: &FeedMeta, entries: &[impl AsRef<FeedEntry>]) -> String {
    let items = entries
        .iter()
        .map(AsRef::as_ref)
        .map(|e| rss::Item {
            title: Some(e.title.clone()),
            link: Some(e.url.clone()),
            description: e.summary.clone(),
            guid: Some(rss::Guid { value: e.id.clone(), permalink: false }),
            pub_date: Some(rfc2822(e.published, &meta.timezone)),
            categories: e.tags.iter().map(|t| rss::Category { name: t.clone(), domain: None }).collect(),
            content: Some(e.content_html.clone()),
            ..rss::Item::default()
        })
        .collect();
    let channel = rss::Channel {
        title: meta.title.clone(),
        link: meta.home_url.clone(),
        description: meta.description.clone(),
        language: Some(meta.lang.clone()),
        last_build_date: entries.iter().map(|e| e.as_ref().updated).max().map(|t| rfc2822(t, &meta.timezone)),
        generator: Some("undersigned".to_owned()),
        items,
        ..rss::Channel::default()
    };
    channel.to_string()
}

/// Atom 1.0, with `xml:lang` on the feed.
pub fn atom(meta: &FeedMeta, entries: &[impl AsRef<FeedEntry>]) -> String {
    use atom_syndication::{Category, Content, Entry, Feed, Link, Text};
    let link = |href: &str, rel: &str, mime: &str| Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        mime_type: Some(mime.to_owned()),
        hreflang: Some(meta.lang.clone()),
        ..Link::default()
    };
    let entries_out = entries
        .iter()
        .map(AsRef::as_ref)
        .map(|e| Entry {
            id: e.id.clone(),
            title: Text::plain(e.title.clone()),
            updated: fixed(e.updated, &meta.timezone),
            published: Some(fixed(e.published, &meta.timezone)),
            links: vec![link(&e.url, "alternate", "text/html")],
            summary: e.summary.clone().map(Text::plain),
            content: Some(Content {
                value: Some(e.content_html.clone()),
                content_type: Some("html".to_owned()),
                lang: Some(meta.lang.clone()),
                ..Content::default()
            }),
            categories: e.tags.iter().map(|t| Category { term: t.clone(), ..Category::default() }).collect(),
            ..Entry::default()
        })
        .collect();
    let updated = entries.iter().map(|e| e.as_ref().updated).max().unwrap_or(Timestamp::UNIX_EPOCH);
    let feed = Feed {
        title: Text::plain(meta.title.clone()),
        id: meta.atom_url.clone(),
        updated: fixed(updated, &meta.timezone),
        subtitle: Some(Text::plain(meta.description.clone())),
        links: vec![
            link(&meta.atom_url, "self", "application/atom+xml"),
            link(&meta.home_url, "alternate", "text/html"),
        ],
        entries: entries_out,
        lang: Some(meta.lang.clone()),
        generator: Some(atom_syndication::Generator { value: "undersigned".to_owned(), ..Default::default() }),
        ..Feed::default()
    };
    feed.to_string()
}

/// JSON Feed 1.1.
pub fn json_feed(meta: &FeedMeta, entries: &[impl AsRef<FeedEntry>]) -> String {
    #[derive(Serialize)]
    struct Feed<'a> {
        version: &'static str,
        title: &'a str,
        home_page_url: &'a str,
        feed_url: &'a str,
        description: &'a str,
        language: &'a str,
        items: Vec<Item<'a>>,
    }
    #[derive(Serialize)]
    struct Item<'a> {
        id: &'a str,
        url: &'a str,
        title: &'a str,
        content_html: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        summary: Option<&'a str>,
        date_published: String,
        date_modified: String,
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        tags: &'a [String],
        language: &'a str,
    }
    let feed = Feed {
        version: "https://jsonfeed.org/version/1.1",
        title: &meta.title,
        home_page_url: &meta.home_url,
        feed_url: &meta.json_url,
        description: &meta.description,
        language: &meta.lang,
        items: entries
            .iter()
            .map(AsRef::as_ref)
            .map(|e| Item {
                id: &e.id,
                url: &e.url,
                title: &e.title,
                content_html: &e.content_html,
                summary: e.summary.as_deref(),
                date_published: rfc3339(e.published, &meta.timezone),
                date_modified: rfc3339(e.updated, &meta.timezone),
                tags: &e.tags,
                language: &meta.lang,
            })
            .collect(),
    };
    // Serialising plain strings and vectors cannot fail.
    let mut json = serde_json::to_string_pretty(&feed).unwrap_or_default();
    json.push('\n');
    json
}

/// `2019-06-27T00:00:00-05:00`: the instant with the site's offset at that moment.
pub fn rfc3339(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned_datetime(tz.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

fn rfc2822(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned_datetime(tz.clone()).strftime("%a, %d %b %Y %H:%M:%S %z").to_string()
}

fn fixed(at: Timestamp, tz: &TimeZone) -> atom_syndication::FixedDateTime {
    // Our own RFC 3339 output always parses; the epoch is a harmless fallback.
    chrono::DateTime::parse_from_rfc3339(&rfc3339(at, tz)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (FeedMeta, Vec<FeedEntry>) {
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
        };
        let published: Timestamp = "2019-06-27T05:00:00Z".parse().unwrap();
        let entry = FeedEntry {
            id: entry_id("https://e.org/sub/", "2019-06-27", "guard", "es"),
            title: "Título <con> & signos".to_owned(),
            url: "https://e.org/es/declaraciones/guardia/".to_owned(),
            summary: Some("Resumen".to_owned()),
            content_html: "<p>Texto<a href=\"https://e.org/es/declaraciones/guardia/#guard-fn-1\">1</a></p>".to_owned(),
            published,
            updated: "2019-06-28T15:00:00Z".parse().unwrap(),
            tags: vec!["migración".to_owned()],
        };
        (meta, vec![entry])
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
            assert_eq!(entry.title.as_ref().unwrap().content, "Título <con> & signos", "{name}");
            assert_eq!(entry.published.unwrap().to_rfc3339(), "2019-06-27T05:00:00+00:00", "{name}");
            let content = entry.content.as_ref().and_then(|c| c.body.clone()).unwrap_or_default();
            assert!(
                content.contains("href=\"https://e.org/es/declaraciones/guardia/#guard-fn-1\""),
                "{name}: {content}"
            );
        }
        assert!(rss(&meta, &entries).contains("<pubDate>Thu, 27 Jun 2019 00:00:00 -0500</pubDate>"));
        assert!(atom(&meta, &entries).contains("<published>2019-06-27T00:00:00-05:00</published>"));
        assert!(atom(&meta, &entries).contains("xml:lang=\"es\""));
    }
}
