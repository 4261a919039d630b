//! Machine-readable views of a statement: `signatories.csv`, `statement.json`, JSON-LD,
//! and the Open Graph locale.

use std::borrow::Cow;

use serde_json::value::RawValue;

use crate::model::{Lang, Note, SignatoryKind, Signer};

// The records below are serialised straight to JSON. Their fields are in alphabetical
// order, the order in which the files have always listed them: keep it so.

/// One signer as the data files describe it, in one language.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SignerRecord<'a> {
    /// ISO 3166-1 alpha-2 code.
    pub country: &'a str,
    /// Registry id.
    pub id: &'a str,
    /// `organization` or `individual`.
    pub kind: SignatoryKind,
    /// Name in the page's language.
    pub name: &'a str,
    /// Day they joined, when after publication (YYYY-MM-DD).
    pub since: Option<String>,
    /// Web address.
    pub url: Option<&'a str>,
}

/// `statement.json`.
#[derive(Debug, serde::Serialize)]
pub struct StatementRecord<'a> {
    /// Corrections made since publication, oldest first.
    pub corrections: Vec<CorrectionRecord<'a>>,
    /// When it last changed (RFC 3339).
    pub date_modified: &'a str,
    /// When it was published (RFC 3339).
    pub date_published: &'a str,
    /// Its id (the statement folder's name).
    pub id: &'a str,
    /// The language of this version.
    pub lang: &'a str,
    /// Every language version, this one included.
    pub languages: &'a [VersionRecord<'a>],
    /// Its notes, numbered as on the page.
    pub notes: &'a [NoteRecord<'a>],
    /// [`SignerData::json`] of each signer.
    pub signatories: Vec<&'a RawValue>,
    /// Its summary, if it has one.
    pub summary: Option<&'a str>,
    /// Its tags.
    pub tags: &'a [String],
    /// Its title in this language.
    pub title: &'a str,
    /// Its absolute address.
    pub url: &'a str,
}

/// A correction in `statement.json`.
#[derive(Debug, serde::Serialize)]
pub struct CorrectionRecord<'a> {
    /// The day of the correction (YYYY-MM-DD).
    pub date: String,
    /// What was corrected.
    pub note: &'a str,
}

/// A language version of a statement.
#[derive(Debug, serde::Serialize)]
pub struct VersionRecord<'a> {
    /// The language of this version.
    pub lang: &'a str,
    /// Its title in this language.
    pub title: Option<&'a str>,
    /// Its absolute address.
    pub url: String,
}

/// A note as plain text, with the addresses it cites.
#[derive(Debug, serde::Serialize)]
pub struct NoteRecord<'a> {
    /// The note's number on the page.
    pub number: usize,
    /// The note's text, without markup.
    pub text: &'a str,
    /// The addresses the note cites.
    pub urls: &'a [String],
}

impl<'a> NoteRecord<'a> {
    /// The record of `note`.
    pub fn new(note: &'a Note) -> Self {
        Self { number: note.number, text: &note.text, urls: &note.urls }
    }
}

/// The JSON-LD of a statement page: a schema.org `Article`.
#[derive(Debug, serde::Serialize)]
pub struct Article<'a> {
    /// Always `https://schema.org`.
    #[serde(rename = "@context")]
    pub context: &'static str,
    /// Its node id in the JSON-LD graph: the page's absolute address.
    #[serde(rename = "@id")]
    pub id: &'a str,
    /// The schema.org type.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// [`SignerData::ld`] of each signer.
    pub author: Vec<&'a RawValue>,
    /// The sources its notes cite.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub citation: Vec<Citation<'a>>,
    /// Its corrections.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub correction: Vec<ArticleCorrection<'a>>,
    /// When it last changed (RFC 3339).
    #[serde(rename = "dateModified")]
    pub date_modified: &'a str,
    /// When it was published (RFC 3339).
    #[serde(rename = "datePublished")]
    pub date_published: &'a str,
    /// Its summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    /// Its title.
    pub headline: &'a str,
    /// Its language.
    #[serde(rename = "inLanguage")]
    pub in_language: &'a str,
    /// Its tags.
    pub keywords: &'a [String],
    /// The page it is the main entity of (its address).
    #[serde(rename = "mainEntityOfPage")]
    pub main_entity_of_page: &'a str,
    /// The site, as publisher.
    pub publisher: Publisher<'a>,
    /// The original, when this is a translation.
    #[serde(rename = "translationOfWork", skip_serializing_if = "Option::is_none")]
    pub translation_of_work: Option<Vec<ArticleVersion<'a>>>,
    /// Its absolute address.
    pub url: &'a str,
    /// Its translations, when this is the original.
    #[serde(rename = "workTranslation", skip_serializing_if = "Option::is_none")]
    pub work_translation: Option<Vec<ArticleVersion<'a>>>,
}

