//! Markdown → [`Document`], used by `parse` (which reads statements) and `render` (which
//! fills the HTML in): pulldown-cmark events, our passes over them, and the HTML writer.
//! Nothing here reads files or knows about pages.
//!
//! Each pass is a pure function over events: notes ([`notes`]), heading ids and links
//! for bare URLs ([`passes`]), and a look for risky raw HTML ([`risky`]). The result is
//! written as HTML at once ([`writer`]), with holes ([`html`]) for what differs between the
//! page and the feeds.

pub mod highlight;
pub mod html;
pub mod link_sources;
pub mod notes;
pub mod passes;
pub mod risky;
pub mod writer;

use std::path::Path;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

pub use self::html::{Fill, Hole, HoleKind, Html};
pub use self::link_sources::LinkSource;
use self::notes::number_notes;
pub use self::passes::{add_heading_ids, linkify, merge_text, slugify};
use self::risky::risky_markup;
pub use self::writer::{escape, write_document};
use crate::error::{Diagnostic, SourceLocation};
use crate::model::{Document, Note};

/// The Markdown extensions the site supports.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Parses a body that starts on line `first_line` of `path`; returns the document, whose
/// element ids start with `prefix`, and the diagnostics of its notes (errors and warnings).
pub fn parse_markdown(path: &Path, body: &str, first_line: usize, prefix: &str) -> (Document, Vec<Diagnostic>) {
    let events: Vec<_> = Parser::new_ext(body, options()).into_offset_iter().collect();
    let risky = risky_markup(&events);
    let links = link_sources::link_sources(&events, body, first_line);
    let pass = number_notes(body, events);
    let diagnostics = pass
        .problems
        .into_iter()
        .chain(risky)
        .map(|p| p.problem.at(SourceLocation::at_offset(path, body, p.offset, first_line)))
        .collect();
    let body = linkify(add_heading_ids(merge_text(pass.body)));
    let has_code = body
        .iter()
        .any(|e| matches!(e, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) if !lang.trim().is_empty()));
    let mut notes = pass.notes;
    let sources: Vec<(String, Vec<String>)> = notes
        .iter_mut()
        .map(|note| {
            note.events = linkify(merge_text(std::mem::take(&mut note.events)));
            note_sources(&note.events)
        })
        .collect();
    let numbers: Vec<(usize, usize)> = notes.iter().map(|n| (n.number, n.references)).collect();
    let (body, html) = write_document(prefix, body, notes);
    let notes = html
        .into_iter()
        .zip(numbers)
        .zip(sources)
        .map(|((html, (number, references)), (text, urls))| Note { number, references, html, text, urls })
        .collect();
    (Document { body, notes, has_code, links }, diagnostics)
}

/// A note's events as plain text, and the web addresses they link to.
fn note_sources(events: &[Event<'_>]) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut urls = Vec::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with("http") => urls.push(dest_url.to_string()),
            _ => {}
        }
    }
    (text.trim().to_owned(), urls)
}

#[cfg(test)]
mod tests {
    use super::passes::find_url;
    use super::*;

    fn page(html: &Html) -> String {
        html.filled(&Fill::page("Back", "Table"))
    }

    fn parse(md: &str) -> (Document, Vec<Diagnostic>) {
        parse_markdown(Path::new("en.md"), md, 5, "st")
    }

    #[test]
    fn bare_urls_in_notes_become_links_without_the_final_period() {
        let (doc, _) = parse(
            "See.[^a][^b]\n\n[^a]: State, 7 June 2019. www.state.gov/u-s-mexico-join-declaration/.\n\n[^b]: AFP. http://bit.ly/2xfX610.\n",
        );
        let (first, second) = (page(&doc.notes[0].html), page(&doc.notes[1].html));
        assert!(
            first.starts_with("<p>State, 7 June 2019. <a href=\"https://www.state.gov/u-s-mexico-join-declaration/\">www.state.gov/u-s-mexico-join-declaration/</a>. <a href=\"#st-fnref-1\" role=\"doc-backlink\""),
            "{first}"
        );
        assert!(
            second.starts_with("<p>AFP. <a href=\"http://bit.ly/2xfX610\">http://bit.ly/2xfX610</a>. <a "),
            "{second}"
        );
        assert_eq!(doc.notes[0].urls, ["https://www.state.gov/u-s-mexico-join-declaration/"]);
        assert_eq!(doc.notes[1].text, "AFP. http://bit.ly/2xfX610.");
    }

    #[test]
    fn urls_in_links_and_code_stay_as_they_are() {
        let (doc, _) = parse("[www.a.org](https://a.org) `www.b.org`\n\n```\nhttp://c.org\n```\n");
        let out = page(&doc.body);
        assert_eq!(out.matches("<a ").count(), 1, "{out}");
    }

    #[test]
    fn urls_with_parentheses_keep_balanced_ones() {
        assert_eq!(find_url("(see https://x.org/a_(b))."), Some((5, 24)));
    }

