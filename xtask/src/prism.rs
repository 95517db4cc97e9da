//! Stoplight Prism serving a spec as a mock server on 127.0.0.1, for the contract test and `cargo xtask mock`.
//!
//! Prism (`@stoplight/prism-cli`, pinned in `tools/package-lock.json`) is installed under `tools/node_modules` by
//! `cargo xtask tools`. With `--errors` it answers a request that violates the spec with an error status and lists
//! the violations in its `sl-violations` response header and in its log.
//! It serves the spec's paths at its root, without the servers' base paths, so a client must use its URL as the
//! base URL of every operation.
//!
//! ```no_run
//! let prism = xtask::Prism::start(&xtask::root().join(xtask::SPEC))?;
//! println!("the mock answers at {}", prism.url());
//! # anyhow::Ok(())
//! ```

use std::fmt;
use std::io::Read;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

/// How long Prism may take to load the spec and start listening.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// How many times [`Prism::start`] picks a new port when another process took the free one first.
const PORT_ATTEMPTS: usize = 3;

/// The Prism executable under `tools/`, or an error saying how to install it.
pub fn executable() -> anyhow::Result<PathBuf> {
    let path = crate::root().join("tools/node_modules/.bin/prism");
    if !path.exists() {
        bail!(
            "Prism is not installed ({} is missing): run `cargo xtask tools` \
             (or the whole suite with `cargo xtask test`)",
            path.display()
        );
    }
    Ok(path)
}

/// The command that serves `spec` on `127.0.0.1:port` with `--errors`, update checks off.
///
/// It runs in the workspace root, so a relative `spec` is taken from there.
pub fn command(spec: &Path, port: u16) -> anyhow::Result<Command> {
    let mut cmd = Command::new(executable()?);
    cmd.current_dir(crate::root())
        .arg("mock")
        .arg(spec)
        .args(["--errors", "-h", "127.0.0.1", "-p"])
        .arg(port.to_string())
        .env("NO_UPDATE_NOTIFIER", "1")
        .stdin(Stdio::null());
    Ok(cmd)
}

/// The base URL of a server on `127.0.0.1:port`.
pub fn url(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

/// Waits until the server on `127.0.0.1:port` accepts connections, or fails with `output()` when `child` exits or
/// `timeout` passes first.
pub fn wait_until_ready(
    child: &mut Child,
    port: u16,
    timeout: Duration,
    output: impl Fn() -> String,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().context("checking on Prism")? {
            bail!("{}", exited(status, &output()));
        }
        if listening(port) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            bail!(
                "Prism did not answer on {} within {} s; its output:\n{}",
                url(port),
                timeout.as_secs(),
                output()
            );
        }
        thread::sleep(Duration::from_millis(100));
    }
}

fn exited(status: ExitStatus, output: &str) -> String {
    format!("Prism exited before answering ({status}); its output:\n{output}")
}

/// Whether something accepts connections on `127.0.0.1:port`. Prism listens only once it has loaded the spec.
/// A connection is enough: an HTTP request would add an error line (no route for it) to Prism's log.
fn listening(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_ok()
}

/// A port on 127.0.0.1 that was free a moment ago.
fn free_port() -> anyhow::Result<u16> {
    let listener =
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("finding a free port on 127.0.0.1")?;
    Ok(listener
        .local_addr()
        .context("reading the free port")?
        .port())
}

/// A running Prism mock server, stopped (with every process it started) when dropped.
pub struct Prism {
    child: Child,
    port: u16,
    output: Arc<Mutex<Vec<u8>>>,
}

impl fmt::Debug for Prism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Prism")
            .field("url", &self.url())
            .field("pid", &self.child.id())
            .finish_non_exhaustive()
    }
}

impl Prism {
    /// Serves `spec` on a free port of 127.0.0.1 with `--errors` and waits until it answers.
    ///
    /// Prism's output (its log of every request and the violations it found) is kept; see [`output`](Self::output).
    pub fn start(spec: &Path) -> anyhow::Result<Prism> {
        let mut attempt = 1;
        loop {
            match Self::start_on(spec, free_port()?) {
                // Another process may bind the port between our check and Prism's bind: try another.
                Err(e) if attempt < PORT_ATTEMPTS && format!("{e:#}").contains("EADDRINUSE") => {
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    fn start_on(spec: &Path, port: u16) -> anyhow::Result<Prism> {
        let mut cmd = command(spec, port)?;
        cmd.env("FORCE_COLOR", "0")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Its own process group, so that dropping it stops Node and anything Node started.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd.spawn().with_context(|| format!("starting {cmd:?}"))?;
        let output = Arc::new(Mutex::new(Vec::new()));
        for pipe in [
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let output = Arc::clone(&output);
            thread::spawn(move || collect(pipe, &output));
        }
        // Owned before waiting, so that a Prism that never answers is stopped by the drop.
        let mut prism = Prism {
            child,
            port,
            output: Arc::clone(&output),
        };
        wait_until_ready(&mut prism.child, port, STARTUP_TIMEOUT, || text(&output))?;
        Ok(prism)
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        url(self.port)
    }

    /// What Prism has printed so far: a line per request received, and the violations it found.
    pub fn output(&self) -> String {
        text(&self.output)
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            stop(&mut self.child);
        }
        // Reap it, so no zombie is left either.
        let _ = self.child.wait();
    }
}

/// Kills the process group of `child` (its own, see [`Prism::start_on`]); `child` is not yet reaped, so its id
/// still names that group.
#[cfg(unix)]
fn stop(child: &mut Child) {
    match libc::pid_t::try_from(child.id()) {
        // SAFETY: `kill` takes no pointers; the negative id names the process group `child` leads.
        Ok(pid) if unsafe { libc::kill(-pid, libc::SIGKILL) } == 0 => {}
        _ => {
            let _ = child.kill();
        }
    }
}

#[cfg(not(unix))]
fn stop(child: &mut Child) {
    let _ = child.kill();
}

/// Appends everything `pipe` yields to `output` until it closes.
fn collect(mut pipe: impl Read, output: &Mutex<Vec<u8>>) {
    let mut buf = [0; 8192];
    while let Ok(n) = pipe.read(&mut buf) {
        if n == 0 {
            break;
        }
        output
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(&buf[..n]);
    }
}

fn text(output: &Mutex<Vec<u8>>) -> String {
    String::from_utf8_lossy(&output.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
}
