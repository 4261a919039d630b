//! The signer directory and each signer's page.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::{PageContext, Renderer};
use crate::error::Diagnostic;
use crate::model::{Lang, Signatory, SignatoryKind};
use crate::render::feeds;
use crate::render::urls::Urls;

impl Renderer<'_> {
    /// The signer directory: every signer of a public statement, organisations and
    /// individuals apart, grouped by country (in the reader's alphabet). On a site with
    /// more signers than one page shows, the directory lists the countries instead, and
    /// `only` renders one country's page.
    pub(super) fn directory(&self, lang: &Lang, only: Option<&str>) -> PageContext {
        let strings = self.t(lang);
        let order = &self.orders[lang];
        let split = self.plan.directory_is_split();
        let mut groups: [BTreeMap<&str, Vec<&Signatory>>; 2] = [BTreeMap::new(), BTreeMap::new()];
        // Each country's name in this language, looked up once, not at every comparison.
        let mut names: BTreeMap<&str, &str> = BTreeMap::new();
        for signatory in &self.corpus.registry.signatories {
            if self.plan.signed().contains_key(signatory.id.as_str())
                && only.is_none_or(|code| code == signatory.country.code)
            {
                let kind = usize::from(signatory.kind == SignatoryKind::Individual);
                groups[kind].entry(signatory.country.code).or_default().push(signatory);
                names.entry(signatory.country.code).or_insert_with(|| signatory.country.name(lang.as_str()));
            }
        }
        fn name_in<'n>(names: &BTreeMap<&str, &'n str>, code: &'n str) -> &'n str {
            names.get(code).copied().unwrap_or(code)
        }
        let countries: BTreeSet<&str> = names.keys().copied().collect();
        let counts: Vec<usize> = groups.iter().map(|g| g.values().map(Vec::len).sum()).collect();
        let render_groups = |groups: &BTreeMap<&str, Vec<&Signatory>>| {
            let mut list: Vec<(&str, &Vec<&Signatory>)> = groups.iter().map(|(c, v)| (*c, v)).collect();
            list.sort_by(|a, b| order.compare(name_in(&names, a.0), name_in(&names, b.0)));
            list.into_iter()
                .map(|(code, signers)| {
                    let mut signers = signers.clone();
                    signers.sort_by(|a, b| {
                        order.compare(a.name.get(lang), b.name.get(lang)).then_with(|| a.id.cmp(&b.id))
                    });
                    let signers: Vec<Value> = signers
                        .iter()
                        .map(|s| {
                            let count = self.plan.signed().get(s.id.as_str()).map_or(0, Vec::len);
                            json!({
                                "id": s.id,
                                "name": s.name.get(lang),
                                "url": self.urls.path(&Urls::signer(lang, &s.id)),
                                "statements": count,
                            })
                        })
                        .collect();
                    json!({ "country": code, "country_name": name_in(&names, code), "signers": signers })
                })
                .collect::<Vec<Value>>()
        };
        // Organisations, then individuals (with the note that affiliations only identify);
        // on the index of a split directory, the countries instead.
        let listed = !split || only.is_some();
        let sections: Vec<Value> = [("organizations", &groups[0], None), ("individuals", &groups[1], Some("affiliation_note"))]
            .into_iter()
            .filter(|(_, g, _)| listed && !g.is_empty())
            .map(|(key, g, note)| {
                json!({ "id": key, "title": strings.text(key), "note": note.map(|n| strings.text(n)), "groups": render_groups(g) })
            })
            .collect();
        let country_list: Vec<Value> = if listed {
            Vec::new()
        } else {
            let mut list: Vec<(&str, usize, usize)> = countries
                .iter()
                .map(|code| {
                    let n = |kind: usize| groups[kind].get(code).map_or(0, Vec::len);
                    (*code, n(0), n(1))
                })
                .collect();
            list.sort_by(|a, b| order.compare(name_in(&names, a.0), name_in(&names, b.0)));
            list.into_iter()
                .map(|(code, organizations, individuals)| {
                    json!({
                        "code": code,
                        "name": name_in(&names, code),
                        "url": self.urls.path(&Urls::country(lang, code)),
                        "organizations": organizations,
                        "individuals": individuals,
                        "signers": organizations + individuals,
                    })
                })
                .collect()
        };
        let country = only.map(|code| json!({ "code": code, "name": name_in(&names, code) }));
        let extra = json!({
            "directory": {
                "summary": strings.directory_summary(counts[0], counts[1], countries.len()),
                "sections": sections,
                "countries": country_list,
                "country": country,
                "index_url": self.urls.path(&Urls::directory(lang)),
            },
        });
        let title = match only {
            Some(code) => strings.text("signers_from").replace("{country}", name_in(&names, code)),
            None => strings.text("signatories").to_owned(),
        };
        PageContext::new("directory", &title, "", extra)
    }

    /// One signer and the public statements it signed, newest first.
    pub(super) fn signer_page(
        &self,
        signatory: &Signatory,
        lang: &Lang,
        page: &str,
    ) -> Result<PageContext, Diagnostic> {
        let strings = self.t(lang);
        let rows = self.listing_rows(lang);
        let statements: Vec<tera::Value> = self
            .plan
            .signed()
            .get(signatory.id.as_str())
            .into_iter()
            .flatten()
            .filter_map(|(statement, signer)| {
                let row = rows.get(statement.id.as_str())?;
                Some(self.row_html(super::SIGNED_ROW, row, signer.since.map(|d| strings.date(d)), lang, page))
            })
            .collect::<Result<_, _>>()?;
        let extra = json!({
            "signer": {
                "id": signatory.id,
                "name": signatory.name.get(lang),
                "kind": signatory.kind,
                "country_name": signatory.country.name(lang.as_str()),
                "website": signatory.url,
                "affiliation": signatory.affiliation.as_ref().map(|a| a.get(lang)),
                "directory_url": self.urls.path(&Urls::directory(lang)),
                "feed_url": self.urls.path(&format!("{}atom.xml", Urls::signer(lang, &signatory.id))),
            },
        });
        let mut ctx = PageContext::new("signer", signatory.name.get(lang), "", extra);
        ctx.extra.insert_value("statements", tera::Value::from(statements));
        // Its feed: the statements it signed, as a list (a signer can sign thousands).
        let rel = Urls::signer(lang, &signatory.id);
        let title = strings.text("signer_feed").replace("{name}", signatory.name.get(lang));
        let signed = self.plan.signed().get(signatory.id.as_str()).into_iter().flatten().map(|(s, _)| *s);
        let entries = self.feed_entries(lang, signed, false);
        let feed = feeds::atom(&self.feed_meta(lang, title.clone(), &rel), &entries);
        ctx.files.push(("atom.xml".to_owned(), feed.into_bytes()));
        ctx.feeds.push(("application/atom+xml", self.urls.path(&format!("{rel}atom.xml")), title));
        Ok(ctx)
    }
}
