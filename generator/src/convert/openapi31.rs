//! OpenAPI 3.1 into OpenAPI 3.0.
//!
//! What 3.1 added or changed is mapped to what 3.0 says the same way:
//! - `type` lists: `null` becomes `nullable: true`; `[integer, number]` is `number`; several other types
//!   become an `anyOf` of one schema per type, each with the keywords that apply to it;
//! - `anyOf`/`oneOf` with a `{type: null}` branch: the branch goes and the schema is `nullable`; one branch
//!   left is the schema itself (an `allOf` of it when it is a reference);
//! - `const` is a one-value `enum`, `examples` (a list) its first value as `example`;
//! - `exclusiveMinimum`/`exclusiveMaximum` numbers are `minimum`/`maximum` with the boolean flag;
//! - `contentEncoding: base64` is `format: byte`, `contentMediaType` alone `format: binary`;
//! - `prefixItems` is `items` (an `anyOf` of the positions when they differ), with `maxItems` when `items`
//!   is `false`;
//! - `unevaluatedProperties` and a single `patternProperties` are `additionalProperties`;
//! - `$ref` with siblings that change the schema (`nullable`, constraints) is an `allOf` of the reference with
//!   them; siblings that only annotate (`description`, `title`, `examples`...) stay beside it, as 3.0 readers
//!   ignore them;
//! - boolean schemas: `true` is `{}`, `false` is `{not: {}}`;
//! - `$recursiveRef: '#'` and `$dynamicRef` are a `$ref` to the enclosing schema with the matching
//!   `$recursiveAnchor` or `$dynamicAnchor`;
//! - top-level `webhooks` is `x-webhooks` (the 3.0 convention the generator reads), paths referring to
//!   `components/pathItems` are the path items they name, a missing `paths` is empty, and a missing
//!   `info.version` (which published descriptions sometimes omit) is `unspecified`;
//! - keywords that only validate (`if`/`then`/`else`, `propertyNames`, `contains`, `dependentRequired`,
//!   `$comment`...) are left as they are: a 3.0 reader ignores them, which makes the types no stricter.
//!
//! Refused, with a finding at the construct: a `jsonSchemaDialect` other than 2020-12 or OpenAPI 3.1's,
//! a `$dynamicRef`/`$recursiveRef` without a matching enclosing anchor, and `mutualTLS` security schemes.

use serde_json::{json, Map, Value};

use super::{at, names_map, Conversion};
use crate::pointer;

/// The dialects whose schemas this conversion reads.
const DIALECTS: [&str; 3] = [
    "https://json-schema.org/draft/2020-12/schema",
    "https://spec.openapis.org/oas/3.1/dialect/base",
    "https://spec.openapis.org/oas/3.1/dialect/2024-10-25",
];

/// Members of a schema beside `$ref` that only annotate it.
const ANNOTATIONS: [&str; 10] = [
    "description",
    "title",
    "summary",
    "examples",
    "example",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$comment",
    "default",
];

/// Keywords that apply to one JSON type only, by type.
const TYPED_KEYWORDS: [(&str, &[&str]); 5] = [
    (
        "string",
        &["format", "pattern", "minLength", "maxLength", "enum"],
    ),
    (
        "number",
        &[
            "format",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "enum",
        ],
    ),
    (
        "integer",
        &[
            "format",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "enum",
        ],
    ),
    (
        "array",
        &[
            "items",
            "minItems",
            "maxItems",
            "uniqueItems",
            "prefixItems",
        ],
    ),
    (
        "object",
        &[
            "properties",
            "required",
            "additionalProperties",
            "minProperties",
            "maxProperties",
            "patternProperties",
            "unevaluatedProperties",
            "discriminator",
        ],
    ),
];

