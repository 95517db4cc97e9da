//! The classification of `cargo xtask diff` against what the compiler says.
//!
//! Every `fixtures/diff/<case>` shares one `old.yaml`; `fixtures/diff/user.rs` is code written against the client
//! generated from it (every operation, parameter, model and enum value used). This test generates the old
//! client and each case's new one, and `cargo check`s the user code against each: it must compile against the
//! old client, and against a new one exactly when the case's report has no major change.
//!
//! Everything is checked in one workspace under `target/diff-check`, in the target directory the codegen
//! fixtures share (`target/codegen-check/target`), with the runtime by path: the dependencies build once.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use fincode_tests::root;
use generator::diff::{diff, Impact};
use generator::{generate, sync, Config, GeneratedFile, Runtime};

fn cases() -> Vec<PathBuf> {
    let dir = root().join("tests/fixtures/diff");
    let mut cases: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("a fixture directory entry").path())
        .filter(|p| p.join("new.yaml").is_file())
        .collect();
    cases.sort();
    cases
}

fn name(case: &Path) -> String {
    case.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes a crate, touching only the files that changed, so that a re-run checks only what changed.
fn write_crate(dir: &Path, files: &[GeneratedFile]) {
    let plan = sync::plan(dir, files)
        .unwrap_or_else(|e| panic!("comparing {} with its generation: {e}", dir.display()));
    sync::apply(dir, files, &plan).unwrap_or_else(|e| panic!("writing {}: {e}", dir.display()));
}

/// Generates the client of `spec` as crate `crate_name` into `dir`.
fn client(spec: &str, crate_name: &str, dir: &Path) {
    let mut config = Config::new(crate_name);
    config
        .command("cargo test --test diff_compile")
        .runtime(Runtime::Path("../../../generator/runtime".to_owned()));
    let generation = generate("spec.yaml", spec, &config)
        .unwrap_or_else(|report| panic!("generating {crate_name}:\n{report}"));
    write_crate(dir, &generation.files);
}

/// The user crate `user-<label>`, its code depending on the client as `api`.
fn user(work: &Path, label: &str, client: &str, code: &str) -> String {
    let package = format!("user-{label}");
    let manifest = format!(
        "[package]\nname = \"{package}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\napi = {{ package = \"{client}\", path = \"../{client}\" }}\n"
    );
    let files = [
        GeneratedFile {
            path: "Cargo.toml".to_owned(),
            contents: manifest,
        },
        GeneratedFile {
            path: "src/lib.rs".to_owned(),
            contents: code.to_owned(),
        },
    ];
    write_crate(&work.join(&package), &files);
    package
}

#[test]
fn old_code_compiles_against_the_new_client_exactly_when_no_change_is_major() {
    let fixtures = root().join("tests/fixtures/diff");
    let code = fs::read_to_string(fixtures.join("user.rs")).expect("fixtures/diff/user.rs");
    let work = root().join("target/diff-check");
    fs::create_dir_all(&work).expect("creating target/diff-check");
    let cases = cases();
    let old = fs::read_to_string(cases[0].join("old.yaml")).expect("old.yaml");
    client(&old, "diff-old", &work.join("diff-old"));
    let mut members = vec!["diff-old".to_owned(), user(&work, "old", "diff-old", &code)];
    // The user package of each case, and whether the report says its code still compiles.
    let mut expected: BTreeMap<String, (String, Impact)> = BTreeMap::new();
    for case in &cases {
        let label = name(case);
        let case_old = fs::read_to_string(case.join("old.yaml")).expect("old.yaml");
        assert_eq!(
            case_old, old,
            "{label}: every case starts from the same old.yaml"
        );
        let new = fs::read_to_string(case.join("new.yaml")).expect("new.yaml");
        let report = diff(("old.yaml", &old), ("new.yaml", &new))
            .unwrap_or_else(|r| panic!("{label}: the specs do not generate:\n{r}"));
        let crate_name = format!("diff-{label}");
        client(&new, &crate_name, &work.join(&crate_name));
        let package = user(&work, &label, &crate_name, &code);
        expected.insert(package.clone(), (label, report.impact()));
        members.push(crate_name);
        members.push(package);
    }
    let list: Vec<String> = members.iter().map(|m| format!("    {m:?},")).collect();
    fs::write(
        work.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n",
            list.join("\n")
        ),
    )
    .expect("writing the check workspace");
    fs::copy(root().join("Cargo.lock"), work.join("Cargo.lock")).expect("copying Cargo.lock");
    let output = Command::new(env!("CARGO"))
        .args([
            "check",
            "--offline",
            "--workspace",
            "--keep-going",
            "--message-format",
            "json",
        ])
        .current_dir(&work)
        .env(
            "CARGO_TARGET_DIR",
            root().join("target/codegen-check/target"),
        )
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("running cargo check");
    // Which packages compiled, and the errors of those that did not.
    let mut compiled: Vec<String> = Vec::new();
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let package = message["package_id"].as_str().unwrap_or_default();
        let target = message["target"]["name"].as_str().unwrap_or_default();
        match message["reason"].as_str() {
            Some("compiler-artifact") => compiled.push(target.replace('_', "-")),
            Some("compiler-message") if message["message"]["level"] == "error" => {
                let rendered = message["message"]["rendered"].as_str().unwrap_or_default();
                let first = rendered.lines().next().unwrap_or_default().to_owned();
                errors.entry(package.to_owned()).or_default().push(first);
            }
            _ => {}
        }
    }
    let errors_of = |package: &str| -> String {
        errors
            .iter()
            .filter(|(id, _)| {
                id.contains(&format!("/{package}#")) || id.contains(&format!("{package}@"))
            })
            .flat_map(|(_, lines)| lines.iter().cloned())
            .collect::<Vec<_>>()
            .join("\n    ")
    };
    let mut wrong = Vec::new();
    for client in members.iter().filter(|m| m.starts_with("diff-")) {
        if !compiled.contains(client) {
            wrong.push(format!(
                "the client {client} does not compile:\n    {}",
                errors_of(client)
            ));
        }
    }
    if !compiled.iter().any(|c| c == "user-old") {
        wrong.push(format!(
            "the user code does not compile against the old client:\n    {}",
            errors_of("user-old")
        ));
    }
    for (package, (label, impact)) in &expected {
        let compiles = compiled.contains(package);
        if compiles == (*impact == Impact::Major) {
            wrong.push(format!(
                "{label}: the report says {impact}, but the old code {} against the new client{}",
                if compiles {
                    "compiles"
                } else {
                    "does not compile"
                },
                if compiles {
                    String::new()
                } else {
                    format!(":\n    {}", errors_of(package))
                }
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} mismatch(es):\n{}\n{}",
        wrong.len(),
        wrong.join("\n"),
        if compiled.is_empty() {
            String::from_utf8_lossy(&output.stderr)
        } else {
            "".into()
        }
    );
    // Both outcomes occur, so the test can tell a wrong classification in either direction.
    let majors = expected
        .values()
        .filter(|(_, i)| *i == Impact::Major)
        .count();
    assert!(majors > 0 && majors < expected.len(), "{expected:?}");
}
