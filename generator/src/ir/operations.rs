//! Operations, their groups, security schemes and servers.

use std::collections::BTreeMap;

use heck::ToShoutySnakeCase;
use openapiv3::{
    MediaType, OpenAPI, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody,
    Response, Schema, SchemaKind, SecurityScheme, StatusCode,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::extensions;
use super::names::{self, bare, camel, snake, Ident, InvalidName, Namespace};
use super::reserved;
use super::resolve::component_key;
use super::types::Types;
use super::{
    doc_join, Body, BodyKind, Group, Operation, Param, ParamIn, ResponseDef, Scheme, SchemeKind,
    Server, Shape, Ty,
};
use crate::load::Spec;
use crate::pointer;

/// The envelopes the spec declares in `x-fincode-envelopes`, by component key.
#[derive(Debug, Default)]
pub struct Envelopes {
    request: Option<String>,
    success: Option<String>,
    status: Option<String>,
    /// The type of `error.code` in the error envelope.
    pub error_code: Option<Ty>,
}

impl Envelopes {
    /// Reads the envelope declarations.
    pub fn read(spec: &Spec, types: &mut Types) -> Self {
        let key =
            |kind: &str| extensions::envelope(&spec.value, kind).and_then(extensions::envelope_key);
        let mut envelopes = Envelopes {
            request: key("request"),
            success: key("success"),
            status: key("status"),
            error_code: None,
        };
        if let Some(error) = key("error") {
            envelopes.error_code = error_code(types, &error);
            if envelopes.error_code.is_none() {
                types.findings.unsupported(
                    "/x-fincode-envelopes/error",
                    "the error envelope must have an `error` object with a `code` member",
                );
            }
        }
        envelopes
    }
}

/// The type of `error.code` in the error envelope component `key`.
fn error_code(types: &Types, key: &str) -> Option<Ty> {
    let member = |ty: &Ty, wire: &str| -> Option<Ty> {
        let fields = types.table.fields(ty)?;
        let field = fields.iter().find(|f| f.wire == wire)?;
        Some(field.ty.clone().required())
    };
    let envelope = Ty::Named(types.table.component(key)?.clone());
    let error = member(&envelope, "error")?;
    member(&error, "code")
}

/// Operations, groups and security schemes; the problems found go to [`Types`].
pub type Built = (Vec<Group>, Vec<Operation>, Vec<Scheme>);

/// Builds every operation of `paths`.
pub fn build<'a>(openapi: &'a OpenAPI, types: &mut Types<'a>, envelopes: &Envelopes) -> Built {
    let mut b = Builder {
        openapi,
        types,
        envelopes,
        schemes: Vec::new(),
    };
    b.schemes();
    let mut group_index: BTreeMap<String, usize> = BTreeMap::new();
    let mut groups = Vec::new();
    let mut group_methods = Namespace::with_taken(reserved::client_methods());
    let mut type_names = Namespace::with_reserved(names::RESERVED_TYPES);
    for name in names::RESERVED_IN_OPERATIONS {
        // Reserving: the names are identifiers, and claiming one only marks it taken.
        let _ = type_names.claim(name);
    }
    let mut modules = Namespace::with_reserved(&["mod"]);
    let mut constants = Namespace::default();
    let mut method_names: Vec<Namespace> = Vec::new();
    let docs: BTreeMap<&str, &str> = openapi
        .tags
        .iter()
        .map(|t| (t.name.as_str(), t.description.as_deref().unwrap_or("")))
        .collect();
    let mut add_group = |tag: &str,
                         groups: &mut Vec<Group>,
                         method_names: &mut Vec<Namespace>,
                         type_names: &mut Namespace|
     -> Result<usize, InvalidName> {
        if let Some(&i) = group_index.get(tag) {
            return Ok(i);
        }
        let doc = docs.get(tag).copied().filter(|d| !d.trim().is_empty());
        // Operations without a tag are grouped under `api()`.
        let label = if tag.is_empty() { "api" } else { tag };
        let fallback = if tag.is_empty() {
            "Operations the spec gives no tag.".to_owned()
        } else {
            format!("Operations tagged `{tag}`.")
        };
        groups.push(Group {
            tag: tag.to_owned(),
            method: group_methods.claim(&snake(label))?,
            struct_name: type_names.claim(&camel(label))?,
            module: modules.claim(&snake(label))?,
            doc: doc.map_or(fallback, |d| d.trim().to_owned()),
        });
        method_names.push(Namespace::with_taken(reserved::group_methods()));
        group_index.insert(tag.to_owned(), groups.len() - 1);
        Ok(groups.len() - 1)
    };
    for (i, tag) in openapi.tags.iter().enumerate() {
        if let Err(e) = add_group(&tag.name, &mut groups, &mut method_names, &mut type_names) {
            let at = pointer::push(&pointer::push_index("/tags", i), "name");
            b.unsupported(&at, e.to_string());
        }
    }
    let mut operations = Vec::new();
    for (path, item) in openapi.paths.paths.iter() {
        let item_ptr = pointer::push("/paths", path);
        let item = match item {
            ReferenceOr::Item(item) => item.clone(),
            ReferenceOr::Reference { reference } => match b.deref::<PathItem>(reference, &item_ptr)
            {
                Some(item) => item,
                None => continue,
            },
        };
        for (method, op) in item.iter() {
            let op_ptr = pointer::push(&item_ptr, method);
            let Some(http_method) = http_method(method) else {
                b.unsupported(&op_ptr, format!("`{method}` is not an HTTP method"));
                continue;
            };
            let tag = op.tags.first().map_or("", String::as_str);
            let group = match add_group(tag, &mut groups, &mut method_names, &mut type_names) {
                Ok(group) => group,
                Err(e) => {
                    b.unsupported(&pointer::push(&op_ptr, "tags/0"), e.to_string());
                    continue;
                }
            };
            let id = op
                .operation_id
                .clone()
                .unwrap_or_else(|| format!("{method}_{}", path.replace(['{', '}'], "")));
            let claimed = method_names[group]
                .claim(&snake(&id))
                .and_then(|method_name| {
                    let builder = type_names.claim(&camel(method_name.bare()))?;
                    let constant = constants.claim(&method_name.bare().to_shouty_snake_case())?;
                    Ok((method_name, builder, constant))
                });
            let (method_name, builder, constant) = match claimed {
                Ok(names) => names,
                Err(e) => {
                    b.unsupported(&op_ptr, format!("operation `{id}`: {e}"));
                    continue;
                }
            };
            let mut operation = Operation {
                id: id.clone(),
                group,
                method_name,
                builder: builder.clone(),
                constant,
                http_method,
                path: path.clone(),
                doc: operation_doc(op, method, path),
                deprecated: op.deprecated,
                params: Vec::new(),
                body: None,
                response: ResponseDef {
                    shape: Shape::Empty,
                    ty: Ty::Unit,
                },
                servers: None,
                security: Vec::new(),
                idempotency_key: None,
                encrypted: Vec::new(),
            };
            operation.params = b.params(&item, op, path, (&item_ptr, &op_ptr), &builder);
            operation.body = op
                .request_body
                .as_ref()
                .and_then(|body| b.body(body, &pointer::push(&op_ptr, "requestBody"), &builder));
            operation.idempotency_key = operation
                .params
                .iter()
                .find(|p| p.location == ParamIn::Header && is_idempotency_key(&p.wire))
                .map(|p| p.wire.clone());
            if let Some(body) = &operation.body {
                if matches!(body.kind, BodyKind::Json | BodyKind::JsonEnvelope) {
                    let mut seen = Vec::new();
                    encrypted_pointers(b.types, &body.ty, "", &mut seen, &mut operation.encrypted);
                }
            }
            operation.response = b.response(&op.responses, &op_ptr, &builder);
            operation.servers = if !op.servers.is_empty() {
                Some(servers(&op.servers))
            } else if !item.servers.is_empty() {
                Some(servers(&item.servers))
            } else {
                None
            };
            let requirements = op.security.as_ref().or(openapi.security.as_ref());
            operation.security = b.security(requirements, &op_ptr);
            operations.push(operation);
        }
    }
    // Tags without operations get no group.
    let used: Vec<bool> = (0..groups.len())
        .map(|g| operations.iter().any(|o| o.group == g))
        .collect();
    let mut renumber = Vec::with_capacity(groups.len());
    let mut kept = Vec::new();
    for (g, group) in groups.into_iter().enumerate() {
        renumber.push(kept.len());
        if used[g] {
            kept.push(group);
        }
    }
    let groups = kept;
    for o in &mut operations {
        o.group = renumber[o.group];
    }
    operations.sort_by_key(|o| o.group);
    let schemes = b.schemes;
    (groups, operations, schemes)
}

