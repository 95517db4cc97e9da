//! Generates the petstore client from `petstore.yaml` into `OUT_DIR/petstore.rs` at build time.

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=petstore.yaml");
    let text = match std::fs::read_to_string("petstore.yaml") {
        Ok(text) => text,
        Err(e) => fail(&format!("cannot read petstore.yaml: {e}")),
    };
    let mut config = generator::Config::new("petstore");
    config
        .command("cargo build (build.rs)")
        .single_file(true)
        .runtime(generator::Runtime::Path(
            "../../generator/runtime".to_owned(),
        ));
    let generation = match generator::generate("petstore.yaml", &text, &config) {
        Ok(generation) => generation,
        // Every finding, with its line and column in petstore.yaml.
        Err(report) => fail(&report.to_string()),
    };
    let Some(out) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        fail("cargo did not set OUT_DIR");
    };
    for file in &generation.files {
        if let Err(e) = std::fs::write(out.join(&file.path), &file.contents) {
            fail(&format!("cannot write {}: {e}", file.path));
        }
    }
}

fn fail(message: &str) -> ! {
    for line in message.lines() {
        println!("cargo::error={line}");
    }
    std::process::exit(1);
}