/// A source a statement cites.
#[derive(Debug, serde::Serialize)]
pub struct Citation<'a> {
    /// The schema.org type.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// The name shown.
    pub name: &'a str,
    /// Its absolute address.
    pub url: &'a str,
}

/// A correction, as schema.org has it.
#[derive(Debug, serde::Serialize)]
pub struct ArticleCorrection<'a> {
    /// The schema.org type.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// When it was published (RFC 3339).
    #[serde(rename = "datePublished")]
    pub date_published: String,
    /// The note's text, without markup.
    pub text: &'a str,
}

/// The site as publisher.
#[derive(Debug, serde::Serialize)]
pub struct Publisher<'a> {
    /// The schema.org type.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// The name shown.
    pub name: &'a str,
    /// Its absolute address.
    pub url: String,
}

/// Another language version of an article.
#[derive(Debug, serde::Serialize)]
pub struct ArticleVersion<'a> {
    /// The schema.org type.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// Its title.
    pub headline: Option<&'a str>,
    /// Its language.
    #[serde(rename = "inLanguage")]
    pub in_language: &'a str,
    /// Its absolute address.
    pub url: &'a str,
}

/// A signer as a schema.org `Organization` or `Person`.
#[derive(Debug, serde::Serialize)]
struct SchemaSigner<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    address: PostalAddress<'a>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Debug, serde::Serialize)]
struct PostalAddress<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "addressCountry")]
    country: &'a str,
}

impl<'a> SchemaSigner<'a> {
    /// The schema.org view of a signer record.
    fn new(s: &SignerRecord<'a>) -> Self {
        let kind = match s.kind {
            SignatoryKind::Organization => "Organization",
            SignatoryKind::Individual => "Person",
        };
        Self { kind, address: PostalAddress { kind: "PostalAddress", country: s.country }, name: s.name, url: s.url }
    }
}

impl<'a> SignerRecord<'a> {
    /// The record of `signer` in `lang`.
    pub fn new(signer: &'a Signer, lang: &Lang) -> Self {
        let s = &signer.signatory;
        Self {
            id: &s.id,
            name: s.name.get(lang),
            kind: s.kind,
            country: s.country.code,
            url: s.url.as_deref(),
            since: signer.since.map(|d| d.to_string()),
        }
    }
}

/// One signer's share of the data files of a statement: its entry in `statement.json`,
/// in the JSON-LD `author` list, and its row in `signatories.csv`. A signer signs many
/// statements, so each share is written once per language and copied into each.
#[derive(Debug, Clone)]
pub struct SignerData {
    /// The `statement.json` entry, pretty-printed at the depth where it sits.
    json: Box<RawValue>,
    /// The JSON-LD entry, compact.
    ld: Box<RawValue>,
    /// The CSV row, with its line ending.
    csv: Vec<u8>,
}

impl SignerData {
    /// The shares of `record`.
    pub fn new(record: &SignerRecord<'_>) -> Self {
        // Serialising these types cannot fail. An entry of `signatories` is two levels
        // deep in `statement.json`; line breaks occur only between tokens (strings escape
        // theirs), so indenting after each gives what the pretty printer writes there.
        let json = serde_json::to_string_pretty(record).unwrap_or_default().replace('\n', "\n    ");
        let ld = serde_json::to_string(&SchemaSigner::new(record)).unwrap_or_default();
        let raw = |text: String| RawValue::from_string(text).unwrap_or_else(|_| Box::<RawValue>::default());
        let since = record.since.as_deref().unwrap_or_default();
        let row = [record.id, record.name, record.kind.as_str(), record.country, record.url.unwrap_or_default(), since];
        Self { json: raw(json), ld: raw(ld), csv: csv_row(row.map(neutralise).iter().map(|c| c.as_bytes())) }
    }

    /// The entry in `statement.json`.
    pub fn json(&self) -> &RawValue {
        &self.json
    }

    /// The entry in the JSON-LD `author` list.
    pub fn ld(&self) -> &RawValue {
        &self.ld
    }
}

/// One CSV record (RFC 4180, CRLF).
fn csv_row<'c>(cells: impl IntoIterator<Item = &'c [u8]>) -> Vec<u8> {
    // A row is short: the writer's default 8 KiB buffer would cost more than the row.
    let mut writer =
        csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).buffer_capacity(256).from_writer(Vec::new());
    // Writing CSV into a Vec cannot fail.
    let _ = writer.write_record(cells);
    writer.into_inner().unwrap_or_default()
}

