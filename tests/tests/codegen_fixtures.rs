//! The generator on small specs written to exercise one feature each, and on real-world specs nobody here wrote.
//!
//! - `fixtures/codegen/<case>/spec.yaml` generates the files `pinned.txt` beside it lists exactly as they are
//!   under `expected/`, or, for specs the generator refuses, exactly the report in `expected.txt`. A fixture pins
//!   the files it is about; its other files (the crate's shell, the runtime) are generated and compiled, not
//!   compared. The `operations` fixture pins the shell: `Cargo.toml`, `lib.rs`, `security.rs`, `servers.rs`.
//! - The real-world corpus (`target/corpus`, downloaded by `cargo xtask test`) generates exactly the outcomes in
//!   `fixtures/corpus/expected.txt`: counts for the specs it handles, diagnostics for those it refuses.
//! - Every crate generated from a fixture or a corpus spec then compiles, all in one `cargo check`.
//!
//! `UPDATE_EXPECT=1 cargo test --test codegen_fixtures` rewrites the expectations.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use fincode_tests::{check_file, root, unified_diff, update_expect};
use generator::{generate, sync, Config, GeneratedFile, Generation, Runtime};

fn fixture_cases() -> Vec<PathBuf> {
    let dir = root().join("tests/fixtures/codegen");
    let mut cases: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.join("spec.yaml").is_file())
        .collect();
    cases.sort();
    cases
}

