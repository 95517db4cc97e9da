//! Webhooks: the events of the root `x-webhooks` map (shaped like OpenAPI 3.1's `webhooks`), typed by their
//! bodies, and the signature scheme of `x-fincode-webhook-signature` that receivers verify.
//!
//! An event is one operation whose JSON request body is an object; the body carries the event's name in a
//! member every body shares (a required string enum listing that name) and the key to de-duplicate on.
//! What the runtime cannot verify (another algorithm, encoding or header layout) is a `codegen-unsupported`
//! finding at the member that says so. Without `x-fincode-webhook-signature` there is nothing to verify
//! deliveries by, and the events are left out.

use openapiv3::{PathItem, ReferenceOr, RequestBody};
use serde_json::{Map, Value};

use super::extensions;
use super::names::{camel, Ident, Namespace};
use super::types::Types;
use super::{doc_join, str_of, Ty, TypeKind};
use crate::load::Spec;
use crate::pointer;

/// Where the events are declared.
const EVENTS: &str = "/x-webhooks";
/// Where the signature scheme is declared.
const SCHEME: &str = "/x-fincode-webhook-signature";
/// The tolerance when the scheme gives none: five minutes.
const DEFAULT_TOLERANCE_SECONDS: u64 = 300;
/// The scheme's members; others (besides `x-` extensions) could change verification in ways the generator
/// would not know.
const SCHEME_MEMBERS: &[&str] = &[
    "description",
    "algorithm",
    "signature-header",
    "timestamp-header",
    "timestamp-format",
    "signed-payload",
    "encoding",
    "header-format",
    "tolerance-seconds",
    "dedupe-key",
];

/// The webhooks of an API.
#[derive(Debug, Clone)]
pub struct Webhooks {
    /// The events, in the spec's order.
    pub events: Vec<Event>,
    /// The name of the variant keeping events this version does not know.
    pub unknown: Ident,
    /// The body member naming the event.
    pub event_member: String,
    /// How deliveries are signed.
    pub signature: Signature,
    /// The envelope every body shares, when `x-fincode-envelopes` declares it (`webhook`).
    pub envelope: Option<Ty>,
}

/// One webhook event.
#[derive(Debug, Clone)]
pub struct Event {
    /// The event's name, as the body carries it (`transaction.created`).
    pub name: String,
    /// The variant of the event enum.
    pub variant: Ident,
    /// The body's type: a generated struct.
    pub ty: Ty,
    /// The Rust name of the body's de-duplication member.
    pub dedupe_field: Ident,
    /// Documentation: summary and description.
    pub doc: String,
    /// The body's example, when the spec gives one.
    pub example: Option<Value>,
}

/// How deliveries are signed.
#[derive(Debug, Clone)]
pub struct Signature {
    /// The header carrying the `label=<hex>` entries.
    pub signature_header: String,
    /// The header carrying the signing time in Unix seconds.
    pub timestamp_header: String,
    /// The label of the entries (`v1`).
    pub label: String,
    /// The signed payload, in order.
    pub signed_payload: Vec<SignedPart>,
    /// How far a timestamp may be from the receiver's clock, in seconds.
    pub tolerance_seconds: u64,
    /// The body member to de-duplicate on.
    pub dedupe_member: String,
    /// The scheme's description.
    pub description: Option<String>,
}

/// A part of the signed payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignedPart {
    /// The timestamp header's value.
    Timestamp,
    /// The raw body.
    Body,
    /// Fixed text.
    Text(String),
}

