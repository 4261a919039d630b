//! UI strings of one language: plain texts, plural forms, month names, and the formats
//! built from them (dates, the signer count).

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, SourceLocation};
use crate::yaml::from_yaml;

/// Keys the engine itself formats with; a theme must define them in every language.
pub const ENGINE_KEYS: [&str; 22] = [
    "directory_summary",
    "as_of",
    "table",
    "banner_draft",
    "banner_embargo",
    "correction_format",
    "notes",
    "rss",
    "atom",
    "json_feed",
    "not_found_title",
    "months",
    "date_format",
    "dateline_format",
    "signed_by",
    "signed_by_no_countries",
    "and",
    "count_organizations",
    "count_individuals",
    "count_countries",
    "back_to_reference",
    "language_name",
];

/// One value of an i18n file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Entry {
    /// A plain text.
    Text(String),
    /// A list (month names).
    List(Vec<String>),
    /// Plural forms; `{n}` is replaced by the number.
    Plural(Plural),
}

/// Read by its shape, so that a wrong one is told what is allowed.
impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
        struct Shape;
        impl<'de> serde::de::Visitor<'de> for Shape {
            type Value = Entry;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a text, a list of texts, or plural forms (`{ one: …, other: … }`)")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Entry, E> {
                Ok(Entry::Text(text.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Entry, A::Error> {
                Vec::deserialize(SeqAccessDeserializer::new(seq)).map(Entry::List)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Entry, A::Error> {
                Plural::deserialize(MapAccessDeserializer::new(map)).map(Entry::Plural)
            }
        }
        deserializer.deserialize_any(Shape)
    }
}

/// The plural forms of a counted phrase.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Plural {
    /// For exactly one.
    pub one: String,
    /// For any other number.
    pub other: String,
}

/// The UI strings of one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct I18n {
    entries: BTreeMap<String, Entry>,
}

impl I18n {
    /// Reads an i18n file; the keys the engine needs must be there, in the right shape.
    pub fn parse(path: &Path, text: &str) -> Result<Self, Diagnostic> {
        let entries: BTreeMap<String, Entry> = from_yaml(path, text, 1)?;
        let strings = Self { entries };
        for key in ENGINE_KEYS {
            let shape_ok = match (key, strings.entries.get(key)) {
                ("months", Some(Entry::List(months))) => months.len() == 12,
                (k, Some(Entry::Plural(_))) => k.starts_with("count_"),
                (k, Some(Entry::Text(_))) => !k.starts_with("count_") && k != "months",
                (_, None) => {
                    return Err(Diagnostic::error(
                        SourceLocation::file(path),
                        format!("the UI string `{key}` is missing"),
                    )
                    .with_hint("copy it from the default theme's file and translate it"));
                }
                _ => false,
            };
            if !shape_ok {
                let line = text.lines().position(|l| l.starts_with(&format!("{key}:"))).map_or(1, |i| i + 1);
                let shape = match key {
                    "months" => "a list of the 12 month names",
                    k if k.starts_with("count_") => "a map with `one:` and `other:`",
                    _ => "a text",
                };
                return Err(Diagnostic::error(
                    SourceLocation::new(path, line, 1),
                    format!("the UI string `{key}` must be {shape}"),
                ));
            }
        }
        Ok(strings)
    }

    /// Every key.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// A plain text; the key itself if the theme has no such text.
    pub fn text<'a>(&'a self, key: &'a str) -> &'a str {
        match self.entries.get(key) {
            Some(Entry::Text(t)) => t,
            _ => key,
        }
    }

    /// A counted phrase: "1 organisation", "3 organisations".
    pub fn count(&self, key: &str, n: usize) -> String {
        match self.entries.get(key) {
            Some(Entry::Plural(p)) => if n == 1 { &p.one } else { &p.other }.replace("{n}", &n.to_string()),
            _ => format!("{n} {key}"),
        }
    }

