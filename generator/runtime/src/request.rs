//! What an operation is and how one call of it is described: parameters, body, options.
//!
//! The operation code fills a [`Request`] through its helpers, which never fail:
//! a value that cannot be encoded is remembered and reported as
//! [`Error::InvalidRequest`](super::Error::InvalidRequest) when the request is executed.

use std::any::Any;
use std::fmt;
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::retry::RetryPolicy;

/// A server of the API: a URL template and the defaults of its variables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Server {
    /// The URL template, such as `https://{domain}.example.com/api`.
    pub url: &'static str,
    /// Each variable of the template with its default value.
    pub variables: &'static [(&'static str, &'static str)],
}

/// How a security scheme carries its credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemeKind {
    /// An API key sent in the named header.
    ApiKeyHeader(&'static str),
    /// An API key sent in the named query parameter.
    ApiKeyQuery(&'static str),
    /// An API key sent in the named cookie.
    ApiKeyCookie(&'static str),
    /// A token sent as `Authorization: Bearer <token>` (HTTP bearer and OAuth 2).
    Bearer,
    /// A user name and password sent as `Authorization: Basic <base64>`.
    Basic,
}

/// A security scheme of the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The scheme's name in the API description, under which its credential is configured.
    pub name: &'static str,
    /// How the credential is sent.
    pub kind: SchemeKind,
}

/// An operation of the API.
#[derive(Clone, Debug)]
pub struct Operation {
    /// The operation id.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template, such as `/users/{id}/items`.
    pub path: &'static str,
    /// The operation's own servers, or `None` for the API's root servers.
    pub servers: Option<&'static [Server]>,
    /// The accepted security requirements: any one alternative suffices, all schemes
    /// of an alternative are sent, an empty alternative allows anonymous calls and an
    /// empty list means the operation takes no authentication.
    pub security: &'static [&'static [&'static SecurityScheme]],
    /// The header carrying the operation's idempotency key, if it declares one: the
    /// client sends a fresh UUID v4 there when the caller gives none, the same on every
    /// attempt, and only such writes are retried once they may have reached the server.
    pub idempotency_key: Option<&'static str>,
    /// JSON pointers, into the request body, of the string members to encrypt with the
    /// client's [`EncryptionKey`](super::EncryptionKey); `*` stands for every array item.
    pub encrypted: &'static [&'static str],
    /// The type the JSON bodies of its declared non-2xx responses decode into, if any
    /// declares one.
    pub error_body: Option<ErrorBody>,
}

/// A decoded error body, of the type its [`ErrorBody`] names.
pub type AnyBody = Box<dyn Any + Send + Sync>;

/// How the JSON bodies of an operation's declared non-2xx responses are read: the
/// statuses the operation declares and, for those with a JSON body, how it decodes.
///
/// A response of such a status becomes [`Error::ErrorResponse`](super::Error::ErrorResponse),
/// its body decoded into the type named here (one type shared by every status, or an
/// enum with a variant per status).
#[derive(Clone, Copy, Debug)]
pub struct ErrorBody {
    /// The Rust name of the type, as messages name it.
    pub type_name: &'static str,
    /// Every non-2xx status the operation declares, each with the index `decode` takes
    /// for its body, or `None` when the status has no JSON body.
    pub statuses: &'static [(StatusMatch, Option<usize>)],
    /// Decodes the body of the status at an index of `statuses` into the type.
    pub decode: fn(usize, &[u8]) -> Result<AnyBody, serde_json::Error>,
}

/// The statuses one declared response covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusMatch {
    /// One status, such as `404`.
    Code(u16),
    /// A class of statuses by its first digit: `Range(4)` is `4XX`.
    Range(u16),
    /// Any status the operation declares no other response for (`default`).
    Default,
}

