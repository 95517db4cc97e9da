//! The envelopes `x-fincode-envelopes` declares, and the bodies and responses wrapped in them.

use openapiv3::{ReferenceOr, Schema, SchemaKind};

use super::Builder;
use crate::ir::extensions;
use crate::ir::resolve::component_key;
use crate::ir::types::Types;
use crate::ir::Ty;
use crate::load::Spec;
use crate::pointer;

/// The envelopes the spec declares in `x-fincode-envelopes`, by component key.
#[derive(Debug, Default)]
pub struct Envelopes {
    pub(super) request: Option<String>,
    pub(super) success: Option<String>,
    pub(super) status: Option<String>,
    /// The error envelope's component key: responses of that schema are the envelope's to read.
    pub(super) error: Option<String>,
    /// The type of `error.code` in the error envelope.
    pub error_code: Option<Ty>,
}

impl Envelopes {
    /// Reads the envelope declarations.
    pub fn read(spec: &Spec, types: &mut Types) -> Self {
        let key =
            |kind: &str| extensions::envelope(&spec.value, kind).and_then(extensions::envelope_key);
        let mut envelopes = Envelopes {
            request: key("request"),
            success: key("success"),
            status: key("status"),
            error: key("error"),
            error_code: None,
        };
        if let Some(error) = envelopes.error.clone() {
            envelopes.error_code = error_code(types, &error);
            if envelopes.error_code.is_none() {
                types.findings.unsupported(
                    "/x-fincode-envelopes/error",
                    "the error envelope must have an `error` object with a `code` member",
                );
            }
        }
        envelopes
    }
}

/// The type of `error.code` in the error envelope component `key`.
fn error_code(types: &Types, key: &str) -> Option<Ty> {
    let member = |ty: &Ty, wire: &str| -> Option<Ty> {
        let fields = types.table.fields(ty)?;
        let field = fields.iter().find(|f| f.wire == wire)?;
        Some(field.ty.clone().required())
    };
    let envelope = Ty::Named(types.table.component(key)?.clone());
    let error = member(&envelope, "error")?;
    member(&error, "code")
}

impl Builder<'_, '_> {
    /// `allOf: [{$ref: envelope}, {properties: {data: X}}]` as the type of `X`, when `envelope` is the one named.
    pub(super) fn enveloped(
        &mut self,
        schema: &ReferenceOr<Schema>,
        envelope: Option<&str>,
        at: &str,
        hint: &str,
    ) -> Option<Ty> {
        let envelope = envelope?;
        let ReferenceOr::Item(schema) = schema else {
            return None;
        };
        let SchemaKind::AllOf { all_of } = &schema.schema_kind else {
            return None;
        };
        let [ReferenceOr::Reference { reference }, ReferenceOr::Item(data)] = all_of.as_slice()
        else {
            return None;
        };
        if component_key(reference).as_deref() != Some(envelope) {
            return None;
        }
        let properties = match &data.schema_kind {
            SchemaKind::Type(openapiv3::Type::Object(o)) => &o.properties,
            SchemaKind::Any(any) => &any.properties,
            _ => return None,
        };
        let member = properties.get("data")?;
        let ptr = pointer::push(
            &pointer::push(&pointer::push(at, "allOf/1"), "properties"),
            "data",
        );
        Some(self.types.ty_boxed(member, &ptr, hint))
    }
}