/// `signatories.csv`: RFC 4180, UTF-8, with cells that a spreadsheet would run as a
/// formula neutralised (see [`neutralise`]).
pub fn signatories_csv<'d, I>(signers: I) -> Vec<u8>
where
    I: IntoIterator<Item = &'d SignerData>,
    I::IntoIter: Clone,
{
    let signers = signers.into_iter();
    let mut csv = csv_row(["id", "name", "kind", "country", "url", "since"].map(str::as_bytes));
    csv.reserve(signers.clone().map(|s| s.csv.len()).sum());
    for s in signers {
        csv.extend_from_slice(&s.csv);
    }
    csv
}

/// A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`,
/// as OWASP advises, so a spreadsheet shows it instead of evaluating it.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// JSON that can sit inside `<script>`: `<`, `>` and `&` are written as `\u` escapes, which
/// only ever occur inside JSON strings, so the value is unchanged.
pub fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    let mut rest = json;
    while let Some(i) = memchr::memchr3(b'<', b'>', b'&', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            _ => "\\u0026",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    out
}

/// The Open Graph locale of a language: `es-mx` → `es_MX`, `es` → `es_ES`.
pub fn og_locale(lang: &Lang) -> String {
    let mut parts = lang.as_str().split('-');
    let primary = parts.next().unwrap_or_default();
    let region = parts.next().map(str::to_ascii_uppercase).unwrap_or_else(|| {
        match primary {
            "en" => "US",
            "es" => "ES",
            "pt" => "BR",
            "fr" => "FR",
            "de" => "DE",
            "it" => "IT",
            other => return other.to_ascii_uppercase(),
        }
        .to_owned()
    });
    format!("{primary}_{region}")
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn formulas_are_neutralised_and_quotes_escaped() {
        let rows = [SignerRecord {
            country: "MX",
            id: "x",
            kind: SignatoryKind::Organization,
            name: "=HYPERLINK(\"http://evil.example\", \"x\")",
            since: None,
            url: None,
        }];
        let csv = String::from_utf8(signatories_csv(&rows.map(|r| SignerData::new(&r)))).unwrap();
        assert_eq!(
            csv,
            "id,name,kind,country,url,since\r\nx,\"'=HYPERLINK(\"\"http://evil.example\"\", \"\"x\"\")\",organization,MX,,\r\n"
        );
    }

    #[test]
    fn shared_signer_entries_print_as_the_records_would() {
        let records = [
            SignerRecord {
                country: "MX",
                id: "a",
                kind: SignatoryKind::Organization,
                name: "Line\nbreak \"quoted\" </script>",
                since: Some("2024-05-01".to_owned()),
                url: Some("https://a.example.org"),
            },
            SignerRecord { country: "AR", id: "b", kind: SignatoryKind::Individual, name: "B", since: None, url: None },
        ];
        let data = records.clone().map(|r| SignerData::new(&r));
        // As in `statement.json`: a list in a field of the top object. Serialised directly,
        // not through a `Value`, which would reparse the shared entries.
        #[derive(serde::Serialize)]
        struct File<T> {
            id: &'static str,
            signatories: Vec<T>,
        }
        let shared = File { id: "x", signatories: data.iter().map(SignerData::json).collect() };
        let whole = File { id: "x", signatories: records.to_vec() };
        assert_eq!(serde_json::to_string_pretty(&shared).unwrap(), serde_json::to_string_pretty(&whole).unwrap());
        let ld: Vec<&RawValue> = data.iter().map(SignerData::ld).collect();
        let schema: Vec<SchemaSigner<'_>> = records.iter().map(SchemaSigner::new).collect();
        assert_eq!(serde_json::to_string(&ld).unwrap(), serde_json::to_string(&schema).unwrap());
    }

    #[test]
    fn script_safe_json_cannot_close_the_script() {
        let out = script_safe(&json!({ "name": "</script><script>alert(1)</script>&" }).to_string());
        assert_lacks!(out, "</");
        let back: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>&");
    }

    #[test]
    fn og_locales() {
        assert_eq!(og_locale(&Lang::parse("es").unwrap()), "es_ES");
        assert_eq!(og_locale(&Lang::parse("es-mx").unwrap()), "es_MX");
        assert_eq!(og_locale(&Lang::parse("en").unwrap()), "en_US");
    }
}