    #[test]
    fn headings_get_unique_ids() {
        let (doc, _) = parse("## Qué pedimos\n\n## Qué pedimos\n\n## Other {#custom}\n");
        let out = page(&doc.body);
        assert_contains!(out, "<h2 id=\"qué-pedimos\">");
        assert_contains!(out, "<h2 id=\"qué-pedimos-2\">");
        assert_contains!(out, "<h2 id=\"custom\">");
    }

    #[test]
    fn note_problems_are_located_in_the_whole_file() {
        let (_, diagnostics) = parse("Line one.\n\nA reference[^nope].\n");
        assert_eq!(
            diagnostics[0].to_string().lines().next(),
            Some("en.md:7:12: error: the note `[^nope]` is not defined")
        );
    }

    #[test]
    fn risky_raw_html_and_links_are_warnings() {
        let md = "<div onclick=\"x()\">a</div>\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) <a href='javascript:y'>y</a>\n\n<p>Lonely onion=3</p>\n";
        let (_, diagnostics) = parse(md);
        let messages: Vec<String> =
            diagnostics.iter().map(|d| format!("{}:{} {}", d.location.line, d.location.col, d.message)).collect();
        assert_eq!(
            messages,
            [
                "5:1 raw HTML with an inline event handler `onclick`",
                "7:1 raw HTML with a <script> element",
                "9:1 a link to `javascript:alert(1)`",
                "9:26 raw HTML with a `javascript:` address",
            ]
        );
        assert!(diagnostics.iter().all(|d| !d.is_error()));
    }

    #[test]
    fn risky_raw_html_is_found_however_it_is_spelt() {
        let cases: &[(&str, &str)] = &[
            ("<a title=\"a > b\" onclick=\"x()\">a</a>", "5:1 raw HTML with an inline event handler `onclick`"),
            (
                "<div\n  class=\"x\"\n  onmouseover=\"x()\">\nText\n</div>",
                "5:1 raw HTML with an inline event handler `onmouseover`",
            ),
            ("Text <img src=x\nonerror=alert(1)> more", "5:6 raw HTML with an inline event handler `onerror`"),
            ("<IMG SRC=x OnError=alert(1)>", "5:1 raw HTML with an inline event handler `onerror`"),
            ("<SCRIPT>alert(1)</SCRIPT>", "5:1 raw HTML with a <script> element"),
            ("<p>\n<script src=\"x.js\"></script>\n</p>", "6:1 raw HTML with a <script> element"),
            ("<a href=\"java&Tab;script:alert(1)\">x</a>", "5:1 raw HTML with a `javascript:` address"),
            ("<a href=\"jav&#x61;script:alert(1)\">x</a>", "5:1 raw HTML with a `javascript:` address"),
            ("<a href=\"&#106;avascript:alert(1)\">x</a>", "5:1 raw HTML with a `javascript:` address"),
            ("<a href=\" \x01javascript:alert(1)\">x</a>", "5:1 raw HTML with a `javascript:` address"),
            ("<a href=\"java\nscript:alert(1)\">x</a>", "5:1 raw HTML with a `javascript:` address"),
            ("<a href=JAVASCRIPT:alert(1)>x</a>", "5:1 raw HTML with a `javascript:` address"),
            ("<a HREF='vbscript:msgbox(1)'>x</a>", "5:1 raw HTML with a `vbscript:` address"),
            (
                "<iframe src=\"data:text/html,<script>alert(1)</script>\"></iframe>",
                "5:1 raw HTML with a `data:` address",
            ),
            ("<form action=\"javascript:x\"><button>b</button></form>", "5:1 raw HTML with a `javascript:` address"),
            ("<svg><a xlink:href=\"javascript:x\">x</a></svg>", "5:6 raw HTML with a `javascript:` address"),
            (
                "<meta http-equiv=\"refresh\" content=\"0;url=javascript:x\">",
                "5:1 raw HTML with a `javascript:` address",
            ),
            ("[x](java&Tab;script:alert(1))", "5:1 a link to `java\tscript:alert(1)`"),
        ];
        for (md, expected) in cases {
            let (_, diagnostics) = parse(md);
            let found: Vec<String> =
                diagnostics.iter().map(|d| format!("{}:{} {}", d.location.line, d.location.col, d.message)).collect();
            assert_eq!(found, [*expected], "{md:?}");
        }
        for harmless in [
            "<img src=\"data:image/png;base64,AAAA\" alt=\"\">",
            "<p title=\"javascript: the good parts\">Lonely onion=3</p>",
            "<!-- <script>x</script> -->",
            "`<script>` in code",
            // Not raw HTML to CommonMark, so written out as text.
            "<svg/onload=alert(1)>",
        ] {
            assert!(parse(harmless).1.is_empty(), "{harmless}");
        }
    }

    #[test]
    fn code_with_a_language_is_marked_for_highlighting() {
        assert!(parse("```rust\nfn main() {}\n```\n").0.has_code);
        assert!(!parse("```\nplain\n```\n").0.has_code);
    }
}
