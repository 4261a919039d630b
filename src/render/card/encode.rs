//! A drawn card → PNG bytes, small and always the same for the same pixels.
//!
//! A card is a few flat colours and the anti-aliased edges of its text: it is stored as a
//! palette (indexed) PNG, a byte a pixel, of the 256 most frequent colours; an edge pixel of
//! a rarer shade takes the nearest colour of the palette, which the eye cannot tell at
//! that size. A card with many colours (a theme's photograph, a gradient), where more than
//! one pixel in fifty would change, is stored as RGB(A) instead. Palette PNGs of cards are
//! some three times smaller than RGB ones, and as quick to write.

use std::borrow::Cow;

use resvg::tiny_skia::Pixmap;

use super::KEYWORD;
use crate::hash::HashMap;

/// Deflate's level 1: on a typical card (a three-line title) 45 KB in 0.5 ms, where level 2
/// gives 41 KB in 0.8 ms, the default level 6 31 KB in 2.7 ms and fdeflate 77 KB in 3.5 ms;
/// a build of 1,000 statements draws 2,000 cards, and drawing one takes about 1.5 ms.
const COMPRESSION: png::DeflateCompression = png::DeflateCompression::Level(1);

/// The most pixels in a thousand whose colour may be replaced by the palette's nearest.
const MOST_INEXACT_PER_MILLE: u64 = 20;

/// The PNG of `pixmap`, with `key` in a `tEXt` chunk right after the header.
///
/// Pixels are read as one `u32` each (the bytes R, G, B, A in memory order), in plain
/// indexed loops: the tests build sites in the dev profile, where this crate is not
/// optimised and iterator adaptors over bytes cost ten times more.
pub(super) fn png(pixmap: &Pixmap, key: &str) -> Vec<u8> {
    let premultiplied = words(pixmap.data());
    let runs = runs(&premultiplied);
    // Opaque pixels are the same premultiplied or not; others are stored straight.
    let opaque = runs.iter().all(|(color, _)| color & ALPHA == ALPHA);
    let (pixels, runs) = if opaque {
        (premultiplied, runs)
    } else {
        let straight = words(&pixmap.clone().take_demultiplied()).into_owned();
        let runs = self::runs(&straight);
        (Cow::Owned(straight), runs)
    };
    let mut out = Vec::with_capacity(64 * 1024);
    {
        let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_deflate_compression(COMPRESSION);
        let data = match palette(&runs, pixels.len()) {
            Some((colors, indices)) => {
                encoder.set_color(png::ColorType::Indexed);
                encoder.set_filter(png::Filter::NoFilter);
                encoder.set_palette(colors.iter().flat_map(|c| rgba(*c)[..3].to_vec()).collect::<Vec<u8>>());
                if !opaque {
                    encoder.set_trns(colors.iter().map(|c| rgba(*c)[3]).collect::<Vec<u8>>());
                }
                indices
            }
            None if opaque => {
                encoder.set_color(png::ColorType::Rgb);
                pixels.iter().flat_map(|p| rgba(*p)[..3].to_vec()).collect()
            }
            None => {
                encoder.set_color(png::ColorType::Rgba);
                pixels.iter().flat_map(|p| rgba(*p)).collect()
            }
        };
        // Writing into a Vec cannot fail, and the header is valid by construction.
        let mut writer = encoder.write_header().expect("a valid PNG header, written to memory");
        writer.write_image_data(&data).expect("as many pixels as the header says, written to memory");
    }
    with_text_chunk(out, KEYWORD, key)
}

/// The alpha byte of a pixel read as a `u32`.
const ALPHA: u32 = u32::from_ne_bytes([0, 0, 0, 0xff]);

/// RGBA bytes as one `u32` a pixel: the same memory when it is aligned (it always is,
/// from the allocator), else a copy.
fn words(bytes: &[u8]) -> Cow<'_, [u32]> {
    match bytemuck::try_cast_slice(bytes) {
        Ok(words) => Cow::Borrowed(words),
        Err(_) => Cow::Owned(bytemuck::pod_collect_to_vec(bytes)),
    }
}

/// The bytes R, G, B, A of a pixel read as a `u32`.
fn rgba(pixel: u32) -> [u8; 4] {
    pixel.to_ne_bytes()
}

/// The runs of one colour: each run's colour and the pixel where the next run starts.
fn runs(pixels: &[u32]) -> Vec<(u32, usize)> {
    let mut runs = Vec::with_capacity(16 * 1024);
    let mut start = 0;
    while start < pixels.len() {
        let color = pixels[start];
        let mut end = start + 1;
        // Eight pixels at a time while all eight are the run's colour: most of a card is
        // long runs of its background, and the eight comparisons compile to one vector one.
        while end + 8 <= pixels.len() {
            let p = &pixels[end..end + 8];
            let same = (p[0] == color)
                & (p[1] == color)
                & (p[2] == color)
                & (p[3] == color)
                & (p[4] == color)
                & (p[5] == color)
                & (p[6] == color)
                & (p[7] == color);
            if !same {
                break;
            }
            end += 8;
        }
        while end < pixels.len() && pixels[end] == color {
            end += 1;
        }
        runs.push((color, end));
        start = end;
    }
    runs
}

/// The palette (most frequent first) and each of the `count` pixels' index in it, from
/// the runs of the image, unless too many pixels would change colour.
fn palette(runs: &[(u32, usize)], count: usize) -> Option<(Vec<u32>, Vec<u8>)> {
    let mut counts: HashMap<u32, u64> = HashMap::default();
    let mut start = 0;
    for (color, end) in runs {
        *counts.entry(*color).or_default() += (end - start) as u64;
        start = *end;
    }
    let mut by_count: Vec<(u32, u64)> = counts.into_iter().collect();
    by_count.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(rgba(a.0).cmp(&rgba(b.0))));
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
    for (color, end) in runs {
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
