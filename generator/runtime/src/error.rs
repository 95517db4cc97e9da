//! The one error type of the client.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

/// The result of a call: [`Error`] unless said otherwise.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with a call.
///
/// Each message names the operation, its method and path.
/// `C` is the type of the API's error codes ([`ApiError::code`]): a generated client whose spec
/// declares them uses its own open enum, others keep the code as the `String` the API sent.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error<C = String> {
    /// The API answered with its error envelope: a non-2xx status, or a 2xx
    /// whose body says `success: false`.
    #[error("{0}")]
    Api(Box<ApiError<C>>),

    /// A non-2xx response of a status for which the operation declares a JSON body: the
    /// body decoded into the operation's error type ([`Error::error_body`]), or the reason
    /// it did not decode, with the raw bytes kept either way.
    #[error("{0}")]
    ErrorResponse(Box<ErrorResponse>),

    /// The request failed in transport (connecting, TLS, a reset connection).
    #[error(
        "{operation} ({method} {path}): transport error, the request {}",
        if *.sent { "may have been sent" } else { "was not sent" }
    )]
    #[non_exhaustive]
    Transport {
        /// The operation id.
        operation: &'static str,
        /// The HTTP method.
        method: Method,
        /// The path template.
        path: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
        /// `false` when the connection could not be made, so the request was certainly
        /// not sent; `true` when it may have reached the server.
        sent: bool,
        /// The attempts made, retries included.
        attempts: u32,
    },

    /// No complete response came within the timeout.
    #[error("{operation} ({method} {path}): timed out after {} ms", .elapsed.as_millis())]
    #[non_exhaustive]
    Timeout {
        /// The operation id.
        operation: &'static str,
        /// The HTTP method.
        method: Method,
        /// The path template.
        path: &'static str,
        /// How long the last attempt ran.
        elapsed: Duration,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
        /// The attempts made, retries included.
        attempts: u32,
    },

    /// A successful response whose body does not have the expected shape.
    #[error("{operation} ({method} {path}): cannot decode the {status} response: {message}")]
    #[non_exhaustive]
    Decode {
        /// The operation id.
        operation: &'static str,
        /// The HTTP method.
        method: Method,
        /// The path template.
        path: &'static str,
        /// The response status.
        status: StatusCode,
        /// What is wrong, and where in the body.
        message: String,
        /// The response headers.
        headers: Box<HeaderMap>,
        /// The raw body; see [`Error::body_text`].
        body: Vec<u8>,
        /// The attempts made, retries included.
        attempts: u32,
    },

    /// A non-2xx response whose body is not the API's error envelope, of a status for which
    /// the operation declares no JSON body (an HTML error page from a proxy, an empty body).
    #[error(
        "{operation} ({method} {path}): unexpected status {status}: {}",
        snippet(.body)
    )]
    #[non_exhaustive]
    UnexpectedStatus {
        /// The operation id.
        operation: &'static str,
        /// The HTTP method.
        method: Method,
        /// The path template.
        path: &'static str,
        /// The response status.
        status: StatusCode,
        /// The response headers.
        headers: Box<HeaderMap>,
        /// The raw body; see [`Error::body_text`].
        body: Vec<u8>,
        /// The attempts made, retries included.
        attempts: u32,
    },

    /// A response body longer than the client accepts
    /// ([`ClientBuilder::max_response_bytes`](super::ClientBuilder::max_response_bytes));
    /// it was not read further.
    #[error(
        "{operation} ({method} {path}): the {status} response body is longer than {limit} bytes"
    )]
    #[non_exhaustive]
    ResponseTooLarge {
        /// The operation id.
        operation: &'static str,
        /// The HTTP method.
        method: Method,
        /// The path template.
        path: &'static str,
        /// The response status.
        status: StatusCode,
        /// The limit that was exceeded, in bytes.
        limit: u64,
        /// The response headers.
        headers: Box<HeaderMap>,
        /// The attempts made, retries included.
        attempts: u32,
    },

    /// The session could not provide a token: a refresh or login failed, or the
    /// session ended; see [`Session`](super::Session). Nothing was sent for the call.
    #[error("{message}")]
    #[non_exhaustive]
    Session {
        /// What happened.
        message: String,
        /// The failed refresh or login, if any.
        #[source]
        source: Option<Arc<Error>>,
    },

    /// No credential is configured for any security requirement of the operation;
    /// nothing was sent.
    #[error(
        "{operation} ({method} {path}): missing credentials: configure {}",
        scheme_list(.schemes)
    )]
    #[non_exhaustive]
    MissingCredentials {
        /// The operation id.
        operation: &'static str,
        /// The HTTP method.
        method: Method,
        /// The path template.
        path: &'static str,
        /// The security schemes that lack a credential, any sufficient alternative of
        /// which would do.
        schemes: Vec<&'static str>,
    },

    /// The request could not be built (a parameter that cannot be encoded, an invalid
    /// header), or the client configuration is invalid (`operation` is then `None`);
    /// nothing was sent.
    #[error("{}: {message}", invalid_what(.operation))]
    #[non_exhaustive]
    InvalidRequest {
        /// The operation id, or `None` for the client configuration.
        operation: Option<&'static str>,
        /// What is wrong.
        message: String,
    },
}

