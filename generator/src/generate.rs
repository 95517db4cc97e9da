//! The pure core: spec text and [`Config`] in, sorted files out.

use crate::diagnostic::Report;
use crate::{emit, ir, load, Config};

/// One file of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// The path relative to the crate's root, with `/` separators (`src/types.rs`).
    pub path: String,
    /// The whole contents, starting with the `@generated` line.
    pub contents: String,
}

/// Counts of what a generation produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Operations, one method each.
    pub operations: usize,
    /// Types: named schemas plus the inline schemas that needed a name.
    pub types: usize,
}

/// The result of a successful generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generation {
    /// The files, sorted by path.
    pub files: Vec<GeneratedFile>,
    /// What was generated.
    pub stats: Stats,
}

/// Generates a client crate from the text of an OpenAPI 3.0 or 3.1, or Swagger 2.0, description.
///
/// `file` is the name diagnostics print (`spec/fincode.yaml`). Fails with every problem found,
/// sorted by position, when the text is not a description the generator can turn into Rust.
/// Never panics, and does no IO.
///
/// ```
/// let text = r#"
/// openapi: 3.0.3
/// info: {title: Pets, version: '1'}
/// paths:
///   /pets/{id}:
///     get:
///       operationId: get_pet
///       parameters:
///         - {name: id, in: path, required: true, schema: {type: string}}
///       responses:
///         '200':
///           description: the pet
///           content:
///             application/json:
///               schema: {type: object, properties: {name: {type: string}}}
/// "#;
/// let generation = generator::generate("pets.yaml", text, &generator::Config::new("pets")).unwrap();
/// assert_eq!(generation.stats.operations, 1);
/// assert!(generation.files.iter().any(|f| f.path == "src/lib.rs"));
/// ```
pub fn generate(file: &str, text: &str, config: &Config) -> Result<Generation, Report> {
    let (spec, findings) = match load::load(text) {
        Ok(loaded) => loaded,
        Err(findings) => return Err(Report::new(file, findings)),
    };
    if !findings.is_empty() {
        return Err(Report::new(file, findings));
    }
    let api = ir::build(&spec).map_err(|findings| Report::new(file, findings))?;
    let stats = Stats {
        operations: api.operations.len(),
        types: api.types.len(),
    };
    let files = emit::emit(&api, file, config).map_err(|findings| Report::new(file, findings))?;
    Ok(Generation { files, stats })
}
