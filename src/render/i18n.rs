//! UI strings of one language: plain texts, plural forms, month names, and the formats
//! built from them (dates, the signer count).
//!
//! Which plural form a number takes comes from CLDR's rules for the language (ICU4X's
//! `icu_plurals`): Arabic has six forms, French puts 0 with 1, Portuguese in Brazil too but
//! not in Portugal. Dates are the strings' own pattern (`date_format`, `months`), so a site
//! can change its months or digits in one file.

use std::collections::BTreeMap;
use std::path::Path;

use icu_locale_core::Locale;
use icu_plurals::{PluralCategory, PluralRules};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, SourceLocation};
use crate::model::Lang;
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

/// The plural forms of a counted phrase, named by CLDR's plural categories. Which numbers
/// take which form depends on the language (English: `one` for 1; Arabic: `zero`, `one`,
/// `two`, `few` for 3–10, `many` for 11–99, `other` for 100…); only `other` is always needed.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Plural {
    /// CLDR `zero` (Arabic 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zero: Option<String>,
    /// CLDR `one` (English 1; French 0 and 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one: Option<String>,
    /// CLDR `two` (Arabic, Hebrew 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub two: Option<String>,
    /// CLDR `few` (Arabic 3–10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub few: Option<String>,
    /// CLDR `many` (Arabic 11–99; French a million).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub many: Option<String>,
    /// Every number no other form covers.
    pub other: String,
}

impl Plural {
    /// The form for `category`: `other` when the file has none for it.
    fn form(&self, category: PluralCategory) -> &str {
        self.own_form(category).unwrap_or(&self.other)
    }

    /// The form written for `category`, if any.
    fn own_form(&self, category: PluralCategory) -> Option<&str> {
        match category {
            PluralCategory::Zero => self.zero.as_deref(),
            PluralCategory::One => self.one.as_deref(),
            PluralCategory::Two => self.two.as_deref(),
            PluralCategory::Few => self.few.as_deref(),
            PluralCategory::Many => self.many.as_deref(),
            PluralCategory::Other => Some(&self.other),
        }
    }
}

/// A plural category as i18n files name it.
fn category_name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

/// The UI strings of one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct I18n {
    entries: BTreeMap<String, Entry>,
    /// Whose plural rules pick the forms; without one, `one` is for 1 only.
    #[serde(skip)]
    plurals: Option<Locale>,
}

