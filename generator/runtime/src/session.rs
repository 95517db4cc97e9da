//! Sessions: log in once, keep the access and refresh tokens, refresh before expiry.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use tokio::sync::Mutex;

use super::auth::{RejectedFuture, Secret, TokenFuture, TokenSource};
use super::client::Client;
use super::error::{Error, Result};

/// The longest time before expiry at which an access token is refreshed.
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// The tokens a login or a refresh returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tokens {
    /// The access token, sent with every call.
    pub access: Secret,
    /// The refresh token, exchanged for new tokens; `None` when the API gave none.
    pub refresh: Option<Secret>,
}

impl Tokens {
    /// An access token and, if there is one, a refresh token.
    pub fn new(access: impl Into<Secret>, refresh: Option<Secret>) -> Self {
        Tokens {
            access: access.into(),
            refresh,
        }
    }
}

/// The future returned by the [`SessionApi`] methods that obtain tokens.
pub type TokensFuture<'a> = Pin<Box<dyn Future<Output = Result<Tokens>> + Send + 'a>>;

/// The future returned by [`SessionApi::logout`].
pub type LogoutFuture<'a> = Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>;

/// The operations a [`Session`] calls; the generated code implements it with the API's
/// login, refresh and logout operations.
///
/// Each method receives a client configured like the session's own but without the
/// session, so that the calls never wait on the session itself.
pub trait SessionApi: Send + Sync + 'static {
    /// Logs in with a user name (an e-mail address) and a password.
    fn login<'a>(
        &'a self,
        client: &'a Client,
        username: &'a str,
        password: &'a Secret,
    ) -> TokensFuture<'a>;

    /// Exchanges a refresh token for new tokens.
    fn refresh<'a>(&'a self, client: &'a Client, refresh: &'a Secret) -> TokensFuture<'a>;

    /// Revokes the tokens.
    fn logout<'a>(&'a self, client: &'a Client, tokens: &'a Tokens) -> LogoutFuture<'a>;
}

/// A logged-in session: the [`TokenSource`] of a security scheme whose tokens come
/// from logging in.
///
/// The session logs in on first use (or when asked with [`Session::login`]), sends the
/// access token until shortly before the expiry written in it (the JWT's `exp`, read
/// without verifying the signature), then exchanges the refresh token for new tokens.
/// A `401` answer to a call makes it refresh once and retry that call once.
///
/// Refreshing is single-flight: refresh tokens can be used once, so however many calls
/// find the token expired at the same time, exactly one refresh is made and they all
/// use its result. When a refresh is refused, a session that knows the password logs in
/// again; otherwise, or when that login is refused too, the session ends and every call
/// fails with [`Error::Session`] until a new session is configured. A refresh or login
/// that fails for a transient reason (the network, a `5xx`) fails the calls that were
/// waiting for it and is tried again by the next call.
///
/// Clones share the same tokens.
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

struct Inner {
    api: Box<dyn SessionApi>,
    client: OnceLock<Client>,
    state: Mutex<State>,
    /// Counts the renewals started, so that callers waiting for one see its failure.
    renewals: AtomicU64,
}

#[derive(Default)]
struct State {
    tokens: Option<Tokens>,
    /// When to renew the access token, if its expiry is known.
    renew_at: Option<SystemTime>,
    credentials: Option<(String, Secret)>,
    /// The last renewal failure: the renewal's number, the error, and whether it ended the session.
    failure: Option<(u64, Arc<Error>, bool)>,
    /// Whether the session ended by [`Session::logout`] rather than by refused tokens.
    logged_out: bool,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the tokens or the password; whether there are any, and the user name.
        let mut out = f.debug_struct("Session");
        match self.inner.state.try_lock() {
            Ok(state) => out
                .field("logged_in", &state.tokens.is_some())
                .field(
                    "username",
                    &state.credentials.as_ref().map(|(user, _)| user.as_str()),
                )
                .field("ended", &state.ended())
                .finish(),
            Err(_) => out.finish_non_exhaustive(),
        }
    }
}

impl State {
    fn ended(&self) -> bool {
        matches!(self.failure, Some((_, _, true)))
    }

    /// Keeps `tokens` and returns the access token.
    fn store(&mut self, tokens: Tokens) -> Secret {
        self.renew_at = renew_at(&tokens.access, SystemTime::now());
        let access = tokens.access.clone();
        self.tokens = Some(tokens);
        self.failure = None;
        self.logged_out = false;
        access
    }

    fn fresh_access(&self, now: SystemTime) -> Option<&Secret> {
        let tokens = self.tokens.as_ref()?;
        match self.renew_at {
            Some(at) if now >= at => None,
            _ => Some(&tokens.access),
        }
    }
}

