//! What the client tells the world: its `tracing` spans and events (with no secret in them), and the
//! RSA-OAEP encryption of the fields the spec marks as encrypted.

use std::io;
use std::sync::{Arc, Mutex};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{
    KeySize, OaepPrivateDecryptingKey, PrivateDecryptingKey, OAEP_SHA256_MGF1SHA256,
};
use base64::Engine as _;
use fincode::{Client, EncryptionKey, RequestOptions, RetryPolicy};
use serde_json::{json, Value};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt as _;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const LOGIN: &str = "/securitymanagement/login";
const PREFERENCES: &str =
    "/admin/organisation-preference-management/fetch-organisaction-preference";

fn success(data: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "success": true,
        "data": data,
        "metadata": {"request_id": "req-ok", "timestamp": "2024-01-15T10:30:00Z", "processing_time_ms": 3},
    }))
}

/// Log lines written by the client, kept for the test to read.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .expect("the log lock")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// The lines, with the varying numbers (elapsed times, the mock's port) replaced.
    fn lines(&self, port: u16) -> Vec<String> {
        let text = String::from_utf8(self.0.lock().expect("the log lock").clone()).expect("utf-8");
        text.lines()
            .map(|line| {
                let line = line.replace(&port.to_string(), "PORT");
                match line.find("elapsed_ms=") {
                    Some(at) => {
                        let digits = line[at + 11..]
                            .chars()
                            .take_while(char::is_ascii_digit)
                            .count();
                        format!("{}elapsed_ms=N{}", &line[..at], &line[at + 11 + digits..])
                    }
                    None => line,
                }
            })
            .collect()
    }
}

#[tokio::test]
async fn spans_name_the_call_and_never_a_secret() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(LOGIN))
        .respond_with(success(
            json!({"access_token": "access-secret-1", "refresh_token": "refresh-secret-1"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(PREFERENCES))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({
            "success": false,
            "error": {"code": "SERVICE_UNAVAILABLE", "message": "down for maintenance"},
            "metadata": {"request_id": "req-503"},
        })))
        .mount(&server)
        .await;
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::registry()
        .with(
            Targets::new()
                .with_target("fincode", LevelFilter::TRACE)
                .with_target("oas_runtime", LevelFilter::TRACE),
        )
        .with(
            tracing_subscriber::fmt::layer()
                .without_time()
                .with_ansi(false)
                .with_writer(move || writer.clone()),
        );
    let _guard = tracing::subscriber::set_default(subscriber);
    let client = Client::builder()
        .base_url(server.uri())
        .login("manager@yourcompany.com", "password-secret-1")
        .build()
        .expect("the client builds");

    let result = client
        .admin()
        .fetch_organisation_preference()
        .options(
            RequestOptions::new().retry_policy(
                RetryPolicy::new()
                    .max_retries(1)
                    .initial_backoff(std::time::Duration::from_millis(1)),
            ),
        )
        .await;

    assert_eq!(result.map(|_| ()).map_err(|e| e.attempts()), Err(2));
    let port = server.address().port();
    let lines = captured.lines(port);
    let all = lines.join("\n");
    for secret in ["access-secret-1", "refresh-secret-1", "password-secret-1"] {
        assert!(!all.contains(secret), "{secret} logged:\n{all}");
    }
    let span = r#"request{operation="fetch_organisation_preference" method=GET path="/admin/organisation-preference-management/fetch-organisaction-preference""#;
    let error = "error=fetch_organisation_preference (GET /admin/organisation-preference-management/fetch-organisaction-preference): api error 503 Service Unavailable SERVICE_UNAVAILABLE: down for maintenance [request id req-503]";
    let expected = [
        format!("DEBUG {span}}}: oas_runtime::session: logging the session in"),
        format!(
            r#"DEBUG {span}}}:request{{operation="login" method=PUT path="/securitymanagement/login" attempts=1 status=200 request_id="req-ok" elapsed_ms=N}}: oas_runtime::client: succeeded attempt=1 status=200"#
        ),
        format!(
            " WARN {span}}}: oas_runtime::client: retrying attempt=1 status=503 delay_ms=0 {error}"
        ),
        format!(
            r#"DEBUG {span} attempts=2 status=503 request_id="req-503" elapsed_ms=N}}: oas_runtime::client: failed attempt=2 status=503 {error}"#
        ),
    ];
    assert_eq!(lines, expected, "{all}");
}

fn key_pair() -> (EncryptionKey, OaepPrivateDecryptingKey) {
    let private = PrivateDecryptingKey::generate(KeySize::Rsa2048).expect("a key pair");
    let der = private.public_key().as_der().expect("the public key's DER");
    let text = base64::engine::general_purpose::STANDARD.encode(der.as_ref());
    let public = EncryptionKey::from_base64(&text).expect("the public key reads");
    (
        public,
        OaepPrivateDecryptingKey::new(private).expect("an OAEP key"),
    )
}

fn decrypt(private: &OaepPrivateDecryptingKey, ciphertext: &str) -> String {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(ciphertext)
        .expect("base64 ciphertext");
    let mut out = vec![0; private.min_output_size()];
    let plain = private
        .decrypt(&OAEP_SHA256_MGF1SHA256, &bytes, &mut out, None)
        .expect("the private key decrypts it");
    String::from_utf8(plain.to_vec()).expect("utf-8")
}

#[tokio::test]
async fn the_encryption_key_encrypts_the_fields_the_spec_marks() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(LOGIN))
        .respond_with(success(json!({"access_token": "a", "refresh_token": "r"})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/securitymanagement/change-password"))
        .respond_with(success(json!({"message": "changed"})))
        .mount(&server)
        .await;
    let (public, private) = key_pair();
    let client = Client::builder()
        .base_url(server.uri())
        .encryption_key(public)
        .login("manager@yourcompany.com", "Password@1")
        .build()
        .expect("the client builds");
    client
        .session()
        .expect("a session")
        .login()
        .await
        .expect("login");
    let change = fincode::types::ChangePasswordRequest::new()
        .current_password("Password@1")
        .new_password("Password@2");
    client
        .auth()
        .change_password(change)
        .await
        .expect("change password");

    let received = server.received_requests().await.unwrap_or_default();
    let login: Value = serde_json::from_slice(&received[0].body).expect("JSON");
    assert_eq!(
        login["email"], "manager@yourcompany.com",
        "not a marked field"
    );
    let sent = login["currentPassword"].as_str().expect("a string");
    assert_ne!(sent, "Password@1");
    assert_eq!(decrypt(&private, sent), "Password@1");
    let change: Value = serde_json::from_slice(&received[1].body).expect("JSON");
    let decrypted = |member: &str| decrypt(&private, change[member].as_str().expect("a string"));
    assert_eq!(
        (decrypted("currentPassword"), decrypted("newPassword")),
        ("Password@1".to_owned(), "Password@2".to_owned())
    );
}

#[tokio::test]
async fn without_a_key_the_fields_go_as_they_are() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(LOGIN))
        .respond_with(success(json!({"access_token": "a", "refresh_token": "r"})))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .login("manager@yourcompany.com", "Password@1")
        .build()
        .expect("the client builds");
    client
        .session()
        .expect("a session")
        .login()
        .await
        .expect("login");
    let received = server.received_requests().await.unwrap_or_default();
    let login: Value = serde_json::from_slice(&received[0].body).expect("JSON");
    assert_eq!(
        login,
        json!({"email": "manager@yourcompany.com", "currentPassword": "Password@1"})
    );
}
