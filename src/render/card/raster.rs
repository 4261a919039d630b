//! Drawing a card's tree: resvg for everything but plain text, which is drawn glyph by
//! glyph from a cache of coverage masks.
//!
//! A build draws thousands of cards that share a few dozen letters in a few sizes; resvg
//! fills every letter's outline again on each card, which was most of a card's cost
//! (1.5 ms of 2.5). Here a letter at a size and a quarter-pixel position is filled once per
//! build (with tiny-skia, as resvg would) into an 8-bit mask, and each card blends the
//! masks into its pixels. A glyph lands within an eighth of a pixel of where resvg puts
//! it, the same precision as tiny-skia's own anti-aliasing (four samples a pixel).
//!
//! Only text whose spans are filled with one flat colour, without stroke, decoration, or
//! rotated or skewed glyphs, in fonts without variations, is drawn so; any other node (a
//! path, an image, a group with opacity, a clip, a mask or a filter, and the text in it)
//! is drawn by resvg as it would draw it in the whole tree. Nodes keep the tree's order.

use std::sync::{Arc, Mutex, PoisonError};

use resvg::tiny_skia::{self, FillRule, Mask, PixmapMut, Transform};
use resvg::usvg::{self, Node, Paint};
use skrifa::MetadataProvider as _;
use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};

use crate::hash::HashMap;

/// Sub-pixel positions a glyph may take on each axis (quarter pixels).
const STEPS: f32 = 4.0;

/// Draws `tree` onto `pixmap`, scaled by `transform`, with the glyph masks of `cache`.
pub(super) fn render(tree: &usvg::Tree, transform: Transform, cache: &Glyphs, pixmap: &mut PixmapMut<'_>) {
    group(tree.root(), transform, cache, pixmap);
}

/// The children of `parent`, whose own transform is already in `ts`.
fn group(parent: &usvg::Group, ts: Transform, cache: &Glyphs, pixmap: &mut PixmapMut<'_>) {
    for node in parent.children() {
        match node {
            Node::Group(g) if !g.should_isolate() => group(g, ts.pre_concat(g.transform()), cache, pixmap),
            Node::Text(text) if cache.draw_text(text, ts, pixmap) => {}
            _ => resvg_node(node, ts, pixmap),
        }
    }
}

/// `node` drawn by resvg where the whole tree would have it: `resvg::render_node` moves
/// a node to its bounding box's corner, which is undone here.
fn resvg_node(node: &Node, ts: Transform, pixmap: &mut PixmapMut<'_>) {
    if let Some(bbox) = node.abs_layer_bounding_box() {
        resvg::render_node(node, ts.pre_translate(bbox.x(), bbox.y()), pixmap);
    }
}

/// One glyph at one size and sub-pixel position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    font: usvg::fontdb::ID,
    glyph: u32,
    scale: (u32, u32),
    step: (u8, u8),
    even_odd: bool,
}

/// A glyph's coverage, 0–255 a pixel, and where its corner is from the glyph's origin.
#[derive(Debug)]
struct Coverage {
    left: i32,
    top: i32,
    width: usize,
    coverage: Vec<u8>,
}

/// The most bytes of masks kept: a build of the 1,000-statement benchmark corpus keeps
/// about 2,000 masks, 3 MiB (`UNDERSIGNED_TIMINGS=1` prints them).
const BUDGET: usize = 64 << 20;

/// The masks filled so far, and their size.
#[derive(Debug, Default)]
struct Masks {
    by_key: HashMap<Key, Option<Arc<Coverage>>>,
    bytes: usize,
}

/// The glyph masks of one set of fonts, filled on first use by any thread.
#[derive(Debug)]
pub(super) struct Glyphs {
    db: Arc<usvg::fontdb::Database>,
    masks: Mutex<Masks>,
    /// Whether some font has variation axes (text is then drawn by resvg, which applies
    /// them; usvg asks every span for its weight as a variation, which fonts without
    /// axes ignore).
    variable: bool,
}

impl Glyphs {
    /// A cache for `db`'s fonts.
    pub(super) fn new(db: Arc<usvg::fontdb::Database>) -> Self {
        let variable = db.faces().any(|face| {
            db.with_face_data(face.id, |data, index| {
                skrifa::FontRef::from_index(data, index).is_ok_and(|font| !font.axes().is_empty())
            })
            .unwrap_or(true)
        });
        Self { db, masks: Mutex::default(), variable }
    }

