//! Reads an OpenAPI 3.0 description and checks it.
//!
//! The pipeline is `load -> validate -> IR -> emit -> format -> files`; this crate holds its first stages:
//!
//! - [`load`] parses YAML or JSON into both a raw JSON tree and a typed [`openapiv3::OpenAPI`],
//!   keeping a [`SourceMap`] so that every finding can name `file:LINE:COL` and a JSON pointer;
//! - [`lint`] checks a loaded document against the project's spec rules (`cargo xtask validate`),
//!   collecting every finding before it reports.
//!
//! The core does no file IO: callers pass the text and a display name.
//!
//! ```
//! let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
//! let report = generator::lint::lint_source("spec.yaml", text);
//! assert!(report.is_clean(), "{report}");
//! ```

mod config;
pub mod diagnostic;
mod emit;
mod generate;
mod ir;
pub mod lint;
pub mod load;
pub mod pointer;
mod source_map;
mod structure;
pub mod sync;

/// The HTTP methods a path item may hold an operation under, in OpenAPI's order.
pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub use config::Config;
pub use diagnostic::{Diagnostic, Location, Report, Rule};
pub use generate::{generate, GeneratedFile, Generation, Stats};
pub use load::{load, Spec};
pub use source_map::SourceMap;
