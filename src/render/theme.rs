//! The theme: templates, UI strings and static files, embedded with overrides from disk.
//!
//! The default theme is compiled into the binary by `build.rs`. A site overrides any of its
//! files, one at a time, by putting a file at the same path under `themes/<theme>/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use tera::Tera;

use super::card::{Fonts, theme_colors};
use super::i18n::I18n;
use crate::error::{Diagnostic, Diagnostics, SourceLocation};
use crate::load::{BinaryFile, Content, SourceTree, decode_text};
use crate::model::{Lang, SiteConfig};

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// The templates every theme must provide.
pub const TEMPLATES: [&str; 16] = [
    "base.html",
    "statement.html",
    "index.html",
    "page.html",
    "chooser.html",
    "notice.html",
    "404.html",
    "directory.html",
    "signer.html",
    "topics.html",
    "topic.html",
    "year.html",
    "search.html",
    "partials/signer.html",
    "partials/signed.html",
    "card.svg",
];

/// A theme ready to render.
pub struct Theme {
    /// Compiled templates, named by their path under `templates/`.
    pub tera: Tera,
    /// UI strings per site language.
    pub i18n: BTreeMap<Lang, I18n>,
    /// Files under `static/`, copied to the output root (`rel` relative to `static/`).
    pub static_files: Vec<BinaryFile>,
    /// The fonts of the share cards (`fonts/`).
    pub fonts: Fonts,
    /// The colours of the share cards, from `static/style.css` (see [`theme_colors`]).
    pub colors: BTreeMap<String, String>,
    /// Where each template came from, by template name, for messages.
    paths: BTreeMap<String, PathBuf>,
    /// The text of each template of the site's own (overriding the default's).
    own_texts: BTreeMap<String, String>,
    /// Partials of the site's theme that still use a row's old name (see [`LEGACY_NAMES`]).
    legacy: Vec<(&'static str, &'static str)>,
    /// What the theme should change, though it works as it is.
    pub warnings: Diagnostics,
}

/// The names partials gave their row before they had real ones: partial, old name, new
/// name. The old names keep working for one release, with a warning.
const LEGACY_NAMES: [(&str, &str, &str); 2] =
    [("partials/signer.html", "o", "signer"), ("partials/signed.html", "s", "statement")];

impl Theme {
    /// The row's old name in `partial`, if the theme's version of it still uses it.
    pub fn legacy_name(&self, partial: &str) -> Option<&'static str> {
        self.legacy.iter().find(|(p, _)| *p == partial).map(|(_, old)| *old)
    }

    /// The text of a template, if the site overrides it (for locating what its output
    /// lacks: see [`card`](super::card)).
    pub fn own_template(&self, template: &str) -> Option<&str> {
        self.own_texts.get(template).map(String::as_str)
    }

    /// The file a template came from (the override on disk, or the built-in default).
    pub fn path_of(&self, template: &str) -> PathBuf {
        self.paths.get(template).cloned().unwrap_or_else(|| PathBuf::from(template))
    }
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme").field("languages", &self.i18n.keys()).finish_non_exhaustive()
    }
}

/// One file of the theme and where it came from (for messages).
struct ThemeFile {
    bytes: Vec<u8>,
    /// The file on disk that overrides the default, or the default's path in the repository.
    shown_as: PathBuf,
}

/// The languages the default theme has UI strings for: `ar`, `en`, …
pub fn built_in_languages() -> Vec<&'static str> {
    DEFAULT_THEME.iter().filter_map(|(rel, _)| rel.strip_prefix("i18n/")?.strip_suffix(".yaml")).collect()
}