impl ErrorBody {
    /// The declared response for `status` (an exact code before a range before `default`),
    /// when it has a JSON body: the index `decode` takes.
    pub(crate) fn index(&self, status: u16) -> Option<usize> {
        let find = |wanted: &dyn Fn(StatusMatch) -> bool| {
            self.statuses
                .iter()
                .find(|(m, _)| wanted(*m))
                .map(|(_, i)| *i)
        };
        find(&|m| m == StatusMatch::Code(status))
            .or_else(|| find(&|m| m == StatusMatch::Range(status / 100)))
            .or_else(|| find(&|m| m == StatusMatch::Default))
            .flatten()
    }
}

/// An error type with one variant per declared status, each decoded from that status's
/// JSON body; generated code implements it for the enums it names in [`ErrorBody`].
pub trait ErrorVariants: Sized + Send + Sync + 'static {
    /// Decodes `body` into the variant of the declared status at `index`.
    fn decode_variant(index: usize, body: &[u8]) -> Result<Self, serde_json::Error>;
}

/// An [`ErrorBody::decode`] for a type every declared status shares.
pub fn decode_as<T: DeserializeOwned + Send + Sync + 'static>(
    _index: usize,
    body: &[u8],
) -> Result<AnyBody, serde_json::Error> {
    Ok(Box::new(serde_json::from_slice::<T>(body)?))
}

/// An [`ErrorBody::decode`] for an enum with a variant per declared status.
pub fn decode_variant<T: ErrorVariants>(
    index: usize,
    body: &[u8],
) -> Result<AnyBody, serde_json::Error> {
    Ok(Box::new(T::decode_variant(index, body)?))
}

/// How the body of a successful response is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseShape {
    /// `{success, data, metadata: {request_id, timestamp, processing_time_ms}}`: the result is `data`.
    Success,
    /// `{status, responseCode, message, data}`: the result is `data`.
    Status,
    /// The whole body is the result (an empty body reads as `null`).
    Json,
    /// The body is text (the result type is `String`).
    Text,
    /// The body is raw bytes (the result type is `Vec<u8>`).
    Bytes,
    /// The body is ignored (the result type is `()`).
    Empty,
}

/// How a JSON request body is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestEnvelope {
    /// The body as it is.
    None,
    /// `{"data": <body>, "metadata": {"request_id": <fresh UUID v4>, "timestamp": <now, RFC 3339>}}`.
    Wrap,
}

/// One part of a `multipart/form-data` body.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Part {
    /// A text field.
    Text {
        /// The field name.
        name: String,
        /// The field value.
        value: String,
    },
    /// A file.
    File {
        /// The field name.
        name: String,
        /// The file name sent with the part.
        file_name: String,
        /// The content type of the part, if known.
        content_type: Option<String>,
        /// The file's contents.
        bytes: Vec<u8>,
    },
    /// A field whose value could not be encoded: executing the request fails with this message.
    Invalid {
        /// The field name.
        name: String,
        /// Why the value could not be encoded.
        message: String,
    },
}

impl Part {
    /// A text field: strings are sent as they are, other values JSON-encoded.
    pub fn text(name: impl Into<String>, value: impl Serialize) -> Part {
        let name = name.into();
        let encoded = match serde_json::to_value(&value) {
            Ok(Value::String(s)) => Ok(s),
            Ok(other) => Ok(other.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match encoded {
            Ok(value) => Part::Text { name, value },
            Err(e) => Part::Invalid {
                message: format!("cannot encode multipart field `{name}`: {e}"),
                name,
            },
        }
    }

    /// A file whose file name is the field name; see [`Part::with_file_name`].
    pub fn file(name: impl Into<String>, bytes: Vec<u8>) -> Part {
        let name = name.into();
        Part::File {
            file_name: name.clone(),
            name,
            content_type: None,
            bytes,
        }
    }

    /// Sets the file name of a file part (other parts are returned unchanged).
    pub fn with_file_name(mut self, new: impl Into<String>) -> Part {
        if let Part::File { file_name, .. } = &mut self {
            *file_name = new.into();
        }
        self
    }

    /// Sets the content type of a file part (other parts are returned unchanged).
    pub fn with_content_type(mut self, new: impl Into<String>) -> Part {
        if let Part::File { content_type, .. } = &mut self {
            *content_type = Some(new.into());
        }
        self
    }
}

impl fmt::Debug for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values may be secrets (a PIN, a card number): show only their size.
        match self {
            Part::Text { name, value } => f
                .debug_struct("Text")
                .field("name", name)
                .field("len", &value.len())
                .finish(),
            Part::File {
                name,
                file_name,
                content_type,
                bytes,
            } => f
                .debug_struct("File")
                .field("name", name)
                .field("file_name", file_name)
                .field("content_type", content_type)
                .field("len", &bytes.len())
                .finish(),
            Part::Invalid { name, message } => f
                .debug_struct("Invalid")
                .field("name", name)
                .field("message", message)
                .finish(),
        }
    }
}

