//! The generated `fincode` client against a real HTTP server on 127.0.0.1 (wiremock).
//!
//! For one operation of every tag, the request the client sends (method, URL, headers, body) is
//! what `spec/fincode.yaml` says, and the spec's example response comes back as the right type.
//! Then the error envelope with each of the seven error codes and the responses that are not the
//! envelope, calls whose credentials are missing, and secrets that must not print.
//!
//! Request bodies and responses are the spec's own examples, read from `spec/fincode.yaml`, so
//! these tests follow the spec when it changes.

use fincode::types::{
    CallQuoteRequest, KycDocumentType, LoanRequest, LoanTransferFundsRequest, LoanTransferResult,
    LoginRequest, PaymentMethodType, ProcessCardPaymentRequest, RefreshTokenRequest,
    RegisterCustomerRequest, RemittanceTransactionType, SonghaiCreateTransactionRequest,
    SonghaiQuoteRequest, SonghaiTokenRequest, SonghaiTokenRequestGrantType, SonghaiTransactionType,
    SubmitKycDocumentsRequest, ValidateBankAccountRequest,
};
use fincode::{Client, Error, ErrorCode};
use fincode_tests::examples::{operation, request_example, response_example};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The `X-Auth-Token` every test client holds.
const TOKEN: &str = "x-auth-token-of-the-tests";
/// The Songhai Exchange bearer token every test client holds.
const SONGHAI_TOKEN: &str = "songhai-token-of-the-tests";
/// The `metadata.request_id` of the spec's success examples.
const SUCCESS_REQUEST_ID: &str = "3b241101-e2bb-4255-8caf-4136c566a962";
/// The `metadata.request_id` of the spec's error examples.
const ERROR_REQUEST_ID: &str = "7f1c0a52-3d5e-4a8b-9c1d-2e3f4a5b6c7d";

// Clients and responses

/// A client of `server` holding both tokens: any token an operation must not send is at hand.
fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .x_auth_token(TOKEN)
        .songhai_oauth(SONGHAI_TOKEN)
        .build()
        .expect("the client builds")
}

/// A client of `server` with no credential at all.
fn client_without_credentials(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .build()
        .expect("the client builds")
}

fn respond(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// The error envelope `{success: false, error: {code, message, field, details}, metadata}`.
fn error_envelope(code: &str, message: &str, field: Option<&str>, details: Value) -> Value {
    json!({
        "success": false,
        "error": {"code": code, "message": message, "field": field, "details": details},
        "metadata": {
            "request_id": ERROR_REQUEST_ID,
            "timestamp": "2024-01-15T10:30:00Z",
            "processing_time_ms": 4,
        },
    })
}

// What the server received

async fn received(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("wiremock records requests")
}

fn describe(requests: &[Request]) -> String {
    if requests.is_empty() {
        return "nothing".to_owned();
    }
    let describe = |r: &Request| {
        let headers: Vec<String> = r
            .headers
            .iter()
            .map(|(name, value)| format!("  {name}: {}", value.to_str().unwrap_or("<binary>")))
            .collect();
        let body = String::from_utf8_lossy(&r.body);
        format!("{} {}\n{}\n{body}", r.method, r.url, headers.join("\n"))
    };
    requests
        .iter()
        .map(describe)
        .collect::<Vec<_>>()
        .join("\n---\n")
}

/// The result of a call that must succeed; on failure, says what the server received.
async fn ok<T>(result: fincode::Result<T>, server: &MockServer) -> T {
    match result {
        Ok(value) => value,
        Err(error) => panic!(
            "the call failed: {error}\n{error:?}\nthe server received:\n{}",
            describe(&received(server).await)
        ),
    }
}

/// The one request the server received.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = received(server).await;
    assert_eq!(
        requests.len(),
        1,
        "the server received:\n{}",
        describe(&requests)
    );
    requests.remove(0)
}

fn header_value<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

fn assert_no_header(request: &Request, name: &str) {
    assert_eq!(
        header_value(request, name),
        None,
        "`{name}` must not be sent; the request was:\n{}",
        describe(std::slice::from_ref(request))
    );
}

/// The headers of every FinCode (not Songhai) operation, at their spec defaults.
fn fincode_headers() -> impl Fn(&Request) -> bool + Send + Sync {
    |request| {
        header_value(request, "platform") == Some("fincode")
            && header_value(request, "uuid") == Some("200")
    }
}

/// A JSON body equal to `expected`; numbers compare by value (`6` and `6.0` are one number).
fn json_body(expected: Value) -> impl Fn(&Request) -> bool + Send + Sync {
    let expected = numbers_by_value(&expected);
    move |request| {
        let is_json = header_value(request, "content-type") == Some("application/json");
        let body = serde_json::from_slice::<Value>(&request.body);
        is_json && body.is_ok_and(|body| numbers_by_value(&body) == expected)
    }
}

fn numbers_by_value(value: &Value) -> Value {
    match value {
        Value::Number(n) => n.as_f64().map_or(Value::Null, Value::from),
        Value::Array(items) => items.iter().map(numbers_by_value).collect(),
        Value::Object(members) => members
            .iter()
            .map(|(k, v)| (k.clone(), numbers_by_value(v)))
            .collect(),
        other => other.clone(),
    }
}

