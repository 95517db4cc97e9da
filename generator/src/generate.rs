//! The pure core: spec text and [`Config`] in, sorted files out.

use std::time::{Duration, Instant};

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
    generate_timed(file, text, config).map(|(generation, _)| generation)
}

/// How long each stage of a generation took. Files are emitted in parallel, so `tokens` and `format`
/// are sums over the files, whichever thread emitted them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Parsing the text into the spec's tree, with positions, and checking it.
    pub load: Duration,
    /// Building the IR: names, types, operations.
    pub ir: Duration,
    /// Building each file's tokens.
    pub tokens: Duration,
    /// Parsing the tokens back and printing them as formatted Rust.
    pub format: Duration,
}

/// [`generate`], with the time each stage took.
pub fn generate_timed(
    file: &str,
    text: &str,
    config: &Config,
) -> Result<(Generation, Timings), Report> {
    // The walks that a document can drive deep are bounded (nesting in the text, references in `allOf`,
    // inline types inside each other); threads with this stack hold them at their bounds in any build,
    // whatever the platform gives the calling thread. The work runs on a pool of them, one per core.
    let pool = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("generate-{i}"))
        .stack_size(STACK_SIZE)
        .build();
    match pool {
        Ok(pool) => pool.install(|| generate_here(file, text, config)),
        // No threads to be had: the caller's stack it is.
        Err(_) => generate_here(file, text, config),
    }
}

/// The stack of each thread [`generate`] runs on.
pub const STACK_SIZE: usize = 256 << 20;

fn generate_here(file: &str, text: &str, config: &Config) -> Result<(Generation, Timings), Report> {
    let mut timings = Timings::default();
    let started = Instant::now();
    let (spec, findings) = match load::load_with(text, load::PathItems::Checked) {
        Ok(loaded) => loaded,
        Err(findings) => return Err(Report::new(file, findings)),
    };
    if !findings.is_empty() {
        return Err(Report::new(file, findings));
    }
    timings.load = started.elapsed();
    let started = Instant::now();
    let api = ir::build(&spec).map_err(|findings| Report::new(file, findings))?;
    drop(spec);
    timings.ir = started.elapsed();
    let stats = Stats {
        operations: api.operations.len(),
        types: api.types.len(),
    };
    let mut emitted = emit::EmitTimings::default();
    let files = emit::emit(&api, file, config, &mut emitted)
        .map_err(|findings| Report::new(file, findings))?;
    timings.tokens = emitted.tokens;
    timings.format = emitted.format;
    Ok((Generation { files, stats }, timings))
}
