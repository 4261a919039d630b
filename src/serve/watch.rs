//! Watching the site's folders, and what a changed path means.
//!
//! Folders are watched, not files, so editors that save by writing a temporary file and
//! renaming it over the original are seen. Events are debounced; editor temp and swap
//! files, `public/` and staging folders are ignored by [`classify`].

use std::path::{Component, Path};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::RecursiveMode;
use notify::event::{EventKind, ModifyKind};
use notify_debouncer_full::{DebounceEventResult, new_debouncer, new_debouncer_opt};

use crate::load::{REGISTRY_FILE, SITE_FILE, is_ignored_name};

/// What a change to one path means for the site.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// A file in `content/statements/<name>/` (or the folder itself).
    Statement(String),
    /// A file in `content/pages/<name>/`.
    Page(String),
    /// `signatories.yaml`.
    Registry,
    /// `site.yaml`.
    Site,
    /// A file under `themes/`.
    Theme,
    /// A file under `static/`.
    Static,
    /// Something else under `content/` (a new folder level, a stray file).
    Content,
}

/// What a change at `path` means, or `None` when it does not concern the site (output,
/// editor files, anything outside the site's folders). `path` may be absolute or relative
/// to the root; `root` is the site's root as watched.
pub fn classify(root: &Path, path: &Path) -> Option<Change> {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<&str> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    if parts.iter().any(|p| is_ignored_name(p)) {
        return None;
    }
    match parts.as_slice() {
        [name] if *name == SITE_FILE => Some(Change::Site),
        [name] if *name == REGISTRY_FILE => Some(Change::Registry),
        ["content", "statements", name, ..] => Some(Change::Statement((*name).to_owned())),
        ["content", "pages", _, ..] => Some(Change::Page(parts[2].to_owned())),
        ["content", ..] => Some(Change::Content),
        ["themes", ..] => Some(Change::Theme),
        ["static", ..] => Some(Change::Static),
        _ => None,
    }
}

/// Whether an event kind changes content (not an access, not a metadata-only change).
pub fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any => true,
        EventKind::Modify(modify) => !matches!(modify, ModifyKind::Metadata(_)),
        EventKind::Access(_) | EventKind::Other => false,
    }
}

/// A running watcher; dropping it stops watching.
pub struct Watch {
    _debouncer: Box<dyn std::any::Any + Send>,
}

/// Watches the site at `root` and sends every debounced batch of changed paths to `tx`.
/// With `poll`, the file system is scanned at intervals instead (for network and
/// container file systems that report no events).
pub fn watch(root: &Path, poll: bool, tx: Sender<Vec<std::path::PathBuf>>) -> notify::Result<Watch> {
    let handler = move |result: DebounceEventResult| {
        if let Ok(events) = result {
            // Reading files (our own rebuild does) raises access events: only writes,
            // creations, renames and removals are changes.
            let paths: Vec<_> =
                events.into_iter().filter(|e| is_change(&e.event.kind)).flat_map(|e| e.event.paths).collect();
            if !paths.is_empty() {
                let _ = tx.send(paths);
            }
        }
    };
    let debounce = Duration::from_millis(60);
    let folders = ["content", "themes", "static"];
    if poll {
        let config =
            notify::Config::default().with_poll_interval(Duration::from_millis(300)).with_compare_contents(true);
        let mut debouncer = new_debouncer_opt::<_, notify::PollWatcher, _>(
            debounce,
            None,
            handler,
            notify_debouncer_full::NoCache,
            config,
        )?;
        debouncer.watch(root, RecursiveMode::NonRecursive)?;
        for folder in folders.iter().map(|f| root.join(f)).filter(|f| f.is_dir()) {
            debouncer.watch(&folder, RecursiveMode::Recursive)?;
        }
        Ok(Watch { _debouncer: Box::new(debouncer) })
    } else {
        let mut debouncer = new_debouncer(debounce, None, handler)?;
        debouncer.watch(root, RecursiveMode::NonRecursive)?;
        for folder in folders.iter().map(|f| root.join(f)).filter(|f| f.is_dir()) {
            debouncer.watch(&folder, RecursiveMode::Recursive)?;
        }
        Ok(Watch { _debouncer: Box::new(debouncer) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(path: &str) -> Option<Change> {
        classify(Path::new("/site"), Path::new(path))
    }

    #[test]
    fn paths_are_classified_by_what_they_affect() {
        assert_eq!(at("/site/content/statements/guard/en.md"), Some(Change::Statement("guard".into())));
        assert_eq!(at("/site/content/statements/guard"), Some(Change::Statement("guard".into())));
        assert_eq!(at("/site/content/statements/guard/img/photo.jpg"), Some(Change::Statement("guard".into())));
        assert_eq!(at("/site/content/pages/about/es.md"), Some(Change::Page("about".into())));
        assert_eq!(at("/site/signatories.yaml"), Some(Change::Registry));
        assert_eq!(at("/site/site.yaml"), Some(Change::Site));
        assert_eq!(at("/site/themes/default/templates/base.html"), Some(Change::Theme));
        assert_eq!(at("/site/static/logo.svg"), Some(Change::Static));
        assert_eq!(at("/site/content/statements"), Some(Change::Content));
        assert_eq!(
            classify(Path::new(""), Path::new("content/statements/x/es.md")),
            Some(Change::Statement("x".into()))
        );
    }

    #[test]
    fn reading_is_not_a_change() {
        use notify::event::{AccessKind, CreateKind, DataChange, MetadataKind, RenameMode};
        assert!(!is_change(&EventKind::Access(AccessKind::Any)));
        assert!(!is_change(&EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Data(DataChange::Content))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Name(RenameMode::Both))));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
    }

    #[test]
    fn output_editor_files_and_strangers_are_ignored() {
        for path in [
            "/site/public/en/index.html",
            "/site/.public.staging-42/en/index.html",
            "/site/content/statements/guard/.en.md.swp",
            "/site/content/statements/guard/en.md~",
            "/site/content/statements/guard/#en.md#",
            "/site/content/statements/guard/4913.tmp",
            "/site/target/debug/undersigned",
            "/site/README.md",
            "/site/.git/index",
        ] {
            assert_eq!(at(path), None, "{path}");
        }
    }
}
