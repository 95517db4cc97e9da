//! Paged operations of the generated `fincode` client (`x-fincode-pagination`) against wiremock on
//! 127.0.0.1: `pages()` and `items()` stop at the last page, ask for each page once, end after an
//! error, and send every page with the call's parameters and options.

use fincode::types::PendingRepayment;
use fincode::{Client, Error, RequestOptions};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "x-auth-token-of-the-tests";
const USER: &str = "123e4567-e89b-12d3-a456-426614174000";
const REPAYMENTS: &str = "/user/pending-repayments/123e4567-e89b-12d3-a456-426614174000";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .x_auth_token(TOKEN)
        .build()
        .expect("the client builds")
}

/// A pending repayment whose instalment number is `n`.
fn repayment(n: i64) -> Value {
    json!({
        "loanApplicationId": USER,
        "installmentNumber": n,
        "dueDate": "2024-03-15",
        "amountDue": 27500.0,
        "status": "PENDING",
        "daysOverdue": 0,
    })
}

/// The status envelope around a page of the repayments numbered `from..to`.
fn repayments_page(from: i64, to: i64) -> ResponseTemplate {
    let data: Vec<Value> = (from..to).map(repayment).collect();
    ResponseTemplate::new(200).set_body_json(json!({"status": "SUCCESS", "data": data}))
}

/// Serves page `page` of the repayments with `respond`, once at most.
async fn serve(server: &MockServer, page: u32, respond: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(REPAYMENTS))
        .and(query_param("page", page.to_string()))
        .respond_with(respond)
        .expect(1)
        .mount(server)
        .await;
}

async fn received(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("wiremock records requests")
}

/// The `page` query parameter of every request received, in order.
async fn pages_asked(server: &MockServer) -> Vec<String> {
    received(server)
        .await
        .iter()
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "page")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        })
        .collect()
}

fn repayments(client: &Client) -> fincode::operations::lending::ListPendingRepayments<'_> {
    client
        .lending()
        .list_pending_repayments(
            USER,
            time::macros::datetime!(2024-01-15 10:30:00 UTC),
            "203.0.113.7",
            "interaction-1",
        )
        .size(2)
}

fn numbers(items: &[PendingRepayment]) -> Vec<i32> {
    items.iter().filter_map(|r| r.installment_number).collect()
}

#[tokio::test]
async fn an_empty_listing_is_one_request_and_no_item() {
    let server = MockServer::start().await;
    serve(&server, 1, repayments_page(0, 0)).await;
    let client = client(&server);
    let items: Vec<PendingRepayment> = repayments(&client).items().try_collect().await.unwrap();
    assert!(items.is_empty());
    assert_eq!(pages_asked(&server).await, ["1"]);
}

#[tokio::test]
async fn a_short_first_page_is_the_only_one() {
    let server = MockServer::start().await;
    serve(&server, 1, repayments_page(1, 2)).await;
    let client = client(&server);
    let pages: Vec<_> = repayments(&client).pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(numbers(pages[0].data()), [1]);
    assert_eq!(pages_asked(&server).await, ["1"]);
}

#[tokio::test]
async fn a_full_page_is_followed_by_an_empty_one() {
    let server = MockServer::start().await;
    serve(&server, 1, repayments_page(1, 3)).await;
    serve(&server, 2, repayments_page(0, 0)).await;
    let client = client(&server);
    let items: Vec<PendingRepayment> = repayments(&client).items().try_collect().await.unwrap();
    assert_eq!(numbers(&items), [1, 2]);
    assert_eq!(pages_asked(&server).await, ["1", "2"]);
}

