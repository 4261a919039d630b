//! Rendering each job: template contexts for pages, and the calls into the feed and
//! sitemap writers.
//!
//! The context names here are the theme's contract; README's theming section lists them.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use jiff::Timestamp;
use serde_json::{Value, json};
use tera::Context;

use super::collate::NameOrder;
use super::data::{self, SignerRecord};
use super::feeds::{self, FeedEntry, FeedMeta};
use super::html::{HtmlOptions, absolute, escape, notes_heading_id, render_document};
use super::i18n::I18n;
use super::plan::{Job, Plan, Version, last_change, page_file};
use super::sitemap;
use super::urls::Urls;
use super::{RenderCache, RenderOptions, Theme};
use crate::error::{Diagnostic, SourceLocation};
use crate::model::{Corpus, Lang, Signatory, SignatoryKind, Signer, Statement, Translation};

/// The feed files of one language, relative to its home.
pub const FEEDS: [(&str, &str, &str); 3] = [
    ("feed.xml", "application/rss+xml", "rss"),
    ("atom.xml", "application/atom+xml", "atom"),
    ("feed.json", "application/feed+json", "json_feed"),
];

/// What every job shares.
pub struct Shared<'a> {
    corpus: &'a Corpus,
    theme: &'a Theme,
    urls: &'a Urls,
    plan: &'a Plan<'a>,
    orders: BTreeMap<Lang, NameOrder>,
    cache: &'a RenderCache,
    options: &'a RenderOptions,
    /// `t` and `site` of each language, converted for the templates once.
    shared_values: BTreeMap<Lang, (tera::Value, tera::Value)>,
}

/// Files produced by one job: path and content.
pub type Files = Vec<(String, Vec<u8>)>;

impl<'a> Shared<'a> {
    /// Prepares what jobs share (one collator per language).
    pub fn new(
        theme: &'a Theme,
        urls: &'a Urls,
        plan: &'a Plan<'a>,
        cache: &'a RenderCache,
        options: &'a RenderOptions,
    ) -> Self {
        let corpus = plan.corpus;
        let orders = corpus.site.languages.iter().map(|l| (l.clone(), NameOrder::new(l))).collect();
        let mut shared = Self { corpus, theme, urls, plan, orders, cache, options, shared_values: BTreeMap::new() };
        shared.shared_values = corpus
            .site
            .languages
            .iter()
            .map(|l| {
                let values =
                    (tera::Value::from_serializable(&theme.i18n[l]), tera::Value::from_serializable(&shared.site(l)));
                (l.clone(), values)
            })
            .collect();
        shared
    }

    /// Renders one job to its output files.
    pub fn render(&self, job: &Job<'_>) -> Result<Files, Diagnostic> {
        match job {
            Job::Feeds(lang) => Ok(self.feeds(lang)),
            Job::Sitemap => Ok(sitemap::files(self.plan, self.urls)),
            _ => self.page(job),
        }
    }

