//! Contract test: every operation of `spec/fincode.yaml`, called through the generated `fincode` client, against
//! Stoplight Prism serving the same spec on 127.0.0.1 with `--errors`.
//!
//! Prism, a tool nobody here wrote, checks each request against the spec (path, query, headers, security, body)
//! and answers a violation with an error status, listing the violations in its `sl-violations` header; otherwise it
//! answers with the spec's example response, which the client must decode. The inputs are the spec's own examples:
//! parameter examples, and request body examples deserialized into the generated body types. A body with no example
//! is built from the examples of its members.
//!
//! Every call's operation id is recorded, and the test fails unless the ids called are exactly the spec's operation
//! ids, so an operation added to the spec without a call here fails by name.
//!
//! Prism is installed under `tools/` by `cargo xtask tools` (which `cargo xtask test` runs first).

use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpStream;
use std::path::Path;

use fincode::types::{
    AddBankDetailsRequest, AttachDocumentsRequest, AwaitingPaymentActionRequest,
    AwaitingPaymentsFilter, CallQuoteRequest, ChangePasswordRequest, CreateBeneficiaryRequest,
    CreateTransactionDirectRequest, CreateTransactionPinRequest, CreateTransactionRequest,
    CreateUserPinRequest, InvestmentApplicationRequest, LedgerPostAccountRequest,
    ListPayoutCentersRequest, ListPayoutPointsRequest, LoanAddBankAccountRequest, LoanRequest,
    LoanTransferFundsRequest, LoginRequest, LogoutRequest, MakePaymentFromWalletRequest,
    NotifyBankTransferPaymentRequest, PaymentMethodChargesRequest, ProcessCardPaymentRequest,
    ProcessPaymentWithTokenRequest, RefreshTokenRequest, RegisterCustomerRequest,
    SonghaiBankAccountValidationRequest, SonghaiCreateTransactionRequest,
    SonghaiMobileMoneyValidationRequest, SonghaiQuoteRequest, SonghaiTokenRequest,
    SubmitCraRequest, SubmitKycDocumentsRequest, SupportedPaymentMethodsRequest,
    UpdateProfileRequest, ValidateBankAccountRequest, VerifyLoginOtpRequest,
};
use fincode::{Client, RetryPolicy};
use fincode_tests::examples;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use xtask::Prism;

