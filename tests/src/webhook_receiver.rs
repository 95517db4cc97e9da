//! An example webhook receiver: an axum server that verifies FinCode deliveries, answers redeliveries without
//! handling them again, and hands each new event to a handler.
//!
//! `cargo run -p fincode-tests --example webhook_receiver` serves it on 127.0.0.1;
//! `tests/webhook_receiver.rs` posts signed, tampered, replayed and unsigned deliveries to it.
//!
//! The receiver reads the body as raw bytes (`Bytes`, not `Json`): the signature covers the exact bytes
//! received, so they must reach the verifier untouched.
//! It remembers the keys it has handled in memory; a real service keeps them in its database, for longer
//! than FinCode goes on redelivering, and records a key only once its event is handled.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use fincode::webhooks::{Error, Event, Verifier};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The path FinCode posts deliveries to.
pub const PATH: &str = "/webhooks/fincode";

/// What the receiver needs for each delivery.
struct Receiver {
    verifier: Verifier,
    handled: Mutex<HashSet<String>>,
    handler: Box<dyn Fn(&Event) + Send + Sync>,
}

/// The receiver's routes: `POST /webhooks/fincode`, handing each new, verified event to `handler`.
pub fn router(verifier: Verifier, handler: impl Fn(&Event) + Send + Sync + 'static) -> Router {
    let receiver = Receiver {
        verifier,
        handled: Mutex::new(HashSet::new()),
        handler: Box::new(handler),
    };
    Router::new()
        .route(PATH, post(receive))
        .with_state(Arc::new(receiver))
}

/// Serves [`router`] on `127.0.0.1:port` (`0` picks a free port) in the background; returns the address.
pub async fn spawn(
    port: u16,
    verifier: Verifier,
    handler: impl Fn(&Event) + Send + Sync + 'static,
) -> std::io::Result<(SocketAddr, JoinHandle<std::io::Result<()>>)> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let address = listener.local_addr()?;
    let app = router(verifier, handler);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((address, server))
}

/// Verifies, de-duplicates and dispatches one delivery.
///
/// - 200 for a new event, handed to the handler, and for a redelivery of a handled one, which is not;
/// - 401 when verification fails: no or malformed headers, no matching signature (forged or tampered), or a
///   timestamp outside the tolerance (replayed);
/// - 400 for an authentic body that cannot be read;
/// - 500 when the verifier has no usable secret.
///
/// The answer's text says which; it never holds a secret or an expected signature.
async fn receive(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let event: Event = match receiver.verifier.verify_and_parse(&body, &headers) {
        Ok(event) => event,
        Err(e) if e.is_verification_failure() => return (StatusCode::UNAUTHORIZED, e.to_string()),
        Err(e @ Error::NoSecret) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()),
    };
    let first = receiver
        .handled
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(event.dedupe_key().to_owned());
    if !first {
        return (
            StatusCode::OK,
            format!("{} already handled", event.dedupe_key()),
        );
    }
    (receiver.handler)(&event);
    (
        StatusCode::OK,
        format!("{} {} handled", event.name(), event.dedupe_key()),
    )
}
