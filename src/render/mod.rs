//! [`Corpus`] + [`Theme`] → every output file, rendered in parallel and handed to a
//! [`Sink`] as it is made ([`render_into`]; a build writes each file at once), or gathered
//! into a [`Site`] in memory for `serve` ([`render_with`]).
//!
//! Which statements are public is decided here, once, from [`RenderOptions`] (drafts,
//! embargoes, the clock); every page, index and listing then works from that one list.

pub mod archive;
pub mod card;
mod claims;
pub mod collate;
mod collect;
pub mod contract;
pub mod data;
pub mod deploy;
pub mod feeds;
pub mod i18n;
mod pages;
pub mod plan;
pub mod search;
mod sitemap;
pub mod theme;
pub mod urls;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use rayon::prelude::*;

use self::claims::{Claims, Maker};
use self::collect::Collect;
use self::plan::{Job, Plan, Version};
pub use self::theme::{Theme, load_theme};
use self::urls::Urls;
use crate::error::{Diagnostic, Diagnostics, Error, SourceLocation};
use crate::load::BinaryFile;
use crate::model::{Corpus, Lang, Statement};

/// What a build decides beyond the content.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The present instant: embargoes lift when it passes them.
    pub now: Timestamp,
    /// Publish drafts too (previews).
    pub drafts: bool,
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// A preview (`serve`): embargoed statements are shown, with a banner saying so.
    pub preview: bool,
}

/// Every output file, by path relative to the output folder (`/` separators).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Site {
    /// File contents by path; shared, so a preview can keep most of a site between builds.
    pub files: BTreeMap<String, FileBytes>,
    /// How many HTML pages there are.
    pub pages: usize,
    /// How many languages.
    pub languages: usize,
    /// The files each statement produced (its pages, data files and copied assets).
    pub by_statement: BTreeMap<String, Vec<String>>,
}

impl Site {
    /// A site of text files, for tests.
    #[cfg(test)]
    pub fn from_texts(files: &[(&str, &str)]) -> Self {
        let files = files.iter().map(|(path, text)| ((*path).to_owned(), Arc::new(text.as_bytes().to_vec()))).collect();
        Self { files, ..Self::default() }
    }
}

/// The content of one output file, shared (an `Arc<Vec>`, so a rendered page moves in
/// without a copy).
pub type FileBytes = Arc<Vec<u8>>;

/// A previous render to build on, and what to render again on top of it.
#[derive(Debug, Clone, Copy)]
pub struct Reuse<'a> {
    /// The last good site.
    pub previous: &'a Site,
    /// What to render again.
    pub scope: Scope<'a>,
}

/// What a partial render covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// One statement that changed, appeared or disappeared: its pages and, if `listings`,
    /// the index, the directory, the directory pages of `signers` (the ids that signed it
    /// before or after the change) with their feeds, the topics index, and the pages of
    /// `years` and `tags` (its years and topics before and after) with those topics'
    /// feeds. The other feeds and the sitemap are left for later (the costliest listings,
    /// which nobody reads while writing; see [`Scope::Deferred`]).
    Statement {
        /// The statement's folder name.
        id: &'a str,
        /// Signer ids whose directory pages may change.
        signers: &'a BTreeSet<String>,
        /// Years of the archive whose pages may change.
        years: &'a BTreeSet<i16>,
        /// Topics whose pages may change.
        tags: &'a BTreeSet<String>,
        /// Whether what the listings show of it may have changed: its title, summary,
        /// date, slugs, languages, signers or whether it is public. An edit to the text
        /// alone changes none of it.
        listings: bool,
    },
    /// The feeds (of languages and of topics), the sitemap, the search index and the
    /// share cards alone, to follow [`Scope::Statement`] renders (and, for the cards, a
    /// full preview).
    Deferred,
}

/// Renders the whole site.
pub fn render(corpus: &Corpus, theme: &Theme, options: &RenderOptions) -> Result<Site, Diagnostics> {
    render_with(corpus, theme, options, None)
}

/// Takes each output file as soon as it is rendered, on the render threads: a build writes
/// it and keeps only what the link checks need, so the site is never whole in memory.
pub trait Sink: Sync {
    /// Takes the file at `path`; `owner` is the statement it belongs to, if any.
    fn put(&self, owner: Option<&str>, path: String, bytes: Vec<u8>) -> Result<(), Error>;

    /// Takes the file at `path` as a copy of a file of the sources. By default its bytes
    /// are read and [put](Sink::put); a sink that writes to disk streams a large file.
    fn copy(&self, owner: Option<&str>, path: String, file: &BinaryFile) -> Result<(), Error> {
        let bytes = file.read().map_err(|e| Error::io(&file.path, e))?;
        self.put(owner, path, bytes)
    }

