//! Receives FinCode webhooks on 127.0.0.1: verifies each delivery, handles each event once, and prints it.
//!
//! ```text
//! FINCODE_WEBHOOK_SECRET=whsec_... [FINCODE_WEBHOOK_PREVIOUS_SECRET=whsec_...] [PORT=8080] \
//!     cargo run -p fincode-tests --example webhook_receiver
//! ```
//!
//! The previous secret is accepted too, while a rotation is under way.

use std::process::ExitCode;

use fincode::webhooks::{Event, Verifier};
use fincode_tests::webhook_receiver::{spawn, PATH};

#[tokio::main]
async fn main() -> ExitCode {
    let Some(secret) = std::env::var("FINCODE_WEBHOOK_SECRET")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        eprintln!("webhook_receiver: set FINCODE_WEBHOOK_SECRET to the endpoint's signing secret");
        return ExitCode::from(2);
    };
    let mut verifier = Verifier::new(secret);
    if let Some(previous) = std::env::var("FINCODE_WEBHOOK_PREVIOUS_SECRET")
        .ok()
        .filter(|s| !s.is_empty())
    {
        verifier = verifier.add_secret(previous);
    }
    let port = match std::env::var("PORT").map(|p| p.parse::<u16>()) {
        Err(_) => 8080,
        Ok(Ok(port)) => port,
        Ok(Err(e)) => {
            eprintln!("webhook_receiver: PORT is not a port number: {e}");
            return ExitCode::from(2);
        }
    };
    let (address, server) = match spawn(port, verifier, handle).await {
        Ok(started) => started,
        Err(e) => {
            eprintln!("webhook_receiver: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("receiving FinCode webhooks on http://{address}{PATH}");
    match server.await {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            eprintln!("webhook_receiver: serving failed: {e}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("webhook_receiver: the server stopped: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Dispatches one verified, new event.
fn handle(event: &Event) {
    match event {
        Event::TransactionCompleted(e) => {
            println!("transaction {:?} paid", e.data.reference);
        }
        Event::TransactionFailed(e) => {
            println!("transaction {:?} failed", e.data.reference);
        }
        Event::PaymentReceived(e) => {
            println!(
                "payment {:?} of {:?} {:?} received",
                e.data.pcn, e.data.amount, e.data.currency
            );
        }
        Event::Unknown(e) => println!(
            "an event this version does not know: {} ({})",
            e.name, e.dedupe_key
        ),
        other => println!("{} ({})", other.name(), other.dedupe_key()),
    }
}
