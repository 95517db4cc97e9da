//! The generated `fincode` client against injected faults, over real HTTP on 127.0.0.1.
//!
//! Each test makes one fault (a retryable status, a `Retry-After`, a dropped connection, a stalled
//! or truncated response, a body the client cannot use) and checks what the client did about it:
//! how many attempts it made (on the result and as counted by the server), which error it
//! returned, how long it waited between attempts, and, for writes, that every attempt carried the
//! same idempotency key and the same body bytes.
//!
//! Wiremock serves the faults that are HTTP responses; a raw [`TcpListener`] serves those that
//! are not (a connection closed before any response, a body cut short, a body with no length).
//!
//! Time is paused: a backoff advances tokio's clock at once and by exactly its length, so the
//! waits are measured with [`Instant`] and not with the wall clock. Under paused time the clock
//! also jumps to the next timer whenever the runtime waits for the socket, so a pending timer
//! would fire before the server could answer: the test clients run attempts without a timeout
//! ([`fincode::ClientBuilder::no_timeout`]) and without the connection pool's idle timer.

use std::future::{Future, IntoFuture};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, SystemTime};

use fincode::types::{CreateTransactionRequest, LoginRequest};
use fincode::TokenFuture;
use fincode::{Client, ClientBuilder, Credential, Error, RequestOptions, RetryPolicy, Secret};
use fincode_tests::examples::{request_example, response_example, shared_response_example};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The `X-Auth-Token` of the test clients.
const TOKEN: &str = "x-auth-token-of-the-fault-tests";
/// A GET whose token is optional: `fetch_organisation_preference`.
const PREFERENCES: &str =
    "/admin/organisation-preference-management/fetch-organisaction-preference";
/// A PUT without an idempotency key: `login`.
const LOGIN: &str = "/securitymanagement/login";
/// A POST with an idempotency key and a JSON body: `create_transaction`.
const CREATE_TRANSACTION: &str = "/transactionmanagement/create-transaction";
/// A PUT with an idempotency key: `respond_to_loan_offer`.
const LOAN_OFFER: &str = "/user/update-application/{loan-application-id}";

/// The error envelope with `code`, for statuses the spec has no shared response for.
fn error_envelope(code: &str, message: &str) -> Value {
    json!({
        "success": false,
        "error": {"code": code, "message": message, "field": null, "details": null},
        "metadata": {"request_id": "fault-tests", "timestamp": "2024-01-15T10:30:00Z"},
    })
}