/// The body of a request, encoded when it was set.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// A JSON document.
    Json(Vec<u8>),
    /// An `application/x-www-form-urlencoded` body.
    Form(String),
    /// A `multipart/form-data` body.
    Multipart(Vec<Part>),
    /// Bytes of the given content type.
    Raw {
        /// The body.
        bytes: Vec<u8>,
        /// Its content type.
        content_type: String,
    },
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Bodies may carry secrets (a password at login): show only their size.
        match self {
            Body::Empty => f.write_str("Empty"),
            Body::Json(bytes) => write!(f, "Json({} bytes)", bytes.len()),
            Body::Form(text) => write!(f, "Form({} bytes)", text.len()),
            Body::Multipart(parts) => f.debug_tuple("Multipart").field(parts).finish(),
            Body::Raw {
                bytes,
                content_type,
            } => write!(f, "Raw({content_type}, {} bytes)", bytes.len()),
        }
    }
}

/// Options of a single call: they override the client's settings for that call.
#[derive(Clone, Default)]
pub struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) headers: HeaderMap,
    pub(crate) error: Option<String>,
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A header may carry a credential (a per-call `X-Auth-Token`): show its name only.
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("error", &self.error)
            .finish()
    }
}

impl RequestOptions {
    /// Options that change nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// The timeout of each attempt of this call, instead of the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The retry policy of this call, instead of the client's; [`RetryPolicy::none`]
    /// turns retries off.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// A header sent with this call, replacing any header of that name the call would send.
    ///
    /// An invalid name or value makes the call fail with
    /// [`Error::InvalidRequest`](super::Error::InvalidRequest).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match header_pair(name, value) {
            Ok((name, mut value)) => {
                // It may be a credential: never printed, never indexed by HTTP/2 header compression.
                value.set_sensitive(true);
                self.headers.insert(name, value);
            }
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        self
    }
}

/// One call of an operation: its parameters and body, ready to be executed by a
/// [`Client`](super::Client).
#[derive(Clone)]
pub struct Request {
    pub(crate) operation: &'static Operation,
    pub(crate) path_params: Vec<(String, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Body,
    /// Whether the JSON body is wrapped in the request envelope (its `data` is the body).
    pub(crate) enveloped: bool,
    /// The call's options, where any was given: most calls have none, and the request is moved
    /// into the call's future.
    pub(crate) options: Option<Box<RequestOptions>>,
    pub(crate) error: Option<String>,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header and query values may be secrets: show their names only.
        f.debug_struct("Request")
            .field("operation", &self.operation.id)
            .field("method", &self.operation.method)
            .field("path", &self.operation.path)
            .field(
                "query",
                &self.query.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body", &self.body)
            .field("error", &self.error)
            .finish()
    }
}

/// Every byte outside RFC 3986's unreserved set (`A-Z a-z 0-9 - . _ ~`).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

impl Request {
    /// A request for `operation` with no parameters and no body.
    pub fn new(operation: &'static Operation) -> Self {
        Request {
            operation,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: Body::Empty,
            enveloped: false,
            options: None,
            error: None,
        }
    }

    /// The operation this request calls.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// The body, as it will be sent.
    pub fn body(&self) -> &Body {
        &self.body
    }

