//! Rows that pages list again and again (a signer on statement pages, a statement in
//! listings), made once per language and written by the theme's partial templates once.

use std::sync::OnceLock;

use tera::Context;

use super::{Renderer, statement};
use crate::error::Diagnostic;
use crate::hash::HashMap;
use crate::model::{Lang, Signatory};
use crate::render::data;

/// Each signatory's rank in the reader's alphabet (ties broken by id), and its row.
pub(super) type SignerRows<'a> = (HashMap<&'a str, u32>, HashMap<&'a str, SignerRow>);

/// A signer as every statement it signed shows it: its row on the page, and its share of
/// the data files, written when first needed.
pub(super) struct SignerRow {
    /// Its row on statement pages.
    pub(super) row: Row,
    /// Its share of the data files.
    pub(super) data: OnceLock<data::SignerData>,
}

/// A row that pages list again and again, and its HTML, written by a partial template of
/// the theme the first time a page needs it: a loop in a page template then only copies
/// each row's `html`.
pub(super) struct Row {
    /// The row's values, without `html`.
    pub(super) values: tera::Value,
    /// The values with `html`, once written.
    done: OnceLock<Result<tera::Value, Diagnostic>>,
}

impl Row {
    fn new(values: tera::Value) -> Self {
        Self { values, done: OnceLock::new() }
    }
}

/// How a partial template shows a row: its name, and the row's name in it.
#[derive(Clone, Copy)]
pub(super) struct Partial {
    template: &'static str,
    name: &'static str,
}

/// One signer on a statement page.
pub(super) const SIGNER_ROW: Partial = Partial { template: "partials/signer.html", name: "signer" };
/// One statement on a signer's page.
pub(super) const SIGNED_ROW: Partial = Partial { template: "partials/signed.html", name: "statement" };

/// See [`Renderer::rows`]. Rows are template values, so a page shares them rather than
/// building its own copies.
#[derive(Default)]
pub(super) struct Rows<'a> {
    /// Each signatory's place in the reader's alphabet, and its row on statement pages.
    signers: OnceLock<SignerRows<'a>>,
    /// Each statement's row in listings: the index prints its values, a signer's page its
    /// `html`.
    listing: OnceLock<HashMap<&'a str, Row>>,
}

impl<'a> Renderer<'a> {
    /// Each signatory's rank in the reader's alphabet (ties broken by id), and its row.
    pub(super) fn signer_rows(&self, lang: &Lang) -> &SignerRows<'a> {
        self.rows[lang].signers.get_or_init(|| {
            let order = &self.orders[lang];
            let mut sorted: Vec<&'a Signatory> = self.corpus.registry.signatories.iter().map(AsRef::as_ref).collect();
            sorted.sort_by(|a, b| order.compare(a.name.get(lang), b.name.get(lang)).then_with(|| a.id.cmp(&b.id)));
            let rank = sorted.iter().zip(0..).map(|(s, i)| (s.id.as_str(), i)).collect();
            let row = sorted
                .iter()
                .map(|s| {
                    let row = Row::new(statement::signer_row(s, lang));
                    (s.id.as_str(), SignerRow { row, data: OnceLock::new() })
                })
                .collect();
            (rank, row)
        })
    }

    /// Each public statement's row in the listings of `lang`.
    pub(super) fn listing_rows(&self, lang: &Lang) -> &HashMap<&'a str, Row> {
        self.rows[lang].listing.get_or_init(|| {
            self.plan
                .statements
                .iter()
                .filter_map(|s| Some((s.id.as_str(), Row::new(self.listing(s, lang)?))))
                .collect()
        })
    }

    /// `row` with its `html`; with `since` (when a signer joined a statement), a row of its
    /// own. `page` is the page being rendered, for errors.
    pub(super) fn row_html(
        &self,
        partial: Partial,
        row: &Row,
        since: Option<String>,
        lang: &Lang,
        page: &str,
    ) -> Result<tera::Value, Diagnostic> {
        let write = |values: &tera::Value| -> Result<tera::Value, Diagnostic> {
            let mut context = Context::new();
            context.insert("lang", lang.as_str());
            context.insert("dir", lang.dir());
            context.insert_value("t", self.shared_values[lang].0.clone());
            context.insert_value(partial.name, values.clone());
            if let Some(old) = self.theme.legacy_name(partial.template) {
                context.insert_value(old, values.clone());
            }
            let mut html = Vec::with_capacity(512);
            self.theme
                .tera
                .render_to(partial.template, &context, &mut html)
                .map_err(|e| self.template_error(partial.template, &e, page))?;
            // The partial's own last line break is not part of the row.
            if html.last() == Some(&b'\n') {
                html.pop();
            }
            let html = String::from_utf8(html).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            Ok(with_key(values, "html", html))
        };
        match since {
            Some(since) => write(&with_key(&row.values, "since", since)),
            None => row.done.get_or_init(|| write(&row.values)).clone(),
        }
    }
}

/// `row` with `key` set to `value`: rows are shared, so this copies the row's map.
pub(super) fn with_key(row: &tera::Value, key: &'static str, value: impl Into<tera::Value>) -> tera::Value {
    // The key goes first: Tera looks a key up in a small map by going through it in order,
    // and a page reads the `html` of every row.
    let rest = row.as_map().into_iter().flatten().filter(|(k, _)| k.as_str() != Some(key));
    let mut map = tera::Map::with_capacity(rest.size_hint().1.unwrap_or_default() + 1);
    map.insert(key.into(), value.into());
    map.extend(rest.map(|(k, v)| (k.clone(), v.clone())));
    tera::Value::from(map)
}
