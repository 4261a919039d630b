//! Keeping the preview up to date: a full build at start and after changes to settings,
//! registry, pages or theme; after an edit to one statement, only that statement is read,
//! parsed and rendered again, with every listing, on top of the last good site. The feeds,
//! the sitemap, the search index and the share cards follow once edits pause (see
//! [`Rebuilder::refresh_deferred`]).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use super::watch::Change;
use crate::error::{Diagnostics, Result};
use crate::hash::HashSet;
use crate::load::{self, SourceTree};
use crate::model::Corpus;
use crate::render::{self, RenderOptions, Reuse, Scope, Site, Theme};
use crate::{links, parse};

/// The last good state, from which the next edit is applied.
struct Good {
    tree: SourceTree,
    corpus: Corpus,
    theme: Theme,
    site: Arc<Site>,
    /// The feeds and the sitemap in `site` predate the last edit, or its share cards the
    /// last full build.
    deferred_stale: bool,
}

/// Builds and rebuilds the site in memory.
pub struct Rebuilder {
    root: PathBuf,
    options: RenderOptions,
    /// The last good state; `None` until a full build succeeds.
    good: Option<Good>,
    /// Statements whose last edit failed; until each is fixed, the site on show lacks it,
    /// and only an edit to it (or a full build) can clear the error.
    broken: BTreeSet<String>,
}

/// What a rebuild did.
#[derive(Debug)]
pub enum Outcome {
    /// A new site, and the warnings found.
    Built(Arc<Site>, Diagnostics),
    /// The content has errors; the last good site stays.
    Failed(Diagnostics),
}

impl Rebuilder {
    /// A rebuilder for the site at `root`, rendering with `options` (a preview).
    pub fn new(root: PathBuf, options: RenderOptions) -> Self {
        Self { root, options, good: None, broken: BTreeSet::new() }
    }

    /// Builds everything from disk.
    pub fn full(&mut self) -> Result<Outcome> {
        self.broken.clear();
        let tree = load::load(&self.root)?;
        let corpus = match parse::parse(&tree) {
            Ok(corpus) => corpus,
            Err(d) => return Ok(self.failed(d)),
        };
        let theme = match render::load_theme(&tree, &corpus.site) {
            Ok(theme) => theme,
            Err(d) => return Ok(self.failed(d)),
        };
        // The search index of the last good site is kept if no statement's text changed.
        let previous = self.good.as_ref().map(|g| g.site.clone());
        let site = match render::render_keeping(&corpus, &theme, &self.options, None, previous.as_deref()) {
            Ok(site) => site,
            Err(d) => return Ok(self.failed(d)),
        };
        let mut diagnostics = links::check_corpus_links(&site, &corpus, &self.options, None);
        diagnostics.extend(corpus.warnings.clone());
        diagnostics.extend(theme.warnings.clone());
        if diagnostics.has_errors() {
            return Ok(self.failed(diagnostics));
        }
        let site = Arc::new(site);
        // The share cards follow once edits pause.
        self.good = Some(Good { tree, corpus, theme, site: site.clone(), deferred_stale: true });
        Ok(Outcome::Built(site, diagnostics))
    }

    /// Applies a batch of changes: the fast path when they all concern statements and every
    /// earlier error is among them; a full build otherwise.
    pub fn apply(&mut self, changes: &BTreeSet<Change>) -> Result<Outcome> {
        let names: BTreeSet<&str> = changes
            .iter()
            .filter_map(|c| match c {
                Change::Statement(name) => Some(name.as_str()),
                _ => None,
            })
            .collect();
        let errors_covered = self.broken.iter().all(|b| names.contains(b.as_str()));
        if self.good.is_none() || names.len() != changes.len() || names.is_empty() || !errors_covered {
            return self.full();
        }
        let mut failures = Diagnostics::new();
        let mut last = None;
        for name in names {
            match self.statement(name)? {
                Outcome::Built(site, warnings) => last = Some((site, warnings)),
                Outcome::Failed(d) => failures.extend(d),
            }
        }
        match last {
            Some((site, warnings)) if failures.is_empty() => Ok(Outcome::Built(site, warnings)),
            _ => Ok(Outcome::Failed(failures)),
        }
    }