    /// The bytes of the file at `path` in the output this render replaces, if the sink
    /// knows one: the search index is reused from it when no record changed (see
    /// [`search`]). By default, none.
    fn kept(&self, path: &str) -> Option<Vec<u8>> {
        let _ = path;
        None
    }

    /// Whether to make the search index at all (`check`, which writes nothing, does not).
    fn wants_search(&self) -> bool {
        true
    }

    /// Whether to draw the share cards at all (`check` does not).
    fn wants_cards(&self) -> bool {
        self.wants_search()
    }

    /// Takes the file at `path` of the output this render replaces again, as it is, if its
    /// first [`card::HEAD`] bytes satisfy `fits` (a share card drawn from the same inputs):
    /// `true` if it did, and then nothing need be made. By default, nothing is kept.
    fn reuse(&self, owner: Option<&str>, path: &str, fits: &dyn Fn(&[u8]) -> bool) -> Result<bool, Error> {
        let _ = (owner, path, fits);
        Ok(false)
    }
}

/// How many files a render produced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// HTML pages.
    pub pages: usize,
    /// All files.
    pub files: usize,
    /// Whether the search index was made or kept; `None` if this render did not cover it.
    pub search: Option<search::Indexing>,
    /// The share cards drawn and kept.
    pub cards: card::Tally,
}

