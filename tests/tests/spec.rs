//! `spec/fincode.yaml`: clean under the project's rules, and covering what the API needs.

use std::collections::BTreeSet;

use fincode_tests::spec_path;
use serde_json::Value;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The seven error codes, their HTTP statuses and the shared responses that carry them.
const ERRORS: [(&str, &str, &str); 7] = [
    ("401", "AUTH_REQUIRED", "Unauthorized"),
    ("403", "FORBIDDEN", "Forbidden"),
    ("404", "NOT_FOUND", "NotFound"),
    ("422", "VALIDATION_ERROR", "ValidationError"),
    ("429", "RATE_LIMIT_EXCEEDED", "RateLimitExceeded"),
    ("500", "SERVER_ERROR", "ServerError"),
    ("503", "SERVICE_UNAVAILABLE", "ServiceUnavailable"),
];

fn text() -> String {
    std::fs::read_to_string(spec_path()).expect("reading spec/fincode.yaml")
}

fn spec() -> Value {
    let (spec, findings) = generator::load(&text()).expect("spec/fincode.yaml loads");
    assert!(findings.is_empty(), "{findings:?}");
    spec.value
}

/// `(pointer, operation)` for every operation under `paths`.
fn operations(doc: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push((format!("{method} {path}"), op));
            }
        }
    }
    out
}

#[test]
fn the_spec_has_no_finding() {
    let report = generator::lint::lint_source("spec/fincode.yaml", &text());
    assert!(report.is_clean(), "{report}");
}

#[test]
fn the_spec_is_openapi_3_0_3_and_parses_with_openapiv3() {
    let (spec, _) = generator::load(&text()).expect("loads");
    assert_eq!(spec.value["openapi"], "3.0.3");
    let typed = spec.openapi.expect("openapiv3 reads the spec");
    assert!(typed.paths.paths.len() >= 50);
}

#[test]
fn at_least_fifty_operations_with_snake_case_ids_and_known_tags() {
    let doc = spec();
    let ops = operations(&doc);
    assert!(ops.len() >= 50, "only {} operations", ops.len());
    let tags: BTreeSet<&str> = doc["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    for (at, op) in &ops {
        let id = op["operationId"].as_str().unwrap_or_default();
        assert!(
            !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{at}: operationId `{id}` is not snake_case"
        );
        let op_tags = op["tags"].as_array().expect("tags on every operation");
        assert_eq!(op_tags.len(), 1, "{at}: one tag per operation");
        assert!(
            tags.contains(op_tags[0].as_str().unwrap_or_default()),
            "{at}: tag {:?} is not declared",
            op_tags[0]
        );
        assert!(
            op["description"]
                .as_str()
                .is_some_and(|d| !d.trim().is_empty()),
            "{at}: no description"
        );
    }
}

#[test]
fn every_operation_documents_the_seven_error_codes_with_the_error_envelope() {
    let doc = spec();
    let responses = &doc["components"]["responses"];
    for (status, code, name) in ERRORS {
        let r = &responses[name];
        let schema = &r["content"]["application/json"]["schema"]["$ref"];
        assert_eq!(
            schema, "#/components/schemas/ErrorEnvelope",
            "{name} uses the error envelope"
        );
        assert_eq!(
            r["content"]["application/json"]["example"]["error"]["code"], code,
            "{name}'s example"
        );
        assert_eq!(
            doc["components"]["schemas"]["ErrorCode"]["x-fincode-http-status"][code].to_string(),
            status,
            "ErrorCode maps {code} to {status}"
        );
    }
    let codes: Vec<&str> = doc["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .expect("enum")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(codes, ERRORS.map(|(_, code, _)| code));

    let mut missing = Vec::new();
    for (at, op) in operations(&doc) {
        for (status, _, name) in ERRORS {
            let wired = op["responses"][status]["$ref"].as_str()
                == Some(&format!("#/components/responses/{name}"));
            if !wired {
                missing.push(format!("{at}: {status}"));
            }
        }
        assert!(
            op["responses"]
                .as_object()
                .expect("responses")
                .keys()
                .any(|k| k.starts_with('2')),
            "{at}: no 2xx"
        );
    }
    assert!(
        missing.is_empty(),
        "error responses not wired:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_seven_webhook_events_and_the_signature_scheme_are_declared() {
    let doc = spec();
    let events: BTreeSet<&str> = doc["x-webhooks"]
        .as_object()
        .expect("x-webhooks")
        .keys()
        .map(String::as_str)
        .collect();
    let expected: BTreeSet<&str> = [
        "transaction.created",
        "transaction.completed",
        "transaction.failed",
        "kyc.verification.completed",
        "loan.approved",
        "loan.disbursed",
        "payment.received",
    ]
    .into();
    assert_eq!(events, expected);
    for event in &expected {
        let body = &doc["x-webhooks"][event]["post"]["requestBody"]["content"]["application/json"];
        assert!(
            body["schema"]["$ref"].is_string(),
            "{event}: payload schema"
        );
        assert_eq!(
            body["example"]["event"], *event,
            "{event}: example names the event"
        );
        for member in ["event_id", "timestamp", "data", "signature"] {
            assert!(
                body["example"].get(member).is_some(),
                "{event}: example has {member}"
            );
        }
    }
    let scheme = &doc["x-fincode-webhook-signature"];
    assert_eq!(scheme["algorithm"], "HMAC-SHA256");
    assert_eq!(scheme["tolerance-seconds"], 300);
    assert!(scheme["x-fincode-note"]
        .as_str()
        .is_some_and(|n| n.contains("assumption")));
}

#[test]
fn sandbox_and_production_servers_and_the_other_service_bases() {
    let doc = spec();
    let urls: Vec<&str> = doc["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .filter_map(|s| s["url"].as_str())
        .collect();
    assert_eq!(
        urls,
        [
            "https://{domain}.fincode.software/api/v6/services",
            "https://{domain}.fincode.tech/api/v6/services"
        ]
    );
    for server in doc["servers"].as_array().expect("servers") {
        assert!(server["variables"]["domain"]["default"].is_string());
    }
    let paths = doc["paths"].as_object().expect("paths");
    let lending = &paths["/user/get-loan-offer"]["servers"][0]["url"];
    assert_eq!(lending, "https://{domain}.fincode.software/api/v1/services");
    let investment = &paths["/apply"]["servers"][0]["url"];
    assert_eq!(
        investment,
        "https://test-investment-products-service.fincode.software/api/v1/user"
    );
}

#[test]
fn the_sandbox_test_data_are_named_examples_in_use() {
    let doc = spec();
    let examples = &doc["components"]["examples"];
    let account = &examples["SandboxBankAccount"]["value"];
    assert_eq!(account["accountNumber"], "8883633074");
    assert_eq!(account["bankCode"], "044");
    assert!(examples["SandboxBankAccount"]["description"]
        .as_str()
        .is_some_and(|d| d.contains("VICTOR ADEBIYI")));
    let card = &examples["SandboxTestCard"]["value"];
    assert_eq!(card["pan"], "4111111111111111");
    assert_eq!(card["expirydate"], "12/2027");
    assert_eq!(card["securitycode"], "123");
    let text = text();
    for name in ["SandboxBankAccount", "SandboxTestCard"] {
        assert!(
            text.contains(&format!("$ref: '#/components/examples/{name}'")),
            "{name} is referenced"
        );
    }
}

#[test]
fn money_is_never_a_binary_float() {
    let text = text();
    for bad in ["format: float", "format: double"] {
        assert!(!text.contains(bad), "the spec uses `{bad}`");
    }
}
