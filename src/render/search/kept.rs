//! [`KEY_FILE`](super::KEY_FILE): what the next build needs to keep an index. Its lines:
//!
//! ```text
//! undersigned search index 2
//! lang <TAB> es <TAB> key <TAB> the language's entry in pagefind-entry.json
//! file <TAB> es <TAB> hash <TAB> pagefind/index/es_….pf_index
//! file <TAB> * <TAB> hash <TAB> pagefind/pagefind.js
//! ```
//!
//! `*` marks the files every language shares (Pagefind's code and its entry file). A
//! language is kept when its key is the same and each of its files, read from the output
//! being replaced, still hashes as listed; anything else is indexed again.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use super::{FOLDER, Files, KEY_FILE, KEY_HEADER};

/// One language's index: its key, its entry in `pagefind-entry.json` (none if its records
/// hold no word) and its files.
#[derive(Debug)]
pub(super) struct Language {
    pub(super) lang: String,
    pub(super) key: u128,
    pub(super) entry: Option<Value>,
    pub(super) files: Files,
}

/// Files listed by hash and path.
type Listed = Vec<(u128, String)>;

/// What the output being replaced says of its index.
#[derive(Debug, Default)]
pub(super) struct Kept {
    /// Per language: its key, its entry, its files.
    languages: BTreeMap<String, (u128, Option<Value>, Listed)>,
    /// The files every language shares.
    shared: Listed,
}

impl Kept {
    /// Reads the listing of the kept index; `None` if there is none in this format.
    pub(super) fn read(kept: &dyn Fn(&str) -> Option<Vec<u8>>) -> Option<Self> {
        let listing = kept(KEY_FILE)?;
        let text = std::str::from_utf8(&listing).ok()?;
        let mut lines = text.lines();
        (lines.next()? == KEY_HEADER).then_some(())?;
        let mut this = Self::default();
        for line in lines {
            let mut fields = line.splitn(4, '\t');
            match (fields.next()?, fields.next()?, fields.next()?, fields.next()?) {
                ("lang", lang, key, entry) => {
                    let key = u128::from_str_radix(key, 16).ok()?;
                    let entry: Value = serde_json::from_str(entry).ok()?;
                    let entry = (!entry.is_null()).then_some(entry);
                    this.languages.insert(lang.to_owned(), (key, entry, Vec::new()));
                }
                ("file", owner, hash, path) => {
                    let hash = u128::from_str_radix(hash, 16).ok()?;
                    // Only files of the index: a listing cannot bring in any other file.
                    (path.starts_with(FOLDER) && !path.contains("..") && path != KEY_FILE).then_some(())?;
                    let list = match owner {
                        "*" => &mut this.shared,
                        lang => &mut this.languages.get_mut(lang)?.2,
                    };
                    list.push((hash, path.to_owned()));
                }
                _ => return None,
            }
        }
        Some(this)
    }

    /// The kept index of `lang`, if its key is `key` and its files are intact.
    pub(super) fn language(&self, lang: &str, key: u128, kept: &dyn Fn(&str) -> Option<Vec<u8>>) -> Option<Language> {
        let (kept_key, entry, listed) = self.languages.get(lang)?;
        (*kept_key == key).then_some(())?;
        let files = intact(listed, kept)?;
        Some(Language { lang: lang.to_owned(), key, entry: entry.clone(), files })
    }

    /// The kept shared files, if intact.
    pub(super) fn shared(&self, kept: &dyn Fn(&str) -> Option<Vec<u8>>) -> Option<Files> {
        (!self.shared.is_empty()).then_some(())?;
        intact(&self.shared, kept)
    }
}

/// The listed files, if each still hashes as listed.
fn intact(listed: &Listed, kept: &dyn Fn(&str) -> Option<Vec<u8>>) -> Option<Files> {
    listed
        .iter()
        .map(|(hash, path)| {
            let bytes = kept(path)?;
            (xxhash_rust::xxh3::xxh3_128(&bytes) == *hash).then(|| (path.clone(), bytes))
        })
        .collect()
}

/// The listing of an index of `languages` with the `shared` files.
pub(super) fn listing(shared: &Files, languages: &[Language]) -> String {
    let mut text = format!("{KEY_HEADER}\n");
    let hash = |bytes: &[u8]| xxhash_rust::xxh3::xxh3_128(bytes);
    for l in languages {
        let entry = l.entry.as_ref().map_or_else(|| "null".to_owned(), Value::to_string);
        let _ = writeln!(text, "lang\t{}\t{:032x}\t{entry}", l.lang, l.key);
    }
    for (path, bytes) in shared {
        let _ = writeln!(text, "file\t*\t{:032x}\t{path}", hash(bytes));
    }
    for l in languages {
        for (path, bytes) in &l.files {
            let _ = writeln!(text, "file\t{}\t{:032x}\t{path}", l.lang, hash(bytes));
        }
    }
    text
}
