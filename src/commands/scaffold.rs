//! `undersigned new statement "Title"` and `undersigned init DIR`.

use std::path::{Path, PathBuf};

use super::{create, quoted, today};
use crate::error::{Error, Result};
use crate::markdown::slugify;

/// Creates `content/statements/<slug>/` with statement.yaml and one file per language
/// (a draft, so nothing is published by accident); returns the files made.
pub fn new_statement(root: &Path, title: &str) -> Result<Vec<PathBuf>> {
    let tree = crate::load::load(root)?;
    let corpus_site = tree
        .site
        .as_ref()
        .and_then(|f| crate::parse::site::parse_site(&f.path, &f.text, &mut crate::error::Diagnostics::new()))
        .ok_or_else(|| {
            Error::Usage(format!("{} has no valid site.yaml: run `undersigned check` to see why", root.display()))
        })?;
    let base = ascii_slug(title);
    if base.is_empty() {
        return Err(Error::Usage(format!("cannot make a folder name from the title {title:?}")));
    }
    let statements = root.join("content/statements");
    let mut slug = base.clone();
    let mut n = 1;
    while statements.join(&slug).exists() {
        n += 1;
        slug = format!("{base}-{n}");
    }
    let dir = statements.join(&slug);
    let date = today(Some(&corpus_site.timezone));
    let mut made = Vec::new();
    let yaml = format!(
        "date: {date}\n\
         draft: true          # set to false (or remove) when the statement is ready to publish\n\
         signatories: []      # ids from signatories.yaml, one per line: - an-id\n\
         tags: []\n"
    );
    create(&dir.join("statement.yaml"), &yaml)?;
    made.push(dir.join("statement.yaml"));
    for lang in &corpus_site.languages {
        let text = format!(
            "---\ntitle: {}\nsummary: \"\"\n---\nWrite the statement here. Cite sources with notes.[^source]\n\n\
             [^source]: Author, \"Title of the source\", date. Address of the source.\n",
            quoted(title)
        );
        let path = dir.join(format!("{lang}.md"));
        create(&path, &text)?;
        made.push(path);
    }
    Ok(made)
}

/// Creates a new site in `dir` (which must not exist or be empty) that builds at once.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    if dir.exists() && std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.next().is_some() {
        return Err(Error::Usage(format!(
            "{} is not empty: init makes a new site in a new or empty folder",
            dir.display()
        )));
    }
    let date = today(None);
    let files: [(&str, String); 7] = [
        // The output, the site a build keeps for the next one, and unfinished builds.
        (".gitignore", "public/\n# what a build keeps beside public/: the last site, manifests, its lock\n.public.*\n".to_owned()),
        (
            "site.yaml",
            "base_url: https://statements.example.org\n\
             languages: [en, es]\n\
             title: { en: Our Coalition, es: Nuestra Coalición }\n\
             description: { en: Joint statements of our coalition., es: Declaraciones conjuntas de nuestra coalición. }\n\
             timezone: America/Mexico_City\n\
             missing_translation: notice\n\
             press_contact: { name: Press office, email: press@example.org }\n"
                .to_owned(),
        ),
        (
            "signatories.yaml",
            "# Every organisation or person that ever signed. Ids never change.\n\
             - id: example-network\n  name: { en: Example Network, es: Red de Ejemplo }\n  kind: organization\n  country: MX\n  url: https://network.example.org\n"
                .to_owned(),
        ),
        ("content/statements/first-statement/statement.yaml", format!("date: {date}\nsignatories:\n  - example-network\ntags: []\n")),
        (
            "content/statements/first-statement/en.md",
            "---\ntitle: Our First Statement\nsummary: A first statement, to replace with your own.\n---\n\
             The undersigned organisations publish their first joint statement.[^source]\n\n\
             [^source]: Example Source, \"A report\", 2026. https://source.example.org/report\n"
                .to_owned(),
        ),
        (
            "content/statements/first-statement/es.md",
            "---\ntitle: Nuestra primera declaración\nslug: primera-declaracion\nsummary: Una primera declaración, para reemplazar por la suya.\n---\n\
             Las organizaciones abajo firmantes publican su primera declaración conjunta.[^source]\n\n\
             [^source]: Fuente de Ejemplo, \"Un informe\", 2026. https://source.example.org/report\n"
                .to_owned(),
        ),
        ("content/pages/about/en.md", "---\ntitle: About\n---\nWho we are, and how to reach our press office.\n".to_owned()),
    ];
    let mut made = Vec::new();
    for (rel, text) in files.iter() {
        create(&dir.join(rel), text)?;
        made.push(dir.join(rel));
    }
    let about_es = dir.join("content/pages/about/es.md");
    create(
        &about_es,
        "---\ntitle: Quiénes somos\nslug: quienes-somos\n---\nQuiénes somos y cómo contactar a nuestra oficina de prensa.\n",
    )?;
    made.push(about_es);
    Ok(made)
}

/// A folder name from a title: lower-case ASCII words joined by hyphens.
pub fn ascii_slug(title: &str) -> String {
    let folded = crate::parse::values::fold_accents(title);
    let slug = slugify(&folded);
    let words: Vec<&str> = slug.split('-').filter(|w| !w.is_empty()).take(8).collect();
    words.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_become_ascii_folder_names() {
        assert_eq!(ascii_slug("¿Qué pasa con la Guardia Nacional?"), "que-pasa-con-la-guardia-nacional");
        assert_eq!(
            ascii_slug("U.S. NGOs Denounce National Guard Actions in Migration Enforcement"),
            "u-s-ngos-denounce-national-guard-actions-in"
        );
        assert_eq!(ascii_slug("!!!"), "");
    }
}
