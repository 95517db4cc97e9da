//! Schemas to Rust types: components and the inline schemas that need a name.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::extensions;
use super::findings::Findings;
use super::names::{self, camel, snake, Ident, InvalidName, Namespace};
use super::resolve::{component_key, Resolver};
use super::table::Table;
use super::{
    doc_join, DateFormat, DateKind, EnumVariant, Field, TaggedVariant, Ty, TypeDef, TypeKind,
    UntaggedVariant,
};
use crate::diagnostic::Diagnostic;
#[cfg(test)]
use crate::diagnostic::Rule;
use crate::load::Spec;
use crate::pointer;

/// How deep references outside `components/schemas` may nest before the generator gives up.
const MAX_DEPTH: usize = 48;

/// Turns schemas into types on demand, naming every one it defines.
///
/// It keeps three things apart, each of its own type: the type table it fills, the findings it records, and
/// the reader of `$ref`s. Operations and webhooks use them directly.
pub struct Types<'a> {
    /// The generated types, and the names of the component schemas.
    pub table: Table,
    /// What cannot be turned into Rust.
    pub findings: Findings<'a>,
    /// The reader of local references.
    pub refs: Resolver<'a>,
    openapi: &'a OpenAPI,
    names: Namespace,
    formats: BTreeMap<String, DateFormat>,
    format_names: Namespace,
    /// Base schemas with a discriminator and children: Rust name -> `(tag, child's Rust name)`.
    polymorphic: BTreeMap<Ident, Vec<(String, Ident)>>,
    depth: usize,
}

/// The properties of an object schema, merged through `allOf`.
#[derive(Default)]
struct Merged {
    properties: IndexMap<String, (ReferenceOr<Box<Schema>>, String)>,
    required: BTreeSet<String>,
    additional: Option<(AdditionalProperties, String)>,
    /// `oneOf`/`anyOf` parts, flattened into the struct.
    unions: Vec<(Schema, String)>,
}

impl<'a> Types<'a> {
    /// Names every component schema, then builds them.
    pub fn new(spec: &'a Spec, openapi: &'a OpenAPI) -> Self {
        let mut types = Types {
            table: Table::default(),
            findings: Findings::new(spec),
            refs: Resolver::new(spec),
            openapi,
            names: Namespace::with_reserved(names::RESERVED_TYPES),
            formats: BTreeMap::new(),
            format_names: Namespace::default(),
            polymorphic: BTreeMap::new(),
            depth: 0,
        };
        let schemas = openapi.components.as_ref().map(|c| &c.schemas);
        for (key, schema) in schemas.into_iter().flatten() {
            let ptr = pointer::push("/components/schemas", key);
            let claimed = types.names.claim(&camel(key));
            let Some(name) = types.findings.ident(claimed, &ptr) else {
                continue;
            };
            let nullable = matches!(schema, ReferenceOr::Item(s) if s.schema_data.nullable);
            types.table.name_component(key, name, nullable);
        }
        types.polymorphic = polymorphic(schemas, types.table.components());
        for (key, schema) in schemas.into_iter().flatten() {
            let ptr = pointer::push("/components/schemas", key);
            let Some(name) = types.table.component(key).cloned() else {
                continue;
            };
            match schema {
                ReferenceOr::Item(s) => types.define(&name, s, &ptr),
                ReferenceOr::Reference { reference } => {
                    let ty = types.reference(reference, &ptr, &name);
                    let doc = format!(
                        "The `{key}` schema, another name for the schema at `{reference}`."
                    );
                    types.insert(&name, doc, TypeKind::Alias(ty));
                }
            }
        }
        types
    }

    /// The types and the problems found, recursive types boxed.
    pub fn finish(mut self) -> (Vec<TypeDef>, Vec<Diagnostic>) {
        for name in super::recursion::break_cycles(self.table.defs_mut()) {
            let ptr = self
                .table
                .component_key_of(&name)
                .map_or_else(String::new, |k| pointer::push("/components/schemas", k));
            self.findings.unsupported(
                &ptr,
                format!("`{name}` is only itself: its references go round without an object or array in between"),
            );
        }
        (self.table.into_defs(), self.findings.into_vec())
    }

