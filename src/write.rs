//! Output files → disk: written to a staging folder beside the target as they are
//! rendered, then swapped in.
//!
//! A failed or interrupted build never leaves a half-written site: the previous output
//! stays exactly as it was until the new one is complete. On Linux the swap is one atomic
//! `renameat2(RENAME_EXCHANGE)`; elsewhere it is two renames.
//!
//! Nothing is written twice and nothing is deleted to be made again, because on a busy
//! file system new files and folders are what costs (each takes an inode, and the kernel
//! avoids reusing recently freed ones):
//!
//! - after the swap, the replaced site is kept as `.<output>.previous`, beside the output,
//!   and the next build starts from it as its staging folder, so its folders exist already;
//! - a file whose bytes are already in the staging folder is left as it is;
//! - a file whose bytes are those of the current output is hard-linked from it;
//! - only the rest is written; then whatever the new site does not have is removed.
//!
//! Unchanged files therefore keep their modification time, so `rsync` and HTTP caches see
//! that they did not change. Where links are not possible, files are written.
//!
//! Telling that a file is unchanged need not mean reading it: after each build, a manifest
//! beside the output (`.<output>.manifest`) records every file's size, inode, change time
//! (which, unlike the modification time, no program can set) and XXH3-128 hash, and the
//! previous one (`.<output>.previous.manifest`) describes the kept site. A file whose new bytes hash as recorded, and whose metadata on disk is
//! still what was recorded, is the same file; any difference (a file edited by hand, a
//! manifest lost or from another tree) falls back to comparing the bytes.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::error::{Error, Result};
use crate::hash::{HashMap, HashSet};

/// A new output being written beside the current one; dropped without
/// [`commit`](Self::commit), it is removed and the current output stays.
#[derive(Debug)]
pub struct Staging {
    out_dir: PathBuf,
    root: PathBuf,
    /// The current output, whose unchanged files are linked rather than written.
    previous: Option<PathBuf>,
    /// The staging folder started as the site before the current one (see the module
    /// documentation): what it has beyond the new files must go before the swap.
    reused: bool,
    made: Mutex<HashSet<PathBuf>>,
    counts: [AtomicUsize; 3],
    committed: bool,
    /// What the last build recorded of the files of the staging folder (when `reused`)
    /// and of the current output.
    recorded: [Manifest; 2],
    /// Every path put, relative to the root, with what this build records of it for the
    /// next one (nothing if its metadata could not be read). A reused staging folder's
    /// other files must go before the swap.
    put: Mutex<Vec<(String, Option<Stamp>)>>,
}

/// Which recorded manifest describes a folder.
#[derive(Clone, Copy)]
enum Recorded {
    Staging = 0,
    Previous = 1,
}

/// One file as a manifest records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    size: u64,
    device: u64,
    /// The inode's change time (seconds, nanoseconds).
    ctime: (i64, i64),
    inode: u64,
    hash: u128,
}

/// Relative path → stamp.
type Manifest = HashMap<String, Stamp>;

/// What became of one file put: the index of its count in [`Staging::counts`].
#[derive(Debug, Clone, Copy)]
enum Done {
    Kept = 0,
    Linked = 1,
    Written = 2,
}

