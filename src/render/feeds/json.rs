//! JSON Feed 1.1.

use super::xml::feed_capacity;
use super::{FeedEntry, FeedMeta, rfc3339};

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
pub(super) fn json_string(out: &mut String, text: &str) {
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
