//! When a failed attempt is tried again, and after how long.

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::Method;

/// How failed calls are retried.
///
/// A call is retried after a connection error, a timeout, or a `408`, `409`, `429` or
/// `5xx` response, at most [`RetryPolicy::max_retries`] times (2 by default).
/// The delay is the server's `retry-after-ms` or `Retry-After` (seconds or an HTTP date)
/// when it lies in (0, [`RetryPolicy::max_retry_after`]]; a longer one means the call is not
/// retried at all. Otherwise it is `min(initial * 2^n, max_backoff)` for the `n`th retry
/// (counting from 0), times a random factor in [0.75, 1].
///
/// `POST`, `PUT` and `PATCH` calls are retried only when they carry the operation's
/// idempotency key, which the client then sends unchanged on every attempt (with the
/// same request envelope `request_id`), or when the request certainly never reached the
/// server (the connection could not be made).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// The default policy: 2 retries, backoff from 0.5 s up to 8 s, `Retry-After` honoured up to 120 s.
    pub fn new() -> Self {
        Self::default()
    }

    /// A policy that never retries.
    pub fn none() -> Self {
        Self::default().max_retries(0)
    }

    /// The number of retries after the first attempt (default 2).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The backoff before the first retry, doubled for each further one (default 0.5 s).
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// The longest backoff (default 8 s).
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// The longest server-requested delay that is waited for (default 120 s); a longer
    /// one ends the call with its error.
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// The number of retries after the first attempt.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// The delay before retry number `retry` (0 for the first) after a response with
    /// `headers`, or `None` when the server asks for a delay longer than allowed.
    pub(crate) fn delay(&self, retry: u32, headers: Option<&HeaderMap>) -> Option<Duration> {
        if let Some(asked) = headers.and_then(|h| retry_after(h, SystemTime::now())) {
            if asked > self.max_retry_after {
                return None;
            }
            if !asked.is_zero() {
                return Some(asked);
            }
        }
        Some(self.backoff(retry, jitter()))
    }

    /// `min(initial * 2^retry, max_backoff) * factor`.
    fn backoff(&self, retry: u32, factor: f64) -> Duration {
        let doubled = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.min(31)));
        doubled.min(self.max_backoff).mul_f64(factor)
    }
}

/// A random factor in [0.75, 1].
fn jitter() -> f64 {
    0.75 + fastrand::f64() * 0.25
}

/// The delay a response asks for: `retry-after-ms` (milliseconds), else `Retry-After`
/// (seconds, or an HTTP date relative to `now`); a date in the past asks for no delay.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return seconds(ms / 1000.0);
    }
    let value = text("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return seconds(secs);
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

fn seconds(secs: f64) -> Option<Duration> {
    if secs.is_finite() && secs >= 0.0 {
        Duration::try_from_secs_f64(secs).ok()
    } else {
        None
    }
}

/// Whether a call with `method` may be sent again once it may have reached the server.
pub(crate) fn replay_safe(method: &Method, has_idempotency_key: bool) -> bool {
    has_idempotency_key || !matches!(*method, Method::POST | Method::PUT | Method::PATCH)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).expect("header value"));
        }
        map
    }

    #[test]
    fn backoff_doubles_up_to_the_ceiling() {
        let policy = RetryPolicy::default();
        let at = |retry, factor| policy.backoff(retry, factor).as_millis();
        assert_eq!(
            [
                at(0, 1.0),
                at(1, 1.0),
                at(2, 1.0),
                at(3, 1.0),
                at(4, 1.0),
                at(40, 1.0)
            ],
            [500, 1000, 2000, 4000, 8000, 8000]
        );
        assert_eq!([at(0, 0.75), at(4, 0.75)], [375, 6000]);
    }

    #[test]
    fn jitter_stays_in_its_range() {
        for _ in 0..1000 {
            let factor = jitter();
            assert!((0.75..=1.0).contains(&factor), "{factor}");
        }
    }

    #[test]
    fn retry_after_reads_milliseconds_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        let read = |pairs: &[(&'static str, &str)]| retry_after(&headers(pairs), now);
        assert_eq!(read(&[("retry-after", "7")]), Some(Duration::from_secs(7)));
        assert_eq!(
            read(&[("retry-after", "1.5")]),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            read(&[("retry-after", &date)]),
            Some(Duration::from_secs(30))
        );
        assert_eq!(read(&[("retry-after", &past)]), Some(Duration::ZERO));
        assert_eq!(
            read(&[("retry-after-ms", "250"), ("retry-after", "9")]),
            Some(Duration::from_millis(250))
        );
        assert_eq!(read(&[("retry-after", "soon")]), None);
        assert_eq!(read(&[("retry-after", "-3")]), None);
        assert_eq!(read(&[]), None);
    }

    #[test]
    fn a_delay_over_the_ceiling_means_no_retry() {
        let policy = RetryPolicy::default();
        let long = headers(&[("retry-after", "121")]);
        let limit = headers(&[("retry-after", "120")]);
        let zero = headers(&[("retry-after", "0")]);
        assert_eq!(policy.delay(0, Some(&long)), None);
        assert_eq!(
            policy.delay(0, Some(&limit)),
            Some(Duration::from_secs(120))
        );
        let fallback = policy.delay(1, Some(&zero)).expect("backoff");
        assert!(fallback >= Duration::from_millis(750) && fallback <= Duration::from_secs(1));
    }

    #[test]
    fn only_keyed_writes_are_replayed() {
        assert!(replay_safe(&Method::GET, false));
        assert!(replay_safe(&Method::DELETE, false));
        assert!(!replay_safe(&Method::POST, false));
        assert!(!replay_safe(&Method::PUT, false));
        assert!(!replay_safe(&Method::PATCH, false));
        assert!(replay_safe(&Method::POST, true));
    }
}