/// What [`Staging`] did with the files it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriteCounts {
    /// Already in the staging folder with the same bytes.
    pub kept: usize,
    /// Hard-linked from the current output.
    pub linked: usize,
    /// Written.
    pub written: usize,
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
        let spare = spare_dir(out_dir);
        // Made under the interrupt's lock: an interrupt that came first leaves no folder
        // to appear after its handler removed it.
        let interrupt = lock(&SWAPPED);
        if stopped() {
            return Err(interrupted(&root));
        }
        let reused = match fs::symlink_metadata(&spare) {
            Ok(m) if m.is_dir() => fs::rename(&spare, &root).is_ok(),
            Ok(_) => {
                let _ = fs::remove_file(&spare);
                false
            }
            Err(_) => false,
        };
        if !reused {
            fs::create_dir(&root).map_err(|e| Error::io(&root, e))?;
        }
        drop(interrupt);
        let previous = fs::symlink_metadata(out_dir).is_ok_and(|m| m.is_dir()).then(|| out_dir.to_path_buf());
        let read = |yes: bool, path: PathBuf| if yes { read_manifest(&path) } else { Manifest::default() };
        let recorded = [
            read(reused, manifest_path(out_dir, ".previous.manifest")),
            read(previous.is_some(), manifest_path(out_dir, ".manifest")),
        ];
        Ok(Self {
            out_dir: out_dir.to_path_buf(),
            root,
            previous,
            reused,
            made: Mutex::new(HashSet::default()),
            counts: Default::default(),
            committed: false,
            recorded,
            put: Mutex::new(Vec::new()),
        })
    }

    /// The stamp of `path` if it is the file recorded for `rel` in `which` and holds bytes
    /// of `size` hashing to `hash`: then it holds those bytes, and need not be read.
    fn recorded_as(&self, which: Recorded, rel: &str, path: &Path, size: usize, hash: u128) -> Option<Stamp> {
        let recorded = self.recorded[which as usize].get(rel)?;
        (recorded.size == size as u64 && recorded.hash == hash).then_some(())?;
        let on_disk = stamp(&fs::symlink_metadata(path).ok().filter(fs::Metadata::is_file)?, hash);
        (on_disk == *recorded).then_some(on_disk)
    }

    /// The stamp of `path` if it holds exactly `bytes` (which hash to `hash`): known from
    /// the manifest `which` when it can be, else by reading the file.
    fn holds(&self, which: Recorded, rel: &str, path: &Path, bytes: &[u8], hash: u128) -> Option<Stamp> {
        self.recorded_as(which, rel, path, bytes.len(), hash)
            .or_else(|| unchanged(path, bytes).map(|m| stamp(&m, hash)))
    }

    /// Notes that `rel` was put, and its stamp for the next build's manifest.
    fn record(&self, rel: &str, stamp: Option<Stamp>) {
        lock(&self.put).push((rel.to_owned(), stamp));
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
        if stopped() {
            return Err(interrupted(&path));
        }
        if let Some(dir) = path.parent() {
            let new = lock(&self.made).insert(dir.to_path_buf());
            // In a reused staging folder most folders exist; one that is a link or a file
            // is replaced by a real folder.
            if new && !(self.reused && fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())) {
                make_dirs(&self.root, dir).map_err(|e| Error::io(dir, e))?;
            }
        }
        let hash = xxhash_rust::xxh3::xxh3_128(bytes);
        if self.reused {
            let kept = self.holds(Recorded::Staging, rel, &path, bytes, hash);
            if kept.is_some() {
                self.record(rel, kept);
                return self.done(Done::Kept);
            }
            remove_entry(&path).map_err(|e| Error::io(&path, e))?;
        }
        if let Some(previous) = &self.previous {
            let old = previous.join(rel);
            if self.holds(Recorded::Previous, rel, &old, bytes, hash).is_some() && fs::hard_link(&old, &path).is_ok() {
                // A new link changes the file's change time.
                self.record(rel, fs::symlink_metadata(&path).ok().map(|m| stamp(&m, hash)));
                return self.done(Done::Linked);
            }
        }
        let mut file = match fs::File::create(&path) {
            // Another thread may have claimed the folder and not made it yet.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                make_dirs(&self.root, path.parent().unwrap_or(&self.root)).map_err(|e| Error::io(&path, e))?;
                fs::File::create(&path)
            }
            other => other,
        }
        .map_err(|e| Error::io(&path, e))?;
        file.write_all(bytes).map_err(|e| Error::io(&path, e))?;
        self.record(rel, file.metadata().ok().map(|m| stamp(&m, hash)));
        self.done(Done::Written)
    }

    fn done(&self, what: Done) -> Result<()> {
        self.counts[what as usize].fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// How many files were kept, linked and written so far.
    pub fn counts(&self) -> WriteCounts {
        let [kept, linked, written] = self.counts.each_ref().map(|c| c.load(Ordering::Relaxed));
        WriteCounts { kept, linked, written }
    }

    /// Removes what the new site does not have, swaps it in, and keeps the replaced site
    /// for the next build.
    pub fn commit(mut self) -> Result<()> {
        self.committed = true;
        let result = self.prune().and_then(|()| {
            let mut swapped = lock(&SWAPPED);
            if stopped() {
                return Err(interrupted(&self.root));
            }
            swap_in(&self.root, &self.out_dir)?;
            *swapped = true;
            Ok(())
        });
        if result.is_err() {
            // After an interrupt, its handler removes the staging folder.
            if !stopped() {
                let _ = fs::remove_dir_all(&self.root);
            }
            return result;
        }
        // The manifests are a shortcut, never needed: failing to write them fails nothing.
        let (current, kept) =
            (manifest_path(&self.out_dir, ".manifest"), manifest_path(&self.out_dir, ".previous.manifest"));
        if fs::symlink_metadata(spare_dir(&self.out_dir)).is_ok() {
            // The replaced site is kept: its manifest goes with it.
            let _ = fs::rename(&current, &kept);
        } else {
            let _ = fs::remove_file(&kept);
        }
        let _ = write_manifest(&current, &lock(&self.put));
        result
    }

    /// Removes every file and folder of a reused staging folder that was not put.
    fn prune(&self) -> Result<()> {
        if !self.reused {
            return Ok(());
        }
        let put = lock(&self.put);
        let produced: HashSet<&str> = put.iter().map(|(rel, _)| rel.as_str()).collect();
        let folders: HashSet<&str> =
            produced.iter().flat_map(|rel| rel.match_indices('/').map(move |(i, _)| &rel[..i])).collect();
        let mut pending = vec![(self.root.clone(), String::new())];
        while let Some((dir, rel_dir)) = pending.pop() {
            for entry in fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
                let entry = entry.map_err(|e| Error::io(&dir, e))?;
                let rel = match entry.file_name().to_str() {
                    Some(name) if rel_dir.is_empty() => name.to_owned(),
                    Some(name) => format!("{rel_dir}/{name}"),
                    None => String::new(),
                };
                let path = entry.path();
                let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
                if is_dir && folders.contains(rel.as_str()) {
                    pending.push((path, rel));
                } else if is_dir || !produced.contains(rel.as_str()) {
                    remove_entry(&path).map_err(|e| Error::io(&path, e))?;
                }
            }
        }
        Ok(())
    }
}

