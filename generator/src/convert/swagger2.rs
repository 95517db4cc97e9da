//! Swagger 2.0 into OpenAPI 3.0.
//!
//! - `host`, `basePath` and `schemes` are `servers`;
//! - `definitions`, non-body `parameters`, `responses` and `securityDefinitions` move under `components`, and
//!   every `$ref` to them follows (references inside `x-` extensions are left as they are);
//! - a `body` parameter is the operation's `requestBody`, with one media type per `consumes` entry;
//!   `formData` parameters are the properties of an `application/x-www-form-urlencoded` or
//!   `multipart/form-data` body (multipart when one of them is a `file`);
//! - a parameter's `type`, `format`, `items`, `enum`, bounds and `default` are its `schema`, and its
//!   `collectionFormat` its `style` and `explode`;
//! - a response's `schema` is its content, once per `produces` entry, and its `examples` their `example`;
//! - in schemas, `type: file` is a binary string, `x-nullable` is `nullable`, and a `discriminator` naming a
//!   member is an object with that `propertyName`;
//! - `basic` security is `http` with scheme `basic`; OAuth 2 flows get 3.0's names.
//!
//! Refused, with a finding where it is written: `collectionFormat: tsv`, and a `file` parameter outside
//! `formData`.

use serde_json::{json, Map, Value};

use super::{at, names_map, Conversion};
use crate::ir::extensions;
use crate::pointer;
use crate::METHODS;

/// The members of a parameter or header that describe its value, and so belong to its schema in 3.0.
const VALUE_KEYWORDS: [&str; 17] = [
    "type",
    "format",
    "items",
    "enum",
    "default",
    "maximum",
    "minimum",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
    "x-nullable",
];

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

/// The media types of a `consumes` or `produces` list.
fn media_types(list: Option<&Value>) -> Option<Vec<String>> {
    let types: Vec<String> = list?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    (!types.is_empty()).then_some(types)
}

/// Rewrites the Swagger 2.0 document `doc` into OpenAPI 3.0.3.
pub(crate) fn convert(doc: &mut Map<String, Value>) -> Conversion {
    let mut out = Conversion::default();
    doc.remove("swagger");
    let mut converted = Map::new();
    converted.insert("openapi".into(), json!("3.0.3"));
    let consumes = media_types(doc.get("consumes")).unwrap_or_else(|| vec![JSON.to_owned()]);
    let produces = media_types(doc.get("produces")).unwrap_or_else(|| vec![JSON.to_owned()]);
    let globals = doc
        .get("parameters")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();

    let servers = servers(doc);
    let original = std::mem::take(doc);
    for (key, value) in &original {
        match key.as_str() {
            "host" | "basePath" | "schemes" | "consumes" | "produces" | "paths" => {}
            "definitions" | "parameters" | "responses" | "securityDefinitions" => {}
            _ => {
                converted.insert(key.clone(), value.clone());
            }
        }
    }
    *doc = converted;
    if let Some(servers) = servers {
        doc.insert("servers".into(), servers);
        out.moved("/servers".into(), "/host".into());
    }

    let mut components = Map::new();
    if let Some(Value::Object(definitions)) = original.get("definitions") {
        let mut schemas = Map::new();
        for (name, s) in definitions {
            let mut s = s.clone();
            schema(&mut s);
            schemas.insert(name.clone(), s);
        }
        components.insert("schemas".into(), Value::Object(schemas));
        out.moved("/components/schemas".into(), "/definitions".into());
    }
    let mut parameters = Map::new();
    for (name, p) in &globals {
        if !matches!(
            p.get("in").and_then(Value::as_str),
            Some("body" | "formData")
        ) {
            let here = at("/parameters", &[name]);
            parameters.insert(name.clone(), parameter(p.clone(), &here, &mut out));
        }
    }
    if !parameters.is_empty() {
        components.insert("parameters".into(), Value::Object(parameters));
        out.moved("/components/parameters".into(), "/parameters".into());
    }
    if let Some(Value::Object(responses)) = original.get("responses") {
        let mut converted = Map::new();
        for (name, r) in responses {
            let here = at("/components/responses", &[name]);
            converted.insert(
                name.clone(),
                response(r.clone(), &produces, &here, &mut out),
            );
        }
        components.insert("responses".into(), Value::Object(converted));
        out.moved("/components/responses".into(), "/responses".into());
    }
    if let Some(Value::Object(schemes)) = original.get("securityDefinitions") {
        let converted: Map<String, Value> = schemes
            .iter()
            .map(|(name, s)| (name.clone(), security_scheme(s.clone())))
            .collect();
        components.insert("securitySchemes".into(), Value::Object(converted));
        out.moved(
            "/components/securitySchemes".into(),
            "/securityDefinitions".into(),
        );
    }
    if !components.is_empty() {
        doc.insert("components".into(), Value::Object(components));
    }

    let mut paths = original.get("paths").cloned().unwrap_or_else(|| json!({}));
    if let Value::Object(items) = &mut paths {
        let context = Context {
            consumes: &consumes,
            produces: &produces,
            globals: &globals,
        };
        for (path, item) in items.iter_mut().filter(|(k, _)| !k.starts_with("x-")) {
            path_item(item, &at("/paths", &[path]), &context, &mut out);
        }
    }
    doc.insert("paths".into(), paths);
    for (key, value) in doc.iter_mut() {
        if extensions::is_structure(key) {
            references(value, names_map(key));
        }
    }
    out
}

