//! `undersigned signatories import FILE.csv --statement DIR [--dry-run]`: merges the export
//! of a sign-on form into the registry and a statement.
//!
//! Rows are matched to existing signers by normalised name (case, accents, punctuation and
//! spacing ignored) or by web address (scheme, `www.` and trailing slash ignored). An id is
//! never rewritten; a new signer gets an id made from its name. A second import of the same
//! file changes nothing. Files are edited as text: comments and layout survive.

use std::path::Path;

use super::{quoted, replace};
use crate::error::{Diagnostic, Error, Result, SourceLocation};
use crate::model::country::COUNTRIES;
use crate::parse::values::{check_web_url, fold_accents};

/// Which CSV columns hold what; `None` means "find it by its usual names".
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// Organisation (or person) name.
    pub name: Option<String>,
    /// Country: a code (MX) or a name in English or Spanish.
    pub country: Option<String>,
    /// Website.
    pub website: Option<String>,
}

/// What an import did (or, with `--dry-run`, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// New registry entries: id and name.
    pub added: Vec<(String, String)>,
    /// Rows matched to existing entries: row number, name as written, id.
    pub matched: Vec<(usize, String, String)>,
    /// Ids newly added to the statement.
    pub joined: Vec<String>,
    /// Rows or cells refused, each located in the CSV file.
    pub problems: Vec<Diagnostic>,
}

/// Imports `csv_path` into the site at `root` and the statement folder `statement_dir`.
pub fn import(root: &Path, csv_path: &Path, statement_dir: &Path, columns: &Columns, dry_run: bool) -> Result<Outcome> {
    let tree = crate::load::load(root)?;
    let corpus = crate::parse::parse(&tree).map_err(Error::Content)?;
    let name = statement_dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let statement =
        corpus.statements.iter().find(|s| s.id == name).ok_or_else(|| {
            Error::Usage(format!("{} is not a statement folder of this site", statement_dir.display()))
        })?;
    let bytes = std::fs::read(csv_path).map_err(|e| Error::io(csv_path, e))?;
    let text = crate::load::decode_text(csv_path, bytes).map_err(|d| Error::Content(std::iter::once(d).collect()))?;

    let existing: Vec<Existing> = corpus
        .registry
        .signatories
        .iter()
        .map(|s| Existing {
            id: s.id.clone(),
            names: corpus.site.languages.iter().map(|l| normalise_name(s.name.get(l))).collect(),
            host: s.url.as_deref().map(normalise_url),
        })
        .collect();
    let in_statement: Vec<&str> = statement.signers.iter().map(|s| s.signatory.id.as_str()).collect();
    let decided = plan(csv_path, &text, columns, &existing, &in_statement)?;

    if !dry_run && (!decided.added.is_empty() || !decided.joined.is_empty()) {
        let registry_path = root.join(crate::load::REGISTRY_FILE);
        let mut registry = std::fs::read_to_string(&registry_path).unwrap_or_default();
        if !registry.is_empty() && !registry.ends_with('\n') {
            registry.push('\n');
        }
        for entry in &decided.new_entries {
            registry.push_str(entry);
        }
        replace(&registry_path, &registry)?;
        let statement_path = statement_dir.join(crate::load::STATEMENT_FILE);
        let yaml = std::fs::read_to_string(&statement_path).map_err(|e| Error::io(&statement_path, e))?;
        let since = (super::today(Some(&corpus.site.timezone))
            > statement.date.to_zoned_datetime(corpus.site.timezone.clone()).date())
        .then(|| super::today(Some(&corpus.site.timezone)));
        replace(&statement_path, &with_signers(&yaml, &decided.joined, since))?;
    }
    Ok(decided.into())
}

/// A registry entry as the matcher sees it.
struct Existing {
    id: String,
    names: Vec<String>,
    host: Option<String>,
}

/// The decisions of an import, before anything is written.
#[derive(Debug, Default)]
struct Plan {
    outcome: Outcome,
    new_entries: Vec<String>,
}

