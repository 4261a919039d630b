//! Whatever `--output` is given, and whatever the sources hold, a build never deletes,
//! replaces or writes through a file that is not its own.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

use crate::fixture::{Fixture, Run, snapshot_tree};

/// Every file of the site's sources (not its output), for before/after comparisons.
fn sources(site: &Fixture) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    ["content", "static", "signatories.yaml", "site.yaml"]
        .iter()
        .flat_map(|rel| {
            let path = site.root().join(rel);
            if !path.exists() {
                Vec::new()
            } else if path.is_dir() {
                snapshot_tree(&path).into_iter().map(|(p, b)| (Path::new(rel).join(p), b)).collect()
            } else {
                vec![(Path::new(rel).to_path_buf(), fs::read(&path).expect("source file"))]
            }
        })
        .collect()
}

fn assert_refused(run: &Run, what: &str, expected: &str) {
    assert_eq!(run.code, 2, "{what}: exit status {}\n{}", run.code, run.stderr);
    assert_contains!(run.stderr, expected, "{what}: expected {expected:?} in:\n{}", run.stderr);
}

#[test]
fn an_output_that_reaches_the_sources_by_any_spelling_is_refused() {
    let site = Fixture::base();
    symlink(site.root(), site.root().join("alias")).expect("a link to the site");
    let before = sources(&site);
    let root = site.root().display().to_string();
    let name = site.root().file_name().expect("a name").to_string_lossy().into_owned();
    let spellings = [
        "public/../content".to_owned(),
        "alias/content".to_owned(),
        "alias/content/statements".to_owned(),
        "./content/./pages/..".to_owned(),
        "new/../static".to_owned(),
        "alias".to_owned(),
        ".".to_owned(),
        "..".to_owned(),
        format!("../{name}"),
        format!("{root}/alias/../{name}/static/sub"),
        "content/statements/sample".to_owned(),
    ];
    for output in &spellings {
        // Twice: the first build of the old code swapped the folder out, the second deleted it.
        for _ in 0..2 {
            assert_refused(&site.run(&["build", "--output", output]), output, "refusing to write the site to");
        }
        assert_eq!(sources(&site), before, "--output {output} changed the sources");
    }
}

#[test]
fn a_linked_sources_folder_is_protected_where_it_really_is() {
    let site = Fixture::base().file("assets-src/logo.svg", "<svg/>");
    symlink(site.root().join("assets-src"), site.root().join("static")).expect("link");
    let run = site.run(&["build", "--output", "assets-src"]);
    assert_refused(&run, "a linked static folder", "refusing to write the site to");
}