/// `servers` from `host`, `basePath` and `schemes`, if any of them is given.
fn servers(doc: &Map<String, Value>) -> Option<Value> {
    let host = doc.get("host").and_then(Value::as_str);
    let base = doc.get("basePath").and_then(Value::as_str).unwrap_or("");
    if host.is_none() && base.is_empty() {
        return None;
    }
    let base = base.trim_end_matches('/');
    let Some(host) = host else {
        return Some(json!([{ "url": if base.is_empty() { "/" } else { base } }]));
    };
    let schemes: Vec<&str> = doc
        .get("schemes")
        .and_then(Value::as_array)
        .map(|s| s.iter().filter_map(Value::as_str).collect())
        .filter(|s: &Vec<&str>| !s.is_empty())
        .unwrap_or_else(|| vec!["https"]);
    Some(Value::Array(
        schemes
            .iter()
            .map(|scheme| json!({ "url": format!("{scheme}://{host}{base}") }))
            .collect(),
    ))
}

/// What operations inherit from the document.
struct Context<'a> {
    consumes: &'a [String],
    produces: &'a [String],
    globals: &'a Map<String, Value>,
}

impl Context<'_> {
    /// A parameter, with a reference to a document-level parameter read through; its pointer in the source.
    fn resolve(&self, p: &Value, here: &str) -> (Value, String) {
        if let Some(name) = p
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/parameters/"))
        {
            let name = name.replace("~1", "/").replace("~0", "~");
            if let Some(target) = self.globals.get(&name) {
                return (target.clone(), at("/parameters", &[&name]));
            }
        }
        (p.clone(), here.to_owned())
    }
}

fn path_item(item: &mut Value, here: &str, context: &Context<'_>, out: &mut Conversion) {
    let Value::Object(item) = item else {
        return;
    };
    // Body and form parameters of the path item apply to each operation; the others stay where they are.
    let (shared_bodies, kept) = split_parameters(
        item.get("parameters"),
        &pointer::push(here, "parameters"),
        context,
        out,
    );
    if kept.is_empty() {
        item.remove("parameters");
    } else {
        item.insert("parameters".into(), Value::Array(kept));
    }
    for method in METHODS {
        if let Some(op) = item.get_mut(method) {
            operation(
                op,
                &pointer::push(here, method),
                &shared_bodies,
                context,
                out,
            );
        }
    }
}

