//! Plain data shared by `parse` and `render`: the typed, cross-checked site.
//!
//! Everything here is resolved: ids are checked, dates are instants, signers are looked
//! up once. Nothing here reads files or YAML; a few types derive `Serialize` for the data
//! files and templates that print them.

pub mod country;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::error::Diagnostics;
use crate::markdown::Html;

/// A language of the site, as a lower-case BCP 47 tag (`en`, `es`, `pt-br`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Lang(String);

impl Lang {
    /// A language tag: 2–3 ASCII letters, optionally followed by `-` and 2–8 letters or digits.
    pub fn parse(tag: &str) -> Option<Self> {
        let mut parts = tag.split('-');
        let primary = parts.next()?;
        let primary_ok = (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
        let rest_ok = parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
        (primary_ok && rest_ok).then(|| Self(tag.to_ascii_lowercase()))
    }

    /// The tag as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The primary language subtag: `pt` for `pt-br`.
    pub fn base(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }

    /// The tags to look for strings under, most specific first: `pt-br`, then `pt`.
    pub fn fallbacks(&self) -> impl Iterator<Item = &str> {
        let tag = self.0.as_str();
        std::iter::once(tag).chain(tag.rmatch_indices('-').map(move |(i, _)| &tag[..i]))
    }

    /// The writing direction, `rtl` or `ltr`, as HTML's `dir` spells it: right to left for
    /// Arabic, Hebrew, Persian, Urdu and the other languages written in those scripts, or
    /// for any tag with the script subtag `arab` or `hebr` (`az-arab`).
    pub fn dir(&self) -> &'static str {
        const RTL: [&str; 12] = ["ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "ug", "ur"];
        let mut subtags = self.0.split('-').skip(1);
        let script_rtl = subtags.clone().any(|s| s == "arab" || s == "hebr");
        let script_ltr = subtags.any(|s| s == "latn" || s == "cyrl");
        if script_rtl || (RTL.contains(&self.base()) && !script_ltr) { "rtl" } else { "ltr" }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A text in several languages; reading falls back to the default language.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Localized {
    values: BTreeMap<Lang, String>,
    fallback: Option<String>,
}

impl Localized {
    /// The same text in every language.
    pub fn same(text: String) -> Self {
        Self { values: BTreeMap::new(), fallback: Some(text) }
    }

    /// One text per language, with `fallback` for languages without one.
    pub fn per_lang(values: BTreeMap<Lang, String>, fallback: Option<String>) -> Self {
        Self { values, fallback }
    }

    /// The text in `lang`, else the fallback, else any text at all.
    pub fn get(&self, lang: &Lang) -> &str {
        self.values
            .get(lang)
            .or(self.fallback.as_ref())
            .or_else(|| self.values.values().next())
            .map_or("", String::as_str)
    }
}

/// What to do when a statement lacks a language of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingTranslation {
    /// A page in the reader's language that says so and links the original.
    #[default]
    Notice,
    /// No page at all in that language.
    Skip,
    /// A content error.
    Error,
}

/// The site's press contact, shown on every page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PressContact {
    /// A person or office.
    pub name: String,
    /// Email address.
    pub email: String,
    /// Telephone, as it should be printed.
    pub phone: Option<String>,
}

/// `site.yaml`, resolved.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// Absolute URL of the site root, ending with `/`.
    pub base_url: String,
    /// The site's languages; the first is the default.
    pub languages: Vec<Lang>,
    /// Site title per language.
    pub title: Localized,
    /// Site description per language.
    pub description: Localized,
    /// Zone in which dates without an offset are read.
    pub timezone: TimeZone,
    /// The zone's IANA name.
    pub timezone_name: String,
    /// Missing translation policy.
    pub missing_translation: MissingTranslation,
    /// Press contact, if any.
    pub press_contact: Option<PressContact>,
    /// The theme folder under `themes/` whose files override the embedded default.
    pub theme: String,
    /// How many entries each feed carries at most (all when `None`).
    pub feed_limit: Option<usize>,
    /// Share-card image: a path from the site root (`/logo.png`) or an absolute URL.
    pub image: Option<String>,
    /// Topic labels by tag id (`topics:`); a tag without one is shown by its id.
    pub topics: BTreeMap<String, Localized>,
    /// Whether the build writes `_headers` for Netlify and Cloudflare Pages (`headers:`).
    pub headers: bool,
    /// Whether the build writes a `.gz` and a `.br` beside each text file (`precompress:`).
    pub precompress: bool,
}

