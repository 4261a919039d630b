//! Output files → disk: written to a staging folder beside the target as they are
//! rendered, then swapped in.
//!
//! A failed or interrupted build never leaves a half-written site, and never changes the
//! live one: the previous output stays exactly as it was until the new one is complete
//! ([`swap`] says how the two change places, and what else lives beside the output).
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
//! that they did not change. Where links are not possible, files are written. Since the
//! staging folder shares files with the live site, a file is never opened for writing
//! where one exists: it is removed first, so no write can reach the live site through a
//! link. Telling that a file is unchanged need not mean reading it: see the `manifest` module.
//!
//! Large files from the sources (a video in a statement folder) are never held in memory:
//! [`Staging::copy`] streams them.

mod manifest;
pub mod stop;
pub mod swap;

use std::fs;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use self::manifest::{Manifest, Stamp, manifest_path, read_manifest, stamp, write_manifest};
pub use self::stop::Stop;
use self::swap::{OutputLock, SwapMethod, spare_dir, staging_dir};
use crate::error::{Error, Result};
use crate::hash::HashSet;

/// A new output being written beside the current one; dropped without
/// [`commit`](Self::commit), it is kept as the next build's starting point and the current
/// output stays.
#[derive(Debug)]
pub struct Staging {
    /// The output folder, [resolved](swap::resolve): links followed.
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
    stop: Stop,
    method: SwapMethod,
    /// Held until the staging folder is swapped in or kept.
    _lock: OutputLock,
}

/// Which recorded manifest describes a folder.
#[derive(Clone, Copy)]
enum Recorded {
    Staging = 0,
    Previous = 1,
}

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

