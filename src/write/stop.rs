//! Stopping a build from outside (Ctrl-C, SIGTERM) without process-wide state.
//!
//! `main.rs` makes one [`Stop`] per build, hands a clone to the signal handler, and passes
//! it down in [`crate::BuildOptions`]; a [`super::Staging`] registers its folder with it.
//! An interrupt and the swap take turns on one lock, so either the interrupt comes first
//! and no swap follows, or the swap completes and the interrupt leaves the build to finish.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::error::Error;

/// A handle that stops one build: cheap to clone, shared by the build and whoever may
/// interrupt it.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    /// Set once the build is interrupted: no file is written after that, and no swap happens.
    stopped: AtomicBool,
    /// Held while a staging folder is made and while the new site is swapped in.
    state: Mutex<State>,
}

/// What an interrupt must know, under the lock.
#[derive(Debug, Default)]
pub(super) struct State {
    /// The new site is in place: an interrupt no longer stops anything.
    pub(super) swapped: bool,
    /// The staging folder being written, which an interrupt removes.
    pub(super) staging: Option<PathBuf>,
}

impl Stop {
    /// A handle for a new build.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the build was interrupted; its errors since are the interrupt's doing.
    pub fn stopped(&self) -> bool {
        self.0.stopped.load(Ordering::SeqCst)
    }

    /// For an interrupt: stops every write and removes the staging folder, unless the new
    /// site is already swapped in. Render threads may still be finishing a file, so removal
    /// is retried until the folder is gone. Returns whether the build was stopped (the
    /// previous site stays); false means the new site is in place.
    pub fn interrupt(&self) -> bool {
        let staging = {
            let mut state = self.state();
            if state.swapped {
                return false;
            }
            self.0.stopped.store(true, Ordering::SeqCst);
            state.staging.take()
        };
        if let Some(staging) = staging {
            for _ in 0..200 {
                match std::fs::remove_dir_all(&staging) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        std::thread::sleep(std::time::Duration::from_millis(5));
                    }
                    _ => break,
                }
            }
        }
        true
    }

    /// The lock an interrupt and the swap share.
    pub(super) fn state(&self) -> MutexGuard<'_, State> {
        self.0.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// An error if the build was interrupted: the step at `path` is not taken.
    pub(super) fn check(&self, path: &Path) -> Result<(), Error> {
        if self.stopped() {
            Err(Error::io(path, std::io::Error::from(std::io::ErrorKind::Interrupted)))
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interrupt_before_the_swap_removes_the_staging_folder_and_after_it_does_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let staging = dir.path().join("staging");
        std::fs::create_dir_all(staging.join("a/b")).unwrap();
        let stop = Stop::new();
        stop.state().staging = Some(staging.clone());
        assert!(stop.clone().interrupt());
        assert!(stop.stopped() && !staging.exists());
        assert!(stop.check(&staging).is_err());

        let stop = Stop::new();
        stop.state().swapped = true;
        assert!(!stop.interrupt());
        assert!(!stop.stopped());
    }
}
