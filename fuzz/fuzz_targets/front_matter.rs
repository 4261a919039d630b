//! Splitting any text into front matter and body never panics, and the halves keep their
//! place: the body is a suffix of the input and starts on the line the split says.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use undersigned::parse::front_matter::split;

fuzz_target!(|text: &str| {
    if let Ok(parts) = split(Path::new("en.md"), text) {
        assert!(text.ends_with(parts.body));
        let before = &text[..text.len() - parts.body.len()];
        assert_eq!(before.matches('\n').count() + 1, parts.body_line);
    }
});
