//! The declared non-2xx responses: which statuses carry a JSON body, and the type it decodes into (the one
//! type they share, or an enum with a variant per status).

use openapiv3::{ReferenceOr, Response, StatusCode};

use super::bodies::pick_media;
use super::Builder;
use crate::ir::names::{camel, Namespace};
use crate::ir::resolve::component_key;
use crate::ir::{BodyKind, ErrorBodies, ErrorVariant, Ty, TypeKind};
use crate::ir::{StatusMatch, TypeDef};
use crate::pointer;

/// How many aliases are followed when telling whether a body's type decodes with plain serde.
const MAX_ALIASES: usize = 8;

impl Builder<'_, '_> {
    /// The typed bodies of the non-2xx responses of `responses`, `None` when none has a JSON body.
    pub(super) fn error_bodies(
        &mut self,
        responses: &openapiv3::Responses,
        op_ptr: &str,
        builder: &str,
        id: &str,
    ) -> Option<ErrorBodies> {
        let at = pointer::push(op_ptr, "responses");
        let mut declared: Vec<(StatusMatch, String, &ReferenceOr<Response>)> = Vec::new();
        for (code, response) in &responses.responses {
            match code {
                StatusCode::Code(c) if (200..300).contains(c) => {}
                StatusCode::Range(2) => {}
                StatusCode::Code(c) => {
                    declared.push((StatusMatch::Code(*c), c.to_string(), response))
                }
                StatusCode::Range(d) => {
                    declared.push((StatusMatch::Range(*d), format!("{d}XX"), response))
                }
            }
        }
        // Where nothing else is declared, `default` is the success response (see `response`).
        if let (false, Some(response)) = (responses.responses.is_empty(), &responses.default) {
            declared.push((StatusMatch::Default, "default".to_owned(), response));
        }
        let mut names = Namespace::default();
        let mut variants: Vec<ErrorVariant> = Vec::new();
        let mut statuses = Vec::new();
        for (status, key, response) in declared {
            let name = variant_name(status);
            let body = self.error_body(
                response,
                &pointer::push(&at, &key),
                &format!("{builder}{name}"),
            );
            let Some((ty, description)) = body else {
                statuses.push((status, None));
                continue;
            };
            let Ok(name) = names.claim(&name) else {
                statuses.push((status, None));
                continue;
            };
            let mut doc = format!("The body of a `{status}` response.");
            if !description.trim().is_empty() {
                doc = format!("{}\n\n{doc}", description.trim());
            }
            statuses.push((status, Some(variants.len())));
            variants.push(ErrorVariant {
                name,
                status,
                ty,
                doc,
            });
        }
        let first = variants.first()?.ty.clone();
        if variants.iter().all(|v| v.ty == first) {
            let statuses = statuses
                .into_iter()
                .map(|(status, index)| (status, index.map(|_| 0)))
                .collect();
            return Some(ErrorBodies {
                ty: first,
                per_status: false,
                statuses,
            });
        }
        let name = self.types.claim(&format!("{builder}ErrorBody"), &at)?;
        let listed: Vec<String> = variants.iter().map(|v| format!("`{}`", v.status)).collect();
        let doc = format!(
            "The body of an error response the operation `{id}` declares, by status: {}.\n\n\
             Read it from the call's error with `error.error_body::<{}>()`.",
            listed.join(", "),
            name.bare()
        );
        self.types
            .add(&name, doc, TypeKind::ErrorBody { variants }, &at);
        Some(ErrorBodies {
            ty: Ty::Named(name),
            per_status: true,
            statuses,
        })
    }

    /// The type of one declared response's JSON body and the response's description; `None` when it has
    /// no JSON body with a schema, when the body is the error envelope (which the runtime reads first), or
    /// when its type has a JSON form of its own that plain serde would not read (a bare date, bytes).
    fn error_body(
        &mut self,
        response: &ReferenceOr<Response>,
        at: &str,
        hint: &str,
    ) -> Option<(Ty, String)> {
        let (response, at, hint) = match response {
            ReferenceOr::Item(r) => (r.clone(), at.to_owned(), hint.to_owned()),
            ReferenceOr::Reference { reference } => {
                let (r, target) = self.types.refs.deref::<Response>(
                    reference,
                    at,
                    "does not point at a response",
                    &mut self.types.findings,
                )?;
                // A shared response's inline schema is one type, named after the response.
                let hint = target
                    .strip_prefix("/components/responses/")
                    .map_or_else(|| hint.to_owned(), camel);
                (r, target, hint)
            }
        };
        let (media_type, media, kind) = pick_media(&response.content, false)?;
        if kind != BodyKind::Json {
            return None;
        }
        let schema = media.schema.as_ref()?;
        if let (Some(envelope), ReferenceOr::Reference { reference }) =
            (&self.envelopes.error, schema)
        {
            if component_key(reference).as_deref() == Some(envelope.as_str()) {
                return None;
            }
        }
        let schema_ptr = pointer::push(
            &pointer::push(&pointer::push(&at, "content"), &media_type),
            "schema",
        );
        let ty = self.types.ty(schema, &schema_ptr, &hint);
        (!self.adapted(&ty, 0)).then_some((ty, response.description))
    }

    /// Whether a value of `ty` has a JSON form other than serde's for its Rust type, through aliases.
    fn adapted(&self, ty: &Ty, depth: usize) -> bool {
        match ty {
            _ if depth > MAX_ALIASES => false,
            Ty::Decimal { number } => *number,
            Ty::DateTime | Ty::Date | Ty::Formatted(_) | Ty::Bytes => true,
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) | Ty::Boxed(inner) => {
                self.adapted(inner, depth + 1)
            }
            Ty::Named(name) => match self.types.table.def(name) {
                Some(TypeDef {
                    kind: TypeKind::Alias(target),
                    ..
                }) => self.adapted(target, depth + 1),
                _ => false,
            },
            _ => false,
        }
    }
}

/// A variant's name after its status: the status's reason (`NotFound`), `Status499` for a code without
/// one, the class for a range (`ClientError`), `Other` for `default`.
fn variant_name(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => http::StatusCode::from_u16(code)
            .ok()
            .and_then(|s| s.canonical_reason())
            .map_or_else(|| format!("Status{code}"), camel),
        StatusMatch::Range(1) => "Informational".to_owned(),
        StatusMatch::Range(3) => "Redirection".to_owned(),
        StatusMatch::Range(4) => "ClientError".to_owned(),
        StatusMatch::Range(5) => "ServerError".to_owned(),
        StatusMatch::Range(digit) => format!("Status{digit}XX"),
        StatusMatch::Default => "Other".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_are_named_after_their_status() {
        assert_eq!(variant_name(StatusMatch::Code(404)), "NotFound");
        assert_eq!(variant_name(StatusMatch::Code(422)), "UnprocessableEntity");
        assert_eq!(variant_name(StatusMatch::Code(499)), "Status499");
        assert_eq!(variant_name(StatusMatch::Range(4)), "ClientError");
        assert_eq!(variant_name(StatusMatch::Range(5)), "ServerError");
        assert_eq!(variant_name(StatusMatch::Default), "Other");
    }
}
