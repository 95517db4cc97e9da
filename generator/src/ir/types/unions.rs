//! Enums and unions: open string enums, discriminated unions (by `oneOf` with a discriminator, or by a base
//! schema its children extend) and undiscriminated ones.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema, SchemaKind};

use super::Types;
use crate::ir::names::{camel, Ident, InvalidName, Namespace};
use crate::ir::resolve::component_key;
use crate::ir::{EnumVariant, TaggedVariant, Ty, TypeKind, UntaggedVariant};
use crate::pointer;

impl Types<'_> {
    pub(super) fn union(
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
                .required();
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
    pub(super) fn tagged_kind(
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
    pub(super) fn enumeration(&mut self, values: &[&str], ptr: &str) -> TypeKind {
        let key: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
        if let Some(kind) = self.enums.get(&key) {
            return kind.clone();
        }
        match enumeration(values) {
            Ok(kind) => {
                self.enums.insert(key, kind.clone());
                kind
            }
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
}

/// Base schemas that carry a discriminator and are extended by others (`allOf: [{$ref: Base}, ...]`, or named
/// by the discriminator's mapping): a reference to the base means any of its children, chosen by the tag.
pub(super) fn polymorphic(
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
        Ty::Parts => "Parts".to_owned(),
        Ty::Unit => "Null".to_owned(),
        Ty::Vec(inner) => format!("{}List", variant_name(inner)),
        Ty::Map(inner) => format!("{}Map", variant_name(inner)),
        Ty::Option(inner) | Ty::Boxed(inner) => variant_name(inner),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
