//! The archive: per language, the listed statements grouped by year and by topic, each
//! group split into pages small enough to read (and to download) on a phone.
//!
//! A statement is listed in a language when it has a page there (its text, or a notice
//! that links the original), as on the language's home. Every statement is then within
//! three clicks of that home: a year (click 1), the year's page that holds it (click 2,
//! every page of a year links every other), the statement (click 3).

use std::collections::BTreeMap;

use super::plan::Plan;
use crate::model::{Lang, Statement};

/// Statements on one page of a year or a topic.
pub const PER_PAGE: usize = 50;

/// Statements on a language's home; the rest are in the archive.
pub const HOME_LIMIT: usize = 20;

/// Per language, the statements listed there, grouped; each list newest first.
#[derive(Debug, Clone, Default)]
pub struct Groups<'a> {
    /// Year (in the site's time zone) → statements, per language.
    pub years: BTreeMap<Lang, BTreeMap<i16, Vec<&'a Statement>>>,
    /// Topic id → statements, per language.
    pub topics: BTreeMap<Lang, BTreeMap<&'a str, Vec<&'a Statement>>>,
}

impl<'a> Groups<'a> {
    /// Groups the public statements of `plan`.
    pub fn new(plan: &Plan<'a>) -> Self {
        let site = &plan.corpus.site;
        let mut groups = Self::default();
        for lang in &site.languages {
            let years = groups.years.entry(lang.clone()).or_default();
            let topics = groups.topics.entry(lang.clone()).or_default();
            for statement in plan.statements.iter().filter(|s| plan.version(&s.id, lang).is_some()) {
                let year = statement.date.to_zoned_datetime(site.timezone.clone()).year();
                years.entry(year).or_default().push(*statement);
                for tag in &statement.tags {
                    topics.entry(tag.as_str()).or_default().push(*statement);
                }
            }
        }
        groups
    }

    /// The statements of `year` in `lang`.
    pub fn year(&self, lang: &Lang, year: i16) -> &[&'a Statement] {
        self.years.get(lang).and_then(|y| y.get(&year)).map_or(&[], Vec::as_slice)
    }

    /// The statements of the topic `tag` in `lang`.
    pub fn topic(&self, lang: &Lang, tag: &str) -> &[&'a Statement] {
        self.topics.get(lang).and_then(|t| t.get(tag)).map_or(&[], Vec::as_slice)
    }
}

/// How many pages a list of `n` statements takes (an empty list none).
pub fn page_count(n: usize) -> usize {
    n.div_ceil(PER_PAGE)
}

/// Page `n` (from 1) of `list`.
pub fn page<T>(list: &[T], n: usize) -> &[T] {
    let start = (n.saturating_sub(1) * PER_PAGE).min(list.len());
    &list[start..(start + PER_PAGE).min(list.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_hold_every_item_once() {
        let list: Vec<usize> = (0..PER_PAGE * 2 + 3).collect();
        assert_eq!(page_count(list.len()), 3);
        assert_eq!(page_count(0), 0);
        assert_eq!(page_count(PER_PAGE), 1);
        let again: Vec<usize> = (1..=3).flat_map(|n| page(&list, n).to_vec()).collect();
        assert_eq!(again, list);
        assert!(page(&list, 4).is_empty());
    }
}