/// Rewrites the OpenAPI 3.1 document `doc` into OpenAPI 3.0.3.
pub(crate) fn convert(doc: &mut Map<String, Value>) -> Conversion {
    let mut out = Conversion::default();
    doc.insert("openapi".into(), Value::String("3.0.3".into()));
    if let Some(dialect) = doc.remove("jsonSchemaDialect") {
        if !dialect.as_str().is_some_and(|d| DIALECTS.contains(&d)) {
            out.refuse(
                "/jsonSchemaDialect".into(),
                format!(
                    "schemas of the dialect {dialect} cannot be read: only JSON Schema 2020-12 (OpenAPI 3.1's own dialect) can"
                ),
            );
        }
    }
    for (key, value) in doc.iter_mut() {
        if !key.starts_with("x-") {
            walk(value, &pointer::push("", key), names_map(key), &mut out);
        }
    }
    if let Some(Value::Object(schemes)) = doc
        .get_mut("components")
        .and_then(|c| c.get_mut("securitySchemes"))
    {
        // Refused here, and left out so that the structure does not refuse it a second time.
        schemes.retain(|name, scheme| {
            let mutual = scheme.get("type").and_then(Value::as_str) == Some("mutualTLS");
            if mutual {
                out.refuse(
                    at("/components/securitySchemes", &[name, "type"]),
                    "a `mutualTLS` security scheme has no OpenAPI 3.0 equivalent, and the client cannot present a certificate",
                );
            }
            !mutual
        });
    }
    inline_path_items(doc, &mut out);
    if let Some(webhooks) = doc.remove("webhooks") {
        if !doc.contains_key(super::super::ir::extensions::WEBHOOKS) {
            doc.insert(super::super::ir::extensions::WEBHOOKS.into(), webhooks);
            out.moved("/x-webhooks".into(), "/webhooks".into());
        }
    }
    doc.entry("paths").or_insert_with(|| json!({}));
    if let Some(Value::Object(info)) = doc.get_mut("info") {
        info.entry("version")
            .or_insert_with(|| json!("unspecified"));
    }
    out
}

/// Replaces each path item that refers to `components/pathItems` with the item it names.
fn inline_path_items(doc: &mut Map<String, Value>, out: &mut Conversion) {
    let Some(items) = doc
        .get("components")
        .and_then(|c| c.get("pathItems"))
        .cloned()
    else {
        return;
    };
    for section in ["paths", "webhooks"] {
        let Some(Value::Object(paths)) = doc.get_mut(section) else {
            continue;
        };
        for (path, item) in paths.iter_mut() {
            let Some(reference) = item.get("$ref").and_then(Value::as_str) else {
                continue;
            };
            let Some(name) = reference.strip_prefix("#/components/pathItems/") else {
                continue;
            };
            let key = name.replace("~1", "/").replace("~0", "~");
            if let Some(target) = items.get(&key) {
                let from = at("/components/pathItems", &[&key]);
                *item = target.clone();
                out.moved(at("", &[section, path]), from);
            }
        }
    }
}

/// Converts the schemas anywhere under `value`, a part of the document that is not a schema (a map of names
/// to elements where `names`).
fn walk(value: &mut Value, here: &str, names: bool, out: &mut Conversion) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let child_at = pointer::push(here, key);
                if names {
                    walk(child, &child_at, false, out);
                    continue;
                }
                match key.as_str() {
                    k if k.starts_with("x-") => {}
                    "example" | "examples" | "default" => {}
                    "schema" => schema(child, &child_at, out),
                    "schemas" if here == "/components" => {
                        if let Value::Object(schemas) = child {
                            for (name, s) in schemas.iter_mut() {
                                schema(s, &pointer::push(&child_at, name), out);
                            }
                        }
                    }
                    k => walk(child, &child_at, names_map(k), out),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, &pointer::push_index(here, i), false, out);
            }
        }
        _ => {}
    }
}

/// Whether `schema` says only "the value is null".
fn is_null_schema(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else {
        return false;
    };
    let null_type = match map.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => !ts.is_empty() && ts.iter().all(|t| t == "null"),
        _ => false,
    };
    let null_const = map.get("const") == Some(&Value::Null) && !map.contains_key("type");
    (null_type || null_const)
        && map
            .keys()
            .all(|k| matches!(k.as_str(), "type" | "const") || ANNOTATIONS.contains(&k.as_str()))
}

/// Converts a schema found outside any other.
fn schema(value: &mut Value, here: &str, out: &mut Conversion) {
    nested(value, here, &mut Vec::new(), out);
}

