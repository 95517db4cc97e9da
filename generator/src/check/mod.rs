//! The checks both generation and `cargo xtask validate` run: every reference resolves, and path templates
//! agree with their parameters. The linter reports them with its other rules; the IR refuses a spec that fails
//! them.

pub(crate) mod path_params;
pub(crate) mod refs;

use serde_json::Value;

use crate::load::Spec;
use crate::pointer;

/// The members of a JSON object (none for anything else).
pub(crate) fn entries(v: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    v.and_then(Value::as_object).into_iter().flatten()
}

/// A path item or parameter, through its `$ref` when it has one (an unresolved one counts as empty).
pub(crate) fn resolve<'a>(spec: &'a Spec, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => pointer::resolve(&spec.value, r).unwrap_or(&Value::Null),
        None => v,
    }
}
