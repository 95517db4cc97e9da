//! The `fincode` crate's version and changelog, from what changed in the spec since the last release.
//!
//! [`RELEASE`] (`spec/release.toml`) records the last published release: its version, a copy of the spec it
//! was generated from and its changelog. [`fincode_generation`] compares that spec with the current one
//! ([`generator::diff`]), bumps the version by the largest impact, and adds `CHANGELOG.md` (a section for
//! the coming version above the released ones) to the generated files, so that `cargo xtask codegen` writes
//! both and `--check` (and the drift test) fail when either does not match the spec.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Context};
use generator::diff::{Change, DiffReport, Impact};
use generator::{GeneratedFile, Generation};

/// The record of the last release, relative to the workspace root.
pub const RELEASE: &str = "spec/release.toml";

/// The last published release of the `fincode` crate, as [`RELEASE`] records it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Release {
    /// Its version.
    pub version: String,
    /// The spec it was generated from, relative to the workspace root: a copy, so that a clone without
    /// history still has it.
    pub spec: String,
    /// Its changelog (the sections of every release so far, newest first), relative to the workspace root.
    pub changelog: String,
}

impl Release {
    /// Reads [`RELEASE`] under `root`.
    pub fn read(root: &Path) -> anyhow::Result<Release> {
        let path = root.join(RELEASE);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading the release record {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("reading {RELEASE}"))
    }
}

/// The `fincode` crate as `cargo xtask codegen` writes it, and what changed since the last release.
#[derive(Debug)]
pub struct Fincode {
    /// The files, `CHANGELOG.md` among them, sorted by path.
    pub generation: Generation,
    /// The last release.
    pub release: Release,
    /// The changes since.
    pub diff: DiffReport,
    /// The crate's version: the release's, bumped by the largest impact when the spec changed.
    pub version: String,
}

/// Why the crate could not be generated.
#[derive(Debug)]
pub enum Failure {
    /// The spec has problems, each located.
    Spec(generator::Report),
    /// Anything else (files, the release record).
    Other(anyhow::Error),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Spec(report) => write!(f, "{report}"),
            Failure::Other(e) => write!(f, "{e:#}"),
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

/// Generates the `fincode` crate from the spec under `root`, versioned and described against the release.
pub fn fincode_generation(root: &Path) -> Result<Fincode, Failure> {
    let release = Release::read(root)?;
    let current = read_spec(&root.join(crate::SPEC))?;
    let released = read_spec(&root.join(&release.spec))?;
    let released_changelog = std::fs::read_to_string(root.join(&release.changelog))
        .with_context(|| format!("reading the released changelog {}", release.changelog))?;
    let released_name = format!("{}@{}", crate::SPEC, release.version);
    let diff = generator::diff::diff((&released_name, &released), (crate::SPEC, &current))
        .map_err(|report| match report.file.as_str() {
            // The released spec no longer generates: the record is wrong, not the spec.
            name if name == released_name => Failure::Other(anyhow::anyhow!(
                "the released spec {} does not generate with this generator:\n{report}",
                release.spec
            )),
            _ => Failure::Spec(report),
        })?;
    let version = if released == current {
        release.version.clone()
    } else {
        // A spec that changed only in its text (descriptions, examples) still changes the docs: a patch.
        diff.impact()
            .bump(&release.version)
            .map_err(|e| anyhow::anyhow!("{RELEASE}: {e}"))?
    };
    let mut config = crate::fincode_config();
    config.crate_version(version.clone());
    let mut generation =
        generator::generate(crate::SPEC, &current, &config).map_err(Failure::Spec)?;
    let changelog = changelog(&release, &diff, &version, &released_changelog);
    generation.files.push(GeneratedFile {
        path: "CHANGELOG.md".to_owned(),
        contents: changelog,
    });
    generation.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Fincode {
        generation,
        release,
        diff,
        version,
    })
}

