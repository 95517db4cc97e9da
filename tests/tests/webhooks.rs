//! The generated `fincode::webhooks` module against the checked-in test vectors (`fixtures/webhooks/vectors.json`,
//! computed with Python's hmac, not with this code), the spec's declarations, and properties over every
//! single-byte change of a delivery.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fincode::webhooks::{parse_unverified, Error, Event, Verifier, SCHEME};
use fincode::Secret;
use fincode_tests::root;
use proptest::prelude::*;
use serde_json::Value;

fn vectors() -> Value {
    let path = root().join("tests/fixtures/webhooks/vectors.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

fn spec() -> Value {
    let text = std::fs::read_to_string(fincode_tests::spec_path()).expect("reading the spec");
    let (spec, _) = generator::load(&text).expect("loading the spec");
    spec.value
}

fn text<'a>(case: &'a Value, member: &str) -> &'a str {
    case[member]
        .as_str()
        .unwrap_or_else(|| panic!("{}: `{member}` is not a string", case["name"]))
}

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

/// The receiver a case describes: its secrets, in order.
fn verifier(case: &Value) -> Verifier {
    let secrets: Vec<&str> = case["secrets"]
        .as_array()
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let (first, rest) = secrets.split_first().expect("a case names its secrets");
    rest.iter()
        .fold(Verifier::new(*first), |v, s| v.add_secret(*s))
}

/// The headers of a case; a `null` header is absent.
fn headers(case: &Value) -> Vec<(&'static str, String)> {
    let mut headers = Vec::new();
    if let Some(timestamp) = case["timestamp"].as_str() {
        headers.push(("X-Fincode-Timestamp", timestamp.to_owned()));
    }
    if let Some(signature) = case["header"].as_str() {
        headers.push(("X-Fincode-Signature", signature.to_owned()));
    }
    headers
}

fn now(case: &Value) -> SystemTime {
    at(case["now"].as_u64().expect("a case has `now`"))
}

/// The name the vectors file gives each verification error.
fn kind(error: &Error) -> &'static str {
    match error {
        Error::MissingHeader { .. } => "missing-header",
        Error::MalformedHeader { .. } => "malformed-header",
        Error::NoSignatureMatches { .. } => "no-signature-matches",
        Error::TimestampOutsideTolerance { .. } => "timestamp-outside-tolerance",
        Error::NoSecret => "no-secret",
        Error::InvalidJson { .. } => "invalid-json",
        Error::MissingMember { .. } => "missing-member",
        Error::InvalidPayload { .. } => "invalid-payload",
        _ => "other",
    }
}

#[test]
fn every_vector_is_accepted_and_read_into_its_event() {
    let doc = vectors();
    let cases = doc["vectors"].as_array().expect("vectors");
    assert!(cases.len() >= 7, "{} vectors", cases.len());
    for case in cases {
        let name = text(case, "name");
        let body = text(case, "body").as_bytes();
        let event = verifier(case).verify_and_parse_at(body, &headers(case), now(case));
        let event = event.unwrap_or_else(|e| panic!("{name}: rejected: {e}"));
        assert_eq!(event.name(), text(case, "event"), "{name}");
        assert_eq!(event.dedupe_key(), text(case, "event_id"), "{name}");
        assert!(!matches!(event, Event::Unknown(_)), "{name}: {event:?}");
        assert_eq!(
            text(case, "signed_payload"),
            format!("{}.{}", text(case, "timestamp"), text(case, "body")),
            "{name}"
        );
    }
}

#[test]
fn signing_gives_the_vectors_signatures() {
    let doc = vectors();
    for case in doc["vectors"].as_array().expect("vectors") {
        let name = text(case, "name");
        let secret = case["secrets"][0].as_str().expect("a secret");
        let timestamp: u64 = text(case, "timestamp").parse().expect("unix seconds");
        let signed = SCHEME.sign(
            &Secret::new(secret),
            timestamp,
            text(case, "body").as_bytes(),
        );
        assert_eq!(signed, format!("v1={}", text(case, "signature")), "{name}");
    }
}

#[test]
fn every_rejection_is_refused_with_its_error() {
    let doc = vectors();
    let cases = doc["rejections"].as_array().expect("rejections");
    assert!(cases.len() >= 10, "{} rejections", cases.len());
    for case in cases {
        let name = text(case, "name");
        let body = text(case, "body").as_bytes();
        let result = verifier(case).verify_and_parse_at(body, &headers(case), now(case));
        match result {
            Ok(event) => panic!("{name}: accepted as {}", event.name()),
            Err(e) => {
                assert_eq!(kind(&e), text(case, "error"), "{name}: {e}");
                assert!(e.is_verification_failure(), "{name}: {e}");
                let message = e.to_string();
                for secret in case["secrets"].as_array().into_iter().flatten() {
                    let secret = secret.as_str().unwrap_or_default();
                    assert!(!message.contains(secret), "{name}: {message}");
                }
            }
        }
    }
}

