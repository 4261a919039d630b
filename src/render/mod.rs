//! [`Corpus`] + [`Theme`] → [`Site`]: every output file, in memory, rendered in parallel.
//!
//! Which statements are public is decided here, once, from [`RenderOptions`] (drafts,
//! embargoes, the clock); every page, index and listing then works from that one list.

pub mod collate;
pub mod data;
pub mod feeds;
pub mod html;
pub mod i18n;
mod pages;
pub mod plan;
mod sitemap;
pub mod theme;
pub mod urls;

use std::collections::BTreeMap;

use jiff::Timestamp;
use rayon::prelude::*;

use self::plan::{Plan, Version};
pub use self::theme::{Theme, load_theme};
use self::urls::Urls;
use crate::error::{Diagnostic, Diagnostics};
use crate::model::{Corpus, Statement};

/// What a build decides beyond the content.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The present instant: embargoes lift when it passes them.
    pub now: Timestamp,
    /// Publish drafts too (previews).
    pub drafts: bool,
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
}

/// Every output file, by path relative to the output folder (`/` separators).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Site {
    /// File contents by path.
    pub files: BTreeMap<String, Vec<u8>>,
    /// How many HTML pages there are.
    pub pages: usize,
    /// How many languages.
    pub languages: usize,
}

/// Renders the whole site.
pub fn render(corpus: &Corpus, theme: &Theme, options: &RenderOptions) -> Result<Site, Diagnostics> {
    let base_url = options.base_url.as_deref().unwrap_or(&corpus.site.base_url);
    let urls = Urls::new(base_url);
    let public: Vec<&Statement> = corpus.statements.iter().filter(|s| is_public(s, options)).collect();
    let plan = Plan::new(corpus, &public);
    let mut diagnostics = plan.check_paths();

    let jobs = plan.jobs();
    let ctx = pages::Shared::new(theme, &urls, &plan);
    let rendered: Vec<Result<pages::Files, Diagnostic>> = jobs.par_iter().map(|job| ctx.render(job)).collect();

    let mut site = Site { languages: corpus.site.languages.len(), ..Site::default() };
    for result in rendered {
        match result {
            Ok(files) => {
                for (path, bytes) in files {
                    site.pages += usize::from(path.ends_with(".html"));
                    site.files.insert(path, bytes);
                }
            }
            Err(d) => diagnostics.push(d),
        }
    }
    for statement in &public {
        for version in plan.versions(&statement.id) {
            if let Version::Written { slug, .. } = &version.1 {
                let folder = Urls::statement(&version.0, slug);
                for asset in &statement.assets {
                    site.files.insert(format!("{folder}{}", asset.rel), asset.bytes.clone());
                }
            }
        }
    }
    // The site's own static files win over the theme's.
    for file in &corpus.static_files {
        site.files.insert(file.rel.clone(), file.bytes.clone());
    }
    for (rel, bytes) in &theme.static_files {
        site.files.entry(rel.clone()).or_insert_with(|| bytes.clone());
    }
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(site)
}

/// Whether a statement may be published under these options.
pub fn is_public(statement: &Statement, options: &RenderOptions) -> bool {
    (!statement.draft || options.drafts) && statement.embargo.is_none_or(|e| e <= options.now)
}
