//! Output ready for a host: the stylesheet under a name with its hash, `_headers`, and
//! `deploy/nginx.conf` saying the same as `_headers`.

use std::fs;
use std::path::Path;

use crate::fixture::Fixture;

/// The stylesheet a page links: `/style.<hash>.css`.
fn stylesheet(page: &str) -> String {
    let start = page.find("<link rel=\"stylesheet\" href=\"").expect("a stylesheet link") + 29;
    page[start..].split('"').next().unwrap_or_default().to_owned()
}

#[test]
fn the_stylesheet_is_named_by_its_content_and_a_new_one_takes_a_new_name() {
    let site = Fixture::base();
    site.build_ok();
    let home = site.output("en/index.html");
    let first = stylesheet(&home);
    assert!(first.starts_with("/style.") && first.ends_with(".css") && first.len() == "/style.12345678.css".len());
    let theme_css = include_str!("../../themes/default/static/style.css");
    assert_eq!(site.output(&first[1..]), theme_css);
    assert_eq!(site.output("style.css"), theme_css, "the plain name stays for what names it");
    for page in ["404.html", "index.html", "es/index.html", "en/statements/sample/index.html"] {
        assert_eq!(stylesheet(&site.output(page)), first, "{page}");
    }

    // A site's own stylesheet in its theme folder: a new name on every page, the old one gone.
    let site = site.file("themes/default/static/style.css", "body { color: #123; }\n");
    site.build_ok();
    let second = stylesheet(&site.output("en/index.html"));
    assert_ne!(second, first);
    assert_eq!(stylesheet(&site.output("en/statements/sample/index.html")), second);
    assert_eq!(site.output(&second[1..]), "body { color: #123; }\n");
    assert!(!site.root().join("public").join(&first[1..]).exists(), "{first} is still there");
    assert_contains!(
        site.output("_headers"),
        &format!("\n{second}\n  Cache-Control: public, max-age=31536000, immutable\n")
    );
    assert_lacks!(site.output("_headers"), &first);
}

#[test]
fn a_stylesheet_in_the_sites_static_folder_replaces_the_themes_under_both_names() {
    let site = Fixture::base().file("static/style.css", "main { margin: 0; }\n");
    site.build_ok();
    let linked = stylesheet(&site.output("en/index.html"));
    assert_eq!(site.output(&linked[1..]), "main { margin: 0; }\n");
    assert_eq!(site.output("style.css"), "main { margin: 0; }\n");
}

#[test]
fn headers_set_the_security_policy_everywhere_and_a_year_of_caching_for_hashed_files_only() {
    let site = Fixture::base();
    site.build_ok();
    let headers = site.output("_headers");
    let hashed = stylesheet(&site.output("en/index.html"));
    let rules: Vec<(&str, Vec<&str>)> =
        headers.split('\n').filter(|l| !l.starts_with('#') && !l.is_empty()).fold(Vec::new(), |mut rules, line| {
            match line.strip_prefix("  ") {
                Some(header) => rules.last_mut().expect("a path first").1.push(header),
                None => rules.push((line, Vec::new())),
            }
            rules
        });
    let paths: Vec<&str> = rules.iter().map(|(path, _)| *path).collect();
    // Every path but the first is a theme file under its hashed name: the stylesheet, the
    // search page's script.
    assert_eq!(paths[0], "/*", "{headers}");
    assert!(paths[1..].contains(&hashed.as_str()), "{headers}");
    assert!(paths[1..].iter().any(|p| p.starts_with("/search.") && p.ends_with(".js")), "{headers}");
    let every = &rules[0].1;
    let csp = every.iter().find_map(|h| h.strip_prefix("Content-Security-Policy: ")).expect("a CSP");
    for directive in [
        "default-src 'none'",
        "img-src 'self' data: https:",
        "style-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "connect-src 'self'",
        "font-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.split("; ").any(|d| d == directive), "{directive} missing from {csp}");
    }
    assert!(every.contains(&"X-Content-Type-Options: nosniff"), "{every:?}");
    assert!(every.contains(&"Referrer-Policy: strict-origin-when-cross-origin"), "{every:?}");
    assert!(!every.iter().any(|h| h.starts_with("Cache-Control")), "pages are not cached for a year");
    assert_eq!(rules[1].1, ["Cache-Control: public, max-age=31536000, immutable"]);

    // nginx is told the same: each header, with the same value, in the checked-in server block.
    let nginx =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/nginx.conf")).expect("nginx.conf");
    for header in every {
        let (name, value) = header.split_once(": ").expect("name: value");
        assert_contains!(nginx, &format!("add_header {name} \"{value}\" always;"), "deploy/nginx.conf");
    }
    assert_contains!(nginx, "add_header Cache-Control \"public, max-age=31536000, immutable\" always;");
}

#[test]
fn a_sites_own_headers_file_is_published_with_headers_false() {
    let own = "/*\n  X-Frame-Options: DENY\n";
    let site = Fixture::base().file("static/_headers", own);
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let site = site.file("site.yaml", format!("{}headers: false\n", crate::fixture::base_file("site.yaml")));
    site.build_ok();
    assert_eq!(site.output("_headers"), own);
    let site = site.remove("static/_headers");
    site.build_ok();
    assert!(!site.root().join("public/_headers").exists(), "headers: false writes none");
}

