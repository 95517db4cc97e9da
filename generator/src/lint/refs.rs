//! `unresolved-ref` and `component-unused`.
//!
//! A component is used when it can be reached by following `$ref`s (and, for security schemes, security
//! requirements) from anywhere outside `components`, extensions included. A `$ref` inside an extension the
//! generator does not read (`x-ms-examples`) need not resolve: its contents are the extension's own.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::walk::entries;
use crate::check;
use crate::check::refs::Extensions;
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
    check::refs::collect(&spec.value, "", Extensions::Opaque, &mut refs);
    let resolved = check::refs::report_unresolved(spec, &refs, out);
    // A component an extension refers to is used, by whatever reads the extension.
    let mut uses = Vec::new();
    check::refs::collect(&spec.value, "", Extensions::Searched, &mut uses);
    unused_components(spec, &uses, out);
    resolved
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