/// The method of a path item's member (`get`, `post`...).
fn http_method(member: &str) -> Option<http::Method> {
    Some(match member {
        "get" => http::Method::GET,
        "put" => http::Method::PUT,
        "post" => http::Method::POST,
        "delete" => http::Method::DELETE,
        "options" => http::Method::OPTIONS,
        "head" => http::Method::HEAD,
        "patch" => http::Method::PATCH,
        "trace" => http::Method::TRACE,
        _ => return None,
    })
}

/// Whether a header parameter carries an idempotency key.
fn is_idempotency_key(name: &str) -> bool {
    ["idempotency-key", "x-idempotency-key"].contains(&name.to_ascii_lowercase().as_str())
}

/// The JSON pointers (under `prefix`) of the members of `ty` marked as encrypted, following
/// structs, options and arrays (`*`).
fn encrypted_pointers(
    types: &Types,
    ty: &Ty,
    prefix: &str,
    seen: &mut Vec<Ident>,
    out: &mut Vec<String>,
) {
    match ty {
        Ty::Option(inner) | Ty::Boxed(inner) => encrypted_pointers(types, inner, prefix, seen, out),
        Ty::Vec(inner) => encrypted_pointers(types, inner, &format!("{prefix}/*"), seen, out),
        Ty::Named(name) if !seen.contains(name) => {
            let Some(fields) = types.table.fields(ty) else {
                return;
            };
            seen.push(name.clone());
            for field in fields {
                if field.flatten {
                    encrypted_pointers(types, &field.ty, prefix, seen, out);
                    continue;
                }
                let at = format!(
                    "{prefix}/{}",
                    field.wire.replace('~', "~0").replace('/', "~1")
                );
                if field.encrypted {
                    match field.ty.clone().required() {
                        Ty::Vec(_) => out.push(format!("{at}/*")),
                        _ => out.push(at),
                    }
                } else {
                    encrypted_pointers(types, &field.ty, &at, seen, out);
                }
            }
            seen.pop();
        }
        _ => {}
    }
}

