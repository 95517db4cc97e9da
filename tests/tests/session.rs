//! Sessions over real HTTP (wiremock on 127.0.0.1): log in, single-flight refresh of single-use refresh
//! tokens, a `401` answered by one refresh and one retry, refused refreshes that end the session or log in
//! again, logout, and secrets that never print.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use fincode::types::LoginRequest;
use fincode::{Client, Error, Tokens};
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const LOGIN: &str = "/securitymanagement/login";
const REFRESH: &str = "/securitymanagement/refresh-token";
const LOGOUT: &str = "/securitymanagement/logout";
const PREFERENCES: &str =
    "/admin/organisation-preference-management/fetch-organisaction-preference";

/// An unsigned JWT whose `exp` is `exp_from_now` seconds away (negative: in the past).
fn jwt(name: &str, exp_from_now: i64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs() as i64;
    let encode = |text: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
    let claims = json!({"sub": name, "exp": now + exp_from_now}).to_string();
    format!("{}.{}.c2ln", encode(r#"{"alg":"RS256"}"#), encode(&claims))
}

fn success(data: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "success": true,
        "data": data,
        "metadata": {"request_id": "req-ok", "timestamp": "2024-01-15T10:30:00Z", "processing_time_ms": 3},
    }))
}

fn tokens(access: &str, refresh: &str) -> ResponseTemplate {
    success(json!({"access_token": access, "refresh_token": refresh}))
}

fn error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "success": false,
        "error": {"code": code, "message": message},
        "metadata": {"request_id": "req-err"},
    }))
}

/// The preferences body, unwrapped as the fetch-preference page reads it.
fn preferences() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"preferences": {"MAX_TRANSACTION_LIMIT": 5000}}))
}

/// Answers the preferences call with `access`, and `401` for any other token.
async fn preferences_for(server: &MockServer, access: &str) {
    Mock::given(method("GET"))
        .and(path(PREFERENCES))
        .and(header("x-auth-token", access))
        .respond_with(preferences())
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(PREFERENCES))
        .respond_with(error(401, "AUTH_REQUIRED", "invalid token"))
        .with_priority(2)
        .mount(server)
        .await;
}

async fn count(server: &MockServer, wanted: &str) -> usize {
    requests_to(server, wanted).await.len()
}

async fn requests_to(server: &MockServer, wanted: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() == wanted)
        .collect()
}

fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("a JSON body")
}

/// A client whose session starts from `access` and the refresh token `refresh-1`.
fn resumed(server: &MockServer, access: impl Into<fincode::Secret>) -> Client {
    Client::builder()
        .base_url(server.uri())
        .resume_session(Tokens::new(access, Some("refresh-1".into())))
        .build()
        .expect("the client builds")
}

/// A client whose session logs in as the docs' example manager with `password`.
fn logging_in(server: &MockServer, password: &str) -> Client {
    Client::builder()
        .base_url(server.uri())
        .login("manager@yourcompany.com", password)
        .build()
        .expect("the client builds")
}

