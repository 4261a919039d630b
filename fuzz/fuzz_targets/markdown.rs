//! Any Markdown body goes through our passes (notes, heading ids, bare URLs) and out as
//! HTML, for the page and for feeds, without a panic; every note is numbered once.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use undersigned::parse::markdown::parse_markdown;
use undersigned::render::html::{HtmlOptions, render_document};

fuzz_target!(|text: &str| {
    let (doc, diagnostics) = parse_markdown(Path::new("en.md"), text, 5);
    for d in &diagnostics {
        assert!(d.location.line >= 5, "{d}");
    }
    let numbers: Vec<usize> = doc.notes.iter().map(|n| n.number).collect();
    assert_eq!(numbers, (1..=doc.notes.len()).collect::<Vec<_>>());
    for link_base in ["", "https://e.example.org/en/statements/x/"] {
        let options = HtmlOptions { prefix: "x", link_base, backlink_label: "Back {n}", table_label: "Table" };
        let rendered = render_document(&doc, options);
        assert_eq!(rendered.notes.len(), doc.notes.len());
    }
});
