//! Which generated types travel in requests and which in responses (webhook deliveries count as
//! responses: the client reads them), so that a change can say whether clients already deployed send or
//! read it.

use std::collections::BTreeSet;

use crate::ir::{Api, Ty, TypeKind};

/// The names of the types reachable from requests and from responses.
#[derive(Debug, Default)]
pub struct Usage {
    request: BTreeSet<String>,
    response: BTreeSet<String>,
}

impl Usage {
    /// Walks every operation's parameters, body, result and error body, the webhook events and the error code.
    pub fn of(api: &Api) -> Usage {
        let mut usage = Usage::default();
        for op in &api.operations {
            for p in &op.params {
                reach(api, &p.ty, &mut usage.request);
            }
            if let Some(body) = &op.body {
                reach(api, &body.ty, &mut usage.request);
            }
            reach(api, &op.response.ty, &mut usage.response);
            if let Some(errors) = &op.errors {
                reach(api, &errors.ty, &mut usage.response);
            }
        }
        if let Some(webhooks) = &api.webhooks {
            for event in &webhooks.events {
                reach(api, &event.ty, &mut usage.response);
            }
        }
        if let Some(code) = &api.error_code {
            reach(api, code, &mut usage.response);
        }
        usage
    }

    /// Whether values of type `name` are sent.
    pub fn sent(&self, name: &str) -> bool {
        self.request.contains(name)
    }

    /// Whether values of type `name` are read.
    pub fn read(&self, name: &str) -> bool {
        self.response.contains(name)
    }
}

/// Adds the named types `ty` holds, and the types they hold, to `seen`.
fn reach(api: &Api, ty: &Ty, seen: &mut BTreeSet<String>) {
    let mut stack = vec![ty.clone()];
    while let Some(ty) = stack.pop() {
        match ty {
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) | Ty::Boxed(inner) => {
                stack.push(*inner);
            }
            Ty::Named(name) => {
                if !seen.insert(name.as_str().to_owned()) {
                    continue;
                }
                let Some(def) = api.types.iter().find(|t| t.name == name) else {
                    continue;
                };
                match &def.kind {
                    TypeKind::Struct { fields, additional } => {
                        stack.extend(fields.iter().chain(additional).map(|f| f.ty.clone()));
                    }
                    TypeKind::Tagged { variants, .. } => {
                        stack.extend(variants.iter().map(|v| v.ty.clone()));
                    }
                    TypeKind::Untagged { variants, .. } => {
                        stack.extend(variants.iter().map(|v| v.ty.clone()));
                    }
                    TypeKind::ErrorBody { variants } => {
                        stack.extend(variants.iter().map(|v| v.ty.clone()));
                    }
                    TypeKind::Alias(t) | TypeKind::Newtype(t) => stack.push(t.clone()),
                    TypeKind::Enum { .. } => {}
                }
            }
            _ => {}
        }
    }
}
