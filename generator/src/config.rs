//! What a generation run produces besides the spec's content: the crate's name, version and metadata.

/// Settings of one generation run, in the style of `prost_build::Config`.
///
/// ```
/// let mut config = generator::Config::new("petstore");
/// config.crate_version("1.2.0").command("cargo run -p petstore-codegen");
/// assert_eq!(config.name(), "petstore");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub(crate) crate_name: String,
    pub(crate) crate_version: String,
    pub(crate) command: String,
    pub(crate) description: Option<String>,
    pub(crate) repository: Option<String>,
    pub(crate) license: String,
    pub(crate) manifest: bool,
    pub(crate) single_file: bool,
    pub(crate) examples: Vec<(String, String)>,
    pub(crate) runtime: Runtime,
}

/// Where a generated crate takes its runtime (the spec-independent client code, the `oas-runtime`
/// crate) from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runtime {
    /// `oas-runtime` from the registry, at the version this generator was built with.
    Registry,
    /// `oas-runtime` at this path (relative to the generated crate), with its version, so that the crate
    /// can also be published.
    Path(String),
    /// The runtime's source copied into the crate as `src/runtime/` (inline with
    /// [`Config::single_file`]), with its dependencies and features in the crate's own `Cargo.toml`:
    /// the crate depends on no runtime crate. The default, since it builds anywhere.
    Vendored,
}

/// Checks a crate name as cargo and crates.io do: not empty, at most 64 characters, ASCII letters, digits, `-`
/// and `_` only, not starting with a digit or `-`, and not a Rust keyword (the library's name is the crate's
/// with `-` made `_`, and generated docs `use` it).
///
/// ```
/// assert!(generator::check_crate_name("pet-store").is_ok());
/// assert_eq!(
///     generator::check_crate_name("1abc").unwrap_err(),
///     "invalid crate name `1abc`: it must not start with a digit"
/// );
/// ```
pub fn check_crate_name(name: &str) -> Result<(), String> {
    let invalid = |why: String| Err(format!("invalid crate name `{name}`: {why}"));
    let Some(first) = name.chars().next() else {
        return Err("invalid crate name: it is empty".to_owned());
    };
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return invalid(format!(
            "{c:?} is not allowed: use only ASCII letters, digits, `-` and `_`"
        ));
    }
    if first.is_ascii_digit() {
        return invalid("it must not start with a digit".to_owned());
    }
    if first == '-' {
        return invalid("it must not start with `-`".to_owned());
    }
    if name.len() > 64 {
        return invalid("it is longer than 64 characters".to_owned());
    }
    let library = name.replace('-', "_");
    if crate::ir::names::is_keyword(&library) || library == "_" {
        return invalid(format!("`{library}` is a Rust keyword"));
    }
    Ok(())
}

impl Config {
    /// Settings for a crate called `crate_name`, version `0.1.0`.
    pub fn new(crate_name: impl Into<String>) -> Self {
        Config {
            crate_name: crate_name.into(),
            crate_version: "0.1.0".to_owned(),
            command: "cargo run -p fincode-generator -- --spec SPEC --out DIR".to_owned(),
            description: None,
            repository: None,
            license: "MIT OR Apache-2.0".to_owned(),
            manifest: true,
            single_file: false,
            examples: Vec::new(),
            runtime: Runtime::Vendored,
        }
    }

    /// The crate's name as `Cargo.toml` gives it.
    pub fn name(&self) -> &str {
        &self.crate_name
    }

    /// The crate's version (default `0.1.0`).
    pub fn crate_version(&mut self, version: impl Into<String>) -> &mut Self {
        self.crate_version = version.into();
        self
    }

    /// The command that regenerates the files, named in every file's `@generated` line.
    pub fn command(&mut self, command: impl Into<String>) -> &mut Self {
        self.command = command.into();
        self
    }

    /// The crate's one-line description (default: from the spec's title).
    pub fn description(&mut self, description: impl Into<String>) -> &mut Self {
        self.description = Some(description.into());
        self
    }

    /// The repository URL written into `Cargo.toml`.
    pub fn repository(&mut self, url: impl Into<String>) -> &mut Self {
        self.repository = Some(url.into());
        self
    }

    /// The licence expression written into `Cargo.toml` (default `MIT OR Apache-2.0`).
    pub fn license(&mut self, license: impl Into<String>) -> &mut Self {
        self.license = license.into();
        self
    }

    /// Whether to emit `Cargo.toml` and `README.md` (default `true`).
    pub fn manifest(&mut self, emit: bool) -> &mut Self {
        self.manifest = emit;
        self
    }

    /// Adds `examples/<name>.rs` with `source` (Rust written against the generated API) to the crate, so
    /// that `cargo run --example <name>` runs it; not emitted with [`Config::single_file`].
    pub fn example(&mut self, name: impl Into<String>, source: impl Into<String>) -> &mut Self {
        self.examples.push((name.into(), source.into()));
        self
    }

    /// Where the crate takes its runtime from (default [`Runtime::Vendored`]).
    pub fn runtime(&mut self, runtime: Runtime) -> &mut Self {
        self.runtime = runtime;
        self
    }

    /// Emits the whole crate as one file, `<crate_name>.rs`, for a `build.rs` (default `false`).
    ///
    /// The file is meant for `include!` at the root of a crate (its `lib.rs`), which must depend on what the
    /// generated `Cargo.toml` would list: `oas-runtime` with the features the spec uses, or, with
    /// [`Runtime::Vendored`], the runtime's own dependencies. Modules are inline; crate-level attributes and
    /// the runtime's unit tests are left out; no `Cargo.toml` or `README.md` is emitted.
    pub fn single_file(&mut self, single: bool) -> &mut Self {
        self.single_file = single;
        self
    }
}
