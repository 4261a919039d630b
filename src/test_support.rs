//! Assertions for the unit tests that show what they expected and what they got.

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
