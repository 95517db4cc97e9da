//! The type table: every generated type by name, and the Rust name of every component schema.

use std::collections::{BTreeMap, BTreeSet};

use super::names::Ident;
use super::{Field, Ty, TypeDef, TypeKind};

/// How many aliases a lookup follows before it gives up (aliases of aliases are rare; cycles are refused
/// elsewhere).
pub const MAX_ALIASES: usize = 8;

/// The generated types, and the names of the component schemas.
#[derive(Default)]
pub struct Table {
    /// Component schema key -> Rust name.
    components: BTreeMap<String, Ident>,
    /// Component schema keys whose schema is `nullable`.
    nullable: BTreeSet<String>,
    /// Rust name -> definition.
    defs: BTreeMap<String, TypeDef>,
}

impl Table {
    /// Records the Rust name of component schema `key`.
    pub fn name_component(&mut self, key: &str, name: Ident, nullable: bool) {
        self.components.insert(key.to_owned(), name);
        if nullable {
            self.nullable.insert(key.to_owned());
        }
    }

    /// The Rust name of component schema `key`.
    pub fn component(&self, key: &str) -> Option<&Ident> {
        self.components.get(key)
    }

    /// The component key named `name`, if a component has that name.
    pub fn component_key_of(&self, name: &str) -> Option<&str> {
        self.components
            .iter()
            .find(|(_, n)| n.as_str() == name)
            .map(|(k, _)| k.as_str())
    }

    /// Every component schema key and its Rust name.
    pub fn components(&self) -> &BTreeMap<String, Ident> {
        &self.components
    }

    /// Whether component schema `key` is `nullable`.
    pub fn is_nullable(&self, key: &str) -> bool {
        self.nullable.contains(key)
    }

    /// The definition of a generated type.
    pub fn def(&self, name: &str) -> Option<&TypeDef> {
        self.defs.get(name)
    }

    /// Defines (or redefines) a type.
    pub fn insert(&mut self, def: TypeDef) {
        self.defs.insert(def.name.to_string(), def);
    }

    /// The definitions, by name, for passes over every type.
    pub fn defs_mut(&mut self) -> &mut BTreeMap<String, TypeDef> {
        &mut self.defs
    }

    /// Makes every inline type of another type's shape an alias of it: see [`super::shared::share`].
    pub fn share_shapes(&mut self) {
        let components: BTreeSet<&str> = self.components.values().map(Ident::as_str).collect();
        super::shared::share(&mut self.defs, &components);
    }

    /// The definitions, sorted by name.
    pub fn into_defs(self) -> Vec<TypeDef> {
        self.defs.into_values().collect()
    }

    /// The fields of the struct `ty` names: see [`struct_fields`].
    pub fn fields(&self, ty: &Ty) -> Option<&[Field]> {
        struct_fields(|name| self.defs.get(name), ty)
    }
}

/// The fields of the generated struct `ty` names, through options and aliases: the one lookup of a struct's
/// members, over the table while the IR is built or over [`super::Api::types`] after.
pub fn struct_fields<'a>(
    def: impl Fn(&str) -> Option<&'a TypeDef>,
    ty: &Ty,
) -> Option<&'a [Field]> {
    let mut ty = ty;
    for _ in 0..MAX_ALIASES {
        match ty {
            Ty::Option(inner) => ty = inner,
            Ty::Named(name) => match &def(name)?.kind {
                TypeKind::Struct { fields, .. } => return Some(fields),
                TypeKind::Alias(target) => ty = target,
                _ => return None,
            },
            _ => return None,
        }
    }
    None
}
