//! Statement and page folders → [`Statement`](crate::model::Statement) and
//! [`Page`](crate::model::Page).
//!
//! Each folder is parsed on its own (in parallel, by the caller); what spans folders,
//! such as slugs that must be unique per language, is checked in `parse::parse`.
//! `statement.yaml` is read in `statement`, its signer list resolved in `signers`, the
//! language files of both kinds of folder in `language_file`, and pages in `page`.

mod language_file;
mod page;
mod signers;
mod statement;

pub use page::parse_page;
pub use statement::parse_statement;
