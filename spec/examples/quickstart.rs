//! Logs in, fetches the organisation's preferences and asks for a quote.
//!
//! Against a FinCode sandbox tenant:
//!
//! ```sh
//! FINCODE_DOMAIN=remitjunction FINCODE_EMAIL=you@example.com FINCODE_PASSWORD=... \
//!     cargo run -p fincode --example quickstart
//! ```
//!
//! Against the local mock (Prism serving `spec/fincode.yaml` on 127.0.0.1), from the workspace root:
//!
//! ```sh
//! cargo xtask quickstart
//! ```
//!
//! which is `cargo xtask mock` in one terminal and
//! `FINCODE_BASE_URL=http://127.0.0.1:4010 cargo run -p fincode --example quickstart` in another.
//!
//! Environment: `FINCODE_BASE_URL` (a mock; overrides the domain), `FINCODE_DOMAIN` (the tenant's sub-domain
//! on the sandbox, default `remitjunction`), `FINCODE_EMAIL` and `FINCODE_PASSWORD` (the login; the mock
//! accepts the docs' example), `FINCODE_PUBLIC_KEY` (optional: the tenant's base64 public key, to send the
//! password RSA-encrypted).
//!
//! This file is maintained as `spec/examples/quickstart.rs` and copied into the generated crate.

use std::env;
use std::process::ExitCode;

use fincode::types::{CallQuoteRequest, PaymentMethodType, RemittanceTransactionType};
use rust_decimal::Decimal;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("quickstart failed: {error}");
            let mut source = std::error::Error::source(error.as_ref());
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let email = env::var("FINCODE_EMAIL").unwrap_or_else(|_| "manager@yourcompany.com".to_owned());
    let password = env::var("FINCODE_PASSWORD").unwrap_or_else(|_| "Password@1".to_owned());
    let mut builder = match env::var("FINCODE_BASE_URL") {
        Ok(url) => fincode::Client::builder().base_url(url),
        Err(_) => fincode::Client::builder()
            .server(fincode::servers::SANDBOX)
            .server_variable(
                "domain",
                env::var("FINCODE_DOMAIN").unwrap_or_else(|_| "remitjunction".to_owned()),
            ),
    };
    if let Ok(key) = env::var("FINCODE_PUBLIC_KEY") {
        builder = builder.encryption_key(fincode::EncryptionKey::from_base64(&key)?);
    }
    // The session logs in on first use and refreshes the access token before it expires.
    let client = builder.login(email, password).build()?;
    if let Some(session) = client.session() {
        session.login().await?;
    }
    println!("logged in");

    let preferences = client.admin().fetch_organisation_preference().await?;
    println!(
        "organisation preferences: {} entries (request {})",
        preferences.data().preferences.len(),
        preferences.request_id().unwrap_or("-"),
    );

    // 7.000 GBP to Nigeria, paid by card: every member is optional, each set by a chained setter.
    let quote = CallQuoteRequest::new()
        .principal_amount(Decimal::new(7_000, 3))
        .principal_amount_currency("GBP")
        .derive_amount_currency("NGN")
        .payment_type(PaymentMethodType::OnlineCardPayment)
        .transaction_type(RemittanceTransactionType::Accountpayment)
        .charge_category("MONEYTRANSFER")
        .destination_country("NGA")
        .trade_originating_country("GBR");
    let quote = client.remittance().call_quote(quote).await?;
    println!(
        "quote: {} (in {} attempt(s))",
        serde_json::to_string(quote.data())?,
        quote.attempts()
    );

    if let Some(session) = client.session() {
        session.logout().await?;
        println!("logged out");
    }
    Ok(())
}