/// A parameter list split into its body and form parameters (with their pointers in the source) and the
/// others, converted, with where each was written.
fn split_parameters(
    list: Option<&Value>,
    here: &str,
    context: &Context<'_>,
    out: &mut Conversion,
) -> (Vec<(Value, String)>, Vec<Value>) {
    let mut bodies = Vec::new();
    let mut kept = Vec::new();
    let Some(Value::Array(list)) = list else {
        return (bodies, kept);
    };
    for (i, p) in list.iter().enumerate() {
        let written = pointer::push_index(here, i);
        let (resolved, from) = context.resolve(p, &written);
        match resolved.get("in").and_then(Value::as_str) {
            Some("body" | "formData") => bodies.push((resolved, from)),
            _ => {
                let new = pointer::push_index(here, kept.len());
                out.moved(new.clone(), written.clone());
                if p.get("$ref").is_some() {
                    kept.push(p.clone());
                } else {
                    kept.push(parameter(p.clone(), &written, out));
                }
            }
        }
    }
    (bodies, kept)
}

fn operation(
    op: &mut Value,
    here: &str,
    shared_bodies: &[(Value, String)],
    context: &Context<'_>,
    out: &mut Conversion,
) {
    let Value::Object(op) = op else {
        return;
    };
    let consumes =
        media_types(op.remove("consumes").as_ref()).unwrap_or_else(|| context.consumes.to_vec());
    let produces =
        media_types(op.remove("produces").as_ref()).unwrap_or_else(|| context.produces.to_vec());
    let (mut bodies, kept) = split_parameters(
        op.get("parameters"),
        &pointer::push(here, "parameters"),
        context,
        out,
    );
    if kept.is_empty() {
        op.remove("parameters");
    } else {
        op.insert("parameters".into(), Value::Array(kept));
    }
    // An operation's own body or form parameter replaces the path item's one of the same name.
    for (shared, from) in shared_bodies {
        let name = shared.get("name");
        if !bodies.iter().any(|(b, _)| b.get("name") == name) {
            bodies.push((shared.clone(), from.clone()));
        }
    }
    if let Some(body) = request_body(&bodies, &consumes, &pointer::push(here, "requestBody"), out) {
        op.insert("requestBody".into(), body);
    }
    if let Some(Value::Object(responses)) = op.get_mut("responses") {
        for (code, r) in responses.iter_mut().filter(|(k, _)| !k.starts_with("x-")) {
            if r.get("$ref").is_none() {
                let r_at = at(here, &["responses", code]);
                *r = response(std::mem::take(r), &produces, &r_at, out);
            }
        }
    }
}

/// The request body of an operation's `body` or `formData` parameters.
fn request_body(
    bodies: &[(Value, String)],
    consumes: &[String],
    here: &str,
    out: &mut Conversion,
) -> Option<Value> {
    if let Some((body, from)) = bodies
        .iter()
        .find(|(b, _)| b.get("in").and_then(Value::as_str) == Some("body"))
    {
        let mut s = body.get("schema").cloned().unwrap_or_else(|| json!({}));
        schema(&mut s);
        let mut content = Map::new();
        for media in consumes {
            out.moved(
                at(here, &["content", media, "schema"]),
                pointer::push(from, "schema"),
            );
            content.insert(media.clone(), json!({ "schema": s }));
        }
        out.moved(here.to_owned(), from.clone());
        let mut request = json!({ "content": content });
        for key in ["description", "required"] {
            if let Some(v) = body.get(key) {
                request[key] = v.clone();
            }
        }
        return Some(request);
    }
    if bodies.is_empty() {
        return None;
    }
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut files = false;
    let mut written = Vec::new();
    for (p, from) in bodies {
        let Some(name) = p.get("name").and_then(Value::as_str) else {
            continue;
        };
        let mut s = p.as_object().map(value_schema).unwrap_or_default();
        if s.get("type").and_then(Value::as_str) == Some("string")
            && s.get("format").and_then(Value::as_str) == Some("binary")
        {
            files = true;
        }
        if let Some(d) = p.get("description") {
            s.insert("description".into(), d.clone());
        }
        if p.get("required") == Some(&Value::Bool(true)) {
            required.push(Value::String(name.to_owned()));
        }
        written.push((name.to_owned(), from.clone()));
        properties.insert(name.to_owned(), Value::Object(s));
    }
    let forms: Vec<&String> = consumes
        .iter()
        .filter(|m| {
            let m = m.split(';').next().unwrap_or_default().trim();
            m == FORM || m == MULTIPART
        })
        .collect();
    let media: Vec<String> =
        if forms.is_empty() || (files && !forms.iter().any(|m| *m == MULTIPART)) {
            vec![if files { MULTIPART } else { FORM }.to_owned()]
        } else {
            forms.into_iter().cloned().collect()
        };
    let mut schema = json!({ "type": "object", "properties": properties });
    if !required.is_empty() {
        schema["required"] = Value::Array(required.clone());
    }
    let mut content = Map::new();
    for m in media {
        for (name, from) in &written {
            out.moved(
                at(here, &["content", &m, "schema", "properties", name]),
                from.clone(),
            );
        }
        content.insert(m, json!({ "schema": schema }));
    }
    let mut request = json!({ "content": content });
    if !required.is_empty() {
        request["required"] = Value::Bool(true);
    }
    Some(request)
}