    /// The custom date formats in use.
    pub fn formats(&self) -> Vec<DateFormat> {
        self.formats.values().cloned().collect()
    }

    /// The type of a schema where it is used, `hint` naming it if it needs a new type.
    pub fn ty(&mut self, schema: &ReferenceOr<Schema>, ptr: &str, hint: &str) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, ptr, hint),
            ReferenceOr::Item(s) => self.inline(s, ptr, hint),
        }
    }

    /// Like [`Types::ty`], for the boxed schemas of properties and items.
    pub fn ty_boxed(&mut self, schema: &ReferenceOr<Box<Schema>>, ptr: &str, hint: &str) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, ptr, hint),
            ReferenceOr::Item(s) => self.inline(s, ptr, hint),
        }
    }

    fn reference(&mut self, reference: &str, ptr: &str, hint: &str) -> Ty {
        if let Some(key) = component_key(reference) {
            if let Some(name) = self.table.component(&key) {
                let ty = Ty::Named(name.clone());
                return if self.table.is_nullable(&key) {
                    ty.optional()
                } else {
                    ty
                };
            }
        }
        // A reference elsewhere (into a path, a parameter...): built inline, under the hint's name.
        if self.depth >= MAX_DEPTH {
            self.findings.unsupported(
                ptr,
                format!("references nest deeper than {MAX_DEPTH} levels through `{reference}`"),
            );
            return Ty::Json;
        }
        let Some((schema, target)) = self.refs.schema(reference, ptr, &mut self.findings) else {
            return Ty::Json;
        };
        self.depth += 1;
        let ty = self.inline(&schema, &target, hint);
        self.depth -= 1;
        ty
    }

    fn inline(&mut self, schema: &Schema, ptr: &str, hint: &str) -> Ty {
        let ty = if self.is_compound(schema) {
            let claimed = self.names.claim(&camel(hint));
            let Some(name) = self.findings.ident(claimed, ptr) else {
                return Ty::Json;
            };
            self.define(&name, schema, ptr);
            Ty::Named(name)
        } else {
            self.plain(schema, ptr, hint)
        };
        if schema.schema_data.nullable {
            ty.optional()
        } else {
            ty
        }
    }

    /// Whether a schema needs a type of its own (a struct, enum or union).
    fn is_compound(&self, schema: &Schema) -> bool {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => s.enumeration.iter().any(Option::is_some),
            SchemaKind::Type(Type::Object(o)) => {
                !o.properties.is_empty()
                    || matches!(
                        o.additional_properties,
                        Some(AdditionalProperties::Any(false))
                    )
            }
            SchemaKind::OneOf { one_of: parts } | SchemaKind::AnyOf { any_of: parts } => {
                parts.len() > 1
            }
            SchemaKind::AllOf { all_of } => {
                !(all_of.len() == 1 && matches!(all_of[0], ReferenceOr::Reference { .. }))
                    && self.has_object_part(all_of)
            }
            SchemaKind::Any(any) => {
                !any.properties.is_empty()
                    || any.one_of.len() > 1
                    || any.any_of.len() > 1
                    || !any.all_of.is_empty()
                    || any.enumeration.iter().any(Value::is_string)
            }
            _ => false,
        }
    }

    fn has_object_part(&self, parts: &[ReferenceOr<Schema>]) -> bool {
        parts.iter().any(|p| match p {
            ReferenceOr::Reference { .. } => true,
            ReferenceOr::Item(s) => !matches!(
                s.schema_kind,
                SchemaKind::Type(
                    Type::String(_) | Type::Number(_) | Type::Integer(_) | Type::Boolean(_)
                )
            ),
        })
    }

    /// A type that needs no definition of its own.
    fn plain(&mut self, schema: &Schema, ptr: &str, hint: &str) -> Ty {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => self.string(schema, &s.format),
            SchemaKind::Type(Type::Number(n)) => match &n.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Float) => Ty::F32,
                VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Double) => Ty::F64,
                VariantOrUnknownOrEmpty::Unknown(f) if f == "decimal" => {
                    Ty::Decimal { number: true }
                }
                _ => Ty::F64,
            },
            SchemaKind::Type(Type::Integer(i)) => match &i.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => Ty::I32,
                _ => Ty::I64,
            },
            SchemaKind::Type(Type::Boolean(_)) => Ty::Bool,
            SchemaKind::Type(Type::Array(a)) => self.array(a.items.as_ref(), ptr, hint),
            SchemaKind::Type(Type::Object(o)) => {
                self.map(o.additional_properties.as_ref(), ptr, hint)
            }
            SchemaKind::OneOf { one_of: parts } | SchemaKind::AnyOf { any_of: parts } => {
                let key = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) {
                    "oneOf"
                } else {
                    "anyOf"
                };
                match parts.first() {
                    Some(part) => self.ty(
                        part,
                        &pointer::push_index(&pointer::push(ptr, key), 0),
                        hint,
                    ),
                    None => Ty::Json,
                }
            }
            SchemaKind::AllOf { all_of } => match all_of.first() {
                Some(part) => self.ty(
                    part,
                    &pointer::push_index(&pointer::push(ptr, "allOf"), 0),
                    hint,
                ),
                None => Ty::Json,
            },
            SchemaKind::Not { .. } => Ty::Json,
            SchemaKind::Any(any) => {
                if let Some(items) = &any.items {
                    self.array(Some(items), ptr, hint)
                } else if any.additional_properties.is_some()
                    || any.typ.as_deref() == Some("object")
                {
                    self.map(any.additional_properties.as_ref(), ptr, hint)
                } else if let Some(part) = any.one_of.first().or(any.any_of.first()) {
                    self.ty(part, ptr, hint)
                } else {
                    match any.typ.as_deref() {
                        Some("string") => Ty::String,
                        Some("integer") => Ty::I64,
                        Some("number") => Ty::F64,
                        Some("boolean") => Ty::Bool,
                        _ => Ty::Json,
                    }
                }
            }
        }
    }

    fn string(&mut self, schema: &Schema, format: &VariantOrUnknownOrEmpty<StringFormat>) -> Ty {
        if let Some(pattern) = extensions::date_format(&schema.schema_data.extensions) {
            return self.date_format(pattern).map_or(Ty::String, Ty::Formatted);
        }
        match format {
            VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Ty::DateTime,
            VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Ty::Date,
            VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Ty::Bytes,
            VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Ty::Bytes,
            VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => Ty::Uuid,
            VariantOrUnknownOrEmpty::Unknown(f) if f == "decimal" => Ty::Decimal { number: false },
            _ => Ty::String,
        }
    }

    fn array(&mut self, items: Option<&ReferenceOr<Box<Schema>>>, ptr: &str, hint: &str) -> Ty {
        let inner = match items {
            Some(items) => {
                self.ty_boxed(items, &pointer::push(ptr, "items"), &format!("{hint}Item"))
            }
            None => Ty::Json,
        };
        Ty::Vec(Box::new(inner.element()))
    }

    fn map(&mut self, additional: Option<&AdditionalProperties>, ptr: &str, hint: &str) -> Ty {
        let inner = match additional {
            Some(AdditionalProperties::Schema(s)) => self.ty(
                s,
                &pointer::push(ptr, "additionalProperties"),
                &format!("{hint}Value"),
            ),
            _ => Ty::Json,
        };
        Ty::Map(Box::new(inner.element()))
    }

    /// A custom date pattern (`dd/MM/yyyy`) as a `time` format description, when it names a whole date.
    fn date_format(&mut self, pattern: &str) -> Option<DateFormat> {
        if let Some(found) = self.formats.get(pattern) {
            return Some(found.clone());
        }
        let (description, has_day, has_time) = java_to_time(pattern)?;
        if !has_day {
            return None;
        }
        let claimed = self
            .format_names
            .claim(&format!("format_{}", snake(&pattern.replace('\'', ""))).replace("__", "_"));
        let module = self.findings.ident(claimed, "")?;
        let format = DateFormat {
            module,
            description,
            pattern: pattern.to_owned(),
            kind: if has_time {
                DateKind::DateTime
            } else {
                DateKind::Date
            },
        };
        self.formats.insert(pattern.to_owned(), format.clone());
        Some(format)
    }

    fn insert(&mut self, name: &Ident, doc: String, kind: TypeKind) {
        self.table.insert(TypeDef {
            name: name.clone(),
            doc,
            kind,
        });
    }

    /// Defines type `name` from `schema`.
    fn define(&mut self, name: &Ident, schema: &Schema, ptr: &str) {
        let data = &schema.schema_data;
        let mut doc = doc_join(&[data.title.as_deref(), data.description.as_deref()]);
        if doc.is_empty() {
            doc = format!("The schema at `#{ptr}`.");
        }
        if let SchemaKind::Type(Type::Integer(i)) = &schema.schema_kind {
            let values: Vec<String> = i.enumeration.iter().flatten().map(i64::to_string).collect();
            if !values.is_empty() {
                doc.push_str(&format!("\n\nOne of {}.", values.join(", ")));
            }
        }
        let kind = match &schema.schema_kind {
            _ if self.polymorphic.contains_key(name) => {
                let property = data
                    .discriminator
                    .as_ref()
                    .map(|d| d.property_name.clone())
                    .unwrap_or_default();
                let children = self.polymorphic.get(name).cloned().unwrap_or_default();
                self.tagged_kind(property, children, ptr)
            }
            SchemaKind::Type(Type::String(s)) if s.enumeration.iter().any(Option::is_some) => {
                let values: Vec<&str> =
                    s.enumeration.iter().flatten().map(String::as_str).collect();
                self.enumeration(&values, ptr)
            }
            SchemaKind::Any(any)
                if any.properties.is_empty()
                    && any.one_of.is_empty()
                    && any.any_of.is_empty()
                    && any.all_of.is_empty()
                    && any.enumeration.iter().any(Value::is_string) =>
            {
                let values: Vec<&str> = any.enumeration.iter().filter_map(Value::as_str).collect();
                self.enumeration(&values, ptr)
            }
            SchemaKind::OneOf { one_of: parts } | SchemaKind::AnyOf { any_of: parts }
                if parts.len() > 1 =>
            {
                let key = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) {
                    "oneOf"
                } else {
                    "anyOf"
                };
                self.union(
                    name,
                    parts,
                    data.discriminator.as_ref(),
                    &pointer::push(ptr, key),
                )
            }
            SchemaKind::Any(any)
                if any.properties.is_empty()
                    && (any.one_of.len() > 1 || any.any_of.len() > 1)
                    && any.all_of.is_empty() =>
            {
                let (parts, key) = if any.one_of.len() > 1 {
                    (&any.one_of, "oneOf")
                } else {
                    (&any.any_of, "anyOf")
                };
                self.union(
                    name,
                    parts,
                    data.discriminator.as_ref(),
                    &pointer::push(ptr, key),
                )
            }
            _ if self.is_compound(schema) => self.structure(name, schema, ptr),
            _ => TypeKind::Alias(self.plain(schema, ptr, name)),
        };
        // A placeholder first would let recursion find the name; the real definition replaces it.
        self.insert(name, doc, kind);
    }

    fn union(
        &mut self,
        name: &Ident,
        parts: &[ReferenceOr<Schema>],
        discriminator: Option<&openapiv3::Discriminator>,
        ptr: &str,
    ) -> TypeKind {
        if let Some(d) = discriminator {
            if let Some(children) = self.tagged(parts, d) {
                return self.tagged_kind(d.property_name.clone(), children, ptr);
            }
        }
        let mut names = Namespace::with_reserved(&["Other"]);
        let mut variants: Vec<UntaggedVariant> = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let at = pointer::push_index(ptr, i);
            let ty = self
                .ty(part, &at, &format!("{name}Variant{}", i + 1))
                .required()
                .in_container();
            if variants.iter().any(|v| v.ty == ty) {
                continue;
            }
            // A variant hoisted for this union is named for its position, not after the union again.
            let hoisted = format!("{name}Variant{}", i + 1);
            let wanted = match &ty {
                Ty::Named(n) if *n == hoisted.as_str() => format!("Variant{}", i + 1),
                other => variant_name(other),
            };
            let claimed = names.claim(&wanted);
            let Some(name) = self.findings.ident(claimed, &at) else {
                continue;
            };
            variants.push(UntaggedVariant { name, ty });
        }
        match self.findings.ident(Ident::new("Other"), ptr) {
            Some(other) => TypeKind::Untagged { variants, other },
            None => TypeKind::Alias(Ty::Json),
        }
    }

    /// A discriminated union of `(tag, type)` children, variants named after their tags.
    fn tagged_kind(
        &mut self,
        property: String,
        children: Vec<(String, Ident)>,
        ptr: &str,
    ) -> TypeKind {
        let mut names = Namespace::with_reserved(&["Unknown"]);
        let mut variants = Vec::new();
        for (tag, child) in children {
            let claimed = names.claim(&camel(&tag));
            let Some(name) = self.findings.ident(claimed, ptr) else {
                continue;
            };
            variants.push(TaggedVariant {
                name,
                tag,
                ty: Ty::Named(child),
            });
        }
        match self.findings.ident(Ident::new("Unknown"), ptr) {
            Some(unknown) => TypeKind::Tagged {
                property,
                variants,
                unknown,
            },
            None => TypeKind::Alias(Ty::Json),
        }
    }

    /// An open enum from its string values.
    fn enumeration(&mut self, values: &[&str], ptr: &str) -> TypeKind {
        match enumeration(values) {
            Ok(kind) => kind,
            Err(e) => {
                self.findings.unsupported(ptr, e.to_string());
                TypeKind::Alias(Ty::String)
            }
        }
    }

    /// Variants chosen by the discriminator, when every part is a reference to a component.
    fn tagged(
        &self,
        parts: &[ReferenceOr<Schema>],
        d: &openapiv3::Discriminator,
    ) -> Option<Vec<(String, Ident)>> {
        let mut variants = Vec::new();
        let mut seen = BTreeSet::new();
        for part in parts {
            let ReferenceOr::Reference { reference } = part else {
                return None;
            };
            let key = component_key(reference)?;
            let rust = self.table.component(&key)?.clone();
            let tags: Vec<String> = d
                .mapping
                .iter()
                .filter(|(_, target)| *target == reference || **target == key)
                .map(|(tag, _)| tag.clone())
                .collect();
            let tags = if tags.is_empty() { vec![key] } else { tags };
            for tag in tags {
                if !seen.insert(tag.clone()) {
                    continue;
                }
                variants.push((tag, rust.clone()));
            }
        }
        Some(variants)
    }

    /// A struct from an object schema, merging `allOf`.
    fn structure(&mut self, name: &Ident, schema: &Schema, ptr: &str) -> TypeKind {
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
            });
        }
        let additional_name = self
            .findings
            .ident(field_names.claim("additional_properties"), ptr);
        let additional = match additional {
            Some((AdditionalProperties::Any(true), _)) => Some(Ty::Json),
            Some((AdditionalProperties::Schema(s), at)) => {
                let at = pointer::push(&at, "additionalProperties");
                Some(self.ty(&s, &at, &format!("{name}Value")).in_container())
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
        });
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

