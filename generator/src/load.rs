//! Loading a spec: YAML or JSON text into a raw JSON tree, a typed [`openapiv3::OpenAPI`] and a [`SourceMap`].

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::source_map::SourceMap;
pub(crate) use crate::structure::PathItems;

/// A loaded spec.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The document as JSON, keys in source order; what the rules walk.
    pub value: Value,
    /// The typed document, when the structure allowed it. [`load`] types all of it; the spec the generator
    /// loads for itself keeps its path items in [`value`](Self::value) only, each checked to read, and
    /// reads them one at a time as it builds their operations.
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
/// Fails, with the findings that stop it, where the text is not YAML, is not an OpenAPI 3.0.x or 3.1.x or
/// Swagger 2.0 document at all, or has values JSON cannot hold. An OpenAPI 3.1 or Swagger 2.0 document is
/// rewritten into the OpenAPI 3.0 document it means, its nodes still located where they were written, and
/// what has no 3.0 equivalent is an [`Rule::OpenapiConversion`] finding. A document whose structure `openapiv3` rejects still loads, with
/// `openapi: None` and an [`Rule::OpenapiStructure`] finding, so that the other rules can still run.
/// A leading byte order mark is skipped. A YAML text is parsed once for both the tree and the positions; a
/// strict JSON text is read by `serde_json`, and its positions only when a finding needs one.
pub fn load(text: &str) -> Result<(Spec, Vec<Diagnostic>), Vec<Diagnostic>> {
    load_with(text, PathItems::Read)
}

/// [`load`], keeping of the path items in the typed document what `path_items` says.
pub(crate) fn load_with(
    text: &str,
    path_items: PathItems,
) -> Result<(Spec, Vec<Diagnostic>), Vec<Diagnostic>> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let (value, source) = match crate::json::parse(text) {
        Some(value) => (value, SourceMap::deferred(text.into())),
        None => crate::yaml::parse(text)?,
    };
    finish(
        Spec {
            value,
            openapi: None,
            source,
        },
        path_items,
    )
}

const BOM: char = '\u{feff}';

/// The text of a spec file: its bytes as UTF-8, a leading byte order mark skipped.
///
/// Fails with a located [`Rule::YamlSyntax`] finding where the bytes are not UTF-8 (UTF-16 included).
pub fn decode(bytes: &[u8]) -> Result<&str, Diagnostic> {
    let at_start = |message: &str| Diagnostic {
        rule: Rule::YamlSyntax,
        pointer: String::new(),
        location: Location { line: 1, column: 1 },
        message: message.to_owned(),
    };
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(at_start(
            "the text is not UTF-8: it starts with a UTF-16 byte order mark; save it as UTF-8",
        ));
    }
    if bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err(at_start(
            "the text is not UTF-8: it starts with a UTF-32 byte order mark; save it as UTF-8",
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
        let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
        let bad = bytes.get(e.valid_up_to()).copied().unwrap_or_default();
        Diagnostic {
            rule: Rule::YamlSyntax,
            pointer: String::new(),
            location: Location {
                line: valid.matches('\n').count() + 1,
                column: valid[line_start..].chars().count() + 1,
            },
            message: format!(
                "the text is not UTF-8: byte 0x{bad:02X} here does not belong to a UTF-8 character; save it as UTF-8"
            ),
        }
    })
}

