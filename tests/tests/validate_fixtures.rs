//! `cargo xtask validate` on broken specs: each `fixtures/validate/<case>/spec.yaml` must give exactly the
//! report in `expected.txt` beside it. `UPDATE_EXPECT=1 cargo test --test validate_fixtures` rewrites them.

use std::collections::BTreeSet;
use std::fs;

use fincode_tests::{check_file, root};
use generator::{lint::lint_source, Rule};

fn cases() -> Vec<std::path::PathBuf> {
    let dir = root().join("tests/fixtures/validate");
    let mut cases: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("a fixture directory entry").path())
        .filter(|p| p.join("spec.yaml").is_file())
        .collect();
    cases.sort();
    cases
}

/// Runs the rules on one fixture and compares the report.
fn check(case: &std::path::Path) -> Result<generator::Report, String> {
    let text = fs::read_to_string(case.join("spec.yaml"))
        .map_err(|e| format!("{}: {e}", case.display()))?;
    let report = lint_source("spec.yaml", &text);
    check_file(&case.join("expected.txt"), &format!("{report}\n"))?;
    Ok(report)
}

#[test]
fn every_fixture_gives_exactly_its_expected_findings() {
    let cases = cases();
    assert!(
        cases.len() >= 10,
        "expected the fixture folders, found {}",
        cases.len()
    );
    let failures: Vec<String> = cases.iter().filter_map(|c| check(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} fixture(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_a_fixture_that_triggers_it() {
    let mut seen = BTreeSet::new();
    for case in cases() {
        let text = fs::read_to_string(case.join("spec.yaml")).expect("fixture spec");
        seen.extend(
            lint_source("spec.yaml", &text)
                .diagnostics
                .iter()
                .map(|d| d.rule),
        );
    }
    // `codegen-unsupported` comes from the generator, not from `validate`: its fixtures are the codegen ones.
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .filter(|r| **r != Rule::CodegenUnsupported && !seen.contains(r))
        .map(|r| r.as_str())
        .collect();
    assert!(missing.is_empty(), "rules without a fixture: {missing:?}");
}

#[test]
fn the_clean_fixture_has_no_finding() {
    let text = fs::read_to_string(root().join("tests/fixtures/validate/clean/spec.yaml"))
        .expect("clean fixture");
    let report = lint_source("spec.yaml", &text);
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.to_string(), "spec.yaml: 0 findings");
}
