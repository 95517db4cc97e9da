//! The example webhook receiver (`fincode_tests::webhook_receiver`) over real HTTP on 127.0.0.1: signed,
//! redelivered, rotated, tampered, forged, replayed, unsigned and unreadable deliveries, and what reached the
//! handler.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use fincode::webhooks::{Verifier, SCHEME};
use fincode::Secret;
use fincode_tests::webhook_receiver::{spawn, PATH};

const SECRET: &str = "whsec_receiver_current";
const PREVIOUS_SECRET: &str = "whsec_receiver_previous";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn body(event: &str, id: &str) -> String {
    let data = match event {
        "loan.approved" => r#"{"loanApplicationId":"LA-1","loanStatus":"APPROVED"}"#,
        "payment.received" => r#"{"pcn":"PCN1","amount":"150.00","currency":"GBP"}"#,
        _ => r#"{"reference":"PCN12345","status":"PAID","amount":"150.00","currency":"GBP"}"#,
    };
    format!(
        r#"{{"event":"{event}","event_id":"{id}","timestamp":"2024-01-15T10:30:00Z","data":{data}}}"#
    )
}

/// A delivery: the body and the headers to send with it.
struct Delivery {
    body: String,
    timestamp: Option<String>,
    signature: Option<String>,
}

impl Delivery {
    /// Signed with `secret` at `timestamp`.
    fn signed(body: String, secret: &str, timestamp: u64) -> Self {
        let signature = SCHEME.sign(&Secret::new(secret), timestamp, body.as_bytes());
        Delivery {
            body,
            timestamp: Some(timestamp.to_string()),
            signature: Some(signature),
        }
    }
}

struct Sender {
    client: reqwest::Client,
    url: String,
}

impl Sender {
    /// Posts a delivery; returns the status and the answer's text.
    async fn post(&self, delivery: &Delivery) -> (u16, String) {
        let mut request = self
            .client
            .post(&self.url)
            .header("content-type", "application/json")
            .body(delivery.body.clone());
        if let Some(t) = &delivery.timestamp {
            request = request.header("X-Fincode-Timestamp", t);
        }
        if let Some(s) = &delivery.signature {
            request = request.header("X-Fincode-Signature", s);
        }
        let response = request.send().await.expect("the receiver answers");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }
}

#[tokio::test]
async fn the_receiver_handles_verified_events_once_and_refuses_the_rest() {
    let handled = Arc::new(Mutex::new(Vec::<String>::new()));
    let record = Arc::clone(&handled);
    let verifier = Verifier::new(SECRET).add_secret(PREVIOUS_SECRET);
    let (address, server) = spawn(0, verifier, move |event| {
        record
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(format!("{} {}", event.name(), event.dedupe_key()));
    })
    .await
    .expect("the receiver listens on 127.0.0.1");
    assert!(address.ip().is_loopback());
    let sender = Sender {
        // Straight to 127.0.0.1, whatever proxy the environment names.
        client: reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("an HTTP client"),
        url: format!("http://{address}{PATH}"),
    };
    let t = now();

    // Signed now: handled.
    let completed = Delivery::signed(body("transaction.completed", "evt_1"), SECRET, t);
    let (status, text) = sender.post(&completed).await;
    assert_eq!(
        (status, text.as_str()),
        (200, "transaction.completed evt_1 handled")
    );

    // Redelivered a minute later, signed afresh: acknowledged, not handled again.
    let again = Delivery::signed(body("transaction.completed", "evt_1"), SECRET, t + 60);
    assert_eq!(
        sender.post(&again).await,
        (200, "evt_1 already handled".to_owned())
    );

    // Signed with the previous secret during a rotation: handled.
    let rotated = Delivery::signed(body("loan.approved", "evt_2"), PREVIOUS_SECRET, t);
    assert_eq!(sender.post(&rotated).await.0, 200);

    // An event this version does not know: handled as such, not refused.
    let unknown = Delivery::signed(
        r#"{"event":"wallet.frozen","event_id":"evt_3","data":{}}"#.to_owned(),
        SECRET,
        t,
    );
    assert_eq!(
        sender.post(&unknown).await,
        (200, "wallet.frozen evt_3 handled".to_owned())
    );

    // Tampered: the amount changed after signing.
    let mut tampered = Delivery::signed(body("payment.received", "evt_4"), SECRET, t);
    tampered.body = tampered.body.replace("150.00", "950.00");
    let (status, text) = sender.post(&tampered).await;
    assert_eq!(status, 401, "{text}");
    assert!(text.starts_with("no `v1=` signature"), "{text}");

    // Forged: signed with a secret the receiver does not hold.
    let forged = Delivery::signed(body("payment.received", "evt_5"), "whsec_attacker", t);
    assert_eq!(sender.post(&forged).await.0, 401);

    // Replayed: authentic, but signed ten minutes ago.
    let replayed = Delivery::signed(body("payment.received", "evt_6"), SECRET, t - 600);
    let (status, text) = sender.post(&replayed).await;
    assert_eq!(status, 401, "{text}");
    assert!(text.contains("outside the tolerance of 300 s"), "{text}");

    // Unsigned: no signature header; then no timestamp header.
    let mut unsigned = Delivery::signed(body("payment.received", "evt_7"), SECRET, t);
    unsigned.signature = None;
    assert_eq!(
        sender.post(&unsigned).await,
        (
            401,
            "the `X-Fincode-Signature` header is missing".to_owned()
        )
    );
    let mut undated = Delivery::signed(body("payment.received", "evt_8"), SECRET, t);
    undated.timestamp = None;
    assert_eq!(
        sender.post(&undated).await,
        (
            401,
            "the `X-Fincode-Timestamp` header is missing".to_owned()
        )
    );

    // An empty signature: the known flaw of accepting it is absent.
    let mut empty = Delivery::signed(body("payment.received", "evt_9"), SECRET, t);
    empty.signature = Some("v1=".to_owned());
    assert_eq!(sender.post(&empty).await.0, 401);

    // Authentic but unreadable: not JSON, then a known event without its required members.
    let not_json = Delivery::signed("event=payment.received".to_owned(), SECRET, t);
    let (status, text) = sender.post(&not_json).await;
    assert_eq!(status, 400, "{text}");
    assert!(
        text.starts_with("the body is not valid JSON at line 1"),
        "{text}"
    );
    let incomplete = Delivery::signed(
        r#"{"event":"payment.received","event_id":"evt_10"}"#.to_owned(),
        SECRET,
        t,
    );
    let (status, text) = sender.post(&incomplete).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("missing field"), "{text}");

    // Only POST is served.
    let get = sender
        .client
        .get(&sender.url)
        .send()
        .await
        .expect("the receiver answers");
    assert_eq!(get.status().as_u16(), 405);

    let handled = handled
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    assert_eq!(
        handled,
        [
            "transaction.completed evt_1",
            "loan.approved evt_2",
            "wallet.frozen evt_3",
        ]
    );
    server.abort();
}
