//! Code blocks with `hl-` classes for the theme's colours (syntect), when their language
//! is known.

use std::sync::OnceLock;

use pulldown_cmark_escape::{escape_href, escape_html};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// The syntax definitions, loaded the first time a page has code.
fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// A code block, with `hl-` classes when its language is known.
pub(super) fn highlight(lang: &str, code: &str) -> String {
    let mut out = String::from("<pre class=\"code\"");
    if !lang.is_empty() {
        out.push_str(" data-lang=\"");
        let _ = escape_href(&mut out, lang);
        out.push('"');
    }
    out.push_str("><code>");
    let highlighted = (!lang.is_empty()).then(|| syntaxes().find_syntax_by_token(lang)).flatten().and_then(|syntax| {
        let mut generator = ClassedHTMLGenerator::new_with_class_style(
            syntax,
            syntaxes(),
            ClassStyle::SpacedPrefixed { prefix: "hl-" },
        );
        for line in LinesWithEndings::from(code) {
            generator.parse_html_for_line_which_includes_newline(line).ok()?;
        }
        Some(generator.finalize())
    });
    match highlighted {
        Some(html) => out.push_str(&html),
        None => {
            let _ = escape_html(&mut out, code);
        }
    }
    out.push_str("</code></pre>\n");
    out
}
