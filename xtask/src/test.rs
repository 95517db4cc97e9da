//! `cargo xtask test`: the whole test suite, with everything it needs installed first.

use anyhow::{bail, Context};

use crate::tools;

#[derive(clap::Args)]
pub struct Args {
    /// Arguments passed on to `cargo test` after `--workspace`.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    cargo_args: Vec<String>,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    tools::install()?;
    let status = xtask::cargo()
        .args(["test", "--workspace"])
        .args(&args.cargo_args)
        .status()
        .context("running cargo test")?;
    if !status.success() {
        bail!("cargo test failed ({status})");
    }
    // The generated crate's docs and the runtime's, as docs.rs builds them: every intra-doc link resolves.
    let status = xtask::cargo()
        .args([
            "doc",
            "--no-deps",
            "--all-features",
            "-p",
            "fincode",
            "-p",
            "oas-runtime",
        ])
        .env("RUSTDOCFLAGS", "-D warnings")
        .status()
        .context("running cargo doc")?;
    if !status.success() {
        bail!("cargo doc of the generated crate and the runtime found problems ({status})");
    }
    // The quickstart runs as a user would run it, against the mock of the API.
    crate::quickstart::run()
}
