//! Template contexts for each kind of page, and the call into Tera.
//!
//! The names here are the theme's contract: README's theming section lists them.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Value, json};
use tera::Context;

use super::collate::NameOrder;
use super::html::{HtmlOptions, notes_heading_id, render_document};
use super::i18n::I18n;
use super::urls::Urls;
use super::{Job, Plan, Theme, Version, job_path};
use crate::error::{Diagnostic, SourceLocation};
use crate::model::{Corpus, Lang, SignatoryKind, Statement, Translation};

/// What every page job shares.
pub struct Shared<'a> {
    corpus: &'a Corpus,
    theme: &'a Theme,
    urls: &'a Urls,
    plan: &'a Plan<'a>,
    orders: BTreeMap<Lang, NameOrder>,
}

impl<'a> Shared<'a> {
    /// Prepares what pages share (one collator per language).
    pub fn new(corpus: &'a Corpus, theme: &'a Theme, urls: &'a Urls, plan: &'a Plan<'a>) -> Self {
        let orders = corpus.site.languages.iter().map(|l| (l.clone(), NameOrder::new(l))).collect();
        Self { corpus, theme, urls, plan, orders }
    }

    /// Renders one job to its output path and bytes.
    pub fn render(&self, job: &Job<'_>) -> Result<(String, Vec<u8>), Diagnostic> {
        let path = job_path(job, self.plan, self.corpus);
        let default = self.corpus.site.default_lang();
        let (template, lang, ctx) = match job {
            Job::Chooser => ("chooser.html", default, self.chooser()),
            Job::NotFound => ("404.html", default, self.not_found()),
            Job::Index(lang) => ("index.html", *lang, self.index(lang)),
            Job::Page(i, lang) => ("page.html", *lang, self.page(*i, lang)),
            Job::Statement(statement, lang) => {
                match self.plan.versions(&statement.id).into_iter().find(|(l, _)| l == lang) {
                    Some((_, Version::Written { .. })) => ("statement.html", lang, self.statement(statement, lang)),
                    _ => ("notice.html", lang, self.notice(statement, lang)),
                }
            }
        };
        let mut context = Context::new();
        context.insert("lang", lang.as_str());
        context.insert("t", &self.theme.i18n[lang]);
        context.insert("site", &self.site(lang));
        context.insert("nav", &self.nav(lang, &path));
        if let Value::Object(map) = ctx {
            for (k, v) in map {
                context.insert(k, &v);
            }
        }
        let html = self.theme.tera.render(template, &context).map_err(|e| {
            let (at, message) = match e.kind() {
                tera::ErrorKind::RenderingError(report) => {
                    let span = report.span();
                    let file = self.theme.path_of(report.filename());
                    (SourceLocation::new(file, span.start_line.max(1), span.start_col + 1), report.message().to_owned())
                }
                _ => (SourceLocation::file(self.theme.path_of(template)), e.to_string()),
            };
            Diagnostic::error(at, format!("the template failed while rendering {path}: {message}"))
        })?;
        Ok((path, html.into_bytes()))
    }

    fn t(&self, lang: &Lang) -> &I18n {
        &self.theme.i18n[lang]
    }

    fn site(&self, lang: &Lang) -> Value {
        let site = &self.corpus.site;
        json!({
            "title": site.title.get(lang),
            "description": site.description.get(lang),
            "root": self.urls.root(),
            "home": self.urls.path(&Urls::home(lang)),
            "press_contact": site.press_contact,
        })
    }

    fn nav(&self, lang: &Lang, current: &str) -> Value {
        let items: Vec<Value> = self
            .corpus
            .pages
            .iter()
            .filter_map(|p| p.translations.get(lang))
            .map(|t| {
                let rel = Urls::page(lang, &t.slug);
                json!({ "title": t.title, "url": self.urls.path(&rel), "current": super::urls::output_file(&rel) == current })
            })
            .collect();
        Value::Array(items)
    }

