//! The operation rules: ids, tags, summaries and responses (path parameters are checked in `crate::check`).

use std::collections::BTreeMap;

use serde_json::Value;

use super::walk::entries;
use crate::diagnostic::{Diagnostic, Rule};
use crate::load::Spec;
use crate::pointer::push;
use crate::METHODS;

pub(crate) fn check(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let mut ids: BTreeMap<&str, String> = BTreeMap::new();
    for (path, item) in entries(spec.value.get("paths")) {
        let item_at = push("/paths", path);
        let item = crate::check::resolve(spec, item);
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
        }
    }
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
