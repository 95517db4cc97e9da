//! Listing operations read as streams (feature `paging`): "fetch page `n`" becomes a [`Stream`] of
//! pages, and of the items on them.
//!
//! Generated code passes a function that sends one ordinary call for a page number (with the
//! caller's parameters and options, so retries, idempotency rules and the call's `tracing` span are
//! those of any call) and a function that measures a page (how many items, and the total count when
//! the response gives one).
//!
//! The stream asks for page `start`, then `start + 1`, and so on, one page at a time. It ends after
//! a page with fewer items than the page size, an empty page, or the page that reaches the total; it
//! never asks for a page twice. An error is yielded once, then the stream ends.
//!
//! When the caller gives no page size, the size of the first non-empty page is taken as the page
//! size: a shorter page after it is the last one.

use std::future::Future;

use futures_core::Stream;
use futures_util::stream::{self, TryStreamExt};

/// What a page says about the listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageInfo {
    /// How many items the page holds.
    pub items: usize,
    /// The total number of items of the listing, when the response gives it.
    pub total: Option<u64>,
}

/// Where the stream stands between pages.
struct State<F, M> {
    fetch: F,
    measure: M,
    /// The next page to ask for, or `None` once the stream has ended.
    next: Option<i64>,
    /// The page size: the caller's, or the length of the first non-empty page.
    size: Option<usize>,
    /// Items seen so far, compared with the total.
    seen: u64,
}

/// The pages of a listing, from page `start`: `fetch(n)` sends the call for page `n`, `measure` reads
/// a page's item count and total; `size` is the page size the caller asked for, if known.
pub fn pages<P, E, F, Fut, M>(
    start: i64,
    size: Option<u64>,
    fetch: F,
    measure: M,
) -> impl Stream<Item = Result<P, E>>
where
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<P, E>>,
    M: Fn(&P) -> PageInfo,
{
    let state = State {
        fetch,
        measure,
        next: Some(start),
        // A size of 0 says nothing about where the listing ends.
        size: size
            .and_then(|s| usize::try_from(s).ok())
            .filter(|s| *s > 0),
        seen: 0,
    };
    stream::unfold(state, |mut state| {
        let page = state.next.take();
        let call = page.map(|n| (state.fetch)(n));
        async move {
            let (page, call) = (page?, call?);
            match call.await {
                Err(e) => Some((Err(e), state)),
                Ok(result) => {
                    let info = (state.measure)(&result);
                    state.seen = state
                        .seen
                        .saturating_add(u64::try_from(info.items).unwrap_or(u64::MAX));
                    let size = *state.size.get_or_insert(info.items);
                    let last = info.items == 0
                        || info.items < size
                        || info.total.is_some_and(|total| state.seen >= total);
                    if !last {
                        state.next = page.checked_add(1);
                    }
                    Some((Ok(result), state))
                }
            }
        }
    })
}

