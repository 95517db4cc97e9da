//! Helpers shared by the end-to-end tests.

use std::path::{Path, PathBuf};

pub mod examples;
pub mod webhook_receiver;

/// The workspace root.
pub fn root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(Path::to_path_buf).unwrap_or(here)
}

/// `spec/fincode.yaml`.
pub fn spec_path() -> PathBuf {
    root().join("spec/fincode.yaml")
}

/// Whether the expected outputs should be rewritten instead of compared (`UPDATE_EXPECT=1`).
pub fn update_expect() -> bool {
    std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1")
}

/// Compares `actual` with the file at `expected`, or rewrites the file under `UPDATE_EXPECT=1`.
///
/// Returns a description of the difference, so a data-driven test can report every mismatch at once.
pub fn check_file(expected: &Path, actual: &str) -> Result<(), String> {
    if update_expect() {
        std::fs::write(expected, actual)
            .map_err(|e| format!("writing {}: {e}", expected.display()))?;
        return Ok(());
    }
    let want = std::fs::read_to_string(expected).unwrap_or_default();
    if want == actual {
        Ok(())
    } else {
        Err(format!(
            "{} differs (UPDATE_EXPECT=1 rewrites it):\n{}",
            expected.display(),
            unified_diff("expected", &want, "actual", actual)
        ))
    }
}

/// The lines that differ between two texts, as a unified diff with three lines of context.
pub fn unified_diff(want_name: &str, want: &str, got_name: &str, got: &str) -> String {
    similar::TextDiff::from_lines(want, got)
        .unified_diff()
        .context_radius(3)
        .header(want_name, got_name)
        .to_string()
}

/// The README's Rust examples, compiled as doctests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