/// The webhooks the spec declares, or `None` without `x-webhooks` and its signature scheme, or when findings
/// were recorded.
///
/// Events are generated only with a signature scheme to verify them by: `x-webhooks` alone (Redoc's convention
/// for OpenAPI 3.0, which GitHub's description follows with events told apart by a header) is left out.
pub fn build(spec: &Spec, types: &mut Types) -> Option<Webhooks> {
    let declared = extensions::webhooks(&spec.value)?;
    extensions::webhook_signature(&spec.value)?;
    let Some(map) = declared.as_object() else {
        types
            .findings
            .unsupported(EVENTS, "`x-webhooks` must map event names to path items");
        return None;
    };
    let signature = signature(spec, types);
    // Bodies are checked for the de-duplication member even when the rest of the scheme is refused.
    let dedupe_member = extensions::webhook_dedupe_key(&spec.value);
    let mut variants = Namespace::with_reserved(&["Unknown"]);
    let mut events = Vec::new();
    let mut members: Option<Vec<String>> = None;
    let mut complete = true;
    for (name, item) in map {
        let at = pointer::push(EVENTS, name);
        let claimed = variants.claim(&camel(name));
        let Some(variant) = types.findings.ident(claimed, &at) else {
            complete = false;
            continue;
        };
        let Some((event, naming)) = event(types, name, variant, item, &at, dedupe_member) else {
            complete = false;
            continue;
        };
        // The members that name this event; the one every event has names the event of any body.
        members = Some(match members {
            None => naming,
            Some(before) => before.into_iter().filter(|m| naming.contains(m)).collect(),
        });
        events.push(event);
    }
    let envelope = envelope(spec, types);
    let signature = signature?;
    if !complete {
        return None;
    }
    let Some(event_member) = members.and_then(|m| m.into_iter().next()) else {
        types.findings.unsupported(
            EVENTS,
            "no body member names the event in every webhook: each body needs the same required member, a string enum listing the event's name",
        );
        return None;
    };
    Some(Webhooks {
        events,
        unknown: types.findings.ident(Ident::new("Unknown"), EVENTS)?,
        event_member,
        signature,
        envelope,
    })
}

/// One event, with the members of its body that name it; `None` after recording why it cannot be typed.
fn event(
    types: &mut Types,
    name: &str,
    variant: Ident,
    item: &Value,
    at: &str,
    dedupe_member: Option<&str>,
) -> Option<(Event, Vec<String>)> {
    let item: PathItem = match item.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            types
                .refs
                .deref::<PathItem>(reference, at, "is not a path item", &mut types.findings)?
                .0
        }
        None => match serde_json::from_value(item.clone()) {
            Ok(item) => item,
            Err(e) => {
                types
                    .findings
                    .unsupported(at, format!("webhook `{name}` is not a path item: {e}"));
                return None;
            }
        },
    };
    let operations: Vec<(&str, &openapiv3::Operation)> = item.iter().collect();
    let [(method, op)] = operations.as_slice() else {
        types.findings.unsupported(
            at,
            format!("webhook `{name}` must have exactly one operation, the request the API sends"),
        );
        return None;
    };
    let body_at = pointer::push(&pointer::push(at, method), "requestBody");
    let body = match &op.request_body {
        None => {
            types.findings.unsupported(
                &pointer::push(at, method),
                format!("webhook `{name}` has no request body to type the event by"),
            );
            return None;
        }
        Some(ReferenceOr::Item(body)) => body.clone(),
        Some(ReferenceOr::Reference { reference }) => {
            let what = "is not a request body";
            types
                .refs
                .deref::<RequestBody>(reference, &body_at, what, &mut types.findings)?
                .0
        }
    };
    let json = body.content.iter().find(|(media, _)| {
        let essence = media
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        essence == "application/json" || essence.ends_with("+json")
    });
    let Some((media, content)) = json else {
        types.findings.unsupported(
            &pointer::push(&body_at, "content"),
            format!("webhook `{name}` must have a JSON body"),
        );
        return None;
    };
    let schema_at = pointer::push(
        &pointer::push(&pointer::push(&body_at, "content"), media),
        "schema",
    );
    let Some(schema) = &content.schema else {
        types.findings.unsupported(
            &schema_at,
            format!("webhook `{name}` has no body schema to type the event by"),
        );
        return None;
    };
    let ty = types
        .ty(schema, &schema_at, &format!("{}Event", camel(name)))
        .required();
    let Some(fields) = types.table.fields(&ty).map(<[super::Field]>::to_vec) else {
        types.findings.unsupported(
            &schema_at,
            format!("the body of webhook `{name}` must be an object, to carry the event's name"),
        );
        return None;
    };
    let naming: Vec<String> = fields
        .iter()
        .filter(|f| f.required && lists(types, &f.ty, name))
        .map(|f| f.wire.clone())
        .collect();
    if naming.is_empty() {
        types.findings.unsupported(
            &schema_at,
            format!(
                "the body of webhook `{name}` has no member naming the event: a required string enum listing `{name}`"
            ),
        );
        return None;
    }
    let dedupe_member = dedupe_member?;
    let Some(dedupe) = fields
        .iter()
        .find(|f| f.wire == dedupe_member && f.required && f.ty == Ty::String)
    else {
        types.findings.unsupported(
            &schema_at,
            format!(
                "the body of webhook `{name}` must have a required string `{dedupe_member}` member, the key the signature scheme de-duplicates on"
            ),
        );
        return None;
    };
    let event = Event {
        name: name.to_owned(),
        variant,
        ty,
        dedupe_field: dedupe.name.clone(),
        doc: doc_join(&[op.summary.as_deref(), op.description.as_deref()]),
        example: content.example.clone().or_else(|| {
            content.examples.values().find_map(|e| match e {
                ReferenceOr::Item(e) => e.value.clone(),
                ReferenceOr::Reference { .. } => None,
            })
        }),
    };
    Some((event, naming))
}

