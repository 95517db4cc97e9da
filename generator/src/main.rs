//! `fincode-generator`: generates a Rust client crate from an OpenAPI 3.0 description into a directory.
//!
//! ```text
//! fincode-generator --spec pets.yaml --out pets --crate-name pets [--crate-version 1.0.0] [--check]
//! ```
//!
//! Findings in the spec are printed as `FILE:LINE:COL: error[RULE] #POINTER: MESSAGE` and nothing is written.
//! Otherwise only the files that differ are written, and files the generation no longer produces are removed;
//! `--check` writes nothing and fails, listing them, when the directory is out of date.

use std::borrow::Cow;
use std::fs;
use std::io::{self, ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use generator::sync::{self, Plan};
use generator::{Config, Report, Runtime};

#[derive(Parser)]
#[command(
    name = "fincode-generator",
    version,
    about = "Generates a Rust client crate from an OpenAPI 3.0 or 3.1, or Swagger 2.0, description"
)]
struct Args {
    /// The OpenAPI (3.0, 3.1) or Swagger 2.0 description, YAML or JSON.
    #[arg(long, value_name = "PATH")]
    spec: PathBuf,
    /// The directory of the generated crate: every file in it belongs to the generator.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The generated crate's name.
    #[arg(long, value_name = "NAME", value_parser = parse_crate_name)]
    crate_name: String,
    /// The generated crate's version [default: 0.1.0].
    #[arg(long, value_name = "VERSION")]
    crate_version: Option<String>,
    /// Where the crate takes its runtime from: `vendored` copies the runtime's source into the crate
    /// (builds anywhere, depends on no runtime crate), `registry` depends on `oas-runtime` from crates.io,
    /// `path=DIR` on the `oas-runtime` crate in DIR (relative to the generated crate).
    #[arg(long, value_name = "SOURCE", default_value = "vendored", value_parser = parse_runtime)]
    runtime: Runtime,
    /// Write nothing; list the stale, missing and extra files and exit 1 if DIR is out of date.
    #[arg(long)]
    check: bool,
    /// Print how long each stage took (load, IR, tokens, formatting, writing), in milliseconds, as one
    /// JSON object on a line of stderr that starts with `timings: `.
    #[arg(long)]
    timings: bool,
}

