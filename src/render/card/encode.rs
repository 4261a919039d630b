//! A drawn card → PNG bytes, small and always the same for the same pixels.
//!
//! A card is a few flat colours and the anti-aliased edges of its text: it is stored as a
//! palette (indexed) PNG, a byte a pixel, of the 256 most frequent colours; an edge pixel of
//! a rarer shade takes the nearest colour of the palette, which the eye cannot tell at
//! that size. A card with many colours (a theme's photograph, a gradient), where more than
//! one pixel in fifty would change, is stored as RGB(A) instead. Palette PNGs of cards are
//! some four times smaller than RGB ones, and as quick to write.

use resvg::tiny_skia::Pixmap;

use super::KEYWORD;
use crate::hash::HashMap;

/// The most pixels in a thousand whose colour may be replaced by the palette's nearest.
const MOST_INEXACT_PER_MILLE: u64 = 20;

/// The PNG of `pixmap`, with `key` in a `tEXt` chunk right after the header.
///
/// The loops over pixels are plain indexed loops over bytes: the tests build sites in the
/// dev profile, where this crate is not optimised and iterator adaptors cost ten times more.
pub(super) fn png(pixmap: &Pixmap, key: &str) -> Vec<u8> {
    let data = pixmap.data();
    let mut opaque = true;
    let mut i = 3;
    while i < data.len() {
        if data[i] != 255 {
            opaque = false;
            break;
        }
        i += 4;
    }
    // Opaque pixels are the same premultiplied or not; others are stored straight.
    let rgba = if opaque { data.to_vec() } else { pixmap.clone().take_demultiplied() };
    let mut out = Vec::with_capacity(64 * 1024);
    {
        let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Balanced);
        let data = match palette(&rgba) {
            Some((colors, indices)) => {
                encoder.set_color(png::ColorType::Indexed);
                encoder.set_filter(png::Filter::NoFilter);
                let rgb: Vec<u8> =
                    colors.iter().flat_map(|c| [(c >> 24) as u8, (c >> 16) as u8, (c >> 8) as u8]).collect();
                encoder.set_palette(rgb);
                if !opaque {
                    encoder.set_trns(colors.iter().map(|c| *c as u8).collect::<Vec<u8>>());
                }
                indices
            }
            None if opaque => {
                encoder.set_color(png::ColorType::Rgb);
                rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect()
            }
            None => {
                encoder.set_color(png::ColorType::Rgba);
                rgba
            }
        };
        // Writing into a Vec cannot fail, and the header is valid by construction.
        let mut writer = encoder.write_header().expect("a valid PNG header, written to memory");
        writer.write_image_data(&data).expect("as many pixels as the header says, written to memory");
    }
    with_text_chunk(out, KEYWORD, key)
}

/// The runs of one colour in RGBA bytes: each run's colour (as one number) and the pixel
/// where the next run starts.
fn runs(rgba: &[u8]) -> Vec<(u32, usize)> {
    let mut runs = Vec::with_capacity(16 * 1024);
    let mut start = 0;
    while start + 3 < rgba.len() {
        let (r, g, b, a) = (rgba[start], rgba[start + 1], rgba[start + 2], rgba[start + 3]);
        let mut end = start + 4;
        while end + 3 < rgba.len() && rgba[end] == r && rgba[end + 1] == g && rgba[end + 2] == b && rgba[end + 3] == a {
            end += 4;
        }
        runs.push((u32::from_be_bytes([r, g, b, a]), end / 4));
        start = end;
    }
    runs
}

/// The palette (RGBA, most frequent first) and each pixel's index in it, unless too many
/// pixels would change colour.
fn palette(rgba: &[u8]) -> Option<(Vec<u32>, Vec<u8>)> {
    let count = rgba.len() / 4;
    // Counted by runs: most of a card is long runs of one colour.
    let runs = runs(rgba);
    let mut counts: HashMap<u32, u64> = HashMap::default();
    let mut start = 0;
    for (color, end) in &runs {
        *counts.entry(*color).or_default() += (end - start) as u64;
        start = *end;
    }
    let mut by_count: Vec<(u32, u64)> = counts.into_iter().collect();
    by_count.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let inexact: u64 = by_count.iter().skip(256).map(|(_, n)| n).sum();
    if inexact * 1000 > count as u64 * MOST_INEXACT_PER_MILLE {
        return None;
    }
    let colors: Vec<u32> = by_count.iter().take(256).map(|(c, _)| *c).collect();
    let mut index: HashMap<u32, u8> = colors.iter().enumerate().map(|(i, c)| (*c, i as u8)).collect();
    for (color, _) in by_count.iter().skip(256) {
        index.insert(*color, nearest(&colors, *color));
    }
    let mut indices = vec![0; count];
    let mut start = 0;
    for (color, end) in &runs {
        indices[start..*end].fill(index.get(color).copied().unwrap_or_default());
        start = *end;
    }
    Some((colors, indices))
}

/// The index of the colour of `colors` nearest to `color` (RGBA, squared distance).
fn nearest(colors: &[u32], color: u32) -> u8 {
    let distance = |a: u32, b: u32| -> u32 {
        a.to_be_bytes()
            .iter()
            .zip(b.to_be_bytes())
            .map(|(x, y)| (i32::from(*x) - i32::from(y)).unsigned_abs().pow(2))
            .sum()
    };
    let best = colors.iter().enumerate().min_by_key(|(i, c)| (distance(**c, color), *i)).map_or(0, |(i, _)| i);
    best as u8
}

/// `png` with a `tEXt` chunk `keyword: text` inserted after its header chunk (the 8-byte
/// signature and the 25-byte IHDR), where a reader of the file's first bytes finds it.
fn with_text_chunk(png: Vec<u8>, keyword: &str, text: &str) -> Vec<u8> {
    const AFTER_HEADER: usize = 8 + 25;
    let mut data = Vec::with_capacity(keyword.len() + 1 + text.len());
    data.extend_from_slice(keyword.as_bytes());
    data.push(0);
    data.extend_from_slice(text.as_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(b"tEXt");
    crc.update(&data);
    let mut out = Vec::with_capacity(png.len() + data.len() + 12);
    out.extend_from_slice(&png[..AFTER_HEADER]);
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(b"tEXt");
    out.extend_from_slice(&data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    out.extend_from_slice(&png[AFTER_HEADER..]);
    out
}