    /// Sets the path parameter `name`, percent-encoding every byte outside RFC 3986's
    /// unreserved characters; arrays are joined with `,`. A value of `.` or `..` that would be a
    /// whole segment of the path is refused: URLs read it as a step up or in place, so the call
    /// would go to another path (`%2E` is read the same way).
    pub fn path_param(&mut self, name: &str, value: &(impl Serialize + ?Sized)) -> &mut Self {
        let encoded = match to_value(value) {
            Ok(Value::Null) => Err("it has no value".to_owned()),
            Ok(Value::String(text)) => Ok(encode_path(&text)),
            Ok(value) => Ok(simple(&value, encode_path)),
            Err(e) => Err(e),
        };
        let encoded = encoded.and_then(|encoded| {
            if matches!(encoded.as_str(), "." | "..") && self.fills_a_segment(name) {
                Err(format!(
                    "`{encoded}` would be read as a relative path segment and send the call to another path"
                ))
            } else {
                Ok(encoded)
            }
        });
        match encoded {
            Ok(encoded) => {
                self.path_params.retain(|(n, _)| n != name);
                self.path_params.push((name.to_owned(), encoded));
            }
            Err(e) => self.fail(format!("cannot encode path parameter `{name}`: {e}")),
        }
        self
    }

    /// Whether the placeholder of path parameter `name` is a whole segment of the path.
    fn fills_a_segment(&self, name: &str) -> bool {
        let placeholder = format!("{{{name}}}");
        self.operation
            .path
            .split('/')
            .any(|segment| segment == placeholder)
    }

    /// Adds the query parameter `name` (form style, exploded): `None` is skipped,
    /// an array repeats the key, an object sends each member as its own key.
    pub fn query(&mut self, name: &str, value: &(impl Serialize + ?Sized)) -> &mut Self {
        match to_value(value) {
            Ok(Value::Null) => {}
            Ok(Value::Array(items)) => {
                for item in &items {
                    self.push_query(name, item);
                }
            }
            Ok(Value::Object(members)) => {
                for (key, member) in &members {
                    match member {
                        Value::Array(items) => {
                            for item in items {
                                self.push_query(key, item);
                            }
                        }
                        other => self.push_query(key, other),
                    }
                }
            }
            Ok(other) => self.push_query(name, &other),
            Err(e) => self.fail(format!("cannot encode query parameter `{name}`: {e}")),
        }
        self
    }

    fn push_query(&mut self, name: &str, value: &Value) {
        if let Some(value) = scalar(value) {
            self.query.push((name.to_owned(), value));
        }
    }

    /// Sets the header `name`: `None` is skipped, arrays are joined with `,`.
    pub fn header(&mut self, name: &'static str, value: &(impl Serialize + ?Sized)) -> &mut Self {
        let text = match to_value(value) {
            Ok(Value::Null) => return self,
            Ok(Value::String(text)) => text,
            Ok(value) => simple(&value, str::to_owned),
            Err(e) => {
                self.fail(format!("cannot encode header `{name}`: {e}"));
                return self;
            }
        };
        let header = static_header_name(name).and_then(|name| {
            // The text becomes the value as it is, not copied.
            let value = HeaderValue::try_from(text)
                .map_err(|_| format!("the value of header `{name}` is not a valid header value"))?;
            Ok((name, value))
        });
        match header {
            Ok((name, value)) => {
                self.headers.insert(name, value);
            }
            Err(e) => self.fail(e),
        }
        self
    }

    /// Sets the header `name` to `value`, text the generated code holds (a parameter's default): no
    /// copy is made of it.
    pub fn header_text(&mut self, name: &'static str, value: &'static str) -> &mut Self {
        // `HeaderValue::from_static` takes visible ASCII, spaces and tabs; anything else is an error here.
        let visible = value
            .bytes()
            .all(|b| b == b'\t' || (b' '..=b'~').contains(&b));
        let header = static_header_name(name).and_then(|name| {
            if visible {
                Ok((name, HeaderValue::from_static(value)))
            } else {
                Err(format!(
                    "the value of header `{name}` is not a valid header value"
                ))
            }
        });
        match header {
            Ok((name, value)) => {
                self.headers.insert(name, value);
            }
            Err(e) => self.fail(e),
        }
        self
    }