/// The content of one file to put: bytes in memory, or a file of the sources to copy.
#[derive(Clone, Copy)]
enum Data<'a> {
    Bytes(&'a [u8]),
    File(&'a Path),
}

impl Staging {
    /// Starts a new output for `out_dir`, swapped in the way the system allows.
    pub fn begin(out_dir: &Path, stop: &Stop) -> Result<Self> {
        Self::begin_with(out_dir, stop, SwapMethod::from_env())
    }

    /// Starts a new output for `out_dir` (links followed), unless a build must not
    /// replace it (see [`swap`]) or another build is writing it; puts right what a build
    /// killed in its swap left, and clears the staging folders of dead builds.
    pub fn begin_with(out_dir: &Path, stop: &Stop, method: SwapMethod) -> Result<Self> {
        let out_dir = swap::resolve(out_dir).map_err(|e| Error::io(out_dir, e))?;
        let parent = swap::out_parent(&out_dir);
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let lock = OutputLock::acquire(&out_dir)?;
        swap::recover(&out_dir)?;
        swap::check_replaceable(&out_dir)?;
        let root = staging_dir(&out_dir);
        swap::remove_stale_staging(&out_dir, &root);
        if fs::symlink_metadata(&root).is_ok() {
            remove_entry(&root).map_err(|e| Error::io(&root, e))?;
        }
        let spare = spare_dir(&out_dir);
        // Made under the interrupt's lock: an interrupt that came first leaves no folder
        // to appear after its handler removed it.
        let mut state = stop.state();
        stop.check(&root)?;
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
        state.staging = Some(root.clone());
        drop(state);
        let previous = fs::symlink_metadata(&out_dir).is_ok_and(|m| m.is_dir()).then(|| out_dir.clone());
        let read = |yes: bool, path: PathBuf| if yes { read_manifest(&path) } else { Manifest::default() };
        let recorded = [
            read(reused, manifest_path(&out_dir, ".previous.manifest")),
            read(previous.is_some(), manifest_path(&out_dir, ".manifest")),
        ];
        Ok(Self {
            out_dir,
            root,
            previous,
            reused,
            made: Mutex::new(HashSet::default()),
            counts: Default::default(),
            committed: false,
            recorded,
            put: Mutex::new(Vec::new()),
            stop: stop.clone(),
            method,
            _lock: lock,
        })
    }

    /// The output folder this staging folder replaces, links followed.
    pub fn out_dir(&self) -> &Path {
        &self.out_dir
    }

    /// Adds the file `rel` (a relative path with `/` separators). Safe to call from
    /// several threads at once.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        self.place(rel, Data::Bytes(bytes))
    }

    /// Adds the file `rel` as a copy of the file at `from`, streamed: a large file is
    /// never held in memory.
    pub fn copy(&self, rel: &str, from: &Path) -> Result<()> {
        self.place(rel, Data::File(from))
    }

    fn place(&self, rel: &str, data: Data<'_>) -> Result<()> {
        // Slugs and file names are checked long before, but a path that could leave the
        // output folder is refused here too: nothing is ever written outside it.
        let safe = Path::new(rel).components().all(|c| matches!(c, std::path::Component::Normal(_)));
        if !safe || rel.is_empty() {
            return Err(Error::io(rel, std::io::Error::other("refusing to write a path outside the output folder")));
        }
        let path = self.root.join(rel);
        self.stop.check(&path)?;
        if let Some(dir) = path.parent() {
            let new = lock(&self.made).insert(dir.to_path_buf());
            // In a reused staging folder most folders exist; one that is a link or a file
            // is replaced by a real folder.
            if new && !(self.reused && fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())) {
                make_dirs(&self.root, dir).map_err(|e| Error::io(dir, e))?;
            }
        }
        let (size, hash) = data.size_and_hash()?;
        if self.reused {
            let kept = self.holds(Recorded::Staging, rel, &path, data, size, hash);
            if kept.is_some() {
                self.record(rel, kept);
                return self.done(Done::Kept);
            }
            remove_entry(&path).map_err(|e| Error::io(&path, e))?;
        }
        if let Some(previous) = &self.previous {
            let old = previous.join(rel);
            let same = self.holds(Recorded::Previous, rel, &old, data, size, hash).is_some();
            if same && fs::hard_link(&old, &path).is_ok() {
                // A new link changes the file's change time.
                self.record(rel, fs::symlink_metadata(&path).ok().map(|m| stamp(&m, hash)));
                return self.done(Done::Linked);
            }
        }
        let mut file = create_fresh(&self.root, &path).map_err(|e| Error::io(&path, e))?;
        match data {
            Data::Bytes(bytes) => file.write_all(bytes).map_err(|e| Error::io(&path, e))?,
            Data::File(from) => {
                let mut source = fs::File::open(from).map_err(|e| Error::io(from, e))?;
                std::io::copy(&mut source, &mut file).map_err(|e| Error::io(&path, e))?;
            }
        }
        self.record(rel, file.metadata().ok().map(|m| stamp(&m, hash)));
        self.done(Done::Written)
    }

    /// The stamp of `path` if it is the file recorded for `rel` in `which` and holds bytes
    /// of `size` hashing to `hash`: then it holds those bytes, and need not be read.
    fn recorded_as(&self, which: Recorded, rel: &str, path: &Path, size: u64, hash: u128) -> Option<Stamp> {
        let recorded = self.recorded[which as usize].get(rel)?;
        (recorded.size == size && recorded.hash == hash).then_some(())?;
        let on_disk = stamp(&fs::symlink_metadata(path).ok().filter(fs::Metadata::is_file)?, hash);
        (on_disk == *recorded).then_some(on_disk)
    }

    /// The stamp of `path` if it holds exactly what `data` holds (`size` bytes hashing to
    /// `hash`): known from the manifest `which` when it can be, else by reading the file.
    fn holds(&self, which: Recorded, rel: &str, path: &Path, data: Data<'_>, size: u64, hash: u128) -> Option<Stamp> {
        self.recorded_as(which, rel, path, size, hash).or_else(|| unchanged(path, data).map(|m| stamp(&m, hash)))
    }

    /// Notes that `rel` was put, and its stamp for the next build's manifest.
    fn record(&self, rel: &str, stamp: Option<Stamp>) {
        lock(&self.put).push((rel.to_owned(), stamp));
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
        let current = manifest_path(&self.out_dir, ".manifest");
        let result = self.prune().and_then(|()| {
            // The manifest marks the output as a build's own (see `swap::check_replaceable`):
            // it is there before the output is, even if this process dies in the swap.
            if fs::symlink_metadata(&current).is_err() {
                write_manifest(&current, &[]).map_err(|e| Error::io(&current, e))?;
            }
            let mut state = self.stop.state();
            self.stop.check(&self.root)?;
            swap::swap_in(&self.root, &self.out_dir, self.method)?;
            state.swapped = true;
            state.staging = None;
            Ok(())
        });
        if result.is_err() {
            // After an interrupt, its handler removes the staging folder.
            if !self.stop.stopped() {
                let _ = fs::remove_dir_all(&self.root);
            }
            return result;
        }
        // The manifests are a shortcut: failing to write them fails nothing (an empty one
        // is there already).
        let kept = manifest_path(&self.out_dir, ".previous.manifest");
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
            let mut state = self.stop.state();
            if !self.stop.stopped() {
                state.staging = None;
                let _ = swap::keep_as_spare(&self.root, &spare_dir(&self.out_dir));
            }
        }
    }
}

