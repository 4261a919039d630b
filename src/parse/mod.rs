//! [`SourceTree`] → [`Corpus`]: typed, cross-checked, or every diagnostic at once.
//!
//! Site settings come first (everything depends on the languages and time zone), then the
//! registry, then every statement and page folder in parallel; checks that span folders
//! (slugs unique per language) run last.

pub mod content;
pub mod front_matter;
pub mod registry;
mod signer_list;
pub mod site;
pub mod values;

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::{Diagnostic, Diagnostics, SourceLocation};
use crate::hash::HashMap;
use crate::load::{ContentDir, REGISTRY_FILE, SITE_FILE, SourceTree};
use crate::model::{Corpus, Lang, Registry, SiteConfig, Statement, Translation};

/// Parses and cross-checks the whole site.
pub fn parse(tree: &SourceTree) -> Result<Corpus, Diagnostics> {
    parse_with(tree, |site, registry| tree.statements.par_iter().map(|dir| parse_one(dir, site, registry)).collect())
}

/// Parses the site as [`parse`] does, then drops the text and files of every content
/// folder: a build keeps the parsed site, not its sources too (statements' assets are
/// copied into it). A statement folder's are dropped as soon as it is parsed, on the
/// thread that parsed it. The folders' paths stay in `tree`.
pub fn parse_and_forget(tree: &mut SourceTree) -> Result<Corpus, Diagnostics> {
    let mut dirs = std::mem::take(&mut tree.statements);
    let corpus = parse_with(tree, |site, registry| {
        dirs.par_iter_mut()
            .map(|dir| {
                let parsed = parse_one(dir, site, registry);
                dir.forget_content();
                parsed
            })
            .collect()
    });
    tree.statements = dirs;
    tree.pages.iter_mut().for_each(ContentDir::forget_content);
    corpus
}

/// A statement folder parsed, with its diagnostics.
type Parsed = (Option<Statement>, Vec<Diagnostic>);

fn parse_one(dir: &ContentDir, site: &SiteConfig, registry: &Registry) -> Parsed {
    let mut out = Vec::new();
    let statement = content::parse_statement(dir, site, registry, &mut out);
    (statement, out)
}

/// Parses the site, its statement folders by `statements`.
fn parse_with(
    tree: &SourceTree,
    statements: impl FnOnce(&SiteConfig, &Registry) -> Vec<Parsed>,
) -> Result<Corpus, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    diagnostics.extend(tree.problems.iter().cloned());

    let Some(site_file) = &tree.site else {
        diagnostics.push(
            Diagnostic::error(SourceLocation::file(tree.root.join(SITE_FILE)), "there is no site.yaml in this folder")
                .with_hint(
                    "run the command in the site's folder, pass --root, or create a site with `undersigned init`",
                ),
        );
        return Err(diagnostics);
    };
    let Some(site) = site::parse_site(&site_file.path, &site_file.text, &mut diagnostics) else {
        return Err(diagnostics);
    };
    let registry = match &tree.registry {
        Some(file) => registry::parse_registry(&file.path, &file.text, &site.languages, &mut diagnostics),
        None => {
            if !tree.statements.is_empty() {
                diagnostics.push(
                    Diagnostic::warning(
                        SourceLocation::file(tree.root.join(REGISTRY_FILE)),
                        "there is no signatories.yaml",
                    )
                    .with_hint("list every signer once in signatories.yaml and refer to them by id"),
                );
            }
            Registry::default()
        }
    };

    let statements = statements(&site, &registry);
    let pages: Vec<_> = tree
        .pages
        .par_iter()
        .map(|dir| {
            let mut out = Vec::new();
            let page = content::parse_page(dir, &site, &mut out);
            (page, out)
        })
        .collect();

    let mut corpus_statements = Vec::new();
    for (statement, out) in statements {
        diagnostics.extend(out);
        corpus_statements.extend(statement.map(Arc::new));
    }
    let mut corpus_pages = Vec::new();
    for (page, out) in pages {
        diagnostics.extend(out);
        corpus_pages.extend(page);
    }

    check_unique_slugs(corpus_statements.iter().map(|s| &s.translations), &mut diagnostics);
    check_unique_slugs(corpus_pages.iter().map(|p| &p.translations), &mut diagnostics);

    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    // Newest first; the id breaks ties so the order never depends on the file system.
    corpus_statements.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    Ok(Corpus {
        site,
        registry,
        statements: corpus_statements,
        pages: corpus_pages,
        static_files: tree.static_files.clone(),
        warnings: diagnostics,
    })
}

/// Parses one statement folder again and puts it in place of the old one (or removes it,
/// when `dir` is `None`), checking slugs across the whole corpus: `serve`'s fast path.
pub fn reparse_statement(
    corpus: &Corpus,
    name: &str,
    dir: Option<&ContentDir>,
    problems: Vec<Diagnostic>,
) -> Result<Corpus, Diagnostics> {
    let mut diagnostics: Diagnostics = problems.into_iter().collect();
    let mut out = Vec::new();
    let statement = dir.and_then(|dir| content::parse_statement(dir, &corpus.site, &corpus.registry, &mut out));
    diagnostics.extend(out);
    let mut next = corpus.clone();
    next.statements.retain(|s| s.id != name);
    next.statements.extend(statement.map(Arc::new));
    check_unique_slugs(next.statements.iter().map(|s| &s.translations), &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    next.statements.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    // Warnings about this folder are replaced by the new ones.
    let folder = std::path::Path::new("content/statements").join(name);
    next.warnings = corpus.warnings.iter().filter(|d| !contains(&d.location.path, &folder)).cloned().collect();
    next.warnings.extend(diagnostics);
    Ok(next)
}

/// Whether `path` has `folder` as a run of its components (wherever the root is).
fn contains(path: &std::path::Path, folder: &std::path::Path) -> bool {
    let parts: Vec<_> = path.components().collect();
    let wanted: Vec<_> = folder.components().collect();
    parts.windows(wanted.len()).any(|w| w == wanted.as_slice())
}

/// Two folders may not publish the same slug in one language.
fn check_unique_slugs<'a>(items: impl Iterator<Item = &'a BTreeMap<Lang, Translation>>, diagnostics: &mut Diagnostics) {
    let mut seen: HashMap<(&Lang, &str), &SourceLocation> = HashMap::default();
    for translations in items {
        for (lang, t) in translations {
            if let Some(first) = seen.insert((lang, t.slug.as_str()), &t.slug_location) {
                diagnostics.push(
                    Diagnostic::error(
                        t.slug_location.clone(),
                        format!("the slug `{}` is already used in {lang} by {}", t.slug, first.path.display()),
                    )
                    .with_hint("give one of them another `slug:` in its front matter"),
                );
            }
        }
    }
}
