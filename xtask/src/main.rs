//! Project tasks, run as `cargo xtask <task>` (an alias in `.cargo/config.toml`).
//!
//! `main` only dispatches; each task lives in its own module.

#[cfg(unix)]
mod bench;
mod codegen;
mod corpus;
mod diff;
mod mock;
mod output;
mod quickstart;
mod record;
mod test;
mod tools;
mod validate;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Tasks of the fincode-rs workspace")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Generate the `fincode` crate into generated/ from spec/fincode.yaml (`--check`: fail if out of date).
    Codegen(codegen::Args),
    /// Compare two specs (or spec/fincode.yaml with its version at `--since REV`) by the clients generated from them: every change of the public API, major, minor or patch; exit 1 on a major one.
    Diff(diff::Args),
    /// Record the crate generated/ holds as published: its spec and changelog under spec/release/, its version in spec/release.toml; then regenerate.
    Release,
    /// Check spec/fincode.yaml (or another spec) against the project's rules; exit 1 on any finding.
    Validate(validate::Args),
    /// Install the pinned external tools (Spectral, Redocly, Prism, openapi-spec-validator) under tools/, and fetch the OpenAPI corpus into target/corpus.
    Tools,
    /// Install the tools, then run the whole test suite (`cargo test --workspace`).
    Test(test::Args),
    /// Serve spec/fincode.yaml with the Prism mock server on 127.0.0.1 (default port 4010) until Ctrl-C.
    Mock(mock::Args),
    /// Run the quickstart example (generated/examples/quickstart.rs) against the mock of the API.
    Quickstart,
    /// Generate many OpenAPI documents with the release CLI (`--all`: the whole APIs.guru collection), each in a
    /// process with a time and memory limit; count the crates, refusals, crashes and timeouts.
    Corpus(corpus::Args),
    /// Measure the client against plain reqwest, the generator on large descriptions and (with
    /// `--check-crates`) `cargo check` of generated crates; results in target/bench/.
    #[cfg(unix)]
    Bench(bench::Args),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().task {
        Task::Codegen(args) => codegen::run(&args),
        Task::Diff(args) => diff::run(&args),
        Task::Release => record::run(),
        Task::Validate(args) => validate::run(&args),
        Task::Tools => tools::install(),
        Task::Test(args) => test::run(&args),
        Task::Mock(args) => mock::run(&args),
        Task::Quickstart => quickstart::run(),
        Task::Corpus(args) => corpus::run(&args),
        #[cfg(unix)]
        Task::Bench(args) => bench::run(&args),
    }
}