impl Data<'_> {
    /// The size and XXH3-128 hash of the content (a file is read in chunks).
    fn size_and_hash(self) -> Result<(u64, u128)> {
        match self {
            Data::Bytes(bytes) => Ok((bytes.len() as u64, xxhash_rust::xxh3::xxh3_128(bytes))),
            Data::File(path) => {
                let mut file = fs::File::open(path).map_err(|e| Error::io(path, e))?;
                let mut hasher = xxhash_rust::xxh3::Xxh3::new();
                let mut size = 0;
                with_buffer(|buffer| {
                    loop {
                        match file.read(buffer) {
                            Ok(0) => return Ok((size, hasher.digest128())),
                            Ok(n) => {
                                hasher.update(&buffer[..n]);
                                size += n as u64;
                            }
                            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                            Err(e) => return Err(Error::io(path, e)),
                        }
                    }
                })
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

/// Creates the file at `path` new (`O_EXCL`): whatever is there is removed first, never
/// opened, so a write cannot reach another file through a hard or symbolic link.
fn create_fresh(root: &Path, path: &Path) -> std::io::Result<fs::File> {
    let create = || fs::OpenOptions::new().write(true).create_new(true).open(path);
    match create() {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            remove_entry(path)?;
            create()
        }
        // Another thread may have claimed the folder and not made it yet.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            make_dirs(root, path.parent().unwrap_or(root))?;
            create()
        }
        other => other,
    }
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

/// Runs `f` with a 64 KiB buffer kept per thread.
fn with_buffer<T>(f: impl FnOnce(&mut [u8]) -> T) -> T {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; 64 * 1024]);
    }
    BUFFER.with_borrow_mut(|buffer| f(buffer))
}

/// The metadata of the regular file at `old` if it holds exactly what `data` holds (both
/// read in chunks: no copy of a whole file is made).
fn unchanged(old: &Path, data: Data<'_>) -> Option<fs::Metadata> {
    let mut file = open_regular(old)?;
    let metadata = file.metadata().ok().filter(fs::Metadata::is_file)?;
    let same = match data {
        Data::Bytes(bytes) => metadata.len() == bytes.len() as u64 && same_bytes(&mut file, bytes),
        Data::File(from) => {
            let mut source = fs::File::open(from).ok()?;
            let size = source.metadata().ok()?.len();
            let mut chunk = vec![0; 64 * 1024];
            metadata.len() == size
                && loop {
                    match read_full(&mut source, &mut chunk) {
                        Ok(0) => break same_bytes(&mut file, &[]),
                        Ok(n) => {
                            if !same_prefix(&mut file, &chunk[..n]) {
                                break false;
                            }
                        }
                        Err(_) => break false,
                    }
                }
        }
    };
    same.then_some(metadata)
}

