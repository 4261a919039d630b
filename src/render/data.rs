//! Machine-readable views of a statement: `signatories.csv`, `statement.json`, JSON-LD,
//! and the Open Graph locale.

use std::borrow::Cow;

use pulldown_cmark::{Event, Tag};
use serde_json::{Value, json};

use crate::model::{Lang, Note, SignatoryKind, Signer};

/// One signer as the data files describe it, in one language.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SignerRecord<'a> {
    /// Registry id.
    pub id: &'a str,
    /// Name in the page's language.
    pub name: &'a str,
    /// `organization` or `individual`.
    pub kind: SignatoryKind,
    /// ISO 3166-1 alpha-2 code.
    pub country: &'a str,
    /// Web address.
    pub url: Option<&'a str>,
    /// Day they joined, when after publication (YYYY-MM-DD).
    pub since: Option<String>,
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

/// RFC 4180 CSV, UTF-8, with cells that a spreadsheet would run as a formula neutralised.
pub fn signatories_csv(signers: &[SignerRecord<'_>]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let kind = |k: SignatoryKind| match k {
        SignatoryKind::Organization => "organization",
        SignatoryKind::Individual => "individual",
    };
    // Writing CSV into a Vec cannot fail.
    let _ = writer.write_record(["id", "name", "kind", "country", "url", "since"]);
    for s in signers {
        let since = s.since.as_deref().unwrap_or_default();
        let row = [s.id, s.name, kind(s.kind), s.country, s.url.unwrap_or_default(), since];
        let _ = writer.write_record(row.map(neutralise).iter().map(|c| c.as_bytes()));
    }
    writer.into_inner().unwrap_or_default()
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

/// A note as plain text, and the addresses it links to.
pub fn note_sources(note: &Note) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut urls = Vec::new();
    for event in &note.events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with("http") => urls.push(dest_url.to_string()),
            _ => {}
        }
    }
    (text.trim().to_owned(), urls)
}

/// JSON that can sit inside `<script>`: `<`, `>` and `&` are written as `\u` escapes, which
/// only ever occur inside JSON strings, so the value is unchanged.
pub fn script_safe(value: &Value) -> String {
    // Serialising a Value cannot fail.
    let json = serde_json::to_string(value).unwrap_or_default();
    let mut out = String::with_capacity(json.len() + 16);
    let mut rest = json.as_str();
    while let Some(i) = rest.find(['<', '>', '&']) {
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

/// A signer as a schema.org `Organization` or `Person`.
pub fn schema_signer(s: &SignerRecord<'_>) -> Value {
    let kind = match s.kind {
        SignatoryKind::Organization => "Organization",
        SignatoryKind::Individual => "Person",
    };
    let mut v =
        json!({ "@type": kind, "name": s.name, "address": { "@type": "PostalAddress", "addressCountry": s.country } });
    if let Some(url) = s.url {
        v["url"] = json!(url);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_quotes_escaped() {
        let rows = [SignerRecord {
            id: "x",
            name: "=HYPERLINK(\"http://evil.example\", \"x\")",
            kind: SignatoryKind::Organization,
            country: "MX",
            url: None,
            since: None,
        }];
        let csv = String::from_utf8(signatories_csv(&rows)).unwrap();
        assert_eq!(
            csv,
            "id,name,kind,country,url,since\r\nx,\"'=HYPERLINK(\"\"http://evil.example\"\", \"\"x\"\")\",organization,MX,,\r\n"
        );
    }

    #[test]
    fn script_safe_json_cannot_close_the_script() {
        let out = script_safe(&json!({ "name": "</script><script>alert(1)</script>&" }));
        assert!(!out.contains("</"), "{out}");
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