fn operation_doc(op: &openapiv3::Operation, method: &str, path: &str) -> String {
    let mut doc = doc_join(&[op.summary.as_deref(), op.description.as_deref()]);
    if doc.is_empty() {
        doc = format!("`{} {path}`.", method.to_uppercase());
    } else {
        doc.push_str(&format!("\n\n`{} {path}`", method.to_uppercase()));
    }
    if let Some(note) = extensions::unverified(&op.extensions) {
        doc.push_str(
            "\n\n**Unverified:** the public documentation does not confirm this operation.",
        );
        if !note.is_empty() {
            doc.push(' ');
            doc.push_str(note);
        }
    }
    doc
}

/// Converts servers.
pub fn servers(list: &[openapiv3::Server]) -> Vec<Server> {
    list.iter()
        .map(|s| Server {
            url: s.url.clone(),
            variables: s
                .variables
                .iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.default.clone()))
                .collect(),
            description: s.description.clone(),
        })
        .collect()
}

struct Builder<'a, 't> {
    openapi: &'a OpenAPI,
    types: &'t mut Types<'a>,
    envelopes: &'t Envelopes,
    schemes: Vec<Scheme>,
}

impl Builder<'_, '_> {
    fn unsupported(&mut self, ptr: &str, message: impl Into<String>) {
        self.types.findings.unsupported(ptr, message);
    }

