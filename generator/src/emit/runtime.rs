//! The runtime crate (`generator/runtime/`, package `oas-runtime`) as the generated crate depends on
//! it: its manifest decides the dependency lines, its features the capabilities a spec turns on, and
//! its source files are what [`Runtime::Vendored`](crate::Runtime::Vendored) copies.

use std::collections::BTreeMap;

use crate::ir::{Api, BodyKind};

/// The runtime's package name.
pub const PACKAGE: &str = "oas-runtime";

/// `(file name, contents)` of every runtime source file; `lib.rs` is written as `mod.rs` when vendored.
pub const FILES: &[(&str, &str)] = &[
    ("auth.rs", include_str!("../../runtime/src/auth.rs")),
    ("client.rs", include_str!("../../runtime/src/client.rs")),
    (
        "encryption.rs",
        include_str!("../../runtime/src/encryption.rs"),
    ),
    ("error.rs", include_str!("../../runtime/src/error.rs")),
    ("lib.rs", include_str!("../../runtime/src/lib.rs")),
    ("paging.rs", include_str!("../../runtime/src/paging.rs")),
    ("request.rs", include_str!("../../runtime/src/request.rs")),
    ("response.rs", include_str!("../../runtime/src/response.rs")),
    ("retry.rs", include_str!("../../runtime/src/retry.rs")),
    ("serde.rs", include_str!("../../runtime/src/serde.rs")),
    ("session.rs", include_str!("../../runtime/src/session.rs")),
    ("webhooks.rs", include_str!("../../runtime/src/webhooks.rs")),
    ("wrapper.rs", include_str!("../../runtime/src/wrapper.rs")),
];

/// The runtime's `Cargo.toml`: the one place its dependencies and features are written.
const MANIFEST: &str = include_str!("../../runtime/Cargo.toml");

/// The crates generated code names itself (serde derives, JSON values, dates, ids, decimals), which a
/// generated crate depends on directly, at the runtime's versions.
const DIRECT: &[&str] = &["rust_decimal", "serde", "serde_json", "time", "uuid"];

/// The runtime's manifest, read.
pub struct Manifest {
    /// `package.version`.
    pub version: String,
    /// `[dependencies]`, each as the TOML text of its value (`"1.0"` or `{ version = ... }`).
    pub dependencies: BTreeMap<String, String>,
    /// `[features]`, each with the TOML text of its list.
    pub features: BTreeMap<String, String>,
}

impl Manifest {
    /// Reads the manifest compiled into the generator. It is this repository's own file, checked by
    /// the generator's tests, so a failure to read it is reported rather than expected.
    pub fn read() -> Result<Manifest, String> {
        let table: toml::Table = MANIFEST
            .parse()
            .map_err(|e| format!("the runtime's Cargo.toml does not parse: {e}"))?;
        let version = table
            .get("package")
            .and_then(|p| p.get("version"))
            .and_then(toml::Value::as_str)
            .ok_or("the runtime's Cargo.toml has no package.version")?
            .to_owned();
        let section = |name: &str| -> BTreeMap<String, String> {
            table
                .get(name)
                .and_then(toml::Value::as_table)
                .map(|t| {
                    t.iter()
                        .map(|(k, v)| (k.clone(), inline(v)))
                        .collect::<BTreeMap<_, _>>()
                })
                .unwrap_or_default()
        };
        Ok(Manifest {
            version,
            dependencies: section("dependencies"),
            features: section("features"),
        })
    }

    /// The `[dependencies]` lines of a crate that depends on the runtime through `source`, with the
    /// features it uses, plus the crates its generated code names directly.
    pub fn dependency_lines(&self, source: &crate::Runtime, features: &[&str]) -> String {
        let mut lines = Vec::new();
        let features = features
            .iter()
            .map(|f| format!("\"{f}\""))
            .collect::<Vec<_>>()
            .join(", ");
        match source {
            crate::Runtime::Vendored => {
                for (name, value) in &self.dependencies {
                    lines.push(format!("{name} = {value}"));
                }
            }
            crate::Runtime::Registry => {
                lines.push(format!(
                    "{PACKAGE} = {{ version = \"{}\", features = [{features}] }}",
                    self.version
                ));
            }
            crate::Runtime::Path(path) => {
                lines.push(format!(
                    "{PACKAGE} = {{ version = \"{}\", path = {}, features = [{features}] }}",
                    self.version,
                    super::crate_files::toml_string(path)
                ));
            }
        }
        if !matches!(source, crate::Runtime::Vendored) {
            for name in DIRECT {
                if let Some(value) = self.dependencies.get(*name) {
                    lines.push(format!("{name} = {value}"));
                }
            }
        }
        lines.sort();
        lines.join("\n")
    }