/// What the client sends in `X-Auth-Token`.
const TOKEN: &str = "x-auth-token-of-the-contract-test";
/// What the client sends as the Songhai Exchange bearer token.
const SONGHAI_TOKEN: &str = "songhai-token-of-the-contract-test";
/// The contents of a `format: binary` member that has no example: the first line of a PDF file, in base64, since
/// the generated types read and write bytes as base64.
const PLACEHOLDER_FILE_BASE64: &str = "JVBERi0xLjQK";

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// `spec/fincode.yaml` as JSON.
struct Spec(&'static Value);

impl Spec {
    fn load() -> Spec {
        Spec(examples::spec())
    }

    /// Every `(path item, operation)` under `paths`, in the spec's order.
    fn operations(&self) -> impl Iterator<Item = (&'static Value, &'static Value)> {
        self.0["paths"]
            .as_object()
            .expect("the spec has paths")
            .values()
            .flat_map(|item| {
                METHODS
                    .iter()
                    .filter_map(move |m| Some((item, item.get(*m)?)))
            })
    }

    /// Every `operationId` under `paths`.
    fn operation_ids(&self) -> BTreeSet<String> {
        self.operations()
            .map(|(_, op)| {
                op["operationId"]
                    .as_str()
                    .expect("every operation has an operationId")
                    .to_owned()
            })
            .collect()
    }

    fn operation(&self, id: &str) -> Operation<'_> {
        let (item, op) = self
            .operations()
            .find(|(_, op)| op["operationId"] == id)
            .unwrap_or_else(|| panic!("the spec has no operation `{id}`"));
        Operation {
            spec: self,
            id: id.to_owned(),
            item,
            op,
        }
    }

    /// `value`, with its `$ref`s followed within the spec.
    fn resolve(&self, value: &'static Value) -> &'static Value {
        examples::resolved(value)
    }

    /// An example of `schema`: its own `example`, `default` or first `enum` value, else for an object the examples
    /// of its members (`None` if a required member has none).
    fn schema_example(&self, schema: &'static Value) -> Option<Value> {
        let schema = self.resolve(schema);
        if let Some(value) = schema
            .get("example")
            .or_else(|| schema.get("default"))
            .or_else(|| schema.get("enum")?.get(0))
        {
            return Some(value.clone());
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            for part in parts {
                merged.extend(self.schema_example(part)?.as_object()?.clone());
            }
            return Some(Value::Object(merged));
        }
        if schema["format"] == "binary" {
            return Some(Value::from(PLACEHOLDER_FILE_BASE64));
        }
        if schema["type"] != "object" {
            return None;
        }
        let required: Vec<&str> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut members = Map::new();
        for (name, member) in schema["properties"].as_object().into_iter().flatten() {
            match self.schema_example(member) {
                Some(value) => {
                    members.insert(name.clone(), value);
                }
                None if required.contains(&name.as_str()) => return None,
                None => {}
            }
        }
        Some(Value::Object(members))
    }

    /// The examples of a media type or parameter: its `example`, else every value of its `examples`.
    fn examples(&self, holder: &'static Value) -> Vec<Value> {
        if let Some(example) = holder.get("example") {
            return vec![example.clone()];
        }
        holder
            .get("examples")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(_, named)| self.resolve(named).get("value").cloned())
            .collect()
    }
}

/// One operation of the spec, and its example inputs.
struct Operation<'a> {
    spec: &'a Spec,
    id: String,
    item: &'static Value,
    op: &'static Value,
}

impl Operation<'_> {
    /// The example of the parameter `name`, as `T`.
    fn param<T: DeserializeOwned>(&self, name: &str) -> T {
        let id = &self.id;
        let parameter = self.item["parameters"]
            .as_array()
            .into_iter()
            .chain(self.op["parameters"].as_array())
            .flatten()
            .map(|p| self.spec.resolve(p))
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{id}: the spec has no parameter `{name}`"));
        let example = self
            .spec
            .examples(parameter)
            .into_iter()
            .next()
            .or_else(|| self.spec.schema_example(&parameter["schema"]))
            .unwrap_or_else(|| panic!("{id}: parameter `{name}` has no example in the spec"));
        serde_json::from_value(example.clone()).unwrap_or_else(|e| {
            panic!("{id}: the example of parameter `{name}` ({example}) does not deserialize: {e}")
        })
    }

    /// A text parameter's example.
    fn text(&self, name: &str) -> String {
        self.param(name)
    }

    /// The request body examples (every named one), as the generated body type `T`.
    fn bodies<T: DeserializeOwned>(&self) -> Vec<T> {
        let id = &self.id;
        self.body_examples()
            .into_iter()
            .map(|example| {
                serde_json::from_value(example.clone()).unwrap_or_else(|e| {
                    panic!(
                        "{id}: the body example does not deserialize into {}: {e}\n{example:#}",
                        std::any::type_name::<T>()
                    )
                })
            })
            .collect()
    }

    /// The request body examples (every named one); a body with no example is built from its schema's member
    /// examples.
    fn body_examples(&self) -> Vec<Value> {
        let id = &self.id;
        let body = self.spec.resolve(&self.op["requestBody"]);
        let (content_type, media) = body["content"]
            .as_object()
            .and_then(|content| content.iter().next())
            .unwrap_or_else(|| panic!("{id}: the spec has no request body"));
        let mut examples = self.spec.examples(media);
        if examples.is_empty() {
            examples.extend(self.spec.schema_example(&media["schema"]));
        }
        assert!(
            !examples.is_empty(),
            "{id}: the {content_type} body has no example and its schema gives none"
        );
        examples
    }
}