/// The pairs of an `application/x-www-form-urlencoded` body, sorted.
fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    fn decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                    match u8::from_str_radix(hex, 16) {
                        Ok(byte) => {
                            out.push(byte);
                            i += 2;
                        }
                        Err(_) => out.push(b'%'),
                    }
                }
                byte => out.push(byte),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    let text = String::from_utf8_lossy(body);
    let mut pairs: Vec<(String, String)> = text
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect();
    pairs.sort();
    pairs
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, PartialEq)]
struct FormPart {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

/// The parts of a `multipart/form-data` body (RFC 7578), sorted by name.
fn multipart_parts(body: &[u8], boundary: &str) -> Vec<FormPart> {
    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }
    fn parameter(disposition: &str, name: &str) -> Option<String> {
        disposition.split(';').find_map(|item| {
            let value = item.trim().strip_prefix(name)?.strip_prefix('=')?;
            Some(value.trim_matches('"').to_owned())
        })
    }
    let delimiter = format!("\r\n--{boundary}");
    // The first delimiter has no CRLF before it.
    let mut rest = body
        .strip_prefix(format!("--{boundary}").as_bytes())
        .unwrap_or_else(|| panic!("the body does not start with the boundary `{boundary}`"));
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            assert_eq!(rest, b"--\r\n", "the close delimiter ends the body");
            break;
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .expect("a CRLF follows the boundary");
        let end = find(rest, delimiter.as_bytes()).expect("the part ends with a delimiter");
        let (part, after) = rest.split_at(end);
        rest = &after[delimiter.len()..];
        let split = find(part, b"\r\n\r\n").expect("the part has headers");
        let headers = String::from_utf8_lossy(&part[..split]);
        let header = |wanted: &str| {
            headers.lines().find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case(wanted)
                    .then(|| value.trim().to_owned())
            })
        };
        let disposition =
            header("content-disposition").expect("the part has a content-disposition");
        assert!(
            disposition.starts_with("form-data"),
            "not form-data: {disposition}"
        );
        parts.push(FormPart {
            name: parameter(&disposition, "name").expect("the part has a name"),
            file_name: parameter(&disposition, "filename"),
            content_type: header("content-type"),
            bytes: part[split + 4..].to_vec(),
        });
    }
    parts.sort_by(|a, b| a.name.cmp(&b.name));
    parts
}

fn decimal(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

// One operation of every tag

#[tokio::test]
async fn auth_login_sends_the_credentials_and_no_access_token() {
    const PATH: &str = "/securitymanagement/login";
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(PATH))
        .and(fincode_headers())
        .and(json_body(request_example(PATH, "put", "application/json")))
        .respond_with(respond(200, response_example(PATH, "put", "200")))
        .expect(1)
        .mount(&server)
        .await;

    let login = LoginRequest::new("manager@yourcompany.com", "Password@1");
    let response = ok(client(&server).auth().login(login).await, &server).await;

    // `security: []`: the client holds both tokens, and must send neither.
    let sent = only_request(&server).await;
    assert_no_header(&sent, "x-auth-token");
    assert_no_header(&sent, "authorization");
    let tokens = response.data();
    assert_eq!(
        tokens.access_token,
        "eyJhbGciOiJSUzI1NiJ9.eyJyb2xlcyI6WyJNQU5BR0VSIl19.c2lnbmF0dXJl"
    );
    assert_eq!(tokens.refresh_token, "9b2f7c1e-5a4d-4e8b-8f3a-1c2d3e4f5a6b");
    assert_eq!(tokens.country_iso_code3.as_deref(), Some("GBR"));
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.request_id(), Some(SUCCESS_REQUEST_ID));
    assert_eq!(response.processing_time_ms(), Some(85));
}

#[tokio::test]
async fn auth_refresh_token_sends_no_access_token() {
    const PATH: &str = "/securitymanagement/refresh-token";
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(PATH))
        .and(fincode_headers())
        .and(json_body(request_example(PATH, "put", "application/json")))
        .respond_with(respond(200, response_example(PATH, "put", "200")))
        .expect(1)
        .mount(&server)
        .await;

    let refresh = RefreshTokenRequest::new("9b2f7c1e-5a4d-4e8b-8f3a-1c2d3e4f5a6b");
    let response = ok(client(&server).auth().refresh_token(refresh).await, &server).await;

    assert_no_header(&only_request(&server).await, "x-auth-token");
    assert_eq!(
        response.data().refresh_token,
        "0c3e8d2f-6b5e-4f9c-9a4b-2d3e4f5a6b7c"
    );
    assert_eq!(response.data().country_iso_code3, None);
    assert_eq!(response.processing_time_ms(), Some(31));
}

#[tokio::test]
async fn admin_fetch_organisation_preference_sends_the_optional_token_when_it_has_one() {
    const PATH: &str = "/admin/organisation-preference-management/fetch-organisaction-preference";
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PATH))
        .and(fincode_headers())
        .respond_with(respond(200, response_example(PATH, "get", "200")))
        .expect(2)
        .mount(&server)
        .await;

    // `security: [{XAuthToken: []}, {}]`: with a token, and anonymously.
    let with_token = client(&server)
        .admin()
        .fetch_organisation_preference()
        .await;
    let with_token = ok(with_token, &server).await;
    let without = client_without_credentials(&server)
        .admin()
        .fetch_organisation_preference()
        .await;
    let without = ok(without, &server).await;

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2, "{}", describe(&requests));
    assert_eq!(header_value(&requests[0], "x-auth-token"), Some(TOKEN));
    assert_no_header(&requests[1], "x-auth-token");
    assert!(requests[0].body.is_empty(), "a GET without a request body");
    for response in [with_token, without] {
        assert_eq!(
            response.data().preferences.get("MAX_TRANSACTION_LIMIT"),
            Some(&json!("5000"))
        );
        // The body is `{preferences}`, as the page's axios example reads it: no envelope, so no metadata.
        assert_eq!(response.request_id(), None);
        assert_eq!(response.processing_time_ms(), None);
    }
}

