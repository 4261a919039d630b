//! The footnote pass: numbers notes by first reference and checks every label.
//!
//! pulldown-cmark leaves definitions where they stand and turns a reference to an
//! undefined note into plain text, so both are handled here. The pass takes the parser's
//! events with their byte ranges and returns the body without definitions, the notes in
//! reading order, and the problems, each with its byte offset in the body.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::hash::HashMap;
use crate::render::html::NoteEvents;

/// A problem found by the pass, at a byte offset of the Markdown body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteProblem {
    /// Byte offset in the body.
    pub offset: usize,
    /// Whether it fails the build.
    pub is_error: bool,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub hint: Option<String>,
}

/// The result of the pass.
#[derive(Debug, Clone, Default)]
pub struct NotePass<'a> {
    /// The body without note definitions; references keep their normalised label.
    pub body: Vec<Event<'a>>,
    /// Referenced notes, numbered by first reference.
    pub notes: Vec<NoteEvents<'a>>,
    /// Undefined references, duplicate definitions (errors) and unused notes (warnings).
    pub problems: Vec<NoteProblem>,
}

/// Runs the pass over `events`, parsed from `source`.
pub fn number_notes<'a>(source: &str, events: Vec<(Event<'a>, Range<usize>)>) -> NotePass<'a> {
    let mut pass = NotePass::default();
    let mut definitions: HashMap<String, Definition<'a>> = HashMap::default();
    let mut definition_order: Vec<String> = Vec::new();
    let mut current: Option<(String, Vec<Event<'a>>, usize)> = None;
    let mut in_code = false;
    // The parser splits text at every `[`; a run of neighbouring text events is scanned
    // as one span of the source.
    let mut text_run: Option<Range<usize>> = None;

    for (event, range) in events {
        match (&event, &mut text_run) {
            (Event::Text(_), Some(run)) if !in_code && run.end == range.start => run.end = range.end,
            (Event::Text(_), _) if !in_code => {
                if let Some(run) = text_run.replace(range.clone()) {
                    find_undefined_references(source, run.clone(), &mut pass.problems);
                }
            }
            (_, run) => {
                if let Some(run) = run.take() {
                    find_undefined_references(source, run.clone(), &mut pass.problems);
                }
            }
        }
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                current = Some((normalise(&label), Vec::new(), range.start));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                let Some((label, events, offset)) = current.take() else { continue };
                if let Some(first) = definitions.get(&label) {
                    let line = source[..first.offset].matches('\n').count() + 1;
                    pass.problems.push(NoteProblem {
                        offset,
                        is_error: true,
                        message: format!("the note `[^{label}]` is defined twice"),
                        hint: Some(format!("it is first defined on line {line} of the body; remove one or rename it")),
                    });
                } else {
                    definition_order.push(label.clone());
                    definitions.insert(label, Definition { events, offset, number: None });
                }
            }
            event => {
                match &event {
                    Event::Start(Tag::CodeBlock(_)) => in_code = true,
                    Event::End(TagEnd::CodeBlock) => in_code = false,
                    _ => {}
                }
                let event = match event {
                    Event::FootnoteReference(label) => Event::FootnoteReference(normalise(&label).into()),
                    other => other,
                };
                match &mut current {
                    Some((_, events, _)) => events.push(event),
                    None => pass.body.push(event),
                }
            }
        }
    }

    if let Some(run) = text_run {
        find_undefined_references(source, run.clone(), &mut pass.problems);
    }

    // Number by first reference: in the body first, then inside notes (notes citing notes),
    // each note's references read when its turn comes (first numbered, first read).
    let labels = |events: &[Event<'_>]| -> Vec<String> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::FootnoteReference(label) => Some(label.to_string()),
                _ => None,
            })
            .collect()
    };
    let mut order: Vec<String> = Vec::new();
    let mut counts: HashMap<String, usize> = HashMap::default();
    let mut queue = std::collections::VecDeque::from([labels(&pass.body)]);
    while let Some(references) = queue.pop_front() {
        for label in references {
            *counts.entry(label.clone()).or_default() += 1;
            if let Some(def) = definitions.get_mut(&label)
                && def.number.is_none()
            {
                def.number = Some(order.len() + 1);
                queue.push_back(labels(&def.events));
                order.push(label);
            }
        }
    }

    for label in &definition_order {
        let def = &definitions[label];
        if def.number.is_none() {
            pass.problems.push(NoteProblem {
                offset: def.offset,
                is_error: false,
                message: format!("the note `[^{label}]` is never referred to"),
                hint: Some(format!("refer to it with `[^{label}]` in the text, or remove it")),
            });
        }
    }
    for label in order {
        if let Some(def) = definitions.remove(&label) {
            pass.notes.push(NoteEvents {
                number: def.number.unwrap_or_default(),
                references: counts.get(&label).copied().unwrap_or_default(),
                label,
                events: def.events,
            });
        }
    }
    pass.problems.sort_by_key(|p| p.offset);
    pass
}

