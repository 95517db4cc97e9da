//! The vendor extensions the generator reads, each through one typed accessor.
//!
//! Every `x-` member that changes what is generated is named here and nowhere else in the IR:
//! - on the document: `x-webhooks`, `x-fincode-envelopes`, `x-fincode-webhook-signature`;
//! - on a security scheme: `x-fincode-session`;
//! - on an operation: `x-fincode-unverified`, `x-fincode-pagination`;
//! - on a schema or parameter: `x-fincode-date-format`, `x-fincode-sensitive`, `x-fincode-encrypted`.

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};
use serde_json::Value;

use super::resolve::component_key;

/// The webhook events, shaped like OpenAPI 3.1's `webhooks`.
pub const WEBHOOKS: &str = "x-webhooks";
/// The envelopes requests, responses and webhooks are wrapped in, by kind.
pub const ENVELOPES: &str = "x-fincode-envelopes";
/// How webhook deliveries are signed.
pub const WEBHOOK_SIGNATURE: &str = "x-fincode-webhook-signature";
/// The session a token scheme keeps (login, refresh, logout).
pub const SESSION: &str = "x-fincode-session";
/// An operation the public documentation does not confirm (`true`, or a note).
pub const UNVERIFIED: &str = "x-fincode-unverified";
/// A note on an element: what the docs say and what the spec chose (read by people, not generation).
pub const NOTE: &str = "x-fincode-note";
/// A listing operation read page by page.
pub const PAGINATION: &str = "x-fincode-pagination";
/// A custom date pattern (`dd/MM/yyyy`).
pub const DATE_FORMAT: &str = "x-fincode-date-format";
/// A secret that must never print.
pub const SENSITIVE: &str = "x-fincode-sensitive";
/// A member sent encrypted with the tenant's public key.
pub const ENCRYPTED: &str = "x-fincode-encrypted";

/// The extensions whose contents are OpenAPI structure, with references in them: every other extension's
/// contents are opaque, so a `$ref` there (an `x-ms-examples` pointing at a file) is not a reference.
pub const STRUCTURAL: [&str; 2] = [WEBHOOKS, ENVELOPES];

/// Whether the member `key` holds OpenAPI structure rather than an extension's opaque contents.
pub fn is_structure(key: &str) -> bool {
    !key.starts_with("x-") || STRUCTURAL.contains(&key)
}

/// A map of extensions, as `openapiv3` keeps them on each element.
pub type Extensions = IndexMap<String, Value>;

/// `x-webhooks` of the document.
pub fn webhooks(document: &Value) -> Option<&Value> {
    document.get(WEBHOOKS)
}

/// `x-fincode-webhook-signature` of the document.
pub fn webhook_signature(document: &Value) -> Option<&Value> {
    document.get(WEBHOOK_SIGNATURE)
}

/// The de-duplication member the webhook signature scheme names (`dedupe-key`), trimmed, if not empty.
pub fn webhook_dedupe_key(document: &Value) -> Option<&str> {
    webhook_signature(document)?
        .get("dedupe-key")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|m| !m.is_empty())
}

/// The declaration of the envelope of `kind` (`request`, `success`, `status`, `error`, `webhook`), if any.
pub fn envelope<'a>(document: &'a Value, kind: &str) -> Option<&'a Value> {
    document.get(ENVELOPES)?.get(kind)
}

/// The component schema key an envelope declaration refers to (`$ref: '#/components/schemas/Key'`).
pub fn envelope_key(declared: &Value) -> Option<String> {
    declared
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(component_key)
}

/// `x-fincode-session` of a security scheme.
pub fn session(scheme: &Value) -> Option<&Value> {
    scheme.get(SESSION)
}

/// `x-fincode-unverified` of an operation: `Some("")` for `true`, `Some(note)` for a note.
pub fn unverified(extensions: &Extensions) -> Option<&str> {
    match extensions.get(UNVERIFIED)? {
        Value::String(note) => Some(note),
        Value::Bool(true) => Some(""),
        _ => None,
    }
}

/// `x-fincode-pagination` of an operation, as written.
pub fn pagination(extensions: &Extensions) -> Option<&Value> {
    extensions.get(PAGINATION)
}

/// A pagination declaration, read: the names it gives, not yet checked against the operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination<'a> {
    /// The parameter carrying the page number.
    pub page: &'a str,
    /// The parameter carrying the page size.
    pub size: &'a str,
    /// The member of the result holding the items; `None` when the result is the array.
    pub items: Option<&'a str>,
    /// The member of the result holding the total number of items, if any.
    pub total: Option<&'a str>,
    /// The number of the first page, 0 or 1.
    pub first: i64,
}

