//! The build-script client over real HTTP on 127.0.0.1.

use petstore_build_script::types::{NewPet, Status};
use petstore_build_script::{Client, Error};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .api_key("secret")
        .build()
        .expect("a client")
}

#[tokio::test]
async fn lists_pets_with_the_api_key_and_the_query() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets"))
        .and(query_param("limit", "2"))
        .and(header("x-api-key", "secret"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": 1, "name": "Rex", "status": "available"},
            {"id": 2, "name": "Tom", "status": "adopted"}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    let pets = client(&server)
        .await
        .pets()
        .list_pets()
        .limit(2)
        .await
        .expect("the pets")
        .into_data();
    assert_eq!(pets.len(), 2);
    assert_eq!(pets[0].name, "Rex");
    assert_eq!(pets[0].status, Some(Status::Available));
    // A status this client does not know is kept, not rejected.
    assert_eq!(pets[1].status, Some(Status::from("adopted")));
}

#[tokio::test]
async fn creates_a_pet_and_reads_the_created_one() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/pets"))
        .and(body_json(json!({"name": "Rex"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 7, "name": "Rex"})))
        .expect(1)
        .mount(&server)
        .await;
    let created = client(&server)
        .await
        .pets()
        .create_pet(NewPet::new("Rex"))
        .await
        .expect("the created pet");
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.data().id, 7);
}

#[tokio::test]
async fn a_missing_pet_is_an_unexpected_status_with_the_body_kept() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets/9"))
        .respond_with(ResponseTemplate::new(404).set_body_string("no such pet"))
        .mount(&server)
        .await;
    let err = client(&server)
        .await
        .pets()
        .show_pet(9)
        .await
        .expect_err("a 404");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert!(matches!(err, Error::UnexpectedStatus { .. }), "{err:?}");
    assert_eq!(err.body_text().as_deref(), Some("no such pet"));
}
