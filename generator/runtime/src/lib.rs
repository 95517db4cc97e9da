//! The runtime of generated OpenAPI clients: what does not depend on the API description.
//!
//! A generated client crate depends on this one, with the features its spec needs, and names it
//! `runtime` at its root (`use oas_runtime as runtime;`, or the copied source as `mod runtime;`).
//! It gives its users the items re-exported here under its own name (`Error`, `Response`,
//! `RetryPolicy`, `RequestOptions`, ...) and wraps [`Client`] and [`ClientBuilder`] in its own types,
//! which add the API's operations and credentials ([`client!`]).
//!
//! What generated code calls, and users do not, is in [`codegen`]: the description of each
//! operation ([`codegen::Operation`]), the request being built ([`codegen::Request`]), and the
//! shape of its response ([`codegen::ResponseShape`]). [`codegen::require_interface`] checks, at
//! compile time, that a generated crate and this runtime speak the same interface.
//!
//! # Features
//!
//! Each capability a spec may use is a feature, so that a client pulls in only what its spec needs:
//!
//! - `sessions`: [`Session`], login, refresh (single-flight) and logout of a token session;
//! - `encryption`: [`EncryptionKey`], RSA-OAEP of the members a spec marks as encrypted (aws-lc-rs);
//! - `webhooks`: [`webhooks`], verification of signed webhook deliveries (HMAC-SHA256 from aws-lc-rs);
//! - `multipart`: `multipart/form-data` request bodies;
//! - `paging`: listing operations read as a [`Stream`] of pages or of items (futures-core, futures-util).
//!
//! Without any, the runtime sends requests, retries, reads responses and errors, and holds
//! static credentials.
//!
//! # Behaviour
//!
//! - Connection errors, timeouts, 408, 409, 429 and 5xx are retried ([`RetryPolicy`]), after
//!   `Retry-After` or a jittered exponential backoff; a `POST`, `PUT` or `PATCH` only when it carries
//!   an idempotency key, which is generated once per call and resent unchanged.
//! - Each call is a `tracing` span; no credential, token or marked secret reaches a log line or a
//!   `Debug` string.

#![deny(missing_docs)]

mod auth;
mod client;
#[cfg(feature = "encryption")]
mod encryption;
mod error;
#[cfg(feature = "paging")]
mod paging;
mod request;
mod response;
mod retry;
pub mod serde;
#[cfg(feature = "sessions")]
mod session;
#[cfg(feature = "webhooks")]
pub mod webhooks;
mod wrapper;

pub use auth::{Credential, RejectedFuture, Secret, StaticToken, TokenFuture, TokenSource};
pub use client::{Client, ClientBuilder};
#[cfg(feature = "encryption")]
pub use encryption::{EncryptionError, EncryptionKey};
pub use error::{ApiError, Error, ErrorResponse, Result};
/// The trait of the streams paged operations return (`pages()`, `items()`); read them with
/// `futures::StreamExt` or `futures::TryStreamExt`.
#[cfg(feature = "paging")]
pub use futures_core::Stream;
pub use request::{Part, RequestOptions};
/// The HTTP client the runtime sends requests with, for [`ClientBuilder::http_client`].
pub use reqwest;
pub use response::Response;
pub use retry::RetryPolicy;
#[cfg(feature = "sessions")]
pub use session::{LogoutFuture, Session, SessionApi, Tokens, TokensFuture};

/// The interface generated code calls: operations, requests, response shapes, envelopes, servers and
/// security schemes as the spec describes them. Users of a generated client do not need it.
pub mod codegen {
    #[cfg(feature = "paging")]
    pub use super::paging::{items, pages, PageInfo};
    pub use super::request::{
        decode_as, decode_variant, AnyBody, Body, ErrorBody, ErrorVariants, Operation, Part,
        Request, RequestEnvelope, ResponseShape, SchemeKind, SecurityScheme, Server, StatusMatch,
    };
    pub use super::response::{Envelopes, ErrorMembers};
    pub use ::serde::de::DeserializeOwned;

    /// The version of the interface between generated code and this runtime: a generated crate
    /// states the one it was generated for, and [`require_interface`] refuses any other.
    pub const INTERFACE: u32 = 2;

    /// Fails to compile (in a `const` item) when `version` is not this runtime's [`INTERFACE`]:
    /// regenerate the client, or use the runtime version it was generated for.
    pub const fn require_interface(version: u32) {
        if version != INTERFACE {
            panic!("this client was generated for another version of its runtime: regenerate it, or depend on the runtime version it names")
        }
    }
}
