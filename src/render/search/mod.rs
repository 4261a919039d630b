//! Search without a server: every public statement, in each language it is written in,
//! becomes a record of a [Pagefind](https://pagefind.app) index, made here with Pagefind
//! as a library; its files go to `pagefind/` in the output like any other file (through
//! the same [`Sink`](super::Sink), so they are as atomic as the rest, and a file of the
//! site's own at the same path is a located conflict).
//!
//! Pagefind makes one index per language, with that language's stemming (Spanish
//! "denunciar" finds "denuncian"), and the browser loads only the index of the page's
//! language, in small chunks.
//!
//! Indexing is the costliest part of a build; it is skipped when nothing indexed changed.
//! The records are hashed, with Pagefind's version, into a key written with the index
//! ([`KEY_FILE`]); when the output being replaced holds an index with the same key, and
//! every one of its files still has the bytes listed there, those files are put again
//! as they are (the writer then links them from the current output rather than writing).

pub mod text;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::error::Error;

/// The folder of the search files in the output.
pub const FOLDER: &str = "pagefind/";

/// The file, in [`FOLDER`], that records the key of the index and its files' hashes.
pub const KEY_FILE: &str = "pagefind/undersigned-index.txt";

/// The first line of [`KEY_FILE`]: its format.
const KEY_HEADER: &str = "undersigned search index 1";

/// Pagefind's own files that the search page does not load: its ready-made interfaces
/// and the highlighter. A theme that wants them can ship them as static files.
const UNUSED: [&str; 7] = [
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
];

/// One statement in one language, as the index holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The language tag; Pagefind makes one index per language.
    pub lang: String,
    /// The page's path relative to the site root (`es/declaraciones/x/`): the search page
    /// puts the site's root path in front of it.
    pub url: String,
    /// The text searched: title, summary, body, notes and signers.
    pub content: String,
    /// What a result shows: `title`, `date` (as the reader's language writes it), `iso`.
    pub meta: BTreeMap<String, String>,
    /// Filters by name (`topic`, `year`, `kind`, `country`), values in the language.
    pub filters: BTreeMap<String, Vec<String>>,
    /// Sort keys (`date`, RFC 3339).
    pub sort: BTreeMap<String, String>,
}

/// Whether an index was made or the kept one was reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexing {
    /// Pagefind indexed the records.
    Indexed,
    /// No record changed: the previous output's index was put again.
    Kept,
}

/// The key of an index of `records`: changes with any indexed text, meta, filter or
/// sort key, their order, and Pagefind's version.
pub fn key(records: &[Record]) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut field = |bytes: &[u8]| {
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(KEY_HEADER.as_bytes());
    field(PAGEFIND_VERSION.as_bytes());
    for r in records {
        for text in [&r.lang, &r.url, &r.content] {
            field(text.as_bytes());
        }
        for map in [&r.meta, &r.sort] {
            field(&(map.len() as u64).to_le_bytes());
            for (k, v) in map {
                field(k.as_bytes());
                field(v.as_bytes());
            }
        }
        field(&(r.filters.len() as u64).to_le_bytes());
        for (k, values) in &r.filters {
            field(k.as_bytes());
            field(&(values.len() as u64).to_le_bytes());
            values.iter().for_each(|v| field(v.as_bytes()));
        }
    }
    hasher.digest128()
}

/// The version of Pagefind the index is made with, which is also that of its browser
/// files (a test checks it against `pagefind-entry.json`, so an upgrade changes the key).
const PAGEFIND_VERSION: &str = "1.6.0";

/// Files by path relative to the output root, with their bytes.
pub type Files = Vec<(String, Vec<u8>)>;

/// The search files of `records`, and whether they were indexed or kept. `kept` reads a
/// file of the output being replaced, if any.
pub fn files(records: Vec<Record>, kept: &dyn Fn(&str) -> Option<Vec<u8>>) -> Result<(Files, Indexing), Error> {
    let key = key(&records);
    if let Some(files) = kept_files(key, kept) {
        return Ok((files, Indexing::Kept));
    }
    let mut files = index(records)?;
    files.push((KEY_FILE.to_owned(), key_file(key, &files).into_bytes()));
    Ok((files, Indexing::Indexed))
}

/// The files of the kept index, if its key is `key` and each file still holds the bytes
/// its line says.
fn kept_files(key: u128, kept: &dyn Fn(&str) -> Option<Vec<u8>>) -> Option<Files> {
    let listing = kept(KEY_FILE)?;
    let text = std::str::from_utf8(&listing).ok()?;
    let mut lines = text.lines();
    (lines.next()? == KEY_HEADER).then_some(())?;
    (u128::from_str_radix(lines.next()?.strip_prefix("key\t")?, 16).ok()? == key).then_some(())?;
    let mut files = Vec::new();
    for line in lines {
        let (hash, path) = line.split_once('\t')?;
        let hash = u128::from_str_radix(hash, 16).ok()?;
        // Only files of the index: a listing cannot bring in any other file.
        (path.starts_with(FOLDER) && !path.contains("..") && path != KEY_FILE).then_some(())?;
        let bytes = kept(path)?;
        (xxhash_rust::xxh3::xxh3_128(&bytes) == hash).then_some(())?;
        files.push((path.to_owned(), bytes));
    }
    files.push((KEY_FILE.to_owned(), listing));
    Some(files)
}

/// [`KEY_FILE`]'s content: the header, the key, then each file's hash and path.
fn key_file(key: u128, files: &[(String, Vec<u8>)]) -> String {
    let mut text = format!("{KEY_HEADER}\nkey\t{key:032x}\n");
    for (path, bytes) in files {
        let _ = writeln!(text, "{:032x}\t{path}", xxhash_rust::xxh3::xxh3_128(bytes));
    }
    text
}

/// Indexes `records` with Pagefind: its files for the browser, under [`FOLDER`].
fn index(records: Vec<Record>) -> Result<Files, Error> {
    let failed = |e: String| Error::io(FOLDER, std::io::Error::other(format!("search index: {e}")));
    let runtime = tokio::runtime::Builder::new_current_thread().build().map_err(|e| Error::io(FOLDER, e))?;
    let produced = runtime.block_on(async {
        let config =
            pagefind::options::PagefindServiceConfig::builder().keep_index_url(false).write_playground(false).build();
        let mut index = pagefind::api::PagefindIndex::new(Some(config)).map_err(|e| format!("{e:#}"))?;
        for r in records {
            index
                .add_custom_record(r.url, r.content, r.lang, Some(r.meta), Some(r.filters), Some(r.sort))
                .await
                .map_err(|e| format!("{e:#}"))?;
        }
        index.get_files().await.map_err(|e| format!("{e:#}"))
    });
    let mut files: Files = produced
        .map_err(failed)?
        .into_iter()
        .filter_map(|f| {
            let rel = f.filename.to_str()?.replace('\\', "/");
            (!UNUSED.contains(&rel.as_str())).then(|| (format!("{FOLDER}{rel}"), f.contents))
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

#[cfg(test)]
mod tests;
