//! Webhook deliveries: signature verification, replay protection, and reading a body into the API's events.
//!
//! A [`Scheme`] says how the API signs its deliveries: an HMAC-SHA256, keyed with the endpoint's signing
//! secret, over a signed payload made of the timestamp header's value and the exact body bytes, sent
//! hex-encoded as `label=<hex>` entries of a signature header. The generated `webhooks` module declares the
//! API's scheme and its event type; this module does the checking:
//!
//! 1. both headers are present and well formed (the timestamp as Unix seconds);
//! 2. some `label=` entry of the signature header, of exactly the MAC's length, equals the MAC of the signed
//!    payload under one of the [`Verifier`]'s secrets, compared in constant time;
//! 3. the timestamp is within the tolerance of the receiver's clock, in either direction.
//!
//! The MAC is computed over the bytes received, never over re-serialized JSON, so verify before parsing and
//! pass the body exactly as it arrived.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::{constant_time, hmac};

use super::Secret;

/// The length of an HMAC-SHA256 in bytes.
const MAC_LEN: usize = 32;

/// One part of the signed payload, which is the concatenation of the parts in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedPart {
    /// The timestamp header's value, as received.
    Timestamp,
    /// The body, byte for byte as received.
    Body,
    /// Fixed text, such as the `.` between the timestamp and the body.
    Text(&'static str),
}

/// How an API signs its webhook deliveries and what every delivery's body carries.
///
/// The generated `webhooks` module declares the API's scheme, read from the spec, as `webhooks::SCHEME`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheme {
    /// The header carrying the signatures (`X-Fincode-Signature`).
    pub signature_header: &'static str,
    /// The header carrying the signing time in Unix seconds (`X-Fincode-Timestamp`).
    pub timestamp_header: &'static str,
    /// The label of the signature entries this scheme checks (`v1` in `v1=<hex>`); entries with other
    /// labels are ignored.
    pub label: &'static str,
    /// The parts of the signed payload, in order.
    pub signed_payload: &'static [SignedPart],
    /// How far the timestamp may be from the receiver's clock, in either direction, by default.
    pub tolerance_seconds: u64,
    /// The body member naming the event (`event`).
    pub event_member: &'static str,
    /// The body member to de-duplicate redeliveries on (`event_id`).
    pub dedupe_member: &'static str,
}

impl Scheme {
    /// The signature header's value for `body` signed at `timestamp` with `secret`: `label=<hex>`.
    ///
    /// This is what the API sends; it lets tests of a receiver build deliveries of their own.
    pub fn sign(&self, secret: &Secret, timestamp: u64, body: &[u8]) -> String {
        let timestamp = timestamp.to_string();
        let mac = self.mac(secret, timestamp.as_bytes(), body);
        let hexed = hex(mac.sign().as_ref());
        format!("{}={hexed}", self.label)
    }

    /// The HMAC-SHA256 of the signed payload, ready to be signed or compared.
    fn mac(&self, secret: &Secret, timestamp: &[u8], body: &[u8]) -> hmac::Context {
        let key = hmac::Key::new(hmac::HMAC_SHA256, secret.expose().as_bytes());
        let mut mac = hmac::Context::with_key(&key);
        for part in self.signed_payload {
            match part {
                SignedPart::Timestamp => mac.update(timestamp),
                SignedPart::Body => mac.update(body),
                SignedPart::Text(text) => mac.update(text.as_bytes()),
            }
        }
        mac
    }
}

/// Request headers, as the verifier reads them.
///
/// Implemented for `http::HeaderMap` (what axum, hyper and reqwest use) and for lists of
/// `(name, value)` pairs.
pub trait Headers {
    /// Every value of the header `name`, compared without regard to case, in order.
    fn values(&self, name: &str) -> Vec<&[u8]>;
}

