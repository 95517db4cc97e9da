//! `cargo xtask codegen`: generates the `fincode` crate into `generated/` from `spec/fincode.yaml`.
//!
//! The crate's version is the last release's (`spec/release.toml`), bumped by the largest impact of what
//! changed in the spec since (`cargo xtask diff`), and `CHANGELOG.md` gets a section listing those changes.
//! Only the files that differ are written and files the spec no longer produces are removed, so an
//! unchanged spec leaves `generated/` (and cargo's rebuilds) alone. `--check` writes nothing and fails,
//! listing every stale, missing or extra file (the manifest's version and the changelog among them), when
//! `generated/` is out of date.

use std::time::Instant;

use crate::output::print;
use anyhow::{bail, Context};
use generator::sync;
use xtask::release::{fincode_generation, Failure, Fincode};
use xtask::{OUT, OUT_OF_DATE, SPEC};

/// How many changes the summary lists before it points at `cargo xtask diff` for the rest.
const SHOWN: usize = 12;

#[derive(clap::Args, Default)]
pub struct Args {
    /// Write nothing; list every stale, missing or extra file and fail if generated/ is out of date.
    #[arg(long)]
    check: bool,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let start = Instant::now();
    let root = xtask::root();
    let fincode = match fincode_generation(&root) {
        Ok(fincode) => fincode,
        Err(Failure::Spec(report)) => {
            print(std::io::stderr(), &format!("{report}\n"))?;
            std::process::exit(1);
        }
        Err(Failure::Other(e)) => return Err(e),
    };
    let generation = &fincode.generation;
    let out = root.join(OUT);
    let plan = sync::plan(&out, &generation.files)
        .with_context(|| format!("comparing {OUT}/ with the generation"))?;
    let stats = generation.stats;
    let counts = format!("{} operations, {} types", stats.operations, stats.types);
    if args.check {
        if !plan.is_clean() {
            print(std::io::stderr(), &format!("{plan}{OUT_OF_DATE}\n"))?;
            std::process::exit(1);
        }
        let elapsed = start.elapsed().as_secs_f64();
        let summary = format!(
            "codegen --check: {counts}; version {}; files: {} up to date in {elapsed:.2}s\n",
            fincode.version, plan.unchanged
        );
        return print(std::io::stdout(), &summary);
    }
    // generated/ is a workspace member: without its manifest no cargo command runs, this one included.
    if !generation.files.iter().any(|f| f.path == "Cargo.toml") {
        bail!(
            "the generation of {SPEC} has no Cargo.toml; \
             refusing to write {OUT}/, a workspace member that needs one"
        );
    }
    sync::apply(&out, &generation.files, &plan)
        .with_context(|| format!("writing the generated crate to {OUT}/"))?;
    let elapsed = start.elapsed().as_secs_f64();
    let summary = format!(
        "{}codegen: {counts}; {} in {elapsed:.2}s\n",
        changes(&fincode),
        plan.summary()
    );
    print(std::io::stdout(), &summary)
}

/// What changed since the release, and the version it makes.
fn changes(fincode: &Fincode) -> String {
    let released = &fincode.release.version;
    if fincode.version == *released {
        return format!("version {released}: the spec is the release's\n");
    }
    let diff = &fincode.diff;
    let mut text = format!(
        "version {} (was {released}): {}\n",
        fincode.version,
        diff.summary()
    );
    for c in diff.changes.iter().take(SHOWN) {
        text.push_str(&format!("  {:<5}  {}: {}\n", c.impact, c.item, c.message));
    }
    if diff.changes.len() > SHOWN {
        text.push_str(&format!(
            "  ... {} more: cargo xtask diff {} {SPEC}\n",
            diff.changes.len() - SHOWN,
            fincode.release.spec
        ));
    }
    text
}