impl<C: fmt::Debug> fmt::Debug for Error<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Like a derived `Debug`, but bodies print as their size: a body may hold a token or a
        // password (a login response of an unexpected shape); `Error::body` gives the bytes.
        match self {
            Error::Api(api) => f.debug_tuple("Api").field(api).finish(),
            Error::ErrorResponse(response) => {
                f.debug_tuple("ErrorResponse").field(response).finish()
            }
            Error::Transport {
                operation,
                method,
                path,
                source,
                sent,
                attempts,
            } => f
                .debug_struct("Transport")
                .field("operation", operation)
                .field("method", method)
                .field("path", path)
                .field("source", source)
                .field("sent", sent)
                .field("attempts", attempts)
                .finish(),
            Error::Timeout {
                operation,
                method,
                path,
                elapsed,
                source,
                attempts,
            } => f
                .debug_struct("Timeout")
                .field("operation", operation)
                .field("method", method)
                .field("path", path)
                .field("elapsed", elapsed)
                .field("source", source)
                .field("attempts", attempts)
                .finish(),
            Error::Decode {
                operation,
                method,
                path,
                status,
                message,
                headers,
                body,
                attempts,
            } => f
                .debug_struct("Decode")
                .field("operation", operation)
                .field("method", method)
                .field("path", path)
                .field("status", status)
                .field("message", message)
                .field("headers", headers)
                .field("body", &BodySize(body.len()))
                .field("attempts", attempts)
                .finish(),
            Error::UnexpectedStatus {
                operation,
                method,
                path,
                status,
                headers,
                body,
                attempts,
            } => f
                .debug_struct("UnexpectedStatus")
                .field("operation", operation)
                .field("method", method)
                .field("path", path)
                .field("status", status)
                .field("headers", headers)
                .field("body", &BodySize(body.len()))
                .field("attempts", attempts)
                .finish(),
            Error::ResponseTooLarge {
                operation,
                method,
                path,
                status,
                limit,
                headers,
                attempts,
            } => f
                .debug_struct("ResponseTooLarge")
                .field("operation", operation)
                .field("method", method)
                .field("path", path)
                .field("status", status)
                .field("limit", limit)
                .field("headers", headers)
                .field("attempts", attempts)
                .finish(),
            Error::Session { message, source } => f
                .debug_struct("Session")
                .field("message", message)
                .field("source", source)
                .finish(),
            Error::MissingCredentials {
                operation,
                method,
                path,
                schemes,
            } => f
                .debug_struct("MissingCredentials")
                .field("operation", operation)
                .field("method", method)
                .field("path", path)
                .field("schemes", schemes)
                .finish(),
            Error::InvalidRequest { operation, message } => f
                .debug_struct("InvalidRequest")
                .field("operation", operation)
                .field("message", message)
                .finish(),
        }
    }
}

