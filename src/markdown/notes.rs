//! The footnote pass: numbers notes by first reference and checks every label.
//!
//! pulldown-cmark leaves definitions where they stand and turns a reference to an
//! undefined note into plain text, so both are handled here. The pass takes the parser's
//! events with their byte ranges and returns the body without definitions, the notes in
//! reading order, and the problems, each with its byte offset in the body.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};
use unicase::UniCase;

use crate::error::Problem;
use crate::hash::HashMap;

/// A note label as pulldown-cmark matches it: Unicode case folding (`ß` is `SS`), through
/// the very type it uses. Labels come from its events with their whitespace already
/// collapsed (a run of spaces, tabs or a line break is one space).
pub type Label = UniCase<String>;

/// A problem found by a pass over a Markdown body, at a byte offset of the body; the
/// caller, which knows the file and the body's first line, places it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyProblem {
    /// Byte offset in the body.
    pub offset: usize,
    /// What is wrong, how badly, and what to do.
    pub problem: Problem,
}

/// The result of the pass.
#[derive(Debug, Clone, Default)]
pub struct NotePass<'a> {
    /// The body without note definitions; references keep their label as written.
    pub body: Vec<Event<'a>>,
    /// Referenced notes, numbered by first reference.
    pub notes: Vec<NoteEvents<'a>>,
    /// Undefined references, duplicate definitions (errors) and unused notes (warnings).
    pub problems: Vec<BodyProblem>,
}

/// A note's events, with its number and how often the body refers to it.
#[derive(Debug, Clone)]
pub struct NoteEvents<'a> {
    /// The label, matched as pulldown-cmark matches it (see [`Label`]).
    pub label: Label,
    /// 1-based number.
    pub number: usize,
    /// How many times the body refers to it.
    pub references: usize,
    /// The note's content.
    pub events: Vec<Event<'a>>,
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

/// Ids of the references to note `number`, in reading order.
pub fn reference_ids(prefix: &str, number: usize, references: usize) -> Vec<String> {
    (1..=references).map(|k| reference_id(prefix, number, k)).collect()
}

