//! `cargo xtask corpus`: the release CLI over many OpenAPI documents, each in its own process with a time and
//! memory limit, in parallel; counts of what became a crate, what was refused (by rule), what crashed and what
//! ran out of time, the slowest documents, and every crash and timeout. Results go to
//! `target/corpus-results/<name>.json`.
//!
//! `--all` takes the whole APIs.guru collection (`target/corpus/apis-guru`, fetched by
//! `tools/fetch-corpus.sh target/corpus --all`); otherwise the documents are the files given and the
//! `.json`/`.yaml`/`.yml` files under the directories given. `--check` then compiles every generated crate in one
//! `cargo check` sharing one target directory.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::output::print;

#[derive(clap::Args)]
pub struct Args {
    /// Documents, and directories to take every `.json`, `.yaml` and `.yml` file under.
    #[arg(value_name = "PATH", required_unless_present_any = ["all", "scale"])]
    paths: Vec<PathBuf>,
    /// Every document of the pinned APIs.guru collection (fetched into target/corpus/apis-guru if missing).
    #[arg(long)]
    all: bool,
    /// Documents generated at the same time.
    #[arg(long, default_value_t = 2)]
    jobs: usize,
    /// Seconds a document may take before its process is killed.
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    /// Seconds above which a document is reported as slow.
    #[arg(long, default_value_t = 10)]
    slow: u64,
    /// Address space each generator process may use, in MiB.
    #[arg(long, default_value_t = 16 * 1024)]
    memory_mib: u64,
    /// Then compile every generated crate (`cargo check`, one target directory for all).
    #[arg(long)]
    check: bool,
    /// Instead of documents, generate synthetic ones of 1,000 to 100,000 schemas referencing each other (chains,
    /// trees, rings) and print the time per schema at each size.
    #[arg(long, conflicts_with_all = ["paths", "all", "check"])]
    scale: bool,
    /// The name of the results file under target/corpus-results/ [default: `all`, or `corpus`].
    #[arg(long)]
    name: Option<String>,
}

/// What became of one document.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case", tag = "kind")]
enum Outcome {
    /// A crate, with its counts.
    Generated { operations: u64, types: u64 },
    /// Refused with located findings, by rule (each rule once).
    Refused { rules: Vec<String> },
    /// Failed without a located finding: the last line it printed.
    Unlocated { message: String },
    /// Ended by a signal or a panic.
    Crashed { detail: String },
    /// Killed at the time limit.
    TimedOut,
}

#[derive(Debug, Clone, Serialize)]
struct Run {
    spec: String,
    #[serde(flatten)]
    outcome: Outcome,
    /// Wall-clock seconds.
    seconds: f64,
    /// CPU seconds (user and system).
    cpu_seconds: f64,
    /// Peak resident memory, MiB.
    max_rss_mib: f64,
    /// Where its generated crate is, when kept for `--check`.
    #[serde(skip_serializing_if = "Option::is_none")]
    crate_dir: Option<String>,
}

#[derive(Serialize)]
struct Results<'a> {
    documents: usize,
    generated: usize,
    refused: usize,
    unlocated: usize,
    crashed: usize,
    timed_out: usize,
    slow: usize,
    slow_seconds: u64,
    timeout_seconds: u64,
    compiled: Option<Compiled>,
    runs: &'a [Run],
}