    /// Reads, parses and renders one statement folder again.
    fn statement(&mut self, name: &str) -> Result<Outcome> {
        let Some(good) = self.good.as_mut() else { return self.full() };
        let mut timer = crate::StageTimer::from_env();
        let (dir, problems) = load::load_statement_dir(&self.root, name)?;
        timer.lap("load");
        let corpus = match parse::reparse_statement(&good.corpus, name, dir.as_ref(), problems) {
            Ok(corpus) => corpus,
            Err(d) => return Ok(mark_broken(&mut self.broken, name, d)),
        };
        timer.lap("parse");
        let signed = |c: &Corpus| -> Vec<String> {
            c.statements
                .iter()
                .filter(|s| s.id == name)
                .flat_map(|s| &s.signers)
                .map(|s| s.signatory.id.clone())
                .collect()
        };
        let signers: BTreeSet<String> = signed(&good.corpus).into_iter().chain(signed(&corpus)).collect();
        let listings = listed(&good.corpus, name, &self.options) != listed(&corpus, name, &self.options);
        // Its years and topics in the archive, before and after.
        let (mut years, mut tags) = (BTreeSet::new(), BTreeSet::new());
        for c in [&good.corpus, &corpus] {
            for s in c.statements.iter().filter(|s| s.id == name) {
                years.insert(s.date.to_zoned_datetime(c.site.timezone.clone()).year());
                tags.extend(s.tags.iter().cloned());
            }
        }
        let scope = Scope::Statement { id: name, signers: &signers, years: &years, tags: &tags, listings };
        let reuse = Reuse { previous: &good.site, scope };
        let site = match render::render_with(&corpus, &good.theme, &self.options, Some(reuse)) {
            Ok(site) => site,
            Err(d) => return Ok(mark_broken(&mut self.broken, name, d)),
        };
        timer.lap("render");
        // The tree follows the disk even if this edit fails below: it only serves to find
        // the source lines of links.
        let tree = &mut good.tree;
        tree.statements.retain(|d| d.name != name);
        if let Some(dir) = dir {
            let at = tree.statements.partition_point(|d| d.name.as_str() < name);
            tree.statements.insert(at, dir);
        }
        // The changed statement's pages, and the listings if they were rendered again.
        let only: HashSet<String> = site
            .by_statement
            .get(name)
            .into_iter()
            .flatten()
            .chain(site.files.keys().filter(|p| listings && (p.matches('/').count() <= 1 || in_archive(p))))
            .filter(|p| p.ends_with(".html"))
            .cloned()
            .collect();
        let mut diagnostics = links::check_corpus_links(&site, &corpus, &self.options, Some(&only));
        diagnostics.extend(corpus.warnings.clone());
        timer.lap("links");
        if diagnostics.has_errors() {
            return Ok(mark_broken(&mut self.broken, name, diagnostics));
        }
        let site = Arc::new(site);
        self.broken.remove(name);
        good.corpus = corpus;
        good.site = site.clone();
        good.deferred_stale = true;
        Ok(Outcome::Built(site, diagnostics))
    }

    /// After one-statement rebuilds, the feeds and the sitemap still show the previous
    /// version; this renders them again (the feeds are the slowest listing: the full text
    /// of every statement).
    /// `None` when they are up to date or cannot be rendered (the next full build will say why).
    pub fn refresh_deferred(&mut self) -> Option<Arc<Site>> {
        let good = self.good.as_mut().filter(|g| g.deferred_stale)?;
        good.deferred_stale = false;
        let reuse = Reuse { previous: &good.site, scope: Scope::Deferred };
        let site = Arc::new(render::render_with(&good.corpus, &good.theme, &self.options, Some(reuse)).ok()?);
        good.site = site.clone();
        Some(site)
    }

    fn failed(&mut self, diagnostics: Diagnostics) -> Outcome {
        self.good = None;
        Outcome::Failed(diagnostics)
    }
}

/// What the listings (index, directory, signer pages) show of a statement: if an edit
/// leaves it as it was, only the statement's own pages change.
fn listed<'c>(corpus: &'c Corpus, id: &str, options: &RenderOptions) -> Option<Listed<'c>> {
    let s = corpus.statements.iter().find(|s| s.id == id)?;
    let translations =
        s.translations.iter().map(|(lang, t)| (lang.as_str(), t.title.as_str(), t.slug.as_str(), t.summary.as_deref()));
    let signers = s.signers.iter().map(|g| (g.signatory.id.as_str(), g.since));
    let tags = s.tags.iter().map(String::as_str).collect();
    // A signer's feed dates each entry by its last change.
    let changed = s.translations.keys().map(|lang| render::plan::last_change(s, lang, &corpus.site.timezone));
    Some((render::is_public(s, options), s.date, changed.collect(), translations.collect(), signers.collect(), tags))
}

/// Public or not, date, last change in each language, (language, title, slug, summary)
/// of each version, (id, since) of each signer, topics.
type Listed<'c> = (
    bool,
    jiff::Timestamp,
    Vec<jiff::Timestamp>,
    Vec<(&'c str, &'c str, &'c str, Option<&'c str>)>,
    Vec<(&'c str, Option<jiff::civil::Date>)>,
    Vec<&'c str>,
);

/// Whether `path` is a page of the archive (a year's, a topic's), which the listings
/// render again.
fn in_archive(path: &str) -> bool {
    let second = path.split('/').nth(1).unwrap_or_default();
    second == "topics" || (!second.is_empty() && second.bytes().all(|b| b.is_ascii_digit()))
}

fn mark_broken(broken: &mut BTreeSet<String>, name: &str, diagnostics: Diagnostics) -> Outcome {
    broken.insert(name.to_owned());
    Outcome::Failed(diagnostics)
}
