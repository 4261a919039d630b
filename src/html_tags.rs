//! The start tags of an HTML text and their attributes, read as a browser reads them.
//!
//! The link checks and the warnings about risky raw HTML must see what a browser sees:
//! `HREF=`, unquoted values, `&#104;ttps`, a `>` inside a quoted value. The WHATWG tokenizer
//! of [`html5gum`] does that, but it is several times slower than a byte scan, and every
//! rendered page is read. So a page is first walked by a strict scan that understands only
//! the plain form our own templates and Markdown write (lower-case names, quoted values,
//! the entities escapers produce, no comments); on anything else it gives up and the
//! tokenizer reads the page instead. Both ways report the same tags for a page the strict
//! scan accepts (tested below against the tokenizer).
//!
//! Elements whose text is not markup (`<script>`, `<style>`, `<title>`, `<textarea>`, …)
//! are skipped as the tokenizer does; `<noscript>` is read as markup, because a browser
//! without scripts shows what it holds.

use std::borrow::Cow;
use std::convert::Infallible;

use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Emitter, ForwardingEmitter, Span, State, Tokenizer};

/// One start tag: its lower-case name, where its `<` is, and its attributes with their
/// values decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartTag<'a> {
    /// The tag name, lower case.
    pub name: Cow<'a, str>,
    /// Byte offset of the tag's `<` in the text.
    pub offset: usize,
    /// `(name, value)` pairs in order; names lower case, values with character
    /// references decoded (an attribute without a value has an empty one).
    pub attributes: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

impl StartTag<'_> {
    /// The value of the first attribute called `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_ref())
    }
}

/// Attributes whose value is an address a browser fetches or follows, besides `href` and
/// `src`. One list for every reader of raw HTML: the link check, the look for risky
/// markup and the record of where each address was written.
pub const ADDRESS_ATTRIBUTES: &[&str] = &[
    "action",
    "formaction",
    "data",
    "poster",
    "cite",
    "background",
    "longdesc",
    "manifest",
    "codebase",
    "xlink:href",
    "lowsrc",
    "dynsrc",
    "icon",
];

/// Visits every start tag of `html` in order, with a state made by `init`. When the
/// strict scan gives up half-way, the state is made again and the tokenizer reads the text
/// from the start, so `visit` sees each tag once.
pub fn fold_start_tags<S>(html: &str, init: impl Fn() -> S, mut visit: impl FnMut(&mut S, &StartTag<'_>)) -> S {
    let mut state = init();
    if plain::start_tags(html, &mut |tag| visit(&mut state, tag)).is_some() {
        return state;
    }
    let mut state = init();
    tokenized_start_tags(html, &mut |tag| visit(&mut state, tag));
    state
}

/// Every start tag, read by the WHATWG tokenizer.
pub fn tokenized_start_tags(html: &str, visit: &mut dyn FnMut(&StartTag<'_>)) {
    let mut tag: Option<StartTag<'static>> = None;
    let mut pending_name: Option<String> = None;
    let flush_name = |tag: &mut Option<StartTag<'static>>, pending: &mut Option<String>| {
        if let (Some(t), Some(name)) = (tag.as_mut(), pending.take()) {
            t.attributes.push((name.into(), Cow::Borrowed("")));
        }
    };
    let callback = |event: CallbackEvent<'_>, span: Span<usize>| -> Option<Infallible> {
        match event {
            CallbackEvent::OpenStartTag { name } => {
                tag = Some(StartTag { name: lossy(name), offset: span.start, attributes: Vec::new() });
            }
            CallbackEvent::AttributeName { name } => {
                flush_name(&mut tag, &mut pending_name);
                pending_name = Some(lossy(name).into_owned());
            }
            CallbackEvent::AttributeValue { value } => {
                if let (Some(t), Some(name)) = (tag.as_mut(), pending_name.take()) {
                    t.attributes.push((name.into(), lossy(value)));
                }
            }
            CallbackEvent::CloseStartTag { .. } => {
                flush_name(&mut tag, &mut pending_name);
                if let Some(t) = tag.take() {
                    visit(&t);
                }
            }
            _ => {}
        }
        None
    };
    let emitter = States { inner: CallbackEmitter::new(callback), name: Vec::new(), start: false };
    // The callback yields no tokens and a string cannot fail to read: this only drives it.
    Tokenizer::new_with_emitter(html, emitter).for_each(|_| ());
    // A tag cut off by the end of the text is dropped, as a browser drops it.
}

