//! A statement's HTML as the plain text a search index reads: tags gone, the character
//! references the Markdown writer and raw HTML use decoded, and a space wherever a block,
//! a line break or a note number would otherwise glue two words together.

/// Inline elements: their tags separate no words (`<em>un</em>fair` is one word).
const INLINE: [&str; 16] =
    ["a", "abbr", "b", "bdi", "bdo", "cite", "code", "del", "em", "i", "ins", "mark", "q", "s", "small", "span"];

/// Elements whose content is no text a reader sees.
const HIDDEN: [&str; 4] = ["script", "style", "template", "svg"];

/// Appends the text of `html` to `out`.
pub fn push_text(html: &str, out: &mut String) {
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_decoded(&rest[..lt], out);
        let tag = &rest[lt + 1..];
        let Some(gt) = tag.find('>') else {
            // Not a tag after all: a lone `<` is text.
            push_decoded(&rest[lt..], out);
            return;
        };
        let name = tag_name(tag);
        let closing = tag.starts_with('/');
        rest = &tag[gt + 1..];
        if !closing && HIDDEN.contains(&name.as_str()) {
            // Skip to the element's end tag.
            let end = format!("</{name}");
            rest = rest.to_ascii_lowercase().find(&end).map_or("", |i| {
                let after = &rest[i..];
                after.find('>').map_or("", |j| &after[j + 1..])
            });
            out.push(' ');
            continue;
        }
        if !INLINE.contains(&name.as_str()) {
            out.push(' ');
        }
    }
    push_decoded(rest, out);
}

/// The lowercased name of the tag that starts `tag` (just after its `<`).
fn tag_name(tag: &str) -> String {
    tag.trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Appends `text` with its character references decoded (the named ones the Markdown
/// writer uses, `&nbsp;`, and numeric ones); any other `&` stays as it is.
fn push_decoded(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after.find(';').filter(|&end| end <= 10).and_then(|end| Some((decode(&after[..end])?, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// The character a reference's name (between `&` and `;`) stands for.
fn decode(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        let mut out = String::new();
        push_text(html, &mut out);
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn tags_go_and_blocks_separate_words() {
        assert_eq!(text("<p>Un<em>fair</em> rules</p><p>Second</p>"), "Unfair rules Second");
        assert_eq!(text("<li>one</li><li>two<br>three</li>"), "one two three");
        assert_eq!(text("migrants<sup><a href=\"#fn-1\">1</a></sup> and"), "migrants 1 and");
    }

    #[test]
    fn references_are_decoded() {
        assert_eq!(text("AT&amp;T &lt;10% &quot;x&quot; &#233;t&#xE9; a&nbsp;b"), "AT&T <10% \"x\" été a b");
        assert_eq!(text("R&D &unknown; & 3 < 4"), "R&D &unknown; & 3 < 4");
    }

    #[test]
    fn hidden_elements_are_left_out() {
        assert_eq!(text("a<script>var x = '<p>';</script>b<style>p{}</style>c"), "a b c");
        assert_eq!(text("a<svg><title>icon</title></svg>b"), "a b");
    }
}
