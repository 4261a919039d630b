//! The staging folder against the disk: kept, linked and written files, the manifest,
//! and what a failed, interrupted or concurrent build leaves.

use super::*;
use crate::render::Site;

/// Writes `site` to `out_dir`, as a build does.
fn write_site(site: &Site, out_dir: &Path) -> Result<()> {
    let staging = Staging::begin(out_dir, &Stop::new())?;
    for (rel, bytes) in &site.files {
        staging.put(rel, bytes)?;
    }
    staging.commit()
}

/// Builds `files` into `out_dir` a few times, some clock ticks apart: a build records what
/// it wrote in the same tick as it writes its manifest, so that entry is trusted only from
/// the build after (see `read_manifest`), and the last manifest vouches for every file.
fn write_settled(files: &[(&str, &str)], out_dir: &Path) {
    for _ in 0..4 {
        std::thread::sleep(std::time::Duration::from_millis(30));
        write_site(&site(files), out_dir).unwrap();
    }
}

fn site(files: &[(&str, &str)]) -> Site {
    Site::from_texts(files)
}

#[test]
fn a_new_build_replaces_the_old_one_and_stale_files_disappear() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write_site(&site(&[("a/index.html", "one"), ("old.txt", "x")]), &out).unwrap();
    write_site(&site(&[("a/index.html", "two")]), &out).unwrap();
    assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "two");
    assert!(!out.join("old.txt").exists());
    assert_eq!(
        names_in(dir.path()),
        [".public.lock", ".public.manifest", ".public.previous", ".public.previous.manifest", "public"]
    );
}

#[cfg(unix)]
#[test]
fn files_changed_by_hand_after_a_build_are_written_again_whatever_the_manifest_says() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let files = [("a.html", "aaaa"), ("b.html", "bbbb"), ("c/c.html", "cccc"), ("d.html", "dddd")];
    let expected = texts(&files);
    for _ in 0..3 {
        write_site(&site(&files), &out).unwrap();
    }
    // Later (people edit after a build, not within the same clock tick), with the same
    // sizes: in place, in the kept site and in the output; and one file replaced.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let kept = dir.path().join(".public.previous");
    fs::write(kept.join("a.html"), "AAAA").unwrap();
    fs::write(out.join("b.html"), "BBBB").unwrap();
    fs::remove_file(kept.join("c/c.html")).unwrap();
    fs::write(kept.join("c/c.html"), "CCCC").unwrap();
    // The next build starts from the kept site and links from the output. The two share
    // their files (links), so `a` and `b` changed in both and are written; `c` is linked
    // from the output; only `d` is kept.
    let staging = Staging::begin(&out, &Stop::new()).unwrap();
    for (rel, text) in files {
        staging.put(rel, text.as_bytes()).unwrap();
    }
    assert_eq!(staging.counts(), WriteCounts { kept: 1, linked: 1, written: 2 });
    staging.commit().unwrap();
    assert_eq!(snapshot(&out), expected);
    // And the one after, from the output that had `b` edited.
    write_site(&site(&files), &out).unwrap();
    assert_eq!(snapshot(&out), expected);
    // A manifest that is not one is read as empty: files are compared by their bytes.
    fs::write(dir.path().join(".public.previous.manifest"), "garbage").unwrap();
    fs::write(dir.path().join(".public.manifest"), "undersigned manifest 2\nnot\ta\tline\n").unwrap();
    write_site(&site(&files), &out).unwrap();
    assert_eq!(snapshot(&out), expected);
}

#[cfg(unix)]
#[test]
fn an_unchanged_file_recorded_in_the_manifest_is_kept_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write_settled(&[("a.html", "aaaa")], &out);
    let staging = Staging::begin(&out, &Stop::new()).unwrap();
    let path = staging.root.join("a.html");
    let hash = xxhash_rust::xxh3::xxh3_128(b"aaaa");
    assert!(staging.recorded_as(Recorded::Staging, "a.html", &path, 4, hash).is_some());
    assert!(staging.recorded_as(Recorded::Staging, "a.html", &path, 4, hash ^ 1).is_none());
    assert!(staging.recorded_as(Recorded::Previous, "a.html", &out.join("a.html"), 4, hash).is_some());
    drop(staging);
}

