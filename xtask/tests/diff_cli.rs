//! `cargo xtask diff` as users run it: the report, its JSON form, and the exit status.

use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("running xtask")
}

fn pair(case: &str) -> [String; 2] {
    ["old", "new"].map(|side| format!("tests/fixtures/diff/{case}/{side}.yaml"))
}

#[test]
fn a_major_change_exits_1_with_the_report() {
    let [old, new] = pair("operation-removed");
    let out = xtask(&["diff", &old, &new]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(&format!(
            "{old} -> {new}: major (1 major, 0 minor, 0 patch;"
        )),
        "{text}"
    );
    assert!(
        text.contains("major  operation-removed  Pets::delete_pet:"),
        "{text}"
    );
    assert!(
        text.contains(&format!("at {old}:47:5 #/paths/~1pets~1{{id}}/delete")),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_minor_change_exits_0_and_json_is_machine_readable() {
    let [old, new] = pair("response-enum-value-added");
    let out = xtask(&["diff", &old, &new, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["impact"], "minor");
    assert_eq!(json["changes"][0]["rule"], "enum-value-added");
    assert_eq!(json["changes"][0]["item"], "types::PetStatus::Pending");
    assert_eq!(
        json["changes"][0]["place"]["pointer"],
        "/components/schemas/PetStatus/enum/1"
    );
}

#[test]
fn a_spec_that_does_not_generate_exits_2_with_its_findings() {
    let [old, _] = pair("operation-removed");
    let out = xtask(&[
        "diff",
        &old,
        "tests/fixtures/validate/responses/no-such.yaml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no-such.yaml"), "{err}");
}

#[test]
fn since_compares_the_project_spec_with_a_git_revision() {
    // HEAD's spec against the working tree's (unchanged in a clean clone, possibly edited locally).
    let out = xtask(&["diff", "--since", "HEAD", "--format", "json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{err}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["old"], "spec/fincode.yaml@HEAD");
    assert_eq!(json["new"], "spec/fincode.yaml");
}
