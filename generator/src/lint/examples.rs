//! `example-invalid`: every example validates against its schema.
//!
//! The document is registered once as a JSON Schema (draft 4, the dialect OpenAPI 3.0 builds on) after the
//! OpenAPI-only keyword `nullable` is turned into a `type` list; each example is then validated against the
//! schema at its pointer, so `$ref`s resolve as in the document itself.

use jsonschema::{Draft, Registry};
use serde_json::Value;

use super::walk::Walk;
use crate::diagnostic::{Diagnostic, Rule};
use crate::load::Spec;

const BASE: &str = "urn:fincode:spec";

/// `refs_resolve` is false when `unresolved-ref` findings exist: a schema that then fails to compile is not
/// reported again here.
pub(super) fn check(spec: &Spec, walk: &Walk<'_>, refs_resolve: bool, out: &mut Vec<Diagnostic>) {
    if walk.examples.is_empty() {
        return;
    }
    let mut doc = spec.value.clone();
    for site in &walk.schemas {
        if let Some(Value::Object(schema)) = doc.pointer_mut(&site.pointer) {
            nullable_to_type_list(schema);
        }
    }
    let registry = match Registry::new()
        .draft(Draft::Draft4)
        .add(BASE, Draft::Draft4.create_resource(doc))
        .and_then(|b| b.prepare())
    {
        Ok(r) => r,
        Err(e) => {
            out.push(spec.diagnostic(
                Rule::ExampleInvalid,
                "",
                format!("cannot prepare the schemas to check examples against: {e}"),
            ));
            return;
        }
    };
    let options = jsonschema::options()
        .with_draft(Draft::Draft4)
        .with_registry(&registry)
        .should_validate_formats(true)
        .with_format("decimal", is_decimal)
        .with_format("uuid", is_uuid)
        .with_format("date", is_date)
        .with_format("byte", is_base64);
    for site in &walk.examples {
        let target = serde_json::json!({ "$ref": format!("{BASE}#{}", escape_fragment(&site.schema_pointer)) });
        let validator = options.build(&target);
        let what = match &site.via {
            Some(r) => format!("example {r}"),
            None => "example".to_owned(),
        };
        let validator = match validator {
            Ok(v) => v,
            Err(_) if !refs_resolve => continue,
            Err(e) => {
                out.push(spec.diagnostic(
                    Rule::ExampleInvalid,
                    site.pointer.clone(),
                    format!(
                        "cannot check the {what}: its schema at #{} does not compile: {e}",
                        site.schema_pointer
                    ),
                ));
                continue;
            }
        };
        let problems: Vec<String> = validator
            .iter_errors(site.value)
            .map(|e| {
                let at = e.instance_path().to_string();
                if at.is_empty() {
                    e.to_string()
                } else {
                    format!("at {at}: {e}")
                }
            })
            .collect();
        if !problems.is_empty() {
            out.push(spec.diagnostic(
                Rule::ExampleInvalid,
                site.pointer.clone(),
                format!("{what} does not match its schema: {}", problems.join("; ")),
            ));
        }
    }
}

/// `type: T, nullable: true` becomes `type: [T, "null"]` (and `null` joins an `enum`).
fn nullable_to_type_list(schema: &mut serde_json::Map<String, Value>) {
    if schema.get("nullable") != Some(&Value::Bool(true)) {
        return;
    }
    if let Some(Value::String(t)) = schema.get("type") {
        let t = Value::String(t.clone());
        schema.insert(
            "type".into(),
            Value::Array(vec![t, Value::String("null".into())]),
        );
    }
    if let Some(Value::Array(values)) = schema.get_mut("enum") {
        if !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
    }
}

/// A JSON pointer made safe inside a URI fragment.
fn escape_fragment(pointer: &str) -> String {
    let mut out = String::with_capacity(pointer.len());
    for b in pointer.bytes() {
        if b.is_ascii_alphanumeric() || b"/~-._!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A decimal written as a string: an optional sign, digits, an optional fraction.
fn is_decimal(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// Canonical standard base64 with padding, as the generated clients read `format: byte` (no stray bits in
/// the last character).
fn is_base64(s: &str) -> bool {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).is_ok()
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// An RFC 3339 full-date, `YYYY-MM-DD`, with a real month and day.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        s.get(r)
            .filter(|d| d.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|d| d.parse::<u32>().ok())
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        for ok in ["0", "150.00", "-3.5", "24.240"] {
            assert!(is_decimal(ok), "{ok}");
        }
        for bad in ["", "1.", ".5", "1e3", "1,5", "--1", "abc"] {
            assert!(!is_decimal(bad), "{bad}");
        }
    }

    #[test]
    fn dates() {
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2024-13-01"));
        assert!(!is_date("16/12/1989"));
    }

    #[test]
    fn base64() {
        for good in ["", "/9j/4AAQSkZJRgABAQAAAQABAAA=", "JVBERi0xLjQK", "YQ=="] {
            assert!(is_base64(good), "{good}");
        }
        for bad in [
            "/9j/4AAQSkZJRgABAQAAAQABAAD=",
            "YR==",
            "YQ",
            "a b=",
            "YQ===",
        ] {
            assert!(!is_base64(bad), "{bad}");
        }
    }

    #[test]
    fn uuids() {
        assert!(is_uuid("31564b03-f183-44e3-ae4a-fa343c6f7e3a"));
        assert!(!is_uuid("31564b03-f183-44e3-ae4a"));
    }

    #[test]
    fn fragments_keep_pointer_syntax_and_escape_the_rest() {
        assert_eq!(escape_fragment("/paths/~1a b/get"), "/paths/~1a%20b/get");
        assert_eq!(
            escape_fragment("/x/application~1json/{id}"),
            "/x/application~1json/%7Bid%7D"
        );
    }
}
