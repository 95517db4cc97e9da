//! Loading a spec: YAML or JSON text into a raw JSON tree, a typed [`openapiv3::OpenAPI`] and a [`SourceMap`].

use serde_json::{Map, Number, Value};

use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::pointer;
use crate::source_map::SourceMap;

/// A loaded spec.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The document as JSON, keys in source order; what the rules walk.
    pub value: Value,
    /// The typed document, when the structure allowed it.
    pub openapi: Option<openapiv3::OpenAPI>,
    /// Source positions of every node.
    pub source: SourceMap,
}

impl Spec {
    /// A finding at `pointer`, located through the source map.
    pub fn diagnostic(
        &self,
        rule: Rule,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let pointer = pointer.into();
        Diagnostic {
            rule,
            location: self.source.locate(&pointer),
            pointer,
            message: message.into(),
        }
    }
}

/// Loads a YAML or JSON text.
///
/// Fails, with the findings that stop it, where the text is not YAML, is not an OpenAPI 3.0.x document at all,
/// or has values JSON cannot hold. A document whose structure `openapiv3` rejects still loads, with
/// `openapi: None` and an [`Rule::OpenapiStructure`] finding, so that the other rules can still run.
pub fn load(text: &str) -> Result<(Spec, Vec<Diagnostic>), Vec<Diagnostic>> {
    let source = SourceMap::parse(text).map_err(|(location, pointer, message)| {
        vec![Diagnostic {
            rule: Rule::YamlSyntax,
            pointer,
            location,
            message: format!("cannot parse the document: {message}"),
        }]
    })?;
    // JSON is read as JSON: faster on large documents, and integers beyond 64 bits become floats instead of
    // failing as they do in YAML.
    if text.trim_start().starts_with('{') {
        if let Ok(value) = serde_json::from_str::<Value>(text) {
            let spec = Spec {
                value,
                openapi: None,
                source,
            };
            return finish(spec);
        }
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        // A document of another version is reported as such, even where the YAML reader gives up on it
        // (OpenAI's 3.1 description has integers beyond 64 bits).
        if let Some(d) = other_version(text) {
            return vec![d];
        }
        let location = e
            .location()
            .map(|l| Location {
                line: l.line(),
                column: l.column(),
            })
            .unwrap_or(Location { line: 1, column: 1 });
        vec![Diagnostic {
            rule: Rule::YamlSyntax,
            pointer: String::new(),
            location,
            message: format!("cannot parse the document: {e}"),
        }]
    })?;
    let mut spec = Spec {
        value: Value::Null,
        openapi: None,
        source,
    };
    let mut problems = Vec::new();
    spec.value = to_json(yaml, "", &spec, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    finish(spec)
}

/// Checks the version and reads the typed document.
fn finish(mut spec: Spec) -> Result<(Spec, Vec<Diagnostic>), Vec<Diagnostic>> {
    check_version(&spec).map_err(|d| vec![d])?;

    let mut findings = Vec::new();
    match crate::structure::read(&spec.value) {
        Ok(openapi) => spec.openapi = Some(openapi),
        Err((at, detail)) => {
            let message = format!("not valid OpenAPI 3.0 here: {detail}");
            findings.push(spec.diagnostic(Rule::OpenapiStructure, at, message));
        }
    }
    Ok((spec, findings))
}

/// The finding for a top-level `openapi: 3.1...` (or other non-3.0) line, read from the text alone.
fn other_version(text: &str) -> Option<Diagnostic> {
    text.lines().enumerate().find_map(|(i, line)| {
        let rest = line.strip_prefix("openapi:")?;
        let version = rest.trim().trim_matches(|c| c == '\'' || c == '"');
        if version.starts_with("3.0.") {
            return None;
        }
        let column = line.len() - rest.trim_start().len() + 1;
        Some(Diagnostic {
            rule: Rule::OpenapiVersion,
            pointer: "/openapi".to_owned(),
            location: Location {
                line: i + 1,
                column,
            },
            message: format!(
                "OpenAPI {version} is not supported yet: only OpenAPI 3.0.x documents can be read"
            ),
        })
    })
}

fn check_version(spec: &Spec) -> Result<(), Diagnostic> {
    let Some(doc) = spec.value.as_object() else {
        return Err(spec.diagnostic(
            Rule::OpenapiStructure,
            "",
            "the document is not a mapping, so it cannot be an OpenAPI description",
        ));
    };
    match doc.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") => Ok(()),
        Some(Value::String(v)) if v.starts_with("3.1") => Err(spec.diagnostic(
            Rule::OpenapiVersion,
            "/openapi",
            format!("OpenAPI {v} is not supported yet: only OpenAPI 3.0.x documents can be read"),
        )),
        Some(v) => Err(spec.diagnostic(
            Rule::OpenapiVersion,
            "/openapi",
            format!("unsupported `openapi` version {v}: only OpenAPI 3.0.x documents can be read"),
        )),
        None if doc.contains_key("swagger") => Err(spec.diagnostic(
            Rule::OpenapiVersion,
            "/swagger",
            "Swagger 2.0 documents are not supported: convert the document to OpenAPI 3.0 first",
        )),
        None => Err(spec.diagnostic(
            Rule::OpenapiVersion,
            "",
            "no `openapi` member: this is not an OpenAPI 3.0 document",
        )),
    }
}

