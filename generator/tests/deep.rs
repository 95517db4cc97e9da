//! Documents that nest 10,000 levels deep, inline and by reference: each gives a crate or located findings,
//! never a crash, on the stack of whatever thread calls `generate`.

use generator::{Config, Generation, Report, Rule};

const LEVELS: usize = 10_000;

/// A document with one operation returning `#/components/schemas/S0`, and `schemas` as its components.
fn document(schemas: &[String]) -> String {
    format!(
        r##"{{"openapi": "3.0.3", "info": {{"title": "Deep", "version": "1"}},
"paths": {{"/deep": {{"get": {{"operationId": "get_deep", "responses": {{"200": {{"description": "ok",
  "content": {{"application/json": {{"schema": {{"$ref": "#/components/schemas/S0"}}}}}}}}}}}}}}}},
"components": {{"schemas": {{
{}
}}}}}}"##,
        schemas.join(",\n")
    )
}

/// Generates `text` on a thread with a small stack (256 KiB): `generate` must not depend on its caller's.
fn generate(text: &str) -> Result<Generation, Report> {
    let text = text.to_owned();
    std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(move || generator::generate("deep.json", &text, &Config::new("deep")))
        .expect("spawning a thread")
        .join()
        .expect("generate does not panic")
}

/// The types module's text: `src/types.rs`, then the parts a large module is split into (`src/types/part_N.rs`,
/// which it includes in that order).
fn types_rs(generation: &Generation) -> String {
    let head = generation
        .files
        .iter()
        .find(|f| f.path == "src/types.rs")
        .expect("a types module");
    let mut parts: Vec<_> = generation
        .files
        .iter()
        .filter(|f| f.path.starts_with("src/types/"))
        .collect();
    parts.sort_by(|a, b| a.path.cmp(&b.path));
    std::iter::once(head)
        .chain(parts)
        .map(|f| f.contents.as_str())
        .collect()
}

/// Line and column of the first occurrence of `needle` in `text`, 1-based.
fn position(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).expect("the needle is in the text");
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

