//! Where each address of a document was written: a link check that finds a broken link in
//! a rendered page points at its line in the Markdown without reading the file again (a
//! build drops the sources once they are parsed).

use std::ops::Range;

use pulldown_cmark::{Event, Tag};

use super::passes::find_url;
use super::risky::HtmlRun;

/// An address as written in a document, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkSource {
    /// The address as written: a Markdown link's destination, a raw HTML attribute's value
    /// (entities decoded), or a bare address (`www.…` without the scheme its link adds).
    pub address: Box<str>,
    /// 1-based line in the whole file.
    pub line: u32,
    /// 1-based column, in characters.
    pub col: u32,
}

/// Every address of `events`, parsed from `body`, which starts on line `first_line`.
pub(super) fn link_sources(events: &[(Event<'_>, Range<usize>)], body: &str, first_line: usize) -> Vec<LinkSource> {
    let mut found: Vec<(usize, Box<str>)> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        match event {
            Event::Html(_) | Event::InlineHtml(_) => {
                let run = HtmlRun::at(events, &mut i);
                crate::html_tags::fold_start_tags(
                    &run.joined,
                    || (),
                    |(), tag| {
                        for (name, value) in &tag.attributes {
                            if matches!(name.as_ref(), "href" | "src")
                                || crate::html_tags::ADDRESS_ATTRIBUTES.contains(&name.as_ref())
                            {
                                found.push((run.source_offset(tag.offset), value.as_ref().into()));
                            }
                        }
                    },
                );
                continue;
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                found.push((range.start, dest_url.as_ref().into()));
            }
            Event::Text(text) => {
                // Where the text is the source as it is, each address is placed exactly.
                let exact = body.get(range.clone()) == Some(text.as_ref());
                let mut from = 0;
                while let Some((start, end)) = find_url(&text[from..]) {
                    let offset = if exact { range.start + from + start } else { range.start };
                    found.push((offset, text[from + start..from + end].into()));
                    from += end;
                }
            }
            _ => {}
        }
        i += 1;
    }
    // The address itself, where it is written as it reads (not behind entities), rather
    // than the start of its link or tag.
    for (offset, address) in &mut found {
        let window = body.get(*offset..).map_or("", |rest| &rest[..floor_boundary(rest, rest.len().min(4096))]);
        if let Some(at) = window.find(&**address) {
            *offset += at;
        }
    }
    found.sort_by_key(|(offset, _)| *offset);
    // One pass over the text for every line and column.
    let (mut line, mut line_start, mut scanned) = (first_line, 0, 0);
    found
        .into_iter()
        .map(|(offset, address)| {
            let offset = floor_boundary(body, offset.min(body.len()));
            for (i, _) in body[scanned..offset].match_indices('\n') {
                line += 1;
                line_start = scanned + i + 1;
            }
            scanned = offset;
            let col = body[line_start..offset].chars().count() + 1;
            let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            LinkSource { address, line: to_u32(line), col: to_u32(col) }
        })
        .collect()
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_address_is_placed_where_it_was_written() {
        let body = "Intro [a](/en/x/) and *see* www.e.org/y.\n\n<p>\n<a class=c\n HREF='/en/%7Ez/'>z</a>\n</p>\n\n![i](pic.png) https://e.org/q?a=1&b=2\n";
        let events: Vec<_> =
            pulldown_cmark::Parser::new_ext(body, super::super::options()).into_offset_iter().collect();
        let found: Vec<(String, u32, u32)> =
            link_sources(&events, body, 5).into_iter().map(|l| (l.address.into_string(), l.line, l.col)).collect();
        assert_eq!(
            found,
            [
                ("/en/x/".to_owned(), 5, 11),
                ("www.e.org/y".to_owned(), 5, 29),
                ("/en/%7Ez/".to_owned(), 9, 8),
                ("pic.png".to_owned(), 12, 6),
                ("https://e.org/q?a=1&b=2".to_owned(), 12, 15),
            ]
        );
    }
}
