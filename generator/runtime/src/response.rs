//! Successful responses, and how a response body becomes a result or an error.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::value::{
    Error as ValueError, SeqDeserializer, StringDeserializer, UnitDeserializer,
};
use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use serde_json::Value;

use super::error::{ApiError, Error, ErrorResponse, Result};
use super::request::{Operation, ResponseShape};

/// A successful response: the decoded result with the status, headers and metadata
/// that came with it.
#[derive(Clone)]
pub struct Response<T> {
    data: T,
    status: StatusCode,
    headers: HeaderMap,
    request_id: Option<String>,
    processing_time_ms: Option<u64>,
    message: Option<String>,
    attempts: u32,
}

impl<T> Response<T> {
    /// The result.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The result, consuming the response.
    pub fn into_data(self) -> T {
        self.data
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request id: the envelope's `metadata.request_id`, else the `x-request-id` header.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The server's processing time from the envelope's metadata.
    pub fn processing_time_ms(&self) -> Option<u64> {
        self.processing_time_ms
    }

    /// The `message` of a `{status, responseCode, message, data}` body.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The attempts the call took, retries included (1 when the first succeeded).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    pub(crate) fn set_attempts(&mut self, attempts: u32) {
        self.attempts = attempts;
    }

    /// Transforms the result, keeping the rest.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            data: f(self.data),
            status: self.status,
            headers: self.headers,
            request_id: self.request_id,
            processing_time_ms: self.processing_time_ms,
            message: self.message,
            attempts: self.attempts,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may be secrets (a session cookie): show their names only.
        f.debug_struct("Response")
            .field("data", &self.data)
            .field("status", &self.status)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("request_id", &self.request_id)
            .field("processing_time_ms", &self.processing_time_ms)
            .field("message", &self.message)
            .field("attempts", &self.attempts)
            .finish()
    }
}

/// The member names of the envelopes a spec wraps its responses in, which the runtime reads
/// itself; a generated client passes its spec's ([`ClientBuilder::envelopes`](super::ClientBuilder::envelopes)).
///
/// A client without envelopes reads every body as it is, and a non-2xx body as
/// [`Error::ErrorResponse`] where the operation declares a JSON body for its status, else as
/// [`Error::UnexpectedStatus`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Envelopes {
    /// The member holding the result (`data`).
    pub data: &'static str,
    /// A boolean member that is `false` when the call failed (`success`).
    pub success: Option<&'static str>,
    /// The status envelope's member holding `false` or a status word (`status`); a word naming a
    /// failure (`error`, `failed`, `failure`) reports one.
    pub status: Option<&'static str>,
    /// The member holding the error: an object, or a message (`error`).
    pub error: Option<&'static str>,
    /// The error object's members: the code, the message, the field at fault and the details.
    pub error_members: ErrorMembers,
    /// Top-level members that hold an error code when the error member has none (`code`, `responseCode`).
    pub codes: &'static [&'static str],
    /// A top-level member holding a message (`message`).
    pub message: Option<&'static str>,
    /// The metadata object (`metadata`).
    pub metadata: Option<&'static str>,
    /// The request id, inside the metadata (`request_id`).
    pub request_id: Option<&'static str>,
    /// The server's processing time in milliseconds, inside the metadata (`processing_time_ms`).
    pub processing_time_ms: Option<&'static str>,
}

/// The members of an error object in an error envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorMembers {
    /// The machine-readable code (`code`).
    pub code: &'static str,
    /// The human-readable message (`message`).
    pub message: &'static str,
    /// The request field at fault (`field`).
    pub field: &'static str,
    /// Further details (`details`).
    pub details: &'static str,
}

impl Envelopes {
    /// Envelopes with the result in `data` and nothing else: set the other members with the
    /// struct update syntax.
    pub const fn new(data: &'static str) -> Self {
        Envelopes {
            data,
            success: None,
            status: None,
            error: None,
            error_members: ErrorMembers {
                code: "code",
                message: "message",
                field: "field",
                details: "details",
            },
            codes: &[],
            message: None,
            metadata: None,
            request_id: None,
            processing_time_ms: None,
        }
    }
}

/// A body read as an envelope: every top-level member kept raw, so that only the members the
/// runtime reads are parsed. On the success path the data member is decoded into the result type in
/// the same pass ([`Envelope::read_with_data`]) and is not among the members; otherwise it is kept
/// raw like the others and decoded afterwards.
struct Envelope<'a> {
    names: &'static Envelopes,
    members: Members<'a>,
}

/// The raw members of an object, in the order they came: an envelope has a handful, so a list is
/// quicker to fill and to search than a map.
type Members<'a> = Vec<(Cow<'a, str>, &'a RawValue)>;

