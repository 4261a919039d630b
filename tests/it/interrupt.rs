//! A build stopped at any moment leaves the old site or the new one, never a mix, and
//! Ctrl-C removes its staging folder.

use std::fs;
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
    let site = big_site("old");
    site.build_ok();
    let old = snapshot_tree(&site.root().join("public"));
    let site = site.file("content/statements/bulk-000/en.md", "---\ntitle: Changed\n---\nChanged.\n");
    let mut interrupted = false;
    for delay in [40, 120, 250] {
        let child = spawn_build(&site);
        std::thread::sleep(Duration::from_millis(delay));
        let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill");
        assert!(status.success());
        let output = child.wait_with_output().expect("wait");
        let now = snapshot_tree(&site.root().join("public"));
        match output.status.code() {
            Some(130) => {
                assert_eq!(now, old, "interrupted at {delay} ms: the old site must be intact");
                interrupted = true;
            }
            Some(0) => assert_ne!(now, old, "finished at {delay} ms: the new site must be in place"),
            other => panic!("unexpected exit {other:?} at {delay} ms"),
        }
        assert_eq!(leftovers(&site), Vec::<String>::new(), "a staging folder is left after Ctrl-C at {delay} ms");
        if output.status.code() == Some(0) {
            break;
        }
    }
    assert!(interrupted, "no Ctrl-C landed during a build: the test proved nothing");
}
