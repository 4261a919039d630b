//! Errors and diagnostics: where a problem is, how bad it is, and what to do.
//!
//! Content problems are collected as [`Diagnostic`]s so one run reports all of them;
//! [`Error`] is what the library returns to `main.rs`, the only place that prints.

use std::fmt;
use std::path::{Path, PathBuf};

/// A position in a file a person wrote; lines and columns count from 1 in the whole file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceLocation {
    /// The file, as the user would type it (the root joined with the relative path).
    pub path: PathBuf,
    /// 1-based line in the whole file.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub col: usize,
}

impl SourceLocation {
    /// A location at `line:col` of `path`.
    pub fn new(path: impl Into<PathBuf>, line: usize, col: usize) -> Self {
        Self { path: path.into(), line, col }
    }

    /// The start of a file, for problems that concern the file as a whole.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Self::new(path, 1, 1)
    }

    /// The location of byte `offset` in `text`, which starts at `base` (line, col) of `path`.
    pub fn at_offset(path: &Path, text: &str, offset: usize, base_line: usize) -> Self {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line = base_line + before.matches('\n').count();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        Self::new(path, line, col)
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.col)
    }
}

/// How serious a diagnostic is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The build cannot go on.
    Error,
    /// Worth a look; the build goes on.
    Warning,
}

/// A problem not yet placed in a file: how bad it is, what is wrong and what to do.
///
/// Checks that do not know where their input was written (a value's check, a pass over a
/// Markdown body, the YAML reader's explanations) return one, and the caller, which knows,
/// makes it a [`Diagnostic`] with [`Problem::at`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence without a final period.
    pub message: String,
    /// What to do about it, when that is not obvious from the message.
    pub hint: Option<String>,
}

impl Problem {
    /// An error.
    pub fn error(message: impl Into<String>) -> Self {
        Self { severity: Severity::Error, message: message.into(), hint: None }
    }

    /// A warning.
    pub fn warning(message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, message: message.into(), hint: None }
    }

    /// The same problem with a hint.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Whether this problem fails the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The problem, placed at `location`.
    pub fn at(self, location: SourceLocation) -> Diagnostic {
        Diagnostic { location, severity: self.severity, message: self.message, hint: self.hint }
    }
}

/// One problem found in the content, with where it is and, if it helps, what to do.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    /// Where the problem is.
    pub location: SourceLocation,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence without a final period.
    pub message: String,
    /// What to do about it, when that is not obvious from the message.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `location`.
    pub fn error(location: SourceLocation, message: impl Into<String>) -> Self {
        Problem::error(message).at(location)
    }

    /// A warning at `location`.
    pub fn warning(location: SourceLocation, message: impl Into<String>) -> Self {
        Problem::warning(message).at(location)
    }

    /// The same diagnostic with a hint.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Whether this diagnostic fails the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {severity}: {}", self.location, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  = help: {hint}")?;
        }
        Ok(())
    }
}

/// Every diagnostic of one run, errors and warnings together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// No diagnostics yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Records all of `other`.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Whether there is nothing at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The diagnostics sorted by file, line and column, duplicates removed.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.0.sort();
        self.0.dedup();
        self.0
    }

    /// The diagnostics in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// How many are errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

/// What the library returns when a command cannot complete.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The content has errors; every one of them is here (with any warnings).
    #[error("{} error(s) in the content", .0.error_count())]
    Content(Diagnostics),
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The command line asks for something that cannot be done.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), source }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns_in_characters() {
        let text = "ab\nçd\nef";
        let at = |o| SourceLocation::at_offset(Path::new("f.md"), text, o, 1);
        assert_eq!(at(0).to_string(), "f.md:1:1");
        assert_eq!(at(3).to_string(), "f.md:2:1");
        // 'd' is after the two-byte 'ç': column 2, not 3.
        assert_eq!(at(5).to_string(), "f.md:2:2");
        assert_eq!(SourceLocation::at_offset(Path::new("f.md"), text, 7, 10).line, 12);
    }

    #[test]
    fn a_diagnostic_prints_path_line_col_severity_message_and_hint() {
        let d = Diagnostic::error(SourceLocation::new("a/b.yaml", 3, 7), "unknown key `titel`")
            .with_hint("did you mean `title`?");
        assert_eq!(d.to_string(), "a/b.yaml:3:7: error: unknown key `titel`\n  = help: did you mean `title`?");
    }
}