#[test]
fn no_page_of_the_example_site_needs_an_inline_style_or_script() {
    let out = crate::example_site::build_example();
    for entry in walkdir::WalkDir::new(out.path()).into_iter().map(|e| e.expect("readable")) {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let page = fs::read_to_string(path).expect("a page");
        assert_lacks!(page, " style=", "{}", path.display());
        // Scripts come from files (the search page's); inline, only JSON-LD, which is data.
        let inline = page
            .split("<script")
            .skip(1)
            .filter(|tag| !tag.split('>').next().unwrap_or_default().contains(" src="))
            .count();
        assert_eq!(inline, page.matches("<script type=\"application/ld+json\">").count(), "{}", path.display());
        for handler in [" onclick=", " onload=", " onerror=", "javascript:"] {
            assert_lacks!(page, handler, "{}", path.display());
        }
    }
}

/// Every file below `dir`, relative, with `/` separators.
fn files(dir: &Path) -> Vec<String> {
    let mut all: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("readable"))
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).expect("below").to_string_lossy().replace('\\', "/"))
        .collect();
    all.sort();
    all
}

fn unpacked(path: &Path) -> Vec<u8> {
    use std::io::Read as _;
    let packed = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut bytes = Vec::new();
    match path.extension().and_then(|e| e.to_str()) {
        Some("gz") => flate2::read::GzDecoder::new(&packed[..]).read_to_end(&mut bytes),
        _ => brotli::Decompressor::new(&packed[..], 4096).read_to_end(&mut bytes),
    }
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    bytes
}

fn precompressed() -> Fixture {
    let noise: Vec<u8> = (0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    Fixture::base()
        .file("site.yaml", format!("{}precompress: true\n", crate::fixture::base_file("site.yaml")))
        .file("static/photo.png", noise)
        .file("static/notes.txt", "a line of notes\n".repeat(100))
        .file("static/own.txt", "their own text\n".repeat(100))
        .file("static/own.txt.gz", "not ours")
}

#[test]
fn precompress_writes_gz_and_br_of_every_text_file_over_1_kib_and_nothing_else() {
    let site = Fixture::base();
    site.build_ok();
    assert!(
        !files(&site.root().join("public")).iter().any(|f| f.ends_with(".gz") || f.ends_with(".br")),
        "off by default"
    );

    let site = precompressed();
    site.build_ok();
    let public = site.root().join("public");
    let all = files(&public);
    let mut compressed = 0;
    for rel in all.iter().filter(|f| !f.ends_with(".gz") && !f.ends_with(".br")) {
        let original = fs::read(public.join(rel)).expect("a file");
        let text = ["html", "css", "xml", "json", "csv", "txt", "js"].iter().any(|e| rel.ends_with(&format!(".{e}")));
        let expected = text && original.len() > 1024;
        for form in ["gz", "br"] {
            let packed = public.join(format!("{rel}.{form}"));
            if rel == "own.txt" && form == "gz" {
                assert_eq!(fs::read(&packed).expect("their file"), b"not ours", "the site's own file wins");
                continue;
            }
            assert_eq!(packed.exists(), expected, "{rel}.{form}");
            if expected {
                assert_eq!(unpacked(&packed), original, "{rel}.{form}");
                compressed += 1;
            }
        }
    }
    assert!(compressed > 40, "{compressed} files compressed");
    for small_or_binary in ["robots.txt", "photo.png", "_headers"] {
        assert!(public.join(small_or_binary).exists() && !public.join(format!("{small_or_binary}.gz")).exists());
    }
    assert!(public.join("notes.txt.br").exists() && public.join("en/index.html.gz").exists());
}

#[test]
fn a_rebuild_compresses_only_what_changed() {
    #[cfg(unix)]
    fn inode(path: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt as _;
        fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).ino()
    }
    #[cfg(not(unix))]
    fn inode(_: &Path) -> u64 {
        0
    }
    let site = precompressed();
    site.build_ok();
    let public = site.root().join("public");
    let compressed: Vec<String> =
        files(&public).into_iter().filter(|f| f.ends_with(".gz") || f.ends_with(".br")).collect();
    let inodes = |dir: &Path| compressed.iter().map(|f| (f.clone(), inode(&dir.join(f)))).collect::<Vec<_>>();
    let first = inodes(&public);
    // Twice: the second build links from the output, the third keeps the kept site's files.
    for round in 1..=2 {
        site.build_ok();
        assert_eq!(inodes(&public), first, "round {round}: an unchanged file was compressed again");
    }
    let page = "en/statements/sample/index.html";
    let statement = crate::fixture::base_file("content/statements/sample/en.md");
    let site = site.file("content/statements/sample/en.md", format!("{statement}\nA new closing line.\n"));
    site.build_ok();
    let after = inodes(&public);
    for ((rel, before), (_, now)) in first.iter().zip(&after) {
        // The feeds list it, and the search index holds its text.
        let changed = rel.starts_with(page)
            || rel.starts_with("en/feed")
            || rel.starts_with("en/atom")
            || rel.starts_with("pagefind/");
        if rel.starts_with(page) {
            assert_ne!(before, now, "{rel} was not compressed again");
            assert_eq!(unpacked(&public.join(rel)), fs::read(public.join(page)).expect("the page"));
        } else if !changed && !rel.starts_with("en/topics/") {
            assert_eq!(before, now, "{rel} was compressed again");
        }
    }
}