    /// Adds the cookie `name` to the `Cookie` header: `None` is skipped, arrays are joined with `,`.
    pub fn cookie(&mut self, name: &str, value: &(impl Serialize + ?Sized)) -> &mut Self {
        let text = match to_value(value) {
            Ok(Value::Null) => return self,
            Ok(value) => simple(&value, str::to_owned),
            Err(e) => {
                self.fail(format!("cannot encode cookie `{name}`: {e}"));
                return self;
            }
        };
        let pair = format!("{name}={text}");
        let cookie = match self
            .headers
            .get(reqwest::header::COOKIE)
            .and_then(|v| v.to_str().ok())
        {
            Some(existing) => format!("{existing}; {pair}"),
            None => pair,
        };
        match header_pair("cookie", &cookie) {
            Ok((name, value)) => {
                self.headers.insert(name, value);
            }
            Err(e) => self.fail(e),
        }
        self
    }

    /// Sets a JSON body, wrapped in the request envelope if asked.
    ///
    /// The envelope's `request_id` and `timestamp` are fixed here, so every attempt
    /// of this request sends the same ones.
    pub fn json_body(
        &mut self,
        body: &(impl Serialize + ?Sized),
        envelope: RequestEnvelope,
    ) -> &mut Self {
        let encoded = match envelope {
            RequestEnvelope::None => serde_json::to_vec(body).map_err(|e| e.to_string()),
            RequestEnvelope::Wrap => wrap(body),
        };
        self.enveloped = envelope == RequestEnvelope::Wrap;
        match encoded {
            Ok(bytes) => self.body = Body::Json(bytes),
            Err(e) => self.fail(format!("cannot encode the JSON body: {e}")),
        }
        self
    }

    /// Sets an `application/x-www-form-urlencoded` body.
    pub fn form_body(&mut self, body: &(impl Serialize + ?Sized)) -> &mut Self {
        match serde_urlencoded::to_string(body) {
            Ok(text) => self.body = Body::Form(text),
            Err(e) => self.fail(format!("cannot encode the form body: {e}")),
        }
        self
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart_body(&mut self, parts: Vec<Part>) -> &mut Self {
        self.body = Body::Multipart(parts);
        self
    }

    /// Sets a body of raw bytes.
    pub fn raw_body(&mut self, bytes: Vec<u8>, content_type: &str) -> &mut Self {
        self.body = Body::Raw {
            bytes,
            content_type: content_type.to_owned(),
        };
        self
    }

    /// Sets a text body.
    pub fn text_body(&mut self, text: String, content_type: &str) -> &mut Self {
        self.raw_body(text.into_bytes(), content_type)
    }

    /// Applies the options of this call.
    pub fn options(&mut self, options: RequestOptions) -> &mut Self {
        let given = options.timeout.is_some()
            || options.retry.is_some()
            || !options.headers.is_empty()
            || options.error.is_some();
        self.options = given.then(|| Box::new(options));
        self
    }

    /// The call's options: none given is every default.
    pub(crate) fn call_options(&self) -> &RequestOptions {
        static NONE: std::sync::LazyLock<RequestOptions> =
            std::sync::LazyLock::new(RequestOptions::default);
        self.options.as_deref().unwrap_or(&NONE)
    }

    /// Remembers the first encoding failure; it is reported when the request is executed.
    fn fail(&mut self, message: String) {
        self.error.get_or_insert(message);
    }

    /// The path with every `{name}` replaced by its encoded parameter, written at the end of `out`.
    pub(crate) fn push_path(&self, out: &mut String) -> Result<(), String> {
        let mut rest = self.operation.path;
        while let Some((before, after)) = rest.split_once('{') {
            let Some((name, after)) = after.split_once('}') else {
                break;
            };
            let value = self
                .path_params
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v)
                .ok_or_else(|| format!("path parameter `{name}` is not set"))?;
            out.push_str(before);
            out.push_str(value);
            rest = after;
        }
        out.push_str(rest);
        Ok(())
    }
}

fn to_value(value: &(impl Serialize + ?Sized)) -> Result<Value, String> {
    serde_json::to_value(value).map_err(|e| e.to_string())
}

/// The text of a parameter value: strings as they are, numbers and booleans
/// printed, nested arrays and objects as JSON; `None` for null.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        // A whole `number` is written as an integer: `10`, not `10.0`.
        Value::Number(n) => Some(match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 => {
                format!("{f:.0}")
            }
            _ => n.to_string(),
        }),
        other => Some(other.to_string()),
    }
}

