//! Raw HTML and links that a statement rarely needs and a pasted snippet often smuggles
//! in: scripts, event handlers, `javascript:` addresses. Warnings, not errors.

use pulldown_cmark::{Event, Tag};

use super::notes::BodyProblem;
use crate::error::Problem;

/// Raw HTML is allowed (staff write it), but scripts, inline event handlers and
/// `javascript:`/`data:` links in it or in Markdown links are worth a warning: they are
/// rarely what a statement needs and often what a pasted snippet smuggles in. The raw HTML
/// is read as a browser reads it ([`crate::html_tags`]), the lines of one HTML block
/// together, so that `HREF=`, `>` in a quoted value, a handler on the next line and
/// `java&Tab;script:` are all seen.
pub(super) fn risky_markup(events: &[(Event<'_>, std::ops::Range<usize>)]) -> Vec<BodyProblem> {
    let warn = |offset, message: String, hint: &str| BodyProblem {
        offset,
        problem: Problem::warning(message).with_hint(hint),
    };
    let mut problems = Vec::new();
    let mut i = 0;
    while i < events.len() {
        match &events[i].0 {
            Event::Html(_) | Event::InlineHtml(_) => {
                let run = HtmlRun::at(events, &mut i);
                for (offset, message, hint) in risky_tags(&run.joined) {
                    problems.push(warn(run.source_offset(offset), message, hint));
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

/// A run of raw HTML events (the lines of one block), joined, with where each came from:
/// a tag may span lines, and must be read whole.
pub(super) struct HtmlRun {
    /// The HTML of the run.
    pub(super) joined: String,
    /// (offset in `joined`, offset in the source) of each event.
    segments: Vec<(usize, usize)>,
}

impl HtmlRun {
    /// The run that starts at `events[*i]`; `*i` moves past it.
    pub(super) fn at(events: &[(Event<'_>, std::ops::Range<usize>)], i: &mut usize) -> Self {
        let mut run = Self { joined: String::new(), segments: Vec::new() };
        while let Some((Event::Html(html) | Event::InlineHtml(html), range)) = events.get(*i) {
            run.segments.push((run.joined.len(), range.start));
            run.joined.push_str(html);
            *i += 1;
        }
        run
    }

    /// The source offset of `offset` in the joined HTML.
    pub(super) fn source_offset(&self, offset: usize) -> usize {
        let (at, start) = self.segments.iter().rev().find(|(at, _)| *at <= offset).copied().unwrap_or_default();
        start + (offset - at)
    }
}

/// The risky things in raw HTML: `(offset of the tag, message, hint)`.
fn risky_tags(html: &str) -> Vec<(usize, String, &'static str)> {
    // SVG animation attributes can set an address too.
    const ANIMATION_ATTRIBUTES: &[&str] = &["values", "to", "from", "by"];
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
            name if matches!(name, "href" | "src")
                || crate::html_tags::ADDRESS_ATTRIBUTES.contains(&name)
                || ANIMATION_ATTRIBUTES.contains(&name) =>
            {
                risky_scheme(value)
            }
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
