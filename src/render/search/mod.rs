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
//! Each language is indexed on its own, all of them at once on the render threads, and
//! their entries are merged into the one `pagefind-entry.json` the browser reads.
//!
//! Indexing is the costliest part of a build; a language's index is made again only when
//! one of its records changed. Each language's records are hashed, with Pagefind's
//! version, into a key written with the index ([`KEY_FILE`], see the `kept` module); when
//! the output being replaced holds that language's index with the same key, and each of
//! its files still has the bytes listed there, those files are put again as they are (the
//! writer then links them from the current output rather than writing them).

mod kept;
pub mod text;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde_json::Value;

use self::kept::{Kept, Language};
use crate::error::Error;

/// The folder of the search files in the output.
pub const FOLDER: &str = "pagefind/";

/// The file, in [`FOLDER`], that records the key of the index and its files' hashes.
pub const KEY_FILE: &str = "pagefind/undersigned-index.txt";

/// The first line of [`KEY_FILE`]: its format.
const KEY_HEADER: &str = "undersigned search index 2";

/// Pagefind's files that are the same for every language and index: its code.
const SHARED: [&str; 3] = ["pagefind.js", "pagefind-worker.js", "wasm.unknown.pagefind"];

/// The file that lists the languages for the browser.
const ENTRY: &str = "pagefind/pagefind-entry.json";

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
    /// Pagefind indexed the records of at least one language.
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
    let mut by_lang: BTreeMap<String, Vec<Record>> = BTreeMap::new();
    for record in records {
        by_lang.entry(record.lang.clone()).or_default().push(record);
    }
    let previous = Kept::read(kept);
    let mut languages: Vec<Language> = Vec::new();
    let mut stale: Vec<(String, u128, Vec<Record>)> = Vec::new();
    for (lang, records) in by_lang {
        let key = key(&records);
        match previous.as_ref().and_then(|p| p.language(&lang, key, kept)) {
            Some(language) => languages.push(language),
            None => stale.push((lang, key, records)),
        }
    }
    let indexing = if stale.is_empty() { Indexing::Kept } else { Indexing::Indexed };
    // The stale languages, at once; with none, an empty index still gives Pagefind's code
    // unless the kept one is intact.
    let kept_shared = previous.as_ref().filter(|_| stale.is_empty()).and_then(|p| p.shared(kept));
    if kept_shared.is_none() && stale.is_empty() {
        stale.push((String::new(), 0, Vec::new()));
    }
    let made: Vec<Result<(Language, Files), Error>> =
        stale.into_par_iter().map(|(lang, key, records)| index_language(lang, key, records)).collect();
    let mut shared = kept_shared.unwrap_or_default();
    for result in made {
        let (language, files) = result?;
        if shared.is_empty() {
            shared = files;
        }
        if !language.lang.is_empty() {
            languages.push(language);
        }
    }
    languages.sort_by(|a, b| a.lang.cmp(&b.lang));
    let entry = merged_entry(&shared, &languages);
    let mut files: Files = shared.into_iter().filter(|(path, _)| path != ENTRY).collect();
    files.push((ENTRY.to_owned(), entry.into_bytes()));
    let listing = kept::listing(&files, &languages);
    for language in languages {
        files.extend(language.files);
    }
    files.push((KEY_FILE.to_owned(), listing.into_bytes()));
    Ok((files, indexing))
}

/// Indexes one language: its entry and files, and Pagefind's shared files (its code and
/// its own `pagefind-entry.json`). An empty `lang` indexes nothing, for the shared files.
fn index_language(lang: String, key: u128, records: Vec<Record>) -> Result<(Language, Files), Error> {
    let files = index(&lang, records)?;
    let entry: Value = files
        .iter()
        .find(|(path, _)| path == ENTRY)
        .and_then(|(_, bytes)| serde_json::from_slice(bytes).ok())
        .unwrap_or(Value::Null);
    // A language whose records hold no word has no entry, and no index.
    let own = entry.get("languages").and_then(|l| l.get(&lang)).cloned();
    let (shared, own_files): (Files, Files) = files
        .into_iter()
        .partition(|(path, _)| path == ENTRY || SHARED.iter().any(|name| path.strip_prefix(FOLDER) == Some(*name)));
    let files = if own.is_some() { own_files } else { Vec::new() };
    Ok((Language { lang, key, entry: own, files }, shared))
}

/// `pagefind-entry.json` of every language: Pagefind's own (from `shared`), its languages
/// replaced by each language's entry.
fn merged_entry(shared: &Files, languages: &[Language]) -> String {
    let mut entry: Value = shared
        .iter()
        .find(|(path, _)| path == ENTRY)
        .and_then(|(_, bytes)| serde_json::from_slice(bytes).ok())
        .unwrap_or_else(|| serde_json::json!({ "version": PAGEFIND_VERSION }));
    let list: serde_json::Map<String, Value> =
        languages.iter().filter_map(|l| Some((l.lang.clone(), l.entry.clone()?))).collect();
    if let Some(map) = entry.as_object_mut() {
        map.insert("languages".to_owned(), Value::Object(list));
    }
    entry.to_string()
}

/// Indexes `records` (of `lang`) with Pagefind: its files for the browser, under [`FOLDER`].
fn index(lang: &str, records: Vec<Record>) -> Result<Files, Error> {
    let failed = |e: String| Error::io(FOLDER, std::io::Error::other(format!("search index: {e}")));
    let runtime = tokio::runtime::Builder::new_current_thread().build().map_err(|e| Error::io(FOLDER, e))?;
    let produced = runtime.block_on(async {
        let config =
            pagefind::options::PagefindServiceConfig::builder().keep_index_url(false).write_playground(false).build();
        let mut index = pagefind::api::PagefindIndex::new(Some(config)).map_err(|e| format!("{e:#}"))?;
        let mut timer = crate::StageTimer::from_env();
        for r in records {
            index
                .add_custom_record(r.url, r.content, r.lang, Some(r.meta), Some(r.filters), Some(r.sort))
                .await
                .map_err(|e| format!("{e:#}"))?;
        }
        timer.lap(&format!("search {lang}: records"));
        // Builds the index (do not call `build_indexes` first: this builds it again).
        let files = index.get_files().await.map_err(|e| format!("{e:#}"));
        timer.lap(&format!("search {lang}: index"));
        files
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