/// Base schemas that carry a discriminator and are extended by others (`allOf: [{$ref: Base}, ...]`, or named
/// by the discriminator's mapping): a reference to the base means any of its children, chosen by the tag.
fn polymorphic(
    schemas: Option<&IndexMap<String, ReferenceOr<Schema>>>,
    names: &BTreeMap<String, Ident>,
) -> BTreeMap<Ident, Vec<(String, Ident)>> {
    let mut out = BTreeMap::new();
    let Some(schemas) = schemas else { return out };
    for (key, schema) in schemas {
        let ReferenceOr::Item(base) = schema else {
            continue;
        };
        let Some(d) = &base.schema_data.discriminator else {
            continue;
        };
        if matches!(
            base.schema_kind,
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. }
        ) {
            continue;
        }
        let reference = format!(
            "#/components/schemas/{}",
            key.replace('~', "~0").replace('/', "~1")
        );
        let mut children: Vec<(String, String)> = Vec::new();
        for (tag, target) in &d.mapping {
            if let Some(child) = component_key(target)
                .or_else(|| Some(target.clone()).filter(|t| names.contains_key(t)))
            {
                if child != *key {
                    children.push((tag.clone(), child));
                }
            }
        }
        for (child, schema) in schemas {
            let ReferenceOr::Item(s) = schema else {
                continue;
            };
            let extends = match &s.schema_kind {
                SchemaKind::AllOf { all_of } => all_of.iter().any(
                    |p| matches!(p, ReferenceOr::Reference { reference: r } if *r == reference),
                ),
                _ => false,
            };
            if extends && !children.iter().any(|(_, c)| c == child) {
                children.push((child.clone(), child.clone()));
            }
        }
        let variants: Vec<(String, Ident)> = children
            .into_iter()
            .filter_map(|(tag, child)| names.get(&child).map(|rust| (tag, rust.clone())))
            .collect();
        if let (false, Some(base_name)) = (variants.is_empty(), names.get(key)) {
            out.insert(base_name.clone(), variants);
        }
    }
    out
}

