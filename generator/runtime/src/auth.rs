//! Credentials: secrets that never print, and where tokens come from.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::error::Result;

/// A secret string (token, password, API key) whose `Debug` output is redacted.
///
/// `Secret` has no `Display`: read the value with [`Secret::expose`] where it must be sent.
///
/// Clones share the value: a token handed out for every attempt of every call is not copied.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into().into())
    }

    /// Returns the secret value.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value.into())
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.into())
    }
}

/// The future returned by [`TokenSource::token`].
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<Secret>> + Send + 'a>>;

/// The future returned by [`TokenSource::rejected`].
pub type RejectedFuture<'a> = Pin<Box<dyn Future<Output = Result<Option<Secret>>> + Send + 'a>>;

/// Supplies the token sent for a security scheme, asked before every attempt of a call.
///
/// [`StaticToken`] returns a fixed token; a [`Session`](super::Session) logs in and
/// refreshes its access token. Implement it to take tokens from elsewhere (a secret
/// store, another process): the client calls [`TokenSource::token`] before each
/// attempt and [`TokenSource::rejected`] when the server answers `401`.
pub trait TokenSource: Send + Sync + fmt::Debug {
    /// Returns the token to send now.
    fn token(&self) -> TokenFuture<'_>;

    /// The token to send now, where the source holds it without waiting (a fixed token): the
    /// client then does not ask [`token`](Self::token). `None`, the default, means ask `token`.
    fn current(&self) -> Option<&Secret> {
        None
    }

    /// Called when the server answered `401 Unauthorized` to `token`: returns a new
    /// token to try the call once more with, or `None` (the default) to end the call
    /// with the `401` error.
    fn rejected<'a>(&'a self, token: &'a Secret) -> RejectedFuture<'a> {
        let _ = token;
        Box::pin(async { Ok(None) })
    }
}

/// A token that never changes, such as an API token from a dashboard.
#[derive(Clone, Debug)]
pub struct StaticToken(Secret);

impl StaticToken {
    /// Wraps a fixed token.
    pub fn new(token: impl Into<Secret>) -> Self {
        StaticToken(token.into())
    }
}

impl TokenSource for StaticToken {
    fn token(&self) -> TokenFuture<'_> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }

    fn current(&self) -> Option<&Secret> {
        Some(&self.0)
    }
}

/// The credential configured for one security scheme.
///
/// A token serves API keys (in a header, query parameter or cookie) and bearer
/// schemes; `Basic` serves HTTP basic authentication.
#[derive(Clone, Debug)]
pub enum Credential {
    /// A token, asked from its source before each request.
    Token(Arc<dyn TokenSource>),
    /// A user name and password for HTTP basic authentication.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: Secret,
    },
}

impl Credential {
    /// A fixed token.
    pub fn token(token: impl Into<Secret>) -> Self {
        Credential::Token(Arc::new(StaticToken::new(token)))
    }

    /// A token asked from `source` before each request.
    pub fn token_source(source: impl TokenSource + 'static) -> Self {
        Credential::Token(Arc::new(source))
    }

    /// A user name and password for HTTP basic authentication.
    pub fn basic(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Credential::Basic {
            username: username.into(),
            password: password.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_is_redacted() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        assert_eq!(format!("{secret:#?}"), "Secret(<redacted>)");
        assert_eq!(secret.expose(), "hunter2");
    }

    #[test]
    fn credential_debug_never_shows_the_secret() {
        let token = Credential::token("tok-123456");
        let basic = Credential::basic("alice", "pa55word");
        let printed = format!("{token:?} {basic:?} {token:#?} {basic:#?}");
        assert!(!printed.contains("tok-123456"), "{printed}");
        assert!(!printed.contains("pa55word"), "{printed}");
        assert_eq!(
            format!("{token:?}"),
            "Token(StaticToken(Secret(<redacted>)))"
        );
        assert_eq!(
            format!("{basic:?}"),
            r#"Basic { username: "alice", password: Secret(<redacted>) }"#
        );
    }

    #[tokio::test]
    async fn static_token_returns_its_token() {
        let source = StaticToken::new("abc");
        let token = source.token().await.map(|s| s.expose().to_owned());
        assert_eq!(token.ok().as_deref(), Some("abc"));
    }
}
