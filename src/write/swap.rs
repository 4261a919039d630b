//! The output folder and what lives beside it: finding the real folder behind the path
//! given, deciding whether a build may replace it, one build at a time, and the swap.
//!
//! Beside an output folder `public` a build keeps, all hidden:
//!
//! - `.public.lock`: held by the build writing `public`, so two builds never meet;
//! - `.public.staging-<pid>`: the new site while it is written;
//! - `.public.previous`: the site the last build replaced, the next staging folder;
//! - `.public.old`: only for a moment, in the swap by two renames (see `swap_in`);
//! - `.public.manifest` and `.public.previous.manifest` (see the `manifest` module).

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// How the new site replaces the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwapMethod {
    /// One atomic `renameat2(RENAME_EXCHANGE)` (Linux); the two renames where it fails.
    Exchange,
    /// Two renames, as on systems without an atomic exchange. `UNDERSIGNED_SWAP=rename`
    /// forces it, so that this path is tested on Linux too.
    TwoRenames,
}

impl SwapMethod {
    /// The exchange where the system has it, unless `UNDERSIGNED_SWAP=rename` asks for
    /// the two renames.
    pub fn from_env() -> Self {
        if cfg!(target_os = "linux") && std::env::var_os("UNDERSIGNED_SWAP").is_none_or(|v| v != "rename") {
            Self::Exchange
        } else {
            Self::TwoRenames
        }
    }
}

/// `path` as the file system will resolve it: absolute, every symbolic link of the part
/// that exists followed, and `.` and `..` applied the way the folders made for the rest
/// will apply them. `--output public/../content` is `content`; `--output public` where
/// `public` links to `/var/www/site` is `/var/www/site`.
pub fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut resolved = PathBuf::new();
    let mut exists = true;
    for component in absolute.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => resolved.push(component),
            Component::CurDir => {}
            // What is resolved so far holds no link, so `..` is its parent; back in folders
            // that exist, the rest is resolved by the file system again (the folders
            // made for `new/../static` lead to where `static` links).
            Component::ParentDir => {
                resolved.pop();
                exists = fs::symlink_metadata(&resolved).is_ok();
            }
            Component::Normal(name) => {
                resolved.push(name);
                if exists {
                    match fs::canonicalize(&resolved) {
                        Ok(real) => resolved = real,
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                            // A link to nowhere would be made as its target: refuse it.
                            if fs::symlink_metadata(&resolved).is_ok() {
                                return Err(std::io::Error::other("a symbolic link to nothing"));
                            }
                            exists = false;
                        }
                        Err(e) => return Err(e),
                    }
                }
            }
        }
    }
    Ok(resolved)
}

/// Refuses an output folder that a build must not replace: one that is not a folder, a
/// mount point (it cannot be renamed), or a folder with files in it that no build of ours
/// made (no manifest beside it). `out_dir` is [resolved](resolve).
pub(super) fn check_replaceable(out_dir: &Path) -> Result<()> {
    let Ok(metadata) = fs::symlink_metadata(out_dir) else { return Ok(()) };
    let shown = out_dir.display();
    if !metadata.is_dir() {
        return Err(Error::Usage(format!(
            "refusing to write the site to {shown}: it is a file, not a folder (choose another --output)"
        )));
    }
    if is_mount_point(out_dir, &metadata) {
        return Err(Error::Usage(format!(
            "refusing to write the site to {shown}: it is a mount point, which a build cannot swap; \
             give --output a folder inside it (e.g. {}) and serve that folder",
            out_dir.join("site").display()
        )));
    }
    let empty = fs::read_dir(out_dir).map_err(|e| Error::io(out_dir, e))?.next().is_none();
    let ours = fs::symlink_metadata(super::manifest::manifest_path(out_dir, ".manifest")).is_ok_and(|m| m.is_file());
    if !empty && !ours {
        return Err(Error::Usage(format!(
            "refusing to replace {shown}: it holds files that no build of undersigned made (there is no {} beside \
             it); a build replaces the whole folder. Choose an empty or new folder for --output, or move those \
             files away (if it is an old build, delete it)",
            super::manifest::manifest_path(out_dir, ".manifest").display()
        )));
    }
    Ok(())
}

