//! Whether a file already holds the bytes a build would write: read in chunks through a
//! buffer kept per thread, so no copy of a whole file is ever made (a file of the sources
//! may be a 400 MiB video).

use std::fs;
use std::io::Read as _;
use std::path::Path;

use crate::error::{Error, Result};

/// The content of one file to put: bytes in memory, or a file of the sources to copy.
#[derive(Clone, Copy)]
pub(super) enum Data<'a> {
    Bytes(&'a [u8]),
    File(&'a Path),
}

impl Data<'_> {
    /// The size and XXH3-128 hash of the content (a file is read in chunks).
    pub(super) fn size_and_hash(self) -> Result<(u64, u128)> {
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

/// Runs `f` with a 64 KiB buffer kept per thread.
fn with_buffer<T>(f: impl FnOnce(&mut [u8]) -> T) -> T {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; 64 * 1024]);
    }
    BUFFER.with_borrow_mut(|buffer| f(buffer))
}

/// The metadata of the regular file at `old` if it holds exactly what `data` holds (both
/// read in chunks: no copy of a whole file is made).
pub(super) fn unchanged(old: &Path, data: Data<'_>) -> Option<fs::Metadata> {
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
pub(super) fn read_full(file: &mut fs::File, buffer: &mut [u8]) -> std::io::Result<usize> {
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
