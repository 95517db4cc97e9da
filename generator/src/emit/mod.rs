//! Emitters: IR to files.
use crate::diagnostic::Diagnostic;
use crate::ir::Api;
use crate::{Config, GeneratedFile};

pub fn emit(_api: &Api, _file: &str, _config: &Config) -> Result<Vec<GeneratedFile>, Vec<Diagnostic>> {
    Ok(Vec::new())
}
