//! Statement and page folders → [`Statement`] and [`Page`].
//!
//! Each folder is parsed on its own (in parallel, by the caller); what spans folders,
//! such as slugs that must be unique per language, is checked in `parse::parse`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::front_matter;
use super::signer_list;
use super::values::{check_slug, check_web_url, parse_date, parse_instant};
use crate::error::{Diagnostic, Problem, SourceLocation};
use crate::hash::HashSet;
use crate::load::{ContentDir, STATEMENT_FILE, SourceFile};
use crate::markdown::parse_markdown;
use crate::model::{
    Correction, Lang, MissingTranslation, Page, Registry, SignOn, Signer, SiteConfig, Statement, Translation,
};
use crate::yaml::{closest, from_yaml, location_of};

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

/// A signer reference: an id, or an id with the day it joined.
#[derive(Debug)]
enum RawSigner {
    /// Signed at publication.
    Id(String),
    /// Signed later.
    Late(RawLateSigner),
}

/// Read by its shape, a string or a map (`#[serde(untagged)]` would buffer every entry of
/// every list first, and say only that no variant matched).
impl<'de> Deserialize<'de> for RawSigner {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Shape;
        impl<'de> serde::de::Visitor<'de> for Shape {
            type Value = RawSigner;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a signatory id, or `{ id, since }`")
            }
            fn visit_str<E: serde::de::Error>(self, id: &str) -> Result<RawSigner, E> {
                Ok(RawSigner::Id(id.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawSigner, A::Error> {
                RawLateSigner::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(RawSigner::Late)
            }
        }
        deserializer.deserialize_any(Shape)
    }
}

/// `{ id, since }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLateSigner {
    /// Registry id.
    id: String,
    /// Day the signature was added.
    since: String,
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

/// The front matter of a plain page's language file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPageFront {
    /// Title.
    title: Spanned<String>,
    /// URL slug in this language; defaults to the folder name.
    #[serde(default)]
    slug: Option<Spanned<String>>,
    /// A sentence for the page description.
    #[serde(default)]
    summary: Option<String>,
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

/// Parses one page folder; `None` if it has errors.
pub fn parse_page(dir: &ContentDir, site: &SiteConfig, out: &mut Vec<Diagnostic>) -> Option<Page> {
    let errors_before = out.iter().filter(|d| d.is_error()).count();
    check_folder_name(dir, &dir.path, out);
    let mut translations = BTreeMap::new();
    for file in language_files(dir, site, out) {
        let Some((lang, split)) = split_language_file(file, site, out) else { continue };
        let raw: RawPageFront = match from_yaml(&file.path, split.yaml, split.yaml_line) {
            Ok(raw) => raw,
            Err(d) => {
                out.push(d);
                continue;
            }
        };
        let slug = checked_slug(&file.path, raw.slug.as_ref(), &dir.name, split.yaml_line, out);
        let (document, notes) = parse_markdown(&file.path, split.body, split.body_line, &dir.name);
        out.extend(notes);
        translations.insert(
            lang.clone(),
            Translation {
                lang,
                title: raw.title.value,
                slug: slug.unwrap_or_default(),
                slug_location: slug_location(&file.path, raw.slug.as_ref(), split.yaml_line),
                summary: raw.summary,
                addressee: None,
                dateline: None,
                corrections: Vec::new(),
                body_hash: None,
                translated_from: None,
                document,
            },
        );
    }
    let has_errors = out.iter().filter(|d| d.is_error()).count() > errors_before;
    (!has_errors && !translations.is_empty()).then(|| Page { id: dir.name.clone(), translations })
}

/// The `<lang>.md` files of a folder; a Markdown file for another language is an error.
fn language_files<'a>(dir: &'a ContentDir, site: &SiteConfig, out: &mut Vec<Diagnostic>) -> Vec<&'a SourceFile> {
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

fn split_language_file<'a>(
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
fn file_lang(file: &SourceFile) -> Option<Lang> {
    file.path.file_stem().and_then(|s| s.to_str()).and_then(Lang::parse)
}

/// Parses one language file; the original's body is hashed (see [`Translation::body_hash`]).
fn parse_translation(
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

fn slug_location(path: &Path, slug: Option<&Spanned<String>>, first_line: usize) -> SourceLocation {
    slug.map_or_else(|| SourceLocation::file(path), |s| location_of(path, s, first_line))
}

/// The slug given in front matter, or the folder name; either must be a valid slug.
fn checked_slug(
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
fn check_folder_name(dir: &ContentDir, at: &Path, out: &mut Vec<Diagnostic>) {
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

/// Looks every signer up in the registry; unknown and repeated ids are errors, at the
/// entry's place in `text` (the statement.yaml at `path`).
fn resolve_signers(
    path: &Path,
    text: &str,
    raw: &[RawSigner],
    registry: &Registry,
    out: &mut Vec<Diagnostic>,
) -> Vec<Signer> {
    let mut seen = HashSet::with_capacity_and_hasher(raw.len(), Default::default());
    let mut signers = Vec::with_capacity(raw.len());
    let locations = std::cell::OnceCell::new();
    for (i, entry) in raw.iter().enumerate() {
        let at = || {
            let locations = locations.get_or_init(|| signer_locations(path, text));
            locations.get(i).cloned().unwrap_or_else(|| SourceLocation::file(path))
        };
        let (id, since) = match entry {
            RawSigner::Id(id) => (id.trim(), None),
            RawSigner::Late(late) => match parse_date(&late.since) {
                Ok(date) => (late.id.trim(), Some(date)),
                Err(r) => {
                    out.push(r.at(at()));
                    continue;
                }
            },
        };
        if !seen.insert(id) {
            out.push(
                Diagnostic::error(at(), format!("the signatory `{id}` is listed twice"))
                    .with_hint("remove the repeated line"),
            );
            continue;
        }
        match registry.get(id) {
            Some(signatory) => signers.push(Signer { signatory: signatory.clone(), since }),
            // The registry's own errors say what is wrong with this signer.
            None if registry.unreadable || registry.rejected.contains(id) => {}
            None => {
                let ids: Vec<&str> = registry.signatories.iter().map(|s| s.id.as_str()).collect();
                let hint = match closest(id, &ids) {
                    Some(c) => format!("did you mean `{c}`? Otherwise add `{id}` to signatories.yaml"),
                    None => format!("add an entry with `id: {id}` to signatories.yaml"),
                };
                out.push(Diagnostic::error(at(), format!("unknown signatory `{id}`")).with_hint(hint));
            }
        }
    }
    signers
}

/// Where each entry of `signatories:` is in statement.yaml, read again with places, which
/// only a wrong entry needs.
fn signer_locations(path: &Path, text: &str) -> Vec<SourceLocation> {
    #[derive(Deserialize)]
    struct Places {
        #[serde(default)]
        signatories: Vec<Spanned<serde::de::IgnoredAny>>,
    }
    from_yaml::<Places>(path, text, 1)
        .map(|p| p.signatories.iter().map(|entry| location_of(path, entry, 1)).collect())
        .unwrap_or_default()
}
