//! The client: configuration, server selection, authentication and sending a request.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::Url;
use serde::de::DeserializeOwned;

use tracing::Instrument as _;

use super::auth::{Credential, Secret, TokenSource};
#[cfg(feature = "encryption")]
use super::encryption::EncryptionKey;
use super::error::{Error, Result};
#[cfg(feature = "multipart")]
use super::request::Part;
use super::request::{
    header_pair, Body, Operation, Request, ResponseShape, SchemeKind, SecurityScheme, Server,
};
use super::response::{decode, Envelopes, Response};
use super::retry::{replay_safe, RetryPolicy};
#[cfg(feature = "sessions")]
use super::session::Session;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;

/// A client of the API. Cloning it is cheap: clones share the connection pool and
/// the configuration.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    http: reqwest::Client,
    base_url: Option<String>,
    /// The base URL, or the URL of the client's server, read once.
    base: Option<Url>,
    servers: &'static [Server],
    server_index: usize,
    server_variables: BTreeMap<String, String>,
    envelopes: Option<&'static Envelopes>,
    credentials: BTreeMap<&'static str, Credential>,
    #[cfg(feature = "sessions")]
    session: Option<Session>,
    timeout: Option<Duration>,
    /// The timeout the http client applies by itself, which requests need not set.
    http_timeout: Option<Duration>,
    retry: RetryPolicy,
    max_response_bytes: u64,
    #[cfg(feature = "encryption")]
    encryption: Option<EncryptionKey>,
    user_agent: HeaderValue,
    default_headers: HeaderMap,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let mut f = f.debug_struct("Client");
        f.field("base_url", &inner.base_url)
            .field("servers", &inner.servers)
            .field("server_index", &inner.server_index)
            .field("server_variables", &inner.server_variables)
            .field("credentials", &inner.credentials)
            .field("timeout", &inner.timeout)
            .field("retry", &inner.retry)
            .field("max_response_bytes", &inner.max_response_bytes);
        #[cfg(feature = "encryption")]
        f.field("encryption", &inner.encryption);
        f.field("user_agent", &inner.user_agent)
            // Default headers may carry secrets: show their names only.
            .field(
                "default_headers",
                &inner.default_headers.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Configures a [`Client`].
pub struct ClientBuilder {
    base_url: Option<String>,
    servers: &'static [Server],
    server_index: usize,
    server_variables: BTreeMap<String, String>,
    envelopes: Option<&'static Envelopes>,
    credentials: BTreeMap<&'static str, Credential>,
    #[cfg(feature = "sessions")]
    session: Option<(&'static SecurityScheme, Session)>,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: u64,
    #[cfg(feature = "encryption")]
    encryption: Option<EncryptionKey>,
    user_agent: String,
    default_headers: HeaderMap,
    http: Option<reqwest::Client>,
    error: Option<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut f = f.debug_struct("ClientBuilder");
        f.field("base_url", &self.base_url)
            .field("server_index", &self.server_index)
            .field("server_variables", &self.server_variables)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes);
        #[cfg(feature = "encryption")]
        f.field("encryption", &self.encryption);
        f.field("user_agent", &self.user_agent)
            .field(
                "default_headers",
                &self.default_headers.keys().collect::<Vec<_>>(),
            )
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: None,
            servers: &[],
            server_index: 0,
            server_variables: BTreeMap::new(),
            envelopes: None,
            credentials: BTreeMap::new(),
            #[cfg(feature = "sessions")]
            session: None,
            timeout: Some(DEFAULT_TIMEOUT),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            #[cfg(feature = "encryption")]
            encryption: None,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            default_headers: HeaderMap::new(),
            http: None,
            error: None,
        }
    }
}

impl ClientBuilder {
    /// Sends every request to this URL instead of the API's servers (for tests and
    /// mocks); operation paths are appended to it.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The member names of the envelopes the API wraps its bodies in; without them, every body is
    /// read as it is.
    pub fn envelopes(mut self, envelopes: &'static Envelopes) -> Self {
        self.envelopes = Some(envelopes);
        self
    }

    /// Selects the API server by its index in the API description (default 0).
    ///
    /// An operation with servers of its own uses the one at the same index, or its first.
    pub fn server(mut self, index: usize) -> Self {
        self.server_index = index;
        self
    }

    /// Sets a server variable, such as `domain`, for every server that has it.
    pub fn server_variable(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.server_variables.insert(name.into(), value.into());
        self
    }

    /// Sets the credential of a security scheme.
    ///
    /// A basic scheme takes [`Credential::Basic`], every other scheme a token.
    pub fn credential(mut self, scheme: &'static SecurityScheme, credential: Credential) -> Self {
        match check_credential(scheme, &credential) {
            Ok(()) => {
                self.credentials.insert(scheme.name, credential);
            }
            Err(e) => self.fail(e),
        }
        self
    }

    /// Takes the tokens of a token scheme from a [`Session`], which logs in, refreshes and
    /// logs out through the client being built; [`Client::session`] returns it.
    #[cfg(feature = "sessions")]
    pub fn session(mut self, scheme: &'static SecurityScheme, session: Session) -> Self {
        self = self.credential(scheme, Credential::Token(Arc::new(session.clone())));
        self.session = Some((scheme, session));
        self
    }

    /// The retry policy of every call (default [`RetryPolicy::default`]: 2 retries);
    /// [`RequestOptions::retry_policy`](super::RequestOptions::retry_policy) overrides it
    /// for one call.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The longest response body read, in bytes (default 32 MiB); a longer one ends the
    /// call with [`Error::ResponseTooLarge`].
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Encrypts, in every JSON request body, the members the API description marks as
    /// encrypted (passwords, PINs), with the tenant's public key.
    #[cfg(feature = "encryption")]
    pub fn encryption_key(mut self, key: EncryptionKey) -> Self {
        self.encryption = Some(key);
        self
    }

    /// The timeout of each attempt of a call, from sending to the end of the body (default
    /// 60 s); [`RequestOptions::timeout`](super::RequestOptions::timeout) overrides it for one call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// No timeout for attempts (long downloads, or tests that control time); a call's
    /// [`RequestOptions::timeout`](super::RequestOptions::timeout) still applies to it.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// The timeout of establishing a connection (default 10 s); ignored with
    /// [`ClientBuilder::http_client`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header (default: the crate's name and version).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// A header sent on every request that does not set it itself.
    pub fn default_header(mut self, name: &str, value: &str) -> Self {
        match header_pair(name, value) {
            Ok((name, value)) => {
                self.default_headers.insert(name, value);
            }
            Err(e) => self.fail(e),
        }
        self
    }

    /// Uses this HTTP client, for its connection pool, proxy or TLS settings.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The API's root servers; called by the generated `Client::builder`.
    #[doc(hidden)]
    pub fn root_servers(mut self, servers: &'static [Server]) -> Self {
        self.servers = servers;
        self
    }

    fn fail(&mut self, message: String) {
        self.error.get_or_insert(message);
    }