#[test]
fn a_folder_of_someone_s_own_files_is_never_replaced() {
    let site = Fixture::base().file("mydocs/thesis.txt", "years of work");
    for _ in 0..2 {
        let run = site.run(&["build", "--output", "mydocs"]);
        assert_refused(&run, "mydocs", "holds files that no build of undersigned made");
    }
    assert_eq!(fs::read_to_string(site.root().join("mydocs/thesis.txt")).expect("kept"), "years of work");
    assert_eq!(fs::read_dir(site.root().join("mydocs")).expect("folder").count(), 1);

    // A file is not a folder to replace either.
    let run = site.run(&["build", "--output", "mydocs/thesis.txt"]);
    assert_refused(&run, "a file", "it is a file, not a folder");
    assert_eq!(fs::read_to_string(site.root().join("mydocs/thesis.txt")).expect("kept"), "years of work");

    // An empty folder, and then the folder a build made, are fine.
    fs::create_dir(site.root().join("empty")).expect("folder");
    for _ in 0..2 {
        let run = site.run(&["build", "--output", "empty"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    assert!(site.root().join("empty/index.html").is_file());
}

#[test]
fn an_output_that_is_a_link_is_built_where_it_leads_and_stays_a_link() {
    let site = Fixture::base();
    let served = tempfile::tempdir().expect("a folder elsewhere");
    let target = served.path().join("www");
    fs::create_dir(&target).expect("folder");
    symlink(&target, site.root().join("public")).expect("link");
    site.build_ok();
    let site = site.file("content/statements/sample/en.md", "---\ntitle: A Changed Title\n---\nNew words.\n");
    site.build_ok();
    assert!(fs::symlink_metadata(site.root().join("public")).expect("public").file_type().is_symlink());
    let page = fs::read_to_string(target.join("en/statements/sample/index.html")).expect("the page");
    assert_contains!(page, "A Changed Title", "the served folder has the new site");
}

#[test]
fn a_failed_build_never_writes_through_to_the_live_site() {
    // Without a kept previous site, unchanged files are linked from `public/`; a static
    // file where the build writes its own must neither replace it nor reach `public/`.
    let site = Fixture::base();
    site.build_ok();
    site.build_ok();
    let before = snapshot_tree(&site.root().join("public"));
    fs::remove_dir_all(site.root().join(".public.previous")).expect("kept site");
    let site = site.file("static/robots.txt", "User-agent: *\nDisallow: /\n");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_contains!(
        run.stderr,
        "static/robots.txt:1:1: error: this file would be `robots.txt` in the output, which the build writes"
    );
    assert_eq!(snapshot_tree(&site.root().join("public")), before, "public/ changed");
}

#[test]
fn every_output_path_has_one_source() {
    let site = Fixture::base()
        .file("content/statements/sample/signatories.csv", "name,email\nA,a@example.org\n")
        .file("content/statements/sample/statement.json", "{}")
        .file("static/sitemap.xml", "<urlset/>")
        .file("static/404.html", "<!doctype html><title>x</title>")
        .file("static/en/feed.xml", "<rss/>")
        .file("static/en/statements/sample/index.html", "<!doctype html><title>x</title>");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for (source, output, maker) in [
        (
            "content/statements/sample/signatories.csv",
            "en/statements/sample/signatories.csv",
            "for the statement `sample`",
        ),
        (
            "content/statements/sample/statement.json",
            "en/statements/sample/statement.json",
            "for the statement `sample`",
        ),
        ("static/sitemap.xml", "sitemap.xml", ""),
        ("static/404.html", "404.html", ""),
        ("static/en/feed.xml", "en/feed.xml", ""),
        ("static/en/statements/sample/index.html", "en/statements/sample/index.html", "for the statement `sample`"),
    ] {
        let line = format!(
            "{source}:1:1: error: this file would be `{output}` in the output, which the build writes{}",
            if maker.is_empty() { String::new() } else { format!(" {maker}") }
        );
        assert!(run.stderr.lines().any(|l| l == line), "expected the line {line:?} in:\n{}", run.stderr);
    }
    assert!(!site.root().join("public").exists(), "nothing was written");
}

#[test]
fn folders_linked_from_outside_the_site_are_not_published() {
    let outside = tempfile::tempdir().expect("a folder outside");
    fs::write(outside.path().join("id_ed25519"), "PRIVATE KEY").expect("secret");
    fs::create_dir(outside.path().join("statement")).expect("folder");
    let site = Fixture::base();
    fs::remove_dir_all(site.root().join("static")).ok();
    symlink(outside.path(), site.root().join("static")).expect("link");
    symlink(outside.path(), site.root().join("content/statements/sample/extra")).expect("link");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_contains!(run.stderr, "static:1:1: error: this folder is a symbolic link to a folder outside the site");
    assert!(!site.root().join("public").exists());

    // The statements folder itself, and `content`.
    let site = Fixture::base();
    let elsewhere = tempfile::tempdir().expect("a folder outside");
    fs::rename(site.root().join("content"), elsewhere.path().join("content")).expect("move");
    symlink(elsewhere.path().join("content"), site.root().join("content")).expect("link");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_contains!(run.stderr, "content/statements:1:1: error: this folder is a symbolic link");
}

#[test]
fn the_swap_by_two_renames_builds_the_same_site() {
    let site = Fixture::base();
    let run = |swap: &str| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_undersigned"))
            .args(["build", "--output", &format!("out-{swap}")])
            .current_dir(site.root())
            .env("UNDERSIGNED_SWAP", swap)
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .output()
            .expect("runs");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    };
    for _ in 0..3 {
        run("rename");
        run("exchange");
    }
    let (two, one) = (site.root().join("out-rename"), site.root().join("out-exchange"));
    assert_eq!(snapshot_tree(&two), snapshot_tree(&one));
    assert!(site.root().join(".out-rename.previous").is_dir());
    assert!(!site.root().join(".out-rename.old").exists());
}

#[test]
fn a_large_file_is_copied_whole_for_each_language_and_kept_when_unchanged() {
    let video: Vec<u8> = (0..3_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    let site = Fixture::base().file("content/statements/sample/clip.mp4", &video).file("static/big.bin", &video);
    site.build_ok();
    for rel in ["en/statements/sample/clip.mp4", "es/declaraciones/declaracion-de-prueba/clip.mp4", "big.bin"] {
        assert!(fs::read(site.root().join("public").join(rel)).expect(rel) == video, "{rel} differs");
    }
    // Rebuilt unchanged, the copies are kept (same inode); changed, the new bytes arrive.
    use std::os::unix::fs::MetadataExt as _;
    let inode = |rel: &str| fs::metadata(site.root().join("public").join(rel)).expect(rel).ino();
    let before = inode("big.bin");
    site.build_ok();
    assert_eq!(inode("big.bin"), before);
    let mut changed = video.clone();
    changed[1_500_000] ^= 1;
    let site = site.file("static/big.bin", &changed);
    site.build_ok();
    assert!(fs::read(site.root().join("public/big.bin")).expect("big") == changed);
}
