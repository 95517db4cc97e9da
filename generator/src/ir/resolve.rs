//! The reference reader: what a local `$ref` points at, read as the type the place expects.

use openapiv3::Schema;
use serde::de::DeserializeOwned;

use super::findings::Findings;
use crate::load::Spec;
use crate::pointer;

/// Reads the targets of local references in one document.
#[derive(Clone, Copy)]
pub struct Resolver<'a> {
    spec: &'a Spec,
}

impl<'a> Resolver<'a> {
    /// A reader of `spec`'s references.
    pub fn new(spec: &'a Spec) -> Self {
        Resolver { spec }
    }

    /// The spec the references are read in.
    pub fn spec(&self) -> &'a Spec {
        self.spec
    }

    /// What a local reference points at, read as a `T`, with its pointer; a finding at `at` saying
    /// `` `reference` {what} `` when it is not a `T`.
    pub fn deref<T: DeserializeOwned>(
        &self,
        reference: &str,
        at: &str,
        what: &str,
        findings: &mut Findings,
    ) -> Option<(T, String)> {
        let mut target = pointer::ref_pointer(reference)?;
        let mut value = self.spec.value.pointer(&target)?;
        // A reference to a reference (a component that only names another) reads the last one.
        for _ in 0..crate::check::MAX_REF_CHAIN {
            let Some(next) = value.get("$ref").and_then(serde_json::Value::as_str) else {
                break;
            };
            target = pointer::ref_pointer(next)?;
            value = self.spec.value.pointer(&target)?;
        }
        match serde_json::from_value::<T>(value.clone()) {
            Ok(t) => Some((t, target)),
            Err(e) => {
                findings.unsupported(at, format!("`{reference}` {what}: {e}"));
                None
            }
        }
    }

    /// The schema a local reference points at, with its pointer.
    pub fn schema(
        &self,
        reference: &str,
        at: &str,
        findings: &mut Findings,
    ) -> Option<(Schema, String)> {
        self.deref(reference, at, "is not a schema", findings)
    }
}

/// The component schema key a reference names (`#/components/schemas/Pet` is `Pet`), unescaped.
pub fn component_key(reference: &str) -> Option<String> {
    let target = pointer::ref_pointer(reference)?;
    let key = target.strip_prefix("/components/schemas/")?;
    if key.contains('/') {
        return None;
    }
    Some(key.replace("~1", "/").replace("~0", "~"))
}
