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
            now: self.options.now,
        };
        let entries: Vec<FeedEntry> = self
            .plan
            .statements
            .iter()
            .filter_map(|s| Some((s, s.translations.get(lang)?)))
            .take(site.feed_limit.unwrap_or(usize::MAX))
            .map(|(s, t)| self.feed_entry(s, t, strings))
            .collect();
        emit(format!("{home}feed.xml"), feeds::rss(&meta, &entries).into_bytes())?;
        emit(format!("{home}atom.xml"), feeds::atom(&meta, &entries).into_bytes())?;
        emit(format!("{home}feed.json"), feeds::json_feed(&meta, &entries).into_bytes())
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
