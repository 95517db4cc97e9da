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
    let mut v = v;
    // A reference to a reference is followed, a bounded number of times so that a cycle ends.
    for _ in 0..MAX_REF_CHAIN {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => v = pointer::resolve(&spec.value, r).unwrap_or(&Value::Null),
            None => return v,
        }
    }
    &Value::Null
}

/// How many references in a row are followed before a chain is taken for a cycle.
pub(crate) const MAX_REF_CHAIN: usize = 32;
