//! `cargo xtask release`: records the crate `cargo xtask codegen` generates as the published release
//! (`spec/release.toml`, `spec/release/`), then regenerates, so that `generated/` shows no unreleased change.

use xtask::release::{record, Failure};

use crate::output::print;

pub fn run() -> anyhow::Result<()> {
    let root = xtask::root();
    match record(&root) {
        Ok(version) => {
            print(
                std::io::stdout(),
                &format!(
                    "release {version} recorded in {}\n",
                    xtask::release::RELEASE
                ),
            )?;
            crate::codegen::run(&crate::codegen::Args::default())
        }
        Err(Failure::Spec(report)) => {
            print(std::io::stderr(), &format!("{report}\n"))?;
            std::process::exit(1);
        }
        Err(Failure::Other(e)) => Err(e),
    }
}