/// An open enum from its string values.
fn enumeration(values: &[&str]) -> Result<TypeKind, InvalidName> {
    let mut names = Namespace::default();
    let mut seen = BTreeSet::new();
    let mut variants = Vec::new();
    for value in values {
        if !seen.insert(*value) {
            continue;
        }
        let wanted = if value.is_empty() {
            "Empty".to_owned()
        } else {
            camel(value)
        };
        variants.push(EnumVariant {
            name: names.claim(&wanted)?,
            wire: (*value).to_owned(),
        });
    }
    let unknown = if names.contains("Unknown") {
        names.claim("UnknownValue")?
    } else {
        names.claim("Unknown")?
    };
    Ok(TypeKind::Enum { variants, unknown })
}

/// The variant name of an untagged union's member, from its type.
fn variant_name(ty: &Ty) -> String {
    match ty {
        Ty::Named(n) => n.to_string(),
        Ty::String | Ty::DateTime | Ty::Date | Ty::Formatted(_) | Ty::Bytes => "String".to_owned(),
        Ty::Bool => "Boolean".to_owned(),
        Ty::I32 | Ty::I64 => "Integer".to_owned(),
        Ty::F32 | Ty::F64 | Ty::Decimal { .. } => "Number".to_owned(),
        Ty::Uuid => "Uuid".to_owned(),
        Ty::Json => "Value".to_owned(),
        Ty::Unit => "Null".to_owned(),
        Ty::Vec(inner) => format!("{}List", variant_name(inner)),
        Ty::Map(inner) => format!("{}Map", variant_name(inner)),
        Ty::Option(inner) | Ty::Boxed(inner) => variant_name(inner),
    }
}

