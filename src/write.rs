//! Output files → disk: written to a staging folder beside the target as they are
//! rendered, then swapped in.
//!
//! A failed or interrupted build never leaves a half-written site: the previous output
//! stays exactly as it was until the new one is complete. On Linux the swap is one atomic
//! `renameat2(RENAME_EXCHANGE)`; elsewhere it is two renames.
//!
//! A file whose bytes are those of the previous output is hard-linked from it rather than
//! written again. Rebuilds of a large site change few files, and a new file costs the
//! file system far more than a link (it allocates an inode and blocks, and the old copy
//! must be freed). Unchanged files also keep their modification time, so `rsync` and
//! HTTP caches see that they did not change. Where links are not possible, files are
//! written.

use std::collections::HashSet;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::error::{Error, Result};
use crate::render::Site;

/// Writes `site` to `out_dir`, replacing what was there only once everything is written.
pub fn write_site(site: &Site, out_dir: &Path) -> Result<()> {
    let staging = Staging::begin(out_dir)?;
    for (rel, bytes) in &site.files {
        staging.put(rel, bytes)?;
    }
    staging.commit()
}

/// A new output being written beside the current one; dropped without
/// [`commit`](Self::commit), it is removed and the current output stays.
#[derive(Debug)]
pub struct Staging {
    out_dir: PathBuf,
    root: PathBuf,
    /// The current output, whose unchanged files are linked rather than written.
    previous: Option<PathBuf>,
    made: Mutex<HashSet<PathBuf>>,
    linked: AtomicUsize,
    committed: bool,
}

impl Staging {
    /// Starts a new output for `out_dir` (clearing staging folders of dead builds).
    pub fn begin(out_dir: &Path) -> Result<Self> {
        let parent = out_parent(out_dir);
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        remove_stale_staging(parent, &out_name(out_dir));
        let root = staging_dir(out_dir);
        if root.exists() {
            fs::remove_dir_all(&root).map_err(|e| Error::io(&root, e))?;
        }
        fs::create_dir(&root).map_err(|e| Error::io(&root, e))?;
        let previous = fs::symlink_metadata(out_dir).is_ok_and(|m| m.is_dir()).then(|| out_dir.to_path_buf());
        Ok(Self {
            out_dir: out_dir.to_path_buf(),
            root,
            previous,
            made: Mutex::new(HashSet::new()),
            linked: AtomicUsize::new(0),
            committed: false,
        })
    }

    /// Adds the file `rel` (a relative path with `/` separators). Safe to call from
    /// several threads at once.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        // Slugs and file names are checked long before, but a path that could leave the
        // output folder is refused here too: nothing is ever written outside it.
        let safe = Path::new(rel).components().all(|c| matches!(c, std::path::Component::Normal(_)));
        if !safe || rel.is_empty() {
            return Err(Error::io(rel, std::io::Error::other("refusing to write a path outside the output folder")));
        }
        let path = self.root.join(rel);
        if STOPPED.load(Ordering::SeqCst) {
            return Err(Error::io(&path, std::io::Error::from(std::io::ErrorKind::Interrupted)));
        }
        if let Some(dir) = path.parent() {
            let new = self.made.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(dir.to_path_buf());
            if new {
                make_dirs(&self.root, dir).map_err(|e| Error::io(dir, e))?;
            }
        }
        if let Some(previous) = &self.previous {
            let old = previous.join(rel);
            if unchanged(&old, bytes) && fs::hard_link(&old, &path).is_ok() {
                self.linked.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
        }
        let mut file = fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
        file.write_all(bytes).map_err(|e| Error::io(&path, e))
    }

    /// How many files were linked from the previous output rather than written.
    pub fn linked(&self) -> usize {
        self.linked.load(Ordering::Relaxed)
    }

    /// Swaps the new output in and removes the old one.
    pub fn commit(mut self) -> Result<()> {
        self.committed = true;
        let result = swap_in(&self.root, &self.out_dir);
        if result.is_err() {
            let _ = fs::remove_dir_all(&self.root);
        }
        result
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.root);
        }
    }
}

/// Set once the build is interrupted: no file is written after that.
static STOPPED: AtomicBool = AtomicBool::new(false);

/// For an interrupt (Ctrl-C): stops every write and removes the staging folder of
/// `out_dir`. Render threads may still be finishing a file, so removal is retried until
/// the folder is gone.
pub fn stop_and_remove_staging(out_dir: &Path) {
    STOPPED.store(true, Ordering::SeqCst);
    let staging = staging_dir(out_dir);
    for _ in 0..200 {
        match fs::remove_dir_all(&staging) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                std::thread::sleep(std::time::Duration::from_millis(5))
            }
            _ => return,
        }
    }
}