    /// Builds the client, checking the configuration.
    pub fn build(self) -> Result<Client> {
        let invalid = |message: String| Error::InvalidRequest {
            operation: None,
            message,
        };
        if let Some(message) = self.error {
            return Err(invalid(message));
        }
        let base_url = self
            .base_url
            .map(|url| url.trim_end_matches('/').to_owned());
        let mut base = match &base_url {
            Some(url) => Some(check_url(url, "base url").map_err(invalid)?),
            None => None,
        };
        if base_url.is_none() && !self.servers.is_empty() {
            let server = self.servers.get(self.server_index).ok_or_else(|| {
                invalid(format!(
                    "server index {} is out of range: the API has {} servers",
                    self.server_index,
                    self.servers.len()
                ))
            })?;
            let url = expand_server(server, &self.server_variables).map_err(invalid)?;
            base = Some(check_url(&url, "server url").map_err(invalid)?);
        }
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| invalid(format!("`{}` is not a valid user agent", self.user_agent)))?;
        // A client of our own applies the timeout itself, so that a call without a timeout of its
        // own sets none; a client given to us gets the timeout with each request.
        let (http, http_timeout) = match self.http {
            Some(http) => (http, None),
            None => {
                let mut http = reqwest::Client::builder().connect_timeout(self.connect_timeout);
                if let Some(timeout) = self.timeout {
                    http = http.timeout(timeout);
                }
                let http = http
                    .build()
                    .map_err(|e| invalid(format!("cannot create the http client: {e}")))?;
                (http, self.timeout)
            }
        };
        #[cfg_attr(not(feature = "sessions"), allow(unused_mut))]
        let mut inner = Inner {
            http,
            base_url,
            base,
            servers: self.servers,
            server_index: self.server_index,
            server_variables: self.server_variables,
            envelopes: self.envelopes,
            credentials: self.credentials,
            #[cfg(feature = "sessions")]
            session: None,
            timeout: self.timeout,
            http_timeout,
            retry: self.retry,
            max_response_bytes: self.max_response_bytes,
            #[cfg(feature = "encryption")]
            encryption: self.encryption,
            user_agent,
            default_headers: self.default_headers,
        };
        #[cfg(feature = "sessions")]
        if let Some((scheme, session)) = self.session {
            // The session calls the API through a client like this one but without itself.
            let mut plain = inner.clone();
            plain.credentials.remove(scheme.name);
            session.attach(Client {
                inner: Arc::new(plain),
            });
            inner.session = Some(session);
        }
        Ok(Client {
            inner: Arc::new(inner),
        })
    }
}

impl Client {
    /// Starts configuring a client of an API with these servers (the spec's root `servers`, of
    /// which the first is the default).
    pub fn builder(servers: &'static [Server]) -> ClientBuilder {
        ClientBuilder::default().root_servers(servers)
    }

    /// The session configured with [`ClientBuilder::session`], to log in, refresh or log out.
    #[cfg(feature = "sessions")]
    pub fn session(&self) -> Option<&Session> {
        self.inner.session.as_ref()
    }

    /// A client like this one (sharing its connection pool) with `credential` for `scheme`.
    pub fn with_credential(
        &self,
        scheme: &'static SecurityScheme,
        credential: Credential,
    ) -> Result<Client> {
        check_credential(scheme, &credential).map_err(|message| Error::InvalidRequest {
            operation: None,
            message,
        })?;
        let mut inner = (*self.inner).clone();
        inner.credentials.insert(scheme.name, credential);
        Ok(Client {
            inner: Arc::new(inner),
        })
    }

