//! `cargo xtask validate`: checks a spec against the project's rules and prints every finding.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::output::print;

#[derive(clap::Args)]
pub struct Args {
    /// The spec to check, relative to the workspace root or absolute.
    #[arg(long, default_value = xtask::SPEC)]
    spec: PathBuf,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let root = xtask::root();
    let path = root.join(&args.spec);
    let bytes =
        std::fs::read(&path).with_context(|| format!("reading the spec {}", path.display()))?;
    let shown = display_path(&root, &path);
    let report = match generator::decode(&bytes) {
        Ok(text) => generator::lint::lint_source(&shown, text),
        Err(finding) => generator::Report::new(shown, vec![finding]),
    };
    print(std::io::stdout(), &format!("{report}\n"))?;
    if report.is_clean() {
        Ok(())
    } else {
        std::process::exit(1);
    }
}

/// The path as findings print it: relative to the workspace root when it lies inside.
fn display_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}