/// Whether `dir` is on another device than its parent folder.
fn is_mount_point(dir: &Path, metadata: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let parent = dir.parent().unwrap_or(dir);
        dir.parent().is_none() || fs::metadata(parent).is_ok_and(|p| p.dev() != metadata.dev())
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        dir.parent().is_none()
    }
}

/// How long a build waits for the lock of its output before it gives up.
const LOCK_PATIENCE: std::time::Duration = std::time::Duration::from_secs(1);

/// The lock of one output folder, held for the whole build: a second build of the same
/// folder is refused while the first runs, and the first's staging folder is never taken
/// for a dead build's. The lock is the operating system's (`flock`, `LockFileEx`), so it
/// goes with the process however it ends.
#[derive(Debug)]
pub(super) struct OutputLock(#[allow(dead_code, reason = "held for its lock")] fs::File);

impl OutputLock {
    pub(super) fn acquire(out_dir: &Path) -> Result<Self> {
        let path = beside(out_dir, ".lock");
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        // A lock held only a moment is waited for: a build that is finishing, or a
        // process that had just forked to start another program when a build of its own
        // ended (the child holds a copy of the lock until it executes the program).
        let mut waited = std::time::Duration::ZERO;
        let mut pause = std::time::Duration::from_millis(5);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Self(file)),
                Err(fs::TryLockError::WouldBlock) if waited < LOCK_PATIENCE => {
                    std::thread::sleep(pause);
                    waited += pause;
                    pause = (pause * 2).min(std::time::Duration::from_millis(100));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(Error::Usage(format!(
                        "another build is writing {} now; run this one when it has finished",
                        out_dir.display()
                    )));
                }
                Err(fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            }
        }
    }
}

/// Puts right a swap by two renames that was stopped between them (a kill, a power cut):
/// with the output missing, the old site at `.<output>.old` is the only copy and goes
/// back; with the output in place, it is the replaced site and is kept as the spare.
/// Called under the [`OutputLock`].
pub(super) fn recover(out_dir: &Path) -> Result<()> {
    let old = beside(out_dir, ".old");
    if !fs::symlink_metadata(&old).is_ok_and(|m| m.is_dir()) {
        return Ok(());
    }
    if fs::symlink_metadata(out_dir).is_err() {
        fs::rename(&old, out_dir).map_err(|e| Error::io(out_dir, e))
    } else {
        keep_as_spare(&old, &spare_dir(out_dir))
    }
}

