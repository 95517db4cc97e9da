//! Sessions: the `x-fincode-session` extension of a token security scheme names the operations that
//! log in, refresh and log out, and the members that carry the credentials and the tokens.
//!
//! ```yaml
//! x-fincode-session:
//!   login: {operation: login, username: email, password: currentPassword}
//!   refresh: {operation: refresh_token, refresh-token: refresh_token}
//!   logout: {operation: logout, refresh-token: refresh_token}   # optional
//!   access-token: access_token      # member of the login and refresh results
//!   refresh-token: refresh_token    # optional
//! ```

use serde_json::Value;

use super::extensions;
use super::{Api, Ident, Operation, SchemeKind, Ty};
use crate::diagnostic::{Diagnostic, Rule};
use crate::load::Spec;
use crate::pointer;

/// A session the generated client runs for a token scheme.
#[derive(Debug, Clone)]
pub struct SessionDef {
    /// The scheme, an index into [`Api::schemes`].
    pub scheme: usize,
    /// The call that logs in.
    pub login: SessionCall,
    /// The call that exchanges a refresh token for new tokens.
    pub refresh: SessionCall,
    /// The call that revokes the tokens, if the spec names one.
    pub logout: Option<SessionCall>,
    /// The result member holding the access token.
    pub access: Member,
    /// The result member holding the refresh token, if any.
    pub refresh_token: Option<Member>,
}

/// One operation a session calls, and how its body is filled.
#[derive(Debug, Clone)]
pub struct SessionCall {
    /// The operation, an index into [`Api::operations`].
    pub operation: usize,
    /// The body type.
    pub body: Ident,
    /// What each argument of the body's `new` is, in order.
    pub args: Vec<(Input, bool)>,
    /// Optional members set after `new`: the member's setter and what it holds.
    pub sets: Vec<(Ident, Input)>,
}

/// A value the session fills a body member with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The user name.
    Username,
    /// The password.
    Password,
    /// The refresh token.
    RefreshToken,
}

/// A string member of a generated struct.
#[derive(Debug, Clone)]
pub struct Member {
    /// The Rust field name.
    pub field: Ident,
    /// Whether it is an `Option<String>`.
    pub optional: bool,
}

/// Reads the `x-fincode-session` of every security scheme; at most one may have it.
pub fn build(spec: &Spec, api: &Api, diagnostics: &mut Vec<Diagnostic>) -> Option<SessionDef> {
    let schemes = spec
        .value
        .pointer("/components/securitySchemes")?
        .as_object()?;
    let mut found = None;
    for (name, scheme) in schemes {
        let Some(extension) = extensions::session(scheme) else {
            continue;
        };
        let at = pointer::push(
            &pointer::push("/components/securitySchemes", name),
            extensions::SESSION,
        );
        let mut reader = Reader {
            spec,
            api,
            diagnostics,
        };
        if found.is_some() {
            reader.fail(&at, "only one security scheme may declare a session");
            continue;
        }
        found = reader.session(name, extension, &at);
    }
    found
}

