//! The part of the client that does not depend on the API description: configuration,
//! authentication, sessions, retries, sending requests, reading responses and errors.
//!
//! Most items are re-exported at the crate root; `Request`, `Operation` and the other
//! items describing an operation are used by the generated operation code.

mod auth;
mod client;
mod encryption;
mod error;
mod request;
mod response;
mod retry;
pub mod serde;
mod session;
pub mod webhooks;

pub use auth::{Credential, RejectedFuture, Secret, StaticToken, TokenFuture, TokenSource};
pub use client::{Client, ClientBuilder};
pub use encryption::{EncryptionError, EncryptionKey};
pub use error::{ApiError, Error, Result};
pub use request::{
    Body, Operation, Part, Request, RequestEnvelope, RequestOptions, ResponseShape, SchemeKind,
    SecurityScheme, Server,
};
pub use response::Response;
pub use retry::RetryPolicy;
pub use session::{LogoutFuture, Session, SessionApi, Tokens, TokensFuture};
