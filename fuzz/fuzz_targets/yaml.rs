//! Every YAML file a person writes: site.yaml, signatories.yaml and statement.yaml (with a
//! language file), read from any text, give a result or located diagnostics, never a panic.
#![no_main]

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use undersigned::error::Diagnostics;
use undersigned::load::{ContentDir, SourceFile};
use undersigned::model::Lang;
use undersigned::parse::{content, registry, site};

const SITE: &str = "base_url: https://e.example.org\nlanguages: [en, es]\ntitle: T\n";

fuzz_target!(|text: &str| {
    let mut diagnostics = Diagnostics::new();
    let _ = site::parse_site(Path::new("site.yaml"), text, &mut diagnostics);
    let languages = [Lang::parse("en").unwrap(), Lang::parse("es").unwrap()];
    let registry = registry::parse_registry(Path::new("signatories.yaml"), text, &languages, &mut diagnostics);
    let Some(site) = site::parse_site(Path::new("site.yaml"), SITE, &mut Diagnostics::new()) else { return };
    let dir = ContentDir {
        name: "fuzzed".to_owned(),
        path: PathBuf::from("content/statements/fuzzed"),
        texts: vec![
            SourceFile { path: PathBuf::from("content/statements/fuzzed/en.md"), text: text.to_owned() },
            SourceFile { path: PathBuf::from("content/statements/fuzzed/statement.yaml"), text: text.to_owned() },
        ],
        assets: Vec::new(),
    };
    let mut out = Vec::new();
    let _ = content::parse_statement(&dir, &site, &registry, &mut out);
    for d in out.iter().chain(diagnostics.iter()) {
        assert!(d.location.line >= 1 && d.location.col >= 1, "{d}");
    }
});