/// `create_dir_all` for folders inside `root` that never creates `root` itself: once the
/// staging folder is removed (an interrupt), a late write fails instead of reviving it.
fn make_dirs(root: &Path, dir: &Path) -> std::io::Result<()> {
    match fs::create_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && dir != root && dir.starts_with(root) => {
            make_dirs(root, dir.parent().unwrap_or(root))?;
            make_dirs(root, dir)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        other => other,
    }
}

/// Whether the regular file at `old` holds exactly `bytes`.
fn unchanged(old: &Path, bytes: &[u8]) -> bool {
    let same_size = fs::symlink_metadata(old).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    same_size && fs::read(old).is_ok_and(|content| content == bytes)
}

/// The staging folder a build of `out_dir` by this process uses (for cleanup on interrupt).
pub fn staging_dir(out_dir: &Path) -> PathBuf {
    out_parent(out_dir).join(format!(".{}.staging-{}", out_name(out_dir), std::process::id()))
}

fn out_parent(out_dir: &Path) -> &Path {
    out_dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

fn out_name(out_dir: &Path) -> String {
    out_dir.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned())
}

fn swap_in(staging: &Path, out_dir: &Path) -> Result<()> {
    if !out_dir.exists() {
        return fs::rename(staging, out_dir).map_err(|e| Error::io(out_dir, e));
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staging, CWD, out_dir, RenameFlags::EXCHANGE).is_ok() {
            // `staging` now holds the previous site.
            return fs::remove_dir_all(staging).map_err(|e| Error::io(staging, e));
        }
    }
    let old = staging.with_extension("old");
    fs::rename(out_dir, &old).map_err(|e| Error::io(out_dir, e))?;
    fs::rename(staging, out_dir).map_err(|e| Error::io(out_dir, e))?;
    fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))
}

/// Removes staging folders left by builds that were killed (their process is gone).
fn remove_stale_staging(parent: &Path, name: &str) {
    let prefix = format!(".{name}.staging-");
    let Ok(entries) = fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = file_name.strip_prefix(&prefix).map(|p| p.trim_end_matches(".old")) else { continue };
        let alive = pid
            .parse::<u32>()
            .is_ok_and(|pid| pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> Site {
        Site::from_texts(files)
    }

    #[test]
    fn a_new_build_replaces_the_old_one_and_stale_files_disappear() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&site(&[("a/index.html", "one"), ("old.txt", "x")]), &out).unwrap();
        write_site(&site(&[("a/index.html", "two")]), &out).unwrap();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "two");
        assert!(!out.join("old.txt").exists());
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, ["public"]);
    }

    #[test]
    fn paths_that_leave_the_output_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../escape.html", "/etc/passwd", "a/../../b"] {
            let err = write_site(&site(&[(bad, "x")]), &dir.path().join("public")).unwrap_err();
            assert!(err.to_string().contains("outside the output folder"), "{bad}: {err}");
        }
        assert!(!dir.path().join("escape.html").exists());
        assert!(!dir.path().join("public").exists());
    }

    #[test]
    fn stale_staging_of_a_dead_process_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".public.staging-999999999");
        fs::create_dir(&stale).unwrap();
        write_site(&site(&[("index.html", "x")]), &dir.path().join("public")).unwrap();
        assert!(!stale.exists());
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_from_the_previous_output_and_keep_their_time() {
        use std::os::unix::fs::MetadataExt as _;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&site(&[("same.html", "same"), ("size.html", "abc"), ("grew.html", "a")]), &out).unwrap();
        let before = |name: &str| fs::metadata(out.join(name)).unwrap();
        let (same, size, grew) = (before("same.html"), before("size.html"), before("grew.html"));

        let staging = Staging::begin(&out).unwrap();
        for (rel, text) in [("same.html", "same"), ("size.html", "xyz"), ("grew.html", "ab"), ("new.html", "n")] {
            staging.put(rel, text.as_bytes()).unwrap();
        }
        assert_eq!(staging.linked(), 1);
        staging.commit().unwrap();

        let after = |name: &str| fs::metadata(out.join(name)).unwrap();
        assert_eq!((after("same.html").ino(), after("same.html").mtime()), (same.ino(), same.mtime()));
        assert_ne!(after("size.html").ino(), size.ino(), "same size, other bytes: written anew");
        assert_ne!(after("grew.html").ino(), grew.ino());
        assert_eq!(after("same.html").nlink(), 1, "the old tree is gone");
        for (name, text) in [("same.html", "same"), ("size.html", "xyz"), ("grew.html", "ab"), ("new.html", "n")] {
            assert_eq!(fs::read_to_string(out.join(name)).unwrap(), text);
        }
    }

    #[test]
    fn a_staging_dropped_without_commit_leaves_the_output_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&site(&[("index.html", "old")]), &out).unwrap();
        let staging = Staging::begin(&out).unwrap();
        staging.put("index.html", b"new").unwrap();
        drop(staging);
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, ["public"]);
    }
}
