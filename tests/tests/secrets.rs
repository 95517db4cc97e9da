//! No secret reaches `{:?}`, `{:#?}`, `Display` or a log line at TRACE, whichever public type of the
//! generated crate or its runtime carries it: builders, options, requests, models, responses, errors,
//! sessions, tokens, credentials and webhook verifiers, each given known secret strings.

use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use fincode::types::{CreateTransactionRequest, LoginRequest, ProcessCardPaymentRequest};
use fincode::{Client, Credential, RequestOptions, Secret, StaticToken, Tokens};
use fincode_tests::examples::request_example;
use serde_json::json;
use tracing_subscriber::layer::{Layer as _, SubscriberExt as _};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Every secret the test hands out; none may show anywhere.
const SECRETS: &[&str] = &[
    "token-secret-1",
    "password-secret-2",
    "header-secret-3",
    "access-secret-4",
    "refresh-secret-5",
    "4111111111111111",
    "cvv-secret-6",
    "whsec-secret-7",
    "transaction-pin-8",
    "default-header-secret-9",
];

/// Fails naming the secret and the text it leaked into.
fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} shows `{secret}`:\n{text}");
    }
}

/// `{:?}` and `{:#?}` of `value`.
fn assert_debug_clean(what: &str, value: &impl Debug) {
    assert_clean(what, &format!("{value:?}"));
    assert_clean(what, &format!("{value:#?}"));
}

/// `{:?}`, `{:#?}` and `Display` of `value`.
fn assert_shown_clean(what: &str, value: &(impl Debug + std::fmt::Display)) {
    assert_debug_clean(what, value);
    assert_clean(what, &value.to_string());
}

/// Every log line of every target, at TRACE.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        self.0
            .lock()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }
}

#[test]
fn models_credentials_and_tokens_print_no_secret() {
    let login = LoginRequest::new("manager@example.com", "password-secret-2");
    assert_debug_clean("LoginRequest", &login);
    let card = ProcessCardPaymentRequest::new(
        "GBP",
        "4111111111111111",
        "12/27",
        "cvv-secret-6",
        "AUTH",
        "10.00".parse::<rust_decimal::Decimal>().expect("a decimal"),
    );
    assert_debug_clean("ProcessCardPaymentRequest", &card);
    assert_debug_clean("Secret", &Secret::new("token-secret-1"));
    assert_debug_clean("Credential", &Credential::token("token-secret-1"));
    assert_debug_clean(
        "Credential::basic",
        &Credential::basic("user", Secret::new("password-secret-2")),
    );
    assert_debug_clean("StaticToken", &StaticToken::new("token-secret-1"));
    let tokens = Tokens::new("access-secret-4", Some(Secret::new("refresh-secret-5")));
    assert_debug_clean("Tokens", &tokens);
    let options = RequestOptions::new()
        .header("X-Auth-Token", "header-secret-3")
        .header("x-pin", "transaction-pin-8");
    assert_debug_clean("RequestOptions", &options);
    let verifier = fincode::webhooks::Verifier::new("whsec-secret-7");
    assert_debug_clean("webhooks::Verifier", &verifier);
}

#[test]
fn builders_clients_and_requests_print_no_secret() {
    let builder = Client::builder()
        .base_url("http://127.0.0.1:9")
        .x_auth_token("token-secret-1")
        .default_header("x-api-key", "default-header-secret-9");
    assert_debug_clean("ClientBuilder", &builder);
    let client = builder.build().expect("the client builds");
    assert_debug_clean("Client", &client);
    let session_client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .login("manager@example.com", "password-secret-2")
        .build()
        .expect("the client builds");
    assert_debug_clean("Client with a session", &session_client);
    assert_debug_clean("Session", &session_client.session());

    let body: CreateTransactionRequest = serde_json::from_value(request_example(
        "/transactionmanagement/create-transaction",
        "post",
        "application/json",
    ))
    .expect("the spec's example is a CreateTransactionRequest");
    let request = client
        .remittance()
        .create_transaction("203.0.113.7", "transaction-pin-8", body)
        .options(RequestOptions::new().header("X-Auth-Token", "header-secret-3"));
    assert_debug_clean("CreateTransaction", &request);
    let card = ProcessCardPaymentRequest::new(
        "GBP",
        "4111111111111111",
        "12/27",
        "cvv-secret-6",
        "AUTH",
        "10.00".parse::<rust_decimal::Decimal>().expect("a decimal"),
    );
    assert_debug_clean(
        "ProcessCardPayment",
        &client.payments().process_card_payment(card),
    );
}

/// A login answered with tokens in a body of the wrong shape: the decode error, the session error that
/// wraps it and every log line of the exchange, at TRACE, show neither the tokens nor the password.
#[tokio::test(flavor = "multi_thread")]
async fn errors_and_log_lines_carry_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::registry().with(
        tracing_subscriber::fmt::layer()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_filter(tracing_subscriber::filter::LevelFilter::TRACE),
    );
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/securitymanagement/login"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true,
            // `access_token` must be a string: a number here is a decode error, the rest is kept.
            "data": {"access_token": 7, "refresh_token": "refresh-secret-5", "note": "access-secret-4"},
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string("upstream failed"))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .login("manager@example.com", "password-secret-2")
        .default_header("x-api-key", "default-header-secret-9")
        .retry_policy(fincode::RetryPolicy::none())
        .build()
        .expect("the client builds");
    let error = client
        .admin()
        .fetch_organisation_preference()
        .options(RequestOptions::new().header("x-pin", "transaction-pin-8"))
        .await
        .expect_err("the login's response cannot be read");
    assert!(matches!(error, fincode::Error::Session { .. }), "{error:?}");
    assert_shown_clean("the session's error", &error);
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&error);
    let mut depth = 0;
    while let Some(inner) = source {
        assert_clean(
            "a source of the session's error",
            &format!("{inner} {inner:?}"),
        );
        source = inner.source();
        depth += 1;
    }
    assert!(depth >= 1, "the decode error is the session error's source");

    let direct = Client::builder()
        .base_url(server.uri())
        .x_auth_token("token-secret-1")
        .retry_policy(fincode::RetryPolicy::none())
        .build()
        .expect("the client builds");
    let unexpected = direct
        .admin()
        .fetch_organisation_preference()
        .options(RequestOptions::new().header("X-Auth-Token", "header-secret-3"))
        .await
        .expect_err("500");
    assert_shown_clean("an unexpected status", &unexpected);

    let logs = captured.text();
    assert!(
        logs.contains("request"),
        "the calls were logged at all:\n{logs}"
    );
    assert_clean("the log lines", &logs);
}
