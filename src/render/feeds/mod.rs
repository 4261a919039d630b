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
//! An entry whose content writes nothing (a signer's feed, which lists rather than
//! republishes) has no Atom `content`, and its summary, or its title, stands for it.

mod json;
mod xml;

use jiff::Timestamp;
use jiff::tz::TimeZone;

pub use self::json::json_feed;
pub use self::xml::{atom, rss};

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
    /// When a feed with no entries was last updated: the site's newest change.
    pub empty_updated: Timestamp,
}

/// `2019-06-27T00:00:00-05:00`: the instant with the site's offset at that moment.
pub fn rfc3339(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned_datetime(tz.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

#[cfg(test)]
mod tests;