/// The calls made and how each went.
#[derive(Default)]
struct Calls {
    /// Operation id to the number of calls made.
    made: BTreeMap<String, usize>,
    /// The operations with a failed call.
    failed: BTreeSet<String>,
    /// A report of each failed call.
    failures: Vec<String>,
}

impl Calls {
    /// Records the call of `operation` and checks that it succeeded: Prism found no violation and the response
    /// decoded.
    fn check<T>(
        &mut self,
        operation: &Operation<'_>,
        result: fincode::Result<fincode::Response<T>>,
    ) {
        let id = &operation.id;
        *self.made.entry(id.clone()).or_default() += 1;
        let report = match result {
            Ok(response) => match response.headers().get("sl-violations") {
                Some(violations) => format!(
                    "{id}: {} with Prism's violations: {}",
                    response.status(),
                    violations.to_str().unwrap_or("?")
                ),
                None => return,
            },
            Err(error) => {
                let mut report = format!("{id}: {error}");
                if let Some(called) = error.operation().filter(|called| called != id) {
                    report += &format!("\n  the call was of `{called}`");
                }
                // The body of Prism's error is the spec's example error response, whatever the violation;
                // the violations themselves are in this header.
                if let Some(violations) = error.headers().and_then(|h| h.get("sl-violations")) {
                    report += &format!(
                        "\n  Prism's violations: {}",
                        violations.to_str().unwrap_or("?")
                    );
                }
                if let Some(body) = error.body_text() {
                    report += &format!("\n  body: {body}");
                }
                report
            }
        };
        self.failed.insert(id.clone());
        self.failures.push(report);
    }
}

#[tokio::test]
async fn every_operation_passes_prism_validation() {
    let spec = Spec::load();
    let prism = Prism::start(&fincode_tests::spec_path()).expect("Prism serves spec/fincode.yaml");
    let client = Client::builder()
        .base_url(prism.url())
        .x_auth_token(TOKEN)
        .songhai_oauth(SONGHAI_TOKEN)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("the client builds");
    let mut calls = Calls::default();

    call_auth(&spec, &client, &mut calls).await;
    call_admin(&spec, &client, &mut calls).await;
    call_customers(&spec, &client, &mut calls).await;
    call_compliance(&spec, &client, &mut calls).await;
    call_remittance(&spec, &client, &mut calls).await;
    call_payments(&spec, &client, &mut calls).await;
    call_ledger(&spec, &client, &mut calls).await;
    call_lending(&spec, &client, &mut calls).await;
    call_investment(&spec, &client, &mut calls).await;
    call_songhai(&spec, &client, &mut calls).await;
    call_reporting(&spec, &client, &mut calls).await;
    call_revenue(&spec, &client, &mut calls).await;

    // The control: a request that breaks the spec fails, and the report names the violation Prism found.
    let op = spec.operation("login");
    let mut example = op.body_examples().remove(0);
    example["currentPassword"] = Value::from("short");
    let body: LoginRequest = serde_json::from_value(example).expect("a LoginRequest");
    let mut control = Calls::default();
    control.check(&op, client.auth().login(body).await);
    let report = control.failures.join("\n");
    assert!(
        report.contains("Prism's violations") && report.contains("currentPassword"),
        "a login with a 5-character password (the spec requires 8 or more) was not reported: {report:?}"
    );

    let all = spec.operation_ids();
    let called: BTreeSet<String> = calls.made.keys().cloned().collect();
    let passed = called.difference(&calls.failed).count();
    let total_calls: usize = calls.made.values().sum();
    println!(
        "prism contract: {passed} of {} operations ({total_calls} calls)",
        all.len()
    );
    let missing: Vec<&String> = all.difference(&called).collect();
    let unknown: Vec<&String> = called.difference(&all).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "operations of the spec never called: {missing:?}; calls of operations not in the spec: {unknown:?}"
    );
    assert!(
        calls.failures.is_empty(),
        "{} of {total_calls} calls failed against Prism:\n\n{}\n\nPrism's log:\n{}",
        calls.failures.len(),
        calls.failures.join("\n\n"),
        prism.output()
    );
}