impl Headers for reqwest::header::HeaderMap {
    fn values(&self, name: &str) -> Vec<&[u8]> {
        self.get_all(name).iter().map(|v| v.as_bytes()).collect()
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> Headers for [(K, V)] {
    fn values(&self, name: &str) -> Vec<&[u8]> {
        self.iter()
            .filter(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
            .collect()
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, const N: usize> Headers for [(K, V); N] {
    fn values(&self, name: &str) -> Vec<&[u8]> {
        self.as_slice().values(name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> Headers for Vec<(K, V)> {
    fn values(&self, name: &str) -> Vec<&[u8]> {
        self.as_slice().values(name)
    }
}

/// Why a delivery was rejected: which check failed, never with a secret or an expected signature.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A header the scheme needs is absent.
    #[error("the `{header}` header is missing")]
    #[non_exhaustive]
    MissingHeader {
        /// The header's name.
        header: &'static str,
    },

    /// A header is present but cannot be read.
    #[error("the `{header}` header is malformed: {problem}")]
    #[non_exhaustive]
    MalformedHeader {
        /// The header's name.
        header: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },

    /// No signature entry matches the MAC of the delivery under any of the verifier's secrets: the body,
    /// the timestamp or the signature was changed, or it was signed with another secret.
    #[error(
        "no `{label}=` signature of the `{header}` header matches the delivery ({signatures} checked against {secrets} secret(s))"
    )]
    #[non_exhaustive]
    NoSignatureMatches {
        /// The signature header's name.
        header: &'static str,
        /// The label of the entries checked.
        label: &'static str,
        /// How many entries with that label the header held.
        signatures: usize,
        /// How many secrets they were checked against.
        secrets: usize,
    },

    /// The delivery is authentic but its timestamp is too far from the receiver's clock: a replay, or a
    /// clock out of step.
    #[error(
        "the delivery was signed {} s {} the receiver's clock, outside the tolerance of {tolerance_seconds} s",
        .skew_seconds.unsigned_abs(),
        if *.skew_seconds < 0 { "after" } else { "before" }
    )]
    #[non_exhaustive]
    TimestampOutsideTolerance {
        /// The timestamp header's value, in Unix seconds.
        timestamp: u64,
        /// The receiver's clock minus the timestamp, in seconds: positive for an old delivery, negative for
        /// one from the future.
        skew_seconds: i128,
        /// The tolerance, in seconds.
        tolerance_seconds: u64,
    },

    /// The verifier has no secret to check with: every secret it was given is empty.
    #[error("the verifier has no signing secret: every secret given is empty")]
    NoSecret,

    /// The body is not JSON.
    #[error("the body is not valid JSON at line {line}, column {column}: {message}")]
    #[non_exhaustive]
    InvalidJson {
        /// The line of the error, from 1.
        line: usize,
        /// The column of the error, from 1.
        column: usize,
        /// What is wrong.
        message: String,
    },

    /// The body is JSON but not an object with the string member every delivery carries.
    #[error("the body has no string `{member}` member")]
    #[non_exhaustive]
    MissingMember {
        /// The member's name.
        member: &'static str,
    },

    /// The body of a known event does not have that event's type.
    #[error(
        "the `{event}` body does not match its type at line {line}, column {column}: {message}"
    )]
    #[non_exhaustive]
    InvalidPayload {
        /// The event's name.
        event: String,
        /// The line of the error, from 1.
        line: usize,
        /// The column of the error, from 1.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

impl Error {
    /// Whether the delivery failed verification (a missing, malformed or non-matching signature or
    /// timestamp), as opposed to a verified body that cannot be read or a verifier without a secret.
    pub fn is_verification_failure(&self) -> bool {
        matches!(
            self,
            Error::MissingHeader { .. }
                | Error::MalformedHeader { .. }
                | Error::NoSignatureMatches { .. }
                | Error::TimestampOutsideTolerance { .. }
        )
    }
}

/// Checks webhook deliveries against a [`Scheme`] and one or more signing secrets.
///
/// Several secrets are accepted at once, so that a secret can be rotated without rejecting deliveries
/// signed with the previous one. `Debug` never prints the secrets.
#[derive(Clone, Debug)]
pub struct Verifier {
    scheme: &'static Scheme,
    secrets: Vec<Secret>,
    tolerance: Duration,
}

impl Verifier {
    /// A verifier for `scheme` accepting `secret`, with the scheme's tolerance.
    pub fn with_scheme(scheme: &'static Scheme, secret: impl Into<Secret>) -> Self {
        Verifier {
            scheme,
            secrets: vec![secret.into()],
            tolerance: Duration::from_secs(scheme.tolerance_seconds),
        }
    }

    /// Accepts deliveries signed with `secret` too, as during a rotation.
    pub fn add_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.secrets.push(secret.into());
        self
    }

    /// How far a delivery's timestamp may be from the receiver's clock, in either direction (whole seconds
    /// count; the default is the scheme's).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The scheme checked.
    pub fn scheme(&self) -> &'static Scheme {
        self.scheme
    }

    /// Verifies a delivery against the system clock: `body` exactly as received, and its headers.
    pub fn verify(&self, body: &[u8], headers: &(impl Headers + ?Sized)) -> Result<(), Error> {
        self.verify_at(body, headers, SystemTime::now())
    }

    /// Verifies a delivery as [`Verifier::verify`] does, with `now` as the receiver's clock.
    pub fn verify_at(
        &self,
        body: &[u8],
        headers: &(impl Headers + ?Sized),
        now: SystemTime,
    ) -> Result<(), Error> {
        let scheme = self.scheme;
        let timestamp = timestamp(headers, scheme.timestamp_header)?;
        let signatures = signatures(headers, scheme)?;
        let secrets: Vec<&Secret> = self
            .secrets
            .iter()
            .filter(|s| !s.expose().is_empty())
            .collect();
        if secrets.is_empty() {
            return Err(Error::NoSecret);
        }
        let matched = secrets.iter().any(|secret| {
            let mac = scheme.mac(secret, timestamp.text, body).sign();
            // Compared in constant time; every candidate already has the MAC's length.
            signatures.iter().flatten().any(|candidate| {
                constant_time::verify_slices_are_equal(mac.as_ref(), candidate).is_ok()
            })
        });
        if !matched {
            return Err(Error::NoSignatureMatches {
                header: scheme.signature_header,
                label: scheme.label,
                signatures: signatures.len(),
                secrets: secrets.len(),
            });
        }
        let now = match now.duration_since(UNIX_EPOCH) {
            Ok(after) => i128::from(after.as_secs()),
            Err(before) => -i128::from(before.duration().as_secs()),
        };
        let skew = now - i128::from(timestamp.seconds);
        if skew.unsigned_abs() > u128::from(self.tolerance.as_secs()) {
            return Err(Error::TimestampOutsideTolerance {
                timestamp: timestamp.seconds,
                skew_seconds: skew,
                tolerance_seconds: self.tolerance.as_secs(),
            });
        }
        Ok(())
    }

    /// Verifies a delivery against the system clock, then reads it (into the generated `webhooks::Event`).
    pub fn verify_and_parse<E: FromDelivery>(
        &self,
        body: &[u8],
        headers: &(impl Headers + ?Sized),
    ) -> Result<E, Error> {
        self.verify_and_parse_at(body, headers, SystemTime::now())
    }

    /// Verifies a delivery with `now` as the receiver's clock, then reads it.
    pub fn verify_and_parse_at<E: FromDelivery>(
        &self,
        body: &[u8],
        headers: &(impl Headers + ?Sized),
        now: SystemTime,
    ) -> Result<E, Error> {
        self.verify_at(body, headers, now)?;
        E::parse_unverified(body)
    }
}

/// The timestamp header's value: its text, which is signed, and the seconds it says.
struct Timestamp<'a> {
    text: &'a [u8],
    seconds: u64,
}

