//! The rules on small specs, one change each.

use super::{diff, DiffReport, Impact};

/// A spec with one `GET /things/{a}/{b}` returning `Thing`, and `POST /things` taking a `NewThing`.
fn spec(extra_params: &str, thing: &str, new_thing: &str, body: &str) -> String {
    format!(
        r#"openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /things/{{a}}/{{b}}:
    get:
      operationId: get_thing
      parameters:
        - {{name: a, in: path, required: true, schema: {{type: string}}}}
        - {{name: b, in: path, required: true, schema: {{type: integer}}}}{extra_params}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Thing'}}
  /things:
    post:
      operationId: create_thing
{body}      responses:
        '204': {{description: ok}}
components:
  schemas:
    Thing:
{thing}
    NewThing:
{new_thing}
    Kind:
      type: string
      enum: [big, small]
"#
    )
}

const THING: &str = "      type: object\n      required: [id]\n      properties:\n        id: {type: string}\n        kind: {$ref: '#/components/schemas/Kind'}";
const NEW_THING: &str = "      type: object\n      required: [name]\n      properties:\n        name: {type: string}\n        note: {type: string, nullable: true}";
const BODY: &str = "      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/NewThing'}\n";

fn base() -> String {
    spec("", THING, NEW_THING, BODY)
}

fn run(old: &str, new: &str) -> DiffReport {
    diff(("old.yaml", old), ("new.yaml", new)).unwrap_or_else(|r| panic!("{r}"))
}

/// The rules of the changes found, with their impacts.
fn rules(report: &DiffReport) -> Vec<(&'static str, Impact)> {
    report.changes.iter().map(|c| (c.rule, c.impact)).collect()
}

#[test]
fn the_same_spec_has_no_change() {
    let report = run(&base(), &base());
    assert!(report.is_empty(), "{report}");
    assert_eq!(report.impact(), Impact::Patch);
}

#[test]
fn versions_move_by_cargo_rules() {
    let bump = |impact: Impact, v: &str| impact.bump(v).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bump(Impact::Major, "0.1.0"), "0.2.0");
    assert_eq!(bump(Impact::Minor, "0.1.0"), "0.1.1");
    assert_eq!(bump(Impact::Patch, "0.1.3"), "0.1.4");
    assert_eq!(bump(Impact::Major, "1.2.3"), "2.0.0");
    assert_eq!(bump(Impact::Minor, "1.2.3"), "1.3.0");
    assert_eq!(bump(Impact::Patch, "1.2.3"), "1.2.4");
    assert_eq!(bump(Impact::Major, "0.0.3"), "0.0.4");
    assert_eq!(bump(Impact::Minor, "1.0.0-rc.1"), "1.1.0");
    assert!(Impact::Minor.bump("one").is_err());
}

#[test]
fn path_parameters_swapped_in_the_template_reorder_the_arguments() {
    let new = base().replace("/things/{a}/{b}:", "/things/{b}/{a}:");
    let report = run(&base(), &new);
    assert_eq!(
        rules(&report),
        [
            ("arguments-reordered", Impact::Major),
            ("operation-endpoint-changed", Impact::Patch)
        ],
        "{report}"
    );
    assert!(report.changes[1].runtime.is_some());
}

#[test]
fn a_value_named_unknown_renames_the_catch_all_variant() {
    let new = base().replace("enum: [big, small]", "enum: [big, small, Unknown]");
    let report = run(&base(), &new);
    assert_eq!(
        rules(&report),
        [
            ("enum-unknown-renamed", Impact::Major),
            ("enum-value-added", Impact::Minor)
        ],
        "{report}"
    );
}

#[test]
fn a_member_renamed_on_the_wire_only_breaks_deployed_clients() {
    let thing = THING.replace("kind:", "Kind:");
    let report = run(&base(), &spec("", &thing, NEW_THING, BODY));
    assert_eq!(
        rules(&report),
        [("member-wire-renamed", Impact::Patch)],
        "{report}"
    );
    assert_eq!(
        report.changes[0].runtime.as_deref(),
        Some("old clients read and write `kind`")
    );
}

