//! Who makes each output file: every path of the output has exactly one maker, and a
//! second claim on a path is a located error naming both.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Diagnostic, SourceLocation};
use crate::hash::HashMap;

/// Who makes an output file: every path of the output has exactly one.
#[derive(Debug, Clone, Copy)]
pub(super) enum Maker<'a> {
    /// The build itself, for the statement with this id if any.
    Build(Option<&'a str>),
    /// A copy of this file of the sources (a static file, a theme's, a statement's).
    Copy(&'a Path),
}

/// A [`Maker`] kept in [`Claims`].
#[derive(Debug, Clone)]
enum Made {
    Build(Option<String>),
    Copy(PathBuf),
}

/// The output paths handed out so far, and by whom; a second claim on a path is an error
/// naming both makers (a sign-on export called `signatories.csv` next to a statement
/// must not replace, or be replaced by, the file the build writes there).
#[derive(Default)]
pub(super) struct Claims {
    taken: Mutex<HashMap<String, Made>>,
    pub(super) clashes: Mutex<Vec<Diagnostic>>,
}

impl Claims {
    /// Whether `path` is free for `maker`; if not, the clash is recorded.
    pub(super) fn claim(&self, path: &str, maker: Maker<'_>) -> bool {
        let made = {
            let mut taken = self.taken.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            match taken.get(path) {
                Some(first) => first.clone(),
                None => {
                    let made = match maker {
                        Maker::Build(owner) => Made::Build(owner.map(str::to_owned)),
                        Maker::Copy(from) => Made::Copy(from.to_path_buf()),
                    };
                    taken.insert(path.to_owned(), made);
                    return true;
                }
            }
        };
        let first = match &made {
            Made::Build(owner) => Maker::Build(owner.as_deref()),
            Made::Copy(from) => Maker::Copy(from),
        };
        let what = |maker: Maker<'_>| match maker {
            Maker::Build(Some(id)) => format!("the build writes for the statement `{id}`"),
            Maker::Build(None) => "the build writes".to_owned(),
            Maker::Copy(from) => format!("is copied from {}", from.display()),
        };
        let (at, message) = match (maker, first) {
            (Maker::Copy(from), _) => {
                (from.to_path_buf(), format!("this file would be `{path}` in the output, which {}", what(first)))
            }
            (Maker::Build(owner), Maker::Copy(from)) => (
                from.to_path_buf(),
                format!("this file would be `{path}` in the output, which {}", what(Maker::Build(owner))),
            ),
            (Maker::Build(owner), Maker::Build(_)) => {
                let at = owner.map_or_else(PathBuf::new, |id| PathBuf::from(format!("content/statements/{id}")));
                (at, format!("the build would write `{path}` twice"))
            }
        };
        let clash = Diagnostic::error(SourceLocation::file(at), message).with_hint(
            "rename or move the file: each file of the site has one source, and nothing is replaced silently",
        );
        self.clashes.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(clash);
        false
    }
}
