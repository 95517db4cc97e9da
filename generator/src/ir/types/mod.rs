//! Schemas to Rust types: components and the inline schemas that need a name.
//!
//! `mod.rs` holds the converter and the schemas that map to a type directly; `allof.rs` builds structs,
//! merging `allOf`; `unions.rs` builds enums and unions; `formats.rs` turns custom date patterns into serde
//! modules.

mod allof;
mod formats;
mod unions;

use std::collections::{BTreeMap, HashMap};

use openapiv3::{
    AdditionalProperties, AnySchema, OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::extensions;
use super::findings::Findings;
use super::names::{camel, Ident, Namespace};
use super::resolve::{component_key, Resolver};
use super::table::Table;
use super::{doc_join, DateFormat, Ty, TypeDef, TypeKind};
use crate::diagnostic::Diagnostic;
use crate::load::Spec;
use crate::pointer;

/// How deep references outside `components/schemas` may nest before the generator gives up.
const MAX_DEPTH: usize = 48;

/// How many inline types may be in definition inside each other (a member's type defined while its parent
/// is) before the generator gives up. The stack the generation runs on is sized for this bound.
pub(crate) const MAX_NESTING: usize = 256;

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
    /// The type defined for the schema at each pointer: a schema reached again (through another `allOf`,
    /// or within itself) is the same type, defined once.
    defined: HashMap<String, Ident>,
    /// Inline types in definition inside each other right now.
    nesting: usize,
    /// How deep each component's `allOf`s include other components, once known.
    all_of_depths: HashMap<String, usize>,
    /// The open enum of each list of string values met so far: descriptions repeat the same long lists
    /// (Microsoft Graph's `$select` of an entity's members, on each of its operations), and naming their
    /// variants was most of the time spent on operations.
    enums: HashMap<Vec<String>, TypeKind>,
}

impl<'a> Types<'a> {
    /// Names every component schema, then builds them.
    pub fn new(spec: &'a Spec, openapi: &'a OpenAPI) -> Self {
        let mut types = Types {
            table: Table::default(),
            findings: Findings::new(spec),
            refs: Resolver::new(spec),
            openapi,
            names: Namespace::with_reserved(&super::reserved::type_names()),
            formats: BTreeMap::new(),
            format_names: Namespace::default(),
            polymorphic: BTreeMap::new(),
            depth: 0,
            defined: HashMap::new(),
            nesting: 0,
            all_of_depths: HashMap::new(),
            enums: HashMap::new(),
        };
        let schemas = openapi.components.as_ref().map(|c| &c.schemas);
        for (key, schema) in schemas.into_iter().flatten() {
            let ptr = pointer::push("/components/schemas", key);
            let claimed = types.names.claim(&camel(key));
            let Some(name) = types.findings.ident(claimed, &ptr) else {
                continue;
            };
            let nullable = matches!(schema, ReferenceOr::Item(s) if s.schema_data.nullable);
            types.defined.insert(ptr, name.clone());
            types.table.name_component(key, name, nullable);
        }
        types.polymorphic = unions::polymorphic(schemas, types.table.components());
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
                    types.insert(&name, doc, TypeKind::Alias(ty), &ptr);
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
        self.table.share_shapes();
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
        let ty = if let Some(name) = self.defined.get(ptr).filter(|_| self.is_compound(schema)) {
            Ty::Named(name.clone())
        } else if self.is_compound(schema) {
            if self.nesting >= MAX_NESTING {
                self.findings.unsupported(
                    ptr,
                    format!("inline schemas nest deeper than {MAX_NESTING} types here"),
                );
                return Ty::Json;
            }
            let claimed = self.names.claim(&camel(hint));
            let Some(name) = self.findings.ident(claimed, ptr) else {
                return Ty::Json;
            };
            self.defined.insert(ptr.to_owned(), name.clone());
            self.nesting += 1;
            self.define(&name, schema, ptr);
            self.nesting -= 1;
            Ty::Named(name)
        } else {
            self.plain(schema, ptr, hint)
        };
        if schema.schema_data.nullable || annotations_nullable(schema) {
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
                sole_reference(all_of).is_none() && self.has_object_part(all_of)
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
            SchemaKind::AllOf { all_of } => {
                let (i, part) = sole_reference(all_of)
                    .or_else(|| all_of.first().map(|part| (0, part)))
                    .unzip();
                match part {
                    Some(part) => self.ty(
                        part,
                        &pointer::push_index(&pointer::push(ptr, "allOf"), i.unwrap_or(0)),
                        hint,
                    ),
                    None => Ty::Json,
                }
            }
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
        Ty::Vec(Box::new(inner))
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
        Ty::Map(Box::new(inner))
    }

    /// Claims a name for a type built outside this module (an operation's error body enum), from `hint`.
    pub fn claim(&mut self, hint: &str, ptr: &str) -> Option<Ident> {
        let claimed = self.names.claim(&camel(hint));
        self.findings.ident(claimed, ptr)
    }

    /// Defines a type named with [`Types::claim`].
    pub fn add(&mut self, name: &Ident, doc: String, kind: TypeKind, ptr: &str) {
        self.insert(name, doc, kind, ptr);
    }

    fn insert(&mut self, name: &Ident, doc: String, kind: TypeKind, ptr: &str) {
        self.table.insert(TypeDef {
            name: name.clone(),
            doc,
            kind,
            pointer: ptr.to_owned(),
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
        self.insert(name, doc, kind, ptr);
    }
}

/// The one reference of an `allOf` whose other parts only annotate it (`[{$ref: X}, {description: ...}]`), with
/// its index: such an `allOf` is that reference.
fn sole_reference(parts: &[ReferenceOr<Schema>]) -> Option<(usize, &ReferenceOr<Schema>)> {
    let mut references = parts
        .iter()
        .enumerate()
        .filter(|(_, p)| matches!(p, ReferenceOr::Reference { .. }));
    let sole = references.next()?;
    if references.next().is_some() {
        return None;
    }
    let annotations_only = parts.iter().all(|p| match p {
        ReferenceOr::Reference { .. } => true,
        ReferenceOr::Item(s) => {
            matches!(&s.schema_kind, SchemaKind::Any(any) if *any == AnySchema::default())
                && s.schema_data.discriminator.is_none()
        }
    });
    annotations_only.then_some(sole)
}

/// Whether an `allOf` of one reference has a part that only says `nullable: true`.
fn annotations_nullable(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } if sole_reference(all_of).is_some() => all_of
            .iter()
            .any(|p| matches!(p, ReferenceOr::Item(s) if s.schema_data.nullable)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Rule;

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
}