/// Runs the pass over `events`, parsed from `source`.
pub fn number_notes<'a>(source: &str, events: Vec<(Event<'a>, Range<usize>)>) -> NotePass<'a> {
    let mut pass = NotePass::default();
    let mut definitions: HashMap<Label, Definition<'a>> = HashMap::default();
    let mut definition_order: Vec<Label> = Vec::new();
    let mut current: Option<(Label, Vec<Event<'a>>, usize)> = None;
    let mut in_code = false;
    // The parser splits text at every `[` and drops the backslash of an escape; a run of
    // neighbouring text events (across such backslashes) is scanned as one span of the source.
    let mut text_run: Option<Range<usize>> = None;
    let neighbours = |run: &Range<usize>, next: &Range<usize>| {
        run.end == next.start || (run.end + 1 == next.start && source.as_bytes()[run.end] == b'\\')
    };

    for (event, range) in events {
        match (&event, &mut text_run) {
            (Event::Text(_), Some(run)) if !in_code && neighbours(run, &range) => run.end = range.end,
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
                current = Some((UniCase::new(label.to_string()), Vec::new(), range.start));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                let Some((label, events, offset)) = current.take() else { continue };
                if let Some(first) = definitions.get(&label) {
                    let line = source[..first.offset].matches('\n').count() + 1;
                    pass.problems.push(BodyProblem {
                        offset,
                        problem: Problem::error(format!("the note `[^{}]` is defined twice", label.as_ref()))
                            .with_hint(format!(
                                "it is first defined on line {line} of the body; remove one or rename it"
                            )),
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
    let labels = |events: &[Event<'_>]| -> Vec<Label> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::FootnoteReference(label) => Some(UniCase::new(label.to_string())),
                _ => None,
            })
            .collect()
    };
    let mut order: Vec<Label> = Vec::new();
    let mut counts: HashMap<Label, usize> = HashMap::default();
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
            pass.problems.push(BodyProblem {
                offset: def.offset,
                problem: Problem::warning(format!("the note `[^{}]` is never referred to", label.as_ref()))
                    .with_hint(format!("refer to it with `[^{}]` in the text, or remove it", label.as_ref())),
            });
        }
    }
    for label in order {
        // The note keeps its label as defined, which its references match.
        if let Some((defined, def)) = definitions.remove_entry(&label) {
            pass.notes.push(NoteEvents {
                number: def.number.unwrap_or_default(),
                references: counts.get(&label).copied().unwrap_or_default(),
                label: defined,
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

/// Finds `[^label]` left as text: pulldown-cmark's sign of a reference to an undefined note.
fn find_undefined_references(source: &str, run: Range<usize>, problems: &mut Vec<BodyProblem>) {
    let (text, base) = (&source[run.clone()], run.start);
    let mut from = 0;
    while let Some(start) = memchr::memmem::find(&text.as_bytes()[from..], b"[^").map(|i| i + from) {
        from = start + 2;
        if source[..base + start].ends_with('\\') {
            continue;
        }
        let Some((len, label)) = scan_label(&text[from..]) else { continue };
        problems.push(BodyProblem {
            offset: base + start,
            problem: Problem::error(format!("the note `[^{label}]` is not defined"))
                .with_hint(format!("add a line `[^{label}]: …` with the note's text at the end of the file")),
        });
        from += len;
    }
}

/// The label of a note reference whose `[^` ends just before `text`, read as pulldown-cmark
/// 0.13 reads it (`scan_link_label_rest`, GFM footnotes): the bytes up to and including the
/// closing `]`, and the label with each run of whitespace that is not one space made one
/// space, trimmed. `None` where it sees no label: an empty one, a `[` or a line break inside,
/// 1,000 characters or more, no `]`.
fn scan_label(text: &str) -> Option<(usize, String)> {
    let bytes = text.as_bytes();
    if bytes.first() == Some(&b']') {
        return None;
    }
    let is_space = |b: u8| (0x09..=0x0d).contains(&b) || b == b' ';
    let (mut i, mut mark, mut codepoints, mut only_space) = (0, 0, 0, true);
    let mut label = String::new();
    loop {
        if codepoints >= 1000 {
            return None;
        }
        match *bytes.get(i)? {
            b'[' => return None,
            b']' => break,
            b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) => {
                i += 2;
                codepoints += 2;
                only_space = false;
            }
            b if is_space(b) => {
                let start = i;
                let mut weight = 0;
                while let Some(&b) = bytes.get(i).filter(|b| is_space(**b)) {
                    if b == b'\n' || b == b'\r' {
                        return None;
                    }
                    weight += if b == b' ' { 1 } else { 2 };
                    i += 1;
                }
                if weight > 1 {
                    label.push_str(&text[mark..start]);
                    label.push(' ');
                    mark = i;
                    codepoints += i - start;
                } else {
                    codepoints += 1;
                }
            }
            b => {
                only_space = false;
                i += 1;
                if b & 0x80 != 0 {
                    codepoints += 1;
                }
            }
        }
    }
    if only_space {
        return None;
    }
    label.push_str(&text[mark..i]);
    Some((i + 1, label.trim_matches([' ', '\t', '\r', '\n']).to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy as _;
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
        assert!(pass.problems[0].problem.is_error());
    }

    #[test]
    fn duplicate_definitions_are_errors_and_unused_ones_warnings() {
        let pass = run("A[^a].\n\n[^a]: One.\n\n[^a]: Two.\n\n[^z]: Unused.\n");
        let problems: Vec<_> =
            pass.problems.iter().map(|p| (p.problem.is_error(), p.problem.message.as_str())).collect();
        assert_eq!(
            problems,
            [(true, "the note `[^a]` is defined twice"), (false, "the note `[^z]` is never referred to")]
        );
    }

    #[test]
    fn references_in_code_are_not_notes() {
        assert!(run("```\nx[^y]\n```\n\n`[^z]`\n").problems.is_empty());
    }

    #[test]
    fn labels_match_with_unicode_case_folding_as_in_pulldown_cmark() {
        for source in [
            "A[^straße].\n\n[^STRASSE]: Note.\n",
            "A[^STRASSE].\n\n[^straße]: Note.\n",
            "A[^ΟΔΟΣ].\n\n[^οδοσ]: Note.\n",
            "A[^\u{212a}elvin].\n\n[^kelvin]: Note.\n",
        ] {
            let pass = run(source);
            assert_eq!(pass.notes.len(), 1, "{source}");
            assert!(pass.problems.is_empty(), "{source}: {:?}", pass.problems);
        }
        let pass = run("A[^straße].\n\n[^STRASSE]: Note.\n");
        assert_eq!(pass.notes[0].label.as_ref(), "STRASSE", "the label as defined");
    }

    #[test]
    fn labels_match_with_whitespace_collapsed_as_in_pulldown_cmark() {
        let pass = run("A[^STRASSE  b] B[^Strasse\tb] C[^ straße b ].\n\n[^straße b]: Note.\n");
        let numbered: Vec<_> = pass.notes.iter().map(|n| (n.label.as_ref(), n.references)).collect();
        assert_eq!(numbered, [("straße b", 3)]);
        assert!(pass.problems.is_empty(), "{:?}", pass.problems);
    }

    #[test]
    fn an_undefined_label_with_spaces_or_escapes_is_reported_as_pulldown_cmark_reads_it() {
        let messages = |source| run(source).problems.into_iter().map(|p| p.problem.message).collect::<Vec<_>>();
        assert_eq!(messages("A[^no  such\tnote]."), ["the note `[^no such note]` is not defined"]);
        assert_eq!(messages("A[^a\\]b]."), ["the note `[^a\\]b]` is not defined"]);
        assert_eq!(messages("A[^a\u{a0}b]."), ["the note `[^a\u{a0}b]` is not defined"]);
        // Not labels for pulldown-cmark: empty, blank, with `[` inside.
        assert!(messages("A[^] B[^  ] C[^a[b]].").is_empty());
    }

    /// Labels over an alphabet of case pairs that Unicode folding joins and lower-casing
    /// does not, and of whitespace, escapes and brackets.
    fn label() -> impl proptest::strategy::Strategy<Value = String> {
        const PIECES: &[&str] = &[
            "s", "S", "ß", "ẞ", "ss", "SS", "k", "K", "\u{212a}", "σ", "ς", "Σ", "i", "I", "İ", "ı", "ǅ", "ǆ", "Ǆ",
            " ", "  ", "\t", "\u{a0}", "\\", "]", "[", "*", "<", "\"",
        ];
        proptest::collection::vec(proptest::sample::select(PIECES), 1..6).prop_map(|p| p.concat())
    }

    proptest::proptest! {
        /// Whatever pulldown-cmark matches, the pass numbers; whatever it leaves as text,
        /// the pass reports: the two never disagree about a label.
        #[test]
        fn the_pass_matches_labels_exactly_as_pulldown_cmark_does(cited in label(), defined in label()) {
            let source = format!("A[^{cited}].\n\n[^{defined}]: Note.\n");
            let events: Vec<_> = Parser::new_ext(&source, Options::ENABLE_FOOTNOTES).into_offset_iter().collect();
            let referenced = events.iter().any(|(e, _)| matches!(e, Event::FootnoteReference(_)));
            let pass = number_notes(&source, events);
            let errors: Vec<_> = pass.problems.iter().filter(|p| p.problem.is_error()).collect();
            if referenced {
                proptest::prop_assert_eq!(pass.notes.len(), 1, "{:?}", source);
                proptest::prop_assert!(errors.is_empty(), "{:?}: {:?}", source, errors);
                let (body, _) = crate::markdown::writer::write_document("st", pass.body, pass.notes);
                let html = body.filled(&crate::markdown::Fill::page("", ""));
                proptest::prop_assert!(html.contains("doc-noteref"), "{:?}: {}", source, html);
            } else {
                proptest::prop_assert!(pass.notes.is_empty(), "{:?}", source);
                // A whole label left as text is reported (emphasis would split the text).
                let whole = scan_label(&format!("{cited}]")).is_some_and(|(len, _)| len == cited.len() + 1);
                if whole && !cited.contains('*') {
                    proptest::prop_assert!(
                        errors.iter().any(|p| p.problem.message.ends_with("is not defined")),
                        "{:?}: {:?}", source, pass.problems
                    );
                }
            }
        }
    }
}
