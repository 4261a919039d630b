//! A fast path for the usual shape of a statement's `signatories:` list.
//!
//! A large coalition's statement.yaml is mostly its signer list, one id per line, and a
//! YAML parser spends thousands of instructions on each line. When the list is written
//! in the plainest block style, every entry a bare id that YAML can only read as a string,
//! its ids are read here and the parser gets the file with the list emptied in place
//! (`signatories: []` on the key's line, the entries' lines blank), so every other key
//! keeps its line and column.
//!
//! The path does not imitate YAML: it takes only lines it is sure of and leaves anything
//! else to the parser, unchanged. Those are the key line with nothing after the colon but
//! ASCII spaces; entries `- id` at one indentation; lines of ASCII spaces only; and after
//! the list, the end of the file or a line that starts with `name:`. A non-breaking or
//! other Unicode space, a tab, a comment, quotes, late signers as `{ id, since }`, flow
//! style or a lone carriage return: the parser reads the whole file. And since a line
//! `signatories:` is not a key inside a quoted text that goes on at column 0, the parser,
//! reading the emptied file, must find the emptied list where this path left it
//! ([`read`]); otherwise the whole file is read again by the parser.

use serde_saphyr::Location;

/// What the parser reads a statement.yaml into: where it found the list, and the ids put in.
pub trait SignerList {
    /// Where the parser found the `signatories` list.
    fn list_at(&self) -> &Location;
    /// Puts the ids read by the fast path in place of the emptied list.
    fn set_ids(&mut self, ids: Vec<String>);
}

/// Reads `text` with `parse`, the plain list read here: `parse` reads the emptied file,
/// and the ids go in. Anything unusual, a parse error included (so that it is reported as
/// in the whole file), and `parse` reads the whole `text`.
pub fn read<T: SignerList, E>(text: &str, parse: impl Fn(&str) -> Result<T, E>) -> Result<T, E> {
    if let Some(plain) = split(text)
        && let Ok(mut value) = parse(&plain.emptied)
        && plain.is_confirmed_by(value.list_at())
    {
        value.set_ids(plain.ids);
        return Ok(value);
    }
    parse(text)
}

/// A plain signer list, read here, and the file for the parser.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PlainList {
    /// The file with the list emptied in place: same lines, same columns elsewhere.
    emptied: String,
    /// The ids, in order.
    ids: Vec<String>,
    /// The 1-based line of `signatories: []` in `emptied`.
    line: u64,
}

impl PlainList {
    /// Whether the parser, reading `emptied`, found the list at `at`, where this path left
    /// it: then the key was a key of the file's top mapping.
    fn is_confirmed_by(&self, at: &Location) -> bool {
        // `[]` follows `signatories: `, 13 characters.
        at.line() == self.line && at.column() == 14
    }
}

/// The file with its list emptied, and the ids, when the list has the plain shape.
fn split(text: &str) -> Option<PlainList> {
    const KEY: &str = "signatories:";
    // The key at the start of a line: of the file, or after a line break.
    let start = if text.starts_with(KEY) { 0 } else { memchr::memmem::find(text.as_bytes(), b"\nsignatories:")? + 1 };
    let key_line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    if !only_spaces(line_content(&text[start + KEY.len()..key_line_end])?) {
        return None;
    }
    let mut ids = Vec::new();
    let mut indent = None;
    let mut end = (key_line_end + 1).min(text.len());
    for line in text[end..].split_inclusive('\n') {
        let content = line_content(line)?;
        if only_spaces(content) {
            end += line.len();
            continue;
        }
        let Some(item) = content.trim_start_matches(' ').strip_prefix("- ") else {
            // The next key at the top level ends the list; anything else is not plain.
            if is_key_line(content) {
                break;
            }
            return None;
        };
        let this_indent = content.len() - content.trim_start_matches(' ').len();
        if *indent.get_or_insert(this_indent) != this_indent {
            return None;
        }
        let id = item.trim_end_matches(' ');
        if !is_plain_string(id) {
            return None;
        }
        ids.push(id.to_owned());
        end += line.len();
    }
    // An empty list is YAML's null, which the parser refuses where a list is expected.
    if ids.is_empty() {
        return None;
    }
    // Lines after the list keep their numbers: each entry's line stays, blank.
    let mut emptied = String::with_capacity(text.len());
    emptied.push_str(&text[..start]);
    emptied.push_str("signatories: []");
    emptied.extend(text[key_line_end..end].matches('\n'));
    emptied.push_str(&text[end..]);
    let line = 1 + text[..start].matches('\n').count() as u64;
    Some(PlainList { emptied, ids, line })
}