fn lossy(bytes: &[u8]) -> Cow<'static, str> {
    Cow::Owned(String::from_utf8_lossy(bytes).into_owned())
}

/// The elements whose content the tokenizer reads as text, not markup, and how.
fn text_state(name: &[u8]) -> Option<State> {
    match name {
        b"textarea" | b"title" => Some(State::RcData),
        b"plaintext" => Some(State::PlainText),
        b"script" => Some(State::ScriptData),
        b"style" | b"iframe" | b"xmp" | b"noembed" | b"noframes" => Some(State::RawText),
        _ => None,
    }
}

/// The callback emitter, switching the tokenizer's state after the elements of
/// [`text_state`] as a browser's tree builder would.
struct States<E> {
    inner: E,
    name: Vec<u8>,
    start: bool,
}

impl<E: Emitter> ForwardingEmitter for States<E> {
    type Token = E::Token;

    fn inner(&mut self) -> &mut impl Emitter<Token = Self::Token> {
        &mut self.inner
    }

    fn init_start_tag(&mut self) {
        self.name.clear();
        self.start = true;
        self.inner.init_start_tag();
    }

    fn init_end_tag(&mut self) {
        self.name.clear();
        self.start = false;
        self.inner.init_end_tag();
    }

    fn push_tag_name(&mut self, s: &[u8]) {
        self.name.extend_from_slice(s);
        self.inner.push_tag_name(s);
    }

    fn emit_current_tag(&mut self) -> Option<State> {
        // The inner emitter switches no states; it keeps the last start tag's name for
        // the end tag that closes a text element.
        let _ = self.inner.emit_current_tag();
        if self.start { text_state(&self.name) } else { None }
    }
}

/// The strict scan: tags written plainly, as our templates and Markdown write them.
mod plain {
    use std::borrow::Cow;

    use super::StartTag;

