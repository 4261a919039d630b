//! `precompress: true`: a `.gz` and a `.br` beside each text file over 1 KiB, for servers
//! that send a compressed file as it is (nginx's `gzip_static`, `brotli_static`; see
//! `deploy/nginx.conf`) instead of compressing each answer again.
//!
//! They are made after every file is put, in parallel, and only for files that changed:
//! when the last build recorded (in its manifest) the same bytes for a file and a `.gz`
//! beside it that is still the file it wrote, that `.gz` was made from these bytes, and is
//! kept or linked like any unchanged file. Both are read and written in chunks, so a large
//! file is never held in memory, and written where every other file is: in the staging
//! folder, swapped in with the rest.

use std::fs;
use std::io::{Read, Write};
use std::path::Path;

use rayon::prelude::*;

use super::manifest::{Stamp, stamp};
use super::{Done, Recorded, Staging, create_fresh, lock, remove_entry};
use crate::error::{Error, Result};
use crate::hash::HashSet;

/// Files smaller than this are not compressed: the saving is a few hundred bytes at most,
/// less than a packet.
pub const SMALLEST: u64 = 1024;

/// The extensions of the files compressed: text, which compresses well. Images, PDFs,
/// videos and fonts are compressed already.
pub const TEXT_EXTENSIONS: [&str; 10] = ["html", "css", "xml", "json", "csv", "svg", "js", "mjs", "txt", "webmanifest"];

/// Brotli's quality (0–11). Measured on the text of the generated 1,000-statement site
/// (bench/gen_corpus.py; 350 MB in 13,500 files): quality 5 makes files of 18.0% of their
/// size at 25 MB/s, 9 of 17.7% at 2.7 MB/s, 10 of 16.0% at 1.1 MB/s and 11 of 15.5% at
/// 0.5 MB/s (gzip at its best: 19.2%, 46 MB/s). Past 9 brotli searches for the best
/// parse, 20 to 45 times slower for files an eighth smaller: a first build of that site
/// would spend 5 to 12 minutes of processor time on it, against 15 seconds at 5.
pub const BROTLI_QUALITY: u32 = 5;

/// Brotli's window: 2²² bytes (4 MiB), its largest standard one.
const BROTLI_WINDOW: u32 = 22;

/// Whether a file of this path and size gets a `.gz` and a `.br`.
pub fn compressible(rel: &str, size: u64) -> bool {
    let extension = rel.rsplit_once('.').map(|(_, e)| e).filter(|e| !e.contains('/'));
    size > SMALLEST && extension.is_some_and(|e| TEXT_EXTENSIONS.iter().any(|t| e.eq_ignore_ascii_case(t)))
}

/// A compressed form of a file.
#[derive(Clone, Copy)]
enum Form {
    Gzip,
    Brotli,
}

impl Form {
    const ALL: [Form; 2] = [Form::Gzip, Form::Brotli];

    fn extension(self) -> &'static str {
        match self {
            Form::Gzip => "gz",
            Form::Brotli => "br",
        }
    }

    /// Compresses all of `from` into `to`.
    fn compress(self, from: &mut impl Read, to: &mut impl Write, size: u64) -> std::io::Result<()> {
        match self {
            Form::Gzip => {
                // No name and no time in the header: two builds write the same bytes.
                let mut encoder = flate2::write::GzEncoder::new(to, flate2::Compression::best());
                std::io::copy(from, &mut encoder)?;
                encoder.finish()?.flush()
            }
            Form::Brotli => {
                let params = brotli::enc::BrotliEncoderParams {
                    quality: BROTLI_QUALITY as i32,
                    lgwin: BROTLI_WINDOW as i32,
                    size_hint: usize::try_from(size).unwrap_or(0),
                    ..Default::default()
                };
                brotli::BrotliCompress(from, to, &params)?;
                to.flush()
            }
        }
    }
}