/// The member `name` of `members`: the last of that name, as a JSON parser keeping one would.
fn member<'a>(members: &Members<'a>, name: &str) -> Option<&'a RawValue> {
    members
        .iter()
        .rev()
        .find(|(key, _)| key == name)
        .map(|(_, value)| *value)
}

/// What the runtime reads from an envelope's metadata.
#[derive(Default)]
struct Metadata {
    request_id: Option<String>,
    processing_time_ms: Option<u64>,
}

/// A member name of an envelope, borrowed from the body unless it has escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(
                self,
                v: &'de str,
            ) -> std::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Reads the request id and processing time of a metadata object, skipping its other members.
struct MetadataVisitor(&'static Envelopes);

impl<'de> Visitor<'de> for MetadataVisitor {
    type Value = Metadata;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut metadata = Metadata::default();
        while let Some(Key(key)) = map.next_key()? {
            let key = Some(key.as_ref());
            if key == self.0.request_id {
                metadata.request_id = into_string(map.next_value()?);
            } else if key == self.0.processing_time_ms {
                let value: Value = map.next_value()?;
                metadata.processing_time_ms = value.as_u64().or_else(|| {
                    value
                        .as_f64()
                        .filter(|ms| ms.is_finite() && *ms >= 0.0)
                        .map(|ms| ms.round() as u64)
                });
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(metadata)
    }
}

/// Reads an envelope's members raw, except the member named `data` (when given), which is decoded
/// as `T` in the same pass.
struct MembersVisitor<T> {
    data: Option<&'static str>,
    marker: PhantomData<T>,
}

/// What [`MembersVisitor`] read: the raw members, and the data member decoded if it was there.
struct Read<'a, T> {
    members: Members<'a>,
    data: Option<T>,
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for MembersVisitor<T> {
    type Value = Read<'de, T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut members = Vec::with_capacity(6);
        let mut data = None;
        while let Some(Key(key)) = map.next_key()? {
            if self.data == Some(key.as_ref()) {
                data = Some(map.next_value::<T>()?);
            } else {
                members.push((key, map.next_value::<&'de RawValue>()?));
            }
        }
        Ok(Read { members, data })
    }
}

fn read_members<'a, T: Deserialize<'a>>(
    body: &'a [u8],
    data: Option<&'static str>,
) -> serde_json::Result<Read<'a, T>> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let read = deserializer.deserialize_map(MembersVisitor {
        data,
        marker: PhantomData,
    })?;
    deserializer.end()?;
    Ok(read)
}

impl<'a> Envelope<'a> {
    fn read(names: &'static Envelopes, body: &'a [u8]) -> serde_json::Result<Self> {
        let read = read_members::<IgnoredAny>(body, None)?;
        Ok(Envelope {
            names,
            members: read.members,
        })
    }

    /// Reads the envelope and decodes its data member as `T`, in one pass over `body`; the envelope
    /// has every member but the data member.
    fn read_with_data<T: DeserializeOwned>(
        names: &'static Envelopes,
        body: &'a [u8],
    ) -> serde_json::Result<(Self, Option<T>)> {
        let read = read_members::<T>(body, Some(names.data))?;
        let envelope = Envelope {
            names,
            members: read.members,
        };
        Ok((envelope, read.data))
    }

