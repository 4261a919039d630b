//! [`Corpus`] + [`Theme`] → [`Site`]: every output file, in memory, rendered in parallel.
//!
//! Which statements are public is decided here, once, from [`RenderOptions`] (drafts,
//! embargoes, the clock); every page, index and listing then works from that one list.

pub mod collate;
pub mod html;
pub mod i18n;
mod pages;
pub mod theme;
pub mod urls;

use std::collections::BTreeMap;

use jiff::Timestamp;
use rayon::prelude::*;

pub use self::theme::{Theme, load_theme};
use self::urls::{RESERVED_SLUGS, Urls, output_file};
use crate::error::{Diagnostic, Diagnostics, SourceLocation};
use crate::model::{Corpus, Lang, MissingTranslation, Statement};

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
    let mut diagnostics = plan.check_paths(corpus);

    let jobs = plan.jobs(corpus);
    let ctx = pages::Shared::new(corpus, theme, &urls, &plan);
    let rendered: Vec<Result<(String, Vec<u8>), Diagnostic>> = jobs.par_iter().map(|job| ctx.render(job)).collect();

    let mut site = Site { languages: corpus.site.languages.len(), ..Site::default() };
    for result in rendered {
        match result {
            Ok((path, bytes)) => {
                site.pages += usize::from(path.ends_with(".html"));
                site.files.insert(path, bytes);
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

/// Where each public statement appears in each language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Version {
    /// Written in this language, at this slug.
    Written {
        /// The slug.
        slug: String,
    },
    /// Not translated: a notice page at the original's slug.
    Notice {
        /// The original's language.
        original: Lang,
        /// The original's slug (also the notice page's slug).
        slug: String,
    },
}

/// The site's shape: which page exists in which language, decided once.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    /// Public statements, newest first.
    pub statements: Vec<&'a Statement>,
    /// Per statement id: its version in each language that has one.
    pub versions: BTreeMap<&'a str, Vec<(Lang, Version)>>,
}

/// One file to render.
#[derive(Debug, Clone)]
pub enum Job<'a> {
    /// `index.html`: the language chooser.
    Chooser,
    /// `404.html`.
    NotFound,
    /// A language's index of statements.
    Index(&'a Lang),
    /// A statement in one language.
    Statement(&'a Statement, Lang),
    /// A plain page in one language.
    Page(usize, &'a Lang),
}

impl<'a> Plan<'a> {
    fn new(corpus: &'a Corpus, public: &[&'a Statement]) -> Self {
        let mut versions = BTreeMap::new();
        for statement in public {
            let Some(original) = statement.original(&corpus.site) else { continue };
            let list = corpus
                .site
                .languages
                .iter()
                .filter_map(|lang| match statement.translations.get(lang) {
                    Some(t) => Some((lang.clone(), Version::Written { slug: t.slug.clone() })),
                    None if corpus.site.missing_translation == MissingTranslation::Notice => Some((
                        lang.clone(),
                        Version::Notice { original: original.lang.clone(), slug: original.slug.clone() },
                    )),
                    None => None,
                })
                .collect();
            versions.insert(statement.id.as_str(), list);
        }
        Self { statements: public.to_vec(), versions }
    }

    /// The versions of a statement, in site language order.
    pub fn versions(&self, id: &str) -> Vec<(Lang, Version)> {
        self.versions.get(id).cloned().unwrap_or_default()
    }

    fn jobs(&self, corpus: &'a Corpus) -> Vec<Job<'a>> {
        let mut jobs = vec![Job::Chooser, Job::NotFound];
        for lang in &corpus.site.languages {
            jobs.push(Job::Index(lang));
            for (i, page) in corpus.pages.iter().enumerate() {
                if page.translations.contains_key(lang) {
                    jobs.push(Job::Page(i, lang));
                }
            }
        }
        for statement in &self.statements {
            for (lang, _) in self.versions(&statement.id) {
                jobs.push(Job::Statement(statement, lang));
            }
        }
        jobs
    }

    /// A notice page may not take a slug that a written statement uses in that language,
    /// and a page may not take the name of a folder the site uses.
    fn check_paths(&self, corpus: &Corpus) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        let mut taken: BTreeMap<String, &str> = BTreeMap::new();
        for statement in &self.statements {
            for (lang, version) in self.versions(&statement.id) {
                if let Version::Written { slug } = version {
                    taken.insert(Urls::statement(&lang, &slug), &statement.id);
                }
            }
        }
        for statement in &self.statements {
            for (lang, version) in self.versions(&statement.id) {
                if let Version::Notice { slug, original } = version
                    && let Some(other) = taken.get(&Urls::statement(&lang, &slug))
                {
                    diagnostics.push(
                        Diagnostic::error(
                            SourceLocation::file(format!("content/statements/{}/{original}.md", statement.id)),
                            format!("the slug `{slug}` is used in {lang} by `{other}`, so this statement's {lang} notice page cannot use it"),
                        )
                        .with_hint(format!("translate it into {lang} with its own `slug:`, or change one of the slugs")),
                    );
                }
            }
        }
        for page in &corpus.pages {
            for (lang, t) in &page.translations {
                if t.slug == Urls::section(lang) || RESERVED_SLUGS.contains(&t.slug.as_str()) {
                    diagnostics.push(
                        Diagnostic::error(
                            SourceLocation::file(format!("content/pages/{}/{lang}.md", page.id)),
                            format!("the page slug `{}` is a folder of the site itself", t.slug),
                        )
                        .with_hint("set another `slug:` in the front matter"),
                    );
                }
            }
        }
        diagnostics
    }
}

/// The output path of a job.
pub fn job_path(job: &Job<'_>, plan: &Plan<'_>, corpus: &Corpus) -> String {
    match job {
        Job::Chooser => output_file(""),
        Job::NotFound => "404.html".to_owned(),
        Job::Index(lang) => output_file(&Urls::home(lang)),
        Job::Page(i, lang) => output_file(&Urls::page(lang, &corpus.pages[*i].translations[*lang].slug)),
        Job::Statement(statement, lang) => {
            let slug = plan
                .versions(&statement.id)
                .into_iter()
                .find(|(l, _)| l == lang)
                .map(|(_, v)| match v {
                    Version::Written { slug } | Version::Notice { slug, .. } => slug,
                })
                .unwrap_or_default();
            output_file(&Urls::statement(lang, &slug))
        }
    }
}