/// An error reported by the API in its error envelope
/// `{success: false, error: {code, message, field, details}, metadata: {request_id}}`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError<C = String> {
    /// The operation id.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template.
    pub path: &'static str,
    /// The response status.
    pub status: StatusCode,
    /// The error code, when the body has one.
    pub code: Option<C>,
    /// The error message (empty when the body has none).
    pub message: String,
    /// The request field at fault, if any.
    pub field: Option<String>,
    /// Further details (`null` when absent).
    pub details: serde_json::Value,
    /// The request id from the envelope's metadata, else from the `x-request-id` header.
    pub request_id: Option<String>,
    /// The response headers.
    pub headers: HeaderMap,
    /// The attempts the call made, retries included.
    pub attempts: u32,
}

impl<C: fmt::Display> fmt::Display for ApiError<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({} {}): api error {}",
            self.operation, self.method, self.path, self.status
        )?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(field) = &self.field {
            write!(f, " (field `{field}`)")?;
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " [request id {request_id}]")?;
        }
        Ok(())
    }
}

impl<C: fmt::Debug + fmt::Display> std::error::Error for ApiError<C> {}

impl<C> ApiError<C> {
    /// The same error with its code turned into another type.
    pub fn map_code<D>(self, f: impl FnOnce(C) -> D) -> ApiError<D> {
        ApiError {
            operation: self.operation,
            method: self.method,
            path: self.path,
            status: self.status,
            code: self.code.map(f),
            message: self.message,
            field: self.field,
            details: self.details,
            request_id: self.request_id,
            headers: self.headers,
            attempts: self.attempts,
        }
    }
}

/// A non-2xx response of a status the operation declares with a JSON body, and that body
/// decoded into the operation's error type: see [`Error::ErrorResponse`].
///
/// The type is the one the operation's documentation names: the type every declared status
/// shares, or an enum with a variant per status. [`ErrorResponse::body`] (or
/// [`Error::error_body`]) gives the decoded value when asked for that type.
#[non_exhaustive]
pub struct ErrorResponse {
    /// The operation id.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template.
    pub path: &'static str,
    /// The response status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body, kept whether or not it decoded.
    pub raw: Vec<u8>,
    /// The attempts the call made, retries included.
    pub attempts: u32,
    /// The name of the type the body decodes into.
    type_name: &'static str,
    /// The decoded body, or what is wrong with it (without the body's string values).
    decoded: std::result::Result<super::request::AnyBody, String>,
}

impl ErrorResponse {
    /// Decodes `raw` with the operation's error body type.
    pub(crate) fn decode(
        operation: &'static super::request::Operation,
        error_body: &super::request::ErrorBody,
        index: usize,
        status: StatusCode,
        headers: HeaderMap,
        raw: Vec<u8>,
    ) -> Self {
        let decoded = (error_body.decode)(index, &raw)
            .map_err(|e| super::response::without_strings(&e.to_string()));
        ErrorResponse {
            operation: operation.id,
            method: operation.method.clone(),
            path: operation.path,
            status,
            headers,
            raw,
            attempts: 1,
            type_name: error_body.type_name,
            decoded,
        }
    }

    /// The decoded body, if it decoded and `T` is its type.
    pub fn body<T: Any>(&self) -> Option<&T> {
        self.decoded.as_ref().ok()?.downcast_ref()
    }

    /// The decoded body, taken out, if it decoded and `T` is its type; else `self` unchanged.
    pub fn into_body<T: Any>(mut self: Box<Self>) -> std::result::Result<T, Box<Self>> {
        match self.decoded {
            Ok(value) => match value.downcast::<T>() {
                Ok(value) => Ok(*value),
                Err(value) => {
                    self.decoded = Ok(value);
                    Err(self)
                }
            },
            Err(_) => Err(self),
        }
    }

    /// The name of the type the body decodes into.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// Why the body did not decode, and where in it; `None` when it decoded.
    pub fn decode_problem(&self) -> Option<&str> {
        self.decoded.as_ref().err().map(String::as_str)
    }
}

