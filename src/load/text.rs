//! File bytes → the text the stages read: UTF-8 without a BOM, LF line ends, and no
//! control character that feeds and pages cannot carry.

use std::path::Path;

use crate::error::{Diagnostic, SourceLocation};

/// Decodes a file's bytes as the stages expect text: UTF-8, no BOM, LF line ends.
pub fn decode_text(path: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // The valid prefix is UTF-8 by construction, so this cannot fail.
        let prefix = std::str::from_utf8(valid).unwrap_or_default();
        let at = SourceLocation::at_offset(path, prefix, prefix.len(), 1);
        Diagnostic::error(at, "the file is not valid UTF-8 text")
            .with_hint("save it as UTF-8 (in most editors: \"Save with encoding\" → UTF-8)")
    })?;
    let text = text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text);
    Ok(if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text })
}

/// Whether XML 1.0 and HTML refuse `c` in text: control characters other than tab and
/// line end (word processors paste U+000B for a line break), and U+FFFE and U+FFFF.
fn is_control_character(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
}

/// The offset of the first [control character](is_control_character) of UTF-8 `bytes`.
/// Blocks of 64 bytes are first screened for bytes that can start one, without branching
/// (so the compiler can use vector instructions); only a block with such a byte is looked
/// at byte by byte, where a lead byte is never mistaken for a continuation byte.
fn first_control_character(bytes: &[u8]) -> Option<usize> {
    const BLOCK: usize = 64;
    let may_start = |b: u8| (b < 0x20) & (b != b'\t') & (b != b'\n') | (b == 0x7f) | (b == 0xc2) | (b == 0xef);
    let starts_one = |i: usize| match bytes[i] {
        b'\t' | b'\n' => false,
        0..0x20 | 0x7f => true,
        0xc2 => matches!(bytes.get(i + 1), Some(0x80..=0x9f)),
        0xef => bytes.get(i + 1) == Some(&0xbf) && matches!(bytes.get(i + 2), Some(0xbe | 0xbf)),
        _ => false,
    };
    bytes
        .chunks(BLOCK)
        .enumerate()
        .filter(|(_, block)| block.iter().fold(false, |seen, &b| seen | may_start(b)))
        .find_map(|(n, block)| (n * BLOCK..n * BLOCK + block.len()).find(|&i| starts_one(i)))
}

/// The text with every control character that feeds and pages cannot carry read as a
/// space (one space each, so every other character keeps its column), and a warning at
/// the first of them. One invisible character must not make a whole feed unreadable, and
/// must not stop a build either.
pub(super) fn without_control_characters(path: &Path, text: String) -> (String, Option<Diagnostic>) {
    // Most files have none, and are neither decoded nor copied.
    let Some(first) = first_control_character(text.as_bytes()) else {
        return (text, None);
    };
    let count = text.chars().filter(|&c| is_control_character(c)).count();
    let code = text[first..].chars().next().map_or(0, u32::from);
    let others = match count {
        1 => String::new(),
        n => format!(" ({} more in this file)", n - 1),
    };
    let warning = Diagnostic::warning(
        SourceLocation::at_offset(path, &text, first, 1),
        format!("an invisible control character (U+{code:04X}) is read as a space{others}"),
    )
    .with_hint("text pasted from a word processor can carry them; delete it, as feeds and pages cannot hold it");
    let cleaned = text.chars().map(|c| if is_control_character(c) { ' ' } else { c }).collect();
    (cleaned, Some(warning))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_drops_the_bom_and_normalises_line_ends() {
        let text = decode_text(Path::new("a.md"), b"\xef\xbb\xbfa\r\nb\rc\n".to_vec());
        assert_eq!(text.as_deref(), Ok("a\nb\nc\n"));
    }

    #[test]
    fn invalid_utf8_is_located_at_the_first_bad_byte() {
        let err = decode_text(Path::new("a.md"), b"ok\nab\xff".to_vec()).unwrap_err();
        assert_eq!(err.location.to_string(), "a.md:2:3");
    }

    #[test]
    fn control_characters_are_read_as_spaces_with_one_warning() {
        let text = "Title\nPasted\u{b}line and \u{1}, \u{85}, \u{ffff}; ¿é?\ttab\n".to_owned();
        let (clean, warning) = without_control_characters(Path::new("a.md"), text);
        assert_eq!(clean, "Title\nPasted line and  ,  ,  ; ¿é?\ttab\n");
        let warning = warning.expect("a warning");
        assert_eq!(
            warning.to_string().lines().next(),
            Some("a.md:2:7: warning: an invisible control character (U+000B) is read as a space (3 more in this file)")
        );
        let (same, none) = without_control_characters(Path::new("a.md"), "¡Sí! «Ñandú» ﬁ\u{a0}\u{fffd}\n".to_owned());
        assert_eq!((same.as_str(), none), ("¡Sí! «Ñandú» ﬁ\u{a0}\u{fffd}\n", None));
        // The byte scan finds exactly what the character test finds.
        let every: String = (0..0x3_0000).filter_map(char::from_u32).collect();
        let mut found = Vec::new();
        let mut from = 0;
        while let Some(at) = first_control_character(&every.as_bytes()[from..]) {
            found.push(from + at);
            from += at + 1;
        }
        let expected: Vec<usize> =
            every.char_indices().filter(|(_, c)| is_control_character(*c)).map(|(i, _)| i).collect();
        assert_eq!(found, expected);
    }
}