    fn raw(&self, name: Option<&str>) -> Option<&'a RawValue> {
        member(&self.members, name?)
    }

    fn value(&self, name: Option<&str>) -> Option<Value> {
        serde_json::from_str(self.raw(name)?.get()).ok()
    }

    fn data(&self) -> Option<&'a RawValue> {
        self.raw(Some(self.names.data))
    }

    /// Whether a 2xx body nevertheless reports a failure.
    fn reports_failure(&self, shape: ResponseShape) -> bool {
        let error = self.value(self.names.error).is_some_and(|e| !e.is_null());
        let unsuccessful = self.value(self.names.success) == Some(Value::Bool(false));
        // `status: false`, or a status word that names a failure (`ERROR` in the docs).
        let failed_status = shape == ResponseShape::Status
            && match self.value(self.names.status) {
                Some(Value::Bool(false)) => true,
                Some(Value::String(word)) => ["error", "failed", "failure"]
                    .iter()
                    .any(|w| word.eq_ignore_ascii_case(w)),
                _ => false,
            };
        error || unsuccessful || failed_status
    }

    /// Whether a non-2xx body is an error the API describes.
    fn is_error(&self) -> bool {
        self.reports_failure(ResponseShape::Status)
            || self
                .value(self.names.message)
                .is_some_and(|m| m.is_string())
    }

    /// The request id and processing time in the metadata member, read in one pass over it; nothing
    /// where the member is not an object.
    fn metadata(&self) -> Metadata {
        let names = self.names;
        let Some(metadata) = self
            .raw(names.metadata)
            .filter(|_| names.request_id.is_some() || names.processing_time_ms.is_some())
        else {
            return Metadata::default();
        };
        serde_json::Deserializer::from_str(metadata.get())
            .deserialize_map(MetadataVisitor(names))
            .unwrap_or_default()
    }

    fn message(&self) -> Option<String> {
        self.value(self.names.message).and_then(into_string)
    }

    fn into_api_error(
        self,
        operation: &'static Operation,
        status: StatusCode,
        headers: HeaderMap,
    ) -> ApiError {
        let request_id = self
            .metadata()
            .request_id
            .or_else(|| header_request_id(&headers));
        let members = &self.names.error_members;
        let (code, message, field, details) = match self.value(self.names.error) {
            Some(Value::Object(mut error)) => (
                error.remove(members.code),
                error.remove(members.message).and_then(into_string),
                error.remove(members.field).and_then(into_string),
                error.remove(members.details).unwrap_or(Value::Null),
            ),
            Some(Value::String(message)) => (None, Some(message), None, Value::Null),
            _ => (None, None, None, Value::Null),
        };
        let code = code
            .into_iter()
            .chain(
                self.names
                    .codes
                    .iter()
                    .filter_map(|name| self.value(Some(name))),
            )
            .find_map(|code| match code {
                Value::Number(n) => Some(n.to_string()),
                Value::String(s) => Some(s),
                _ => None,
            });
        ApiError {
            operation: operation.id,
            method: operation.method.clone(),
            path: operation.path,
            status,
            code,
            message: message.or_else(|| self.message()).unwrap_or_default(),
            field,
            details,
            request_id,
            headers,
            attempts: 1,
        }
    }
}

fn into_string(value: Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// The error's message with its position given in `body` rather than in `part`, a slice of it.
fn locate(error: &serde_json::Error, body: &[u8], part: &str) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let (Some(message), Some(offset)) = (
        text.strip_suffix(&suffix),
        (part.as_ptr() as usize).checked_sub(body.as_ptr() as usize),
    ) else {
        return text;
    };
    let Some(before) = body.get(..offset) else {
        return text;
    };
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let start_line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let start_column = offset - line_start + 1;
    let (line, column) = if error.line() == 1 {
        (start_line, start_column + error.column() - 1)
    } else {
        (start_line + error.line() - 1, error.column())
    };
    format!("{message} at line {line} column {column}")
}