/// Converts one schema and the schemas inside it; `anchors` are the enclosing schemas with a
/// `$recursiveAnchor` (named `""`) or a `$dynamicAnchor`, innermost last.
fn nested(
    value: &mut Value,
    here: &str,
    anchors: &mut Vec<(String, String)>,
    out: &mut Conversion,
) {
    match value {
        Value::Bool(true) => *value = json!({}),
        Value::Bool(false) => *value = json!({"not": {}}),
        _ => {}
    }
    let Value::Object(map) = value else {
        return;
    };
    let anchored = anchors.len();
    if map.remove("$recursiveAnchor") == Some(Value::Bool(true)) {
        anchors.push((String::new(), here.to_owned()));
    }
    if let Some(Value::String(name)) = map.remove("$dynamicAnchor") {
        anchors.push((name, here.to_owned()));
    }
    for key in ["$recursiveRef", "$dynamicRef"] {
        let Some(target) = map.remove(key) else {
            continue;
        };
        // The enclosing schema anchored under that name: the one the reference reaches from here.
        let name = match (key, target.as_str()) {
            ("$recursiveRef", Some("#")) => Some(""),
            ("$dynamicRef", Some(t)) => t.strip_prefix('#'),
            _ => None,
        };
        let found = name.and_then(|n| anchors.iter().rev().find(|(a, _)| a == n));
        match found {
            Some((_, anchor)) if !map.contains_key("$ref") => {
                map.insert("$ref".into(), Value::String(format!("#{anchor}")));
                out.moved(pointer::push(here, "$ref"), pointer::push(here, key));
            }
            _ => out.refuse(
                pointer::push(here, key),
                format!(
                    "`{key}: {target}` names no enclosing schema with a matching anchor: refer to the schema with `$ref`"
                ),
            ),
        }
    }
    reference_with_siblings(map, here, out);
    nullable_branches(map, here, out);
    type_list(map, here, out);
    if let Some(value) = map.remove("const") {
        if !map.contains_key("enum") {
            if value.is_null() {
                map.insert("nullable".into(), Value::Bool(true));
            }
            map.insert("enum".into(), Value::Array(vec![value]));
            out.moved(pointer::push(here, "enum"), pointer::push(here, "const"));
        }
    }
    if matches!(map.get("examples"), Some(Value::Array(_))) {
        if let Some(Value::Array(examples)) = map.remove("examples") {
            if let (Some(first), false) = (examples.into_iter().next(), map.contains_key("example"))
            {
                map.insert("example".into(), first);
                out.moved(pointer::push(here, "example"), at(here, &["examples", "0"]));
            }
        }
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Number(n)) = map.get(exclusive).cloned() {
            map.insert(bound.into(), Value::Number(n));
            map.insert(exclusive.into(), Value::Bool(true));
            out.moved(pointer::push(here, bound), pointer::push(here, exclusive));
        }
    }
    let encoding = map.remove("contentEncoding");
    let media_type = map.remove("contentMediaType");
    if !map.contains_key("format") && map.get("type").and_then(Value::as_str) == Some("string") {
        match (encoding.as_ref().and_then(Value::as_str), media_type) {
            (Some("base64" | "base64url"), _) => {
                map.insert("format".into(), "byte".into());
            }
            (None, Some(_)) => {
                map.insert("format".into(), "binary".into());
            }
            _ => {}
        }
    }
    prefix_items(map, here, out);
    for key in ["unevaluatedProperties", "patternProperties"] {
        let Some(extra) = map.remove(key) else {
            continue;
        };
        if map.contains_key("additionalProperties") {
            continue;
        }
        let (extra, from) = match extra {
            Value::Object(patterns) if key == "patternProperties" => {
                let mut patterns = patterns.into_iter();
                match (patterns.next(), patterns.next()) {
                    (Some((pattern, s)), None) => (s, at(here, &[key, &pattern])),
                    _ => (json!({}), pointer::push(here, key)),
                }
            }
            other => (other, pointer::push(here, key)),
        };
        map.insert("additionalProperties".into(), extra);
        out.moved(pointer::push(here, "additionalProperties"), from);
    }
    // The schemas inside.
    for key in ["items", "not"] {
        if let Some(sub) = map.get_mut(key) {
            nested(sub, &pointer::push(here, key), anchors, out);
        }
    }
    if let Some(sub) = map.get_mut("additionalProperties") {
        if sub.is_object() {
            nested(
                sub,
                &pointer::push(here, "additionalProperties"),
                anchors,
                out,
            );
        }
    }
    for key in ["properties", "$defs", "definitions"] {
        if let Some(Value::Object(members)) = map.get_mut(key) {
            for (name, sub) in members.iter_mut() {
                nested(sub, &at(here, &[key, name]), anchors, out);
            }
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = map.get_mut(key) {
            for (i, sub) in branches.iter_mut().enumerate() {
                nested(
                    sub,
                    &pointer::push_index(&pointer::push(here, key), i),
                    anchors,
                    out,
                );
            }
        }
    }
    anchors.truncate(anchored);
}