/// Builds the theme the site asks for; every problem is reported.
pub fn load_theme(tree: &SourceTree, site: &SiteConfig) -> Result<Theme, Diagnostics> {
    let mut files: BTreeMap<String, ThemeFile> = DEFAULT_THEME
        .iter()
        .map(|(rel, bytes)| {
            let shown_as = PathBuf::from(format!("<built-in>/themes/default/{rel}"));
            ((*rel).to_owned(), ThemeFile { bytes: bytes.to_vec(), shown_as })
        })
        .collect();
    let prefix = format!("{}/", site.theme);
    for file in &tree.theme_files {
        if let Some(rel) = file.rel.strip_prefix(&prefix) {
            // A theme's files are always read (see `load`); a large one is read now.
            let bytes = file.read().unwrap_or_default();
            files.insert(rel.to_owned(), ThemeFile { bytes, shown_as: file.path.clone() });
        }
    }

    let mut diagnostics = Diagnostics::new();
    let tera = compile_templates(&files, &mut diagnostics);
    let mut i18n = BTreeMap::new();
    let mut texts = BTreeMap::new();
    for lang in &site.languages {
        // `pt-br` takes the site's or the built-in `pt-br.yaml`, else `pt.yaml`.
        let Some(file) = lang.fallbacks().find_map(|tag| files.get(&format!("i18n/{tag}.yaml"))) else {
            let rel = format!("i18n/{lang}.yaml");
            diagnostics.push(
                Diagnostic::error(
                    SourceLocation::file(tree.root.join("themes").join(&site.theme).join(&rel)),
                    format!("the theme has no UI strings for `{lang}`"),
                )
                .with_hint(format!(
                    "create themes/{}/{rel}: copy the built-in English strings (themes/default/i18n/en.yaml \
                     in undersigned's source) and translate them; built in: {}",
                    site.theme,
                    built_in_languages().join(", ")
                )),
            );
            continue;
        };
        match decode_text(&file.shown_as, file.bytes.clone())
            .and_then(|text| I18n::parse_for(&file.shown_as, &text, lang).map(|i| (i, text)))
        {
            Ok((strings, _)) => {
                texts.insert(lang.clone(), file.shown_as.clone());
                i18n.insert(lang.clone(), strings);
            }
            Err(d) => diagnostics.push(d),
        }
    }
    check_same_keys(&i18n, &texts, &site.languages, &mut diagnostics);

    let static_files = files
        .iter()
        .filter_map(|(rel, f)| {
            let rel = rel.strip_prefix("static/")?.to_owned();
            Some(BinaryFile { rel, path: f.shown_as.clone(), content: Content::Bytes(f.bytes.clone()) })
        })
        .collect();
    let paths = files
        .iter()
        .filter_map(|(rel, f)| rel.strip_prefix("templates/").map(|name| (name.to_owned(), f.shown_as.clone())))
        .collect();
    let own_texts = files
        .iter()
        .filter(|(_, f)| !f.shown_as.starts_with("<built-in>"))
        .filter_map(|(rel, f)| {
            Some((rel.strip_prefix("templates/")?.to_owned(), String::from_utf8(f.bytes.clone()).ok()?))
        })
        .collect();
    let colors =
        theme_colors(files.get("static/style.css").and_then(|f| std::str::from_utf8(&f.bytes).ok()).unwrap_or(""));
    let font_files = files
        .iter()
        .filter(|(rel, _)| {
            rel.starts_with("fonts/") && [".ttf", ".otf"].iter().any(|ext| rel.to_ascii_lowercase().ends_with(ext))
        })
        .map(|(_, f)| (f.shown_as.clone(), f.bytes.clone()))
        .collect();
    let fonts = Fonts::new(font_files).map_err(|d| diagnostics.extend(d)).ok();
    match (tera, fonts) {
        (Some(tera), Some(fonts)) if !diagnostics.has_errors() => {
            let (legacy, warnings) = legacy_names(&tera, &paths);
            Ok(Theme { tera, i18n, static_files, fonts, colors, paths, own_texts, legacy, warnings })
        }
        _ => Err(diagnostics),
    }
}

/// The partials that use a row's old name, and a warning for each.
fn legacy_names(tera: &Tera, paths: &BTreeMap<String, PathBuf>) -> (Vec<(&'static str, &'static str)>, Diagnostics) {
    let mut legacy = Vec::new();
    let mut warnings = Diagnostics::new();
    for (partial, old, new) in LEGACY_NAMES {
        let uses_old = tera.get_template_variables(partial).is_ok_and(|vars| vars.contains(old));
        if uses_old {
            legacy.push((partial, old));
            let at = SourceLocation::file(paths.get(partial).cloned().unwrap_or_default());
            warnings.push(
                Diagnostic::warning(at, format!("`{old}` is now called `{new}` in {partial}"))
                    .with_hint(format!("write `{new}.` for `{old}.`: `{old}` will stop working in the next release")),
            );
        }
    }
    (legacy, warnings)
}