/// Whether `ty` is a string enum with the value `value`.
fn lists(types: &Types, ty: &Ty, value: &str) -> bool {
    let mut ty = ty.clone().required();
    for _ in 0..8 {
        let Ty::Named(name) = &ty else {
            return false;
        };
        match types.table.def(name).map(|d| &d.kind) {
            Some(TypeKind::Enum { variants, .. }) => {
                return variants.iter().any(|v| v.wire == value)
            }
            Some(TypeKind::Alias(target)) => ty = target.clone().required(),
            _ => return false,
        }
    }
    false
}

/// The envelope `x-fincode-envelopes` declares for webhooks (`webhook`), if any.
fn envelope(spec: &Spec, types: &mut Types) -> Option<Ty> {
    let declared = extensions::envelope(&spec.value, "webhook")?;
    let at = "/x-fincode-envelopes/webhook";
    let name =
        extensions::envelope_key(declared).and_then(|key| types.table.component(&key).cloned());
    if name.is_none() {
        types.findings.unsupported(
            at,
            "the webhook envelope must be a `$ref` to a component schema",
        );
    }
    name.map(Ty::Named)
}

/// Reads the members of `x-fincode-webhook-signature`, recording a finding for each problem.
struct Reader<'m, 'a, 't> {
    map: &'m Map<String, Value>,
    types: &'t mut Types<'a>,
    ok: bool,
}

impl Reader<'_, '_, '_> {
    fn unsupported(&mut self, ptr: &str, message: String) {
        self.types.findings.unsupported(ptr, message);
        self.ok = false;
    }

    /// A string member; `None` (with a finding when `required`) when it is absent or not a non-empty string.
    fn text(&mut self, key: &str, required: bool) -> Option<String> {
        match self.map.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Some(_) => {
                self.unsupported(
                    &pointer::push(SCHEME, key),
                    format!("`{key}` must be a non-empty string"),
                );
                None
            }
            None if required => {
                self.unsupported(
                    SCHEME,
                    format!("the webhook signature scheme has no `{key}`"),
                );
                None
            }
            None => None,
        }
    }

    /// An optional string member that, when present, must be `expected` (compared without case).
    fn fixed(&mut self, key: &str, expected: &str, what: &str) {
        if let Some(value) = self.text(key, false) {
            if !value.eq_ignore_ascii_case(expected) {
                self.unsupported(
                    &pointer::push(SCHEME, key),
                    format!("{what} `{value}` is not supported: only `{expected}`"),
                );
            }
        }
    }

    fn header(&mut self, key: &str) -> Option<String> {
        let name = self.text(key, true)?;
        if !name.bytes().all(is_token_byte) {
            self.unsupported(
                &pointer::push(SCHEME, key),
                format!("`{name}` is not a valid header name"),
            );
            return None;
        }
        Some(name)
    }
}

