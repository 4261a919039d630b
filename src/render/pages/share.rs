//! A statement's share card: the context of `card.svg` (see [`crate::render::card`] for
//! how it is drawn and kept).

use std::sync::{Arc, PoisonError};

use super::{Renderer, template_map};
use crate::error::Diagnostic;
use crate::model::{Lang, SignatoryKind, Statement, Translation};
use crate::render::card::{self, Source, fit};
use crate::render::urls::Urls;

impl Renderer<'_> {
    /// The card of `statement` in `lang`, rendered from `card.svg` the first time it is
    /// asked for in this render; `None` when the statement has an image of its own
    /// (`image:` in statement.yaml), which is its card, or is not written in `lang`.
    pub fn card(&self, statement: &Statement, lang: &Lang) -> Result<Option<Arc<Source>>, Diagnostic> {
        let key = (statement.id.clone(), lang.clone());
        if let Some(made) = self.cards.lock().unwrap_or_else(PoisonError::into_inner).get(&key) {
            return Ok(made.clone());
        }
        // Rendered outside the lock (two threads may both render it: the same result).
        let made = self.render_card(statement, lang)?.map(Arc::new);
        self.cards.lock().unwrap_or_else(PoisonError::into_inner).insert(key, made.clone());
        Ok(made)
    }

    /// [`Renderer::card`], rendered.
    fn render_card(&self, statement: &Statement, lang: &Lang) -> Result<Option<Source>, Diagnostic> {
        let Some(t) = statement.translations.get(lang).filter(|_| statement.image.is_none()) else {
            return Ok(None);
        };
        let strings = self.t(lang);
        let fonts = &self.theme.fonts;
        let fitted = fit::fit(&t.title, &fit::TITLE_BOX, &|text| fonts.width(text, true));
        let lines: Vec<tera::Value> = fitted
            .lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                // The first baseline one size below the box's top: capitals fill the top.
                let y = (fitted.size * 0.92).round() as usize + i * fitted.line_height as usize;
                template_map([("text", line.as_str().into()), ("y", y.into())])
            })
            .collect();
        let (organizations, individuals) = kinds(statement);
        let colors: tera::Map = self.theme.colors.iter().map(|(k, v)| (k.clone().into(), v.as_str().into())).collect();
        let view = template_map([
            ("title", t.title.as_str().into()),
            ("title_lines", lines.into()),
            ("title_size", (fitted.size as f64).into()),
            ("date", self.shown_date(strings, statement).into()),
            ("date_iso", self.iso(statement.date).into()),
            ("signers", strings.signed_by(organizations, individuals, 0).into()),
            ("organizations", organizations.into()),
            ("individuals", individuals.into()),
            ("colors", colors.into()),
        ]);
        let mut context = self.language_context(lang);
        context.insert_value("card", view);
        let path = format!("{}{}", Urls::statement(lang, &t.slug), card::FILE);
        let svg = self
            .theme
            .tera
            .render(card::TEMPLATE, &context)
            .map_err(|e| self.template_error(card::TEMPLATE, &e, &path))?;
        Ok(Some(Source::new(path, svg, fonts)))
    }

    /// Draws a card: an SVG that cannot be drawn is an error located in `card.svg`.
    pub fn draw_card(&self, source: &Source) -> Result<Vec<u8>, Diagnostic> {
        let template = self.theme.path_of(card::TEMPLATE);
        source.draw(&self.theme.fonts, &template, self.theme.own_template(card::TEMPLATE))
    }

    /// Parses a card without drawing it, as [`Renderer::draw_card`] would (for `check`).
    pub fn check_card(&self, source: &Source) -> Result<(), Diagnostic> {
        let template = self.theme.path_of(card::TEMPLATE);
        source.parse(&self.theme.fonts, &template, self.theme.own_template(card::TEMPLATE)).map(drop)
    }

    /// The `og:image` of a statement's card and its `og:image:alt`.
    pub(super) fn card_image(
        &self,
        source: &Source,
        url: &str,
        statement: &Statement,
        t: &Translation,
    ) -> (String, String) {
        let strings = self.t(&t.lang);
        let (organizations, individuals) = kinds(statement);
        let alt = strings
            .text("card_alt")
            .replace("{title}", &t.title)
            .replace("{site}", self.corpus.site.title.get(&t.lang))
            .replace("{date}", &self.shown_date(strings, statement))
            .replace("{signers}", &strings.signed_by(organizations, individuals, 0));
        (format!("{url}{}?v={}", card::FILE, source.version()), alt)
    }
}

/// How many organisations and individuals signed `statement`.
fn kinds(statement: &Statement) -> (usize, usize) {
    let count = |kind| statement.signers.iter().filter(|s| s.signatory.kind == kind).count();
    (count(SignatoryKind::Organization), count(SignatoryKind::Individual))
}