/// Checks the version, converts an OpenAPI 3.1 or Swagger 2.0 document into OpenAPI 3.0, and reads the typed
/// document.
fn finish(
    mut spec: Spec,
    path_items: PathItems,
) -> Result<(Spec, Vec<Diagnostic>), Vec<Diagnostic>> {
    let version = check_version(&spec).map_err(|d| vec![d])?;

    let mut findings = Vec::new();
    let conversion = match (version, &mut spec.value) {
        (Version::V30, _) => None,
        (Version::V31, Value::Object(doc)) => Some(crate::convert::openapi31::convert(doc)),
        (Version::Swagger2, Value::Object(doc)) => Some(crate::convert::swagger2::convert(doc)),
        (_, _) => None,
    };
    if let Some(conversion) = conversion {
        for (to, from) in conversion.moves {
            spec.source.moved(to, from);
        }
        for (at, message) in conversion.refusals {
            findings.push(spec.diagnostic(Rule::OpenapiConversion, at, message));
        }
    }
    for (to, from) in inline_callback_references(&mut spec.value) {
        spec.source.moved(to, from);
    }
    match crate::structure::read(&spec.value, path_items) {
        Ok(openapi) => spec.openapi = Some(openapi),
        Err((at, detail)) => {
            let message = format!("not valid OpenAPI here: {detail}");
            findings.push(spec.diagnostic(Rule::OpenapiStructure, at, message));
        }
    }
    Ok((spec, findings))
}

/// An operation's callback may be a Reference Object (OpenAPI 3.0 allows it), which the typed model cannot hold:
/// each is replaced by the callback it names, recorded as moved so that findings inside it point at the
/// component. Returns the moves, `(to, from)`; a reference that does not resolve is left for the checks to
/// report.
fn inline_callback_references(doc: &mut Value) -> Vec<(String, String)> {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let mut found = Vec::new();
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for (path, item) in paths {
            for method in METHODS {
                let Some(Value::Object(callbacks)) =
                    item.get(method).and_then(|op| op.get("callbacks"))
                else {
                    continue;
                };
                for (name, callback) in callbacks {
                    let Some(reference) = callback.get("$ref").and_then(Value::as_str) else {
                        continue;
                    };
                    let (Some(target), Some(from)) = (
                        crate::pointer::resolve(doc, reference).filter(|t| t.is_object()),
                        crate::pointer::ref_pointer(reference),
                    ) else {
                        continue;
                    };
                    if target.get("$ref").is_some() {
                        continue;
                    }
                    let to = ["paths", path, method, "callbacks", name]
                        .iter()
                        .fold(String::new(), |p, t| crate::pointer::push(&p, t));
                    found.push((to, from, target.clone()));
                }
            }
        }
    }
    found
        .into_iter()
        .filter_map(|(to, from, target)| {
            *doc.pointer_mut(&to)? = target;
            Some((to, from))
        })
        .collect()
}

/// The versions of the OpenAPI Specification that can be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    V30,
    V31,
    Swagger2,
}

