//! Aliases of values with their own JSON form: a field, variant or parameter typed by an alias of a date, a
//! date-time, bytes or a number-written decimal (`pub type Birthday = time::Date;`) holds the aliased type
//! itself, so that its serde adapter is known where it is encoded. The Rust type is the same: an alias is only a
//! name.

use std::collections::BTreeMap;

use super::{Ident, Operation, Ty, TypeDef, TypeKind};

/// How many aliases of aliases are followed; cycles of aliases are already broken by the recursion analysis.
const MAX_CHAIN: usize = 64;

/// Replaces every use of an alias whose type needs an adapter by that type.
pub fn expand(types: &mut [TypeDef], operations: &mut [Operation]) {
    let aliases: BTreeMap<Ident, Ty> = types
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Alias(ty) => Some((def.name.clone(), ty.clone())),
            _ => None,
        })
        .collect();
    if aliases.is_empty() {
        return;
    }
    let mut expanded: BTreeMap<Ident, Ty> = BTreeMap::new();
    for name in aliases.keys() {
        let ty = resolve(&Ty::Named(name.clone()), &aliases, 0);
        if needs_adapter(&ty) {
            expanded.insert(name.clone(), ty);
        }
    }
    if expanded.is_empty() {
        return;
    }
    let rewrite = |ty: &mut Ty| replace(ty, &expanded);
    for def in types.iter_mut() {
        match &mut def.kind {
            TypeKind::Struct { fields, additional } => {
                fields
                    .iter_mut()
                    .chain(additional)
                    .for_each(|f| rewrite(&mut f.ty));
            }
            TypeKind::Tagged { variants, .. } => {
                variants.iter_mut().for_each(|v| rewrite(&mut v.ty))
            }
            TypeKind::Untagged { variants, .. } => {
                variants.iter_mut().for_each(|v| rewrite(&mut v.ty));
            }
            TypeKind::ErrorBody { variants } => {
                variants.iter_mut().for_each(|v| rewrite(&mut v.ty));
            }
            TypeKind::Newtype(ty) => rewrite(ty),
            TypeKind::Alias(_) | TypeKind::Enum { .. } => {}
        }
    }
    for op in operations {
        op.params.iter_mut().for_each(|p| rewrite(&mut p.ty));
    }
}

/// The type with every alias followed, up to [`MAX_CHAIN`] deep.
fn resolve(ty: &Ty, aliases: &BTreeMap<Ident, Ty>, depth: usize) -> Ty {
    let again = |inner: &Ty| Box::new(resolve(inner, aliases, depth + 1));
    match ty {
        _ if depth > MAX_CHAIN => ty.clone(),
        Ty::Named(name) => match aliases.get(name) {
            Some(target) => resolve(target, aliases, depth + 1),
            None => ty.clone(),
        },
        Ty::Vec(inner) => Ty::Vec(again(inner)),
        Ty::Map(inner) => Ty::Map(again(inner)),
        Ty::Option(inner) => Ty::Option(again(inner)),
        Ty::Boxed(inner) => Ty::Boxed(again(inner)),
        other => other.clone(),
    }
}

/// Whether a value of this type has a JSON form other than serde's for its Rust type.
fn needs_adapter(ty: &Ty) -> bool {
    match ty {
        Ty::Decimal { number } => *number,
        Ty::DateTime | Ty::Date | Ty::Formatted(_) | Ty::Bytes => true,
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) | Ty::Boxed(inner) => {
            needs_adapter(inner)
        }
        _ => false,
    }
}

fn replace(ty: &mut Ty, expanded: &BTreeMap<Ident, Ty>) {
    match ty {
        Ty::Named(name) => {
            if let Some(target) = expanded.get(name) {
                *ty = target.clone();
            }
        }
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) | Ty::Boxed(inner) => {
            replace(inner, expanded);
        }
        _ => {}
    }
}
