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
    let png = Source::new("x".into(), gradient.into(), &fonts).draw(&fonts, Path::new("card.svg"), None).unwrap();
    assert_eq!(decode(&png).0, png::ColorType::Rgb);
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
