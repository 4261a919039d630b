//! Fitting a title into the card's box: the largest size at which it wraps, at spaces
//! only, into lines that fit; a word wider than the box at the smallest size makes the
//! size smaller still, and a title too long even then loses its last words to an ellipsis
//! (never a word cut in two).

/// The box a title is fitted into, in pixels, and the sizes it may take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TitleBox {
    /// Width of a line.
    pub width: f32,
    /// Height of all lines together.
    pub height: f32,
    /// The largest font size.
    pub largest: f32,
    /// The smallest font size before the title is shortened.
    pub smallest: f32,
    /// Distance between baselines, in ems.
    pub leading: f32,
}

/// The box of the default card (the contract of `card.svg` documents it).
pub const TITLE_BOX: TitleBox = TitleBox { width: 1024.0, height: 290.0, largest: 72.0, smallest: 40.0, leading: 1.2 };

/// A title, fitted.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// Its lines, in reading order.
    pub lines: Vec<String>,
    /// The font size, in pixels.
    pub size: f32,
    /// The distance between baselines, in pixels.
    pub line_height: f32,
}

/// Fits `title` into `b`; `width` measures a text in ems (see [`Fonts::width`](super::Fonts::width)).
pub fn fit(title: &str, b: &TitleBox, width: &dyn Fn(&str) -> f32) -> Fitted {
    let words: Vec<(&str, f32)> = title.split_whitespace().map(|w| (w, width(w))).collect();
    let space = width(" ");
    let widest = words.iter().map(|(_, w)| *w).fold(0.0_f32, f32::max);
    let mut size = b.largest;
    while size >= b.smallest {
        if widest * size <= b.width {
            let lines = wrap(&words, space, b.width / size);
            if lines.len() as f32 * b.leading * size <= b.height {
                return fitted(balance(&words, space, widest, b.width / size, lines.len()), size, b);
            }
        }
        size -= 2.0;
    }
    // A word too wide even at the smallest size: smaller still, to the half pixel.
    let size = if widest * b.smallest > b.width { ((b.width / widest) * 2.0).floor() / 2.0 } else { b.smallest };
    let room = ((b.height / (b.leading * size)).floor() as usize).max(1);
    let mut lines = wrap(&words, space, b.width / size);
    if lines.len() > room {
        lines.truncate(room);
        if let Some(last) = lines.last_mut() {
            let ellipsis = width("…");
            let mut kept: Vec<&str> = last.split(' ').collect();
            while kept.len() > 1 && (width(&kept.join(" ")) + ellipsis) * size > b.width {
                kept.pop();
            }
            *last = format!("{}…", kept.join(" "));
        }
    }
    fitted(lines, size, b)
}

fn fitted(lines: Vec<String>, size: f32, b: &TitleBox) -> Fitted {
    Fitted { lines, size, line_height: (size * b.leading).round() }
}

/// The lines of `words` in at most `count` lines of even length: broken greedily at the
/// narrowest width (between the widest word and `room`) that still needs no more lines, so
/// that no last word is left alone on its line.
fn balance(words: &[(&str, f32)], space: f32, widest: f32, room: f32, count: usize) -> Vec<String> {
    let (mut narrow, mut wide) = (widest, room);
    for _ in 0..16 {
        let middle = (narrow + wide) / 2.0;
        if wrap(words, space, middle).len() <= count {
            wide = middle;
        } else {
            narrow = middle;
        }
    }
    wrap(words, space, wide)
}

/// Greedy line breaking of `words` (with their widths) at spaces, lines at most `room` wide.
fn wrap(words: &[(&str, f32)], space: f32, room: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut used = 0.0;
    for (word, w) in words {
        match lines.last_mut() {
            Some(line) if used + space + w <= room => {
                line.push(' ');
                line.push_str(word);
                used += space + w;
            }
            _ => {
                lines.push((*word).to_owned());
                used = *w;
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character half an em wide.
    fn half(text: &str) -> f32 {
        text.chars().count() as f32 * 0.5
    }

    #[test]
    fn a_short_title_takes_the_largest_size_on_one_line() {
        let f = fit("Short title", &TITLE_BOX, &half);
        assert_eq!((f.lines.clone(), f.size, f.line_height), (vec!["Short title".to_owned()], 72.0, 86.0));
    }

    #[test]
    fn a_long_title_wraps_at_spaces_and_shrinks_until_it_fits() {
        let title = "U.S. NGOs Denounce National Guard Actions in Migration Enforcement at the Southern Border";
        let f = fit(title, &TITLE_BOX, &half);
        assert!(f.size < 72.0 && f.size >= 40.0, "{f:?}");
        assert_eq!(f.lines.join(" "), title, "no word is lost or cut");
        for line in &f.lines {
            assert!(half(line) * f.size <= TITLE_BOX.width, "{line:?} overflows at {}", f.size);
        }
        assert!(f.lines.len() as f32 * f.line_height <= TITLE_BOX.height + 1.0, "{f:?}");
    }

    #[test]
    fn lines_are_balanced_rather_than_leaving_a_word_alone() {
        let f = fit("aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn", &TITLE_BOX, &half);
        let lengths: Vec<usize> = f.lines.iter().map(String::len).collect();
        let (shortest, longest) = (lengths.iter().min().unwrap(), lengths.iter().max().unwrap());
        assert!(longest - shortest <= 5, "{:?}", f.lines);
    }

    #[test]
    fn a_word_too_wide_for_the_smallest_size_makes_it_smaller() {
        let word = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung";
        let f = fit(&format!("Die {word}"), &TITLE_BOX, &half);
        assert!(f.size < TITLE_BOX.smallest, "{f:?}");
        assert!(f.lines.contains(&word.to_owned()), "the word stays whole: {f:?}");
        assert!(half(word) * f.size <= TITLE_BOX.width);
    }

    #[test]
    fn a_title_too_long_for_the_box_ends_in_an_ellipsis_between_words() {
        let title = "word ".repeat(400);
        let f = fit(&title, &TITLE_BOX, &half);
        assert_eq!(f.size, TITLE_BOX.smallest);
        assert!(f.lines.len() as f32 * f.line_height <= TITLE_BOX.height + 1.0, "{f:?}");
        let last = f.lines.last().unwrap();
        assert!(last.ends_with("word…"), "{last:?}");
        assert!(half(last) * f.size <= TITLE_BOX.width, "{last:?}");
    }
}