    /// `page`: what the head and the language switcher need.
    fn page_meta(
        &self,
        kind: &str,
        lang: &Lang,
        title: &str,
        description: &str,
        rel: &str,
        alternates: &[(Lang, String)],
    ) -> Value {
        let alternates: Vec<Value> = alternates
            .iter()
            .map(|(l, r)| {
                json!({ "lang": l.as_str(), "url": self.urls.absolute(r), "name": self.t(l).text("language_name"), "current": l == lang })
            })
            .collect();
        json!({
            "kind": kind,
            "title": title,
            "description": description,
            "canonical": self.urls.absolute(rel),
            "alternates": alternates,
            "x_default": self.urls.absolute(""),
            "feeds": [],
        })
    }

    fn homes(&self) -> Vec<(Lang, String)> {
        self.corpus.site.languages.iter().map(|l| (l.clone(), Urls::home(l))).collect()
    }

    fn chooser(&self) -> Value {
        let site = &self.corpus.site;
        let lang = site.default_lang();
        let languages: Vec<Value> = site
            .languages
            .iter()
            .map(|l| json!({ "lang": l.as_str(), "name": self.t(l).text("language_name"), "title": site.title.get(l), "url": self.urls.path(&Urls::home(l)) }))
            .collect();
        json!({
            "page": self.page_meta("chooser", lang, site.title.get(lang), site.description.get(lang), "", &self.homes()),
            "languages": languages,
        })
    }

    fn not_found(&self) -> Value {
        let lang = self.corpus.site.default_lang();
        json!({ "page": self.page_meta("404", lang, self.t(lang).text("not_found_title"), "", "404.html", &[]) })
    }

    fn index(&self, lang: &Lang) -> Value {
        let site = &self.corpus.site;
        let statements: Vec<Value> = self
            .plan
            .statements
            .iter()
            .filter_map(|s| {
                let (_, version) = self.plan.versions(&s.id).into_iter().find(|(l, _)| l == lang)?;
                let t = match &version {
                    Version::Written { .. } => s.translations.get(lang)?,
                    Version::Notice { original, .. } => s.translations.get(original)?,
                };
                Some(json!({
                    "title": t.title,
                    "url": self.urls.path(&Urls::statement(&t.lang, &t.slug)),
                    "date_display": self.t(lang).date(self.local_date(s.date)),
                    "date_iso": self.iso(s.date),
                    "summary": t.summary,
                    "lang": t.lang.as_str(),
                    "lang_name": self.t(lang).text(&format!("language_{}", t.lang)),
                }))
            })
            .collect();
        json!({
            "page": self.page_meta("index", lang, site.title.get(lang), site.description.get(lang), &Urls::home(lang), &self.homes()),
            "statements": statements,
        })
    }

    fn page(&self, i: usize, lang: &Lang) -> Value {
        let page = &self.corpus.pages[i];
        let t = &page.translations[lang];
        let alternates: Vec<(Lang, String)> =
            page.translations.iter().map(|(l, t)| (l.clone(), Urls::page(l, &t.slug))).collect();
        let rendered = render_document(
            &t.document,
            HtmlOptions { prefix: &page.id, link_base: "", backlink_label: self.t(lang).text("back_to_reference") },
        );
        json!({
            "page": self.page_meta("page", lang, &t.title, t.summary.as_deref().unwrap_or_default(), &Urls::page(lang, &t.slug), &alternates),
            "body": rendered.body,
        })
    }

    fn statement_alternates(&self, statement: &Statement) -> Vec<(Lang, String)> {
        self.plan
            .versions(&statement.id)
            .into_iter()
            .map(|(l, v)| {
                let slug = match v {
                    Version::Written { slug } | Version::Notice { slug, .. } => slug,
                };
                let rel = Urls::statement(&l, &slug);
                (l, rel)
            })
            .collect()
    }

