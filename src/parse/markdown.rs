//! Markdown → [`Document`]: pulldown-cmark events and our passes over them.
//!
//! Each pass is a pure function over events: footnotes ([`super::footnotes`]), heading
//! ids, and links for bare URLs. The result is written as HTML at once
//! ([`crate::render::html`]), with holes for what differs between the page and the feeds.

use std::path::Path;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use super::footnotes::number_notes;
use crate::error::{Diagnostic, SourceLocation};
use crate::hash::HashSet;
use crate::model::{Document, Note};
use crate::render::html::write_document;

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
    let pass = number_notes(body, events);
    let diagnostics = pass
        .problems
        .into_iter()
        .chain(risky)
        .map(|p| {
            let at = SourceLocation::at_offset(path, body, p.offset, first_line);
            let d = if p.is_error { Diagnostic::error(at, p.message) } else { Diagnostic::warning(at, p.message) };
            match p.hint {
                Some(hint) => d.with_hint(hint),
                None => d,
            }
        })
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
    (Document { body, notes, has_code }, diagnostics)
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

/// Raw HTML is allowed (staff write it), but scripts, inline event handlers and
/// `javascript:`/`data:` links in it or in Markdown links are worth a warning: they are
/// rarely what a statement needs and often what a pasted snippet smuggles in. The raw HTML
/// is read as a browser reads it ([`crate::html_tags`]), the lines of one HTML block
/// together, so that `HREF=`, `>` in a quoted value, a handler on the next line and
/// `java&Tab;script:` are all seen.
fn risky_markup(events: &[(Event<'_>, std::ops::Range<usize>)]) -> Vec<super::footnotes::NoteProblem> {
    let warn = |offset, message: String, hint: &str| super::footnotes::NoteProblem {
        offset,
        is_error: false,
        message,
        hint: Some(hint.to_owned()),
    };
    let mut problems = Vec::new();
    let mut i = 0;
    while i < events.len() {
        match &events[i].0 {
            Event::Html(_) | Event::InlineHtml(_) => {
                // The run of HTML events (the lines of one block), joined, with where each
                // came from.
                let mut joined = String::new();
                let mut segments = Vec::new();
                while let Some((Event::Html(html) | Event::InlineHtml(html), range)) = events.get(i) {
                    segments.push((joined.len(), range.start));
                    joined.push_str(html);
                    i += 1;
                }
                let source = |offset: usize| {
                    let (at, start) = segments.iter().rev().find(|(at, _)| *at <= offset).copied().unwrap_or_default();
                    start + (offset - at)
                };
                for (offset, message, hint) in risky_tags(&joined) {
                    problems.push(warn(source(offset), message, hint));
                }
                continue;
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if risky_scheme(dest_url).is_some() =>
            {
                let shown: String = dest_url.chars().take(24).collect();
                problems.push(warn(
                    events[i].1.start,
                    format!("a link to `{shown}`"),
                    "link to an http(s) address instead",
                ));
            }
            _ => {}
        }
        i += 1;
    }
    problems
}

/// The risky things in raw HTML: `(offset of the tag, message, hint)`.
fn risky_tags(html: &str) -> Vec<(usize, String, &'static str)> {
    const URL_ATTRIBUTES: &[&str] = &[
        "href",
        "src",
        "action",
        "formaction",
        "data",
        "poster",
        "cite",
        "background",
        "longdesc",
        "xlink:href",
        "codebase",
        "lowsrc",
        "dynsrc",
        "icon",
        "values",
        "to",
        "from",
        "by",
    ];
    crate::html_tags::fold_start_tags(html, Vec::new, |found, tag| {
        if tag.name == "script" {
            found.push((
                tag.offset,
                "raw HTML with a <script> element".to_owned(),
                "the page works without scripts; remove it unless it is really needed",
            ));
        }
        if let Some((handler, _)) = tag.attributes.iter().find(|(n, _)| n.len() > 2 && n.starts_with("on")) {
            found.push((
                tag.offset,
                format!("raw HTML with an inline event handler `{handler}`"),
                "remove the handler; statements need no scripts",
            ));
        }
        let refresh = tag.get("http-equiv").is_some_and(|e| e.eq_ignore_ascii_case("refresh"));
        let scheme = tag.attributes.iter().find_map(|(name, value)| match name.as_ref() {
            "srcset" => value.split(',').find_map(|c| risky_scheme(c.trim_start())),
            "content" if refresh => value.to_ascii_lowercase().find("url").and_then(|at| {
                risky_scheme(value[at + 3..].trim_start().trim_start_matches('=').trim_start_matches(['\'', '"']))
            }),
            name if URL_ATTRIBUTES.contains(&name) => risky_scheme(value),
            _ => None,
        });
        if let Some(scheme) = scheme {
            found.push((
                tag.offset,
                format!("raw HTML with a `{scheme}` address"),
                "link to an http(s) address instead",
            ));
        }
    })
}

/// The scheme of an address that runs code or hides content, as a browser reads it:
/// leading spaces and control characters dropped, tabs and newlines removed, any case.
/// `data:` images other than SVG are harmless.
fn risky_scheme(url: &str) -> Option<&'static str> {
    let lower: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(16)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let scheme = ["javascript:", "vbscript:", "data:"].into_iter().find(|s| lower.starts_with(s))?;
    let image = lower.starts_with("data:image/") && !lower.starts_with("data:image/svg");
    (!image).then_some(scheme)
}

/// Joins neighbouring text events, which the parser splits at every candidate delimiter.
pub fn merge_text(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut merged: Vec<Event<'_>> = Vec::with_capacity(events.len());
    for event in events {
        match (merged.last_mut(), event) {
            (Some(Event::Text(previous)), Event::Text(next)) => {
                let mut joined = std::mem::replace(previous, CowStr::Borrowed("")).into_string();
                joined.push_str(&next);
                *previous = joined.into();
            }
            (_, event) => merged.push(event),
        }
    }
    merged
}

/// Gives every heading without an explicit `{#id}` an id made from its text, unique in
/// the document.
pub fn add_heading_ids(mut events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut used: HashSet<String> = HashSet::default();
    for event in &events {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
            used.insert(id.to_string());
        }
    }
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[i] {
            let mut text = String::new();
            for e in &events[i + 1..] {
                match e {
                    Event::End(TagEnd::Heading(_)) => break,
                    Event::Text(t) | Event::Code(t) => text.push_str(t),
                    _ => {}
                }
            }
            let base = match slugify(&text) {
                s if s.is_empty() => "section".to_owned(),
                s => s,
            };
            let mut id = base.clone();
            let mut n = 1;
            while !used.insert(id.clone()) {
                n += 1;
                id = format!("{base}-{n}");
            }
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                *slot = Some(id.into());
            }
        }
        i += 1;
    }
    events
}