    /// How many glyph masks are kept now, and their bytes.
    pub(super) fn size(&self) -> (usize, usize) {
        let masks = self.masks.lock().unwrap_or_else(PoisonError::into_inner);
        (masks.by_key.len(), masks.bytes)
    }

    /// Draws `text` from glyph masks, if it is plain enough (see the module); `false`, with
    /// nothing drawn, if it is not.
    fn draw_text(&self, text: &usvg::Text, ts: Transform, pixmap: &mut PixmapMut<'_>) -> bool {
        if !self.plain(text) {
            return false;
        }
        // Every glyph's transform first: one that rotates or skews sends the text to resvg.
        let mut spans = Vec::with_capacity(text.layouted().len());
        for span in text.layouted() {
            let Some(fill) = span.fill.as_ref() else { continue };
            let Paint::Color(color) = fill.paint() else { return false };
            let mut glyphs = Vec::with_capacity(span.positioned_glyphs.len());
            for glyph in &span.positioned_glyphs {
                let d = ts.pre_concat(glyph.outline_transform());
                // Letters larger than the card (a font's em at over a pixel a unit)
                // would make huge masks: resvg draws those.
                if d.kx != 0.0 || d.ky != 0.0 || !d.is_finite() || d.sx.abs() > 1.0 || d.sy.abs() > 1.0 {
                    return false;
                }
                glyphs.push((glyph, d));
            }
            let rgba = [color.red, color.green, color.blue, (fill.opacity().get() * 255.0).round() as u8];
            spans.push((rgba, fill.rule() == usvg::FillRule::EvenOdd, glyphs));
        }
        for (rgba, even_odd, glyphs) in spans {
            for (glyph, d) in glyphs {
                let (x, step_x) = split(d.tx);
                let (y, step_y) = split(d.ty);
                let key = Key {
                    font: glyph.font,
                    glyph: glyph.id.0,
                    scale: (d.sx.to_bits(), d.sy.to_bits()),
                    step: (step_x, step_y),
                    even_odd,
                };
                if let Some(mask) = self.mask(key, d) {
                    blend(&mask, x, y, rgba, pixmap);
                }
            }
        }
        true
    }

    /// Whether `text` is drawn here: flat fills only, no stroke, decoration or hidden
    /// span, outline glyphs only (the flattened text is paths alone), anti-aliased.
    fn plain(&self, text: &usvg::Text) -> bool {
        let spans = text.layouted().iter().all(|span| {
            span.visible
                && span.stroke.is_none()
                && span.underline.is_none()
                && span.overline.is_none()
                && span.line_through.is_none()
        });
        let paths = text.flattened().children().iter().all(|node| match node {
            Node::Path(path) => path.rendering_mode().use_shape_antialiasing() && path.stroke().is_none(),
            _ => false,
        });
        !self.variable && spans && paths
    }

    /// The mask of `key`, filled now if no card has needed it yet (`None`: an empty glyph).
    fn mask(&self, key: Key, d: Transform) -> Option<Arc<Coverage>> {
        if let Some(found) = self.masks.lock().unwrap_or_else(PoisonError::into_inner).by_key.get(&key) {
            return found.clone();
        }
        // Filled outside the lock; two threads may both fill it, with the same result.
        let made = fill(&self.db, key, d).map(Arc::new);
        let mut masks = self.masks.lock().unwrap_or_else(PoisonError::into_inner);
        let size = made.as_ref().map_or(0, |m| m.coverage.len()) + std::mem::size_of::<(Key, Coverage)>();
        // A long preview of many titles in many sizes starts again rather than grow.
        if masks.bytes + size > BUDGET {
            *masks = Masks::default();
        }
        masks.bytes += size;
        masks.by_key.insert(key, made.clone());
        made
    }
}

/// A coordinate as a whole pixel and a step of [`STEPS`] within it (rounded to the nearest).
fn split(v: f32) -> (i32, u8) {
    let steps = (v * STEPS).round();
    let whole = (steps / STEPS).floor();
    (whole as i32, (steps - whole * STEPS) as u8)
}

