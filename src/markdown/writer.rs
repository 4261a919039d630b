//! Markdown events → HTML, once per document, with holes for what differs between uses.
//!
//! The writer is pulldown-cmark's; our events go in front of it: note references,
//! highlighted code, scrolling tables, and link openings. Element ids are prefixed with
//! the statement id so two documents on one page never collide.
//!
//! A document is written once, when it is parsed, into [`Html`] with holes (see [`super::html`]): the page
//! fills them with nothing and the theme's labels, a feed with its page's address, so
//! relative links become absolute as feed readers need. The events are not kept.

use std::fmt::Write as _;

use pulldown_cmark::{Alignment, CodeBlockKind, CowStr, Event, LinkType, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

use super::highlight::highlight;
use super::html::{Hole, HoleKind, Html};
use super::notes::{Label, NoteEvents, note_id, reference_id};
use crate::hash::HashMap;

/// Writes a body and its notes (in number order, each with its back-links); element ids
/// start with `prefix`.
pub fn write_document<'a>(prefix: &str, body: Vec<Event<'a>>, notes: Vec<NoteEvents<'a>>) -> (Html, Vec<Html>) {
    let numbers = notes.iter().map(|n| (n.label.clone(), n.number)).collect();
    let mut writer = Writer { prefix, numbers, seen: HashMap::default(), kinds: Vec::new() };
    let events = writer.events(body);
    let body = writer.finish(events);
    let notes = notes
        .into_iter()
        .map(|note| {
            let mut events = writer.events(note.events);
            let links = writer.backlinks(note.number, note.references);
            // At the end of the note's last paragraph, where readers expect them.
            let at = match events.last() {
                Some(Event::End(TagEnd::Paragraph)) => events.len() - 1,
                _ => events.len(),
            };
            events.splice(at..at, links);
            writer.finish(events)
        })
        .collect();
    (body, notes)
}

/// Marks a hole in the writer's output. It is recognised by its address, which no text
/// of a document can have, so no content can forge a hole.
static MARK: &str = "\u{0}hole\u{0}";

struct Writer<'a> {
    prefix: &'a str,
    /// Note numbers by label.
    numbers: HashMap<Label, usize>,
    /// References seen so far, by note number.
    seen: HashMap<usize, usize>,
    /// The kinds of the holes marked so far in the events being written, in order.
    kinds: Vec<HoleKind>,
}

