//! The manifest beside the output: what each file of a build holds, so that the next
//! build can tell an unchanged file without reading it.
//!
//! `.<output>.manifest` describes the output, `.<output>.previous.manifest` the kept site.
//! Each line records a file's size, device, inode, change time (which, unlike the
//! modification time, no program can set) and XXH3-128 hash. A file whose new bytes hash
//! as recorded, and whose metadata on disk is still what was recorded, is the same file;
//! any difference (a file edited by hand, a manifest lost or from another tree) falls back
//! to comparing the bytes. Deleting a manifest is safe: it only costs that comparison.

use std::fs;
use std::path::{Path, PathBuf};

use super::swap::{out_name, out_parent};
use crate::hash::HashMap;

/// One file as a manifest records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stamp {
    pub(super) size: u64,
    pub(super) device: u64,
    /// The inode's change time (seconds, nanoseconds).
    pub(super) ctime: (i64, i64),
    pub(super) inode: u64,
    pub(super) hash: u128,
}

/// Relative path → stamp.
pub(super) type Manifest = HashMap<String, Stamp>;

/// The stamp of a file with these metadata and content hash.
pub(super) fn stamp(metadata: &fs::Metadata, hash: u128) -> Stamp {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        Stamp {
            size: metadata.size(),
            device: metadata.dev(),
            ctime: (metadata.ctime(), metadata.ctime_nsec()),
            inode: metadata.ino(),
            hash,
        }
    }
    #[cfg(not(unix))]
    {
        // Without inodes a file cannot be told from its replacement: never trusted.
        let _ = (metadata, hash);
        Stamp { size: u64::MAX, device: 0, ctime: (0, 0), inode: 0, hash: 0 }
    }
}

/// `.<output>.manifest` and the like, beside the output.
pub(super) fn manifest_path(out_dir: &Path, suffix: &str) -> PathBuf {
    out_parent(out_dir).join(format!(".{}{suffix}", out_name(out_dir)))
}

/// The first line of a manifest: its format.
const MANIFEST_HEADER: &str = "undersigned manifest 2";

/// Writes the stamps of `put` as a manifest: the header, then one line per file (hash,
/// size, device, change time in seconds and nanoseconds, inode, path), through a
/// temporary file.
pub(super) fn write_manifest(path: &Path, put: &[(String, Option<Stamp>)]) -> std::io::Result<()> {
    use std::fmt::Write as _;
    let mut text = String::with_capacity(put.len() * 120);
    text.push_str(MANIFEST_HEADER);
    text.push('\n');
    for (rel, s) in put.iter().filter_map(|(rel, s)| Some((rel, s.as_ref()?))).filter(|(rel, _)| !rel.contains('\n')) {
        let (hash, size, device, (secs, nanos), inode) = (s.hash, s.size, s.device, s.ctime, s.inode);
        let _ = writeln!(text, "{hash:032x}\t{size}\t{device}\t{secs}\t{nanos}\t{inode}\t{rel}");
    }
    let temporary = path.with_extension("manifest-new");
    fs::write(&temporary, text)?;
    fs::rename(&temporary, path)
}

/// Reads a manifest; one that is missing or not in this format reads as empty, and a line
/// that does not parse is left out (its file is then compared by its bytes).
///
/// A file changed in the same clock tick as the manifest was written could keep its
/// change time; like git with its index, entries that are not older than the manifest
/// are left out, so those files are compared by their bytes.
pub(super) fn read_manifest(path: &Path) -> Manifest {
    let Ok(text) = fs::read_to_string(path) else { return Manifest::default() };
    let Some(written) = fs::metadata(path).ok().and_then(|m| m.modified().ok()) else { return Manifest::default() };
    let Ok(written) = written.duration_since(std::time::UNIX_EPOCH) else { return Manifest::default() };
    let written = (i64::try_from(written.as_secs()).unwrap_or(i64::MAX), i64::from(written.subsec_nanos()));
    let mut lines = text.lines();
    if lines.next() != Some(MANIFEST_HEADER) {
        return Manifest::default();
    }
    lines
        .filter_map(|line| {
            let mut fields = line.splitn(7, '\t');
            let mut next = || fields.next();
            let hash = u128::from_str_radix(next()?, 16).ok()?;
            let size = next()?.parse().ok()?;
            let device = next()?.parse().ok()?;
            let ctime = (next()?.parse().ok()?, next()?.parse().ok()?);
            let inode = next()?.parse().ok()?;
            let stamp = Stamp { size, device, ctime, inode, hash };
            (ctime < written).then(|| (next().map(str::to_owned), stamp))
        })
        .filter_map(|(rel, stamp)| Some((rel?, stamp)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_not_older_than_their_manifest_are_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".public.manifest");
        let stamp = |secs| Stamp { size: 1, device: 1, ctime: (secs, 0), inode: 1, hash: 1 };
        write_manifest(
            &path,
            &[("old.html".to_owned(), Some(stamp(1))), ("new.html".to_owned(), Some(stamp(i64::MAX)))],
        )
        .unwrap();
        let read = read_manifest(&path);
        assert_eq!(read.keys().collect::<Vec<_>>(), ["old.html"]);
        assert_eq!(read["old.html"], stamp(1));
    }
}
