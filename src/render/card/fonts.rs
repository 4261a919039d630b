//! The fonts cards are drawn with: the theme's `fonts/` folder, and nothing else (no
//! system font, so a card looks the same wherever it is built). Also how wide a text is in
//! them, to fit a title in its box before the SVG is rendered.

use std::path::PathBuf;
use std::sync::Arc;

use resvg::usvg;
use skrifa::MetadataProvider as _;
use skrifa::instance::{LocationRef, Size};

use super::raster::Glyphs;
use crate::error::{Diagnostic, Diagnostics, SourceLocation};
use crate::hash::HashMap;

/// The theme's fonts, loaded once per build.
pub struct Fonts {
    db: Arc<usvg::fontdb::Database>,
    /// The advance in ems of each character some font has, regular (`[0]`) and bold (`[1]`):
    /// from the first font of that weight that has it, else from the first other one.
    advances: [HashMap<char, f32>; 2],
    hash: u128,
    /// The masks of the glyphs cards have drawn so far.
    glyphs: Glyphs,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts").field("faces", &self.db.len()).finish_non_exhaustive()
    }
}

impl Fonts {
    /// Loads `files` (where each came from, its bytes); a file that holds no font usvg can
    /// read is an error.
    pub fn new(files: Vec<(PathBuf, Vec<u8>)>) -> Result<Self, Diagnostics> {
        let mut db = usvg::fontdb::Database::new();
        let mut faces = Vec::new();
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        let mut problems = Diagnostics::new();
        for (path, bytes) in files {
            let bytes = Arc::new(bytes);
            hasher.update(&(bytes.len() as u64).to_le_bytes());
            hasher.update(&bytes);
            let ids = db.load_font_source(usvg::fontdb::Source::Binary(bytes.clone()));
            let bold = ids.first().and_then(|id| db.face(*id)).map(|face| face.weight.0 >= 600);
            match bold {
                Some(bold) if skrifa::FontRef::new(&bytes).is_ok() => faces.push((advances(&bytes), bold)),
                _ => problems.push(
                    Diagnostic::error(SourceLocation::file(path), "this file in the theme's fonts/ is not a font")
                        .with_hint("the share cards read TrueType and OpenType fonts (.ttf, .otf); remove the file"),
                ),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut by_weight: [HashMap<char, f32>; 2] = Default::default();
        for (weight, table) in by_weight.iter_mut().enumerate() {
            let bold = weight == 1;
            let preferred = faces.iter().filter(|(_, b)| *b == bold).chain(faces.iter().filter(|(_, b)| *b != bold));
            for (face, _) in preferred {
                for (c, advance) in face {
                    table.entry(*c).or_insert(*advance);
                }
            }
        }
        let db = Arc::new(db);
        Ok(Self { glyphs: Glyphs::new(db.clone()), db, advances: by_weight, hash: hasher.digest128() })
    }

    /// The glyph masks cards are drawn with.
    pub(super) fn glyphs(&self) -> &Glyphs {
        &self.glyphs
    }

    /// How many glyph masks cards have drawn with so far, and their bytes (for timings).
    pub fn glyph_cache(&self) -> (usize, usize) {
        self.glyphs.size()
    }

    /// The hash of every font's bytes: part of each card's key.
    pub fn hash(&self) -> u128 {
        self.hash
    }

    /// Parses a card's SVG with these fonts only; `<image>` references are never followed
    /// (a card is drawn from the template alone).
    pub(super) fn parse(&self, svg: &str) -> Result<usvg::Tree, String> {
        let options = usvg::Options {
            fontdb: self.db.clone(),
            font_family: "Noto Sans".to_owned(),
            image_href_resolver: usvg::ImageHrefResolver {
                resolve_data: Box::new(|_, _, _| None),
                resolve_string: Box::new(|_, _| None),
            },
            ..usvg::Options::default()
        };
        usvg::Tree::from_str(svg, &options).map_err(|e| e.to_string())
    }

    /// The width of `text` in ems: the sum of its characters' advances, each from the first
    /// font of that weight that has it, a measure for line breaking without kerning or contextual forms
    /// (which make a line a little narrower, not wider). A character no font has is drawn as
    /// a box about 0.6 em wide.
    pub fn width(&self, text: &str, bold: bool) -> f32 {
        let table = &self.advances[usize::from(bold)];
        text.chars().map(|c| table.get(&c).copied().unwrap_or(0.6)).sum()
    }
}

/// The advance in ems of every character the font in `bytes` maps.
fn advances(bytes: &[u8]) -> Vec<(char, f32)> {
    let Ok(font) = skrifa::FontRef::new(bytes) else { return Vec::new() };
    let location = LocationRef::default();
    let upem = f32::from(font.metrics(Size::unscaled(), location).units_per_em.max(1));
    let metrics = font.glyph_metrics(Size::unscaled(), location);
    font.charmap()
        .mappings()
        .filter_map(|(c, glyph)| Some((char::from_u32(c)?, metrics.advance_width(glyph)? / upem)))
        .collect()
}