#[test]
fn paths_that_leave_the_output_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["../escape.html", "/etc/passwd", "a/../../b"] {
        let err = write_site(&site(&[(bad, "x")]), &dir.path().join("public")).unwrap_err();
        assert_contains!(err.to_string(), "outside the output folder", "{bad}: {err}");
    }
    assert!(!dir.path().join("escape.html").exists());
    assert!(!dir.path().join("public").exists());
}

#[test]
fn a_write_never_reaches_the_live_site_through_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write_site(&site(&[("robots.txt", "live")]), &out).unwrap();
    // A new staging folder (no kept site): the unchanged file is linked from the output.
    let staging = Staging::begin(&out, &Stop::new()).unwrap();
    staging.put("robots.txt", b"live").unwrap();
    assert_eq!(staging.counts(), WriteCounts { kept: 0, linked: 1, written: 0 });
    // A second write to the path replaces the link, never writes through it.
    staging.put("robots.txt", b"changed").unwrap();
    staging.copy("robots.txt", &dir.path().join("public/robots.txt")).unwrap();
    let source = dir.path().join("source.txt");
    fs::write(&source, "copied").unwrap();
    staging.copy("robots.txt", &source).unwrap();
    drop(staging);
    assert_eq!(fs::read_to_string(out.join("robots.txt")).unwrap(), "live");
}

#[test]
fn stale_staging_of_a_dead_process_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    let stale = dir.path().join(".public.staging-999999999");
    fs::create_dir(&stale).unwrap();
    write_site(&site(&[("index.html", "x")]), &dir.path().join("public")).unwrap();
    assert!(!stale.exists());
}

#[cfg(unix)]
#[test]
fn a_link_with_the_right_content_is_not_kept() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write_site(&site(&[("a.html", "a")]), &out).unwrap();
    write_site(&site(&[("a.html", "a")]), &out).unwrap();
    // The spare folder (the next staging folder) holds a link to a file of the same bytes.
    let spare = dir.path().join(".public.previous/a.html");
    fs::remove_file(&spare).unwrap();
    fs::write(dir.path().join("elsewhere.html"), "a").unwrap();
    std::os::unix::fs::symlink(dir.path().join("elsewhere.html"), &spare).unwrap();
    write_site(&site(&[("a.html", "a")]), &out).unwrap();
    assert!(fs::symlink_metadata(out.join("a.html")).unwrap().is_file());
}

#[cfg(unix)]
#[test]
fn unchanged_files_are_kept_or_linked_and_keep_their_time() {
    use std::os::unix::fs::MetadataExt as _;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let first = [("same.html", "same"), ("size.html", "abc"), ("grew.html", "a"), ("old/gone.html", "g")];
    write_site(&site(&first), &out).unwrap();
    let before = |name: &str| fs::metadata(out.join(name)).unwrap();
    let (same, size, grew) = (before("same.html"), before("size.html"), before("grew.html"));

    // The second build links from the first; the first is kept beside the output.
    let second = [("same.html", "same"), ("size.html", "xyz"), ("grew.html", "ab"), ("new.html", "n")];
    let staging = Staging::begin(&out, &Stop::new()).unwrap();
    for (rel, text) in second {
        staging.put(rel, text.as_bytes()).unwrap();
    }
    assert_eq!(staging.counts(), WriteCounts { kept: 0, linked: 1, written: 3 });
    staging.commit().unwrap();
    let after = |name: &str| fs::metadata(out.join(name)).unwrap();
    assert_eq!((after("same.html").ino(), after("same.html").mtime()), (same.ino(), same.mtime()));
    assert_ne!(after("size.html").ino(), size.ino(), "same size, other bytes: written anew");
    assert_ne!(after("grew.html").ino(), grew.ino());
    assert!(dir.path().join(".public.previous/old/gone.html").exists());

    // The third starts from the first's folder: what it has that the new site does
    // not is removed, a file where a folder must be goes, and nothing else is touched.
    let third = [("same.html", "same"), ("size.html", "xyz"), ("new.html", "n2"), ("grew.html/index.html", "d")];
    let staging = Staging::begin(&out, &Stop::new()).unwrap();
    assert!(!dir.path().join(".public.previous").exists());
    for (rel, text) in third {
        staging.put(rel, text.as_bytes()).unwrap();
    }
    assert_eq!(staging.counts(), WriteCounts { kept: 1, linked: 1, written: 2 });
    staging.commit().unwrap();
    assert_eq!(snapshot(&out), texts(&third));
    assert_eq!(after("same.html").ino(), same.ino());
    let kept = snapshot(&dir.path().join(".public.previous"));
    assert_eq!(kept, texts(&second));
}