impl SiteConfig {
    /// A topic's label in `lang`: from `topics:`, else the tag itself.
    pub fn topic_label<'s>(&'s self, tag: &'s str, lang: &Lang) -> &'s str {
        self.topics.get(tag).map_or(tag, |label| label.get(lang))
    }
}

impl SiteConfig {
    /// The default language (the first listed).
    pub fn default_lang(&self) -> &Lang {
        // parse::site refuses an empty list, so there is always a first language.
        &self.languages[0]
    }
}

/// Whether a signatory is an organisation or a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatoryKind {
    /// An organisation, network or coalition.
    Organization,
    /// A person signing in their own name.
    Individual,
}

impl SignatoryKind {
    /// The name data files and templates use: `organization` or `individual`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Organization => "organization",
            Self::Individual => "individual",
        }
    }
}

/// One entry of the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signatory {
    /// Stable id, used by statements.
    pub id: String,
    /// Display name per language.
    pub name: Localized,
    /// Organisation or person.
    pub kind: SignatoryKind,
    /// ISO 3166-1 alpha-2 code, upper case.
    pub country: &'static country::Country,
    /// Web address (http or https).
    pub url: Option<String>,
    /// For individuals: affiliation, for identification only.
    pub affiliation: Option<Localized>,
    /// Where the entry's id is written in signatories.yaml.
    pub defined_at: crate::error::SourceLocation,
}

/// Every signatory, by id.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// Entries in file order.
    pub signatories: Vec<Arc<Signatory>>,
    /// Position of each id in `signatories`.
    pub index: crate::hash::HashMap<String, usize>,
    /// Ids of entries that have errors of their own, so statements citing them are not
    /// reported a second time.
    pub rejected: crate::hash::HashSet<String>,
    /// Whether the file could be read at all; if not, no signer id can be checked.
    pub unreadable: bool,
}

impl Registry {
    /// The entry with this id.
    pub fn get(&self, id: &str) -> Option<&Arc<Signatory>> {
        self.index.get(id).map(|&i| &self.signatories[i])
    }

    /// Adds an entry (ids are checked for uniqueness by the parser).
    pub fn push(&mut self, signatory: Signatory) {
        self.index.insert(signatory.id.clone(), self.signatories.len());
        self.signatories.push(Arc::new(signatory));
    }
}

/// A signer of one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// The registry entry.
    pub signatory: Arc<Signatory>,
    /// When they joined, if after publication.
    pub since: Option<jiff::civil::Date>,
}

/// A statement: facts from `statement.yaml` and one [`Translation`] per language written.
#[derive(Debug, Clone)]
pub struct Statement {
    /// The folder name: stable id, prefix of element ids, default slug.
    pub id: String,
    /// Publication instant.
    pub date: Timestamp,
    /// Last update, if any.
    pub updated: Option<Timestamp>,
    /// Nothing of it is published before this instant.
    pub embargo: Option<Timestamp>,
    /// Never published (unless drafts are asked for).
    pub draft: bool,
    /// Signers in file order.
    pub signers: Vec<Signer>,
    /// Topic ids (slugs), each once.
    pub tags: Vec<String>,
    /// A sign-on form still open for signatures.
    pub sign_on: Option<SignOn>,
    /// A PDF per language: file names in the statement's folder.
    pub pdf: BTreeMap<Lang, String>,
    /// A share-card image: a file name in the statement's folder.
    pub image: Option<String>,
    /// The language texts, by language, in site language order.
    pub translations: BTreeMap<Lang, Translation>,
    /// Files next to it (PDFs, images), copied next to each language page.
    pub assets: Vec<crate::load::BinaryFile>,
}

impl Statement {
    /// The first language of the site that this statement is written in.
    pub fn original<'a>(&'a self, site: &SiteConfig) -> Option<&'a Translation> {
        site.languages.iter().find_map(|l| self.translations.get(l))
    }
}

/// An open call for more signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOn {
    /// The form's address.
    pub url: String,
    /// The call closes at this instant, if set.
    pub until: Option<Timestamp>,
}

/// A correction listed in a translation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// The day of the correction.
    pub date: jiff::civil::Date,
    /// What changed.
    pub note: String,
}

