//! The site's colours, for its cards: the custom properties of the first `:root` rule of
//! the theme's `style.css` whose value is a hex colour (`--bg: #fdfcf9;` gives `bg`). A
//! site that changes its stylesheet's colours changes its cards with them.

use std::collections::BTreeMap;

/// The colours the default card uses, with the default theme's values: a stylesheet
/// without one of them still gives a card that can be read.
const FALLBACK: [(&str, &str); 5] =
    [("bg", "#fdfcf9"), ("fg", "#1c1c1a"), ("muted", "#55554f"), ("rule", "#d9d6cc"), ("link", "#1a4b85")];

/// The colours of `css` (a stylesheet) by name, the fallbacks first.
pub fn theme_colors(css: &str) -> BTreeMap<String, String> {
    let mut colors: BTreeMap<String, String> =
        FALLBACK.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect();
    let Some(start) = css.find(":root") else { return colors };
    let rest = &css[start..];
    let Some(body) = rest.split_once('{').and_then(|(_, body)| body.split_once('}')).map(|(body, _)| body) else {
        return colors;
    };
    for declaration in body.split(';') {
        let Some((name, value)) = declaration.split_once(':') else { continue };
        let (name, value) = (name.trim(), value.trim());
        let Some(name) = name.strip_prefix("--") else { continue };
        if is_hex_color(value) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            colors.insert(name.to_owned(), value.to_ascii_lowercase());
        }
    }
    colors
}

/// `#rgb`, `#rrggbb` (and their forms with alpha).
fn is_hex_color(value: &str) -> bool {
    value
        .strip_prefix('#')
        .is_some_and(|hex| matches!(hex.len(), 3 | 4 | 6 | 8) && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_come_from_the_first_root_rule() {
        let css = ":root {\n  --sans: system-ui;\n  --bg: #FFF;\n  --accent: #0a7;\n  --edge: rgb(0 0 0 / .2);\n}\n\
                   @media (prefers-color-scheme: dark) { :root { --bg: #000; } }";
        let colors = theme_colors(css);
        assert_eq!(colors["bg"], "#fff");
        assert_eq!(colors["accent"], "#0a7");
        assert_eq!(colors["link"], "#1a4b85", "a colour the stylesheet lacks keeps its fallback");
        assert!(!colors.contains_key("edge") && !colors.contains_key("sans"), "{colors:?}");
    }

    #[test]
    fn a_stylesheet_without_root_gives_the_fallbacks() {
        assert_eq!(theme_colors("body { color: red }").len(), FALLBACK.len());
    }
}
