//! The client types of a generated crate, defined by [`client!`](crate::client) so that their
//! configuration methods stay those of this runtime's [`ClientBuilder`](super::ClientBuilder).

/// Defines a generated crate's `Client` and `ClientBuilder`: its own types, to which it adds the
/// API's operation groups and credential setters, around this runtime's.
///
/// `client!(runtime, ErrorCode, servers::client_builder)` takes the name of this runtime at the
/// calling crate's root, the type of the API's error codes (`String` where the spec declares none; it
/// must implement `From<&str>` and `Display`), and the path of a function returning a
/// `runtime::ClientBuilder` set up with the API's servers and envelopes.
/// The methods of capabilities behind a feature (`session`, `encryption_key`) are added by the
/// generated crate where its spec uses them.
#[macro_export]
macro_rules! client {
    ($rt:ident, $code:ty, $new:path) => {
        /// A client of the API. Cloning it is cheap: clones share the connection pool and the
        /// configuration.
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: $rt::Client,
        }

        /// Configures a [`Client`].
        #[derive(Debug)]
        pub struct ClientBuilder {
            inner: $rt::ClientBuilder,
        }

        impl Client {
            /// Starts configuring a client of the API, on its first server.
            pub fn builder() -> ClientBuilder {
                ClientBuilder { inner: $new() }
            }

            /// A client like this one (sharing its connection pool) with `credential` for `scheme`.
            pub fn with_credential(
                &self,
                scheme: &'static $rt::codegen::SecurityScheme,
                credential: $rt::Credential,
            ) -> ::core::result::Result<Client, $rt::Error<$code>> {
                self.inner
                    .with_credential(scheme, credential)
                    .map(|inner| Client { inner })
                    .map_err(|e| e.map_code(|c| <$code as ::core::convert::From<&str>>::from(&c)))
            }

            /// The runtime's client this one wraps.
            pub fn runtime(&self) -> &$rt::Client {
                &self.inner
            }

            /// A client around `inner`, which the API's session operations receive.
            #[doc(hidden)]
            pub fn from_runtime(inner: &$rt::Client) -> Self {
                Client {
                    inner: inner.clone(),
                }
            }

            /// Sends `request` and reads its response as `shape`; the operation methods call this.
            #[doc(hidden)]
            pub fn execute<T: $rt::codegen::DeserializeOwned>(
                &self,
                request: $rt::codegen::Request,
                shape: $rt::codegen::ResponseShape,
            ) -> impl ::core::future::Future<
                Output = ::core::result::Result<$rt::Response<T>, $rt::Error<$code>>,
            > + use<'_, T> {
                self.inner.execute_coded(request, shape, |c| {
                    <$code as ::core::convert::From<&str>>::from(&c)
                })
            }
        }

        impl ClientBuilder {
            /// Sends every request to this URL instead of the API's servers (for tests and
            /// mocks); operation paths are appended to it.
            pub fn base_url(self, url: impl Into<String>) -> Self {
                ClientBuilder {
                    inner: self.inner.base_url(url),
                }
            }

            /// Selects the API server by its index in the API description (default 0).
            ///
            /// An operation with servers of its own uses the one at the same index, or its first.
            pub fn server(self, index: usize) -> Self {
                ClientBuilder {
                    inner: self.inner.server(index),
                }
            }

            /// Sets a server variable, such as `domain`, for every server that has it.
            pub fn server_variable(
                self,
                name: impl Into<String>,
                value: impl Into<String>,
            ) -> Self {
                ClientBuilder {
                    inner: self.inner.server_variable(name, value),
                }
            }

            /// Sets the credential of a security scheme.
            ///
            /// A basic scheme takes a basic credential, every other scheme a token.
            pub fn credential(
                self,
                scheme: &'static $rt::codegen::SecurityScheme,
                credential: $rt::Credential,
            ) -> Self {
                ClientBuilder {
                    inner: self.inner.credential(scheme, credential),
                }
            }

            /// The retry policy of every call (default: 2 retries); a call's options override it.
            pub fn retry_policy(self, policy: $rt::RetryPolicy) -> Self {
                ClientBuilder {
                    inner: self.inner.retry_policy(policy),
                }
            }

            /// The longest response body read, in bytes (default 32 MiB); a longer one ends the
            /// call with an error.
            pub fn max_response_bytes(self, limit: u64) -> Self {
                ClientBuilder {
                    inner: self.inner.max_response_bytes(limit),
                }
            }

            /// The timeout of each attempt of a call, from sending to the end of the body
            /// (default 60 s); a call's options override it.
            pub fn timeout(self, timeout: ::std::time::Duration) -> Self {
                ClientBuilder {
                    inner: self.inner.timeout(timeout),
                }
            }

            /// No timeout for attempts (long downloads, or tests that control time); a call's
            /// own timeout still applies to it.
            pub fn no_timeout(self) -> Self {
                ClientBuilder {
                    inner: self.inner.no_timeout(),
                }
            }

            /// The timeout of establishing a connection (default 10 s); ignored with
            /// [`http_client`](Self::http_client).
            pub fn connect_timeout(self, timeout: ::std::time::Duration) -> Self {
                ClientBuilder {
                    inner: self.inner.connect_timeout(timeout),
                }
            }

            /// The `User-Agent` header (default: the client crate's name and version).
            pub fn user_agent(self, user_agent: impl Into<String>) -> Self {
                ClientBuilder {
                    inner: self.inner.user_agent(user_agent),
                }
            }

            /// A header sent on every request that does not set it itself.
            pub fn default_header(self, name: &str, value: &str) -> Self {
                ClientBuilder {
                    inner: self.inner.default_header(name, value),
                }
            }

            /// Uses this HTTP client, for its connection pool, proxy or TLS settings.
            pub fn http_client(self, client: $rt::reqwest::Client) -> Self {
                ClientBuilder {
                    inner: self.inner.http_client(client),
                }
            }

            /// Builds the client, checking the configuration.
            pub fn build(self) -> ::core::result::Result<Client, $rt::Error<$code>> {
                self.inner
                    .build()
                    .map(|inner| Client { inner })
                    .map_err(|e| e.map_code(|c| <$code as ::core::convert::From<&str>>::from(&c)))
            }
        }
    };
}
