//! `x-fincode-pagination`: a listing operation's page and size parameters, and where its result holds the
//! items and the total. What cannot be honoured is a `codegen-unsupported` finding at the declaration.

use super::super::extensions;
use super::super::{Operation, Pagination, Ty};
use super::Builder;
use crate::pointer;

impl Builder<'_, '_> {
    /// The pagination of `op`, if it declares one the generator can honour.
    pub(super) fn pagination(
        &mut self,
        op: &openapiv3::Operation,
        op_ptr: &str,
        operation: &Operation,
    ) -> Option<Pagination> {
        let value = extensions::pagination(&op.extensions)?;
        let at = pointer::push(op_ptr, extensions::PAGINATION);
        let decl = match extensions::read_pagination(value) {
            Ok(decl) => decl,
            Err((member, message)) => {
                let ptr = if member.is_empty() {
                    at
                } else {
                    pointer::push(&at, member)
                };
                self.unsupported(&ptr, message);
                return None;
            }
        };
        let mut param = |member: &str, wire: &str| {
            let found = operation.params.iter().find(|p| p.wire == wire);
            match found {
                Some(p) if matches!(p.ty, Ty::I32 | Ty::I64) => Some(p.name.clone()),
                Some(_) => {
                    self.unsupported(
                        &pointer::push(&at, member),
                        format!("parameter `{wire}` is not an integer"),
                    );
                    None
                }
                None => {
                    self.unsupported(
                        &pointer::push(&at, member),
                        format!("the operation has no parameter `{wire}`"),
                    );
                    None
                }
            }
        };
        let page = param("page", decl.page);
        let size = param("size", decl.size);
        let result = &operation.response.ty;
        let (items, item) = match decl.items {
            None => match list_item(result) {
                Some(item) => (None, item.clone()),
                None => {
                    self.unsupported(
                        &at,
                        "the result is not a list: name the member holding the items in `items`",
                    );
                    return None;
                }
            },
            Some(wire) => {
                let field = result_member(&self.types.table, result, wire);
                match field.map(|f| (f, list_item(&f.ty))) {
                    Some((f, Some(item))) => (
                        Some((f.name.clone(), matches!(f.ty, Ty::Option(_)))),
                        item.clone(),
                    ),
                    Some(_) => {
                        self.unsupported(
                            &pointer::push(&at, "items"),
                            format!("member `{wire}` of the result is not an array"),
                        );
                        return None;
                    }
                    None => {
                        self.unsupported(
                            &pointer::push(&at, "items"),
                            format!("the result has no member `{wire}`"),
                        );
                        return None;
                    }
                }
            }
        };
        let total = match decl.total {
            None => None,
            Some(wire) => {
                let field = result_member(&self.types.table, result, wire);
                match field {
                    Some(f) if is_integer(&f.ty) => {
                        Some((f.name.clone(), matches!(f.ty, Ty::Option(_))))
                    }
                    Some(_) => {
                        self.unsupported(
                            &pointer::push(&at, "total"),
                            format!("member `{wire}` of the result is not an integer"),
                        );
                        return None;
                    }
                    None => {
                        self.unsupported(
                            &pointer::push(&at, "total"),
                            format!("the result has no member `{wire}`"),
                        );
                        return None;
                    }
                }
            }
        };
        Some(Pagination {
            page: page?,
            size: size?,
            items,
            item,
            total,
            first: decl.first,
        })
    }
}

/// The item type of a list, through `Option` and `Box`.
/// The member of the result type `result` that the wire name `wire` names (not a flattened map).
fn result_member<'t>(
    table: &'t super::super::table::Table,
    result: &Ty,
    wire: &str,
) -> Option<&'t super::super::Field> {
    table
        .fields(result)
        .and_then(|fields| fields.iter().find(|f| f.wire == wire && !f.flatten))
}

fn list_item(ty: &Ty) -> Option<&Ty> {
    match ty {
        Ty::Vec(item) => Some(item),
        Ty::Option(inner) | Ty::Boxed(inner) => list_item(inner),
        _ => None,
    }
}

/// Whether a member holds an integer, through `Option` and `Box`.
fn is_integer(ty: &Ty) -> bool {
    match ty {
        Ty::I32 | Ty::I64 => true,
        Ty::Option(inner) | Ty::Boxed(inner) => is_integer(inner),
        _ => false,
    }
}
