//! `cargo xtask diff OLD NEW` (or `--since REV`): what changed in the generated client's public API between
//! two specs, each change classified major, minor or patch, with the spec location that caused it.
//!
//! The JSON report also goes to `target/diff/report.json`, whatever `--format` prints.
//! Exits 0 when no change is major, 1 when one is, 2 when a spec cannot be read or generated from.

use std::path::PathBuf;

use anyhow::{bail, Context};

use crate::output::print;

#[derive(clap::Args)]
pub struct Args {
    /// The old spec (relative to the workspace root, or absolute).
    #[arg(required_unless_present = "since", conflicts_with = "since")]
    old: Option<PathBuf>,
    /// The new spec.
    #[arg(required_unless_present = "since", conflicts_with = "since")]
    new: Option<PathBuf>,
    /// Compare spec/fincode.yaml with its version at this git revision instead.
    #[arg(long, value_name = "REV")]
    since: Option<String>,
    /// `text` (default) or `json`.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    match report(args) {
        Ok(report) => {
            let json = xtask::root().join("target/diff/report.json");
            if let Some(dir) = json.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            std::fs::write(&json, format!("{}\n", report.to_json()))
                .with_context(|| format!("writing {}", json.display()))?;
            let text = match args.format {
                Format::Text => report.to_string(),
                Format::Json => format!("{}\n", report.to_json()),
            };
            print(std::io::stdout(), &text)?;
            let code = i32::from(report.impact() == generator::diff::Impact::Major);
            std::process::exit(code);
        }
        Err(e) => {
            print(std::io::stderr(), &format!("error: {e:#}\n"))?;
            std::process::exit(2);
        }
    }
}

fn report(args: &Args) -> anyhow::Result<generator::diff::DiffReport> {
    let root = xtask::root();
    let (old, new) = match (&args.since, &args.old, &args.new) {
        (Some(rev), _, _) => {
            let old = xtask::release::spec_at(rev)?;
            let new = read(&root.join(xtask::SPEC))?;
            (
                (format!("{}@{rev}", xtask::SPEC), old),
                (xtask::SPEC.to_owned(), new),
            )
        }
        (None, Some(old), Some(new)) => {
            let shown = |p: &PathBuf| p.display().to_string();
            (
                (shown(old), read(&root.join(old))?),
                (shown(new), read(&root.join(new))?),
            )
        }
        _ => bail!("give two specs, or --since REV"),
    };
    generator::diff::diff((&old.0, &old.1), (&new.0, &new.1))
        .map_err(|report| anyhow::anyhow!("{report}"))
}

fn read(path: &std::path::Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    generator::decode(&bytes)
        .map(str::to_owned)
        .map_err(|finding| anyhow::anyhow!("{}: {}", path.display(), finding.message))
}