    /// The `[dev-dependencies]` lines of a generated crate: tokio for its examples, and the stream helpers
    /// its paging examples use, at the runtime's version.
    pub fn dev_dependency_lines(&self, features: &[&str]) -> String {
        let mut lines = vec![
            "tokio = { version = \"1.40\", features = [\"macros\", \"rt-multi-thread\"] }"
                .to_owned(),
        ];
        if features.contains(&"paging") {
            if let Some(value) = self.dependencies.get("futures-util") {
                // The runtime's line, without what only makes it optional there.
                let value = value
                    .replace(", optional = true", "")
                    .replace("optional = true, ", "");
                lines.push(format!("futures-util = {value}"));
            }
        }
        lines.join("\n")
    }

    /// The `[features]` section of a crate with the runtime's source copied in: the runtime's own
    /// features, with those the spec uses on by default.
    pub fn vendored_features(&self, used: &[&str]) -> String {
        let mut lines = vec![format!(
            "default = [{}]",
            used.iter()
                .map(|f| format!("\"{f}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )];
        for (name, value) in &self.features {
            if name != "default" {
                lines.push(format!("{name} = {value}"));
            }
        }
        lines.join("\n")
    }
}

/// A TOML value on one line.
fn inline(value: &toml::Value) -> String {
    match value {
        toml::Value::Table(table) => {
            let members: Vec<String> = table
                .iter()
                .map(|(k, v)| format!("{k} = {}", inline(v)))
                .collect();
            format!("{{ {} }}", members.join(", "))
        }
        toml::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(inline).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

/// A runtime source file without its unit tests, which stand at the end of each file from its first
/// `#[cfg(test)]` on.
pub fn without_tests(text: &str) -> &str {
    match text.find("\n#[cfg(test)]\n") {
        Some(at) => &text[..=at],
        None => text,
    }
}

/// The interface version the runtime's source declares (`codegen::INTERFACE`).
pub fn interface() -> Option<u32> {
    let lib = FILES.iter().find(|(name, _)| *name == "lib.rs")?.1;
    let rest = lib.split("pub const INTERFACE: u32 = ").nth(1)?;
    rest.split(';').next()?.trim().parse().ok()
}

/// The runtime features `api` uses, in the manifest's order.
pub fn features(api: &Api) -> Vec<&'static str> {
    let mut used = Vec::new();
    if api.operations.iter().any(|o| {
        o.body
            .as_ref()
            .is_some_and(|b| matches!(b.kind, BodyKind::Multipart))
    }) {
        used.push("multipart");
    }
    if api.operations.iter().any(|o| !o.encrypted.is_empty()) {
        used.push("encryption");
    }
    if api.operations.iter().any(|o| o.pagination.is_some()) {
        used.push("paging");
    }
    if api.session.is_some() {
        used.push("sessions");
    }
    if api.webhooks.is_some() {
        used.push("webhooks");
    }
    used.sort();
    used
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_gives_versions_features_and_the_interface() {
        let manifest = Manifest::read().expect("the runtime's manifest reads");
        assert!(!manifest.version.is_empty());
        for feature in ["sessions", "encryption", "webhooks", "multipart", "paging"] {
            assert!(manifest.features.contains_key(feature), "{feature}");
        }
        for name in DIRECT {
            assert!(manifest.dependencies.contains_key(*name), "{name}");
        }
        assert!(manifest.dependencies["aws-lc-rs"].contains("optional = true"));
        assert_eq!(interface(), Some(2));
        let lines = manifest.dependency_lines(&crate::Runtime::Registry, &["sessions"]);
        assert!(
            lines.contains(&format!(
                "oas-runtime = {{ version = \"{}\", features = [\"sessions\"] }}",
                manifest.version
            )),
            "{lines}"
        );
        assert!(!lines.contains("reqwest"), "{lines}");
        for (name, text) in FILES {
            let kept = without_tests(text);
            assert!(
                !kept.contains("cfg(test)"),
                "{name} has test code before its tests"
            );
            assert!(
                syn::parse_file(kept).is_ok(),
                "{name} parses without its tests"
            );
        }
        let vendored = manifest.dependency_lines(&crate::Runtime::Vendored, &[]);
        assert!(vendored.contains("reqwest = {"), "{vendored}");
        assert!(!vendored.contains("oas-runtime"), "{vendored}");
    }
}
