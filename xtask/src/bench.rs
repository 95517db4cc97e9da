//! `cargo xtask bench`: the client against plain reqwest, the generator on large descriptions, and
//! (`--check-crates`) `cargo check` of large generated crates, each measured in one run.
//!
//! The results go to `target/bench/` as `results.json` and `results.txt`. Absolute numbers depend on
//! what else the machine runs; the client's ratios come from alternating rounds on one server, and the
//! generator's and `cargo check`'s CPU times are less noisy than their wall times.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde_json::{json, Value};

use crate::output::print;

#[derive(clap::Args)]
pub struct Args {
    /// Rounds of the client benchmark (the medians are over them).
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Multiplies the number of calls per round of the client benchmark.
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// Leave out the client benchmark.
    #[arg(long)]
    no_client: bool,
    /// Leave out the generator benchmark.
    #[arg(long)]
    no_generate: bool,
    /// Also time `cargo check` of the generated crates of these corpus documents (comma-separated
    /// names from target/corpus/3.0, e.g. `stripe,kubernetes`), from warm dependencies. Slow.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    check_crates: Vec<String>,
    /// Also generate descriptions of this many trivial operations sharing one schema (comma-separated,
    /// e.g. `5000,50000`): time and memory per operation.
    #[arg(long, value_delimiter = ',', value_name = "COUNTS")]
    trivial: Vec<usize>,
    /// With `--check-crates`: also check openapi-generator's Rust client of the same documents,
    /// installed pinned from PyPI under target/bench/ (it needs Java).
    #[arg(long)]
    openapi_generator: bool,
}

/// The descriptions the generator benchmark runs on: the project's spec and the corpus's largest.
const DOCUMENTS: &[(&str, &str)] = &[
    ("fincode", "spec/fincode.yaml"),
    ("github", "target/corpus/3.0/github.json"),
    ("kubernetes", "target/corpus/3.0/kubernetes.json"),
    ("stripe", "target/corpus/3.0/stripe.json"),
    ("digitalocean", "target/corpus/3.0/digitalocean.json"),
];

/// openapi-generator, from PyPI: the package ships the generator's jar.
const OPENAPI_GENERATOR: &str = "openapi-generator-cli==7.26.0";

pub fn run(args: &Args) -> anyhow::Result<()> {
    let root = xtask::root();
    let out = root.join("target/bench");
    fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    crate::tools::fetch_corpus()?;
    let mut results = serde_json::Map::new();
    let mut text = String::new();
    if !args.no_client {
        let client = client(args, &out)?;
        text.push_str(&client.1);
        results.insert("client".to_owned(), client.0);
    }
    if !args.no_generate {
        let generation = generation(&root, &out)?;
        text.push('\n');
        text.push_str(&generation.1);
        results.insert("generate".to_owned(), generation.0);
    }
    if !args.trivial.is_empty() {
        let series = trivial(&args.trivial, &root, &out)?;
        text.push('\n');
        text.push_str(&series.1);
        results.insert("trivial".to_owned(), series.0);
    }
    if !args.check_crates.is_empty() {
        let check = check_crates(args, &root, &out)?;
        text.push('\n');
        text.push_str(&check.1);
        results.insert("check".to_owned(), check.0);
    }
    let json = serde_json::to_string_pretty(&Value::Object(results))? + "\n";
    fs::write(out.join("results.json"), json).context("writing target/bench/results.json")?;
    fs::write(out.join("results.txt"), &text).context("writing target/bench/results.txt")?;
    print(
        std::io::stdout(),
        &format!("{text}\nresults: target/bench/results.json, target/bench/results.txt\n"),
    )
}

/// The client benchmark (tests/benches/client.rs), built and run in the bench profile.
fn client(args: &Args, out: &Path) -> anyhow::Result<(Value, String)> {
    eprintln!("client vs reqwest: building and running the client benchmark (release)");
    let file = out.join("client.json");
    let output = xtask::cargo()
        .args(["bench", "-p", "fincode-tests", "--bench", "client", "--"])
        .args(["--rounds", &args.rounds.to_string()])
        .args(["--scale", &args.scale.to_string()])
        .arg("--out")
        .arg(&file)
        .stderr(Stdio::inherit())
        .output()
        .context("running the client benchmark")?;
    if !output.status.success() {
        bail!("the client benchmark failed ({})", output.status);
    }
    let table = String::from_utf8_lossy(&output.stdout).into_owned();
    let json = fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let value: Value = serde_json::from_str(&json).context("reading the client results")?;
    let head = format!(
        "client vs plain reqwest (calls/s: median of {} alternating rounds; ratio: median of the \
         rounds' ratios; cpu µs per call of the whole process, server included)\n",
        args.rounds
    );
    Ok((value, head + &table))
}

