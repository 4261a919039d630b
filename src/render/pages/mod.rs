//! Rendering each job: template contexts for pages, and the calls into the feed and
//! sitemap writers. Statement pages, the signer directory and the feeds have files of
//! their own below.
//!
//! The context names here are the theme's contract; README's theming section lists them.

mod archive;
mod directory;
mod feed_job;
mod rows;
mod search;
mod share;
mod statement;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use serde_json::{Value, json};
use tera::Context;

use super::card;
use super::collate::NameOrder;
use super::data::{self};
use super::feeds::{self};
use super::i18n::I18n;
use super::plan::{Job, Plan, Version};
use super::sitemap;
use super::urls::{Urls, absolute, output_file};
use super::{RenderOptions, Theme};
use crate::error::{Diagnostic, SourceLocation};
use crate::markdown::Fill;
use crate::markdown::notes::{note_id, notes_heading_id, reference_ids};
use crate::model::{Corpus, Document, Lang, Statement};
use rows::{Rows, SIGNED_ROW, SIGNER_ROW};

/// The feed files of one language, relative to its home.
pub const FEEDS: [(&str, &str, &str); 3] = [
    ("feed.xml", "application/rss+xml", "rss"),
    ("atom.xml", "application/atom+xml", "atom"),
    ("feed.json", "application/feed+json", "json_feed"),
];

/// Renders jobs: what every job shares (the theme, the plan, rows shown on many pages).
pub struct Renderer<'a> {
    corpus: &'a Corpus,
    theme: &'a Theme,
    urls: &'a Urls,
    plan: &'a Plan<'a>,
    orders: BTreeMap<Lang, NameOrder>,
    options: &'a RenderOptions,
    /// `t` and `site` of each language, converted for the templates once.
    shared_values: BTreeMap<Lang, (tera::Value, tera::Value)>,
    /// Each theme file's address under its hashed name, by its own name (`site.assets`).
    assets: BTreeMap<String, String>,
    /// Per language, what many pages show again and again, worked out once, when first
    /// needed (a preview after an edit may need none of it).
    rows: BTreeMap<Lang, Rows<'a>>,
    /// Each statement's share card per language, once its SVG is rendered: the page names
    /// it (`og:image?v=`) and the card work draws or keeps it, from one rendering.
    cards: Mutex<crate::hash::HashMap<(String, Lang), Card>>,
}

/// A statement's card in one language, or `None` if it has none (see [`Renderer::card`]).
type Card = Option<Arc<card::Source>>;

/// Files produced by one job: path and content.
pub type Files = Vec<(String, Vec<u8>)>;

impl<'a> Renderer<'a> {
    /// Prepares what jobs share (one collator per language).
    pub fn new(
        theme: &'a Theme,
        urls: &'a Urls,
        plan: &'a Plan<'a>,
        options: &'a RenderOptions,
        assets: BTreeMap<String, String>,
    ) -> Self {
        let corpus = plan.corpus;
        let orders = corpus.site.languages.iter().map(|l| (l.clone(), NameOrder::new(l))).collect();
        let mut shared = Self {
            corpus,
            theme,
            urls,
            plan,
            orders,
            options,
            shared_values: BTreeMap::new(),
            rows: corpus.site.languages.iter().map(|l| (l.clone(), Rows::default())).collect(),
            assets,
            cards: Mutex::default(),
        };
        shared.shared_values = corpus
            .site
            .languages
            .iter()
            .map(|l| {
                let values = (
                    tera::Value::from_serializable(&theme.i18n[l]),
                    tera::Value::from_serializable(&shared.site(l, &shared.assets)),
                );
                (l.clone(), values)
            })
            .collect();
        shared
    }

