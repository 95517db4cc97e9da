//! `cargo xtask codegen` versions the `fincode` crate by what changed since the release `spec/release.toml`
//! records, and lists the changes in `CHANGELOG.md`: checked on copies of the workspace's spec and release
//! record, changed the way a maintainer would change them.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use xtask::release::{fincode_generation, Fincode};

/// A workspace root holding the project's release record and `spec` as its current spec (JSON is YAML).
fn workspace(label: &str, spec: &Value) -> PathBuf {
    workspace_with(
        label,
        &serde_json::to_string_pretty(spec).expect("the spec as JSON"),
    )
}

/// A workspace root holding the project's release record and `text` as its current spec.
fn workspace_with(label: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fincode-release-{label}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("spec/release")).expect("creating the workspace");
    let root = xtask::root();
    for file in [
        "spec/release.toml",
        "spec/release/fincode.yaml",
        "spec/release/CHANGELOG.md",
    ] {
        fs::copy(root.join(file), dir.join(file)).unwrap_or_else(|e| panic!("copying {file}: {e}"));
    }
    fs::write(dir.join(xtask::SPEC), text).expect("writing the spec");
    dir
}

fn released_text() -> String {
    fs::read_to_string(xtask::root().join("spec/release/fincode.yaml")).expect("the released spec")
}

fn released_spec() -> Value {
    let (spec, _) = generator::load(&released_text()).unwrap_or_else(|d| panic!("{d:?}"));
    spec.value
}

fn generate(dir: &Path) -> Fincode {
    let fincode = fincode_generation(dir).unwrap_or_else(|e| panic!("{e}"));
    let _ = fs::remove_dir_all(dir);
    fincode
}

fn file<'a>(fincode: &'a Fincode, path: &str) -> &'a str {
    fincode
        .generation
        .files
        .iter()
        .find(|f| f.path == path)
        .map(|f| f.contents.as_str())
        .unwrap_or_else(|| panic!("no {path}"))
}

/// The first operation whose id the spec names nowhere else (a session or paging declaration would), as
/// `(path, method, operationId)`.
fn unreferenced_operation(spec: &Value) -> (String, String, String) {
    let text = spec.to_string();
    let paths = spec["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flatten()
                .filter_map(move |(method, op)| {
                    let id = op["operationId"].as_str()?;
                    Some((path.clone(), method.clone(), id.to_owned()))
                })
        })
        .find(|(_, _, id)| text.matches(&format!("\"{id}\"")).count() == 1)
        .expect("an operation no extension names")
}

#[test]
fn the_released_spec_keeps_the_released_version_and_changelog() {
    let fincode = generate(&workspace_with("same", &released_text()));
    assert_eq!(fincode.version, fincode.release.version);
    assert!(
        file(&fincode, "Cargo.toml").contains(&format!("\nversion = \"{}\"\n", fincode.version))
    );
    assert!(!file(&fincode, "CHANGELOG.md").contains("(unreleased)"));
}

#[test]
fn a_renamed_operation_id_bumps_the_breaking_component_and_is_in_the_changelog() {
    let mut spec = released_spec();
    let (path, method, id) = unreferenced_operation(&spec);
    spec["paths"][&path][&method]["operationId"] = json!(format!("{id}_renamed"));
    let fincode = generate(&workspace("major", &spec));
    assert_eq!(fincode.release.version, "0.1.0");
    // Below 1.0.0, Cargo reads the minor component as the breaking one.
    assert_eq!(fincode.version, "0.2.0");
    assert!(file(&fincode, "Cargo.toml").contains("\nversion = \"0.2.0\"\n"));
    let changelog = file(&fincode, "CHANGELOG.md");
    assert!(
        changelog.contains("\n## 0.2.0 (unreleased)\n\nBreaking changes since 0.1.0.\n"),
        "{changelog}"
    );
    assert!(
        changelog.contains("\n### Breaking changes\n"),
        "{changelog}"
    );
    assert!(
        changelog.contains(&format!("`operationId` `{id}` became `{id}_renamed`")),
        "{changelog}"
    );
    // The released sections stay below the new one.
    let new_at = changelog.find("## 0.2.0").unwrap_or(usize::MAX);
    let released_at = changelog.find("## 0.1.0").unwrap_or(0);
    assert!(new_at < released_at, "{changelog}");
}

#[test]
fn an_optional_member_added_bumps_the_additive_component() {
    let mut spec = released_spec();
    let schemas = spec["components"]["schemas"]
        .as_object_mut()
        .expect("schemas");
    let (name, schema) = schemas
        .iter_mut()
        .find(|(_, s)| s["properties"].is_object() && s["allOf"].is_null())
        .expect("an object schema");
    let name = name.clone();
    schema["properties"]["added_note"] = json!({"type": "string", "description": "A note."});
    let fincode = generate(&workspace("minor", &spec));
    assert_eq!(fincode.version, "0.1.1");
    let changelog = file(&fincode, "CHANGELOG.md");
    assert!(
        changelog.contains("\n## 0.1.1 (unreleased)\n\nAdditions since 0.1.0.\n"),
        "{changelog}"
    );
    assert!(changelog.contains("\n### Additions\n"), "{changelog}");
    assert!(!changelog.contains("### Breaking changes"), "{changelog}");
    assert!(
        changelog.contains("::added_note`: a new optional member"),
        "{name}: {changelog}"
    );
}

#[test]
fn recording_a_release_makes_the_next_generation_unchanged() {
    let mut spec = released_spec();
    let (path, method, id) = unreferenced_operation(&spec);
    spec["paths"][&path][&method]["operationId"] = json!(format!("{id}_renamed"));
    let dir = workspace("record", &spec);
    let recorded = xtask::release::record(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(recorded, "0.2.0");
    let release = fs::read_to_string(dir.join("spec/release.toml")).expect("the record");
    assert!(release.contains("\nversion = \"0.2.0\"\n"), "{release}");
    let sections =
        fs::read_to_string(dir.join("spec/release/CHANGELOG.md")).expect("the changelog");
    assert!(
        sections.starts_with("## 0.2.0\n\nBreaking changes since 0.1.0.\n"),
        "{sections}"
    );
    assert!(sections.contains("\n## 0.1.0\n"), "{sections}");
    // Nothing left to record: the spec is the release's, and the changelog has no unreleased section.
    let again = fincode_generation(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.version, "0.2.0");
    assert!(again.diff.is_empty(), "{}", again.diff);
    let changelog = file(&again, "CHANGELOG.md");
    assert!(!changelog.contains("(unreleased)"), "{changelog}");
    assert!(changelog.contains("\n## 0.2.0\n"), "{changelog}");
    assert!(xtask::release::record(&dir).is_err());
    let _ = fs::remove_dir_all(&dir);
}
