//! The build-script client over real HTTP on 127.0.0.1.

use petstore_build_script::types::{NewPet, Problem, ShowPetErrorBody, Status, ValidationError};
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

async fn show_pet(server: &MockServer, status: u16, body: &str) -> Error {
    Mock::given(method("GET"))
        .and(path("/pets/9"))
        .respond_with(ResponseTemplate::new(status).set_body_raw(body, "application/json"))
        .mount(server)
        .await;
    client(server)
        .await
        .pets()
        .show_pet(9)
        .await
        .expect_err("a failed call")
}

/// What a caller does with `show_pet`'s declared errors, by status.
fn explain(err: &Error) -> String {
    match err.error_body::<ShowPetErrorBody>() {
        Some(ShowPetErrorBody::NotFound(problem)) => format!("no pet: {}", problem.message),
        Some(ShowPetErrorBody::UnprocessableEntity(invalid)) => {
            format!("invalid: {}", invalid.fields.join(", "))
        }
        Some(ShowPetErrorBody::Other(problem)) => format!("failed: {}", problem.message),
        Some(other) => format!("another declared error: {other:?}"),
        None => format!("undeclared: {err}"),
    }
}

#[tokio::test]
async fn a_404_and_a_422_decode_into_their_own_variants() {
    let server = MockServer::start().await;
    let err = show_pet(&server, 404, r#"{"message": "no pet 9"}"#).await;
    assert!(matches!(err, Error::ErrorResponse(_)), "{err:?}");
    assert_eq!(explain(&err), "no pet: no pet 9");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(
        err.error_response().map(|r| r.type_name()),
        Some("ShowPetErrorBody")
    );

    let server = MockServer::start().await;
    let err = show_pet(&server, 422, r#"{"fields": ["petId"]}"#).await;
    assert_eq!(explain(&err), "invalid: petId");
    assert_eq!(
        err.error_body::<ShowPetErrorBody>(),
        Some(&ShowPetErrorBody::UnprocessableEntity(
            ValidationError::new(vec!["petId".to_owned()])
        ))
    );
    // Asking for another type than the one the operation documents gives nothing.
    assert_eq!(err.error_body::<Problem>(), None);
}

#[tokio::test]
async fn any_other_status_decodes_as_the_default_response() {
    let server = MockServer::start().await;
    let err = show_pet(&server, 503, r#"{"message": "down for maintenance"}"#).await;
    assert_eq!(explain(&err), "failed: down for maintenance");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn statuses_sharing_one_schema_decode_into_that_type() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"message": "no key"})))
        .mount(&server)
        .await;
    let err = client(&server)
        .await
        .pets()
        .list_pets()
        .await
        .expect_err("a 403");
    let problem = err.error_body::<Problem>().expect("the 4XX body");
    assert_eq!(problem.message, "no key");
}

#[tokio::test]
async fn a_body_that_does_not_decode_keeps_its_bytes_and_says_why() {
    let server = MockServer::start().await;
    let err = show_pet(&server, 404, "no such pet").await;
    assert_eq!(err.error_body::<ShowPetErrorBody>(), None);
    assert_eq!(explain(&err), format!("undeclared: {err}"));
    let response = err.error_response().expect("a declared status");
    assert_eq!(
        response.decode_problem(),
        Some("expected ident at line 1 column 2")
    );
    assert_eq!(err.body_text().as_deref(), Some("no such pet"));
    assert!(format!("{err:?}").contains("raw: <11 bytes>"), "{err:?}");
}

#[tokio::test]
async fn an_operation_without_error_schemas_keeps_the_unexpected_status() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/pets"))
        .respond_with(ResponseTemplate::new(409).set_body_string("taken"))
        .mount(&server)
        .await;
    let err = client(&server)
        .await
        .pets()
        .create_pet(NewPet::new("Rex"))
        .await
        .expect_err("a 409");
    assert!(matches!(err, Error::UnexpectedStatus { .. }), "{err:?}");
    assert_eq!(err.body_text().as_deref(), Some("taken"));
}