/// Removes the staging folders of builds that ended without cleaning up. Under the
/// [`OutputLock`] no other build of this output runs, so every one but ours is dead.
pub(super) fn remove_stale_staging(out_dir: &Path, ours: &Path) {
    let prefix = format!(".{}.staging-", out_name(out_dir));
    let Ok(entries) = fs::read_dir(out_parent(out_dir)) else { return };
    for entry in entries.flatten() {
        let is_staging = entry.file_name().to_str().is_some_and(|n| n.starts_with(&prefix));
        if is_staging && entry.path() != ours && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Swaps the complete new site at `staging` in as `out_dir`, and keeps the replaced site
/// as the spare for the next build.
///
/// The exchange is one atomic step. The two renames are not: between them there is no
/// output, and the old site waits at `.<output>.old`, a name nothing else ever removes,
/// for [`recover`] to put back if the process dies there.
pub(super) fn swap_in(staging: &Path, out_dir: &Path, method: SwapMethod) -> Result<()> {
    if fs::symlink_metadata(out_dir).is_err() {
        return fs::rename(staging, out_dir).map_err(|e| Error::io(out_dir, e));
    }
    let spare = spare_dir(out_dir);
    #[cfg(target_os = "linux")]
    if method == SwapMethod::Exchange {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staging, CWD, out_dir, RenameFlags::EXCHANGE).is_ok() {
            // `staging` now holds the previous site: it is kept for the next build.
            return keep_as_spare(staging, &spare);
        }
    }
    let _ = method;
    let old = beside(out_dir, ".old");
    fs::rename(out_dir, &old).map_err(|e| Error::io(out_dir, e))?;
    if let Err(e) = fs::rename(staging, out_dir) {
        let _ = fs::rename(&old, out_dir);
        return Err(Error::io(out_dir, e));
    }
    keep_as_spare(&old, &spare)
}

/// Keeps the replaced site at `spare` for the next build, or removes it if that fails.
pub(super) fn keep_as_spare(old: &Path, spare: &Path) -> Result<()> {
    if fs::symlink_metadata(spare).is_ok() {
        let _ = super::remove_entry(spare);
    }
    if fs::rename(old, spare).is_err() {
        fs::remove_dir_all(old).map_err(|e| Error::io(old, e))?;
    }
    Ok(())
}

/// The staging folder a build of `out_dir` by this process uses.
pub(super) fn staging_dir(out_dir: &Path) -> PathBuf {
    beside(out_dir, &format!(".staging-{}", std::process::id()))
}

/// Where the site replaced by the last build waits to become the next staging folder.
pub(super) fn spare_dir(out_dir: &Path) -> PathBuf {
    beside(out_dir, ".previous")
}

/// `.<output><suffix>`, in the output's parent folder.
pub(super) fn beside(out_dir: &Path, suffix: &str) -> PathBuf {
    out_parent(out_dir).join(format!(".{}{suffix}", out_name(out_dir)))
}

pub(super) fn out_parent(out_dir: &Path) -> &Path {
    out_dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

pub(super) fn out_name(out_dir: &Path) -> String {
    out_dir.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn paths_resolve_as_the_file_system_resolves_them() {
        let dir = tempfile::tempdir().unwrap();
        let base = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir_all(base.join("site/content")).unwrap();
        std::os::unix::fs::symlink(base.join("site"), base.join("alias")).unwrap();
        std::os::unix::fs::symlink(base.join("nowhere"), base.join("dangling")).unwrap();
        std::os::unix::fs::symlink(base.join("site/content"), base.join("site/static-link")).unwrap();
        let cases = [
            ("site/public/../content", "site/content"),
            ("alias/content", "site/content"),
            ("alias/./new/../content/x", "site/content/x"),
            ("alias/new/deeper/../../content", "site/content"),
            ("site/new/../static-link/x", "site/content/x"),
            ("site/content/../../alias/public", "site/public"),
        ];
        for (given, expected) in cases {
            assert_eq!(resolve(&base.join(given)).unwrap(), base.join(expected), "{given}");
        }
        assert!(resolve(&base.join("dangling/x")).is_err());
    }

    #[test]
    fn a_swap_stopped_between_its_two_renames_is_put_right() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        // Killed after the first rename: the old site is only at `.public.old`.
        fs::create_dir_all(dir.path().join(".public.old")).unwrap();
        fs::write(dir.path().join(".public.old/index.html"), "old").unwrap();
        recover(&out).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert!(!dir.path().join(".public.old").exists());
        // Killed after the second: the old site is the spare.
        fs::create_dir_all(dir.path().join(".public.old")).unwrap();
        recover(&out).unwrap();
        assert!(dir.path().join(".public.previous").is_dir());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
    }

    #[test]
    fn a_second_build_of_the_same_output_is_refused_while_the_first_holds_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = OutputLock::acquire(&out).unwrap();
        let second = OutputLock::acquire(&out).unwrap_err();
        assert_contains!(second.to_string(), "another build is writing");
        drop(first);
        OutputLock::acquire(&out).unwrap();
    }

    #[test]
    fn a_folder_of_someone_else_s_files_or_a_file_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let docs = dir.path().join("mydocs");
        fs::create_dir(&docs).unwrap();
        check_replaceable(&docs).unwrap();
        fs::write(docs.join("thesis.txt"), "years of work").unwrap();
        let err = check_replaceable(&docs).unwrap_err().to_string();
        assert_contains!(err, "no build of undersigned made");
        fs::write(dir.path().join(".mydocs.manifest"), "").unwrap();
        check_replaceable(&docs).unwrap();
        let err = check_replaceable(&docs.join("thesis.txt")).unwrap_err().to_string();
        assert_contains!(err, "it is a file");
    }
}