impl fmt::Debug for ErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The body prints as its size, as in `Error`'s other variants.
        f.debug_struct("ErrorResponse")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("raw", &BodySize(self.raw.len()))
            .field("attempts", &self.attempts)
            .field("type_name", &self.type_name)
            .field("decode_problem", &self.decode_problem())
            .finish()
    }
}

impl fmt::Display for ErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({} {}): error status {}",
            self.operation, self.method, self.path, self.status
        )?;
        if let Some(problem) = self.decode_problem() {
            write!(f, ", the body is not a `{}` ({problem})", self.type_name)?;
        }
        write!(f, ": {}", snippet(&self.raw))
    }
}

impl std::error::Error for ErrorResponse {}

/// A body's size, as `Debug` prints it in place of the body.
struct BodySize(usize);

impl fmt::Debug for BodySize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0)
    }
}

impl<C> Error<C> {
    /// Whether trying again may succeed: transport failures, timeouts, and the statuses
    /// 408, 409, 429 and 5xx.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Api(api) => retryable_status(api.status),
            Error::ErrorResponse(response) => retryable_status(response.status),
            Error::UnexpectedStatus { status, .. } | Error::ResponseTooLarge { status, .. } => {
                retryable_status(*status)
            }
            Error::Decode { .. }
            | Error::Session { .. }
            | Error::MissingCredentials { .. }
            | Error::InvalidRequest { .. } => false,
        }
    }

    /// The response status, when a response came.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::ErrorResponse(response) => Some(response.status),
            Error::Decode { status, .. }
            | Error::UnexpectedStatus { status, .. }
            | Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The response headers, when a response came.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api(api) => Some(&api.headers),
            Error::ErrorResponse(response) => Some(&response.headers),
            Error::Decode { headers, .. }
            | Error::UnexpectedStatus { headers, .. }
            | Error::ResponseTooLarge { headers, .. } => Some(headers),
            _ => None,
        }
    }

    /// The request id given by the server, from the error envelope or the
    /// `x-request-id` header.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id.as_deref(),
            _ => self
                .headers()
                .and_then(|h| h.get("x-request-id"))
                .and_then(|v| v.to_str().ok()),
        }
    }

    /// The API's error, if the API reported one.
    pub fn api_error(&self) -> Option<&ApiError<C>> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The declared error response, if the status is one the operation declares a JSON
    /// body for.
    pub fn error_response(&self) -> Option<&ErrorResponse> {
        match self {
            Error::ErrorResponse(response) => Some(response),
            _ => None,
        }
    }

    /// The body of a declared error response, decoded into `T`: the type the operation's
    /// documentation names. `None` for other errors, for a body that did not decode
    /// ([`ErrorResponse::decode_problem`] says why), and for any other `T`.
    ///
    /// ```
    /// # use oas_runtime::Error;
    /// # #[derive(Debug)] enum GetPetError { NotFound(String), Other(String) }
    /// fn explain(error: &Error) -> String {
    ///     match error.error_body::<GetPetError>() {
    ///         Some(GetPetError::NotFound(_)) => "no such pet".to_owned(),
    ///         Some(other) => format!("the API says {other:?}"),
    ///         None => error.to_string(),
    ///     }
    /// }
    /// ```
    pub fn error_body<T: Any>(&self) -> Option<&T> {
        self.error_response()?.body()
    }

    /// The id of the operation that failed (`None` for a configuration error).
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Api(api) => Some(api.operation),
            Error::ErrorResponse(response) => Some(response.operation),
            Error::Transport { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Decode { operation, .. }
            | Error::UnexpectedStatus { operation, .. }
            | Error::ResponseTooLarge { operation, .. }
            | Error::MissingCredentials { operation, .. } => Some(operation),
            Error::InvalidRequest { operation, .. } => *operation,
            Error::Session { .. } => None,
        }
    }

    /// The raw response body kept by a decode, unexpected-status or declared error response.
    pub fn body(&self) -> Option<&[u8]> {
        match self {
            Error::Decode { body, .. } | Error::UnexpectedStatus { body, .. } => Some(body),
            Error::ErrorResponse(response) => Some(&response.raw),
            _ => None,
        }
    }

    /// The raw response body as text, invalid UTF-8 replaced.
    pub fn body_text(&self) -> Option<Cow<'_, str>> {
        self.body().map(String::from_utf8_lossy)
    }
}

