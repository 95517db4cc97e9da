//! `unresolved-ref` and `component-unused`.
//!
//! A component is used when it can be reached by following `$ref`s (and, for security schemes, security
//! requirements) from anywhere outside `components`, extensions such as `x-webhooks` included.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::walk::entries;
use crate::diagnostic::{Diagnostic, Rule};
use crate::load::Spec;
use crate::pointer::{self, push};
use crate::METHODS;

/// The kinds of component, each a map under `components`.
const KINDS: [&str; 9] = [
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];

/// Reports unresolved references and unused components; returns whether every reference resolved.
pub(super) fn check(spec: &Spec, out: &mut Vec<Diagnostic>) -> bool {
    let mut refs = Vec::new();
    collect_refs(&spec.value, "", &mut refs);
    let resolved = report_unresolved(spec, &refs, out);
    unused_components(spec, &refs, out);
    resolved
}

/// Reports every `$ref` that is not local or points at nothing; returns whether all resolved.
pub(crate) fn unresolved(spec: &Spec, out: &mut Vec<Diagnostic>) -> bool {
    let mut refs = Vec::new();
    collect_refs(&spec.value, "", &mut refs);
    report_unresolved(spec, &refs, out)
}

fn report_unresolved(
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
fn collect_refs(v: &Value, at: &str, out: &mut Vec<(String, Option<String>)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let child_at = push(at, k);
                // Under `properties`, `$ref` names a property (Kubernetes' JSONSchemaProps has one).
                if k == "$ref" && !at.ends_with("/properties") {
                    out.push((child_at, child.as_str().map(str::to_owned)));
                } else if !is_data(at, k) {
                    collect_refs(child, &child_at, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect_refs(child, &pointer::push_index(at, i), out);
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

fn unused_components(spec: &Spec, refs: &[(String, Option<String>)], out: &mut Vec<Diagnostic>) {
    let components = spec.value.get("components");
    // Every component, by pointer.
    let mut all = BTreeSet::new();
    for kind in KINDS {
        for (name, _) in entries(components.and_then(|c| c.get(kind))) {
            all.insert(push(&push("/components", kind), name));
        }
    }
    // The component a pointer lies in, if any.
    let owner = |p: &str| -> Option<String> {
        let rest = p.strip_prefix("/components/")?;
        let mut parts = rest.splitn(3, '/');
        let (kind, name) = (parts.next()?, parts.next()?);
        Some(format!("/components/{kind}/{name}"))
    };
    // Edges: owner (None = outside components) -> referenced component.
    let mut edges: BTreeMap<Option<String>, BTreeSet<String>> = BTreeMap::new();
    for (at, target) in refs {
        if let Some(t) = target.as_deref().and_then(pointer::ref_pointer) {
            if let Some(component) = owner(&t).filter(|c| all.contains(c)) {
                edges.entry(owner(at)).or_default().insert(component);
            }
        }
    }
    for (at, scheme) in security_requirements(&spec.value) {
        let component = push("/components/securitySchemes", &scheme);
        edges.entry(owner(&at)).or_default().insert(component);
    }
    let mut used = BTreeSet::new();
    let mut queue: Vec<String> = edges.get(&None).into_iter().flatten().cloned().collect();
    while let Some(c) = queue.pop() {
        if used.insert(c.clone()) {
            queue.extend(edges.get(&Some(c)).into_iter().flatten().cloned());
        }
    }
    for c in all.difference(&used) {
        out.push(spec.diagnostic(
            Rule::ComponentUnused,
            c.clone(),
            "component is never referenced from outside `components`",
        ));
    }
}

/// `(pointer of the requirement, scheme name)` of the root's and every operation's `security`.
fn security_requirements(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut add = |at: String, security: Option<&Value>| {
        let list = security.and_then(Value::as_array);
        for (i, req) in list.into_iter().flatten().enumerate() {
            for (name, _) in entries(Some(req)) {
                out.push((pointer::push_index(&at, i), name.clone()));
            }
        }
    };
    add("/security".into(), doc.get("security"));
    for root in ["paths", "x-webhooks"] {
        for (path, item) in entries(doc.get(root)) {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let at = push(&push(&push("", root), path), method);
                add(push(&at, "security"), op.get("security"));
            }
        }
    }
    out
}
