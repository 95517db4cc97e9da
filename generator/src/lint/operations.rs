//! The operation rules: ids, tags, summaries, responses and path parameters.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::walk::entries;
use crate::diagnostic::{Diagnostic, Rule};
use crate::load::Spec;
use crate::pointer::{self, push};
use crate::METHODS;

pub(crate) fn check(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let mut ids: BTreeMap<&str, String> = BTreeMap::new();
    for (path, item) in entries(spec.value.get("paths")) {
        let item_at = push("/paths", path);
        let item = resolve(spec, item);
        let template = template_params(path);
        let shared = declared_path_params(spec, path, &template, &item_at, item, out);
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let at = push(&item_at, method);
            match op.get("operationId").and_then(Value::as_str) {
                None => out.push(spec.diagnostic(
                    Rule::OperationIdMissing,
                    at.clone(),
                    "operation has no `operationId`",
                )),
                Some(id) => {
                    let id_at = push(&at, "operationId");
                    if let Some(first) = ids.get(id) {
                        out.push(spec.diagnostic(
                            Rule::OperationIdDuplicate,
                            id_at,
                            format!("operationId `{id}` is already used by #{first}"),
                        ));
                    } else {
                        ids.insert(id, at.clone());
                    }
                }
            }
            if op
                .get("tags")
                .and_then(Value::as_array)
                .is_none_or(Vec::is_empty)
            {
                out.push(spec.diagnostic(
                    Rule::OperationTagMissing,
                    at.clone(),
                    "operation has no tag",
                ));
            }
            if op
                .get("summary")
                .and_then(Value::as_str)
                .is_none_or(|s| s.trim().is_empty())
            {
                out.push(spec.diagnostic(
                    Rule::OperationSummaryMissing,
                    at.clone(),
                    "operation has no summary",
                ));
            }
            responses(spec, &at, op, out);

            let mut declared = shared.clone();
            declared.extend(declared_path_params(spec, path, &template, &at, op, out));
            for name in &template {
                if !declared.contains(name.as_str()) {
                    out.push(spec.diagnostic(
                        Rule::PathParamUndeclared,
                        at.clone(),
                        format!("path parameter `{name}` of `{path}` is not declared"),
                    ));
                }
            }
        }
    }
}

/// A path item or parameter, through its `$ref` when it has one (an unresolved one counts as empty).
fn resolve<'a>(spec: &'a Spec, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => pointer::resolve(&spec.value, r).unwrap_or(&Value::Null),
        None => v,
    }
}

/// The `{name}`s of a path template, in order.
fn template_params(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_owned());
        rest = &rest[start + len + 1..];
    }
    out
}

/// The `in: path` parameters of an operation or path item, by name; reports those not in the template.
fn declared_path_params<'a>(
    spec: &'a Spec,
    path: &str,
    template: &[String],
    owner_at: &str,
    owner: &'a Value,
    out: &mut Vec<Diagnostic>,
) -> BTreeSet<&'a str> {
    let mut names = BTreeSet::new();
    let list = owner.get("parameters").and_then(Value::as_array);
    for (i, p) in list.into_iter().flatten().enumerate() {
        let p = resolve(spec, p);
        if p.get("in").and_then(Value::as_str) != Some("path") {
            continue;
        }
        let Some(name) = p.get("name").and_then(Value::as_str) else {
            continue;
        };
        if !template.iter().any(|t| t == name) {
            out.push(spec.diagnostic(
                Rule::PathParamNotInTemplate,
                pointer::push_index(&push(owner_at, "parameters"), i),
                format!("path parameter `{name}` does not appear in `{path}`"),
            ));
        }
        names.insert(name);
    }
    names
}

fn responses(spec: &Spec, at: &str, op: &Value, out: &mut Vec<Diagnostic>) {
    let codes: Vec<&String> = entries(op.get("responses")).map(|(code, _)| code).collect();
    let at = push(at, "responses");
    if !codes.iter().any(|c| c.starts_with('2')) {
        out.push(spec.diagnostic(
            Rule::SuccessResponseMissing,
            at.clone(),
            "operation documents no 2xx response",
        ));
    }
    if !codes
        .iter()
        .any(|c| c.starts_with('4') || c.starts_with('5') || c.as_str() == "default")
    {
        out.push(spec.diagnostic(
            Rule::ErrorResponsesMissing,
            at,
            "operation documents no error response (4xx, 5xx or default)",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::template_params;

    #[test]
    fn template_params_in_order() {
        assert_eq!(template_params("/a/{x}/b/{y-z}"), ["x", "y-z"]);
        assert_eq!(template_params("/a/{unclosed"), Vec::<String>::new());
        assert!(template_params("/plain").is_empty());
    }
}
