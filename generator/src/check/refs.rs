//! `unresolved-ref`: every `$ref` must be local and point at something.

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Rule};
use crate::ir;
use crate::load::Spec;
use crate::pointer::{self, push};

/// Reports every `$ref` that is not local or points at nothing; returns whether all resolved.
pub(crate) fn unresolved(spec: &Spec, out: &mut Vec<Diagnostic>) -> bool {
    let mut refs = Vec::new();
    collect(&spec.value, "", Extensions::Opaque, &mut refs);
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

/// How the contents of vendor extensions the generator does not read as structure are searched.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extensions {
    /// Not at all: they are the extension's own data, and a `$ref` there need not resolve.
    Opaque,
    /// Like structure: what a tool reading the extension may follow.
    Searched,
}

/// Collects `(pointer of the $ref member, its target)` everywhere but in data: `example`, `default` and `enum`
/// values and the `value` of an Example object may hold anything, a `$ref` key included, and so may the
/// contents of a vendor extension the generator does not read as structure (unless `extensions` says to
/// search them).
pub(crate) fn collect(
    v: &Value,
    at: &str,
    extensions: Extensions,
    out: &mut Vec<(String, Option<String>)>,
) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let child_at = push(at, k);
                // Under `properties` (and other maps of names), a key is a name, not a keyword: `$ref` names
                // a property (Kubernetes' JSONSchemaProps has one), `x-...` a member.
                let named = at.rsplit('/').next().is_some_and(crate::convert::names_map);
                if k == "$ref" && !at.ends_with("/properties") {
                    out.push((child_at, child.as_str().map(str::to_owned)));
                } else if !is_data(at, k)
                    && (named
                        || extensions == Extensions::Searched
                        || ir::extensions::is_structure(k))
                {
                    collect(child, &child_at, extensions, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect(child, &pointer::push_index(at, i), extensions, out);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(doc: &Value) -> Vec<String> {
        let mut refs = Vec::new();
        collect(doc, "", Extensions::Opaque, &mut refs);
        refs.into_iter().map(|(at, _)| at).collect()
    }

    #[test]
    fn references_inside_vendor_extensions_are_opaque_unless_the_extension_is_structure() {
        let doc = serde_json::json!({
            "paths": {"/a": {"get": {
                "x-ms-examples": {"one": {"$ref": "./examples/one.json"}},
                "responses": {"200": {
                    "description": "ok",
                    "headers": {"x-request-id": {"$ref": "#/components/headers/Id"}}
                }}
            }}},
            "x-webhooks": {"e": {"post": {"requestBody": {"$ref": "#/components/requestBodies/E"}}}},
            "components": {"schemas": {"S": {"properties": {"x-kind": {"$ref": "#/components/schemas/K"}}}}}
        });
        assert_eq!(
            targets(&doc),
            [
                "/paths/~1a/get/responses/200/headers/x-request-id/$ref",
                "/x-webhooks/e/post/requestBody/$ref",
                "/components/schemas/S/properties/x-kind/$ref"
            ]
        );
    }
}
