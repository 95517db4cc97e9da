//! Locating a structure error precisely.
//!
//! `openapiv3` uses untagged enums and flattened extensions, which hide where inside a document deserialization
//! failed. [`locate`] deserializes the failing element's parts with their own types, descending into the first
//! part that fails, so that the finding names the innermost element at fault.

use openapiv3 as oa;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::pointer::{push, push_index};
use crate::METHODS;

/// What an element is, so its parts can be tried with their own types.
#[derive(Clone, Copy)]
enum Kind {
    Document,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Schema,
    Components,
    Paths,
    Responses,
}

/// Reads the typed document; on failure, the innermost pointer at fault and the error there.
///
/// The path items and the component schemas, most of any large document, are read on every core; only when
/// that fails is the document read whole, and then its parts tried, to find where. With [`PathItems::Checked`]
/// each path item is read to check it and then dropped, leaving the document's `paths` empty but for their
/// extensions.
pub(crate) fn read(doc: &Value, path_items: PathItems) -> Result<oa::OpenAPI, (String, String)> {
    if let Some(openapi) = read_in_parallel(doc, path_items) {
        return Ok(openapi);
    }
    serde_path_to_error::deserialize::<_, oa::OpenAPI>(doc).map_err(|e| {
        let fallback = (error_pointer(e.path()), e.inner().to_string());
        let (at, detail) = failing_child(doc, "", Kind::Document).unwrap_or(fallback);
        (at, in_users_words(&detail))
    })
}

/// The typed document, its path items and component schemas each read on their own, in parallel; `None` where
/// any part fails.
///
/// The rest of the document is read as it is, with `paths` keeping only its extensions and `components` all
/// but its `schemas`, so that the parts put back where they were make the document a whole read gives.
fn read_in_parallel(doc: &Value, path_items: PathItems) -> Option<oa::OpenAPI> {
    use serde::Deserialize;

    let top = doc.as_object()?;
    let paths = top.get("paths").and_then(Value::as_object);
    let schemas = top
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object);
    let rest: serde_json::Map<String, Value> = top
        .iter()
        .map(|(key, value)| {
            let value = match (key.as_str(), value) {
                ("paths", Value::Object(paths)) => Value::Object(
                    paths
                        .iter()
                        .filter(|(path, _)| !is_path(path))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                ),
                ("components", Value::Object(components)) => Value::Object(
                    components
                        .iter()
                        .filter(|(name, _)| schemas.is_none() || *name != "schemas")
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                ),
                _ => value.clone(),
            };
            (key.clone(), value)
        })
        .collect();
    let (document, (items, schemas)) = rayon::join(
        || oa::OpenAPI::deserialize(&Value::Object(rest)).ok(),
        || {
            rayon::join(
                || match path_items {
                    PathItems::Read => read_members::<oa::PathItem>(paths, is_path),
                    PathItems::Checked => {
                        check_members::<oa::PathItem>(paths, is_path).then(Default::default)
                    }
                },
                || schemas.map(|_| read_members::<oa::Schema>(schemas, |_| true)),
            )
        },
    );
    let mut openapi = document?;
    openapi.paths.paths = items?;
    if let Some(schemas) = schemas {
        openapi.components.as_mut()?.schemas = schemas?;
    }
    Some(openapi)
}

/// Whether a key of the Paths Object is a path, rather than an extension.
pub(crate) fn is_path(key: &str) -> bool {
    key.starts_with('/')
}

/// What the typed document keeps of the path items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathItems {
    /// Every path item, typed.
    Read,
    /// None: each is read to check it, then dropped. A large document's path items typed take several times
    /// the memory of its JSON tree; the operations are built from one path item at a time.
    Checked,
}

/// Whether every member of `members` whose key `keep`s reads as an object or a reference, checked in parallel
/// and kept nowhere.
fn check_members<T: DeserializeOwned>(
    members: Option<&serde_json::Map<String, Value>>,
    keep: fn(&str) -> bool,
) -> bool {
    use rayon::prelude::*;
    use serde::Deserialize;

    kept(members, keep)
        .into_par_iter()
        .all(|(_, value)| oa::ReferenceOr::<T>::deserialize(value).is_ok())
}

/// The members of `members` whose key `keep`s, to be read in parallel.
fn kept(
    members: Option<&serde_json::Map<String, Value>>,
    keep: fn(&str) -> bool,
) -> Vec<(&String, &Value)> {
    members
        .into_iter()
        .flatten()
        .filter(|(key, _)| keep(key))
        .collect()
}

/// The members of `members` whose key `keep`s, each read as an object or a reference, in parallel.
fn read_members<T: DeserializeOwned + Send>(
    members: Option<&serde_json::Map<String, Value>>,
    keep: fn(&str) -> bool,
) -> Option<indexmap::IndexMap<String, oa::ReferenceOr<T>>> {
    use rayon::prelude::*;
    use serde::Deserialize;

    kept(members, keep)
        .into_par_iter()
        .map(|(key, value)| {
            oa::ReferenceOr::<T>::deserialize(value)
                .ok()
                .map(|item| (key.clone(), item))
        })
        .collect::<Option<Vec<_>>>()
        .map(|members| members.into_iter().collect())
}