/// Turns transparent huge pages off for this process. mimalloc asks the kernel for them, and where the kernel
/// compacts memory to find one on a fault (`defrag` of `madvise`, a common setting), a run's time came to
/// depend on what the machine had done before: Microsoft Graph beta spent 0.9 to 4.0 s in the kernel from
/// one run to the next. Without them it spends about 1.4 s there every time, in a little less memory.
#[cfg(target_os = "linux")]
fn no_huge_pages() {
    // SAFETY: `PR_SET_THP_DISABLE` takes plain integers and only sets a flag of the calling process; its
    // result is ignored because a kernel without it leaves the process as it was.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(not(target_os = "linux"))]
fn no_huge_pages() {}

fn parse_crate_name(text: &str) -> Result<String, String> {
    generator::check_crate_name(text).map(|()| text.to_owned())
}

fn parse_runtime(text: &str) -> Result<Runtime, String> {
    match text {
        "vendored" => Ok(Runtime::Vendored),
        "registry" => Ok(Runtime::Registry),
        _ => match text.strip_prefix("path=") {
            Some(path) if !path.is_empty() => Ok(Runtime::Path(path.to_owned())),
            _ => Err(format!(
                "`{text}` is not a runtime source: use `vendored`, `registry` or `path=DIR`"
            )),
        },
    }
}

fn main() -> ExitCode {
    no_huge_pages();
    match run(&Args::parse()) {
        Ok(code) => code,
        Err(e) => {
            // Nothing is left to tell if stderr itself is gone.
            let _ = writeln!(io::stderr().lock(), "error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let bytes = fs::read(&args.spec)
        .with_context(|| format!("reading the spec {}", args.spec.display()))?;
    let shown = args.spec.to_string_lossy();
    let text = match generator::decode(&bytes) {
        Ok(text) => text,
        Err(finding) => {
            print(
                io::stderr(),
                &format!("{}\n", Report::new(shown, vec![finding])),
            )?;
            return Ok(ExitCode::FAILURE);
        }
    };
    let command = command_line(args);
    let mut config = Config::new(&args.crate_name);
    config.command(&command).runtime(args.runtime.clone());
    if let Some(version) = &args.crate_version {
        config.crate_version(version);
    }
    let decoded = start.elapsed();
    let (generation, timings) = match generator::generate_timed(&shown, text, &config) {
        Ok(generated) => generated,
        Err(report) => {
            print(io::stderr(), &format!("{report}\n"))?;
            return Ok(ExitCode::FAILURE);
        }
    };
    let written = Instant::now();
    let out = &args.out;
    let plan = sync::plan(out, &generation.files)
        .with_context(|| format!("comparing {} with the generation", out.display()))?;
    let stats = generation.stats;
    let counts = format!(
        "{}: {} operations, {} types",
        args.crate_name, stats.operations, stats.types
    );
    if args.check {
        if !plan.is_clean() {
            print(
                io::stderr(),
                &format!(
                    "{plan}{} is out of date with {shown}: run `{command}`\n",
                    out.display()
                ),
            )?;
            return Ok(ExitCode::FAILURE);
        }
        let elapsed = start.elapsed().as_secs_f64();
        let summary = format!(
            "{counts}; files: {} up to date in {elapsed:.2}s\n",
            plan.unchanged
        );
        print(io::stdout(), &summary)?;
        return Ok(ExitCode::SUCCESS);
    }
    refuse_foreign(out, &plan)?;
    sync::apply(out, &generation.files, &plan)
        .with_context(|| format!("writing the generated crate to {}", out.display()))?;
    if args.timings {
        let stages = [
            ("load", decoded + timings.load),
            ("ir", timings.ir),
            ("tokens", timings.tokens),
            ("format", timings.format),
            ("write", written.elapsed()),
        ];
        let fields: Vec<String> = stages
            .iter()
            .map(|(name, took)| format!("\"{name}_ms\": {:.3}", took.as_secs_f64() * 1e3))
            .collect();
        print(
            io::stderr(),
            &format!("timings: {{{}}}\n", fields.join(", ")),
        )?;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let summary = format!("{counts}; {} in {elapsed:.2}s\n", plan.summary());
    print(io::stdout(), &summary)?;
    Ok(ExitCode::SUCCESS)
}

/// The command that regenerates the files, as the `@generated` line names it.
fn command_line(args: &Args) -> String {
    let mut words = vec![
        Cow::Borrowed("fincode-generator"),
        Cow::Borrowed("--spec"),
        shell_word(&args.spec.to_string_lossy()).into_owned().into(),
        Cow::Borrowed("--out"),
        shell_word(&args.out.to_string_lossy()).into_owned().into(),
        Cow::Borrowed("--crate-name"),
        shell_word(&args.crate_name),
    ];
    if let Some(version) = &args.crate_version {
        words.extend([Cow::Borrowed("--crate-version"), shell_word(version)]);
    }
    match &args.runtime {
        Runtime::Vendored => {}
        Runtime::Registry => words.extend([Cow::Borrowed("--runtime"), Cow::Borrowed("registry")]),
        Runtime::Path(path) => words.extend([
            Cow::Borrowed("--runtime"),
            shell_word(&format!("path={path}")).into_owned().into(),
        ]),
    }
    words.join(" ")
}

/// `word` as a POSIX shell reads it back: unchanged when it is plain, else single-quoted.
fn shell_word(word: &str) -> Cow<'_, str> {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c));
    if plain {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(format!("'{}'", word.replace('\'', r"'\''")))
    }
}

/// Fails if applying `plan` would remove a file the generator did not write.
///
/// Every file the generator writes starts with its `@generated` line, so a file under `out` without one
/// was put there by someone else: a mistyped `--out` must not wipe a directory.
fn refuse_foreign(out: &Path, plan: &Plan) -> anyhow::Result<()> {
    let foreign: Vec<&str> = plan
        .extra
        .iter()
        .filter(|path| !is_generated(&out.join(path.as_str())))
        .map(String::as_str)
        .collect();
    if !foreign.is_empty() {
        bail!(
            "refusing to remove {} from {}: no @generated line, so the generator did not write it; \
             move it away or choose another --out",
            foreign.join(", "),
            out.display()
        );
    }
    Ok(())
}

/// Whether `path` is a regular file with `@generated` near its start.
fn is_generated(path: &Path) -> bool {
    const HEAD: u64 = 1024;
    if !fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut head = Vec::new();
    let read = fs::File::open(path).and_then(|f| f.take(HEAD).read_to_end(&mut head));
    read.is_ok()
        && head
            .windows(b"@generated".len())
            .any(|w| w == b"@generated")
}

/// Writes `text`, ignoring a reader that went away (`| head`): the exit status still tells the result.
fn print(mut out: impl Write, text: &str) -> anyhow::Result<()> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        other => other.context("printing"),
    }
}