/// Lower-case letters and digits joined by single hyphens: "¿Qué pedimos?" → "qué-pedimos".
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// Turns bare `http(s)://…` and `www.…` addresses in text into links, as sources in notes
/// are often written; text inside links and code is left alone.
pub fn linkify(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    let mut in_link = 0usize;
    let mut in_code = false;
    for event in events {
        match &event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => in_link += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => in_link = in_link.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            _ => {}
        }
        match event {
            Event::Text(text) if in_link == 0 && !in_code && (text.contains("://") || text.contains("www.")) => {
                split_urls(&text, &mut out);
            }
            other => out.push(other),
        }
    }
    out
}

fn split_urls(text: &str, out: &mut Vec<Event<'_>>) {
    let mut rest = text;
    while let Some((start, end)) = find_url(rest) {
        if start > 0 {
            out.push(Event::Text(rest[..start].to_owned().into()));
        }
        let url = &rest[start..end];
        let href = if url.starts_with("www.") { format!("https://{url}") } else { url.to_owned() };
        out.push(Event::Start(Tag::Link {
            link_type: LinkType::Autolink,
            dest_url: href.into(),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        }));
        out.push(Event::Text(url.to_owned().into()));
        out.push(Event::End(TagEnd::Link));
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        out.push(Event::Text(rest.to_owned().into()));
    }
}

/// The byte range of the first bare URL in `text`, without trailing punctuation.
fn find_url(text: &str) -> Option<(usize, usize)> {
    let start = ["https://", "http://", "www."]
        .iter()
        .filter_map(|p| {
            text.match_indices(p)
                .find(|(i, _)| {
                    text[..*i].chars().next_back().is_none_or(|c| !c.is_alphanumeric() && c != '.' && c != '/')
                })
                .map(|(i, _)| i)
        })
        .min()?;
    let tail = &text[start..];
    let mut end =
        tail.find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '“' | '”')).unwrap_or(tail.len());
    loop {
        let trimmed = tail[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '’', '*', '_']);
        let trimmed = if trimmed.ends_with(')') && trimmed.matches(')').count() > trimmed.matches('(').count() {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if trimmed.len() == end {
            break;
        }
        end = trimmed.len();
    }
    let host = tail[..end].split("://").last().unwrap_or_default();
    (host.len() > 4 && host.contains('.')).then_some((start, start + end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &crate::model::Html) -> String {
        html.filled(&crate::render::html::Fill::page("Back", "Table"))
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
        assert!(out.contains("<h2 id=\"qué-pedimos\">"), "{out}");
        assert!(out.contains("<h2 id=\"qué-pedimos-2\">"), "{out}");
        assert!(out.contains("<h2 id=\"custom\">"), "{out}");
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
