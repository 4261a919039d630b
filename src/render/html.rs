//! [`Document`] → HTML: note references, highlighted code, and fragment links.
//!
//! The writer is pulldown-cmark's; our events go in front of it. Element ids are prefixed
//! with the statement id so two documents on one page never collide. With a `link_base`,
//! every `#fragment` link becomes absolute, as feed readers need.

use std::collections::HashMap;
use std::sync::OnceLock;

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::model::{Document, Note};

/// How to write one document.
#[derive(Debug, Clone, Copy)]
pub struct HtmlOptions<'a> {
    /// Prefix of every generated id (the statement's id).
    pub prefix: &'a str,
    /// Put in front of `#fragment` links; empty on the page itself.
    pub link_base: &'a str,
    /// Accessible name of a back-link; `{n}` is the note's number ("Back to reference {n}").
    pub backlink_label: &'a str,
    /// Accessible name of the scrolling region around a table ("Table").
    pub table_label: &'a str,
}

/// A document written as HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The body.
    pub body: String,
    /// The notes, in number order.
    pub notes: Vec<RenderedNote>,
}

/// One note written as HTML, with the ids of the references that point to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedNote {
    /// Its number.
    pub number: usize,
    /// Id of its list item.
    pub id: String,
    /// Its content.
    pub html: String,
    /// Ids of the references to it, in reading order.
    pub references: Vec<String>,
}

/// Id of note `number`'s list item.
pub fn note_id(prefix: &str, number: usize) -> String {
    format!("{prefix}-fn-{number}")
}

/// Id of the notes section heading.
pub fn notes_heading_id(prefix: &str) -> String {
    format!("{prefix}-notes")
}

/// Id of the `k`-th reference (1-based) to note `number`.
pub fn reference_id(prefix: &str, number: usize, k: usize) -> String {
    if k == 1 { format!("{prefix}-fnref-{number}") } else { format!("{prefix}-fnref-{number}-{k}") }
}

/// Writes a document and its notes.
pub fn render_document(doc: &Document, options: HtmlOptions<'_>) -> Rendered {
    let mut writer = Writer {
        options,
        numbers: doc.notes.iter().map(|n| (n.label.as_str(), n.number)).collect(),
        seen: HashMap::new(),
    };
    let body = writer.write(&doc.events);
    let notes = doc
        .notes
        .iter()
        .map(|note: &Note| {
            let references: Vec<String> =
                (1..=note.references).map(|k| reference_id(options.prefix, note.number, k)).collect();
            let html = writer.write(&with_backlinks(&note.events, note.number, &references, options));
            RenderedNote { number: note.number, id: note_id(options.prefix, note.number), html, references }
        })
        .collect();
    Rendered { body, notes }
}

/// The note's events with its back-links (DPUB-ARIA `doc-backlink`) at the end of its
/// last paragraph, where readers expect them.
fn with_backlinks(
    events: &[Event<'static>],
    number: usize,
    references: &[String],
    options: HtmlOptions<'_>,
) -> Vec<Event<'static>> {
    let label = options.backlink_label.replace("{n}", &number.to_string());
    let many = references.len() > 1;
    let mut links = String::new();
    // The accessible name contains the visible letter (WCAG 2.5.3, label in name).
    for (k, id) in references.iter().enumerate() {
        let letter = char::from(b'a' + (k % 26) as u8);
        let (mark, name) = if many {
            (format!("↩\u{fe0e}{letter}"), format!("{label} {letter}"))
        } else {
            ("↩\u{fe0e}".to_owned(), label.clone())
        };
        links.push_str(&format!(" <a href=\"{}#{id}\" role=\"doc-backlink\" aria-label=\"", options.link_base));
        let _ = escape_html(&mut links, &name);
        links.push_str(&format!("\">{mark}</a>"));
    }
    let mut out = events.to_vec();
    let at = match out.last() {
        Some(Event::End(TagEnd::Paragraph)) => out.len() - 1,
        _ => out.len(),
    };
    out.insert(at, Event::InlineHtml(links.into()));
    out
}