/// The error `openapiv3` gives, with the names of its Rust types replaced by what they are in the document.
fn in_users_words(detail: &str) -> String {
    const WORDS: [(&str, &str); 6] = [
        (
            "no variant of enum ParameterSchemaOrContent found in flattened data",
            "a parameter needs either a `schema` or a `content`",
        ),
        ("internally tagged enum Parameter", "a parameter object"),
        (
            "internally tagged enum SecurityScheme",
            "a security scheme object",
        ),
        ("internally tagged enum Type", "a schema with a `type`"),
        ("untagged enum ReferenceOr", "an object or a `$ref`"),
        (
            "untagged enum AdditionalProperties",
            "a boolean or a schema",
        ),
    ];
    WORDS
        .iter()
        .fold(detail.to_owned(), |text, (from, to)| text.replace(from, to))
}

/// Where `v`, of kind `kind`, fails: in its first failing part, or at `at` itself.
fn narrow(v: &Value, at: String, kind: Kind) -> Option<(String, String)> {
    let error = try_kind(v, kind)?;
    Some(failing_child(v, &at, kind).unwrap_or((at, error)))
}

/// The innermost failure inside the first failing part of `v`, if any part fails.
fn failing_child(v: &Value, at: &str, kind: Kind) -> Option<(String, String)> {
    children(v, at, kind)
        .into_iter()
        .find_map(|(child_at, child, child_kind)| narrow(child, child_at, child_kind))
}

/// The JSON pointer of a `serde_path_to_error` path.
fn error_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out = push_index(&out, *index),
            Segment::Map { key } => out = push(&out, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

fn attempt<T: DeserializeOwned>(v: &Value) -> Option<String> {
    match serde_path_to_error::deserialize::<_, T>(v) {
        Ok(_) => None,
        Err(e) => {
            let path = e.path().to_string();
            Some(if path == "." || path.is_empty() {
                e.inner().to_string()
            } else {
                format!("{} (at {path})", e.inner())
            })
        }
    }
}

fn try_kind(v: &Value, kind: Kind) -> Option<String> {
    match kind {
        Kind::Document => attempt::<oa::OpenAPI>(v),
        Kind::PathItem => attempt::<oa::ReferenceOr<oa::PathItem>>(v),
        Kind::Operation => attempt::<oa::Operation>(v),
        Kind::Parameter => attempt::<oa::ReferenceOr<oa::Parameter>>(v),
        Kind::RequestBody => attempt::<oa::ReferenceOr<oa::RequestBody>>(v),
        Kind::Response => attempt::<oa::ReferenceOr<oa::Response>>(v),
        Kind::Schema => attempt::<oa::ReferenceOr<oa::Schema>>(v),
        Kind::Components => attempt::<oa::Components>(v),
        Kind::Paths => attempt::<oa::Paths>(v),
        Kind::Responses => attempt::<oa::Responses>(v),
    }
}

fn children<'a>(v: &'a Value, at: &str, kind: Kind) -> Vec<(String, &'a Value, Kind)> {
    let mut out = Vec::new();
    let member = |out: &mut Vec<_>, key: &str, k: Kind| {
        if let Some(child) = v.get(key) {
            out.push((push(at, key), child, k));
        }
    };
    let each = |out: &mut Vec<_>, key: &str, k: Kind| {
        if let Some(Value::Object(map)) = v.get(key) {
            for (name, child) in map {
                out.push((push(&push(at, key), name), child, k));
            }
        }
    };
    let list = |out: &mut Vec<_>, key: &str, k: Kind| {
        if let Some(Value::Array(items)) = v.get(key) {
            for (i, child) in items.iter().enumerate() {
                out.push((push_index(&push(at, key), i), child, k));
            }
        }
    };
    match kind {
        Kind::Document => {
            member(&mut out, "paths", Kind::Paths);
            member(&mut out, "components", Kind::Components);
        }
        Kind::Paths => {
            if let Value::Object(map) = v {
                for (path, item) in map.iter().filter(|(k, _)| !k.starts_with("x-")) {
                    out.push((push(at, path), item, Kind::PathItem));
                }
            }
        }
        Kind::Responses => {
            if let Value::Object(map) = v {
                for (code, r) in map.iter().filter(|(k, _)| !k.starts_with("x-")) {
                    out.push((push(at, code), r, Kind::Response));
                }
            }
        }
        Kind::PathItem => {
            list(&mut out, "parameters", Kind::Parameter);
            for method in METHODS {
                if let Some(op) = v.get(method) {
                    out.push((push(at, method), op, Kind::Operation));
                }
            }
        }
        Kind::Operation => {
            list(&mut out, "parameters", Kind::Parameter);
            member(&mut out, "requestBody", Kind::RequestBody);
            member(&mut out, "responses", Kind::Responses);
        }
        Kind::Components => {
            each(&mut out, "schemas", Kind::Schema);
            each(&mut out, "parameters", Kind::Parameter);
            each(&mut out, "requestBodies", Kind::RequestBody);
            each(&mut out, "responses", Kind::Response);
        }
        Kind::Parameter | Kind::Schema => {
            member(&mut out, "schema", Kind::Schema);
            each(&mut out, "properties", Kind::Schema);
            for key in ["items", "additionalProperties", "not"] {
                if let Some(sub) = v.get(key).filter(|s| s.is_object()) {
                    out.push((push(at, key), sub, Kind::Schema));
                }
            }
            for key in ["allOf", "oneOf", "anyOf"] {
                list(&mut out, key, Kind::Schema);
            }
        }
        Kind::RequestBody | Kind::Response => {
            if let Some(Value::Object(content)) = v.get("content") {
                for (media, m) in content {
                    if let Some(schema) = m.get("schema") {
                        let media_at = push(&push(at, "content"), media);
                        out.push((push(&media_at, "schema"), schema, Kind::Schema));
                    }
                }
            }
        }
    }
    out
}