/// The signature scheme, or `None` after recording why the runtime cannot verify it.
fn signature(spec: &Spec, types: &mut Types) -> Option<Signature> {
    let declared = extensions::webhook_signature(&spec.value)?;
    let Some(map) = declared.as_object() else {
        types
            .findings
            .unsupported(SCHEME, "the webhook signature scheme must be a map");
        return None;
    };
    let mut r = Reader {
        map,
        types,
        ok: true,
    };
    for key in map.keys() {
        if !SCHEME_MEMBERS.contains(&key.as_str()) && !key.starts_with("x-") {
            r.unsupported(
                &pointer::push(SCHEME, key),
                format!(
                    "unknown member `{key}`: the generator cannot tell how it changes verification"
                ),
            );
        }
    }
    if let Some(algorithm) = r.text("algorithm", true) {
        if !algorithm.eq_ignore_ascii_case("HMAC-SHA256") {
            r.unsupported(
                &pointer::push(SCHEME, "algorithm"),
                format!(
                    "webhook signatures by `{algorithm}` are not supported: only `HMAC-SHA256`"
                ),
            );
        }
    }
    r.fixed("encoding", "hex", "the signature encoding");
    r.fixed("timestamp-format", "unix-seconds", "the timestamp format");
    let signature_header = r.header("signature-header");
    let timestamp_header = r.header("timestamp-header");
    if let (Some(s), Some(t)) = (&signature_header, &timestamp_header) {
        if s.eq_ignore_ascii_case(t) {
            r.unsupported(
                &pointer::push(SCHEME, "timestamp-header"),
                "the timestamp and the signature must be in different headers".to_owned(),
            );
        }
    }
    let label = r.text("header-format", true).and_then(|format| {
        let label = label_of(&format);
        if label.is_none() {
            r.unsupported(
                &pointer::push(SCHEME, "header-format"),
                format!("the header format `{format}` is not supported: only `LABEL=<hex>` entries separated by commas"),
            );
        }
        label
    });
    let signed_payload = r.text("signed-payload", true).and_then(|template| {
        let parts = signed_parts(&template);
        if let Err(problem) = &parts {
            r.unsupported(&pointer::push(SCHEME, "signed-payload"), problem.clone());
        }
        parts.ok()
    });
    let tolerance_seconds = match map.get("tolerance-seconds") {
        None => Some(DEFAULT_TOLERANCE_SECONDS),
        Some(v) => {
            let seconds = v.as_u64();
            if seconds.is_none() {
                r.unsupported(
                    &pointer::push(SCHEME, "tolerance-seconds"),
                    "`tolerance-seconds` must be a whole, non-negative number of seconds"
                        .to_owned(),
                );
            }
            seconds
        }
    };
    let dedupe_member = r.text("dedupe-key", true);
    let description = str_of(map.get("description")).map(str::to_owned);
    if !r.ok {
        return None;
    }
    Some(Signature {
        signature_header: signature_header?,
        timestamp_header: timestamp_header?,
        label: label?,
        signed_payload: signed_payload?,
        tolerance_seconds: tolerance_seconds?,
        dedupe_member: dedupe_member?,
        description,
    })
}

/// The label of a header format `LABEL=<hex>` or `LABEL=<hex>[,LABEL=<hex>...]`.
fn label_of(format: &str) -> Option<String> {
    let (label, value) = format.split_once('=')?;
    let valid = !label.is_empty()
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    let one = "<hex>";
    let many = format!("<hex>[,{label}=<hex>...]");
    (valid && (value == one || value == many)).then(|| label.to_owned())
}

/// The parts of a signed-payload template such as `{timestamp}.{body}`.
fn signed_parts(template: &str) -> Result<Vec<SignedPart>, String> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        if open > 0 {
            parts.push(SignedPart::Text(rest[..open].to_owned()));
        }
        match &rest[open + 1..close] {
            "timestamp" => parts.push(SignedPart::Timestamp),
            "body" => parts.push(SignedPart::Body),
            other => {
                return Err(format!(
                    "`{{{other}}}` in the signed payload is not supported: only `{{timestamp}}` and `{{body}}`"
                ))
            }
        }
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(SignedPart::Text(rest.to_owned()));
    }
    let count = |part: &SignedPart| parts.iter().filter(|p| *p == part).count();
    if count(&SignedPart::Timestamp) != 1 || count(&SignedPart::Body) != 1 {
        return Err(
            "the signed payload must contain `{timestamp}` and `{body}` once each".to_owned(),
        );
    }
    Ok(parts)
}