    /// Visits every start tag, or gives up (`None`) at the first thing written otherwise.
    pub fn start_tags(html: &str, visit: &mut dyn FnMut(&StartTag<'_>)) -> Option<()> {
        let bytes = html.as_bytes();
        let mut i = 0;
        let mut tag = StartTag { name: Cow::Borrowed(""), offset: 0, attributes: Vec::new() };
        while let Some(lt) = memchr::memchr(b'<', &bytes[i..]).map(|p| p + i) {
            match bytes.get(lt + 1) {
                Some(b'a'..=b'z') => {}
                Some(b'/') => {
                    let name_end = name_end(bytes, lt + 2);
                    (name_end > lt + 2 && bytes.get(name_end) == Some(&b'>')).then_some(())?;
                    i = name_end + 1;
                    continue;
                }
                Some(b'!') => {
                    // A doctype (without quotes); comments and the rest are left to the tokenizer.
                    let rest = &bytes[lt + 2..];
                    (rest.len() >= 7 && rest[..7].eq_ignore_ascii_case(b"doctype")).then_some(())?;
                    let end = memchr::memchr(b'>', rest)?;
                    memchr::memchr2(b'"', b'\'', &rest[..end]).is_none().then_some(())?;
                    i = lt + 2 + end + 1;
                    continue;
                }
                Some(b'A'..=b'Z' | b'?') => return None,
                // A `<` before anything else, or at the end, is text.
                _ => {
                    i = lt + 1;
                    continue;
                }
            }
            let name_end = name_end(bytes, lt + 1);
            let name = &html[lt + 1..name_end];
            // SVG and MathML read `<style>` and CDATA sections otherwise.
            (name != "svg" && name != "math" && name != "plaintext").then_some(())?;
            tag.name = Cow::Borrowed(name);
            tag.offset = lt;
            tag.attributes.clear();
            let mut j = name_end;
            let self_closing = loop {
                let spaced = skip_space(bytes, &mut j);
                match *bytes.get(j)? {
                    b'>' => break false,
                    b'/' if bytes.get(j + 1) == Some(&b'>') => {
                        j += 1;
                        break true;
                    }
                    b'a'..=b'z' if spaced => {}
                    _ => return None,
                }
                let start = j;
                j = name_end_attribute(bytes, j);
                let attribute = &html[start..j];
                match *bytes.get(j)? {
                    b'=' => {
                        let quote = *bytes.get(j + 1).filter(|q| **q == b'"' || **q == b'\'')?;
                        let from = j + 2;
                        let len = memchr::memchr(quote, &bytes[from..])?;
                        tag.attributes.push((Cow::Borrowed(attribute), decode(&html[from..from + len])?));
                        j = from + len + 1;
                    }
                    b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => {
                        tag.attributes.push((Cow::Borrowed(attribute), Cow::Borrowed("")));
                    }
                    _ => return None,
                }
            };
            i = j + 1;
            visit(&tag);
            if super::text_state(name.as_bytes()).is_some() {
                // A self-closing `<script/>` is one in SVG only; the tokenizer decides.
                (!self_closing).then_some(())?;
                i = text_end(bytes, i, name.as_bytes())?;
            }
        }
        Some(())
    }

    /// The end of a tag name that starts at `from`: lower-case letters, digits and `-`.
    fn name_end(bytes: &[u8], from: usize) -> usize {
        from + bytes[from.min(bytes.len())..]
            .iter()
            .position(|b| !(b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-'))
            .unwrap_or(bytes.len().saturating_sub(from))
    }

    /// The end of an attribute name: also `:`, `_` and `.` (`xlink:href`, `data-x_y`).
    fn name_end_attribute(bytes: &[u8], from: usize) -> usize {
        from + bytes[from..]
            .iter()
            .position(|b| !(b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b':' | b'_' | b'.')))
            .unwrap_or(bytes.len() - from)
    }

    /// Skips ASCII white space; says whether there was any.
    fn skip_space(bytes: &[u8], j: &mut usize) -> bool {
        let start = *j;
        while bytes.get(*j).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')) {
            *j += 1;
        }
        *j > start
    }

    /// Just after the `</name>` that ends a text element's content, or `None` when it is
    /// not written plainly (or a script holds `<!--`, where the tokenizer reads on).
    fn text_end(bytes: &[u8], from: usize, name: &[u8]) -> Option<usize> {
        let mut k = from;
        loop {
            let at = memchr::memmem::find(&bytes[k..], b"</").map(|p| p + k)?;
            let after = at + 2 + name.len();
            if bytes.get(at + 2..after).is_some_and(|n| n.eq_ignore_ascii_case(name)) {
                if name == b"script" && memchr::memmem::find(&bytes[from..at], b"<!--").is_some() {
                    return None;
                }
                return (bytes.get(after) == Some(&b'>')).then_some(after + 1);
            }
            k = at + 2;
        }
    }

    /// The character references escapers write, decoded; `None` for any other `&`.
    fn decode(value: &str) -> Option<Cow<'_, str>> {
        if memchr::memchr(b'&', value.as_bytes()).is_none() {
            return Some(Cow::Borrowed(value));
        }
        let mut out = String::with_capacity(value.len());
        let mut rest = value;
        while let Some(amp) = rest.find('&') {
            out.push_str(&rest[..amp]);
            rest = &rest[amp..];
            let (entity, c) = [
                ("&amp;", '&'),
                ("&lt;", '<'),
                ("&gt;", '>'),
                ("&quot;", '"'),
                ("&#39;", '\''),
                ("&#x27;", '\''),
                ("&#34;", '"'),
                ("&#x2F;", '/'),
                ("&#x2f;", '/'),
            ]
            .into_iter()
            .find(|(e, _)| rest.starts_with(e))?;
            out.push(c);
            rest = &rest[entity.len()..];
        }
        out.push_str(rest);
        Some(Cow::Owned(out))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn tags(html: &str) -> Vec<String> {
        fold_start_tags(html, Vec::new, |all, tag| {
            let attributes: Vec<String> = tag.attributes.iter().map(|(n, v)| format!("{n}={v}")).collect();
            all.push(format!("{}@{} {}", tag.name, tag.offset, attributes.join(" ")));
        })
    }

    fn plain(html: &str) -> Option<Vec<String>> {
        let mut all = Vec::new();
        plain::start_tags(html, &mut |tag| {
            let attributes: Vec<String> = tag.attributes.iter().map(|(n, v)| format!("{n}={v}")).collect();
            all.push(format!("{}@{} {}", tag.name, tag.offset, attributes.join(" ")));
        })?;
        Some(all)
    }

    fn tokenized(html: &str) -> Vec<String> {
        let mut all = Vec::new();
        tokenized_start_tags(html, &mut |tag| {
            let attributes: Vec<String> = tag.attributes.iter().map(|(n, v)| format!("{n}={v}")).collect();
            all.push(format!("{}@{} {}", tag.name, tag.offset, attributes.join(" ")));
        });
        all
    }

    #[test]
    fn tags_are_read_as_a_browser_reads_them() {
        let cases: &[(&str, &[&str])] = &[
            ("<a href=\"/x/\">x</a>", &["a@0 href=/x/"]),
            ("<A HREF=/x/>x</A>", &["a@0 href=/x/"]),
            ("<a\nhref = '/x/' >", &["a@0 href=/x/"]),
            ("<a/href=\"/x/\">", &["a@0 href=/x/"]),
            ("<a title=\"a > b\" href=\"/x/\">", &["a@0 title=a > b href=/x/"]),
            ("<a href=\"&#104;ttps://e.org/&amp;\">", &["a@0 href=https://e.org/&"]),
            ("<a href=\"java&Tab;script:x\">", &["a@0 href=java\tscript:x"]),
            ("<!-- <a href=\"/x/\"> --><b id=y>", &["b@23 id=y"]),
            ("<script>var a = '<a href=\"/x/\">';</script><i>", &["script@0 ", "i@42 "]),
            ("<title><a href=/x/></title>", &["title@0 "]),
            ("<noscript><a href=/x/></noscript>", &["noscript@0 ", "a@10 href=/x/"]),
            ("<p>1 < 2</p><br/>", &["p@0 ", "br@12 "]),
            ("<input disabled value=\"\">", &["input@0 disabled= value="]),
            ("<a href=\"/x/\"", &[]),
        ];
        for (html, expected) in cases {
            assert_eq!(tags(html), *expected, "{html}");
            assert_eq!(tokenized(html), *expected, "{html} (tokenizer)");
        }
    }

    #[test]
    fn the_plain_scan_reads_our_pages_and_gives_up_on_the_rest() {
        let page = "<!doctype html><html lang=\"en\"><head><title>A &amp; B</title>\
            <script type=\"application/ld+json\">{\"a\": \"</p>\"}</script></head>\
            <body><a href=\"/en/?a=1&amp;b=&#x27;2&#x27;\" class=\"x\">&lt;</a></body></html>";
        assert_eq!(plain(page), Some(tokenized(page)));
        for other in ["<A href=x>", "<a href=x>", "<a href = \"x\">", "<!-- c -->", "<a id=\"x\"href=\"y\">", "<svg>"] {
            assert_eq!(plain(other), None, "{other}");
        }
    }

    proptest! {
        /// Whatever the plain scan accepts, it reads as the tokenizer does.
        #[test]
        fn the_plain_scan_agrees_with_the_tokenizer(
            html in proptest::collection::vec(
                prop_oneof![
                    Just("<a"), Just("<script>"), Just("</script>"), Just("<title>"), Just("</a>"), Just("<!doctype html>"),
                    Just(" href="), Just(" id="), Just("\""), Just("'"), Just(">"), Just("/>"), Just(" "), Just("x"),
                    Just("&amp;"), Just("&#x27;"), Just("&"), Just("<"), Just("="), Just("\n"), Just("<!--"), Just("-->"),
                    Just("/"), Just("<br"), Just(" disabled"),
                ],
                0..24,
            ).prop_map(|parts| parts.concat())
        ) {
            if let Some(found) = plain(&html) {
                prop_assert_eq!(found, tokenized(&html), "{}", html);
            }
        }
    }
}
