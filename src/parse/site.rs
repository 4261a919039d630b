//! `site.yaml` → [`SiteConfig`], and the localised texts every YAML file may hold.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::values::check_web_url;
use crate::error::{Diagnostic, Diagnostics, SourceLocation};
use crate::model::{Lang, Localized, MissingTranslation, PressContact, SiteConfig};
use crate::yaml::{from_yaml, location_of};

/// `site.yaml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    /// Absolute URL where the site is published.
    base_url: Spanned<String>,
    /// Language tags; the first is the default.
    languages: Spanned<Vec<Spanned<String>>>,
    /// Site title: one text, or one per language.
    title: Spanned<RawText>,
    /// Site description: one text, or one per language.
    #[serde(default)]
    description: Option<Spanned<RawText>>,
    /// IANA time zone in which dates without an offset are read.
    #[serde(default)]
    timezone: Option<Spanned<String>>,
    /// What to do when a statement lacks a language.
    #[serde(default)]
    missing_translation: Option<RawMissingTranslation>,
    /// Press office shown on every page.
    #[serde(default)]
    press_contact: Option<RawPressContact>,
    /// Folder under `themes/` whose files override the embedded default theme.
    #[serde(default)]
    theme: Option<Spanned<String>>,
    /// The most entries a feed carries: a number, or `all` (default: 50).
    #[serde(default)]
    feed_limit: Option<RawFeedLimit>,
    /// Share-card image: a path from the site root (`/logo.png`) or an absolute http(s) URL.
    #[serde(default)]
    image: Option<Spanned<String>>,
    /// Topic labels: tag id → one label, or one per language.
    #[serde(default)]
    topics: BTreeMap<String, Spanned<RawText>>,
    /// Whether the build writes `_headers` (default: yes).
    #[serde(default)]
    headers: Option<bool>,
    /// Whether the build writes a `.gz` and a `.br` beside each text file (default: no).
    #[serde(default)]
    precompress: Option<bool>,
}

/// `missing_translation:` values.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum RawMissingTranslation {
    /// A notice page linking the original.
    Notice,
    /// No page.
    Skip,
    /// An error.
    Error,
}

/// `press_contact:` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPressContact {
    /// Person or office.
    name: String,
    /// Email address.
    email: Spanned<String>,
    /// Telephone number.
    #[serde(default)]
    phone: Option<String>,
}

/// A text written once for every language, or as a map from language to text.
#[derive(Debug, Clone)]
pub enum RawText {
    /// The same in every language.
    Same(String),
    /// One per language.
    PerLang(BTreeMap<String, String>),
}

/// `feed_limit:` as written: a number, or `all`.
#[derive(Debug)]
enum RawFeedLimit {
    Newest(usize),
    All,
}

/// How many statements a feed carries when site.yaml does not say: a reader polls the
/// whole feed every time, so it holds the news, not the archive.
pub const DEFAULT_FEED_LIMIT: usize = 50;

impl<'de> Deserialize<'de> for RawFeedLimit {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Shape;
        impl serde::de::Visitor<'_> for Shape {
            type Value = RawFeedLimit;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number of statements (50), or `all`")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<RawFeedLimit, E> {
                match usize::try_from(n) {
                    Ok(n) if n > 0 => Ok(RawFeedLimit::Newest(n)),
                    _ => Err(E::custom("a feed needs at least one statement; write `all` for every one")),
                }
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<RawFeedLimit, E> {
                u64::try_from(n)
                    .map_or_else(|_| Err(E::custom("expected a number of statements, or `all`")), |n| self.visit_u64(n))
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<RawFeedLimit, E> {
                if text == "all" {
                    Ok(RawFeedLimit::All)
                } else {
                    Err(E::custom(format!("expected a number of statements or `all`, not `{text}`")))
                }
            }
        }
        deserializer.deserialize_any(Shape)
    }
}

/// Read by its shape, a string or a map: `#[serde(untagged)]` would buffer each value
/// first (a third of the time a large registry takes to read), and say only that no
/// variant matched.
impl<'de> Deserialize<'de> for RawText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Shape;
        impl<'de> serde::de::Visitor<'de> for Shape {
            type Value = RawText;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a text, or one text per language (`{ en: …, es: … }`)")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<RawText, E> {
                Ok(RawText::Same(text.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<RawText, A::Error> {
                let mut texts = BTreeMap::new();
                while let Some((lang, text)) = map.next_entry::<String, String>()? {
                    texts.insert(lang, text);
                }
                Ok(RawText::PerLang(texts))
            }
        }
        deserializer.deserialize_any(Shape)
    }
}

