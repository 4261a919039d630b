//! The theme contract: which variables each template receives. README's theming section
//! is generated from this table, and a test checks that the default templates use no
//! variable that is not here, so the documentation cannot drift from the code.

/// Variables every page template receives.
pub const COMMON: &[(&str, &str)] = &[
    ("lang", "the page's language tag, e.g. `es`"),
    ("dir", "the writing direction of that language: `rtl` (Arabic, Hebrew, Persian, Urdu, …) or `ltr`"),
    ("t", "the UI strings of that language (`t.notes`, `t.months`, …), from `i18n/<lang>.yaml`"),
    (
        "site",
        "`title`, `description`, `root` (path of the site root), `home` (this language's index), \
         `directory` (the signer directory), `topics` (this language's index of topics), `search` (this language's \
         search page), `press_contact` (`name`, `email`, `phone`, or null), \
         `assets` (each file of the theme's `static/` by name → the address of its copy whose name carries its hash, \
         cached for a year: `site.assets[\"style.css\"]` is `/style.3f2a9c1b.css`)",
    ),
    ("nav", "the plain pages of this language: list of `title`, `url`, `current`"),
    (
        "page",
        "`kind`, `title`, `description`, `canonical`, `alternates` (list of `lang`, `dir`, `url`, `name`, \
         `current`: every language version, for hreflang links and the switcher), `x_default`, \
         `feeds` (list of `type`, `url`, `title`), `og` (`locale`, `alternate_locales`, `image`: the \
         statement's share card (`card.png?v=…`, absolute), its own `image:`, or site.yaml's; with a card also \
         `image_alt`, `image_width`, `image_height`, `image_type`; `published`, `modified`), \
         `jsonld` (JSON-LD, safe to output with `| safe`)",
    ),
];

