//! The session of a token scheme (`x-fincode-session`): the `SessionApi` implementation that calls the
//! spec's login, refresh and logout operations, and the client builder methods that start a session.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{doc, ident};
use crate::ir::session::{Input, SessionCall, SessionDef};
use crate::ir::Api;

/// The session items of `src/security.rs`, or nothing when the spec declares no session.
pub fn session(api: &Api) -> TokenStream {
    let Some(def) = &api.session else {
        return quote!();
    };
    let scheme = &api.schemes[def.scheme];
    let constant = ident(&scheme.constant);
    let name = |call: &SessionCall| api.operations[call.operation].id.clone();
    let login = call(api, &def.login, def);
    let refresh = call(api, &def.refresh, def);
    let logout = match &def.logout {
        Some(logout_call) => {
            let request = request(api, logout_call, true);
            quote! {
                let client = client.with_credential(
                    &#constant,
                    crate::runtime::Credential::token(tokens.access.clone()),
                )?;
                #request;
                Ok(())
            }
        }
        None => quote!(Ok(())),
    };
    let logout_doc = match &def.logout {
        Some(c) => format!("`{}`", name(c)),
        None => "nothing (the API declares no logout)".to_owned(),
    };
    let struct_doc = doc(&format!(
        "The operations a [`Session`](crate::runtime::Session) of the `{}` scheme calls: `{}` to log in, `{}` to refresh, {logout_doc} to log out.",
        scheme.name,
        name(&def.login),
        name(&def.refresh),
    ));
    let login_doc = doc(&format!(
        "Logs in as `username` with `password` through `{}` on first use, sends the access token in the `{}` scheme, refreshes it through `{}` shortly before it expires (or once after a `401`), and logs in again when the refresh token is refused; see [`Session`](crate::runtime::Session). [`Client::session`](crate::Client::session) returns the session, to log in early or log out.",
        name(&def.login),
        scheme.name,
        name(&def.refresh),
    ));
    let resume_doc = doc(&format!(
        "Resumes a session of the `{}` scheme from tokens kept from an earlier login; it ends when its refresh token is refused.",
        scheme.name
    ));
    quote! {
        #struct_doc
        #[derive(Debug, Clone, Copy, Default)]
        pub struct SessionOperations;

        impl crate::runtime::SessionApi for SessionOperations {
            fn login<'a>(
                &'a self,
                client: &'a crate::runtime::Client,
                username: &'a str,
                password: &'a crate::Secret,
            ) -> crate::runtime::TokensFuture<'a> {
                Box::pin(async move {
                    let client = &crate::Client::from_runtime(client);
                    let result: crate::Result<crate::runtime::Tokens> = async move { #login }.await;
                    result.map_err(|e| e.map_code(|code| code.to_string()))
                })
            }

            fn refresh<'a>(
                &'a self,
                client: &'a crate::runtime::Client,
                refresh: &'a crate::Secret,
            ) -> crate::runtime::TokensFuture<'a> {
                Box::pin(async move {
                    let client = &crate::Client::from_runtime(client);
                    let result: crate::Result<crate::runtime::Tokens> = async move { #refresh }.await;
                    result.map_err(|e| e.map_code(|code| code.to_string()))
                })
            }

            fn logout<'a>(
                &'a self,
                client: &'a crate::runtime::Client,
                tokens: &'a crate::runtime::Tokens,
            ) -> crate::runtime::LogoutFuture<'a> {
                Box::pin(async move {
                    let client = &crate::Client::from_runtime(client);
                    let result: crate::Result<()> = async move { #logout }.await;
                    result.map_err(|e| e.map_code(|code| code.to_string()))
                })
            }
        }

        impl crate::ClientBuilder {
            #login_doc
            pub fn login(self, username: impl Into<String>, password: impl Into<crate::Secret>) -> Self {
                self.session(
                    &#constant,
                    crate::runtime::Session::login_with(SessionOperations, username, password),
                )
            }

            #resume_doc
            pub fn resume_session(self, tokens: crate::runtime::Tokens) -> Self {
                self.session(
                    &#constant,
                    crate::runtime::Session::from_tokens(SessionOperations, tokens),
                )
            }
        }
    }
}

/// Calls a login or refresh operation and returns its tokens.
fn call(api: &Api, call: &SessionCall, def: &SessionDef) -> TokenStream {
    let request = request(api, call, false);
    let access = ident(&def.access.field);
    let refresh = match &def.refresh_token {
        Some(member) => {
            let field = ident(&member.field);
            if member.optional {
                quote!(data.#field.map(crate::Secret::new))
            } else {
                quote!(Some(crate::Secret::new(data.#field)))
            }
        }
        None => quote!(None),
    };
    quote! {
        let data = #request.into_data();
        Ok(crate::runtime::Tokens::new(crate::Secret::new(data.#access), #refresh))
    }
}

/// Builds the body and awaits the operation; at logout the refresh token is `tokens.refresh`.
fn request(api: &Api, call: &SessionCall, logout: bool) -> TokenStream {
    let op = &api.operations[call.operation];
    let group = ident(&api.groups[op.group].method);
    let method = ident(&op.method_name);
    let body = ident(&call.body);
    let value = |input: Input, optional: bool| match (input, logout, optional) {
        (Input::RefreshToken, true, true) => {
            quote!(tokens.refresh.as_ref().map(|t| t.expose().to_owned()))
        }
        (Input::RefreshToken, true, false) => quote!(tokens
            .refresh
            .as_ref()
            .map(|t| t.expose().to_owned())
            .unwrap_or_default()),
        (input, _, optional) => {
            let value = input_value(input);
            if optional {
                quote!(Some(#value))
            } else {
                value
            }
        }
    };
    let args = call
        .args
        .iter()
        .map(|(input, optional)| value(*input, *optional));
    let sets = call.sets.iter().map(|(setter, input)| {
        let setter = ident(setter);
        if logout && *input == Input::RefreshToken {
            quote! {
                let body = match tokens.refresh.as_ref() {
                    Some(token) => body.#setter(token.expose().to_owned()),
                    None => body,
                };
            }
        } else {
            let value = input_value(*input);
            quote!(let body = body.#setter(#value);)
        }
    });
    quote! {{
        let body = crate::types::#body::new(#(#args),*);
        #(#sets)*
        client.#group().#method(body).await?
    }}
}

fn input_value(input: Input) -> TokenStream {
    match input {
        Input::Username => quote!(username.to_owned()),
        Input::Password => quote!(password.expose().to_owned()),
        Input::RefreshToken => quote!(refresh.expose().to_owned()),
    }
}