/// `$ref` with siblings that change the schema: an `allOf` of the reference, with the siblings.
fn reference_with_siblings(map: &mut Map<String, Value>, here: &str, out: &mut Conversion) {
    if !map.contains_key("$ref") {
        return;
    }
    let changes = map
        .keys()
        .any(|k| k != "$ref" && !k.starts_with("x-") && !ANNOTATIONS.contains(&k.as_str()));
    if !changes {
        return;
    }
    let Some(reference) = map.remove("$ref") else {
        return;
    };
    let wrapped = json!({ "$ref": reference });
    let all_of_at = pointer::push(here, "allOf");
    match map.get_mut("allOf") {
        Some(Value::Array(branches)) => {
            out.moved(
                pointer::push_index(&all_of_at, branches.len()),
                here.to_owned(),
            );
            branches.push(wrapped);
        }
        _ => {
            map.insert("allOf".into(), Value::Array(vec![wrapped]));
            out.moved(pointer::push_index(&all_of_at, 0), here.to_owned());
        }
    }
}

/// `anyOf`/`oneOf` with a null branch: `nullable`, and the other branch alone where one is left.
fn nullable_branches(map: &mut Map<String, Value>, here: &str, out: &mut Conversion) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = map.get_mut(key) else {
            continue;
        };
        if !branches.iter().any(is_null_schema) {
            continue;
        }
        // Positions of the branches kept, in the source.
        let kept: Vec<usize> = (0..branches.len())
            .filter(|&i| !is_null_schema(&branches[i]))
            .collect();
        let mut remaining: Vec<Value> = std::mem::take(branches)
            .into_iter()
            .filter(|b| !is_null_schema(b))
            .collect();
        map.insert("nullable".into(), Value::Bool(true));
        let key_at = pointer::push(here, key);
        let others = ["allOf", "anyOf", "oneOf", "type", "$ref"]
            .iter()
            .any(|k| *k != key && map.contains_key(*k));
        match (remaining.len(), others) {
            (0, _) => {
                map.remove(key);
            }
            (1, false) => {
                map.remove(key);
                let from = pointer::push_index(&key_at, kept[0]);
                let branch = remaining.remove(0);
                let branch = match branch {
                    Value::Object(b) if !b.contains_key("$ref") => b,
                    other => {
                        map.insert("allOf".into(), Value::Array(vec![other]));
                        out.moved(pointer::push_index(&pointer::push(here, "allOf"), 0), from);
                        continue;
                    }
                };
                for (k, v) in branch {
                    if !map.contains_key(&k) {
                        out.moved(pointer::push(here, &k), pointer::push(&from, &k));
                        map.insert(k, v);
                    }
                }
            }
            _ => {
                for (new, old) in kept.iter().enumerate() {
                    if new != *old {
                        out.moved(
                            pointer::push_index(&key_at, new),
                            pointer::push_index(&key_at, *old),
                        );
                    }
                }
                map.insert(key.into(), Value::Array(remaining));
            }
        }
    }
}

/// A `type` list: `nullable` for its `null`, and one type, or an `anyOf` of one schema per type.
fn type_list(map: &mut Map<String, Value>, here: &str, out: &mut Conversion) {
    let types: Vec<String> = match map.get("type") {
        Some(Value::String(t)) if t == "null" => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .map(|t| t.as_str().unwrap_or_default().to_owned())
            .collect(),
        _ => return,
    };
    if types.iter().any(|t| t == "null") {
        map.insert("nullable".into(), Value::Bool(true));
    }
    let mut others: Vec<&str> = types
        .iter()
        .map(String::as_str)
        .filter(|t| *t != "null")
        .collect();
    others.dedup();
    if others.len() == 2 && others.contains(&"integer") && others.contains(&"number") {
        others = vec!["number"];
    }
    match others.as_slice() {
        [] => {
            map.remove("type");
        }
        [one] => {
            map.insert("type".into(), Value::String((*one).to_owned()));
        }
        several => {
            map.remove("type");
            if map.contains_key("anyOf") || map.contains_key("oneOf") {
                // The composition already says what each value may be.
                return;
            }
            let branches: Vec<Value> = several
                .iter()
                .map(|t| {
                    let mut branch = Map::new();
                    branch.insert("type".into(), Value::String((*t).to_owned()));
                    let keywords = TYPED_KEYWORDS
                        .iter()
                        .find(|(name, _)| name == t)
                        .map_or(&[][..], |(_, k)| k);
                    for k in keywords {
                        if let Some(v) = map.get(*k) {
                            branch.insert((*k).to_owned(), v.clone());
                        }
                    }
                    Value::Object(branch)
                })
                .collect();
            for (_, keywords) in TYPED_KEYWORDS {
                for k in keywords {
                    map.remove(*k);
                }
            }
            let any_of_at = pointer::push(here, "anyOf");
            for i in 0..branches.len() {
                out.moved(pointer::push_index(&any_of_at, i), here.to_owned());
            }
            map.insert("anyOf".into(), Value::Array(branches));
        }
    }
}