#[derive(Serialize, Clone)]
struct Compiled {
    crates: usize,
    failed: Vec<String>,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let root = xtask::root();
    if args.scale {
        return scale(args, &root);
    }
    let mut specs = Vec::new();
    if args.all {
        let collection = root.join("target/corpus/apis-guru");
        if !collection.is_dir() {
            eprintln!(
                "fetching the whole collection into {}",
                collection.display()
            );
            let status = Command::new("bash")
                .arg(root.join("tools/fetch-corpus.sh"))
                .arg(root.join("target/corpus"))
                .arg("--all")
                .status()
                .context("running tools/fetch-corpus.sh")?;
            if !status.success() {
                bail!("tools/fetch-corpus.sh --all failed ({status})");
            }
        }
        collect(&collection, &mut specs)?;
    }
    for path in &args.paths {
        collect(path, &mut specs)?;
    }
    specs.sort();
    specs.dedup();
    if specs.is_empty() {
        bail!("no OpenAPI documents in the paths given");
    }
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| if args.all { "all" } else { "corpus" }.to_owned());
    let results_dir = root.join("target/corpus-results");
    let crates_dir = results_dir.join(format!("{name}-crates"));
    if crates_dir.exists() {
        fs::remove_dir_all(&crates_dir)
            .with_context(|| format!("removing {}", crates_dir.display()))?;
    }
    fs::create_dir_all(&crates_dir)
        .with_context(|| format!("creating {}", crates_dir.display()))?;

    let cli = xtask::release_cli(&root)?;

    let limits = Limits {
        timeout: Duration::from_secs(args.timeout),
        memory: args.memory_mib << 20,
    };
    let bar = ProgressBar::new(specs.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} ({eta} left) {msg}")
            .context("the progress bar's template")?
            .progress_chars("=> "),
    );
    let queue = Mutex::new(specs.iter().enumerate().collect::<VecDeque<_>>());
    let runs = Mutex::new(Vec::with_capacity(specs.len()));
    let job = |spec: &Path, index: usize| -> anyhow::Result<Run> {
        let shown = spec
            .strip_prefix(&root)
            .unwrap_or(spec)
            .to_string_lossy()
            .into_owned();
        let out = crates_dir.join(format!("doc{index:05}"));
        let log = crates_dir.join(format!("doc{index:05}.log"));
        let run = generate_one(&cli, spec, &shown, &out, &log, &limits, &root)?;
        if !args.check || !matches!(run.outcome, Outcome::Generated { .. }) {
            // Only kept to be compiled.
            let _ = fs::remove_dir_all(&out);
        }
        let keep_log = !matches!(run.outcome, Outcome::Generated { .. });
        if !keep_log {
            let _ = fs::remove_file(&log);
        }
        Ok(Run {
            crate_dir: (args.check && matches!(run.outcome, Outcome::Generated { .. }))
                .then(|| format!("doc{index:05}")),
            ..run
        })
    };
    let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..args.jobs.max(1) {
            scope.spawn(|| loop {
                let next = queue.lock().map(|mut q| q.pop_front());
                let Ok(Some((index, spec))) = next else {
                    break;
                };
                bar.set_message(
                    spec.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                );
                match job(spec, index) {
                    Ok(run) => {
                        if matches!(run.outcome, Outcome::Crashed { .. } | Outcome::TimedOut) {
                            bar.println(format!("{}: {}", run.spec, describe(&run.outcome)));
                        }
                        if let Ok(mut runs) = runs.lock() {
                            runs.push(run);
                        }
                    }
                    Err(e) => {
                        if let Ok(mut failure) = failure.lock() {
                            failure.get_or_insert(e);
                        }
                        if let Ok(mut q) = queue.lock() {
                            q.clear();
                        }
                    }
                }
                bar.inc(1);
            });
        }
    });
    bar.finish_and_clear();
    if let Some(e) = failure.into_inner().ok().flatten() {
        return Err(e);
    }
    let mut runs = runs.into_inner().unwrap_or_default();
    runs.sort_by(|a, b| a.spec.cmp(&b.spec));

    let compiled = if args.check {
        Some(check(&crates_dir, &runs)?)
    } else {
        None
    };
    let count = |f: fn(&Outcome) -> bool| runs.iter().filter(|r| f(&r.outcome)).count();
    let results = Results {
        documents: runs.len(),
        generated: count(|o| matches!(o, Outcome::Generated { .. })),
        refused: count(|o| matches!(o, Outcome::Refused { .. })),
        unlocated: count(|o| matches!(o, Outcome::Unlocated { .. })),
        crashed: count(|o| matches!(o, Outcome::Crashed { .. })),
        timed_out: count(|o| matches!(o, Outcome::TimedOut)),
        slow: runs.iter().filter(|r| r.seconds > args.slow as f64).count(),
        slow_seconds: args.slow,
        timeout_seconds: args.timeout,
        compiled,
        runs: &runs,
    };
    let file = results_dir.join(format!("{name}.json"));
    let json = serde_json::to_string_pretty(&results).context("serializing the results")?;
    fs::write(&file, json).with_context(|| format!("writing {}", file.display()))?;
    print(io::stdout(), &summary(&results, &file))?;
    if results.crashed + results.timed_out + results.unlocated > 0
        || results
            .compiled
            .as_ref()
            .is_some_and(|c| !c.failed.is_empty())
    {
        bail!("some documents crashed, timed out, failed without a located finding or did not compile");
    }
    Ok(())
}