/// Fills the glyph of `key`, scaled as `d` and moved by its sub-pixel step, into a mask
/// (with tiny-skia, as resvg fills it); `None` if it has no outline (a space).
fn fill(db: &usvg::fontdb::Database, key: Key, d: Transform) -> Option<Coverage> {
    let outline = db.with_face_data(key.font, |data, index| outline(data, index, key.glyph))??;
    let (fx, fy) = (f32::from(key.step.0) / STEPS, f32::from(key.step.1) / STEPS);
    let path = outline.transform(Transform::from_row(d.sx, 0.0, 0.0, d.sy, fx, fy))?;
    let bounds = path.bounds();
    // A pixel of margin on each side for the anti-aliased edges.
    let left = bounds.left().floor() as i32 - 1;
    let top = bounds.top().floor() as i32 - 1;
    let width = u32::try_from(bounds.right().ceil() as i32 + 1 - left).ok()?;
    let height = u32::try_from(bounds.bottom().ceil() as i32 + 1 - top).ok()?;
    let mut mask = Mask::new(width, height)?;
    let rule = if key.even_odd { FillRule::EvenOdd } else { FillRule::Winding };
    mask.fill_path(&path, rule, true, Transform::from_translate(-left as f32, -top as f32));
    Some(Coverage { left, top, width: width as usize, coverage: mask.take() })
}

/// The outline of `glyph` in the font `data` (face `index`), in font units, unhinted and
/// at the default location of any axis, as usvg reads it.
fn outline(data: &[u8], index: u32, glyph: u32) -> Option<tiny_skia::Path> {
    let font = skrifa::FontRef::from_index(data, index).ok()?;
    let glyph = font.outline_glyphs().get(skrifa::GlyphId::new(glyph))?;
    let mut pen = Pen(tiny_skia::PathBuilder::new());
    glyph.draw(DrawSettings::unhinted(Size::unscaled(), LocationRef::default()), &mut pen).ok()?;
    pen.0.finish()
}

/// Builds a tiny-skia path from a glyph's outline.
struct Pen(tiny_skia::PathBuilder);

impl OutlinePen for Pen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, y);
    }

    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, y);
    }

    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.0.quad_to(cx0, cy0, x, y);
    }

    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.0.cubic_to(cx0, cy0, cx1, cy1, x, y);
    }

    fn close(&mut self) {
        self.0.close();
    }
}

/// Blends `mask`, its origin at (`x`, `y`), in the colour `rgba` (straight alpha) over the
/// premultiplied pixels of `pixmap`.
fn blend(mask: &Coverage, x: i32, y: i32, rgba: [u8; 4], pixmap: &mut PixmapMut<'_>) {
    let (width, height) = (pixmap.width() as i32, pixmap.height() as i32);
    let data = pixmap.data_mut();
    let rows = (mask.coverage.len() / mask.width.max(1)) as i32;
    // The part of the mask that is on the card.
    let (left, top) = (x + mask.left, y + mask.top);
    let columns = (left.max(0) - left, (left + mask.width as i32).min(width) - left);
    let rows = (top.max(0) - top, (top + rows).min(height) - top);
    if columns.0 >= columns.1 || rows.0 >= rows.1 {
        return;
    }
    let [red, green, blue, alpha] = rgba.map(u32::from);
    for row in rows.0..rows.1 {
        let line = &mask.coverage[row as usize * mask.width..][columns.0 as usize..columns.1 as usize];
        let start = ((top + row) as usize * width as usize + (left + columns.0) as usize) * 4;
        let pixels = &mut data[start..start + line.len() * 4];
        for (pixel, &c) in pixels.chunks_exact_mut(4).zip(line) {
            if c == 0 {
                continue;
            }
            if c == 255 && alpha == 255 {
                // Inside an opaque letter: its colour, whatever was under it.
                pixel.copy_from_slice(&rgba);
                continue;
            }
            let a = div255(u32::from(c) * alpha);
            let inverse = 255 - a;
            let over = |source: u32, dest: u8| (div255(source * a) + div255(u32::from(dest) * inverse)) as u8;
            pixel[0] = over(red, pixel[0]);
            pixel[1] = over(green, pixel[1]);
            pixel[2] = over(blue, pixel[2]);
            pixel[3] = (a + div255(u32::from(pixel[3]) * inverse)) as u8;
        }
    }
}

/// `v / 255`, rounded, for `v` up to 255 × 255.
fn div255(v: u32) -> u32 {
    let v = v + 128;
    (v + (v >> 8)) >> 8
}
