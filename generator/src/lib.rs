//! Reads an OpenAPI 3.0 or 3.1, or Swagger 2.0, description, checks it, and generates a typed async Rust
//! client crate from it.
//!
//! The pipeline is `load -> validate -> IR -> emit -> format -> files`:
//!
//! - [`load`] parses YAML or JSON into both a raw JSON tree and a typed [`openapiv3::OpenAPI`],
//!   keeping a [`SourceMap`] so that every finding can name `file:LINE:COL` and a JSON pointer;
//! - [`lint`] checks a loaded document against the project's spec rules (`cargo xtask validate`),
//!   collecting every finding before it reports;
//! - [`generate`] builds the intermediate representation (every type and operation resolved and named)
//!   and emits the crate's files, or fails with every problem found, each located in the spec.
//!
//! The core does no file IO: callers pass the text and a display name, and get files back.
//! [`sync`] writes them to a directory, changing only what differs.
//!
//! # Generating a crate
//!
//! ```
//! let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
//! let generation = generator::generate("spec.yaml", text, &generator::Config::new("t")).unwrap();
//! assert!(generation.files.iter().any(|f| f.path == "Cargo.toml"));
//! ```
//!
//! The `fincode-generator` binary does the same from the command line:
//! `fincode-generator --spec petstore.yaml --out petstore --crate-name petstore [--check]`.
//!
//! # From a build script
//!
//! [`Config::single_file`] gives one file, `<crate_name>.rs`, to `include!` at the root of a crate:
//!
//! ```no_run
//! // build.rs, in `fn main`
//! println!("cargo::rerun-if-changed=petstore.yaml");
//! let text = std::fs::read_to_string("petstore.yaml").unwrap();
//! let mut config = generator::Config::new("petstore");
//! config.single_file(true);
//! match generator::generate("petstore.yaml", &text, &config) {
//!     Ok(generation) => {
//!         let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").unwrap());
//!         for file in &generation.files {
//!             std::fs::write(out.join(&file.path), &file.contents).unwrap();
//!         }
//!     }
//!     Err(report) => {
//!         // Every problem, with its line and column in the spec.
//!         for line in report.to_string().lines() {
//!             println!("cargo::error={line}");
//!         }
//!         std::process::exit(1);
//!     }
//! }
//! ```
//!
//! ```text
//! // src/lib.rs
//! include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
//! ```
//!
//! The crate needs what the generated `Cargo.toml` would list: `oas-runtime` (the runtime every generated
//! client calls, in `generator/runtime/`) with the features the spec uses, and `serde`, `serde_json`, `time`,
//! `uuid` and `rust_decimal`, which the generated types name; or, with [`Runtime::Vendored`], the runtime's
//! source inline and its own dependencies. `tests/build-script` in this repository is a complete example.
//!
//! # Where the runtime comes from
//!
//! [`Config::runtime`] chooses: [`Runtime::Vendored`] (the default) copies the runtime's source into the
//! crate, so that it builds anywhere with only the registry's crates; [`Runtime::Path`] and
//! [`Runtime::Registry`] depend on the `oas-runtime` crate instead, with exactly the features (`sessions`,
//! `encryption`, `webhooks`, `multipart`) the spec uses.
//!
//! # Checking a spec
//!
//! ```
//! let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
//! let report = generator::lint::lint_source("spec.yaml", text);
//! assert!(report.is_clean(), "{report}");
//! ```

mod check;
mod config;
mod convert;
pub mod diagnostic;
pub mod diff;
mod emit;
mod generate;
mod ir;
mod json;
pub mod lint;
pub mod load;
pub mod pointer;
mod source_map;
mod structure;
pub mod sync;
mod yaml;

/// The HTTP methods a path item may hold an operation under, in OpenAPI's order.
pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub use config::{check_crate_name, Config, Runtime};
pub use diagnostic::{Diagnostic, Location, Report, Rule};
pub use generate::{generate, generate_timed, GeneratedFile, Generation, Stats, Timings};
pub use load::{decode, load, Spec};
pub use source_map::SourceMap;
