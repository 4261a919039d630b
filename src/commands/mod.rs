//! The commands that change a site's files for staff: `new`, `init`, `translations` and
//! `signatories import`. Each reads what it needs, decides in a pure function, and writes
//! with plain text edits so that comments and layout in the files people wrote survive.

pub mod import;
pub mod scaffold;
pub mod translations;

use std::path::Path;

use crate::error::{Error, Result};

/// Today's date in the site's zone, or in UTC when there is no site yet.
pub fn today(timezone: Option<&jiff::tz::TimeZone>) -> jiff::civil::Date {
    let now = crate::now();
    match timezone {
        Some(tz) => now.to_zoned_datetime(tz.clone()).date(),
        None => now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date(),
    }
}

/// Writes a file that must not exist yet.
fn create(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let mut file =
        std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| Error::io(path, e))?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| Error::io(path, e))
}

/// Replaces a file's content through a temporary file and a rename, so a crash never
/// leaves it half written.
fn replace(path: &Path, text: &str) -> Result<()> {
    let temp = path.with_extension("undersigned-tmp");
    std::fs::write(&temp, text).map_err(|e| Error::io(&temp, e))?;
    std::fs::rename(&temp, path).map_err(|e| Error::io(path, e))
}

/// A YAML double-quoted string.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
