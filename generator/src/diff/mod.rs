//! What changed in a generated client's public Rust API between two versions of a spec, and what each change
//! means for the crate's version.
//!
//! Spec-level diff tools judge the HTTP contract; this module judges the Rust API the generator makes of it,
//! so it compares the two IRs, where every Rust name is decided:
//!
//! - adding a value to an enum is minor: every generated enum is `#[non_exhaustive]` and open (an `Unknown`
//!   variant keeps values it does not know);
//! - adding an optional member to a struct is minor: structs are `#[non_exhaustive]`, built with
//!   `new(required...)` and chained setters, so no user writes a struct literal; a required member is a new
//!   argument of `new`, which is major;
//! - an optional parameter is a method of the request builder (minor to add); a required one is an argument of
//!   the operation's method (major to add, remove, retype or reorder);
//! - an operation is a method named after its `operationId` on the group of its first tag: renaming the id or
//!   moving it to another tag is major.
//!
//! Each [`Change`] names the rule, the Rust item, and where in the spec it comes from (the new spec, or the
//! old one for what was removed). Changes that make clients already deployed fail against the new API
//! (a response member that may now be absent, a new required request member, a server removed...) carry a
//! [`Change::runtime`] explanation as well, whatever their compile-time impact.
//!
//! ```
//! let old = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: get_a\n      responses: {'204': {description: ok}}\n";
//! let new = "openapi: 3.0.3\ninfo: {title: t, version: '2'}\npaths: {}\n";
//! let report = generator::diff::diff(("old.yaml", old), ("new.yaml", new)).unwrap();
//! assert_eq!(report.impact(), generator::diff::Impact::Major);
//! assert!(report.changes.iter().any(|c| c.rule == "operation-removed"));
//! assert_eq!(generator::diff::Impact::Major.bump("0.3.1").unwrap(), "0.4.0");
//! ```

mod compare;
mod usage;

use std::fmt;

use serde::Serialize;

use crate::diagnostic::Report;
use crate::{ir, load};

/// How a change affects the crate's users, in the terms of Cargo's semver rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Impact {
    /// Nothing a user can name changes (documentation, wire details).
    Patch,
    /// Something is added; code written against the old API still compiles.
    Minor,
    /// Code written against the old API may no longer compile.
    Major,
}

impl Impact {
    /// The impact's name: `major`, `minor` or `patch`.
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Patch => "patch",
            Impact::Minor => "minor",
            Impact::Major => "major",
        }
    }

    /// The version after a release with this impact, from `version` (`MAJOR.MINOR.PATCH`), by Cargo's rules:
    /// below 1.0.0 the leftmost non-zero component is the one a breaking change moves (`0.3.1` -> `0.4.0`),
    /// and an addition moves the next one (`0.3.1` -> `0.3.2`).
    pub fn bump(self, version: &str) -> Result<String, String> {
        let mut v = semver::Version::parse(version)
            .map_err(|e| format!("`{version}` is not a semver version: {e}"))?;
        v.pre = semver::Prerelease::EMPTY;
        v.build = semver::BuildMetadata::EMPTY;
        match (self, v.major, v.minor) {
            (Impact::Major, 0, 0) | (Impact::Minor, 0, 0) | (Impact::Patch, _, _) => v.patch += 1,
            (Impact::Major, 0, _) => {
                v.minor += 1;
                v.patch = 0;
            }
            (Impact::Minor, 0, _) => v.patch += 1,
            (Impact::Major, _, _) => {
                v.major += 1;
                v.minor = 0;
                v.patch = 0;
            }
            (Impact::Minor, _, _) => {
                v.minor += 1;
                v.patch = 0;
            }
        }
        Ok(v.to_string())
    }
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which of the two specs a change is located in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The old spec: where something was removed.
    Old,
    /// The new spec: where something was added or changed.
    New,
}

/// Where in a spec a change comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    /// The spec it is in.
    pub side: Side,
    /// That spec's display name.
    pub file: String,
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1.
    pub column: usize,
    /// The JSON pointer.
    pub pointer: String,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{} #{}",
            self.file, self.line, self.column, self.pointer
        )
    }
}

/// One change of the public API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What it does to the crate's version.
    pub impact: Impact,
    /// The rule that classified it (`operation-removed`, `member-added`...).
    pub rule: &'static str,
    /// The Rust item concerned (`Pets::list_pets`, `types::Pet::tag`).
    pub item: String,
    /// What changed, and why it has this impact.
    pub message: String,
    /// How clients already deployed fail against the new API because of it, if they do.
    pub runtime: Option<String>,
    /// Where in the specs it comes from.
    pub place: Place,
}