impl Writer<'_> {
    /// A hole of `kind`: the mark, with its kind queued.
    fn hole(&mut self, kind: HoleKind) -> Event<'static> {
        self.kinds.push(kind);
        Event::InlineHtml(CowStr::Borrowed(MARK))
    }

    /// Writes `events`, with the holes marked in them, as [`Html`].
    fn finish(&mut self, events: Vec<Event<'_>>) -> Html {
        let kinds = std::mem::take(&mut self.kinds);
        let mut collector =
            Collector { text: String::new(), holes: Vec::with_capacity(kinds.len()), kinds: kinds.into_iter() };
        // The collector fails only on a mark without a kind, which `hole` rules out.
        let _ = pulldown_cmark::html::write_html_fmt(&mut collector, events.into_iter());
        Html { text: collector.text.into_boxed_str(), holes: collector.holes.into_boxed_slice() }
    }

    /// Note `number`'s back-links (DPUB-ARIA `doc-backlink`), one per reference, with
    /// their accessible names left as holes.
    fn backlinks(&mut self, number: usize, references: usize) -> Vec<Event<'static>> {
        let many = references > 1;
        let mut links = Vec::with_capacity(5 * references);
        for k in 1..=references {
            // The accessible name contains the visible letter (WCAG 2.5.3, label in name).
            let letter = many.then(|| b'a' + ((k - 1) % 26) as u8);
            // The arrow is its own element, so a right-to-left page can mirror it.
            let arrow = "<span class=\"backlink-arrow\">↩\u{fe0e}</span>";
            let mark = match letter {
                Some(letter) => format!("{arrow}{}", char::from(letter)),
                None => arrow.to_owned(),
            };
            links.push(Event::InlineHtml(" <a href=\"".into()));
            links.push(self.hole(HoleKind::Base));
            let id = escape(&reference_id(self.prefix, number, k));
            links.push(Event::InlineHtml(format!("#{id}\" role=\"doc-backlink\" aria-label=\"").into()));
            let number = u32::try_from(number).unwrap_or(u32::MAX);
            links.push(self.hole(HoleKind::Backlink { number, letter }));
            links.push(Event::InlineHtml(format!("\">{mark}</a>").into()));
        }
        links
    }

    /// Our events in front of pulldown-cmark's writer.
    fn events<'a>(&mut self, events: Vec<Event<'a>>) -> Vec<Event<'a>> {
        let mut out: Vec<Event<'a>> = Vec::with_capacity(events.len());
        let mut events = events.into_iter();
        // The columns' alignments of the table being written, whether in its head, and
        // the cell's column.
        let (mut alignments, mut in_head, mut column) = (Vec::new(), false, 0);
        while let Some(event) = events.next() {
            match event {
                // A wide table scrolls inside a focusable region, so keyboards reach it too.
                Event::Start(Tag::Table(aligned)) => {
                    out.push(Event::Html(
                        "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"".into(),
                    ));
                    out.push(self.hole(HoleKind::TableLabel));
                    out.push(Event::Html("\">\n".into()));
                    alignments = aligned;
                    out.push(Event::Start(Tag::Table(Vec::new())));
                }
                Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                    in_head = matches!(event, Event::Start(Tag::TableHead));
                    column = 0;
                    out.push(event);
                }
                // A column's alignment is a class, not pulldown-cmark's `style` attribute:
                // the Content-Security-Policy (see `render::deploy`) allows no inline style.
                Event::Start(Tag::TableCell) => {
                    let cell = if in_head { "th" } else { "td" };
                    let class = match alignments.get(column) {
                        Some(Alignment::Left) => " class=\"align-left\"",
                        Some(Alignment::Center) => " class=\"align-center\"",
                        Some(Alignment::Right) => " class=\"align-right\"",
                        Some(Alignment::None) | None => "",
                    };
                    out.push(Event::InlineHtml(format!("<{cell}{class}>").into()));
                }
                Event::End(TagEnd::TableCell) => {
                    column += 1;
                    out.push(event);
                }
                Event::End(TagEnd::Table) => {
                    out.push(event);
                    out.push(Event::Html("</div>\n".into()));
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let lang = match &kind {
                        CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or_default(),
                        CodeBlockKind::Indented => "",
                    };
                    let mut code = String::new();
                    for event in events.by_ref() {
                        match event {
                            Event::Text(t) => code.push_str(&t),
                            Event::End(TagEnd::CodeBlock) => break,
                            _ => {}
                        }
                    }
                    out.push(Event::Html(highlight(lang, &code).into()));
                }
                Event::FootnoteReference(label) => match self.reference(&label) {
                    Some((id, number)) => {
                        let id = escape(&id);
                        out.push(Event::InlineHtml(format!("<sup class=\"noteref\"><a id=\"{id}\" href=\"").into()));
                        out.push(self.hole(HoleKind::Base));
                        let note = escape(&note_id(self.prefix, number));
                        out.push(Event::InlineHtml(
                            format!("#{note}\" role=\"doc-noteref\">{number}</a></sup>").into(),
                        ));
                    }
                    // The footnote pass reports undefined labels; keep the text if one slips by,
                    // as text: a label may hold `<` and `"`.
                    None => out.push(Event::Text(format!("[^{label}]").into())),
                },
                Event::Start(Tag::Link { link_type, dest_url, title, .. }) => {
                    let mut open = String::from("<a href=\"");
                    if link_type == LinkType::Email {
                        open.push_str("mailto:");
                    }
                    out.push(Event::InlineHtml(open.into()));
                    if link_type != LinkType::Email
                        && let Some(kind) = relative_kind(&dest_url)
                    {
                        out.push(self.hole(kind));
                    }
                    out.push(Event::InlineHtml(link_rest(&dest_url, &title, None).into()));
                }
                Event::Start(Tag::Image { dest_url, title, .. }) => {
                    out.push(Event::InlineHtml("<img src=\"".into()));
                    if let Some(kind) = relative_kind(&dest_url) {
                        out.push(self.hole(kind));
                    }
                    let alt = self.alt_text(&mut events);
                    out.push(Event::InlineHtml(link_rest(&dest_url, &title, Some(&alt)).into()));
                }
                other => out.push(other),
            }
        }
        out
    }

    /// The id of the next reference to the note labelled `label`, and its number.
    fn reference(&mut self, label: &str) -> Option<(String, usize)> {
        let number = *self.numbers.get(&unicase::UniCase::new(label.to_owned()))?;
        let k = self.seen.entry(number).or_default();
        *k += 1;
        Some((reference_id(self.prefix, number, *k), number))
    }

    /// An image's description, up to its end, escaped for the `alt` attribute as
    /// pulldown-cmark writes it: text only, markup dropped.
    fn alt_text<'a>(&mut self, events: &mut impl Iterator<Item = Event<'a>>) -> String {
        let mut alt = String::new();
        let mut depth = 0usize;
        for event in events.by_ref() {
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => break,
                Event::End(_) => depth -= 1,
                Event::Text(t)
                | Event::Code(t)
                | Event::InlineHtml(t)
                | Event::InlineMath(t)
                | Event::DisplayMath(t) => {
                    let _ = escape_html(&mut alt, &t);
                }
                Event::SoftBreak | Event::HardBreak | Event::Rule => alt.push(' '),
                Event::FootnoteReference(label) => {
                    if let Some((_, number)) = self.reference(&label) {
                        let _ = write!(alt, "[{number}]");
                    }
                }
                Event::Html(_) | Event::TaskListMarker(_) => {}
            }
        }
        alt
    }
}

