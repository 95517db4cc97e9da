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
    quote!(crate::runtime::Server { url: #url, variables: &[#(#vars),*] })
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
    let crate_doc = text;
    let crate_lines = crate_doc.lines().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#![doc = #l])
    });
    let error_code = match &api.error_code {
        Some(t) => {
            let t = ty(t, Site::Outside);
            quote! {
                /// The machine-readable code of the API's error envelope (open: unknown codes are kept).
                pub type ErrorCode = #t;
            }
        }
        None => quote! {
            /// The machine-readable code of an error response; this API declares no error envelope, so any text.
            pub type ErrorCode = String;
        },
    };
    let webhooks = super::webhooks::declaration(api);
    quote! {
        #(#crate_lines)*
        #![deny(missing_docs)]

        #[rustfmt::skip]
        pub mod operations;
        pub mod runtime;
        #[rustfmt::skip]
        pub mod security;
        #[rustfmt::skip]
        pub mod servers;
        #[rustfmt::skip]
        pub mod types;
        #webhooks

        pub use runtime::ApiError;
        pub use runtime::Client;
        pub use runtime::ClientBuilder;
        pub use runtime::Credential;
        pub use runtime::EncryptionKey;
        pub use runtime::Error;
        pub use runtime::RequestOptions;
        pub use runtime::Response;
        pub use runtime::Result;
        pub use runtime::RetryPolicy;
        pub use runtime::Secret;
        pub use runtime::Session;
        pub use runtime::StaticToken;
        pub use runtime::TokenSource;
        pub use runtime::Tokens;

        #error_code
    }
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
            pub static #c: crate::runtime::SecurityScheme = crate::runtime::SecurityScheme {
                name: #name,
                kind: crate::runtime::SchemeKind::#kind,
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
    quote! {
        //! The API's security schemes, and the [`ClientBuilder`](crate::ClientBuilder) methods that set their credentials.
        //!
        //! Each operation sends the credentials its security requirements name, and none where it needs none.
        #(#statics)*

        impl crate::ClientBuilder {
            #(#methods)*
        }

        #session
    }
}

/// `src/servers.rs`: the root servers, and an index constant for each.
pub fn servers(api: &Api) -> TokenStream {
    let mut taken = names::Namespace::with_reserved(&["SERVERS"]);
    let consts =
        api.servers.iter().enumerate().map(|(i, s)| {
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
            let Ok(c) = taken
                .claim(&wanted)
                .or_else(|_| taken.claim(&format!("SERVER_{i}")))
            else {
                return quote!();
            };
            let c = ident(&c);
            let text =
                doc(&format!(
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
    quote! {
        //! The servers the spec declares at its root; operations with servers of their own use those.
        //!
        //! Variables in a server URL (`{domain}`) take their default unless
        //! [`ClientBuilder::server_variable`](crate::ClientBuilder::server_variable) sets them.

        /// Every root server, in the spec's order; the first is the default.
        pub static SERVERS: &[crate::runtime::Server] = &[#(#list),*];

        #(#consts)*
    }
}

/// `Cargo.toml`.
pub fn cargo_toml(api: &Api, config: &Config) -> String {
    let description = config
        .description
        .clone()
        .unwrap_or_else(|| format!("Typed async client for {}", api.title.trim()));
    let repository = config
        .repository
        .as_deref()
        .map(|r| format!("repository = {}\n", toml_string(r)))
        .unwrap_or_default();
    format!(
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
aws-lc-rs = "1.13"
base64 = "0.22"
fastrand = "2.3"
httpdate = "1.0"
percent-encoding = "2.3"
reqwest = {{ version = "0.13", default-features = false, features = ["json", "multipart", "query", "form", "rustls", "http2"] }}
rust_decimal = {{ version = "1.39", default-features = false, features = ["serde", "std"] }}
serde = {{ version = "1.0.200", features = ["derive"] }}
serde_json = {{ version = "1.0.140", features = ["raw_value"] }}
serde_urlencoded = "0.7"
thiserror = "2"
time = {{ version = "0.3.41", features = ["serde", "formatting", "parsing", "macros"] }}
tokio = {{ version = "1.40", features = ["sync", "time"] }}
tracing = "0.1.40"
uuid = {{ version = "1.10", features = ["serde", "v4"] }}
# Webhook signatures (runtime/webhooks.rs): HMAC-SHA256 and its constant-time check.
hmac = "0.13"
sha2 = "0.11"

[dev-dependencies]
tokio = {{ version = "1.40", features = ["macros", "rt-multi-thread", "test-util"] }}
wiremock = "0.6"
"#,
        name = toml_string(&config.crate_name),
        version = toml_string(&config.crate_version),
        description = toml_string(&description),
        license = toml_string(&config.license),
    )
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
        "- Logging: each call is a `tracing` span named `request` with the operation, method, path, attempts, status, request id and elapsed milliseconds; retries are `WARN` events. Tokens, passwords and other secrets appear neither in the logs nor in any `Debug` output.".to_owned(),
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

fn toml_string(s: &str) -> String {
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
