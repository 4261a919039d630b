//! Share cards: for each statement in each language, a 1200×630 PNG beside its page
//! (`card.png`), linked as its `og:image`. The theme's `templates/card.svg` is rendered with
//! Tera like any template, then drawn with resvg in the theme's own fonts (`fonts/`: the
//! default theme embeds Noto Sans and Noto Sans Arabic; no system font is ever read, so two
//! machines draw the same bytes).
//!
//! Drawing and encoding a card is the costliest file of a page by far, so a card is drawn
//! again only when what it shows changed. Its [`Source::key`] hashes the rendered SVG with
//! the fonts and a format version; the key is written into the PNG (a `tEXt` chunk
//! near its start) and is also the `?v=` of the page's `og:image` address, so networks that
//! cache a card by its address fetch it again when it changes. A rebuild that finds a card
//! with the same key in the output it replaces puts that file again as it is (see
//! [`Sink::reuse`]), without drawing anything.

mod colors;
mod encode;
pub mod fit;
mod fonts;
mod raster;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use resvg::usvg;

pub use self::colors::theme_colors;
pub use self::fonts::Fonts;
use super::Sink;
use super::pages::Renderer;
use super::plan::{Plan, Version};
use crate::error::{Diagnostic, Error, SourceLocation};
use crate::model::{Lang, Statement};

/// The card's width in pixels.
pub const WIDTH: u32 = 1200;

/// The card's height in pixels.
pub const HEIGHT: u32 = 630;

/// The card's file name, beside the statement's page.
pub const FILE: &str = "card.png";

/// The template the cards are drawn from.
pub const TEMPLATE: &str = "card.svg";

/// Part of every key: changed whenever drawing or encoding changes what the same SVG gives.
const FORMAT: &str = "undersigned card 3 (resvg 0.49, glyph masks, palette, up filter, deflate 1)";

/// The keyword of the PNG `tEXt` chunk that holds the key.
const KEYWORD: &str = "undersigned-card";

/// How many bytes from the start of a kept card hold its key (the chunk comes before the
/// palette, right after the header).
pub const HEAD: usize = 128;

/// One card to draw: where it goes, the SVG it is drawn from, and its key.
#[derive(Debug, Clone)]
pub struct Source {
    /// The output path, `<lang>/<section>/<slug>/card.png`.
    pub path: String,
    /// The rendered `card.svg`.
    pub svg: String,
    /// What the card shows: the SVG, the fonts and the format version, hashed.
    pub key: u128,
}

impl Source {
    /// The card at `path` drawn from `svg` with `fonts`.
    pub fn new(path: String, svg: String, fonts: &Fonts) -> Self {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for part in [FORMAT.as_bytes(), &fonts.hash().to_le_bytes(), svg.as_bytes()] {
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        Self { path, svg, key: hasher.digest128() }
    }

    /// The `?v=` of the card's address: the key, short (what changes with the card).
    pub fn version(&self) -> String {
        format!("{:010x}", self.key >> 88)
    }

    /// Whether `head`, the first bytes of a PNG, is this card (its key is in it).
    pub fn is_in(&self, head: &[u8]) -> bool {
        let chunk = format!("{KEYWORD}\0{:032x}", self.key);
        head.starts_with(b"\x89PNG") && memchr::memmem::find(head, chunk.as_bytes()).is_some()
    }

    /// Draws the card: a PNG of [`WIDTH`] × [`HEIGHT`]. An SVG that cannot be drawn is an
    /// error located in `template` (the file `card.svg` came from).
    pub fn draw(&self, fonts: &Fonts, template: &Path, template_text: Option<&str>) -> Result<Vec<u8>, Diagnostic> {
        let tree = self.parse(fonts, template, template_text)?;
        let mut pixmap =
            resvg::tiny_skia::Pixmap::new(WIDTH, HEIGHT).expect("the card's size is a constant, neither zero nor huge");
        let size = tree.size();
        let scale = resvg::tiny_skia::Transform::from_scale(WIDTH as f32 / size.width(), HEIGHT as f32 / size.height());
        raster::render(&tree, scale, fonts.glyphs(), &mut pixmap.as_mut());
        Ok(encode::png(&pixmap, &format!("{:032x}", self.key)))
    }

    /// The card's SVG, parsed: an error is located in `template`, as for [`Source::draw`].
    pub fn parse(&self, fonts: &Fonts, template: &Path, template_text: Option<&str>) -> Result<usvg::Tree, Diagnostic> {
        fonts.parse(&self.svg).map_err(|message| {
            let at = locate(&self.svg, &message, template, template_text);
            Diagnostic::error(at, format!("the share card `{}` is not an SVG that can be drawn: {message}", self.path))
                .with_hint("card.svg must render to a well-formed SVG document (check quotes, closing tags and `&`)")
        })
    }
}

/// How many cards a render drew, and how many it took again as they were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Drawn (their SVG changed, or no earlier output had them).
    pub drawn: usize,
    /// Taken again from the output being replaced.
    pub kept: usize,
}