#[tokio::test]
async fn customers_register_customer_sends_the_example_and_no_access_token() {
    const PATH: &str = "/usermanagement/register-customer";
    let server = MockServer::start().await;
    let example = request_example(PATH, "post", "application/json");
    Mock::given(method("POST"))
        .and(path(PATH))
        .and(fincode_headers())
        .and(json_body(example.clone()))
        .respond_with(respond(200, response_example(PATH, "post", "200")))
        .expect(1)
        .mount(&server)
        .await;

    let customer: RegisterCustomerRequest =
        serde_json::from_value(example).expect("the spec's example is a RegisterCustomerRequest");
    let response = ok(
        client(&server)
            .customers()
            .register_customer(customer)
            .await,
        &server,
    )
    .await;

    assert_no_header(&only_request(&server).await, "x-auth-token");
    assert!(response.data().is_empty(), "{:?}", response.data());
    assert_eq!(response.request_id(), Some(SUCCESS_REQUEST_ID));
    assert_eq!(response.processing_time_ms(), Some(210));
}

/// A PDF: bytes that are not UTF-8, and a line that looks like a delimiter.
const PDF: &[u8] = b"%PDF-1.4\n\x00\x9f\xff\xfe\r\n--not-the-boundary\r\n%%EOF\n";

/// Submits `PDF` as a passport of `CUST123456`; the parts the server received, and the response.
async fn submit_kyc_document() -> (
    Vec<FormPart>,
    fincode::Response<std::collections::BTreeMap<String, Value>>,
) {
    const PATH: &str = "/documentmanagement/attach-documents/";
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .and(fincode_headers())
        .and(header("x-auth-token", TOKEN))
        .respond_with(respond(200, response_example(PATH, "post", "200")))
        .expect(1)
        .mount(&server)
        .await;

    let document =
        SubmitKycDocumentsRequest::new("CUST123456", KycDocumentType::Passport, PDF.to_vec())
            .kyc_rule_id("KYC-RULE-7");
    let response = ok(
        client(&server)
            .compliance()
            .submit_kyc_documents(document)
            .await,
        &server,
    )
    .await;

    let sent = only_request(&server).await;
    let content_type = header_value(&sent, "content-type").unwrap_or_default();
    let boundary = content_type
        .strip_prefix("multipart/form-data;")
        .and_then(|parameters| parameters.trim().strip_prefix("boundary="))
        .unwrap_or_else(|| panic!("not multipart/form-data with a boundary: `{content_type}`"));
    let parts = multipart_parts(&sent.body, boundary.trim_matches('"'));
    (parts, response)
}

#[tokio::test]
async fn compliance_submit_kyc_documents_sends_multipart_form_data() {
    let (parts, response) = submit_kyc_document().await;

    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["customerCode", "document", "documentType", "kycRuleId"]
    );
    let text = |name: &str| {
        let part = parts.iter().find(|p| p.name == name);
        part.map(|p| (p.file_name.is_some(), String::from_utf8_lossy(&p.bytes)))
    };
    assert_eq!(text("customerCode"), Some((false, "CUST123456".into())));
    assert_eq!(text("documentType"), Some((false, "PASSPORT".into())));
    assert_eq!(text("kycRuleId"), Some((false, "KYC-RULE-7".into())));
    let file = parts
        .iter()
        .find(|p| p.name == "document")
        .expect("a document part");
    assert!(
        file.file_name.is_some(),
        "the document is sent as a file: {file:?}"
    );
    assert_eq!(file.bytes, PDF, "the file's bytes, unchanged");

    // `{status, message, data}`.
    assert!(response.data().is_empty(), "{:?}", response.data());
    assert_eq!(response.message(), Some("Document submitted successfully"));
    assert_eq!(response.processing_time_ms(), None);
}

#[tokio::test]
async fn compliance_submit_kyc_documents_labels_the_document_with_a_content_type_of_the_spec() {
    // `encoding: {document: {contentType: application/pdf, image/jpeg, image/png}}`; a part
    // without a Content-Type is `text/plain` (RFC 7578, section 4.4).
    let encoding = &operation("/documentmanagement/attach-documents/", "post")["requestBody"]
        ["content"]["multipart/form-data"]["encoding"]["document"]["contentType"];
    let allowed: Vec<&str> = encoding
        .as_str()
        .expect("the spec lists the document's content types")
        .split(',')
        .map(str::trim)
        .collect();
    assert_eq!(allowed, ["application/pdf", "image/jpeg", "image/png"]);

    let (parts, _) = submit_kyc_document().await;

    let file = parts
        .iter()
        .find(|p| p.name == "document")
        .expect("a document part");
    let content_type = file.content_type.as_deref();
    assert!(
        content_type.is_some_and(|t| allowed.contains(&t)),
        "the document part's Content-Type is {content_type:?} (none means text/plain), \
         not one of {allowed:?}; its file name is {:?}",
        file.file_name
    );
}

