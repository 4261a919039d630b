//! Disk → [`SourceTree`]: every file of a site read into memory, nothing interpreted.
//!
//! Text files are decoded here (`text`: a BOM is dropped, CRLF becomes LF) so that every later
//! stage works on `&str`. A file that cannot be decoded, or a symbolic link that leaves
//! the root, is recorded as a diagnostic and the walk goes on, so one run reports all.

mod text;

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

pub use text::decode_text;
use text::without_control_characters;

use crate::error::{Diagnostic, Error, Result, SourceLocation};

/// The name of the site settings file at the root.
pub const SITE_FILE: &str = "site.yaml";
/// The name of the signatory registry at the root.
pub const REGISTRY_FILE: &str = "signatories.yaml";
/// The file of language-independent facts in each statement folder.
pub const STATEMENT_FILE: &str = "statement.yaml";

/// Text files larger than this are refused: no statement is 8 MiB of Markdown.
pub const MAX_TEXT_FILE: u64 = 8 * 1024 * 1024;

/// Static files and statement files larger than this are not read into memory: a build
/// copies them by streaming (a 400 MiB video in a statement folder costs no memory).
pub const LARGE_FILE: u64 = 1024 * 1024;

/// Every input of a site, read but not interpreted.
#[derive(Debug, Clone, Default)]
pub struct SourceTree {
    /// The site's root folder, as given by the user.
    pub root: PathBuf,
    /// `site.yaml`, if present.
    pub site: Option<SourceFile>,
    /// `signatories.yaml`, if present.
    pub registry: Option<SourceFile>,
    /// `content/statements/<dir>/`, sorted by folder name.
    pub statements: Vec<ContentDir>,
    /// `content/pages/<dir>/`, sorted by folder name.
    pub pages: Vec<ContentDir>,
    /// Every file under `themes/`, paths relative to `themes/` (e.g. `default/templates/base.html`).
    pub theme_files: Vec<BinaryFile>,
    /// Every file under `static/`, paths relative to `static/`.
    pub static_files: Vec<BinaryFile>,
    /// Files that could not be read as they should (not UTF-8, too large, links leaving the root).
    pub problems: Vec<Diagnostic>,
}

/// A text file: where it is and what it says (LF line ends, no BOM).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The file as the user would type it: the root joined with its relative path.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
}

/// Any file, kept as bytes: theme and static files, a statement's PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryFile {
    /// Path relative to the folder it belongs to, with `/` separators.
    pub rel: String,
    /// The file as the user would type it.
    pub path: PathBuf,
    /// Its content, or for a large file only its size.
    pub content: Content,
}

/// What is known of a file's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Its bytes, read.
    Bytes(Vec<u8>),
    /// A file over [`LARGE_FILE`] bytes, of this size: not read, copied from its path when
    /// it is written. Never an HTML page, since pages have their links checked.
    Large(u64),
}

impl BinaryFile {
    /// Its bytes, if they were read (not a [large](Content::Large) file).
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.content {
            Content::Bytes(bytes) => Some(bytes),
            Content::Large(_) => None,
        }
    }

    /// Its bytes, read from disk if it is a large file.
    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        match &self.content {
            Content::Bytes(bytes) => Ok(bytes.clone()),
            Content::Large(_) => fs::read(&self.path),
        }
    }
}

/// One folder of `content/statements/` or `content/pages/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentDir {
    /// The folder's name: the statement's id and default slug.
    pub name: String,
    /// The folder as the user would type it.
    pub path: PathBuf,
    /// Its YAML and Markdown files directly inside it, sorted by name.
    pub texts: Vec<SourceFile>,
    /// Every other file (PDFs, images), anywhere below it.
    pub assets: Vec<BinaryFile>,
}

impl ContentDir {
    /// Drops its text and files once parsed ([`crate::parse::parse_and_forget`]); their
    /// paths stay.
    pub fn forget_content(&mut self) {
        for file in &mut self.texts {
            file.text = String::new();
        }
        self.assets = Vec::new();
    }

    /// The text file called `name` in this folder.
    pub fn text(&self, name: &str) -> Option<&SourceFile> {
        self.texts.iter().find(|f| f.path.file_name().is_some_and(|n| n == name))
    }
}

/// Reads the site at `root`. Fails only when the root itself cannot be read; problems with
/// single files are in [`SourceTree::problems`].
pub fn load(root: &Path) -> Result<SourceTree> {
    let meta = fs::metadata(root).map_err(|e| Error::io(root, e))?;
    if !meta.is_dir() {
        return Err(Error::Usage(format!("{} is not a folder", root.display())));
    }
    let canonical_root = fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
    let mut loader = Loader { root: display_root(root), canonical_root, problems: Vec::new() };
    let site = loader.optional_text(SITE_FILE);
    let registry = loader.optional_text(REGISTRY_FILE);
    let statements = loader.content_dirs("content/statements")?;
    let pages = loader.content_dirs("content/pages")?;
    let theme_files = loader.binary_tree("themes")?;
    let static_files = loader.binary_tree("static")?;
    Ok(SourceTree {
        root: loader.root,
        site,
        registry,
        statements,
        pages,
        theme_files,
        static_files,
        problems: loader.problems,
    })
}