/// `prefixItems`: `items`, an `anyOf` of the positions (and of `items`, for the rest) when there are several.
fn prefix_items(map: &mut Map<String, Value>, here: &str, out: &mut Conversion) {
    let Some(Value::Array(prefix)) = map.remove("prefixItems") else {
        return;
    };
    let closed = matches!(map.get("items"), Some(Value::Bool(false)));
    let prefix_at = pointer::push(here, "prefixItems");
    if closed {
        map.remove("items");
        map.entry("maxItems").or_insert(json!(prefix.len()));
    }
    let mut branches: Vec<(Value, String)> = prefix
        .into_iter()
        .enumerate()
        .map(|(i, s)| (s, pointer::push_index(&prefix_at, i)))
        .collect();
    if let Some(rest) = map.remove("items") {
        branches.push((rest, pointer::push(here, "items")));
    }
    // Positions that all take the same schema take it once.
    if branches.iter().all(|(s, _)| *s == branches[0].0) {
        branches.truncate(1);
    }
    let items_at = pointer::push(here, "items");
    match branches.len() {
        0 => {}
        1 => {
            let (only, from) = branches.remove(0);
            map.insert("items".into(), only);
            out.moved(items_at, from);
        }
        _ => {
            let any_of_at = pointer::push(&items_at, "anyOf");
            let mut list = Vec::new();
            for (i, (s, from)) in branches.into_iter().enumerate() {
                out.moved(pointer::push_index(&any_of_at, i), from);
                list.push(s);
            }
            map.insert("items".into(), json!({ "anyOf": list }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn converted(doc: Value) -> (Value, Conversion) {
        let mut doc = doc;
        let conversion = match &mut doc {
            Value::Object(map) => convert(map),
            _ => Conversion::default(),
        };
        (doc, conversion)
    }

    fn schema_of(doc: Value) -> Value {
        let (doc, conversion) = converted(json!({
            "openapi": "3.1.0",
            "components": {"schemas": {"S": doc}}
        }));
        assert!(conversion.refusals.is_empty(), "{:?}", conversion.refusals);
        doc["components"]["schemas"]["S"].clone()
    }

    #[test]
    fn type_lists_with_null_are_nullable() {
        assert_eq!(
            schema_of(json!({"type": ["string", "null"], "format": "date"})),
            json!({"type": "string", "format": "date", "nullable": true})
        );
        assert_eq!(
            schema_of(json!({"type": ["integer", "number"]})),
            json!({"type": "number"})
        );
        assert_eq!(
            schema_of(json!({"type": "null"})),
            json!({"nullable": true})
        );
    }

    #[test]
    fn several_types_are_an_any_of_with_the_keywords_of_each() {
        assert_eq!(
            schema_of(
                json!({"type": ["string", "array", "null"], "maxLength": 3, "items": {"type": "integer"}, "description": "d"})
            ),
            json!({
                "nullable": true,
                "description": "d",
                "anyOf": [
                    {"type": "string", "maxLength": 3},
                    {"type": "array", "items": {"type": "integer"}}
                ]
            })
        );
    }

    #[test]
    fn null_branches_make_the_schema_nullable() {
        assert_eq!(
            schema_of(json!({"anyOf": [{"type": "string"}, {"type": "null"}], "description": "d"})),
            json!({"type": "string", "nullable": true, "description": "d"})
        );
        assert_eq!(
            schema_of(json!({"oneOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]})),
            json!({"allOf": [{"$ref": "#/components/schemas/T"}], "nullable": true})
        );
        assert_eq!(
            schema_of(
                json!({"anyOf": [{"type": "null"}, {"type": "string"}, {"type": "integer"}]})
            ),
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
    }

    #[test]
    fn const_examples_and_exclusive_bounds() {
        assert_eq!(
            schema_of(json!({"type": "string", "const": "a", "examples": ["a", "b"]})),
            json!({"type": "string", "enum": ["a"], "example": "a"})
        );
        assert_eq!(
            schema_of(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1.5})),
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1.5, "exclusiveMaximum": true})
        );
    }

    #[test]
    fn content_keywords_are_formats() {
        assert_eq!(
            schema_of(json!({"type": "string", "contentEncoding": "base64"})),
            json!({"type": "string", "format": "byte"})
        );
        assert_eq!(
            schema_of(json!({"type": "string", "contentMediaType": "image/png"})),
            json!({"type": "string", "format": "binary"})
        );
    }

    #[test]
    fn references_with_siblings() {
        assert_eq!(
            schema_of(
                json!({"$ref": "#/components/schemas/T", "nullable": true, "description": "d"})
            ),
            json!({"nullable": true, "description": "d", "allOf": [{"$ref": "#/components/schemas/T"}]})
        );
        assert_eq!(
            schema_of(json!({"$ref": "#/components/schemas/T", "description": "d"})),
            json!({"$ref": "#/components/schemas/T", "description": "d"})
        );
    }

    #[test]
    fn prefix_items_pattern_properties_and_boolean_schemas() {
        assert_eq!(
            schema_of(
                json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false})
            ),
            json!({"type": "array", "maxItems": 2, "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}})
        );
        assert_eq!(
            schema_of(
                json!({"type": "object", "patternProperties": {"^x": {"type": "string"}}, "properties": {"a": true, "b": false}})
            ),
            json!({"type": "object", "additionalProperties": {"type": "string"}, "properties": {"a": {}, "b": {"not": {}}}})
        );
    }

    #[test]
    fn recursive_and_dynamic_references_name_their_anchor() {
        assert_eq!(
            schema_of(
                json!({"$recursiveAnchor": true, "type": "array", "items": {"oneOf": [{"type": "string"}, {"$recursiveRef": "#"}]}})
            ),
            json!({"type": "array", "items": {"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/S"}]}})
        );
        assert_eq!(
            schema_of(
                json!({"$dynamicAnchor": "node", "type": "object", "properties": {"next": {"$dynamicRef": "#node"}}})
            ),
            json!({"type": "object", "properties": {"next": {"$ref": "#/components/schemas/S"}}})
        );
    }

    #[test]
    fn examples_and_extensions_are_left_alone() {
        let (doc, _) = converted(json!({
            "openapi": "3.1.0",
            "x-data": {"schema": {"type": ["string", "null"]}},
            "components": {"schemas": {"S": {"type": "object", "example": {"type": ["a", "null"]}}}}
        }));
        assert_eq!(doc["x-data"]["schema"]["type"], json!(["string", "null"]));
        assert_eq!(
            doc["components"]["schemas"]["S"]["example"]["type"],
            json!(["a", "null"])
        );
    }

    #[test]
    fn document_members() {
        let (doc, conversion) = converted(json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
            "webhooks": {"e": {"post": {}}},
            "components": {"pathItems": {"P": {"get": {"responses": {}}}}},
        }));
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(doc["paths"], json!({}));
        assert_eq!(doc["x-webhooks"], json!({"e": {"post": {}}}));
        assert!(doc.get("webhooks").is_none() && doc.get("jsonSchemaDialect").is_none());
        assert!(conversion.refusals.is_empty());
        let (doc, _) = converted(json!({
            "openapi": "3.1.0",
            "paths": {"/p": {"$ref": "#/components/pathItems/P"}},
            "components": {"pathItems": {"P": {"get": {"responses": {}}}}},
        }));
        assert_eq!(doc["paths"]["/p"], json!({"get": {"responses": {}}}));
    }

    #[test]
    fn constructs_without_an_equivalent_are_refused_where_they_are() {
        let (_, conversion) = converted(json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://json-schema.org/draft-07/schema",
            "components": {
                "schemas": {"S": {"properties": {"a": {"$dynamicRef": "#node"}}}},
                "securitySchemes": {"m": {"type": "mutualTLS"}}
            }
        }));
        let at: Vec<&str> = conversion
            .refusals
            .iter()
            .map(|(p, _)| p.as_str())
            .collect();
        assert_eq!(
            at,
            [
                "/jsonSchemaDialect",
                "/components/schemas/S/properties/a/$dynamicRef",
                "/components/securitySchemes/m/type"
            ]
        );
    }
}
