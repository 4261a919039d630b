//! What makes the output ready for any host: the theme's files under names that carry a
//! hash of their content, so a server can let browsers keep them for a year, and
//! `_headers`, which Netlify and Cloudflare Pages read (other hosts ignore it) for the
//! security headers and that year of caching. `deploy/nginx.conf` in the repository says
//! the same to nginx; a test keeps the two alike.
//!
//! A theme file `style.css` is published twice: as `style.3f2a9c1b.css`, which the
//! templates link (through `site.assets`) and which never changes, and as `style.css`, for
//! what names it (a font named by `url()` in the stylesheet, a bookmark). The site's own
//! `static/` files keep their names; one with the name of a theme file takes its place
//! under both names, as before.

use std::collections::BTreeMap;
use std::io::Read as _;

use crate::error::Error;
use crate::load::BinaryFile;

/// The Content-Security-Policy of every page: nothing but the site's own files, and no
/// inline script or style. `script-src 'self' 'wasm-unsafe-eval'` and `connect-src 'self'`
/// are for a search page that runs the site's own script and WebAssembly; `img-src` allows
/// images from other https sites, which statements show.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; img-src 'self' data: https:; style-src 'self'; \
     script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; font-src 'self'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// The headers every file gets: name and value.
pub const SECURITY_HEADERS: [(&str, &str); 3] = [
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    // Another site learns which site linked it, not which page.
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
];

/// The `Cache-Control` of a file whose name carries its hash: a new content is a new name.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The output file `_headers`.
pub const HEADERS_FILE: &str = "_headers";

/// One file of the theme's `static/` folder as the output has it.
#[derive(Debug, Clone)]
pub struct Asset<'a> {
    /// Its name, relative to the output root: `style.css`.
    pub rel: &'a str,
    /// Its name with its hash: `style.3f2a9c1b.css`.
    pub hashed: String,
    /// The file copied: the theme's, or the site's own `static/` file of the same name.
    pub source: &'a BinaryFile,
    /// Whether `source` is the site's own file (copied under `rel` with the site's files).
    pub from_site: bool,
}

/// The theme's static files, each under its hashed name; where the site's `static/` has a
/// file of the same name, that file is the one published (a large one is read in chunks).
pub fn theme_assets<'a>(theme: &'a [BinaryFile], site: &'a [BinaryFile]) -> Result<Vec<Asset<'a>>, Error> {
    let own: BTreeMap<&str, &BinaryFile> = site.iter().map(|f| (f.rel.as_str(), f)).collect();
    theme
        .iter()
        .map(|file| {
            let (source, from_site) = match own.get(file.rel.as_str()) {
                Some(mine) => (*mine, true),
                None => (file, false),
            };
            let hash = content_hash(source)?;
            Ok(Asset { rel: &file.rel, hashed: hashed_name(&file.rel, hash), source, from_site })
        })
        .collect()
}

/// XXH3-128 of a file's content.
fn content_hash(file: &BinaryFile) -> Result<u128, Error> {
    if let Some(bytes) = file.bytes() {
        return Ok(xxhash_rust::xxh3::xxh3_128(bytes));
    }
    let mut reader = std::fs::File::open(&file.path).map_err(|e| Error::io(&file.path, e))?;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => return Ok(hasher.digest128()),
            Ok(n) => hasher.update(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io(&file.path, e)),
        }
    }
}

/// `css/style.css` with a hash → `css/style.3f2a9c1b.css`: eight hex digits before the
/// last extension of the file's name (after it for a name without one).
pub fn hashed_name(rel: &str, hash: u128) -> String {
    let short = format!("{:08x}", (hash >> 96) as u32);
    let name_at = rel.rfind('/').map_or(0, |i| i + 1);
    match rel[name_at..].rfind('.').filter(|&dot| dot > 0) {
        Some(dot) => {
            let (stem, extension) = rel.split_at(name_at + dot);
            format!("{stem}.{short}{extension}")
        }
        None => format!("{rel}.{short}"),
    }
}

/// `site.assets` for the templates: each theme file's name → the address of its hashed
/// copy (`style.css` → `/style.3f2a9c1b.css`), from the site's root path.
pub fn asset_urls(assets: &[Asset<'_>], root: &str) -> BTreeMap<String, String> {
    assets.iter().map(|a| (a.rel.to_owned(), format!("{root}{}", a.hashed))).collect()
}

/// `_headers` in the format of Netlify and Cloudflare Pages: the security headers for
/// every path, and a year of caching for each hashed file. Paths are from the folder
/// the host publishes, which is the output folder.
pub fn headers_file(assets: &[Asset<'_>]) -> String {
    use std::fmt::Write as _;
    let mut text = String::from(
        "# Written by undersigned: response headers for Netlify and Cloudflare Pages (other hosts\n\
         # ignore this file). deploy/nginx.conf in undersigned's repository says the same to nginx.\n/*\n",
    );
    for (name, value) in SECURITY_HEADERS {
        let _ = writeln!(text, "  {name}: {value}");
    }
    for asset in assets {
        let _ = writeln!(text, "/{}\n  Cache-Control: {IMMUTABLE}", asset.hashed);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Content;

    fn file(rel: &str, text: &str) -> BinaryFile {
        BinaryFile { rel: rel.to_owned(), path: rel.into(), content: Content::Bytes(text.as_bytes().to_vec()) }
    }

    #[test]
    fn the_hash_goes_before_the_last_extension() {
        let hash = 0xabcdef01_u128 << 96;
        assert_eq!(hashed_name("style.css", hash), "style.abcdef01.css");
        assert_eq!(hashed_name("fonts/a.b.woff2", hash), "fonts/a.b.abcdef01.woff2");
        assert_eq!(hashed_name("v1.0/LICENSE", hash), "v1.0/LICENSE.abcdef01");
        assert_eq!(hashed_name(".well-known/.hidden", hash), ".well-known/.hidden.abcdef01");
    }

    #[test]
    fn a_site_file_of_the_same_name_is_published_in_the_themes_place() {
        let theme = [file("style.css", "body{}"), file("icon.svg", "<svg/>")];
        let site = [file("style.css", "main{}")];
        let assets = theme_assets(&theme, &site).unwrap();
        assert!(assets[0].from_site && !assets[1].from_site);
        assert_eq!(assets[0].source.bytes(), Some(&b"main{}"[..]));
        let own_alone = theme_assets(&theme[..1], &[]).unwrap();
        assert_ne!(assets[0].hashed, own_alone[0].hashed, "the name follows the content published");
        let urls = asset_urls(&assets, "/sub/");
        assert_eq!(urls["icon.svg"], format!("/sub/{}", assets[1].hashed));
        let headers = headers_file(&assets);
        assert_contains!(headers, &format!("\n/{}\n  Cache-Control: {IMMUTABLE}\n", assets[0].hashed));
        assert_contains!(headers, "\n/*\n  Content-Security-Policy: default-src 'none';");
    }
}
