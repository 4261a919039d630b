//! Resolving a link found on a page: to a path of the site, another site, or nothing.

use crate::hash::HashMap;

use super::Withheld;

/// The withheld statement that site path `target` belongs to: its page in any case, with
/// or without `index.html` or the final `/`, or any file in its folder.
pub(super) fn withheld_at<'w>(withheld: &'w HashMap<String, Withheld>, target: &str) -> Option<&'w Withheld> {
    if withheld.is_empty() {
        return None;
    }
    let mut target = target.to_lowercase();
    if !target.ends_with('/') {
        target.push('/');
    }
    target.match_indices('/').find_map(|(i, _)| withheld.get(&target[..=i]))
}

/// The folder a page file serves: `en/x/index.html` → `en/x/`.
pub(super) fn page_dir(page: &str) -> String {
    page.strip_suffix("index.html").map_or_else(|| page.to_owned(), str::to_owned)
}

/// Where a link on the site leads.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Resolved<'h> {
    /// The site path (`en/x/`).
    pub(super) target: String,
    /// The part after `#`, if any.
    pub(super) fragment: Option<&'h str>,
    /// Whether it was written relative to the page, so that it leads elsewhere from
    /// another page.
    pub(super) relative: bool,
}

/// Where a link on output page `page` leads, or `None` when it leaves the site.
pub(super) fn resolve<'h>(page: &str, href: &'h str, base_url: &str, root: &str) -> Option<Resolved<'h>> {
    let (path, fragment) = match memchr::memchr(b'#', href.as_bytes()) {
        Some(i) => (&href[..i], Some(&href[i + 1..])),
        None => (href, None),
    };
    let (joined, relative) = match classify(path, base_url, root) {
        Target::Elsewhere => return None,
        Target::Site(rest) => (rest.to_owned(), false),
        Target::Relative(path) => {
            let dir = page.rfind('/').map_or("", |i| &page[..=i]);
            (format!("{dir}{path}"), true)
        }
    };
    Some(Resolved { target: normalise(&joined), fragment, relative })
}

/// Where the path of a link (its part before any `#`) leads.
pub(super) enum Target<'h> {
    /// Another site, or a path outside this site's base path: not ours to check.
    Elsewhere,
    /// A path from the site's root.
    Site(&'h str),
    /// A path relative to the page.
    Relative(&'h str),
}

pub(super) fn classify<'h>(path: &'h str, base_url: &str, root: &str) -> Target<'h> {
    let path = before(path, b'?');
    if let Some(rest) = path.strip_prefix(base_url) {
        Target::Site(rest)
    } else if memchr::memchr(b':', path.as_bytes()).is_some() || path.starts_with("//") {
        Target::Elsewhere
    } else if let Some(rest) = path.strip_prefix(root) {
        Target::Site(rest)
    } else if path.starts_with('/') {
        Target::Elsewhere
    } else {
        Target::Relative(path)
    }
}

/// `text` up to the first `byte` (an ASCII character), or all of it.
pub(super) fn before(text: &str, byte: u8) -> &str {
    memchr::memchr(byte, text.as_bytes()).map_or(text, |i| &text[..i])
}

/// Removes `.` and `..` segments; a trailing `/` is kept.
pub(super) fn normalise(path: &str) -> String {
    // A `.` or `..` segment starts the path or follows a `/`.
    if !path.starts_with('.') && memchr::memmem::find(path.as_bytes(), b"/.").is_none() {
        return path.trim_start_matches('/').to_owned();
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    joined.trim_start_matches('/').to_owned()
}
