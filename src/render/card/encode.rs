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
/// a build of 1,000 statements draws 2,000 cards.
const LEVEL: u32 = 1;

/// The most pixels in a thousand whose colour may be replaced by the palette's nearest.
const MOST_INEXACT_PER_MILLE: u64 = 20;

/// The PNG of `pixmap`, with `key` in a `tEXt` chunk right after the header.
///
/// Pixels are read as one `u32` each (the bytes R, G, B, A in memory order), in plain
/// indexed loops: the tests build sites in the dev profile, where this crate is not
/// optimised and iterator adaptors over bytes cost ten times more.
pub(super) fn png(pixmap: &Pixmap, key: &str) -> Vec<u8> {
    let (width, height) = (pixmap.width(), pixmap.height());
    let premultiplied = words(pixmap.data());
    // Most cards: opaque, and no more colours than a palette holds, found in one pass.
    if let Some((colors, scanlines)) = exact_palette(&premultiplied, width as usize)
        && colors.iter().all(|color| color & ALPHA == ALPHA)
    {
        return indexed(width, height, &colors, true, &scanlines, key);
    }
    let rows = Rows::of(&premultiplied, width as usize);
    // Opaque pixels are the same premultiplied or not; others are stored straight.
    let opaque = rows.runs.iter().all(|(color, _)| color & ALPHA == ALPHA);
    let (pixels, rows) = if opaque {
        (premultiplied, rows)
    } else {
        let straight = words(&pixmap.clone().take_demultiplied()).into_owned();
        let rows = Rows::of(&straight, width as usize);
        (Cow::Owned(straight), rows)
    };
    match palette(&rows, pixels.len()) {
        Some((colors, scanlines)) => indexed(width, height, &colors, opaque, &scanlines, key),
        None => with_text_chunk(true_color(width, height, &pixels, opaque), KEYWORD, key),
    }
}

/// A palette PNG of `scanlines` (each row's filter byte, then a byte a pixel), written
/// here chunk by chunk: the key's `tEXt` right after the header, then the palette, its
/// alphas unless `opaque`, and the pixels deflated in one stream.
fn indexed(width: u32, height: u32, colors: &[u32], opaque: bool, scanlines: &[u8], key: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 * 1024);
    out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    // 8 bits a pixel, indexed colour, deflate, filters per row, no interlacing.
    header.extend_from_slice(&[8, 3, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"tEXt", &[KEYWORD.as_bytes(), b"\0", key.as_bytes()].concat());
    chunk(&mut out, b"PLTE", &colors.iter().flat_map(|c| rgba(*c)[..3].to_vec()).collect::<Vec<u8>>());
    if !opaque {
        chunk(&mut out, b"tRNS", &colors.iter().map(|c| rgba(*c)[3]).collect::<Vec<u8>>());
    }
    chunk(&mut out, b"IDAT", &zlib(scanlines));
    chunk(&mut out, b"IEND", &[]);
    out
}

/// `data` as one zlib stream, at [`LEVEL`].
fn zlib(data: &[u8]) -> Vec<u8> {
    let mut compress = flate2::Compress::new(flate2::Compression::new(LEVEL), true);
    let mut out = Vec::with_capacity(data.len() / 8 + 1024);
    loop {
        let read = compress.total_in() as usize;
        // Deflating into memory fails only on a bug of this loop's, never on data.
        let status = compress
            .compress_vec(&data[read..], &mut out, flate2::FlushCompress::Finish)
            .expect("deflating into memory");
        if status == flate2::Status::StreamEnd {
            return out;
        }
        out.reserve(out.capacity().max(1024));
    }
}

/// Appends a PNG chunk: its length, type, data and CRC.
fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
}

/// An RGB (or RGBA unless `opaque`) PNG of `pixels`, for cards of too many colours.
fn true_color(width: u32, height: u32, pixels: &[u32], opaque: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 * 1024);
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_deflate_compression(png::DeflateCompression::Level(LEVEL as u8));
    let data: Vec<u8> = if opaque {
        encoder.set_color(png::ColorType::Rgb);
        pixels.iter().flat_map(|p| rgba(*p)[..3].to_vec()).collect()
    } else {
        encoder.set_color(png::ColorType::Rgba);
        pixels.iter().flat_map(|p| rgba(*p)).collect()
    };
    // Writing into a Vec cannot fail, and the header is valid by construction.
    let mut writer = encoder.write_header().expect("a valid PNG header, written to memory");
    writer.write_image_data(&data).expect("as many pixels as the header says, written to memory");
    drop(writer);
    out
}

/// The filter byte of a row stored as its difference from the row above (PNG's "Up"): a
/// row the same as the one above is then all zeros after it.
const UP: u8 = 2;

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