fn check_version(spec: &Spec) -> Result<Version, Diagnostic> {
    let Some(doc) = spec.value.as_object() else {
        return Err(spec.diagnostic(
            Rule::OpenapiStructure,
            "",
            "the document is not a mapping, so it cannot be an OpenAPI description",
        ));
    };
    const READ: &str = "OpenAPI 3.0.x and 3.1.x and Swagger 2.0 documents can be read";
    match (doc.get("openapi"), doc.get("swagger")) {
        (Some(Value::String(v)), _) if v.starts_with("3.0.") => Ok(Version::V30),
        (Some(Value::String(v)), _) if v.starts_with("3.1.") => Ok(Version::V31),
        (Some(v), _) => Err(spec.diagnostic(
            Rule::OpenapiVersion,
            "/openapi",
            format!("unsupported `openapi` version {v}: {READ}"),
        )),
        (None, Some(Value::String(v))) if v == "2.0" => Ok(Version::Swagger2),
        (None, Some(v)) => Err(spec.diagnostic(
            Rule::OpenapiVersion,
            "/swagger",
            format!("unsupported `swagger` version {v}: {READ}"),
        )),
        (None, None) => Err(spec.diagnostic(
            Rule::OpenapiVersion,
            "",
            format!("no `openapi` member: this is not an OpenAPI description ({READ})"),
        )),
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
            rules("openapi: 4.0.0\n"),
            vec![(Rule::OpenapiVersion, "/openapi".into(), 1)]
        );
        assert_eq!(
            rules("swagger: '1.2'\n"),
            vec![(Rule::OpenapiVersion, "/swagger".into(), 1)]
        );
        assert_eq!(rules("- 1\n")[0].0, Rule::OpenapiStructure);
    }

    #[test]
    fn openapi_31_is_read_as_the_30_document_it_means_with_its_positions() {
        let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    S:\n      type: object\n      properties:\n        a:\n          type: [string, 'null']\n        b:\n          $ref: '#/components/schemas/S'\n          nullable: true\n          maxLength: true\n";
        let (spec, findings) = load(text).unwrap();
        assert_eq!(
            findings
                .iter()
                .map(|d| (
                    d.rule,
                    d.pointer.as_str(),
                    d.location.line,
                    d.location.column
                ))
                .collect::<Vec<_>>(),
            [(
                Rule::OpenapiStructure,
                "/components/schemas/S/properties/b",
                10,
                9
            )]
        );
        assert_eq!(spec.value["openapi"], "3.0.3");
        assert_eq!(
            spec.value.pointer("/components/schemas/S/properties/a"),
            Some(&serde_json::json!({"type": "string", "nullable": true}))
        );
        // The reference now inside an `allOf` is located where it was written.
        let at = spec
            .source
            .locate("/components/schemas/S/properties/b/allOf/0/$ref");
        assert_eq!((at.line, at.column), (11, 11));
    }

    #[test]
    fn swagger_2_is_read_as_openapi_30_with_its_positions() {
        let text = "swagger: '2.0'\ninfo: {title: t, version: '1'}\nhost: api.example.com\nbasePath: /v1\npaths:\n  /pets:\n    post:\n      parameters:\n        - {name: pet, in: body, schema: {$ref: '#/definitions/Pet'}}\n      responses:\n        200: {description: ok, schema: {$ref: '#/definitions/Pet'}}\ndefinitions:\n  Pet:\n    type: object\n    properties:\n      name: {type: string}\n";
        let (spec, findings) = load(text).unwrap();
        assert!(findings.is_empty(), "{findings:?}");
        let openapi = spec.openapi.as_ref().unwrap();
        assert_eq!(openapi.servers[0].url, "https://api.example.com/v1");
        assert_eq!(
            spec.value
                .pointer("/paths/~1pets/post/requestBody/content/application~1json/schema/$ref"),
            Some(&serde_json::json!("#/components/schemas/Pet"))
        );
        let at = spec
            .source
            .locate("/components/schemas/Pet/properties/name");
        assert_eq!((at.line, at.column), (16, 7));
        let at = spec
            .source
            .locate("/paths/~1pets/post/requestBody/content/application~1json/schema");
        assert_eq!((at.line, at.column), (9, 33));
    }

    #[test]
    fn integers_beyond_64_bits_are_read_as_floats_in_yaml_too() {
        let text =
            "openapi: '3.1.0'\ninfo: {title: t, version: '1'}\nx-big: -92233720368547760000\n";
        assert_eq!(rules(text), vec![]);
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-big: -92233720368547760000\nx-huge: 1000000000000000000000000000000000000000000\n";
        let (spec, findings) = load(text).unwrap();
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(
            spec.value.pointer("/x-big").and_then(Value::as_f64),
            Some(-9.223372036854776e19)
        );
        assert_eq!(
            spec.value.pointer("/x-huge").and_then(Value::as_f64),
            Some(1e42)
        );
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let text = "\u{feff}openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
        let (spec, findings) = load(text).unwrap();
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(spec.source.locate("/info").line, 2);
        let bytes = b"\xEF\xBB\xBFopenapi: 3.0.3\n";
        assert_eq!(decode(bytes), Ok("openapi: 3.0.3\n"));
    }

    #[test]
    fn text_that_is_not_utf8_is_refused_where_it_stops_being_utf8() {
        let d = decode(b"openapi: 3.0.3\ninfo:\n  title: caf\xE9\n").unwrap_err();
        assert_eq!(d.rule, Rule::YamlSyntax);
        assert_eq!((d.location.line, d.location.column), (3, 13));
        assert_eq!(
            d.message,
            "the text is not UTF-8: byte 0xE9 here does not belong to a UTF-8 character; save it as UTF-8"
        );
        let d = decode(b"\xFF\xFEo\0p\0").unwrap_err();
        assert_eq!((d.location.line, d.location.column), (1, 1));
        assert!(d.message.contains("UTF-16"), "{}", d.message);
        // Characters before the bad byte count once each, whatever their length in bytes.
        let d = decode(
            "é: \u{1F600}"
                .as_bytes()
                .iter()
                .copied()
                .chain([0x80])
                .collect::<Vec<u8>>()
                .as_slice(),
        )
        .unwrap_err();
        assert_eq!((d.location.line, d.location.column), (1, 5));
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
    fn a_callback_given_by_reference_is_read_as_the_callback_it_names() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      callbacks:\n        done: {$ref: '#/components/callbacks/Done'}\n      responses: {'204': {description: ok}}\ncomponents:\n  callbacks:\n    Done:\n      '{$request.body#/url}':\n        post:\n          responses: {'204': {description: ok}}\n";
        let Ok((spec, findings)) = load(text) else {
            panic!("the document loads");
        };
        assert!(findings.is_empty(), "{findings:?}");
        assert!(spec.openapi.is_some());
        let at = spec
            .source
            .locate("/paths/~1a/post/callbacks/done/{$request.body#~1url}");
        assert_eq!(at.line, 12);
    }

    #[test]
    fn structure_errors_are_in_the_users_words() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n        - {name: q, in: query}\n      responses: {'200': {description: ok}}\n";
        let Ok((_, findings)) = load(text) else {
            panic!("the document loads");
        };
        assert_eq!(findings[0].pointer, "/paths/~1a/get/parameters/0");
        assert_eq!(
            findings[0].message,
            "not valid OpenAPI here: a parameter needs either a `schema` or a `content`"
        );
    }

    #[test]
    fn a_parameter_declared_through_two_references_generates() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a/{id}:\n    get:\n      operationId: get_a\n      parameters:\n        - $ref: '#/components/parameters/A'\n      responses: {'204': {description: ok}}\ncomponents:\n  parameters:\n    A: {$ref: '#/components/parameters/B'}\n    B: {name: id, in: path, required: true, schema: {type: string}}\n";
        let generation = crate::generate("spec.yaml", text, &crate::Config::new("chain"));
        assert_eq!(generation.map(|g| g.stats.operations), Ok(1));
    }

    #[test]
    fn structure_errors_name_the_element() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 5\n";
        assert_eq!(
            rules(text),
            vec![(Rule::OpenapiStructure, "/paths/~1a/get/responses".into(), 6)]
        );
    }

    #[test]
    fn the_generators_load_checks_each_path_item_and_keeps_none_typed() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  x-note: kept\n  /a:\n    get:\n      responses: {'204': {description: ok}}\n  /b: {$ref: '#/paths/~1a'}\n";
        let (typed, _) = load(text).expect("loads");
        let typed = typed.openapi.expect("typed");
        assert_eq!(typed.paths.paths.len(), 2);
        let (checked, findings) = load_with(text, PathItems::Checked).expect("loads");
        assert!(findings.is_empty(), "{findings:?}");
        let checked = checked.openapi.expect("typed");
        assert!(checked.paths.paths.is_empty());
        assert_eq!(checked.paths.extensions, typed.paths.extensions);
        // Both path items still make their operations.
        let generation = crate::generate("spec.yaml", text, &crate::Config::new("lean"));
        assert_eq!(generation.map(|g| g.stats.operations), Ok(2));

        // A path item that does not read is found at the same place either way.
        let bad = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 5\n";
        let found = |path_items| match load_with(bad, path_items) {
            Ok((spec, findings)) => (spec.openapi.is_none(), findings),
            Err(findings) => (true, findings),
        };
        let (untyped, read) = found(PathItems::Read);
        assert!(untyped);
        assert_eq!(found(PathItems::Checked), (true, read.clone()));
        assert_eq!(read[0].pointer, "/paths/~1a/get/responses");
    }
}