async fn call_auth(spec: &Spec, client: &Client, calls: &mut Calls) {
    let auth = client.auth();
    let op = spec.operation("login");
    for body in op.bodies::<LoginRequest>() {
        calls.check(&op, auth.login(body).await);
    }
    let op = spec.operation("refresh_token");
    for body in op.bodies::<RefreshTokenRequest>() {
        calls.check(&op, auth.refresh_token(body).await);
    }
    let op = spec.operation("logout");
    for body in op.bodies::<LogoutRequest>() {
        calls.check(&op, auth.logout(body).await);
    }
    let op = spec.operation("change_password");
    for body in op.bodies::<ChangePasswordRequest>() {
        calls.check(&op, auth.change_password(body).await);
    }
    let op = spec.operation("create_user_pin");
    for body in op.bodies::<CreateUserPinRequest>() {
        calls.check(&op, auth.create_user_pin(body).await);
    }
    let op = spec.operation("send_email_otp");
    calls.check(&op, auth.send_email_otp(op.text("email")).await);
    let op = spec.operation("verify_login_otp");
    for body in op.bodies::<VerifyLoginOtpRequest>() {
        calls.check(&op, auth.verify_login_otp(body).await);
    }
    let op = spec.operation("reset_password");
    calls.check(&op, auth.reset_password(op.text("email")).await);
}

async fn call_admin(spec: &Spec, client: &Client, calls: &mut Calls) {
    let admin = client.admin();
    let op = spec.operation("fetch_organisation_preference");
    calls.check(&op, admin.fetch_organisation_preference().await);
    let op = spec.operation("activate_user_account");
    calls.check(&op, admin.activate_user_account(op.text("id")).await);
    let op = spec.operation("add_default_charge");
    for body in op.bodies::<Map<String, Value>>() {
        let body = body.into_iter().collect();
        calls.check(&op, admin.add_default_charge(body).await);
    }
}

async fn call_customers(spec: &Spec, client: &Client, calls: &mut Calls) {
    let customers = client.customers();
    let op = spec.operation("register_customer");
    for body in op.bodies::<RegisterCustomerRequest>() {
        calls.check(&op, customers.register_customer(body).await);
    }
    let op = spec.operation("get_profile");
    calls.check(&op, customers.get_profile().await);
    let op = spec.operation("update_profile");
    for body in op.bodies::<UpdateProfileRequest>() {
        calls.check(&op, customers.update_profile(body).await);
    }
    let op = spec.operation("create_transaction_pin");
    for body in op.bodies::<CreateTransactionPinRequest>() {
        calls.check(&op, customers.create_transaction_pin(body).await);
    }
}

async fn call_compliance(spec: &Spec, client: &Client, calls: &mut Calls) {
    let compliance = client.compliance();
    let op = spec.operation("attach_documents");
    for body in op.bodies::<AttachDocumentsRequest>() {
        calls.check(&op, compliance.attach_documents(body).await);
    }
    let op = spec.operation("submit_kyc_documents");
    for body in op.bodies::<SubmitKycDocumentsRequest>() {
        calls.check(&op, compliance.submit_kyc_documents(body).await);
    }
    let op = spec.operation("submit_cra");
    for body in op.bodies::<SubmitCraRequest>() {
        calls.check(&op, compliance.submit_cra(body).await);
    }
    let op = spec.operation("list_awaiting_compliance_requirements");
    calls.check(
        &op,
        compliance.list_awaiting_compliance_requirements().await,
    );
    let op = spec.operation("get_kyc_requirements");
    let request = compliance.get_kyc_requirements(op.text("countryIso"), op.text("triggerPoint"));
    calls.check(&op, request.await);
    let op = spec.operation("continue_enrolment");
    calls.check(&op, compliance.continue_enrolment().await);
    let op = spec.operation("get_dynamic_fields");
    let request = compliance.get_dynamic_fields(op.text("processGroupCode"));
    calls.check(&op, request.await);
    let op = spec.operation("add_kyc_rule");
    for body in op.bodies::<Map<String, Value>>() {
        let body = body.into_iter().collect();
        calls.check(&op, compliance.add_kyc_rule(body).await);
    }
    let op = spec.operation("activate_aml_rule");
    calls.check(&op, compliance.activate_aml_rule(op.text("ruleId")).await);
    let op = spec.operation("list_cra_forms");
    calls.check(&op, compliance.list_cra_forms().await);
}

