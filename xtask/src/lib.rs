//! The workspace's shared settings, used by `cargo xtask` and by the tests: where the spec and the
//! generated crate live, how the crate is generated, and the Prism mock server ([`Prism`]).
//!
//! `cargo xtask codegen` and the drift test (`tests/tests/codegen_drift.rs`) both generate through
//! [`release::fincode_generation`] (with [`fincode_config`], the version and changelog of [`release`]), so
//! they cannot disagree about what `generated/` should hold.
//!
//! ```
//! let config = xtask::fincode_config();
//! assert_eq!(config.name(), "fincode");
//! assert!(xtask::root().join(xtask::SPEC).is_file());
//! ```

use std::path::PathBuf;

pub mod prism;
pub mod release;

pub use prism::Prism;

/// The spec, relative to the workspace root; also the name diagnostics print.
pub const SPEC: &str = "spec/fincode.yaml";

/// The generated `fincode` crate, relative to the workspace root.
pub const OUT: &str = "generated";

/// What to say when `generated/` does not match the spec, with the fix.
pub const OUT_OF_DATE: &str =
    "generated/ is out of date with spec/fincode.yaml: run `cargo xtask codegen`";

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    let xtask = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().map(PathBuf::from).unwrap_or(xtask)
}

/// `cargo` (the one running this task, when there is one), run from the workspace root.
pub fn cargo() -> std::process::Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = std::process::Command::new(cargo);
    command.current_dir(root());
    command
}

/// Cargo's target directory for the workspace at `root`.
pub fn target_dir(root: &std::path::Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// The generator's CLI, release build, in the target directory of the workspace at `root`.
pub fn release_cli_path(root: &std::path::Path) -> PathBuf {
    target_dir(root).join("release/fincode-generator")
}

/// Builds the generator's CLI with the release profile and returns its path.
pub fn release_cli(root: &std::path::Path) -> anyhow::Result<PathBuf> {
    eprintln!("building the release CLI (cargo build --release -p fincode-generator)");
    let status = cargo()
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "fincode-generator",
            "--bin",
            "fincode-generator",
        ])
        .status()
        .map_err(|e| anyhow::anyhow!("running cargo build: {e}"))?;
    if !status.success() {
        anyhow::bail!("cargo build --release -p fincode-generator failed ({status})");
    }
    Ok(release_cli_path(root))
}

/// How the `fincode` crate is generated from [`SPEC`] into [`OUT`], but for its version, which
/// [`release::fincode_generation`] sets.
pub fn fincode_config() -> generator::Config {
    let mut config = generator::Config::new("fincode");
    config
        .crate_version("0.1.0")
        .command("cargo xtask codegen")
        .description(
            "Typed async client for the FinCode API \
             (remittance, wallets and payments, KYC, lending, investment)",
        )
        .repository("https://github.com/fincode-rs/fincode-rs")
        .license("MIT OR Apache-2.0")
        .runtime(generator::Runtime::Path("../generator/runtime".to_owned()))
        .example("quickstart", QUICKSTART);
    config
}

/// The quickstart example, copied into `generated/examples/quickstart.rs`.
const QUICKSTART: &str = include_str!("../../spec/examples/quickstart.rs");