/// What a child process cost: its wall time, CPU time and peak resident memory (its own and that of
/// the children it waited for).
#[derive(Clone, Copy)]
struct Usage {
    wall: Duration,
    cpu: Duration,
    peak_bytes: u64,
}

/// Runs `command` to its end and measures it with `wait4`.
fn measure(command: &mut Command) -> anyhow::Result<(Usage, std::process::Output)> {
    use std::io::Read;
    let shown = format!("{command:?}");
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {shown}"))?;
    let mut stdout = child.stdout.take().context("the child's stdout")?;
    let mut stderr = child.stderr.take().context("the child's stderr")?;
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stdout.read_to_end(&mut text);
        text
    });
    let mut errors = Vec::new();
    stderr
        .read_to_end(&mut errors)
        .context("reading the child's stderr")?;
    let outputs = reader.join().unwrap_or_default();
    let (status, usage) = wait4(child.id())?;
    let wall = started.elapsed();
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    let usage = Usage {
        wall,
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        // Linux counts ru_maxrss in kilobytes.
        peak_bytes: usage.ru_maxrss.max(0) as u64 * 1024,
    };
    let output = std::process::Output {
        status,
        stdout: outputs,
        stderr: errors,
    };
    Ok((usage, output))
}

fn wait4(pid: u32) -> anyhow::Result<(std::process::ExitStatus, libc::rusage)> {
    use std::os::unix::process::ExitStatusExt;
    let mut status = 0;
    // SAFETY: wait4 fills the zeroed rusage and the status of our own child `pid`.
    let (waited, usage) = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        let waited = libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage);
        (waited, usage)
    };
    if waited < 0 {
        bail!(
            "waiting for process {pid}: {}",
            std::io::Error::last_os_error()
        );
    }
    Ok((std::process::ExitStatus::from_raw(status), usage))
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// The generator's CLI (release build) on each of [`DOCUMENTS`], with its stage timings.
fn generation(root: &Path, out: &Path) -> anyhow::Result<(Value, String)> {
    let cli = xtask::release_cli(root)?;
    let progress = bar(DOCUMENTS.len() as u64, "generation");
    let mut rows = Vec::new();
    let mut text = format!(
        "{:<14} {:>6} {:>9} {:>9} {:>9}   {}\n",
        "generation",
        "MB in",
        "wall s",
        "cpu s",
        "peak MB",
        "stages (share of the stage sum): load ir tokens format write"
    );
    for (name, spec) in DOCUMENTS {
        progress.set_message(*name);
        let spec = root.join(spec);
        let dir = out.join("generated").join(name);
        // A fresh directory each time, so that writing is measured in full.
        let _ = fs::remove_dir_all(&dir);
        let (usage, output) = measure(
            Command::new(&cli)
                .arg("--spec")
                .arg(&spec)
                .arg("--out")
                .arg(&dir)
                .args([
                    "--crate-name",
                    name,
                    "--runtime",
                    "path=../../../../generator/runtime",
                    "--timings",
                ]),
        )?;
        progress.inc(1);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            bail!("generating {name} failed ({}):\n{stderr}", output.status);
        }
        let stages: Value = stderr
            .lines()
            .find_map(|line| line.strip_prefix("timings: "))
            .and_then(|json| serde_json::from_str(json).ok())
            .context("the generator printed no timings")?;
        let input = fs::metadata(&spec).map(|m| m.len()).unwrap_or(0);
        let names = ["load", "ir", "tokens", "format", "write"];
        let ms: Vec<f64> = names
            .iter()
            .map(|n| stages[format!("{n}_ms")].as_f64().unwrap_or(0.0))
            .collect();
        let sum: f64 = ms.iter().sum::<f64>().max(1e-9);
        let shares: Vec<String> = ms
            .iter()
            .map(|m| format!("{:>3.0}%", m / sum * 100.0))
            .collect();
        let _ = writeln!(
            text,
            "{:<14} {:>6.1} {:>9.2} {:>9.2} {:>9.0}   {}",
            name,
            mb(input),
            usage.wall.as_secs_f64(),
            usage.cpu.as_secs_f64(),
            mb(usage.peak_bytes),
            shares.join(" ")
        );
        rows.push(json!({
            "document": name,
            "input_bytes": input,
            "wall_s": usage.wall.as_secs_f64(),
            "cpu_s": usage.cpu.as_secs_f64(),
            "peak_bytes": usage.peak_bytes,
            "stages_ms": stages,
        }));
    }
    progress.finish_and_clear();
    Ok((Value::Array(rows), text))
}