#[test]
fn the_vectors_cover_every_event_and_the_scheme_the_spec_declares() {
    let doc = vectors();
    let spec = spec();
    let declared: BTreeSet<&str> = spec["x-webhooks"]
        .as_object()
        .expect("x-webhooks")
        .keys()
        .map(String::as_str)
        .collect();
    let covered: BTreeSet<&str> = doc["vectors"]
        .as_array()
        .expect("vectors")
        .iter()
        .map(|v| text(v, "event"))
        .collect();
    assert_eq!(covered, declared);
    let scheme = &spec["x-fincode-webhook-signature"];
    let vectors = &doc["scheme"];
    for (member, theirs) in [
        ("algorithm", "algorithm"),
        ("signature-header", "signature_header"),
        ("timestamp-header", "timestamp_header"),
        ("signed-payload", "signed_payload"),
        ("header-format", "header_format"),
        ("tolerance-seconds", "tolerance_seconds"),
        ("dedupe-key", "dedupe_key"),
    ] {
        assert_eq!(
            scheme[member], vectors[theirs],
            "`{member}` of the spec and the vectors"
        );
    }
    assert_eq!(SCHEME.signature_header, "X-Fincode-Signature");
    assert_eq!(SCHEME.timestamp_header, "X-Fincode-Timestamp");
    assert_eq!(SCHEME.label, "v1");
    assert_eq!(SCHEME.tolerance_seconds, 300);
    assert_eq!(SCHEME.event_member, "event");
    assert_eq!(SCHEME.dedupe_member, "event_id");
}

#[test]
fn an_unknown_event_is_kept_with_its_name_key_and_body() {
    let body = br#"{"event":"wallet.frozen","event_id":"evt_new_1","timestamp":"2024-02-01T00:00:00Z","data":{"wallet":"W1","reason":"fraud"}}"#;
    let event = parse_unverified(body).expect("an unknown event is kept");
    assert_eq!(event.name(), "wallet.frozen");
    assert_eq!(event.dedupe_key(), "evt_new_1");
    let Event::Unknown(unknown) = event else {
        panic!("expected Event::Unknown, got {event:?}");
    };
    assert_eq!(unknown.body["data"]["reason"], "fraud");
    let envelope: fincode::webhooks::Envelope =
        serde_json::from_value(unknown.body).expect("the body is an envelope");
    assert_eq!(envelope.event.as_str(), "wallet.frozen");
    assert_eq!(envelope.data["wallet"], "W1");
}

#[test]
fn typed_payloads_are_read_and_bad_ones_say_where() {
    let body = br#"{"event":"payment.received","event_id":"evt_p","timestamp":"2024-01-15T10:31:00Z","data":{"pcn":"PCN1","amount":"150.00","currency":"GBP","channel":"card"}}"#;
    let Ok(Event::PaymentReceived(payment)) = parse_unverified(body) else {
        panic!("not read as payment.received");
    };
    assert_eq!(payment.data.pcn.as_deref(), Some("PCN1"));
    assert_eq!(
        payment.data.amount.map(|a| a.to_string()).as_deref(),
        Some("150.00")
    );
    assert_eq!(payment.data.additional_properties["channel"], "card");

    let missing = br#"{"event":"loan.approved","event_id":"evt_l","data":{}}"#;
    let e = parse_unverified(missing).expect_err("no timestamp");
    assert_eq!(
        e.to_string(),
        "the `loan.approved` body does not match its type at line 1, column 54: missing field `timestamp`"
    );
    let e = parse_unverified(b"{\"event\": \"loan.approved\",\n\"event_id\": \"x\",,}")
        .expect_err("not JSON");
    assert!(
        matches!(
            &e,
            Error::InvalidJson {
                line: 2,
                column: 17,
                ..
            }
        ),
        "{e:?}"
    );
    let e = parse_unverified(br#"{"event_id":"x"}"#).expect_err("no event");
    assert_eq!(e.to_string(), "the body has no string `event` member");
}

/// The webhook payload example of the API Reference overview, as a receiver would get it.
const OVERVIEW_PAYLOAD: &str = r#"{
  "event": "transaction.completed",
  "event_id": "evt_123456789",
  "timestamp": "2024-01-15T10:30:00Z",
  "data": {
    "transaction_id": "txn_123456789",
    "status": "completed",
    "amount": 1000.0,
    "currency": "USD"
  },
  "signature": "sha256=abc123..."
}"#;

