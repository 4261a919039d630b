//! The commands staff use besides build: init, new, translations, signatories import.

use std::fs;

use crate::fixture::{Fixture, snapshot_tree};

#[test]
fn init_makes_a_site_that_builds_at_once() {
    let dir = tempfile::tempdir().expect("temp");
    let site = dir.path().join("coalition");
    let run =
        std::process::Command::new(env!("CARGO_BIN_EXE_undersigned")).arg("init").arg(&site).output().expect("runs");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let build = std::process::Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .args(["build", "--root"])
        .arg(&site)
        .output()
        .expect("runs");
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    assert!(site.join("public/es/declaraciones/primera-declaracion/index.html").is_file());
    let ignored = std::fs::read_to_string(site.join(".gitignore")).expect(".gitignore");
    assert!(ignored.lines().any(|l| l == "public/") && ignored.lines().any(|l| l == ".public.*"));
    let again =
        std::process::Command::new(env!("CARGO_BIN_EXE_undersigned")).arg("init").arg(&site).output().expect("runs");
    assert_eq!(again.status.code(), Some(2), "init refuses a folder that is not empty");
}

#[test]
fn new_statement_scaffolds_a_draft_in_every_language() {
    let site = Fixture::base();
    let run = site.run(&["new", "statement", "¿Qué pasa en la frontera?"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dir = site.root().join("content/statements/que-pasa-en-la-frontera");
    for file in ["statement.yaml", "en.md", "es.md"] {
        assert!(dir.join(file).is_file(), "{file}");
        assert_contains!(run.stdout, &format!("que-pasa-en-la-frontera/{file}"));
    }
    // A draft builds (and stays unpublished) until it is finished.
    site.build_ok();
    assert!(!site.root().join("public/en/statements/que-pasa-en-la-frontera").exists());
    let run = site.run(&["build", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains!(site.output("en/statements/que-pasa-en-la-frontera/index.html"), "¿Qué pasa en la frontera?");
}

#[test]
fn an_edited_original_makes_its_marked_translation_stale_until_marked_again() {
    let site = Fixture::base();
    let run = site.run(&["translations"]);
    assert_contains!(run.stdout, "sample  en: original; es: not marked");
    let run = site.run(&["translations", "mark", "content/statements/sample", "es"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains!(site.run(&["translations"]).stdout, "es: up to date");
    let run = site.run(&["check"]);
    assert_lacks!(run.stderr, "earlier version");

    let en = site.root().join("content/statements/sample/en.md");
    let text = fs::read_to_string(&en)
        .expect("en.md")
        .replace("We say it twice.", "We say it twice, and the figure is now 12.");
    fs::write(&en, text).expect("edit");
    assert_contains!(site.run(&["translations"]).stdout, "es: STALE");
    let run = site.run(&["check"]);
    assert!(
        run.stderr.lines().any(|l| l
            == "content/statements/sample/es.md:1:1: warning: es.md was translated from an earlier version of en.md"),
        "{}",
        run.stderr
    );
    site.build_ok();
    let es = site.output("es/declaraciones/declaracion-de-prueba/index.html");
    assert_contains!(es, "class=\"stale-notice\"", "the Spanish page says so");
    assert_contains!(es, "<a href=\"/en/statements/sample/\" hreflang=\"en\">Lea el original vigente</a>");

    let run = site.run(&["translations", "mark", "content/statements/sample", "es"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    site.build_ok();
    assert_lacks!(site.output("es/declaraciones/declaracion-de-prueba/index.html"), "stale-notice");
}

const MESSY_CSV: &str = "\u{feff}Organización,País,Sitio web,Contacto\r\n\
    Red Zeta de Ejemplo,MX,https://zeta.example.org,a@example.org\r\n\
    Colectivo Nuevo de Ejemplo,México,colectivo-nuevo.example.org,b@example.org\r\n\
    COLECTIVO NUEVO DE EJEMPLO,México,,c@example.org\r\n\
    Colectivo Nuevo de Ejemplo,México,colectivo-nuevo.example.org,b@example.org\r\n\
    Fundación Ñu de Ejemplo,Colombia,javascript:alert(1),d@example.org\r\n\
    fundacion nu de ejemplo,CO,,e@example.org\r\n";

#[test]
fn a_messy_sign_on_export_is_merged_once_and_a_bad_address_refused_by_row() {
    let site = Fixture::base().file("form.csv", MESSY_CSV);
    let before = snapshot_tree(site.root());
    let run = site.run(&["signatories", "import", "form.csv", "--statement", "content/statements/sample", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains!(run.stdout, "2 new, 4 matched, 2 joining the statement (dry run: nothing was changed)");
    assert_eq!(snapshot_tree(site.root()), before, "a dry run changes nothing");

    let run = site.run(&["signatories", "import", "form.csv", "--statement", "content/statements/sample"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("form.csv:6:3: error: the address `javascript:alert(1)` uses `javascript:`")),
        "{}",
        run.stderr
    );
    assert_contains!(run.stdout, "row 2: Red Zeta de Ejemplo is zeta-network");
    let registry = fs::read_to_string(site.root().join("signatories.yaml")).expect("registry");
    assert_eq!(registry.matches("- id: colectivo-nuevo-de-ejemplo\n").count(), 1, "{registry}");
    assert_eq!(registry.matches("- id: fundacion-nu-de-ejemplo\n").count(), 1, "{registry}");
    assert_contains!(registry, "  url: \"https://colectivo-nuevo.example.org\"\n");
    assert_lacks!(registry, "javascript");
    assert!(registry.starts_with("- id: zeta-network\n"), "the existing entries are kept as written");
    let statement =
        fs::read_to_string(site.root().join("content/statements/sample/statement.yaml")).expect("statement");
    assert_contains!(statement, "  - { id: colectivo-nuevo-de-ejemplo, since: ");
    site.build_ok();
    assert_contains!(site.output("en/statements/sample/index.html"), "Colectivo Nuevo de Ejemplo");

    let after_first = snapshot_tree(site.root());
    let run = site.run(&["signatories", "import", "form.csv", "--statement", "content/statements/sample"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains!(run.stdout, "0 new, 6 matched, 0 joining the statement");
    assert_eq!(snapshot_tree(site.root()), after_first, "a second import changes nothing");
}
