//! `generated/` is exactly what `spec/fincode.yaml` generates, and generating is deterministic.
//!
//! The drift check lives in `cargo test`, so a spec or generator change that was not followed by
//! `cargo xtask codegen` fails CI with the list of files concerned.

use generator::Generation;

/// `spec/fincode.yaml`, generated in memory as `cargo xtask codegen` does: its version and changelog
/// from what changed since the release `spec/release.toml` records.
fn generate() -> Generation {
    xtask::release::fincode_generation(&xtask::root())
        .unwrap_or_else(|failure| panic!("generating {}:\n{failure}", xtask::SPEC))
        .generation
}

#[test]
fn generated_is_up_to_date() {
    let generation = generate();
    let out = xtask::root().join(xtask::OUT);
    let plan = generator::sync::plan(&out, &generation.files)
        .unwrap_or_else(|e| panic!("comparing {}/ with the generation: {e}", xtask::OUT));
    assert!(plan.is_clean(), "\n{plan}{}", xtask::OUT_OF_DATE);
}

#[test]
fn generating_twice_gives_the_same_bytes() {
    let first = generate();
    let second = generate();
    let paths = |g: &Generation| g.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
    assert_eq!(paths(&first), paths(&second));
    for (a, b) in first.files.iter().zip(&second.files) {
        assert!(
            a.contents == b.contents,
            "{} differs between two generations",
            a.path
        );
    }
    assert_eq!(first.stats, second.stats);
    let mut sorted = paths(&first);
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        paths(&first),
        sorted,
        "the files are not sorted by path, or a path repeats"
    );
}

/// Every operation of the spec is a method of the generated crate, and every named schema a documented type.
#[test]
fn every_operation_and_named_schema_is_in_the_generated_crate() {
    let spec: serde_json::Value = {
        let text = std::fs::read_to_string(fincode_tests::spec_path()).expect("the spec");
        let (spec, _) = generator::load(&text).unwrap_or_else(|d| panic!("{d:?}"));
        spec.value
    };
    let out = xtask::root().join(xtask::OUT);
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap_or_default();
    let operations: String = std::fs::read_dir(out.join("src/operations"))
        .expect("generated/src/operations")
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    let types = read("src/types.rs");
    let mut missing = Vec::new();
    let paths = spec["paths"].as_object().expect("paths");
    let ids: Vec<&str> = paths
        .values()
        .flat_map(|item| item.as_object().into_iter().flatten())
        .filter_map(|(_, op)| op.get("operationId").and_then(|v| v.as_str()))
        .collect();
    assert_eq!(ids.len(), 81, "operations in the spec");
    for id in &ids {
        // The operationIds are snake_case already, so the method has the same name.
        let documented = operations
            .split(&format!("pub fn {id}("))
            .next()
            .and_then(|before| before.trim_end().lines().last())
            .is_some_and(|line| line.trim_start().starts_with("///") || line.contains('#'));
        if !operations.contains(&format!("pub fn {id}(")) || !documented {
            missing.push(format!("operation {id}"));
        }
    }
    let schemas = spec["components"]["schemas"].as_object().expect("schemas");
    for name in schemas.keys() {
        let declared = ["struct", "enum", "type"].iter().any(|kind| {
            types.contains(&format!("pub {kind} {name} "))
                || types.contains(&format!("pub {kind} {name}("))
        });
        if !declared {
            missing.push(format!("schema {name}"));
        }
    }
    assert!(missing.is_empty(), "not in generated/: {missing:?}");
}

/// The generated docs speak to the crate's users: no vendor extension of the spec (`x-fincode-note`,
/// `x-webhooks`...) is named in them, every body argument says what it is, and every method shows an example.
#[test]
fn generated_docs_speak_to_users() {
    let generation = generate();
    let mut problems = Vec::new();
    let mut methods = 0;
    let mut examples = 0;
    for file in generation.files.iter().filter(|f| f.path.ends_with(".rs")) {
        for (i, line) in file.contents.lines().enumerate() {
            let at = format!("{}:{}", file.path, i + 1);
            let trimmed = line.trim_start();
            let doc = trimmed
                .strip_prefix("///")
                .or_else(|| trimmed.strip_prefix("//!"));
            if let Some(doc) = doc {
                // Extensions are spelled in lower case; the API's headers (`X-Fincode-Signature`) are not.
                if doc.contains("`x-fincode-") || doc.contains("`x-webhooks") {
                    problems.push(format!("{at}: names an extension: {doc}"));
                }
                if doc.trim() == "- `body`: The request body." {
                    problems.push(format!("{at}: says nothing of the body"));
                }
                if doc
                    .trim()
                    .starts_with("# async fn example(client: fincode::Client)")
                {
                    examples += 1;
                }
            }
            // One request builder per operation.
            if trimmed.starts_with("#[must_use = \"a request does nothing") {
                methods += 1;
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    assert!(methods >= 81, "found {methods} operation methods");
    assert_eq!(examples, methods, "one example per operation method");
}