#[test]
fn a_nullable_member_made_required_changes_the_constructor() {
    let new_thing = NEW_THING.replace("required: [name]", "required: [name, note]");
    let report = run(&base(), &spec("", THING, &new_thing, BODY));
    assert_eq!(
        rules(&report),
        [("constructor-changed", Impact::Major)],
        "{report}"
    );
    // `NewThing` is sent: old clients may leave the member out.
    assert!(report.changes[0].runtime.is_some(), "{report}");
}

#[test]
fn a_member_made_required_breaks_deployed_clients_only_where_it_is_sent() {
    // `Thing` is only read: old clients read a member that is always there now.
    let thing = THING.replace("required: [id]", "required: [id, kind]");
    let report = run(&base(), &spec("", &thing, NEW_THING, BODY));
    assert_eq!(
        rules(&report),
        [("member-made-required", Impact::Major)],
        "{report}"
    );
    assert_eq!(report.changes[0].runtime, None);
}

#[test]
fn a_required_body_added_is_major_and_breaks_deployed_clients() {
    let old = spec("", THING, NEW_THING, "");
    let report = run(&old, &base());
    assert_eq!(
        rules(&report),
        [("body-added-required", Impact::Major)],
        "{report}"
    );
    assert_eq!(
        report.changes[0].runtime.as_deref(),
        Some("old clients send no body")
    );
    assert_eq!(
        report.changes[0].place.pointer,
        "/paths/~1things/post/requestBody"
    );
}

#[test]
fn an_optional_parameter_made_required_moves_into_the_arguments() {
    let old = spec(
        "\n        - {name: c, in: query, schema: {type: string}}",
        THING,
        NEW_THING,
        BODY,
    );
    let new = spec(
        "\n        - {name: c, in: query, required: true, schema: {type: string}}",
        THING,
        NEW_THING,
        BODY,
    );
    let report = run(&old, &new);
    assert_eq!(
        rules(&report),
        [("parameter-made-required", Impact::Major)],
        "{report}"
    );
    assert_eq!(report.changes[0].item, "Api::get_thing(c)");
}

const WEBHOOKS: &str = include_str!("../../../tests/fixtures/codegen/webhooks/spec.yaml");

#[test]
fn webhook_events_added_and_removed() {
    let start = WEBHOOKS.find("  order.refunded:").unwrap_or_default();
    let end = WEBHOOKS.find("  unknown:\n    post:").unwrap_or_default();
    assert!(start > 0 && end > start);
    let fewer = format!("{}{}", &WEBHOOKS[..start], &WEBHOOKS[end..]);
    let removed = run(WEBHOOKS, &fewer);
    assert!(
        rules(&removed).contains(&("webhook-event-removed", Impact::Major)),
        "{removed}"
    );
    assert_eq!(
        removed.changes[0].place.pointer,
        "/x-webhooks/order.refunded"
    );
    let added = run(&fewer, WEBHOOKS);
    assert!(
        rules(&added).contains(&("webhook-event-added", Impact::Minor)),
        "{added}"
    );
    assert_eq!(added.impact(), Impact::Minor, "{added}");
}

#[test]
fn the_webhook_signature_scheme_changed_breaks_deployed_receivers() {
    let new = WEBHOOKS.replace("tolerance-seconds: 60", "tolerance-seconds: 30");
    let report = run(WEBHOOKS, &new);
    assert_eq!(
        rules(&report),
        [("webhook-signature-changed", Impact::Patch)],
        "{report}"
    );
    assert!(report.changes[0].runtime.is_some());
}

#[test]
fn a_spec_that_does_not_generate_is_refused_with_its_findings() {
    let broken = base().replace(
        "$ref: '#/components/schemas/Thing'",
        "$ref: '#/components/schemas/Nothing'",
    );
    let Err(report) = diff(("old.yaml", &base()), ("new.yaml", &broken)) else {
        panic!("a broken spec was compared")
    };
    assert_eq!(report.file, "new.yaml");
    assert!(!report.diagnostics.is_empty());
}

