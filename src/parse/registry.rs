//! `signatories.yaml` → [`Registry`]: every signer, checked once.

use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::site::{RawText, localized};
use super::values::{check_slug, check_web_url};
use crate::error::{Diagnostic, Diagnostics};
use crate::hash::HashMap;
use crate::model::country::{COUNTRIES, Country};
use crate::model::{Lang, Registry, Signatory, SignatoryKind};
use crate::yaml::{closest, from_yaml, location_of};

/// One entry of `signatories.yaml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignatory {
    /// Stable id, lower-case words joined by hyphens.
    id: Spanned<String>,
    /// Name: one text, or one per language.
    name: Spanned<RawText>,
    /// `organization` or `individual`.
    kind: RawKind,
    /// ISO 3166-1 alpha-2 code.
    country: Spanned<String>,
    /// Web address (http or https).
    #[serde(default)]
    url: Option<Spanned<String>>,
    /// For individuals: affiliation, for identification only.
    #[serde(default)]
    affiliation: Option<Spanned<RawText>>,
}

/// `kind:` values.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum RawKind {
    /// An organisation.
    Organization,
    /// A person.
    Individual,
}

/// Reads the registry; entries with problems are left out and every problem is reported.
pub fn parse_registry(path: &Path, text: &str, languages: &[Lang], diagnostics: &mut Diagnostics) -> Registry {
    if text.trim().is_empty() || text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
        return Registry::default();
    }
    let raw: Vec<RawSignatory> = match from_yaml(path, text, 1) {
        Ok(raw) => raw,
        Err(d) => {
            diagnostics.push(d);
            return Registry { unreadable: true, ..Registry::default() };
        }
    };
    let mut first_line: HashMap<String, usize> = HashMap::default();
    let mut registry = Registry::default();
    for entry in raw {
        let at = |v: &Spanned<_>| location_of(path, v, 1);
        let mut ok = true;
        if let Err(r) = check_slug("signatory id", &entry.id.value) {
            diagnostics.push(r.at(at(&entry.id)));
            ok = false;
        }
        if let Some(line) = first_line.get(&entry.id.value) {
            diagnostics.push(
                Diagnostic::error(at(&entry.id), format!("the id `{}` is used twice", entry.id.value))
                    .with_hint(format!("it is first used on line {line}; ids must be unique and never change")),
            );
            ok = false;
        } else {
            first_line.insert(entry.id.value.clone(), at(&entry.id).line);
        }
        let country = Country::from_code(entry.country.value.trim());
        if country.is_none() {
            let codes: Vec<&str> = COUNTRIES.iter().map(|c| c.code).collect();
            let upper = entry.country.value.trim().to_ascii_uppercase();
            let hint = match Country::from_code(&upper) {
                Some(_) => format!("write country codes in capitals: `{upper}`"),
                None => match closest(&upper, &codes) {
                    Some(c) if upper.len() == 2 => format!("use an ISO 3166-1 alpha-2 code (did you mean `{c}`?)"),
                    _ => "use an ISO 3166-1 alpha-2 code such as MX, US or ES".to_owned(),
                },
            };
            diagnostics.push(
                Diagnostic::error(at(&entry.country), format!("`{}` is not a country code", entry.country.value))
                    .with_hint(hint),
            );
        }
        if let Some(url) = &entry.url
            && let Err(r) = check_web_url(&url.value)
        {
            diagnostics.push(r.at(at(url)));
            ok = false;
        }
        let name = localized(path, &entry.name, languages, diagnostics);
        let affiliation = entry.affiliation.as_ref().map(|a| localized(path, a, languages, diagnostics));
        if name.as_ref().is_some_and(|n| languages.iter().any(|l| n.get(l).trim().is_empty())) {
            diagnostics.push(Diagnostic::error(location_of(path, &entry.name, 1), "the name is empty"));
            ok = false;
        }
        let (Some(name), Some(country), true) = (name, country, ok) else {
            registry.rejected.insert(entry.id.value);
            continue;
        };
        registry.push(Signatory {
            defined_at: at(&entry.id),
            id: entry.id.value,
            name,
            kind: match entry.kind {
                RawKind::Organization => SignatoryKind::Organization,
                RawKind::Individual => SignatoryKind::Individual,
            },
            country,
            url: entry.url.map(|u| u.value.trim().to_owned()),
            affiliation: affiliation.flatten(),
        });
    }
    registry
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Registry, Vec<String>) {
        let mut d = Diagnostics::new();
        let langs = [Lang::parse("en").unwrap(), Lang::parse("es").unwrap()];
        let r = parse_registry(Path::new("signatories.yaml"), text, &langs, &mut d);
        (r, d.into_iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn entries_are_resolved() {
        let (r, errors) = parse(
            "- id: red\n  name: { en: Network, es: Red }\n  kind: organization\n  country: NO\n  url: https://red.example.org\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(r.signatories[0].country.code, "NO");
        assert_eq!(r.signatories[0].name.get(&Lang::parse("es").unwrap()), "Red");
    }

    #[test]
    fn a_name_of_the_wrong_shape_says_what_a_name_is() {
        let (_, errors) = parse("- { id: a, name: [A, B], kind: organization, country: MX }\n");
        assert_eq!(
            errors,
            [
                "signatories.yaml:1:12: error: expected a text, or one text per language (`{ en: …, es: … }`) here, not a list"
            ]
        );
    }

    #[test]
    fn bad_entries_are_all_reported() {
        let (r, errors) = parse(concat!(
            "- { id: a, name: A, kind: organization, country: mx }\n",
            "- { id: a, name: B, kind: individual, country: XX, url: 'javascript:alert(1)' }\n",
            "- { id: Bad Id, name: C, kind: organisation, country: MX }\n",
        ));
        assert!(r.signatories.is_empty());
        // The third entry's unknown kind stops serde before the other checks can run.
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("signatories.yaml:3:"), "{errors:?}");
        let (_, errors) = parse(concat!(
            "- { id: a, name: A, kind: organization, country: mx }\n",
            "- { id: a, name: B, kind: individual, country: XX, url: 'javascript:alert(1)' }\n",
        ));
        let text = errors.join("\n");
        assert_contains!(
            text,
            "signatories.yaml:1:50: error: `mx` is not a country code\n  = help: write country codes in capitals: `MX`"
        );
        assert_contains!(text, "signatories.yaml:2:9: error: the id `a` is used twice");
        assert_contains!(text, "`XX` is not a country code");
        assert_contains!(text, "only http and https are allowed");
    }
}