    /// Reads what a local reference points at as a `T`.
    fn deref<T: DeserializeOwned>(&mut self, reference: &str, at: &str) -> Option<T> {
        let what = "does not point at the right kind of object";
        self.types
            .refs
            .deref(reference, at, what, &mut self.types.findings)
            .map(|(t, _)| t)
    }

    fn schemes(&mut self) {
        let mut methods = Namespace::with_taken(reserved::client_builder_methods());
        let mut constants = Namespace::default();
        let openapi = self.openapi;
        let list = openapi.components.as_ref().map(|c| &c.security_schemes);
        let mut sorted: Vec<_> = list.into_iter().flatten().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        for (name, scheme) in sorted {
            let at = pointer::push("/components/securitySchemes", name);
            let scheme = match scheme {
                ReferenceOr::Item(s) => s.clone(),
                ReferenceOr::Reference { reference } => {
                    match self.deref::<SecurityScheme>(reference, &at) {
                        Some(s) => s,
                        None => continue,
                    }
                }
            };
            let (kind, description) = match &scheme {
                SecurityScheme::APIKey {
                    location,
                    name,
                    description,
                    ..
                } => (
                    match location {
                        openapiv3::APIKeyLocation::Header => SchemeKind::ApiKeyHeader(name.clone()),
                        openapiv3::APIKeyLocation::Query => SchemeKind::ApiKeyQuery(name.clone()),
                        openapiv3::APIKeyLocation::Cookie => SchemeKind::ApiKeyCookie(name.clone()),
                    },
                    description,
                ),
                SecurityScheme::HTTP {
                    scheme,
                    description,
                    ..
                } => (
                    if scheme.eq_ignore_ascii_case("basic") {
                        SchemeKind::Basic
                    } else {
                        SchemeKind::Bearer
                    },
                    description,
                ),
                SecurityScheme::OAuth2 { description, .. }
                | SecurityScheme::OpenIDConnect { description, .. } => {
                    (SchemeKind::Bearer, description)
                }
            };
            let what = match &kind {
                SchemeKind::ApiKeyHeader(h) => format!("Sent in the `{h}` header."),
                SchemeKind::ApiKeyQuery(q) => format!("Sent as the `{q}` query parameter."),
                SchemeKind::ApiKeyCookie(c) => format!("Sent as the `{c}` cookie."),
                SchemeKind::Bearer => "Sent as `Authorization: Bearer <token>`.".to_owned(),
                SchemeKind::Basic => "Sent as `Authorization: Basic`.".to_owned(),
            };
            let doc = doc_join(&[
                Some(&format!("The `{name}` security scheme.")),
                description.as_deref(),
                Some(&what),
            ]);
            let claimed = constants
                .claim(&bare(&snake(name)).to_shouty_snake_case())
                .and_then(|constant| Ok((constant, methods.claim(&snake(name))?)));
            let (constant, method) = match claimed {
                Ok(names) => names,
                Err(e) => {
                    self.unsupported(&at, e.to_string());
                    continue;
                }
            };
            self.schemes.push(Scheme {
                name: name.clone(),
                constant,
                method,
                kind,
                doc,
            });
        }
    }

    fn security(
        &mut self,
        requirements: Option<&Vec<openapiv3::SecurityRequirement>>,
        at: &str,
    ) -> Vec<Vec<usize>> {
        let mut out = Vec::new();
        for (i, requirement) in requirements.into_iter().flatten().enumerate() {
            let mut alternative = Vec::new();
            for name in requirement.keys() {
                match self.schemes.iter().position(|s| &s.name == name) {
                    Some(index) => alternative.push(index),
                    None => {
                        let ptr = pointer::push_index(&pointer::push(at, "security"), i);
                        self.unsupported(&ptr, format!("security scheme `{name}` is not defined in `components/securitySchemes`"));
                    }
                }
            }
            out.push(alternative);
        }
        out
    }