async fn call_remittance(spec: &Spec, client: &Client, calls: &mut Calls) {
    let remittance = client.remittance();
    let op = spec.operation("call_quote");
    for body in op.bodies::<CallQuoteRequest>() {
        calls.check(&op, remittance.call_quote(body).await);
    }
    let op = spec.operation("create_transaction");
    for body in op.bodies::<CreateTransactionRequest>() {
        let request =
            remittance.create_transaction(op.text("ipAddress"), op.text("password"), body);
        calls.check(&op, request.await);
    }
    let op = spec.operation("create_transaction_direct");
    for body in op.bodies::<CreateTransactionDirectRequest>() {
        let request =
            remittance.create_transaction_direct(op.text("ipAddress"), op.text("password"), body);
        calls.check(&op, request.await);
    }
    let op = spec.operation("validate_bank_account");
    for body in op.bodies::<ValidateBankAccountRequest>() {
        calls.check(&op, remittance.validate_bank_account(body).await);
    }
    let op = spec.operation("create_beneficiary");
    for body in op.bodies::<CreateBeneficiaryRequest>() {
        calls.check(&op, remittance.create_beneficiary(body).await);
    }
    let op = spec.operation("add_bank_details");
    for body in op.bodies::<AddBankDetailsRequest>() {
        calls.check(&op, remittance.add_bank_details(body).await);
    }
    let op = spec.operation("list_supported_payment_methods");
    for body in op.bodies::<SupportedPaymentMethodsRequest>() {
        calls.check(&op, remittance.list_supported_payment_methods(body).await);
    }
    let op = spec.operation("list_payout_points");
    for body in op.bodies::<ListPayoutPointsRequest>() {
        calls.check(&op, remittance.list_payout_points(body).await);
    }
    let op = spec.operation("list_payout_centers");
    for body in op.bodies::<ListPayoutCentersRequest>() {
        calls.check(&op, remittance.list_payout_centers(body).await);
    }
    let op = spec.operation("list_supported_banks");
    let request = remittance.list_supported_banks(op.text("countryIso3"));
    calls.check(&op, request.await);
    let op = spec.operation("get_required_bank_fields");
    let request = remittance.get_required_bank_fields(op.text("countryIso3"));
    calls.check(&op, request.await);
}

