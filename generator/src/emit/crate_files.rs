//! The crate around the types and operations: `lib.rs`, security schemes, servers, `Cargo.toml`, `README.md`.

use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{doc, ident, ty, Site};
use crate::ir::{names, Api, Operation, SchemeKind, Server};
use crate::Config;

/// A `crate::runtime::Server` expression.
pub fn server(s: &Server) -> TokenStream {
    let url = &s.url;
    let vars = s.variables.iter().map(|(k, v)| quote!((#k, #v)));
    quote!(crate::runtime::codegen::Server { url: #url, variables: &[#(#vars),*] })
}

/// The operation the crate docs show: the first that needs no argument, else the first.
fn example_operation(api: &Api) -> Option<&Operation> {
    api.operations.iter().find(|o| {
        o.params.iter().all(|p| !p.required) && o.body.as_ref().is_none_or(|b| !b.required)
    })
}

/// The credential line of the examples, for the scheme most operations use.
fn credential_example(api: &Api) -> String {
    let uses = |i: usize| {
        api.operations
            .iter()
            .filter(|o| o.security.iter().flatten().any(|s| *s == i))
            .count()
    };
    let most = (0..api.schemes.len()).max_by_key(|i| (uses(*i), std::cmp::Reverse(*i)));
    match most.and_then(|i| api.schemes.get(i)) {
        Some(s) if s.kind == SchemeKind::Basic => {
            format!("    .{}(\"user\", \"password\")\n", names::bare(&s.method))
        }
        Some(s) => format!(
            "    .{}(std::env::var(\"API_TOKEN\").unwrap_or_default())\n",
            names::bare(&s.method)
        ),
        None => String::new(),
    }
}

/// The quickstart, shared by the crate docs and the README.
fn quickstart(api: &Api, config: &Config) -> String {
    let krate = config.crate_name.replace('-', "_");
    let call = match example_operation(api) {
        Some(op) => {
            let group = api
                .groups
                .get(op.group)
                .map(|g| names::bare(&g.method).to_owned())
                .unwrap_or_default();
            format!(
                "let response = client.{group}().{}().await?;\nprintln!(\"{{:?}}\", response.data());\n",
                names::bare(&op.method_name)
            )
        }
        None => String::new(),
    };
    let base = match api.servers.first() {
        Some(s) if !s.url.starts_with("http") => {
            "    .base_url(\"https://api.example.com\")\n".to_owned()
        }
        None => "    .base_url(\"https://api.example.com\")\n".to_owned(),
        Some(_) => String::new(),
    };
    format!(
        "```rust,no_run\n# async fn run() -> {krate}::Result<()> {{\nlet client = {krate}::Client::builder()\n{base}{}    .build()?;\n{call}# Ok(())\n# }}\n```",
        credential_example(api)
    )
}

/// `src/lib.rs`.
/// Every name `lib_rs` declares at the crate root besides its modules and `ErrorCode` (which is the schema of that
/// name where there is one): the runtime's re-exports, the aliases, and the `Client` and `ClientBuilder` of the
/// runtime's `client!` macro. A schema type may not take one (`ir::reserved::type_names`), so that no two public
/// items of `crate::` and `crate::types::` share a name.
pub const ROOT_EXPORTS: &[&str] = &[
    "ApiError",
    "Client",
    "ClientBuilder",
    "Credential",
    "EncryptionKey",
    "Error",
    "Part",
    "RejectedFuture",
    "RequestOptions",
    "Response",
    "Result",
    "RetryPolicy",
    "Secret",
    "Session",
    "StaticToken",
    "TokenFuture",
    "TokenSource",
    "Tokens",
];

/// The compiler's recursion limit (128 by default) walks types one step per generated type, `Option`, `Vec`,
/// `Box` or map, and the calls holding a value (`Result`, `Response`, futures, drop glue) add some steps of
/// their own: a crate whose types nest `depth` steps gets a limit of twice that, with room to spare, where
/// the default falls short.
fn recursion_limit(depth: usize) -> Option<usize> {
    const DEFAULT: usize = 128;
    let needed = depth.saturating_mul(2).saturating_add(64);
    (needed > DEFAULT).then(|| needed.next_power_of_two())
}

pub fn lib_rs(api: &Api, config: &Config) -> TokenStream {
    let mut text = format!("# {}\n\n", api.title.trim());
    if let Some(d) = &api.description {
        text.push_str(&super::docs::sanitize(d));
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "A typed async client generated from the API's OpenAPI description (version `{}`).\n\n\
         ## Quickstart\n\n{}\n\n\
         ## Shape of the crate\n\n\
         - [`Client`] holds the connection settings; [`Client::builder`] sets servers, credentials and timeouts.\n\
         - [`operations`]: one group per tag (`client.<group>()`), one request builder per operation; \
         required parameters are arguments, optional ones builder methods, and the builder is `.await`ed.\n\
         - [`types`]: the data types, with open enums that keep values this version does not know.\n\
         - [`Response`] gives the result with its status, headers and request id; [`Error`] says what went wrong \
         and whether retrying may help.\n\
         - [`security`] and [`servers`]: the spec's security schemes and servers.\n\n\
         ## In production\n\n{}",
        api.version,
        quickstart(api, config),
        production(api, true)
    ));
    if let Some(guide) = super::webhooks::guide(api, config) {
        text.push_str(&format!("\n{guide}"));
    }
    let limit = recursion_limit(api.nesting_depth());
    if let Some(limit) = limit {
        text.push_str(&format!(
            "\n## Deeply nested types\n\nThis API's types nest deeper than the compiler follows by default, so \
             this crate sets `#![recursion_limit = \"{limit}\"]`. A crate that holds its values may need the \
             same line at its root (the compiler asks for it with error E0275 or E0320).\n"
        ));
    }
    let crate_doc = text;
    let crate_lines = crate_doc.lines().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#![doc = #l])
    });
    let error_code = match error_code_type(api) {
        Some(t) => quote! {
            /// The machine-readable code of the API's error envelope (open: unknown codes are kept).
            pub type ErrorCode = #t;
        },
        None => quote! {
            /// The machine-readable code of an error response; this API declares no error envelope, so any text.
            pub type ErrorCode = String;
        },
    };
    let webhooks = super::webhooks::declaration(api);
    let features = super::runtime::features(api);
    let has = |feature: &str| features.contains(&feature);
    let (runtime, client) = match config.runtime {
        crate::Runtime::Vendored => (
            // Public, so that what this API does not use is not dead code; hidden, since users reach
            // what they need through the crate root.
            quote! {
                #[doc(hidden)]
                #[macro_use]
                pub mod runtime;
            },
            quote!(client!),
        ),
        _ => (
            quote!(
                use oas_runtime as runtime;
            ),
            quote!(runtime::client!),
        ),
    };
    let interface = super::runtime::interface().unwrap_or_default();
    let interface = proc_macro2::Literal::u32_unsuffixed(interface);
    let mut exports = vec![
        quote!(Credential),
        quote!(RequestOptions),
        quote!(Response),
        quote!(RetryPolicy),
        quote!(Secret),
        quote!(RejectedFuture),
        quote!(StaticToken),
        quote!(TokenFuture),
        quote!(TokenSource),
    ];
    if has("sessions") {
        exports.push(quote!(Session));
        exports.push(quote!(Tokens));
    }
    if has("encryption") {
        exports.push(quote!(EncryptionKey));
    }
    if has("multipart") {
        exports.push(quote!(Part));
    }
    // In rustfmt's order, so that `cargo fmt` leaves the file as it is.
    exports.sort_by_key(|e| e.to_string());
    let limit = limit.map(|l| {
        let l = l.to_string();
        quote!(#![recursion_limit = #l])
    });
    quote! {
        #(#crate_lines)*
        #![deny(missing_docs)]
        #limit

        #runtime

        #[rustfmt::skip]
        pub mod operations;
        #[rustfmt::skip]
        pub mod security;
        #[rustfmt::skip]
        pub mod servers;
        #[rustfmt::skip]
        pub mod types;
        #webhooks

        #(pub use runtime::#exports;)*

        #error_code

        /// Everything that can go wrong with a call: the API's errors with their [`ErrorCode`], transport
        /// failures that say whether the request was sent, timeouts, undecodable and unexpected responses.
        pub type Error = runtime::Error<ErrorCode>;

        /// An error the API reported, with its code, message, field and request id.
        pub type ApiError = runtime::ApiError<ErrorCode>;

        /// The result of a call.
        pub type Result<T, E = Error> = std::result::Result<T, E>;

        #client(runtime, ErrorCode, servers::client_builder);

        const _: () = runtime::codegen::require_interface(#interface);
    }
}

/// The type of the error envelope's code, when it is text (`String` or an open enum).
fn error_code_type(api: &Api) -> Option<TokenStream> {
    let t = api.error_code.as_ref()?;
    let textual = match t {
        crate::ir::Ty::String => true,
        crate::ir::Ty::Named(name) => api
            .shape_of(name.as_str())
            .is_some_and(|d| matches!(d.kind, crate::ir::TypeKind::Enum { .. })),
        _ => false,
    };
    textual.then(|| ty(t, Site::Outside))
}

/// `src/security.rs`: one `static` per scheme and the builder methods that set their credentials.
pub fn security(api: &Api) -> TokenStream {
    let statics = api.schemes.iter().map(|s| {
        let c = ident(&s.constant);
        let name = &s.name;
        let kind = match &s.kind {
            SchemeKind::ApiKeyHeader(h) => quote!(ApiKeyHeader(#h)),
            SchemeKind::ApiKeyQuery(q) => quote!(ApiKeyQuery(#q)),
            SchemeKind::ApiKeyCookie(c) => quote!(ApiKeyCookie(#c)),
            SchemeKind::Bearer => quote!(Bearer),
            SchemeKind::Basic => quote!(Basic),
        };
        let text = doc(&s.doc);
        quote! {
            #text
            pub static #c: crate::runtime::codegen::SecurityScheme = crate::runtime::codegen::SecurityScheme {
                name: #name,
                kind: crate::runtime::codegen::SchemeKind::#kind,
            };
        }
    });
    let methods = api.schemes.iter().map(|s| {
        let c = ident(&s.constant);
        let m = ident(&s.method);
        match s.kind {
            SchemeKind::Basic => {
                let text = doc(&format!("The user name and password of the `{}` scheme.", s.name));
                quote! {
                    #text
                    pub fn #m(self, username: impl Into<String>, password: impl Into<String>) -> Self {
                        self.credential(&#c, crate::runtime::Credential::basic(username, password.into()))
                    }
                }
            }
            _ => {
                let text = doc(&format!(
                    "A fixed token for the `{}` scheme; use [`credential`](Self::credential) with a [`TokenSource`](crate::TokenSource) for tokens that change.",
                    s.name
                ));
                quote! {
                    #text
                    pub fn #m(self, token: impl Into<String>) -> Self {
                        self.credential(&#c, crate::runtime::Credential::token(token.into()))
                    }
                }
            }
        }
    });
    let session = super::session::session(api);
    let features = super::runtime::features(api);
    let session_methods = features.contains(&"sessions").then(|| {
        quote! {
            impl crate::ClientBuilder {
                /// Takes the tokens of a token scheme from a [`Session`](crate::Session), which logs in,
                /// refreshes and logs out through the client being built; [`Client::session`](crate::Client::session)
                /// returns it.
                pub fn session(
                    self,
                    scheme: &'static crate::runtime::codegen::SecurityScheme,
                    session: crate::Session,
                ) -> Self {
                    crate::ClientBuilder { inner: self.inner.session(scheme, session) }
                }
            }

            impl crate::Client {
                /// The session configured with a login or resumed tokens, to log in early or log out.
                pub fn session(&self) -> Option<&crate::Session> {
                    self.inner.session()
                }
            }
        }
    });
    let encryption_methods = features.contains(&"encryption").then(|| {
        quote! {
            impl crate::ClientBuilder {
                /// Encrypts, in every JSON request body, the members the API marks as encrypted
                /// (passwords, PINs), with the tenant's public key.
                pub fn encryption_key(self, key: crate::EncryptionKey) -> Self {
                    crate::ClientBuilder { inner: self.inner.encryption_key(key) }
                }
            }
        }
    });
    quote! {
        //! The API's security schemes, and the [`ClientBuilder`](crate::ClientBuilder) methods that set their credentials.
        //!
        //! Each operation sends the credentials its security requirements name, and none where it needs none.
        #(#statics)*

        impl crate::ClientBuilder {
            #(#methods)*
        }

        #session_methods
        #encryption_methods
        #session
    }
}

/// `src/servers.rs`: the root servers, and an index constant for each.
/// The name of each root server's constant in `servers.rs` (`SANDBOX`), from its description, or `None` where
/// no name could be claimed.
pub fn server_constants(api: &Api) -> Vec<Option<names::Ident>> {
    let mut taken = names::Namespace::with_reserved(&["SERVERS"]);
    api.servers
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let wanted = s
                .description
                .as_deref()
                .map(|d| {
                    d.split(['.', ',', '(', ':'])
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_shouty_snake_case()
                })
                .filter(|n| !n.is_empty() && n.len() <= 40)
                .unwrap_or_else(|| format!("SERVER_{i}"));
            let wanted = if wanted.starts_with(|c: char| c.is_ascii_digit()) {
                format!("SERVER_{wanted}")
            } else {
                wanted
            };
            // A description that is no identifier (`Ünternehmen`) names the server by its index instead,
            // which always is one.
            taken
                .claim(&wanted)
                .or_else(|_| taken.claim(&format!("SERVER_{i}")))
                .ok()
        })
        .collect()
}

pub fn servers(api: &Api) -> TokenStream {
    let consts =
        api.servers
            .iter()
            .zip(server_constants(api))
            .enumerate()
            .map(|(i, (s, c))| {
                let Some(c) = c else {
                    return quote!();
                };
                let c = ident(&c);
                let text = doc(&format!(
            "`{}`{}: select it with [`ClientBuilder::server`](crate::ClientBuilder::server).",
            s.url,
            s.description.as_deref().map(|d| format!(" ({})", d.trim())).unwrap_or_default()
        ));
                let i = proc_macro2::Literal::usize_unsuffixed(i);
                quote! {
                    #text
                    pub const #c: usize = #i;
                }
            });
    let list = api.servers.iter().map(server);
    let envelopes_call = api
        .envelopes
        .as_ref()
        .map(|_| quote!(.envelopes(&ENVELOPES)));
    let envelopes = api.envelopes.as_ref().map(|e| {
        let opt = |name: &Option<String>| match name {
            Some(n) => quote!(Some(#n)),
            None => quote!(None),
        };
        let data = &e.data;
        let success = opt(&e.success);
        let status = opt(&e.status);
        let error = opt(&e.error);
        let codes = &e.codes;
        let message = opt(&e.message);
        let metadata = opt(&e.metadata);
        let request_id = opt(&e.request_id);
        let processing_time_ms = opt(&e.processing_time_ms);
        let [code, error_message, field, details] = &e.error_members;
        quote! {
            /// The member names of the API's response envelopes, which the client reads itself.
            pub static ENVELOPES: crate::runtime::codegen::Envelopes = crate::runtime::codegen::Envelopes {
                data: #data,
                success: #success,
                status: #status,
                error: #error,
                error_members: crate::runtime::codegen::ErrorMembers {
                    code: #code,
                    message: #error_message,
                    field: #field,
                    details: #details,
                },
                codes: &[#(#codes),*],
                message: #message,
                metadata: #metadata,
                request_id: #request_id,
                processing_time_ms: #processing_time_ms,
            };
        }
    });
    quote! {
        //! The servers the spec declares at its root; operations with servers of their own use those.
        //!
        //! Variables in a server URL (`{domain}`) take their default unless
        //! [`ClientBuilder::server_variable`](crate::ClientBuilder::server_variable) sets them.

        /// Every root server, in the spec's order; the first is the default.
        pub static SERVERS: &[crate::runtime::codegen::Server] = &[#(#list),*];

        /// A runtime client builder for this API: its servers, its envelopes and the crate's user agent.
        pub(crate) fn client_builder() -> crate::runtime::ClientBuilder {
            crate::runtime::ClientBuilder::default()
                .root_servers(SERVERS)
                .user_agent(concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")))
                #envelopes_call
        }

        #envelopes

        #(#consts)*
    }
}

/// `Cargo.toml`: the runtime, with the features the spec uses (or its source's dependencies when vendored),
/// and the crates the generated code names.
pub fn cargo_toml(api: &Api, config: &Config) -> Result<String, String> {
    let manifest = super::runtime::Manifest::read()?;
    let features = super::runtime::features(api);
    let description = config
        .description
        .clone()
        .unwrap_or_else(|| format!("Typed async client for {}", api.title.trim()));
    let repository = config
        .repository
        .as_deref()
        .map(|r| format!("repository = {}\n", toml_string(r)))
        .unwrap_or_default();
    let dependencies = manifest.dependency_lines(&config.runtime, &features);
    let dev_dependencies = manifest.dev_dependency_lines(&features);
    let features_section = match config.runtime {
        crate::Runtime::Vendored => {
            format!("\n[features]\n{}\n", manifest.vendored_features(&features))
        }
        _ => String::new(),
    };
    Ok(format!(
        r#"[package]
name = {name}
version = {version}
edition = "2021"
rust-version = "1.85"
description = {description}
license = {license}
{repository}readme = "README.md"
keywords = ["api", "client", "openapi", "async"]
categories = ["api-bindings", "web-programming::http-client"]

[dependencies]
{dependencies}
{features_section}
[dev-dependencies]
{dev_dependencies}
"#,
        name = toml_string(&config.crate_name),
        version = toml_string(&config.crate_version),
        description = toml_string(&description),
        license = toml_string(&config.license),
    ))
}

/// `README.md`.
pub fn readme(api: &Api, config: &Config) -> String {
    let krate = &config.crate_name;
    let mut text = format!("# {krate}\n\n");
    text.push_str(&format!(
        "A typed async Rust client for {} (API version `{}`), generated from its OpenAPI description.\n\n",
        api.title.trim(),
        api.version
    ));
    text.push_str(&format!(
        "## Install\n\n```toml\n[dependencies]\n{krate} = \"{}\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n```\n\n",
        config.crate_version
    ));
    let quick = quickstart(api, config)
        .replace("```rust,no_run\n", "```rust\n")
        .lines()
        .filter(|l| !l.starts_with("# "))
        .collect::<Vec<_>>()
        .join("\n");
    text.push_str(&format!("## Quickstart\n\n{quick}\n\n"));
    text.push_str(&format!(
        "- Operations are grouped by tag: `client.<group>().<operation>(required arguments)`, optional parameters as builder methods, then `.await`.\n\
         - Results come as `Response<T>`: `data()`, `status()`, `headers()`, `request_id()`.\n\
         - Errors are one `{}::Error` type: API errors with their code, transport errors that say whether the request was sent, timeouts, decode errors with the raw body, unexpected statuses; `is_retryable()` tells what to retry.\n\
         - Enums are open: values this version does not know are kept, not rejected.\n\n\
         ## In production\n\n{}\n\n",
        krate.replace('-', "_"),
        production(api, false),
    ));
    if let Some(section) = super::webhooks::readme(api, config) {
        text.push_str(&format!("{section}\n\n"));
    }
    text.push_str(&format!(
        "## Regenerating\n\nEvery file of this crate is generated: run `{}` after changing the spec instead of editing them.\n",
        config.command
    ));
    text
}

/// What the client does when the network and the server misbehave; `links` makes rustdoc links.
fn production(api: &Api, links: bool) -> String {
    // At the crate root every item is in scope, so the name is the link.
    let link = |text: &str| {
        if links {
            format!("[`{text}`]")
        } else {
            format!("`{text}`")
        }
    };
    let mut lines = vec![
        format!(
            "- Retries ({}): connection errors, timeouts, 408, 409, 429 and 5xx are retried twice by default, after the server's `Retry-After` or `retry-after-ms` (up to 120 s; a longer one is not waited for) or an exponential backoff with jitter (0.5 s doubling up to 8 s). `POST`, `PUT` and `PATCH` are retried only when the operation takes an idempotency key, which the client generates once per call and sends on every attempt. `Response::attempts()` and `Error::attempts()` tell how many attempts were made.",
            link("RetryPolicy")
        ),
        format!(
            "- Timeouts: 60 s per attempt and 10 s to connect by default ({}); {} overrides the timeout and the retry policy for one call (`.options(...)` on any request).",
            link("ClientBuilder::timeout"),
            link("RequestOptions")
        ),
        "- Logging: each call is a `tracing` span named `request` (target `oas_runtime`, the runtime crate) with the operation, method, path, attempts, status, request id and elapsed milliseconds; retries are `WARN` events. Tokens, passwords and other secrets appear neither in the logs nor in any `Debug` output.".to_owned(),
        format!(
            "- Encryption: with {}, the request members the API description marks as encrypted are sent RSA-OAEP (SHA-256) encrypted with the tenant's public key; {} also encrypts single values.",
            link("ClientBuilder::encryption_key"),
            link("EncryptionKey::encrypt")
        ),
    ];
    if let Some(session) = &api.session {
        let login = &api.operations[session.login.operation].id;
        let refresh = &api.operations[session.refresh.operation].id;
        lines.push(format!(
            "- Sessions: `ClientBuilder::login(username, password)` logs in through `{login}` on first use, refreshes the access token through `{refresh}` shortly before it expires and once after a `401`, with a single refresh however many calls are waiting (refresh tokens can be used once), and logs in again when a refresh is refused; {} returns the {} to log in early or log out. A {} of your own can supply tokens instead.",
            link("Client::session"),
            link("Session"),
            link("TokenSource")
        ));
    } else {
        lines.push(format!(
            "- Tokens: a fixed token per security scheme, or a {} of your own, which may also renew a token the server refused with `401`.",
            link("TokenSource")
        ));
    }
    lines.join("\n")
}

pub(crate) fn toml_string(s: &str) -> String {
    let escaped: String = s
        .chars()
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            '\n' => vec!['\\', 'n'],
            c => vec![c],
        })
        .collect();
    format!("\"{escaped}\"")
}

#[cfg(test)]
mod tests {
    use super::ROOT_EXPORTS;

    /// The names `lib.rs` declares at the root of the fincode crate, which uses every runtime feature.
    #[test]
    fn every_root_export_of_lib_rs_is_listed() {
        let text = include_str!("../../../spec/fincode.yaml");
        let generation = crate::generate("fincode.yaml", text, &crate::Config::new("fincode"))
            .expect("the spec generates");
        let lib = generation
            .files
            .iter()
            .find(|f| f.path == "src/lib.rs")
            .expect("a lib.rs");
        let file = syn::parse_file(&lib.contents).expect("lib.rs parses");
        let mut names = vec!["Client".to_owned(), "ClientBuilder".to_owned()];
        for item in &file.items {
            match item {
                syn::Item::Use(u) if matches!(u.vis, syn::Visibility::Public(_)) => {
                    let syn::UseTree::Path(path) = &u.tree else {
                        panic!("a `pub use` of a path");
                    };
                    let syn::UseTree::Name(name) = &*path.tree else {
                        panic!("a `pub use` of one name");
                    };
                    names.push(name.ident.to_string());
                }
                syn::Item::Type(t) if t.ident != "ErrorCode" => names.push(t.ident.to_string()),
                _ => {}
            }
        }
        assert!(names.len() > 10, "{names:?}");
        for name in &names {
            assert!(
                ROOT_EXPORTS.contains(&name.as_str()),
                "`{name}` is not in ROOT_EXPORTS"
            );
        }
    }
}