/// A value in the simple style of RFC 6570: array items, and object members as `key,value`,
/// encoded one by one and joined with `,`.
fn simple(value: &Value, encode: impl Fn(&str) -> String) -> String {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(scalar)
            .map(|item| encode(&item))
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(members) => members
            .iter()
            .filter_map(|(key, member)| {
                Some(format!("{},{}", encode(key), encode(&scalar(member)?)))
            })
            .collect::<Vec<_>>()
            .join(","),
        other => scalar(other).map(|s| encode(&s)).unwrap_or_default(),
    }
}

fn encode_path(text: &str) -> String {
    utf8_percent_encode(text, PATH_SEGMENT).to_string()
}

/// The header name `name`: a lowercase name is used where it is, not copied, so that the
/// name costs nothing to build or to clone for each attempt.
fn static_header_name(name: &'static str) -> Result<HeaderName, String> {
    // `HeaderName::from_static` takes every lowercase token; these bytes are a subset of them.
    let lowercase_token = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b));
    if lowercase_token {
        Ok(HeaderName::from_static(name))
    } else {
        header_name(name)
    }
}

fn header_name(name: &str) -> Result<HeaderName, String> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("`{name}` is not a valid header name"))
}

pub(crate) fn header_pair(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let name = header_name(name)?;
    let value = HeaderValue::from_str(value)
        .map_err(|_| format!("the value of header `{name}` is not a valid header value"))?;
    Ok((name, value))
}