fn respond(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

fn preferences() -> ResponseTemplate {
    respond(200, response_example(PREFERENCES, "get", "200"))
}

fn unavailable() -> ResponseTemplate {
    respond(503, shared_response_example("ServiceUnavailable"))
}

// Clients, calls and what the server saw

/// A client of `url` whose attempts have no timeout and whose pool has no idle timer, so that
/// no timer of its own is pending while it waits for the server.
fn client_of(url: &str) -> ClientBuilder {
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .expect("the http client builds");
    Client::builder()
        .base_url(url)
        .x_auth_token(TOKEN)
        .http_client(http)
        .no_timeout()
}

fn client(url: &str) -> Client {
    client_of(url).build().expect("the client builds")
}

/// The outcome of `call` and how long it took on tokio's (paused) clock.
async fn timed<F: IntoFuture>(call: F) -> (F::Output, Duration) {
    let start = Instant::now();
    let outcome = call.into_future().await;
    (outcome, start.elapsed())
}

/// The bounds of the total backoff of `retries` retries without `Retry-After`: retry `n` (from
/// 0) waits `min(0.5 * 2^n, 8)` seconds times a factor in [0.75, 1].
fn backoff_bounds(retries: u32) -> (Duration, Duration) {
    (0..retries).fold((Duration::ZERO, Duration::ZERO), |(low, high), n| {
        let full = (Duration::from_millis(500) * 2u32.pow(n)).min(Duration::from_secs(8));
        (low + full.mul_f64(0.75), high + full)
    })
}

fn assert_backoff(waited: Duration, retries: u32) {
    let (low, high) = backoff_bounds(retries);
    assert!(
        low <= waited && waited <= high,
        "{retries} retries waited {waited:?}, not between {low:?} and {high:?}"
    );
}

/// Reports what a call did; the test harness shows it when the test fails.
fn record(fault: &str, attempts: u32, waited: Duration) {
    eprintln!("{fault}: {attempts} attempts, waited {waited:?}");
}

/// The error of a call that must fail.
fn failed<T: std::fmt::Debug>(result: fincode::Result<T>) -> Error {
    match result {
        Ok(response) => panic!("the call succeeded: {response:?}"),
        Err(error) => error,
    }
}

/// The response of a call that must succeed.
fn succeeded<T>(result: fincode::Result<T>) -> T {
    match result {
        Ok(response) => response,
        Err(error) => panic!("the call failed: {error}\n{error:?}"),
    }
}

fn status(error: &Error) -> Option<u16> {
    error.status().map(|s| s.as_u16())
}

fn error_code(error: &Error) -> Option<String> {
    let api = error.api_error()?;
    api.code.as_ref().map(ToString::to_string)
}

async fn received(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("wiremock records requests")
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

fn login_request() -> LoginRequest {
    LoginRequest::new("manager@yourcompany.com", "Password@1")
}

/// Answers the first `times` requests for `route` with `failure` and the later ones with the
/// spec's example of `fetch_organisation_preference`.
async fn fail_then_succeed(
    server: &MockServer,
    route: &str,
    times: u64,
    failure: ResponseTemplate,
) {
    Mock::given(path(route))
        .respond_with(failure)
        .up_to_n_times(times)
        .mount(server)
        .await;
    Mock::given(path(route))
        .respond_with(preferences())
        .mount(server)
        .await;
}

/// Answers every request for `route` with `response`.
async fn always(server: &MockServer, route: &str, response: ResponseTemplate) {
    Mock::given(path(route))
        .respond_with(response)
        .mount(server)
        .await;
}

async fn always_on_new_server(route: &str, response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    always(&server, route, response).await;
    server
}

// A raw server, for faults that are not HTTP responses

/// A server on 127.0.0.1 that reads each request and then lets `reply` do what it wants with
/// the connection; it counts the requests it read and reports each on a channel.
struct RawServer {
    url: String,
    requests: Arc<AtomicUsize>,
    arrivals: Arc<Mutex<mpsc::Receiver<()>>>,
}

impl RawServer {
    async fn start<F, R>(reply: F) -> RawServer
    where
        F: Fn(TcpStream) -> R + Send + 'static,
        R: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port on 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("its address"));
        let requests = Arc::new(AtomicUsize::new(0));
        let (arrived, arrivals) = mpsc::channel();
        let counted = requests.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                if read_request(&mut stream).await {
                    counted.fetch_add(1, Ordering::SeqCst);
                    let _ = arrived.send(());
                    tokio::spawn(reply(stream));
                }
            }
        });
        RawServer {
            url,
            requests,
            arrivals: Arc::new(Mutex::new(arrivals)),
        }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Reads one request (its head and a `Content-Length` body); whether a whole one came.
async fn read_request(stream: &mut TcpStream) -> bool {
    let mut data = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return true;
            }
        }
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => data.extend_from_slice(&buffer[..n]),
        }
    }
}

/// A token source that, before each attempt, keeps tokio's paused clock still until the server
/// has read that attempt's request, so that a timeout can only fire once the request waits on
/// the server: a running blocking task holds a paused clock.
#[derive(Debug)]
struct ClockHeldUntilArrival {
    arrivals: Arc<Mutex<mpsc::Receiver<()>>>,
}

impl fincode::TokenSource for ClockHeldUntilArrival {
    fn token(&self) -> TokenFuture<'_> {
        let arrivals = self.arrivals.clone();
        tokio::task::spawn_blocking(move || {
            if let Ok(arrivals) = arrivals.lock() {
                // Bounded, so that a request that never comes fails the test instead of hanging it.
                let _ = arrivals.recv_timeout(Duration::from_secs(10));
            }
        });
        Box::pin(async { Ok(Secret::new(TOKEN)) })
    }
}