/// A non-body parameter: its value keywords moved into `schema`, its `collectionFormat` a style.
fn parameter(p: Value, here: &str, out: &mut Conversion) -> Value {
    let Value::Object(mut p) = p else {
        return p;
    };
    if p.contains_key("$ref") {
        return Value::Object(p);
    }
    let location = p
        .get("in")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let s = value_schema(&p);
    if s.get("format").and_then(Value::as_str) == Some("binary")
        && p.get("type").and_then(Value::as_str) == Some("file")
    {
        out.refuse(
            pointer::push(here, "type"),
            format!("a `file` parameter must be in `formData`, not in `{location}`"),
        );
    }
    if let Some(format) = p.remove("collectionFormat") {
        match format.as_str() {
            Some("csv") if location == "query" || location == "cookie" => {
                p.insert("style".into(), json!("form"));
                p.insert("explode".into(), json!(false));
            }
            Some("multi") => {
                p.insert("style".into(), json!("form"));
                p.insert("explode".into(), json!(true));
            }
            Some("ssv") => {
                p.insert("style".into(), json!("spaceDelimited"));
                p.insert("explode".into(), json!(false));
            }
            Some("pipes") => {
                p.insert("style".into(), json!("pipeDelimited"));
                p.insert("explode".into(), json!(false));
            }
            Some("csv") | None => {}
            Some(other) => out.refuse(
                pointer::push(here, "collectionFormat"),
                format!("`collectionFormat: {other}` has no OpenAPI 3.0 equivalent: use `csv`, `ssv`, `pipes` or `multi`"),
            ),
        }
    }
    for key in VALUE_KEYWORDS {
        p.remove(key);
    }
    p.remove("allowEmptyValue")
        .filter(|_| location == "query")
        .map(|v| p.insert("allowEmptyValue".into(), v));
    out.moved(pointer::push(here, "schema"), here.to_owned());
    p.insert("schema".into(), Value::Object(s));
    Value::Object(p)
}

/// The schema of a parameter's or header's value keywords.
fn value_schema(p: &Map<String, Value>) -> Map<String, Value> {
    let mut s = Map::new();
    for key in VALUE_KEYWORDS {
        if let Some(v) = p.get(key) {
            s.insert(key.to_owned(), v.clone());
        }
    }
    let mut s = Value::Object(s);
    schema(&mut s);
    match s {
        Value::Object(s) => s,
        _ => Map::new(),
    }
}