/// The rest of a link or image opening tag after the `href`/`src` prefix: the escaped
/// address, the image's `alt`, the title.
fn link_rest(dest: &str, title: &str, alt: Option<&str>) -> String {
    let mut rest = String::with_capacity(dest.len() + title.len() + 8);
    let _ = escape_href(&mut rest, dest);
    if let Some(alt) = alt {
        rest.push_str("\" alt=\"");
        rest.push_str(alt);
    }
    if !title.is_empty() {
        rest.push_str("\" title=\"");
        let _ = escape_html(&mut rest, title);
    }
    rest.push_str(if alt.is_some() { "\" />" } else { "\">" });
    rest
}

/// Which hole goes in front of a link to `dest`: none for an address with a scheme or a
/// host (`//…`), the origin for a root-relative path, the page for the rest.
pub fn relative_kind(dest: &str) -> Option<HoleKind> {
    if has_scheme(dest) || dest.starts_with("//") {
        None
    } else if dest.starts_with('/') {
        Some(HoleKind::Origin)
    } else {
        Some(HoleKind::Base)
    }
}

fn has_scheme(dest: &str) -> bool {
    dest.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// Takes the writer's output, turning each [`MARK`] into a hole of the next queued kind.
struct Collector {
    text: String,
    holes: Vec<Hole>,
    kinds: std::vec::IntoIter<HoleKind>,
}

impl std::fmt::Write for Collector {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if std::ptr::eq(s, MARK) {
            let kind = self.kinds.next().ok_or(std::fmt::Error)?;
            let at = u32::try_from(self.text.len()).map_err(|_| std::fmt::Error)?;
            self.holes.push(Hole { at, kind });
        } else {
            self.text.push_str(s);
        }
        Ok(())
    }
}