/// Variables of each template beyond [`COMMON`].
pub const TEMPLATES: &[(&str, &[(&str, &str)])] = &[
    ("base.html", &[]),
    (
        "statement.html",
        &[(
            "statement",
            "`id`, `title`, `summary`, `addressee`, `dateline`, `date_iso`, `updated` (`iso`, \
             `display`), `body` (HTML), `notes` (list of `id`, `number`, `html` (HTML, back-links \
             included), `references`), `notes_id`, `signers_summary`, `sign_on` (`url`, `until`), \
             `topics` (list of `id`, `label`, `url`: its topic pages), `organizations` and `individuals` (lists of `id`, `kind`, `name`, `url`, `country`, \
             `country_name`, `affiliation`, `since`, and `html`: the row as \
             `partials/signer.html` writes it), `tags`, `corrections` (list of `date`, \
             `display`, `note`), `translation_of` (`lang`, `dir`, `name`), `stale` (`original_url`, \
             `original_lang`, `original_lang_name`), `banner` (preview only), `pdf_url`, \
             `csv_url`, `json_url`",
        )],
    ),
    (
        "index.html",
        &[
            (
                "statements",
                "the newest 20, newest first: list of `title`, `url`, `date_display`, `date_iso`, \
                 `summary`, `lang` (the language of the linked text), `dir` (its direction), `lang_name`",
            ),
            ("years", "the archive: every year, newest first: list of `year`, `url`, `count`, `current` (false)"),
        ],
    ),
    (
        "page.html",
        &[
            ("body", "the page's Markdown as HTML"),
            ("notes", "as `statement.notes`: list of `id`, `number`, `html` (HTML, back-links included), `references`"),
            ("notes_id", "the id of the notes heading"),
        ],
    ),
    (
        "chooser.html",
        &[("languages", "list of `lang`, `dir`, `name`, `title` (the site's title in that language), `url`")],
    ),
    (
        "notice.html",
        &[(
            "notice",
            "a statement not translated: `original_url`, `original_lang`, `original_dir`, `original_lang_name`, \
             `original_title`",
        )],
    ),
    ("404.html", &[]),
    (
        "directory.html",
        &[(
            "directory",
            "`summary`, `sections` (organisations, then individuals: list of `id`, `title`, `note`, \
             `groups`: list of countries with `country`, `country_name`, `signers` (list of `id`, \
             `name`, `url`, `statements`)); past 500 signers the directory is split by country: \
             its index has `countries` (list of `code`, `name`, `url`, `organizations`, \
             `individuals`, `signers`) and no `sections`, and each country's page (same \
             template, at `<lang>/countries/<code>/`) has `country` (`code`, `name`), its \
             `sections` and `index_url`",
        )],
    ),
    (
        "signer.html",
        &[
            (
                "signer",
                "`id`, `name`, `kind`, `country_name`, `website`, `affiliation`, `directory_url`, \
                 `feed_url` (its Atom feed: the statements it signed, newest first)",
            ),
            (
                "statements",
                "newest first: the rows of `index.html`'s `statements`, plus `since`, and `html`: \
                 the row as `partials/signed.html` writes it",
            ),
        ],
    ),
    ("topics.html", &[("topics", "in the reader's alphabet: list of `id`, `label`, `url`, `count`")]),
    (
        "topic.html",
        &[
            ("topic", "`id`, `label` (from site.yaml's `topics:`, else the id), `count`"),
            ("statements", "this page's statements, newest first: the rows of `index.html`'s `statements`"),
            (
                "pagination",
                "`current`, `total`, `prev` and `next` (URLs, or null at either end), `pages` (list of \
                 `number`, `url`, `current`)",
            ),
        ],
    ),
    (
        "year.html",
        &[
            ("year", "`year`, `count`"),
            ("years", "every year of the archive, newest first: list of `year`, `url`, `count`, `current`"),
            ("statements", "this page's statements, newest first: the rows of `index.html`'s `statements`"),
            ("pagination", "as in `topic.html`"),
        ],
    ),
    (
        "search.html",
        &[
            (
                "search",
                "`bundle` (the URL of Pagefind's `pagefind.js`), `script` (the URL of the theme's `search.js`), \
                 `results` (the plural forms of `t.count_results` as JSON, for the script), `filters` (list of \
                 `name`: `topic`, `year`, `kind` or `country`, `label`, `values`: every value the index holds \
                 in this language)",
            ),
            ("years", "every year of the archive, newest first, for readers without JavaScript: as in `year.html`"),
        ],
    ),
    (
        "partials/signer.html",
        &[(
            "signer",
            "one signer on a statement page: a row of `statement.organizations` or \
             `statement.individuals`, without `html`. A partial receives `lang`, `dir`, `t` and its row only; \
             it is rendered once per signer and language, and again for a row with `since`. \
             (Called `o` in earlier versions, which still works, with a warning, for one more release.)",
        )],
    ),
    (
        "partials/signed.html",
        &[(
            "statement",
            "one statement on a signer's page: a row of `signer.html`'s `statements`, without `html`; \
             rendered once per statement and language, and again for a row with `since`. \
             (Called `s` in earlier versions, which still works, with a warning, for one more release.)",
        )],
    ),
    (
        "card.svg",
        &[(
            "card",
            "a statement's share card, drawn into a 1200 × 630 PNG beside its page (`card.png`) with the theme's \
             fonts (`fonts/`) only; it receives `lang`, `dir`, `t` and `site`, but no `nav` or `page`. \
             `title`, `title_lines` (the title broken at spaces to fit 1024 × 290 px in the bold face: list of \
             `text`, `y`, the baseline from the box's top), `title_size` (px, 72 to 40, smaller only for a word \
             that would not fit), `date` (as the page shows it), `date_iso`, `signers` (\"Signed by 214 \
             organisations\"), `organizations`, `individuals` (counts), `colors` (the hex colours of the first \
             `:root` rule of `static/style.css` by name: `bg`, `fg`, `muted`, `rule`, `link`, …)",
        )],
    ),
];

/// The README's table of template variables.
pub fn markdown() -> String {
    let mut out = String::from("| template | variable | what it holds |\n| --- | --- | --- |\n");
    for (name, what) in COMMON {
        out.push_str(&format!("| every page | `{name}` | {what} |\n"));
    }
    for (template, variables) in TEMPLATES {
        for (name, what) in *variables {
            out.push_str(&format!("| `{template}` | `{name}` | {what} |\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variable a default template uses is documented for it.
    #[test]
    fn the_default_templates_use_only_documented_variables() {
        let mut tera = tera::Tera::new();
        let sources = crate::render::theme::DEFAULT_THEME
            .iter()
            .filter_map(|(rel, bytes)| Some((rel.strip_prefix("templates/")?, std::str::from_utf8(bytes).ok()?)));
        tera.add_raw_templates(sources).unwrap();
        for (template, variables) in TEMPLATES {
            let used = tera.get_template_variables(template).unwrap();
            for variable in used {
                let documented = COMMON.iter().chain(variables.iter()).any(|(name, _)| *name == variable);
                assert!(documented, "{template} uses `{variable}`, which the contract does not list");
            }
        }
        let names: Vec<&str> = TEMPLATES.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, crate::render::theme::TEMPLATES);
    }

    /// README's table is this module's table.
    #[test]
    fn the_readme_lists_the_variables() {
        let readme = include_str!("../../README.md");
        let table = markdown();
        assert!(
            readme.contains(&table),
            "README.md's theming section is out of date; put this table between its markers:\n{table}"
        );
    }
}