struct Definition<'a> {
    events: Vec<Event<'a>>,
    offset: usize,
    number: Option<usize>,
}

/// Labels match case-insensitively, as in pulldown-cmark.
fn normalise(label: &str) -> String {
    label.to_lowercase()
}

/// Finds `[^label]` left as text: pulldown-cmark's sign of a reference to an undefined note.
fn find_undefined_references(source: &str, run: Range<usize>, problems: &mut Vec<NoteProblem>) {
    let (text, base) = (&source[run.clone()], run.start);
    let mut from = 0;
    while let Some(start) = memchr::memmem::find(&text.as_bytes()[from..], b"[^").map(|i| i + from) {
        from = start + 2;
        if source[..base + start].ends_with('\\') {
            continue;
        }
        let Some(len) = text[from..].find(']') else { break };
        let label = &text[from..from + len];
        if label.is_empty() || label.chars().any(char::is_whitespace) || label.contains('[') {
            continue;
        }
        problems.push(NoteProblem {
            offset: base + start,
            is_error: true,
            message: format!("the note `[^{label}]` is not defined"),
            hint: Some(format!("add a line `[^{label}]: …` with the note's text at the end of the file")),
        });
        from += len + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn run(source: &str) -> NotePass<'_> {
        let events = Parser::new_ext(source, Options::ENABLE_FOOTNOTES).into_offset_iter().collect();
        number_notes(source, events)
    }

    #[test]
    fn notes_are_numbered_by_first_reference_and_counted() {
        let pass = run("A[^b] B[^a] C[^B].\n\n[^a]: First defined.\n\n[^b]: Second defined.\n");
        let numbered: Vec<_> = pass.notes.iter().map(|n| (n.label.as_str(), n.number, n.references)).collect();
        assert_eq!(numbered, [("b", 1, 2), ("a", 2, 1)]);
        assert!(pass.problems.is_empty(), "{:?}", pass.problems);
        assert!(!pass.body.iter().any(|e| matches!(e, Event::Start(Tag::FootnoteDefinition(_)))));
    }

    #[test]
    fn notes_cited_by_notes_are_numbered_after_the_body_s_in_reading_order() {
        let pass =
            run("A[^a] B[^d].\n\n[^a]: See[^c] and [^b].\n\n[^b]: B[^c].\n\n[^c]: C.\n\n[^d]: D[^e].\n\n[^e]: E.\n");
        let numbered: Vec<_> = pass.notes.iter().map(|n| (n.label.as_str(), n.number, n.references)).collect();
        assert_eq!(numbered, [("a", 1, 1), ("d", 2, 1), ("c", 3, 2), ("b", 4, 1), ("e", 5, 1)]);
    }

    #[test]
    fn an_undefined_reference_is_an_error_at_its_offset() {
        let source = "Text[^missing] and \\[^escaped].\n";
        let pass = run(source);
        assert_eq!(pass.problems.len(), 1, "{:?}", pass.problems);
        assert_eq!(pass.problems[0].offset, 4);
        assert!(pass.problems[0].is_error);
    }

    #[test]
    fn duplicate_definitions_are_errors_and_unused_ones_warnings() {
        let pass = run("A[^a].\n\n[^a]: One.\n\n[^a]: Two.\n\n[^z]: Unused.\n");
        let problems: Vec<_> = pass.problems.iter().map(|p| (p.is_error, p.message.as_str())).collect();
        assert_eq!(
            problems,
            [(true, "the note `[^a]` is defined twice"), (false, "the note `[^z]` is never referred to")]
        );
    }

    #[test]
    fn references_in_code_are_not_notes() {
        assert!(run("```\nx[^y]\n```\n\n`[^z]`\n").problems.is_empty());
    }
}