/// Renders the site, or with `scope` part of it, handing every file to `sink`. Every
/// content error is reported; writing stops at the first failure of the sink.
pub fn render_into(
    corpus: &Corpus,
    theme: &Theme,
    options: &RenderOptions,
    scope: Option<Scope<'_>>,
    sink: &dyn Sink,
) -> Result<Counts, Error> {
    let base_url = options.base_url.as_deref().unwrap_or(&corpus.site.base_url);
    let urls = Urls::new(base_url);
    let public: Vec<&Statement> =
        corpus.statements.iter().map(|s| s.as_ref()).filter(|s| is_public(s, options)).collect();
    let plan = Plan::new(corpus, &public);
    let diagnostics = Mutex::new(plan.check_paths());
    let (pages, files) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let claims = Claims::default();
    let count = |path: &str| {
        if path.ends_with(".html") {
            pages.fetch_add(1, Ordering::Relaxed);
        }
        files.fetch_add(1, Ordering::Relaxed);
    };
    let claim = |owner: Option<&str>, path: &str| {
        let free = claims.claim(path, Maker::Build(owner));
        if free {
            count(path);
        }
        free
    };
    let put = |owner: Option<&str>, path: String, bytes: Vec<u8>| {
        if !claim(owner, &path) {
            return Ok(());
        }
        sink.put(owner, path, bytes)
    };
    let copy = |owner: Option<&str>, path: String, file: &BinaryFile| {
        if !claims.claim(&path, Maker::Copy(&file.path)) {
            return Ok(());
        }
        count(&path);
        sink.copy(owner, path, file)
    };

    // The signer pages and the directory, unless only a statement's text changed.
    let with_signers = matches!(scope, None | Some(Scope::Statement { listings: true, .. }));
    let mut jobs = plan.jobs(with_signers);
    jobs.retain(|job| match (scope, job) {
        (None, _) => true,
        (Some(Scope::Statement { id, .. }), Job::Statement(s, _)) => s.id == id,
        (Some(Scope::Statement { signers, listings, .. }), Job::Signer(s, _)) => listings && signers.contains(&s.id),
        // The search page lists every topic, year and signer country among its filters.
        (
            Some(Scope::Statement { listings, .. }),
            Job::Index(_) | Job::Directory(_) | Job::Country(..) | Job::Topics(_) | Job::Search(_),
        ) => listings,
        (Some(Scope::Statement { listings, years, .. }), Job::Year(_, year, _)) => listings && years.contains(year),
        // A topic's feeds too: its page links them, and a new topic has none yet.
        (Some(Scope::Statement { listings, tags, .. }), Job::Topic(_, tag, _) | Job::TopicFeeds(_, tag)) => {
            listings && tags.contains(*tag)
        }
        // The chooser, the 404 and the pages do not show statements.
        (Some(Scope::Statement { .. }), _) => false,
        // The search index too: `serve` makes it once edits pause, not at every keystroke.
        (Some(Scope::Deferred), job) => {
            matches!(job, Job::Feeds(_) | Job::Sitemap | Job::TopicFeeds(..) | Job::SearchIndex)
        }
    });
    let assets = deploy::theme_assets(&theme.static_files, &corpus.static_files)?;
    let ctx = pages::Renderer::new(theme, &urls, &plan, options, deploy::asset_urls(&assets, urls.root()));
    // Each feed holds the full text of every statement it lists: one feed at a time, on
    // one thread, while the others render the pages.
    let feed_langs: Vec<&Lang> = jobs
        .iter()
        .filter_map(|job| match job {
            Job::Feeds(lang) => Some(*lang),
            _ => None,
        })
        .collect();
    let page_jobs: Vec<&Job<'_>> = jobs.iter().filter(|job| !matches!(job, Job::Feeds(_) | Job::SearchIndex)).collect();
    // The share cards: drawn in a build, and in a preview only once edits pause (drawing
    // is slow; see `render_keeping`); `check` only parses one card of each language.
    let with_cards = sink.wants_cards();
    let cards = match scope {
        None if options.preview => Vec::new(),
        None | Some(Scope::Deferred) => card::wanted(&plan, with_cards),
        Some(Scope::Statement { .. }) => Vec::new(),
    };
    let indexing = Mutex::new(None);
    // The search index goes on the feeds' thread, after them: both read every statement's
    // text, and neither is a page anybody waits for in a preview.
    let write_feeds = || {
        let mut timer = crate::StageTimer::from_env();
        feed_langs.iter().try_for_each(|lang| ctx.feeds(lang, &mut |path, bytes| put(None, path, bytes)))?;
        timer.lap("feeds");
        if sink.wants_search() && jobs.iter().any(|job| matches!(job, Job::SearchIndex)) {
            let mut timer = crate::StageTimer::from_env();
            let records = ctx.search_records();
            timer.lap("search: text");
            let (files, how) = search::files(records, &|path| sink.kept(path))?;
            *indexing.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(how);
            files.into_iter().try_for_each(|(path, bytes)| put(None, path, bytes))?;
        }
        Ok(())
    };
    let card_counter = card::Counter::default();
    let render_pages = || {
        // The cards first: each takes far longer than a page.
        let work: Vec<Work<'_>> =
            cards.iter().map(|(s, lang)| Work::Card(s, lang)).chain(page_jobs.iter().map(|j| Work::Page(j))).collect();
        work.par_iter().try_for_each(|work| {
            let made = match work {
                Work::Card(statement, lang) => {
                    card::put(&ctx, statement, lang, with_cards, &claim, sink, &card_counter)
                }
                Work::Page(job) => {
                    let owner = match job {
                        Job::Statement(s, _) => Some(s.id.as_str()),
                        _ => None,
                    };
                    ctx.render(job)
                        .map_err(|d| Error::Content(std::iter::once(d).collect()))
                        .and_then(|files| files.into_iter().try_for_each(|(path, bytes)| put(owner, path, bytes)))
                }
            };
            match made {
                Err(Error::Content(d)) => {
                    diagnostics.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend(d);
                    Ok(())
                }
                other => other,
            }
        })
    };
    let (feeds_written, pages_written) = rayon::join(write_feeds, render_pages);
    feeds_written?;
    pages_written?;

    let wanted = |id: &str| match scope {
        None => true,
        Some(Scope::Statement { id: changed, .. }) => changed == id,
        Some(Scope::Deferred) => false,
    };
    for statement in public.iter().filter(|s| wanted(&s.id)) {
        for (lang, version) in plan.versions(&statement.id) {
            if let Version::Written { slug, .. } = &version {
                let folder = Urls::statement(lang, slug);
                for asset in &statement.assets {
                    copy(Some(&statement.id), format!("{folder}{}", asset.rel), asset)?;
                }
            }
        }
    }
    if scope.is_none() {
        // The site's own static files win over the theme's (see `deploy`).
        for file in &corpus.static_files {
            if file.rel == deploy::HEADERS_FILE && corpus.site.headers {
                diagnostics.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(
                    Diagnostic::error(
                        SourceLocation::file(&file.path),
                        format!("the build writes `{}` (security headers and caching)", deploy::HEADERS_FILE),
                    )
                    .with_hint(
                        "to publish this file instead, set `headers: false` in site.yaml; see Publishing in the README",
                    ),
                );
                continue;
            }
            copy(None, file.rel.clone(), file)?;
        }
        for asset in &assets {
            copy(None, asset.hashed.clone(), asset.source)?;
            if !asset.from_site {
                copy(None, asset.rel.to_owned(), asset.source)?;
            }
        }
        if corpus.site.headers {
            put(None, deploy::HEADERS_FILE.to_owned(), deploy::headers_file(&assets).into_bytes())?;
        }
    }
    let mut diagnostics = diagnostics.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    diagnostics.extend(claims.clashes.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner));
    if diagnostics.has_errors() {
        return Err(Error::Content(diagnostics));
    }
    let search = indexing.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    Ok(Counts { pages: pages.into_inner(), files: files.into_inner(), search, cards: card_counter.tally() })
}

/// One unit of the parallel part of a render: a share card or a page job.
enum Work<'w> {
    Card(&'w Statement, &'w Lang),
    Page(&'w Job<'w>),
}

