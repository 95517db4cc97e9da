//! `cargo xtask diff` on spec pairs: each `fixtures/diff/<case>/{old,new}.yaml` must give exactly the
//! report in `expected.txt` beside it. `UPDATE_EXPECT=1 cargo test --test diff_fixtures` rewrites them.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use fincode_tests::{check_file, root};
use generator::diff::{diff, DiffReport, Impact};

fn cases() -> Vec<PathBuf> {
    let dir = root().join("tests/fixtures/diff");
    let mut cases: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("a fixture directory entry").path())
        .filter(|p| p.join("old.yaml").is_file())
        .collect();
    cases.sort();
    cases
}

fn report(case: &Path) -> Result<DiffReport, String> {
    let read = |name: &str| {
        fs::read_to_string(case.join(name)).map_err(|e| format!("{}: {e}", case.display()))
    };
    let (old, new) = (read("old.yaml")?, read("new.yaml")?);
    diff(("old.yaml", &old), ("new.yaml", &new))
        .map_err(|r| format!("{}: the specs do not generate:\n{r}", case.display()))
}

/// Every case's report, computed once for all the tests of this file.
fn reports() -> &'static BTreeMap<PathBuf, Result<DiffReport, String>> {
    static REPORTS: OnceLock<BTreeMap<PathBuf, Result<DiffReport, String>>> = OnceLock::new();
    REPORTS.get_or_init(|| {
        cases()
            .into_iter()
            .map(|c| (c.clone(), report(&c)))
            .collect()
    })
}

fn case(name: &str) -> DiffReport {
    let path = root().join("tests/fixtures/diff").join(name);
    match reports().get(&path) {
        Some(Ok(report)) => report.clone(),
        Some(Err(e)) => panic!("{e}"),
        None => panic!("no fixture {}", path.display()),
    }
}

#[test]
fn every_fixture_gives_exactly_its_expected_report() {
    let cases = cases();
    assert!(
        cases.len() >= 10,
        "expected the fixtures, found {}",
        cases.len()
    );
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            report(c)
                .and_then(|r| check_file(&c.join("expected.txt"), &r.to_string()))
                .err()
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} fixture(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The cases the classification is judged by, whatever the wording of their reports.
#[test]
fn each_kind_of_change_has_its_impact() {
    let expect = [
        ("operation-removed", Impact::Major, "operation-removed"),
        ("operation-id-renamed", Impact::Major, "operation-renamed"),
        ("operation-moved", Impact::Major, "operation-moved"),
        ("operation-added", Impact::Minor, "operation-added"),
        (
            "required-parameter-added",
            Impact::Major,
            "parameter-added-required",
        ),
        ("optional-parameter-added", Impact::Minor, "parameter-added"),
        ("parameter-retyped", Impact::Major, "parameter-retyped"),
        ("optional-member-added", Impact::Minor, "member-added"),
        (
            "required-member-added",
            Impact::Major,
            "member-added-required",
        ),
        (
            "member-made-optional",
            Impact::Major,
            "member-made-optional",
        ),
        (
            "response-enum-value-added",
            Impact::Minor,
            "enum-value-added",
        ),
        ("enum-value-removed", Impact::Major, "enum-value-removed"),
        (
            "security-scheme-added",
            Impact::Minor,
            "security-scheme-added",
        ),
        ("server-changed", Impact::Minor, "server-url-changed"),
    ];
    for (name, impact, rule) in expect {
        let report = case(name);
        assert_eq!(report.impact(), impact, "{name}:\n{report}");
        assert!(
            report.changes.iter().any(|c| c.rule == rule),
            "{name} has no `{rule}` change:\n{report}"
        );
    }
    let docs = case("documentation-only");
    assert!(docs.is_empty(), "{docs}");
}

/// The HTTP-level consequences are flagged apart from the compile-time impact.
#[test]
fn changes_that_break_deployed_clients_say_how() {
    let runtime = |name: &str| -> Vec<(&'static str, String)> {
        case(name)
            .runtime_breaking()
            .map(|c| (c.rule, c.runtime.clone().unwrap_or_default()))
            .collect()
    };
    assert_eq!(
        runtime("member-made-optional"),
        [(
            "member-made-optional",
            "old clients fail to read `Pet` when `name` is absent or null".to_owned()
        )]
    );
    assert_eq!(
        runtime("required-member-added"),
        [(
            "member-added-required",
            "old clients send `NewPet` without its required member `owner`".to_owned()
        )]
    );
    assert_eq!(
        runtime("server-changed"),
        [(
            "server-url-changed",
            "old clients call `https://api.example.com/v1`".to_owned()
        )]
    );
    // Additions break no deployed client: an open enum reads a new value as `Unknown`.
    assert!(runtime("response-enum-value-added").is_empty());
    assert!(runtime("optional-member-added").is_empty());
}

#[test]
fn the_json_report_carries_impact_rule_item_runtime_and_place() {
    let report = case("operation-removed");
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).expect("valid JSON");
    assert_eq!(json["impact"], "major");
    let change = &json["changes"][0];
    assert_eq!(change["impact"], "major");
    assert_eq!(change["rule"], "operation-removed");
    assert_eq!(change["item"], "Pets::delete_pet");
    assert_eq!(
        change["runtime"],
        "old clients call `DELETE /pets/{id}`, which the API no longer describes"
    );
    assert_eq!(change["place"]["side"], "old");
    assert_eq!(change["place"]["file"], "old.yaml");
    assert_eq!(change["place"]["pointer"], "/paths/~1pets~1{id}/delete");
    assert_eq!(change["place"]["line"], 47);
    assert_eq!(change["place"]["column"], 5);
}