/// A description of `count` operations without a tag, each a `GET` answering the one schema.
fn trivial_spec(count: usize) -> String {
    let mut paths = serde_json::Map::new();
    for i in 0..count {
        paths.insert(
            format!("/items{i}/{{id}}"),
            json!({"get": {
                "operationId": format!("getItem{i}"),
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {
                    "description": "the item",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}
                }}
            }}),
        );
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Trivial", "version": "1"},
        "paths": paths,
        "components": {"schemas": {"Item": {
            "type": "object",
            "properties": {"id": {"type": "string"}, "count": {"type": "integer"}}
        }}}
    })
    .to_string()
}

/// The generator on `counts` trivial operations: cost per operation.
fn trivial(counts: &[usize], root: &Path, out: &Path) -> anyhow::Result<(Value, String)> {
    let cli = xtask::release_cli_path(root);
    if !cli.is_file() {
        bail!(
            "{} is missing: run the generator benchmark first",
            cli.display()
        );
    }
    let progress = bar(counts.len() as u64, "trivial operations");
    let mut rows = Vec::new();
    let mut text = format!(
        "{:<20} {:>9} {:>9} {:>9} {:>11} {:>11} {:>12}\n",
        "trivial operations",
        "wall s",
        "cpu s",
        "peak MB",
        "cpu µs/op",
        "peak KB/op",
        "largest file MB"
    );
    for &count in counts {
        progress.set_message(count.to_string());
        let spec = out.join(format!("trivial-{count}.json"));
        fs::write(&spec, trivial_spec(count)).context("writing the trivial description")?;
        let dir = out.join("generated").join(format!("trivial-{count}"));
        let _ = fs::remove_dir_all(&dir);
        let (usage, output) = measure(
            Command::new(&cli)
                .arg("--spec")
                .arg(&spec)
                .arg("--out")
                .arg(&dir)
                .args(["--crate-name", "trivial", "--timings"]),
        )?;
        progress.inc(1);
        if !output.status.success() {
            bail!(
                "generating {count} trivial operations failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let largest = file_sizes(&dir.join("src"), &|_| true)
            .into_iter()
            .max()
            .unwrap_or(0);
        let per_op_cpu = usage.cpu.as_secs_f64() * 1e6 / count as f64;
        let per_op_peak = usage.peak_bytes as f64 / 1024.0 / count as f64;
        let _ = writeln!(
            text,
            "{:<20} {:>9.2} {:>9.2} {:>9.0} {:>11.0} {:>11.1} {:>12.1}",
            count,
            usage.wall.as_secs_f64(),
            usage.cpu.as_secs_f64(),
            mb(usage.peak_bytes),
            per_op_cpu,
            per_op_peak,
            mb(largest)
        );
        rows.push(json!({
            "operations": count,
            "wall_s": usage.wall.as_secs_f64(),
            "cpu_s": usage.cpu.as_secs_f64(),
            "peak_bytes": usage.peak_bytes,
            "largest_file_bytes": largest,
        }));
        let _ = fs::remove_file(&spec);
    }
    progress.finish_and_clear();
    Ok((Value::Array(rows), text))
}

/// The sizes of the files under `dir` (at any depth) that `keep` accepts.
fn file_sizes(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<u64> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut sizes = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sizes.extend(file_sizes(&path, keep));
        } else if keep(&path) {
            sizes.push(entry.metadata().map(|m| m.len()).unwrap_or(0));
        }
    }
    sizes
}