impl I18n {
    /// Reads an i18n file; the keys the engine needs must be there, in the right shape.
    pub fn parse(path: &Path, text: &str) -> Result<Self, Diagnostic> {
        let entries: BTreeMap<String, Entry> = from_yaml(path, text, 1)?;
        let strings = Self { entries, plurals: None };
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

    /// Reads the i18n file of `lang`: [`I18n::parse`], and every counted phrase must have
    /// the plural forms that the language's rules give counts up to 1,000 (Arabic's `few`, …).
    pub fn parse_for(path: &Path, text: &str, lang: &Lang) -> Result<Self, Diagnostic> {
        let mut strings = Self::parse(path, text)?;
        strings.plurals = lang.as_str().parse::<Locale>().ok();
        let Some(rules) = strings.rules() else { return Ok(strings) };
        // The forms counts of people and countries can take: French's `many` (a million)
        // need not be written, Arabic's `few` and `many` must.
        let mut used: Vec<PluralCategory> = (0..=1000_usize).map(|n| rules.category_for(n)).collect();
        used.sort();
        used.dedup();
        for (key, entry) in &strings.entries {
            let Entry::Plural(plural) = entry else { continue };
            let missing: Vec<&str> =
                used.iter().filter(|c| plural.own_form(**c).is_none()).map(|c| category_name(*c)).collect();
            if !missing.is_empty() {
                let line = text.lines().position(|l| l.starts_with(&format!("{key}:"))).map_or(1, |i| i + 1);
                return Err(Diagnostic::error(
                    SourceLocation::new(path, line, 1),
                    format!(
                        "the UI string `{key}` lacks the plural form{} {} that `{lang}` uses",
                        if missing.len() > 1 { "s" } else { "" },
                        missing.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                    ),
                )
                .with_hint("CLDR's plural rules say which numbers take which form: https://www.unicode.org/cldr/charts/latest/supplemental/language_plural_rules.html"));
            }
        }
        Ok(strings)
    }

    /// The plural rules of the strings' language, if ICU knows it.
    fn rules(&self) -> Option<PluralRules> {
        PluralRules::try_new_cardinal(self.plurals.as_ref()?.into()).ok()
    }

    /// The plural category of `n`: by the language's rules, else `one` for 1 only.
    fn category(&self, n: usize) -> PluralCategory {
        match self.rules() {
            Some(rules) => rules.category_for(n),
            None if n == 1 => PluralCategory::One,
            None => PluralCategory::Other,
        }
    }

    /// The name of `lang` in these strings (`language_pt` for `pt-br` too); the key itself
    /// if they have none.
    pub fn language<'a>(&'a self, lang: &'a Lang) -> std::borrow::Cow<'a, str> {
        lang.fallbacks()
            .find_map(|tag| match self.entries.get(&format!("language_{tag}")) {
                Some(Entry::Text(name)) => Some(name.as_str().into()),
                _ => None,
            })
            .unwrap_or_else(|| format!("language_{lang}").into())
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

    /// A counted phrase's forms as JSON (`{"one": "…", "other": "…"}`), for a script that
    /// picks one with the browser's plural rules; `{}` if the theme has no such phrase.
    pub fn plural_json(&self, key: &str) -> String {
        match self.entries.get(key) {
            Some(Entry::Plural(p)) => serde_json::to_string(p).unwrap_or_else(|_| "{}".to_owned()),
            _ => "{}".to_owned(),
        }
    }

    /// A counted phrase: "1 organisation", "3 organisations".
    pub fn count(&self, key: &str, n: usize) -> String {
        match self.entries.get(key) {
            Some(Entry::Plural(p)) => p.form(self.category(n)).replace("{n}", &n.to_string()),
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

    fn built_in(file: &str, tag: &str) -> I18n {
        let text = crate::render::theme::DEFAULT_THEME
            .iter()
            .find(|(rel, _)| *rel == format!("i18n/{file}.yaml"))
            .map(|(_, bytes)| std::str::from_utf8(bytes).unwrap())
            .unwrap();
        I18n::parse_for(Path::new(file), text, &Lang::parse(tag).unwrap()).unwrap()
    }

    #[test]
    fn plural_forms_follow_the_language() {
        let fr = built_in("fr", "fr");
        let counts = |s: &I18n| [0, 1, 2, 3, 11, 100].map(|n| s.count("count_organizations", n));
        assert_eq!(
            counts(&fr),
            [
                "0 organisation",
                "1 organisation",
                "2 organisations",
                "3 organisations",
                "11 organisations",
                "100 organisations"
            ]
        );
        let ar = built_in("ar", "ar");
        assert_eq!(counts(&ar), ["0 منظمة", "منظمة واحدة", "منظمتين", "3 منظمات", "11 منظمة", "100 منظمة"]);
        assert_eq!(ar.count("count_individuals", 11), "11 فردًا");
        assert_eq!(ar.count("count_countries", 103), "103 دول");
        // Brazil puts 0 with 1; Portugal does not.
        assert_eq!(built_in("pt", "pt-br").count("count_countries", 0), "0 país");
        assert_eq!(built_in("pt", "pt-pt").count("count_countries", 0), "0 países");
        // Without a language (or one ICU does not know), `one` is for 1 only.
        let es = I18n::parse(Path::new("es.yaml"), ES).unwrap();
        assert_eq!([0, 1, 2].map(|n| es.count("count_countries", n)), ["0 países", "1 país", "2 países"]);
    }

    #[test]
    fn a_plural_form_the_language_uses_must_be_written() {
        let es = ES.replace(
            "count_countries: { one: \"{n} país\", other: \"{n} países\" }",
            "count_countries: { other: \"{n} países\" }",
        );
        let d = I18n::parse_for(Path::new("es.yaml"), &es, &Lang::parse("es").unwrap()).unwrap_err();
        assert_eq!(d.location.line, 10, "{d}");
        assert_contains!(d.message, "the UI string `count_countries` lacks the plural form `one` that `es` uses");
        // Arabic needs all six; French's `many` (a million) may be left to `other`.
        let ar = Lang::parse("ar").unwrap();
        let d = I18n::parse_for(Path::new("ar.yaml"), ES, &ar).unwrap_err();
        assert_contains!(
            d.message,
            "`count_countries` lacks the plural forms `zero`, `two`, `few`, `many` that `ar` uses"
        );
        let almost = ES.replace("{ one: \"{n} país\",", "{ zero: x, one: x, two: x, few: x,");
        let d = I18n::parse_for(Path::new("ar.yaml"), &almost, &ar).unwrap_err();
        assert_contains!(d.message, "`count_countries` lacks the plural form `many` that `ar` uses");
        assert!(I18n::parse_for(Path::new("fr.yaml"), ES, &Lang::parse("fr").unwrap()).is_ok());
    }

    #[test]
    fn a_region_takes_its_languages_name() {
        let en = built_in("en", "en");
        assert_eq!(en.language(&Lang::parse("pt-BR").unwrap()), "Portuguese");
        assert_eq!(en.language(&Lang::parse("ar").unwrap()), "Arabic");
        assert_eq!(en.language(&Lang::parse("de").unwrap()), "language_de");
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