/// A response: its schema as content of each media type it may be, its headers' value keywords as schemas.
fn response(r: Value, produces: &[String], here: &str, out: &mut Conversion) -> Value {
    let Value::Object(mut r) = r else {
        return r;
    };
    if r.contains_key("$ref") {
        return Value::Object(r);
    }
    let examples = r.remove("examples");
    if let Some(mut s) = r.remove("schema") {
        schema(&mut s);
        let mut content = Map::new();
        for media in produces {
            let mut entry = json!({ "schema": s });
            if let Some(example) = examples.as_ref().and_then(|e| e.get(media)) {
                entry["example"] = example.clone();
            }
            out.moved(
                at(here, &["content", media, "schema"]),
                pointer::push(here, "schema"),
            );
            content.insert(media.clone(), entry);
        }
        r.insert("content".into(), Value::Object(content));
    }
    if let Some(Value::Object(headers)) = r.get_mut("headers") {
        for (name, h) in headers.iter_mut() {
            if let Value::Object(map) = h {
                if map.contains_key("$ref") {
                    continue;
                }
                let s = value_schema(map);
                for key in VALUE_KEYWORDS {
                    map.remove(key);
                }
                map.remove("collectionFormat");
                map.insert("schema".into(), Value::Object(s));
                out.moved(
                    at(here, &["headers", name, "schema"]),
                    at(here, &["headers", name]),
                );
            }
        }
    }
    r.entry("description").or_insert_with(|| json!(""));
    Value::Object(r)
}

/// A security definition as a 3.0 security scheme.
fn security_scheme(s: Value) -> Value {
    let Value::Object(mut s) = s else {
        return s;
    };
    match s.get("type").and_then(Value::as_str) {
        Some("basic") => {
            s.insert("type".into(), json!("http"));
            s.insert("scheme".into(), json!("basic"));
        }
        Some("oauth2") => {
            let flow = s.remove("flow");
            let mut details = Map::new();
            for key in ["authorizationUrl", "tokenUrl"] {
                if let Some(v) = s.remove(key) {
                    details.insert(key.into(), v);
                }
            }
            details.insert(
                "scopes".into(),
                s.remove("scopes").unwrap_or_else(|| json!({})),
            );
            let name = match flow.as_ref().and_then(Value::as_str) {
                Some("password") => "password",
                Some("application") => "clientCredentials",
                Some("accessCode") => "authorizationCode",
                _ => "implicit",
            };
            s.insert("flows".into(), json!({ name: details }));
        }
        _ => {}
    }
    Value::Object(s)
}

/// A Swagger 2.0 schema in 3.0 terms: `file` is a binary string, `x-nullable` is `nullable`, a named
/// `discriminator` has a `propertyName`; the schemas inside too.
fn schema(value: &mut Value) {
    let Value::Object(map) = value else {
        return;
    };
    if map.get("type").and_then(Value::as_str) == Some("file") {
        map.insert("type".into(), json!("string"));
        map.insert("format".into(), json!("binary"));
    }
    if let Some(nullable) = map.remove("x-nullable") {
        map.insert("nullable".into(), nullable);
    }
    if let Some(Value::String(member)) = map.get("discriminator").cloned() {
        map.insert("discriminator".into(), json!({ "propertyName": member }));
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(sub) = map.get_mut(key) {
            schema(sub);
        }
    }
    if let Some(Value::Object(members)) = map.get_mut("properties") {
        for sub in members.values_mut() {
            schema(sub);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = map.get_mut(key) {
            for sub in branches {
                schema(sub);
            }
        }
    }
}

/// Every `$ref` to `definitions`, `parameters` or `responses` made one to `components`; examples and
/// extensions are left alone.
fn references(value: &mut Value, names: bool) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if names {
                    references(child, false);
                    continue;
                }
                match key.as_str() {
                    "$ref" => {
                        if let Value::String(r) = child {
                            for (from, to) in [
                                ("#/definitions/", "#/components/schemas/"),
                                ("#/parameters/", "#/components/parameters/"),
                                ("#/responses/", "#/components/responses/"),
                            ] {
                                if let Some(rest) = r.strip_prefix(from) {
                                    *r = format!("{to}{rest}");
                                    break;
                                }
                            }
                        }
                    }
                    k if !extensions::is_structure(k) => {}
                    "example" | "examples" | "default" | "enum" => {}
                    k => references(child, names_map(k)),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| references(item, false)),
        _ => {}
    }
}
