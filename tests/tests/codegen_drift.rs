//! `generated/` is exactly what `spec/fincode.yaml` generates, and generating is deterministic.
//!
//! The drift check lives in `cargo test`, so a spec or generator change that was not followed by
//! `cargo xtask codegen` fails CI with the list of files concerned.

use generator::Generation;

/// `spec/fincode.yaml`, generated in memory with the same settings as `cargo xtask codegen`.
fn generate() -> Generation {
    let path = xtask::root().join(xtask::SPEC);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    generator::generate(xtask::SPEC, &text, &xtask::fincode_config())
        .unwrap_or_else(|report| panic!("generating {}:\n{report}", xtask::SPEC))
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
