//! `unresolved-ref`: every `$ref` must be local and point at something.

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Rule};
use crate::load::Spec;
use crate::pointer::{self, push};

/// Reports every `$ref` that is not local or points at nothing; returns whether all resolved.
pub(crate) fn unresolved(spec: &Spec, out: &mut Vec<Diagnostic>) -> bool {
    let mut refs = Vec::new();
    collect(&spec.value, "", &mut refs);
    report_unresolved(spec, &refs, out)
}

pub(crate) fn report_unresolved(
    spec: &Spec,
    refs: &[(String, Option<String>)],
    out: &mut Vec<Diagnostic>,
) -> bool {
    let before = out.len();
    for (at, target) in refs {
        match target {
            Some(r) if pointer::resolve(&spec.value, r).is_some() => {}
            Some(r) if !r.starts_with('#') => out.push(spec.diagnostic(
                Rule::UnresolvedRef,
                at.clone(),
                format!(
                    "external reference `{r}` is not supported: bundle the document into one file"
                ),
            )),
            Some(r) => out.push(spec.diagnostic(
                Rule::UnresolvedRef,
                at.clone(),
                format!("`{r}` points at nothing in this document"),
            )),
            None => out.push(spec.diagnostic(
                Rule::UnresolvedRef,
                at.clone(),
                "`$ref` must be a string",
            )),
        }
    }
    out.len() == before
}

/// Collects `(pointer of the $ref member, its target)` everywhere but in data: `example`, `default` and `enum`
/// values and the `value` of an Example object may hold anything, a `$ref` key included.
pub(crate) fn collect(v: &Value, at: &str, out: &mut Vec<(String, Option<String>)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let child_at = push(at, k);
                // Under `properties`, `$ref` names a property (Kubernetes' JSONSchemaProps has one).
                if k == "$ref" && !at.ends_with("/properties") {
                    out.push((child_at, child.as_str().map(str::to_owned)));
                } else if !is_data(at, k) {
                    collect(child, &child_at, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect(child, &pointer::push_index(at, i), out);
            }
        }
        _ => {}
    }
}

/// Whether member `key` of the object at `at` is example or default data rather than OpenAPI structure.
fn is_data(at: &str, key: &str) -> bool {
    let in_properties = at.ends_with("/properties");
    match key {
        "example" | "default" | "enum" => !in_properties,
        "value" => pointer::parent(at).is_some_and(|p| p.ends_with("/examples")),
        _ => false,
    }
}