impl<C> Error<C> {
    /// The attempts the call made, retries included: 0 when nothing was sent.
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Api(api) => api.attempts,
            Error::ErrorResponse(response) => response.attempts,
            Error::Transport { attempts, .. }
            | Error::Timeout { attempts, .. }
            | Error::Decode { attempts, .. }
            | Error::UnexpectedStatus { attempts, .. }
            | Error::ResponseTooLarge { attempts, .. } => *attempts,
            Error::Session { .. }
            | Error::MissingCredentials { .. }
            | Error::InvalidRequest { .. } => 0,
        }
    }

    /// Records the number of attempts made.
    pub(crate) fn set_attempts(&mut self, n: u32) {
        match self {
            Error::Api(api) => api.attempts = n,
            Error::ErrorResponse(response) => response.attempts = n,
            Error::Transport { attempts, .. }
            | Error::Timeout { attempts, .. }
            | Error::Decode { attempts, .. }
            | Error::UnexpectedStatus { attempts, .. }
            | Error::ResponseTooLarge { attempts, .. } => *attempts = n,
            Error::Session { .. }
            | Error::MissingCredentials { .. }
            | Error::InvalidRequest { .. } => {}
        }
    }

    /// Whether the request may have reached the server.
    pub(crate) fn may_have_been_sent(&self) -> bool {
        !matches!(
            self,
            Error::Transport { sent: false, .. }
                | Error::Session { .. }
                | Error::MissingCredentials { .. }
                | Error::InvalidRequest { .. }
        )
    }
}

impl<C> Error<C> {
    /// The same error with the API's error code turned into another type; a generated client
    /// calls it to give its callers its own open enum of codes.
    pub fn map_code<D>(self, f: impl FnOnce(C) -> D) -> Error<D> {
        match self {
            Error::Api(api) => Error::Api(Box::new(api.map_code(f))),
            Error::ErrorResponse(response) => Error::ErrorResponse(response),
            Error::Transport {
                operation,
                method,
                path,
                source,
                sent,
                attempts,
            } => Error::Transport {
                operation,
                method,
                path,
                source,
                sent,
                attempts,
            },
            Error::Timeout {
                operation,
                method,
                path,
                elapsed,
                source,
                attempts,
            } => Error::Timeout {
                operation,
                method,
                path,
                elapsed,
                source,
                attempts,
            },
            Error::Decode {
                operation,
                method,
                path,
                status,
                message,
                headers,
                body,
                attempts,
            } => Error::Decode {
                operation,
                method,
                path,
                status,
                message,
                headers,
                body,
                attempts,
            },
            Error::UnexpectedStatus {
                operation,
                method,
                path,
                status,
                headers,
                body,
                attempts,
            } => Error::UnexpectedStatus {
                operation,
                method,
                path,
                status,
                headers,
                body,
                attempts,
            },
            Error::ResponseTooLarge {
                operation,
                method,
                path,
                status,
                limit,
                headers,
                attempts,
            } => Error::ResponseTooLarge {
                operation,
                method,
                path,
                status,
                limit,
                headers,
                attempts,
            },
            Error::Session { message, source } => Error::Session { message, source },
            Error::MissingCredentials {
                operation,
                method,
                path,
                schemes,
            } => Error::MissingCredentials {
                operation,
                method,
                path,
                schemes,
            },
            Error::InvalidRequest { operation, message } => {
                Error::InvalidRequest { operation, message }
            }
        }
    }
}

fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

/// The start of a body for an error message, on one line.
fn snippet(body: &[u8]) -> String {
    const MAX: usize = 200;
    let text = String::from_utf8_lossy(body);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        "empty body".to_owned()
    } else if text.chars().count() > MAX {
        format!("{}...", text.chars().take(MAX).collect::<String>())
    } else {
        text
    }
}