/// The items of a stream of pages, in order: `items` takes a page apart. An error ends it, as it
/// ends the pages.
pub fn items<P, I, E, S, T>(pages: S, items: T) -> impl Stream<Item = Result<I, E>>
where
    S: Stream<Item = Result<P, E>>,
    T: Fn(P) -> Vec<I>,
{
    pages
        .map_ok(move |page| stream::iter(items(page).into_iter().map(Ok)))
        .try_flatten()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures_util::StreamExt;

    use super::*;

    /// A page of the test listings: its items and the total.
    type Page = (Vec<u32>, Option<u64>);
    /// The pages asked for, in order.
    type Asked = Arc<Mutex<Vec<i64>>>;

    /// A listing of `len` items in pages of `size`, from page `first`; `fail` makes that page an error.
    fn listing(
        len: u32,
        size: u32,
        first: i64,
        fail: Option<i64>,
        total: bool,
    ) -> (
        Asked,
        impl FnMut(i64) -> std::future::Ready<Result<Page, String>>,
    ) {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = asked.clone();
        let fetch = move |n: i64| {
            log.lock().unwrap().push(n);
            if Some(n) == fail {
                return std::future::ready(Err(format!("page {n} failed")));
            }
            let from = u32::try_from(n - first).unwrap() * size;
            let page: Vec<u32> = (from..len.max(from)).take(size as usize).collect();
            std::future::ready(Ok((page, total.then_some(u64::from(len)))))
        };
        (asked, fetch)
    }

    fn measure(page: &Page) -> PageInfo {
        PageInfo {
            items: page.0.len(),
            total: page.1,
        }
    }

    async fn collect(
        len: u32,
        size: u32,
        first: i64,
        fail: Option<i64>,
        total: bool,
        given: Option<u64>,
    ) -> (Vec<Result<Vec<u32>, String>>, Vec<i64>) {
        let (asked, fetch) = listing(len, size, first, fail, total);
        let got: Vec<_> = pages(first, given, fetch, measure)
            .map(|r| r.map(|p| p.0))
            .collect()
            .await;
        let asked = asked.lock().unwrap().clone();
        (got, asked)
    }

    #[tokio::test]
    async fn an_empty_listing_is_one_empty_page() {
        let (got, asked) = collect(0, 10, 1, None, false, Some(10)).await;
        assert_eq!(got, vec![Ok(vec![])]);
        assert_eq!(asked, vec![1]);
    }

    #[tokio::test]
    async fn a_short_page_is_the_last() {
        let (got, asked) = collect(3, 10, 0, None, false, Some(10)).await;
        assert_eq!(got, vec![Ok(vec![0, 1, 2])]);
        assert_eq!(asked, vec![0]);
    }

    #[tokio::test]
    async fn a_full_page_is_followed_by_an_empty_one_or_stops_at_the_total() {
        let (got, asked) = collect(4, 2, 1, None, false, Some(2)).await;
        assert_eq!(got, vec![Ok(vec![0, 1]), Ok(vec![2, 3]), Ok(vec![])]);
        assert_eq!(asked, vec![1, 2, 3]);
        let (got, asked) = collect(4, 2, 1, None, true, Some(2)).await;
        assert_eq!(got, vec![Ok(vec![0, 1]), Ok(vec![2, 3])]);
        assert_eq!(asked, vec![1, 2]);
    }

    #[tokio::test]
    async fn without_a_size_the_first_page_gives_it() {
        let (got, asked) = collect(5, 2, 0, None, false, None).await;
        assert_eq!(got, vec![Ok(vec![0, 1]), Ok(vec![2, 3]), Ok(vec![4])]);
        assert_eq!(asked, vec![0, 1, 2]);
    }

    #[tokio::test]
    async fn an_error_is_yielded_once_then_the_stream_ends() {
        let (got, asked) = collect(100, 2, 1, Some(3), false, Some(2)).await;
        assert_eq!(
            got,
            vec![
                Ok(vec![0, 1]),
                Ok(vec![2, 3]),
                Err("page 3 failed".to_owned())
            ]
        );
        assert_eq!(asked, vec![1, 2, 3]);
    }

    #[tokio::test]
    async fn items_follow_the_pages_and_stop_at_an_error() {
        let (asked, fetch) = listing(100, 2, 0, Some(2), false);
        let got: Vec<Result<u32, String>> = items(pages(0, Some(2), fetch, measure), |p| p.0)
            .collect()
            .await;
        assert_eq!(
            got,
            vec![Ok(0), Ok(1), Ok(2), Ok(3), Err("page 2 failed".to_owned())]
        );
        assert_eq!(*asked.lock().unwrap(), vec![0, 1, 2]);
    }

    #[tokio::test]
    async fn pages_are_asked_for_only_when_read() {
        let (asked, fetch) = listing(100, 2, 0, None, false);
        let mut stream = std::pin::pin!(pages(0, Some(2), fetch, measure));
        assert!(asked.lock().unwrap().is_empty());
        let _ = stream.next().await;
        let _ = stream.next().await;
        assert_eq!(*asked.lock().unwrap(), vec![0, 1]);
    }
}
