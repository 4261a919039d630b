//! The `signatories:` list of statement.yaml, looked up in the registry.

use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::error::{Diagnostic, SourceLocation};
use crate::hash::HashSet;
use crate::model::{Registry, Signer};
use crate::parse::values::parse_date;
use crate::yaml::{closest, from_yaml, location_of};

/// A signer reference: an id, or an id with the day it joined.
#[derive(Debug)]
pub(super) enum RawSigner {
    /// Signed at publication.
    Id(String),
    /// Signed later.
    Late(RawLateSigner),
}

/// Read by its shape, a string or a map (`#[serde(untagged)]` would buffer every entry of
/// every list first, and say only that no variant matched).
impl<'de> Deserialize<'de> for RawSigner {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Shape;
        impl<'de> serde::de::Visitor<'de> for Shape {
            type Value = RawSigner;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a signatory id, or `{ id, since }`")
            }
            fn visit_str<E: serde::de::Error>(self, id: &str) -> Result<RawSigner, E> {
                Ok(RawSigner::Id(id.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawSigner, A::Error> {
                RawLateSigner::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(RawSigner::Late)
            }
        }
        deserializer.deserialize_any(Shape)
    }
}

/// `{ id, since }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLateSigner {
    /// Registry id.
    id: String,
    /// Day the signature was added.
    since: String,
}

/// Looks every signer up in the registry; unknown and repeated ids are errors, at the
/// entry's place in `text` (the statement.yaml at `path`).
pub(super) fn resolve_signers(
    path: &Path,
    text: &str,
    raw: &[RawSigner],
    registry: &Registry,
    out: &mut Vec<Diagnostic>,
) -> Vec<Signer> {
    let mut seen = HashSet::with_capacity_and_hasher(raw.len(), Default::default());
    let mut signers = Vec::with_capacity(raw.len());
    let locations = std::cell::OnceCell::new();
    for (i, entry) in raw.iter().enumerate() {
        let at = || {
            let locations = locations.get_or_init(|| signer_locations(path, text));
            locations.get(i).cloned().unwrap_or_else(|| SourceLocation::file(path))
        };
        let (id, since) = match entry {
            RawSigner::Id(id) => (id.trim(), None),
            RawSigner::Late(late) => match parse_date(&late.since) {
                Ok(date) => (late.id.trim(), Some(date)),
                Err(r) => {
                    out.push(r.at(at()));
                    continue;
                }
            },
        };
        if !seen.insert(id) {
            out.push(
                Diagnostic::error(at(), format!("the signatory `{id}` is listed twice"))
                    .with_hint("remove the repeated line"),
            );
            continue;
        }
        match registry.get(id) {
            Some(signatory) => signers.push(Signer { signatory: signatory.clone(), since }),
            // The registry's own errors say what is wrong with this signer.
            None if registry.unreadable || registry.rejected.contains(id) => {}
            None => {
                let ids: Vec<&str> = registry.signatories.iter().map(|s| s.id.as_str()).collect();
                let hint = match closest(id, &ids) {
                    Some(c) => format!("did you mean `{c}`? Otherwise add `{id}` to signatories.yaml"),
                    None => format!("add an entry with `id: {id}` to signatories.yaml"),
                };
                out.push(Diagnostic::error(at(), format!("unknown signatory `{id}`")).with_hint(hint));
            }
        }
    }
    signers
}

/// Where each entry of `signatories:` is in statement.yaml, read again with places, which
/// only a wrong entry needs.
fn signer_locations(path: &Path, text: &str) -> Vec<SourceLocation> {
    #[derive(Deserialize)]
    struct Places {
        #[serde(default)]
        signatories: Vec<Spanned<serde::de::IgnoredAny>>,
    }
    from_yaml::<Places>(path, text, 1)
        .map(|p| p.signatories.iter().map(|entry| location_of(path, entry, 1)).collect())
        .unwrap_or_default()
}