impl Form {
    /// The hash of the file at `packed` if it decompresses to exactly the file at
    /// `original` (both read in chunks).
    fn unpacks_to(self, packed: &Path, original: &Path) -> Option<u128> {
        let mut packed = Hashing { inner: fs::File::open(packed).ok()?, hasher: Default::default() };
        let mut original = Comparing { original: std::io::BufReader::new(fs::File::open(original).ok()?) };
        let unpacked = match self {
            Form::Gzip => std::io::copy(&mut flate2::read::GzDecoder::new(&mut packed), &mut original),
            Form::Brotli => std::io::copy(&mut brotli::Decompressor::new(&mut packed, 64 * 1024), &mut original),
        };
        // The whole of the packed file, and of the original: nothing after either.
        let rest_packed = std::io::copy(&mut packed, &mut std::io::sink()).ok()?;
        let rest_original = original.original.read(&mut [0]).ok()?;
        (unpacked.is_ok() && rest_packed == 0 && rest_original == 0).then(|| packed.hasher.digest128())
    }
}

/// Fails a write as soon as what is written differs from what `original` holds next.
struct Comparing<R> {
    original: R,
}

impl<R: Read> Write for Comparing<R> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut expected = vec![0; bytes.len()];
        self.original.read_exact(&mut expected)?;
        if expected == bytes { Ok(bytes.len()) } else { Err(std::io::Error::other("different bytes")) }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Hashes what passes through it, for the manifest.
