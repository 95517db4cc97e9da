//! Printing the tasks' results.

use std::io::{ErrorKind, Write};

use anyhow::Context;

/// Writes `text`, ignoring a reader that went away (`| head`): the exit status still tells the result.
pub fn print(mut out: impl Write, text: &str) -> anyhow::Result<()> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        other => other.context("printing"),
    }
}
