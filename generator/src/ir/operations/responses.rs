//! The success response: which one is read, and how (an envelope unwrapped, JSON, text, bytes or nothing).

use openapiv3::{ReferenceOr, Response, StatusCode};

use super::bodies::pick_media;
use super::Builder;
use crate::ir::resolve::component_key;
use crate::ir::{BodyKind, ResponseDef, Shape, Ty};
use crate::pointer;

impl Builder<'_, '_> {
    pub(super) fn response(
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