impl std::ops::Deref for Plan {
    type Target = Outcome;
    fn deref(&self) -> &Outcome {
        &self.outcome
    }
}

impl std::ops::DerefMut for Plan {
    fn deref_mut(&mut self) -> &mut Outcome {
        &mut self.outcome
    }
}

impl From<Plan> for Outcome {
    fn from(plan: Plan) -> Self {
        plan.outcome
    }
}

fn plan(path: &Path, text: &str, columns: &Columns, existing: &[Existing], in_statement: &[&str]) -> Result<Plan> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?.clone();
    let find = |given: &Option<String>, usual: &[&str]| -> Option<usize> {
        let wanted: Vec<String> = match given {
            Some(g) => vec![normalise_name(g)],
            None => usual.iter().map(|u| normalise_name(u)).collect(),
        };
        headers.iter().position(|h| wanted.contains(&normalise_name(h)))
    };
    let name_col = find(
        &columns.name,
        &[
            "organization",
            "organisation",
            "organization name",
            "organisation name",
            "name",
            "organización",
            "nombre",
            "nombre de la organización",
            "organizacion",
        ],
    )
    .ok_or_else(|| {
        Error::Usage(format!("{}: no column for the organisation's name (use --name-column)", path.display()))
    })?;
    let country_col = find(&columns.country, &["country", "país", "pais", "country code"]);
    let website_col = find(
        &columns.website,
        &["website", "web", "url", "web site", "sitio web", "página web", "pagina web", "sitio"],
    );

    let mut plan = Plan::default();
    let mut known: Vec<Existing> = Vec::new();
    let mut used_ids: Vec<String> = existing.iter().map(|e| e.id.clone()).collect();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                plan.problems
                    .push(Diagnostic::error(SourceLocation::new(path, row, 1), format!("unreadable row: {e}")));
                continue;
            }
        };
        let cell = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or_default().to_owned();
        let name = cell(Some(name_col));
        if name.is_empty() {
            continue;
        }
        let mut website = cell(website_col);
        if !website.is_empty() && !website.contains("://") && website.contains('.') && !website.contains(':') {
            website = format!("https://{website}");
        }
        if !website.is_empty()
            && let Err(r) = check_web_url(&website)
        {
            plan.problems.push(r.at(SourceLocation::new(path, row, website_col.map_or(1, |c| c + 1))));
            website.clear();
        }
        let key = normalise_name(&name);
        let host = (!website.is_empty()).then(|| normalise_url(&website));
        let found = existing
            .iter()
            .chain(&known)
            .find(|e| e.names.contains(&key) || (host.is_some() && e.host == host))
            .map(|e| e.id.clone());
        let id = match found {
            Some(id) => {
                plan.matched.push((row, name.clone(), id.clone()));
                id
            }
            None => {
                let country = country_code(&cell(country_col));
                let Some(country) = country else {
                    plan.problems.push(
                        Diagnostic::error(
                            SourceLocation::new(path, row, country_col.map_or(1, |c| c + 1)),
                            format!("no country for `{name}`: `{}` is not a country code or name", cell(country_col)),
                        )
                        .with_hint("write an ISO code such as MX, or a country name in English or Spanish"),
                    );
                    continue;
                };
                let id = unique_id(&name, &used_ids);
                used_ids.push(id.clone());
                let mut entry =
                    format!("- id: {id}\n  name: {}\n  kind: organization\n  country: {country}\n", quoted(&name));
                if !website.is_empty() {
                    entry.push_str(&format!("  url: {}\n", quoted(&website)));
                }
                plan.new_entries.push(entry);
                plan.added.push((id.clone(), name.clone()));
                known.push(Existing { id: id.clone(), names: vec![key], host });
                id
            }
        };
        if !in_statement.contains(&id.as_str()) && !plan.joined.contains(&id) {
            plan.joined.push(id);
        }
    }
    Ok(plan)
}