struct Writer<'a> {
    options: HtmlOptions<'a>,
    numbers: HashMap<&'a str, usize>,
    seen: HashMap<usize, usize>,
}

impl Writer<'_> {
    fn write(&mut self, events: &[Event<'static>]) -> String {
        let mut out_events: Vec<Event<'_>> = Vec::with_capacity(events.len());
        let mut code: Option<(String, String)> = None;
        for event in events {
            if let Some((lang, text)) = &mut code {
                match event {
                    Event::Text(t) => text.push_str(t),
                    Event::End(TagEnd::CodeBlock) => {
                        out_events.push(Event::Html(highlight(lang, text).into()));
                        code = None;
                    }
                    _ => {}
                }
                continue;
            }
            match event {
                // A wide table scrolls inside a focusable region, so keyboards reach it too.
                Event::Start(Tag::Table(_)) => {
                    let mut open =
                        String::from("<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"");
                    let _ = escape_html(&mut open, self.options.table_label);
                    open.push_str("\">\n");
                    out_events.push(Event::Html(open.into()));
                    out_events.push(event.clone());
                }
                Event::End(TagEnd::Table) => {
                    out_events.push(event.clone());
                    out_events.push(Event::Html("</div>\n".into()));
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or_default().to_owned(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    code = Some((lang, String::new()));
                }
                Event::FootnoteReference(label) => {
                    let markup = match self.numbers.get(label.as_ref()) {
                        Some(&number) => {
                            let k = self.seen.entry(number).or_default();
                            *k += 1;
                            let prefix = self.options.prefix;
                            format!(
                                "<sup class=\"noteref\"><a id=\"{}\" href=\"{}#{}\" role=\"doc-noteref\">{number}</a></sup>",
                                reference_id(prefix, number, *k),
                                self.options.link_base,
                                note_id(prefix, number),
                            )
                        }
                        // The footnote pass reports undefined labels; keep the text if one slips by.
                        None => format!("[^{label}]"),
                    };
                    out_events.push(Event::InlineHtml(markup.into()));
                }
                Event::Start(Tag::Link { link_type, dest_url, title, id }) if !self.options.link_base.is_empty() => {
                    out_events.push(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: absolute(self.options.link_base, dest_url).into(),
                        title: title.clone(),
                        id: id.clone(),
                    }));
                }
                Event::Start(Tag::Image { link_type, dest_url, title, id }) if !self.options.link_base.is_empty() => {
                    out_events.push(Event::Start(Tag::Image {
                        link_type: *link_type,
                        dest_url: absolute(self.options.link_base, dest_url).into(),
                        title: title.clone(),
                        id: id.clone(),
                    }));
                }
                other => out_events.push(other.clone()),
            }
        }
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, out_events.into_iter());
        html
    }
}

/// HTML-escapes text that we put into markup ourselves.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing to a String cannot fail.
    let _ = escape_html(&mut out, text);
    out
}

/// `dest` resolved against the page at `base` (an absolute URL ending with `/`):
/// `#x`, `/path` and `file.pdf` become absolute; addresses with a scheme stay as they are.
pub fn absolute(base: &str, dest: &str) -> String {
    let has_scheme = dest.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if has_scheme || dest.starts_with("//") {
        return dest.to_owned();
    }
    if let Some(path) = dest.strip_prefix('/') {
        let origin_end = base.find("://").map_or(0, |i| i + 3);
        let origin = base[origin_end..].find('/').map_or(base, |i| &base[..origin_end + i]);
        return format!("{origin}/{path}");
    }
    format!("{base}{dest}")
}