/// The documents at `path`: the file itself, or the OpenAPI-looking files under the directory.
fn collect(path: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let path = fs::canonicalize(path).with_context(|| format!("reading {}", path.display()))?;
    if path.is_file() {
        out.push(path);
        return Ok(());
    }
    let mut dirs = vec![path];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry
                .with_context(|| format!("reading {}", dir.display()))?
                .path();
            if path.is_dir() {
                dirs.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml" | "yml")
            ) {
                out.push(path);
            }
        }
    }
    Ok(())
}

struct Limits {
    timeout: Duration,
    /// Bytes of address space.
    memory: u64,
}

/// Generates `spec` into `out` with the CLI in a process of its own, within `limits`.
fn generate_one(
    cli: &Path,
    spec: &Path,
    shown: &str,
    out: &Path,
    log: &Path,
    limits: &Limits,
    root: &Path,
) -> anyhow::Result<Run> {
    let log_file = fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
    let mut command = Command::new(cli);
    command
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .arg("--crate-name")
        .arg(out.file_name().unwrap_or_default())
        .arg("--runtime")
        .arg(format!("path={}", root.join("generator/runtime").display()))
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().context("sharing the log file")?)
        .stderr(log_file);
    limit_memory(&mut command, limits.memory);
    let start = Instant::now();
    let child = command
        .spawn()
        .with_context(|| format!("starting {}", cli.display()))?;
    let (status, usage) = wait(child, limits.timeout)?;
    let seconds = start.elapsed().as_secs_f64();
    let text = fs::read_to_string(log).unwrap_or_default();
    let outcome = match status {
        Ended::TimedOut => Outcome::TimedOut,
        Ended::Signal(signal) => Outcome::Crashed {
            detail: format!("killed by signal {signal}: {}", last_line(&text)),
        },
        Ended::Exit(0) => {
            let (operations, types) = counts(&text);
            Outcome::Generated { operations, types }
        }
        Ended::Exit(101) => Outcome::Crashed {
            detail: format!("panicked: {}", last_line(&text)),
        },
        Ended::Exit(_) => match located_rules(&text) {
            Some(rules) => Outcome::Refused { rules },
            None => Outcome::Unlocated {
                message: last_line(&text).to_owned(),
            },
        },
    };
    Ok(Run {
        spec: shown.to_owned(),
        outcome,
        seconds,
        cpu_seconds: usage.cpu_seconds,
        max_rss_mib: usage.max_rss_kib as f64 / 1024.0,
        crate_dir: None,
    })
}

fn last_line(text: &str) -> &str {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("(no output)")
}

