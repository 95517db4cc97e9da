//! `cargo xtask mock`: serves `spec/fincode.yaml` with Stoplight Prism on 127.0.0.1 in the foreground, for running
//! the client (the quickstart example, say) without the real API; Ctrl-C stops it.
//!
//! Prism answers every operation with the spec's example response, and with `--errors` answers a request that
//! violates the spec with an error status, logging the violations. It serves the paths at its root, without the
//! servers' base paths, so the client's base URL must be exactly the URL printed.

use anyhow::{bail, Context};
use xtask::{prism, SPEC};

use crate::output::print;
use crate::tools;

#[derive(clap::Args)]
pub struct Args {
    /// The port to listen on, on 127.0.0.1.
    #[arg(long, default_value_t = 4010)]
    port: u16,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    tools::install_npm()?;
    let spec = xtask::root().join(SPEC);
    let mut cmd = prism::command(&spec, args.port)?;
    // Prism stays in the terminal's process group, so Ctrl-C reaches it as well as this task.
    let mut child = cmd.spawn().with_context(|| format!("starting {cmd:?}"))?;
    let ready = prism::wait_until_ready(&mut child, args.port, prism::STARTUP_TIMEOUT, || {
        "(printed above)".to_owned()
    });
    if let Err(e) = ready {
        let _ = child.kill();
        let _ = child.wait();
        return Err(e);
    }
    let url = prism::url(args.port);
    print(
        std::io::stdout(),
        &format!(
            "mock: serving {SPEC} at {url}; point the client at it with \
             `fincode::Client::builder().base_url(\"{url}\")` (Ctrl-C stops)\n"
        ),
    )?;
    let status = child.wait().context("waiting for Prism")?;
    if !status.success() && !interrupted(status) {
        bail!("Prism stopped ({status})");
    }
    Ok(())
}

/// Whether Prism was stopped by Ctrl-C or `kill`, the way this task is meant to end.
#[cfg(unix)]
fn interrupted(status: std::process::ExitStatus) -> bool {
    use std::os::unix::process::ExitStatusExt;
    matches!(status.signal(), Some(libc::SIGINT | libc::SIGTERM))
}

#[cfg(not(unix))]
fn interrupted(_: std::process::ExitStatus) -> bool {
    false
}