    /// "14 organisations and 3 individuals from 5 countries have signed …" (the directory).
    pub fn directory_summary(&self, organizations: usize, individuals: usize, countries: usize) -> String {
        self.text("directory_summary")
            .replace("{who}", &self.who(organizations, individuals))
            .replace("{countries}", &self.count("count_countries", countries))
    }

    /// "14 organisations and 3 individuals".
    fn who(&self, organizations: usize, individuals: usize) -> String {
        let mut who = Vec::new();
        if organizations > 0 || individuals == 0 {
            who.push(self.count("count_organizations", organizations));
        }
        if individuals > 0 {
            who.push(self.count("count_individuals", individuals));
        }
        who.join(&format!(" {} ", self.text("and")))
    }

    /// A day as people write it in this language: "27 June 2019", "27 de junio de 2019".
    pub fn date(&self, date: Date) -> String {
        let month = match self.entries.get("months") {
            Some(Entry::List(months)) => months.get(date.month() as usize - 1).map_or("", String::as_str),
            _ => "",
        };
        self.text("date_format")
            .replace("{day}", &date.day().to_string())
            .replace("{month}", month)
            .replace("{year}", &date.year().to_string())
    }

    /// "Signed by 14 organisations and 3 individuals from 5 countries".
    pub fn signed_by(&self, organizations: usize, individuals: usize, countries: usize) -> String {
        let who = self.who(organizations, individuals);
        if countries == 0 {
            self.text("signed_by_no_countries").replace("{who}", &who)
        } else {
            self.text("signed_by")
                .replace("{who}", &who)
                .replace("{countries}", &self.count("count_countries", countries))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ES: &str = r#"
months: [enero, febrero, marzo, abril, mayo, junio, julio, agosto, septiembre, octubre, noviembre, diciembre]
date_format: "{day} de {month} de {year}"
dateline_format: "{place}, {date}"
signed_by: "Firmada por {who} de {countries}"
signed_by_no_countries: "Firmada por {who}"
and: "y"
count_organizations: { one: "{n} organización", other: "{n} organizaciones" }
count_individuals: { one: "{n} persona", other: "{n} personas" }
count_countries: { one: "{n} país", other: "{n} países" }
back_to_reference: "Volver a la referencia {n}"
language_name: "Español"
correction_format: "Corregida el {date}: {note}"
notes: "Notas"
rss: "RSS"
atom: "Atom"
json_feed: "JSON Feed"
not_found_title: "Página no encontrada"
table: "Tabla"
as_of: "al {date}"
directory_summary: "{who} de {countries} han firmado"
banner_draft: "Borrador"
banner_embargo: "Embargo hasta el {date}"
"#;

    #[test]
    fn formats_dates_and_counts() {
        let es = I18n::parse(Path::new("es.yaml"), ES).unwrap();
        assert_eq!(es.date(jiff::civil::date(2019, 6, 27)), "27 de junio de 2019");
        assert_eq!(es.signed_by(14, 3, 5), "Firmada por 14 organizaciones y 3 personas de 5 países");
        assert_eq!(es.signed_by(1, 0, 1), "Firmada por 1 organización de 1 país");
    }

    #[test]
    fn a_missing_or_misshapen_engine_key_is_an_error() {
        let without = ES.replace("and: \"y\"\n", "");
        assert_contains!(I18n::parse(Path::new("es.yaml"), &without).unwrap_err().message, "`and` is missing");
        let eleven = ES.replace("diciembre", "").replace(", ]", "]");
        let d = I18n::parse(Path::new("es.yaml"), &eleven).unwrap_err();
        assert_eq!(d.location.line, 2, "{d}");
        let misshapen = ES.replace("and: \"y\"", "and: { one: y }");
        let d = I18n::parse(Path::new("es.yaml"), &misshapen).unwrap_err();
        assert_contains!(d.message, "the key `other` is missing");
        let empty = ES.replace("and: \"y\"", "and:");
        let d = I18n::parse(Path::new("es.yaml"), &empty).unwrap_err();
        assert_contains!(
            d.message,
            "expected a text, a list of texts, or plural forms (`{ one: …, other: … }`) here, not an empty value"
        );
    }
}
