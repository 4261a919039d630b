//! Splits a Markdown file into its YAML front matter and its body.

use std::path::Path;

use crate::error::{Diagnostic, SourceLocation};

/// A Markdown file cut in two; both halves keep their place in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// Line of the file on which the YAML starts (always 2).
    pub yaml_line: usize,
    /// Everything after the closing `---` line.
    pub body: &'a str,
    /// Line of the file on which the body starts.
    pub body_line: usize,
}

/// Splits `text`, which must start with a `---` line and close the block with another.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let Some(rest) = text.strip_prefix("---\n").or_else(|| (text == "---").then_some("")) else {
        let message =
            if text.trim().is_empty() { "the file is empty" } else { "the file does not start with front matter" };
        return Err(Diagnostic::error(SourceLocation::file(path), message)
            .with_hint("start the file with a `---` line, the keys (title: …), and another `---` line"));
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let yaml_lines = yaml.matches('\n').count();
            // The body starts on the line after the closing `---`, if that line ends at all.
            let body_line = 2 + yaml_lines + usize::from(line.ends_with('\n'));
            return Ok(Split { yaml, yaml_line: 2, body, body_line });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(SourceLocation::file(path), "the front matter is never closed")
        .with_hint("end the front matter with a line that holds only `---`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_keeps_line_numbers() {
        let s = split(Path::new("a.md"), "---\ntitle: x\nslug: y\n---\nBody\n").unwrap();
        assert_eq!(s.yaml, "title: x\nslug: y\n");
        assert_eq!((s.yaml_line, s.body_line, s.body), (2, 5, "Body\n"));
    }

    #[test]
    fn a_closing_line_at_the_very_end_is_counted_once() {
        // Found by the front_matter fuzz target.
        let s = split(Path::new("a.md"), "---\ntitle: x\n---").unwrap();
        assert_eq!((s.body, s.body_line), ("", 3));
    }

    #[test]
    fn missing_unclosed_and_empty_are_errors() {
        let err = |t| split(Path::new("a.md"), t).unwrap_err().message;
        assert_eq!(err("title: x\n"), "the file does not start with front matter");
        assert_eq!(err("---\ntitle: x\n"), "the front matter is never closed");
        assert_eq!(err(""), "the file is empty");
    }
}
