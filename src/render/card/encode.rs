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
    let rows = Rows::of(&premultiplied, width as usize);
    // Opaque pixels are the same premultiplied or not; others are stored straight.
    let opaque = rows.colors.iter().all(|color| color & ALPHA == ALPHA);
    let (pixels, rows) = if opaque {
        (premultiplied, rows)
    } else {
        let straight = words(&pixmap.clone().take_demultiplied()).into_owned();
        let rows = Rows::of(&straight, width as usize);
        (Cow::Owned(straight), rows)
    };
    match palette(&rows, pixels.len()) {
        Some((colors, scanlines)) => indexed(width, height, &colors, opaque, &scanlines, key),
        None => true_color(width, height, &pixels, opaque, key),
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

/// An RGB (or RGBA unless `opaque`) PNG of `pixels`, for cards of too many colours, with
/// `key` in a `tEXt` chunk: without a palette, the png crate writes it right after the
/// header.
fn true_color(width: u32, height: u32, pixels: &[u32], opaque: bool, key: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 * 1024);
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_deflate_compression(png::DeflateCompression::Level(LEVEL as u8));
    encoder
        .add_text_chunk(KEYWORD.to_owned(), key.to_owned())
        .expect("the keyword is a constant of Latin-1 letters and the key hex digits");
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

/// An image as its distinct rows: a row the same as the one above is not scanned again
/// (most of a card's rows are its background and its band, or a line of text's repeats),
/// and each run of one colour is looked up once, as an id into `colors`.
struct Rows {
    width: usize,
    /// Each row unlike the one above it: where it is, how many rows it stands for (itself
    /// and the same ones below it), and its runs in `runs`.
    distinct: Vec<(usize, usize, std::ops::Range<usize>)>,
    /// The runs of the distinct rows: each run's colour id, and the pixel of its row where
    /// the next run starts.
    runs: Vec<(u32, u32)>,
    /// The colours, by id, in the order they first appear.
    colors: Vec<u32>,
    /// How many pixels of the distinct rows have each colour, by id (a row's repeats are
    /// counted by [`palette`]).
    counts: Vec<u64>,
}

impl Rows {
    /// The rows of `pixels`, `width` a row.
    fn of(pixels: &[u32], width: usize) -> Self {
        let mut this = Self {
            width,
            distinct: Vec::new(),
            runs: Vec::with_capacity(32 * 1024),
            colors: Vec::new(),
            counts: Vec::new(),
        };
        if width == 0 {
            return this;
        }
        let mut ids = ColorIds::default();
        for (y, row) in pixels.chunks_exact(width).enumerate() {
            if let Some((above, times, _)) = this.distinct.last_mut()
                && pixels[*above * width..][..width] == *row
            {
                *times += 1;
                continue;
            }
            let first = this.runs.len();
            let mut start = 0;
            while start < row.len() {
                let end = run_end(row, start);
                let id = ids.id(row[start], &mut this.colors);
                if this.counts.len() < this.colors.len() {
                    this.counts.push(0);
                }
                this.counts[id as usize] += (end - start) as u64;
                this.runs.push((id, end as u32));
                start = end;
            }
            this.distinct.push((y, 1, first..this.runs.len()));
        }
        this
    }
}

/// Colours to ids in the order they first appear: open addressing over slots that hold a
/// colour and its `id + 1` (0 is free), doubled when half full. A card has a few dozen
/// colours and looks one up for every run of pixels, tens of thousands of times.
#[derive(Default)]
struct ColorIds {
    slots: Vec<(u32, u32)>,
}

impl ColorIds {
    /// The id of `color`, appended to `colors` if it is new.
    #[inline]
    fn id(&mut self, color: u32, colors: &mut Vec<u32>) -> u32 {
        let mask = self.slots.len().wrapping_sub(1);
        let mut slot = Self::slot(color, mask);
        while let Some(&(held, id)) = self.slots.get(slot).filter(|(_, id)| *id != 0) {
            if held == color {
                return id - 1;
            }
            slot = (slot + 1) & mask;
        }
        colors.push(color);
        let id = colors.len() as u32;
        if colors.len() * 2 > self.slots.len() {
            self.grow(colors);
        } else {
            self.slots[slot] = (color, id);
        }
        id - 1
    }

    /// Twice the slots (at least 256), every colour of `colors` placed again.
    fn grow(&mut self, colors: &[u32]) {
        self.slots = vec![(0, 0); (self.slots.len() * 2).max(256)];
        let mask = self.slots.len() - 1;
        for (id, color) in colors.iter().enumerate() {
            let mut slot = Self::slot(*color, mask);
            while self.slots[slot].1 != 0 {
                slot = (slot + 1) & mask;
            }
            self.slots[slot] = (*color, id as u32 + 1);
        }
    }

    /// Where `color` is looked for first: its top bits after a multiply (Fibonacci hashing).
    fn slot(color: u32, mask: usize) -> usize {
        (u64::from(color).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize & mask
    }
}

/// Where the run of one colour that starts at `start` of `pixels` (a row) ends.
#[inline]
fn run_end(pixels: &[u32], start: usize) -> usize {
    let color = pixels[start];
    let mut end = start + 1;
    // Eight pixels at a time while all eight are the run's colour: most of a card is long
    // runs of its background, and the eight comparisons compile to one vector one.
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
    end
}

/// The palette (most frequent first) and the image's scanlines in it (each row after its
/// filter byte: none, or [`UP`] for a row the same as the one above), from its `rows`,
/// unless too many of its `count` pixels would change colour.
fn palette(rows: &Rows, count: usize) -> Option<(Vec<u32>, Vec<u8>)> {
    if rows.width == 0 {
        return None;
    }
    let mut counts = rows.counts.clone();
    for (_, times, range) in rows.distinct.iter().filter(|(_, times, _)| *times > 1) {
        let mut start = 0;
        for (id, end) in &rows.runs[range.clone()] {
            counts[*id as usize] += u64::from(end - start) * (*times as u64 - 1);
            start = *end;
        }
    }
    let color = |id: usize| rows.colors[id];
    let mut by_count: Vec<usize> = (0..rows.colors.len()).collect();
    by_count.sort_unstable_by(|a, b| counts[*b].cmp(&counts[*a]).then(rgba(color(*a)).cmp(&rgba(color(*b)))));
    let inexact: u64 = by_count.iter().skip(256).map(|id| counts[*id]).sum();
    if inexact * 1000 > count as u64 * MOST_INEXACT_PER_MILLE {
        return None;
    }
    let palette: Vec<u32> = by_count.iter().take(256).map(|id| color(*id)).collect();
    // Each colour's index: its rank, or the nearest of the palette's past the 256th.
    let mut index = vec![0_u8; rows.colors.len()];
    for (rank, id) in by_count.iter().enumerate() {
        index[*id] = if rank < 256 { rank as u8 } else { nearest(&palette, color(*id)) };
    }
    let line = rows.width + 1;
    let mut scanlines = vec![0; count / rows.width * line];
    for (y, times, range) in &rows.distinct {
        let row = y * line + 1;
        let mut start = 0;
        for (id, end) in &rows.runs[range.clone()] {
            scanlines[row + start as usize..row + *end as usize].fill(index[*id as usize]);
            start = *end;
        }
        for again in 1..*times {
            scanlines[row - 1 + again * line] = UP;
        }
    }
    Some((palette, scanlines))
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
