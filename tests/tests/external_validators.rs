//! Three validators nobody here wrote judge `spec/fincode.yaml`: Spectral (`spectral:oas`), Redocly CLI
//! (`recommended`) and `openapi-spec-validator`. Each is also run on a broken fixture, to show it reports errors.
//!
//! The tools are installed, pinned, under `tools/` by `cargo xtask tools` (which `cargo xtask test` runs first).
//! They run with telemetry and update checks off, so nothing leaves the machine.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use fincode_tests::{root, spec_path};
use serde_json::Value;

fn tool(relative: &str) -> PathBuf {
    let path = root().join("tools").join(relative);
    assert!(
        path.exists(),
        "{} is not installed: run `cargo xtask tools` (or the whole suite with `cargo xtask test`)",
        path.display()
    );
    path
}

fn run(cmd: &mut Command) -> Output {
    cmd.current_dir(root())
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .env("NO_UPDATE_NOTIFIER", "1")
        .output()
        .unwrap_or_else(|e| panic!("running {cmd:?}: {e}"))
}

/// The JSON a tool printed on standard output.
fn json_stdout(tool: &str, out: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{tool} printed no JSON ({e}): {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn broken() -> PathBuf {
    root().join("tests/fixtures/validate/unresolved-ref/spec.yaml")
}

/// Spectral's findings as `(severity, code, message)`; severity 0 is an error.
fn spectral(spec: &Path) -> Vec<(u64, String, String)> {
    let out = run(Command::new(tool("node_modules/.bin/spectral"))
        .args(["lint", "--quiet", "--format", "json", "--ruleset"])
        .arg(root().join("tools/spectral.yaml"))
        .arg(spec));
    let json = json_stdout("spectral", &out);
    json.as_array()
        .expect("spectral's JSON is an array")
        .iter()
        .map(|r| {
            (
                r["severity"].as_u64().unwrap_or(0),
                r["code"].as_str().unwrap_or_default().to_owned(),
                r["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Redocly's totals and problems.
fn redocly(spec: &Path) -> (Value, bool) {
    let out = run(Command::new(tool("node_modules/.bin/redocly"))
        .args(["lint", "--format", "json", "--config"])
        .arg(root().join("tools/redocly.yaml"))
        .arg(spec));
    let json = json_stdout("redocly", &out);
    (json, out.status.success())
}

fn openapi_spec_validator(spec: &Path) -> (bool, String) {
    let out = run(Command::new(tool(".venv/bin/openapi-spec-validator")).arg(spec));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn spectral_reports_no_error() {
    let errors: Vec<_> = spectral(&spec_path())
        .into_iter()
        .filter(|(severity, ..)| *severity == 0)
        .collect();
    assert!(errors.is_empty(), "Spectral errors: {errors:#?}");
}

#[test]
fn spectral_reports_the_broken_fixture() {
    let findings = spectral(&broken());
    assert!(
        findings
            .iter()
            .any(|(severity, code, _)| *severity == 0 && code == "invalid-ref"),
        "Spectral missed the unresolved $ref: {findings:#?}"
    );
}

#[test]
fn redocly_reports_no_error() {
    let (json, ok) = redocly(&spec_path());
    assert_eq!(
        json["totals"]["errors"], 0,
        "Redocly errors: {:#}",
        json["problems"]
    );
    assert!(ok, "redocly lint exited with failure: {json:#}");
}

#[test]
fn redocly_reports_the_broken_fixture() {
    let (json, ok) = redocly(&broken());
    assert!(
        json["totals"]["errors"].as_u64().unwrap_or(0) > 0,
        "Redocly missed the broken fixture: {json:#}"
    );
    assert!(!ok, "redocly lint should fail on the broken fixture");
}

#[test]
fn openapi_spec_validator_accepts_the_spec() {
    let (ok, text) = openapi_spec_validator(&spec_path());
    assert!(
        ok && text.trim_end().ends_with("OK"),
        "openapi-spec-validator: {text}"
    );
}

#[test]
fn openapi_spec_validator_rejects_the_broken_fixture() {
    let structure = root().join("tests/fixtures/validate/openapi-structure/spec.yaml");
    let (ok, text) = openapi_spec_validator(&structure);
    assert!(
        !ok,
        "openapi-spec-validator accepted a parameter `in: body`: {text}"
    );
}
