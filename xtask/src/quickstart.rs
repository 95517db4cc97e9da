//! `cargo xtask quickstart`: runs `generated/examples/quickstart.rs` against Prism serving `spec/fincode.yaml` on
//! 127.0.0.1, so the example is seen working end to end without a FinCode tenant.

use anyhow::{bail, Context};
use xtask::{Prism, SPEC};

use crate::tools;

pub fn run() -> anyhow::Result<()> {
    tools::install_npm()?;
    let prism = Prism::start(&xtask::root().join(SPEC))?;
    let status = xtask::cargo()
        .args(["run", "--quiet", "-p", "fincode", "--example", "quickstart"])
        .env("FINCODE_BASE_URL", prism.url())
        // The mock accepts the docs' example login; a real tenant's settings must not leak in.
        .env_remove("FINCODE_DOMAIN")
        .env_remove("FINCODE_EMAIL")
        .env_remove("FINCODE_PASSWORD")
        .env_remove("FINCODE_PUBLIC_KEY")
        .status()
        .context("running the quickstart example")?;
    if !status.success() {
        bail!(
            "the quickstart example failed against the mock ({status}); Prism's log:\n{}",
            prism.output()
        );
    }
    Ok(())
}