#[test]
fn the_overview_payload_verifies_and_reads_as_transaction_completed() {
    let doc = vectors();
    let case = doc["vectors"]
        .as_array()
        .expect("vectors")
        .iter()
        .find(|case| case["name"] == "the API Reference overview's payload example")
        .expect("a vector holds the overview's payload");
    assert_eq!(
        text(case, "body"),
        OVERVIEW_PAYLOAD,
        "the vector signs the payload byte for byte"
    );
    // The spec's example of the event is this payload, and `cargo xtask validate` (rule `example-invalid`) checks
    // every example against its schema: the payload is valid for `WebhookTransactionEvent`.
    let spec = spec();
    let example = &spec["x-webhooks"]["transaction.completed"]["post"]["requestBody"]["content"]
        ["application/json"]["example"];
    let payload: Value = serde_json::from_str(OVERVIEW_PAYLOAD).expect("the payload is JSON");
    assert_eq!(
        example, &payload,
        "the spec's transaction.completed example"
    );
    let event = verifier(case)
        .verify_and_parse_at(OVERVIEW_PAYLOAD.as_bytes(), &headers(case), now(case))
        .expect("the overview's payload, signed with the declared scheme, verifies");
    let Event::TransactionCompleted(completed) = event else {
        panic!("not read as transaction.completed: {event:?}");
    };
    assert_eq!(completed.event_id, "evt_123456789");
    assert_eq!(
        completed.data.transaction_id.as_deref(),
        Some("txn_123456789")
    );
    assert_eq!(completed.data.status.as_deref(), Some("completed"));
    assert_eq!(completed.data.currency.as_deref(), Some("USD"));
    // The JSON number `1000.0` is read as the decimal with its digits, not through a binary float.
    assert_eq!(
        completed.data.amount.map(|a| a.to_string()).as_deref(),
        Some("1000.0")
    );
    // A one-byte change of the amount no longer verifies.
    let tampered = OVERVIEW_PAYLOAD.replace("1000.0", "1000.1");
    let refused =
        verifier(case).verify_and_parse_at(tampered.as_bytes(), &headers(case), now(case));
    assert!(
        matches!(refused, Err(Error::NoSignatureMatches { .. })),
        "{refused:?}"
    );
}

#[test]
fn verifiers_never_print_their_secrets() {
    let verifier = Verifier::new("whsec_current_secret").add_secret("whsec_previous_secret");
    let printed = format!("{verifier:?} {verifier:#?}");
    assert!(!printed.contains("whsec_"), "{printed}");
    assert!(printed.contains("<redacted>"), "{printed}");
}

/// The first vector, as a delivery to change.
fn delivery() -> (String, String, String, u64) {
    let doc = vectors();
    let case = &doc["vectors"][0];
    (
        text(case, "body").to_owned(),
        text(case, "timestamp").to_owned(),
        text(case, "header").to_owned(),
        case["now"].as_u64().expect("now"),
    )
}

const SECRET: &str = "whsec_fincode_test_vectors_2024";

fn verify(body: &[u8], timestamp: &[u8], signature: &[u8], now: u64) -> Result<(), Error> {
    let headers: [(&str, &[u8]); 2] = [
        ("X-Fincode-Timestamp", timestamp),
        ("X-Fincode-Signature", signature),
    ];
    Verifier::new(SECRET).verify_at(body, &headers, at(now))
}

fn changed(bytes: &[u8], index: prop::sample::Index, delta: u8) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let i = index.index(out.len());
    // `delta` is never 0, so the byte always changes.
    out[i] = out[i].wrapping_add(delta);
    out
}

#[test]
fn the_unchanged_delivery_verifies() {
    let (body, timestamp, signature, now) = delivery();
    assert!(verify(
        body.as_bytes(),
        timestamp.as_bytes(),
        signature.as_bytes(),
        now
    )
    .is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_single_byte_change_of_the_body_is_rejected(index: prop::sample::Index, delta in 1u8..=255) {
        let (body, timestamp, signature, now) = delivery();
        let body = changed(body.as_bytes(), index, delta);
        let result = verify(&body, timestamp.as_bytes(), signature.as_bytes(), now);
        prop_assert!(matches!(result, Err(Error::NoSignatureMatches { .. })), "{:?}", result);
    }

    #[test]
    fn any_single_byte_change_of_the_signature_is_rejected(index: prop::sample::Index, delta in 1u8..=255) {
        let (body, timestamp, signature, now) = delivery();
        let signature = changed(signature.as_bytes(), index, delta);
        let result = verify(body.as_bytes(), timestamp.as_bytes(), &signature, now);
        prop_assert!(result.as_ref().is_err_and(Error::is_verification_failure), "{:?}", result);
    }

    #[test]
    fn any_single_byte_change_of_the_timestamp_is_rejected(index: prop::sample::Index, delta in 1u8..=255) {
        let (body, timestamp, signature, now) = delivery();
        let timestamp = changed(timestamp.as_bytes(), index, delta);
        // The clock follows a changed timestamp that is still a number, so only the signature can refuse it.
        let now = std::str::from_utf8(&timestamp).ok().and_then(|t| t.trim().parse().ok()).unwrap_or(now);
        let result = verify(body.as_bytes(), &timestamp, signature.as_bytes(), now);
        prop_assert!(result.as_ref().is_err_and(Error::is_verification_failure), "{:?}", result);
    }

    #[test]
    fn arbitrary_deliveries_are_refused_without_panicking(
        body in prop::collection::vec(any::<u8>(), 0..256),
        timestamp in prop::collection::vec(any::<u8>(), 0..24),
        signature in prop::collection::vec(any::<u8>(), 0..160),
        now in 0u64..4_102_444_800,
    ) {
        prop_assert!(verify(&body, &timestamp, &signature, now).is_err());
        // Reading without verifying never panics either: it gives an event or an error.
        let _ = parse_unverified(&body);
    }
}