fn case_name(case: &Path) -> String {
    case.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn config(name: &str) -> Config {
    let mut config = Config::new(name);
    // The workspace's runtime crate, from `target/codegen-check/<crate>/` where the crates are checked: it
    // builds once for all of them.
    config
        .command("cargo test --test codegen_fixtures")
        .runtime(Runtime::Path("../../../generator/runtime".to_owned()));
    config
}

fn run(case: &Path) -> Result<Generation, generator::Report> {
    let text = fs::read_to_string(case.join("spec.yaml")).expect("fixture spec");
    generate(
        "spec.yaml",
        &text,
        &config(&format!("fixture-{}", case_name(case))),
    )
}

/// The files a fixture pins, from `pinned.txt`: one path a line, `#` starting a comment.
fn pinned(case: &Path) -> Result<Vec<String>, String> {
    let list = case.join("pinned.txt");
    let text = fs::read_to_string(&list).map_err(|e| {
        format!(
            "{}: {e}; list the generated files the fixture is about there",
            list.display()
        )
    })?;
    let paths: Vec<String> = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if paths.is_empty() {
        return Err(format!("{} pins no file", list.display()));
    }
    Ok(paths)
}

/// Compares the files one fixture pins with its expectation (or rewrites it).
fn check(case: &Path) -> Result<(), String> {
    let name = case_name(case);
    let generation = match run(case) {
        Err(report) => return check_file(&case.join("expected.txt"), &format!("{report}\n")),
        Ok(generation) => generation,
    };
    if case.join("expected.txt").exists() {
        return Err(format!(
            "{name}: expected a refusal (expected.txt), but the spec generated"
        ));
    }
    let pins = pinned(case).map_err(|e| format!("{name}: {e}"))?;
    let mut problems = Vec::new();
    let mut got = Vec::new();
    for pin in &pins {
        match generation.files.iter().find(|f| f.path == *pin) {
            Some(file) => got.push(file.clone()),
            None => problems.push(format!(
                "{name}: pinned.txt pins {pin}, which is not generated"
            )),
        }
    }
    let want_dir = case.join("expected");
    let plan = sync::plan(&want_dir, &got).map_err(|e| format!("{name}: {e}"))?;
    if update_expect() {
        // Writes the pinned files and removes the others.
        sync::apply(&want_dir, &got, &plan).map_err(|e| format!("{name}: {e}"))?;
        return if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        };
    }
    for path in &plan.missing {
        problems.push(format!(
            "{name}: {path} is pinned but expected/{path} is missing"
        ));
    }
    for path in &plan.stale {
        let want = fs::read_to_string(want_dir.join(path)).unwrap_or_default();
        let contents = got
            .iter()
            .find(|f| f.path == *path)
            .map_or("", |f| f.contents.as_str());
        problems.push(format!(
            "{name}: {path} differs from expected/{path}:\n{}",
            unified_diff(
                &format!("expected/{path}"),
                &want,
                &format!("generated/{path}"),
                contents
            )
        ));
    }
    for path in &plan.extra {
        problems.push(format!(
            "{name}: expected/{path} is not pinned: list it in pinned.txt or remove it"
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[test]
fn every_fixture_generates_exactly_its_expected_output() {
    let cases = fixture_cases();
    assert!(
        cases.len() >= 8,
        "expected the fixture folders, found {}",
        cases.len()
    );
    let failures: Vec<String> = cases.iter().filter_map(|c| check(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} fixture(s) differ (UPDATE_EXPECT=1 rewrites them):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_generator_rule_has_a_refusal_fixture() {
    let refused: Vec<String> = fixture_cases()
        .iter()
        .filter_map(|c| run(c).err())
        .flat_map(|r| {
            r.diagnostics
                .into_iter()
                .map(|d| d.rule.as_str().to_owned())
        })
        .collect();
    assert!(
        refused.iter().any(|r| r == "codegen-unsupported"),
        "no fixture triggers codegen-unsupported: {refused:?}"
    );
}

#[test]
fn generation_is_deterministic() {
    for case in fixture_cases() {
        let (a, b) = (run(&case), run(&case));
        assert_eq!(a.map(|g| g.files), b.map(|g| g.files), "{}", case.display());
    }
}

/// The corpus specs, `(name as reported, path)`, or why they are missing.
fn corpus() -> Result<Vec<(String, PathBuf)>, String> {
    let dir = root().join("target/corpus");
    if !dir.join("SHA256SUMS").is_file() {
        return Err(format!(
            "the real-world corpus is missing from {}: run `cargo xtask test`, which downloads it",
            dir.display()
        ));
    }
    let mut specs = Vec::new();
    for version in ["2.0", "3.0", "3.1"] {
        let entries = fs::read_dir(dir.join(version)).map_err(|e| e.to_string())?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() {
                let name = format!("{version}/{}", case_name(&path));
                specs.push((name, path));
            }
        }
    }
    specs.sort();
    Ok(specs)
}

/// A crate directory name for a spec name (`3.0/github.json` is `github-json`).
fn crate_dir(name: &str) -> String {
    let file = name.rsplit('/').next().unwrap_or(name);
    file.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// Writes a crate, touching only the files that changed, so that a re-run checks only what changed.
fn write_crate(dir: &Path, files: &[GeneratedFile]) {
    let plan = sync::plan(dir, files)
        .unwrap_or_else(|e| panic!("comparing {} with its generation: {e}", dir.display()));
    sync::apply(dir, files, &plan).unwrap_or_else(|e| panic!("writing {}: {e}", dir.display()));
}

#[test]
fn corpus_and_fixture_crates_generate_as_expected_and_compile() {
    let corpus = corpus().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        corpus.len() >= 30,
        "expected the whole corpus, found {} specs",
        corpus.len()
    );
    let work = root().join("target/codegen-check");
    fs::create_dir_all(&work).expect("creating target/codegen-check");
    let mut members = Vec::new();
    let mut outcomes = String::new();
    for (name, path) in &corpus {
        let text = fs::read(path).expect("reading a corpus spec");
        let text = String::from_utf8_lossy(&text);
        let dir = crate_dir(name);
        match generate(name, &text, &config(&format!("corpus-{dir}"))) {
            Ok(generation) => {
                let _ = writeln!(
                    outcomes,
                    "{name}: generated {} operations, {} types",
                    generation.stats.operations, generation.stats.types
                );
                write_crate(&work.join(&dir), &generation.files);
                members.push(dir);
            }
            Err(report) => {
                let _ = writeln!(outcomes, "{report}");
            }
        }
    }
    let expected = root().join("tests/fixtures/corpus/expected.txt");
    if let Err(difference) = check_file(&expected, &outcomes) {
        panic!("the corpus outcomes changed:\n{difference}");
    }
    for case in fixture_cases() {
        if let Ok(generation) = run(&case) {
            let dir = format!("fixture-{}", case_name(&case));
            write_crate(&work.join(&dir), &generation.files);
            members.push(dir);
        }
    }
    // One workspace, one target directory: the dependencies build once. The lock file of this workspace pins
    // the same versions, so nothing is downloaded.
    let list: Vec<String> = members.iter().map(|m| format!("    {m:?},")).collect();
    fs::write(
        work.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n",
            list.join("\n")
        ),
    )
    .expect("writing the check workspace");
    fs::copy(root().join("Cargo.lock"), work.join("Cargo.lock")).expect("copying Cargo.lock");
    let output = Command::new(env!("CARGO"))
        .args([
            "check",
            "--offline",
            "--workspace",
            "--keep-going",
            "--quiet",
            "--message-format",
            "short",
        ])
        .current_dir(&work)
        .env("CARGO_TARGET_DIR", work.join("target"))
        // Incremental data for crates this size runs to gigabytes and only helps local re-runs.
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("running cargo check");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let problems: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(": error") || l.contains(": warning"))
        .collect();
    assert!(
        output.status.success() && problems.is_empty(),
        "{} generated crates; cargo check found {} problem(s):\n{}\n{}",
        members.len(),
        problems.len(),
        problems.join("\n"),
        if problems.is_empty() { &stderr } else { "" }
    );
}

/// The CLI's default output (the runtime's source copied in) builds where no workspace and no runtime
/// crate is in reach: a temporary directory outside this repository, with only the registry's crates.
#[test]
fn a_crate_generated_outside_the_workspace_builds_as_it_is() {
    let out = std::env::temp_dir().join(format!("oas-outside-{}", std::process::id()));
    let _ = fs::remove_dir_all(&out);
    let status = Command::new(env!("CARGO"))
        .args([
            "run",
            "--quiet",
            "--offline",
            "-p",
            "fincode-generator",
            "--",
            "--spec",
        ])
        .arg(root().join("tests/build-script/petstore.yaml"))
        .arg("--out")
        .arg(&out)
        .args(["--crate-name", "petstore"])
        .current_dir(root())
        .status()
        .expect("running the generator's CLI");
    assert!(status.success(), "the CLI failed");
    let manifest = fs::read_to_string(out.join("Cargo.toml")).expect("the generated Cargo.toml");
    assert!(!manifest.contains("oas-runtime"), "{manifest}");
    assert!(out.join("src/runtime/mod.rs").is_file());
    // The workspace's lock file pins the same versions, so nothing is downloaded; the shared target
    // directory keeps the dependencies built once.
    fs::copy(root().join("Cargo.lock"), out.join("Cargo.lock")).expect("copying Cargo.lock");
    check_without_warnings(&out, "the crate");

    // The same crate as one file for `include!`, the runtime inline: what a build script without a
    // runtime dependency gets.
    let text =
        fs::read_to_string(root().join("tests/build-script/petstore.yaml")).expect("petstore");
    let mut config = Config::new("petstore");
    config.single_file(true);
    let single = generate("petstore.yaml", &text, &config).expect("the petstore generates");
    let [file] = single.files.as_slice() else {
        panic!(
            "one file, not {:?}",
            single.files.iter().map(|f| &f.path).collect::<Vec<_>>()
        );
    };
    assert!(
        file.contents.contains("mod runtime {"),
        "the runtime is inline"
    );
    assert!(
        !file.contents.contains("mod tests"),
        "without the runtime's tests"
    );
    let _ = fs::remove_dir_all(out.join("src"));
    fs::create_dir_all(out.join("src")).expect("creating src");
    fs::write(out.join("src").join(&file.path), &file.contents).expect("writing the file");
    fs::write(
        out.join("src/lib.rs"),
        format!("include!(\"{}\");\n", file.path),
    )
    .expect("writing lib.rs");
    check_without_warnings(&out, "the single-file crate");
    let _ = fs::remove_dir_all(&out);
}

/// `cargo check` of the crate in `dir`, which must pass with no warning, in the target directory the
/// fixture crates share so that the dependencies build once.
fn check_without_warnings(dir: &Path, what: &str) {
    let output = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--quiet", "--message-format", "short"])
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            root().join("target/codegen-check/target"),
        )
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("running cargo check");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && !stderr.contains(": warning"),
        "cargo check of {what} in {}:\n{stderr}",
        dir.display()
    );
}