impl Drop for Staging {
    /// A build that failed leaves the output as it was; what it wrote is kept as the next
    /// build's starting point (it is reconciled file by file there, like any spare).
    fn drop(&mut self) {
        if !self.committed {
            // It is removed if it cannot be kept (after an interrupt, by the interrupt's
            // handler). Either way, what the last build recorded of it no longer holds.
            let _ = fs::remove_file(manifest_path(&self.out_dir, ".previous.manifest"));
            if !stopped() {
                let _ = keep_as_spare(&self.root, &spare_dir(&self.out_dir));
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Removes a file, link or folder; nothing there is fine.
fn remove_entry(path: &Path) -> std::io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Set once the build is interrupted: no file is written after that, and no swap happens.
static STOPPED: AtomicBool = AtomicBool::new(false);

/// Held while the new site is swapped in; true once it is. An interrupt and a swap take it
/// in turn, so either the interrupt comes first and no swap follows, or the swap completes
/// and the interrupt leaves the build to finish.
static SWAPPED: Mutex<bool> = Mutex::new(false);

/// For an interrupt (Ctrl-C): stops every write and removes the staging folder of
/// `out_dir`, unless the new site is already swapped in. Render threads may still be
/// finishing a file, so removal is retried until the folder is gone. Returns whether the
/// build was stopped (the previous site stays); false means the new site is in place.
pub fn stop_and_remove_staging(out_dir: &Path) -> bool {
    {
        let swapped = lock(&SWAPPED);
        if *swapped {
            return false;
        }
        STOPPED.store(true, Ordering::SeqCst);
    }
    let staging = staging_dir(out_dir);
    for _ in 0..200 {
        match fs::remove_dir_all(&staging) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                std::thread::sleep(std::time::Duration::from_millis(5))
            }
            _ => break,
        }
    }
    true
}

/// Whether the build was interrupted; its errors since are the interrupt's doing.
pub fn stopped() -> bool {
    STOPPED.load(Ordering::SeqCst)
}

/// The error of a step refused because the build was interrupted.
fn interrupted(path: &Path) -> Error {
    Error::io(path, std::io::Error::from(std::io::ErrorKind::Interrupted))
}

/// `create_dir_all` for folders inside `root` that never creates `root` itself: once the
/// staging folder is removed (an interrupt), a late write fails instead of reviving it.
/// In a reused staging folder, a file or link in the way of a folder is removed.
fn make_dirs(root: &Path, dir: &Path) -> std::io::Result<()> {
    match fs::create_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && dir != root && dir.starts_with(root) => {
            make_dirs(root, dir.parent().unwrap_or(root))?;
            make_dirs(root, dir)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            if fs::symlink_metadata(dir)?.is_dir() {
                Ok(())
            } else {
                fs::remove_file(dir)?;
                fs::create_dir(dir)
            }
        }
        other => other,
    }
}

/// The stamp of a file with these metadata and content hash.
fn stamp(metadata: &fs::Metadata, hash: u128) -> Stamp {
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
fn manifest_path(out_dir: &Path, suffix: &str) -> PathBuf {
    out_parent(out_dir).join(format!(".{}{suffix}", out_name(out_dir)))
}

/// The first line of a manifest: its format.
const MANIFEST_HEADER: &str = "undersigned manifest 2";

/// Writes the stamps of `put` as a manifest: the header, then one line per file (hash,
/// size, device, change time in seconds and nanoseconds, inode, path), through a
/// temporary file.
fn write_manifest(path: &Path, put: &[(String, Option<Stamp>)]) -> std::io::Result<()> {
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
fn read_manifest(path: &Path) -> Manifest {
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

/// The metadata of the regular file at `old` if it holds exactly `bytes` (read in chunks
/// into a buffer kept per thread: no copy of the whole file is made).
fn unchanged(old: &Path, bytes: &[u8]) -> Option<fs::Metadata> {
    use std::io::Read as _;
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; 64 * 1024]);
    }
    let mut file = open_regular(old)?;
    let metadata = file.metadata().ok().filter(|m| m.is_file() && m.len() == bytes.len() as u64)?;
    let same = BUFFER.with_borrow_mut(|buffer| {
        let mut rest = bytes;
        loop {
            match file.read(buffer) {
                Ok(0) => return rest.is_empty(),
                Ok(n) if n <= rest.len() && buffer[..n] == rest[..n] => rest = &rest[n..],
                Ok(_) => return false,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
    });
    same.then_some(metadata)
}

/// Opens `path` for reading unless it is a symbolic link, without waiting if it is a pipe:
/// only a regular file can be kept.
fn open_regular(path: &Path) -> Option<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags((OFlags::NOFOLLOW | OFlags::NONBLOCK).bits() as i32);
    }
    options.open(path).ok()
}

/// The staging folder a build of `out_dir` by this process uses (for cleanup on interrupt).
pub fn staging_dir(out_dir: &Path) -> PathBuf {
    out_parent(out_dir).join(format!(".{}.staging-{}", out_name(out_dir), std::process::id()))
}

/// Where the site replaced by the last build waits to become the next staging folder.
fn spare_dir(out_dir: &Path) -> PathBuf {
    out_parent(out_dir).join(format!(".{}.previous", out_name(out_dir)))
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
    let spare = spare_dir(out_dir);
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staging, CWD, out_dir, RenameFlags::EXCHANGE).is_ok() {
            // `staging` now holds the previous site: it is kept for the next build.
            return keep_as_spare(staging, &spare);
        }
    }
    let old = staging.with_extension("old");
    fs::rename(out_dir, &old).map_err(|e| Error::io(out_dir, e))?;
    fs::rename(staging, out_dir).map_err(|e| Error::io(out_dir, e))?;
    keep_as_spare(&old, &spare)
}

