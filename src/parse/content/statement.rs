//! `statement.yaml`: the statement folder as a whole (its dates, files and languages).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::error::{Diagnostic, Problem, SourceLocation};
use crate::load::{ContentDir, STATEMENT_FILE};
use crate::model::{Lang, MissingTranslation, Registry, SignOn, SiteConfig, Statement, Translation};
use crate::parse::signer_list;
use crate::parse::values::{check_slug, check_web_url, parse_instant};
use crate::yaml::{from_yaml, location_of};

use super::language_file::{check_folder_name, file_lang, language_files, parse_translation};
use super::signers::{RawSigner, resolve_signers};

/// `statement.yaml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatement {
    /// Publication date, optionally with a time and offset.
    date: Spanned<String>,
    /// Date of the last update.
    #[serde(default)]
    updated: Option<Spanned<String>>,
    /// Nothing is published before this instant.
    #[serde(default)]
    embargo: Option<Spanned<String>>,
    /// Never published while true.
    #[serde(default)]
    draft: bool,
    /// Signatory ids, or `{ id, since }`. Read without their places (a list may have
    /// hundreds of entries): [`signer_locations`] finds them when one is wrong. The list's
    /// own place tells the signer-list fast path that the parser found it where it was.
    #[serde(default = "no_signers")]
    signatories: Spanned<Vec<RawSigner>>,
    /// An open sign-on form.
    #[serde(default)]
    sign_on: Option<RawSignOn>,
    /// PDF file per language.
    #[serde(default)]
    pdf: Option<Spanned<BTreeMap<String, String>>>,
    /// Share-card image, a file in the statement's folder.
    #[serde(default)]
    image: Option<Spanned<String>>,
    /// Topic ids (slugs); each is a topic page, labelled by site.yaml's `topics:`.
    #[serde(default)]
    tags: Vec<Spanned<String>>,
}

/// No `signatories:` key: an empty list, written nowhere.
fn no_signers() -> Spanned<Vec<RawSigner>> {
    Spanned::new(Vec::new(), serde_saphyr::Location::UNKNOWN, serde_saphyr::Location::UNKNOWN)
}

impl signer_list::SignerList for RawStatement {
    fn list_at(&self) -> &serde_saphyr::Location {
        &self.signatories.referenced
    }

    fn set_ids(&mut self, ids: Vec<String>) {
        self.signatories.value = ids.into_iter().map(RawSigner::Id).collect();
    }
}

/// `sign_on:` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignOn {
    /// Address of the form.
    url: Spanned<String>,
    /// Closing date or instant.
    #[serde(default)]
    until: Option<Spanned<String>>,
}

/// Parses one statement folder; `None` if it has errors (all pushed to `out`).
pub fn parse_statement(
    dir: &ContentDir,
    site: &SiteConfig,
    registry: &Registry,
    out: &mut Vec<Diagnostic>,
) -> Option<Statement> {
    let errors_before = out.iter().filter(|d| d.is_error()).count();
    check_folder_name(dir, &dir.path.join(STATEMENT_FILE), out);
    let Some(file) = dir.text(STATEMENT_FILE) else {
        out.push(
            Diagnostic::error(
                SourceLocation::file(dir.path.join(STATEMENT_FILE)),
                "the statement folder has no statement.yaml",
            )
            .with_hint("add statement.yaml with at least `date:` and `signatories:`"),
        );
        return None;
    };
    let path = file.path.as_path();
    if file.text.trim().is_empty() {
        out.push(
            Diagnostic::error(SourceLocation::file(path), "statement.yaml is empty")
                .with_hint("write at least `date: YYYY-MM-DD` and the `signatories:` list"),
        );
        return None;
    }
    // The usual signer list is read directly (see `signer_list`); the parser reads the rest.
    let raw: RawStatement = match signer_list::read(&file.text, |yaml| from_yaml(path, yaml, 1)) {
        Ok(raw) => raw,
        Err(d) => {
            out.push(d);
            return None;
        }
    };
    let at = |v: &Spanned<String>| location_of(path, v, 1);
    let refuse = |v: &Spanned<String>, r: Problem, out: &mut Vec<Diagnostic>| {
        out.push(r.at(at(v)));
    };
    let tz = &site.timezone;
    let date = parse_instant(&raw.date.value, tz).map_err(|r| refuse(&raw.date, r, out)).ok();
    let updated = raw.updated.as_ref().and_then(|u| parse_instant(&u.value, tz).map_err(|r| refuse(u, r, out)).ok());
    let embargo = raw.embargo.as_ref().and_then(|u| parse_instant(&u.value, tz).map_err(|r| refuse(u, r, out)).ok());
    let sign_on = raw.sign_on.as_ref().and_then(|s| {
        let url_ok = check_web_url(&s.url.value).map_err(|r| refuse(&s.url, r, out)).is_ok();
        let until = match &s.until {
            Some(u) => Some(parse_instant(&u.value, tz).map_err(|r| refuse(u, r, out)).ok()?),
            None => None,
        };
        url_ok.then(|| SignOn { url: s.url.value.clone(), until })
    });

    let signers = resolve_signers(path, &file.text, &raw.signatories.value, registry, out);
    // A tag is a topic page's address: `/en/topics/<tag>/`.
    let mut tags: Vec<String> = Vec::with_capacity(raw.tags.len());
    for tag in &raw.tags {
        match check_slug("topic", &tag.value) {
            Ok(()) if tags.contains(&tag.value) => {}
            Ok(()) => tags.push(tag.value.clone()),
            Err(r) => refuse(tag, r, out),
        }
    }

    let mut translations = BTreeMap::new();
    let files = language_files(dir, site, out);
    // The original is written in the first of the site's languages that has a file.
    let langs: Vec<Option<Lang>> = files.iter().map(|f| file_lang(f)).collect();
    let original = site.languages.iter().find(|l| langs.iter().any(|f| f.as_ref() == Some(*l)));
    for (lang_file, lang) in files.iter().zip(&langs) {
        let is_original = original.is_some_and(|o| lang.as_ref() == Some(o));
        if let Some(t) = parse_translation(lang_file, dir, is_original, out) {
            translations.insert(t.lang.clone(), t);
        }
    }
    if translations.is_empty() && !dir.texts.iter().any(|f| f.path.extension().is_some_and(|e| e == "md")) {
        let expected: Vec<String> = site.languages.iter().map(|l| format!("{l}.md")).collect();
        out.push(
            Diagnostic::error(SourceLocation::file(path), "the statement has no language file")
                .with_hint(format!("add one of: {}", expected.join(", "))),
        );
    }
    if site.missing_translation == MissingTranslation::Error && !translations.is_empty() {
        for lang in site.languages.iter().filter(|l| !translations.contains_key(*l)) {
            out.push(
                Diagnostic::error(SourceLocation::file(path), format!("the statement has no {lang}.md"))
                    .with_hint("translate it, or set `missing_translation: notice` in site.yaml"),
            );
        }
    }

    compare_translations(dir, site, &translations, out);

    let pdf = check_files(dir, site, path, &raw, out);
    let has_errors = out.iter().filter(|d| d.is_error()).count() > errors_before;
    if has_errors {
        return None;
    }
    Some(Statement {
        id: dir.name.clone(),
        date: date?,
        updated,
        embargo,
        draft: raw.draft,
        signers,
        tags,
        sign_on,
        pdf,
        image: raw.image.map(|i| i.value),
        translations,
        assets: dir.assets.clone(),
    })
}