async fn call_payments(spec: &Spec, client: &Client, calls: &mut Calls) {
    let payments = client.payments();
    let op = spec.operation("process_card_payment");
    for body in op.bodies::<ProcessCardPaymentRequest>() {
        calls.check(&op, payments.process_card_payment(body).await);
    }
    let op = spec.operation("process_payment_with_token");
    for body in op.bodies::<ProcessPaymentWithTokenRequest>() {
        calls.check(&op, payments.process_payment_with_token(body).await);
    }
    let op = spec.operation("notify_bank_transfer_payment");
    for body in op.bodies::<NotifyBankTransferPaymentRequest>() {
        calls.check(&op, payments.notify_bank_transfer_payment(body).await);
    }
    let op = spec.operation("get_payment_method_charges");
    for body in op.bodies::<PaymentMethodChargesRequest>() {
        calls.check(&op, payments.get_payment_method_charges(body).await);
    }
    let op = spec.operation("defer_bank_payment");
    let request = payments.defer_bank_payment(op.text("pcn"), op.param("payableType"));
    calls.check(&op, request.await);
    let op = spec.operation("list_awaiting_payments");
    for body in op.bodies::<AwaitingPaymentsFilter>() {
        let request = payments
            .list_awaiting_payments(body)
            .page(op.param("page"))
            .size(op.param("size"));
        calls.check(&op, request.await);
    }
    let op = spec.operation("update_awaiting_payment");
    for body in op.bodies::<AwaitingPaymentActionRequest>() {
        calls.check(&op, payments.update_awaiting_payment(body).await);
    }
    let op = spec.operation("pay_from_wallet");
    for body in op.bodies::<MakePaymentFromWalletRequest>() {
        calls.check(&op, payments.pay_from_wallet(body).await);
    }
    let op = spec.operation("get_wallet_balance");
    calls.check(&op, payments.get_wallet_balance().await);
}

/// The three FAPI headers the ledger, lending and investment operations require: auth date, customer IP address
/// and interaction id.
fn fapi(op: &Operation<'_>) -> (time::OffsetDateTime, String, String) {
    let date = op.text("x-fapi-auth-date");
    (
        time::OffsetDateTime::parse(&date, &time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|e| {
                panic!("the x-fapi-auth-date example `{date}` is not RFC 3339: {e}")
            }),
        op.text("x-fapi-customer-ip-address"),
        op.text("x-fapi-interaction-id"),
    )
}

async fn call_ledger(spec: &Spec, client: &Client, calls: &mut Calls) {
    let ledger = client.ledger();
    let op = spec.operation("get_account_balance");
    let (date, ip, interaction) = fapi(&op);
    let request = ledger.get_account_balance(op.text("accountId"), date, ip, interaction);
    calls.check(&op, request.await);
    let op = spec.operation("change_account_permission");
    let (date, ip, interaction) = fapi(&op);
    let request = ledger.change_account_permission(
        op.param("id"),
        op.text("permission"),
        date,
        ip,
        interaction,
    );
    calls.check(&op, request.await);
    let op = spec.operation("list_ledger_history");
    let (date, ip, interaction) = fapi(&op);
    let request = ledger.list_ledger_history(
        op.text("account_id"),
        op.param("page"),
        op.param("size"),
        date,
        ip,
        interaction,
    );
    calls.check(&op, request.await);
    let op = spec.operation("list_ledger_history_by_interaction_id");
    let (date, ip, interaction) = fapi(&op);
    let request = ledger.list_ledger_history_by_interaction_id(date, ip, interaction);
    calls.check(&op, request.await);
    let op = spec.operation("post_to_account");
    for body in op.bodies::<LedgerPostAccountRequest>() {
        let (date, ip, interaction) = fapi(&op);
        let request = ledger.post_to_account(date, ip, interaction, body);
        calls.check(&op, request.await);
    }
    let op = spec.operation("list_ledger_history_by_idempotency_key");
    let (date, ip, interaction) = fapi(&op);
    let request = ledger
        .list_ledger_history_by_idempotency_key(date, ip, interaction)
        .x_idempotency_key(op.text("x-idempotency-key"));
    calls.check(&op, request.await);
}

