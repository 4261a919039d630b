//! undersigned: a static site generator for coalitions that publish joint statements.
//!
//! A build is five stages, each a function over owned data; only the ends touch the disk:
//!
//! 1. [`load::load`] reads every file of the site into a [`load::SourceTree`];
//! 2. [`parse::parse`] turns it into a typed, cross-checked [`model::Corpus`], or returns
//!    every problem at once as [`error::Diagnostics`];
//! 3. [`render::render_into`] renders every output file, in parallel, with the theme from
//!    [`render::load_theme`], and hands each to a [`render::Sink`] as soon as it is made:
//!    a build writes it to a [`write::Staging`] folder and keeps only its links;
//! 4. [`links::check_links`] checks that every internal link and anchor of the rendered
//!    pages resolves, and that none leads to a draft or an embargoed statement;
//! 5. the staging folder is swapped in, if there was no error.
//!
//! `check` runs the same stages and writes nothing. `serve` renders into memory
//! ([`render::render_with`]).

#[cfg(test)]
#[macro_use]
mod test_support;

pub mod cli;
pub mod commands;
pub mod error;
pub mod external;
pub mod hash;
pub mod html_tags;
pub mod links;
pub mod load;
pub mod markdown;
pub mod model;
pub mod parse;
pub mod render;
pub mod serve;
pub mod write;
pub mod yaml;

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::error::{Diagnostics, Error, Result};
use crate::render::RenderOptions;

/// What `build` and `check` are asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site's folder.
    pub root: PathBuf,
    /// Output folder; `<root>/public` when not given.
    pub output: Option<PathBuf>,
    /// Overrides site.yaml's `base_url`.
    pub base_url: Option<String>,
    /// The instant to build at; otherwise `SOURCE_DATE_EPOCH`, otherwise the clock.
    pub now: Option<Timestamp>,
    /// Publish drafts.
    pub drafts: bool,
    /// `check` only: also fetch links to other sites.
    pub external: Option<external::ExternalOptions>,
    /// Stops the build from outside (an interrupt); see [`write::Stop`].
    pub stop: write::Stop,
}

impl BuildOptions {
    /// The output folder: `--output`, or `<root>/public`.
    pub fn out_dir(&self) -> PathBuf {
        self.output.clone().unwrap_or_else(|| self.root.join("public"))
    }
}

/// What a successful build or check reports.
#[derive(Debug, Clone)]
pub struct Report {
    /// HTML pages rendered.
    pub pages: usize,
    /// Files in the output.
    pub files: usize,
    /// Languages of the site.
    pub languages: usize,
    /// Whether the search index was made or kept from the previous output.
    pub search: Option<render::search::Indexing>,
    /// The share cards drawn, and those kept from the previous output (none for `check`).
    pub cards: render::card::Tally,
    /// Warnings, which do not fail the build.
    pub warnings: Diagnostics,
}

/// Loads and parses the site and its theme.
fn prepare(options: &BuildOptions) -> Result<(model::Corpus, render::Theme, RenderOptions)> {
    let mut timer = StageTimer::from_env();
    let mut tree = load::load(&options.root)?;
    timer.lap("load");
    let corpus = parse::parse_and_forget(&mut tree).map_err(Error::Content)?;
    timer.lap("parse");
    let theme = render::load_theme(&tree, &corpus.site).map_err(|mut d| {
        d.extend(corpus.warnings.clone());
        Error::Content(d)
    })?;
    let render_options = RenderOptions {
        now: options.now.unwrap_or_else(now),
        drafts: options.drafts,
        base_url: options.base_url.clone(),
        preview: false,
    };
    if let Some(url) = &render_options.base_url
        && let Err(r) = parse::values::check_web_url(url)
    {
        return Err(Error::Usage(format!("--base-url: {}", r.message)));
    }
    timer.lap("theme");
    Ok((corpus, theme, render_options))
}