    fn statement(&self, statement: &Statement, lang: &Lang) -> Value {
        let t: &Translation = &statement.translations[lang];
        let strings = self.t(lang);
        let rel = Urls::statement(lang, &t.slug);
        let rendered = render_document(
            &t.document,
            HtmlOptions { prefix: &statement.id, link_base: "", backlink_label: strings.text("back_to_reference") },
        );
        let notes: Vec<Value> = rendered
            .notes
            .iter()
            .map(|n| json!({ "id": n.id, "number": n.number, "html": n.html, "references": n.references }))
            .collect();

        let order = &self.orders[lang];
        let mut signers: Vec<_> = statement.signers.iter().collect();
        signers.sort_by(|a, b| {
            order
                .compare(a.signatory.name.get(lang), b.signatory.name.get(lang))
                .then_with(|| a.signatory.id.cmp(&b.signatory.id))
        });
        let countries: BTreeSet<&str> = signers.iter().map(|s| s.signatory.country.code).collect();
        let signer = |s: &&crate::model::Signer| {
            let sig = &s.signatory;
            json!({
                "id": sig.id,
                "name": sig.name.get(lang),
                "url": sig.url,
                "country": sig.country.code,
                "country_name": sig.country.name(lang.as_str()),
                "affiliation": sig.affiliation.as_ref().map(|a| a.get(lang)),
                "since": s.since.map(|d| strings.date(d)),
            })
        };
        let organizations: Vec<Value> =
            signers.iter().filter(|s| s.signatory.kind == SignatoryKind::Organization).map(signer).collect();
        let individuals: Vec<Value> =
            signers.iter().filter(|s| s.signatory.kind == SignatoryKind::Individual).map(signer).collect();

        let date = strings.date(self.local_date(statement.date));
        let dateline = match &t.dateline {
            Some(place) => strings.text("dateline_format").replace("{place}", place).replace("{date}", &date),
            None => date,
        };
        let original = statement.original(&self.corpus.site);
        let translation_of = original
            .filter(|o| o.lang != *lang)
            .map(|o| json!({ "lang": o.lang.as_str(), "name": self.t(&o.lang).text("language_name") }));
        let corrections: Vec<Value> = t
            .corrections
            .iter()
            .map(|c| json!({ "date": c.date.to_string(), "display": strings.date(c.date), "note": c.note }))
            .collect();
        json!({
            "page": self.page_meta("statement", lang, &t.title, t.summary.as_deref().unwrap_or_default(), &rel, &self.statement_alternates(statement)),
            "statement": {
                "id": statement.id,
                "title": t.title,
                "summary": t.summary,
                "addressee": t.addressee,
                "dateline": dateline,
                "date_iso": self.iso(statement.date),
                "updated": statement.updated.map(|u| json!({ "iso": self.iso(u), "display": strings.date(self.local_date(u)) })),
                "body": rendered.body,
                "notes": notes,
                "notes_id": notes_heading_id(&statement.id),
                "signers_summary": strings.signed_by(organizations.len(), individuals.len(), countries.len()),
                "organizations": organizations,
                "individuals": individuals,
                "tags": statement.tags,
                "corrections": corrections,
                "translation_of": translation_of,
            },
        })
    }

    fn notice(&self, statement: &Statement, lang: &Lang) -> Value {
        let original = statement.original(&self.corpus.site);
        let (title, orig_lang, orig_slug, summary) = original.map_or(("", "", "", ""), |o| {
            (o.title.as_str(), o.lang.as_str(), o.slug.as_str(), o.summary.as_deref().unwrap_or_default())
        });
        let orig = Lang::parse(orig_lang).unwrap_or_else(|| lang.clone());
        json!({
            "page": self.page_meta("notice", lang, title, summary, &Urls::statement(lang, orig_slug), &self.statement_alternates(statement)),
            "notice": {
                "original_url": self.urls.path(&Urls::statement(&orig, orig_slug)),
                "original_lang": orig_lang,
                "original_lang_name": self.t(lang).text(&format!("language_{orig_lang}")),
                "original_title": title,
            },
        })
    }

    fn zone(&self) -> &TimeZone {
        &self.corpus.site.timezone
    }

    fn local_date(&self, at: Timestamp) -> jiff::civil::Date {
        at.to_zoned_datetime(self.zone().clone()).date()
    }

    fn iso(&self, at: Timestamp) -> String {
        at.to_zoned_datetime(self.zone().clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }
}
