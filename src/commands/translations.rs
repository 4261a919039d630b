//! `undersigned translations [mark DIR LANG]`: which translations follow their original.
//!
//! A translation is marked with `translated_from:`, the hash of the original's body it was
//! made from ([`crate::model::body_hash`]). When the original's body changes, the hash no
//! longer matches: the translation is stale until it is updated and marked again.

use std::path::{Path, PathBuf};

use super::replace;
use crate::error::{Error, Result};
use crate::model::{Corpus, Lang};

/// The state of one language of one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// The original itself.
    Original,
    /// Marked, and the original has not changed since.
    UpToDate,
    /// Marked from an earlier version of the original.
    Stale,
    /// Written, but never marked.
    Unmarked,
    /// No file in this language.
    Missing,
}

/// One line of the report: a statement and the state of each site language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The statement's folder name.
    pub id: String,
    /// States in site language order.
    pub states: Vec<(Lang, State)>,
}

/// The state of every translation of every statement.
pub fn report(corpus: &Corpus) -> Vec<Row> {
    let mut rows: Vec<Row> = corpus
        .statements
        .iter()
        .map(|statement| {
            let original = statement.original(&corpus.site);
            let states = corpus
                .site
                .languages
                .iter()
                .map(|lang| {
                    let state = match (statement.translations.get(lang), original) {
                        (None, _) => State::Missing,
                        (Some(t), Some(o)) if t.lang == o.lang => State::Original,
                        (Some(t), Some(o)) => match &t.translated_from {
                            None => State::Unmarked,
                            hash if *hash == o.body_hash => State::UpToDate,
                            Some(_) => State::Stale,
                        },
                        (Some(_), None) => State::Unmarked,
                    };
                    (lang.clone(), state)
                })
                .collect();
            Row { id: statement.id.clone(), states }
        })
        .collect();
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    rows
}

/// Marks `dir`'s `lang` file as made from the original's current body; returns the file.
pub fn mark(root: &Path, dir: &Path, lang: &str) -> Result<PathBuf> {
    let tree = crate::load::load(root)?;
    let corpus = crate::parse::parse(&tree).map_err(Error::Content)?;
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let statement = corpus
        .statements
        .iter()
        .find(|s| s.id == name)
        .ok_or_else(|| Error::Usage(format!("{} is not a statement folder of this site", dir.display())))?;
    let original = statement
        .original(&corpus.site)
        .ok_or_else(|| Error::Usage(format!("{} has no language file", dir.display())))?;
    let target = statement
        .translations
        .values()
        .find(|t| t.lang.as_str() == lang)
        .ok_or_else(|| Error::Usage(format!("{} has no {lang}.md", dir.display())))?;
    if target.lang == original.lang {
        return Err(Error::Usage(format!("{lang}.md is the original: only translations are marked")));
    }
    let path = target.slug_location.path.clone();
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let hash = original.body_hash.as_deref().unwrap_or_default();
    replace(&path, &with_translated_from(&text, hash))?;
    Ok(path)
}

/// The file's text with `translated_from: HASH` in its front matter (replaced, or added
/// before the closing `---`).
pub fn with_translated_from(text: &str, hash: &str) -> String {
    let line = format!("translated_from: {hash}");
    let mut out = Vec::new();
    let mut in_front = false;
    let mut done = false;
    for (i, l) in text.split('\n').enumerate() {
        if i == 0 && l.trim_end() == "---" {
            in_front = true;
            out.push(l.to_owned());
            continue;
        }
        if in_front && !done && l.starts_with("translated_from:") {
            out.push(line.clone());
            done = true;
            continue;
        }
        if in_front && l.trim_end() == "---" {
            if !done {
                out.push(line.clone());
                done = true;
            }
            in_front = false;
        }
        out.push(l.to_owned());
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marking_adds_or_replaces_the_line() {
        assert_eq!(
            with_translated_from("---\ntitle: T\n---\nBody\n", "abc"),
            "---\ntitle: T\ntranslated_from: abc\n---\nBody\n"
        );
        assert_eq!(
            with_translated_from("---\ntranslated_from: old\ntitle: T\n---\nBody ---\n", "new"),
            "---\ntranslated_from: new\ntitle: T\n---\nBody ---\n"
        );
    }
}
