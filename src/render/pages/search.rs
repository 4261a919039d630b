//! Search: each language's search page, and the records of the search index (what each
//! statement gives it in each language it is written in).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use super::{PageContext, Renderer, template_map};
use crate::model::{Lang, SignatoryKind, Statement};
use crate::render::plan::Version;
use crate::render::search::{self, Record};
use crate::render::urls::Urls;

/// The filters of the index, with the UI string that labels each.
pub const FILTERS: [(&str, &str); 4] =
    [("topic", "filter_topic"), ("year", "filter_year"), ("kind", "filter_kind"), ("country", "filter_country")];

impl Renderer<'_> {
    /// A language's search page: the form, the filters with every value the index holds
    /// in that language, and the archive's years and topics for readers without
    /// JavaScript.
    pub(super) fn search_page(&self, lang: &Lang) -> PageContext {
        let strings = self.t(lang);
        let order = &self.orders[lang];
        let mut values: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for statement in self.written_in(lang) {
            for (name, list) in self.search_filters(statement, lang) {
                values.entry(name).or_default().extend(list);
            }
        }
        let filters: Vec<tera::Value> = FILTERS
            .iter()
            .map(|(name, key)| {
                let mut list: Vec<String> = values.remove(name).unwrap_or_default().into_iter().collect();
                if *name == "year" {
                    list.reverse();
                } else {
                    list.sort_by(|a, b| order.compare(a, b));
                }
                template_map([("name", (*name).into()), ("label", strings.text(key).into()), ("values", list.into())])
            })
            .collect();
        let search = template_map([
            ("bundle", self.urls.path(&format!("{}pagefind.js", search::FOLDER)).into()),
            // Under its hashed name, cached for a year like the stylesheet.
            ("script", self.assets.get("search.js").cloned().unwrap_or_else(|| self.urls.path("search.js")).into()),
            ("results", strings.plural_json("count_results").into()),
            ("filters", filters.into()),
        ]);
        let mut ctx = PageContext::new("search", strings.text("search"), "", json!({}));
        ctx.extra.insert_value("search", search);
        ctx.extra.insert_value("years", self.years(lang, None));
        ctx
    }

    /// The public statements written in `lang` (a notice page is not indexed: the original
    /// is, in its own language).
    fn written_in<'s>(&'s self, lang: &'s Lang) -> impl Iterator<Item = &'s Statement> + 's {
        self.plan
            .statements
            .iter()
            .copied()
            .filter(move |s| matches!(self.plan.version(&s.id, lang), Some(Version::Written { .. })))
    }

    /// A statement's values of each filter in `lang`: its topics' labels, its year, the
    /// kinds and the countries of its signers.
    fn search_filters(&self, statement: &Statement, lang: &Lang) -> BTreeMap<&'static str, Vec<String>> {
        let site = &self.corpus.site;
        let strings = self.t(lang);
        let topics = statement.tags.iter().map(|t| site.topic_label(t, lang).to_owned()).collect();
        let year = statement.date.to_zoned_datetime(site.timezone.clone()).year();
        let kinds: BTreeSet<SignatoryKind> = statement.signers.iter().map(|s| s.signatory.kind).collect();
        let kinds = kinds
            .into_iter()
            .map(|k| {
                strings.text(match k {
                    SignatoryKind::Organization => "organizations",
                    SignatoryKind::Individual => "individuals",
                })
            })
            .map(str::to_owned)
            .collect();
        let countries: BTreeSet<&str> =
            statement.signers.iter().map(|s| s.signatory.country.name(lang.as_str())).collect();
        BTreeMap::from([
            ("topic", topics),
            ("year", vec![year.to_string()]),
            ("kind", kinds),
            ("country", countries.into_iter().map(str::to_owned).collect()),
        ])
    }

    /// Every record of the search index: each public statement in each language it is
    /// written in, in the plan's order.
    pub fn search_records(&self) -> Vec<Record> {
        let mut records = Vec::new();
        for lang in &self.corpus.site.languages {
            let strings = self.t(lang);
            for statement in self.written_in(lang) {
                let Some(t) = statement.translations.get(lang) else { continue };
                let mut content = String::with_capacity(t.document.body.text.len() + 256);
                for part in [Some(&t.title), t.summary.as_ref(), t.addressee.as_ref(), t.dateline.as_ref()] {
                    content.extend(part.map(|p| format!("{p}\n")));
                }
                search::text::push_text(&t.document.body.text, &mut content);
                for note in &t.document.notes {
                    content.push('\n');
                    content.push_str(&note.text);
                }
                for signer in &statement.signers {
                    content.push('\n');
                    content.push_str(signer.signatory.name.get(lang));
                }
                let iso = self.iso(statement.date);
                let meta = BTreeMap::from([
                    ("title".to_owned(), t.title.clone()),
                    ("date".to_owned(), strings.date(self.local_date(statement.date))),
                    ("iso".to_owned(), iso.clone()),
                ]);
                let filters = self
                    .search_filters(statement, lang)
                    .into_iter()
                    .filter(|(_, values)| !values.is_empty())
                    .map(|(name, values)| (name.to_owned(), values))
                    .collect();
                records.push(Record {
                    // Pagefind's browser code finds the index by the page's `lang`, lowercased.
                    lang: lang.as_str().to_ascii_lowercase(),
                    url: Urls::statement(lang, &t.slug),
                    content,
                    meta,
                    filters,
                    sort: BTreeMap::from([("date".to_owned(), iso)]),
                });
            }
        }
        records
    }
}
