//! `pagination-invalid`: an `x-fincode-pagination` declaration names integer parameters of its operation,
//! and, in the 200 response, an array of items (and an integer total).
//!
//! The linter reads the JSON as written: the items member is looked for in the response schema and in its
//! members one level down (where an envelope keeps the result), through `$ref` and `allOf`. The IR checks the
//! declaration again against the typed result.

use serde_json::Value;

use super::walk::entries;
use crate::diagnostic::{Diagnostic, Rule};
use crate::ir::extensions::{self, PAGINATION};
use crate::load::Spec;
use crate::pointer::{self, push};
use crate::METHODS;

pub(crate) fn check(spec: &Spec, out: &mut Vec<Diagnostic>) {
    for (path, item) in entries(spec.value.get("paths")) {
        let item_at = push("/paths", path);
        let item = crate::check::resolve(spec, item);
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let Some(value) = op.get(PAGINATION) else {
                continue;
            };
            let at = push(&push(&item_at, method), PAGINATION);
            let mut finding = |member: &str, message: String| {
                let ptr = if member.is_empty() {
                    at.clone()
                } else {
                    push(&at, member)
                };
                out.push(spec.diagnostic(Rule::PaginationInvalid, ptr, message));
            };
            let decl = match extensions::read_pagination(value) {
                Ok(decl) => decl,
                Err((member, message)) => {
                    finding(member, message);
                    continue;
                }
            };
            for (member, name) in [("page", decl.page), ("size", decl.size)] {
                match parameter(spec, item, op, name) {
                    None => finding(member, format!("the operation has no parameter `{name}`")),
                    Some(p) => {
                        let schema = p.get("schema").map(|s| deref(spec, s));
                        if schema.and_then(|s| s.get("type")).and_then(Value::as_str)
                            != Some("integer")
                        {
                            finding(member, format!("parameter `{name}` is not an integer"));
                        }
                    }
                }
            }
            let Some(schema) = success_schema(spec, op) else {
                finding("", "the operation has no JSON 200 response".to_owned());
                continue;
            };
            let mut candidates = vec![schema];
            candidates.extend(properties(spec, schema).into_iter().map(|(_, s)| s));
            match decl.items {
                None => {
                    if !candidates.iter().any(|s| is_type(s, "array")) {
                        finding(
                            "",
                            "the result is not an array: name the member holding the items in `items`"
                                .to_owned(),
                        );
                    }
                }
                Some(name) => match member(spec, &candidates, name) {
                    None => finding("items", format!("the 200 response has no member `{name}`")),
                    Some(s) if !is_type(s, "array") => {
                        finding("items", format!("member `{name}` is not an array"));
                    }
                    Some(_) => {}
                },
            }
            if let Some(name) = decl.total {
                match member(spec, &candidates, name) {
                    None => finding("total", format!("the 200 response has no member `{name}`")),
                    Some(s) if !is_type(s, "integer") => {
                        finding("total", format!("member `{name}` is not an integer"));
                    }
                    Some(_) => {}
                }
            }
        }
    }
}

/// The parameter `name` of an operation or its path item, through `$ref`s.
fn parameter<'a>(spec: &'a Spec, item: &'a Value, op: &'a Value, name: &str) -> Option<&'a Value> {
    [op, item]
        .into_iter()
        .filter_map(|v| v.get("parameters").and_then(Value::as_array))
        .flatten()
        .map(|p| crate::check::resolve(spec, p))
        .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
}

/// A schema through its `$ref`s (a bounded number of them).
fn deref<'a>(spec: &'a Spec, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => match pointer::resolve(&spec.value, r) {
                Some(target) => schema = target,
                None => return &Value::Null,
            },
            None => return schema,
        }
    }
    &Value::Null
}

/// The schema of the 200 response's first JSON content.
fn success_schema<'a>(spec: &'a Spec, op: &'a Value) -> Option<&'a Value> {
    let response = deref(spec, op.get("responses")?.get("200")?);
    let (_, media) = entries(response.get("content")).find(|(m, _)| m.contains("json"))?;
    Some(deref(spec, media.get("schema")?))
}

/// The members of an object schema, through `$ref` and `allOf`, in order.
fn properties<'a>(spec: &'a Spec, schema: &'a Value) -> Vec<(&'a str, &'a Value)> {
    let mut found = Vec::new();
    let mut stack = vec![(deref(spec, schema), 0)];
    while let Some((s, depth)) = stack.pop() {
        for (name, member) in entries(s.get("properties")) {
            found.push((name.as_str(), deref(spec, member)));
        }
        if depth < 8 {
            if let Some(parts) = s.get("allOf").and_then(Value::as_array) {
                stack.extend(parts.iter().rev().map(|p| (deref(spec, p), depth + 1)));
            }
        }
    }
    found
}

/// The member `name` of any of the candidate schemas.
fn member<'a>(spec: &'a Spec, candidates: &[&'a Value], name: &str) -> Option<&'a Value> {
    candidates
        .iter()
        .flat_map(|s| properties(spec, s))
        .find(|(n, _)| *n == name)
        .map(|(_, s)| s)
}

fn is_type(schema: &Value, name: &str) -> bool {
    schema.get("type").and_then(Value::as_str) == Some(name)
}
