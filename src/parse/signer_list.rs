//! A fast path for the usual shape of a statement's `signatories:` list.
//!
//! A large coalition's statement.yaml is mostly its signer list, one id per line, and a
//! YAML parser spends thousands of instructions on each line. When the list is written
//! in the plainest block style, every entry a bare id that YAML can only read as a string,
//! its ids are read here and the parser gets the file with the list emptied in place
//! (`signatories: []` on the key's line, the entries' lines blank), so every other key
//! keeps its line and column. Anything else (late signers as `{ id, since }`, quotes,
//! comments, flow style, odd indentation) leaves the file to the parser, unchanged.

/// The file with its list emptied, and the ids, when the list has the plain shape.
pub fn split(text: &str) -> Option<(String, Vec<String>)> {
    const KEY: &str = "signatories:";
    // The key at the start of a line: of the file, or after a line break.
    let start = if text.starts_with(KEY) { 0 } else { memchr::memmem::find(text.as_bytes(), b"\nsignatories:")? + 1 };
    let key_line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    if !text[start + KEY.len()..key_line_end].trim().is_empty() {
        return None;
    }
    let mut ids = Vec::new();
    let mut indent = None;
    let mut end = (key_line_end + 1).min(text.len());
    for line in text[end..].split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() {
            end += line.len();
            continue;
        }
        let Some(item) = content.trim_start_matches(' ').strip_prefix("- ") else {
            // The next key at the top level ends the list; anything else is not plain.
            if content.starts_with(|c: char| c.is_ascii_alphabetic()) {
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
    Some((emptied, ids))
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
    use super::*;

    /// What a YAML parser makes of a file: the list, and every other key as text.
    fn read(text: &str) -> serde_json::Value {
        serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("{e}: {text:?}"))
    }

    #[test]
    fn a_plain_list_reads_as_the_parser_reads_it_and_other_keys_keep_their_place() {
        for text in [
            "date: 2019-06-27\nsignatories:\n  - org-a\n  - ind_b.c\n\n  - Z9\ntags: [x]\n",
            "signatories:\n- a\n- b",
            "signatories:   \r\n  - a\r\n  - b\r\nimage: x.png\r\n",
        ] {
            let (emptied, ids) = split(text).unwrap_or_else(|| panic!("not split: {text:?}"));
            let mut whole = read(text);
            let list = whole["signatories"].take();
            let expected: Vec<String> = serde_json::from_value(list).unwrap();
            assert_eq!(ids, expected, "{text:?}");
            let mut rest = read(&emptied);
            rest["signatories"] = serde_json::Value::Null;
            assert_eq!(rest, whole, "{text:?}");
            assert_eq!(emptied.split('\n').count(), text.split('\n').count(), "{text:?}");
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
        ] {
            assert!(split(text).is_none(), "{text:?}");
        }
    }
}