    fn params(
        &mut self,
        item: &PathItem,
        op: &openapiv3::Operation,
        path: &str,
        (item_ptr, op_ptr): (&str, &str),
        builder: &str,
    ) -> Vec<Param> {
        // Path-level parameters, overridden by operation-level ones with the same name and location.
        let mut all: Vec<(Parameter, String)> = Vec::new();
        let sources = [(&item.parameters, item_ptr), (&op.parameters, op_ptr)];
        for (list, base) in sources {
            for (i, p) in list.iter().enumerate() {
                let at = pointer::push_index(&pointer::push(base, "parameters"), i);
                let p = match p {
                    ReferenceOr::Item(p) => p.clone(),
                    ReferenceOr::Reference { reference } => {
                        match self.deref::<Parameter>(reference, &at) {
                            Some(p) => p,
                            None => continue,
                        }
                    }
                };
                let key = |q: &Parameter| {
                    (
                        q.parameter_data_ref().name.clone(),
                        std::mem::discriminant(q),
                    )
                };
                all.retain(|(q, _)| key(q) != key(&p));
                all.push((p, at));
            }
        }
        let mut names = Namespace::with_taken(reserved::request_builder_members());
        let mut params = Vec::new();
        for (p, at) in all {
            let location = match &p {
                Parameter::Path { .. } => ParamIn::Path,
                Parameter::Query { .. } => ParamIn::Query,
                Parameter::Header { .. } => ParamIn::Header,
                Parameter::Cookie { .. } => ParamIn::Cookie,
            };
            let data = p.parameter_data_ref();
            if location == ParamIn::Header
                && ["accept", "content-type", "authorization"]
                    .contains(&data.name.to_ascii_lowercase().as_str())
            {
                continue;
            }
            let hint = format!("{builder}{}", bare(&camel(&data.name)));
            let sensitive = extensions::sensitive(&data.extensions)
                || matches!(&data.format, ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) if extensions::secret(s));
            let (ty, default) = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let ty = self.types.ty(schema, &pointer::push(&at, "schema"), &hint);
                    (ty, self.scalar_default(schema))
                }
                ParameterSchemaOrContent::Content(_) => (Ty::Json, None),
            };
            // Parameters are text on the wire: dates and bytes stay in their wire form, which the docs give.
            let ty = ty.required();
            let wire_form = match &ty {
                Ty::DateTime => Some("an RFC 3339 date-time (`2024-05-01T12:00:00Z`)".to_owned()),
                Ty::Date => Some("a date, `YYYY-MM-DD`".to_owned()),
                Ty::Formatted(f) => Some(format!("a date in the format `{}`", f.pattern)),
                Ty::Bytes => Some("base64".to_owned()),
                _ => None,
            };
            let ty = ty.in_container();
            let mut doc = data
                .description
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map_or_else(|| format!("The `{}` parameter.", data.name), str::to_owned);
            if let Some(form) = wire_form {
                doc.push_str(&format!("\n\nWritten as {form}."));
            }
            if let Some(d) = &default {
                doc.push_str(&format!("\n\nDefaults to `{d}` when not set."));
            }
            // The client makes up an idempotency key when the caller gives none.
            let generated = location == ParamIn::Header && is_idempotency_key(&data.name);
            if generated {
                doc.push_str(
                    "\n\nWhen not set, the client sends a new UUID v4, the same on every retry of the call.",
                );
            }
            let required =
                location == ParamIn::Path || (data.required && default.is_none() && !generated);
            let claimed = names.claim(&snake(&data.name));
            let Some(name) = self.types.findings.ident(claimed, &at) else {
                continue;
            };
            params.push(Param {
                wire: data.name.clone(),
                name,
                location,
                ty,
                required,
                default: if data.required { default } else { None },
                doc,
                sensitive,
            });
        }
        // Required parameters first: path parameters in template order, then the others in spec order.
        let order = |p: &Param| -> (usize, usize) {
            match (p.location, p.required) {
                (ParamIn::Path, _) => (
                    0,
                    path.find(&format!("{{{}}}", p.wire)).unwrap_or(usize::MAX),
                ),
                (_, true) => (1, 0),
                (_, false) => (2, 0),
            }
        };
        params.sort_by_key(order);
        params
    }

    /// A parameter's default as the text to send, for scalar defaults.
    fn scalar_default(&self, schema: &ReferenceOr<Schema>) -> Option<String> {
        let ReferenceOr::Item(s) = schema else {
            return None;
        };
        match s.schema_data.default.as_ref()? {
            Value::String(v) => Some(v.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    fn body(&mut self, body: &ReferenceOr<RequestBody>, at: &str, builder: &str) -> Option<Body> {
        let body = match body {
            ReferenceOr::Item(b) => b.clone(),
            ReferenceOr::Reference { reference } => self.deref::<RequestBody>(reference, at)?,
        };
        let (media_type, media, kind) = pick_media(&body.content, true)?;
        let media_ptr = pointer::push(&pointer::push(at, "content"), &media_type);
        let schema_ptr = pointer::push(&media_ptr, "schema");
        let hint = format!("{builder}Request");
        let (kind, ty) = match (kind, &media.schema) {
            (BodyKind::Json, Some(schema)) => match self.enveloped(
                schema,
                self.envelopes.request.as_deref(),
                &schema_ptr,
                &hint,
            ) {
                Some(ty) => (BodyKind::JsonEnvelope, ty),
                None => (BodyKind::Json, self.types.ty(schema, &schema_ptr, &hint)),
            },
            (BodyKind::Json, None) => (BodyKind::Json, Ty::Json),
            (BodyKind::Multipart | BodyKind::Form, Some(schema)) => {
                (kind, self.types.ty(schema, &schema_ptr, &hint))
            }
            (BodyKind::Multipart | BodyKind::Form, None) => (kind, Ty::Map(Box::new(Ty::String))),
            (BodyKind::Text, _) => (BodyKind::Text, Ty::String),
            (_, _) => (BodyKind::Raw, Ty::Bytes),
        };
        let ty = ty.required();
        let parts = match (&kind, &ty) {
            (BodyKind::Multipart, Ty::Named(_)) => match self.types.table.fields(&ty) {
                Some(fields) if fields.iter().all(|f| !f.flatten) => fields.to_vec(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        if kind == BodyKind::Multipart && parts.is_empty() {
            self.unsupported(
                &schema_ptr,
                "a `multipart/form-data` body must be an object with named properties",
            );
        }
        let doc = body
            .description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map_or_else(|| "The request body.".to_owned(), str::to_owned);
        let part_types = media
            .encoding
            .iter()
            .filter_map(|(member, encoding)| {
                let first = encoding.content_type.as_deref()?.split(',').next()?.trim();
                (!first.is_empty() && !first.contains('*'))
                    .then(|| (member.clone(), first.to_owned()))
            })
            .collect();
        Some(Body {
            kind,
            media_type,
            ty,
            required: body.required,
            doc,
            parts,
            part_types,
        })
    }

    /// `allOf: [{$ref: envelope}, {properties: {data: X}}]` as the type of `X`, when `envelope` is the one named.
    fn enveloped(
        &mut self,
        schema: &ReferenceOr<Schema>,
        envelope: Option<&str>,
        at: &str,
        hint: &str,
    ) -> Option<Ty> {
        let envelope = envelope?;
        let ReferenceOr::Item(schema) = schema else {
            return None;
        };
        let SchemaKind::AllOf { all_of } = &schema.schema_kind else {
            return None;
        };
        let [ReferenceOr::Reference { reference }, ReferenceOr::Item(data)] = all_of.as_slice()
        else {
            return None;
        };
        if component_key(reference).as_deref() != Some(envelope) {
            return None;
        }
        let properties = match &data.schema_kind {
            SchemaKind::Type(openapiv3::Type::Object(o)) => &o.properties,
            SchemaKind::Any(any) => &any.properties,
            _ => return None,
        };
        let member = properties.get("data")?;
        let ptr = pointer::push(
            &pointer::push(&pointer::push(at, "allOf/1"), "properties"),
            "data",
        );
        Some(self.types.ty_boxed(member, &ptr, hint))
    }

    fn response(
        &mut self,
        responses: &openapiv3::Responses,
        op_ptr: &str,
        builder: &str,
    ) -> ResponseDef {
        let empty = ResponseDef {
            shape: Shape::Empty,
            ty: Ty::Unit,
        };
        let mut success: Vec<(u16, String, &ReferenceOr<Response>)> = responses
            .responses
            .iter()
            .filter_map(|(code, r)| match code {
                StatusCode::Code(c) if (200..300).contains(c) => Some((*c, c.to_string(), r)),
                StatusCode::Range(2) => Some((299, "2XX".to_owned(), r)),
                _ => None,
            })
            .collect();
        success.sort_by_key(|(c, _, _)| *c);
        let chosen = match success.first() {
            Some((_, key, r)) => Some((key.clone(), *r)),
            None if responses.responses.is_empty() => responses
                .default
                .as_ref()
                .map(|r| ("default".to_owned(), r)),
            None => None,
        };
        let Some((key, response)) = chosen else {
            return empty;
        };
        let at = if key == "default" {
            pointer::push(&pointer::push(op_ptr, "responses"), "default")
        } else {
            pointer::push(&pointer::push(op_ptr, "responses"), &key)
        };
        let response = match response {
            ReferenceOr::Item(r) => r.clone(),
            ReferenceOr::Reference { reference } => match self.deref::<Response>(reference, &at) {
                Some(r) => r,
                None => return empty,
            },
        };
        let Some((media_type, media, kind)) = pick_media(&response.content, false) else {
            return empty;
        };
        let schema_ptr = pointer::push(
            &pointer::push(&pointer::push(&at, "content"), &media_type),
            "schema",
        );
        let hint = format!("{builder}Response");
        match kind {
            BodyKind::Json => {
                let Some(schema) = &media.schema else {
                    return ResponseDef {
                        shape: Shape::Json,
                        ty: Ty::Json,
                    };
                };
                for (envelope, shape) in [
                    (self.envelopes.success.clone(), Shape::Success),
                    (self.envelopes.status.clone(), Shape::Status),
                ] {
                    if let Some(ty) =
                        self.enveloped(schema, envelope.as_deref(), &schema_ptr, &hint)
                    {
                        return ResponseDef { shape, ty };
                    }
                    if let (Some(env), ReferenceOr::Reference { reference }) = (&envelope, schema) {
                        if component_key(reference).as_deref() == Some(env.as_str()) {
                            return ResponseDef {
                                shape,
                                ty: Ty::Json,
                            };
                        }
                    }
                }
                ResponseDef {
                    shape: Shape::Json,
                    ty: self.types.ty(schema, &schema_ptr, &hint),
                }
            }
            BodyKind::Text => ResponseDef {
                shape: Shape::Text,
                ty: Ty::String,
            },
            _ => ResponseDef {
                shape: Shape::Bytes,
                ty: Ty::Bytes,
            },
        }
    }
}

/// The media type to use: JSON first, then multipart and form bodies, then text, then anything.
fn pick_media(
    content: &indexmap::IndexMap<String, MediaType>,
    request: bool,
) -> Option<(String, MediaType, BodyKind)> {
    let classify = |m: &str| -> (u8, BodyKind) {
        let m = m.to_ascii_lowercase();
        let essence = m.split(';').next().unwrap_or("").trim().to_owned();
        if essence == "application/json" || essence.ends_with("+json") || essence.ends_with("/json")
        {
            (0, BodyKind::Json)
        } else if request && essence == "multipart/form-data" {
            (1, BodyKind::Multipart)
        } else if request && essence == "application/x-www-form-urlencoded" {
            (2, BodyKind::Form)
        } else if essence.starts_with("text/") {
            (3, BodyKind::Text)
        } else if essence.contains("json") {
            (4, BodyKind::Json)
        } else {
            (5, BodyKind::Raw)
        }
    };
    content
        .iter()
        .map(|(m, media)| (classify(m), m, media))
        .min_by_key(|((rank, _), _, _)| *rank)
        .map(|((_, kind), m, media)| (m.clone(), media.clone(), kind))
}