/// `cargo check` of the generated crates of `--check-crates`, from warm dependencies: each crate is
/// checked once to build its dependencies, then touched and checked again, measured.
fn check_crates(args: &Args, root: &Path, out: &Path) -> anyhow::Result<(Value, String)> {
    let work = out.join("check");
    fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;
    let cli = xtask::release_cli_path(root);
    if !cli.is_file() {
        bail!(
            "{} is missing: run the generator benchmark first",
            cli.display()
        );
    }
    let mut crates: Vec<(String, String)> = Vec::new();
    for name in &args.check_crates {
        let spec = root.join(format!("target/corpus/3.0/{name}.json"));
        if !spec.is_file() {
            bail!("no corpus document {}", spec.display());
        }
        let dir = format!("{name}-fincode");
        let status = Command::new(&cli)
            .arg("--spec")
            .arg(&spec)
            .arg("--out")
            .arg(work.join(&dir))
            .args([
                "--crate-name",
                &dir,
                "--runtime",
                "path=../../../../generator/runtime",
            ])
            .stdout(Stdio::null())
            .status()
            .context("running the generator")?;
        if !status.success() {
            bail!("generating {name} failed ({status})");
        }
        crates.push((format!("{name} (fincode-generator)"), dir));
        if args.openapi_generator {
            let dir = format!("{name}-openapi");
            openapi_generator(root, &spec, &work.join(&dir), &dir)?;
            crates.push((format!("{name} (openapi-generator)"), dir));
        }
    }
    let members: Vec<String> = crates
        .iter()
        .map(|(_, dir)| format!("    {dir:?},"))
        .collect();
    fs::write(
        work.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n",
            members.join("\n")
        ),
    )
    .context("writing the check workspace")?;
    if !work.join("Cargo.lock").exists() {
        fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock")).context("copying Cargo.lock")?;
    }
    let progress = bar(crates.len() as u64 * 2, "cargo check");
    let mut rows = Vec::new();
    let mut text = format!(
        "{:<38} {:>9} {:>9} {:>9} {:>10}\n",
        "cargo check (warm dependencies)", "wall s", "cpu s", "peak MB", "src MB"
    );
    for (label, dir) in &crates {
        let check = || {
            let mut command = xtask::cargo();
            command
                .args(["check", "--quiet", "-p", dir])
                .current_dir(&work)
                .env("CARGO_TARGET_DIR", work.join("target"))
                .env("CARGO_INCREMENTAL", "0")
                .env_remove("RUSTFLAGS");
            command
        };
        progress.set_message(format!("{label}: dependencies"));
        let (_, output) = measure(&mut check())?;
        progress.inc(1);
        if !output.status.success() {
            bail!(
                "cargo check of {label} failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        // Touching the crate root makes cargo check the crate again, and only it.
        let lib = work.join(dir).join("src/lib.rs");
        fs::File::options()
            .append(true)
            .open(&lib)
            .and_then(|f| f.set_modified(std::time::SystemTime::now()))
            .with_context(|| format!("touching {}", lib.display()))?;
        progress.set_message(format!("{label}: measured"));
        let (usage, output) = measure(&mut check())?;
        progress.inc(1);
        if !output.status.success() {
            bail!(
                "cargo check of {label} failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let source = file_sizes(&work.join(dir).join("src"), &|p| {
            p.extension().is_some_and(|e| e == "rs")
        })
        .into_iter()
        .sum::<u64>();
        let _ = writeln!(
            text,
            "{:<38} {:>9.1} {:>9.1} {:>9.0} {:>10.1}",
            label,
            usage.wall.as_secs_f64(),
            usage.cpu.as_secs_f64(),
            mb(usage.peak_bytes),
            mb(source)
        );
        rows.push(json!({
            "crate": label,
            "wall_s": usage.wall.as_secs_f64(),
            "cpu_s": usage.cpu.as_secs_f64(),
            "peak_bytes": usage.peak_bytes,
            "source_bytes": source,
        }));
    }
    progress.finish_and_clear();
    Ok((Value::Array(rows), text))
}

/// Generates openapi-generator's Rust client of `spec` into `dir`, installing the generator pinned
/// from PyPI into a virtual environment under target/bench/ first.
fn openapi_generator(root: &Path, spec: &Path, dir: &Path, name: &str) -> anyhow::Result<()> {
    let venv = root.join("target/bench/openapi-generator");
    let cli = venv.join("bin/openapi-generator-cli");
    if !cli.is_file() {
        eprintln!(
            "installing {OPENAPI_GENERATOR} from PyPI into {}",
            venv.display()
        );
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
        run_to_end(Command::new(python).arg("-m").arg("venv").arg(&venv))?;
        run_to_end(Command::new(venv.join("bin/pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            OPENAPI_GENERATOR,
        ]))?;
    }
    let _ = fs::remove_dir_all(dir);
    run_to_end(
        Command::new(&cli)
            .args([
                "generate",
                "--generator-name",
                "rust",
                "--skip-validate-spec",
            ])
            .arg("--input-spec")
            .arg(spec)
            .arg("--output")
            .arg(dir)
            .arg(format!("--additional-properties=packageName={name}"))
            .stdout(Stdio::null()),
    )
}

fn run_to_end(command: &mut Command) -> anyhow::Result<()> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .with_context(|| format!("starting {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

fn bar(len: u64, what: &str) -> indicatif::ProgressBar {
    let progress = indicatif::ProgressBar::new(len);
    progress.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{bar:30}} {{pos}}/{{len}} {what}: {{msg}}"
        ))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    progress
}