fn timestamp<'h>(
    headers: &'h (impl Headers + ?Sized),
    header: &'static str,
) -> Result<Timestamp<'h>, Error> {
    let malformed = |problem| Error::MalformedHeader { header, problem };
    let text = match headers.values(header).as_slice() {
        [] => return Err(Error::MissingHeader { header }),
        [one] => trim(one),
        _ => return Err(malformed("it appears more than once")),
    };
    if text.is_empty() || !text.iter().all(u8::is_ascii_digit) {
        return Err(malformed("not a number of Unix seconds"));
    }
    let seconds = std::str::from_utf8(text)
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or_else(|| malformed("the number of seconds is too large"))?;
    Ok(Timestamp { text, seconds })
}

/// The entries of the signature header with the scheme's label, decoded; `None` for an entry that is not
/// lowercase hex of exactly the MAC's length (an empty, truncated or over-long signature).
fn signatures(
    headers: &(impl Headers + ?Sized),
    scheme: &Scheme,
) -> Result<Vec<Option<[u8; MAC_LEN]>>, Error> {
    let header = scheme.signature_header;
    let values = headers.values(header);
    if values.is_empty() {
        return Err(Error::MissingHeader { header });
    }
    let mut found = Vec::new();
    for value in values {
        let Ok(value) = std::str::from_utf8(value) else {
            return Err(Error::MalformedHeader {
                header,
                problem: "it is not text",
            });
        };
        for entry in value.split(',') {
            let Some((label, signature)) = entry.trim_matches([' ', '\t']).split_once('=') else {
                continue;
            };
            if label == scheme.label {
                found.push(decode_mac(signature));
            }
        }
    }
    if found.is_empty() {
        return Err(Error::MalformedHeader {
            header,
            problem: "it has no entry with the scheme's label",
        });
    }
    Ok(found)
}