/// Converts YAML to JSON, turning scalar keys into strings (`200:` becomes `"200"`) and
/// reporting what JSON cannot hold.
fn to_json(
    yaml: serde_yaml::Value,
    at: &str,
    spec: &Spec,
    problems: &mut Vec<Diagnostic>,
) -> Value {
    use serde_yaml::Value as Y;
    match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                match Number::from_f64(f) {
                    Some(n) => Value::Number(n),
                    None => {
                        problems.push(spec.diagnostic(
                            Rule::YamlSyntax,
                            at,
                            format!("the number {f} cannot be represented in JSON"),
                        ));
                        Value::Null
                    }
                }
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| to_json(v, &pointer::push_index(at, i), spec, problems))
                .collect(),
        ),
        Y::Mapping(members) => {
            let mut out = Map::with_capacity(members.len());
            for (k, v) in members {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_owned(),
                    other => {
                        problems.push(spec.diagnostic(
                            Rule::YamlSyntax,
                            at,
                            format!("mapping keys must be scalars, found {}", kind(&other)),
                        ));
                        continue;
                    }
                };
                let child = to_json(v, &pointer::push(at, &key), spec, problems);
                out.insert(key, child);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => to_json(tagged.value, at, spec, problems),
    }
}

fn kind(v: &serde_yaml::Value) -> &'static str {
    match v {
        serde_yaml::Value::Sequence(_) => "a sequence",
        serde_yaml::Value::Mapping(_) => "a mapping",
        serde_yaml::Value::Tagged(_) => "a tagged value",
        _ => "a scalar",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> Vec<(Rule, String, usize)> {
        match load(text) {
            Ok((_, findings)) => findings,
            Err(findings) => findings,
        }
        .into_iter()
        .map(|d| (d.rule, d.pointer, d.location.line))
        .collect()
    }

    #[test]
    fn integer_response_codes_become_string_keys() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n";
        let (spec, findings) = load(text).unwrap();
        assert!(findings.is_empty(), "{findings:?}");
        assert!(spec.value.pointer("/paths/~1a/get/responses/200").is_some());
        assert!(spec.openapi.is_some());
    }

    #[test]
    fn json_is_read_as_json_even_with_integers_beyond_64_bits() {
        let text = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"Big": {"type": "integer", "maximum": 18446744073709551616}}}}"#;
        let (spec, findings) = load(text).unwrap();
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(
            spec.value
                .pointer("/components/schemas/Big/maximum")
                .and_then(Value::as_f64),
            Some(1.8446744073709552e19)
        );
        assert_eq!(spec.source.locate("/components/schemas/Big").line, 2);
    }

    #[test]
    fn syntax_errors_and_duplicate_keys_are_located() {
        assert_eq!(rules("a: [1, 2\nb: 3\n")[0].0, Rule::YamlSyntax);
        let dup = rules("openapi: 3.0.3\nopenapi: 3.0.3\n");
        assert_eq!(dup[0].0, Rule::YamlSyntax);
        assert_eq!(dup[0].2, 2);
    }

    #[test]
    fn other_versions_are_refused_with_the_reason() {
        assert_eq!(
            rules("openapi: 3.1.0\n"),
            vec![(Rule::OpenapiVersion, "/openapi".into(), 1)]
        );
        assert_eq!(
            rules("swagger: '2.0'\n"),
            vec![(Rule::OpenapiVersion, "/swagger".into(), 1)]
        );
        assert_eq!(rules("- 1\n")[0].0, Rule::OpenapiStructure);
    }

    #[test]
    fn a_31_document_the_yaml_reader_rejects_is_still_refused_for_its_version() {
        let text =
            "openapi: '3.1.0'\ninfo: {title: t, version: '1'}\nx-big: -92233720368547760000\n";
        assert_eq!(
            rules(text),
            vec![(Rule::OpenapiVersion, "/openapi".into(), 1)]
        );
        // A 3.0 document the reader rejects keeps the reader's reason.
        let text = "openapi: 3.0.3\nx-big: -92233720368547760000\n";
        assert_eq!(rules(text)[0].0, Rule::YamlSyntax);
    }

    #[test]
    fn structure_errors_outside_paths_and_components_name_the_element_too() {
        let text = "openapi: 3.0.3\ninfo:\n  title: t\n  version: 5\npaths: {}\n";
        assert_eq!(
            rules(text),
            vec![(Rule::OpenapiStructure, "/info/version".into(), 4)]
        );
    }

    #[test]
    fn structure_errors_name_the_element() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 5\n";
        assert_eq!(
            rules(text),
            vec![(Rule::OpenapiStructure, "/paths/~1a/get/responses".into(), 6)]
        );
    }
}