    /// Sends `request` and reads its response as `shape`, retrying as the retry policy
    /// says; the operation methods call this.
    #[doc(hidden)]
    pub fn execute<T: DeserializeOwned>(
        &self,
        request: Request,
        shape: ResponseShape,
    ) -> impl Future<Output = Result<Response<T>>> + use<'_, T> {
        self.execute_coded(request, shape, std::convert::identity)
    }

    /// [`execute`](Self::execute), with the API's error codes read by `code`: a generated client's
    /// type of them.
    #[doc(hidden)]
    pub fn execute_coded<T: DeserializeOwned, C>(
        &self,
        request: Request,
        shape: ResponseShape,
        code: fn(String) -> C,
    ) -> impl Future<Output = Result<Response<T>, Error<C>>> + use<'_, T, C> {
        let operation = request.operation;
        let span = tracing::info_span!(
            "request",
            operation = operation.id,
            method = %operation.method,
            path = tracing::field::Empty,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        self.run(request, shape, code).instrument(span)
    }

    /// The call, as one future that holds the request once: the future of an `async fn` keeps its
    /// arguments beside what it moves them into, and every layer of one would copy the request again.
    /// What lives across an `.await` is kept in the future for the whole call, so the error and the
    /// retry policy are only where they are needed.
    #[expect(
        clippy::manual_async_fn,
        reason = "as an `async fn`, the future would hold the request twice: the argument and the binding it moves into"
    )]
    fn run<T: DeserializeOwned, C>(
        &self,
        mut request: Request,
        shape: ResponseShape,
        code: fn(String) -> C,
    ) -> impl Future<Output = Result<Response<T>, Error<C>>> + use<'_, T, C> {
        async move {
            let operation = request.operation;
            let invalid = |message: String| invalid(operation, message);
            let outcome: Result<Response<T>> = 'call: {
                if let Some(message) = request
                    .error
                    .as_ref()
                    .or(request.call_options().error.as_ref())
                {
                    break 'call Err(invalid(message.clone()));
                }
                let keyed = idempotency_key(&mut request);
                if let Err(error) = self.encrypt(&mut request) {
                    break 'call Err(error);
                }
                let url = match self.inner.url(&request) {
                    Ok(url) => url,
                    Err(message) => break 'call Err(invalid(message)),
                };
                let span = tracing::Span::current();
                span.record("path", url.path());
                // The clock is read for the span only when something records it.
                let started = (!span.is_disabled()).then(Instant::now);
                drop(span);
                let mut attempt = 0;
                let mut retries = 0;
                let mut renewed = false;
                loop {
                    attempt += 1;
                    let (http_request, tokens) =
                        match self.prepare(&request, url.clone(), shape).await {
                            Ok(prepared) => prepared,
                            Err(error) => break 'call Err(error),
                        };
                    let mut error = match self.attempt::<T>(operation, http_request, shape).await {
                        Ok(mut response) => {
                            let status = response.status().as_u16();
                            finish(started, attempt, Some(status), response.request_id());
                            tracing::debug!(attempt, status, "succeeded");
                            response.set_attempts(attempt);
                            break 'call Ok(response);
                        }
                        Err(error) => error,
                    };
                    let status = error.status().map(|s| s.as_u16());
                    error.set_attempts(attempt);
                    // A refused token: let its source renew it, and try once more.
                    if status == Some(401) && !renewed && !tokens.is_empty() {
                        renewed = true;
                        match renew_rejected(&tokens).await {
                            Ok(true) => {
                                tracing::debug!(attempt, status, "retrying with a renewed token");
                                continue;
                            }
                            Ok(false) => {}
                            Err(error) => break 'call Err(error),
                        }
                    }
                    drop(tokens);
                    let policy = match &request.call_options().retry {
                        Some(policy) => policy,
                        None => &self.inner.retry,
                    };
                    let replayable =
                        replay_safe(&operation.method, keyed) || !error.may_have_been_sent();
                    let delay = (retries < policy.retries() && error.is_retryable() && replayable)
                        .then(|| policy.delay(retries, error.headers()))
                        .flatten();
                    if let Some(delay) = delay {
                        retries += 1;
                        tracing::warn!(
                            attempt,
                            status,
                            delay_ms = delay.as_millis() as u64,
                            error = %error,
                            "retrying"
                        );
                        drop(error);
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    finish(started, attempt, status, error.request_id());
                    tracing::debug!(attempt, status, error = %error, "failed");
                    break 'call Err(error);
                }
            };
            outcome.map_err(|error| error.map_code(code))
        }
    }

    /// One attempt: send, read the body (up to the limit), decode. The request is handed to the
    /// HTTP client before the future is made, so that the future holds only the call in flight.
    fn attempt<T: DeserializeOwned>(
        &self,
        operation: &'static Operation,
        http_request: reqwest::Result<reqwest::Request>,
        shape: ResponseShape,
    ) -> impl Future<Output = Result<Response<T>>> + use<'_, T> {
        let started = Instant::now();
        let pending = http_request.map(|http_request| self.inner.http.execute(http_request));
        async move {
            let sent = match pending {
                Ok(pending) => pending.await,
                Err(e) => Err(e),
            };
            let mut response = sent.map_err(|e| transport_error(operation, e, started))?;
            let status = response.status();
            // The body is read without the headers: they move to the result.
            let headers = std::mem::take(response.headers_mut());
            let limit = self.inner.max_response_bytes;
            let too_large = |headers: HeaderMap| Error::ResponseTooLarge {
                operation: operation.id,
                method: operation.method.clone(),
                path: operation.path,
                status,
                limit,
                headers: Box::new(headers),
                attempts: 1,
            };
            let length = response.content_length();
            if length.is_some_and(|len| len > limit) {
                return Err(too_large(headers));
            }
            let failed = |e| transport_error(operation, e, started);
            let envelopes = self.inner.envelopes;
            // A body that arrives in one piece is decoded where it is; one in several pieces is
            // copied into one buffer.
            let Some(first) = response.chunk().await.map_err(failed)? else {
                return decode(operation, envelopes, shape, status, headers, &[]);
            };
            if first.len() as u64 > limit {
                return Err(too_large(headers));
            }
            let Some(mut chunk) = response.chunk().await.map_err(failed)? else {
                return decode(operation, envelopes, shape, status, headers, &first);
            };
            let room = length.map_or(first.len() + chunk.len(), |len| len as usize);
            let mut body = Vec::with_capacity(room);
            body.extend_from_slice(&first);
            drop(first);
            loop {
                if (body.len() + chunk.len()) as u64 > limit {
                    return Err(too_large(headers));
                }
                body.extend_from_slice(&chunk);
                match response.chunk().await.map_err(failed)? {
                    Some(next) => chunk = next,
                    None => break,
                }
            }
            decode(operation, envelopes, shape, status, headers, &body)
        }
    }

    /// Encrypts the members the operation marks as encrypted, once for every attempt.
    #[cfg(not(feature = "encryption"))]
    fn encrypt(&self, _request: &mut Request) -> Result<()> {
        Ok(())
    }

    /// Encrypts the members the operation marks as encrypted, once for every attempt.
    #[cfg(feature = "encryption")]
    fn encrypt(&self, request: &mut Request) -> Result<()> {
        let operation = request.operation;
        let (Some(key), Body::Json(bytes)) = (&self.inner.encryption, &request.body) else {
            return Ok(());
        };
        if operation.encrypted.is_empty() {
            return Ok(());
        }
        let prefix = if request.enveloped { "/data" } else { "" };
        let pointers: Vec<String> = operation
            .encrypted
            .iter()
            .map(|p| format!("{prefix}{p}"))
            .collect();
        let pointers: Vec<&str> = pointers.iter().map(String::as_str).collect();
        let encrypted = key
            .encrypt_json(bytes, &pointers)
            .map_err(|e| invalid(operation, format!("cannot encrypt the body: {e}")))?;
        request.body = Body::Json(encrypted);
        Ok(())
    }

    /// Turns `request` into an HTTP request: URL, credentials, headers and body; returns
    /// the tokens it sends with their sources.
    async fn prepare(
        &self,
        request: &Request,
        url: Url,
        shape: ResponseShape,
    ) -> Result<(reqwest::Result<reqwest::Request>, Vec<SentToken<'_>>)> {
        let operation = request.operation;
        let schemes = select_security(operation, |name| self.inner.credentials.contains_key(name))?;
        // The tokens first: asking their sources is the only step that may wait.
        let mut tokens = Vec::new();
        for scheme in schemes {
            if let Some(token) = self.token(operation, scheme).await? {
                tokens.push(token);
            }
        }
        let http_request = self.build_request(request, url, shape, schemes, &tokens)?;
        Ok((http_request, tokens))
    }

    /// The token of `scheme`, asked from its source; `None` for a scheme that sends none (basic
    /// authentication).
    async fn token(
        &self,
        operation: &'static Operation,
        scheme: &SecurityScheme,
    ) -> Result<Option<SentToken<'_>>> {
        let source = match (scheme.kind, self.inner.credentials.get(scheme.name)) {
            (SchemeKind::Basic, Some(Credential::Basic { .. })) => return Ok(None),
            (SchemeKind::Basic, Some(Credential::Token(_)))
            | (_, Some(Credential::Basic { .. })) => {
                let message = format!(
                    "the credential of security scheme `{}` does not fit the scheme",
                    scheme.name
                );
                return Err(invalid(operation, message));
            }
            (_, Some(Credential::Token(source))) => source,
            (_, None) => {
                let message = format!("no credential for security scheme `{}`", scheme.name);
                return Err(invalid(operation, message));
            }
        };
        // A token at hand is borrowed: no count of its owners is touched, which calls on every
        // core would contend for.
        let token = match source.current() {
            Some(token) => Cow::Borrowed(token),
            None => Cow::Owned(source.token().await?),
        };
        Ok(Some(SentToken {
            source: source.as_ref(),
            token,
        }))
    }

    /// The HTTP request of one attempt, with the credentials of `schemes`: `tokens` holds those of
    /// the schemes that send one, in order.
    fn build_request(
        &self,
        request: &Request,
        mut url: Url,
        shape: ResponseShape,
        schemes: &[&SecurityScheme],
        tokens: &[SentToken<'_>],
    ) -> Result<reqwest::Result<reqwest::Request>> {
        let operation = request.operation;
        let invalid = |message: String| invalid(operation, message);
        let options = request.call_options();
        // Room for what is added below, so that the map grows once.
        let mut headers = HeaderMap::with_capacity(
            request.headers.len()
                + options.headers.len()
                + self.inner.default_headers.len()
                + schemes.len()
                + 3,
        );
        headers.extend(request.headers.iter().map(|(k, v)| (k.clone(), v.clone())));
        let mut query = request.query.clone();
        let mut tokens = tokens.iter();
        for scheme in schemes {
            let token = match scheme.kind {
                SchemeKind::Basic => None,
                _ => tokens.next(),
            };
            self.authenticate(scheme, token, &mut headers, &mut query)
                .map_err(invalid)?;
        }
        for (name, value) in &options.headers {
            headers.insert(name, value.clone());
        }
        for (name, value) in &self.inner.default_headers {
            if !headers.contains_key(name) {
                headers.insert(name, value.clone());
            }
        }
        if !headers.contains_key(header::USER_AGENT) {
            headers.insert(header::USER_AGENT, self.inner.user_agent.clone());
        }
        let json = matches!(
            shape,
            ResponseShape::Success | ResponseShape::Status | ResponseShape::Json
        );
        if json && !headers.contains_key(header::ACCEPT) {
            headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(&query);
        }
        let mut builder = self.inner.http.request(operation.method.clone(), url);
        let timeout = options.timeout.or(self.inner.timeout);
        if let Some(timeout) = timeout.filter(|t| Some(*t) != self.inner.http_timeout) {
            builder = builder.timeout(timeout);
        }
        let builder = attach_body(builder, &mut headers, request.body.clone()).map_err(invalid)?;
        // The headers go in whole, not merged one by one; the body's own (a multipart form's
        // content type) stay where these do not name them.
        Ok(builder.build().map(|mut http_request| {
            let from_body = std::mem::replace(http_request.headers_mut(), headers);
            for name in from_body.keys() {
                if !http_request.headers().contains_key(name) {
                    for value in from_body.get_all(name) {
                        http_request
                            .headers_mut()
                            .append(name.clone(), value.clone());
                    }
                }
            }
            http_request
        }))
    }

    /// Adds the credential of `scheme` to the request: `token`, or for basic authentication the
    /// user name and password.
    fn authenticate(
        &self,
        scheme: &SecurityScheme,
        token: Option<&SentToken<'_>>,
        headers: &mut HeaderMap,
        query: &mut Vec<(String, String)>,
    ) -> std::result::Result<(), String> {
        if let (SchemeKind::Basic, Some(Credential::Basic { username, password })) =
            (scheme.kind, self.inner.credentials.get(scheme.name))
        {
            let encoded = base64::engine::general_purpose::STANDARD
                .encode(format!("{username}:{}", password.expose()));
            let value = secret_header(&format!("Basic {encoded}"), scheme)?;
            headers.insert(header::AUTHORIZATION, value);
            return Ok(());
        }
        let Some(sent) = token else {
            return Err(format!(
                "no credential for security scheme `{}`",
                scheme.name
            ));
        };
        let token = sent.token.expose();
        match scheme.kind {
            SchemeKind::ApiKeyHeader(name) => {
                let name = header::HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| format!("`{name}` is not a valid header name"))?;
                headers.insert(name, secret_header(token, scheme)?);
            }
            SchemeKind::ApiKeyQuery(name) => query.push((name.to_owned(), token.to_owned())),
            SchemeKind::ApiKeyCookie(name) => {
                let cookie = match headers.get(header::COOKIE).and_then(|v| v.to_str().ok()) {
                    Some(existing) => format!("{existing}; {name}={token}"),
                    None => format!("{name}={token}"),
                };
                let value = secret_header(&cookie, scheme)?;
                headers.insert(header::COOKIE, value);
            }
            SchemeKind::Bearer | SchemeKind::Basic => {
                let value = secret_header(&format!("Bearer {token}"), scheme)?;
                headers.insert(header::AUTHORIZATION, value);
            }
        }
        Ok(())
    }
}

