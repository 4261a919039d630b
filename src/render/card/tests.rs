use std::path::PathBuf;

use super::*;
use crate::render::theme::DEFAULT_THEME;

fn default_fonts() -> Fonts {
    let files = DEFAULT_THEME
        .iter()
        .filter(|(rel, _)| rel.starts_with("fonts/") && rel.ends_with(".ttf"))
        .map(|(rel, bytes)| (PathBuf::from(rel), bytes.to_vec()))
        .collect();
    Fonts::new(files).unwrap()
}

const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630">
<rect width="1200" height="630" fill="#fdfcf9"/>
<text x="88" y="200" font-size="64" font-weight="700" fill="#1c1c1a">Déclaration conjointe</text>
<text x="1112" y="400" font-size="40" text-anchor="end" direction="rtl" fill="#1a4b85">بيان مشترك</text>
</svg>"##;

/// The pixels of a PNG, as RGBA.
fn decode(png: &[u8]) -> (png::ColorType, u32, u32, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let color = reader.info().color_type;
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buffer).unwrap();
    buffer.truncate(frame.buffer_size());
    (color, frame.width, frame.height, buffer)
}

#[test]
fn a_card_is_a_palette_png_of_the_right_size_with_its_key_near_the_start() {
    let fonts = default_fonts();
    let source = Source::new("en/statements/x/card.png".into(), SVG.into(), &fonts);
    let png = source.draw(&fonts, Path::new("card.svg"), None).unwrap();
    let (color, width, height, pixels) = decode(&png);
    assert_eq!((color, width, height), (png::ColorType::Indexed, WIDTH, HEIGHT));
    assert!(source.is_in(&png[..HEAD]), "the key is in the first {HEAD} bytes");
    let other = Source::new(source.path.clone(), SVG.replace("conjointe", "commune"), &fonts);
    assert!(!other.is_in(&png[..HEAD]), "another SVG, another key");
    assert_eq!(source.version().len(), 10);
    // Text was drawn, in both scripts: dark pixels on the left, blue ones on the right.
    let at = |x: usize, y: usize| &pixels[(y * WIDTH as usize + x) * 3..][..3];
    let dark = (150..210).any(|y| (88..700).any(|x| at(x, y)[0] < 60));
    let blue = (360..410).any(|y| (800..1112).any(|x| at(x, y) == [0x1a, 0x4b, 0x85]));
    assert!(dark && blue, "dark Latin text: {dark}, blue Arabic text: {blue}");
    // The same card twice: the same bytes.
    assert_eq!(source.draw(&fonts, Path::new("card.svg"), None).unwrap(), png);
}

#[test]
fn a_card_of_many_colours_is_stored_as_rgb() {
    let fonts = default_fonts();
    let gradient = r##"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630">
<defs><linearGradient id="g"><stop offset="0" stop-color="#000"/><stop offset="1" stop-color="#f0a"/></linearGradient></defs>
<rect width="1200" height="630" fill="url(#g)"/><circle cx="600" cy="315" r="300" fill="#0f8" opacity=".5"/></svg>"##;
    let source = Source::new("x".into(), gradient.into(), &fonts);
    let png = source.draw(&fonts, Path::new("card.svg"), None).unwrap();
    assert_eq!(decode(&png).0, png::ColorType::Rgb);
    assert!(source.is_in(&png[..HEAD]), "the key is in the first {HEAD} bytes of an RGB card too");
}

#[test]
fn an_svg_that_cannot_be_parsed_is_located_in_the_template() {
    let fonts = default_fonts();
    let template = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"630\">\n  <text x=\"1\">{{ t }}</text>\n  <rect width=\"1\" height=\"1\"\n</svg>\n";
    let svg = template.replace("{{ t }}", "A title");
    let source = Source::new("en/statements/x/card.png".into(), svg, &fonts);
    let error = source.draw(&fonts, Path::new("themes/default/templates/card.svg"), Some(template)).unwrap_err();
    let shown = error.to_string();
    assert!(shown.starts_with("themes/default/templates/card.svg:"), "{shown}");
    assert!(shown.contains("`en/statements/x/card.png` is not an SVG that can be drawn"), "{shown}");
}

/// The card of `svg` drawn by resvg alone and by [`raster::render`]: RGBA pixels of each.
fn both(svg: &str) -> (Vec<u8>, Vec<u8>) {
    let fonts = default_fonts();
    let tree = fonts.parse(svg).unwrap();
    let mut reference = resvg::tiny_skia::Pixmap::new(WIDTH, HEIGHT).unwrap();
    resvg::render(&tree, resvg::tiny_skia::Transform::identity(), &mut reference.as_mut());
    let mut ours = resvg::tiny_skia::Pixmap::new(WIDTH, HEIGHT).unwrap();
    raster::render(&tree, resvg::tiny_skia::Transform::identity(), fonts.glyphs(), &mut ours.as_mut());
    (reference.take(), ours.take())
}

/// How many pixels differ at all, and how many by more than a quarter of the range.
fn differences(a: &[u8], b: &[u8]) -> (usize, usize) {
    let pixels = a.chunks(4).zip(b.chunks(4));
    let distance = |(p, q): (&[u8], &[u8])| p.iter().zip(q).map(|(x, y)| x.abs_diff(*y)).max().unwrap_or(0);
    let all: Vec<u8> = pixels.map(distance).collect();
    (all.iter().filter(|d| **d > 0).count(), all.iter().filter(|d| **d > 64).count())
}

