//! A folder's language files (`en.md`, `es.md`): their front matter, slug and body.

use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::error::{Diagnostic, SourceLocation};
use crate::load::{ContentDir, SourceFile};
use crate::markdown::parse_markdown;
use crate::model::{Correction, Lang, SiteConfig, Translation};
use crate::parse::front_matter;
use crate::parse::values::{check_slug, parse_date};
use crate::yaml::{closest, from_yaml, location_of};

/// The front matter of a statement's language file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTranslation {
    /// Title.
    title: Spanned<String>,
    /// URL slug in this language; defaults to the folder name.
    #[serde(default)]
    slug: Option<Spanned<String>>,
    /// One or two sentences for indexes and feeds.
    #[serde(default)]
    summary: Option<String>,
    /// Whom the statement addresses.
    #[serde(default)]
    addressee: Option<String>,
    /// The place of the dateline.
    #[serde(default)]
    dateline: Option<String>,
    /// Translations: hash of the original's body this was made from.
    #[serde(default)]
    translated_from: Option<String>,
    /// Public corrections.
    #[serde(default)]
    corrections: Vec<RawCorrection>,
}

/// One correction.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCorrection {
    /// Day of the correction.
    date: Spanned<String>,
    /// What changed.
    note: String,
}

/// The `<lang>.md` files of a folder; a Markdown file for another language is an error.
pub(super) fn language_files<'a>(
    dir: &'a ContentDir,
    site: &SiteConfig,
    out: &mut Vec<Diagnostic>,
) -> Vec<&'a SourceFile> {
    let mut files = Vec::new();
    for file in &dir.texts {
        let Some(stem) = file.path.file_stem().and_then(|s| s.to_str()) else { continue };
        if file.path.extension().is_none_or(|e| e != "md") {
            if stem != "statement" {
                out.push(
                    Diagnostic::warning(SourceLocation::file(&file.path), "this file is not used")
                        .with_hint("statement folders hold statement.yaml and one <lang>.md per language"),
                );
            }
            continue;
        }
        if Lang::parse(stem).is_some_and(|l| site.languages.contains(&l)) {
            files.push(file);
        } else {
            let known: Vec<&str> = site.languages.iter().map(Lang::as_str).collect();
            let hint = match closest(stem, &known) {
                Some(c) => format!("did you mean {c}.md? The site's languages (site.yaml) are: {}", known.join(", ")),
                None => format!(
                    "the site's languages (site.yaml) are: {}; add the language there or rename the file",
                    known.join(", ")
                ),
            };
            out.push(
                Diagnostic::error(SourceLocation::file(&file.path), format!("`{stem}` is not a language of this site"))
                    .with_hint(hint),
            );
        }
    }
    files
}

pub(super) fn split_language_file<'a>(
    file: &'a SourceFile,
    site: &SiteConfig,
    out: &mut Vec<Diagnostic>,
) -> Option<(Lang, front_matter::Split<'a>)> {
    let stem = file.path.file_stem()?.to_str()?;
    let lang = site.languages.iter().find(|l| l.as_str() == stem)?.clone();
    match front_matter::split(&file.path, &file.text) {
        Ok(split) => Some((lang, split)),
        Err(d) => {
            out.push(d);
            None
        }
    }
}

/// The language a language file is named after.
pub(super) fn file_lang(file: &SourceFile) -> Option<Lang> {
    file.path.file_stem().and_then(|s| s.to_str()).and_then(Lang::parse)
}

/// Parses one language file; the original's body is hashed (see [`Translation::body_hash`]).
pub(super) fn parse_translation(
    file: &SourceFile,
    dir: &ContentDir,
    is_original: bool,
    out: &mut Vec<Diagnostic>,
) -> Option<Translation> {
    let site_langs_ok = file_lang(file)?;
    let split = match front_matter::split(&file.path, &file.text) {
        Ok(split) => split,
        Err(d) => {
            out.push(d);
            return None;
        }
    };
    let raw: RawTranslation = match from_yaml(&file.path, split.yaml, split.yaml_line) {
        Ok(raw) => raw,
        Err(d) => {
            out.push(d);
            return None;
        }
    };
    if raw.title.value.trim().is_empty() {
        out.push(Diagnostic::error(location_of(&file.path, &raw.title, split.yaml_line), "the title is empty"));
    }
    let slug = checked_slug(&file.path, raw.slug.as_ref(), &dir.name, split.yaml_line, out);
    let mut corrections = Vec::new();
    for c in &raw.corrections {
        match parse_date(&c.date.value) {
            Ok(date) => corrections.push(Correction { date, note: c.note.clone() }),
            Err(r) => out.push(r.at(location_of(&file.path, &c.date, split.yaml_line))),
        }
    }
    corrections.sort_by_key(|c| c.date);
    let (document, notes) = parse_markdown(&file.path, split.body, split.body_line, &dir.name);
    out.extend(notes);
    Some(Translation {
        lang: site_langs_ok,
        title: raw.title.value.trim().to_owned(),
        slug: slug?,
        slug_location: slug_location(&file.path, raw.slug.as_ref(), split.yaml_line),
        summary: raw.summary.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
        addressee: raw.addressee.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
        dateline: raw.dateline.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
        corrections,
        document,
        body_hash: is_original.then(|| crate::model::body_hash(split.body)),
        translated_from: raw.translated_from.map(|h| h.trim().to_owned()),
    })
}

pub(super) fn slug_location(path: &Path, slug: Option<&Spanned<String>>, first_line: usize) -> SourceLocation {
    slug.map_or_else(|| SourceLocation::file(path), |s| location_of(path, s, first_line))
}

/// The slug given in front matter, or the folder name; either must be a valid slug.
pub(super) fn checked_slug(
    path: &Path,
    slug: Option<&Spanned<String>>,
    folder: &str,
    first_line: usize,
    out: &mut Vec<Diagnostic>,
) -> Option<String> {
    match slug {
        Some(s) => match check_slug("slug", &s.value) {
            Ok(()) => Some(s.value.clone()),
            Err(r) => {
                out.push(r.at(location_of(path, s, first_line)));
                None
            }
        },
        // An invalid folder name is reported once, at the folder (see `check_folder_name`).
        None => check_slug("slug", folder).is_ok().then(|| folder.to_owned()),
    }
}

/// The folder name is the statement's (or page's) id: it lands in element ids, feed ids
/// and file names even when every language file sets `slug:`, so it follows the rule of
/// slugs always. Reported once, at `at` (statement.yaml, or the page's folder).
pub(super) fn check_folder_name(dir: &ContentDir, at: &Path, out: &mut Vec<Diagnostic>) {
    if let Err(r) = check_slug("slug", &dir.name) {
        let what = if at == dir.path {
            "page's id, used in element ids"
        } else {
            "statement's id, used in element ids and feeds"
        };
        let hint =
            format!("rename the folder; {}: it is the {what}, even where `slug:` is set", r.hint.unwrap_or_default());
        out.push(Diagnostic::error(SourceLocation::file(at), format!("the folder name {}", r.message)).with_hint(hint));
    }
}
