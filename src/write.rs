//! [`Site`] → disk: written to a staging folder beside the target, then swapped in.
//!
//! A failed or interrupted build never leaves a half-written site: the previous output
//! stays exactly as it was until the new one is complete. On Linux the swap is one atomic
//! `renameat2(RENAME_EXCHANGE)`; elsewhere it is two renames.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::render::Site;

/// Writes `site` to `out_dir`, replacing what was there only once everything is written.
pub fn write_site(site: &Site, out_dir: &Path) -> Result<()> {
    let parent = out_parent(out_dir);
    fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    remove_stale_staging(parent, &out_name(out_dir));
    let staging = staging_dir(out_dir);
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    }
    let result = write_tree(site, &staging).and_then(|()| swap_in(&staging, out_dir));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
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

fn write_tree(site: &Site, root: &Path) -> Result<()> {
    fs::create_dir_all(root).map_err(|e| Error::io(root, e))?;
    let mut made: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    for (rel, bytes) in &site.files {
        // Slugs and file names are checked long before, but a path that could leave the
        // output folder is refused here too: nothing is ever written outside it.
        let safe = Path::new(rel).components().all(|c| matches!(c, std::path::Component::Normal(_)));
        if !safe || rel.is_empty() {
            return Err(Error::io(rel, std::io::Error::other("refusing to write a path outside the output folder")));
        }
        let path = root.join(rel);
        if let Some(dir) = path.parent()
            && made.insert(dir.to_path_buf())
        {
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let mut file = fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
        file.write_all(bytes).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
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
}