// Retry-After

#[tokio::test(start_paused = true)]
async fn a_429_with_retry_after_in_seconds_waits_exactly_that_long() {
    let server = MockServer::start().await;
    let limited = respond(429, shared_response_example("RateLimitExceeded"))
        .insert_header("Retry-After", "3");
    fail_then_succeed(&server, PREFERENCES, 2, limited).await;
    let client = client(&server.uri());

    let (result, waited) = timed(client.admin().fetch_organisation_preference()).await;
    let response = succeeded(result);
    record("429 Retry-After: 3", response.attempts(), waited);
    assert_eq!(response.attempts(), 3);
    assert_eq!(received(&server).await.len(), 3);
    assert_eq!(waited, Duration::from_secs(6));
}

#[tokio::test(start_paused = true)]
async fn a_429_with_retry_after_as_an_http_date_waits_until_then() {
    let server = MockServer::start().await;
    // An HTTP date has whole seconds and is read against the wall clock: a date 3 s ahead asks
    // for 2 to 3 s, less whatever real time passes before the client reads it.
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3));
    let limited = respond(429, shared_response_example("RateLimitExceeded"))
        .insert_header("Retry-After", date.as_str());
    fail_then_succeed(&server, PREFERENCES, 2, limited).await;
    let client = client(&server.uri());

    let (result, waited) = timed(client.admin().fetch_organisation_preference()).await;
    let response = succeeded(result);
    record(
        "429 Retry-After: <date 3 s ahead>",
        response.attempts(),
        waited,
    );
    assert_eq!(response.attempts(), 3);
    assert_eq!(received(&server).await.len(), 3);
    // From 1 to 3 s for each of the 2 retries.
    assert!(
        Duration::from_secs(2) <= waited && waited <= Duration::from_secs(6),
        "waited {waited:?} for `Retry-After: {date}`"
    );
}