async fn call_lending(spec: &Spec, client: &Client, calls: &mut Calls) {
    let lending = client.lending();
    let op = spec.operation("request_loan");
    for body in op.bodies::<LoanRequest>() {
        let (date, ip, interaction) = fapi(&op);
        calls.check(&op, lending.request_loan(date, ip, interaction, body).await);
    }
    let op = spec.operation("get_loan_offer");
    let (date, ip, interaction) = fapi(&op);
    calls.check(&op, lending.get_loan_offer(date, ip, interaction).await);
    let op = spec.operation("respond_to_loan_offer");
    let (date, ip, interaction) = fapi(&op);
    let request = lending.respond_to_loan_offer(
        op.text("loan-application-id"),
        date,
        ip,
        interaction,
        op.param("status"),
    );
    calls.check(&op, request.await);
    let op = spec.operation("get_loan_application_details");
    let (date, ip, interaction) = fapi(&op);
    let request =
        lending.get_loan_application_details(op.text("loan-application-id"), date, ip, interaction);
    calls.check(&op, request.await);
    let op = spec.operation("list_loan_eligibility_questions");
    let (date, ip, interaction) = fapi(&op);
    let request =
        lending.list_loan_eligibility_questions(op.text("productId"), date, ip, interaction);
    calls.check(&op, request.await);
    let op = spec.operation("manage_loans");
    let (date, ip, interaction) = fapi(&op);
    let request = lending.manage_loans(op.text("customerId"), date, ip, interaction);
    calls.check(&op, request.await);
    let op = spec.operation("get_loan_terms");
    let (date, ip, interaction) = fapi(&op);
    let request = lending.get_loan_terms(op.text("organisationId"), date, ip, interaction);
    calls.check(&op, request.await);
    let op = spec.operation("list_loan_history");
    let (date, ip, interaction) = fapi(&op);
    let request = lending
        .list_loan_history(op.text("customer-id"), date, ip, interaction)
        .page(op.param("page"))
        .size(op.param("size"));
    calls.check(&op, request.await);
    let op = spec.operation("get_loan_payment_history");
    let (date, ip, interaction) = fapi(&op);
    let request =
        lending.get_loan_payment_history(op.text("loan-application-id"), date, ip, interaction);
    calls.check(&op, request.await);
    let op = spec.operation("list_pending_repayments");
    let (date, ip, interaction) = fapi(&op);
    let request = lending
        .list_pending_repayments(op.text("user-id"), date, ip, interaction)
        .page(op.param("page"))
        .size(op.param("size"));
    calls.check(&op, request.await);
    let op = spec.operation("get_repayment_instructions");
    let (date, ip, interaction) = fapi(&op);
    let request =
        lending.get_repayment_instructions(op.text("loan-application-id"), date, ip, interaction);
    calls.check(&op, request.await);
    let op = spec.operation("transfer_funds_to_bank");
    for body in op.bodies::<LoanTransferFundsRequest>() {
        let (date, ip, interaction) = fapi(&op);
        let request = lending.transfer_funds_to_bank(date, ip, interaction, body);
        calls.check(&op, request.await);
    }
    let op = spec.operation("add_bank_account");
    for body in op.bodies::<LoanAddBankAccountRequest>() {
        let (date, ip, interaction) = fapi(&op);
        let request = lending.add_bank_account(date, ip, interaction, body);
        calls.check(&op, request.await);
    }
    let op = spec.operation("verify_bank_account");
    let (date, ip, interaction) = fapi(&op);
    let request = lending.verify_bank_account(
        op.text("bankCode"),
        op.text("accountNumber"),
        date,
        ip,
        interaction,
    );
    calls.check(&op, request.await);
    let op = spec.operation("list_loan_products");
    let (date, ip, interaction) = fapi(&op);
    calls.check(&op, lending.list_loan_products(date, ip, interaction).await);
    let op = spec.operation("get_total_loan");
    let (date, ip, interaction) = fapi(&op);
    let request = lending.get_total_loan(op.text("customerId"), date, ip, interaction);
    calls.check(&op, request.await);
    let op = spec.operation("list_available_banks");
    let (date, ip, interaction) = fapi(&op);
    calls.check(
        &op,
        lending.list_available_banks(date, ip, interaction).await,
    );
    let op = spec.operation("repay_loan");
    for body in op.bodies::<Map<String, Value>>() {
        let (date, ip, interaction) = fapi(&op);
        let body = body.into_iter().collect();
        let request = lending.repay_loan(op.text("user-id"), date, ip, interaction, body);
        calls.check(&op, request.await);
    }
}