#[test]
fn text_drawn_from_glyph_masks_looks_as_resvg_draws_it() {
    let (reference, ours) = both(SVG);
    let (differ, far) = differences(&reference, &ours);
    // Glyphs move by at most an eighth of a pixel: edge pixels change a little, none a lot.
    assert!(differ > 0, "the text was drawn from masks, not by resvg");
    assert!(far * 1000 < differ, "{far} of {differ} differing pixels differ by more than 64");
    let inked = |pixels: &[u8]| pixels.chunks(4).filter(|p| p[0] < 128).count();
    let (a, b) = (inked(&reference), inked(&ours));
    assert!(a.abs_diff(b) * 100 < a, "dark pixels: resvg {a}, masks {b}");
}

#[test]
fn text_that_masks_cannot_draw_is_drawn_by_resvg_exactly() {
    // A stroke, a gradient fill, a rotated glyph, a group with opacity: each as resvg draws it.
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630">
<defs><linearGradient id="g"><stop offset="0" stop-color="#000"/><stop offset="1" stop-color="#f0a"/></linearGradient></defs>
<rect width="1200" height="630" fill="#fdfcf9"/>
<text x="88" y="100" font-size="64" fill="#123" stroke="#f00">Stroked</text>
<text x="88" y="200" font-size="64" fill="url(#g)">Gradient</text>
<text x="88" y="300" font-size="64" rotate="10">Rotated</text>
<g opacity=".5"><text x="88" y="400" font-size="64">Translucent</text></g>
<text x="88" y="500" font-size="64" text-decoration="underline">Underlined</text>
</svg>"##;
    let (reference, ours) = both(svg);
    assert_eq!(differences(&reference, &ours), (0, 0));
}

#[test]
fn a_palette_card_decodes_to_the_pixels_drawn() {
    // Few colours (kept exactly), rows the same as the one above and rows that differ.
    let mut pixmap = resvg::tiny_skia::Pixmap::new(300, 40).unwrap();
    pixmap.fill(resvg::tiny_skia::Color::from_rgba8(0xfd, 0xfc, 0xf9, 0xff));
    let data = pixmap.data_mut();
    for y in 0..40 {
        for x in 0..300 {
            let at = (y * 300 + x) * 4;
            if (10..20).contains(&y) && x % 7 < 3 {
                data[at..at + 4].copy_from_slice(&[0x1a, 0x4b, 0x85, 0xff]);
            }
            if y == 30 || x == 299 {
                data[at..at + 4].copy_from_slice(&[(x % 5) as u8 * 40, 7, 9, 0xff]);
            }
        }
    }
    let png = encode::png(&pixmap, "key");
    let (color, width, height, pixels) = decode(&png);
    assert_eq!((color, width, height), (png::ColorType::Indexed, 300, 40));
    let drawn: Vec<u8> = pixmap.data().chunks(4).flat_map(|p| p[..3].to_vec()).collect();
    assert!(pixels == drawn, "the decoded pixels differ from the drawn ones");
}

#[test]
fn a_card_with_transparency_keeps_its_alpha_in_the_palette() {
    // A theme's card need not be opaque: the palette then has alphas (tRNS), and rows the
    // same as the one above are copied on that path too.
    let mut pixmap = resvg::tiny_skia::Pixmap::new(200, 30).unwrap();
    let data = pixmap.data_mut();
    for y in 5..25 {
        for x in 0..200 {
            let at = (y * 200 + x) * 4;
            let pixel = if x % 9 < 4 { [0x1a, 0x4b, 0x85, 0xff] } else { [0x40, 0x00, 0x00, 0x80] };
            data[at..at + 4].copy_from_slice(&pixel);
        }
    }
    let png = encode::png(&pixmap, "key");
    let (color, width, height, pixels) = decode(&png);
    assert_eq!((color, width, height), (png::ColorType::Indexed, 200, 30));
    let straight: Vec<u8> = pixmap.clone().take_demultiplied();
    assert!(pixels == straight, "the decoded pixels differ from the drawn ones");
}

#[test]
fn a_palette_keeps_the_most_frequent_colours_counting_repeated_rows() {
    // 255 colours in a row repeated ten times (ten pixels each), and 40 rarer ones once
    // each: with the background, 296 colours. The palette keeps the 256 most frequent,
    // exactly; it must count a row's repeats, or the rare colours (which sort first on a
    // tie) would push out the repeated ones.
    let mut pixmap = resvg::tiny_skia::Pixmap::new(300, 40).unwrap();
    pixmap.fill(resvg::tiny_skia::Color::from_rgba8(0xfd, 0xfc, 0xf9, 0xff));
    let data = pixmap.data_mut();
    let mut put = |x: usize, y: usize, rgb: [u8; 3]| {
        data[(y * 300 + x) * 4..][..4].copy_from_slice(&[rgb[0], rgb[1], rgb[2], 0xff])
    };
    for y in 0..10 {
        for x in 0..255 {
            put(x, y, [200, x as u8, 7]);
        }
    }
    for x in 0..40 {
        put(x, 20, [0, x as u8, 9]);
    }
    let png = encode::png(&pixmap, "key");
    let (color, _, _, pixels) = decode(&png);
    assert_eq!(color, png::ColorType::Indexed);
    let drawn: Vec<u8> = pixmap.data().chunks(4).flat_map(|p| p[..3].to_vec()).collect();
    let rows = 10 * 300 * 3;
    assert!(pixels[..rows] == drawn[..rows], "the repeated rows' colours are not all in the palette");
    let rare = &pixels[20 * 300 * 3..][..40 * 3];
    assert!(rare != &drawn[20 * 300 * 3..][..40 * 3], "296 colours cannot all be kept: {rare:?}");
}
