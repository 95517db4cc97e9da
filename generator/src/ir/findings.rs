//! The diagnostics sink of IR building: what the generator cannot turn into Rust, each at its pointer.

use super::names::{Ident, InvalidName};
use crate::diagnostic::{Diagnostic, Rule};
use crate::load::Spec;

/// The `codegen-unsupported` findings recorded while building the IR.
pub struct Findings<'a> {
    spec: &'a Spec,
    list: Vec<Diagnostic>,
}

impl<'a> Findings<'a> {
    /// No findings yet; `spec` locates the ones to come.
    pub fn new(spec: &'a Spec) -> Self {
        Findings {
            spec,
            list: Vec::new(),
        }
    }

    /// Records a problem at `ptr`.
    pub fn unsupported(&mut self, ptr: &str, message: impl Into<String>) {
        let d = self
            .spec
            .diagnostic(Rule::CodegenUnsupported, ptr.to_owned(), message);
        self.list.push(d);
    }

    /// The identifier a namespace handed out, or `None` after a finding at `ptr` saying why there is none.
    pub fn ident(&mut self, claimed: Result<Ident, InvalidName>, ptr: &str) -> Option<Ident> {
        claimed
            .map_err(|e| self.unsupported(ptr, e.to_string()))
            .ok()
    }

    /// The findings, in the order recorded.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.list
    }
}