#[tokio::test(start_paused = true)]
async fn a_429_without_retry_after_backs_off_and_gives_up_after_two_retries() {
    let limited = respond(429, shared_response_example("RateLimitExceeded"));
    let server = always_on_new_server(PREFERENCES, limited).await;
    let client = client(&server.uri());

    let (result, waited) = timed(client.admin().fetch_organisation_preference()).await;
    let error = failed(result);
    record("429 without Retry-After", error.attempts(), waited);
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(status(&error), Some(429));
    assert_eq!(error_code(&error).as_deref(), Some("RATE_LIMIT_EXCEEDED"));
    assert_eq!(error.attempts(), 3);
    assert_eq!(received(&server).await.len(), 3);
    assert_backoff(waited, 2);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_over_two_minutes_ends_the_call_at_once() {
    let limited = respond(429, shared_response_example("RateLimitExceeded"))
        .insert_header("Retry-After", "121");
    let server = always_on_new_server(PREFERENCES, limited).await;
    let client = client(&server.uri());

    let (result, waited) = timed(client.admin().fetch_organisation_preference()).await;
    let error = failed(result);
    record("429 Retry-After: 121", error.attempts(), waited);
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(status(&error), Some(429));
    assert_eq!(error.attempts(), 1);
    assert_eq!(received(&server).await.len(), 1);
    assert_eq!(waited, Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_of_exactly_two_minutes_is_waited_for() {
    let server = MockServer::start().await;
    fail_then_succeed(
        &server,
        PREFERENCES,
        1,
        unavailable().insert_header("Retry-After", "120"),
    )
    .await;
    let client = client(&server.uri());

    let (result, waited) = timed(client.admin().fetch_organisation_preference()).await;
    let response = succeeded(result);
    record("503 Retry-After: 120", response.attempts(), waited);
    assert_eq!(response.attempts(), 2);
    assert_eq!(received(&server).await.len(), 2);
    assert_eq!(waited, Duration::from_secs(120));
}

#[tokio::test(start_paused = true)]
async fn retry_after_ms_is_waited_for_and_wins_over_retry_after() {
    let server = MockServer::start().await;
    let limited = respond(429, shared_response_example("RateLimitExceeded"))
        .insert_header("retry-after-ms", "250")
        .insert_header("Retry-After", "9");
    fail_then_succeed(&server, PREFERENCES, 2, limited).await;
    let client = client(&server.uri());

    let (result, waited) = timed(client.admin().fetch_organisation_preference()).await;
    let response = succeeded(result);
    record("429 retry-after-ms: 250", response.attempts(), waited);
    assert_eq!(response.attempts(), 3);
    assert_eq!(received(&server).await.len(), 3);
    assert_eq!(waited, Duration::from_millis(500));
}

// Retryable statuses

/// A GET answered `status` with `body` on every attempt gives up after 2 retries with the API
/// error; answered so twice and then 200, it succeeds on its third and last attempt.
async fn check_retried_status(status_code: u16, body: Value, code: &str) {
    let server = always_on_new_server(PREFERENCES, respond(status_code, body.clone())).await;
    let client = client(&server.uri());

    let (result, waited) = timed(client.admin().fetch_organisation_preference()).await;
    let error = failed(result);
    record(
        &format!("{status_code} every time"),
        error.attempts(),
        waited,
    );
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(status(&error), Some(status_code));
    assert_eq!(error_code(&error).as_deref(), Some(code));
    assert!(error.is_retryable());
    assert_eq!(error.attempts(), 3);
    assert_eq!(received(&server).await.len(), 3);
    assert_backoff(waited, 2);

    server.reset().await;
    fail_then_succeed(&server, PREFERENCES, 2, respond(status_code, body)).await;
    let (result, waited) = timed(client.admin().fetch_organisation_preference()).await;
    let response = succeeded(result);
    record(
        &format!("{status_code} twice, then 200"),
        response.attempts(),
        waited,
    );
    assert_eq!(response.attempts(), 3);
    assert_eq!(received(&server).await.len(), 3);
    assert_backoff(waited, 2);
}

#[tokio::test(start_paused = true)]
async fn a_408_is_retried() {
    let body = error_envelope("REQUEST_TIMEOUT", "The request took too long");
    check_retried_status(408, body, "REQUEST_TIMEOUT").await;
}

#[tokio::test(start_paused = true)]
async fn a_409_is_retried() {
    let body = error_envelope("CONFLICT", "A concurrent request holds the resource");
    check_retried_status(409, body, "CONFLICT").await;
}

#[tokio::test(start_paused = true)]
async fn a_500_is_retried() {
    check_retried_status(500, shared_response_example("ServerError"), "SERVER_ERROR").await;
}

#[tokio::test(start_paused = true)]
async fn a_502_is_retried() {
    let body = error_envelope("BAD_GATEWAY", "The upstream failed");
    check_retried_status(502, body, "BAD_GATEWAY").await;
}

#[tokio::test(start_paused = true)]
async fn a_503_is_retried() {
    let body = shared_response_example("ServiceUnavailable");
    check_retried_status(503, body, "SERVICE_UNAVAILABLE").await;
}

#[tokio::test(start_paused = true)]
async fn a_504_is_retried() {
    let body = error_envelope("GATEWAY_TIMEOUT", "The upstream did not answer");
    check_retried_status(504, body, "GATEWAY_TIMEOUT").await;
}

#[tokio::test(start_paused = true)]
async fn an_html_502_page_is_an_unexpected_status_that_keeps_the_page() {
    let page = "<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>";
    let html = ResponseTemplate::new(502).set_body_raw(page, "text/html");
    let server = always_on_new_server(PREFERENCES, html).await;
    let client = client(&server.uri());

    let (result, waited) = timed(client.admin().fetch_organisation_preference()).await;
    let error = failed(result);
    record("HTML 502 page", error.attempts(), waited);
    assert!(matches!(error, Error::UnexpectedStatus { .. }), "{error:?}");
    assert_eq!(status(&error), Some(502));
    assert_eq!(error.body_text().as_deref(), Some(page));
    assert_eq!(error.attempts(), 3);
    assert_eq!(received(&server).await.len(), 3);
    assert_backoff(waited, 2);
}

// Bodies the client cannot use

#[tokio::test(start_paused = true)]
async fn a_200_saying_success_false_is_an_api_error_and_not_retried() {
    let refusal = respond(200, shared_response_example("ValidationError"));
    let server = always_on_new_server(PREFERENCES, refusal).await;
    let client = client(&server.uri());

    let (result, waited) = timed(client.admin().fetch_organisation_preference()).await;
    let error = failed(result);
    record("200 with success: false", error.attempts(), waited);
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(status(&error), Some(200));
    assert_eq!(error_code(&error).as_deref(), Some("VALIDATION_ERROR"));
    assert!(!error.is_retryable());
    assert_eq!(error.attempts(), 1);
    assert_eq!(received(&server).await.len(), 1);
    assert_eq!(waited, Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_200_of_an_unexpected_shape_is_a_decode_error_that_keeps_the_body() {
    let body = r#"{"preferences": ["not", "a", "map"]}"#;
    let odd = ResponseTemplate::new(200).set_body_raw(body, "application/json");
    let server = always_on_new_server(PREFERENCES, odd).await;
    let client = client(&server.uri());

    let (result, waited) = timed(client.admin().fetch_organisation_preference()).await;
    let error = failed(result);
    record("200 of an unexpected shape", error.attempts(), waited);
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(status(&error), Some(200));
    assert_eq!(error.body_text().as_deref(), Some(body));
    assert!(!error.is_retryable());
    assert_eq!(error.attempts(), 1);
    assert_eq!(received(&server).await.len(), 1);
    assert_eq!(waited, Duration::ZERO);
}

/// The response size limit of the clients of the huge-body tests.
const LIMIT: u64 = 64 * 1024;

#[tokio::test(start_paused = true)]
async fn a_body_over_the_limit_is_refused_by_its_length() {
    let blob = "x".repeat(1 << 20);
    let huge = json!({"preferences": {"BLOB": blob}});
    let server = always_on_new_server(PREFERENCES, respond(200, huge)).await;
    let client = client_of(&server.uri())
        .max_response_bytes(LIMIT)
        .build()
        .expect("the client builds");

    let (result, waited) = timed(client.admin().fetch_organisation_preference()).await;
    let error = failed(result);
    record("huge body with Content-Length", error.attempts(), waited);
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: LIMIT, .. }),
        "{error:?}"
    );
    assert_eq!(status(&error), Some(200));
    assert!(!error.is_retryable());
    assert_eq!(error.attempts(), 1);
    assert_eq!(received(&server).await.len(), 1);
    assert_eq!(waited, Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_chunked_body_over_the_limit_is_cut_off_while_read() {
    // 1 MiB in chunks of 16 KiB with no Content-Length, or less if the client hangs up first.
    let server = RawServer::start(|mut stream| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                    transfer-encoding: chunked\r\n\r\n";
        let size = 16 * 1024;
        let chunk = [
            format!("{size:x}\r\n").into_bytes(),
            vec![b' '; size],
            b"\r\n".to_vec(),
        ]
        .concat();
        if stream.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        for _ in 0..64 {
            if stream.write_all(&chunk).await.is_err() {
                return;
            }
        }
        let _ = stream.write_all(b"0\r\n\r\n").await;
    })
    .await;
    let client = client_of(&server.url)
        .max_response_bytes(LIMIT)
        .build()
        .expect("the client builds");

    let (result, waited) = timed(client.admin().fetch_organisation_preference()).await;
    let error = failed(result);
    record("huge chunked body", error.attempts(), waited);
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: LIMIT, .. }),
        "{error:?}"
    );
    assert_eq!(status(&error), Some(200));
    assert!(!error.is_retryable());
    assert_eq!(error.attempts(), 1);
    assert_eq!(server.requests(), 1);
    assert_eq!(waited, Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_body_in_many_chunks_is_put_together_and_decoded() {
    // The example body, sent in chunks of 7 bytes with a pause between them, with no
    // Content-Length: the client reads it in many pieces.
    let envelope = response_example(PREFERENCES, "get", "200").to_string();
    let body = envelope.clone();
    let server = RawServer::start(move |mut stream| {
        let body = body.clone();
        async move {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                        transfer-encoding: chunked\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            for piece in body.as_bytes().chunks(7) {
                let chunk = [
                    format!("{:x}\r\n", piece.len()).into_bytes(),
                    piece.to_vec(),
                    b"\r\n".to_vec(),
                ]
                .concat();
                if stream.write_all(&chunk).await.is_err() || stream.flush().await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            let _ = stream.write_all(b"0\r\n\r\n").await;
        }
    })
    .await;
    let client = client(&server.url);

    let response = succeeded(client.admin().fetch_organisation_preference().await);
    let expected: Value = serde_json::from_str(&envelope).expect("the example is JSON");
    assert_eq!(
        serde_json::to_value(response.data()).expect("the data encodes"),
        expected
    );
    assert_eq!(server.requests(), 1);
}

// Connections

#[tokio::test(start_paused = true)]
async fn a_connection_closed_before_any_response_is_retried_for_a_get_only() {
    let server = RawServer::start(|stream| async move { drop(stream) }).await;
    let client = client(&server.url);

    let (result, waited) = timed(client.admin().fetch_organisation_preference()).await;
    let error = failed(result);
    record("connection closed, GET", error.attempts(), waited);
    assert!(
        matches!(error, Error::Transport { sent: true, .. }),
        "{error:?}"
    );
    assert_eq!(error.attempts(), 3);
    assert_eq!(server.requests(), 3);
    assert_backoff(waited, 2);

    // The PUT may have been applied: without an idempotency key it is not sent again.
    let (result, waited) = timed(client.auth().login(login_request())).await;
    let error = failed(result);
    record(
        "connection closed, PUT without a key",
        error.attempts(),
        waited,
    );
    assert!(
        matches!(error, Error::Transport { sent: true, .. }),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert_eq!(error.attempts(), 1);
    assert_eq!(server.requests(), 3 + 1);
    assert_eq!(waited, Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_refused_connection_is_retried_even_for_a_put_without_a_key() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port on 127.0.0.1");
    let client = client(&format!("http://127.0.0.1:{port}"));

    // Nothing reached a server, so even a PUT without an idempotency key is safe to send again.
    let (result, waited) = timed(client.auth().login(login_request())).await;
    let error = failed(result);
    record(
        "connection refused, PUT without a key",
        error.attempts(),
        waited,
    );
    assert!(
        matches!(error, Error::Transport { sent: false, .. }),
        "{error:?}"
    );
    assert_eq!(error.attempts(), 3);
    assert_backoff(waited, 2);

    let (result, waited) = timed(client.admin().fetch_organisation_preference()).await;
    let error = failed(result);
    record("connection refused, GET", error.attempts(), waited);
    assert!(
        matches!(error, Error::Transport { sent: false, .. }),
        "{error:?}"
    );
    assert_eq!(error.attempts(), 3);
    assert_backoff(waited, 2);
}

#[tokio::test(start_paused = true)]
async fn a_response_that_stalls_past_the_timeout_times_out_and_is_retried() {
    // Reads the request and never answers; the connection ends when the client gives up.
    let server = RawServer::start(|mut stream| async move {
        let _ = stream.read(&mut [0; 1]).await;
    })
    .await;
    let source = ClockHeldUntilArrival {
        arrivals: server.arrivals.clone(),
    };
    let client = client_of(&server.url)
        .credential(
            &fincode::security::X_AUTH_TOKEN,
            Credential::token_source(source),
        )
        .build()
        .expect("the client builds");
    let timeout = Duration::from_secs(2);

    let call = client
        .admin()
        .fetch_organisation_preference()
        .options(RequestOptions::new().timeout(timeout));
    let (result, waited) = timed(call).await;
    let error = failed(result);
    record("stalled response", error.attempts(), waited);
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(error.attempts(), 3);
    assert_eq!(server.requests(), 3);
    // Three timeouts and two backoffs.
    assert!(waited >= 3 * timeout, "waited {waited:?}");
    assert_backoff(waited - 3 * timeout, 2);
}

#[tokio::test(start_paused = true)]
async fn a_truncated_body_is_a_transport_error_and_retried() {
    // Promises 200 bytes, sends 21 and closes the connection.
    let server = RawServer::start(|mut stream| async move {
        let response = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                        content-length: 200\r\n\r\n{\"success\": true, \"da";
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
    let client = client(&server.url);

    let (result, waited) = timed(client.admin().fetch_organisation_preference()).await;
    let error = failed(result);
    record("truncated body", error.attempts(), waited);
    assert!(
        matches!(error, Error::Transport { sent: true, .. }),
        "{error:?}"
    );
    assert_eq!(error.attempts(), 3);
    assert_eq!(server.requests(), 3);
    assert_backoff(waited, 2);
}

// Writes and idempotency keys

/// The idempotency key of each request `server` received, and whether all their bodies are the
/// same bytes.
async fn keys_and_bodies(server: &MockServer) -> (Vec<String>, bool) {
    let requests = received(server).await;
    let keys = requests
        .iter()
        .map(|r| {
            header(r, "x-idempotency-key")
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    let same = requests.windows(2).all(|pair| pair[0].body == pair[1].body);
    (keys, same)
}

/// The one key in `keys`, a UUID v4.
fn one_uuid_v4(keys: &[String]) -> String {
    let first = keys.first().expect("a request").clone();
    assert!(
        keys.iter().all(|key| *key == first),
        "keys differ: {keys:?}"
    );
    assert!(is_uuid_v4(&first), "`{first}` is not a UUID v4");
    first
}

/// Whether `text` is a hyphenated UUID of version 4 (random) and the RFC 4122 variant.
fn is_uuid_v4(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|group| group.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|group| group.chars().all(|c| c.is_ascii_hexdigit()))
        && groups[2].starts_with('4')
        && groups[3].starts_with(['8', '9', 'a', 'b', 'A', 'B'])
}

#[tokio::test(start_paused = true)]
async fn a_keyed_post_is_retried_with_the_same_key_and_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(CREATE_TRANSACTION))
        .respond_with(unavailable())
        .up_to_n_times(2)
        .mount(&server)
        .await;
    let created = response_example(CREATE_TRANSACTION, "post", "200");
    Mock::given(method("POST"))
        .and(path(CREATE_TRANSACTION))
        .respond_with(respond(200, created))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let example = request_example(CREATE_TRANSACTION, "post", "application/json");
    let body: CreateTransactionRequest =
        serde_json::from_value(example.clone()).expect("the spec's example is a request");
    let create = || {
        client
            .remittance()
            .create_transaction("203.0.113.7", "4321", body.clone())
    };

    let (result, waited) = timed(create()).await;
    let response = succeeded(result);
    record("POST with a key, 503 twice", response.attempts(), waited);
    assert_eq!(response.attempts(), 3);
    assert_backoff(waited, 2);
    let (keys, same_bodies) = keys_and_bodies(&server).await;
    assert_eq!(keys.len(), 3);
    let generated = one_uuid_v4(&keys);
    assert!(same_bodies, "the bodies differ between attempts");
    let sent: Value =
        serde_json::from_slice(&received(&server).await[0].body).expect("a JSON body");
    assert_eq!(sent, example);

    // A key given by the caller is sent on every attempt.
    server.reset().await;
    always(&server, CREATE_TRANSACTION, unavailable()).await;
    let (result, _) = timed(create().x_idempotency_key("order-42")).await;
    assert_eq!(failed(result).attempts(), 3);
    let (keys, same_bodies) = keys_and_bodies(&server).await;
    assert_eq!(keys, ["order-42"; 3]);
    assert!(same_bodies, "the bodies differ between attempts");

    // Another call has another key.
    server.reset().await;
    always(&server, CREATE_TRANSACTION, unavailable()).await;
    let (result, _) = timed(create()).await;
    assert_eq!(failed(result).attempts(), 3);
    let (keys, _) = keys_and_bodies(&server).await;
    assert_ne!(one_uuid_v4(&keys), generated, "two calls share a key");
}

#[tokio::test(start_paused = true)]
async fn a_keyed_put_is_retried_with_the_same_key() {
    let route = LOAN_OFFER.replace("{loan-application-id}", "LA-1");
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(route.as_str()))
        .respond_with(unavailable())
        .up_to_n_times(2)
        .mount(&server)
        .await;
    let updated = response_example(LOAN_OFFER, "put", "200");
    Mock::given(method("PUT"))
        .and(path(route.as_str()))
        .respond_with(respond(200, updated))
        .mount(&server)
        .await;
    let client = client(&server.uri());

    let call = client.lending().respond_to_loan_offer(
        "LA-1",
        time::macros::datetime!(2024-01-15 10:30:00 UTC),
        "203.0.113.7",
        "interaction-1",
        true,
    );
    let (result, waited) = timed(call).await;
    let response = succeeded(result);
    record("PUT with a key, 503 twice", response.attempts(), waited);
    assert_eq!(response.attempts(), 3);
    assert_backoff(waited, 2);
    let (keys, same_bodies) = keys_and_bodies(&server).await;
    assert_eq!(keys.len(), 3);
    one_uuid_v4(&keys);
    assert!(same_bodies, "the bodies differ between attempts");
}

#[tokio::test(start_paused = true)]
async fn a_put_without_a_key_is_not_retried_after_a_503() {
    let server = always_on_new_server(LOGIN, unavailable()).await;
    let client = client(&server.uri());

    let (result, waited) = timed(client.auth().login(login_request())).await;
    let error = failed(result);
    record("PUT without a key, 503", error.attempts(), waited);
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(status(&error), Some(503));
    assert!(error.is_retryable());
    assert_eq!(error.attempts(), 1);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(header(&requests[0], "x-idempotency-key"), None);
    assert_eq!(waited, Duration::ZERO);
}

// Retry policies

#[tokio::test(start_paused = true)]
async fn retry_policies_of_the_client_and_of_one_call() {
    let server = always_on_new_server(PREFERENCES, unavailable()).await;

    // A call that turns retries off, on a client with the default policy.
    let client = client(&server.uri());
    let call = client
        .admin()
        .fetch_organisation_preference()
        .options(RequestOptions::new().retry_policy(RetryPolicy::none()));
    let (result, waited) = timed(call).await;
    let error = failed(result);
    record("RetryPolicy::none() for one call", error.attempts(), waited);
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(error.attempts(), 1);
    assert_eq!(received(&server).await.len(), 1);
    assert_eq!(waited, Duration::ZERO);

    // A client without retries.
    let client = client_of(&server.uri())
        .retry_policy(RetryPolicy::default().max_retries(0))
        .build()
        .expect("the client builds");
    let (result, waited) = timed(client.admin().fetch_organisation_preference()).await;
    let error = failed(result);
    record("client with max_retries(0)", error.attempts(), waited);
    assert_eq!(error.attempts(), 1);
    assert_eq!(received(&server).await.len(), 1 + 1);
    assert_eq!(waited, Duration::ZERO);

    // A call with 4 retries on that client: the backoff doubles each time.
    let policy = RetryPolicy::default().max_retries(4);
    let call = client
        .admin()
        .fetch_organisation_preference()
        .options(RequestOptions::new().retry_policy(policy));
    let (result, waited) = timed(call).await;
    let error = failed(result);
    record("max_retries(4) for one call", error.attempts(), waited);
    assert_eq!(error.attempts(), 5);
    assert_eq!(received(&server).await.len(), 1 + 1 + 5);
    assert_backoff(waited, 4);
}