/// The palette (in the order colours first appear) and the scanlines of `pixels`, rows of
/// `width`, if it has at most 256 colours: one pass over the rows that differ from the
/// row above (the others are stored as [`UP`]), each run of one colour looked up once.
fn exact_palette(pixels: &[u32], width: usize) -> Option<(Vec<u32>, Vec<u8>)> {
    if width == 0 {
        return None;
    }
    let line = width + 1;
    let mut scanlines = vec![0; pixels.len() / width * line];
    let mut colors: Vec<u32> = Vec::with_capacity(256);
    // Colour → index + 1, open addressing (0 is empty): a card has a few dozen colours.
    let mut slots = [(0_u32, 0_u16); 1024];
    let mut index_of = |color: u32, colors: &mut Vec<u32>| -> Option<u8> {
        let mut slot = (color.wrapping_mul(0x9e37_79b1) >> 22) as usize;
        loop {
            match slots[slot] {
                (c, i) if i != 0 && c == color => return Some((i - 1) as u8),
                (_, 0) => {
                    if colors.len() == 256 {
                        return None;
                    }
                    colors.push(color);
                    slots[slot] = (color, colors.len() as u16);
                    return Some((colors.len() - 1) as u8);
                }
                _ => slot = (slot + 1) % slots.len(),
            }
        }
    };
    let mut runs = Vec::with_capacity(width);
    for (y, row) in pixels.chunks_exact(width).enumerate() {
        let at = y * line;
        if y > 0 && pixels[(y - 1) * width..][..width] == *row {
            // PNG's "Up" filter: each byte the difference from the row above, all zero.
            scanlines[at] = UP;
            continue;
        }
        runs.clear();
        self::runs(row, &mut runs);
        let mut start = 0;
        for (color, end) in &runs {
            let value = index_of(*color, &mut colors)?;
            scanlines[at + 1 + start..at + 1 + end].fill(value);
            start = *end;
        }
    }
    Some((colors, scanlines))
}

/// An image as its distinct rows: a row the same as the one above is not scanned again
/// (most of a card's rows are its background and its band, or a line of text's repeats).
struct Rows {
    width: usize,
    /// Each row unlike the one above it: where it is, how many rows it stands for (itself
    /// and the same ones below it), and its runs in `runs`.
    distinct: Vec<(usize, usize, std::ops::Range<usize>)>,
    /// The runs of the distinct rows (see [`runs`]).
    runs: Vec<(u32, usize)>,
}

impl Rows {
    /// The rows of `pixels`, `width` a row.
    fn of(pixels: &[u32], width: usize) -> Self {
        let mut this = Self { width, distinct: Vec::new(), runs: Vec::with_capacity(16 * 1024) };
        if width == 0 {
            return this;
        }
        for (y, row) in pixels.chunks_exact(width).enumerate() {
            if let Some((above, times, _)) = this.distinct.last_mut()
                && pixels[*above * width..][..width] == *row
            {
                *times += 1;
                continue;
            }
            let first = this.runs.len();
            runs(row, &mut this.runs);
            this.distinct.push((y, 1, first..this.runs.len()));
        }
        this
    }
}

/// Appends the runs of one colour of `pixels` (a row) to `runs`: each run's colour and the
/// pixel of the row where the next run starts.
fn runs(pixels: &[u32], runs: &mut Vec<(u32, usize)>) {
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
}

/// The palette (most frequent first) and the image's scanlines in it (each row after its
/// filter byte: none, or [`UP`] for a row the same as the one above), from its `rows`,
/// unless too many of its `count` pixels would change colour.
fn palette(rows: &Rows, count: usize) -> Option<(Vec<u32>, Vec<u8>)> {
    let mut counts: HashMap<u32, u64> = HashMap::default();
    for (_, times, range) in &rows.distinct {
        let mut start = 0;
        for (color, end) in &rows.runs[range.clone()] {
            *counts.entry(*color).or_default() += ((end - start) * times) as u64;
            start = *end;
        }
    }
    let mut by_count: Vec<(u32, u64)> = counts.into_iter().collect();
    by_count.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(rgba(a.0).cmp(&rgba(b.0))));
    let inexact: u64 = by_count.iter().skip(256).map(|(_, n)| n).sum();
    if inexact * 1000 > count as u64 * MOST_INEXACT_PER_MILLE || rows.width == 0 {
        return None;
    }
    let colors: Vec<u32> = by_count.iter().take(256).map(|(c, _)| *c).collect();
    let mut index: HashMap<u32, u8> = colors.iter().enumerate().map(|(i, c)| (*c, i as u8)).collect();
    for (color, _) in by_count.iter().skip(256) {
        index.insert(*color, nearest(&colors, *color));
    }
    let line = rows.width + 1;
    let mut scanlines = vec![0; count / rows.width * line];
    for (y, times, range) in &rows.distinct {
        let row = y * line;
        let mut start = 0;
        for (color, end) in &rows.runs[range.clone()] {
            scanlines[row + 1 + start..row + 1 + end].fill(index.get(color).copied().unwrap_or_default());
            start = *end;
        }
        for again in 1..*times {
            scanlines[row + again * line] = UP;
        }
    }
    Some((colors, scanlines))
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
    let mut out = Vec::with_capacity(png.len() + keyword.len() + text.len() + 13);
    out.extend_from_slice(&png[..AFTER_HEADER]);
    chunk(&mut out, b"tEXt", &[keyword.as_bytes(), b"\0", text.as_bytes()].concat());
    out.extend_from_slice(&png[AFTER_HEADER..]);
    out
}