/// Lowercase hex of exactly [`MAC_LEN`] bytes.
fn decode_mac(text: &str) -> Option<[u8; MAC_LEN]> {
    let text = text.as_bytes();
    if text.len() != MAC_LEN * 2 {
        return None;
    }
    let mut out = [0u8; MAC_LEN];
    for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// A header value without the spaces and tabs HTTP allows around it.
fn trim(value: &[u8]) -> &[u8] {
    let is_space = |b: &u8| *b == b' ' || *b == b'\t';
    let start = value
        .iter()
        .position(|b| !is_space(b))
        .unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|b| !is_space(b))
        .map_or(start, |i| i + 1);
    &value[start..end]
}

/// A type a webhook body is read into: the generated `webhooks::Event`.
pub trait FromDelivery: Sized {
    /// Reads a body without verifying it: verify first, or use [`Verifier::verify_and_parse`].
    fn parse_unverified(body: &[u8]) -> Result<Self, Error>;
}

/// A body read as far as choosing its event: the event's name and the key to de-duplicate it on.
///
/// The generated `webhooks::Event` reads bodies through it.
pub struct Delivery<'a> {
    body: &'a [u8],
    value: serde_json::Value,
    name: String,
    dedupe_key: String,
}

impl fmt::Debug for Delivery<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery")
            .field("name", &self.name)
            .field("dedupe_key", &self.dedupe_key)
            .finish_non_exhaustive()
    }
}