/// Records the outcome of a call on its span, once, when the call ends; `started` is `None` where
/// the span records nothing.
fn finish(started: Option<Instant>, attempts: u32, status: Option<u16>, request_id: Option<&str>) {
    let Some(started) = started else {
        return;
    };
    let span = tracing::Span::current();
    span.record("attempts", attempts);
    if let Some(status) = status {
        span.record("status", status);
    }
    if let Some(request_id) = request_id {
        span.record("request_id", request_id);
    }
    span.record("elapsed_ms", started.elapsed().as_millis() as u64);
}

/// A token sent with an attempt, and where it came from.
struct SentToken<'a> {
    source: &'a dyn TokenSource,
    token: Cow<'a, Secret>,
}

/// Asks the sources of refused tokens for new ones; whether any gave one.
async fn renew_rejected(tokens: &[SentToken<'_>]) -> Result<bool> {
    let mut renewed = false;
    for sent in tokens {
        renewed |= sent.source.rejected(&sent.token).await?.is_some();
    }
    Ok(renewed)
}

/// Sends a fresh idempotency key where the operation takes one and the caller gave
/// none; whether the request carries one.
fn idempotency_key(request: &mut Request) -> bool {
    let Some(name) = request.operation.idempotency_key else {
        return false;
    };
    let given =
        request.headers.contains_key(name) || request.call_options().headers.contains_key(name);
    if !given {
        request.header(name, &uuid::Uuid::new_v4().to_string());
    }
    true
}

fn check_credential(
    scheme: &'static SecurityScheme,
    credential: &Credential,
) -> std::result::Result<(), String> {
    let fits = matches!(
        (scheme.kind, credential),
        (SchemeKind::Basic, Credential::Basic { .. })
            | (
                SchemeKind::ApiKeyHeader(_)
                    | SchemeKind::ApiKeyQuery(_)
                    | SchemeKind::ApiKeyCookie(_)
                    | SchemeKind::Bearer,
                Credential::Token(_)
            )
    );
    if fits {
        return Ok(());
    }
    let wanted = match scheme.kind {
        SchemeKind::Basic => "a user name and password",
        _ => "a token",
    };
    Err(format!(
        "security scheme `{}` takes {wanted} as its credential",
        scheme.name
    ))
}

fn invalid(operation: &Operation, message: String) -> Error {
    Error::InvalidRequest {
        operation: Some(operation.id),
        message,
    }
}

/// A header value holding a secret, marked sensitive so that it never prints.
fn secret_header(value: &str, scheme: &SecurityScheme) -> std::result::Result<HeaderValue, String> {
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        format!(
            "the credential of security scheme `{}` is not a valid header value",
            scheme.name
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Sets the body and its content type.
fn attach_body(
    builder: reqwest::RequestBuilder,
    headers: &mut HeaderMap,
    body: Body,
) -> std::result::Result<reqwest::RequestBuilder, String> {
    let (content_type, builder) = match body {
        Body::Empty => return Ok(builder),
        Body::Json(bytes) => (
            HeaderValue::from_static("application/json"),
            builder.body(bytes),
        ),
        Body::Form(text) => (
            HeaderValue::from_static("application/x-www-form-urlencoded"),
            builder.body(text),
        ),
        #[cfg(feature = "multipart")]
        Body::Multipart(parts) => {
            // The form sets its own content type, with the boundary.
            headers.remove(header::CONTENT_TYPE);
            return Ok(builder.multipart(multipart_form(parts)?));
        }
        #[cfg(not(feature = "multipart"))]
        Body::Multipart(_) => {
            return Err("multipart bodies need the runtime's `multipart` feature".to_owned());
        }
        Body::Raw {
            bytes,
            content_type,
        } => (
            HeaderValue::from_str(&content_type)
                .map_err(|_| format!("`{content_type}` is not a valid content type"))?,
            builder.body(bytes),
        ),
    };
    headers.insert(header::CONTENT_TYPE, content_type);
    Ok(builder)
}

impl Inner {
    /// The URL of `request`, without its query.
    fn url(&self, request: &Request) -> std::result::Result<Url, String> {
        // The client's base URL was read when it was built; only an operation with servers of its
        // own has its server's URL read here.
        let parsed;
        let base = match &self.base {
            // A base URL serves every operation; the client's server, those without servers of their own.
            Some(base) if self.base_url.is_some() || request.operation.servers.is_none() => base,
            _ => {
                let servers = request.operation.servers.unwrap_or(self.servers);
                let server = servers
                    .get(self.server_index)
                    .or_else(|| servers.first())
                    .ok_or("no server is known for this operation: set a base url")?;
                let text = expand_server(server, &self.server_variables)?;
                parsed =
                    Url::parse(&text).map_err(|e| format!("`{text}` is not a valid url: {e}"))?;
                &parsed
            }
        };
        // The path is written once, into room for all of it, and only it is read: not the scheme
        // and host again.
        let base_path = base.path().trim_end_matches('/');
        let params: usize = request.path_params.iter().map(|(_, v)| v.len()).sum();
        let mut path =
            String::with_capacity(base_path.len() + 1 + request.operation.path.len() + params);
        path.push_str(base_path);
        request.push_path(&mut path)?;
        if !path[base_path.len()..].starts_with('/') {
            path.insert(base_path.len(), '/');
        }
        let mut url = base.clone();
        url.set_path(&path);
        Ok(url)
    }
}

/// The URL of `server` with every `{variable}` replaced by its configured value or default.
fn expand_server(
    server: &Server,
    variables: &BTreeMap<String, String>,
) -> std::result::Result<String, String> {
    let mut out = String::with_capacity(server.url.len());
    let mut rest = server.url;
    while let Some((before, after)) = rest.split_once('{') {
        let Some((name, after)) = after.split_once('}') else {
            break;
        };
        let value = variables
            .get(name)
            .map(String::as_str)
            .or_else(|| {
                server
                    .variables
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| *v)
            })
            .ok_or_else(|| {
                format!(
                    "server url `{}` has a variable `{name}` with no value",
                    server.url
                )
            })?;
        out.push_str(before);
        out.push_str(value);
        rest = after;
    }
    out.push_str(rest);
    Ok(out)
}

/// `url` read, where it is an http or https URL.
fn check_url(url: &str, what: &str) -> std::result::Result<Url, String> {
    match Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(parsed),
        Ok(_) => Err(format!("{what} `{url}` is not an http or https url")),
        Err(e) => Err(format!("{what} `{url}` is not a valid url: {e}")),
    }
}

/// The schemes to send for `operation`: those of the first alternative whose schemes all
/// have credentials.
fn select_security(
    operation: &'static Operation,
    has_credential: impl Fn(&str) -> bool,
) -> Result<&'static [&'static SecurityScheme]> {
    if operation.security.is_empty() {
        return Ok(&[]);
    }
    if let Some(alternative) = operation
        .security
        .iter()
        .find(|alternative| alternative.iter().all(|s| has_credential(s.name)))
    {
        return Ok(alternative);
    }
    let mut schemes: Vec<&'static str> = Vec::new();
    for scheme in operation.security.iter().flat_map(|a| a.iter()) {
        if !has_credential(scheme.name) && !schemes.contains(&scheme.name) {
            schemes.push(scheme.name);
        }
    }
    Err(Error::MissingCredentials {
        operation: operation.id,
        method: operation.method.clone(),
        path: operation.path,
        schemes,
    })
}

