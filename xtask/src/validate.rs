//! `cargo xtask validate`: checks a spec against the project's rules and prints every finding.

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

#[derive(clap::Args)]
pub struct Args {
    /// The spec to check, relative to the workspace root or absolute.
    #[arg(long, default_value = xtask::SPEC)]
    spec: PathBuf,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let root = xtask::root();
    let path = root.join(&args.spec);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading the spec {}", path.display()))?;
    let shown = display_path(&root, &path);
    let report = generator::lint::lint_source(&shown, &text);
    match writeln!(std::io::stdout().lock(), "{report}") {
        // A reader that went away (`| head`) has what it wanted; the exit status still tells the result.
        Err(e) if e.kind() == ErrorKind::BrokenPipe => {}
        other => other.context("printing the report")?,
    }
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