/// Makes `n` preference calls at once on a multi-threaded runtime.
async fn concurrently(
    client: &Client,
    n: usize,
) -> Vec<fincode::Result<fincode::Response<fincode::types::OrganisationPreferences>>> {
    let calls = (0..n).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.admin().fetch_organisation_preference().await })
    });
    let mut results = Vec::new();
    for call in calls.collect::<Vec<_>>() {
        results.push(call.await.expect("no call panicked"));
    }
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_calls_with_an_expired_token_cause_exactly_one_refresh() {
    let server = MockServer::start().await;
    let fresh = jwt("fresh", 3600);
    Mock::given(method("PUT"))
        .and(path(REFRESH))
        .respond_with(tokens(&fresh, "refresh-2").set_delay(Duration::from_millis(200)))
        .mount(&server)
        .await;
    preferences_for(&server, &fresh).await;
    let client = resumed(&server, jwt("expired", -60));

    let results = concurrently(&client, 100).await;

    let failures: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(|e| e.to_string())
        .collect();
    assert!(failures.is_empty(), "{failures:?}");
    assert!(results.iter().flatten().all(|r| r.attempts() == 1));
    let refreshes = requests_to(&server, REFRESH).await;
    assert_eq!(refreshes.len(), 1, "one refresh for 100 calls");
    assert_eq!(body(&refreshes[0]), json!({"refresh_token": "refresh-1"}));
    assert_eq!(
        count(&server, PREFERENCES).await,
        100,
        "every call sent once, with the fresh token"
    );
    let kept = client
        .session()
        .expect("a session")
        .tokens()
        .await
        .expect("tokens");
    assert_eq!(kept.access.expose(), fresh);
    assert_eq!(kept.refresh.as_ref().map(|t| t.expose()), Some("refresh-2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_refresh_fails_all_hundred_calls_cleanly_and_ends_the_session() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(REFRESH))
        .respond_with(
            error(403, "FORBIDDEN", "Token Already Used").set_delay(Duration::from_millis(200)),
        )
        .mount(&server)
        .await;
    preferences_for(&server, "never").await;
    let client = resumed(&server, jwt("expired", -60));

    let results = concurrently(&client, 100).await;

    for result in &results {
        let Err(Error::Session {
            message, source, ..
        }) = result
        else {
            panic!("expected a session error, got {result:?}");
        };
        assert_eq!(
            message,
            "the session ended: its tokens were refused; configure a new session"
        );
        let cause = source
            .as_ref()
            .and_then(|s| s.api_error())
            .expect("the refresh's error");
        assert_eq!(
            (cause.status.as_u16(), cause.message.as_str()),
            (403, "Token Already Used")
        );
        assert_eq!(cause.operation, "refresh_token");
    }
    assert_eq!(
        count(&server, REFRESH).await,
        1,
        "the spent refresh token is used once"
    );
    assert_eq!(
        count(&server, PREFERENCES).await,
        0,
        "nothing is sent without a token"
    );
    assert_eq!(
        count(&server, LOGIN).await,
        0,
        "a session from tokens cannot log in"
    );

    // The session stays ended: later calls fail at once, without a request.
    let later = client.admin().fetch_organisation_preference().await;
    assert!(matches!(later, Err(Error::Session { .. })), "{later:?}");
    assert_eq!(count(&server, REFRESH).await, 1);
    assert!(!client.session().expect("a session").is_logged_in().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_refresh_logs_in_again_once_when_the_session_knows_the_password() {
    let server = MockServer::start().await;
    let fresh = jwt("fresh", 3600);
    Mock::given(method("PUT"))
        .and(path(LOGIN))
        .respond_with(tokens(&jwt("expired", -60), "refresh-1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(LOGIN))
        .respond_with(tokens(&fresh, "refresh-2").set_delay(Duration::from_millis(100)))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(REFRESH))
        .respond_with(error(403, "FORBIDDEN", "Token Already Used"))
        .mount(&server)
        .await;
    preferences_for(&server, &fresh).await;
    let client = logging_in(&server, "Password@1");
    let session = client.session().expect("a session");
    session.login().await.expect("the first login");

    let results = concurrently(&client, 100).await;

    let failures: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(|e| e.to_string())
        .collect();
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(count(&server, REFRESH).await, 1);
    let logins = requests_to(&server, LOGIN).await;
    assert_eq!(
        logins.len(),
        2,
        "the first login, then one more after the refused refresh"
    );
    for login in &logins {
        assert_eq!(
            body(login),
            json!({"email": "manager@yourcompany.com", "currentPassword": "Password@1"})
        );
        assert!(
            login.headers.get("x-auth-token").is_none(),
            "login sends no token"
        );
    }
    assert_eq!(count(&server, PREFERENCES).await, 100);
}

#[tokio::test]
async fn a_401_refreshes_once_and_retries_the_call_once() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(REFRESH))
        .respond_with(tokens("access-2", "refresh-2"))
        .mount(&server)
        .await;
    preferences_for(&server, "access-2").await;
    let client = resumed(&server, "access-1");

    let response = client
        .admin()
        .fetch_organisation_preference()
        .await
        .expect("the retried call");

    assert_eq!(response.attempts(), 2);
    let sent: Vec<Option<String>> = requests_to(&server, PREFERENCES)
        .await
        .iter()
        .map(|r| {
            r.headers
                .get("x-auth-token")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(
        sent,
        [Some("access-1".to_owned()), Some("access-2".to_owned())]
    );
    assert_eq!(count(&server, REFRESH).await, 1);
}

#[tokio::test]
async fn a_second_401_ends_the_call_without_a_loop() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(REFRESH))
        .respond_with(tokens("access-2", "refresh-2"))
        .mount(&server)
        .await;
    preferences_for(&server, "accepted-by-nobody").await;
    let client = resumed(&server, "access-1");

    let result = client.admin().fetch_organisation_preference().await;

    let Err(Error::Api(api)) = &result else {
        panic!("expected the 401, got {result:?}");
    };
    assert_eq!((api.status.as_u16(), api.attempts), (401, 2));
    assert_eq!(count(&server, REFRESH).await, 1);
    assert_eq!(count(&server, PREFERENCES).await, 2);
}

#[tokio::test]
async fn logs_in_on_first_use_and_logout_revokes_both_tokens() {
    let server = MockServer::start().await;
    let access = jwt("user", 3600);
    Mock::given(method("PUT"))
        .and(path(LOGIN))
        .respond_with(tokens(&access, "refresh-1"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(LOGOUT))
        .and(header("x-auth-token", access.as_str()))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"message": "Logged out successfully"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    preferences_for(&server, &access).await;
    let client = logging_in(&server, "Password@1");
    let session = client.session().expect("a session");
    assert!(!session.is_logged_in().await);

    client
        .admin()
        .fetch_organisation_preference()
        .await
        .expect("first call");
    client
        .admin()
        .fetch_organisation_preference()
        .await
        .expect("second call");
    session.logout().await.expect("logout");
    let after = client.admin().fetch_organisation_preference().await;

    assert_eq!(
        count(&server, LOGIN).await,
        1,
        "one login serves both calls"
    );
    let logout = requests_to(&server, LOGOUT).await;
    assert_eq!(body(&logout[0]), json!({"refresh_token": "refresh-1"}));
    let Err(Error::Session {
        message, source, ..
    }) = &after
    else {
        panic!("expected the logged-out session, got {after:?}");
    };
    assert_eq!(
        message,
        "the session was logged out; configure a new session"
    );
    assert!(source.is_none(), "no token was refused: {source:?}");
    let again = client.admin().fetch_organisation_preference().await;
    assert_eq!(
        again.expect_err("still logged out").to_string(),
        after.expect_err("logged out").to_string(),
        "every later call says the same"
    );
    assert_eq!(
        count(&server, PREFERENCES).await,
        2,
        "nothing is sent after logout"
    );
    assert!(!session.is_logged_in().await);
}

#[tokio::test]
async fn a_wrong_password_is_a_clear_error_and_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(LOGIN))
        .respond_with(error(401, "AUTH_REQUIRED", "Invalid credentials"))
        .expect(1)
        .mount(&server)
        .await;
    let client = logging_in(&server, "wrong");

    let first = client.admin().fetch_organisation_preference().await;
    let second = client.admin().fetch_organisation_preference().await;

    for result in [&first, &second] {
        let Err(Error::Session { source, .. }) = result else {
            panic!("expected a session error, got {result:?}");
        };
        let cause = source
            .as_ref()
            .and_then(|s| s.api_error())
            .expect("the login's error");
        assert_eq!((cause.operation, cause.status.as_u16()), ("login", 401));
    }
    assert_eq!(count(&server, PREFERENCES).await, 0);
}

#[tokio::test]
async fn secrets_never_print() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(LOGIN))
        .respond_with(tokens("access-secret-1", "refresh-secret-1"))
        .mount(&server)
        .await;
    preferences_for(&server, "access-secret-1").await;
    let client = logging_in(&server, "password-secret-1");
    let session = client.session().expect("a session");
    session.login().await.expect("login");

    assert_eq!(
        format!("{session:?}"),
        r#"Session { logged_in: true, username: Some("manager@yourcompany.com"), ended: false }"#
    );
    let tokens = session.tokens().await.expect("tokens");
    assert_eq!(
        format!("{tokens:?}"),
        "Tokens { access: Secret(<redacted>), refresh: Some(Secret(<redacted>)) }"
    );
    let login = LoginRequest::new("manager@yourcompany.com", "password-secret-1");
    assert_eq!(
        format!("{login:?}"),
        r#"LoginRequest { email: "manager@yourcompany.com", current_password: "<redacted>" }"#
    );
    let printed = format!("{client:?} {client:#?} {session:#?} {tokens:#?} {login:#?}");
    for secret in ["access-secret-1", "refresh-secret-1", "password-secret-1"] {
        assert!(!printed.contains(secret), "{secret} printed in {printed}");
    }
    // The call's response and request carry the token only on the wire.
    let response = client
        .admin()
        .fetch_organisation_preference()
        .await
        .expect("a call");
    assert!(!format!("{response:?}").contains("access-secret-1"));
    let sent = requests_to(&server, PREFERENCES).await;
    assert_eq!(
        sent[0]
            .headers
            .get("x-auth-token")
            .and_then(|v| v.to_str().ok()),
        Some("access-secret-1")
    );
}