/// Where `build` and `check` send each rendered file: its links are noted for the checks,
/// and `build` writes it to the staging folder at once. No page is kept in memory.
struct BuildSink<'a> {
    scope: &'a links::LinkScope<'a>,
    keep_external: bool,
    staging: Option<&'a write::Staging>,
    index: std::sync::Mutex<links::LinkIndex<'static>>,
}

impl render::Sink for BuildSink<'_> {
    fn put(&self, _owner: Option<&str>, path: String, bytes: Vec<u8>) -> Result<()> {
        let page =
            path.ends_with(".html").then(|| links::PageLinks::scan(&bytes, &path, self.scope, self.keep_external));
        if let Some(staging) = self.staging {
            staging.put(&path, &bytes)?;
        }
        drop(bytes);
        self.index.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(path, page);
        Ok(())
    }

    fn kept(&self, path: &str) -> Option<Vec<u8>> {
        // The output this build replaces; a file changed there by hand fails the index's
        // own check of its bytes (see `render::search`).
        let from = self.staging?.out_dir().join(path);
        std::fs::symlink_metadata(&from).ok().filter(std::fs::Metadata::is_file)?;
        std::fs::read(from).ok()
    }

    fn wants_search(&self) -> bool {
        self.staging.is_some()
    }

    fn reuse(&self, _owner: Option<&str>, path: &str, fits: &dyn Fn(&[u8]) -> bool) -> Result<bool> {
        let Some(staging) = self.staging else { return Ok(false) };
        let kept = staging.keep(path, render::card::HEAD, fits)?;
        if kept {
            // Never a page: nothing for the link checks but its existence.
            self.index.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(path.to_owned(), None);
        }
        Ok(kept)
    }

    fn copy(&self, owner: Option<&str>, path: String, file: &load::BinaryFile) -> Result<()> {
        match file.bytes() {
            Some(bytes) => self.put(owner, path, bytes.to_vec()),
            // A large file is streamed, never read whole; it is never a page (see `load`).
            None => {
                if let Some(staging) = self.staging {
                    staging.copy(&path, &file.path)?;
                }
                self.index.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(path, None);
                Ok(())
            }
        }
    }
}

/// Renders the site into `staging` (or nowhere, for `check`) and checks its links.
fn run(options: &BuildOptions, staging: Option<&write::Staging>) -> Result<Report> {
    let (corpus, theme, render_options) = prepare(options)?;
    let mut timer = StageTimer::from_env();
    let scope = links::LinkScope::of(&corpus, &render_options);
    let output = BuildSink {
        scope: &scope,
        keep_external: options.external.is_some(),
        staging,
        index: std::sync::Mutex::new(links::LinkIndex::default()),
    };
    let counts = render::render_into(&corpus, &theme, &render_options, None, &output).map_err(|e| match e {
        Error::Content(mut d) => {
            d.extend(corpus.warnings.clone());
            Error::Content(d)
        }
        other => other,
    })?;
    timer.lap("render");
    let index = output.index.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut warnings = links::check_links(&index, &scope, None);
    warnings.extend(links::check_hreflang(&index, &scope.base_url));
    timer.lap("links");
    warnings.extend(corpus.warnings.clone());
    warnings.extend(theme.warnings.clone());
    if staging.is_none() {
        warnings.extend(unused_signatories(&corpus));
    }
    if warnings.has_errors() {
        return Err(Error::Content(warnings));
    }
    if let Some(staging) = staging.filter(|_| corpus.site.precompress) {
        staging.precompress()?;
        timer.lap("compress");
    }
    if let Some(external_options) = options.external {
        let broken = external::check_external(&links::external_links(&index), &scope, external_options);
        if broken.has_errors() {
            warnings.extend(broken);
            return Err(Error::Content(warnings));
        }
    }
    timer.note(&format!("search index {:?}", counts.search));
    let (masks, bytes) = theme.fonts.glyph_cache();
    timer.note(&format!(
        "share cards drawn {}, kept {}; {masks} glyph masks, {} KiB",
        counts.cards.drawn,
        counts.cards.kept,
        bytes / 1024
    ));
    Ok(Report {
        pages: counts.pages,
        files: counts.files,
        languages: corpus.site.languages.len(),
        search: counts.search,
        cards: counts.cards,
        warnings,
    })
}