/// One language version of a statement or page.
#[derive(Debug, Clone)]
pub struct Translation {
    /// Its language.
    pub lang: Lang,
    /// Title.
    pub title: String,
    /// URL slug in this language.
    pub slug: String,
    /// Where the slug was written (the file's start when it is the folder name).
    pub slug_location: crate::error::SourceLocation,
    /// One or two sentences for indexes and feeds.
    pub summary: Option<String>,
    /// Whom it is addressed to.
    pub addressee: Option<String>,
    /// Place of the dateline ("Mexico City").
    pub dateline: Option<String>,
    /// Public corrections, oldest first.
    pub corrections: Vec<Correction>,
    /// The body.
    pub document: Document,
    /// A short hash of the body's text, to tell when a translation falls behind it: set
    /// on a statement's original (the first of the site's languages it is written in),
    /// the only body a hash is compared with.
    pub body_hash: Option<String>,
    /// For translations: the original's body hash it was made from, if marked.
    pub translated_from: Option<String>,
}

/// A short, stable hash of a Markdown body (FNV-1a, 64 bits, as 8 hex digits of its top
/// half): what `translations mark` writes and what staleness compares. Line ends and
/// trailing spaces do not count.
pub fn body_hash(body: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut add = |byte: u8| hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    for line in body.trim().lines() {
        line.trim_end().bytes().for_each(&mut add);
        add(b'\n');
    }
    format!("{:08x}", hash >> 32)
}

impl Statement {
    /// The languages whose translation was marked as made from an earlier version of the
    /// original's body.
    pub fn stale_translations<'a>(&'a self, site: &SiteConfig) -> Vec<&'a Translation> {
        let Some(original) = self.original(site) else { return Vec::new() };
        self.translations
            .values()
            .filter(|t| t.lang != original.lang)
            .filter(|t| t.translated_from.is_some() && t.translated_from != original.body_hash)
            .collect()
    }
}

/// A plain page (About).
#[derive(Debug, Clone)]
pub struct Page {
    /// The folder name.
    pub id: String,
    /// One per language written.
    pub translations: BTreeMap<Lang, Translation>,
}

/// A Markdown body, written as HTML once when it is parsed (see [`crate::markdown`]).
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The body.
    pub body: Html,
    /// Notes in number order (the order of their first reference).
    pub notes: Vec<Note>,
    /// Whether a fenced code block asks for highlighting.
    pub has_code: bool,
    /// Every address the Markdown holds, with where it was written (for messages).
    pub links: Vec<crate::markdown::LinkSource>,
}

/// A footnote, numbered by its first reference.
#[derive(Debug, Clone)]
pub struct Note {
    /// 1-based number.
    pub number: usize,
    /// How many times the body refers to it.
    pub references: usize,
    /// Its content, with back-links to the references.
    pub html: Html,
    /// Its content as plain text, for data files.
    pub text: String,
    /// The web addresses it links to: its sources.
    pub urls: Vec<String>,
}

/// The whole site, typed and cross-checked.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// `site.yaml`.
    pub site: SiteConfig,
    /// `signatories.yaml`.
    pub registry: Registry,
    /// Statements, newest first (ties by id).
    pub statements: Vec<Arc<Statement>>,
    /// Plain pages, by folder name.
    pub pages: Vec<Page>,
    /// The site's own files under `static/`, copied to the output root as they are.
    pub static_files: Vec<crate::load::BinaryFile>,
    /// Warnings found on the way.
    pub warnings: Diagnostics,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_tags_fall_back_to_their_language_and_scripts_decide_direction() {
        let lang = |tag: &str| Lang::parse(tag).unwrap();
        assert_eq!(lang("pt-BR").fallbacks().collect::<Vec<_>>(), ["pt-br", "pt"]);
        assert_eq!(lang("zh-hant-tw").fallbacks().collect::<Vec<_>>(), ["zh-hant-tw", "zh-hant", "zh"]);
        assert_eq!(lang("es").fallbacks().collect::<Vec<_>>(), ["es"]);
        let dirs = ["ar", "ar-eg", "he", "fa", "ur", "en", "fr", "az-arab", "ku-latn"].map(|t| lang(t).dir());
        assert_eq!(dirs, ["rtl", "rtl", "rtl", "rtl", "rtl", "ltr", "ltr", "rtl", "ltr"]);
    }
}
