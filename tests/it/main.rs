//! The integration tests: one binary, one tiny fixture site per behaviour.
//!
//! `tests/fixtures/base/` is a complete small site; each case overlays a few files on a
//! copy of it (see [`Fixture`]). Bad-input cases live in `tests/fixtures/bad/<case>/` with
//! the diagnostics they must print in `expected.txt`.

/// `assert!(haystack.contains(needle))`, saying what was looked for and in what.
macro_rules! assert_contains {
    ($haystack:expr, $needle:expr $(,)?) => {{
        let (haystack, needle) = (&$haystack, $needle);
        assert!(haystack.contains(needle), "expected to find {:?} in:\n{}", needle, haystack);
    }};
    ($haystack:expr, $needle:expr, $($context:tt)+) => {{
        let (haystack, needle) = (&$haystack, $needle);
        assert!(haystack.contains(needle), "{}: expected to find {:?} in:\n{}", format_args!($($context)+), needle, haystack);
    }};
}

/// `assert!(!haystack.contains(needle))`, saying what was found and where.
macro_rules! assert_lacks {
    ($haystack:expr, $needle:expr $(,)?) => {{
        let (haystack, needle) = (&$haystack, $needle);
        assert!(!haystack.contains(needle), "expected not to find {:?} in:\n{}", needle, haystack);
    }};
    ($haystack:expr, $needle:expr, $($context:tt)+) => {{
        let (haystack, needle) = (&$haystack, $needle);
        assert!(!haystack.contains(needle), "{}: expected not to find {:?} in:\n{}", format_args!($($context)+), needle, haystack);
    }};
}

mod bad_input;
mod build;
mod cards;
mod check;
mod commands;
mod deploy;
mod example_site;
mod feeds;
mod fixture;
mod interrupt;
mod languages;
mod newsroom;
mod output_safety;
mod readers;
mod search;
mod serve;
mod snapshots;
