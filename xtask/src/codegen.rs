//! `cargo xtask codegen`: generates the `fincode` crate into `generated/` from `spec/fincode.yaml`.
//!
//! Only the files that differ are written and files the spec no longer produces are removed, so an
//! unchanged spec leaves `generated/` (and cargo's rebuilds) alone. `--check` writes nothing and fails,
//! listing every stale, missing or extra file, when `generated/` is out of date.

use std::time::Instant;

use crate::output::print;
use anyhow::{bail, Context};
use generator::sync;
use xtask::{fincode_config, OUT, OUT_OF_DATE, SPEC};

#[derive(clap::Args)]
pub struct Args {
    /// Write nothing; list every stale, missing or extra file and fail if generated/ is out of date.
    #[arg(long)]
    check: bool,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let start = Instant::now();
    let root = xtask::root();
    let spec = root.join(SPEC);
    let bytes =
        std::fs::read(&spec).with_context(|| format!("reading the spec {}", spec.display()))?;
    let generated = generator::decode(&bytes)
        .map_err(|finding| generator::Report::new(SPEC, vec![finding]))
        .and_then(|text| generator::generate(SPEC, text, &fincode_config()));
    let generation = match generated {
        Ok(generation) => generation,
        Err(report) => {
            print(std::io::stderr(), &format!("{report}\n"))?;
            std::process::exit(1);
        }
    };
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
            "codegen --check: {counts}; files: {} up to date in {elapsed:.2}s\n",
            plan.unchanged
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
    let summary = format!("codegen: {counts}; {} in {elapsed:.2}s\n", plan.summary());
    print(std::io::stdout(), &summary)
}