/// Lower case, no accents, no punctuation, single spaces: "Éxodo  A.C." → "exodo a c".
pub fn normalise_name(name: &str) -> String {
    fold_accents(name).to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The host and path of an address: `https://www.Example.org/` → `example.org`.
pub fn normalise_url(url: &str) -> String {
    let lower = url.trim().to_lowercase();
    let rest = lower.split_once("://").map_or(lower.as_str(), |(_, r)| r);
    rest.trim_start_matches("www.").trim_end_matches('/').to_owned()
}

/// An ISO code from a code or a country name in any language of the table.
fn country_code(value: &str) -> Option<&'static str> {
    let upper = value.trim().to_ascii_uppercase();
    if let Some(c) = crate::model::country::Country::from_code(&upper) {
        return Some(c.code);
    }
    let key = normalise_name(value);
    COUNTRIES.iter().find(|c| c.names.iter().any(|n| normalise_name(n) == key)).map(|c| c.code)
}

/// An id from a name, unique among `used`.
fn unique_id(name: &str, used: &[String]) -> String {
    let base = match super::scaffold::ascii_slug(name) {
        s if s.is_empty() => "signatory".to_owned(),
        s => s,
    };
    let mut id = base.clone();
    let mut n = 1;
    while used.contains(&id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

/// statement.yaml with `ids` appended to its `signatories:` list (with `since:` when the
/// statement is already published), keeping everything else as written.
pub fn with_signers(yaml: &str, ids: &[String], since: Option<jiff::civil::Date>) -> String {
    if ids.is_empty() {
        return yaml.to_owned();
    }
    let item = |id: &str| match since {
        Some(date) => format!("  - {{ id: {id}, since: {date} }}"),
        None => format!("  - {id}"),
    };
    let mut lines: Vec<String> = yaml.lines().map(str::to_owned).collect();
    let Some(start) = lines.iter().position(|l| l.starts_with("signatories:")) else {
        let mut out = yaml.trim_end().to_owned();
        out.push_str("\nsignatories:\n");
        for id in ids {
            out.push_str(&item(id));
            out.push('\n');
        }
        return out;
    };
    // A flow list on one line ([a, b]) becomes a block list.
    let rest = lines[start]["signatories:".len()..].split('#').next().unwrap_or_default().trim().to_owned();
    if let Some(inner) = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        let mut block = vec!["signatories:".to_owned()];
        block.extend(inner.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| format!("  - {s}")));
        lines.splice(start..=start, block);
    }
    let mut end = start + 1;
    while end < lines.len()
        && (lines[end].starts_with(' ') || lines[end].starts_with('-') || lines[end].trim().is_empty())
    {
        end += 1;
    }
    while end > start + 1 && lines[end - 1].trim().is_empty() {
        end -= 1;
    }
    let new: Vec<String> = ids.iter().map(|id| item(id)).collect();
    lines.splice(end..end, new);
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_addresses_normalise() {
        assert_eq!(normalise_name("  Éxodo   Ejemplo A.C. "), "exodo ejemplo a c");
        assert_eq!(normalise_name("ÉXODO ejemplo a.c."), normalise_name("Exodo Ejemplo A C"));
        assert_eq!(normalise_url("https://www.Exodo.example.org/"), "exodo.example.org");
    }

    #[test]
    fn countries_by_code_or_name() {
        assert_eq!(country_code("mx"), Some("MX"));
        assert_eq!(country_code("México"), Some("MX"));
        assert_eq!(country_code("Norway"), Some("NO"));
        assert_eq!(country_code("Atlantis"), None);
    }

    #[test]
    fn signers_are_appended_to_block_and_flow_lists() {
        let date = jiff::civil::date(2019, 7, 2);
        assert_eq!(
            with_signers("date: 2019-06-27\nsignatories:\n  - a\n  - b\ntags: [x]\n", &["c".to_owned()], Some(date)),
            "date: 2019-06-27\nsignatories:\n  - a\n  - b\n  - { id: c, since: 2019-07-02 }\ntags: [x]\n"
        );
        assert_eq!(
            with_signers("date: 2019-06-27\nsignatories: [a, b]\n", &["c".to_owned()], None),
            "date: 2019-06-27\nsignatories:\n  - a\n  - b\n  - c\n"
        );
    }
}
