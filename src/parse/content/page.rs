//! Plain page folders (`content/pages/<id>/`).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::error::Diagnostic;
use crate::load::ContentDir;
use crate::markdown::parse_markdown;
use crate::model::{Page, SiteConfig, Translation};
use crate::yaml::from_yaml;

use super::language_file::{check_folder_name, checked_slug, language_files, slug_location, split_language_file};

/// The front matter of a plain page's language file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPageFront {
    /// Title.
    title: Spanned<String>,
    /// URL slug in this language; defaults to the folder name.
    #[serde(default)]
    slug: Option<Spanned<String>>,
    /// A sentence for the page description.
    #[serde(default)]
    summary: Option<String>,
}

/// Parses one page folder; `None` if it has errors.
pub fn parse_page(dir: &ContentDir, site: &SiteConfig, out: &mut Vec<Diagnostic>) -> Option<Page> {
    let errors_before = out.iter().filter(|d| d.is_error()).count();
    check_folder_name(dir, &dir.path, out);
    let mut translations = BTreeMap::new();
    for file in language_files(dir, site, out) {
        let Some((lang, split)) = split_language_file(file, site, out) else { continue };
        let raw: RawPageFront = match from_yaml(&file.path, split.yaml, split.yaml_line) {
            Ok(raw) => raw,
            Err(d) => {
                out.push(d);
                continue;
            }
        };
        let slug = checked_slug(&file.path, raw.slug.as_ref(), &dir.name, split.yaml_line, out);
        let (document, notes) = parse_markdown(&file.path, split.body, split.body_line, &dir.name);
        out.extend(notes);
        translations.insert(
            lang.clone(),
            Translation {
                lang,
                title: raw.title.value,
                slug: slug.unwrap_or_default(),
                slug_location: slug_location(&file.path, raw.slug.as_ref(), split.yaml_line),
                summary: raw.summary,
                addressee: None,
                dateline: None,
                corrections: Vec::new(),
                body_hash: None,
                translated_from: None,
                document,
            },
        );
    }
    let has_errors = out.iter().filter(|d| d.is_error()).count() > errors_before;
    (!has_errors && !translations.is_empty()).then(|| Page { id: dir.name.clone(), translations })
}