#[tokio::test]
async fn remittance_call_quote_sends_the_example_with_exact_decimals() {
    const PATH: &str = "/quote/callQuote";
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .and(fincode_headers())
        .and(header("x-auth-token", TOKEN))
        .and(json_body(request_example(PATH, "post", "application/json")))
        .respond_with(respond(200, response_example(PATH, "post", "200")))
        .expect(1)
        .mount(&server)
        .await;

    let quote = CallQuoteRequest::new()
        .principal_amount(decimal("7.000"))
        .principal_amount_currency("GBP")
        .derive_amount_currency("NGN")
        .inverse_calculation(false)
        .payment_type(PaymentMethodType::OnlineCardPayment)
        .charge_category("MONEYTRANSFER")
        .transaction_type(RemittanceTransactionType::Accountpayment)
        .destination_country("NGA")
        .trade_originating_country("GBR")
        .conversion(true);
    let response = ok(
        client(&server).remittance().call_quote(quote).await,
        &server,
    )
    .await;

    // `principalAmount` is a decimal string in the spec: `"7.000"`, not `7.0` nor `"7"`.
    let sent = only_request(&server).await;
    let body: Value = sent.body_json().expect("a JSON body");
    assert_eq!(body["principalAmount"], json!("7.000"));
    // The Songhai bearer token is not for FinCode calls.
    assert_no_header(&sent, "authorization");
    assert!(response.data().is_empty(), "{:?}", response.data());
    assert_eq!(response.request_id(), Some(SUCCESS_REQUEST_ID));
    assert_eq!(response.processing_time_ms(), Some(58));
}

#[tokio::test]
async fn remittance_validate_bank_account_sends_a_get_with_a_json_body() {
    const PATH: &str = "/usermanagement/validate-bank-account";
    let server = MockServer::start().await;
    // The `SandboxBankAccount` example: 8883633074 at bank 044.
    let example = request_example(PATH, "get", "application/json");
    assert_eq!(example["accountNumber"], "8883633074");
    Mock::given(method("GET"))
        .and(path(PATH))
        .and(fincode_headers())
        .and(header("x-auth-token", TOKEN))
        .and(json_body(example))
        .respond_with(respond(200, response_example(PATH, "get", "200")))
        .expect(1)
        .mount(&server)
        .await;

    let account = ValidateBankAccountRequest::new(
        "044",
        RemittanceTransactionType::Accountpayment,
        "8883633074",
        "NGA",
        "NGN",
    );
    let response = ok(
        client(&server)
            .remittance()
            .validate_bank_account(account)
            .await,
        &server,
    )
    .await;

    assert_eq!(
        response.data().account_name.as_deref(),
        Some("VICTOR ADEBIYI")
    );
    assert_eq!(response.request_id(), Some(SUCCESS_REQUEST_ID));
    assert_eq!(response.processing_time_ms(), Some(730));
}

#[tokio::test]
async fn payments_process_card_payment_sends_the_sandbox_card() {
    const PATH: &str = "/paymentmanagement/process-card-payment";
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .and(fincode_headers())
        .and(header("x-auth-token", TOKEN))
        .and(json_body(request_example(PATH, "post", "application/json")))
        .respond_with(respond(200, response_example(PATH, "post", "200")))
        .expect(1)
        .mount(&server)
        .await;

    let card = ProcessCardPaymentRequest::new(
        "GBP",
        "4111111111111111",
        "12/2027",
        "123",
        "purchase",
        decimal("150.00"),
    )
    .pcn("PCN12345");
    let response = ok(
        client(&server).payments().process_card_payment(card).await,
        &server,
    )
    .await;

    // The page shows no response body: the whole body is the untyped result, with no metadata.
    assert_eq!(
        response.data().get("status"),
        Some(&json!("SUCCESS")),
        "{:?}",
        response.data()
    );
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.processing_time_ms(), None);
}