struct Reader<'a> {
    spec: &'a Spec,
    api: &'a Api,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Reader<'_> {
    fn fail(&mut self, at: &str, message: impl Into<String>) {
        let message = format!("x-fincode-session: {}", message.into());
        self.diagnostics
            .push(self.spec.diagnostic(Rule::CodegenUnsupported, at, message));
    }

    fn session(&mut self, name: &str, extension: &Value, at: &str) -> Option<SessionDef> {
        let scheme = self.api.schemes.iter().position(|s| s.name == name)?;
        if self.api.schemes[scheme].kind == SchemeKind::Basic {
            self.fail(
                at,
                "a session needs a token scheme, not HTTP basic authentication",
            );
            return None;
        }
        let login = self.call(
            extension,
            at,
            "login",
            &[("username", Input::Username), ("password", Input::Password)],
        );
        let refresh = self.call(
            extension,
            at,
            "refresh",
            &[("refresh-token", Input::RefreshToken)],
        );
        let logout = match extension.get("logout") {
            None => None,
            Some(_) => Some(self.call(
                extension,
                at,
                "logout",
                &[("refresh-token", Input::RefreshToken)],
            )?),
        };
        let (login, refresh) = (login?, refresh?);
        let access_wire = self.text(extension, at, "access-token")?;
        let refresh_wire = match extension.get("refresh-token") {
            None => None,
            Some(_) => Some(self.text(extension, at, "refresh-token")?),
        };
        let mut members = |call: &SessionCall| {
            let op = &self.api.operations[call.operation];
            let access =
                self.result_member(op, &access_wire, &pointer::push(at, "access-token"))?;
            let refresh = match &refresh_wire {
                None => None,
                Some(wire) => {
                    Some(self.result_member(op, wire, &pointer::push(at, "refresh-token"))?)
                }
            };
            Some((access, refresh))
        };
        let (access, refresh_token) = members(&login)?;
        let refreshed = members(&refresh)?;
        if access.optional || refreshed.0.optional {
            self.fail(
                &pointer::push(at, "access-token"),
                format!("the result member `{access_wire}` must be required"),
            );
            return None;
        }
        Some(SessionDef {
            scheme,
            login,
            refresh,
            logout,
            access,
            refresh_token,
        })
    }

    fn text(&mut self, object: &Value, at: &str, key: &str) -> Option<String> {
        match object.get(key) {
            Some(Value::String(text)) => Some(text.clone()),
            Some(_) => {
                self.fail(&pointer::push(at, key), format!("`{key}` must be a string"));
                None
            }
            None => {
                self.fail(at, format!("`{key}` is missing"));
                None
            }
        }
    }

    /// The call described at `key`: its operation and which body members take which input.
    fn call(
        &mut self,
        extension: &Value,
        at: &str,
        key: &str,
        inputs: &[(&str, Input)],
    ) -> Option<SessionCall> {
        let at = pointer::push(at, key);
        let Some(object) = extension.get(key).filter(|v| v.is_object()) else {
            self.fail(
                &at,
                format!("`{key}` must be an object naming an operation"),
            );
            return None;
        };
        let id = self.text(object, &at, "operation")?;
        let Some(index) = self.api.operations.iter().position(|o| o.id == id) else {
            self.fail(
                &pointer::push(&at, "operation"),
                format!("no operation has the id `{id}`"),
            );
            return None;
        };
        let op = &self.api.operations[index];
        if op.params.iter().any(|p| p.required) {
            self.fail(
                &pointer::push(&at, "operation"),
                format!("operation `{id}` takes required parameters, which a session cannot give"),
            );
            return None;
        }
        let body = match op.body.as_ref().map(|b| (b.ty.clone(), b.required)) {
            Some((Ty::Named(body), true)) => body,
            _ => {
                self.fail(
                    &pointer::push(&at, "operation"),
                    format!("operation `{id}` must take a required JSON object body"),
                );
                return None;
            }
        };
        let Some(fields) = self.api.fields(&Ty::Named(body.clone())) else {
            self.fail(
                &pointer::push(&at, "operation"),
                format!("the body of operation `{id}` must be an object"),
            );
            return None;
        };
        let mut wanted = Vec::new();
        for (name, input) in inputs {
            let wire = self.text(object, &at, name)?;
            if !fields.iter().any(|f| f.wire == wire) {
                self.fail(
                    &pointer::push(&at, name),
                    format!("the body of operation `{id}` has no member `{wire}`"),
                );
                return None;
            }
            wanted.push((wire, *input));
        }
        let mut args = Vec::new();
        let mut sets = Vec::new();
        for field in fields {
            let input = wanted
                .iter()
                .find(|(wire, _)| *wire == field.wire)
                .map(|(_, input)| *input);
            let takes = field.in_constructor();
            let optional = match &field.ty {
                Ty::String => false,
                Ty::Option(inner) if **inner == Ty::String => true,
                _ if input.is_none() => {
                    if takes {
                        self.fail(&at, format!("the body of operation `{id}` requires member `{}`, which a session cannot give", field.wire));
                        return None;
                    }
                    continue;
                }
                _ => {
                    self.fail(
                        &at,
                        format!(
                            "member `{}` of the body of operation `{id}` must be a string",
                            field.wire
                        ),
                    );
                    return None;
                }
            };
            match (takes, input) {
                (true, Some(input)) => args.push((input, optional)),
                (true, None) => {
                    self.fail(&at, format!("the body of operation `{id}` requires member `{}`, which a session cannot give", field.wire));
                    return None;
                }
                (false, Some(input)) => {
                    // Every member `new` does not take has a setter, or a finding saying why not.
                    let setter = field.setter.clone()?;
                    sets.push((setter, input));
                }
                (false, None) => {}
            }
        }
        Some(SessionCall {
            operation: index,
            body,
            args,
            sets,
        })
    }

    /// A string member of the operation's result.
    fn result_member(&mut self, op: &Operation, wire: &str, at: &str) -> Option<Member> {
        let fields = match &op.response.ty {
            ty @ Ty::Named(_) => self.api.fields(ty),
            _ => None,
        };
        let Some(fields) = fields else {
            self.fail(at, format!("operation `{}` must return an object", op.id));
            return None;
        };
        let member = fields
            .iter()
            .find(|f| f.wire == wire)
            .and_then(|f| match &f.ty {
                Ty::String => Some(Member {
                    field: f.name.clone(),
                    optional: false,
                }),
                Ty::Option(inner) if **inner == Ty::String => Some(Member {
                    field: f.name.clone(),
                    optional: true,
                }),
                _ => None,
            });
        if member.is_none() {
            self.fail(
                at,
                format!(
                    "the result of operation `{}` has no string member `{wire}`",
                    op.id
                ),
            );
        }
        member
    }
}
