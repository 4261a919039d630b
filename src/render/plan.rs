//! The site's shape, decided once: which statements are public, which page exists in
//! which language at which path, and which pages are alternates of each other.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use jiff::Timestamp;

use super::archive::{Groups, page_count};
use super::urls::{Urls, is_reserved_slug};
use crate::error::{Diagnostic, Diagnostics, SourceLocation};
use crate::hash::HashMap;
use crate::model::{Corpus, Lang, MissingTranslation, Signatory, Signer, Statement};

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
    /// The whole corpus.
    pub corpus: &'a Corpus,
    /// Public statements, newest first.
    pub statements: Vec<&'a Statement>,
    /// Per statement id: its version in each language that has one.
    pub versions: HashMap<&'a str, Vec<(Lang, Version)>>,
    /// Per signer id: the public statements it signed (newest first) and since when;
    /// see [`Plan::signed`].
    signed: OnceLock<HashMap<&'a str, Vec<(&'a Statement, &'a Signer)>>>,
    /// The archive's years and topics; see [`Plan::groups`].
    groups: OnceLock<Groups<'a>>,
    /// The latest publication or update of a public statement; see [`Plan::newest`].
    newest: Option<Timestamp>,
}

/// The most signers the directory lists on one page; past that, it lists their countries
/// and each country has a page (about 120 bytes of HTML a signer: some 60 KB).
pub const DIRECTORY_SPLIT: usize = 500;

