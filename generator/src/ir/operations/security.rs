//! Security schemes, the requirements of each operation, and servers.

use openapiv3::{ReferenceOr, SecurityScheme};

use super::Builder;
use crate::ir::names::{bare, shouty, snake, Namespace};
use crate::ir::reserved;
use crate::ir::{doc_join, Scheme, SchemeKind, Server};
use crate::pointer;

impl Builder<'_, '_> {
    pub(super) fn schemes(&mut self) {
        let mut methods = Namespace::with_taken(reserved::client_builder_methods());
        let mut constants = Namespace::default();
        let openapi = self.openapi;
        let list = openapi.components.as_ref().map(|c| &c.security_schemes);
        let mut sorted: Vec<_> = list.into_iter().flatten().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        for (name, scheme) in sorted {
            let at = pointer::push("/components/securitySchemes", name);
            let scheme = match scheme {
                ReferenceOr::Item(s) => s.clone(),
                ReferenceOr::Reference { reference } => {
                    match self.deref::<SecurityScheme>(reference, &at) {
                        Some(s) => s,
                        None => continue,
                    }
                }
            };
            let (kind, description) = match &scheme {
                SecurityScheme::APIKey {
                    location,
                    name,
                    description,
                    ..
                } => (
                    match location {
                        openapiv3::APIKeyLocation::Header => SchemeKind::ApiKeyHeader(name.clone()),
                        openapiv3::APIKeyLocation::Query => SchemeKind::ApiKeyQuery(name.clone()),
                        openapiv3::APIKeyLocation::Cookie => SchemeKind::ApiKeyCookie(name.clone()),
                    },
                    description,
                ),
                SecurityScheme::HTTP {
                    scheme,
                    description,
                    ..
                } => (
                    if scheme.eq_ignore_ascii_case("basic") {
                        SchemeKind::Basic
                    } else {
                        SchemeKind::Bearer
                    },
                    description,
                ),
                SecurityScheme::OAuth2 { description, .. }
                | SecurityScheme::OpenIDConnect { description, .. } => {
                    (SchemeKind::Bearer, description)
                }
            };
            let what = match &kind {
                SchemeKind::ApiKeyHeader(h) => format!("Sent in the `{h}` header."),
                SchemeKind::ApiKeyQuery(q) => format!("Sent as the `{q}` query parameter."),
                SchemeKind::ApiKeyCookie(c) => format!("Sent as the `{c}` cookie."),
                SchemeKind::Bearer => "Sent as `Authorization: Bearer <token>`.".to_owned(),
                SchemeKind::Basic => "Sent as `Authorization: Basic`.".to_owned(),
            };
            let doc = doc_join(&[
                Some(&format!("The `{name}` security scheme.")),
                description.as_deref(),
                Some(&what),
            ]);
            let claimed = constants
                .claim(&shouty(bare(&snake(name))))
                .and_then(|constant| Ok((constant, methods.claim(&snake(name))?)));
            let (constant, method) = match claimed {
                Ok(names) => names,
                Err(e) => {
                    self.unsupported(&at, e.to_string());
                    continue;
                }
            };
            self.schemes.push(Scheme {
                name: name.clone(),
                constant,
                method,
                kind,
                doc,
            });
        }
    }

    pub(super) fn security(
        &mut self,
        requirements: Option<&Vec<openapiv3::SecurityRequirement>>,
        at: &str,
    ) -> Vec<Vec<usize>> {
        let mut out = Vec::new();
        for (i, requirement) in requirements.into_iter().flatten().enumerate() {
            let mut alternative = Vec::new();
            for name in requirement.keys() {
                match self.schemes.iter().position(|s| &s.name == name) {
                    Some(index) => alternative.push(index),
                    None => {
                        let ptr = pointer::push_index(&pointer::push(at, "security"), i);
                        self.unsupported(&ptr, format!("security scheme `{name}` is not defined in `components/securitySchemes`"));
                    }
                }
            }
            out.push(alternative);
        }
        out
    }
}

/// Converts servers.
pub fn servers(list: &[openapiv3::Server]) -> Vec<Server> {
    list.iter()
        .map(|s| Server {
            url: s.url.clone(),
            variables: s
                .variables
                .iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.default.clone()))
                .collect(),
            description: s.description.clone(),
        })
        .collect()
}
