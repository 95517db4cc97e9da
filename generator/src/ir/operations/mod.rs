//! Operations, their groups, security schemes and servers.
//!
//! `mod.rs` walks the paths and names each operation and group; `params.rs`, `bodies.rs` and `responses.rs`
//! type what an operation sends and receives; `envelopes.rs` reads the envelopes responses and bodies are
//! wrapped in; `security.rs` reads security schemes, requirements and servers.

mod bodies;
mod envelopes;
mod errors;
mod pagination;
mod params;
mod responses;
mod security;

pub use envelopes::Envelopes;
pub use security::servers;

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, PathItem, ReferenceOr};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::extensions;
use super::names::{self, camel, snake, InvalidName, Namespace};
use super::reserved;
use super::types::Types;
use super::{doc_join, BodyKind, Group, Operation, ParamIn, ResponseDef, Scheme, Shape, Ty};
use crate::pointer;
use bodies::encrypted_pointers;
use params::is_idempotency_key;

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
    // Each path item is read from the tree as its operations are built: typed all at once, a large
    // document's path items would take several times the memory of the tree.
    let paths = b.types.refs.spec().value.get("paths");
    let paths = paths
        .and_then(serde_json::Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(path, _)| crate::structure::is_path(path));
    for (path, item) in paths {
        let item_ptr = pointer::push("/paths", path);
        let item = match ReferenceOr::<PathItem>::deserialize(item) {
            Ok(ReferenceOr::Item(item)) => item,
            Ok(ReferenceOr::Reference { reference }) => {
                match b.deref::<PathItem>(&reference, &item_ptr) {
                    Some(item) => item,
                    None => continue,
                }
            }
            Err(e) => {
                b.unsupported(&item_ptr, format!("not a valid path item: {e}"));
                continue;
            }
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
                    let constant = constants.claim(&names::shouty(method_name.bare()))?;
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
                errors: None,
                servers: None,
                security: Vec::new(),
                idempotency_key: None,
                encrypted: Vec::new(),
                pagination: None,
                pointer: op_ptr.clone(),
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
            operation.errors = b.error_bodies(&op.responses, &op_ptr, &builder, &id);
            operation.pagination = b.pagination(op, &op_ptr, &operation);
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

struct Builder<'a, 't> {
    openapi: &'a OpenAPI,
    types: &'t mut Types<'a>,
    envelopes: &'t Envelopes,
    schemes: Vec<Scheme>,
}

impl Builder<'_, '_> {
    pub(super) fn unsupported(&mut self, ptr: &str, message: impl Into<String>) {
        self.types.findings.unsupported(ptr, message);
    }

    /// An example's value, following one reference to `#/components/examples/`.
    pub(super) fn example_value(
        &self,
        example: &ReferenceOr<openapiv3::Example>,
    ) -> Option<serde_json::Value> {
        let example = match example {
            ReferenceOr::Item(e) => e,
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/examples/")?;
                match self.openapi.components.as_ref()?.examples.get(name)? {
                    ReferenceOr::Item(e) => e,
                    ReferenceOr::Reference { .. } => return None,
                }
            }
        };
        example.value.clone()
    }

    /// A schema's own example, following references to `#/components/schemas/` a few levels deep.
    pub(super) fn schema_example(
        &self,
        schema: &ReferenceOr<openapiv3::Schema>,
    ) -> Option<serde_json::Value> {
        let mut schema = schema;
        for _ in 0..8 {
            match schema {
                ReferenceOr::Item(s) => return s.schema_data.example.clone(),
                ReferenceOr::Reference { reference } => {
                    let name = reference.strip_prefix("#/components/schemas/")?;
                    schema = self.openapi.components.as_ref()?.schemas.get(name)?;
                }
            }
        }
        None
    }

    /// Reads what a local reference points at as a `T`.
    pub(super) fn deref<T: DeserializeOwned>(&mut self, reference: &str, at: &str) -> Option<T> {
        let what = "does not point at the right kind of object";
        self.types
            .refs
            .deref(reference, at, what, &mut self.types.findings)
            .map(|(t, _)| t)
    }
}