/// A JSON value on one line, for docs.
fn compact(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A Java date pattern (`dd/MM/yyyy`) as a `time` format description, with whether it has a day and a time.
fn java_to_time(pattern: &str) -> Option<(String, bool, bool)> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let (mut day, mut month, mut year, mut hour) = (false, false, false, false);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|&&x| x == c).count();
        match (c, run) {
            ('\'', _) => {
                let end = chars[i + 1..].iter().position(|&x| x == '\'')? + i + 1;
                for &lit in &chars[i + 1..end] {
                    push_literal(&mut out, lit);
                }
                i = end + 1;
                continue;
            }
            ('y', 4) => {
                out.push_str("[year]");
                year = true;
            }
            ('M', 2) => {
                out.push_str("[month]");
                month = true;
            }
            ('d', 2) => {
                out.push_str("[day]");
                day = true;
            }
            ('H', 2) => {
                out.push_str("[hour]");
                hour = true;
            }
            ('m', 2) => out.push_str("[minute]"),
            ('s', 2) => out.push_str("[second]"),
            ('S', n) => out.push_str(&format!("[subsecond digits:{n}]")),
            (c, _) if c.is_ascii_alphabetic() => return None,
            (c, n) => {
                for _ in 0..n {
                    push_literal(&mut out, c);
                }
            }
        }
        i += run;
    }
    Some((out, day && month && year, hour))
}