/// Reads one statement folder again (`serve` after an edit). `Ok(None)` when the folder is
/// gone; problems with single files come back with it.
pub fn load_statement_dir(root: &Path, name: &str) -> Result<(Option<ContentDir>, Vec<Diagnostic>)> {
    let canonical_root = fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
    let mut loader = Loader { root: display_root(root), canonical_root, problems: Vec::new() };
    let path = loader.root.join("content/statements").join(name);
    if !path.is_dir() || !loader.folder_inside_root(&path) {
        return Ok((None, loader.problems));
    }
    let dir = loader.content_dir(name.to_owned(), path)?;
    Ok((Some(dir), loader.problems))
}

/// Whether a file name is an editor's temporary or backup file, or hidden.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// Walks the tree, remembering problems with single files.
struct Loader {
    root: PathBuf,
    canonical_root: PathBuf,
    problems: Vec<Diagnostic>,
}

impl Loader {
    fn optional_text(&mut self, rel: &str) -> Option<SourceFile> {
        let path = self.root.join(rel);
        if !path.exists() {
            return None;
        }
        self.read_text(&path)
    }

    fn content_dirs(&mut self, rel: &str) -> Result<Vec<ContentDir>> {
        let base = self.root.join(rel);
        if !base.is_dir() || !self.folder_inside_root(&base) {
            return Ok(Vec::new());
        }
        let mut wanted = Vec::new();
        for entry in sorted_entries(&base)? {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if is_ignored_name(&name) || !self.inside_root(&path) {
                continue;
            }
            if path.is_dir() {
                wanted.push((name, path));
            }
        }
        // Read in parallel: each folder's text is then parsed, and dropped, on a thread
        // that can reuse its memory.
        let read: Vec<(Result<ContentDir>, Vec<Diagnostic>)> = wanted
            .into_par_iter()
            .map(|(name, path)| {
                let mut loader = Loader {
                    root: self.root.clone(),
                    canonical_root: self.canonical_root.clone(),
                    problems: Vec::new(),
                };
                (loader.content_dir(name, path), loader.problems)
            })
            .collect();
        let mut dirs = Vec::with_capacity(read.len());
        for (dir, problems) in read {
            self.problems.extend(problems);
            dirs.push(dir?);
        }
        Ok(dirs)
    }

    fn content_dir(&mut self, name: String, path: PathBuf) -> Result<ContentDir> {
        let mut texts = Vec::new();
        let mut assets = Vec::new();
        for file in self.files_below(&path, Some(LARGE_FILE))? {
            let is_text = !file.rel.contains('/')
                && (file.rel.ends_with(".md") || file.rel.ends_with(".yaml") || file.rel.ends_with(".yml"));
            if !is_text {
                assets.push(file);
            } else if let Some(text) = self.text_of(&file.path, file.content) {
                texts.push(SourceFile { path: file.path, text });
            }
        }
        Ok(ContentDir { name, path, texts, assets })
    }

    fn binary_tree(&mut self, rel: &str) -> Result<Vec<BinaryFile>> {
        let base = self.root.join(rel);
        if !base.is_dir() || !self.folder_inside_root(&base) {
            return Ok(Vec::new());
        }
        // A theme's files are templates and strings, read whole; a site's own may be large.
        self.files_below(&base, (rel == "static").then_some(LARGE_FILE))
    }

