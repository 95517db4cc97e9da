//! Structs: an object schema's properties, merged through `allOf`, flattened unions and
//! `additionalProperties`.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

use super::Types;
use crate::ir::names::{self, camel, snake, Ident, Namespace};
use crate::ir::resolve::component_key;
use crate::ir::{extensions, reserved};
use crate::ir::{Field, Ty, TypeKind};
use crate::pointer;

/// The properties of an object schema, merged through `allOf`.
#[derive(Default)]
pub(super) struct Merged {
    properties: IndexMap<String, (ReferenceOr<Box<Schema>>, String)>,
    required: BTreeSet<String>,
    additional: Option<(AdditionalProperties, String)>,
    /// `oneOf`/`anyOf` parts, flattened into the struct.
    unions: Vec<(Schema, String)>,
}

impl Types<'_> {
    /// A struct from an object schema, merging `allOf`.
    pub(super) fn structure(&mut self, name: &Ident, schema: &Schema, ptr: &str) -> TypeKind {
        let mut merged = Merged::default();
        let mut visiting = BTreeSet::new();
        self.merge(schema, ptr, &mut merged, &mut visiting);
        let mut field_names = Namespace::default();
        let mut fields = Vec::new();
        let Merged {
            properties,
            required,
            additional,
            unions,
        } = merged;
        for (wire, (schema, at)) in &properties {
            let is_required = required.contains(wire);
            let ty = self.ty_boxed(schema, at, &format!("{name}{}", names::bare(&camel(wire))));
            let ty = if is_required { ty } else { ty.optional() };
            let (doc, sensitive, encrypted) = self.field_doc(schema, wire);
            let claimed = field_names.claim(&snake(wire));
            let Some(field) = self.findings.ident(claimed, at) else {
                continue;
            };
            fields.push(Field {
                name: field,
                wire: wire.clone(),
                ty,
                required: is_required,
                doc,
                sensitive,
                encrypted,
                flatten: false,
                setter: None,
                pointer: at.clone(),
            });
        }
        for (i, (part, at)) in unions.iter().enumerate() {
            let ty = self.inline(part, at, &format!("{name}Variant{}", i + 1));
            let claimed = field_names.claim(&format!("variant_{}", i + 1));
            let Some(field) = self.findings.ident(claimed, at) else {
                continue;
            };
            fields.push(Field {
                name: field,
                wire: String::new(),
                ty,
                required: true,
                doc: format!(
                    "The members of the `oneOf`/`anyOf` at `#{at}`, flattened into this object."
                ),
                sensitive: false,
                encrypted: false,
                flatten: true,
                setter: None,
                pointer: at.clone(),
            });
        }
        let additional_name = self
            .findings
            .ident(field_names.claim("additional_properties"), ptr);
        let additional = match additional {
            Some((AdditionalProperties::Any(true), _)) => Some(Ty::Json),
            Some((AdditionalProperties::Schema(s), at)) => {
                let at = pointer::push(&at, "additionalProperties");
                Some(self.ty(&s, &at, &format!("{name}Value")))
            }
            _ => None,
        }
        .zip(additional_name)
        .map(|(ty, name)| Field {
            name,
            wire: String::new(),
            ty: Ty::Map(Box::new(ty)),
            required: false,
            doc: "Members beyond the named ones.".to_owned(),
            sensitive: false,
            encrypted: false,
            flatten: true,
            setter: None,
            pointer: ptr.to_owned(),
        });
        let mut additional = additional;
        let mut methods = Namespace::with_taken(reserved::model_methods());
        for field in fields.iter_mut().chain(additional.as_mut()) {
            if field.in_constructor() {
                continue;
            }
            // A member named like a method the type already has gets a `with_` setter.
            let bare = field.name.bare();
            let wanted = if methods.contains(bare) {
                format!("with_{bare}")
            } else {
                field.name.as_str().to_owned()
            };
            field.setter = self.findings.ident(methods.claim(&wanted), ptr);
        }
        TypeKind::Struct { fields, additional }
    }

    /// A member's documentation, whether it is a secret and whether it is sent encrypted.
    fn field_doc(&self, schema: &ReferenceOr<Box<Schema>>, wire: &str) -> (String, bool, bool) {
        let ReferenceOr::Item(s) = schema else {
            return (format!("The `{wire}` member."), false, false);
        };
        let data = &s.schema_data;
        let mut parts: Vec<String> = Vec::new();
        for text in [data.title.as_deref(), data.description.as_deref()]
            .into_iter()
            .flatten()
        {
            let text = text.trim();
            if !text.is_empty() && !parts.iter().any(|p| p == text) {
                parts.push(text.to_owned());
            }
        }
        if let Some(pattern) = extensions::date_format(&data.extensions) {
            parts.push(format!("Date format: `{pattern}`."));
        }
        if let Some(default) = &data.default {
            parts.push(format!("Defaults to `{}`.", compact(default)));
        }
        if parts.is_empty() {
            parts.push(format!("The `{wire}` member."));
        }
        let sensitive = extensions::secret(s);
        let encrypted = extensions::encrypted(&data.extensions);
        if encrypted {
            parts.push(
                "Sent encrypted (RSA-OAEP) when the client has an encryption key; see `ClientBuilder::encryption_key`."
                    .to_owned(),
            );
        }
        (parts.join("\n\n"), sensitive, encrypted)
    }

    fn merge(
        &mut self,
        schema: &Schema,
        ptr: &str,
        out: &mut Merged,
        visiting: &mut BTreeSet<String>,
    ) {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                for (k, s) in &o.properties {
                    let at = pointer::push(&pointer::push(ptr, "properties"), k);
                    out.properties.insert(k.clone(), (s.clone(), at));
                }
                out.required.extend(o.required.iter().cloned());
                if let Some(a) = &o.additional_properties {
                    out.additional = Some((a.clone(), ptr.to_owned()));
                }
            }
            SchemaKind::Any(any) => {
                for (k, s) in &any.properties {
                    let at = pointer::push(&pointer::push(ptr, "properties"), k);
                    out.properties.insert(k.clone(), (s.clone(), at));
                }
                out.required.extend(any.required.iter().cloned());
                if let Some(a) = &any.additional_properties {
                    out.additional = Some((a.clone(), ptr.to_owned()));
                }
                for (i, part) in any.all_of.iter().enumerate() {
                    let at = pointer::push_index(&pointer::push(ptr, "allOf"), i);
                    self.merge_part(part, &at, out, visiting);
                }
            }
            SchemaKind::AllOf { all_of } => {
                for (i, part) in all_of.iter().enumerate() {
                    let at = pointer::push_index(&pointer::push(ptr, "allOf"), i);
                    self.merge_part(part, &at, out, visiting);
                }
            }
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                out.unions.push((schema.clone(), ptr.to_owned()));
            }
            _ => {}
        }
    }

    fn merge_part(
        &mut self,
        part: &ReferenceOr<Schema>,
        ptr: &str,
        out: &mut Merged,
        visiting: &mut BTreeSet<String>,
    ) {
        match part {
            ReferenceOr::Item(s) => self.merge(s, ptr, out, visiting),
            ReferenceOr::Reference { reference } => {
                let Some(target) = pointer::ref_pointer(reference) else {
                    return;
                };
                let below = component_key(reference).map_or(0, |key| self.all_of_depth(&key));
                if visiting.len() + below >= super::MAX_NESTING {
                    self.findings.unsupported(
                        ptr,
                        format!(
                            "`allOf` includes schemas through more than {} references here",
                            super::MAX_NESTING
                        ),
                    );
                    return;
                }
                if !visiting.insert(target.clone()) {
                    self.findings
                        .unsupported(ptr, format!("`allOf` includes `{reference}` within itself"));
                    return;
                }
                let openapi = self.openapi;
                let component = component_key(reference).and_then(|key| {
                    openapi
                        .components
                        .as_ref()
                        .and_then(|c| c.schemas.get(&key))
                });
                match component {
                    Some(ReferenceOr::Item(s)) => self.merge(s, &target, out, visiting),
                    Some(ReferenceOr::Reference { reference }) => {
                        let part = ReferenceOr::Reference {
                            reference: reference.clone(),
                        };
                        self.merge_part(&part, ptr, out, visiting);
                    }
                    None => {
                        if let Some((schema, at)) =
                            self.refs.schema(reference, ptr, &mut self.findings)
                        {
                            self.merge(&schema, &at, out, visiting);
                        }
                    }
                }
                visiting.remove(&target);
            }
        }
    }
}