/// [`Tally`] as the render threads count it.
#[derive(Debug, Default)]
pub(super) struct Counter {
    drawn: AtomicUsize,
    kept: AtomicUsize,
}

impl Counter {
    /// What was counted.
    pub(super) fn tally(&self) -> Tally {
        Tally { drawn: self.drawn.load(Ordering::Relaxed), kept: self.kept.load(Ordering::Relaxed) }
    }
}

/// The statements and languages that have a card, each written version of each public
/// statement; with `all` false (`check`, which draws nothing), the first of each language
/// only, whose SVG is parsed to check the template.
pub(super) fn wanted<'p>(plan: &'p Plan<'_>, all: bool) -> Vec<(&'p Statement, &'p Lang)> {
    let mut seen: Vec<&Lang> = Vec::new();
    let mut cards = Vec::new();
    for statement in &plan.statements {
        for (lang, version) in plan.versions(&statement.id) {
            let first = !seen.contains(&lang);
            if matches!(version, Version::Written { .. }) && (all || first) {
                seen.push(lang);
                cards.push((*statement, lang));
            }
        }
    }
    cards
}

/// Makes the card of `statement` in `lang` and hands it to `sink`: taken again from the
/// output being replaced if it has the same key, else drawn. With `draw` false, its SVG is
/// only parsed. `claim` takes the card's path for this statement (see `render_into`).
pub(super) fn put(
    renderer: &Renderer<'_>,
    statement: &Statement,
    lang: &Lang,
    draw: bool,
    claim: &(dyn Fn(Option<&str>, &str) -> bool + Sync),
    sink: &dyn Sink,
    counter: &Counter,
) -> Result<(), Error> {
    let content = |d: Diagnostic| Error::Content(std::iter::once(d).collect());
    // A template error is reported by the statement's page, which renders the card too.
    let Ok(Some(source)) = renderer.card(statement, lang) else { return Ok(()) };
    if !draw {
        return renderer.check_card(&source).map_err(content);
    }
    let owner = Some(statement.id.as_str());
    if !claim(owner, &source.path) {
        return Ok(());
    }
    if sink.reuse(owner, &source.path, &|head| source.is_in(head))? {
        counter.kept.fetch_add(1, Ordering::Relaxed);
        return Ok(());
    }
    let png = renderer.draw_card(&source).map_err(content)?;
    counter.drawn.fetch_add(1, Ordering::Relaxed);
    sink.put(owner, source.path.clone(), png)
}

/// Where in the template an error of the rendered SVG is: usvg names a line and column of
/// the rendered text ("… at 3:7"); the template line that holds the start of that rendered
/// line is the best guess, else the template's first line.
fn locate(svg: &str, message: &str, template: &Path, template_text: Option<&str>) -> SourceLocation {
    let row = message
        .rsplit_once(" at ")
        .and_then(|(_, pos)| pos.split(':').next())
        .and_then(|row| row.trim().parse::<usize>().ok());
    let found = row.zip(template_text).and_then(|(row, text)| {
        let line = svg.lines().nth(row.checked_sub(1)?)?.trim();
        let probe: String = line.chars().take_while(|c| *c != '{').take(24).collect();
        let probe = probe.trim();
        (!probe.is_empty()).then_some(())?;
        let offset = text.find(probe)?;
        Some(SourceLocation::at_offset(template, text, offset, 1))
    });
    found.unwrap_or_else(|| SourceLocation::file(template))
}

#[cfg(test)]
mod tests;
