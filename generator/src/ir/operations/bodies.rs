//! Request bodies: the media type chosen, its type, multipart parts, and the members sent encrypted.

use openapiv3::{MediaType, ReferenceOr, RequestBody};

use super::Builder;
use crate::ir::extensions;
use crate::ir::names::Ident;
use crate::ir::types::Types;
use crate::ir::{Body, BodyKind, Ty};
use crate::pointer;

impl Builder<'_, '_> {
    pub(super) fn body(
        &mut self,
        body: &ReferenceOr<RequestBody>,
        at: &str,
        builder: &str,
    ) -> Option<Body> {
        let body = match body {
            ReferenceOr::Item(b) => b.clone(),
            ReferenceOr::Reference { reference } => self.deref::<RequestBody>(reference, at)?,
        };
        let (media_type, media, kind) = pick_media(&body.content, true)?;
        let media_ptr = pointer::push(&pointer::push(at, "content"), &media_type);
        let schema_ptr = pointer::push(&media_ptr, "schema");
        let hint = format!("{builder}Request");
        let (kind, ty) = match (kind, &media.schema) {
            (BodyKind::Json, Some(schema)) => match self.enveloped(
                schema,
                self.envelopes.request.as_deref(),
                &schema_ptr,
                &hint,
            ) {
                Some(ty) => (BodyKind::JsonEnvelope, ty),
                None => (BodyKind::Json, self.types.ty(schema, &schema_ptr, &hint)),
            },
            (BodyKind::Json, None) => (BodyKind::Json, Ty::Json),
            (BodyKind::Multipart | BodyKind::Form, Some(schema)) => {
                (kind, self.types.ty(schema, &schema_ptr, &hint))
            }
            (BodyKind::Multipart | BodyKind::Form, None) => (kind, Ty::Map(Box::new(Ty::String))),
            (BodyKind::Text, _) => (BodyKind::Text, Ty::String),
            (_, _) => (BodyKind::Raw, Ty::Bytes),
        };
        let ty = ty.required();
        let parts = match (&kind, &ty) {
            (BodyKind::Multipart, Ty::Named(_)) => match self.types.table.fields(&ty) {
                Some(fields) if fields.iter().all(|f| !f.flatten) => fields.to_vec(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        // A multipart body whose schema names no members is the caller's own list of parts.
        let ty = if kind == BodyKind::Multipart && parts.is_empty() {
            Ty::Parts
        } else {
            ty
        };
        let doc = body
            .description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map_or_else(|| self.body_doc(&ty, &kind), str::to_owned);
        let part_types = media
            .encoding
            .iter()
            .filter_map(|(member, encoding)| {
                let first = encoding.content_type.as_deref()?.split(',').next()?.trim();
                (!first.is_empty() && !first.contains('*'))
                    .then(|| (member.clone(), first.to_owned()))
            })
            .collect();
        // A body that is itself a secret (a generated struct prints its own secret members as redacted).
        let sensitive =
            matches!(&media.schema, Some(ReferenceOr::Item(schema)) if extensions::secret(schema));
        Some(Body {
            kind,
            media_type,
            ty,
            required: body.required,
            doc,
            parts,
            part_types,
            sensitive,
            example: media
                .example
                .clone()
                .or_else(|| media.examples.values().find_map(|e| self.example_value(e)))
                .or_else(|| media.schema.as_ref().and_then(|s| self.schema_example(s))),
        })
    }
}

impl Builder<'_, '_> {
    /// What a body without a description of its own is: its type's first sentence, and how it is sent.
    fn body_doc(&self, ty: &Ty, kind: &BodyKind) -> String {
        let form = match kind {
            BodyKind::Json | BodyKind::JsonEnvelope => "sent as JSON",
            BodyKind::Form => "sent as a URL-encoded form",
            BodyKind::Multipart => "sent as a multipart form",
            BodyKind::Text => "sent as text",
            BodyKind::Raw => "sent as bytes",
        };
        let Ty::Named(name) = ty else {
            return format!("The body, {form}.");
        };
        let summary = self
            .types
            .table
            .def(name.as_str())
            .and_then(|def| first_sentence(&def.doc));
        match summary {
            Some(summary) => format!(
                "{summary} (a [`{0}`](crate::types::{0}), {form}).",
                name.bare()
            ),
            None => format!("A [`{0}`](crate::types::{0}), {form}.", name.bare()),
        }
    }
}

/// The first sentence of a documentation text, without its full stop, if it is short enough to stand for it.
fn first_sentence(doc: &str) -> Option<String> {
    let first = doc.trim().lines().next()?.trim();
    let end = first.find(". ").map_or(first.len(), |i| i + 1);
    let sentence = first[..end].trim_end_matches(['.', ':', ';']);
    (!sentence.is_empty() && sentence.len() <= 160 && !sentence.contains('`'))
        .then(|| sentence.to_owned())
}

/// The JSON pointers (under `prefix`) of the members of `ty` marked as encrypted, following
/// structs, options and arrays (`*`).
pub(super) fn encrypted_pointers(
    types: &Types,
    ty: &Ty,
    prefix: &str,
    seen: &mut Vec<Ident>,
    out: &mut Vec<String>,
) {
    match ty {
        Ty::Option(inner) | Ty::Boxed(inner) => encrypted_pointers(types, inner, prefix, seen, out),
        Ty::Vec(inner) => encrypted_pointers(types, inner, &format!("{prefix}/*"), seen, out),
        Ty::Named(name) if !seen.contains(name) => {
            let Some(fields) = types.table.fields(ty) else {
                return;
            };
            seen.push(name.clone());
            for field in fields {
                if field.flatten {
                    encrypted_pointers(types, &field.ty, prefix, seen, out);
                    continue;
                }
                let at = format!(
                    "{prefix}/{}",
                    field.wire.replace('~', "~0").replace('/', "~1")
                );
                if field.encrypted {
                    match field.ty.clone().required() {
                        Ty::Vec(_) => out.push(format!("{at}/*")),
                        _ => out.push(at),
                    }
                } else {
                    encrypted_pointers(types, &field.ty, &at, seen, out);
                }
            }
            seen.pop();
        }
        _ => {}
    }
}

/// The media type to use: JSON first, then multipart and form bodies, then text, then anything.
pub(super) fn pick_media(
    content: &indexmap::IndexMap<String, MediaType>,
    request: bool,
) -> Option<(String, MediaType, BodyKind)> {
    let classify = |m: &str| -> (u8, BodyKind) {
        let m = m.to_ascii_lowercase();
        let essence = m.split(';').next().unwrap_or("").trim().to_owned();
        if essence == "application/json" || essence.ends_with("+json") || essence.ends_with("/json")
        {
            (0, BodyKind::Json)
        } else if request && essence == "multipart/form-data" {
            (1, BodyKind::Multipart)
        } else if request && essence == "application/x-www-form-urlencoded" {
            (2, BodyKind::Form)
        } else if essence.starts_with("text/") {
            (3, BodyKind::Text)
        } else if essence.contains("json") {
            (4, BodyKind::Json)
        } else {
            (5, BodyKind::Raw)
        }
    };
    content
        .iter()
        .map(|(m, media)| (classify(m), m, media))
        .min_by_key(|((rank, _), _, _)| *rank)
        .map(|((_, kind), m, media)| (m.clone(), media.clone(), kind))
}
