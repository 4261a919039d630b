//! The one door to YAML: strict reading with located errors.
//!
//! serde-saphyr is used with YAML 1.2 booleans only (`country: NO` stays Norway) and
//! duplicate keys refused. Errors come back as diagnostics in the coordinates of the whole
//! file, so a front matter block reports the line a person sees in their editor.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_saphyr::Spanned;

use crate::error::{Diagnostic, Problem, SourceLocation};

/// Reads `text` (which starts on line `first_line` of `path`) as a `T`.
pub fn from_yaml<T: DeserializeOwned>(path: &Path, text: &str, first_line: usize) -> Result<T, Diagnostic> {
    // The default budget caps nodes and events at counts a registry of some 16,000
    // bilingual entries exceeds. Both are bounded by the file's size anyway (an alias is
    // one event; what aliases expand to keeps its own, default, caps), so the caps grow
    // with the text: a large file is read, and alias bombs are still refused.
    let budget = serde_saphyr::budget! {
        max_nodes: 250_000 + text.len(),
        max_events: 1_000_000 + 2 * text.len(),
    };
    let options = serde_saphyr::options! {
        budget: budget,
        strict_booleans: true,
        with_snippet: false,
    };
    serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let message = clean_message(&e.to_string());
        let (line, col) = match text.find('\t') {
            // The parser reports where the scalar before the tab began; people need the tab.
            Some(tab) if message.contains("tab") => {
                let at = SourceLocation::at_offset(path, text, tab, 1);
                (at.line, at.col)
            }
            _ => e.location().map_or((1, 1), |l| (l.line() as usize, l.column() as usize)),
        };
        let location = SourceLocation::new(path, line.max(1) + first_line - 1, col.max(1));
        let odd_space = text.lines().nth(line.max(1) - 1).and_then(leading_odd_space);
        let problem = match odd_space {
            Some(space) => Problem::error(format!(
                "an invisible space (U+{:04X}) where YAML expects an ordinary space",
                u32::from(space)
            ))
            .with_hint(
                "YAML reads only ordinary spaces as spaces: replace it with one, or delete the line if it is blank",
            ),
            None => describe(message),
        };
        problem.at(location)
    })
}

/// A space other than the ASCII one (a non-breaking space, U+2000–U+200A, U+3000, a
/// byte-order mark) among the blanks that open `line`: it looks like indentation, and YAML
/// reads it as text.
fn leading_odd_space(line: &str) -> Option<char> {
    line.chars()
        .take_while(|c| c.is_whitespace() || *c == '\u{feff}')
        .find(|c| !c.is_ascii() && (c.is_whitespace() || *c == '\u{feff}'))
}

/// Where a spanned YAML value was written, in whole-file coordinates.
pub fn location_of<T>(path: &Path, value: &Spanned<T>, first_line: usize) -> SourceLocation {
    let l = value.referenced;
    SourceLocation::new(path, (l.line() as usize).max(1) + first_line - 1, (l.column() as usize).max(1))
}

/// serde-saphyr appends " at line L, column C"; we print the location ourselves.
fn clean_message(message: &str) -> String {
    let message = message.lines().next().unwrap_or(message);
    let message = match message.rfind(" at line ") {
        Some(i) if message[i..].contains(", column ") => &message[..i],
        _ => message,
    };
    message.replace(", set DuplicateKeyPolicy in Options if acceptable", "")
}