#[cfg(feature = "multipart")]
fn multipart_form(parts: Vec<Part>) -> std::result::Result<reqwest::multipart::Form, String> {
    let mut form = reqwest::multipart::Form::new();
    for part in parts {
        form = match part {
            Part::Text { name, value } => form.text(name, value),
            Part::File {
                name,
                file_name,
                content_type,
                bytes,
            } => {
                let mut part = reqwest::multipart::Part::bytes(bytes).file_name(file_name);
                if let Some(content_type) = content_type {
                    part = part.mime_str(&content_type).map_err(|_| {
                        format!("`{content_type}` is not a valid content type for part `{name}`")
                    })?;
                }
                form.part(name, part)
            }
            Part::Invalid { message, .. } => return Err(message),
        };
    }
    Ok(form)
}

fn transport_error(
    operation: &'static Operation,
    error: reqwest::Error,
    started: Instant,
) -> Error {
    // A connection that could not be made, in time or at all, carried nothing: say so,
    // so that even a write without an idempotency key may be sent again.
    if error.is_timeout() && !error.is_connect() {
        Error::Timeout {
            operation: operation.id,
            method: operation.method.clone(),
            path: operation.path,
            elapsed: started.elapsed(),
            source: error,
            attempts: 1,
        }
    } else if error.is_builder() {
        Error::InvalidRequest {
            operation: Some(operation.id),
            message: error.to_string(),
        }
    } else {
        Error::Transport {
            operation: operation.id,
            method: operation.method.clone(),
            path: operation.path,
            sent: !error.is_connect(),
            source: error,
            attempts: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use reqwest::{Method, StatusCode};
    use serde::Deserialize;
    use serde_json::json;
    use wiremock::matchers::{body_partial_json, header, method, path, query_param};
    use wiremock::{Mock, MockServer, Request as Received, ResponseTemplate};

    use super::*;
    use crate::codegen::RequestEnvelope;
    use crate::RequestOptions;

    static TOKEN: SecurityScheme = SecurityScheme {
        name: "XAuthToken",
        kind: SchemeKind::ApiKeyHeader("X-Auth-Token"),
    };
    static BEARER: SecurityScheme = SecurityScheme {
        name: "BearerAuth",
        kind: SchemeKind::Bearer,
    };
    static BASIC: SecurityScheme = SecurityScheme {
        name: "BasicAuth",
        kind: SchemeKind::Basic,
    };
    static QUERY_KEY: SecurityScheme = SecurityScheme {
        name: "QueryKey",
        kind: SchemeKind::ApiKeyQuery("api_key"),
    };
    static COOKIE: SecurityScheme = SecurityScheme {
        name: "Session",
        kind: SchemeKind::ApiKeyCookie("session"),
    };

    static CREATE_ITEM: Operation = Operation {
        id: "createItem",
        method: Method::POST,
        path: "/users/{id}/items",
        servers: None,
        security: &[&[&TOKEN]],
        idempotency_key: None,
        encrypted: &[],
        error_body: None,
    };

    static ANY_AUTH: Operation = Operation {
        id: "whoAmI",
        method: Method::GET,
        path: "/me",
        servers: None,
        security: &[&[&TOKEN, &COOKIE], &[&BEARER], &[&BASIC], &[&QUERY_KEY]],
        idempotency_key: None,
        encrypted: &[],
        error_body: None,
    };

    static OPTIONAL_AUTH: Operation = Operation {
        id: "listRates",
        method: Method::GET,
        path: "/rates",
        servers: None,
        security: &[&[&TOKEN], &[]],
        idempotency_key: None,
        encrypted: &[],
        error_body: None,
    };

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        id: u64,
        name: String,
    }

    fn client(server: &MockServer) -> ClientBuilder {
        Client::builder(&[])
            .envelopes(&crate::response::TEST_ENVELOPES)
            .base_url(server.uri())
    }

    fn success(data: serde_json::Value) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(json!({
            "success": true,
            "data": data,
            "metadata": {"request_id": "req-1", "timestamp": "2024-01-01T00:00:00Z", "processing_time_ms": 5},
        }))
    }

    static KEYED_WRITE: Operation = Operation {
        id: "createPayment",
        method: Method::POST,
        path: "/payments",
        servers: None,
        security: &[],
        idempotency_key: Some("Idempotency-Key"),
        encrypted: &[],
        error_body: None,
    };

    #[tokio::test(start_paused = true)]
    async fn a_retried_write_resends_its_key_and_its_envelope_unchanged() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/payments"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/payments"))
            .respond_with(success(json!({"id": 1, "name": "paid"})))
            .mount(&server)
            .await;
        // No timer may be pending during an attempt, or paused time would jump to it.
        let http = reqwest::Client::builder()
            .pool_idle_timeout(None)
            .build()
            .expect("http client");
        let client = client(&server)
            .http_client(http)
            .no_timeout()
            .build()
            .expect("client");
        let mut request = Request::new(&KEYED_WRITE);
        request.json_body(&json!({"amount": "10.00"}), RequestEnvelope::Wrap);

        let response = client
            .execute::<Item>(request, ResponseShape::Success)
            .await
            .expect("the retry succeeds");

        assert_eq!(response.attempts(), 2);
        let received = server.received_requests().await.unwrap_or_default();
        assert_eq!(received.len(), 2);
        let key = |r: &Received| r.headers.get("idempotency-key").cloned();
        assert!(key(&received[0]).is_some(), "a key is generated");
        assert_eq!(key(&received[0]), key(&received[1]));
        assert_eq!(
            received[0].body, received[1].body,
            "same envelope, same request_id"
        );
        let envelope: serde_json::Value = serde_json::from_slice(&received[0].body).expect("json");
        assert!(envelope["metadata"]["request_id"].is_string(), "{envelope}");
    }

    #[tokio::test]
    async fn sends_parameters_credentials_and_the_request_envelope() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/users/a%2Fb/items"))
            .and(query_param("tag", "x"))
            .and(query_param("tag", "y z"))
            .and(header("x-auth-token", "tok-1"))
            .and(header("platform", "fincode"))
            .and(header("content-type", "application/json"))
            .and(header("accept", "application/json"))
            .and(header("user-agent", DEFAULT_USER_AGENT))
            .and(body_partial_json(json!({"data": {"name": "pen"}})))
            .respond_with(success(json!({"id": 3, "name": "pen"})))
            .expect(1)
            .mount(&server)
            .await;
        let client = client(&server)
            .credential(&TOKEN, Credential::token("tok-1"))
            .default_header("platform", "fincode")
            .build()
            .expect("client");
        let mut request = Request::new(&CREATE_ITEM);
        request
            .path_param("id", &"a/b")
            .query("tag", &["x", "y z"])
            .query("none", &None::<u8>)
            .json_body(&json!({"name": "pen"}), RequestEnvelope::Wrap);
        let response = client
            .execute::<Item>(request, ResponseShape::Success)
            .await
            .expect("success");
        assert_eq!(
            response.data(),
            &Item {
                id: 3,
                name: "pen".into()
            }
        );
        assert_eq!(response.request_id(), Some("req-1"));
        assert_eq!(response.processing_time_ms(), Some(5));

        let received = server.received_requests().await.unwrap_or_default();
        let body: serde_json::Value = received
            .first()
            .and_then(|r| serde_json::from_slice(&r.body).ok())
            .unwrap_or_default();
        let request_id = body["metadata"]["request_id"].as_str().unwrap_or_default();
        assert!(uuid::Uuid::parse_str(request_id).is_ok(), "{body}");
    }

    #[tokio::test]
    async fn missing_credentials_fail_without_sending() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(success(json!(null)))
            .expect(0)
            .mount(&server)
            .await;
        let client = client(&server)
            .credential(&TOKEN, Credential::token("t"))
            .build()
            .expect("client");
        let mut request = Request::new(&ANY_AUTH);
        request.query("x", &1);
        let error = client
            .execute::<()>(request, ResponseShape::Success)
            .await
            .expect_err("no credential for any alternative");
        let Error::MissingCredentials { schemes, .. } = &error else {
            panic!("unexpected error: {error:?}");
        };
        assert_eq!(schemes, &["Session", "BearerAuth", "BasicAuth", "QueryKey"]);
        assert!(!error.is_retryable());
    }

    #[test]
    fn security_picks_the_first_satisfiable_alternative() {
        let pick = |configured: &[&str], operation: &'static Operation| {
            select_security(operation, |name| configured.contains(&name))
                .map(|schemes| schemes.iter().map(|s| s.name).collect::<Vec<_>>())
                .map_err(|e| e.to_string())
        };
        assert_eq!(
            pick(&["BasicAuth", "QueryKey"], &ANY_AUTH),
            Ok(vec!["BasicAuth"])
        );
        assert_eq!(
            pick(&["QueryKey", "Session", "XAuthToken"], &ANY_AUTH),
            Ok(vec!["XAuthToken", "Session"])
        );
        assert_eq!(pick(&[], &OPTIONAL_AUTH), Ok(vec![]));
        assert_eq!(
            pick(&["XAuthToken"], &OPTIONAL_AUTH),
            Ok(vec!["XAuthToken"])
        );
        assert_eq!(
            pick(&[], &CREATE_ITEM),
            Err(
                "createItem (POST /users/{id}/items): missing credentials: configure a \
                 credential for security scheme `XAuthToken`"
                    .to_owned()
            )
        );
    }

    #[tokio::test]
    async fn each_scheme_kind_sends_its_credential() {
        let server = MockServer::start().await;
        Mock::given(path("/me"))
            .respond_with(success(json!(null)))
            .mount(&server)
            .await;
        let cases = [
            (&BEARER, Credential::token("b-tok")),
            (&BASIC, Credential::basic("alice", "pw")),
            (&QUERY_KEY, Credential::token("q-tok")),
        ];
        for (scheme, credential) in cases {
            let client = client(&server)
                .credential(scheme, credential)
                .build()
                .expect("client");
            let sent = client
                .execute::<()>(Request::new(&ANY_AUTH), ResponseShape::Success)
                .await;
            assert!(sent.is_ok(), "{sent:?}");
        }
        let client = client(&server)
            .credential(&TOKEN, Credential::token("h-tok"))
            .credential(&COOKIE, Credential::token("c-tok"))
            .build()
            .expect("client");
        let mut options = RequestOptions::new().header("cookie", "theme=dark");
        options = options.header("x-extra", "1");
        let mut request = Request::new(&ANY_AUTH);
        request.options(options);
        let sent = client.execute::<()>(request, ResponseShape::Success).await;
        assert!(sent.is_ok(), "{sent:?}");

        let received = server.received_requests().await.unwrap_or_default();
        let seen = |r: &Received, name: &str| {
            r.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(received.len(), 4);
        assert_eq!(seen(&received[0], "authorization"), "Bearer b-tok");
        assert_eq!(seen(&received[1], "authorization"), "Basic YWxpY2U6cHc=");
        assert_eq!(received[2].url.query(), Some("api_key=q-tok"));
        assert_eq!(seen(&received[3], "x-auth-token"), "h-tok");
        assert_eq!(seen(&received[3], "cookie"), "theme=dark");
        assert_eq!(seen(&received[3], "x-extra"), "1");
    }

    /// Hands out `t1`, `t2`, ... and fails once past `limit`.
    #[derive(Debug)]
    struct Counting {
        calls: std::sync::atomic::AtomicUsize,
        limit: usize,
    }

    impl crate::TokenSource for Counting {
        fn token(&self) -> crate::TokenFuture<'_> {
            let n = self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            let limit = self.limit;
            Box::pin(async move {
                if n > limit {
                    return Err(Error::InvalidRequest {
                        operation: None,
                        message: "session expired".into(),
                    });
                }
                Ok(crate::Secret::new(format!("t{n}")))
            })
        }
    }

    #[tokio::test]
    async fn token_sources_are_asked_on_every_request() {
        let server = MockServer::start().await;
        for token in ["Bearer t1", "Bearer t2"] {
            Mock::given(path("/me"))
                .and(header("authorization", token))
                .respond_with(success(json!(null)))
                .expect(1)
                .mount(&server)
                .await;
        }
        let source = Counting {
            calls: Default::default(),
            limit: 2,
        };
        let client = client(&server)
            .credential(&BEARER, Credential::token_source(source))
            .build()
            .expect("client");
        for _ in 0..2 {
            let sent = client
                .execute::<()>(Request::new(&ANY_AUTH), ResponseShape::Success)
                .await;
            assert!(sent.is_ok(), "{sent:?}");
        }
        let error = client
            .execute::<()>(Request::new(&ANY_AUTH), ResponseShape::Success)
            .await
            .expect_err("the source fails");
        assert_eq!(
            error.to_string(),
            "invalid client configuration: session expired"
        );
    }

    /// A source with the token at hand, whose `token` fails: it must not be asked.
    #[derive(Debug)]
    struct AtHand;

    impl crate::TokenSource for AtHand {
        fn token(&self) -> crate::TokenFuture<'_> {
            Box::pin(async {
                Err(Error::InvalidRequest {
                    operation: None,
                    message: "asked for a token it holds".into(),
                })
            })
        }

        fn current(&self) -> Option<&crate::Secret> {
            static HELD: std::sync::LazyLock<crate::Secret> =
                std::sync::LazyLock::new(|| crate::Secret::new("held"));
            Some(&HELD)
        }
    }

    #[tokio::test]
    async fn a_token_at_hand_is_sent_without_asking_its_source() {
        let server = MockServer::start().await;
        Mock::given(path("/me"))
            .and(header("authorization", "Bearer held"))
            .respond_with(success(json!(null)))
            .expect(2)
            .mount(&server)
            .await;
        let client = client(&server)
            .credential(&BEARER, Credential::token_source(AtHand))
            .build()
            .expect("client");
        for _ in 0..2 {
            let sent = client
                .execute::<()>(Request::new(&ANY_AUTH), ResponseShape::Success)
                .await;
            assert!(sent.is_ok(), "{sent:?}");
        }
    }

    #[tokio::test]
    async fn cookies_of_several_schemes_and_parameters_are_combined() {
        let server = MockServer::start().await;
        Mock::given(path("/me"))
            .and(header("cookie", "lang=en; session=c-tok"))
            .respond_with(success(json!(null)))
            .expect(1)
            .mount(&server)
            .await;
        let client = client(&server)
            .credential(&TOKEN, Credential::token("h-tok"))
            .credential(&COOKIE, Credential::token("c-tok"))
            .build()
            .expect("client");
        let mut request = Request::new(&ANY_AUTH);
        request.header("cookie", &"lang=en");
        let sent = client.execute::<()>(request, ResponseShape::Success).await;
        assert!(sent.is_ok(), "{sent:?}");
    }

    #[tokio::test]
    async fn api_errors_and_unexpected_statuses_come_from_real_responses() {
        let server = MockServer::start().await;
        Mock::given(path("/rates"))
            .and(query_param("case", "api"))
            .respond_with(
                ResponseTemplate::new(422)
                    .insert_header("x-request-id", "hdr-7")
                    .set_body_json(json!({
                        "success": false,
                        "error": {"code": "VALIDATION_ERROR", "message": "bad currency", "field": "currency"},
                    })),
            )
            .mount(&server)
            .await;
        Mock::given(path("/rates"))
            .and(query_param("case", "html"))
            .respond_with(
                ResponseTemplate::new(502).set_body_raw("<html>Bad Gateway</html>", "text/html"),
            )
            .mount(&server)
            .await;
        Mock::given(path("/rates"))
            .and(query_param("case", "truncated"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(r#"{"success": true, "da"#, "application/json"),
            )
            .mount(&server)
            .await;
        let client = client(&server).build().expect("client");
        let call = |case: &'static str| {
            let client = client.clone();
            async move {
                let mut request = Request::new(&OPTIONAL_AUTH);
                request.query("case", &case);
                client
                    .execute::<Item>(request, ResponseShape::Success)
                    .await
            }
        };

        let error = call("api").await.expect_err("api error");
        let api = error.api_error().expect("api error");
        assert_eq!(
            api.code.as_ref().map(|c| c.to_string()).as_deref(),
            Some("VALIDATION_ERROR")
        );
        assert_eq!(api.field.as_deref(), Some("currency"));
        assert_eq!(error.request_id(), Some("hdr-7"));
        assert_eq!(error.status(), Some(StatusCode::UNPROCESSABLE_ENTITY));

        let error = call("html").await.expect_err("unexpected status");
        assert!(matches!(error, Error::UnexpectedStatus { .. }), "{error:?}");
        assert_eq!(
            error.body_text().as_deref(),
            Some("<html>Bad Gateway</html>")
        );
        assert!(error.is_retryable());

        let error = call("truncated").await.expect_err("decode error");
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
        assert_eq!(
            error.body_text().as_deref(),
            Some(r#"{"success": true, "da"#)
        );
        assert!(error.to_string().contains("at line 1 column"), "{error}");
    }

    #[tokio::test]
    async fn a_refused_connection_was_not_sent() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let client = Client::builder(&[])
            .base_url(format!("http://127.0.0.1:{port}"))
            .build()
            .expect("client");
        let error = client
            .execute::<()>(Request::new(&OPTIONAL_AUTH), ResponseShape::Empty)
            .await
            .expect_err("nothing listens");
        assert!(
            matches!(error, Error::Transport { sent: false, .. }),
            "{error:?}"
        );
        assert!(error.is_retryable());
        assert_eq!(
            error.to_string(),
            "listRates (GET /rates): transport error, the request was not sent"
        );
    }

    #[tokio::test]
    async fn slow_responses_time_out() {
        let server = MockServer::start().await;
        Mock::given(path("/rates"))
            .respond_with(success(json!(null)).set_delay(Duration::from_secs(5)))
            .mount(&server)
            .await;
        let client = client(&server)
            .timeout(Duration::from_millis(200))
            .build()
            .expect("client");
        let error = client
            .execute::<()>(Request::new(&OPTIONAL_AUTH), ResponseShape::Success)
            .await
            .expect_err("times out");
        assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
        assert!(error.is_retryable());

        let client = client_with_long_timeout(&server);
        let mut request = Request::new(&OPTIONAL_AUTH);
        request.options(RequestOptions::new().timeout(Duration::from_millis(100)));
        let error = client
            .execute::<()>(request, ResponseShape::Success)
            .await
            .expect_err("times out");
        assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    }

    fn client_with_long_timeout(server: &MockServer) -> Client {
        client(server).build().expect("client")
    }

    static SERVERS: &[Server] = &[
        Server {
            url: "http://{host}:{port}/sandbox/",
            variables: &[("host", "127.0.0.1"), ("port", "1")],
        },
        Server {
            url: "http://{host}:{port}/live",
            variables: &[("host", "127.0.0.1"), ("port", "1")],
        },
    ];
    static OWN_SERVERS: &[Server] = &[Server {
        url: "http://127.0.0.1:{port}/lending",
        variables: &[("port", "1")],
    }];
    static ON_ROOT: Operation = Operation {
        id: "ping",
        method: Method::GET,
        path: "/ping",
        servers: None,
        security: &[],
        idempotency_key: None,
        encrypted: &[],
        error_body: None,
    };
    static ON_OWN: Operation = Operation {
        id: "loans",
        method: Method::GET,
        path: "/loans",
        servers: Some(OWN_SERVERS),
        security: &[],
        idempotency_key: None,
        encrypted: &[],
        error_body: None,
    };

    #[tokio::test]
    async fn servers_are_selected_and_their_variables_filled() {
        let server = MockServer::start().await;
        for route in ["/live/ping", "/lending/loans"] {
            Mock::given(path(route))
                .respond_with(ResponseTemplate::new(200).set_body_string("pong"))
                .expect(1)
                .mount(&server)
                .await;
        }
        let port = server.address().port().to_string();
        let client = Client::builder(&[])
            .root_servers(SERVERS)
            .server(1)
            .server_variable("port", port)
            .build()
            .expect("client");
        for operation in [&ON_ROOT, &ON_OWN] {
            let text = client
                .execute::<String>(Request::new(operation), ResponseShape::Text)
                .await
                .map(Response::into_data);
            assert_eq!(text.ok().as_deref(), Some("pong"));
        }
        let url = |client: &Client, operation| {
            client.inner.url(&Request::new(operation)).map(String::from)
        };
        let default = Client::builder(&[])
            .root_servers(SERVERS)
            .build()
            .expect("client");
        assert_eq!(
            url(&default, &ON_ROOT).as_deref(),
            Ok("http://127.0.0.1:1/sandbox/ping")
        );
        let overridden = Client::builder(&[])
            .root_servers(SERVERS)
            .base_url("http://localhost:9/base/")
            .build()
            .expect("client");
        assert_eq!(
            url(&overridden, &ON_OWN).as_deref(),
            Ok("http://localhost:9/base/loans")
        );
    }

    #[test]
    fn urls_are_the_base_with_the_operations_path_its_parameters_encoded() {
        let url = |base: &str, id: &str| {
            let client = Client::builder(&[]).base_url(base).build().expect("client");
            let mut request = Request::new(&CREATE_ITEM);
            request.path_param("id", id);
            client.inner.url(&request).map(String::from)
        };
        assert_eq!(
            url("http://localhost:9", "7").as_deref(),
            Ok("http://localhost:9/users/7/items")
        );
        // A prefix, with or without its slash; every byte outside the unreserved set encoded.
        assert_eq!(
            url("https://api.example.com/api/v6/services/", "a b/c?d#e%").as_deref(),
            Ok("https://api.example.com/api/v6/services/users/a%20b%2Fc%3Fd%23e%25/items")
        );
        assert_eq!(
            url("http://[::1]:8080/v1", "é").as_deref(),
            Ok("http://[::1]:8080/v1/users/%C3%A9/items")
        );
        // A query on the base stays the base's.
        assert_eq!(
            url("http://localhost:9/v1?tenant=x", "7").as_deref(),
            Ok("http://localhost:9/v1/users/7/items?tenant=x")
        );
        let client = Client::builder(&[])
            .base_url("http://localhost:9")
            .build()
            .expect("client");
        assert_eq!(
            client
                .inner
                .url(&Request::new(&CREATE_ITEM))
                .map(String::from),
            Err("path parameter `id` is not set".to_owned())
        );
    }

    #[cfg(feature = "multipart")]
    #[tokio::test]
    async fn multipart_and_raw_bodies_are_sent() {
        let server = MockServer::start().await;
        Mock::given(path("/rates"))
            .respond_with(ResponseTemplate::new(204))
            .mount(&server)
            .await;
        let client = client(&server).build().expect("client");
        let mut request = Request::new(&OPTIONAL_AUTH);
        request.multipart_body(vec![
            Part::text("kind", "passport"),
            Part::file("document", b"PNGDATA".to_vec()).with_content_type("image/png"),
        ]);
        let sent = client.execute::<()>(request, ResponseShape::Empty).await;
        assert!(sent.is_ok(), "{sent:?}");
        let mut request = Request::new(&OPTIONAL_AUTH);
        request.text_body("a,b\n".to_owned(), "text/csv");
        let sent = client.execute::<()>(request, ResponseShape::Empty).await;
        assert!(sent.is_ok(), "{sent:?}");

        let received = server.received_requests().await.unwrap_or_default();
        let content_type = |r: &Received| {
            r.headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let multipart = String::from_utf8_lossy(&received[0].body).to_lowercase();
        assert!(content_type(&received[0]).starts_with("multipart/form-data; boundary="));
        assert!(
            multipart.contains("name=\"kind\"\r\n\r\npassport"),
            "{multipart}"
        );
        assert!(multipart.contains("filename=\"document\""), "{multipart}");
        assert!(multipart.contains("content-type: image/png"), "{multipart}");
        assert_eq!(content_type(&received[1]), "text/csv");
        assert_eq!(received[1].body, b"a,b\n");
    }

    #[tokio::test]
    async fn invalid_requests_fail_without_sending() {
        let server = MockServer::start().await;
        Mock::given(path("/rates"))
            .respond_with(ResponseTemplate::new(204))
            .expect(0)
            .mount(&server)
            .await;
        let client = client(&server).build().expect("client");
        let mut request = Request::new(&OPTIONAL_AUTH);
        request.header("bad header", &"x");
        let error = client.execute::<()>(request, ResponseShape::Empty).await;
        assert_eq!(
            error.map(|_| ()).map_err(|e| e.to_string()),
            Err("invalid request for listRates: `bad header` is not a valid header name".into())
        );
        let mut request = Request::new(&CREATE_ITEM);
        request.query("x", &1);
        let client = client.clone();
        let error = Client::builder(&[])
            .base_url(server.uri())
            .credential(&TOKEN, Credential::token("t"))
            .build()
            .expect("client")
            .execute::<()>(request, ResponseShape::Empty)
            .await;
        assert_eq!(
            error.map(|_| ()).map_err(|e| e.to_string()),
            Err("invalid request for createItem: path parameter `id` is not set".into())
        );
        drop(client);
    }

    #[test]
    fn invalid_configurations_are_reported_by_build() {
        let error = |builder: ClientBuilder| builder.build().map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(
            error(Client::builder(&[]).base_url("localhost:8080")),
            Err("invalid client configuration: base url `localhost:8080` is not an http or https url".into())
        );
        assert!(error(Client::builder(&[]).base_url("http://exa mple.com"))
            .is_err_and(|e| e.starts_with(
                "invalid client configuration: base url `http://exa mple.com` is not a valid url: "
            )));
        assert_eq!(
            error(Client::builder(&[]).root_servers(SERVERS).server(2)),
            Err("invalid client configuration: server index 2 is out of range: the API has 2 servers".into())
        );
        assert_eq!(
            error(Client::builder(&[]).default_header("x-ok", "a\nb")),
            Err("invalid client configuration: the value of header `x-ok` is not a valid header value".into())
        );
        assert_eq!(
            error(Client::builder(&[]).credential(&BASIC, Credential::token("t"))),
            Err("invalid client configuration: security scheme `BasicAuth` takes a user name and password as its credential".into())
        );
        assert_eq!(
            error(Client::builder(&[]).user_agent("bad\u{7f}")),
            Err("invalid client configuration: `bad\u{7f}` is not a valid user agent".into())
        );
        assert_eq!(error(Client::builder(&[])), Ok(()));
    }

    #[test]
    fn debug_output_hides_credentials_and_header_values() {
        let client = Client::builder(&[])
            .credential(&TOKEN, Credential::token("tok-secret"))
            .credential(&BASIC, Credential::basic("alice", "pw-secret"))
            .default_header("x-api-key", "hdr-secret")
            .build()
            .expect("client");
        let printed = format!(
            "{client:?} {:?}",
            Client::builder(&[]).default_header("x-api-key", "hdr-secret")
        );
        for secret in ["tok-secret", "pw-secret", "hdr-secret"] {
            assert!(!printed.contains(secret), "{printed}");
        }
    }

    #[test]
    fn client_and_execute_are_send_and_sync() {
        fn assert_send<T: Send>(_: &T) {}
        fn assert_sync<T: Send + Sync>() {}
        assert_sync::<Client>();
        assert_sync::<Error>();
        let client = Client::builder(&[]).build().expect("client");
        let future = client.execute::<()>(Request::new(&ON_ROOT), ResponseShape::Empty);
        assert_send(&future);
    }
}
