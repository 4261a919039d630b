//! Every case in `tests/fixtures/bad/`: the exact diagnostics, exit status 1, and an
//! existing `public/` left byte for byte as it was.

use std::fs;

use crate::fixture::{Fixture, fixtures, snapshot_tree};

/// One test per folder of `tests/fixtures/bad/`, named after it with `_` for `-`, so that
/// `cargo test bad_input::footnote_undefined` runs one case. A new folder needs its line
/// here; [`every_fixture_folder_has_its_test`] says so.
macro_rules! bad_inputs {
    ($($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                reported_where_it_is_and_changes_nothing(&stringify!($case).replace('_', "-"));
            }
        )*

        /// The cases above, by folder name.
        const CASES: &[&str] = &[$(stringify!($case)),*];
    };
}

bad_inputs!(
    correction_bad_date,
    embargo_bad_instant,
    empty_language_file,
    empty_statement_yaml,
    folder_name_not_a_slug,
    folder_name_not_a_slug_with_slug,
    footnote_duplicate,
    footnote_undefined,
    front_matter_missing,
    front_matter_tab,
    front_matter_unclosed,
    front_matter_unclosed_quote,
    front_matter_unknown_key,
    front_matter_wrong_type,
    language_not_in_site,
    link_broken_fragment,
    link_broken_internal,
    link_to_embargoed_statement,
    link_to_embargoed_statement_spelt_otherwise,
    many_errors_in_one_run,
    not_utf8,
    page_folder_name_not_a_slug,
    page_slug_a_year,
    page_slug_reserved,
    pdf_missing_file,
    policy_missing_translation_error,
    raw_html_risky_spellings,
    registry_bad_country,
    registry_data_url,
    registry_duplicate_id,
    registry_javascript_url,
    registry_missing_name,
    registry_unknown_kind,
    signer_late_without_since,
    signer_list_nbsp_line,
    signer_listed_twice,
    signer_since_bad_date,
    signer_unknown_id,
    site_bad_language,
    site_bad_policy,
    site_bad_precompress,
    site_bad_press_email,
    site_base_url_not_http,
    site_unknown_key,
    site_unknown_timezone,
    slug_duplicate,
    slug_invalid,
    slug_uppercase,
    slug_with_dots,
    slug_with_slash,
    slug_with_space,
    statement_impossible_date,
    statement_no_language_file,
    statement_no_statement_yaml,
    statement_signatories_not_a_list,
    statement_unknown_key,
    statement_wrong_type,
    static_headers_without_headers_false,
    tag_not_a_slug,
    theme_card_not_svg,
    theme_i18n_broken_yaml,
    theme_template_blocks_not_in_parent,
    theme_template_render_error,
    theme_template_syntax,
    theme_template_unknown_filter,
    yaml_bad_indentation,
    yaml_duplicate_key,
    yaml_unclosed_quote_in_statement,
);

#[test]
fn every_fixture_folder_has_its_test() {
    let mut folders: Vec<String> = fs::read_dir(fixtures().join("bad"))
        .expect("bad fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().replace('-', "_"))
        .collect();
    folders.sort();
    let mut cases: Vec<String> = CASES.iter().map(|c| (*c).to_owned()).collect();
    cases.sort();
    assert_eq!(folders, cases, "tests/fixtures/bad/ and the list in bad_inputs! differ");
}

/// The case in `tests/fixtures/bad/<name>/`: the exact diagnostics of its `expected.txt`,
/// exit status 1, and `public/` as it was.
fn reported_where_it_is_and_changes_nothing(name: &str) {
    let case = fixtures().join("bad").join(name);
    let expected = fs::read_to_string(case.join("expected.txt")).expect("expected.txt");
    if let Err(problems) = fails_cleanly(|site| site.overlay(&case).remove("expected.txt"), &expected) {
        panic!("the case {name} failed:\n{problems}");
    }
}

/// Builds the base site, changes it with `change`, builds again, and checks the second
/// build printed every `expected` line, exited with 1, and left `public/` as it was.
pub fn fails_cleanly(change: impl FnOnce(Fixture) -> Fixture, expected: &str) -> Result<(), String> {
    let site = Fixture::base();
    site.build_ok();
    let before = snapshot_tree(&site.root().join("public"));
    let site = change(site);
    let run = site.run(&["build"]);
    let mut problems = Vec::new();
    if run.code != 1 {
        problems.push(format!("exit status {} instead of 1", run.code));
    }
    for line in expected.lines().filter(|l| !l.trim().is_empty()) {
        // A line ending in `…` only fixes the start (for paths that differ per run).
        let matches = |l: &str| match line.strip_suffix('…') {
            Some(prefix) => l.starts_with(prefix),
            None => l == line,
        };
        if !run.stderr.lines().any(matches) {
            problems.push(format!("missing line: {line}"));
        }
    }
    if expected.trim().is_empty() {
        problems.push("no expected diagnostic".to_owned());
    }
    if run.stderr.contains("panicked") {
        problems.push("it panicked".to_owned());
    }
    if snapshot_tree(&site.root().join("public")) != before {
        problems.push("public/ changed".to_owned());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("  {}\n  stderr:\n{}", problems.join("\n  "), indent(&run.stderr)))
    }
}