impl Session {
    /// A session that logs in as `username` with `password` on first use, and again
    /// whenever its refresh token is refused.
    pub fn login_with(
        api: impl SessionApi,
        username: impl Into<String>,
        password: impl Into<Secret>,
    ) -> Self {
        Self::with_state(
            api,
            State {
                credentials: Some((username.into(), password.into())),
                ..State::default()
            },
        )
    }

    /// A session that starts from tokens obtained elsewhere (a previous run, say); it
    /// ends when its refresh token is refused, since it cannot log in.
    pub fn from_tokens(api: impl SessionApi, tokens: Tokens) -> Self {
        let mut state = State::default();
        state.store(tokens);
        Self::with_state(api, state)
    }

    fn with_state(api: impl SessionApi, state: State) -> Self {
        Session {
            inner: Arc::new(Inner {
                api: Box::new(api),
                client: OnceLock::new(),
                state: Mutex::new(state),
                renewals: AtomicU64::new(0),
            }),
        }
    }

    /// Gives the session the client it calls the API with; the client builder does
    /// this once, and a session belongs to the first client built with it.
    pub(crate) fn attach(&self, client: Client) {
        let _ = self.inner.client.set(client);
    }

    fn client(&self) -> Result<&Client> {
        self.inner.client.get().ok_or_else(|| Error::Session {
            message: "the session is not part of a client: pass it to `ClientBuilder::session`"
                .to_owned(),
            source: None,
        })
    }

    /// Logs in now (with the password the session was given), instead of on first use,
    /// so that wrong credentials show at start-up.
    pub async fn login(&self) -> Result<()> {
        let mut state = self.inner.state.lock().await;
        let Some((username, password)) = state.credentials.clone() else {
            return Err(Error::Session {
                message: "the session has no password to log in with".to_owned(),
                source: None,
            });
        };
        let client = self.client()?;
        match self.inner.api.login(client, &username, &password).await {
            Ok(tokens) => {
                state.store(tokens);
                Ok(())
            }
            Err(e) => Err(Error::Session {
                message: "login failed".to_owned(),
                source: Some(Arc::new(e)),
            }),
        }
    }

    /// Renews the tokens now: with the refresh token, else by logging in.
    pub async fn refresh(&self) -> Result<()> {
        let mut state = self.inner.state.lock().await;
        self.renew(&mut state).await.map(drop)
    }

    /// Logs out, revoking the tokens; the session then ends.
    pub async fn logout(&self) -> Result<()> {
        let mut state = self.inner.state.lock().await;
        let ended = |state: &mut State| {
            state.tokens = None;
            state.credentials = None;
            state.logged_out = true;
            state.failure = Some((0, Arc::new(logged_out()), true));
        };
        let Some(tokens) = state.tokens.clone() else {
            ended(&mut state);
            return Ok(());
        };
        let client = self.client()?;
        let result = self.inner.api.logout(client, &tokens).await;
        ended(&mut state);
        result
    }

    /// Whether the session holds tokens.
    pub async fn is_logged_in(&self) -> bool {
        self.inner.state.lock().await.tokens.is_some()
    }

    /// The current tokens, to keep for a later [`Session::from_tokens`].
    pub async fn tokens(&self) -> Option<Tokens> {
        self.inner.state.lock().await.tokens.clone()
    }

    /// The access token to send now, renewing it first if it expires soon.
    async fn current(&self) -> Result<Secret> {
        let started = self.inner.renewals.load(Ordering::SeqCst);
        let mut state = self.inner.state.lock().await;
        if let Some(error) = waited_for_failure(&state, started) {
            return Err(error);
        }
        if let Some(access) = state.fresh_access(SystemTime::now()) {
            return Ok(access.clone());
        }
        self.renew(&mut state).await
    }

    /// A new access token after the server refused `rejected`; `None` ends the call.
    async fn after_rejection(&self, rejected: &Secret) -> Result<Option<Secret>> {
        let started = self.inner.renewals.load(Ordering::SeqCst);
        let mut state = self.inner.state.lock().await;
        if let Some(error) = waited_for_failure(&state, started) {
            return Err(error);
        }
        match &state.tokens {
            // Another call renewed the token meanwhile.
            Some(tokens) if &tokens.access != rejected => Ok(Some(tokens.access.clone())),
            _ => self.renew(&mut state).await.map(Some),
        }
    }

