//! A language's feeds: which statements, and each entry's full text.

use std::sync::Arc;

use super::Shared;
use crate::error::Error;
use crate::model::{Lang, Statement, Translation};
use crate::render::feeds::{self, FeedEntry, FeedMeta};
use crate::render::html::{Fill, escape, note_id, origin};
use crate::render::i18n::I18n;
use crate::render::plan::last_change;
use crate::render::urls::Urls;

impl Shared<'_> {
    /// The three feeds of one language: statements written in it, newest first. Each is
    /// handed to `emit` as soon as it is written, so only one is in memory at a time.
    pub fn feeds(&self, lang: &Lang, emit: &mut dyn FnMut(String, Vec<u8>) -> Result<(), Error>) -> Result<(), Error> {
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
        emit(format!("{home}feed.xml"), feeds::rss(&meta, &entries).into_bytes())?;
        emit(format!("{home}atom.xml"), feeds::atom(&meta, &entries).into_bytes())?;
        emit(format!("{home}feed.json"), feeds::json_feed(&meta, &entries).into_bytes())
    }

    fn cached_feed_entry(&self, statement: &Statement, t: &Translation, strings: &I18n) -> Arc<FeedEntry> {
        if !self.cache.keeps() {
            return Arc::new(self.feed_entry(statement, t, strings));
        }
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
        let mut base = String::with_capacity(url.len());
        let _ = pulldown_cmark_escape::escape_href(&mut base, &url);
        let fill = Fill {
            base: &base,
            origin: origin(&base),
            backlink_label: strings.text("back_to_reference"),
            table_label: strings.text("table"),
        };
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
        t.document.body.fill_into(&fill, &mut content);
        if !t.document.notes.is_empty() {
            content.push_str(&format!("<h2>{}</h2>\n<ol>\n", escape(strings.text("notes"))));
            for n in &t.document.notes {
                content.push_str(&format!("<li id=\"{}\">", note_id(&statement.id, n.number)));
                n.html.fill_into(&fill, &mut content);
                content.push_str("</li>\n");
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
}