fn wrap(body: &(impl Serialize + ?Sized)) -> Result<Vec<u8>, String> {
    #[derive(Serialize)]
    struct Envelope<'a, T: ?Sized> {
        data: &'a T,
        metadata: Metadata,
    }
    #[derive(Serialize)]
    struct Metadata {
        request_id: uuid::Uuid,
        timestamp: String,
    }
    let timestamp = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| e.to_string())?;
    let envelope = Envelope {
        data: body,
        metadata: Metadata {
            request_id: uuid::Uuid::new_v4(),
            timestamp,
        },
    };
    serde_json::to_vec(&envelope).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// The path with every `{name}` replaced by its encoded parameter.
    fn expand_path(request: &Request) -> Result<String, String> {
        let mut out = String::new();
        request.push_path(&mut out)?;
        Ok(out)
    }

    static OP: Operation = Operation {
        id: "getItem",
        method: Method::GET,
        path: "/users/{id}/items/{item}",
        servers: None,
        security: &[],
        idempotency_key: None,
        encrypted: &[],
        error_body: None,
    };

    fn path_of(id: &impl Serialize, item: &impl Serialize) -> Result<String, String> {
        let mut request = Request::new(&OP);
        request.path_param("id", id).path_param("item", item);
        match request.error {
            Some(e) => Err(e),
            None => expand_path(&request),
        }
    }

    #[test]
    fn path_params_encode_every_reserved_byte() {
        assert_eq!(
            path_of(&"a b/c?d%é#", &"x-y.z_~").as_deref(),
            Ok("/users/a%20b%2Fc%3Fd%25%C3%A9%23/items/x-y.z_~")
        );
        assert_eq!(path_of(&42, &true).as_deref(), Ok("/users/42/items/true"));
        assert_eq!(
            path_of(&-1.5, &Some("s")).as_deref(),
            Ok("/users/-1.5/items/s")
        );
        assert_eq!(
            path_of(&["a,b", "c"], &vec![1, 2]).as_deref(),
            Ok("/users/a%2Cb,c/items/1,2")
        );
        assert_eq!(
            path_of(&uuid::Uuid::nil(), &rust_decimal::Decimal::new(1050, 2)).as_deref(),
            Ok("/users/00000000-0000-0000-0000-000000000000/items/10.50")
        );
    }

    #[test]
    fn whole_numbers_are_written_without_a_fraction() {
        assert_eq!(
            path_of(&10.0_f64, &2.5_f64).as_deref(),
            Ok("/users/10/items/2.5")
        );
        assert_eq!(
            path_of(&-3.0_f64, &1e300_f64).as_deref(),
            Ok("/users/-3/items/1e%2B300")
        );
    }

    #[test]
    fn path_params_that_are_missing_or_null_are_errors() {
        assert_eq!(
            path_of(&1, &None::<i32>),
            Err("cannot encode path parameter `item`: it has no value".to_owned())
        );
        let mut request = Request::new(&OP);
        request.path_param("id", &1).path_param("id", &2);
        assert_eq!(
            expand_path(&request),
            Err("path parameter `item` is not set".to_owned())
        );
        let item = String::from("x y");
        request.path_param("item", item.as_str());
        assert_eq!(expand_path(&request).as_deref(), Ok("/users/2/items/x%20y"));
    }

    #[test]
    fn dot_segments_are_refused_where_they_would_change_the_path() {
        for dots in [".", ".."] {
            assert_eq!(
                path_of(&dots, &"x"),
                Err(format!(
                    "cannot encode path parameter `id`: `{dots}` would be read as a relative path segment and send the call to another path"
                ))
            );
        }
        // Within a segment, or with other text, dots are ordinary characters.
        assert_eq!(
            path_of(&"...", &"a..b").as_deref(),
            Ok("/users/.../items/a..b")
        );
        assert_eq!(
            path_of(&"%2e%2e", &"x").as_deref(),
            Ok("/users/%252e%252e/items/x")
        );
        static FILE: Operation = Operation {
            id: "getFile",
            method: Method::GET,
            path: "/files/{name}.json",
            servers: None,
            security: &[],
            idempotency_key: None,
            encrypted: &[],
            error_body: None,
        };
        let mut request = Request::new(&FILE);
        request.path_param("name", "..");
        assert_eq!(expand_path(&request).as_deref(), Ok("/files/...json"));
    }

    #[test]
    fn query_skips_none_repeats_arrays_and_explodes_objects() {
        #[derive(Serialize)]
        struct Filter {
            status: &'static str,
            page: Option<u32>,
            tags: Vec<&'static str>,
        }
        let mut request = Request::new(&OP);
        request
            .query("absent", &None::<String>)
            .query("limit", &Some(10))
            .query("ids", &[1, 2, 3][..])
            .query(
                "filter",
                &Filter {
                    status: "open",
                    page: None,
                    tags: vec!["a", "b c"],
                },
            )
            .query("flag", &false);
        let pairs: Vec<(&str, &str)> = request
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("limit", "10"),
                ("ids", "1"),
                ("ids", "2"),
                ("ids", "3"),
                ("status", "open"),
                ("tags", "a"),
                ("tags", "b c"),
                ("flag", "false"),
            ]
        );
        assert_eq!(request.error, None);
    }

    #[test]
    fn header_text_is_sent_as_it_is_and_refused_where_it_is_no_header_value() {
        let mut request = Request::new(&OP);
        request
            .header_text("platform", "fincode")
            .header_text("X-Tier", "gold \t 2");
        assert_eq!(request.headers["platform"], "fincode");
        assert_eq!(request.headers["x-tier"], "gold \t 2");
        assert_eq!(request.error, None);

        request.header_text("x-ok", "line\nbreak");
        assert_eq!(
            request.error.as_deref(),
            Some("the value of header `x-ok` is not a valid header value")
        );
        let mut request = Request::new(&OP);
        request.header_text("x-accented", "caf\u{e9}");
        assert!(request.error.is_some());
        assert_eq!(request.headers.get("x-accented"), None);
    }

    #[test]
    fn headers_skip_none_and_join_arrays() {
        let mut request = Request::new(&OP);
        request
            .header("x-absent", &None::<&str>)
            .header("x-list", &["a", "b"])
            .header("x-number", &7)
            .header("platform", &"fincode");
        assert_eq!(request.headers.get("x-absent"), None);
        assert_eq!(request.headers["x-list"], "a,b");
        assert_eq!(request.headers["x-number"], "7");
        assert_eq!(request.headers["platform"], "fincode");
        assert_eq!(request.error, None);

        request
            .header("bad name", &"x")
            .header("x-ok", &"line\nbreak");
        assert_eq!(
            request.error.as_deref(),
            Some("`bad name` is not a valid header name")
        );
    }

    #[test]
    fn json_body_wraps_in_the_request_envelope() {
        let mut request = Request::new(&OP);
        request.json_body(
            &serde_json::json!({"amount": "10.00"}),
            RequestEnvelope::Wrap,
        );
        let Body::Json(bytes) = &request.body else {
            panic!("not a JSON body: {:?}", request.body);
        };
        let sent: Value = serde_json::from_slice(bytes).unwrap_or_default();
        assert_eq!(sent["data"], serde_json::json!({"amount": "10.00"}));
        let id = sent["metadata"]["request_id"].as_str().unwrap_or_default();
        let id = uuid::Uuid::parse_str(id).map(|u| u.get_version_num());
        assert_eq!(id, Ok(4));
        let timestamp = sent["metadata"]["timestamp"].as_str().unwrap_or_default();
        assert!(time::OffsetDateTime::parse(
            timestamp,
            &time::format_description::well_known::Rfc3339
        )
        .is_ok());

        request.json_body(&[1, 2], RequestEnvelope::None);
        assert_eq!(request.body, Body::Json(b"[1,2]".to_vec()));
    }

    #[test]
    fn bodies_that_cannot_be_encoded_are_remembered() {
        let mut bad = BTreeMap::new();
        bad.insert(vec![1u8], 1);
        let mut request = Request::new(&OP);
        request.json_body(&bad, RequestEnvelope::None);
        assert_eq!(
            request.error.as_deref(),
            Some("cannot encode the JSON body: key must be a string")
        );
        let mut request = Request::new(&OP);
        request.form_body(&[("a", vec![1])]);
        assert!(request
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with("cannot encode the form body")));
    }

    #[test]
    fn form_body_is_urlencoded() {
        let mut request = Request::new(&OP);
        request.form_body(&[("name", "A B"), ("amount", "1&2")]);
        assert_eq!(request.body, Body::Form("name=A+B&amount=1%262".to_owned()));
    }

    #[test]
    fn parts_encode_strings_as_is_and_other_values_as_json() {
        assert_eq!(
            Part::text("a", "plain"),
            Part::Text {
                name: "a".into(),
                value: "plain".into()
            }
        );
        assert_eq!(
            Part::text("b", serde_json::json!({"k": [1, 2]})),
            Part::Text {
                name: "b".into(),
                value: r#"{"k":[1,2]}"#.into()
            }
        );
        assert_eq!(
            Part::file("doc", vec![1]).with_content_type("image/png"),
            Part::File {
                name: "doc".into(),
                file_name: "doc".into(),
                content_type: Some("image/png".into()),
                bytes: vec![1]
            }
        );
        assert!(format!("{:?}", Part::text("pin", "1234")).contains("len: 4"));
        assert!(!format!("{:?}", Part::text("pin", "1234")).contains("1234"));
    }

    #[test]
    fn debug_hides_values() {
        let mut request = Request::new(&OP);
        request
            .header("x-auth-token", &"tok-secret")
            .query("pin", &"9876")
            .json_body(&"password", RequestEnvelope::None);
        let printed = format!("{request:?}");
        assert!(!printed.contains("tok-secret"), "{printed}");
        assert!(!printed.contains("9876"), "{printed}");
        assert!(!printed.contains("password"), "{printed}");
    }
}