    /// Renews the tokens while holding the state, so that one renewal serves every caller.
    async fn renew(&self, state: &mut State) -> Result<Secret> {
        if let Some((_, error, true)) = &state.failure {
            return Err(ended(state, error));
        }
        let number = self.inner.renewals.fetch_add(1, Ordering::SeqCst) + 1;
        let client = self.client()?;
        let refresh = state.tokens.as_ref().and_then(|t| t.refresh.clone());
        let mut failure = None;
        if let Some(refresh) = refresh {
            tracing::debug!("refreshing the session's access token");
            match self.inner.api.refresh(client, &refresh).await {
                Ok(tokens) => return Ok(state.store(tokens)),
                Err(e) if e.is_retryable() => return Err(self.failed(state, number, e, false)),
                // Refused: the refresh token is spent or revoked; log in again if we can.
                Err(e) => failure = Some(e),
            }
        }
        let Some((username, password)) = state.credentials.clone() else {
            let error = failure.unwrap_or_else(|| Error::Session {
                message: "the access token expired and there is no refresh token".to_owned(),
                source: None,
            });
            return Err(self.failed(state, number, error, true));
        };
        tracing::debug!("logging the session in");
        match self.inner.api.login(client, &username, &password).await {
            Ok(tokens) => Ok(state.store(tokens)),
            Err(e) => {
                let permanent = !e.is_retryable();
                Err(self.failed(state, number, e, permanent))
            }
        }
    }

    /// Records a failed renewal; a permanent one ends the session.
    fn failed(&self, state: &mut State, number: u64, error: Error, permanent: bool) -> Error {
        let error = Arc::new(error);
        if permanent {
            state.tokens = None;
        }
        state.failure = Some((number, error.clone(), permanent));
        if permanent {
            ended(state, &error)
        } else {
            transient(&error)
        }
    }
}

/// The failure of a renewal that ran while the caller waited for the session, if any.
fn waited_for_failure(state: &State, started: u64) -> Option<Error> {
    match &state.failure {
        Some((_, error, true)) => Some(ended(state, error)),
        Some((number, error, false)) if *number > started => Some(transient(error)),
        _ => None,
    }
}

/// Why every call fails once the session has ended: a logout, or tokens the server refused.
fn ended(state: &State, cause: &Arc<Error>) -> Error {
    if state.logged_out {
        return logged_out();
    }
    Error::Session {
        message: "the session ended: its tokens were refused; configure a new session".to_owned(),
        source: Some(cause.clone()),
    }
}

fn logged_out() -> Error {
    Error::Session {
        message: "the session was logged out; configure a new session".to_owned(),
        source: None,
    }
}

fn transient(cause: &Arc<Error>) -> Error {
    Error::Session {
        message: "renewing the session's tokens failed; the next call tries again".to_owned(),
        source: Some(cause.clone()),
    }
}

impl TokenSource for Session {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(self.current())
    }

    fn rejected<'a>(&'a self, token: &'a Secret) -> RejectedFuture<'a> {
        Box::pin(self.after_rejection(token))
    }
}

/// When to renew an access token received at `now`: before its `exp` by a tenth of its
/// remaining life, at most five minutes; `None` when it is not a JWT with an `exp`.
fn renew_at(access: &Secret, now: SystemTime) -> Option<SystemTime> {
    let expires = SystemTime::UNIX_EPOCH + Duration::from_secs(jwt_expiry(access.expose())?);
    let life = expires.duration_since(now).unwrap_or(Duration::ZERO);
    Some(expires - (life / 10).min(REFRESH_MARGIN))
}

/// The `exp` claim of a JWT, read without verifying its signature.
fn jwt_expiry(token: &str) -> Option<u64> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    match claims.get("exp")? {
        serde_json::Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f as u64)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        let encode = |text: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
        format!("{}.{}.c2ln", encode(r#"{"alg":"RS256"}"#), encode(claims))
    }

    #[test]
    fn reads_the_expiry_of_a_jwt() {
        assert_eq!(
            jwt_expiry(&jwt(r#"{"exp":1700003600}"#)),
            Some(1_700_003_600)
        );
        assert_eq!(
            jwt_expiry(&jwt(r#"{"exp":1700003600.5}"#)),
            Some(1_700_003_600)
        );
        assert_eq!(jwt_expiry(&jwt(r#"{"sub":"x"}"#)), None);
        assert_eq!(jwt_expiry(&jwt(r#"{"exp":"soon"}"#)), None);
        assert_eq!(jwt_expiry("not-a-jwt"), None);
        assert_eq!(jwt_expiry("a.%%%.c"), None);
        assert_eq!(jwt_expiry("9b2f7c1e-5a4d-4e8b-8f3a-1c2d3e4f5a6b"), None);
    }

    #[test]
    fn renews_five_minutes_before_an_hour_long_token_expires() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let hour = Secret::new(jwt(r#"{"exp":1700003600}"#));
        let minute = Secret::new(jwt(r#"{"exp":1700000060}"#));
        let expired = Secret::new(jwt(r#"{"exp":1600000000}"#));
        let at = |token: &Secret| {
            renew_at(token, now).map(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        };
        assert_eq!(at(&hour), Some(Some(Duration::from_secs(1_700_003_300))));
        assert_eq!(at(&minute), Some(Some(Duration::from_secs(1_700_000_054))));
        assert_eq!(at(&expired), Some(Some(Duration::from_secs(1_600_000_000))));
        assert_eq!(renew_at(&Secret::new("opaque"), now), None);
    }
}