#[test]
fn a_chain_of_references_10_000_long_is_a_crate() {
    let schemas: Vec<String> = (0..LEVELS)
        .map(|i| {
            let next = if i + 1 < LEVELS {
                format!(r##", "next": {{"$ref": "#/components/schemas/S{}"}}"##, i + 1)
            } else {
                String::new()
            };
            format!(r#""S{i}": {{"type": "object", "properties": {{"n": {{"type": "integer"}}{next}}}}}"#)
        })
        .collect();
    let generation = generate(&document(&schemas)).expect("a crate");
    assert_eq!(generation.stats.types, LEVELS);
    let types = types_rs(&generation);
    assert!(types.contains("pub struct S9999 "), "{}", &types[..500]);
    assert!(types.contains("pub next: Option<S9999>"));
}

#[test]
fn a_ring_of_10_000_references_is_a_crate_with_boxes() {
    let schemas: Vec<String> = (0..LEVELS)
        .map(|i| {
            format!(
                r##""S{i}": {{"type": "object", "required": ["next"], "properties": {{"next": {{"$ref": "#/components/schemas/S{}"}}}}}}"##,
                (i + 1) % LEVELS
            )
        })
        .collect();
    let generation = generate(&document(&schemas)).expect("a crate");
    assert_eq!(generation.stats.types, LEVELS);
    let types = types_rs(&generation);
    assert!(types.contains("pub next: Box<S0>"));
    assert!(types.contains("pub next: Box<S5000>"));
}

#[test]
fn a_chain_of_10_000_aliases_is_a_crate() {
    let schemas: Vec<String> = (0..LEVELS)
        .map(|i| {
            if i + 1 < LEVELS {
                format!(r##""S{i}": {{"$ref": "#/components/schemas/S{}"}}"##, i + 1)
            } else {
                format!(r#""S{i}": {{"type": "string"}}"#)
            }
        })
        .collect();
    let generation = generate(&document(&schemas)).expect("a crate");
    assert!(types_rs(&generation).contains("pub type S0 = S1;"));
}

#[test]
fn inline_schemas_10_000_deep_are_refused_where_the_text_nests_too_deep() {
    let mut schema = String::from(r#"{"type": "string"}"#);
    for _ in 0..LEVELS {
        schema = format!(r#"{{"type": "object", "properties": {{"a": {schema}}}}}"#);
    }
    let text = document(&[format!(r#""S0": {schema}"#)]);
    let report = generate(&text).expect_err("nesting is bounded");
    assert_eq!(report.diagnostics.len(), 1);
    let finding = &report.diagnostics[0];
    assert_eq!(finding.rule, Rule::YamlSyntax);
    assert!(
        finding.message.contains("nests deeper than 250 levels"),
        "{}",
        finding.message
    );
    assert!(finding.location.line > 1 && finding.location.column > 1);
}

#[test]
fn inline_schemas_as_deep_as_the_text_may_nest_are_a_crate() {
    // Each level is two of the 250 the text may nest: the schema and its `properties`.
    let mut schema = String::from(r#"{"type": "string"}"#);
    for _ in 0..120 {
        schema = format!(r#"{{"type": "object", "properties": {{"a": {schema}}}}}"#);
    }
    let text = document(&[format!(r#""S0": {schema}"#)]);
    let generation = generate(&text).expect("a crate");
    assert_eq!(generation.stats.types, 120);
    let types = types_rs(&generation);
    assert_eq!(types.matches("pub struct ").count(), 120);
    assert_eq!(types.matches("pub a: Option<String>").count(), 1);
}

#[test]
fn an_all_of_chain_10_000_long_is_refused_at_the_bound() {
    let schemas: Vec<String> = (0..LEVELS)
        .map(|i| {
            if i + 1 < LEVELS {
                format!(
                    r##""S{i}": {{"allOf": [{{"$ref": "#/components/schemas/S{}"}}, {{"type": "object", "properties": {{"f{i}": {{"type": "string"}}}}}}]}}"##,
                    i + 1
                )
            } else {
                format!(r#""S{i}": {{"type": "object", "properties": {{"last": {{"type": "string"}}}}}}"#)
            }
        })
        .collect();
    let text = document(&schemas);
    let report = generate(&text).expect_err("the chain is deeper than the bound");
    let first = &report.diagnostics[0];
    assert_eq!(first.rule, Rule::CodegenUnsupported);
    assert_eq!(
        first.message,
        "`allOf` includes schemas through more than 256 references here"
    );
    assert_eq!(first.pointer, "/components/schemas/S0/allOf/0");
    assert_eq!(
        (first.location.line, first.location.column),
        position(&text, r##""$ref": "#/components/schemas/S1""##)
    );
    // Schemas closer to the end than the bound are within it.
    assert!(report
        .diagnostics
        .iter()
        .all(|d| d.rule == Rule::CodegenUnsupported));
}

#[test]
fn members_wrapping_references_10_000_deep_are_refused_at_the_bound() {
    // `next` is an inline schema adding a member to the next component: a new type per level.
    let schemas: Vec<String> = (0..LEVELS)
        .map(|i| {
            let next = if i + 1 < LEVELS {
                format!(
                    r##", "next": {{"allOf": [{{"$ref": "#/components/schemas/S{}"}}, {{"type": "object", "properties": {{"seen": {{"type": "boolean"}}}}}}]}}"##,
                    i + 1
                )
            } else {
                String::new()
            };
            format!(r#""S{i}": {{"type": "object", "properties": {{"n": {{"type": "integer"}}{next}}}}}"#)
        })
        .collect();
    let text = document(&schemas);
    let report = generate(&text).expect_err("the nesting is deeper than the bound");
    let finding = report
        .diagnostics
        .iter()
        .find(|d| d.message.contains("nest deeper"))
        .expect("a finding at the bound");
    assert_eq!(finding.rule, Rule::CodegenUnsupported);
    assert_eq!(
        finding.message,
        "inline schemas nest deeper than 256 types here"
    );
    assert!(
        finding.pointer.ends_with("/properties/next"),
        "{}",
        finding.pointer
    );
    assert!(finding.location.line > 1);
}

#[test]
fn members_that_only_annotate_a_reference_are_that_reference() {
    let schemas = [
        r##""S0": {"type": "object", "properties": {"child": {"allOf": [{"$ref": "#/components/schemas/S0"}, {"description": "The child."}]}}}"##.to_owned(),
    ];
    let generation = generate(&document(&schemas)).expect("a crate");
    assert_eq!(generation.stats.types, 1);
    assert!(types_rs(&generation).contains("pub child: Option<Box<S0>>"));
}
