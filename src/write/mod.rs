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
//! [`Staging::copy`] streams them. With `precompress: true`, [`Staging::precompress`] puts a
//! `.gz` and a `.br` beside each text file.

mod compare;
mod compress;
mod manifest;
pub mod stop;
pub mod swap;

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use self::compare::{Data, unchanged};
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
    /// The text files put that are over 1 KiB: path, size and hash (see [`Staging::precompress`]).
    compressible: Mutex<Vec<(String, u64, u128)>>,
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
            compressible: Mutex::new(Vec::new()),
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

    /// Adds the file `rel` as the current output has it, if the manifest of the build
    /// that wrote it vouches that it is unchanged since, and its first `head` bytes
    /// satisfy `fits`: then it is linked (or kept) like any unchanged file, and never read
    /// whole. Returns whether it was; if not, nothing was put.
    pub fn keep(&self, rel: &str, head: usize, fits: &dyn Fn(&[u8]) -> bool) -> Result<bool> {
        let Some(previous) = &self.previous else { return Ok(false) };
        let old = previous.join(rel);
        let Some(recorded) = self.recorded[Recorded::Previous as usize].get(rel) else { return Ok(false) };
        if self.recorded_as(Recorded::Previous, rel, &old, recorded.size, recorded.hash).is_none() {
            return Ok(false);
        }
        let mut start = vec![0; head];
        let read = fs::File::open(&old).and_then(|mut f| compare::read_full(&mut f, &mut start));
        match read {
            Ok(n) if fits(&start[..n]) => {
                self.place_hashed(rel, Data::File(&old), recorded.size, recorded.hash)?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn place(&self, rel: &str, data: Data<'_>) -> Result<()> {
        let (size, hash) = data.size_and_hash()?;
        self.place_hashed(rel, data, size, hash)
    }

    /// [`Staging::place`] of `data`, whose size and hash are known.
    fn place_hashed(&self, rel: &str, data: Data<'_>, size: u64, hash: u128) -> Result<()> {
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
        self.note_compressible(rel, size, hash);
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

#[cfg(test)]
mod tests;