/// The syntax definitions, loaded the first time a page has code.
fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// A code block, with `hl-` classes when its language is known.
fn highlight(lang: &str, code: &str) -> String {
    let mut out = String::from("<pre class=\"code\"");
    if !lang.is_empty() {
        out.push_str(" data-lang=\"");
        let _ = escape_href(&mut out, lang);
        out.push('"');
    }
    out.push_str("><code>");
    let highlighted = (!lang.is_empty()).then(|| syntaxes().find_syntax_by_token(lang)).flatten().and_then(|syntax| {
        let mut generator = ClassedHTMLGenerator::new_with_class_style(
            syntax,
            syntaxes(),
            ClassStyle::SpacedPrefixed { prefix: "hl-" },
        );
        for line in LinesWithEndings::from(code) {
            generator.parse_html_for_line_which_includes_newline(line).ok()?;
        }
        Some(generator.finalize())
    });
    match highlighted {
        Some(html) => out.push_str(&html),
        None => {
            let _ = escape_html(&mut out, code);
        }
    }
    out.push_str("</code></pre>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::markdown::parse_markdown;
    use std::path::Path;

    fn render(md: &str, link_base: &str) -> Rendered {
        let (doc, _) = parse_markdown(Path::new("en.md"), md, 1);
        render_document(
            &doc,
            HtmlOptions { prefix: "st", link_base, backlink_label: "Back to {n}", table_label: "Table" },
        )
    }

    #[test]
    fn references_are_numbered_links_with_unique_ids() {
        let out = render("A[^x] B[^y] C[^x].\n\n[^x]: X.\n[^y]: Y.\n", "");
        assert_eq!(
            out.body,
            "<p>A<sup class=\"noteref\"><a id=\"st-fnref-1\" href=\"#st-fn-1\" role=\"doc-noteref\">1</a></sup> \
             B<sup class=\"noteref\"><a id=\"st-fnref-2\" href=\"#st-fn-2\" role=\"doc-noteref\">2</a></sup> \
             C<sup class=\"noteref\"><a id=\"st-fnref-1-2\" href=\"#st-fn-1\" role=\"doc-noteref\">1</a></sup>.</p>\n"
        );
        assert_eq!(out.notes[0].references, ["st-fnref-1", "st-fnref-1-2"]);
        assert_eq!(
            out.notes[0].html,
            "<p>X. <a href=\"#st-fnref-1\" role=\"doc-backlink\" aria-label=\"Back to 1 a\">↩\u{fe0e}a</a> \
             <a href=\"#st-fnref-1-2\" role=\"doc-backlink\" aria-label=\"Back to 1 b\">↩\u{fe0e}b</a></p>\n"
        );
        assert_eq!(
            out.notes[1].html,
            "<p>Y. <a href=\"#st-fnref-2\" role=\"doc-backlink\" aria-label=\"Back to 2\">↩\u{fe0e}</a></p>\n"
        );
    }

    #[test]
    fn a_link_base_makes_fragment_links_absolute() {
        let out = render("A[^x] and [up](#top).\n\n[^x]: X.\n", "https://e.org/en/s/a/");
        assert!(out.body.contains("href=\"https://e.org/en/s/a/#st-fn-1\""), "{}", out.body);
        assert!(out.body.contains("href=\"https://e.org/en/s/a/#top\""), "{}", out.body);
    }

    #[test]
    fn relative_links_resolve_against_the_page() {
        let base = "https://e.org/sub/en/statements/a/";
        assert_eq!(absolute(base, "#fn-1"), "https://e.org/sub/en/statements/a/#fn-1");
        assert_eq!(absolute(base, "/sub/en/about/"), "https://e.org/sub/en/about/");
        assert_eq!(absolute(base, "statement.pdf"), "https://e.org/sub/en/statements/a/statement.pdf");
        assert_eq!(absolute(base, "mailto:press@example.org"), "mailto:press@example.org");
        assert_eq!(absolute(base, "https://x.org/"), "https://x.org/");
    }

    #[test]
    fn known_languages_are_highlighted_with_classes_and_others_escaped() {
        let out = render("```rust\nfn main() {}\n```\n\n```nope\n<b>\n```\n", "");
        assert!(out.body.contains("<span class=\"hl-source hl-rust\">"), "{}", out.body);
        assert!(
            out.body.contains("<pre class=\"code\" data-lang=\"nope\"><code>&lt;b&gt;\n</code></pre>"),
            "{}",
            out.body
        );
    }
}
