//! The statement page: its template variables, JSON-LD, and the data files beside it.

use std::borrow::Cow;
use std::collections::BTreeSet;

use super::{PageContext, Renderer, notes_view, template_map};
use crate::error::Diagnostic;
use crate::markdown::notes::notes_heading_id;
use crate::model::{Lang, Signatory, SignatoryKind, Signer, Statement, Translation};
use crate::render::data::{self, SignerData, SignerRecord};
use crate::render::plan::{Version, last_change};
use crate::render::urls::Urls;

impl<'a> Renderer<'a> {
    pub(super) fn statement(&self, statement: &Statement, lang: &Lang, page: &str) -> Result<PageContext, Diagnostic> {
        let t: &Translation = &statement.translations[lang];
        let strings = self.t(lang);
        let fill = self.page_fill(lang);
        let body = t.document.body.filled(&fill);
        let notes = notes_view(&statement.id, &t.document, &fill);

        let signers = self.sorted_signers(statement, lang);
        let countries: BTreeSet<&str> = signers.iter().map(|s| s.signatory.country.code).collect();
        let rows = &self.signer_rows(lang).1;
        let of_kind = |kind| -> Result<Vec<tera::Value>, Diagnostic> {
            signers
                .iter()
                .filter(|s| s.signatory.kind == kind)
                .filter_map(|s| {
                    let row = &rows.get(s.signatory.id.as_str())?.row;
                    Some(self.row_html(super::SIGNER_ROW, row, s.since.map(|d| strings.date(d)), lang, page))
                })
                .collect()
        };
        let organizations = of_kind(SignatoryKind::Organization)?;
        let individuals = of_kind(SignatoryKind::Individual)?;
        // With late signers, the count is dated: "… as of 2 July 2019".
        let mut signers_summary = strings.signed_by(organizations.len(), individuals.len(), countries.len());
        if let Some(latest) = signers.iter().filter_map(|s| s.since).max() {
            signers_summary =
                format!("{signers_summary}, {}", strings.text("as_of").replace("{date}", &strings.date(latest)));
        }
        let sign_on = statement.sign_on.as_ref().filter(|s| s.until.is_none_or(|u| u > self.options.now)).map(|s| {
            let until = s.until.map(|u| strings.date(self.local_date(u)));
            template_map([("url", s.url.as_str().into()), ("until", until.into())])
        });

        let date = self.shown_date(strings, statement);
        let dateline = match &t.dateline {
            Some(place) => strings.text("dateline_format").replace("{place}", place).replace("{date}", &date),
            None => date,
        };
        let translation_of = statement.original(&self.corpus.site).filter(|o| o.lang != *lang).map(|o| {
            template_map([
                ("lang", o.lang.as_str().into()),
                ("dir", o.lang.dir().into()),
                ("name", self.t(&o.lang).text("language_name").into()),
            ])
        });
        let corrections: Vec<tera::Value> = t
            .corrections
            .iter()
            .map(|c| {
                template_map([
                    ("date", c.date.to_string().into()),
                    ("display", strings.date(c.date).into()),
                    ("note", c.note.as_str().into()),
                ])
            })
            .collect();
        let stale = statement
            .stale_translations(&self.corpus.site)
            .iter()
            .any(|s| s.lang == *lang)
            .then(|| statement.original(&self.corpus.site))
            .flatten()
            .map(|o| {
                template_map([
                    ("original_url", self.urls.path(&Urls::statement(&o.lang, &o.slug)).into()),
                    ("original_lang", o.lang.as_str().into()),
                    ("original_lang_name", strings.language(&o.lang).as_ref().into()),
                ])
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
        let updated = updated
            .map(|u| template_map([("iso", self.iso(u).into()), ("display", strings.date(self.local_date(u)).into())]));
        // Built as template values directly: the body is copied once, not twice.
        let view = template_map([
            ("id", statement.id.as_str().into()),
            ("title", t.title.as_str().into()),
            ("summary", t.summary.as_deref().into()),
            ("addressee", t.addressee.as_deref().into()),
            ("dateline", dateline.into()),
            ("date_iso", self.iso(statement.date).into()),
            ("updated", updated.into()),
            ("body", tera::Value::safe_string(&body)),
            ("notes", notes.into()),
            ("notes_id", notes_heading_id(&statement.id).into()),
            ("signers_summary", signers_summary.into()),
            ("sign_on", sign_on.into()),
            ("tags", statement.tags.iter().map(String::as_str).collect::<Vec<_>>().into()),
            ("topics", self.topic_links(&statement.tags, lang).into()),
            ("corrections", corrections.into()),
            ("translation_of", translation_of.into()),
            ("stale", stale.into()),
            ("banner", banner.into()),
            ("pdf_url", statement.pdf.get(lang).map(|file| self.urls.path(&format!("{rel}{file}"))).into()),
            ("csv_url", self.urls.path(&format!("{rel}signatories.csv")).into()),
            ("json_url", self.urls.path(&format!("{rel}statement.json")).into()),
            // The signer rows are shared template values.
            ("organizations", organizations.into()),
            ("individuals", individuals.into()),
        ]);
        let summary = t.summary.as_deref().unwrap_or_default();
        let mut ctx = PageContext::new("statement", &t.title, summary, serde_json::json!({}));
        ctx.extra.insert_value("statement", view);
        let published = self.iso(statement.date);
        let modified = self.iso(last_change(statement, lang, &self.corpus.site.timezone));
        // Each signer's share of the data files, shared unless it joined late.
        let records: Vec<Cow<'_, SignerData>> = signers
            .iter()
            .map(|s| match (s.since, rows.get(s.signatory.id.as_str())) {
                (None, Some(row)) => {
                    Cow::Borrowed(row.data.get_or_init(|| SignerData::new(&SignerRecord::new(s, lang))))
                }
                _ => Cow::Owned(SignerData::new(&SignerRecord::new(s, lang))),
            })
            .collect();
        let versions: Vec<data::VersionRecord<'_>> = self
            .plan
            .versions(&statement.id)
            .iter()
            .filter_map(|(l, v)| match v {
                Version::Written { slug } => Some(data::VersionRecord {
                    lang: l.as_str(),
                    title: statement.translations.get(l).map(|t| t.title.as_str()),
                    url: self.urls.absolute(&Urls::statement(l, slug)),
                }),
                Version::Notice { .. } => None,
            })
            .collect();
        let notes: Vec<data::NoteRecord> = t.document.notes.iter().map(data::NoteRecord::new).collect();
        let url = self.urls.absolute(&Urls::statement(lang, &t.slug));
        let article = self.json_ld(statement, t, &url, (&published, &modified), &records, &versions, &notes);
        // Serialising these types cannot fail.
        ctx.jsonld = Some(data::script_safe(&serde_json::to_string(&article).unwrap_or_default()));
        let document = data::StatementRecord {
            corrections: t
                .corrections
                .iter()
                .map(|c| data::CorrectionRecord { date: c.date.to_string(), note: &c.note })
                .collect(),
            date_modified: &modified,
            date_published: &published,
            id: &statement.id,
            lang: lang.as_str(),
            languages: &versions,
            notes: &notes,
            signatories: records.iter().map(|r| r.json()).collect(),
            summary: t.summary.as_deref(),
            tags: &statement.tags,
            title: &t.title,
            url: &url,
        };
        // Most of the file is its signers' entries: room for them, so it is never copied as
        // it grows.
        let mut json_bytes = Vec::with_capacity(
            records.iter().map(|r| r.json().get().len() + 6).sum::<usize>()
                + notes.iter().map(|n| n.text.len() + 64).sum::<usize>()
                + 4096,
        );
        // Serialising these types cannot fail.
        let _ = serde_json::to_writer_pretty(&mut json_bytes, &document);
        json_bytes.push(b'\n');
        ctx.files = vec![
            ("signatories.csv".to_owned(), data::signatories_csv(records.iter().map(AsRef::as_ref))),
            ("statement.json".to_owned(), json_bytes),
        ];
        ctx.times = Some((published, modified));
        ctx.image = match &statement.image {
            Some(file) => Some((format!("{url}{file}"), None)),
            None => match self.card(statement, lang)? {
                Some(card) => {
                    let (image, alt) = self.card_image(&card, &url, statement, t);
                    Some((image, Some(alt)))
                }
                None => None,
            },
        };
        Ok(ctx)
    }

    /// The statement's date as its page shows it: a publication time other than midnight
    /// is part of the record, shown with its zone.
    pub(super) fn shown_date(&self, strings: &crate::render::i18n::I18n, statement: &Statement) -> String {
        let local = statement.date.to_zoned_datetime(self.corpus.site.timezone.clone());
        if local.time() == jiff::civil::Time::midnight() {
            strings.date(local.date())
        } else {
            self.date_time(strings, statement.date)
        }
    }

    /// Signers in the reader's alphabetical order (ties broken by id).
    fn sorted_signers<'s>(&self, statement: &'s Statement, lang: &Lang) -> Vec<&'s Signer> {
        let rank = &self.signer_rows(lang).0;
        let mut ranked: Vec<(u32, &Signer)> = statement
            .signers
            .iter()
            .map(|s| (rank.get(s.signatory.id.as_str()).copied().unwrap_or(u32::MAX), s))
            .collect();
        ranked.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.signatory.id.cmp(&b.1.signatory.id)));
        ranked.into_iter().map(|(_, s)| s).collect()
    }

    /// The statement as a schema.org `Article`.
    #[allow(clippy::too_many_arguments)]
    fn json_ld<'v>(
        &self,
        statement: &'v Statement,
        t: &'v Translation,
        url: &'v str,
        (published, modified): (&'v str, &'v str),
        signers: &'v [Cow<'v, SignerData>],
        versions: &'v [data::VersionRecord<'v>],
        notes: &'v [data::NoteRecord<'v>],
    ) -> data::Article<'v>
    where
        'a: 'v,
    {
        let site = &self.corpus.site;
        let citations = notes
            .iter()
            .flat_map(|n| n.urls.iter().map(|u| data::Citation { kind: "CreativeWork", name: n.text, url: u }))
            .collect();
        let translations: Vec<data::ArticleVersion<'_>> = versions
            .iter()
            .filter(|v| v.lang != t.lang.as_str())
            .map(|v| data::ArticleVersion { kind: "Article", headline: v.title, in_language: v.lang, url: &v.url })
            .collect();
        let original = statement.original(site).is_some_and(|o| o.lang == t.lang);
        let (work_translation, translation_of_work) = match (translations.is_empty(), original) {
            (true, _) => (None, None),
            (false, true) => (Some(translations), None),
            (false, false) => (None, Some(translations)),
        };
        data::Article {
            context: "https://schema.org",
            id: url,
            kind: "Article",
            author: signers.iter().map(|s| s.ld()).collect(),
            citation: citations,
            correction: t
                .corrections
                .iter()
                .map(|c| data::ArticleCorrection {
                    kind: "CorrectionComment",
                    date_published: c.date.to_string(),
                    text: &c.note,
                })
                .collect(),
            date_modified: modified,
            date_published: published,
            description: t.summary.as_deref(),
            headline: &t.title,
            in_language: t.lang.as_str(),
            keywords: &statement.tags,
            main_entity_of_page: url,
            publisher: data::Publisher {
                kind: "Organization",
                name: site.title.get(&t.lang),
                url: self.urls.absolute(""),
            },
            translation_of_work,
            url,
            work_translation,
        }
    }
}

/// One signer as a statement page lists it (`since` is set per statement).
pub(super) fn signer_row(signatory: &Signatory, lang: &Lang) -> tera::Value {
    super::template_map([
        ("id", signatory.id.as_str().into()),
        ("kind", signatory.kind.as_str().into()),
        ("name", signatory.name.get(lang).into()),
        ("url", signatory.url.as_deref().into()),
        ("country", signatory.country.code.into()),
        ("country_name", signatory.country.name(lang.as_str()).into()),
        ("affiliation", signatory.affiliation.as_ref().map(|a| a.get(lang)).into()),
        ("since", tera::Value::none()),
    ])
}
