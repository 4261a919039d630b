//! A [`Sink`] that gathers a render into memory, for `serve` (see [`render_with`](super::render_with)).

use std::sync::Mutex;

use super::{Sink, Site, card};
use crate::error::Error;

/// Gathers a render into memory, for [`render_with`]: owner, path and bytes of each file;
/// `previous` is the site it replaces, whose search index may be kept.
#[derive(Default)]
pub(super) struct Collect<'a> {
    pub(super) files: Mutex<Vec<Owned>>,
    pub(super) previous: Option<&'a Site>,
}

pub(super) type Owned = (Option<String>, String, Vec<u8>);

impl Sink for Collect<'_> {
    fn put(&self, owner: Option<&str>, path: String, bytes: Vec<u8>) -> Result<(), Error> {
        let mut files = self.files.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        files.push((owner.map(str::to_owned), path, bytes));
        Ok(())
    }

    fn kept(&self, path: &str) -> Option<Vec<u8>> {
        self.previous?.files.get(path).map(|bytes| bytes.to_vec())
    }

    fn reuse(&self, owner: Option<&str>, path: &str, fits: &dyn Fn(&[u8]) -> bool) -> Result<bool, Error> {
        let Some(bytes) = self.previous.and_then(|p| p.files.get(path)).filter(|b| fits(&b[..b.len().min(card::HEAD)]))
        else {
            return Ok(false);
        };
        self.put(owner, path.to_owned(), bytes.to_vec())?;
        Ok(true)
    }
}