/// Whether a byte may appear in a header name (an RFC 9110 token).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::{label_of, signed_parts, SignedPart};

    const EVENT: &str = "openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
x-webhooks:
  thing.done:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [event, event_id]
              properties:
                event: {type: string, enum: [thing.done]}
                event_id: {type: string}
      responses: {'200': {description: ok}}
";

    #[test]
    fn webhooks_without_a_signature_scheme_are_left_out() {
        let generation = crate::generate("spec.yaml", EVENT, &crate::Config::new("t"));
        let files = generation.map_err(|r| r.to_string()).map(|g| g.files);
        let paths: Vec<String> = match files {
            Ok(files) => files.into_iter().map(|f| f.path).collect(),
            Err(report) => panic!("refused: {report}"),
        };
        assert!(paths.iter().any(|p| p == "src/lib.rs"), "{paths:?}");
        assert!(paths.iter().all(|p| p != "src/webhooks.rs"), "{paths:?}");
    }

    #[test]
    fn a_spec_without_webhooks_gets_no_module() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
        let generation = crate::generate("spec.yaml", text, &crate::Config::new("t"));
        let files = generation.map(|g| g.files).unwrap_or_default();
        assert!(files.iter().any(|f| f.path == "src/lib.rs"));
        assert!(files.iter().all(|f| f.path != "src/webhooks.rs"));
        assert!(files
            .iter()
            .all(|f| f.path != "src/lib.rs" || !f.contents.contains("webhooks")));
    }

    #[test]
    fn a_minimal_scheme_takes_its_defaults() {
        let text = format!(
            "{EVENT}x-fincode-webhook-signature:
  algorithm: HMAC-SHA256
  signature-header: Sig
  timestamp-header: Ts
  signed-payload: '{{timestamp}}.{{body}}'
  header-format: 'v1=<hex>'
  dedupe-key: event_id
"
        );
        let generation = crate::generate("spec.yaml", &text, &crate::Config::new("t"));
        let module = generation
            .map_err(|r| r.to_string())
            .map(|g| g.files.into_iter().find(|f| f.path == "src/webhooks.rs"));
        let contents = match module {
            Ok(Some(file)) => file.contents,
            other => panic!("no webhooks module: {other:?}"),
        };
        assert!(contents.contains("tolerance_seconds: 300,"), "{contents}");
        assert!(
            contents.contains("ThingDone(crate::types::ThingDoneEvent)"),
            "{contents}"
        );
    }

    #[test]
    fn header_formats() {
        assert_eq!(label_of("v1=<hex>").as_deref(), Some("v1"));
        assert_eq!(label_of("v1=<hex>[,v1=<hex>...]").as_deref(), Some("v1"));
        assert_eq!(label_of("sha256=<hex>").as_deref(), Some("sha256"));
        assert_eq!(label_of("v1=<hex>[,v2=<hex>...]"), None);
        assert_eq!(label_of("t=<ts>,v1=<hex>"), None);
        assert_eq!(label_of("=<hex>"), None);
        assert_eq!(label_of("<hex>"), None);
        assert_eq!(label_of("v 1=<hex>"), None);
    }

    #[test]
    fn signed_payload_templates() {
        assert_eq!(
            signed_parts("{timestamp}.{body}"),
            Ok(vec![
                SignedPart::Timestamp,
                SignedPart::Text(".".to_owned()),
                SignedPart::Body
            ])
        );
        assert_eq!(
            signed_parts("v0:{timestamp}:{body}:end"),
            Ok(vec![
                SignedPart::Text("v0:".to_owned()),
                SignedPart::Timestamp,
                SignedPart::Text(":".to_owned()),
                SignedPart::Body,
                SignedPart::Text(":end".to_owned()),
            ])
        );
        assert!(signed_parts("{body}").is_err());
        assert!(signed_parts("{timestamp}{body}{body}").is_err());
        assert_eq!(
            signed_parts("{timestamp}.{url}.{body}"),
            Err(
                "`{url}` in the signed payload is not supported: only `{timestamp}` and `{body}`"
                    .to_owned()
            )
        );
    }
}