/// Reads an `x-fincode-pagination` value; a fault is `(member, message)`, the member being `""` for the
/// value itself.
pub fn read_pagination(value: &Value) -> Result<Pagination<'_>, (&'static str, String)> {
    let Some(object) = value.as_object() else {
        return Err((
            "",
            format!("`{PAGINATION}` must be an object with `page`, `size`, `items`, `total` and `first`"),
        ));
    };
    for key in object.keys() {
        if !["page", "size", "items", "total", "first", NOTE].contains(&key.as_str()) {
            return Err(("", format!("`{PAGINATION}` has an unknown member `{key}`")));
        }
    }
    let name =
        |member: &'static str, required: bool| -> Result<Option<&str>, (&'static str, String)> {
            match object.get(member) {
                None | Some(Value::Null) if !required => Ok(None),
                None => Err(("", format!("`{PAGINATION}` has no `{member}`"))),
                Some(Value::String(s)) if s.trim().is_empty() && !required => Ok(None),
                Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim())),
                Some(_) => Err((member, format!("`{member}` must be a non-empty name"))),
            }
        };
    let page = name("page", true)?.unwrap_or_default();
    let size = name("size", true)?.unwrap_or_default();
    let items = name("items", false)?;
    let total = name("total", false)?;
    let first = match object.get("first") {
        None => 1,
        Some(v) => match v.as_i64() {
            Some(n @ (0 | 1)) => n,
            _ => return Err(("first", "`first` must be 0 or 1".to_owned())),
        },
    };
    if page == size {
        return Err(("size", format!("`page` and `size` both name `{page}`")));
    }
    Ok(Pagination {
        page,
        size,
        items,
        total,
        first,
    })
}

/// `x-fincode-date-format` of a schema.
pub fn date_format(extensions: &Extensions) -> Option<&str> {
    extensions.get(DATE_FORMAT).and_then(Value::as_str)
}

/// Whether `x-fincode-sensitive: true`.
pub fn sensitive(extensions: &Extensions) -> bool {
    extensions.get(SENSITIVE) == Some(&Value::Bool(true))
}

/// Whether `x-fincode-encrypted: true`.
pub fn encrypted(extensions: &Extensions) -> bool {
    extensions.get(ENCRYPTED) == Some(&Value::Bool(true))
}

/// A secret: `format: password` or `x-fincode-sensitive`, or an array of them.
pub fn secret(schema: &Schema) -> bool {
    let marked = sensitive(&schema.schema_data.extensions);
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(st)) => {
            marked || st.format == VariantOrUnknownOrEmpty::Item(StringFormat::Password)
        }
        SchemaKind::Type(Type::Array(a)) => {
            marked || matches!(&a.items, Some(ReferenceOr::Item(items)) if secret(items))
        }
        _ => marked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(yaml: &str) -> Schema {
        let (value, _) = crate::yaml::parse(yaml).expect("YAML");
        serde_json::from_value(value).expect("schema")
    }

    #[test]
    fn passwords_and_marked_members_are_secrets() {
        assert!(secret(&schema("{type: string, format: password}")));
        assert!(secret(&schema("{type: string, x-fincode-sensitive: true}")));
        assert!(secret(&schema(
            "{type: array, items: {type: string, format: password}}"
        )));
        assert!(!secret(&schema("{type: string}")));
        assert!(!secret(&schema(
            "{type: string, x-fincode-sensitive: false}"
        )));
    }

    #[test]
    fn pagination_names_parameters_and_members() {
        let read = |yaml: &str| {
            let (value, _) = crate::yaml::parse(yaml).expect("YAML");
            read_pagination(&value)
                .map(|p| (p.page.to_owned(), p.items.map(str::to_owned), p.first))
                .map_err(|e| e.0)
        };
        assert_eq!(
            read("{page: page, size: size, items: rows, first: 0}"),
            Ok(("page".to_owned(), Some("rows".to_owned()), 0))
        );
        assert_eq!(
            read("{page: p, size: s, items: ''}"),
            Ok(("p".to_owned(), None, 1))
        );
        assert_eq!(read("{page: p, size: s, first: 2}"), Err("first"));
        assert_eq!(read("{page: p}"), Err(""));
        assert_eq!(read("{page: 3, size: s}"), Err("page"));
        assert_eq!(read("{page: p, size: p}"), Err("size"));
        assert_eq!(read("{page: p, size: s, itmes: x}"), Err(""));
        assert_eq!(read("[]"), Err(""));
    }

    #[test]
    fn unverified_is_a_flag_or_a_note() {
        let mut ext = Extensions::new();
        assert_eq!(unverified(&ext), None);
        ext.insert(UNVERIFIED.to_owned(), Value::Bool(true));
        assert_eq!(unverified(&ext), Some(""));
        ext.insert(UNVERIFIED.to_owned(), Value::String("seen once".into()));
        assert_eq!(unverified(&ext), Some("seen once"));
        ext.insert(UNVERIFIED.to_owned(), Value::Bool(false));
        assert_eq!(unverified(&ext), None);
    }
}