async fn call_investment(spec: &Spec, client: &Client, calls: &mut Calls) {
    let investment = client.investment();
    let op = spec.operation("get_investment_quote");
    let (date, ip, interaction) = fapi(&op);
    let request = investment.get_investment_quote(
        op.text("product-id"),
        op.param("number-of-units-to-purchase"),
        date,
        ip,
        interaction,
    );
    calls.check(&op, request.await);
    let op = spec.operation("create_investment_application");
    for body in op.bodies::<InvestmentApplicationRequest>() {
        let (date, ip, interaction) = fapi(&op);
        let request = investment.create_investment_application(date, ip, interaction, body);
        calls.check(&op, request.await);
    }
    let op = spec.operation("list_portfolios");
    let (date, ip, interaction) = fapi(&op);
    let request = investment
        .list_portfolios(op.text("customer-id"), date, ip, interaction)
        .page(op.param("page"))
        .size(op.param("size"));
    calls.check(&op, request.await);
    let op = spec.operation("get_total_investments");
    let (date, ip, interaction) = fapi(&op);
    let request = investment.get_total_investments(op.text("user-id"), date, ip, interaction);
    calls.check(&op, request.await);
    let op = spec.operation("fund_investment_wallet");
    let (date, ip, interaction) = fapi(&op);
    let request = investment.fund_investment_wallet(
        op.text("wallet-id"),
        op.param("amount"),
        date,
        ip,
        interaction,
    );
    calls.check(&op, request.await);
}

async fn call_songhai(spec: &Spec, client: &Client, calls: &mut Calls) {
    let songhai = client.songhai();
    let op = spec.operation("generate_songhai_token");
    for body in op.bodies::<SonghaiTokenRequest>() {
        calls.check(&op, songhai.generate_songhai_token(body).await);
    }
    let op = spec.operation("create_songhai_transaction");
    for body in op.bodies::<SonghaiCreateTransactionRequest>() {
        calls.check(&op, songhai.create_songhai_transaction(body).await);
    }
    let op = spec.operation("get_songhai_exchange_rate");
    for body in op.bodies::<SonghaiQuoteRequest>() {
        calls.check(&op, songhai.get_songhai_exchange_rate(body).await);
    }
    let op = spec.operation("validate_songhai_bank_account");
    for body in op.bodies::<SonghaiBankAccountValidationRequest>() {
        calls.check(&op, songhai.validate_songhai_bank_account(body).await);
    }
    let op = spec.operation("validate_songhai_mobile_money_wallet");
    for body in op.bodies::<SonghaiMobileMoneyValidationRequest>() {
        calls.check(
            &op,
            songhai.validate_songhai_mobile_money_wallet(body).await,
        );
    }
}

async fn call_reporting(spec: &Spec, client: &Client, calls: &mut Calls) {
    let op = spec.operation("get_analytics");
    calls.check(&op, client.reporting().get_analytics().await);
}

async fn call_revenue(spec: &Spec, client: &Client, calls: &mut Calls) {
    let op = spec.operation("list_settlements");
    calls.check(&op, client.revenue().list_settlements().await);
}

#[test]
fn prism_that_cannot_start_reports_its_output() {
    let error = Prism::start(Path::new("spec/no-such-spec.yaml"))
        .expect_err("Prism cannot serve a spec that does not exist");
    let message = format!("{error:#}");
    assert!(
        message.contains("Prism exited before answering") && message.contains("no-such-spec.yaml"),
        "the error should say that Prism exited, with its output: {message}"
    );
}

#[test]
fn prism_stops_when_dropped() {
    let prism = Prism::start(&fincode_tests::spec_path()).expect("Prism serves spec/fincode.yaml");
    let address = prism.url().trim_start_matches("http://").to_owned();
    assert!(
        TcpStream::connect(&address).is_ok(),
        "Prism listens on {address}"
    );
    drop(prism);
    assert!(
        TcpStream::connect(&address).is_err(),
        "nothing listens on {address} once Prism is dropped"
    );
}