/// Whether what is left to read of `file` is exactly `bytes`.
fn same_bytes(file: &mut fs::File, bytes: &[u8]) -> bool {
    same_prefix(file, bytes) && with_buffer(|buffer| matches!(file.read(&mut buffer[..1]), Ok(0)))
}

/// Whether the next `bytes.len()` bytes of `file` are `bytes`.
fn same_prefix(file: &mut fs::File, bytes: &[u8]) -> bool {
    with_buffer(|buffer| {
        let mut rest = bytes;
        while !rest.is_empty() {
            let want = rest.len().min(buffer.len());
            match file.read(&mut buffer[..want]) {
                Ok(0) => return false,
                Ok(n) if buffer[..n] == rest[..n] => rest = &rest[n..],
                Ok(_) => return false,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
        true
    })
}

/// Reads until `buffer` is full or the file ends.
fn read_full(file: &mut fs::File, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Site;

    /// Writes `site` to `out_dir`, as a build does.
    fn write_site(site: &Site, out_dir: &Path) -> Result<()> {
        let staging = Staging::begin(out_dir, &Stop::new())?;
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
            [".public.lock", ".public.manifest", ".public.previous", ".public.previous.manifest", "public"]
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
        let staging = Staging::begin(&out, &Stop::new()).unwrap();
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
        let staging = Staging::begin(&out, &Stop::new()).unwrap();
        let path = staging.root.join("a.html");
        let hash = xxhash_rust::xxh3::xxh3_128(b"aaaa");
        assert!(staging.recorded_as(Recorded::Staging, "a.html", &path, 4, hash).is_some());
        assert!(staging.recorded_as(Recorded::Staging, "a.html", &path, 4, hash ^ 1).is_none());
        assert!(staging.recorded_as(Recorded::Previous, "a.html", &out.join("a.html"), 4, hash).is_some());
        drop(staging);
    }

    #[test]
    fn paths_that_leave_the_output_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../escape.html", "/etc/passwd", "a/../../b"] {
            let err = write_site(&site(&[(bad, "x")]), &dir.path().join("public")).unwrap_err();
            assert_contains!(err.to_string(), "outside the output folder", "{bad}: {err}");
        }
        assert!(!dir.path().join("escape.html").exists());
        assert!(!dir.path().join("public").exists());
    }

    #[test]
    fn a_write_never_reaches_the_live_site_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&site(&[("robots.txt", "live")]), &out).unwrap();
        // A new staging folder (no kept site): the unchanged file is linked from the output.
        let staging = Staging::begin(&out, &Stop::new()).unwrap();
        staging.put("robots.txt", b"live").unwrap();
        assert_eq!(staging.counts(), WriteCounts { kept: 0, linked: 1, written: 0 });
        // A second write to the path replaces the link, never writes through it.
        staging.put("robots.txt", b"changed").unwrap();
        staging.copy("robots.txt", &dir.path().join("public/robots.txt")).unwrap();
        let source = dir.path().join("source.txt");
        fs::write(&source, "copied").unwrap();
        staging.copy("robots.txt", &source).unwrap();
        drop(staging);
        assert_eq!(fs::read_to_string(out.join("robots.txt")).unwrap(), "live");
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
        let staging = Staging::begin(&out, &Stop::new()).unwrap();
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
        let staging = Staging::begin(&out, &Stop::new()).unwrap();
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
        let staging = Staging::begin(&out, &Stop::new()).unwrap();
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
        let staging = Staging::begin(&out, &Stop::new()).unwrap();
        staging.put("index.html", b"new").unwrap();
        drop(staging);
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert_eq!(
            names_in(dir.path()),
            [".public.lock", ".public.manifest", ".public.previous", "public"],
            "what was written waits for the next build"
        );
        // Which starts from it and ends with exactly the files it puts.
        let staging = Staging::begin(&out, &Stop::new()).unwrap();
        staging.put("other.html", b"other").unwrap();
        staging.commit().unwrap();
        assert_eq!(snapshot(&out), [("other.html".to_owned(), "other".to_owned())].into());
    }
}
