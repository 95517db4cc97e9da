//! Finds every schema and every example of a document, with their JSON pointers.
//!
//! The walk follows the OpenAPI 3.0 structure of `paths`, `x-webhooks` (shaped like `paths`) and `components`.
//! It tolerates any shape: what is not where OpenAPI puts it is skipped, never a panic.

use serde_json::Value;

use crate::pointer::{self, push};
use crate::METHODS;

/// Every schema object of the document (a `$ref`-only schema included).
pub(crate) struct SchemaSite<'a> {
    pub pointer: String,
    pub schema: &'a Value,
}

/// An example value and the schema it must match.
pub(crate) struct ExampleSite<'a> {
    /// Where the example is applied (the `example` member or the entry of `examples`).
    pub pointer: String,
    /// The example value, with `$ref`s to `components/examples` followed.
    pub value: &'a Value,
    /// The pointer of the schema that the value must match.
    pub schema_pointer: String,
    /// The `components/examples` entry the value comes from, if any.
    pub via: Option<String>,
}

#[derive(Default)]
pub(crate) struct Walk<'a> {
    pub schemas: Vec<SchemaSite<'a>>,
    pub examples: Vec<ExampleSite<'a>>,
}

pub(crate) fn walk(doc: &Value) -> Walk<'_> {
    let mut w = Walker {
        doc,
        out: Walk::default(),
    };
    for root in ["paths", "x-webhooks"] {
        for (name, item) in entries(doc.get(root)) {
            w.path_item(&push(&push("", root), name), item);
        }
    }
    let components = doc.get("components");
    let at = |kind: &str| push("/components", kind);
    for (name, s) in entries(components.and_then(|c| c.get("schemas"))) {
        w.schema(&push(&at("schemas"), name), s);
    }
    for (name, p) in entries(components.and_then(|c| c.get("parameters"))) {
        w.parameter(&push(&at("parameters"), name), p);
    }
    for (name, h) in entries(components.and_then(|c| c.get("headers"))) {
        w.parameter(&push(&at("headers"), name), h);
    }
    for (name, b) in entries(components.and_then(|c| c.get("requestBodies"))) {
        w.content(
            &push(&push(&at("requestBodies"), name), "content"),
            b.get("content"),
        );
    }
    for (name, r) in entries(components.and_then(|c| c.get("responses"))) {
        w.response(&push(&at("responses"), name), r);
    }
    for (name, cb) in entries(components.and_then(|c| c.get("callbacks"))) {
        w.callback(&push(&at("callbacks"), name), cb);
    }
    w.out
}

pub(crate) use crate::check::entries;

fn is_ref(v: &Value) -> bool {
    v.get("$ref").is_some()
}

struct Walker<'a> {
    doc: &'a Value,
    out: Walk<'a>,
}

impl<'a> Walker<'a> {
    fn path_item(&mut self, at: &str, item: &'a Value) {
        if is_ref(item) {
            return;
        }
        self.parameters(at, item);
        for method in METHODS {
            if let Some(op) = item.get(method) {
                self.operation(&push(at, method), op);
            }
        }
    }

    fn operation(&mut self, at: &str, op: &'a Value) {
        self.parameters(at, op);
        if let Some(body) = op.get("requestBody").filter(|b| !is_ref(b)) {
            self.content(
                &push(&push(at, "requestBody"), "content"),
                body.get("content"),
            );
        }
        for (code, r) in entries(op.get("responses")) {
            self.response(&push(&push(at, "responses"), code), r);
        }
        for (name, cb) in entries(op.get("callbacks")) {
            self.callback(&push(&push(at, "callbacks"), name), cb);
        }
    }

    fn callback(&mut self, at: &str, cb: &'a Value) {
        if is_ref(cb) {
            return;
        }
        for (expr, item) in entries(Some(cb)) {
            self.path_item(&push(at, expr), item);
        }
    }

    fn parameters(&mut self, at: &str, owner: &'a Value) {
        let list = owner.get("parameters").and_then(Value::as_array);
        for (i, p) in list.into_iter().flatten().enumerate() {
            self.parameter(&pointer::push_index(&push(at, "parameters"), i), p);
        }
    }

    /// A parameter or a header: a `schema` with `example`/`examples`, or a `content` map.
    fn parameter(&mut self, at: &str, p: &'a Value) {
        if is_ref(p) {
            return;
        }
        if let Some(schema) = p.get("schema") {
            let schema_at = push(at, "schema");
            self.schema(&schema_at, schema);
            self.examples_of(at, p, &schema_at);
        }
        self.content(&push(at, "content"), p.get("content"));
    }

    fn response(&mut self, at: &str, r: &'a Value) {
        if is_ref(r) {
            return;
        }
        for (name, h) in entries(r.get("headers")) {
            self.parameter(&push(&push(at, "headers"), name), h);
        }
        self.content(&push(at, "content"), r.get("content"));
    }

    fn content(&mut self, at: &str, content: Option<&'a Value>) {
        for (media, m) in entries(content) {
            let media_at = push(at, media);
            if let Some(schema) = m.get("schema") {
                let schema_at = push(&media_at, "schema");
                self.schema(&schema_at, schema);
                self.examples_of(&media_at, m, &schema_at);
            }
            for (name, enc) in entries(m.get("encoding")) {
                for (h, header) in entries(enc.get("headers")) {
                    let enc_at = push(&push(&media_at, "encoding"), name);
                    self.parameter(&push(&push(&enc_at, "headers"), h), header);
                }
            }
        }
    }

    /// The `example` and `examples` of a parameter, header or media type.
    fn examples_of(&mut self, at: &str, owner: &'a Value, schema_at: &str) {
        if let Some(value) = owner.get("example") {
            self.out.examples.push(ExampleSite {
                pointer: push(at, "example"),
                value,
                schema_pointer: schema_at.to_owned(),
                via: None,
            });
        }
        for (name, ex) in entries(owner.get("examples")) {
            let (ex, via) = match ex.get("$ref").and_then(Value::as_str) {
                Some(r) => match pointer::resolve(self.doc, r) {
                    Some(target) => (target, Some(r.to_owned())),
                    None => continue,
                },
                None => (ex, None),
            };
            if let Some(value) = ex.get("value") {
                self.out.examples.push(ExampleSite {
                    pointer: push(&push(at, "examples"), name),
                    value,
                    schema_pointer: schema_at.to_owned(),
                    via,
                });
            }
        }
    }

    fn schema(&mut self, at: &str, s: &'a Value) {
        if !s.is_object() {
            return;
        }
        self.out.schemas.push(SchemaSite {
            pointer: at.to_owned(),
            schema: s,
        });
        if is_ref(s) {
            return;
        }
        if let Some(value) = s.get("example") {
            self.out.examples.push(ExampleSite {
                pointer: push(at, "example"),
                value,
                schema_pointer: at.to_owned(),
                via: None,
            });
        }
        for (name, p) in entries(s.get("properties")) {
            self.schema(&push(&push(at, "properties"), name), p);
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(sub) = s.get(key) {
                self.schema(&push(at, key), sub);
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            let list = s.get(key).and_then(Value::as_array);
            for (i, sub) in list.into_iter().flatten().enumerate() {
                self.schema(&pointer::push_index(&push(at, key), i), sub);
            }
        }
    }
}
