//! Disk → [`SourceTree`]: every file of a site read into memory, nothing interpreted.
//!
//! Text files are decoded here (a BOM is dropped, CRLF becomes LF) so that every later
//! stage works on `&str`. A file that cannot be decoded, or a symbolic link that leaves
//! the root, is recorded as a diagnostic and the walk goes on, so one run reports all.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

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

/// Decodes a file's bytes as the stages expect text: UTF-8, no BOM, LF line ends.
pub fn decode_text(path: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // The valid prefix is UTF-8 by construction, so this cannot fail.
        let prefix = std::str::from_utf8(valid).unwrap_or_default();
        let at = SourceLocation::at_offset(path, prefix, prefix.len(), 1);
        Diagnostic::error(at, "the file is not valid UTF-8 text")
            .with_hint("save it as UTF-8 (in most editors: \"Save with encoding\" → UTF-8)")
    })?;
    let text = text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text);
    Ok(if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text })
}

/// Whether XML 1.0 and HTML refuse `c` in text: control characters other than tab and
/// line end (word processors paste U+000B for a line break), and U+FFFE and U+FFFF.
fn is_control_character(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
}

/// The offset of the first [control character](is_control_character) of UTF-8 `bytes`.
/// Blocks of 64 bytes are first screened for bytes that can start one, without branching
/// (so the compiler can use vector instructions); only a block with such a byte is looked
/// at byte by byte, where a lead byte is never mistaken for a continuation byte.
fn first_control_character(bytes: &[u8]) -> Option<usize> {
    const BLOCK: usize = 64;
    let may_start = |b: u8| (b < 0x20) & (b != b'\t') & (b != b'\n') | (b == 0x7f) | (b == 0xc2) | (b == 0xef);
    let starts_one = |i: usize| match bytes[i] {
        b'\t' | b'\n' => false,
        0..0x20 | 0x7f => true,
        0xc2 => matches!(bytes.get(i + 1), Some(0x80..=0x9f)),
        0xef => bytes.get(i + 1) == Some(&0xbf) && matches!(bytes.get(i + 2), Some(0xbe | 0xbf)),
        _ => false,
    };
    bytes
        .chunks(BLOCK)
        .enumerate()
        .filter(|(_, block)| block.iter().fold(false, |seen, &b| seen | may_start(b)))
        .find_map(|(n, block)| (n * BLOCK..n * BLOCK + block.len()).find(|&i| starts_one(i)))
}

/// The text with every control character that feeds and pages cannot carry read as a
/// space (one space each, so every other character keeps its column), and a warning at
/// the first of them. One invisible character must not make a whole feed unreadable, and
/// must not stop a build either.
fn without_control_characters(path: &Path, text: String) -> (String, Option<Diagnostic>) {
    // Most files have none, and are neither decoded nor copied.
    let Some(first) = first_control_character(text.as_bytes()) else {
        return (text, None);
    };
    let count = text.chars().filter(|&c| is_control_character(c)).count();
    let code = text[first..].chars().next().map_or(0, u32::from);
    let others = match count {
        1 => String::new(),
        n => format!(" ({} more in this file)", n - 1),
    };
    let warning = Diagnostic::warning(
        SourceLocation::at_offset(path, &text, first, 1),
        format!("an invisible control character (U+{code:04X}) is read as a space{others}"),
    )
    .with_hint("text pasted from a word processor can carry them; delete it, as feeds and pages cannot hold it");
    let cleaned = text.chars().map(|c| if is_control_character(c) { ' ' } else { c }).collect();
    (cleaned, Some(warning))
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
    fn decoding_drops_the_bom_and_normalises_line_ends() {
        let text = decode_text(Path::new("a.md"), b"\xef\xbb\xbfa\r\nb\rc\n".to_vec());
        assert_eq!(text.as_deref(), Ok("a\nb\nc\n"));
    }

    #[test]
    fn invalid_utf8_is_located_at_the_first_bad_byte() {
        let err = decode_text(Path::new("a.md"), b"ok\nab\xff".to_vec()).unwrap_err();
        assert_eq!(err.location.to_string(), "a.md:2:3");
    }

    #[test]
    fn control_characters_are_read_as_spaces_with_one_warning() {
        let text = "Title\nPasted\u{b}line and \u{1}, \u{85}, \u{ffff}; ¿é?\ttab\n".to_owned();
        let (clean, warning) = without_control_characters(Path::new("a.md"), text);
        assert_eq!(clean, "Title\nPasted line and  ,  ,  ; ¿é?\ttab\n");
        let warning = warning.expect("a warning");
        assert_eq!(
            warning.to_string().lines().next(),
            Some("a.md:2:7: warning: an invisible control character (U+000B) is read as a space (3 more in this file)")
        );
        let (same, none) = without_control_characters(Path::new("a.md"), "¡Sí! «Ñandú» ﬁ\u{a0}\u{fffd}\n".to_owned());
        assert_eq!((same.as_str(), none), ("¡Sí! «Ñandú» ﬁ\u{a0}\u{fffd}\n", None));
        // The byte scan finds exactly what the character test finds.
        let every: String = (0..0x3_0000).filter_map(char::from_u32).collect();
        let mut found = Vec::new();
        let mut from = 0;
        while let Some(at) = first_control_character(&every.as_bytes()[from..]) {
            found.push(from + at);
            from += at + 1;
        }
        let expected: Vec<usize> =
            every.char_indices().filter(|(_, c)| is_control_character(*c)).map(|(i, _)| i).collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn editor_files_are_ignored() {
        for name in [".en.md.swp", "en.md~", "#en.md#", ".DS_Store", "4913.tmp"] {
            assert!(is_ignored_name(name), "{name}");
        }
        assert!(!is_ignored_name("en.md"));
    }
}