fn compile_templates(files: &BTreeMap<String, ThemeFile>, diagnostics: &mut Diagnostics) -> Option<Tera> {
    let mut sources = Vec::new();
    for (rel, file) in files {
        let Some(name) = rel.strip_prefix("templates/") else { continue };
        match decode_text(&file.shown_as, file.bytes.clone()) {
            Ok(text) => sources.push((name.to_owned(), text, file.shown_as.clone())),
            Err(d) => diagnostics.push(d),
        }
    }
    // Each template alone first, so every syntax error of the theme is reported at once.
    let mut ok = true;
    for (name, text, shown_as) in &sources {
        let mut alone = Tera::new();
        if let Err(e) = alone.add_raw_template(name, text)
            && let tera::ErrorKind::SyntaxError(report) = e.kind()
        {
            let span = report.span();
            let at = SourceLocation::new(shown_as, span.start_line.max(1), span.start_col + 1);
            diagnostics.push(Diagnostic::error(at, format!("template syntax: {}", report.message())));
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let mut tera = Tera::new();
    // The share card's SVG too: a title with `&` or `<` must stay text.
    tera.autoescape_on([".html", ".xml", ".svg"]);
    tera.register_filter("safe", safe);
    if let Err(e) = tera.add_raw_templates(sources.iter().map(|(n, t, _)| (n.as_str(), t.as_str()))) {
        diagnostics.extend(linking_errors(&e.to_string(), &sources));
        return None;
    }
    for required in TEMPLATES {
        if !tera.get_template_names().any(|n| n == required) {
            diagnostics.push(Diagnostic::error(
                SourceLocation::file(format!("themes/templates/{required}")),
                format!("the theme has no template `{required}`"),
            ));
        }
    }
    Some(tera)
}

/// The errors of templates that parse but do not fit together (an unknown filter, a block
/// no parent has, a missing parent). Tera reports each as `error: message` followed by
/// ` --> name:line:col` and a snippet; a report without that line is placed at the first
/// template that mentions its culprit (`no_such_filter`, a parent's name).
fn linking_errors(report: &str, sources: &[(String, String, PathBuf)]) -> Vec<Diagnostic> {
    let path_of = |name: &str| sources.iter().find(|(n, _, _)| n == name).map(|(_, _, path)| path);
    let mut found = Vec::new();
    for chunk in report.split("\n\n").filter(|c| !c.trim().is_empty()) {
        let mut lines = chunk.lines();
        let Some(first) = lines.next() else { continue };
        let message = first.trim().trim_start_matches("error: ");
        let pointed = lines.find_map(|l| l.trim_start().strip_prefix("--> ")).and_then(|place| {
            let mut parts = place.rsplitn(3, ':');
            let (col, line, name) = (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, parts.next()?);
            Some(SourceLocation::new(path_of(name)?, line, col))
        });
        let at = pointed.unwrap_or_else(|| {
            let culprit = message.split(['`', '\'']).nth(1).filter(|c| !c.is_empty());
            culprit
                .and_then(|c| {
                    sources
                        .iter()
                        .find_map(|(_, text, path)| text.find(c).map(|i| SourceLocation::at_offset(path, text, i, 1)))
                })
                .or_else(|| sources.first().map(|(_, _, p)| SourceLocation::file(p)))
                .unwrap_or_else(|| SourceLocation::file("themes"))
        });
        found.push(Diagnostic::error(at, format!("template: {message}")));
    }
    found
}

/// Tera's `safe`, without its copy: a string is marked safe where it is (Tera's own copies
/// it into a new string, and pages print hundreds of rows and bodies through it).
fn safe(value: tera::Value, _: tera::Kwargs, _: &tera::State) -> tera::Value {
    match value.as_str() {
        Some(_) => value.mark_safe(),
        None => tera::Value::safe_string(&value.to_string()),
    }
}

/// Every language must have every key that any language has (of the `language_xx` names,
/// only those of the site's languages: a site's own strings from before the built-in
/// French need not name French).
fn check_same_keys(
    i18n: &BTreeMap<Lang, I18n>,
    paths: &BTreeMap<Lang, PathBuf>,
    languages: &[Lang],
    diagnostics: &mut Diagnostics,
) {
    let needed = |key: &&str| match key.strip_prefix("language_") {
        Some(tag) if *key != "language_name" => languages.iter().any(|l| l.fallbacks().any(|t| t == tag)),
        _ => true,
    };
    let all: BTreeSet<&str> = i18n.values().flat_map(I18n::keys).filter(needed).collect();
    for (lang, strings) in i18n {
        let have: BTreeSet<&str> = strings.keys().collect();
        let missing: Vec<&str> = all.difference(&have).copied().collect();
        if !missing.is_empty() {
            let other =
                i18n.iter().find(|(l, s)| *l != lang && s.keys().any(|k| k == missing[0])).map(|(l, _)| l.to_string());
            diagnostics.push(
                Diagnostic::error(
                    SourceLocation::file(&paths[lang]),
                    format!(
                        "the UI strings for `{lang}` lack {}",
                        missing.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                    ),
                )
                .with_hint(format!("add them, translated from i18n/{}.yaml", other.unwrap_or_default())),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_safe_filter_prints_what_teras_prints() {
        let template = "{{ s | safe }} {{ n | safe }} {{ s }} {{ m | safe }}";
        let mut context = tera::Context::new();
        context.insert("s", "<b>&amp;</b>");
        context.insert("n", &3.5);
        context.insert("m", &BTreeMap::from([("a", 1)]));
        let render = |ours: bool| {
            let mut tera = Tera::new();
            tera.autoescape_on([".html"]);
            if ours {
                tera.register_filter("safe", safe);
            }
            tera.add_raw_template("t.html", template).unwrap();
            tera.render("t.html", &context).unwrap()
        };
        assert_eq!(render(true), render(false));
        assert!(render(true).starts_with("<b>&amp;</b> 3.5 &lt;b&gt;"), "{}", render(true));
    }
}