/// The names in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// `files` as [`snapshot`] gives them.
fn texts(files: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    files.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect()
}

/// Every file below `root`, by relative path, with its text.
fn snapshot(root: &Path) -> std::collections::BTreeMap<String, String> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap().to_string_lossy().into_owned();
            (rel, fs::read_to_string(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn files_put_from_several_threads_into_new_folders_all_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let staging = Staging::begin(&out, &Stop::new()).unwrap();
    // Four threads put files into the same new folders at once: a thread that finds a
    // folder claimed by another must not fail because it is not made yet.
    std::thread::scope(|scope| {
        for t in 0..4 {
            let staging = &staging;
            scope.spawn(move || {
                for i in 0..300 {
                    staging.put(&format!("f{}/g{}/{t}-{i}.html", i % 50, i % 7), b"x").unwrap();
                }
            });
        }
    });
    staging.commit().unwrap();
    assert_eq!(snapshot(&out).len(), 1200);
}

#[test]
fn a_file_where_the_kept_site_belongs_is_removed_and_the_build_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write_site(&site(&[("index.html", "zero")]), &out).unwrap();
    write_site(&site(&[("index.html", "one")]), &out).unwrap();
    fs::remove_dir_all(dir.path().join(".public.previous")).unwrap();
    fs::write(dir.path().join(".public.previous"), "not a folder").unwrap();
    write_site(&site(&[("index.html", "two")]), &out).unwrap();
    assert_eq!(snapshot(&out), [("index.html".to_owned(), "two".to_owned())].into());
    assert!(dir.path().join(".public.previous").is_dir());
}

#[test]
fn a_staging_dropped_without_commit_leaves_the_output_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write_site(&site(&[("index.html", "old")]), &out).unwrap();
    let staging = Staging::begin(&out, &Stop::new()).unwrap();
    staging.put("index.html", b"new").unwrap();
    drop(staging);
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
    assert_eq!(
        names_in(dir.path()),
        [".public.lock", ".public.manifest", ".public.previous", "public"],
        "what was written waits for the next build"
    );
    // Which starts from it and ends with exactly the files it puts.
    let staging = Staging::begin(&out, &Stop::new()).unwrap();
    staging.put("other.html", b"other").unwrap();
    staging.commit().unwrap();
    assert_eq!(snapshot(&out), [("other.html".to_owned(), "other".to_owned())].into());
}

#[cfg(unix)]
#[test]
fn a_file_is_kept_unread_only_if_the_manifest_vouches_for_it_and_its_head_fits() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write_settled(&[("card.png", "KEY-1 and the rest"), ("other.png", "KEY-1 too")], &out);
    let staging = Staging::begin(&out, &Stop::new()).unwrap();
    let fits = |head: &[u8]| head.starts_with(b"KEY-1");
    assert!(staging.keep("card.png", 5, &fits).unwrap());
    assert!(!staging.keep("card.png", 5, &|head: &[u8]| head.starts_with(b"KEY-2")).unwrap(), "another key");
    assert!(!staging.keep("missing.png", 5, &fits).unwrap(), "nothing there");
    staging.commit().unwrap();
    assert_eq!(fs::read_to_string(out.join("card.png")).unwrap(), "KEY-1 and the rest");
    assert!(!out.join("other.png").exists(), "what is not put or kept goes");
    // Changed by hand since (the same size): the manifest no longer vouches for it.
    std::thread::sleep(std::time::Duration::from_millis(20));
    fs::remove_file(out.join("card.png")).unwrap();
    fs::write(out.join("card.png"), "KEY-1 and the REST").unwrap();
    let staging = Staging::begin(&out, &Stop::new()).unwrap();
    assert!(!staging.keep("card.png", 5, &fits).unwrap());
}
