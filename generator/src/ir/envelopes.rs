//! The member names of the response envelopes a spec declares (`x-fincode-envelopes`, read through
//! [`extensions`](super::extensions)), which the
//! generated client hands to the runtime: the runtime reads no member by a name of its own.

use serde_json::Value;

use crate::load::Spec;

/// The members the runtime reads in success, status and error envelopes; each is present only
/// where the envelope's schema declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeNames {
    /// The member holding the result.
    pub data: String,
    /// The boolean that is `false` on failure.
    pub success: Option<String>,
    /// The status envelope's status word.
    pub status: Option<String>,
    /// The error object or message.
    pub error: Option<String>,
    /// The error object's code, message, field and details members.
    pub error_members: [String; 4],
    /// Top-level members holding an error code.
    pub codes: Vec<String>,
    /// A top-level message.
    pub message: Option<String>,
    /// The metadata object.
    pub metadata: Option<String>,
    /// The request id inside the metadata.
    pub request_id: Option<String>,
    /// The processing time inside the metadata.
    pub processing_time_ms: Option<String>,
}

/// How many `$ref`s and `allOf`s are followed to find a schema's properties.
const MAX_DEPTH: usize = 16;

/// The names, when the spec declares a success or status envelope with a `data` member.
pub fn read(spec: &Spec) -> Option<EnvelopeNames> {
    let schema =
        |kind: &str| super::extensions::envelope(&spec.value, kind).map(|s| properties(spec, s, 0));
    let success = schema("success").unwrap_or_default();
    let status = schema("status").unwrap_or_default();
    let error = schema("error").unwrap_or_default();
    let has = |props: &[(String, Value)], name: &str| props.iter().any(|(n, _)| n == name);
    let named = |name: &str, lists: &[&[(String, Value)]]| {
        lists
            .iter()
            .any(|props| has(props, name))
            .then(|| name.to_owned())
    };
    let data = named("data", &[&success, &status])?;
    let metadata = named("metadata", &[&success, &error]);
    let metadata_props: Vec<(String, Value)> = [&success, &error]
        .iter()
        .flat_map(|props| props.iter())
        .filter(|(n, _)| n == "metadata")
        .flat_map(|(_, schema)| properties(spec, schema, 0))
        .collect();
    Some(EnvelopeNames {
        data,
        success: named("success", &[&success, &error]),
        status: named("status", &[&status]),
        error: named("error", &[&error]),
        error_members: ["code", "message", "field", "details"].map(str::to_owned),
        codes: ["code", "responseCode"]
            .into_iter()
            .filter(|c| has(&status, c) || has(&error, c))
            .map(str::to_owned)
            .collect(),
        message: named("message", &[&status, &error]),
        request_id: metadata
            .as_ref()
            .and_then(|_| named("request_id", &[&metadata_props])),
        processing_time_ms: metadata
            .as_ref()
            .and_then(|_| named("processing_time_ms", &[&metadata_props])),
        metadata,
    })
}

/// The properties of `schema`, following `$ref`s within the document and merging `allOf`.
fn properties(spec: &Spec, schema: &Value, depth: usize) -> Vec<(String, Value)> {
    if depth > MAX_DEPTH {
        return Vec::new();
    }
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        return target
            .strip_prefix('#')
            .and_then(|pointer| spec.value.pointer(pointer))
            .map(|s| properties(spec, s, depth + 1))
            .unwrap_or_default();
    }
    let mut found: Vec<(String, Value)> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        found.extend(properties(spec, part, depth + 1));
    }
    found
}
