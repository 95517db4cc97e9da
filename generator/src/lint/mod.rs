//! The spec rules of `cargo xtask validate`.
//!
//! [`lint_source`] loads a text and runs every rule, collecting all findings before it reports;
//! each finding names its [`Rule`], the JSON pointer of the element at fault and its source position.
//! The rules are documented on [`Rule`].

mod examples;
mod money;
mod operations;
mod pagination;
mod refs;
mod walk;

use crate::diagnostic::{Report, Rule};
use crate::load::{load, Spec};

/// Loads `text` and checks it; `file` is the name the findings print.
pub fn lint_source(file: &str, text: &str) -> Report {
    let findings = match load(text) {
        Ok((spec, mut findings)) => {
            findings.extend(lint(&spec));
            findings
        }
        Err(findings) => findings,
    };
    Report::new(file, findings)
}

/// Runs every rule over a loaded spec.
pub fn lint(spec: &Spec) -> Vec<crate::Diagnostic> {
    let mut out = Vec::new();
    let walk = walk::walk(&spec.value);
    let refs_resolve = refs::check(spec, &mut out);
    operations::check(spec, &mut out);
    crate::check::path_params::check(spec, &mut out);
    examples::check(spec, &walk, refs_resolve, &mut out);
    money::check(spec, &walk, &mut out);
    pagination::check(spec, &mut out);
    debug_assert!(out.iter().all(|d| Rule::ALL.contains(&d.rule)));
    out
}
