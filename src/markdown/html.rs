//! HTML with holes: what a Markdown document becomes once, filled differently for each use
//! (the page itself, or a feed that needs absolute links).

use pulldown_cmark_escape::escape_html;

/// HTML with holes, each filled for the page or the feed it goes into: the base of
/// relative links and the theme's accessible labels.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Html {
    /// The HTML around the holes.
    pub text: Box<str>,
    /// Where the holes are, in order.
    pub holes: Box<[Hole]>,
}

/// A place in [`Html`] filled at use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hole {
    /// Byte offset in the text.
    pub at: u32,
    /// What goes there.
    pub kind: HoleKind,
}

/// What goes in a [`Hole`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoleKind {
    /// What a relative link or `#fragment` is relative to.
    Base,
    /// What a root-relative link (`/path`) is relative to.
    Origin,
    /// The accessible name of a table's scrolling region.
    TableLabel,
    /// The accessible name of a note's back-link, with its letter if it has several.
    Backlink {
        /// The note's number.
        number: u32,
        /// `a`, `b`, … when the note is referred to more than once.
        letter: Option<u8>,
    },
}

/// What fills the holes of one use of a document.
#[derive(Debug, Clone, Copy)]
pub struct Fill<'a> {
    /// Put in front of relative links and `#fragment`s: empty on the page itself, the
    /// page's absolute address (escaped for an attribute) in a feed.
    pub base: &'a str,
    /// Put in front of root-relative links (`/path`): empty on the page, the site's
    /// origin in a feed.
    pub origin: &'a str,
    /// Accessible name of a back-link; `{n}` is the note's number ("Back to reference {n}").
    pub backlink_label: &'a str,
    /// Accessible name of the scrolling region around a table ("Table").
    pub table_label: &'a str,
}

impl<'a> Fill<'a> {
    /// For the document's own page: links stay as written.
    pub fn page(backlink_label: &'a str, table_label: &'a str) -> Self {
        Self { base: "", origin: "", backlink_label, table_label }
    }
}

impl Html {
    /// The HTML with its holes filled.
    pub fn filled(&self, fill: &Fill<'_>) -> String {
        let mut out = String::with_capacity(self.text.len() + 64 * self.holes.len());
        self.fill_into(fill, &mut out);
        out
    }

    /// Appends the HTML with its holes filled to `out`.
    pub fn fill_into(&self, fill: &Fill<'_>, out: &mut String) {
        let mut from = 0;
        for hole in &self.holes {
            let at = hole.at as usize;
            out.push_str(&self.text[from..at]);
            from = at;
            match hole.kind {
                HoleKind::Base => out.push_str(fill.base),
                HoleKind::Origin => out.push_str(fill.origin),
                HoleKind::TableLabel => {
                    let _ = escape_html(&mut *out, fill.table_label);
                }
                HoleKind::Backlink { number, letter } => {
                    let label = fill.backlink_label.replace("{n}", &number.to_string());
                    let _ = escape_html(&mut *out, &label);
                    if let Some(letter) = letter {
                        out.push(' ');
                        out.push(char::from(letter));
                    }
                }
            }
        }
        out.push_str(&self.text[from..]);
    }
}