/// Renders the site in memory, or, with `reuse`, only part of it on top of a previous
/// render (see [`Scope`]); everything else is taken from the previous site.
pub fn render_with(
    corpus: &Corpus,
    theme: &Theme,
    options: &RenderOptions,
    reuse: Option<Reuse<'_>>,
) -> Result<Site, Diagnostics> {
    render_keeping(corpus, theme, options, reuse, reuse.map(|r| r.previous))
}

/// [`render_with`]; a full render (`reuse` `None`) keeps the search index of `previous`
/// if no record changed (`serve` after an edit of the theme or the settings). A full
/// preview draws no share card: it keeps those of `previous`, and [`Scope::Deferred`]
/// draws what changed.
pub fn render_keeping(
    corpus: &Corpus,
    theme: &Theme,
    options: &RenderOptions,
    reuse: Option<Reuse<'_>>,
    previous: Option<&Site>,
) -> Result<Site, Diagnostics> {
    let collected = Collect { files: Mutex::default(), previous };
    render_into(corpus, theme, options, reuse.map(|r| r.scope), &collected).map_err(|e| match e {
        Error::Content(d) => d,
        // Collecting in memory cannot fail.
        other => std::iter::once(Diagnostic::error(SourceLocation::file(PathBuf::new()), other.to_string())).collect(),
    })?;
    let mut site = Site { languages: corpus.site.languages.len(), ..Site::default() };
    // A full preview keeps the cards it had until the deferred render puts them again.
    if let (None, Some(previous), true) = (reuse, previous, options.preview) {
        site.files.extend(previous.files.iter().filter(|(p, _)| is_card(p)).map(|(p, b)| (p.clone(), b.clone())));
    }
    if let Some(reuse) = reuse {
        site.files = reuse.previous.files.clone();
        site.by_statement = reuse.previous.by_statement.clone();
        if let Scope::Statement { id, signers, years, tags, listings } = reuse.scope {
            // Its card stays until the deferred render draws it again.
            let (cards, others): (Vec<String>, Vec<String>) =
                site.by_statement.remove(id).unwrap_or_default().into_iter().partition(|p| is_card(p));
            for path in others {
                site.files.remove(&path);
            }
            if !cards.is_empty() {
                site.by_statement.insert(id.to_owned(), cards);
            }
            // Pages of its years and topics are rendered again, and may be fewer now (a
            // topic's feeds stay until the deferred render replaces them).
            if listings {
                let mut folders: Vec<String> = Vec::new();
                for lang in &corpus.site.languages {
                    folders.extend(years.iter().map(|y| Urls::year(lang, *y)));
                    folders.extend(tags.iter().map(|t| Urls::topic(lang, t)));
                }
                site.files.retain(|path, _| {
                    !(path.ends_with(".html") && folders.iter().any(|f| path.starts_with(f.as_str())))
                });
            }
            // A signer who no longer signs anything public loses its page.
            for id in signers.iter().filter(|_| listings) {
                for lang in &corpus.site.languages {
                    site.files.remove(&urls::output_file(&Urls::signer(lang, id)));
                    site.files.remove(&format!("{}atom.xml", Urls::signer(lang, id)));
                }
            }
        }
        if let Scope::Deferred = reuse.scope {
            // A topic that lost its last statement loses its feeds; the search index is
            // made again, and its files are named by their content.
            // The cards are all put again (most of them as they were): a statement gone,
            // or at another slug, loses its card.
            site.files.retain(|path, _| !is_topic_feed(path) && !path.starts_with(search::FOLDER) && !is_card(path));
            site.by_statement.values_mut().for_each(|paths| paths.retain(|p| !is_card(p)));
        }
    }
    for (owner, path, bytes) in collected.files.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
        if let Some(id) = owner {
            site.by_statement.entry(id).or_default().push(path.clone());
        }
        site.files.insert(path, Arc::new(bytes));
    }
    site.pages = site.files.keys().filter(|p| p.ends_with(".html")).count();
    Ok(site)
}

/// Whether `path` is a topic's feed (`en/topics/mexico/atom.xml`).
fn is_topic_feed(path: &str) -> bool {
    let mut parts = path.split('/');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(_), Some("topics"), Some(_), Some("feed.xml" | "atom.xml"), None)
    )
}

/// Whether `path` is a statement's share card (`en/statements/x/card.png`).
fn is_card(path: &str) -> bool {
    path.split('/').count() == 4 && path.rsplit('/').next() == Some(card::FILE)
}

/// Whether a statement may be published under these options.
pub fn is_public(statement: &Statement, options: &RenderOptions) -> bool {
    (!statement.draft || options.drafts) && (options.preview || statement.embargo.is_none_or(|e| e <= options.now))
}
