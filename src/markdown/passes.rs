//! Passes over pulldown-cmark events, each a pure function: neighbouring text joined,
//! heading ids, and links made of bare addresses.

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use crate::hash::HashSet;

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
pub(super) fn find_url(text: &str) -> Option<(usize, usize)> {
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
