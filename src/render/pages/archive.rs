//! The archive's pages: each year, each topic (with its RSS and Atom feeds) and the index
//! of topics, all split into numbered pages that link each other.

use serde_json::json;

use super::{Files, PageContext, Renderer, template_map};
use crate::model::{Lang, Statement};
use crate::render::archive::{page, page_count};
use crate::render::feeds;
use crate::render::urls::Urls;

impl Renderer<'_> {
    /// The index of topics: each with its label and how many statements it lists, in the
    /// reader's alphabet.
    pub(super) fn topics(&self, lang: &Lang) -> PageContext {
        let site = &self.corpus.site;
        let order = &self.orders[lang];
        let mut topics: Vec<(&str, usize)> =
            self.plan.groups().topics.get(lang).into_iter().flatten().map(|(tag, list)| (*tag, list.len())).collect();
        topics.sort_by(|a, b| order.compare(site.topic_label(a.0, lang), site.topic_label(b.0, lang)));
        let topics: Vec<tera::Value> = topics
            .into_iter()
            .map(|(tag, count)| {
                template_map([
                    ("id", tag.into()),
                    ("label", site.topic_label(tag, lang).into()),
                    ("url", self.urls.path(&Urls::topic(lang, tag)).into()),
                    ("count", count.into()),
                ])
            })
            .collect();
        let mut ctx = PageContext::new("topics", self.t(lang).text("tags"), "", json!({}));
        ctx.extra.insert_value("topics", tera::Value::from(topics));
        ctx
    }

    /// Page `n` of a topic: its statements, newest first, and its feeds.
    pub(super) fn topic(&self, lang: &Lang, tag: &str, n: usize) -> PageContext {
        let strings = self.t(lang);
        let label = self.corpus.site.topic_label(tag, lang);
        let list = self.plan.groups().topic(lang, tag);
        let first = Urls::topic(lang, tag);
        let mut ctx = PageContext::new("topic", &self.paged_title(lang, label, n), "", json!({}));
        let topic = json!({
            "id": tag,
            "label": label,
            "count": list.len(),
        });
        ctx.extra.insert("topic", &topic);
        self.listing_page(&mut ctx, lang, list, &first, n);
        for (file, mime, key) in
            [("feed.xml", "application/rss+xml", "topic_rss"), ("atom.xml", "application/atom+xml", "topic_atom")]
        {
            let title = strings.text(key).replace("{topic}", label);
            ctx.feeds.push((mime, self.urls.path(&format!("{first}{file}")), title));
        }
        ctx
    }

    /// Page `n` of a year: its statements, newest first, and every year of the archive.
    pub(super) fn year(&self, lang: &Lang, year: i16, n: usize) -> PageContext {
        let strings = self.t(lang);
        let list = self.plan.groups().year(lang, year);
        let title = strings.text("year_title").replace("{year}", &year.to_string());
        let mut ctx = PageContext::new("year", &self.paged_title(lang, &title, n), "", json!({}));
        ctx.extra.insert("year", &json!({ "year": year, "count": list.len() }));
        ctx.extra.insert_value("years", self.years(lang, Some(year)));
        self.listing_page(&mut ctx, lang, list, &Urls::year(lang, year), n);
        ctx
    }

    /// Every year of the archive in `lang`, newest first: `year`, `url`, `count`, `current`.
    pub(super) fn years(&self, lang: &Lang, current: Option<i16>) -> tera::Value {
        let years = self.plan.groups().years.get(lang).into_iter().flatten().rev();
        let years: Vec<tera::Value> = years
            .map(|(year, list)| {
                template_map([
                    ("year", (*year).into()),
                    ("url", self.urls.path(&Urls::year(lang, *year)).into()),
                    ("count", list.len().into()),
                    ("current", (current == Some(*year)).into()),
                ])
            })
            .collect();
        years.into()
    }

    /// A topic's RSS and Atom feeds: its newest statements written in `lang`, full text.
    pub(super) fn topic_feeds(&self, lang: &Lang, tag: &str) -> Files {
        let site = &self.corpus.site;
        let dir = Urls::topic(lang, tag);
        let title = format!("{} — {}", site.topic_label(tag, lang), site.title.get(lang));
        let meta = self.feed_meta(lang, title, &dir);
        let entries = self.feed_entries(lang, self.plan.groups().topic(lang, tag).iter().copied(), true);
        vec![
            (format!("{dir}feed.xml"), feeds::rss(&meta, &entries).into_bytes()),
            (format!("{dir}atom.xml"), feeds::atom(&meta, &entries).into_bytes()),
        ]
    }

    /// A statement's topics as its page links them: `id`, `label`, `url`.
    pub(super) fn topic_links(&self, tags: &[String], lang: &Lang) -> Vec<tera::Value> {
        let site = &self.corpus.site;
        tags.iter()
            .map(|tag| {
                template_map([
                    ("id", tag.as_str().into()),
                    ("label", site.topic_label(tag, lang).into()),
                    ("url", self.urls.path(&Urls::topic(lang, tag)).into()),
                ])
            })
            .collect()
    }

    /// `title`, and the page's number after the first.
    fn paged_title(&self, lang: &Lang, title: &str, n: usize) -> String {
        if n <= 1 {
            return title.to_owned();
        }
        format!("{title} — {}", self.t(lang).text("page_n").replace("{n}", &n.to_string()))
    }

    /// Page `n` of `list` as `statements` (rows of the index), and `pagination`: `current`,
    /// `total`, `prev` and `next` (URLs or null), and `pages` (`number`, `url`, `current`).
    fn listing_page(&self, ctx: &mut PageContext, lang: &Lang, list: &[&Statement], first: &str, n: usize) {
        let rows = self.listing_rows(lang);
        let statements: Vec<tera::Value> =
            page(list, n).iter().filter_map(|s| Some(rows.get(s.id.as_str())?.values.clone())).collect();
        ctx.extra.insert_value("statements", tera::Value::from(statements));
        let total = page_count(list.len());
        let url = |k: usize| self.urls.path(&Urls::paged(first, k));
        let pages: Vec<tera::Value> = (1..=total)
            .map(|k| template_map([("number", k.into()), ("url", url(k).into()), ("current", (k == n).into())]))
            .collect();
        let pagination = template_map([
            ("current", n.into()),
            ("total", total.into()),
            ("prev", (n > 1).then(|| url(n - 1)).into()),
            ("next", (n < total).then(|| url(n + 1)).into()),
            ("pages", pages.into()),
        ]);
        ctx.extra.insert_value("pagination", pagination);
    }
}