/// Keeps the replaced site at `spare` for the next build, or removes it if that fails.
fn keep_as_spare(old: &Path, spare: &Path) -> Result<()> {
    if spare.exists() {
        let _ = remove_entry(spare);
    }
    if fs::rename(old, spare).is_err() {
        fs::remove_dir_all(old).map_err(|e| Error::io(old, e))?;
    }
    Ok(())
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
    use crate::render::Site;

    /// Writes `site` to `out_dir`, as a build does.
    fn write_site(site: &Site, out_dir: &Path) -> Result<()> {
        let staging = Staging::begin(out_dir)?;
        for (rel, bytes) in &site.files {
            staging.put(rel, bytes)?;
        }
        staging.commit()
    }

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
        assert_eq!(
            names_in(dir.path()),
            [".public.manifest", ".public.previous", ".public.previous.manifest", "public"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn files_changed_by_hand_after_a_build_are_written_again_whatever_the_manifest_says() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let files = [("a.html", "aaaa"), ("b.html", "bbbb"), ("c/c.html", "cccc"), ("d.html", "dddd")];
        let expected = texts(&files);
        for _ in 0..3 {
            write_site(&site(&files), &out).unwrap();
        }
        // Later (people edit after a build, not within the same clock tick), with the same
        // sizes: in place, in the kept site and in the output; and one file replaced.
        std::thread::sleep(std::time::Duration::from_millis(20));
        let kept = dir.path().join(".public.previous");
        fs::write(kept.join("a.html"), "AAAA").unwrap();
        fs::write(out.join("b.html"), "BBBB").unwrap();
        fs::remove_file(kept.join("c/c.html")).unwrap();
        fs::write(kept.join("c/c.html"), "CCCC").unwrap();
        // The next build starts from the kept site and links from the output. The two share
        // their files (links), so `a` and `b` changed in both and are written; `c` is linked
        // from the output; only `d` is kept.
        let staging = Staging::begin(&out).unwrap();
        for (rel, text) in files {
            staging.put(rel, text.as_bytes()).unwrap();
        }
        assert_eq!(staging.counts(), WriteCounts { kept: 1, linked: 1, written: 2 });
        staging.commit().unwrap();
        assert_eq!(snapshot(&out), expected);
        // And the one after, from the output that had `b` edited.
        write_site(&site(&files), &out).unwrap();
        assert_eq!(snapshot(&out), expected);
        // A manifest that is not one is read as empty: files are compared by their bytes.
        fs::write(dir.path().join(".public.previous.manifest"), "garbage").unwrap();
        fs::write(dir.path().join(".public.manifest"), "undersigned manifest 2\nnot\ta\tline\n").unwrap();
        write_site(&site(&files), &out).unwrap();
        assert_eq!(snapshot(&out), expected);
    }

    #[cfg(unix)]
    #[test]
    fn an_unchanged_file_recorded_in_the_manifest_is_kept_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        // A build records what it wrote in the same clock tick as it writes its manifest,
        // so that entry is trusted only from the build after (see `read_manifest`).
        for _ in 0..4 {
            std::thread::sleep(std::time::Duration::from_millis(30));
            write_site(&site(&[("a.html", "aaaa")]), &out).unwrap();
        }
        let staging = Staging::begin(&out).unwrap();
        let path = staging.root.join("a.html");
        let hash = xxhash_rust::xxh3::xxh3_128(b"aaaa");
        assert!(staging.recorded_as(Recorded::Staging, "a.html", &path, 4, hash).is_some());
        assert!(staging.recorded_as(Recorded::Staging, "a.html", &path, 4, hash ^ 1).is_none());
        assert!(staging.recorded_as(Recorded::Previous, "a.html", &out.join("a.html"), 4, hash).is_some());
        drop(staging);
    }

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
    fn a_link_with_the_right_content_is_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&site(&[("a.html", "a")]), &out).unwrap();
        write_site(&site(&[("a.html", "a")]), &out).unwrap();
        // The spare folder (the next staging folder) holds a link to a file of the same bytes.
        let spare = dir.path().join(".public.previous/a.html");
        fs::remove_file(&spare).unwrap();
        fs::write(dir.path().join("elsewhere.html"), "a").unwrap();
        std::os::unix::fs::symlink(dir.path().join("elsewhere.html"), &spare).unwrap();
        write_site(&site(&[("a.html", "a")]), &out).unwrap();
        assert!(fs::symlink_metadata(out.join("a.html")).unwrap().is_file());
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_kept_or_linked_and_keep_their_time() {
        use std::os::unix::fs::MetadataExt as _;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = [("same.html", "same"), ("size.html", "abc"), ("grew.html", "a"), ("old/gone.html", "g")];
        write_site(&site(&first), &out).unwrap();
        let before = |name: &str| fs::metadata(out.join(name)).unwrap();
        let (same, size, grew) = (before("same.html"), before("size.html"), before("grew.html"));

        // The second build links from the first; the first is kept beside the output.
        let second = [("same.html", "same"), ("size.html", "xyz"), ("grew.html", "ab"), ("new.html", "n")];
        let staging = Staging::begin(&out).unwrap();
        for (rel, text) in second {
            staging.put(rel, text.as_bytes()).unwrap();
        }
        assert_eq!(staging.counts(), WriteCounts { kept: 0, linked: 1, written: 3 });
        staging.commit().unwrap();
        let after = |name: &str| fs::metadata(out.join(name)).unwrap();
        assert_eq!((after("same.html").ino(), after("same.html").mtime()), (same.ino(), same.mtime()));
        assert_ne!(after("size.html").ino(), size.ino(), "same size, other bytes: written anew");
        assert_ne!(after("grew.html").ino(), grew.ino());
        assert!(dir.path().join(".public.previous/old/gone.html").exists());

        // The third starts from the first's folder: what it has that the new site does
        // not is removed, a file where a folder must be goes, and nothing else is touched.
        let third = [("same.html", "same"), ("size.html", "xyz"), ("new.html", "n2"), ("grew.html/index.html", "d")];
        let staging = Staging::begin(&out).unwrap();
        assert!(!dir.path().join(".public.previous").exists());
        for (rel, text) in third {
            staging.put(rel, text.as_bytes()).unwrap();
        }
        assert_eq!(staging.counts(), WriteCounts { kept: 1, linked: 1, written: 2 });
        staging.commit().unwrap();
        assert_eq!(snapshot(&out), texts(&third));
        assert_eq!(after("same.html").ino(), same.ino());
        let kept = snapshot(&dir.path().join(".public.previous"));
        assert_eq!(kept, texts(&second));
    }

    /// The names in `dir`, sorted.
    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    /// `files` as [`snapshot`] gives them.
    fn texts(files: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
        files.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect()
    }

    /// Every file below `root`, by relative path, with its text.
    fn snapshot(root: &Path) -> std::collections::BTreeMap<String, String> {
        walkdir::WalkDir::new(root)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(root).unwrap().to_string_lossy().into_owned();
                (rel, fs::read_to_string(e.path()).unwrap())
            })
            .collect()
    }

    #[test]
    fn files_put_from_several_threads_into_new_folders_all_arrive() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let staging = Staging::begin(&out).unwrap();
        // Four threads put files into the same new folders at once: a thread that finds a
        // folder claimed by another must not fail because it is not made yet.
        std::thread::scope(|scope| {
            for t in 0..4 {
                let staging = &staging;
                scope.spawn(move || {
                    for i in 0..300 {
                        staging.put(&format!("f{}/g{}/{t}-{i}.html", i % 50, i % 7), b"x").unwrap();
                    }
                });
            }
        });
        staging.commit().unwrap();
        assert_eq!(snapshot(&out).len(), 1200);
    }

    #[test]
    fn a_file_where_the_kept_site_belongs_is_removed_and_the_build_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&site(&[("index.html", "zero")]), &out).unwrap();
        write_site(&site(&[("index.html", "one")]), &out).unwrap();
        fs::remove_dir_all(dir.path().join(".public.previous")).unwrap();
        fs::write(dir.path().join(".public.previous"), "not a folder").unwrap();
        write_site(&site(&[("index.html", "two")]), &out).unwrap();
        assert_eq!(snapshot(&out), [("index.html".to_owned(), "two".to_owned())].into());
        assert!(dir.path().join(".public.previous").is_dir());
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
        assert_eq!(
            names_in(dir.path()),
            [".public.manifest", ".public.previous", "public"],
            "what was written waits for the next build"
        );
        // Which starts from it and ends with exactly the files it puts.
        let staging = Staging::begin(&out).unwrap();
        staging.put("other.html", b"other").unwrap();
        staging.commit().unwrap();
        assert_eq!(snapshot(&out), [("other.html".to_owned(), "other".to_owned())].into());
    }
}
