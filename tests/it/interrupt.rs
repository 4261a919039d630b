//! A build stopped at any moment leaves the old site or the new one, never a mix, and
//! Ctrl-C removes its staging folder.

use std::fs;
use std::os::unix::process::ExitStatusExt as _;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::fixture::{Fixture, snapshot_tree};

/// The base site with enough statements that a build takes a while.
fn big_site(marker: &str) -> Fixture {
    let mut site = Fixture::base();
    for i in 0..300 {
        let dir = format!("content/statements/bulk-{i:03}");
        site = site
            .file(&format!("{dir}/statement.yaml"), "date: 2020-01-01\nsignatories: [zeta-network, nordic-example]\n")
            .file(
                &format!("{dir}/en.md"),
                format!("---\ntitle: Bulk {i} {marker}\n---\n{}\n", "Words of the statement. ".repeat(400)),
            );
    }
    site
}

fn spawn_build(site: &Fixture) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .arg("build")
        .current_dir(site.root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn")
}

fn leftovers(site: &Fixture) -> Vec<String> {
    fs::read_dir(site.root())
        .expect("root")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public.staging-"))
        .collect()
}

#[test]
fn a_killed_build_leaves_the_old_site_or_the_new_one() {
    let site = big_site("old");
    site.build_ok();
    let old = snapshot_tree(&site.root().join("public"));
    let new_site = big_site("new");
    new_site.build_ok();
    let new = snapshot_tree(&new_site.root().join("public"));
    assert_ne!(old, new);
    // Make `site` the new content, then kill builds of it at different moments.
    super::fixture::copy_tree(&new_site.root().join("content"), &site.root().join("content"));
    // Twenty kills, spread over a build's whole length (about half a second here).
    let mut interrupted = 0;
    for delay in (0..20).map(|i| 2 + i * 37 % 700) {
        let mut child = spawn_build(&site);
        std::thread::sleep(Duration::from_millis(delay as u64));
        let _ = child.kill();
        let _ = child.wait();
        let now = snapshot_tree(&site.root().join("public"));
        assert!(now == old || now == new, "after a kill at {delay} ms, public/ is neither the old nor the new site");
        interrupted += usize::from(now == old);
    }
    assert!(interrupted > 0, "no kill landed before the swap: the test proved nothing");
    // The next build cleans up what the killed ones left.
    site.build_ok();
    assert_eq!(snapshot_tree(&site.root().join("public")), new);
    assert_eq!(leftovers(&site), Vec::<String>::new());
}

#[test]
fn ctrl_c_removes_the_staging_folder_and_keeps_the_old_site() {
    // Two versions of one site; each round asks for the other one and presses Ctrl-C at a
    // later moment, so the interrupts fall on every phase, the swap included.
    let versions = [big_site("one"), big_site("two")];
    let sites: Vec<_> = versions
        .iter()
        .map(|v| {
            v.build_ok();
            snapshot_tree(&v.root().join("public"))
        })
        .collect();
    assert_ne!(sites[0], sites[1]);
    let site = &big_site("one");
    let switch_to = |version: usize| {
        super::fixture::copy_tree(&versions[version].root().join("content"), &site.root().join("content"));
    };
    // How long a build that switches versions takes here, to spread the interrupts over.
    switch_to(1);
    // Timed as the interrupted builds run: through the binary, process start included.
    let started = std::time::Instant::now();
    let run = site.run(&["build"]);
    let length = started.elapsed().as_millis() as u64;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(snapshot_tree(&site.root().join("public")) == sites[1]);
    let mut current = 1;
    let (mut interrupted, mut finished) = (0, 0);
    // One build that switches versions, with Ctrl-C after `delay` ms: whether it was
    // interrupted (exit 130) or finished (exit 0).
    let mut round = |delay: u64| -> (bool, bool) {
        let wanted = 1 - current;
        switch_to(wanted);
        let child = Command::new(env!("CARGO_BIN_EXE_undersigned"))
            .arg("build")
            .current_dir(site.root())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(delay));
        let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill");
        assert!(status.success());
        let output = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let now = snapshot_tree(&site.root().join("public"));
        match output.status.code() {
            Some(130) => {
                assert!(now == sites[current], "interrupted at {delay} ms: the old site must be intact");
                assert_eq!(stderr, "interrupted: the previous site is unchanged\n", "at {delay} ms");
            }
            Some(0) => {
                assert!(now == sites[wanted], "finished at {delay} ms: the new site must be in place");
                current = wanted;
            }
            // Too early for the handler: the signal ended the process before it began.
            None if output.status.signal() == Some(2) => {
                assert!(now == sites[current], "stopped at {delay} ms before starting: the old site must be intact");
            }
            other => panic!("unexpected exit {other:?} at {delay} ms: {stderr}"),
        }
        assert_eq!(leftovers(site), Vec::<String>::new(), "a staging folder is left after Ctrl-C at {delay} ms");
        (output.status.code() == Some(130), output.status.code() == Some(0))
    };
    for delay in (0..16).map(|i| 5 + length * i / 8) {
        let (i, f) = round(delay);
        interrupted += usize::from(i);
        finished += usize::from(f);
    }
    // On a loaded machine a build can take several times the one timed above: later
    // interrupts, until one build finishes (each round still checks the site).
    for factor in [4, 8, 16, 32] {
        if finished > 0 {
            break;
        }
        let (i, f) = round(length * factor);
        interrupted += usize::from(i);
        finished += usize::from(f);
    }
    assert!(interrupted > 0, "no Ctrl-C landed during a build: the test proved nothing");
    assert!(finished > 0, "no build finished: the late interrupts proved nothing");
}