/// The changes between two specs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffReport {
    /// The old spec's display name.
    pub old: String,
    /// The new spec's display name.
    pub new: String,
    /// Every change, the largest impact first, then in the order of the items.
    pub changes: Vec<Change>,
}

impl DiffReport {
    /// The largest impact of any change (`Patch` when nothing changed).
    pub fn impact(&self) -> Impact {
        self.changes
            .iter()
            .map(|c| c.impact)
            .max()
            .unwrap_or(Impact::Patch)
    }

    /// Whether anything in the public API or the HTTP contract changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// How many changes have `impact`.
    pub fn count(&self, impact: Impact) -> usize {
        self.changes.iter().filter(|c| c.impact == impact).count()
    }

    /// The changes that make clients already deployed fail against the new API.
    pub fn runtime_breaking(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.runtime.is_some())
    }

    /// One line: the impact and the counts.
    pub fn summary(&self) -> String {
        let runtime = self.runtime_breaking().count();
        format!(
            "{} ({} major, {} minor, {} patch; {} breaking deployed clients at runtime)",
            self.impact(),
            self.count(Impact::Major),
            self.count(Impact::Minor),
            self.count(Impact::Patch),
            runtime
        )
    }

    /// The report as pretty-printed JSON: `old`, `new`, `impact`, `changes` (each with `impact`, `rule`,
    /// `item`, `message`, `runtime` and `place`).
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Json<'a> {
            old: &'a str,
            new: &'a str,
            impact: Impact,
            changes: &'a [Change],
        }
        let json = Json {
            old: &self.old,
            new: &self.new,
            impact: self.impact(),
            changes: &self.changes,
        };
        // Strings, numbers and enums of plain names: serialization cannot fail.
        serde_json::to_string_pretty(&json).unwrap_or_default()
    }
}

/// The text report: a summary line, each change with its place, then the runtime-breaking ones again.
impl fmt::Display for DiffReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} -> {}: {}", self.old, self.new, self.summary())?;
        for c in &self.changes {
            writeln!(f, "{:<5}  {}  {}: {}", c.impact, c.rule, c.item, c.message)?;
            writeln!(f, "       at {}", c.place)?;
        }
        let runtime: Vec<&Change> = self.runtime_breaking().collect();
        if !runtime.is_empty() {
            writeln!(
                f,
                "\nBreaking clients already deployed (HTTP level, whatever compiles):"
            )?;
            for c in runtime {
                let why = c.runtime.as_deref().unwrap_or_default();
                writeln!(f, "- {} ({}): {why}", c.item, c.rule)?;
            }
        }
        Ok(())
    }
}

/// Compares two specs, each given as `(display name, text)`, by the clients generated from them.
///
/// Fails with the findings of the first spec that cannot be generated from.
pub fn diff(old: (&str, &str), new: (&str, &str)) -> Result<DiffReport, Report> {
    let (old_spec, old_api) = build(old.0, old.1)?;
    let (new_spec, new_api) = build(new.0, new.1)?;
    let mut found = Vec::new();
    compare::compare(
        (&old_api, &old_spec.value),
        (&new_api, &new_spec.value),
        &mut found,
    );
    let locate = |side: Side, pointer: String| {
        let (file, spec) = match side {
            Side::Old => (old.0, &old_spec),
            Side::New => (new.0, &new_spec),
        };
        let at = spec.source.locate(&pointer);
        Place {
            side,
            file: file.to_owned(),
            line: at.line,
            column: at.column,
            pointer,
        }
    };
    let mut changes: Vec<Change> = found
        .into_iter()
        .map(|c| Change {
            impact: c.impact,
            rule: c.rule,
            item: c.item,
            message: c.message,
            runtime: c.runtime,
            place: locate(c.side, c.pointer),
        })
        .collect();
    // Stable: within an impact, changes keep the order of the items they were found in.
    changes.sort_by_key(|c| std::cmp::Reverse(c.impact));
    Ok(DiffReport {
        old: old.0.to_owned(),
        new: new.0.to_owned(),
        changes,
    })
}

fn build(file: &str, text: &str) -> Result<(load::Spec, ir::Api), Report> {
    let (spec, findings) =
        load::load_with(text, load::PathItems::Checked).map_err(|f| Report::new(file, f))?;
    if !findings.is_empty() {
        return Err(Report::new(file, findings));
    }
    let api = ir::build(&spec).map_err(|f| Report::new(file, f))?;
    Ok((spec, api))
}

/// A change as the comparison finds it, before it is located in its spec.
#[derive(Debug)]
struct Found {
    impact: Impact,
    rule: &'static str,
    item: String,
    message: String,
    runtime: Option<String>,
    side: Side,
    pointer: String,
}

#[cfg(test)]
mod tests;
