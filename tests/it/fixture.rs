//! A throwaway copy of a fixture site, and running the real binary on it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// The folder of all fixtures.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A file of the base fixture site, to change in a test.
pub fn base_file(rel: &str) -> String {
    let path = fixtures().join("base").join(rel);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A copy of `tests/fixtures/base` in a temporary folder, with changes on top.
pub struct Fixture {
    dir: TempDir,
}

/// What a run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Fixture {
    /// A copy of the base site.
    pub fn base() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        copy_tree(&fixtures().join("base"), dir.path());
        Self { dir }
    }

    /// Copies every file of `overlay` over the site.
    pub fn overlay(self, overlay: &Path) -> Self {
        copy_tree(overlay, self.dir.path());
        self
    }

    /// Writes one file (creating its folders).
    pub fn file(self, rel: &str, text: impl AsRef<[u8]>) -> Self {
        let path = self.dir.path().join(rel);
        fs::create_dir_all(path.parent().expect("a file has a parent")).expect("folders");
        fs::write(path, text).expect("write fixture file");
        self
    }

    /// Removes one file.
    pub fn remove(self, rel: &str) -> Self {
        fs::remove_file(self.dir.path().join(rel)).expect("remove fixture file");
        self
    }

    /// The site's folder.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `undersigned <args>` in the site's folder.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_undersigned"))
            .args(args)
            .current_dir(self.root())
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .expect("the binary runs");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Builds into `public/` in this process, through the library's API (no test of the
    /// command line's own behaviour needs it; those use [`Fixture::run`]), and returns the
    /// warnings as the command prints them, paths relative to the site's folder. Panics with
    /// the errors if the build failed.
    pub fn build_ok(&self) -> Run {
        let options = undersigned::BuildOptions {
            root: self.root().to_owned(),
            // As `run` does by removing SOURCE_DATE_EPOCH: the build happens now.
            now: Some(jiff::Timestamp::now()),
            ..undersigned::BuildOptions::default()
        };
        let relative = |diagnostics: undersigned::error::Diagnostics| -> String {
            let prefix = format!("{}/", self.root().display());
            diagnostics.sorted().iter().map(|d| format!("{d}\n").replace(&prefix, "")).collect()
        };
        match undersigned::build(&options) {
            Ok(report) => Run { code: 0, stdout: String::new(), stderr: relative(report.warnings) },
            Err(undersigned::error::Error::Content(diagnostics)) => panic!("build failed:\n{}", relative(diagnostics)),
            Err(e) => panic!("build failed: {e}"),
        }
    }

    /// A file of the built site.
    pub fn output(&self, rel: &str) -> String {
        let path = self.root().join("public").join(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }
}

/// Copies the files below `from` into `to`, keeping relative paths.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).min_depth(1) {
        let entry = entry.expect("readable fixture");
        let rel = entry.path().strip_prefix(from).expect("below from");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("folder");
        } else {
            fs::create_dir_all(target.parent().expect("parent")).expect("folder");
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every file below `dir` with its bytes, for before/after comparisons.
pub fn snapshot_tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("readable"))
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).expect("below").to_path_buf(), fs::read(e.path()).expect("read")))
        .collect();
    files.sort();
    files
}