/// The YAML reader's message as a problem: the messages people meet most in their words,
/// with a hint.
fn describe(m: String) -> Problem {
    if m.starts_with("budget breached: Depth") {
        Problem::error("the YAML is nested too deeply".to_owned())
            .with_hint("no value of ours needs more than a few levels of lists and maps")
    } else if m.starts_with("budget breached") {
        // Aliases (`*a`) repeating what they name, mostly; or thousands of `---` documents.
        Problem::error("this YAML is too large or repeats too much to be read".to_owned())
            .with_hint("if it uses `*alias`, write the values out instead")
    } else if m.contains("tab") {
        Problem::error("a tab character where YAML expects spaces".to_owned())
            .with_hint("indent with spaces; YAML does not allow tabs")
    } else if let Some(rest) = m.strip_prefix("unknown field `") {
        let unknown = rest.split('`').next().unwrap_or_default();
        let expected = m.split("expected one of ").nth(1).or_else(|| m.split("expected ").nth(1));
        let known: Vec<&str> =
            expected.map(|e| e.split(',').map(|k| k.trim().trim_matches('`')).collect()).unwrap_or_default();
        let message = format!("unknown key `{unknown}`");
        let hint = match closest(unknown, &known) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("the keys allowed here are: {}", known.join(", ")),
        };
        Problem::error(message).with_hint(hint)
    } else if m.starts_with("duplicate mapping key") {
        Problem::error(m).with_hint("each key may appear once; remove or merge the repeated one")
    } else if m.contains("unclosed quote") {
        Problem::error(m).with_hint("a quoted value needs its closing quote on the same line")
    } else if let Some(rest) = m.strip_prefix("unknown variant `") {
        let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let expected = expected.trim_start_matches(", expected one of ").trim_start_matches(", expected ");
        Problem::error(format!("`{value}` is not one of the allowed values"))
            .with_hint(format!("write one of: {expected}"))
    } else if let Some(rest) = m.strip_prefix("missing field `") {
        let key = rest.trim_end_matches('`');
        Problem::error(format!("the key `{key}` is missing"))
    } else if let Some((found, expected)) =
        m.strip_prefix("invalid type: ").and_then(|rest| rest.split_once(", expected "))
    {
        let found = match found {
            "sequence" => "a list",
            "map" => "a map",
            "unit value" => "an empty value",
            other => other,
        };
        Problem::error(format!("expected {expected} here, not {found}"))
    } else if m.starts_with("cannot deserialize null into string") {
        Problem::error("expected a text here, but the value is empty".to_owned())
            .with_hint("write the text after the colon, or remove the key if it is optional")
    } else if m.starts_with("expected mapping start") {
        Problem::error("expected keys and values here (`key: value`)".to_owned())
    } else if m.starts_with("simple key expected ':'") {
        Problem::error("expected a colon after this key".to_owned())
            .with_hint("write `key: value`; a line that continues a text must be indented under it")
    } else if m.starts_with("invalid trailing content after") {
        Problem::error("text after the closing quote".to_owned()).with_hint("put the whole value inside the quotes")
    } else if m.starts_with("expected string scalar") {
        Problem::error("expected a text here".to_owned())
            .with_hint("write a single value; put it in double quotes if it starts with [ or {")
    } else if m.starts_with("expected sequence start") {
        Problem::error("expected a list here".to_owned()).with_hint("write a list: one `- item` per line, or [a, b]")
    } else if m.contains("did not find expected key") || m.contains("mapping values are not allowed") {
        Problem::error(m).with_hint("check the indentation of this line and the line before it")
    } else if m.contains("invalid boolean") {
        Problem::error("expected `true` or `false`".to_owned())
            .with_hint("YAML 1.2 booleans are only true and false (not yes/no/on/off)")
    } else {
        Problem::error(m)
    }
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3) && *d < c.len())
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        title: String,
        country: Option<String>,
        draft: Option<bool>,
    }

    fn err(text: &str) -> Diagnostic {
        from_yaml::<Sample>(Path::new("f.yaml"), text, 1).unwrap_err()
    }

    #[test]
    fn norway_stays_norway() {
        let s: Sample = from_yaml(Path::new("f.yaml"), "title: x\ncountry: NO\n", 1).unwrap();
        assert_eq!(s.country.as_deref(), Some("NO"));
    }

    #[test]
    fn an_unknown_key_suggests_the_close_one() {
        let d = err("title: x\ncountyr: MX\n");
        assert_eq!(d.to_string(), "f.yaml:2:1: error: unknown key `countyr`\n  = help: did you mean `country`?");
    }

    #[test]
    fn lines_count_from_the_start_of_the_file() {
        let d = from_yaml::<Sample>(Path::new("f.md"), "title: 'x\n", 2).unwrap_err();
        assert_eq!(d.location.to_string(), "f.md:2:8");
        assert_contains!(d.message, "unclosed quote");
    }

    #[test]
    fn a_large_file_is_read_and_an_alias_bomb_is_refused() {
        #[derive(Debug, serde::Deserialize)]
        struct Entry {
            #[allow(dead_code)]
            id: String,
        }
        // 100,000 entries are 300,000 nodes, beyond the parser's default cap.
        let big: String = (0..100_000).map(|i| format!("- {{ id: e{i} }}\n")).collect();
        let entries: Vec<Entry> = from_yaml(Path::new("big.yaml"), &big, 1).expect("a large file is read");
        assert_eq!(entries.len(), 100_000);
        // Each level repeats the one before nine times: 9^9 strings from 1 KiB of text.
        let mut bomb = "a0: &a0 [lol]\n".to_owned();
        for level in 1..10 {
            let previous = format!("*a{}", level - 1);
            bomb += &format!("a{level}: &a{level} [{}]\n", vec![previous; 9].join(", "));
        }
        let d = from_yaml::<std::collections::BTreeMap<String, serde_json::Value>>(Path::new("b.yaml"), &bomb, 1)
            .unwrap_err();
        assert_contains!(d.message, "repeats too much");
        assert!(d.hint.as_deref().is_some_and(|h| h.contains("alias")), "{d}");
        let deep = format!("{}x{}", "[".repeat(100), "]".repeat(100));
        let d = from_yaml::<serde_json::Value>(Path::new("d.yaml"), &deep, 1).unwrap_err();
        assert_contains!(d.message, "nested too deeply");
    }

    #[test]
    fn common_slips_are_told_in_plain_words() {
        for (text, expected) in [
            ("title:\n", "f.yaml:1:6: error: expected a text here, but the value is empty"),
            ("[a]\n", "f.yaml:1:1: error: expected keys and values here (`key: value`)"),
            ("title: x\nstray\ndraft: true\n", "f.yaml:2:1: error: expected a colon after this key"),
            ("title: \"a\" b\n", "f.yaml:1:12: error: text after the closing quote"),
        ] {
            let d = err(text);
            assert_eq!(d.to_string().lines().next(), Some(expected), "{text:?}");
            assert!(d.hint.is_some() || expected.contains("keys and values"), "{text:?} has no hint");
        }
    }

    #[test]
    fn duplicate_keys_and_yes_are_refused() {
        assert!(err("title: a\ntitle: b\n").message.starts_with("duplicate mapping key"));
        assert_eq!(err("title: a\ndraft: yes\n").location.line, 2);
    }
}