#[tokio::test]
async fn ledger_get_account_balance_percent_encodes_the_path_and_sends_the_fapi_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/ledger/account-balance/ACC%201001%2Fx"))
        .and(fincode_headers())
        .and(header("x-auth-token", TOKEN))
        .and(header("x-fapi-auth-date", "2024-01-15T10:30:00Z"))
        .and(header("x-fapi-customer-ip-address", "192.168.1.1"))
        .and(header("x-fapi-interaction-id", "interaction-12345"))
        .respond_with(respond(
            200,
            response_example("/ledger/account-balance/{accountId}", "get", "200"),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let balance = client.ledger().get_account_balance(
        "ACC 1001/x",
        time::macros::datetime!(2024-01-15 10:30:00 UTC),
        "192.168.1.1",
        "interaction-12345",
    );
    let response = ok(balance.await, &server).await;

    let sent = only_request(&server).await;
    assert_eq!(sent.url.path(), "/ledger/account-balance/ACC%201001%2Fx");
    assert_eq!(sent.url.query(), None);
    assert!(response.data().is_empty(), "{:?}", response.data());
    // The ledger page's example reuses this request id.
    assert_eq!(
        response.request_id(),
        Some("7f1c0a52-3d5e-4a8b-9c1d-2e3f4a5b6c7d")
    );
    assert_eq!(response.processing_time_ms(), Some(18));
}

#[tokio::test]
async fn lending_request_loan_goes_to_the_base_url_and_sends_the_example() {
    const PATH: &str = "/user/request-loan";
    let server = MockServer::start().await;
    let example = request_example(PATH, "post", "application/json");
    Mock::given(method("POST"))
        .and(path("/api/v1/services/user/request-loan"))
        .and(fincode_headers())
        .and(header("x-auth-token", TOKEN))
        .and(header("x-idempotency-key", "unique-key-12345"))
        .and(header("x-fapi-auth-date", "2024-01-15T10:30:00Z"))
        .and(header("x-fapi-customer-ip-address", "192.168.1.1"))
        .and(header("x-fapi-interaction-id", "interaction-12345"))
        .and(json_body(example.clone()))
        .respond_with(respond(200, response_example(PATH, "post", "200")))
        .expect(1)
        .mount(&server)
        .await;

    // The path has servers of its own; a base URL replaces them, prefix included.
    let client = Client::builder()
        .base_url(format!("{}/api/v1/services/", server.uri()))
        .x_auth_token(TOKEN)
        .build()
        .expect("the client builds");
    let mut loan: LoanRequest =
        serde_json::from_value(example).expect("the spec's example is a LoanRequest");
    // Money keeps its digits: the example's `150000.00` and `250000.00`, not `150000.0`.
    loan.loan_amount = Some(decimal("150000.00"));
    loan.monthly_income = Some(decimal("250000.00"));
    let request = client
        .lending()
        .request_loan(
            time::macros::datetime!(2024-01-15 10:30:00 UTC),
            "192.168.1.1",
            "interaction-12345",
            loan,
        )
        .x_idempotency_key("unique-key-12345");
    let response = ok(request.await, &server).await;

    // `loanAmount` and `monthlyIncome` are decimal numbers, sent digit for digit.
    let sent = only_request(&server).await;
    let text = String::from_utf8_lossy(&sent.body);
    assert!(text.contains(r#""loanAmount":150000.00"#), "{text}");
    assert!(text.contains(r#""monthlyIncome":250000.00"#), "{text}");
    assert!(response.data().is_empty(), "{:?}", response.data());
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn investment_get_investment_quote_goes_to_the_base_url_with_both_path_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/quote/get-quote/123e4567-e89b-12d3-a456-426614174000/10",
        ))
        .and(fincode_headers())
        .and(header("x-auth-token", TOKEN))
        .and(header("x-idempotency-key", "unique-key-12345"))
        .and(header("x-fapi-auth-date", "2024-01-15T10:30:00Z"))
        .and(header("x-fapi-customer-ip-address", "192.168.1.1"))
        .and(header("x-fapi-interaction-id", "interaction-12345"))
        .respond_with(respond(
            200,
            response_example(
                "/quote/get-quote/{product-id}/{number-of-units-to-purchase}",
                "get",
                "200",
            ),
        ))
        .expect(1)
        .mount(&server)
        .await;

    // The spec's examples: product `123e4567-e89b-12d3-a456-426614174000`, `10` units.
    let client = client(&server);
    let quote = client
        .investment()
        .get_investment_quote(
            "123e4567-e89b-12d3-a456-426614174000",
            10.0,
            time::macros::datetime!(2024-01-15 10:30:00 UTC),
            "192.168.1.1",
            "interaction-12345",
        )
        .x_idempotency_key("unique-key-12345");
    let response = ok(quote.await, &server).await;

    assert!(response.data().is_empty(), "{:?}", response.data());
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn songhai_generate_token_sends_a_form_and_no_fincode_headers() {
    const PATH: &str = "/oauth/token";
    const FORM: &str = "application/x-www-form-urlencoded";
    let server = MockServer::start().await;
    let example = request_example(PATH, "post", FORM);
    let mut expected: Vec<(String, String)> = example
        .as_object()
        .expect("the form example is an object")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
        .collect();
    expected.sort();
    Mock::given(method("POST"))
        .and(path(PATH))
        .and(header("content-type", FORM))
        .and(move |request: &Request| form_pairs(&request.body) == expected)
        .respond_with(respond(200, response_example(PATH, "post", "200")))
        .expect(1)
        .mount(&server)
        .await;

    let form = SonghaiTokenRequest::new()
        .username("partner@example.com")
        .password("Password@1")
        .grant_type(SonghaiTokenRequestGrantType::Password);
    let response = ok(
        client(&server).songhai().generate_songhai_token(form).await,
        &server,
    )
    .await;

    let sent = only_request(&server).await;
    assert_eq!(
        form_pairs(&sent.body),
        [
            ("grant_type".to_owned(), "password".to_owned()),
            ("password".to_owned(), "Password@1".to_owned()),
            ("username".to_owned(), "partner@example.com".to_owned()),
        ]
    );
    // `security: []` and no `platform` or `uuid` on Songhai paths.
    for name in ["x-auth-token", "authorization", "platform", "uuid"] {
        assert_no_header(&sent, name);
    }
    // A flat OAuth2 token response: no envelope.
    let token = response.data();
    assert_eq!(
        token.access_token.as_deref(),
        Some("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwYXJ0bmVyIn0.c2lnbmF0dXJl")
    );
    assert_eq!(token.token_type.as_deref(), Some("bearer"));
    assert_eq!(token.expires_in, Some(3600));
    assert_eq!(response.request_id(), None);
    assert_eq!(response.processing_time_ms(), None);
}

#[tokio::test]
async fn songhai_create_transaction_sends_the_bearer_token_and_reads_an_array() {
    const PATH: &str = "/gateway/transaction/banktransfers";
    let server = MockServer::start().await;
    let example = request_example(PATH, "post", "application/json");
    Mock::given(method("POST"))
        .and(path(PATH))
        .and(header(
            "authorization",
            format!("Bearer {SONGHAI_TOKEN}").as_str(),
        ))
        .and(json_body(example.clone()))
        .respond_with(respond(200, response_example(PATH, "post", "200")))
        .expect(1)
        .mount(&server)
        .await;

    let transactions: SonghaiCreateTransactionRequest = serde_json::from_value(example)
        .expect("the spec's example is a SonghaiCreateTransactionRequest");
    let response = ok(
        client(&server)
            .songhai()
            .create_songhai_transaction(transactions)
            .await,
        &server,
    )
    .await;

    let sent = only_request(&server).await;
    for name in ["x-auth-token", "platform", "uuid"] {
        assert_no_header(&sent, name);
    }
    let results = response.data();
    assert_eq!(results.len(), 1);
    let result = &results[0];
    assert_eq!(result.reference_code.as_deref(), Some("PCN12345"));
    assert_eq!(result.status.as_deref(), Some("SUCCESS"));
    assert_eq!(result.pay_out_party_trans_id.as_deref(), Some("SHE-0001"));
    assert_eq!(result.msg_code.as_deref(), Some("00"));
    assert_eq!(result.new_account_created, Some(false));
    assert_eq!(result.inflow_request_resend_count, Some(0));
    assert_eq!(response.processing_time_ms(), None);
}

#[tokio::test]
async fn songhai_exchange_rate_reads_a_flat_object_with_exact_decimals() {
    const PATH: &str = "/gateway/quote";
    let server = MockServer::start().await;
    // The spec's example, as text: `1500.00` keeps its two decimals.
    let body = r#"{"walletAmount": 1500.00, "walletCurrency": "GHS", "transactionAmount": 100.00,
        "fxRate": 15.00, "fee": 2.50, "total_amount": 102.50}"#;
    Mock::given(method("POST"))
        .and(path(PATH))
        .and(header(
            "authorization",
            format!("Bearer {SONGHAI_TOKEN}").as_str(),
        ))
        .and(json_body(request_example(PATH, "post", "application/json")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let quote = SonghaiQuoteRequest::new()
        .destination_country("GHA")
        .from_currency("GBP")
        .mobile_operator("MTN")
        .transaction_amount_currency("GBP")
        .transaction_type(SonghaiTransactionType::MobileMoney);
    let response = ok(
        client(&server)
            .songhai()
            .get_songhai_exchange_rate(quote)
            .await,
        &server,
    )
    .await;

    let rate = response.data();
    let text = |d: Option<Decimal>| d.map(|d| d.to_string());
    assert_eq!(text(rate.wallet_amount).as_deref(), Some("1500.00"));
    assert_eq!(rate.wallet_currency.as_deref(), Some("GHS"));
    assert_eq!(text(rate.transaction_amount).as_deref(), Some("100.00"));
    assert_eq!(text(rate.fx_rate).as_deref(), Some("15.00"));
    assert_eq!(text(rate.fee).as_deref(), Some("2.50"));
    assert_eq!(text(rate.total_amount).as_deref(), Some("102.50"));
}

// The error envelope and the responses that are not it

/// Answers `call_quote` with the spec's `status` error example and checks the error.
async fn check_error_code(status: u16, code: ErrorCode, retryable: bool) {
    const PATH: &str = "/quote/callQuote";
    let server = MockServer::start().await;
    let envelope = response_example(PATH, "post", &status.to_string());
    assert_eq!(
        envelope["error"]["code"],
        code.as_str(),
        "the spec's example"
    );
    // `expect(1)`: a POST without an idempotency key is never retried.
    Mock::given(method("POST"))
        .and(path(PATH))
        .respond_with(respond(status, envelope.clone()))
        .expect(1)
        .mount(&server)
        .await;

    let result = client(&server)
        .remittance()
        .call_quote(CallQuoteRequest::new())
        .await;

    let error = result.expect_err("an error status is an error");
    let Error::Api(api) = &error else {
        panic!("not an api error: {error:?}");
    };
    assert_eq!(api.status.as_u16(), status);
    assert_eq!(api.code, Some(code));
    assert_eq!(
        Some(api.message.as_str()),
        envelope["error"]["message"].as_str()
    );
    assert_eq!(api.field.as_deref(), envelope["error"]["field"].as_str());
    assert_eq!(api.details, envelope["error"]["details"]);
    assert_eq!(api.request_id.as_deref(), Some(ERROR_REQUEST_ID));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    assert_eq!(error.request_id(), Some(ERROR_REQUEST_ID));
    assert_eq!(error.is_retryable(), retryable, "{error}");
}

#[tokio::test]
async fn error_401_is_auth_required() {
    check_error_code(401, ErrorCode::AuthRequired, false).await;
}

#[tokio::test]
async fn error_403_is_forbidden() {
    check_error_code(403, ErrorCode::Forbidden, false).await;
}

#[tokio::test]
async fn error_404_is_not_found() {
    check_error_code(404, ErrorCode::NotFound, false).await;
}

#[tokio::test]
async fn error_422_is_a_validation_error_naming_the_field() {
    check_error_code(422, ErrorCode::ValidationError, false).await;
}

#[tokio::test]
async fn error_429_is_rate_limit_exceeded_and_retryable() {
    check_error_code(429, ErrorCode::RateLimitExceeded, true).await;
}

#[tokio::test]
async fn error_500_is_a_server_error_and_retryable() {
    check_error_code(500, ErrorCode::ServerError, true).await;
}

#[tokio::test]
async fn error_503_is_service_unavailable_and_retryable() {
    check_error_code(503, ErrorCode::ServiceUnavailable, true).await;
}

/// `call_quote` answered by `response`, which must fail.
async fn call_quote_failing_with(response: ResponseTemplate) -> Error {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/quote/callQuote"))
        .respond_with(response)
        .expect(1)
        .mount(&server)
        .await;
    let result = client(&server)
        .remittance()
        .call_quote(CallQuoteRequest::new())
        .await;
    result.expect_err("the call fails")
}

#[tokio::test]
async fn an_unknown_error_code_is_kept() {
    let envelope = error_envelope(
        "INSUFFICIENT_FUNDS",
        "Balance too low",
        Some("principalAmount"),
        json!({"available": "3.50"}),
    );
    let error = call_quote_failing_with(respond(422, envelope)).await;

    let Error::Api(api) = &error else {
        panic!("not an api error: {error:?}");
    };
    assert_eq!(api.code, Some(ErrorCode::from("INSUFFICIENT_FUNDS")));
    assert_eq!(api.message, "Balance too low");
    assert_eq!(api.field.as_deref(), Some("principalAmount"));
    assert_eq!(api.details, json!({"available": "3.50"}));
    assert_eq!(error.request_id(), Some(ERROR_REQUEST_ID));
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn the_overview_error_example_code_is_an_unknown_code_kept_as_sent() {
    // The API Reference overview's error example uses `INVALID_REQUEST`, which is not one of the seven codes of its
    // error table: it decodes as an unknown code, kept as sent, not as an error of its own.
    let code: ErrorCode = serde_json::from_str(r#""INVALID_REQUEST""#).expect("any code decodes");
    assert_eq!(code, ErrorCode::from("INVALID_REQUEST"));
    assert_eq!(code.as_str(), "INVALID_REQUEST");
    assert_eq!(
        serde_json::to_string(&code).expect("serializes"),
        r#""INVALID_REQUEST""#
    );
    let known: ErrorCode = serde_json::from_str(r#""VALIDATION_ERROR""#).expect("decodes");
    assert_eq!(known, ErrorCode::ValidationError);
    // A known spelling is always its variant, however it is read; an unknown one is readable, never buildable.
    assert_eq!(
        ErrorCode::from("VALIDATION_ERROR"),
        ErrorCode::ValidationError
    );
    assert_eq!(
        "VALIDATION_ERROR".parse::<ErrorCode>(),
        Ok(ErrorCode::ValidationError)
    );
    match &code {
        ErrorCode::Unknown(value) => assert_eq!(value.as_str(), "INVALID_REQUEST"),
        other => panic!("a known code: {other:?}"),
    }
    assert_eq!(code.to_string(), "INVALID_REQUEST");

    let envelope = error_envelope(
        "INVALID_REQUEST",
        "The request is invalid",
        None,
        Value::Null,
    );
    let error = call_quote_failing_with(respond(400, envelope)).await;
    let Error::Api(api) = &error else {
        panic!("not an api error: {error:?}");
    };
    assert_eq!(api.code, Some(ErrorCode::from("INVALID_REQUEST")));
    assert_eq!(api.message, "The request is invalid");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
}

/// Decimal texts that a binary float would change: a tenth, trailing zeros, and more digits than an `f64` holds.
const EXACT_DECIMALS: [&str; 3] = ["0.1", "1000.00", "12345678901234567890.12"];

#[test]
fn decimal_numbers_round_trip_through_the_generated_types_unchanged() {
    for text in EXACT_DECIMALS {
        // `LoanTransferFundsRequest.amount` is `type: number, format: decimal` and required.
        let body = format!(
            r#"{{"customerId":"123e4567-e89b-12d3-a456-426614174000","amount":{text},"bankAccountId":"123e4567-e89b-12d3-a456-426614174001","accountNumber":"3012345678","bankCode":"044","accountName":"ADA OBI"}}"#
        );
        let request: LoanTransferFundsRequest =
            serde_json::from_str(&body).expect("the body decodes");
        assert_eq!(request.amount.to_string(), text);
        let back = serde_json::to_string(&request).expect("the body encodes");
        assert!(
            back.contains(&format!(r#""amount":{text},"#)),
            "{text} came back as {back}"
        );
        let again: LoanTransferFundsRequest = serde_json::from_str(&back).expect("decodes again");
        assert_eq!(again, request);

        // `LoanTransferResult.amount` is optional.
        let result: LoanTransferResult =
            serde_json::from_str(&format!(r#"{{"transferId":"T1","amount":{text}}}"#))
                .expect("the result decodes");
        assert_eq!(result.amount.map(|a| a.to_string()).as_deref(), Some(text));
        let back = serde_json::to_string(&result).expect("the result encodes");
        assert_eq!(back, format!(r#"{{"transferId":"T1","amount":{text}}}"#));
    }
}

#[tokio::test]
async fn decimal_numbers_of_a_response_are_read_from_their_text() {
    for text in EXACT_DECIMALS {
        let server = MockServer::start().await;
        let body = format!(
            r#"{{"status":"SUCCESS","data":{{"transactionReference":"TRF-1","transferId":"T1","amount":{text},"status":"PENDING"}}}}"#
        );
        Mock::given(method("POST"))
            .and(path("/user/transfer-funds-to-bank"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
            .expect(1)
            .mount(&server)
            .await;
        let request: LoanTransferFundsRequest = serde_json::from_value(json!({
            "customerId": "123e4567-e89b-12d3-a456-426614174000",
            "amount": 1,
            "bankAccountId": "123e4567-e89b-12d3-a456-426614174001",
            "accountNumber": "3012345678",
            "bankCode": "044",
            "accountName": "ADA OBI"
        }))
        .expect("the request decodes");
        let response = client(&server)
            .lending()
            .transfer_funds_to_bank(
                time::macros::datetime!(2024-01-15 10:30:00 UTC),
                "192.168.1.1",
                "interaction-12345",
                request,
            )
            .await
            .expect("the call succeeds");
        let amount = response.data().amount.expect("an amount");
        assert_eq!(amount.to_string(), text, "read from the number's text");
    }
}

#[tokio::test]
async fn an_html_502_page_is_an_unexpected_status_keeping_the_body() {
    let page = "<html><head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>";
    let response = ResponseTemplate::new(502).set_body_raw(page, "text/html");
    let error = call_quote_failing_with(response).await;

    assert!(matches!(error, Error::UnexpectedStatus { .. }), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(error.body_text().as_deref(), Some(page));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_truncated_200_is_a_decode_error_keeping_the_body() {
    let truncated = r#"{"success": true, "data": {"quoteId": "Q-1", "tot"#;
    let response = ResponseTemplate::new(200).set_body_raw(truncated, "application/json");
    let error = call_quote_failing_with(response).await;

    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.body_text().as_deref(), Some(truncated));
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_200_saying_success_false_is_an_api_error() {
    let envelope = error_envelope(
        "VALIDATION_ERROR",
        "Invalid amount",
        Some("principalAmount"),
        json!({"constraint": "min"}),
    );
    let error = call_quote_failing_with(respond(200, envelope)).await;

    let Error::Api(api) = &error else {
        panic!("not an api error: {error:?}");
    };
    assert_eq!(api.status.as_u16(), 200);
    assert_eq!(api.code, Some(ErrorCode::ValidationError));
    assert_eq!(api.message, "Invalid amount");
    assert_eq!(api.field.as_deref(), Some("principalAmount"));
    assert_eq!(api.request_id.as_deref(), Some(ERROR_REQUEST_ID));
}

// Credentials and secrets

#[tokio::test]
async fn a_missing_token_fails_before_anything_is_sent() {
    let server = MockServer::start().await;
    let client = client_without_credentials(&server);

    let error = client
        .remittance()
        .call_quote(CallQuoteRequest::new())
        .await
        .expect_err("call_quote needs an X-Auth-Token");
    let Error::MissingCredentials { schemes, .. } = &error else {
        panic!("not missing credentials: {error:?}");
    };
    assert_eq!(schemes, &["XAuthToken"]);
    assert!(!error.is_retryable());

    let error = client
        .songhai()
        .get_songhai_exchange_rate(SonghaiQuoteRequest::new())
        .await
        .expect_err("Songhai calls need the Songhai bearer token");
    let Error::MissingCredentials { schemes, .. } = &error else {
        panic!("not missing credentials: {error:?}");
    };
    assert_eq!(schemes, &["SonghaiOAuth"]);

    let requests = received(&server).await;
    assert!(requests.is_empty(), "sent:\n{}", describe(&requests));
}

#[tokio::test]
async fn secrets_do_not_print() {
    let login = LoginRequest::new("manager@yourcompany.com", "Password@1");
    assert_eq!(
        format!("{login:?}"),
        r#"LoginRequest { email: "manager@yourcompany.com", current_password: "<redacted>" }"#
    );
    assert!(!format!("{login:#?}").contains("Password@1"));

    let server = MockServer::start().await;
    let client = client(&server);
    let call = format!("{:?}", client.auth().login(login));
    for secret in ["Password@1", TOKEN, SONGHAI_TOKEN] {
        assert!(!call.contains(secret), "{secret} printed in {call}");
    }

    let card = ProcessCardPaymentRequest::new(
        "GBP",
        "4111111111111111",
        "12/2027",
        "123",
        "purchase",
        decimal("150.00"),
    );
    let printed = format!("{card:?}");
    assert!(!printed.contains("4111111111111111"), "{printed}");
    assert!(
        printed.contains(r#"pan: "<redacted>""#)
            && printed.contains(r#"securitycode: "<redacted>""#),
        "{printed}"
    );
}