/// `undersigned build`: renders the site into a staging folder and swaps it into the
/// output folder once everything is written and checked.
pub fn build(options: &BuildOptions) -> Result<Report> {
    let out_dir = check_output_folder(&options.root, &options.out_dir())?;
    let staging = write::Staging::begin(&out_dir, &options.stop)?;
    let report = run(options, Some(&staging))?;
    let mut timer = StageTimer::from_env();
    let counts = staging.counts();
    staging.commit()?;
    timer.lap("swap");
    timer.note(&format!("files kept {}, linked {}, written {}", counts.kept, counts.linked, counts.written));
    Ok(report)
}

/// `undersigned check`: everything `build` checks; writes nothing.
pub fn check(options: &BuildOptions) -> Result<Report> {
    run(options, None)
}

/// Registry entries that no statement lists: a warning, since ids are kept forever but an
/// unused one is often a typo's twin.
fn unused_signatories(corpus: &model::Corpus) -> Vec<error::Diagnostic> {
    let used: hash::HashSet<&str> =
        corpus.statements.iter().flat_map(|s| &s.signers).map(|s| s.signatory.id.as_str()).collect();
    corpus
        .registry
        .signatories
        .iter()
        .filter(|s| !used.contains(s.id.as_str()))
        .map(|s| {
            error::Diagnostic::warning(
                s.defined_at.clone(),
                format!("the signatory `{}` has signed no statement", s.id),
            )
            .with_hint("keep it if it signed a statement that was removed; otherwise check the statements' ids")
        })
        .collect()
}

/// With `UNDERSIGNED_TIMINGS` set, prints how long each stage took (for profiling).
pub(crate) struct StageTimer(Option<std::time::Instant>);

impl StageTimer {
    pub(crate) fn from_env() -> Self {
        Self(std::env::var_os("UNDERSIGNED_TIMINGS").map(|_| std::time::Instant::now()))
    }

    pub(crate) fn note(&self, text: &str) {
        if self.0.is_some() {
            eprintln!("timing: {text}");
        }
    }

    pub(crate) fn lap(&mut self, stage: &str) {
        if let Some(started) = &mut self.0 {
            eprintln!("timing: {stage:<7} {:>6} ms", started.elapsed().as_millis());
            *started = std::time::Instant::now();
        }
    }
}

/// The instant builds happen at: `SOURCE_DATE_EPOCH` if set (reproducible builds), else now.
pub fn now() -> Timestamp {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| Timestamp::from_second(secs).ok())
        .unwrap_or_else(Timestamp::now)
}

/// The output folder, resolved as the file system will (links followed, `..` applied),
/// unless a build there would replace or swap out the site's own files: the root, a folder
/// holding it, or a folder of its sources (wherever their links lead).
fn check_output_folder(root: &Path, out_dir: &Path) -> Result<PathBuf> {
    let resolve = |p: &Path| write::swap::resolve(p).map_err(|e| Error::io(p, e));
    let out = resolve(out_dir)?;
    let mut sources = vec![resolve(root)?];
    for rel in
        ["content", "content/statements", "content/pages", "themes", "static", load::SITE_FILE, load::REGISTRY_FILE]
    {
        // Also where they do not exist yet: an output at `static/` would be read as the
        // site's own files by the next build.
        sources.push(resolve(&root.join(rel))?);
    }
    // The site's root may not be inside the output or be it; a folder of sources may not
    // hold the output either.
    let clash = sources.iter().enumerate().any(|(i, s)| s.starts_with(&out) || (i > 0 && out.starts_with(s)));
    if clash {
        return Err(Error::Usage(format!(
            "refusing to write the site to {}: it is or holds the site's sources ({}), which a build would replace",
            out_dir.display(),
            out.display()
        )));
    }
    Ok(out)
}