/// `NAME: N operations, M types; ...` as the CLI prints it on success.
fn counts(text: &str) -> (u64, u64) {
    let number_before = |word: &str| -> u64 {
        text.split(word)
            .next()
            .and_then(|head| head.rsplit(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (number_before(" operations"), number_before(" types"))
}

/// The rules of a report in which every error line is located (`FILE:LINE:COL: error[RULE] #POINTER: ...`).
fn located_rules(text: &str) -> Option<Vec<String>> {
    let mut rules = Vec::new();
    for line in text.lines() {
        let Some((head, rest)) = line.split_once(": error[") else {
            if line.starts_with("error") {
                return None;
            }
            continue;
        };
        let mut position = head.rsplitn(3, ':');
        let column = position.next()?;
        let row = position.next()?;
        if column.parse::<u32>().is_err() || row.parse::<u32>().is_err() {
            return None;
        }
        let (rule, rest) = rest.split_once("] #")?;
        rest.split_once(": ")?;
        if !rules.iter().any(|r| r == rule) {
            rules.push(rule.to_owned());
        }
    }
    (!rules.is_empty()).then_some(rules)
}

enum Ended {
    Exit(i32),
    Signal(i32),
    TimedOut,
}

#[derive(Default)]
struct Usage {
    cpu_seconds: f64,
    max_rss_kib: i64,
}

#[cfg(unix)]
fn limit_memory(command: &mut Command, bytes: u64) {
    use std::os::unix::process::CommandExt;
    let limit = libc::rlimit {
        rlim_cur: bytes as libc::rlim_t,
        rlim_max: bytes as libc::rlim_t,
    };
    // SAFETY: between fork and exec the closure only calls `setrlimit`, which is async-signal-safe.
    unsafe {
        command.pre_exec(move || {
            if libc::setrlimit(libc::RLIMIT_AS, &limit) == 0 {
                Ok(())
            } else {
                Err(io::Error::last_os_error())
            }
        });
    }
}

#[cfg(not(unix))]
fn limit_memory(_: &mut Command, _: u64) {}

/// Waits for `child` up to `timeout`, killing it then; with what it used.
#[cfg(unix)]
fn wait(mut child: Child, timeout: Duration) -> anyhow::Result<(Ended, Usage)> {
    let pid = child.id() as libc::pid_t;
    let start = Instant::now();
    let mut killed = false;
    loop {
        let mut status = 0;
        // SAFETY: `rusage` is plain data that `wait4` fills; the pid is our own child's.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let flags = if killed { 0 } else { libc::WNOHANG };
        let done = unsafe { libc::wait4(pid, &mut status, flags, &mut usage) };
        if done == pid {
            let used = Usage {
                cpu_seconds: seconds(usage.ru_utime) + seconds(usage.ru_stime),
                max_rss_kib: usage.ru_maxrss,
            };
            let ended = if killed {
                Ended::TimedOut
            } else if libc::WIFSIGNALED(status) {
                Ended::Signal(libc::WTERMSIG(status))
            } else {
                Ended::Exit(libc::WEXITSTATUS(status))
            };
            return Ok((ended, used));
        }
        if done < 0 {
            let error = io::Error::last_os_error();
            if error.kind() != io::ErrorKind::Interrupted {
                return Err(error).context("waiting for the generator");
            }
        }
        if start.elapsed() >= timeout && !killed {
            child
                .kill()
                .context("stopping the generator at its time limit")?;
            killed = true;
            continue;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[cfg(unix)]
fn seconds(time: libc::timeval) -> f64 {
    time.tv_sec as f64 + time.tv_usec as f64 / 1e6
}

#[cfg(not(unix))]
fn wait(mut child: Child, timeout: Duration) -> anyhow::Result<(Ended, Usage)> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().context("waiting for the generator")? {
            let ended = match status.code() {
                Some(code) => Ended::Exit(code),
                None => Ended::Signal(0),
            };
            return Ok((ended, Usage::default()));
        }
        if start.elapsed() >= timeout {
            child
                .kill()
                .context("stopping the generator at its time limit")?;
            let _ = child.wait();
            return Ok((Ended::TimedOut, Usage::default()));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Compiles the generated crates in one workspace and target directory; the specs whose crate failed.
fn check(crates_dir: &Path, runs: &[Run]) -> anyhow::Result<Compiled> {
    let members: Vec<&Run> = runs.iter().filter(|r| r.crate_dir.is_some()).collect();
    let list: Vec<String> = members
        .iter()
        .filter_map(|r| r.crate_dir.as_ref())
        .map(|m| format!("    {m:?},"))
        .collect();
    fs::write(
        crates_dir.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n",
            list.join("\n")
        ),
    )
    .context("writing the check workspace")?;
    let root = xtask::root();
    fs::copy(root.join("Cargo.lock"), crates_dir.join("Cargo.lock"))
        .context("copying Cargo.lock")?;
    eprintln!("compiling {} generated crates (cargo check)", members.len());
    let output = xtask::cargo()
        .args([
            "check",
            "--workspace",
            "--keep-going",
            "--quiet",
            "--message-format",
            "short",
        ])
        .current_dir(crates_dir)
        .env(
            "CARGO_TARGET_DIR",
            root.join("target/corpus-results/check-target"),
        )
        .env("CARGO_INCREMENTAL", "0")
        .stdin(Stdio::null())
        .output()
        .context("running cargo check")?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut failed = Vec::new();
    for run in &members {
        let Some(dir) = &run.crate_dir else { continue };
        let prefix = format!("{dir}/");
        if stderr
            .lines()
            .any(|l| l.starts_with(&prefix) && (l.contains(": error") || l.contains(": warning")))
        {
            failed.push(run.spec.clone());
        }
    }
    if !output.status.success() && failed.is_empty() {
        bail!("cargo check failed:\n{stderr}");
    }
    Ok(Compiled {
        crates: members.len(),
        failed,
    })
}

/// The schemas schema `i` of `n` references.
type Links = fn(usize, usize) -> Vec<usize>;

/// The shapes of the synthetic documents.
const SHAPES: [(&str, Links); 3] = [
    (
        "chain",
        |i, n| if i + 1 < n { vec![i + 1] } else { Vec::new() },
    ),
    ("tree", |i, n| {
        [2 * i + 1, 2 * i + 2]
            .into_iter()
            .filter(|&c| c < n)
            .collect()
    }),
    ("ring", |i, n| vec![(i + 1) % n]),
];

/// A document of `n` object schemas, `S{i}` holding a required member per schema `links(i, n)` names, and an
/// array of the first, through an `allOf` that annotates the reference.
fn synthetic(n: usize, links: Links) -> String {
    let mut out = String::from(
        r##"{"openapi": "3.0.3", "info": {"title": "Scale", "version": "1"}, "paths": {"/s": {"get": {
  "operationId": "get_s", "responses": {"200": {"description": "ok", "content": {"application/json": {
  "schema": {"$ref": "#/components/schemas/S0"}}}}}}}}, "components": {"schemas": {"##,
    );
    for i in 0..n {
        let targets = links(i, n);
        let mut members = vec![format!(
            r#""id": {{"type": "string", "description": "Schema {i}."}}"#
        )];
        let mut required = vec![r#""id""#.to_owned()];
        for (k, t) in targets.iter().enumerate() {
            members.push(format!(
                r##""next{k}": {{"$ref": "#/components/schemas/S{t}"}}"##
            ));
            required.push(format!(r#""next{k}""#));
        }
        members.push(format!(
            r##""seen": {{"type": "array", "items": {{"allOf": [{{"$ref": "#/components/schemas/S{}"}}, {{"description": "Annotated."}}]}}}}"##,
            targets.first().copied().unwrap_or(0)
        ));
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#"
"S{i}": {{"type": "object", "required": [{}], "properties": {{{}}}}}"#,
            required.join(", "),
            members.join(", ")
        );
    }
    out.push_str(
        "
}}}
",
    );
    out
}

/// Times the CLI on synthetic documents of growing size: the time per schema should stay flat.
fn scale(args: &Args, root: &Path) -> anyhow::Result<()> {
    let dir = root.join("target/corpus-results/scale");
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let cli = xtask::release_cli(root)?;
    let limits = Limits {
        timeout: Duration::from_secs(args.timeout.max(600)),
        memory: args.memory_mib << 20,
    };
    let sizes = [1_000usize, 3_000, 10_000, 30_000, 100_000];
    let bar = ProgressBar::new((sizes.len() * SHAPES.len()) as u64);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} {msg}")
            .context("the progress bar's template")?
            .progress_chars("=> "),
    );
    let mut rows = Vec::new();
    for (shape, links) in SHAPES {
        for n in sizes {
            bar.set_message(format!("{shape} of {n}"));
            let spec = dir.join(format!("{shape}-{n}.json"));
            fs::write(&spec, synthetic(n, links))
                .with_context(|| format!("writing {}", spec.display()))?;
            let out = dir.join(format!("{shape}-{n}"));
            let log = dir.join(format!("{shape}-{n}.log"));
            let shown = spec
                .strip_prefix(root)
                .unwrap_or(&spec)
                .to_string_lossy()
                .into_owned();
            let run = generate_one(&cli, &spec, &shown, &out, &log, &limits, root)?;
            let _ = fs::remove_dir_all(&out);
            if !matches!(run.outcome, Outcome::Generated { types, .. } if types as usize >= n) {
                bail!("{shown}: {}", describe(&run.outcome));
            }
            rows.push((shape, n, run));
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    let mut text = String::from("| shape | schemas | wall s | cpu s | cpu µs per schema | peak MiB |\n|---|---|---|---|---|---|\n");
    for (shape, n, run) in &rows {
        let _ = writeln!(
            text,
            "| {shape} | {n} | {:.2} | {:.2} | {:.0} | {:.0} |",
            run.seconds,
            run.cpu_seconds,
            run.cpu_seconds * 1e6 / *n as f64,
            run.max_rss_mib
        );
    }
    let file = root.join("target/corpus-results/scale.json");
    let json: Vec<_> = rows
        .iter()
        .map(|(shape, n, run)| serde_json::json!({"shape": shape, "schemas": n, "run": run}))
        .collect();
    fs::write(
        &file,
        serde_json::to_string_pretty(&json).context("serializing")?,
    )
    .with_context(|| format!("writing {}", file.display()))?;
    let _ = writeln!(text, "\nresults: {}", file.display());
    print(io::stdout(), &text)
}

fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Generated { operations, types } => {
            format!("generated ({operations} operations, {types} types)")
        }
        Outcome::Refused { rules } => format!("refused ({})", rules.join(", ")),
        Outcome::Unlocated { message } => format!("failed without a located finding: {message}"),
        Outcome::Crashed { detail } => format!("CRASHED: {detail}"),
        Outcome::TimedOut => "TIMED OUT".to_owned(),
    }
}

fn summary(results: &Results, file: &Path) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "| outcome | documents |\n|---|---|");
    for (label, n) in [
        ("generated", results.generated),
        ("refused with located findings", results.refused),
        ("failed without a located finding", results.unlocated),
        ("crashed", results.crashed),
        ("timed out", results.timed_out),
        ("total", results.documents),
    ] {
        let _ = writeln!(out, "| {label} | {n} |");
    }
    let _ = writeln!(
        out,
        "| over {} s (wall clock) | {} |",
        results.slow_seconds, results.slow
    );
    if let Some(compiled) = &results.compiled {
        let _ = writeln!(
            out,
            "| crates compiled | {} of {} |",
            compiled.crates - compiled.failed.len(),
            compiled.crates
        );
    }
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for run in results.runs {
        if let Outcome::Refused { rules } = &run.outcome {
            for rule in rules {
                *by_rule.entry(rule).or_default() += 1;
            }
        }
    }
    if !by_rule.is_empty() {
        let _ = writeln!(out, "\nrefused, by rule (a document counts once per rule):");
        let mut rules: Vec<_> = by_rule.into_iter().collect();
        rules.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        for (rule, n) in rules {
            let _ = writeln!(out, "  {n:5}  {rule}");
        }
    }
    let mut slowest: Vec<&Run> = results.runs.iter().collect();
    slowest.sort_by(|a, b| b.seconds.total_cmp(&a.seconds));
    let _ = writeln!(out, "\nslowest ten (wall s, cpu s, peak MiB):");
    for run in slowest.iter().take(10) {
        let _ = writeln!(
            out,
            "  {:7.2} {:7.2} {:7.0}  {}  {}",
            run.seconds,
            run.cpu_seconds,
            run.max_rss_mib,
            run.spec,
            describe(&run.outcome)
        );
    }
    let bad: Vec<&Run> = results
        .runs
        .iter()
        .filter(|r| {
            matches!(
                r.outcome,
                Outcome::Crashed { .. } | Outcome::TimedOut | Outcome::Unlocated { .. }
            )
        })
        .collect();
    if !bad.is_empty() {
        let _ = writeln!(out, "\ncrashes, timeouts and unlocated failures:");
        for run in bad {
            let _ = writeln!(out, "  {}: {}", run.spec, describe(&run.outcome));
        }
    }
    if let Some(compiled) = &results.compiled {
        for spec in &compiled.failed {
            let _ = writeln!(out, "  does not compile: {spec}");
        }
    }
    let _ = writeln!(out, "\nresults: {}", file.display());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_is_located_only_when_every_error_line_is() {
        let located =
            "a.json:3:5: error[path-param-undeclared] #/paths/~1a: `{b}` is not declared\n\
                       a.json:9:1: error[codegen-unsupported] #/components: no\n";
        assert_eq!(
            located_rules(located),
            Some(vec![
                "path-param-undeclared".to_owned(),
                "codegen-unsupported".to_owned()
            ])
        );
        assert_eq!(
            located_rules("error: reading the spec a.json: gone\n"),
            None
        );
        assert_eq!(located_rules(""), None);
        assert_eq!(
            located_rules("a.json:x:1: error[yaml-syntax] #: bad\n"),
            None
        );
    }

    #[test]
    fn synthetic_documents_generate_one_type_per_schema() {
        for (shape, links) in SHAPES {
            let text = synthetic(1_000, links);
            let config = generator::Config::new("scale");
            let generation = generator::generate("scale.json", &text, &config)
                .unwrap_or_else(|report| panic!("{shape}: {report}"));
            assert_eq!(generation.stats.types, 1_000, "{shape}");
            let types = &generation
                .files
                .iter()
                .find(|f| f.path == "src/types.rs")
                .expect("a types module")
                .contents;
            // The annotated reference is the schema itself, not a type of its own.
            assert!(types.contains("pub seen: Option<Vec<S1>>"), "{shape}");
            let boxed = types.contains("pub next0: Box<S1>");
            assert_eq!(boxed, shape == "ring", "{shape}");
        }
    }

    #[test]
    fn counts_are_read_from_the_cli_summary() {
        assert_eq!(
            counts("doc00001: 25 operations, 215 types; files: 21 written in 0.22s\n"),
            (25, 215)
        );
    }
}
