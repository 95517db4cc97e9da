//! `cargo xtask validate` as users run it: output, exit status, and errors.

use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("running xtask")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_project_spec_validates_clean_and_exits_0() {
    let out = xtask(&["validate"]);
    assert_eq!(stdout(&out), "spec/fincode.yaml: 0 findings\n");
    assert!(out.status.success());
}

#[test]
fn findings_are_printed_with_rule_pointer_and_position_then_counted_and_exit_1() {
    let out = xtask(&[
        "validate",
        "--spec",
        "tests/fixtures/validate/responses/spec.yaml",
    ]);
    assert_eq!(
        stdout(&out),
        "tests/fixtures/validate/responses/spec.yaml:11:7: error[error-responses-missing] #/paths/~1things/get/responses: operation documents no error response (4xx, 5xx or default)\n\
         tests/fixtures/validate/responses/spec.yaml:18:7: error[success-response-missing] #/paths/~1things/delete/responses: operation documents no 2xx response\n\
         tests/fixtures/validate/responses/spec.yaml: 2 findings\n"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_missing_spec_is_an_error_that_names_the_file() {
    let out = xtask(&["validate", "--spec", "spec/no-such-spec.yaml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("reading the spec") && stderr.contains("no-such-spec.yaml"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_reader_that_goes_away_is_not_a_panic() {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args([
            "validate",
            "--spec",
            "tests/fixtures/validate/examples/spec.yaml",
        ])
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("running xtask");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        out.status.code(),
        Some(1),
        "the findings still set the exit status: {stderr}"
    );
}
