//! The statement page: its template variables, JSON-LD, and the data files beside it.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::{PageContext, Shared};
use crate::model::{Lang, Signatory, SignatoryKind, Signer, Statement, Translation};
use crate::render::data::{self, SignerRecord};
use crate::render::html::{HtmlOptions, notes_heading_id, render_document};
use crate::render::plan::{Version, last_change};
use crate::render::urls::Urls;

impl<'a> Shared<'a> {
    pub(super) fn statement<'s>(&'s self, statement: &'s Statement, lang: &'s Lang) -> PageContext
    where
        's: 'a,
    {
        let t: &Translation = &statement.translations[lang];
        let strings = self.t(lang);
        let options = HtmlOptions {
            prefix: &statement.id,
            link_base: "",
            backlink_label: strings.text("back_to_reference"),
            table_label: strings.text("table"),
        };
        let rendered = render_document(&t.document, options);
        let notes: Vec<Value> = rendered
            .notes
            .iter()
            .map(|n| json!({ "id": n.id, "number": n.number, "html": n.html, "references": n.references }))
            .collect();

        let signers = self.sorted_signers(statement, lang);
        let countries: BTreeSet<&str> = signers.iter().map(|s| s.signatory.country.code).collect();
        let rows = &self.rows[lang].signer;
        let of_kind = |kind| -> Vec<tera::Value> {
            signers
                .iter()
                .filter(|s| s.signatory.kind == kind)
                .filter_map(|s| {
                    let row = rows.get(s.signatory.id.as_str())?;
                    Some(match s.since {
                        Some(since) => super::with_key(row, "since", strings.date(since)),
                        None => row.clone(),
                    })
                })
                .collect()
        };
        let organizations = of_kind(SignatoryKind::Organization);
        let individuals = of_kind(SignatoryKind::Individual);
        // With late signers, the count is dated: "… as of 2 July 2019".
        let mut signers_summary = strings.signed_by(organizations.len(), individuals.len(), countries.len());
        if let Some(latest) = signers.iter().filter_map(|s| s.since).max() {
            signers_summary =
                format!("{signers_summary}, {}", strings.text("as_of").replace("{date}", &strings.date(latest)));
        }
        let sign_on = statement
            .sign_on
            .as_ref()
            .filter(|s| s.until.is_none_or(|u| u > self.options.now))
            .map(|s| json!({ "url": s.url, "until": s.until.map(|u| strings.date(self.local_date(u))) }));

        // A publication time other than midnight is part of the record: show it, with its zone.
        let local = statement.date.to_zoned_datetime(self.corpus.site.timezone.clone());
        let date = if local.time() == jiff::civil::Time::midnight() {
            strings.date(local.date())
        } else {
            self.date_time(strings, statement.date)
        };
        let dateline = match &t.dateline {
            Some(place) => strings.text("dateline_format").replace("{place}", place).replace("{date}", &date),
            None => date,
        };
        let translation_of = statement
            .original(&self.corpus.site)
            .filter(|o| o.lang != *lang)
            .map(|o| json!({ "lang": o.lang.as_str(), "name": self.t(&o.lang).text("language_name") }));
        let corrections: Vec<Value> = t
            .corrections
            .iter()
            .map(|c| json!({ "date": c.date.to_string(), "display": strings.date(c.date), "note": c.note }))
            .collect();
        let stale = statement
            .stale_translations(&self.corpus.site)
            .iter()
            .any(|s| s.lang == *lang)
            .then(|| statement.original(&self.corpus.site))
            .flatten()
            .map(|o| {
                json!({
                    "original_url": self.urls.path(&Urls::statement(&o.lang, &o.slug)),
                    "original_lang": o.lang.as_str(),
                    "original_lang_name": strings.text(&format!("language_{}", o.lang)),
                })
            });
        let updated = Some(last_change(statement, lang, &self.corpus.site.timezone)).filter(|u| *u > statement.date);
        let banner = if statement.draft {
            Some(strings.text("banner_draft").to_owned())
        } else {
            statement
                .embargo
                .filter(|e| *e > self.options.now)
                .map(|e| strings.text("banner_embargo").replace("{date}", &self.date_time(strings, e)))
        };
        let rel = Urls::statement(lang, &t.slug);
        let view = StatementView {
            id: &statement.id,
            title: &t.title,
            summary: t.summary.as_deref(),
            addressee: t.addressee.as_deref(),
            dateline,
            date_iso: self.iso(statement.date),
            updated: updated.map(|u| json!({ "iso": self.iso(u), "display": strings.date(self.local_date(u)) })),
            body: &rendered.body,
            notes,
            notes_id: notes_heading_id(&statement.id),
            signers_summary,
            sign_on,
            tags: &statement.tags,
            corrections,
            translation_of,
            stale,
            banner,
            pdf_url: statement.pdf.get(lang).map(|file| self.urls.path(&format!("{rel}{file}"))),
            csv_url: self.urls.path(&format!("{rel}signatories.csv")),
            json_url: self.urls.path(&format!("{rel}statement.json")),
        };
        let summary = t.summary.as_deref().unwrap_or_default();
        let mut ctx = PageContext::new("statement", &t.title, summary, serde_json::json!({}));
        // The signer rows are shared template values; they join the converted view.
        let mut view = tera::Value::from_serializable(&view).into_map().unwrap_or_default();
        view.insert("organizations".into(), tera::Value::from(organizations));
        view.insert("individuals".into(), tera::Value::from(individuals));
        ctx.extra.insert_value("statement", tera::Value::from(view));
        let published = self.iso(statement.date);
        let modified = self.iso(last_change(statement, lang, &self.corpus.site.timezone));
        let records: Vec<SignerRecord<'_>> = signers.iter().map(|s| SignerRecord::new(s, lang)).collect();
        let versions: Vec<Value> = self
            .plan
            .versions(&statement.id)
            .iter()
            .filter_map(|(l, v)| match v {
                Version::Written { slug } => Some(json!({
                    "lang": l.as_str(),
                    "url": self.urls.absolute(&Urls::statement(l, slug)),
                    "title": statement.translations.get(l).map(|t| t.title.as_str()),
                })),
                Version::Notice { .. } => None,
            })
            .collect();
        let notes: Vec<Value> = t
            .document
            .notes
            .iter()
            .map(|n| {
                let (text, urls) = data::note_sources(n);
                json!({ "number": n.number, "text": text, "urls": urls })
            })
            .collect();
        let url = self.urls.absolute(&Urls::statement(lang, &t.slug));
        ctx.jsonld = Some(data::script_safe(
            &self.json_ld(statement, t, &url, &published, &modified, &records, &versions, &notes),
        ));
        let corrections: Vec<Value> =
            t.corrections.iter().map(|c| json!({ "date": c.date.to_string(), "note": c.note })).collect();
        let document = json!({
            "id": statement.id,
            "lang": lang.as_str(),
            "title": t.title,
            "summary": t.summary,
            "url": url,
            "date_published": published,
            "date_modified": modified,
            "languages": versions,
            "signatories": records,
            "notes": notes,
            "corrections": corrections,
            "tags": statement.tags,
        });
        // Serialising a Value cannot fail.
        let mut json_bytes = serde_json::to_vec_pretty(&document).unwrap_or_default();
        json_bytes.push(b'\n');
        ctx.files = vec![
            ("signatories.csv".to_owned(), data::signatories_csv(&records)),
            ("statement.json".to_owned(), json_bytes),
        ];
        ctx.times = Some((published, modified));
        ctx.image = statement.image.as_ref().map(|file| format!("{url}{file}"));
        ctx
    }

    /// Signers in the reader's alphabetical order (ties broken by id).
    fn sorted_signers<'s>(&self, statement: &'s Statement, lang: &Lang) -> Vec<&'s Signer> {
        let rank = &self.rows[lang].rank;
        let mut signers: Vec<&Signer> = statement.signers.iter().collect();
        signers.sort_by_key(|s| rank.get(s.signatory.id.as_str()).copied().unwrap_or(u32::MAX));
        signers
    }

    /// The statement as a schema.org `Article`.
    #[allow(clippy::too_many_arguments)]
    fn json_ld(
        &self,
        statement: &Statement,
        t: &Translation,
        url: &str,
        published: &str,
        modified: &str,
        signers: &[SignerRecord<'_>],
        versions: &[Value],
        notes: &[Value],
    ) -> Value {
        let site = &self.corpus.site;
        let citations: Vec<Value> = notes
            .iter()
            .flat_map(|n| {
                let name = n["text"].clone();
                n["urls"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .map(move |u| json!({ "@type": "CreativeWork", "name": name, "url": u }))
            })
            .collect();
        let translations: Vec<Value> = versions
            .iter()
            .filter(|v| v["lang"] != t.lang.as_str())
            .map(|v| json!({ "@type": "Article", "url": v["url"], "inLanguage": v["lang"], "headline": v["title"] }))
            .collect();
        let mut article = json!({
            "@context": "https://schema.org",
            "@type": "Article",
            "@id": url,
            "url": url,
            "mainEntityOfPage": url,
            "headline": t.title,
            "datePublished": published,
            "dateModified": modified,
            "inLanguage": t.lang.as_str(),
            "publisher": { "@type": "Organization", "name": site.title.get(&t.lang), "url": self.urls.absolute("") },
            "author": signers.iter().map(data::schema_signer).collect::<Vec<_>>(),
            "keywords": statement.tags,
        });
        if let Some(summary) = &t.summary {
            article["description"] = json!(summary);
        }
        if !citations.is_empty() {
            article["citation"] = json!(citations);
        }
        if !translations.is_empty() {
            let original = statement.original(site).is_some_and(|o| o.lang == t.lang);
            article[if original { "workTranslation" } else { "translationOfWork" }] = json!(translations);
        }
        if !t.corrections.is_empty() {
            let corrections: Vec<Value> = t
                .corrections
                .iter()
                .map(|c| json!({ "@type": "CorrectionComment", "datePublished": c.date.to_string(), "text": c.note }))
                .collect();
            article["correction"] = json!(corrections);
        }
        article
    }
}

/// One signer as a statement page lists it (`since` is set per statement).
pub(super) fn signer_row(signatory: &Signatory, lang: &Lang) -> tera::Value {
    tera::Value::from_serializable(&serde_json::json!({
        "id": signatory.id,
        "name": signatory.name.get(lang),
        "url": signatory.url,
        "country": signatory.country.code,
        "country_name": signatory.country.name(lang.as_str()),
        "affiliation": signatory.affiliation.as_ref().map(|a| a.get(lang)),
        "since": null,
    }))
}

/// `statement`: what statement.html receives (the theming section of the README lists it).
#[derive(serde::Serialize)]
struct StatementView<'a> {
    id: &'a str,
    title: &'a str,
    summary: Option<&'a str>,
    addressee: Option<&'a str>,
    dateline: String,
    date_iso: String,
    updated: Option<Value>,
    body: &'a str,
    notes: Vec<Value>,
    notes_id: String,
    signers_summary: String,
    sign_on: Option<Value>,
    tags: &'a [String],
    corrections: Vec<Value>,
    translation_of: Option<Value>,
    stale: Option<Value>,
    banner: Option<String>,
    pdf_url: Option<String>,
    csv_url: String,
    json_url: String,
}