/// A line without its line break (`\n` or `\r\n`); `None` if a carriage return is left,
/// a line break of its own to YAML.
fn line_content(line: &str) -> Option<&str> {
    let content = line.strip_suffix('\n').unwrap_or(line);
    let content = content.strip_suffix('\r').unwrap_or(content);
    (!content.contains('\r')).then_some(content)
}

/// Only ASCII spaces (or nothing): a blank line to YAML. Tabs and Unicode spaces are not
/// taken, since YAML reads some of them as text.
fn only_spaces(content: &str) -> bool {
    content.bytes().all(|b| b == b' ')
}

/// `name:` at the start of the line, then a space or the end of the line: a key of the
/// file's top mapping, which ends the list.
fn is_key_line(content: &str) -> bool {
    let name_end =
        content.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(content.len());
    content.starts_with(|c: char| c.is_ascii_alphabetic())
        && content[name_end..].strip_prefix(':').is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
}

/// Whether YAML reads `id`, written bare, as this very string: letters, digits and
/// `-_.` only, starting with a letter (so never a number), and no word that a YAML
/// schema reads as a boolean or null.
fn is_plain_string(id: &str) -> bool {
    const SPECIAL: [&str; 9] = ["null", "true", "false", "yes", "no", "on", "off", "y", "n"];
    id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !SPECIAL.iter().any(|s| id.eq_ignore_ascii_case(s))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use proptest::strategy::Strategy as _;
    use serde_saphyr::Spanned;

    use super::*;

    /// A file as read for the test: all of it as JSON, and where the list was found.
    #[derive(Debug)]
    struct Read {
        value: serde_json::Value,
        at: Location,
    }

    impl SignerList for Read {
        fn list_at(&self) -> &Location {
            &self.at
        }

        fn set_ids(&mut self, ids: Vec<String>) {
            self.value["signatories"] = ids.into();
        }
    }

    /// The plain way: what the parser, as the build calls it, makes of `text`.
    fn parse(text: &str) -> Result<Read, String> {
        #[derive(serde::Deserialize)]
        struct Probe {
            #[serde(default)]
            signatories: Option<Spanned<serde::de::IgnoredAny>>,
        }
        use crate::yaml::from_yaml;
        let path = Path::new("statement.yaml");
        let value: serde_json::Value = from_yaml(path, text, 1).map_err(|d| d.to_string())?;
        let probe: Option<Probe> = from_yaml(path, text, 1).ok();
        let at = probe.and_then(|p| p.signatories).map_or(Location::UNKNOWN, |s| s.referenced);
        Ok(Read { value, at })
    }

    /// Whether the fast way reads `text` exactly as the plain way does.
    fn same(text: &str) -> Result<(), String> {
        let (fast, plain) = (read(text, parse), parse(text));
        match (&fast, &plain) {
            (Ok(f), Ok(p)) if f.value == p.value => Ok(()),
            (Err(f), Err(p)) if f == p => Ok(()),
            _ => Err(format!("{text:?}\n  fast:  {fast:?}\n  plain: {plain:?}")),
        }
    }

    #[test]
    fn a_plain_list_reads_as_the_parser_reads_it_and_other_keys_keep_their_place() {
        for text in [
            "date: 2019-06-27\nsignatories:\n  - org-a\n  - ind_b.c\n\n  - Z9\ntags: [x]\n",
            "signatories:\n- a\n- b",
            "signatories:   \r\n  - a\r\n  - b\r\nimage: x.png\r\n",
        ] {
            let plain = split(text).unwrap_or_else(|| panic!("not split: {text:?}"));
            same(text).unwrap();
            let mut whole = parse(text).unwrap().value;
            let list = whole["signatories"].take();
            assert_eq!(plain.ids, serde_json::from_value::<Vec<String>>(list).unwrap(), "{text:?}");
            let rest = parse(&plain.emptied).unwrap();
            assert!(plain.is_confirmed_by(&rest.at), "{text:?}");
            let mut rest = rest.value;
            rest["signatories"] = serde_json::Value::Null;
            assert_eq!(rest, whole, "{text:?}");
            assert_eq!(plain.emptied.split('\n').count(), text.split('\n').count(), "{text:?}");
        }
    }

    #[test]
    fn anything_else_is_left_to_the_parser() {
        for text in [
            "signatories:\n  - a\n  - { id: b, since: 2019-07-01 }\n",
            "signatories:\n  - 'a'\n",
            "signatories:\n  - a # comment\n",
            "signatories:\n  - a\n   - b\n",
            "signatories:\n  - a\n    b\n",
            "signatories:\n  - 123\n",
            "signatories:\n  - true\n",
            "signatories:\n  - No\n",
            "signatories:\n  - 1e3\n",
            "signatories:\n\t- a\n",
            "signatories: [a, b]\n",
            "signatories: # the list\n  - a\n",
            "sign_on:\n  signatories:\n    - a\n",
            "signatories:\n  - a\n# a comment\n  - b\n",
            "date: 2019-06-27\nsignatories:\n",
            "signatories:\n\ntags: [x]\n",
            // Unicode spaces and tabs, which YAML reads as text or refuses.
            "signatories:\n  - a\n\u{a0}\n  - b\n",
            "signatories:\n  - a\n  \u{a0}\n  - b\n",
            "signatories:\u{a0}\n  - a\n",
            "signatories:\n  - a\n\u{3000}\n",
            "signatories:\n  - a\n\u{feff}\n",
            "signatories:\n  - a\n\t\n  - b\n",
            "signatories:\t\n  - a\n",
            // A lone carriage return is a line break to YAML.
            "signatories:\n  - a\r  - b\n",
            // After the list, a line that is not a `key:`.
            "signatories:\n  - a\nb\n",
            "signatories:\n  - a\n\"x\": 1\n",
            "signatories:\n  - a\n---\n",
        ] {
            assert!(split(text).is_none(), "{text:?}");
            same(text).unwrap();
        }
    }

    #[test]
    fn a_key_inside_a_quoted_text_that_goes_on_at_column_0_is_not_the_list() {
        for text in [
            "summary: \"We\nsignatories:\n  - a\ntitle: \"\n",
            "summary: 'We\nsignatories:\n  - a\ntitle: '\n",
            "tags: [x,\nsignatories:\n  - a\nb: c]\n",
        ] {
            let plain = split(text).unwrap_or_else(|| panic!("not split: {text:?}"));
            let confirmed = parse(&plain.emptied).is_ok_and(|rest| plain.is_confirmed_by(&rest.at));
            assert!(!confirmed, "{text:?}");
            same(text).unwrap();
        }
    }

    /// A statement.yaml: lines before the list (quoted, flow and block texts that go on
    /// over lines among them), a key line, entries and blank-looking lines (Unicode spaces,
    /// tabs, multi-line quoted entries), and lines after (some closing a text opened
    /// before); each line ended by `\n`, `\r\n` or a lone `\r`.
    fn statement_yaml() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::collection::vec;
        use proptest::prop_oneof;
        use proptest::sample::select;
        use proptest::strategy::Just;
        const BEFORE: &[&str] = &[
            "date: 2019-06-27",
            "summary: \"We",
            "summary: 'We",
            "tags: [x,",
            "summary: >",
            "title: |",
            "# note",
            "",
            "summary: plain",
            "signatories:",
        ];
        const ODD_KEY: &[&str] = &["signatories:  ", "signatories:\u{a0}", "signatories:\t", "signatories: # list"];
        const ENTRY: &[&str] = &["  - a", "  - org-b", "  - c.d_e", "", "  "];
        const ODD_ENTRY: &[&str] = &[
            "- f",
            "    - g",
            "  - 'h'",
            "  - \"i\"",
            "  - yes",
            "  - { id: j, since: 2019-07-01 }",
            "  - k # note",
            "  - \"l",
            "  m\"",
            "  - 'n",
            "o'",
            "  - p\u{a0}",
            "\u{a0}",
            "  \u{a0}",
            "\u{2000}",
            "\u{2005}",
            "\u{200a}",
            "\u{3000}",
            "\u{feff}",
            "\t",
            " \t ",
            "  - q\t",
        ];
        const AFTER: &[&str] = &["title: \"", "title: '", "image: x\"", "tags: [x]", "image: x.png", "y]"];
        const ODD_AFTER: &[&str] = &["  continued", "more words", "\"", "---", "", "\u{a0}", "title:\u{a0}x"];
        let end = || prop_oneof![6 => Just("\n"), 1 => Just("\r\n"), 1 => Just("\r")];
        let line = |pieces: proptest::sample::Select<&'static str>| (pieces, end());
        let key = prop_oneof![4 => Just("signatories:"), 1 => select(ODD_KEY)];
        let entry = prop_oneof![4 => select(ENTRY), 1 => select(ODD_ENTRY)];
        let after = prop_oneof![3 => select(AFTER), 1 => select(ODD_AFTER)];
        (vec(line(select(BEFORE)), 0..3), (key, end()), vec((entry, end()), 0..6), vec((after, end()), 0..3)).prop_map(
            |(before, key, entries, after)| {
                let all = before.into_iter().chain([key]).chain(entries).chain(after);
                all.flat_map(|(line, end)| [line, end]).collect()
            },
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(2000))]

        /// Whatever the fast path takes, it reads as the parser does.
        #[test]
        fn the_fast_path_reads_what_the_parser_reads(text in statement_yaml()) {
            if let Err(difference) = same(&text) {
                proptest::prop_assert!(false, "{}", difference);
            }
        }
    }
}