    fn page(&self, job: &Job<'_>) -> Result<Files, Diagnostic> {
        let rel = self.plan.rel(job).unwrap_or_default();
        let path = page_file(&rel);
        let default = self.corpus.site.default_lang();
        let (template, lang, mut ctx) = match job {
            Job::Chooser => ("chooser.html", default, self.chooser()),
            Job::NotFound => ("404.html", default, self.not_found()),
            Job::Index(lang) => ("index.html", *lang, self.index(lang)),
            Job::Page(i, lang) => ("page.html", *lang, self.plain_page(*i, lang)),
            Job::Statement(statement, lang) => match self.plan.version(&statement.id, lang) {
                Some(Version::Written { .. }) => ("statement.html", lang, self.statement(statement, lang)),
                _ => ("notice.html", lang, self.notice(statement, lang)),
            },
            Job::Directory(lang) => ("directory.html", *lang, self.directory(lang)),
            Job::Signer(signatory, lang) => ("signer.html", *lang, self.signer_page(signatory, lang)),
            Job::Feeds(_) | Job::Sitemap => unreachable!("render() handles jobs that are not pages"),
        };
        let (kind, title, description) = &ctx.meta;
        let mut page = self.page_meta(job, kind, lang, title, description, &rel);
        if let Some((published, modified)) = &ctx.times {
            page["og"]["published"] = json!(published);
            page["og"]["modified"] = json!(modified);
        }
        page["jsonld"] = json!(ctx.jsonld);
        if let Some(image) = &ctx.image {
            page["og"]["image"] = json!(image);
        }
        let mut context = Context::new();
        context.insert("lang", lang.as_str());
        let (strings, site) = &self.shared_values[lang];
        context.insert_value("t", strings.clone());
        context.insert_value("site", site.clone());
        context.insert("nav", &self.nav(lang, &path));
        context.insert("page", &page);
        context.extend(std::mem::take(&mut ctx.extra));
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
        let mut files = vec![(path, html.into_bytes())];
        files.extend(ctx.files.into_iter().map(|(name, bytes)| (format!("{rel}{name}"), bytes)));
        Ok(files)
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
            "directory": self.urls.path(&Urls::directory(lang)),
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
                json!({ "title": t.title, "url": self.urls.path(&rel), "current": page_file(&rel) == current })
            })
            .collect();
        Value::Array(items)
    }

    /// `page`: what the head, the switcher and the feed links need.
    fn page_meta(&self, job: &Job<'_>, kind: &str, lang: &Lang, title: &str, description: &str, rel: &str) -> Value {
        let alternates: Vec<Value> = self
            .plan
            .alternates(job)
            .iter()
            .map(|(l, r)| {
                let name = self.t(l).text("language_name");
                json!({ "lang": l.as_str(), "url": self.urls.absolute(r), "name": name, "current": l == lang })
            })
            .collect();
        let strings = self.t(lang);
        let feeds: Vec<Value> = FEEDS
            .iter()
            .map(|(file, mime, key)| {
                let url = self.urls.path(&format!("{}{file}", Urls::home(lang)));
                json!({ "type": mime, "url": url, "title": strings.text(key) })
            })
            .collect();
        let alternate_locales: Vec<String> =
            self.plan.alternates(job).iter().filter(|(l, _)| l != lang).map(|(l, _)| data::og_locale(l)).collect();
        let image = self.corpus.site.image.as_deref().map(|i| absolute(&self.urls.absolute(""), i));
        json!({
            "kind": kind,
            "title": title,
            "description": description,
            "canonical": self.urls.absolute(rel),
            "alternates": alternates,
            "x_default": self.urls.absolute(""),
            "feeds": feeds,
            "og": { "locale": data::og_locale(lang), "alternate_locales": alternate_locales, "image": image },
        })
    }

    fn chooser(&self) -> PageContext {
        let site = &self.corpus.site;
        let lang = site.default_lang();
        let languages: Vec<Value> = site
            .languages
            .iter()
            .map(|l| {
                let url = self.urls.path(&Urls::home(l));
                json!({ "lang": l.as_str(), "name": self.t(l).text("language_name"), "title": site.title.get(l), "url": url })
            })
            .collect();
        PageContext::new("chooser", site.title.get(lang), site.description.get(lang), json!({ "languages": languages }))
    }

    fn not_found(&self) -> PageContext {
        let lang = self.corpus.site.default_lang();
        PageContext::new("404", self.t(lang).text("not_found_title"), "", json!({}))
    }

    fn index(&self, lang: &Lang) -> PageContext {
        let site = &self.corpus.site;
        let statements: Vec<Value> = self
            .plan
            .statements
            .iter()
            .filter_map(|s| {
                let t = match self.plan.version(&s.id, lang)? {
                    Version::Written { .. } => s.translations.get(lang)?,
                    Version::Notice { original, .. } => s.translations.get(&original)?,
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
        PageContext::new("index", site.title.get(lang), site.description.get(lang), json!({ "statements": statements }))
    }

    fn plain_page(&self, i: usize, lang: &Lang) -> PageContext {
        let page = &self.corpus.pages[i];
        let t = &page.translations[lang];
        let options = HtmlOptions {
            prefix: &page.id,
            link_base: "",
            backlink_label: self.t(lang).text("back_to_reference"),
            table_label: self.t(lang).text("table"),
        };
        let rendered = render_document(&t.document, options);
        PageContext::new("page", &t.title, t.summary.as_deref().unwrap_or_default(), json!({ "body": rendered.body }))
    }

    fn statement<'s>(&'s self, statement: &'s Statement, lang: &'s Lang) -> PageContext
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
        let signer = |s: &&'a Signer| {
            let sig = &s.signatory;
            SignerView {
                id: &sig.id,
                name: sig.name.get(lang),
                url: sig.url.as_deref(),
                country: sig.country.code,
                country_name: sig.country.name(lang.as_str()),
                affiliation: sig.affiliation.as_ref().map(|a| a.get(lang)),
                since: s.since.map(|d| strings.date(d)),
            }
        };
        let of_kind =
            |kind| signers.iter().filter(|s| s.signatory.kind == kind).map(signer).collect::<Vec<SignerView<'_>>>();
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
            organizations,
            individuals,
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
        let mut ctx = PageContext::new("statement", &t.title, summary, StatementPage { statement: view });
        let published = self.iso(statement.date);
        let modified = self.iso(last_change(statement, lang, &self.corpus.site.timezone));
        let records: Vec<SignerRecord<'_>> = signers.iter().map(|s| SignerRecord::new(s, lang)).collect();
        let versions: Vec<Value> = self
            .plan
            .versions(&statement.id)
            .into_iter()
            .filter_map(|(l, v)| match v {
                Version::Written { slug } => Some(json!({
                    "lang": l.as_str(),
                    "url": self.urls.absolute(&Urls::statement(&l, &slug)),
                    "title": statement.translations.get(&l).map(|t| t.title.as_str()),
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
        let order = &self.orders[lang];
        let mut signers: Vec<&Signer> = statement.signers.iter().collect();
        signers.sort_by(|a, b| {
            order
                .compare(a.signatory.name.get(lang), b.signatory.name.get(lang))
                .then_with(|| a.signatory.id.cmp(&b.signatory.id))
        });
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

    fn notice(&self, statement: &Statement, lang: &Lang) -> PageContext {
        let Some(original) = statement.original(&self.corpus.site) else {
            return PageContext::new("notice", "", "", json!({}));
        };
        let extra = json!({
            "notice": {
                "original_url": self.urls.path(&Urls::statement(&original.lang, &original.slug)),
                "original_lang": original.lang.as_str(),
                "original_lang_name": self.t(lang).text(&format!("language_{}", original.lang)),
                "original_title": original.title,
            },
        });
        PageContext::new("notice", &original.title, original.summary.as_deref().unwrap_or_default(), extra)
    }

    /// The signer directory: every signer of a public statement, organisations and
    /// individuals apart, grouped by country (in the reader's alphabet).
    fn directory(&self, lang: &Lang) -> PageContext {
        let strings = self.t(lang);
        let order = &self.orders[lang];
        let mut groups: [BTreeMap<&str, Vec<&Signatory>>; 2] = [BTreeMap::new(), BTreeMap::new()];
        for signatory in &self.corpus.registry.signatories {
            if self.plan.signed.contains_key(signatory.id.as_str()) {
                let kind = usize::from(signatory.kind == SignatoryKind::Individual);
                groups[kind].entry(signatory.country.code).or_default().push(signatory);
            }
        }
        let countries: BTreeSet<&str> = groups.iter().flat_map(|g| g.keys().copied()).collect();
        let counts: Vec<usize> = groups.iter().map(|g| g.values().map(Vec::len).sum()).collect();
        let render_groups = |groups: &BTreeMap<&str, Vec<&Signatory>>| {
            let mut list: Vec<(&str, &Vec<&Signatory>)> = groups.iter().map(|(c, v)| (*c, v)).collect();
            let name_of = |code: &str| {
                crate::model::country::Country::from_code(code)
                    .map_or_else(|| code.to_owned(), |c| c.name(lang.as_str()).to_owned())
            };
            list.sort_by(|a, b| order.compare(&name_of(a.0), &name_of(b.0)));
            list.into_iter()
                .map(|(code, signers)| {
                    let mut signers = signers.clone();
                    signers.sort_by(|a, b| {
                        order.compare(a.name.get(lang), b.name.get(lang)).then_with(|| a.id.cmp(&b.id))
                    });
                    let signers: Vec<Value> = signers
                        .iter()
                        .map(|s| {
                            let count = self.plan.signed.get(s.id.as_str()).map_or(0, Vec::len);
                            json!({
                                "id": s.id,
                                "name": s.name.get(lang),
                                "url": self.urls.path(&Urls::signer(lang, &s.id)),
                                "statements": count,
                            })
                        })
                        .collect();
                    json!({ "country": code, "country_name": name_of(code), "signers": signers })
                })
                .collect::<Vec<Value>>()
        };
        let extra = json!({
            "directory": {
                "summary": strings.directory_summary(counts[0], counts[1], countries.len()),
                "organizations": render_groups(&groups[0]),
                "individuals": render_groups(&groups[1]),
            },
        });
        PageContext::new("directory", strings.text("signatories"), "", extra)
    }

    /// One signer and the public statements it signed, newest first.
    fn signer_page(&self, signatory: &Signatory, lang: &Lang) -> PageContext {
        let strings = self.t(lang);
        let statements: Vec<Value> = self
            .plan
            .signed
            .get(signatory.id.as_str())
            .into_iter()
            .flatten()
            .filter_map(|(statement, signer)| {
                let t = match self.plan.version(&statement.id, lang)? {
                    Version::Written { .. } => statement.translations.get(lang)?,
                    Version::Notice { original, .. } => statement.translations.get(&original)?,
                };
                Some(json!({
                    "title": t.title,
                    "url": self.urls.path(&Urls::statement(&t.lang, &t.slug)),
                    "lang": t.lang.as_str(),
                    "lang_name": strings.text(&format!("language_{}", t.lang)),
                    "date_display": strings.date(self.local_date(statement.date)),
                    "date_iso": self.iso(statement.date),
                    "since": signer.since.map(|d| strings.date(d)),
                }))
            })
            .collect();
        let extra = json!({
            "signer": {
                "id": signatory.id,
                "name": signatory.name.get(lang),
                "kind": signatory.kind,
                "country_name": signatory.country.name(lang.as_str()),
                "website": signatory.url,
                "affiliation": signatory.affiliation.as_ref().map(|a| a.get(lang)),
                "directory_url": self.urls.path(&Urls::directory(lang)),
            },
            "statements": statements,
        });
        PageContext::new("signer", signatory.name.get(lang), "", extra)
    }

    /// The three feeds of one language: statements written in it, newest first.
    fn feeds(&self, lang: &Lang) -> Files {
        let site = &self.corpus.site;
        let strings = self.t(lang);
        let home = Urls::home(lang);
        let feed_url = |file: &str| self.urls.absolute(&format!("{home}{file}"));
        let meta = FeedMeta {
            title: site.title.get(lang).to_owned(),
            description: site.description.get(lang).to_owned(),
            lang: lang.to_string(),
            home_url: self.urls.absolute(&home),
            rss_url: feed_url("feed.xml"),
            atom_url: feed_url("atom.xml"),
            json_url: feed_url("feed.json"),
            timezone: site.timezone.clone(),
        };
        let entries: Vec<Arc<FeedEntry>> = self
            .plan
            .statements
            .iter()
            .filter_map(|s| Some((s, s.translations.get(lang)?)))
            .take(site.feed_limit.unwrap_or(usize::MAX))
            .map(|(s, t)| self.cached_feed_entry(s, t, strings))
            .collect();
        vec![
            (format!("{home}feed.xml"), feeds::rss(&meta, &entries).into_bytes()),
            (format!("{home}atom.xml"), feeds::atom(&meta, &entries).into_bytes()),
            (format!("{home}feed.json"), feeds::json_feed(&meta, &entries).into_bytes()),
        ]
    }

    fn cached_feed_entry(&self, statement: &Statement, t: &Translation, strings: &I18n) -> Arc<FeedEntry> {
        let key = (statement.id.clone(), t.lang.clone());
        if let Some(entry) = self.cache.lock().get(&key) {
            return entry.clone();
        }
        let entry = Arc::new(self.feed_entry(statement, t, strings));
        self.cache.lock().insert(key, entry.clone());
        entry
    }

    fn feed_entry(&self, statement: &Statement, t: &Translation, strings: &I18n) -> FeedEntry {
        let url = self.urls.absolute(&Urls::statement(&t.lang, &t.slug));
        let options = HtmlOptions {
            prefix: &statement.id,
            link_base: &url,
            backlink_label: strings.text("back_to_reference"),
            table_label: strings.text("table"),
        };
        let rendered = render_document(&t.document, options);
        let mut content = String::new();
        for c in &t.corrections {
            let line =
                strings.text("correction_format").replace("{date}", &strings.date(c.date)).replace("{note}", &c.note);
            content.push_str("<p><strong>");
            content.push_str(&escape(&line));
            content.push_str("</strong></p>\n");
        }
        if let Some(addressee) = &t.addressee {
            content.push_str(&format!("<p>{}</p>\n", escape(addressee)));
        }
        content.push_str(&rendered.body);
        if !rendered.notes.is_empty() {
            content.push_str(&format!("<h2>{}</h2>\n<ol>\n", escape(strings.text("notes"))));
            for n in &rendered.notes {
                content.push_str(&format!("<li id=\"{}\">{}</li>\n", n.id, n.html));
            }
            content.push_str("</ol>\n");
        }
        FeedEntry {
            id: feeds::entry_id(
                &self.corpus.site.base_url,
                &statement.date.strftime("%Y-%m-%d").to_string(),
                &statement.id,
                t.lang.as_str(),
            ),
            title: t.title.clone(),
            url,
            summary: t.summary.clone(),
            content_html: content,
            published: statement.date,
            updated: last_change(statement, &t.lang, &self.corpus.site.timezone),
            tags: statement.tags.clone(),
        }
    }

    /// "27 June 2019 09:00 CDT": a day in the reader's language, the time and the zone.
    fn date_time(&self, strings: &I18n, at: Timestamp) -> String {
        let local = at.to_zoned_datetime(self.corpus.site.timezone.clone());
        format!("{} {}", strings.date(local.date()), local.strftime("%H:%M %Z"))
    }

    fn local_date(&self, at: Timestamp) -> jiff::civil::Date {
        at.to_zoned_datetime(self.corpus.site.timezone.clone()).date()
    }

    fn iso(&self, at: Timestamp) -> String {
        feeds::rfc3339(at, &self.corpus.site.timezone)
    }
}

/// One signer as a statement page lists it.
#[derive(serde::Serialize)]
struct SignerView<'a> {
    id: &'a str,
    name: &'a str,
    url: Option<&'a str>,
    country: &'a str,
    country_name: &'a str,
    affiliation: Option<&'a str>,
    since: Option<String>,
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
    organizations: Vec<SignerView<'a>>,
    individuals: Vec<SignerView<'a>>,
    tags: &'a [String],
    corrections: Vec<Value>,
    translation_of: Option<Value>,
    stale: Option<Value>,
    banner: Option<String>,
    pdf_url: Option<String>,
    csv_url: String,
    json_url: String,
}

#[derive(serde::Serialize)]
struct StatementPage<'a> {
    statement: StatementView<'a>,
}

/// A page's own context: its kind, title and description, its template variables, and
/// what a statement adds (share-card dates, JSON-LD, data files next to it).
struct PageContext {
    meta: (&'static str, String, String),
    /// The page's own template variables.
    extra: Context,
    /// `(published, modified)` in RFC 3339, for `article:` tags.
    times: Option<(String, String)>,
    /// JSON-LD, already safe to put inside `<script>`.
    jsonld: Option<String>,
    /// Files written next to the page: name and content.
    files: Files,
    /// The page's own share-card image (absolute URL), instead of the site's.
    image: Option<String>,
}

impl PageContext {
    fn new(kind: &'static str, title: &str, description: &str, extra: impl serde::Serialize) -> Self {
        let meta = (kind, title.to_owned(), description.to_owned());
        // The variables are an object by construction, so this cannot fail.
        let extra = Context::from_serialize(&extra).unwrap_or_default();
        Self { meta, extra, times: None, jsonld: None, files: Vec::new(), image: None }
    }
}