/// Translations that fell behind the original, and corrections listed in one language but
/// not another: both are warnings naming both files.
fn compare_translations(
    dir: &ContentDir,
    site: &SiteConfig,
    translations: &BTreeMap<Lang, Translation>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(original) = site.languages.iter().find_map(|l| translations.get(l)) else { return };
    let original_file = format!("{}.md", original.lang);
    let dates = |t: &Translation| t.corrections.iter().map(|c| c.date).collect::<Vec<_>>();
    for t in translations.values().filter(|t| t.lang != original.lang) {
        let at = SourceLocation::file(&t.slug_location.path);
        if t.translated_from.is_some() && t.translated_from != original.body_hash {
            out.push(
                Diagnostic::warning(
                    at.clone(),
                    format!("{}.md was translated from an earlier version of {original_file}", t.lang),
                )
                .with_hint(format!(
                    "update the translation, then run `undersigned translations mark {} {}`",
                    dir.path.display(),
                    t.lang
                )),
            );
        }
        if dates(t) != dates(original) {
            out.push(
                Diagnostic::warning(at, format!("{}.md and {original_file} list different correction dates", t.lang))
                    .with_hint("list each correction, with its date, in every language"),
            );
        }
    }
}

/// The `pdf:` files per language and the `image:`: each must be in the statement's folder.
fn check_files(
    dir: &ContentDir,
    site: &SiteConfig,
    path: &Path,
    raw: &RawStatement,
    out: &mut Vec<Diagnostic>,
) -> BTreeMap<Lang, String> {
    let missing = |name: &str, what: &str| {
        Diagnostic::error(SourceLocation::file(path), format!("there is no file `{name}` in {}", dir.path.display()))
            .with_hint(format!("put the {what} in the statement's folder, next to statement.yaml"))
    };
    let exists = |name: &str| dir.assets.iter().any(|a| a.rel == name);
    let mut pdf = BTreeMap::new();
    if let Some(raw_pdf) = &raw.pdf {
        let at = location_of(path, raw_pdf, 1);
        for (tag, name) in &raw_pdf.value {
            match Lang::parse(tag).filter(|l| site.languages.contains(l)) {
                None => out.push(Diagnostic::error(at.clone(), format!("`{tag}` is not a language of this site"))),
                Some(_) if !exists(name) => out.push(Diagnostic { location: at.clone(), ..missing(name, "PDF") }),
                Some(lang) => {
                    pdf.insert(lang, name.clone());
                }
            }
        }
    }
    if let Some(image) = &raw.image
        && !exists(&image.value)
    {
        out.push(Diagnostic { location: location_of(path, image, 1), ..missing(&image.value, "image") });
    }
    pdf
}