#[tokio::test]
async fn many_pages_are_read_in_order_from_the_page_set() {
    let server = MockServer::start().await;
    serve(&server, 2, repayments_page(3, 5)).await;
    serve(&server, 3, repayments_page(5, 7)).await;
    serve(&server, 4, repayments_page(7, 9)).await;
    serve(&server, 5, repayments_page(9, 10)).await;
    let client = client(&server);
    let items: Vec<PendingRepayment> = repayments(&client)
        .page(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(numbers(&items), [3, 4, 5, 6, 7, 8, 9]);
    assert_eq!(pages_asked(&server).await, ["2", "3", "4", "5"]);
    for request in received(&server).await {
        let size = request.url.query_pairs().find(|(k, _)| k == "size");
        assert_eq!(size.map(|(_, v)| v.into_owned()).as_deref(), Some("2"));
    }
}

/// A server whose repayments fail on page 3, after two full pages.
async fn failing_on_page_three() -> MockServer {
    let server = MockServer::start().await;
    serve(&server, 1, repayments_page(1, 3)).await;
    serve(&server, 2, repayments_page(3, 5)).await;
    let failure = json!({
        "success": false,
        "error": {"code": "NOT_FOUND", "message": "no such page", "field": null, "details": {}},
        "metadata": {"request_id": "r-3", "timestamp": "2024-01-15T10:30:00Z", "processing_time_ms": 1},
    });
    serve(
        &server,
        3,
        ResponseTemplate::new(404).set_body_json(failure),
    )
    .await;
    server
}

#[tokio::test]
async fn an_error_on_page_three_ends_the_pages_after_two() {
    let server = failing_on_page_three().await;
    let client = client(&server);
    let got: Vec<_> = repayments(&client).pages().collect().await;
    assert_eq!(got.len(), 3, "two pages, then the error, then the end");
    assert_eq!(numbers(got[0].as_ref().unwrap().data()), [1, 2]);
    assert_eq!(numbers(got[1].as_ref().unwrap().data()), [3, 4]);
    assert!(matches!(got[2], Err(Error::Api(_))), "{:?}", got[2]);
    assert_eq!(pages_asked(&server).await, ["1", "2", "3"]);
}

#[tokio::test]
async fn an_error_on_page_three_ends_the_items_after_four() {
    let server = failing_on_page_three().await;
    let client = client(&server);
    let got: Vec<_> = repayments(&client).items().collect().await;
    assert_eq!(got.len(), 5, "four items, then the error, then the end");
    let ok: Vec<PendingRepayment> = got[..4]
        .iter()
        .map(|r| r.as_ref().unwrap().clone())
        .collect();
    assert_eq!(numbers(&ok), [1, 2, 3, 4]);
    assert!(matches!(got[4], Err(Error::Api(_))), "{:?}", got[4]);
    assert_eq!(pages_asked(&server).await, ["1", "2", "3"]);
}

#[tokio::test]
async fn every_page_carries_the_call_options() {
    let server = MockServer::start().await;
    serve(&server, 1, repayments_page(1, 3)).await;
    serve(&server, 2, repayments_page(3, 4)).await;
    let client = client(&server);
    let options = RequestOptions::new().header("x-call-tag", "listing-7");
    let items: Vec<PendingRepayment> = repayments(&client)
        .options(options)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(numbers(&items), [1, 2, 3]);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.headers.get("x-call-tag").unwrap(), "listing-7");
        assert_eq!(request.headers.get("x-auth-token").unwrap(), TOKEN);
        assert_eq!(
            request.headers.get("x-fapi-interaction-id").unwrap(),
            "interaction-1"
        );
    }
}

#[tokio::test]
async fn path_pages_start_at_the_page_given_and_read_the_items_member() {
    let server = MockServer::start().await;
    let entries = |ids: &[i64]| {
        let entries: Vec<Value> = ids.iter().map(|id| json!({"transactionId": id})).collect();
        ResponseTemplate::new(200).set_body_json(json!({
            "success": true,
            "data": {"entries": entries},
            "metadata": {"request_id": "r", "timestamp": "2024-01-15T10:30:00Z", "processing_time_ms": 1},
        }))
    };
    for (page, ids) in [(0, vec![1, 2]), (1, vec![3, 4]), (2, vec![])] {
        Mock::given(method("GET"))
            .and(path(format!(
                "/ledger/account-ledger-history/acc-1/{page}/2"
            )))
            .respond_with(entries(&ids))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let items: Vec<_> = client
        .ledger()
        .list_ledger_history(
            "acc-1",
            0,
            2,
            time::macros::datetime!(2024-01-15 10:30:00 UTC),
            "203.0.113.7",
            "i-1",
        )
        .items()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&Value> = items.iter().map(|e| &e["transactionId"]).collect();
    assert_eq!(ids, [&json!(1), &json!(2), &json!(3), &json!(4)]);
    assert_eq!(received(&server).await.len(), 3);
}
