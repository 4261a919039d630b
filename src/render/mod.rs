//! [`Corpus`] + [`Theme`] → [`Site`]: every output file, in memory, rendered in parallel.
//!
//! Which statements are public is decided here, once, from [`RenderOptions`] (drafts,
//! embargoes, the clock); every page, index and listing then works from that one list.

pub mod collate;
pub mod contract;
pub mod data;
pub mod feeds;
pub mod html;
pub mod i18n;
mod pages;
pub mod plan;
mod sitemap;
pub mod theme;
pub mod urls;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use rayon::prelude::*;

use self::plan::{Job, Plan, Version};
pub use self::theme::{Theme, load_theme};
use self::urls::Urls;
use crate::error::{Diagnostic, Diagnostics};
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
    pub files: BTreeMap<String, Bytes>,
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
pub type Bytes = Arc<Vec<u8>>;

/// What can be kept from one render to the next (used by `serve`).
#[derive(Debug, Default)]
pub struct RenderCache {
    /// Feed entries by statement id and language: the full text written again with
    /// absolute links is the costliest part of a feed.
    feed_entries: Mutex<HashMap<(String, Lang), Arc<feeds::FeedEntry>>>,
}

impl RenderCache {
    /// Forgets what was kept for one statement.
    pub fn invalidate(&self, statement_id: &str) {
        self.lock().retain(|(id, _), _| id != statement_id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, Lang), Arc<feeds::FeedEntry>>> {
        // The map stays consistent even if a render thread panicked while holding it.
        self.feed_entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

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
    /// One statement that changed, appeared or disappeared: its pages, every listing
    /// except the feeds and the sitemap (the costliest, which nobody reads while writing;
    /// see [`Scope::Deferred`]), and the directory pages of `signers`, the ids that signed
    /// it before or after the change.
    Statement {
        /// The statement's folder name.
        id: &'a str,
        /// Signer ids whose directory pages may change.
        signers: &'a BTreeSet<String>,
    },
    /// The feeds and the sitemap alone, to follow [`Scope::Statement`] renders.
    Deferred,
}

/// Renders the whole site.
pub fn render(corpus: &Corpus, theme: &Theme, options: &RenderOptions) -> Result<Site, Diagnostics> {
    render_with(corpus, theme, options, &RenderCache::default(), None)
}

/// Renders the site, or, with `reuse`, only part of it on top of a previous render (see
/// [`Scope`]); everything else is taken from the previous site.
pub fn render_with(
    corpus: &Corpus,
    theme: &Theme,
    options: &RenderOptions,
    cache: &RenderCache,
    reuse: Option<Reuse<'_>>,
) -> Result<Site, Diagnostics> {
    let base_url = options.base_url.as_deref().unwrap_or(&corpus.site.base_url);
    let urls = Urls::new(base_url);
    let public: Vec<&Statement> =
        corpus.statements.iter().map(|s| s.as_ref()).filter(|s| is_public(s, options)).collect();
    let plan = Plan::new(corpus, &public);
    let mut diagnostics = plan.check_paths();

    let (changed, signers) = match reuse.map(|r| r.scope) {
        Some(Scope::Statement { id, signers }) => (Some(id), Some(signers)),
        _ => (None, None),
    };
    let wanted = |id: &str| match reuse.map(|r| r.scope) {
        None => true,
        Some(Scope::Statement { id: changed, .. }) => changed == id,
        Some(Scope::Deferred) => false,
    };
    let mut jobs = plan.jobs();
    jobs.retain(|job| match (reuse.map(|r| r.scope), job) {
        (None, _) => true,
        (Some(Scope::Statement { id, .. }), Job::Statement(s, _)) => s.id == id,
        (Some(Scope::Statement { signers, .. }), Job::Signer(s, _)) => signers.contains(&s.id),
        (Some(Scope::Statement { .. }), Job::Feeds(_) | Job::Sitemap) => false,
        (Some(Scope::Statement { .. }), _) => true,
        (Some(Scope::Deferred), job) => matches!(job, Job::Feeds(_) | Job::Sitemap),
    });
    let ctx = pages::Shared::new(theme, &urls, &plan, cache, options);
    let rendered: Vec<(Option<&str>, Result<pages::Files, Diagnostic>)> = jobs
        .par_iter()
        .map(|job| {
            let owner = match job {
                Job::Statement(s, _) => Some(s.id.as_str()),
                _ => None,
            };
            (owner, ctx.render(job))
        })
        .collect();

    let mut site = Site { languages: corpus.site.languages.len(), ..Site::default() };
    if let Some(reuse) = reuse {
        site.files = reuse.previous.files.clone();
        site.by_statement = reuse.previous.by_statement.clone();
        for path in changed.and_then(|id| site.by_statement.remove(id)).unwrap_or_default() {
            site.files.remove(&path);
        }
        // A signer who no longer signs anything public loses its page.
        for id in signers.into_iter().flatten() {
            for lang in &corpus.site.languages {
                site.files.remove(&urls::output_file(&Urls::signer(lang, id)));
            }
        }
    }
    for (owner, result) in rendered {
        match result {
            Ok(files) => {
                for (path, bytes) in files {
                    if let Some(id) = owner {
                        site.by_statement.entry(id.to_owned()).or_default().push(path.clone());
                    }
                    site.files.insert(path, Arc::new(bytes));
                }
            }
            Err(d) => diagnostics.push(d),
        }
    }
    for statement in public.iter().filter(|s| wanted(&s.id)) {
        for (lang, version) in plan.versions(&statement.id) {
            if let Version::Written { slug, .. } = &version {
                let folder = Urls::statement(lang, slug);
                for asset in &statement.assets {
                    let path = format!("{folder}{}", asset.rel);
                    site.by_statement.entry(statement.id.clone()).or_default().push(path.clone());
                    site.files.insert(path, Arc::new(asset.bytes.clone()));
                }
            }
        }
    }
    if reuse.is_none() {
        // The site's own static files win over the theme's.
        for file in &corpus.static_files {
            site.files.insert(file.rel.clone(), Arc::new(file.bytes.clone()));
        }
        for (rel, bytes) in &theme.static_files {
            site.files.entry(rel.clone()).or_insert_with(|| Arc::new(bytes.clone()));
        }
    }
    site.pages = site.files.keys().filter(|p| p.ends_with(".html")).count();
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(site)
}

/// Whether a statement may be published under these options.
pub fn is_public(statement: &Statement, options: &RenderOptions) -> bool {
    (!statement.draft || options.drafts) && (options.preview || statement.embargo.is_none_or(|e| e <= options.now))
}
