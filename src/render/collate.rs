//! Locale-aware sorting of names: "Ángel" sorts with A, and in Spanish "ñ" after "n".

use std::cmp::Ordering;

use icu_collator::options::{CollatorOptions, Strength};
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale_core::Locale;

use crate::model::Lang;

/// Compares texts as readers of one language expect.
pub struct NameOrder {
    collator: Option<CollatorBorrowed<'static>>,
}

impl NameOrder {
    /// The order of `lang`; plain code point order if ICU has no data for it.
    pub fn new(lang: &Lang) -> Self {
        let mut options = CollatorOptions::default();
        options.strength = Some(Strength::Tertiary);
        let collator =
            lang.as_str().parse::<Locale>().ok().and_then(|locale| Collator::try_new(locale.into(), options).ok());
        Self { collator }
    }

    /// Orders two names; equal-looking names fall back to code point order, so the result
    /// never depends on input order.
    pub fn compare(&self, a: &str, b: &str) -> Ordering {
        let primary = self.collator.as_ref().map_or(Ordering::Equal, |c| c.compare(a, b));
        primary.then_with(|| a.cmp(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(lang: &str, names: &[&str]) -> Vec<String> {
        let order = NameOrder::new(&Lang::parse(lang).unwrap());
        let mut v: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
        v.sort_by(|a, b| order.compare(a, b));
        v
    }

    #[test]
    fn accents_sort_with_their_letter() {
        assert_eq!(sorted("en", &["Zeta", "Ángel", "Bravo", "alpha"]), ["alpha", "Ángel", "Bravo", "Zeta"]);
    }

    #[test]
    fn spanish_puts_enye_after_n() {
        assert_eq!(sorted("es", &["Ñandú", "Oro", "Nube"]), ["Nube", "Ñandú", "Oro"]);
    }
}