/// Reads `site.yaml`; `None` when it cannot be used at all (every problem is in `diagnostics`).
pub fn parse_site(path: &Path, text: &str, diagnostics: &mut Diagnostics) -> Option<SiteConfig> {
    let raw: RawSite = match from_yaml(path, text, 1) {
        Ok(raw) => raw,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let at = |v: &Spanned<_>| location_of(path, v, 1);
    let mut ok = true;
    let mut fail = |d: Diagnostic| {
        diagnostics.push(d);
        ok = false;
    };

    let mut base_url = raw.base_url.value.trim().to_owned();
    if let Err(r) = check_web_url(&base_url) {
        fail(r.at(at(&raw.base_url)));
    }
    if !base_url.ends_with('/') {
        base_url.push('/');
    }

    let mut languages: Vec<Lang> = Vec::new();
    for tag in &raw.languages.value {
        match Lang::parse(&tag.value) {
            Some(lang) if languages.contains(&lang) => {
                fail(Diagnostic::error(at(tag), format!("the language `{lang}` is listed twice")));
            }
            Some(lang) => languages.push(lang),
            None => fail(
                Diagnostic::error(at(tag), format!("`{}` is not a language tag", tag.value))
                    .with_hint("use a lower-case code such as `en`, `es` or `pt-br`"),
            ),
        }
    }
    if raw.languages.value.is_empty() {
        fail(
            Diagnostic::error(location_of(path, &raw.languages, 1), "the site needs at least one language")
                .with_hint("for example: languages: [en, es]"),
        );
    }

    let timezone_name = raw.timezone.as_ref().map_or("UTC".to_owned(), |t| t.value.trim().to_owned());
    let timezone = match jiff::tz::TimeZone::get(&timezone_name) {
        Ok(tz) => Some(tz),
        Err(_) => {
            let location = raw.timezone.as_ref().map_or_else(|| SourceLocation::file(path), at);
            fail(
                Diagnostic::error(location, format!("`{timezone_name}` is not a known time zone"))
                    .with_hint("use an IANA name such as America/Mexico_City or Europe/Madrid"),
            );
            None
        }
    };

    // With a bad language tag, every per-language text would repeat the same mistake.
    let (title, description) = if languages.len() == raw.languages.value.len() {
        (
            localized(path, &raw.title, &languages, diagnostics),
            raw.description.as_ref().map(|d| localized(path, d, &languages, diagnostics)),
        )
    } else {
        (None, None)
    };

    let press_contact = raw.press_contact.map(|p| {
        if !p.email.value.contains('@') || p.email.value.contains(char::is_whitespace) {
            diagnostics.push(Diagnostic::error(at(&p.email), format!("`{}` is not an email address", p.email.value)));
            ok = false;
        }
        PressContact { name: p.name, email: p.email.value, phone: p.phone }
    });

    let mut topics = BTreeMap::new();
    for (id, label) in &raw.topics {
        if let Err(r) = super::values::check_slug("topic", id) {
            diagnostics.push(r.at(location_of(path, label, 1)));
            ok = false;
        } else if languages.len() == raw.languages.value.len() {
            match localized(path, label, &languages, diagnostics) {
                Some(label) => {
                    topics.insert(id.clone(), label);
                }
                None => ok = false,
            }
        }
    }

    let theme = raw.theme.map_or_else(|| "default".to_owned(), |t| t.value);
    let (Some(timezone), Some(title), true) = (timezone, title, ok && !languages.is_empty()) else {
        return None;
    };
    Some(SiteConfig {
        base_url,
        languages,
        title,
        description: description.flatten().unwrap_or_default(),
        timezone,
        timezone_name,
        missing_translation: match raw.missing_translation {
            None | Some(RawMissingTranslation::Notice) => MissingTranslation::Notice,
            Some(RawMissingTranslation::Skip) => MissingTranslation::Skip,
            Some(RawMissingTranslation::Error) => MissingTranslation::Error,
        },
        press_contact,
        theme,
        feed_limit: match raw.feed_limit {
            None => Some(DEFAULT_FEED_LIMIT),
            Some(RawFeedLimit::Newest(n)) => Some(n),
            Some(RawFeedLimit::All) => None,
        },
        image: raw.image.map(|i| i.value.trim_start_matches('/').to_owned()),
        topics,
        headers: raw.headers.unwrap_or(true),
        precompress: raw.precompress.unwrap_or(false),
    })
}

/// Resolves a localised text; a language the site does not have is an error.
pub fn localized(
    path: &Path,
    raw: &Spanned<RawText>,
    languages: &[Lang],
    diagnostics: &mut Diagnostics,
) -> Option<Localized> {
    match &raw.value {
        RawText::Same(text) => Some(Localized::same(text.clone())),
        RawText::PerLang(map) => {
            let mut values = BTreeMap::new();
            let mut ok = true;
            for (tag, text) in map {
                match Lang::parse(tag).filter(|l| languages.contains(l)) {
                    Some(lang) => {
                        values.insert(lang, text.clone());
                    }
                    None => {
                        ok = false;
                        let known: Vec<&str> = languages.iter().map(Lang::as_str).collect();
                        diagnostics.push(
                            Diagnostic::error(
                                location_of(path, raw, 1),
                                format!("`{tag}` is not a language of this site"),
                            )
                            .with_hint(format!("the site's languages (site.yaml) are: {}", known.join(", "))),
                        );
                    }
                }
            }
            ok.then(|| Localized::per_lang(values, None))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Option<SiteConfig>, Vec<String>) {
        let mut d = Diagnostics::new();
        let site = parse_site(Path::new("site.yaml"), text, &mut d);
        (site, d.into_iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn a_complete_site() {
        let (site, errors) = parse(
            "base_url: https://x.example.org\nlanguages: [en, es]\ntitle: { en: A, es: B }\ntimezone: America/Mexico_City\nmissing_translation: skip\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let site = site.unwrap();
        assert_eq!(site.base_url, "https://x.example.org/");
        assert_eq!(site.title.get(&Lang::parse("es").unwrap()), "B");
        assert_eq!(site.missing_translation, MissingTranslation::Skip);
    }

    #[test]
    fn feeds_carry_the_newest_50_unless_told_a_number_or_all() {
        let site = |limit: &str| {
            parse(&format!("base_url: https://x.example.org\nlanguages: [en]\ntitle: A\ntimezone: UTC\n{limit}"))
        };
        assert_eq!(site("").0.map(|s| s.feed_limit), Some(Some(50)));
        assert_eq!(site("feed_limit: 7\n").0.map(|s| s.feed_limit), Some(Some(7)));
        assert_eq!(site("feed_limit: all\n").0.map(|s| s.feed_limit), Some(None));
        for (bad, message) in [
            ("0", "a feed needs at least one statement; write `all` for every one"),
            ("-3", "expected a number of statements, or `all`"),
            ("every", "expected a number of statements or `all`, not `every`"),
        ] {
            let (config, errors) = site(&format!("feed_limit: {bad}\n"));
            assert!(config.is_none(), "{bad}");
            let first = errors.first().and_then(|e| e.lines().next()).unwrap_or_default();
            assert!(first.starts_with("site.yaml:5:13: error: ") && first.contains(message), "{bad}: {errors:?}");
        }
    }

    #[test]
    fn headers_are_written_and_files_not_precompressed_unless_told_otherwise() {
        let site = |keys: &str| parse(&format!("base_url: https://x.example.org\nlanguages: [en]\ntitle: A\n{keys}"));
        let flags = |keys: &str| site(keys).0.map(|s| (s.headers, s.precompress));
        assert_eq!(flags(""), Some((true, false)));
        assert_eq!(flags("headers: false\nprecompress: true\n"), Some((false, true)));
        for bad in ["precompress: yes\n", "precompress: 1\n", "headers: off\n"] {
            let (config, errors) = site(bad);
            assert!(config.is_none(), "{bad}");
            let first = errors.first().and_then(|e| e.lines().next()).unwrap_or_default().to_owned();
            assert!(first.starts_with("site.yaml:4:") && first.contains(": error: "), "{bad}: {errors:?}");
        }
    }

    #[test]
    fn topics_are_labelled_per_language_and_their_ids_are_slugs() {
        let site = |topics: &str| {
            parse(&format!("base_url: https://x.example.org\nlanguages: [en, es]\ntitle: A\ntimezone: UTC\n{topics}"))
        };
        let (config, errors) = site("topics:\n  mexico: { en: Mexico, es: México }\n  courts: Courts\n");
        assert!(errors.is_empty(), "{errors:?}");
        let topics = config.map(|c| c.topics).unwrap_or_default();
        let es = Lang::parse("es").unwrap();
        assert_eq!(topics["mexico"].get(&es), "México");
        assert_eq!(topics["courts"].get(&es), "Courts");
        let (config, errors) = site("topics:\n  Mexico City: { en: Mexico City }\n  x: { fr: X }\n");
        assert!(config.is_none());
        let firsts: Vec<&str> = errors.iter().filter_map(|e| e.lines().next()).collect();
        assert_eq!(
            firsts,
            [
                "site.yaml:6:16: error: `Mexico City` is not a valid topic",
                "site.yaml:7:6: error: `fr` is not a language of this site",
            ]
        );
        let (_, errors) = site("topics:\n  mexico: { en: Mexico, label: México }\n");
        assert!(errors.iter().any(|e| e.contains("`label` is not a language of this site")), "{errors:?}");
    }

    #[test]
    fn every_problem_is_reported() {
        let (site, errors) =
            parse("base_url: javascript:alert(1)\nlanguages: [en]\ntitle: { en: A, fr: B }\ntimezone: Mars/Olympus\n");
        assert!(site.is_none());
        let firsts: Vec<&str> = errors.iter().filter_map(|e| e.lines().next()).collect();
        assert_eq!(
            firsts,
            [
                "site.yaml:1:11: error: the address `javascript:alert(1)` uses `javascript:`; only http and https are allowed",
                "site.yaml:4:11: error: `Mars/Olympus` is not a known time zone",
                "site.yaml:3:8: error: `fr` is not a language of this site",
            ]
        );
    }

    #[test]
    fn a_bad_language_tag_is_reported_once() {
        let (_, errors) = parse("base_url: https://a.org\nlanguages: [en, EN!]\ntitle: { en: A, es: B }\n");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("site.yaml:2:17: error: `EN!` is not a language tag"), "{errors:?}");
    }
}