impl Types<'_> {
    /// How many component references deep the `allOf`s under component `key` include schemas (`A: allOf [B]`,
    /// `B: allOf [C]`: 2 for `A`), each component walked once, without recursion over references.
    fn all_of_depth(&mut self, key: &str) -> usize {
        if let Some(&depth) = self.all_of_depths.get(key) {
            return depth;
        }
        let openapi = self.openapi;
        let schemas = openapi.components.as_ref().map(|c| &c.schemas);
        let included = |key: &str| -> Vec<String> {
            let mut out = Vec::new();
            match schemas.and_then(|s| s.get(key)) {
                Some(ReferenceOr::Item(schema)) => all_of_references(schema, &mut out),
                Some(ReferenceOr::Reference { reference }) => out.extend(component_key(reference)),
                None => {}
            }
            out
        };
        // Post-order over the references; a key met again on the path (a cycle) counts 0 there.
        let mut on_path = std::collections::HashSet::new();
        on_path.insert(key.to_owned());
        let mut stack = vec![(key.to_owned(), included(key), 0usize)];
        while let Some((at, next, deepest)) = stack.last_mut() {
            match next.pop() {
                Some(child) => {
                    if let Some(&depth) = self.all_of_depths.get(&child) {
                        *deepest = (*deepest).max(depth + 1);
                    } else if on_path.insert(child.clone()) {
                        let grandchildren = included(&child);
                        stack.push((child, grandchildren, 0));
                    }
                }
                None => {
                    let (at, deepest) = (at.clone(), *deepest);
                    stack.pop();
                    on_path.remove(&at);
                    self.all_of_depths.insert(at, deepest);
                    if let Some((_, _, parent)) = stack.last_mut() {
                        *parent = (*parent).max(deepest + 1);
                    }
                }
            }
        }
        self.all_of_depths.get(key).copied().unwrap_or(0)
    }
}

/// The component keys the `allOf`s of `schema` (and of its inline `allOf` parts) name.
fn all_of_references(schema: &Schema, out: &mut Vec<String>) {
    let parts = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(any) => &any.all_of,
        _ => return,
    };
    for part in parts {
        match part {
            ReferenceOr::Reference { reference } => out.extend(component_key(reference)),
            ReferenceOr::Item(inline) => all_of_references(inline, out),
        }
    }
}

/// A JSON value on one line, for docs.
fn compact(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