/// A decoding error's message with the text of every string value it quotes replaced by its length:
/// serde quotes the value it could not read (`invalid type: string "eyJhbGci...", expected u64`), and
/// that value may be a token or a password.
pub(crate) fn without_strings(message: &str) -> String {
    const MARK: &str = "string \"";
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(MARK) {
        out.push_str(&rest[..at]);
        let quoted = &rest[at + MARK.len()..];
        let mut escaped = false;
        let end = quoted.char_indices().find_map(|(i, c)| match c {
            _ if escaped => {
                escaped = false;
                None
            }
            '\\' => {
                escaped = true;
                None
            }
            '"' => Some(i),
            _ => None,
        });
        match end {
            Some(end) => {
                let chars = quoted[..end].chars().count();
                let unit = if chars == 1 {
                    "character"
                } else {
                    "characters"
                };
                out.push_str(&format!("a string of {chars} {unit}"));
                rest = &quoted[end + 1..];
            }
            None => {
                out.push_str("a string");
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_blank(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

fn header_request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Turns a received response into the call's result.
pub(crate) fn decode<T: DeserializeOwned>(
    operation: &'static Operation,
    envelopes: Option<&'static Envelopes>,
    shape: ResponseShape,
    status: StatusCode,
    headers: HeaderMap,
    body: &[u8],
) -> Result<Response<T>> {
    let decode_error = |message: String, headers: HeaderMap, body: &[u8]| Error::Decode {
        operation: operation.id,
        method: operation.method.clone(),
        path: operation.path,
        status,
        message: without_strings(&message),
        headers: Box::new(headers),
        body: body.to_vec(),
        attempts: 1,
    };
    let envelope = |body| envelopes.map(|names| Envelope::read(names, body));

    if !status.is_success() {
        return Err(match envelope(body) {
            Some(Ok(envelope)) if envelope.is_error() => Error::Api(Box::new(
                envelope.into_api_error(operation, status, headers),
            )),
            _ => match operation
                .error_body
                .as_ref()
                .and_then(|declared| Some((declared, declared.index(status.as_u16())?)))
            {
                Some((declared, index)) => Error::ErrorResponse(Box::new(ErrorResponse::decode(
                    operation,
                    declared,
                    index,
                    status,
                    headers,
                    body.to_vec(),
                ))),
                None => Error::UnexpectedStatus {
                    operation: operation.id,
                    method: operation.method.clone(),
                    path: operation.path,
                    status,
                    headers: Box::new(headers),
                    body: body.to_vec(),
                    attempts: 1,
                },
            },
        });
    }

    let response = |data: T, headers: HeaderMap| Response {
        data,
        status,
        request_id: header_request_id(&headers),
        headers,
        processing_time_ms: None,
        message: None,
        attempts: 1,
    };

    match (shape, envelopes) {
        (ResponseShape::Success | ResponseShape::Status, Some(_)) if is_blank(body) => {
            // No envelope at all (a 204, say): the result must accept `null`.
            match serde_json::from_str::<T>("null") {
                Ok(data) => Ok(response(data, headers)),
                Err(e) => Err(decode_error(
                    format!("the body is empty: {e}"),
                    headers,
                    body,
                )),
            }
        }
        (ResponseShape::Success | ResponseShape::Status, Some(names)) => {
            // The common case in one pass; anything else (a failure, a member that does not decode) is
            // read again below, for its error.
            if let Ok((envelope, data)) = Envelope::read_with_data::<T>(names, body) {
                let data = data.map_or_else(|| serde_json::from_str::<T>("null"), Ok);
                if let (Ok(data), false) = (data, envelope.reports_failure(shape)) {
                    let metadata = envelope.metadata();
                    let request_id = metadata.request_id.or_else(|| header_request_id(&headers));
                    return Ok(Response {
                        data,
                        status,
                        processing_time_ms: metadata.processing_time_ms,
                        message: envelope.message(),
                        headers,
                        request_id,
                        attempts: 1,
                    });
                }
            }
            let envelope = match Envelope::read(names, body) {
                Ok(envelope) => envelope,
                Err(e) => {
                    let message = format!("the body is not a response envelope: {e}");
                    return Err(decode_error(message, headers, body));
                }
            };
            if envelope.reports_failure(shape) {
                let api = envelope.into_api_error(operation, status, headers);
                return Err(Error::Api(Box::new(api)));
            }
            let raw = envelope.data().map_or("null", RawValue::get);
            let data = match serde_json::from_str::<T>(raw) {
                Ok(data) => data,
                Err(e) => {
                    let message = format!(
                        "in member `{}`: {}",
                        envelope.names.data,
                        locate(&e, body, raw)
                    );
                    return Err(decode_error(message, headers, body));
                }
            };
            let metadata = envelope.metadata();
            let request_id = metadata.request_id.or_else(|| header_request_id(&headers));
            Ok(Response {
                data,
                status,
                headers,
                request_id,
                processing_time_ms: metadata.processing_time_ms,
                message: envelope.message(),
                attempts: 1,
            })
        }
        // Without envelopes, an enveloped shape reads the body as it is.
        (ResponseShape::Json | ResponseShape::Success | ResponseShape::Status, _) => {
            let text: &[u8] = if is_blank(body) { b"null" } else { body };
            match serde_json::from_slice::<T>(text) {
                Ok(data) => Ok(response(data, headers)),
                Err(e) => match envelope(body) {
                    Some(Ok(envelope)) if envelope.reports_failure(ResponseShape::Success) => {
                        Err(Error::Api(Box::new(
                            envelope.into_api_error(operation, status, headers),
                        )))
                    }
                    _ => Err(decode_error(e.to_string(), headers, body)),
                },
            }
        }
        (ResponseShape::Text, _) => {
            let decoded = std::str::from_utf8(body)
                .map_err(|e| format!("the body is not UTF-8 text: {e}"))
                .and_then(|text| {
                    T::deserialize(StringDeserializer::<ValueError>::new(text.to_owned()))
                        .map_err(|e| e.to_string())
                });
            match decoded {
                Ok(data) => Ok(response(data, headers)),
                Err(message) => Err(decode_error(message, headers, body)),
            }
        }
        (ResponseShape::Bytes, _) => {
            match T::deserialize(SeqDeserializer::<_, ValueError>::new(body.iter().copied())) {
                Ok(data) => Ok(response(data, headers)),
                Err(e) => Err(decode_error(e.to_string(), headers, body)),
            }
        }
        (ResponseShape::Empty, _) => match T::deserialize(UnitDeserializer::<ValueError>::new()) {
            Ok(data) => Ok(response(data, headers)),
            Err(e) => Err(decode_error(e.to_string(), headers, body)),
        },
    }
}

#[cfg(test)]
/// Envelopes shaped like `{success, data, error: {code, ...}, metadata: {request_id, ...}}`
/// and `{status, responseCode, message, data}`.
pub(crate) static TEST_ENVELOPES: Envelopes = Envelopes {
    success: Some("success"),
    status: Some("status"),
    error: Some("error"),
    codes: &["code", "responseCode"],
    message: Some("message"),
    metadata: Some("metadata"),
    request_id: Some("request_id"),
    processing_time_ms: Some("processing_time_ms"),
    ..Envelopes::new("data")
};

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;
    use reqwest::Method;
    use serde_json::json;

    use super::*;

    static OP: Operation = Operation {
        id: "getUser",
        method: Method::GET,
        path: "/users/{id}",
        servers: None,
        security: &[],
        idempotency_key: None,
        encrypted: &[],
        error_body: None,
    };

    use super::TEST_ENVELOPES as ENVELOPES;
    use crate::request::{decode_variant, ErrorBody, ErrorVariants, StatusMatch};

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct User {
        id: u64,
        name: String,
    }

    fn run<T: DeserializeOwned>(
        shape: ResponseShape,
        status: u16,
        body: &str,
    ) -> Result<Response<T>> {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("hdr-1"));
        let status = StatusCode::from_u16(status).expect("valid status");
        decode(
            &OP,
            Some(&ENVELOPES),
            shape,
            status,
            headers,
            body.as_bytes(),
        )
    }

    #[test]
    fn without_envelopes_bodies_read_as_they_are() {
        let status = StatusCode::OK;
        let body = br#"{"success": true, "data": {"id": 7, "name": "Ada"}}"#;
        let response = decode::<serde_json::Value>(
            &OP,
            None,
            ResponseShape::Success,
            status,
            HeaderMap::new(),
            body,
        )
        .expect("decodes");
        assert_eq!(response.data()["data"]["id"], 7);
        let error = decode::<()>(
            &OP,
            None,
            ResponseShape::Json,
            StatusCode::UNPROCESSABLE_ENTITY,
            HeaderMap::new(),
            br#"{"success": false, "error": {"code": "X", "message": "no"}}"#,
        )
        .expect_err("fails");
        assert!(matches!(error, Error::UnexpectedStatus { .. }), "{error:?}");
    }

    #[test]
    fn decode_messages_quote_no_string_value() {
        let error = run::<User>(
            ResponseShape::Success,
            200,
            r#"{"success": true, "data": {"id": "eyJhbGciOiJIUzI1NiJ9.sec\"ret", "name": "A"}}"#,
        )
        .expect_err("fails");
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("eyJhbGci"), "{shown}");
        assert!(shown.contains("a string of 29 characters"), "{shown}");
        assert!(shown.contains("<79 bytes>"), "{shown}");
    }

    fn code(error: &ApiError) -> Option<String> {
        error.code.as_ref().map(|c| c.to_string())
    }

    #[test]
    fn success_envelope_yields_data_and_metadata() {
        let body = r#"{"success": true, "data": {"id": 7, "name": "Ada"},
            "metadata": {"request_id": "req-9", "timestamp": "2024-01-01T00:00:00Z", "processing_time_ms": 12}}"#;
        let response = run::<User>(ResponseShape::Success, 200, body).expect("decodes");
        assert_eq!(
            response.data(),
            &User {
                id: 7,
                name: "Ada".into()
            }
        );
        assert_eq!(response.request_id(), Some("req-9"));
        assert_eq!(response.processing_time_ms(), Some(12));
        assert_eq!(response.status(), StatusCode::OK);
        let response = response.map(|user| user.id);
        assert_eq!(response.into_data(), 7);
    }

    #[test]
    fn metadata_is_read_where_it_is_an_object_and_skipped_where_it_is_not() {
        let read = |metadata: &str| {
            let body = format!(
                r#"{{"success": true, "data": {{"id": 7, "name": "A"}}, "metadata": {metadata}}}"#
            );
            let response = run::<User>(ResponseShape::Success, 200, &body).expect("decodes");
            (
                response.request_id().map(str::to_owned),
                response.processing_time_ms(),
            )
        };
        // The last of a repeated member counts; a fractional time is rounded.
        assert_eq!(
            read(
                r#"{"request_id": "a", "x": [1, {"y": 2}], "request_id": "b", "processing_time_ms": 2.6}"#
            ),
            (Some("b".to_owned()), Some(3))
        );
        // A request id that is no string, or a time that is no count of milliseconds, is not read: the
        // header's request id stands in.
        assert_eq!(
            read(r#"{"request_id": 5, "processing_time_ms": -1}"#),
            (Some("hdr-1".to_owned()), None)
        );
        assert_eq!(read(r#""req-1""#), (Some("hdr-1".to_owned()), None));
        assert_eq!(read("null"), (Some("hdr-1".to_owned()), None));
    }

    #[test]
    fn missing_data_decodes_from_null() {
        let response = run::<()>(ResponseShape::Success, 200, r#"{"success": true}"#);
        assert!(response.is_ok());
        let response = run::<Option<User>>(
            ResponseShape::Success,
            200,
            r#"{"success": true, "data": null}"#,
        );
        assert_eq!(response.ok().map(Response::into_data), Some(None));
        // Without metadata the request id comes from the header.
        let response = run::<()>(ResponseShape::Success, 200, r#"{"success": true}"#);
        assert_eq!(
            response.ok().as_ref().and_then(Response::request_id),
            Some("hdr-1")
        );
    }

    #[test]
    fn status_envelope_yields_data_and_message() {
        let body = r#"{"status": true, "responseCode": "00", "message": "Account resolved",
            "data": {"id": 1, "name": "VICTOR ADEBIYI"}}"#;
        let response = run::<User>(ResponseShape::Status, 200, body).expect("decodes");
        assert_eq!(response.data().name, "VICTOR ADEBIYI");
        assert_eq!(response.message(), Some("Account resolved"));
        assert_eq!(response.request_id(), Some("hdr-1"));

        let failed = r#"{"status": false, "responseCode": "25", "message": "Invalid account"}"#;
        let error = run::<User>(ResponseShape::Status, 200, failed).expect_err("fails");
        let api = error.api_error().expect("api error");
        assert_eq!(api.message, "Invalid account");
        assert_eq!(code(api).as_deref(), Some("25"));
    }

    #[test]
    fn json_text_bytes_and_empty_shapes() {
        let users = run::<Vec<User>>(ResponseShape::Json, 200, r#"[{"id": 1, "name": "A"}]"#);
        assert_eq!(
            users.map(Response::into_data).ok().map(|u| u.len()),
            Some(1)
        );
        let empty = run::<Option<User>>(ResponseShape::Json, 204, "");
        assert_eq!(empty.ok().map(Response::into_data), Some(None));
        let text = run::<String>(ResponseShape::Text, 200, "plain é");
        assert_eq!(
            text.ok().map(Response::into_data).as_deref(),
            Some("plain é")
        );
        let bytes = run::<Vec<u8>>(ResponseShape::Bytes, 200, "\u{1}\u{2}");
        assert_eq!(bytes.ok().map(Response::into_data), Some(vec![1, 2]));
        let unit = run::<()>(ResponseShape::Empty, 204, "ignored");
        assert!(unit.is_ok());
        let unit = run::<()>(ResponseShape::Success, 204, "");
        assert!(unit.is_ok());
        let error = run::<User>(ResponseShape::Success, 204, "").expect_err("fails");
        assert!(
            error.to_string().ends_with(
                "the body is empty: invalid type: null, expected struct User at line 1 column 4"
            ),
            "{error}"
        );
    }

    #[test]
    fn a_2xx_with_success_false_is_an_api_error() {
        let body = r#"{"success": false, "error": {"code": "VALIDATION_ERROR",
            "message": "amount is required", "field": "amount", "details": {"min": 1}},
            "metadata": {"request_id": "req-2"}}"#;
        let error = run::<User>(ResponseShape::Success, 200, body).expect_err("fails");
        let api = error.api_error().expect("api error");
        assert_eq!(api.status, StatusCode::OK);
        assert_eq!(code(api).as_deref(), Some("VALIDATION_ERROR"));
        assert_eq!(api.field.as_deref(), Some("amount"));
        assert_eq!(api.details, json!({"min": 1}));
        assert_eq!(error.request_id(), Some("req-2"));
        assert!(!error.is_retryable());

        // A bare JSON result that turns out to be the error envelope.
        let error = run::<User>(ResponseShape::Json, 200, body).expect_err("fails");
        assert!(error.api_error().is_some(), "{error}");
    }

    #[test]
    fn a_non_2xx_error_envelope_is_an_api_error() {
        let body = r#"{"success": false, "error": {"code": "RATE_LIMIT_EXCEEDED", "message": "slow down"}}"#;
        let error = run::<User>(ResponseShape::Success, 429, body).expect_err("fails");
        let api = error.api_error().expect("api error");
        assert_eq!(code(api).as_deref(), Some("RATE_LIMIT_EXCEEDED"));
        assert_eq!(api.message, "slow down");
        assert_eq!(api.details, Value::Null);
        assert_eq!(error.request_id(), Some("hdr-1"));
        assert_eq!(error.status(), Some(StatusCode::TOO_MANY_REQUESTS));
        assert!(error.is_retryable());
        assert_eq!(
            error.to_string(),
            "getUser (GET /users/{id}): api error 429 Too Many Requests RATE_LIMIT_EXCEEDED: \
             slow down [request id hdr-1]"
        );
    }

    #[test]
    fn an_html_502_page_is_an_unexpected_status() {
        let body = "<html><body><h1>502 Bad Gateway</h1></body></html>";
        let error = run::<User>(ResponseShape::Success, 502, body).expect_err("fails");
        assert!(matches!(error, Error::UnexpectedStatus { .. }), "{error:?}");
        assert_eq!(error.status(), Some(StatusCode::BAD_GATEWAY));
        assert_eq!(error.body_text().as_deref(), Some(body));
        assert!(error.is_retryable());
        let error = run::<User>(ResponseShape::Json, 404, "").expect_err("fails");
        assert!(matches!(error, Error::UnexpectedStatus { .. }), "{error:?}");
        let error =
            run::<User>(ResponseShape::Json, 400, r#"{"unrelated": 1}"#).expect_err("fails");
        assert!(matches!(error, Error::UnexpectedStatus { .. }), "{error:?}");
    }

    /// The error bodies of an operation whose `404` and `422` carry different schemas, whose `4XX`
    /// and `default` share a third, and whose `410` declares no JSON body.
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Problem {
        message: String,
    }

    #[derive(Debug, PartialEq)]
    enum GetUserError {
        NotFound(Problem),
        Invalid(Vec<String>),
        ClientError(Problem),
        Other(serde_json::Value),
    }

    impl ErrorVariants for GetUserError {
        fn decode_variant(
            index: usize,
            body: &[u8],
        ) -> std::result::Result<Self, serde_json::Error> {
            match index {
                0 => serde_json::from_slice(body).map(Self::NotFound),
                1 => serde_json::from_slice(body).map(Self::Invalid),
                2 => serde_json::from_slice(body).map(Self::ClientError),
                _ => serde_json::from_slice(body).map(Self::Other),
            }
        }
    }

    static TYPED: Operation = Operation {
        id: "getUser",
        method: Method::GET,
        path: "/users/{id}",
        servers: None,
        security: &[],
        idempotency_key: None,
        encrypted: &[],
        error_body: Some(ErrorBody {
            type_name: "GetUserError",
            statuses: &[
                (StatusMatch::Range(4), Some(2)),
                (StatusMatch::Code(404), Some(0)),
                (StatusMatch::Default, Some(3)),
                (StatusMatch::Code(410), None),
                (StatusMatch::Code(422), Some(1)),
            ],
            decode: decode_variant::<GetUserError>,
        }),
    };

    fn typed(envelopes: Option<&'static Envelopes>, status: u16, body: &str) -> Error {
        decode::<User>(
            &TYPED,
            envelopes,
            ResponseShape::Json,
            StatusCode::from_u16(status).expect("a status"),
            HeaderMap::new(),
            body.as_bytes(),
        )
        .expect_err("a non-2xx status fails")
    }

    #[test]
    fn declared_error_bodies_decode_by_status_exact_code_then_range_then_default() {
        let not_found = typed(None, 404, r#"{"message": "no such user"}"#);
        assert_eq!(
            not_found.error_body::<GetUserError>(),
            Some(&GetUserError::NotFound(Problem {
                message: "no such user".into()
            }))
        );
        assert_eq!(
            typed(None, 422, r#"["name"]"#).error_body::<GetUserError>(),
            Some(&GetUserError::Invalid(vec!["name".into()]))
        );
        assert!(matches!(
            typed(None, 409, r#"{"message": "busy"}"#).error_body::<GetUserError>(),
            Some(GetUserError::ClientError(Problem { .. }))
        ));
        assert!(matches!(
            typed(None, 503, "[1]").error_body::<GetUserError>(),
            Some(GetUserError::Other(serde_json::Value::Array(_)))
        ));
        // Declared without a JSON body: neither the range nor `default` applies.
        let gone = typed(None, 410, r#"{"message": "gone"}"#);
        assert!(matches!(gone, Error::UnexpectedStatus { .. }), "{gone:?}");
        // Another type than the declared one gives nothing.
        assert_eq!(not_found.error_body::<Problem>(), None);
        assert_eq!(not_found.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(
            not_found.body_text().as_deref(),
            Some(r#"{"message": "no such user"}"#)
        );
        assert!(!not_found.is_retryable());
        assert_eq!(
            not_found.to_string(),
            r#"getUser (GET /users/{id}): error status 404 Not Found: {"message": "no such user"}"#
        );
        let Error::ErrorResponse(response) = not_found else {
            panic!("not a declared error response");
        };
        assert_eq!(response.type_name(), "GetUserError");
        let Ok(GetUserError::NotFound(problem)) = response.into_body::<GetUserError>() else {
            panic!("the body is a `NotFound`");
        };
        assert_eq!(problem.message, "no such user");
    }

    #[test]
    fn a_declared_error_body_that_does_not_decode_keeps_its_bytes_and_the_reason() {
        let body = r#"{"message": 7, "token": "eyJhbGciOiJIUzI1NiJ9.secret"}"#;
        let error = typed(None, 404, body);
        let response = error.error_response().expect("a declared error response");
        assert_eq!(error.error_body::<GetUserError>(), None);
        assert_eq!(
            response.decode_problem(),
            Some("invalid type: integer `7`, expected a string at line 1 column 13")
        );
        assert_eq!(error.body(), Some(body.as_bytes()));
        let debug = format!("{error:?}");
        assert!(
            debug.contains(&format!("raw: <{} bytes>", body.len())),
            "{debug}"
        );
        assert!(!debug.contains("eyJhbGci"), "{debug}");
        assert!(
            error.to_string().starts_with(
                "getUser (GET /users/{id}): error status 404 Not Found, the body is not a \
                 `GetUserError` (invalid type: integer `7`, expected a string at line 1 column 13)"
            ),
            "{error}"
        );
    }

    #[test]
    fn the_error_envelope_comes_before_declared_error_bodies() {
        let body = r#"{"success": false, "error": {"code": "NOT_FOUND", "message": "no"}}"#;
        let error = typed(Some(&ENVELOPES), 404, body);
        assert!(error.api_error().is_some(), "{error:?}");
        // A body that is no error envelope is read as the declared type.
        let error = typed(Some(&ENVELOPES), 422, r#"["name"]"#);
        assert_eq!(
            error.error_body::<GetUserError>(),
            Some(&GetUserError::Invalid(vec!["name".into()]))
        );
    }

    #[test]
    fn truncated_json_is_a_decode_error_keeping_the_body() {
        let body = r#"{"success": true, "data": {"id": 7, "na"#;
        let error = run::<User>(ResponseShape::Success, 200, body).expect_err("fails");
        let Error::Decode { message, .. } = &error else {
            panic!("not a decode error: {error:?}");
        };
        assert_eq!(
            message,
            "the body is not a response envelope: EOF while parsing a string at line 1 column 39"
        );
        assert_eq!(error.body_text().as_deref(), Some(body));
        assert!(!error.is_retryable());
    }

    #[test]
    fn members_are_found_in_any_order_and_spelling() {
        // The data member first, escaped member names, the failure flag after the data.
        let body = r#"{"d\u0061ta": {"id": 7, "name": "Ada"}, "succ\u0065ss": true,
            "metadata": {"request_\u0069d": "req-3", "processing_time_ms": 4.6}}"#;
        let response = run::<User>(ResponseShape::Success, 200, body).expect("decodes");
        assert_eq!(response.data().id, 7);
        assert_eq!(response.request_id(), Some("req-3"));
        assert_eq!(response.processing_time_ms(), Some(5));
        let body =
            r#"{"data": {"id": 7, "name": "Ada"}, "succ\u0065ss": false, "error": "declined"}"#;
        let error = run::<User>(ResponseShape::Success, 200, body).expect_err("fails");
        assert_eq!(
            error.api_error().map(|api| api.message.as_str()),
            Some("declined")
        );
        // A data member that does not decode, in an envelope that reports a failure: the failure.
        let body = r#"{"data": {"id": "seven"}, "success": false, "error": "declined"}"#;
        let error = run::<User>(ResponseShape::Success, 200, body).expect_err("fails");
        assert_eq!(
            error.api_error().map(|api| api.message.as_str()),
            Some("declined")
        );
    }

    #[test]
    fn a_wrong_data_member_is_a_decode_error_naming_it() {
        let body = r#"{"success": true, "data": {"id": "seven", "name": "Ada"}}"#;
        let error = run::<User>(ResponseShape::Success, 200, body).expect_err("fails");
        assert_eq!(
            error.to_string(),
            "getUser (GET /users/{id}): cannot decode the 200 OK response: in member `data`: \
             invalid type: a string of 5 characters, expected u64 at line 1 column 40"
        );
        let body = "{\n  \"success\": true,\n  \"data\": {\n    \"id\": \"x\"\n  }\n}";
        let error = run::<User>(ResponseShape::Success, 200, body).expect_err("fails");
        assert!(
            error.to_string().ends_with(
                "in member `data`: invalid type: a string of 1 character, expected u64 at line 4 column 13"
            ),
            "{error}"
        );
        let error = run::<User>(ResponseShape::Json, 200, r#"{"id": 1}"#).expect_err("fails");
        assert!(
            matches!(&error, Error::Decode { message, .. } if message == "missing field `name` at line 1 column 9"),
            "{error:?}"
        );
    }
}
