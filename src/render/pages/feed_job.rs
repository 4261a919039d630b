//! A language's feeds: which statements, and each entry's full text.

use super::Renderer;
use crate::error::Error;
use crate::markdown::notes::note_id;
use crate::markdown::{Fill, escape};
use crate::model::{Lang, Statement, Translation};
use crate::render::feeds::{self, FeedEntry, FeedMeta};
use crate::render::i18n::I18n;
use crate::render::plan::last_change;
use crate::render::urls::Urls;
use crate::render::urls::origin;

impl Renderer<'_> {
    /// The three feeds of one language: statements written in it, newest first. Each is
    /// handed to `emit` as soon as it is written, so only one is in memory at a time.
    pub fn feeds(&self, lang: &Lang, emit: &mut dyn FnMut(String, Vec<u8>) -> Result<(), Error>) -> Result<(), Error> {
        let site = &self.corpus.site;
        let home = Urls::home(lang);
        let meta = self.feed_meta(lang, site.title.get(lang).to_owned(), &home);
        let entries = self.feed_entries(lang, self.plan.statements.iter().copied(), true);
        emit(format!("{home}feed.xml"), feeds::rss(&meta, &entries).into_bytes())?;
        emit(format!("{home}atom.xml"), feeds::atom(&meta, &entries).into_bytes())?;
        emit(format!("{home}feed.json"), feeds::json_feed(&meta, &entries).into_bytes())
    }

    /// What describes a feed of `lang` titled `title`, whose files are in the folder `dir`
    /// (a path relative to the root, which is also the page the feed follows).
    pub(super) fn feed_meta(&self, lang: &Lang, title: String, dir: &str) -> FeedMeta {
        let site = &self.corpus.site;
        let feed_url = |file: &str| self.urls.absolute(&format!("{dir}{file}"));
        FeedMeta {
            title,
            description: site.description.get(lang).to_owned(),
            lang: lang.to_string(),
            home_url: self.urls.absolute(dir),
            rss_url: feed_url("feed.xml"),
            atom_url: feed_url("atom.xml"),
            json_url: feed_url("feed.json"),
            timezone: site.timezone.clone(),
            empty_updated: self.plan.newest().unwrap_or(self.options.now),
        }
    }

    /// The entries of a feed of `lang`: of `statements` (newest first), those written in
    /// it, up to the site's feed limit; with their full text, or (`full_text` false) as a
    /// list of titles and summaries.
    pub(super) fn feed_entries<'s>(
        &'s self,
        lang: &Lang,
        statements: impl Iterator<Item = &'s Statement>,
        full_text: bool,
    ) -> Vec<FeedEntry<'s>> {
        let strings = self.t(lang);
        statements
            .filter_map(|s| Some((s, s.translations.get(lang)?)))
            .take(self.corpus.site.feed_limit.unwrap_or(usize::MAX))
            .map(|(s, t)| {
                let mut entry = self.feed_entry(s, t, strings);
                if !full_text {
                    entry.content = Box::new(|_| {});
                    entry.size = 0;
                }
                entry
            })
            .collect()
    }

    fn feed_entry<'s>(&'s self, statement: &'s Statement, t: &'s Translation, strings: &'s I18n) -> FeedEntry<'s> {
        let url = self.urls.absolute(&Urls::statement(&t.lang, &t.slug));
        let mut base = String::with_capacity(url.len());
        let _ = pulldown_cmark_escape::escape_href(&mut base, &url);
        FeedEntry {
            id: crate::render::urls::entry_id(
                &self.corpus.site.base_url,
                &statement.date.strftime("%Y-%m-%d").to_string(),
                &statement.id,
                t.lang.as_str(),
            ),
            title: t.title.clone(),
            url,
            summary: t.summary.clone(),
            size: size_hint(t, base.len()),
            content: Box::new(move |out| feed_text(&statement.id, t, strings, &base, out)),
            published: statement.date,
            updated: last_change(statement, &t.lang, &self.corpus.site.timezone),
            tags: statement.tags.clone(),
        }
    }
}

/// About how long a feed entry's full text is, links made absolute against a base
/// `base_len` bytes long.
fn size_hint(t: &Translation, base_len: usize) -> usize {
    let html = std::iter::once(&t.document.body).chain(t.document.notes.iter().map(|n| &n.html));
    html.map(|h| h.text.len() + h.holes.len() * base_len + 64).sum::<usize>() + 256 * t.corrections.len() + 512
}

/// A feed entry's full text: corrections, addressee, body and notes, with links made
/// absolute against `base`, the page's address (escaped for an attribute).
fn feed_text(id: &str, t: &Translation, strings: &I18n, base: &str, out: &mut String) {
    let fill = Fill {
        base,
        origin: origin(base),
        backlink_label: strings.text("back_to_reference"),
        table_label: strings.text("table"),
    };
    // The feed formats have a place for the language, not for the direction: the text says it.
    let rtl = t.lang.dir() == "rtl";
    if rtl {
        out.push_str("<div dir=\"rtl\">\n");
    }
    for c in &t.corrections {
        let line =
            strings.text("correction_format").replace("{date}", &strings.date(c.date)).replace("{note}", &c.note);
        out.push_str("<p><strong>");
        out.push_str(&escape(&line));
        out.push_str("</strong></p>\n");
    }
    if let Some(addressee) = &t.addressee {
        out.push_str(&format!("<p>{}</p>\n", escape(addressee)));
    }
    t.document.body.fill_into(&fill, out);
    if !t.document.notes.is_empty() {
        out.push_str(&format!("<h2>{}</h2>\n<ol>\n", escape(strings.text("notes"))));
        for n in &t.document.notes {
            out.push_str(&format!("<li id=\"{}\">", escape(&note_id(id, n.number))));
            n.html.fill_into(&fill, out);
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n");
    }
    if rtl {
        out.push_str("</div>\n");
    }
}