#[test]
fn card_numbers_and_security_codes_never_print() {
    let payment: fincode::types::ProcessCardPaymentRequest = serde_json::from_value(json!({
        "currencyiso3a": "GBP",
        "pan": "4111111111111111",
        "expirydate": "12/2027",
        "securitycode": "123",
        "requesttypedescriptions": "purchase",
        "baseamount": 1050,
    }))
    .expect("a card payment");

    let printed = format!("{payment:?}");

    assert_eq!(
        printed,
        r#"ProcessCardPaymentRequest { currencyiso3a: "GBP", pan: "<redacted>", expirydate: "12/2027", securitycode: "<redacted>", requesttypedescriptions: "purchase", baseamount: 1050, pcn: None }"#
    );
}

#[test]
fn a_password_header_never_prints_from_its_request() {
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("the client builds");
    let example = fincode_tests::examples::request_example(
        "/transactionmanagement/create-transaction",
        "post",
        "application/json",
    );
    let body: fincode::types::CreateTransactionRequest =
        serde_json::from_value(example).expect("the spec's example is a request");

    let request = client
        .remittance()
        .create_transaction("203.0.113.7", "password-secret-2", body);
    let printed = format!("{request:?} {request:#?}");

    assert!(printed.contains(r#"password: "<redacted>""#), "{printed}");
    assert!(
        printed.contains(r#"ip_address: "203.0.113.7""#),
        "{printed}"
    );
    assert!(!printed.contains("password-secret-2"), "{printed}");
}

/// A token source of the caller's own: a vault that hands out a new token when the server refuses one.
#[derive(Debug, Default)]
struct Vault {
    renewals: std::sync::atomic::AtomicUsize,
}

impl fincode::TokenSource for Vault {
    fn token(&self) -> fincode::TokenFuture<'_> {
        let n = self.renewals.load(std::sync::atomic::Ordering::SeqCst);
        Box::pin(async move { Ok(fincode::Secret::new(format!("vault-token-{n}"))) })
    }

    fn rejected<'a>(&'a self, _token: &'a fincode::Secret) -> fincode::RejectedFuture<'a> {
        let n = self
            .renewals
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            + 1;
        Box::pin(async move { Ok(Some(fincode::Secret::new(format!("vault-token-{n}")))) })
    }
}

#[tokio::test]
async fn a_token_source_of_ones_own_is_asked_again_after_a_401() {
    let server = MockServer::start().await;
    preferences_for(&server, "vault-token-1").await;
    let client = Client::builder()
        .base_url(server.uri())
        .credential(
            &fincode::security::X_AUTH_TOKEN,
            fincode::Credential::token_source(Vault::default()),
        )
        .build()
        .expect("the client builds");

    let response = client
        .admin()
        .fetch_organisation_preference()
        .await
        .expect("the retried call");

    assert_eq!(response.attempts(), 2);
    let sent: Vec<Option<String>> = requests_to(&server, PREFERENCES)
        .await
        .iter()
        .map(|r| {
            r.headers
                .get("x-auth-token")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(
        sent,
        [
            Some("vault-token-0".to_owned()),
            Some("vault-token-1".to_owned())
        ]
    );
}