fn push_literal(out: &mut String, c: char) {
    if c == '[' {
        out.push_str("[[");
    } else {
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_that_is_no_identifier_is_a_located_finding() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '204': {description: ok}\n";
        let Ok((spec, _)) = crate::load::load(text) else {
            panic!("the spec loads")
        };
        let Some(openapi) = spec.openapi.as_ref() else {
            panic!("the spec is a document")
        };
        let mut types = Types::new(&spec, openapi);
        let claimed = Namespace::default().claim("not-an-ident");
        assert!(types.findings.ident(claimed, "/paths/~1a/get").is_none());
        let (_, findings) = types.finish();
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].rule, Rule::CodegenUnsupported);
        assert_eq!(findings[0].pointer, "/paths/~1a/get");
        assert_eq!(findings[0].location.line, 5);
        assert_eq!(
            findings[0].message,
            "`not-an-ident` cannot be made a Rust identifier"
        );
    }

    #[test]
    fn java_patterns_become_time_descriptions() {
        assert_eq!(
            java_to_time("dd/MM/yyyy"),
            Some(("[day]/[month]/[year]".into(), true, false))
        );
        assert_eq!(
            java_to_time("MM/yyyy"),
            Some(("[month]/[year]".into(), false, false))
        );
        assert_eq!(
            java_to_time("dd-MM-yyyy'T'HH:mm:ss.SSS"),
            Some((
                "[day]-[month]-[year]T[hour]:[minute]:[second].[subsecond digits:3]".into(),
                true,
                true
            ))
        );
        assert_eq!(
            java_to_time("yyyy-MM-dd'T'HH:mm:ss").map(|t| t.2),
            Some(true)
        );
        assert_eq!(java_to_time("EEE, d MMM"), None);
        assert_eq!(java_to_time("dd'T"), None);
    }

    #[test]
    fn enum_values_get_open_variants() {
        let Ok(TypeKind::Enum { variants, unknown }) =
            enumeration(&["active", "in-review", "", "active"])
        else {
            unreachable!()
        };
        let names: Vec<_> = variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["Active", "InReview", "Empty"]);
        assert_eq!(unknown, "Unknown");
    }

    #[test]
    fn a_value_called_unknown_moves_the_catch_all() {
        let Ok(TypeKind::Enum { variants, unknown }) = enumeration(&["known", "unknown"]) else {
            unreachable!()
        };
        assert_eq!(variants[1].name, "Unknown");
        assert_eq!(unknown, "UnknownValue");
    }
}