struct Hashing<W> {
    inner: W,
    hasher: xxhash_rust::xxh3::Xxh3,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buffer)?;
        self.hasher.update(&buffer[..n]);
        Ok(n)
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(bytes)?;
        self.hasher.update(&bytes[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl Staging {
    /// Notes a file put, to be compressed by [`precompress`](Self::precompress) if it is text
    /// over 1 KiB.
    pub(super) fn note_compressible(&self, rel: &str, size: u64, hash: u128) {
        if compressible(rel, size) {
            lock(&self.compressible).push((rel.to_owned(), size, hash));
        }
    }

    /// Writes a `.gz` and a `.br` beside every text file put over 1 KiB, unless the site
    /// has a file of that name itself; an unchanged file keeps the ones it had.
    pub fn precompress(&self) -> Result<()> {
        let files = std::mem::take(&mut *lock(&self.compressible));
        let taken: HashSet<String> = lock(&self.put).iter().map(|(rel, _)| rel.clone()).collect();
        files.par_iter().try_for_each(|(rel, size, hash)| {
            Form::ALL
                .iter()
                .filter(|form| !taken.contains(&format!("{rel}.{}", form.extension())))
                .try_for_each(|form| self.compressed(rel, *size, *hash, *form))
        })
    }

    /// Puts the `form` of `rel` (of `size` bytes hashing to `hash`): kept or linked when
    /// the last build made it from the same bytes, written otherwise.
    fn compressed(&self, rel: &str, size: u64, hash: u128, form: Form) -> Result<()> {
        let out = format!("{rel}.{}", form.extension());
        let path = self.root.join(&out);
        self.stop.check(&path)?;
        if let Some(previous) = &self.previous {
            let old = previous.join(&out);
            if let Some(recorded) = self.made_from(Recorded::Previous, (rel, hash), &out, &old, form) {
                // A reused staging folder often has the very file already (a link made by
                // the build before): linking again would change its change time for nothing.
                if self.reused && same_file(&path, &old) {
                    self.record(&out, Some(recorded));
                    return self.done(Done::Kept);
                }
                remove_entry(&path).map_err(|e| Error::io(&path, e))?;
                if fs::hard_link(&old, &path).is_ok() {
                    // A new link changes the file's change time.
                    self.record(&out, fs::symlink_metadata(&path).ok().map(|m| stamp(&m, recorded.hash)));
                    return self.done(Done::Linked);
                }
            }
        }
        if self.reused
            && let Some(kept) = self.made_from(Recorded::Staging, (rel, hash), &out, &path, form)
        {
            self.record(&out, Some(kept));
            return self.done(Done::Kept);
        }
        let source = self.root.join(rel);
        let mut from = fs::File::open(&source).map_err(|e| Error::io(&source, e))?;
        let file = create_fresh(&self.root, &path).map_err(|e| Error::io(&path, e))?;
        let mut to = Hashing { inner: std::io::BufWriter::with_capacity(64 * 1024, file), hasher: Default::default() };
        form.compress(&mut from, &mut to, size).map_err(|e| Error::io(&path, e))?;
        let metadata = to.inner.get_ref().metadata().ok();
        self.record(&out, metadata.map(|m| stamp(&m, to.hasher.digest128())));
        self.done(Done::Written)
    }

    /// The stamp of the compressed file `out` at `path` if it is the `form` of `rel` as
    /// it is now (`hash`): known when the manifest `which` says the last build put `rel`
    /// with these bytes and `out` beside it, and `out` is still the file it put; else by
    /// decompressing it (much faster than compressing) and comparing.
    fn made_from(
        &self,
        which: Recorded,
        (rel, hash): (&str, u128),
        out: &str,
        path: &Path,
        form: Form,
    ) -> Option<Stamp> {
        let metadata = fs::symlink_metadata(path).ok().filter(fs::Metadata::is_file)?;
        let manifest = &self.recorded[which as usize];
        if let (Some(source), Some(recorded)) = (manifest.get(rel), manifest.get(out))
            && source.hash == hash
            && stamp(&metadata, recorded.hash) == *recorded
        {
            return Some(*recorded);
        }
        let packed = form.unpacks_to(path, &self.root.join(rel))?;
        Some(stamp(&metadata, packed))
    }
}

/// Whether two paths are one file (hard links to the same inode).
fn same_file(a: &Path, b: &Path) -> bool {
    let id = |path: &Path| fs::symlink_metadata(path).ok().filter(fs::Metadata::is_file).map(|m| stamp(&m, 0));
    match (id(a), id(b)) {
        // Without inodes (see `stamp`), nothing is known to be the same.
        (Some(a), Some(b)) => a.size != u64::MAX && (a.device, a.inode) == (b.device, b.inode),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_files_over_1_kib_are_compressed() {
        assert!(compressible("en/index.html", 1025));
        assert!(compressible("data/SURVEY.CSV", 5000));
        assert!(!compressible("en/index.html", 1024));
        assert!(!compressible("video.mp4", 400 << 20));
        assert!(!compressible("_headers", 5000));
        assert!(!compressible("v1.0/README", 5000));
    }

    #[test]
    fn both_forms_decompress_to_the_original() {
        let text = "<p>The undersigned organizations</p>\n".repeat(200);
        for form in Form::ALL {
            let mut packed = Vec::new();
            form.compress(&mut text.as_bytes(), &mut packed, text.len() as u64).unwrap();
            assert!(packed.len() < text.len() / 10, "{}", packed.len());
            let mut unpacked = String::new();
            match form {
                Form::Gzip => flate2::read::GzDecoder::new(&packed[..]).read_to_string(&mut unpacked).unwrap(),
                Form::Brotli => brotli::Decompressor::new(&packed[..], 4096).read_to_string(&mut unpacked).unwrap(),
            };
            assert_eq!(unpacked, text);

            // What a rebuild keeps: a file that decompresses to the original, exactly.
            let dir = tempfile::tempdir().unwrap();
            let (original, compressed) = (dir.path().join("a.html"), dir.path().join("a.html.x"));
            fs::write(&original, &text).unwrap();
            fs::write(&compressed, &packed).unwrap();
            assert_eq!(form.unpacks_to(&compressed, &original), Some(xxhash_rust::xxh3::xxh3_128(&packed)));
            fs::write(&original, format!("{text}.")).unwrap();
            assert_eq!(form.unpacks_to(&compressed, &original), None, "a longer original");
            fs::write(&original, &text[1..]).unwrap();
            assert_eq!(form.unpacks_to(&compressed, &original), None, "a shorter original");
            fs::write(&compressed, &packed[..packed.len() - 4]).unwrap();
            fs::write(&original, &text).unwrap();
            assert_eq!(form.unpacks_to(&compressed, &original), None, "a cut compressed file");
        }
    }
}
