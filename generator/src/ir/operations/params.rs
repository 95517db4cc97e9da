//! Parameters: path-level and operation-level, typed, named and ordered as the method takes them.

use openapiv3::{Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, Schema};
use serde_json::Value;

use super::Builder;
use crate::ir::names::{bare, camel, snake, Namespace};
use crate::ir::{extensions, reserved};
use crate::ir::{Param, ParamIn, Ty};
use crate::pointer;

impl Builder<'_, '_> {
    pub(super) fn params(
        &mut self,
        item: &PathItem,
        op: &openapiv3::Operation,
        path: &str,
        (item_ptr, op_ptr): (&str, &str),
        builder: &str,
    ) -> Vec<Param> {
        // Path-level parameters, overridden by operation-level ones with the same name and location.
        let mut all: Vec<(Parameter, String)> = Vec::new();
        let sources = [(&item.parameters, item_ptr), (&op.parameters, op_ptr)];
        for (list, base) in sources {
            for (i, p) in list.iter().enumerate() {
                let at = pointer::push_index(&pointer::push(base, "parameters"), i);
                let p = match p {
                    ReferenceOr::Item(p) => p.clone(),
                    ReferenceOr::Reference { reference } => {
                        match self.deref::<Parameter>(reference, &at) {
                            Some(p) => p,
                            None => continue,
                        }
                    }
                };
                let key = |q: &Parameter| {
                    (
                        q.parameter_data_ref().name.clone(),
                        std::mem::discriminant(q),
                    )
                };
                all.retain(|(q, _)| key(q) != key(&p));
                all.push((p, at));
            }
        }
        let mut names = Namespace::with_taken(reserved::request_builder_members());
        let mut params = Vec::new();
        for (p, at) in all {
            let location = match &p {
                Parameter::Path { .. } => ParamIn::Path,
                Parameter::Query { .. } => ParamIn::Query,
                Parameter::Header { .. } => ParamIn::Header,
                Parameter::Cookie { .. } => ParamIn::Cookie,
            };
            let data = p.parameter_data_ref();
            if location == ParamIn::Header
                && ["accept", "content-type", "authorization"]
                    .contains(&data.name.to_ascii_lowercase().as_str())
            {
                continue;
            }
            let hint = format!("{builder}{}", bare(&camel(&data.name)));
            let sensitive = extensions::sensitive(&data.extensions)
                || matches!(&data.format, ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) if extensions::secret(s));
            let (ty, default) = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let ty = self.types.ty(schema, &pointer::push(&at, "schema"), &hint);
                    (ty, self.scalar_default(schema))
                }
                ParameterSchemaOrContent::Content(_) => (Ty::Json, None),
            };
            // Parameters are text on the wire: typed here, encoded by the type's adapter, in the form the docs give.
            let ty = ty.required();
            let wire_form = match &ty {
                Ty::DateTime => Some("an RFC 3339 date-time (`2024-05-01T12:00:00Z`)".to_owned()),
                Ty::Date => Some("a date, `YYYY-MM-DD`".to_owned()),
                Ty::Formatted(f) => Some(format!("a date in the format `{}`", f.pattern)),
                Ty::Bytes => Some("base64".to_owned()),
                _ => None,
            };
            let mut doc = data
                .description
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map_or_else(|| format!("The `{}` parameter.", data.name), str::to_owned);
            if let Some(form) = wire_form {
                doc.push_str(&format!("\n\nWritten as {form}."));
            }
            if let Some(d) = &default {
                doc.push_str(&format!("\n\nDefaults to `{d}` when not set."));
            }
            // The client makes up an idempotency key when the caller gives none.
            let generated = location == ParamIn::Header && is_idempotency_key(&data.name);
            if generated {
                doc.push_str(
                    "\n\nWhen not set, the client sends a new UUID v4, the same on every retry of the call.",
                );
            }
            let required =
                location == ParamIn::Path || (data.required && default.is_none() && !generated);
            let claimed = names.claim(&snake(&data.name));
            let Some(name) = self.types.findings.ident(claimed, &at) else {
                continue;
            };
            params.push(Param {
                wire: data.name.clone(),
                name,
                location,
                ty,
                required,
                default: if data.required { default } else { None },
                doc,
                sensitive,
                pointer: at.clone(),
                example: data
                    .example
                    .clone()
                    .or_else(|| data.examples.values().find_map(|e| self.example_value(e)))
                    .or_else(|| match &data.format {
                        ParameterSchemaOrContent::Schema(schema) => self.schema_example(schema),
                        ParameterSchemaOrContent::Content(_) => None,
                    }),
            });
        }
        // Required parameters first: path parameters in template order, then the others in spec order.
        let order = |p: &Param| -> (usize, usize) {
            match (p.location, p.required) {
                (ParamIn::Path, _) => (
                    0,
                    path.find(&format!("{{{}}}", p.wire)).unwrap_or(usize::MAX),
                ),
                (_, true) => (1, 0),
                (_, false) => (2, 0),
            }
        };
        params.sort_by_key(order);
        params
    }

    /// A parameter's default as the text to send, for scalar defaults.
    fn scalar_default(&self, schema: &ReferenceOr<Schema>) -> Option<String> {
        let ReferenceOr::Item(s) = schema else {
            return None;
        };
        match s.schema_data.default.as_ref()? {
            Value::String(v) => Some(v.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// Whether a header parameter carries an idempotency key.
pub(super) fn is_idempotency_key(name: &str) -> bool {
    ["idempotency-key", "x-idempotency-key"].contains(&name.to_ascii_lowercase().as_str())
}