impl<'a> Delivery<'a> {
    /// Reads `body` as a JSON object with the scheme's string event and de-duplication members.
    pub fn read(body: &'a [u8], scheme: &Scheme) -> Result<Self, Error> {
        let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
            let (line, column) = (e.line(), e.column());
            Error::InvalidJson {
                line,
                column,
                message: without_position(&e),
            }
        })?;
        let member = |member: &'static str| {
            value
                .get(member)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
                .ok_or(Error::MissingMember { member })
        };
        let name = member(scheme.event_member)?;
        let dedupe_key = member(scheme.dedupe_member)?;
        Ok(Delivery {
            body,
            value,
            name,
            dedupe_key,
        })
    }

    /// The event's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The body read as the type of a known event.
    pub fn payload<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(self.body).map_err(|e| Error::InvalidPayload {
            event: self.name.clone(),
            line: e.line(),
            column: e.column(),
            message: without_position(&e),
        })
    }

    /// The delivery as an event this version does not know.
    pub fn into_unknown(self) -> UnknownEvent {
        UnknownEvent {
            name: self.name,
            dedupe_key: self.dedupe_key,
            body: self.value,
        }
    }
}

/// serde_json's message without the ` at line L column C` it ends with.
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_owned()
}

/// An event this version of the crate does not know, kept rather than rejected.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct UnknownEvent {
    /// The event's name.
    pub name: String,
    /// The key to de-duplicate redeliveries on.
    pub dedupe_key: String,
    /// The whole body.
    pub body: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    static SCHEME: Scheme = Scheme {
        signature_header: "X-Test-Signature",
        timestamp_header: "X-Test-Timestamp",
        label: "v1",
        signed_payload: &[
            SignedPart::Timestamp,
            SignedPart::Text("."),
            SignedPart::Body,
        ],
        tolerance_seconds: 300,
        event_member: "event",
        dedupe_member: "event_id",
    };

    const SECRET: &str = "whsec_test_secret";
    const BODY: &[u8] = br#"{"event":"thing.happened","event_id":"evt_1","data":{"n":1}}"#;
    const AT: u64 = 1_700_000_000;
    /// `printf '%s' '1700000000.{body}' | openssl dgst -sha256 -hmac whsec_test_secret`
    const EXPECTED: &str = "v1=077ec824357dc1a8a84efe730a01b7b4205d0a4d953a1cd724f4cd5f9085b572";

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    fn headers(timestamp: &str, signature: &str) -> Vec<(&'static str, String)> {
        vec![
            ("x-test-timestamp", timestamp.to_owned()),
            ("X-TEST-SIGNATURE", signature.to_owned()),
        ]
    }

    fn verifier() -> Verifier {
        Verifier::with_scheme(&SCHEME, SECRET)
    }

    fn signed() -> String {
        SCHEME.sign(&Secret::new(SECRET), AT, BODY)
    }

    #[test]
    fn signs_as_an_independent_hmac_does() {
        assert_eq!(signed(), EXPECTED);
    }

    #[test]
    fn accepts_a_signed_delivery() {
        let h = headers("1700000000", &signed());
        assert!(verifier().verify_at(BODY, &h, at(AT)).is_ok());
    }

    #[test]
    fn accepts_any_matching_entry_and_ignores_other_labels() {
        let wrong = SCHEME.sign(&Secret::new("another"), AT, BODY);
        let value = format!("v0=abc, {wrong} ,{},v2=zz", signed());
        assert!(verifier()
            .verify_at(BODY, &headers("1700000000", &value), at(AT))
            .is_ok());
    }

    #[test]
    fn reads_repeated_signature_headers_as_one_list() {
        let wrong = SCHEME.sign(&Secret::new("another"), AT, BODY);
        let h = [
            ("X-Test-Timestamp", "1700000000".to_owned()),
            ("X-Test-Signature", wrong),
            ("X-Test-Signature", signed()),
        ];
        assert!(verifier().verify_at(BODY, &h, at(AT)).is_ok());
    }

    #[test]
    fn accepts_every_secret_of_a_rotation() {
        let old = SCHEME.sign(&Secret::new("old-secret"), AT, BODY);
        let rotating = Verifier::with_scheme(&SCHEME, "new-secret").add_secret("old-secret");
        assert!(rotating
            .verify_at(BODY, &headers("1700000000", &old), at(AT))
            .is_ok());
        let only_new = Verifier::with_scheme(&SCHEME, "new-secret");
        assert!(matches!(
            only_new.verify_at(BODY, &headers("1700000000", &old), at(AT)),
            Err(Error::NoSignatureMatches {
                signatures: 1,
                secrets: 1,
                ..
            })
        ));
    }

    #[test]
    fn empty_truncated_over_long_and_uppercase_signatures_fail() {
        let good = signed();
        let hexed = good.trim_start_matches("v1=");
        let cases = [
            "v1=".to_owned(),
            format!("v1={}", &hexed[..hexed.len() - 1]),
            format!("v1={}", &hexed[..hexed.len() - 2]),
            format!("v1={}", &hexed[..32]),
            format!("v1={hexed}0"),
            format!("v1={hexed}00"),
            format!("v1={}", hexed.to_uppercase()),
            format!("v1= {hexed}"),
        ];
        for case in cases {
            let result = verifier().verify_at(BODY, &headers("1700000000", &case), at(AT));
            assert!(
                matches!(result, Err(Error::NoSignatureMatches { signatures: 1, .. })),
                "{case}: {result:?}"
            );
        }
    }

    #[test]
    fn the_body_and_timestamp_are_signed() {
        let h = headers("1700000000", &signed());
        let tampered = br#"{"event":"thing.happened","event_id":"evt_2","data":{"n":1}}"#;
        assert!(matches!(
            verifier().verify_at(tampered, &h, at(AT)),
            Err(Error::NoSignatureMatches { .. })
        ));
        let h = headers("1700000001", &signed());
        assert!(matches!(
            verifier().verify_at(BODY, &h, at(AT)),
            Err(Error::NoSignatureMatches { .. })
        ));
    }

    #[test]
    fn timestamps_beyond_the_tolerance_fail_in_both_directions() {
        let h = headers("1700000000", &signed());
        let v = verifier();
        assert!(v.verify_at(BODY, &h, at(AT + 300)).is_ok());
        assert!(v.verify_at(BODY, &h, at(AT - 300)).is_ok());
        let late = v.verify_at(BODY, &h, at(AT + 301));
        assert!(
            matches!(
                late,
                Err(Error::TimestampOutsideTolerance {
                    timestamp: AT,
                    skew_seconds: 301,
                    tolerance_seconds: 300
                })
            ),
            "{late:?}"
        );
        let early = v.verify_at(BODY, &h, at(AT - 301));
        assert!(
            matches!(
                early,
                Err(Error::TimestampOutsideTolerance {
                    skew_seconds: -301,
                    ..
                })
            ),
            "{early:?}"
        );
        let message = early.map_err(|e| e.to_string()).err().unwrap_or_default();
        assert_eq!(
            message,
            "the delivery was signed 301 s after the receiver's clock, outside the tolerance of 300 s"
        );
        let strict = verifier().tolerance(Duration::from_secs(10));
        assert!(strict.verify_at(BODY, &h, at(AT + 11)).is_err());
        assert!(strict.verify_at(BODY, &h, at(AT + 10)).is_ok());
        assert!(v
            .verify_at(BODY, &h, UNIX_EPOCH - Duration::from_secs(5))
            .is_err());
    }

    #[test]
    fn missing_and_malformed_headers_say_which() {
        let v = verifier();
        let only_signature = [("X-Test-Signature", signed())];
        assert_eq!(
            v.verify_at(BODY, &only_signature, at(AT))
                .map_err(|e| e.to_string()),
            Err("the `X-Test-Timestamp` header is missing".to_owned())
        );
        let only_timestamp = [("X-Test-Timestamp", "1700000000")];
        assert_eq!(
            v.verify_at(BODY, &only_timestamp, at(AT))
                .map_err(|e| e.to_string()),
            Err("the `X-Test-Signature` header is missing".to_owned())
        );
        for (timestamp, problem) in [
            ("", "not a number of Unix seconds"),
            ("-1700000000", "not a number of Unix seconds"),
            ("+1700000000", "not a number of Unix seconds"),
            ("1700000000.5", "not a number of Unix seconds"),
            ("2023-11-14T22:13:20Z", "not a number of Unix seconds"),
            (
                "99999999999999999999999",
                "the number of seconds is too large",
            ),
        ] {
            let result = v.verify_at(BODY, &headers(timestamp, &signed()), at(AT));
            assert!(
                matches!(result, Err(Error::MalformedHeader { header: "X-Test-Timestamp", problem: p }) if p == problem),
                "{timestamp:?}: {result:?}"
            );
        }
        let twice = [
            ("X-Test-Timestamp", "1700000000".to_owned()),
            ("X-Test-Timestamp", "1700000000".to_owned()),
            ("X-Test-Signature", signed()),
        ];
        assert!(matches!(
            v.verify_at(BODY, &twice, at(AT)),
            Err(Error::MalformedHeader {
                problem: "it appears more than once",
                ..
            })
        ));
        for signature in ["", "v2=abc", "sha256", &signed().replace("v1=", "v1:")] {
            let result = v.verify_at(BODY, &headers("1700000000", signature), at(AT));
            assert!(
                matches!(
                    result,
                    Err(Error::MalformedHeader {
                        header: "X-Test-Signature",
                        problem: "it has no entry with the scheme's label"
                    })
                ),
                "{signature:?}: {result:?}"
            );
        }
        let not_text: [(&str, &[u8]); 2] = [
            ("X-Test-Timestamp", b"1700000000"),
            ("X-Test-Signature", b"v1=\xff"),
        ];
        assert!(matches!(
            v.verify_at(BODY, &not_text, at(AT)),
            Err(Error::MalformedHeader {
                problem: "it is not text",
                ..
            })
        ));
    }

    #[test]
    fn the_timestamp_header_may_carry_surrounding_spaces() {
        let h = headers(" 1700000000\t", &signed());
        assert!(verifier().verify_at(BODY, &h, at(AT)).is_ok());
    }

    #[test]
    fn an_empty_secret_never_verifies() {
        let forged = SCHEME.sign(&Secret::new(""), AT, BODY);
        let v = Verifier::with_scheme(&SCHEME, "");
        assert!(matches!(
            v.verify_at(BODY, &headers("1700000000", &forged), at(AT)),
            Err(Error::NoSecret)
        ));
        let v = Verifier::with_scheme(&SCHEME, "").add_secret(SECRET);
        assert!(matches!(
            v.verify_at(BODY, &headers("1700000000", &forged), at(AT)),
            Err(Error::NoSignatureMatches { secrets: 1, .. })
        ));
    }

    #[test]
    fn neither_debug_nor_errors_show_a_secret_or_the_expected_signature() {
        let v = verifier().add_secret("second-secret");
        let printed = format!("{v:?} {v:#?}");
        assert!(
            !printed.contains(SECRET) && !printed.contains("second-secret"),
            "{printed}"
        );
        let expected = signed();
        let hexed = expected.trim_start_matches("v1=");
        let bad = format!("v1={}", "0".repeat(64));
        let mut messages = Vec::new();
        for (timestamp, signature, now) in [
            ("1700000000", bad.as_str(), AT),
            ("1700000000", expected.as_str(), AT + 1000),
            ("x", expected.as_str(), AT),
            ("1700000000", "v2=1", AT),
        ] {
            let e = v.verify_at(BODY, &headers(timestamp, signature), at(now));
            messages.push(format!(
                "{:?} {}",
                e,
                e.as_ref()
                    .map_or_else(ToString::to_string, |_| String::new())
            ));
        }
        let joined = messages.join("\n");
        assert!(!joined.contains(SECRET), "{joined}");
        assert!(!joined.contains(hexed), "{joined}");
        assert!(
            joined.contains(
                "no `v1=` signature of the `X-Test-Signature` header matches the delivery (1 checked against 2 secret(s))"
            ),
            "{joined}"
        );
    }

    #[test]
    fn http_header_maps_are_read() {
        let mut map = reqwest::header::HeaderMap::new();
        map.insert(
            "x-test-timestamp",
            reqwest::header::HeaderValue::from_static("1700000000"),
        );
        map.append(
            "x-test-signature",
            reqwest::header::HeaderValue::from_static("v1=00"),
        );
        map.append(
            "x-test-signature",
            reqwest::header::HeaderValue::from_str(&signed())
                .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static("")),
        );
        assert!(verifier().verify_at(BODY, &map, at(AT)).is_ok());
    }

    #[derive(Debug, PartialEq)]
    enum TestEvent {
        Happened(serde_json::Value),
        Unknown(UnknownEvent),
    }

    impl FromDelivery for TestEvent {
        fn parse_unverified(body: &[u8]) -> Result<Self, Error> {
            let delivery = Delivery::read(body, &SCHEME)?;
            Ok(match delivery.name() {
                "thing.happened" => TestEvent::Happened(delivery.payload()?),
                _ => TestEvent::Unknown(delivery.into_unknown()),
            })
        }
    }

    #[test]
    fn verify_and_parse_reads_known_and_unknown_events() {
        let h = headers("1700000000", &signed());
        let event: Result<TestEvent, Error> = verifier().verify_and_parse_at(BODY, &h, at(AT));
        assert!(matches!(event, Ok(TestEvent::Happened(_))), "{event:?}");
        let other = br#"{"event":"thing.new","event_id":"evt_9","extra":[1]}"#;
        let h = headers("1700000000", &SCHEME.sign(&Secret::new(SECRET), AT, other));
        let event: Result<TestEvent, Error> = verifier().verify_and_parse_at(other, &h, at(AT));
        let Ok(TestEvent::Unknown(unknown)) = event else {
            panic!("expected an unknown event, got {event:?}");
        };
        assert_eq!(unknown.name, "thing.new");
        assert_eq!(unknown.dedupe_key, "evt_9");
        assert_eq!(unknown.body["extra"][0], 1);
    }

    #[test]
    fn verification_comes_before_parsing() {
        let h = headers("1700000000", "v1=00");
        let event: Result<TestEvent, Error> =
            verifier().verify_and_parse_at(b"not json", &h, at(AT));
        assert!(matches!(event, Err(Error::NoSignatureMatches { .. })));
    }

    #[test]
    fn bodies_that_cannot_be_read_say_where() {
        let e = TestEvent::parse_unverified(b"{\"event\": \"thing.happened\",\n  \"event_id\": }")
            .err();
        assert!(
            matches!(&e, Some(Error::InvalidJson { line: 2, column: 15, message }) if message == "expected value"),
            "{e:?}"
        );
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("the body is not valid JSON at line 2, column 15: expected value")
        );
        let e = TestEvent::parse_unverified(br#"{"event":"thing.happened"}"#).err();
        assert!(
            matches!(e, Some(Error::MissingMember { member: "event_id" })),
            "{e:?}"
        );
        let e = TestEvent::parse_unverified(br#"{"event":7,"event_id":"e"}"#).err();
        assert!(
            matches!(e, Some(Error::MissingMember { member: "event" })),
            "{e:?}"
        );
        let e = TestEvent::parse_unverified(b"[1, 2]").err();
        assert!(
            matches!(e, Some(Error::MissingMember { member: "event" })),
            "{e:?}"
        );
    }

    #[test]
    fn verification_failures_are_told_apart_from_unreadable_bodies() {
        assert!(Error::MissingHeader { header: "h" }.is_verification_failure());
        assert!(!Error::NoSecret.is_verification_failure());
        assert!(!Error::MissingMember { member: "event" }.is_verification_failure());
    }
}
