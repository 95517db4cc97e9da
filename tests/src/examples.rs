//! The spec's own examples, read from `spec/fincode.yaml`, as inputs and canned responses for the client tests.

use std::sync::OnceLock;

use serde_json::Value;

/// `spec/fincode.yaml` as JSON, loaded once.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = std::fs::read_to_string(crate::spec_path()).expect("reading spec/fincode.yaml");
        let (spec, _) = generator::load(&text).expect("spec/fincode.yaml loads");
        spec.value
    })
}

/// `value`, with its `$ref` (if any) followed within the spec.
pub fn resolved(value: &'static Value) -> &'static Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let target = reference
                .strip_prefix('#')
                .and_then(|pointer| spec().pointer(pointer))
                .unwrap_or_else(|| panic!("`{reference}` does not resolve in the spec"));
            resolved(target)
        }
        None => value,
    }
}

/// The operation `method path`.
pub fn operation(path: &str, method: &str) -> &'static Value {
    let operation = &spec()["paths"][path][method];
    assert!(operation.is_object(), "the spec has no `{method} {path}`");
    operation
}

/// The example of a media type: its `example`, else the value of its first `examples` entry.
pub fn media_example(media: &'static Value, what: &str) -> Value {
    let first = || {
        let named = media.get("examples")?.as_object()?.values().next()?;
        resolved(named).get("value")
    };
    media
        .get("example")
        .or_else(first)
        .cloned()
        .unwrap_or_else(|| panic!("the spec has no example of {what}"))
}

/// The spec's example request body of `method path`, sent as `content_type`.
pub fn request_example(path: &str, method: &str, content_type: &str) -> Value {
    let body = resolved(&operation(path, method)["requestBody"]);
    let what = format!("the {content_type} body of `{method} {path}`");
    media_example(&body["content"][content_type], &what)
}

/// The spec's example JSON response of `method path` with `status`.
pub fn response_example(path: &str, method: &str, status: &str) -> Value {
    let response = resolved(&operation(path, method)["responses"][status]);
    let what = format!("the {status} response of `{method} {path}`");
    media_example(&response["content"]["application/json"], &what)
}

/// The JSON example of one of the spec's shared responses (`#/components/responses/NAME`).
pub fn shared_response_example(name: &str) -> Value {
    let response = resolved(&spec()["components"]["responses"][name]);
    media_example(
        &response["content"]["application/json"],
        &format!("the shared response `{name}`"),
    )
}