/// HTML-escapes text that we put into markup ourselves.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing to a String cannot fail.
    let _ = escape_html(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Fill;
    use crate::markdown::parse_markdown;
    use crate::render::urls::origin;
    use std::path::Path;

    /// The body and the notes of `md`, filled for the page (no `link_base`) or a feed.
    fn render(md: &str, link_base: &str) -> (String, Vec<String>) {
        let (doc, _) = parse_markdown(Path::new("en.md"), md, 1, "st");
        let fill =
            Fill { base: link_base, origin: origin(link_base), backlink_label: "Back to {n}", table_label: "Table" };
        (doc.body.filled(&fill), doc.notes.iter().map(|n| n.html.filled(&fill)).collect())
    }

    #[test]
    fn references_are_numbered_links_with_unique_ids() {
        let (body, notes) = render("A[^x] B[^y] C[^x].\n\n[^x]: X.\n[^y]: Y.\n", "");
        assert_eq!(
            body,
            "<p>A<sup class=\"noteref\"><a id=\"st-fnref-1\" href=\"#st-fn-1\" role=\"doc-noteref\">1</a></sup> \
             B<sup class=\"noteref\"><a id=\"st-fnref-2\" href=\"#st-fn-2\" role=\"doc-noteref\">2</a></sup> \
             C<sup class=\"noteref\"><a id=\"st-fnref-1-2\" href=\"#st-fn-1\" role=\"doc-noteref\">1</a></sup>.</p>\n"
        );
        assert_eq!(
            notes[0],
            "<p>X. <a href=\"#st-fnref-1\" role=\"doc-backlink\" aria-label=\"Back to 1 a\"><span class=\"backlink-arrow\">↩\u{fe0e}</span>a</a> \
             <a href=\"#st-fnref-1-2\" role=\"doc-backlink\" aria-label=\"Back to 1 b\"><span class=\"backlink-arrow\">↩\u{fe0e}</span>b</a></p>\n"
        );
        assert_eq!(
            notes[1],
            "<p>Y. <a href=\"#st-fnref-2\" role=\"doc-backlink\" aria-label=\"Back to 2\"><span class=\"backlink-arrow\">↩\u{fe0e}</span></a></p>\n"
        );
    }

    #[test]
    fn a_prefix_with_markup_stays_inside_its_attributes() {
        let (doc, _) = parse_markdown(Path::new("en.md"), "A[^x].\n\n[^x]: X.\n", 1, "c\"><img src=x>");
        let fill = Fill::page("Back to {n}", "Table");
        let (body, note) = (doc.body.filled(&fill), doc.notes[0].html.filled(&fill));
        assert!(!body.contains("<img") && !note.contains("<img"), "{body}\n{note}");
        assert_contains!(
            body,
            "id=\"c&quot;&gt;&lt;img src=x&gt;-fnref-1\" href=\"#c&quot;&gt;&lt;img src=x&gt;-fn-1\""
        );
        assert_contains!(note, "href=\"#c&quot;&gt;&lt;img src=x&gt;-fnref-1\"");
    }

    #[test]
    fn a_reference_to_no_note_is_written_as_text() {
        let body = vec![Event::FootnoteReference("<img src=x onerror=alert(1)>".into())];
        let (html, _) = write_document("st", body, Vec::new());
        assert_eq!(html.filled(&Fill::page("", "")), "[^&lt;img src=x onerror=alert(1)&gt;]");
    }

    #[test]
    fn a_link_base_makes_fragment_links_absolute() {
        let (body, notes) =
            render("A[^x] and [up](#top), [about](/en/about/), <a@b.org>.\n\n[^x]: X.\n", "https://e.org/en/s/a/");
        assert_contains!(body, "href=\"https://e.org/en/s/a/#st-fn-1\"");
        assert_contains!(body, "href=\"https://e.org/en/s/a/#top\"");
        assert_contains!(body, "href=\"https://e.org/en/about/\"");
        assert_contains!(body, "href=\"mailto:a@b.org\"");
        assert_contains!(notes[0], "href=\"https://e.org/en/s/a/#st-fnref-1\"");
    }

    #[test]
    fn images_and_tables_are_written_as_pulldown_cmark_writes_them_but_aligned_by_class() {
        let md = "![A *b* `c`](img/x.png \"T\") ![d](/abs.png) [e](f.pdf \"F\")\n\n| a | l | c | r |\n|---|:--|:-:|--:|\n| b | 1 | 2 | 3 | 4 |\n";
        let (body, _) = render(md, "");
        let mut plain = String::new();
        pulldown_cmark::html::push_html(&mut plain, pulldown_cmark::Parser::new_ext(md, crate::markdown::options()));
        let region = "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"Table\">\n";
        let classes = ["left", "center", "right"].iter().fold(plain, |html, side| {
            html.replace(&format!(" style=\"text-align: {side}\""), &format!(" class=\"align-{side}\""))
        });
        assert_eq!(body.replace(region, "").replace("</div>\n", ""), classes);
        assert_contains!(
            body,
            "<th class=\"align-right\">r</th></tr></thead><tbody>\n<tr><td>b</td><td class=\"align-left\">"
        );

        let (feed, _) = render(md, "https://e.org/en/s/a/");
        assert_contains!(feed, "<img src=\"https://e.org/en/s/a/img/x.png\" alt=\"A b c\" title=\"T\" />");
        assert_contains!(feed, "<img src=\"https://e.org/abs.png\" alt=\"d\" />");
        assert_contains!(feed, "<a href=\"https://e.org/en/s/a/f.pdf\" title=\"F\">e</a>");
    }

    #[test]
    fn no_text_makes_a_hole() {
        let (doc, _) =
            parse_markdown(Path::new("en.md"), "a\u{0}hole\u{0}b <span>\u{0}hole\u{0}</span> [x](y)\n", 1, "st");
        assert_eq!(doc.body.holes.len(), 1, "only the link's: {:?}", doc.body);
        assert_contains!(doc.body.text, "hole", "{:?}", doc.body);

        // The writer's output is told apart by address: the mark's own text, written from
        // anywhere else, stays text.
        let mut collector =
            Collector { text: String::new(), holes: Vec::new(), kinds: vec![HoleKind::Base].into_iter() };
        let copy = String::from(MARK);
        std::fmt::Write::write_str(&mut collector, &copy).unwrap();
        std::fmt::Write::write_str(&mut collector, MARK).unwrap();
        assert_eq!(collector.text, MARK);
        assert_eq!(collector.holes, [Hole { at: MARK.len() as u32, kind: HoleKind::Base }]);
    }

    #[test]
    fn known_languages_are_highlighted_with_classes_and_others_escaped() {
        let (body, _) = render("```rust\nfn main() {}\n```\n\n```nope\n<b>\n```\n", "");
        assert_contains!(body, "<span class=\"hl-source hl-rust\">");
        assert_contains!(body, "<pre class=\"code\" data-lang=\"nope\"><code>&lt;b&gt;\n</code></pre>");
    }
}