    /// How the documents of a page in `lang` are filled: links as written, the theme's labels.
    fn page_fill(&self, lang: &Lang) -> Fill<'_> {
        let strings = self.t(lang);
        Fill::page(strings.text("back_to_reference"), strings.text("table"))
    }

    /// A template's failure while rendering the page `page`, located in the template.
    fn template_error(&self, template: &str, e: &tera::Error, page: &str) -> Diagnostic {
        let (at, message) = match e.kind() {
            tera::ErrorKind::RenderingError(report) => {
                let span = report.span();
                let file = self.theme.path_of(report.filename());
                (SourceLocation::new(file, span.start_line.max(1), span.start_col + 1), report.message().to_owned())
            }
            _ => (SourceLocation::file(self.theme.path_of(template)), e.to_string()),
        };
        Diagnostic::error(at, format!("the template failed while rendering {page}: {message}"))
    }

    /// Renders one job to its output files (the feeds have [`Renderer::feeds`], the search
    /// index [`Renderer::search_records`]).
    pub fn render(&self, job: &Job<'_>) -> Result<Files, Diagnostic> {
        match job {
            Job::Sitemap => Ok(sitemap::files(self.plan, self.urls)),
            Job::TopicFeeds(lang, tag) => Ok(self.topic_feeds(lang, tag)),
            _ => self.page(job),
        }
    }

    fn page(&self, job: &Job<'_>) -> Result<Files, Diagnostic> {
        let rel = self.plan.rel(job).unwrap_or_default();
        let path = output_file(&rel);
        let default = self.corpus.site.default_lang();
        let (template, lang, mut ctx) = match job {
            Job::Chooser => ("chooser.html", default, self.chooser()),
            Job::NotFound => ("404.html", default, self.not_found()),
            Job::Index(lang) => ("index.html", *lang, self.index(lang)),
            Job::Page(i, lang) => ("page.html", *lang, self.plain_page(*i, lang)),
            Job::Statement(statement, lang) => match self.plan.version(&statement.id, lang) {
                Some(Version::Written { .. }) => ("statement.html", lang, self.statement(statement, lang, &path)?),
                _ => ("notice.html", lang, self.notice(statement, lang)),
            },
            Job::Directory(lang) => ("directory.html", *lang, self.directory(lang, None)),
            Job::Country(lang, code) => ("directory.html", *lang, self.directory(lang, Some(code))),
            Job::Signer(signatory, lang) => ("signer.html", *lang, self.signer_page(signatory, lang, &path)?),
            Job::Topics(lang) => ("topics.html", *lang, self.topics(lang)),
            Job::Topic(lang, tag, n) => ("topic.html", *lang, self.topic(lang, tag, *n)),
            Job::Year(lang, year, n) => ("year.html", *lang, self.year(lang, *year, *n)),
            Job::Search(lang) => ("search.html", *lang, self.search_page(lang)),
            Job::Feeds(_) | Job::Sitemap | Job::TopicFeeds(..) | Job::SearchIndex => {
                unreachable!("feeds() and render() handle the jobs that are not pages")
            }
        };
        let page = self.page_meta(job, lang, &rel, &mut ctx);
        let mut context = self.language_context(lang);
        context.insert_value("nav", self.nav(lang, &path));
        context.insert_value("page", page);
        context.extend(std::mem::take(&mut ctx.extra));
        // Written as bytes: Tera writes only text, and the bytes are what goes to disk.
        let mut html = Vec::with_capacity(32 * 1024);
        self.theme
            .tera
            .render_to(template, &context, &mut html)
            .map_err(|e| self.template_error(template, &e, &path))?;
        let mut files = vec![(path, html)];
        files.extend(ctx.files.into_iter().map(|(name, bytes)| (format!("{rel}{name}"), bytes)));
        Ok(files)
    }

    /// What every template of `lang` receives: `lang`, `dir`, `t` and `site`.
    fn language_context(&self, lang: &Lang) -> Context {
        let mut context = Context::new();
        context.insert("lang", lang.as_str());
        context.insert("dir", lang.dir());
        let (strings, site) = &self.shared_values[lang];
        context.insert_value("t", strings.clone());
        context.insert_value("site", site.clone());
        context
    }

    fn t(&self, lang: &Lang) -> &I18n {
        &self.theme.i18n[lang]
    }

    fn site(&self, lang: &Lang, assets: &BTreeMap<String, String>) -> Value {
        let site = &self.corpus.site;
        json!({
            "title": site.title.get(lang),
            "description": site.description.get(lang),
            "root": self.urls.root(),
            "home": self.urls.path(&Urls::home(lang)),
            "directory": self.urls.path(&Urls::directory(lang)),
            "topics": self.urls.path(&Urls::topics(lang)),
            "search": self.urls.path(&Urls::search(lang)),
            "press_contact": site.press_contact,
            "assets": assets,
        })
    }

    fn nav(&self, lang: &Lang, current: &str) -> tera::Value {
        let items: Vec<tera::Value> = self
            .corpus
            .pages
            .iter()
            .filter_map(|p| p.translations.get(lang))
            .map(|t| {
                let rel = Urls::page(lang, &t.slug);
                let current = output_file(&rel) == current;
                template_map([
                    ("title", t.title.as_str().into()),
                    ("url", self.urls.path(&rel).into()),
                    ("current", current.into()),
                ])
            })
            .collect();
        items.into()
    }

    /// `page`: what the head, the switcher and the feed links need (the page's JSON-LD is
    /// moved out of `ctx`).
    fn page_meta(&self, job: &Job<'_>, lang: &Lang, rel: &str, ctx: &mut PageContext) -> tera::Value {
        let (kind, title, description) = &ctx.meta;
        let alternates = self.plan.alternates(job);
        let listed: Vec<tera::Value> = alternates
            .iter()
            .map(|(l, r)| {
                template_map([
                    ("lang", l.as_str().into()),
                    ("dir", l.dir().into()),
                    ("url", self.urls.absolute(r).into()),
                    ("name", self.t(l).text("language_name").into()),
                    ("current", (l == lang).into()),
                ])
            })
            .collect();
        let strings = self.t(lang);
        let own = ctx.feeds.iter().map(|(mime, url, title)| (*mime, url.clone(), title.as_str()));
        let language = FEEDS.iter().map(|(file, mime, key)| {
            (*mime, self.urls.path(&format!("{}{file}", Urls::home(lang))), strings.text(key))
        });
        let feeds: Vec<tera::Value> = own
            .chain(language)
            .map(|(mime, url, title)| {
                template_map([("type", mime.into()), ("url", url.into()), ("title", title.into())])
            })
            .collect();
        let alternate_locales: Vec<String> =
            alternates.iter().filter(|(l, _)| l != lang).map(|(l, _)| data::og_locale(l)).collect();
        let (image, card_alt) = match &ctx.image {
            Some((image, alt)) => (Some(image.clone()), alt.clone()),
            None => (self.corpus.site.image.as_deref().map(|i| absolute(&self.urls.absolute(""), i)), None),
        };
        let mut og = tera::Map::new();
        og.insert("locale".into(), data::og_locale(lang).into());
        og.insert("alternate_locales".into(), alternate_locales.into());
        og.insert("image".into(), image.into());
        // A share card's size, type and description are known; an image of the site's is not.
        if let Some(alt) = card_alt {
            og.insert("image_alt".into(), alt.into());
            og.insert("image_width".into(), card::WIDTH.into());
            og.insert("image_height".into(), card::HEIGHT.into());
            og.insert("image_type".into(), "image/png".into());
        }
        if let Some((published, modified)) = &ctx.times {
            og.insert("published".into(), published.as_str().into());
            og.insert("modified".into(), modified.as_str().into());
        }
        template_map([
            ("kind", (*kind).into()),
            ("title", title.as_str().into()),
            ("description", description.as_str().into()),
            ("canonical", self.urls.absolute(rel).into()),
            ("alternates", listed.into()),
            ("x_default", self.urls.absolute("").into()),
            ("feeds", feeds.into()),
            ("og", og.into()),
            ("jsonld", ctx.jsonld.take().map(|j| tera::Value::safe_string(&j)).into()),
        ])
    }

    fn chooser(&self) -> PageContext {
        let site = &self.corpus.site;
        let lang = site.default_lang();
        let languages: Vec<Value> = site
            .languages
            .iter()
            .map(|l| {
                let url = self.urls.path(&Urls::home(l));
                json!({ "lang": l.as_str(), "dir": l.dir(), "name": self.t(l).text("language_name"), "title": site.title.get(l), "url": url })
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
        let rows = self.listing_rows(lang);
        // The newest only: the archive by year holds the rest.
        let statements: Vec<tera::Value> = self
            .plan
            .statements
            .iter()
            .filter_map(|s| Some(rows.get(s.id.as_str())?.values.clone()))
            .take(super::archive::HOME_LIMIT)
            .collect();
        let mut ctx = PageContext::new("index", site.title.get(lang), site.description.get(lang), json!({}));
        ctx.extra.insert_value("statements", tera::Value::from(statements));
        ctx.extra.insert_value("years", self.years(lang, None));
        ctx
    }

    /// A statement as listings show it in `lang` (the index, a signer's page): its text in
    /// that language, or the original, marked with its language, when it is not translated.
    fn listing(&self, statement: &Statement, lang: &Lang) -> Option<tera::Value> {
        let strings = self.t(lang);
        let t = match self.plan.version(&statement.id, lang)? {
            Version::Written { .. } => statement.translations.get(lang)?,
            Version::Notice { original, .. } => statement.translations.get(&original)?,
        };
        // Built as a template value directly: a listing has a row per statement.
        Some(template_map([
            ("title", t.title.as_str().into()),
            ("url", self.urls.path(&Urls::statement(&t.lang, &t.slug)).into()),
            ("date_display", strings.date(self.local_date(statement.date)).into()),
            ("date_iso", self.iso(statement.date).into()),
            ("summary", t.summary.as_deref().into()),
            ("lang", t.lang.as_str().into()),
            ("dir", t.lang.dir().into()),
            ("lang_name", strings.language(&t.lang).as_ref().into()),
            ("since", tera::Value::none()),
        ]))
    }

    /// A plain page: its body, and its notes as on a statement, ids prefixed with the folder name.
    fn plain_page(&self, i: usize, lang: &Lang) -> PageContext {
        let page = &self.corpus.pages[i];
        let t = &page.translations[lang];
        let fill = self.page_fill(lang);
        let body = t.document.body.filled(&fill);
        let mut ctx =
            PageContext::new("page", &t.title, t.summary.as_deref().unwrap_or_default(), json!({ "body": body }));
        ctx.extra.insert_value("notes", notes_view(&page.id, &t.document, &fill).into());
        ctx.extra.insert("notes_id", &notes_heading_id(&page.id));
        ctx
    }

    fn notice(&self, statement: &Statement, lang: &Lang) -> PageContext {
        let Some(original) = statement.original(&self.corpus.site) else {
            return PageContext::new("notice", "", "", json!({}));
        };
        let extra = json!({
            "notice": {
                "original_url": self.urls.path(&Urls::statement(&original.lang, &original.slug)),
                "original_lang": original.lang.as_str(),
                "original_dir": original.lang.dir(),
                "original_lang_name": self.t(lang).language(&original.lang),
                "original_title": original.title,
            },
        });
        PageContext::new("notice", &original.title, original.summary.as_deref().unwrap_or_default(), extra)
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
    /// The page's own share-card image (absolute URL), instead of the site's, and the
    /// description of a card the build draws.
    image: Option<(String, Option<String>)>,
    /// The page's own feeds (a topic's, a signer's), listed before the language's:
    /// type, site-absolute URL, title.
    feeds: Vec<(&'static str, String, String)>,
}

impl PageContext {
    fn new(kind: &'static str, title: &str, description: &str, extra: impl serde::Serialize) -> Self {
        let meta = (kind, title.to_owned(), description.to_owned());
        // The variables are an object by construction, so this cannot fail.
        let extra = Context::from_serialize(&extra).unwrap_or_default();
        Self { meta, extra, times: None, jsonld: None, files: Vec::new(), image: None, feeds: Vec::new() }
    }
}

/// A document's notes for a template: `id`, `number`, `html` (back links included) and the
/// ids of its `references`; element ids start with `prefix`.
fn notes_view(prefix: &str, document: &Document, fill: &Fill<'_>) -> Vec<tera::Value> {
    document
        .notes
        .iter()
        .map(|n| {
            template_map([
                ("id", note_id(prefix, n.number).into()),
                ("number", n.number.into()),
                ("html", tera::Value::safe_string(&n.html.filled(fill))),
                ("references", reference_ids(prefix, n.number, n.references).into()),
            ])
        })
        .collect()
}

/// A template map of `entries`, in key order. (Tera makes its map from another; from an
/// ordered map, each key is hashed once, not twice.)
fn template_map<const N: usize>(entries: [(&'static str, tera::Value); N]) -> tera::Value {
    tera::Value::from(BTreeMap::from(entries))
}