/// One unit of rendering: a page, or a group of files such as a language's feeds.
#[derive(Debug, Clone)]
pub enum Job<'a> {
    /// A language's RSS, Atom and JSON feeds.
    Feeds(&'a Lang),
    /// `sitemap.xml` and `robots.txt`.
    Sitemap,
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
    /// The signer directory of one language.
    Directory(&'a Lang),
    /// The signers of one country (its ISO code) in one language, when the directory is
    /// split (see [`Plan::directory_countries`]).
    Country(&'a Lang, &'static str),
    /// One signer's page in one language: the statements it signed.
    Signer(&'a Signatory, &'a Lang),
    /// The index of topics of one language.
    Topics(&'a Lang),
    /// Page `n` (from 1) of a topic in one language.
    Topic(&'a Lang, &'a str, usize),
    /// A topic's RSS and Atom feeds in one language.
    TopicFeeds(&'a Lang, &'a str),
    /// Page `n` (from 1) of a year of the archive in one language.
    Year(&'a Lang, i16, usize),
    /// The search page of one language.
    Search(&'a Lang),
    /// The search index of every language (Pagefind's files under `pagefind/`).
    SearchIndex,
}

impl<'a> Plan<'a> {
    /// Decides the shape of the site for these public statements.
    pub fn new(corpus: &'a Corpus, public: &[&'a Statement]) -> Self {
        let mut versions = HashMap::with_capacity_and_hasher(public.len(), Default::default());
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
        let newest = public.iter().map(|s| s.updated.map_or(s.date, |u| u.max(s.date))).max();
        Self { corpus, statements: public.to_vec(), versions, signed: OnceLock::new(), groups: OnceLock::new(), newest }
    }

    /// The latest publication or update of a public statement: when the site as a whole
    /// last changed, which is what a feed with no entries says (not the build's clock, so
    /// two builds of the same input stay byte-identical).
    pub fn newest(&self) -> Option<Timestamp> {
        self.newest
    }

    /// Per signer id: the public statements it signed (newest first) and since when.
    /// Worked out when first needed: a preview after an edit of a statement's text does
    /// not need it.
    pub fn signed(&self) -> &HashMap<&'a str, Vec<(&'a Statement, &'a Signer)>> {
        self.signed.get_or_init(|| {
            let mut signed: HashMap<&str, Vec<(&Statement, &Signer)>> = HashMap::default();
            for statement in &self.statements {
                for signer in &statement.signers {
                    signed.entry(signer.signatory.id.as_str()).or_default().push((statement, signer));
                }
            }
            signed
        })
    }

    /// The countries of the signers of public statements, when there are more signers than
    /// one directory page shows ([`DIRECTORY_SPLIT`]): the directory then lists the
    /// countries, and each has a page of its signers. `None` keeps one page.
    pub fn directory_countries(&self) -> Option<BTreeSet<&'static str>> {
        let signed = self.signed();
        self.directory_is_split().then(|| {
            self.corpus
                .registry
                .signatories
                .iter()
                .filter(|s| signed.contains_key(s.id.as_str()))
                .map(|s| s.country.code)
                .collect()
        })
    }

    /// Whether the directory is split by country (see [`Plan::directory_countries`]).
    pub fn directory_is_split(&self) -> bool {
        self.signed().len() > DIRECTORY_SPLIT
    }

    /// Per language, the listed statements by year and by topic.
    pub fn groups(&self) -> &Groups<'a> {
        self.groups.get_or_init(|| Groups::new(self))
    }

    /// The versions of a statement, in site language order.
    pub fn versions(&self, id: &str) -> &[(Lang, Version)] {
        self.versions.get(id).map_or(&[], Vec::as_slice)
    }

    /// Everything to render.
    pub fn jobs(&self, with_signers: bool) -> Vec<Job<'a>> {
        let corpus = self.corpus;
        let mut jobs = vec![Job::Chooser, Job::NotFound, Job::Sitemap, Job::SearchIndex];
        for lang in &corpus.site.languages {
            jobs.push(Job::Index(lang));
            jobs.push(Job::Search(lang));
            jobs.push(Job::Feeds(lang));
            for (i, page) in corpus.pages.iter().enumerate() {
                // A page at a reserved slug is an error (see `check_paths`), not a second
                // file at the address of one of the site's own.
                if page.translations.get(lang).is_some_and(|t| !is_reserved_slug(lang, &t.slug)) {
                    jobs.push(Job::Page(i, lang));
                }
            }
            jobs.push(Job::Topics(lang));
            let groups = self.groups();
            for (tag, list) in groups.topics.get(lang).into_iter().flatten() {
                jobs.extend((1..=page_count(list.len())).map(|n| Job::Topic(lang, tag, n)));
                jobs.push(Job::TopicFeeds(lang, tag));
            }
            for (year, list) in groups.years.get(lang).into_iter().flatten() {
                jobs.extend((1..=page_count(list.len())).map(|n| Job::Year(lang, *year, n)));
            }
        }
        for statement in &self.statements {
            for (lang, _) in self.versions(&statement.id) {
                jobs.push(Job::Statement(statement, lang.clone()));
            }
        }
        let countries = if with_signers { self.directory_countries() } else { None };
        for lang in corpus.site.languages.iter().filter(|_| with_signers) {
            jobs.push(Job::Directory(lang));
            jobs.extend(countries.iter().flatten().map(|code| Job::Country(lang, code)));
            for signatory in &corpus.registry.signatories {
                if self.signed().contains_key(signatory.id.as_str()) {
                    jobs.push(Job::Signer(signatory, lang));
                }
            }
        }
        jobs
    }

    /// The version of a statement in one language.
    pub fn version(&self, id: &str, lang: &Lang) -> Option<Version> {
        self.versions.get(id)?.iter().find(|(l, _)| l == lang).map(|(_, v)| v.clone())
    }

    /// The path (relative to the root) of a page job; `None` for jobs that are not pages.
    pub fn rel(&self, job: &Job<'_>) -> Option<String> {
        Some(match job {
            Job::Chooser => String::new(),
            Job::NotFound => "404.html".to_owned(),
            Job::Index(lang) => Urls::home(lang),
            Job::Page(i, lang) => Urls::page(lang, &self.corpus.pages[*i].translations[*lang].slug),
            Job::Statement(statement, lang) => Urls::statement(lang, self.version(&statement.id, lang)?.slug()),
            Job::Directory(lang) => Urls::directory(lang),
            Job::Country(lang, code) => Urls::country(lang, code),
            Job::Signer(signatory, lang) => Urls::signer(lang, &signatory.id),
            Job::Topics(lang) => Urls::topics(lang),
            Job::Topic(lang, tag, n) => Urls::paged(&Urls::topic(lang, tag), *n),
            Job::Year(lang, year, n) => Urls::paged(&Urls::year(lang, *year), *n),
            Job::Search(lang) => Urls::search(lang),
            Job::Feeds(_) | Job::Sitemap | Job::TopicFeeds(..) | Job::SearchIndex => return None,
        })
    }

    /// The language versions of a page job, in site language order (itself included).
    pub fn alternates(&self, job: &Job<'_>) -> Vec<(Lang, String)> {
        let homes = || self.corpus.site.languages.iter().map(|l| (l.clone(), Urls::home(l))).collect();
        match job {
            Job::Chooser | Job::Index(_) => homes(),
            Job::Page(i, _) => {
                self.corpus.pages[*i].translations.iter().map(|(l, t)| (l.clone(), Urls::page(l, &t.slug))).collect()
            }
            Job::Statement(statement, _) => {
                self.versions(&statement.id).iter().map(|(l, v)| (l.clone(), Urls::statement(l, v.slug()))).collect()
            }
            Job::Directory(_) => self.corpus.site.languages.iter().map(|l| (l.clone(), Urls::directory(l))).collect(),
            Job::Country(_, code) => {
                self.corpus.site.languages.iter().map(|l| (l.clone(), Urls::country(l, code))).collect()
            }
            Job::Signer(signatory, _) => {
                self.corpus.site.languages.iter().map(|l| (l.clone(), Urls::signer(l, &signatory.id))).collect()
            }
            Job::Topics(_) => self.corpus.site.languages.iter().map(|l| (l.clone(), Urls::topics(l))).collect(),
            Job::Search(_) => self.corpus.site.languages.iter().map(|l| (l.clone(), Urls::search(l))).collect(),
            // A page of a topic or a year exists in the languages whose list is that long.
            Job::Topic(_, tag, n) => self
                .corpus
                .site
                .languages
                .iter()
                .filter(|l| page_count(self.groups().topic(l, tag).len()) >= *n)
                .map(|l| (l.clone(), Urls::paged(&Urls::topic(l, tag), *n)))
                .collect(),
            Job::Year(_, year, n) => self
                .corpus
                .site
                .languages
                .iter()
                .filter(|l| page_count(self.groups().year(l, *year).len()) >= *n)
                .map(|l| (l.clone(), Urls::paged(&Urls::year(l, *year), *n)))
                .collect(),
            Job::NotFound | Job::Feeds(_) | Job::Sitemap | Job::TopicFeeds(..) | Job::SearchIndex => Vec::new(),
        }
    }

    /// When a page last changed, for the sitemap.
    pub fn lastmod(&self, job: &Job<'_>) -> Option<Timestamp> {
        match job {
            Job::Statement(statement, lang) => Some(last_change(statement, lang, &self.corpus.site.timezone)),
            Job::Index(lang) => self
                .statements
                .iter()
                .filter(|s| self.version(&s.id, lang).is_some())
                .map(|s| last_change(s, lang, &self.corpus.site.timezone))
                .max(),
            Job::Chooser => self
                .statements
                .iter()
                .map(|s| last_change(s, self.corpus.site.default_lang(), &self.corpus.site.timezone))
                .max(),
            Job::Signer(signatory, lang) => self
                .signed()
                .get(signatory.id.as_str())
                .and_then(|list| list.iter().map(|(s, _)| last_change(s, lang, &self.corpus.site.timezone)).max()),
            _ => None,
        }
    }

    /// A notice page may not take a slug that a written statement uses in that language,
    /// and a page may not take the name of a folder the site uses.
    pub fn check_paths(&self) -> Diagnostics {
        let corpus = self.corpus;
        let mut diagnostics = Diagnostics::new();
        let mut taken: HashMap<String, &str> = HashMap::default();
        let notices = self.versions.values().flatten().any(|(_, v)| matches!(v, Version::Notice { .. }));
        for statement in self.statements.iter().filter(|_| notices) {
            for (lang, version) in self.versions(&statement.id) {
                if let Version::Written { slug } = version {
                    taken.insert(Urls::statement(lang, slug), &statement.id);
                }
            }
        }
        for statement in &self.statements {
            for (lang, version) in self.versions(&statement.id) {
                if let Version::Notice { slug, original } = version
                    && let Some(other) = taken.get(&Urls::statement(lang, slug))
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
                if is_reserved_slug(lang, &t.slug) {
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

impl Version {
    /// The slug of the page that shows this version.
    pub fn slug(&self) -> &str {
        match self {
            Version::Written { slug } | Version::Notice { slug, .. } => slug,
        }
    }
}

/// The last instant a statement changed in one language: its `updated:`, its latest
/// correction (at the start of that day), or its publication.
pub fn last_change(statement: &Statement, lang: &Lang, tz: &jiff::tz::TimeZone) -> Timestamp {
    let correction = statement
        .translations
        .get(lang)
        .and_then(|t| t.corrections.iter().map(|c| c.date).max())
        .and_then(|d| d.to_zoned_datetime(tz.clone()).ok())
        .map(|z| z.timestamp());
    [Some(statement.date), statement.updated, correction].into_iter().flatten().max().unwrap_or(statement.date)
}