    /// Every regular file below `base`, sorted, with paths relative to `base`; files over
    /// `large` bytes are not read (see [`Content::Large`]), unless they are HTML.
    fn files_below(&mut self, base: &Path, large: Option<u64>) -> Result<Vec<BinaryFile>> {
        let mut files = Vec::new();
        let walk = WalkDir::new(base).min_depth(1).sort_by_file_name().into_iter();
        for entry in walk.filter_entry(|e| !is_ignored_name(&e.file_name().to_string_lossy())) {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(base).to_path_buf();
                Error::io(path, e.into_io_error().unwrap_or_else(|| std::io::Error::other("loop")))
            })?;
            let path = entry.path().to_path_buf();
            if entry.path_is_symlink() && !self.inside_root(&path) {
                continue;
            }
            // The walk knows what a plain entry is; a link is followed to find out.
            let is_file = if entry.path_is_symlink() { path.is_file() } else { entry.file_type().is_file() };
            if !is_file {
                if entry.path_is_symlink() && path.is_dir() {
                    self.problems.push(Diagnostic::warning(
                        SourceLocation::file(&path),
                        "symbolic links to folders are not followed",
                    ));
                }
                continue;
            }
            let Ok(rel) = path.strip_prefix(base) else { continue };
            let rel = rel.to_string_lossy().replace('\\', "/");
            let size = fs::metadata(&path).map_err(|e| Error::io(&path, e))?.len();
            let is_html = [".html", ".htm", ".xhtml"].iter().any(|end| rel.to_ascii_lowercase().ends_with(end));
            let content = match large {
                Some(large) if size > large && !is_html => Content::Large(size),
                _ => Content::Bytes(fs::read(&path).map_err(|e| Error::io(&path, e))?),
            };
            files.push(BinaryFile { rel, path, content });
        }
        Ok(files)
    }

    fn read_text(&mut self, path: &Path) -> Option<SourceFile> {
        if !self.inside_root(path) {
            return None;
        }
        match fs::metadata(path) {
            Ok(m) => {
                self.text_of(path, Content::Large(m.len())).map(|text| SourceFile { path: path.to_path_buf(), text })
            }
            Err(e) => {
                self.problems.push(Diagnostic::error(SourceLocation::file(path), format!("cannot read the file: {e}")));
                None
            }
        }
    }

    /// The text of the file at `path`, read only if its size allows.
    fn text_of(&mut self, path: &Path, content: Content) -> Option<String> {
        let bytes = match content {
            Content::Bytes(bytes) => bytes,
            Content::Large(size) if size > MAX_TEXT_FILE => {
                self.problems.push(too_large(path, size));
                return None;
            }
            Content::Large(_) => match fs::read(path) {
                Ok(bytes) => bytes,
                Err(e) => {
                    let message = format!("cannot read the file: {e}");
                    self.problems.push(Diagnostic::error(SourceLocation::file(path), message));
                    return None;
                }
            },
        };
        self.decode(path, bytes)
    }

    fn decode(&mut self, path: &Path, bytes: Vec<u8>) -> Option<String> {
        if bytes.len() as u64 > MAX_TEXT_FILE {
            self.problems.push(too_large(path, bytes.len() as u64));
            return None;
        }
        match decode_text(path, bytes) {
            Ok(text) => {
                let (text, warning) = without_control_characters(path, text);
                self.problems.extend(warning);
                Some(text)
            }
            Err(d) => {
                self.problems.push(d);
                None
            }
        }
    }

    /// Whether the folder `path`, once every link on the way to it is resolved, is inside
    /// the root; records an error if not. `static -> ~/.ssh` would publish the keys.
    fn folder_inside_root(&mut self, path: &Path) -> bool {
        self.resolves_inside(
            path,
            "this folder is a symbolic link to a folder outside the site",
            "copy the files into the site instead: a build publishes everything a linked folder holds",
        )
    }

    /// Whether `path`, once links are resolved, stays inside the root; records an error if not.
    fn inside_root(&mut self, path: &Path) -> bool {
        let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        !is_link
            || self.resolves_inside(
                path,
                "symbolic link points outside the site",
                "copy the file into the site instead of linking to it",
            )
    }

    /// Whether `path` resolves to a place inside the root; if not, records `message` and
    /// `hint` (or that the link is broken).
    fn resolves_inside(&mut self, path: &Path, message: &str, hint: &str) -> bool {
        match fs::canonicalize(path) {
            Ok(target) if target.starts_with(&self.canonical_root) => true,
            Ok(target) => {
                let message = format!("{message}: {}", target.display());
                self.problems.push(Diagnostic::error(SourceLocation::file(path), message).with_hint(hint));
                false
            }
            Err(e) => {
                self.problems.push(Diagnostic::error(SourceLocation::file(path), format!("broken symbolic link: {e}")));
                false
            }
        }
    }
}

/// The error for a text file over [`MAX_TEXT_FILE`].
fn too_large(path: &Path, size: u64) -> Diagnostic {
    Diagnostic::error(
        SourceLocation::file(path),
        format!("the file is {} MiB; text files may be at most 8 MiB", size >> 20),
    )
    .with_hint("is this the right file? Large documents belong in a PDF next to it")
}

fn sorted_entries(dir: &Path) -> Result<Vec<fs::DirEntry>> {
    let mut entries = fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|e| Error::io(dir, e))?;
    entries.sort_by_key(fs::DirEntry::file_name);
    Ok(entries)
}

/// `.` is shown as nothing, so messages say `content/x.md`, not `./content/x.md`.
fn display_root(root: &Path) -> PathBuf {
    if root == Path::new(".") { PathBuf::new() } else { root.to_path_buf() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored() {
        for name in [".en.md.swp", "en.md~", "#en.md#", ".DS_Store", "4913.tmp"] {
            assert!(is_ignored_name(name), "{name}");
        }
        assert!(!is_ignored_name("en.md"));
    }
}