#[test]
fn untagged_variants_are_the_same_by_name_wherever_they_move() {
    let union = |parts: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /u:\n    get:\n      operationId: get_u\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/U'}}\ncomponents:\n  schemas:\n    U:\n      oneOf: [{parts}]\n    A: {{type: object, properties: {{a: {{type: string}}}}}}\n    B: {{type: object, properties: {{b: {{type: integer}}}}}}\n    C: {{type: object, properties: {{c: {{type: boolean}}}}}}\n"
        )
    };
    let a_b = union("$ref: '#/components/schemas/A', $ref: '#/components/schemas/B'");
    let c_b_a = union(
        "$ref: '#/components/schemas/C', $ref: '#/components/schemas/B', $ref: '#/components/schemas/A'",
    );
    let report = run(&a_b, &c_b_a);
    assert_eq!(
        rules(&report),
        [
            ("variant-added", Impact::Minor),
            ("variants-reordered", Impact::Patch)
        ],
        "{report}"
    );
    assert_eq!(report.changes[0].item, "types::U::C");
    assert!(report.changes[1].runtime.is_some());
}

const ENVELOPES: &str = include_str!("../../../tests/fixtures/codegen/envelopes/spec.yaml");

#[test]
fn error_codes_are_open_values_of_the_error_code_type() {
    let more = ENVELOPES.replace(
        "        - VALIDATION_ERROR\n",
        "        - VALIDATION_ERROR\n        - RATE_LIMIT_EXCEEDED\n",
    );
    assert_ne!(more, ENVELOPES);
    let added = run(ENVELOPES, &more);
    assert_eq!(
        rules(&added),
        [("error-code-added", Impact::Minor)],
        "{added}"
    );
    assert_eq!(added.changes[0].item, "types::ErrorCode::RateLimitExceeded");
    let removed = run(&more, ENVELOPES);
    assert_eq!(
        rules(&removed),
        [("error-code-removed", Impact::Major)],
        "{removed}"
    );
    assert_eq!(removed.changes[0].place.side, super::Side::Old);
}

/// `base()` with `get_thing` declaring `404` with `not_found`'s schema and `422` with `invalid`'s.
fn with_errors(not_found: &str, invalid: &str) -> String {
    let mut errors = String::new();
    for (status, schema) in [("404", not_found), ("422", invalid)] {
        if !schema.is_empty() {
            errors.push_str(&format!(
                "        '{status}':\n          description: failed\n          content:\n            application/json:\n              schema: {schema}\n"
            ));
        }
    }
    base().replacen(
        "              schema: {$ref: '#/components/schemas/Thing'}\n",
        &format!("              schema: {{$ref: '#/components/schemas/Thing'}}\n{errors}"),
        1,
    )
}

#[test]
fn error_bodies_added_are_minor_and_retyped_are_major() {
    let problem = "{type: object, properties: {message: {type: string}}}";
    let shared = with_errors("{$ref: '#/components/schemas/Kind'}", "");
    assert_eq!(
        rules(&run(&base(), &shared)),
        vec![("error-body-added", Impact::Minor)]
    );
    assert_eq!(
        rules(&run(&shared, &base())),
        vec![("error-body-removed", Impact::Major)]
    );
    let per_status = with_errors("{$ref: '#/components/schemas/Kind'}", problem);
    let report = run(&shared, &per_status);
    assert!(
        rules(&report).contains(&("error-body-retyped", Impact::Major)),
        "{:?}",
        rules(&report)
    );
    assert_eq!(report.impact(), Impact::Major);
    // A new status of the same enum is a new variant of a `#[non_exhaustive]` enum.
    let more = per_status.replacen(
        "        '422':",
        "        '409':\n          description: busy\n          content:\n            application/json:\n              schema: {type: string}\n        '422':",
        1,
    );
    assert_eq!(
        rules(&run(&per_status, &more)),
        vec![("variant-added", Impact::Minor)]
    );
}

#[test]
fn an_inline_type_that_becomes_an_alias_of_a_component_of_its_shape_is_no_change() {
    // `size` has its own enum while `Kind` has fewer values; once they are the same, it is an alias of `Kind`.
    let size =
        "\n        - {name: size, in: query, schema: {type: string, enum: [big, small, huge]}}";
    let old = spec(size, THING, NEW_THING, BODY);
    let new = old.replace("enum: [big, small]\n", "enum: [big, small, huge]\n");
    assert_ne!(old, new);
    let report = run(&old, &new);
    assert_eq!(
        rules(&report),
        vec![("enum-value-added", Impact::Minor)],
        "{report}"
    );
}