/// `CHANGELOG.md`: the coming version's section (when the version moved), then the released ones.
pub fn changelog(release: &Release, diff: &DiffReport, version: &str, released: &str) -> String {
    let mut out = format!(
        "<!-- @generated by `cargo xtask codegen` from `{}` and `{RELEASE}`: do not edit by hand -->\n\n\
         # Changelog\n\n\
         The changes of the `fincode` crate's public API, by release, as `cargo xtask diff` classifies them.\n",
        crate::SPEC
    );
    if version != release.version {
        let _ = write!(
            out,
            "\n## {version} (unreleased)\n\n{} since {}.\n",
            capitalized(diff.impact()),
            release.version
        );
        if diff.is_empty() {
            out.push_str("\nThe spec's text changed; the public API did not.\n");
        }
        let sections = [
            (Impact::Major, "Breaking changes"),
            (Impact::Minor, "Additions"),
            (Impact::Patch, "Other changes"),
        ];
        for (impact, title) in sections {
            let changes: Vec<&Change> =
                diff.changes.iter().filter(|c| c.impact == impact).collect();
            if changes.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n### {title}\n");
            for c in changes {
                let _ = writeln!(out, "- `{}`: {} ({}).", c.item, c.message, c.rule);
            }
        }
        let runtime: Vec<&Change> = diff.runtime_breaking().collect();
        if !runtime.is_empty() {
            out.push_str("\n### Breaking clients already deployed\n\n");
            for c in runtime {
                let why = c.runtime.as_deref().unwrap_or_default();
                let _ = writeln!(out, "- `{}`: {why}.", c.item);
            }
        }
    }
    let released = released.trim();
    if !released.is_empty() {
        let _ = write!(out, "\n{released}\n");
    }
    out
}

fn capitalized(impact: Impact) -> &'static str {
    match impact {
        Impact::Major => "Breaking changes",
        Impact::Minor => "Additions",
        Impact::Patch => "Fixes and documentation",
    }
}

fn read_spec(path: &Path) -> anyhow::Result<String> {
    let bytes =
        std::fs::read(path).with_context(|| format!("reading the spec {}", path.display()))?;
    match generator::decode(&bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(finding) => bail!("{}: {}", path.display(), finding.message),
    }
}

/// The text of [`crate::SPEC`] at git revision `rev`.
pub fn spec_at(rev: &str) -> anyhow::Result<String> {
    let output = std::process::Command::new("git")
        .args(["show", &format!("{rev}:{}", crate::SPEC)])
        .current_dir(crate::root())
        .output()
        .context("running git show")?;
    if !output.status.success() {
        bail!(
            "git show {rev}:{}: {}",
            crate::SPEC,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    String::from_utf8(output.stdout)
        .with_context(|| format!("{} at {rev} is not UTF-8", crate::SPEC))
}

/// Records the crate as [`fincode_generation`] makes it from the spec under `root` as the new release: the
/// spec copied to the record's `spec`, the changelog's sections (the new one without ` (unreleased)`) to the
/// record's `changelog`, the version into [`RELEASE`]. Returns the version recorded.
///
/// Run it once the crate is published; a regeneration then shows no change until the spec changes again.
pub fn record(root: &Path) -> Result<String, Failure> {
    let fincode = fincode_generation(root)?;
    let release = &fincode.release;
    if fincode.version == release.version {
        return Err(Failure::Other(anyhow::anyhow!(
            "{} is the spec of release {}: nothing to record",
            crate::SPEC,
            release.version
        )));
    }
    let changelog = fincode
        .generation
        .files
        .iter()
        .find(|f| f.path == "CHANGELOG.md")
        .map(|f| f.contents.as_str())
        .unwrap_or_default();
    // The sections start at the first second-level heading, after the generated header.
    let sections = changelog
        .find("\n## ")
        .map_or("", |at| &changelog[at + 1..])
        .replacen(
            &format!("## {} (unreleased)\n", fincode.version),
            &format!("## {}\n", fincode.version),
            1,
        );
    let record_path = root.join(RELEASE);
    let text = std::fs::read_to_string(&record_path)
        .with_context(|| format!("reading {}", record_path.display()))?;
    let mut replaced = false;
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            if !replaced && line.starts_with("version") && line.contains('=') {
                replaced = true;
                format!("version = \"{}\"", fincode.version)
            } else {
                line.to_owned()
            }
        })
        .collect();
    if !replaced {
        return Err(Failure::Other(anyhow::anyhow!(
            "{RELEASE} has no `version` line"
        )));
    }
    let spec = std::fs::read(root.join(crate::SPEC))
        .with_context(|| format!("reading {}", crate::SPEC))?;
    let write = |path: &str, contents: &[u8]| -> anyhow::Result<()> {
        std::fs::write(root.join(path), contents).with_context(|| format!("writing {path}"))
    };
    write(&release.spec, &spec)?;
    write(&release.changelog, sections.as_bytes())?;
    write(RELEASE, format!("{}\n", lines.join("\n")).as_bytes())?;
    Ok(fincode.version)
}