fn invalid_what(operation: &Option<&str>) -> String {
    match operation {
        Some(operation) => format!("invalid request for {operation}"),
        None => "invalid client configuration".to_owned(),
    }
}

fn scheme_list(schemes: &[&str]) -> String {
    let names: Vec<String> = schemes.iter().map(|s| format!("`{s}`")).collect();
    match names.as_slice() {
        [] => "a credential".to_owned(),
        [one] => format!("a credential for security scheme {one}"),
        many => format!(
            "a credential for one of the security schemes {}",
            many.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16) -> Error {
        Error::Api(Box::new(ApiError {
            operation: "createUser",
            method: Method::POST,
            path: "/users",
            status: StatusCode::from_u16(status).unwrap_or_default(),
            code: serde_json::from_value(serde_json::json!("VALIDATION_ERROR")).ok(),
            message: "email is invalid".into(),
            field: Some("email".into()),
            details: serde_json::Value::Null,
            request_id: Some("req-1".into()),
            headers: HeaderMap::new(),
            attempts: 1,
        }))
    }

    #[test]
    fn messages_name_the_operation() {
        assert_eq!(
            api(422).to_string(),
            "createUser (POST /users): api error 422 Unprocessable Entity VALIDATION_ERROR: \
             email is invalid (field `email`) [request id req-1]"
        );
        let unexpected: Error = Error::UnexpectedStatus {
            operation: "getUser",
            method: Method::GET,
            path: "/users/{id}",
            status: StatusCode::BAD_GATEWAY,
            headers: Box::default(),
            body: b"<html>\n  <h1>502 Bad Gateway</h1>\n</html>".to_vec(),
            attempts: 1,
        };
        assert_eq!(
            unexpected.to_string(),
            "getUser (GET /users/{id}): unexpected status 502 Bad Gateway: \
             <html> <h1>502 Bad Gateway</h1> </html>"
        );
        assert!(format!("{unexpected:?}").contains("body: <41 bytes>"));
        let missing: Error = Error::MissingCredentials {
            operation: "getUser",
            method: Method::GET,
            path: "/users/{id}",
            schemes: vec!["XAuthToken", "Basic"],
        };
        assert_eq!(
            missing.to_string(),
            "getUser (GET /users/{id}): missing credentials: configure a credential for \
             one of the security schemes `XAuthToken`, `Basic`"
        );
        let invalid: Error = Error::InvalidRequest {
            operation: None,
            message: "`x y` is not a valid header name".into(),
        };
        assert_eq!(
            invalid.to_string(),
            "invalid client configuration: `x y` is not a valid header name"
        );
    }

    #[test]
    fn retryable_statuses() {
        for status in [408, 409, 429, 500, 502, 503] {
            assert!(api(status).is_retryable(), "{status}");
        }
        for status in [400, 401, 403, 404, 422] {
            assert!(!api(status).is_retryable(), "{status}");
        }
        assert_eq!(api(422).status(), Some(StatusCode::UNPROCESSABLE_ENTITY));
        assert_eq!(api(422).request_id(), Some("req-1"));
        assert_eq!(api(422).operation(), Some("createUser"));
        let too_large = |status: u16| -> Error {
            Error::ResponseTooLarge {
                operation: "createUser",
                method: Method::POST,
                path: "/users",
                status: StatusCode::from_u16(status).unwrap_or_default(),
                limit: 10,
                headers: Box::new(HeaderMap::new()),
                attempts: 1,
            }
        };
        assert!(too_large(503).is_retryable(), "a proxy's long error page");
        assert!(!too_large(200).is_retryable());
    }

    #[test]
    fn long_bodies_are_cut_in_messages() {
        let body = "é".repeat(300);
        let text = snippet(body.as_bytes());
        assert_eq!(text.chars().count(), 203);
        assert_eq!(snippet(b""), "empty body");
    }
}