#[test]
fn a_ui_string_missing_in_one_language_is_an_error() {
    let es = include_str!("../../themes/default/i18n/es.yaml");
    let without: String = es.lines().filter(|l| !l.starts_with("skip_to_content:")).map(|l| format!("{l}\n")).collect();
    let result = fails_cleanly(
        |site| site.file("themes/default/i18n/es.yaml", without),
        "themes/default/i18n/es.yaml:1:1: error: the UI strings for `es` lack `skip_to_content`",
    );
    assert_eq!(result, Ok(()));
}

#[test]
fn a_symbolic_link_out_of_the_site_is_refused() {
    let outside = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(outside.path(), "---\ntitle: Outside\n---\nSecret text.\n").expect("write");
    let result = fails_cleanly(
        |site| {
            let link = site.root().join("content/statements/sample/es.md");
            std::fs::remove_file(&link).expect("remove es.md");
            std::os::unix::fs::symlink(outside.path(), &link).expect("symlink");
            site
        },
        "content/statements/sample/es.md:1:1: error: symbolic link points outside the site: …",
    );
    assert_eq!(result, Ok(()));
}

#[test]
fn a_50_mb_text_file_is_refused_without_reading_it_into_a_page() {
    let result = fails_cleanly(
        |site| {
            let mut text = String::from("---\ntitle: Huge\n---\n");
            let line = "All work and no play makes a very long statement. ".repeat(20) + "\n\n";
            while text.len() < 50 * 1024 * 1024 {
                text.push_str(&line);
            }
            site.file("content/statements/sample/en.md", text)
        },
        "content/statements/sample/en.md:1:1: error: the file is 50 MiB; text files may be at most 8 MiB",
    );
    assert_eq!(result, Ok(()));
}

#[test]
fn an_unused_note_is_a_warning_and_the_build_goes_on() {
    let site = Fixture::base().file(
        "content/statements/sample/en.md",
        "---\ntitle: T\n---\nText.[^a]\n\n[^a]: A.\n[^unused]: Never cited.\n",
    );
    let run = site.build_ok();
    assert!(
        run.stderr
            .lines()
            .any(|l| l == "content/statements/sample/en.md:7:1: warning: the note `[^unused]` is never referred to"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_exit_with_2() {
    let site = Fixture::base();
    assert_eq!(site.run(&["build", "--now", "yesterday"]).code, 2);
    assert_eq!(site.run(&["frobnicate"]).code, 2);
    let run = site.run(&["build", "--output", "."]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_contains!(run.stderr, "refusing to write the site");
    let run = site.run(&["build", "--output", "content/public"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn a_folder_without_a_site_says_what_to_do() {
    let dir = tempfile::tempdir().expect("temp");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .arg("build")
        .current_dir(dir.path())
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.starts_with("site.yaml:1:1: error: there is no site.yaml in this folder"), "{stderr}");
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

#[test]
fn a_folder_name_with_markup_is_refused_even_with_a_slug() {
    let folder = "content/statements/c\"><img src=x onerror=alert(1)>";
    let result = fails_cleanly(
        |site| {
            site.file(&format!("{folder}/statement.yaml"), "date: 2020-01-01\nsignatories: [zeta-network]\n")
                .file(&format!("{folder}/en.md"), "---\ntitle: X\nslug: x\n---\nText.[^a]\n\n[^a]: Note.\n")
        },
        &format!(
            "{folder}/statement.yaml:1:1: error: the folder name `c\"><img src=x onerror=alert(1)>` is not a valid slug"
        ),
    );
    assert_eq!(result, Ok(()));
}
