//! One pass over a YAML (or JSON) text: the JSON tree and the position of every node, from one event stream.
//!
//! Scalars are typed as YAML 1.2's core schema does it (and as `serde_yaml` 0.9 did): `~`, `null` and an empty
//! value are null, `true`/`false` booleans, decimal, `0x`, `0o` and `0b` integers numbers (beyond 64 bits
//! they become floats, as in JSON), floats and `.inf`/`.nan` numbers, and every other plain scalar a string.
//! Quoted and block scalars are always strings. `!!str`, `!!int`, `!!float`, `!!bool` and `!!null` force a
//! type; other tags are ignored. Scalar keys become strings (`200:` is `"200"`); `<<` is an ordinary key.
//!
//! Aliases are replaced by a copy of their anchored node, within a budget of copied nodes, and nesting is
//! bounded, so that neither an alias bomb nor a deep document can exhaust memory, time or the stack:
//! both are findings at the node that goes too far. The events are read in a loop, never recursively.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::pointer;
use crate::source_map::SourceMap;

/// How deeply mappings and sequences may nest: just under the 255 nested flow collections (JSON's only form)
/// that the scanner reads, so that a JSON and a YAML text meet the same bound, and deep enough for 100 levels
/// of inline schemas (two levels each: the schema and its `properties`).
pub(crate) const MAX_DEPTH: usize = 250;

/// How many nodes aliases may copy in one document, all aliases together.
pub(crate) const MAX_ALIAS_NODES: usize = 1_000_000;

/// Parses `text` (one YAML document, or JSON) into its JSON tree and source map.
///
/// Fails with the findings that stop it: a syntax error, a duplicate key, a second document, or nesting or
/// alias expansion beyond the bounds stop at once; values JSON cannot hold are all collected first.
pub(crate) fn parse(text: &str) -> Result<(Value, SourceMap), Vec<Diagnostic>> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    let mut documents = 0;
    loop {
        let (event, mark) = parser.next_token().map_err(|e| {
            // The scanner reads ahead, and stops at 255 nested flow collections before this bound is met.
            let reason = match e.info() {
                "recursion limit exceeded" => too_deep(),
                info => info.to_owned(),
            };
            vec![syntax(
                location(e.marker()),
                String::new(),
                format!("cannot parse the document: {reason}"),
            )]
        })?;
        let at = location(&mark);
        match event {
            Event::StreamEnd => break,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err(vec![syntax(
                        at,
                        String::new(),
                        "cannot parse the document: the text holds more than one YAML document"
                            .to_owned(),
                    )]);
                }
            }
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
            Event::Scalar(value, style, anchor, tag) => {
                builder.scalar(value, style, anchor, tag.as_ref(), at)?;
            }
            Event::Alias(anchor) => builder.alias(anchor, at)?,
            Event::SequenceStart(anchor, _) => builder.open(false, anchor, at)?,
            Event::MappingStart(anchor, _) => builder.open(true, anchor, at)?,
            Event::SequenceEnd | Event::MappingEnd => builder.close(at),
        }
    }
    let source = SourceMap::new(builder.positions);
    if !builder.problems.is_empty() {
        return Err(builder
            .problems
            .into_iter()
            .map(|(pointer, message)| Diagnostic {
                rule: Rule::YamlSyntax,
                location: source.locate(&pointer),
                pointer,
                message,
            })
            .collect());
    }
    Ok((builder.root.unwrap_or(Value::Null), source))
}

fn too_deep() -> String {
    format!("it nests deeper than {MAX_DEPTH} levels")
}

fn syntax(location: Location, pointer: String, message: String) -> Diagnostic {
    Diagnostic {
        rule: Rule::YamlSyntax,
        pointer,
        location,
        message,
    }
}

fn location(mark: &Marker) -> Location {
    Location {
        line: mark.line(),
        // yaml-rust2's columns count from 0.
        column: mark.col() + 1,
    }
}

/// The key a mapping member waits for its value under.
struct Key {
    name: String,
    at: Location,
    /// `false` for a key that was refused: its value is read, then dropped.
    keep: bool,
}

enum Frame {
    Map {
        pointer: String,
        members: Map<String, Value>,
        key: Option<Key>,
        /// A block mapping's own mark is unreliable; a root or sequence-item mapping takes its first key's.
        locate_by_first_key: bool,
        node: Open,
    },
    Seq {
        pointer: String,
        items: Vec<Value>,
        node: Open,
    },
    /// A mapping or sequence used as a mapping key, skipped with its contents, then refused.
    Skip { depth: usize, kind: &'static str },
}

/// What a mapping or sequence being read needs when it closes.
struct Open {
    anchor: usize,
    /// The count of nodes read before this one started.
    nodes_before: usize,
    /// 1 + the height of its highest child.
    height: usize,
}

/// An anchored node: its value, how many nodes it holds, how deep it nests.
struct Anchored {
    value: Value,
    nodes: usize,
    height: usize,
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<Value>,
    positions: HashMap<String, Location>,
    anchors: HashMap<usize, Anchored>,
    /// Nodes read so far, aliases counted with everything they copy.
    nodes: usize,
    /// Nodes copied by aliases so far.
    copied: usize,
    /// Values JSON cannot hold and refused keys, by pointer; located once the map is complete.
    problems: Vec<(String, String)>,
}

type Fatal = Vec<Diagnostic>;

impl Builder {
    /// Open mappings and sequences (skipped keys aside).
    fn depth(&self) -> usize {
        self.stack
            .iter()
            .filter(|f| !matches!(f, Frame::Skip { .. }))
            .count()
    }

    fn skipping(&mut self) -> Option<&mut usize> {
        match self.stack.last_mut() {
            Some(Frame::Skip { depth, .. }) => Some(depth),
            _ => None,
        }
    }

    /// The pending-key slot of the innermost mapping, when it waits for a key (not a value).
    fn waiting_for_key(&mut self, at: Location) -> Option<(&str, &mut Option<Key>)> {
        match self.stack.last_mut() {
            Some(Frame::Map {
                pointer: p,
                key,
                locate_by_first_key,
                ..
            }) if key.is_none() => {
                if std::mem::take(locate_by_first_key) {
                    self.positions.insert(p.clone(), at);
                }
                Some((p.as_str(), key))
            }
            _ => None,
        }
    }

    /// The pointer of the value node that starts now, and where it is; records the position.
    fn value_start(&mut self, at: Location) -> String {
        let (node, loc) = match self.stack.last_mut() {
            Some(Frame::Seq {
                pointer: p, items, ..
            }) => (pointer::push_index(p, items.len()), at),
            Some(Frame::Map {
                pointer: p,
                key: Some(key),
                ..
            }) => (pointer::push(p, &key.name), key.at),
            _ => (String::new(), at),
        };
        self.positions.entry(node.clone()).or_insert(loc);
        node
    }

    /// Hands a complete value (of `height`) to the mapping or sequence around it.
    fn attach(&mut self, value: Value, height: usize) {
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::Seq { items, node, .. }) => {
                node.height = node.height.max(height + 1);
                items.push(value);
            }
            Some(Frame::Map {
                members, key, node, ..
            }) => {
                node.height = node.height.max(height + 1);
                if let Some(key) = key.take() {
                    if key.keep {
                        members.insert(key.name, value);
                    }
                }
            }
            Some(Frame::Skip { .. }) => {}
        }
    }

    /// Takes a key: refuses it where an earlier key of the mapping has the same name.
    ///
    /// `name` is the key's name, or what the key is when it cannot be one (`"a mapping"`).
    fn key(&mut self, name: Result<String, &str>, at: Location) -> Result<(), Fatal> {
        let mut problem = None;
        let mut duplicate = None;
        let Some(Frame::Map {
            pointer: p,
            members,
            key,
            ..
        }) = self.stack.last_mut()
        else {
            return Ok(());
        };
        match name {
            Ok(name) => {
                if members.contains_key(&name) {
                    duplicate = Some((pointer::push(p, &name), name.clone()));
                }
                *key = Some(Key {
                    name,
                    at,
                    keep: true,
                });
            }
            Err(refused) => {
                problem = Some((
                    p.clone(),
                    format!("mapping keys must be scalars, found {refused}"),
                ));
                *key = Some(Key {
                    name: "?complex-key".to_owned(),
                    at,
                    keep: false,
                });
            }
        }
        if let Some((at_pointer, name)) = duplicate {
            let first = self.positions.get(&at_pointer).copied().unwrap_or(at);
            return Err(vec![syntax(
                at,
                at_pointer,
                format!(
                    "cannot parse the document: duplicate key `{name}` (first at line {}, column {})",
                    first.line, first.column
                ),
            )]);
        }
        self.problems.extend(problem);
        Ok(())
    }

    fn scalar(
        &mut self,
        text: String,
        style: TScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        at: Location,
    ) -> Result<(), Fatal> {
        if self.skipping().is_some() {
            return Ok(());
        }
        if self.waiting_for_key(at).is_some() {
            // Only an untagged integer of over 300 digits can be invalid: keep its text to name the key.
            let raw = (tag.is_none() && style == TScalarStyle::Plain && text.len() > 300)
                .then(|| text.clone());
            let name = match resolve(text, style, tag) {
                Scalar::Value(v) => {
                    if anchor != 0 {
                        // An anchored key may be aliased as a value elsewhere.
                        let anchored = Anchored {
                            value: v.clone(),
                            nodes: 1,
                            height: 0,
                        };
                        self.anchors.insert(anchor, anchored);
                    }
                    key_name(&v).ok_or("a collection")
                }
                Scalar::NonFinite(f) => Ok(non_finite_name(f)),
                // An integer too long for a float stays a name, as `serde_yaml` kept it.
                Scalar::Invalid(_) => raw.ok_or("a tagged value"),
                Scalar::LocalTagged(_) => Err("a tagged value"),
            };
            return self.key(name, at);
        }
        let node = self.value_start(at);
        self.nodes += 1;
        let value = match resolve(text, style, tag) {
            Scalar::Value(v) | Scalar::LocalTagged(v) => v,
            Scalar::NonFinite(f) => {
                self.problems.push((
                    node,
                    format!("the number {f} cannot be represented in JSON"),
                ));
                Value::Null
            }
            Scalar::Invalid(message) => {
                self.problems.push((node, message));
                Value::Null
            }
        };
        if anchor != 0 {
            self.anchors.insert(
                anchor,
                Anchored {
                    value: value.clone(),
                    nodes: 1,
                    height: 0,
                },
            );
        }
        self.attach(value, 0);
        Ok(())
    }

    fn alias(&mut self, anchor: usize, at: Location) -> Result<(), Fatal> {
        if self.skipping().is_some() {
            return Ok(());
        }
        let depth = self.depth();
        let as_key = self.waiting_for_key(at).is_some();
        let node = if as_key {
            String::new()
        } else {
            self.value_start(at)
        };
        let Some(anchored) = self.anchors.get(&anchor) else {
            return Err(vec![syntax(
                at,
                node,
                "cannot parse the document: this alias refers to a node that contains it"
                    .to_owned(),
            )]);
        };
        if as_key {
            let name = match &anchored.value {
                Value::Array(_) => Err("a sequence"),
                Value::Object(_) => Err("a mapping"),
                v => key_name(v).ok_or("a collection"),
            };
            return self.key(name, at);
        }
        if self.copied + anchored.nodes > MAX_ALIAS_NODES {
            return Err(vec![syntax(
                at,
                node,
                format!(
                    "cannot parse the document: its aliases expand to more than {MAX_ALIAS_NODES} nodes"
                ),
            )]);
        }
        if depth + anchored.height > MAX_DEPTH {
            return Err(vec![syntax(
                at,
                node,
                format!(
                    "cannot parse the document: this alias nests it deeper than {MAX_DEPTH} levels"
                ),
            )]);
        }
        let (value, nodes, height) = (anchored.value.clone(), anchored.nodes, anchored.height);
        self.copied += nodes;
        self.nodes += nodes;
        self.attach(value, height);
        Ok(())
    }

    fn open(&mut self, mapping: bool, anchor: usize, at: Location) -> Result<(), Fatal> {
        let kind = if mapping { "a mapping" } else { "a sequence" };
        if let Some(depth) = self.skipping() {
            *depth += 1;
            return Ok(());
        }
        if self.waiting_for_key(at).is_some() {
            self.stack.push(Frame::Skip { depth: 1, kind });
            return Ok(());
        }
        let member = matches!(self.stack.last(), Some(Frame::Map { .. }));
        let node = self.value_start(at);
        if self.depth() >= MAX_DEPTH {
            let at = self.positions.get(&node).copied().unwrap_or(at);
            return Err(vec![syntax(
                at,
                node,
                format!("cannot parse the document: {}", too_deep()),
            )]);
        }
        let open = Open {
            anchor,
            nodes_before: self.nodes,
            height: 1,
        };
        self.nodes += 1;
        self.stack.push(if mapping {
            Frame::Map {
                pointer: node,
                members: Map::new(),
                key: None,
                locate_by_first_key: !member,
                node: open,
            }
        } else {
            Frame::Seq {
                pointer: node,
                items: Vec::new(),
                node: open,
            }
        });
        Ok(())
    }

    fn close(&mut self, at: Location) {
        let (value, node) = match self.stack.pop() {
            None => return,
            Some(Frame::Skip { depth, kind }) => {
                if depth > 1 {
                    self.stack.push(Frame::Skip {
                        depth: depth - 1,
                        kind,
                    });
                } else {
                    // Never a duplicate: a refused key has no name.
                    let _ = self.key(Err(kind), at);
                }
                return;
            }
            Some(Frame::Map { members, node, .. }) => (Value::Object(members), node),
            Some(Frame::Seq { items, node, .. }) => (Value::Array(items), node),
        };
        if node.anchor != 0 {
            self.anchors.insert(
                node.anchor,
                Anchored {
                    value: value.clone(),
                    nodes: self.nodes - node.nodes_before,
                    height: node.height,
                },
            );
        }
        self.attach(value, node.height);
    }
}

/// A scalar, typed.
enum Scalar {
    Value(Value),
    /// A value under a local tag (`!thing 5`), read as if untagged.
    LocalTagged(Value),
    /// `.inf`, `-.inf` or `.nan`, which JSON cannot hold.
    NonFinite(f64),
    /// A value its core tag refuses (`!!int abc`), or an integer beyond every float.
    Invalid(String),
}

const CORE: &str = "tag:yaml.org,2002:";

fn resolve(text: String, style: TScalarStyle, tag: Option<&Tag>) -> Scalar {
    let plain = style == TScalarStyle::Plain;
    match tag {
        Some(tag) if tag.handle == CORE => match tag.suffix.as_str() {
            "null" => match text.as_str() {
                "" | "~" | "null" | "Null" | "NULL" => Scalar::Value(Value::Null),
                _ => invalid(&text, "!!null"),
            },
            "bool" => match parse_bool(&text) {
                Some(b) => Scalar::Value(Value::Bool(b)),
                None => invalid(&text, "!!bool"),
            },
            "int" => match parse_int(&text) {
                Some(n) => Scalar::Value(Value::Number(n)),
                None => invalid(&text, "!!int"),
            },
            "float" => match parse_float(&text) {
                Some(f) => float(f),
                None => invalid(&text, "!!float"),
            },
            _ => Scalar::Value(Value::String(text)),
        },
        Some(_) if plain => match untagged(text) {
            Scalar::Value(v) => Scalar::LocalTagged(v),
            other => other,
        },
        Some(_) => Scalar::LocalTagged(Value::String(text)),
        None if plain => untagged(text),
        None => Scalar::Value(Value::String(text)),
    }
}

fn invalid(text: &str, tag: &str) -> Scalar {
    Scalar::Invalid(format!("`{text}` is not a valid {tag} value"))
}

/// A plain scalar without a tag.
fn untagged(text: String) -> Scalar {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Value(Value::Null),
        _ => {}
    }
    if let Some(b) = parse_bool(&text) {
        return Scalar::Value(Value::Bool(b));
    }
    if let Some(n) = parse_int(&text) {
        return Scalar::Value(Value::Number(n));
    }
    if !digits_but_not_number(&text) {
        if let Some(f) = parse_float(&text) {
            return float(f);
        }
        let digits = text.strip_prefix(['-', '+']).unwrap_or(&text);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            return Scalar::Invalid(format!(
                "the integer {} cannot be represented in JSON: it has {} digits",
                abbreviate(&text),
                digits.len()
            ));
        }
    }
    Scalar::Value(Value::String(text))
}

fn abbreviate(text: &str) -> String {
    if text.len() <= 24 {
        text.to_owned()
    } else {
        format!("{}…", &text[..20])
    }
}

fn float(f: f64) -> Scalar {
    match Number::from_f64(f) {
        Some(n) => Scalar::Value(Value::Number(n)),
        None => Scalar::NonFinite(f),
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Leading zeros followed by digits make a string in YAML 1.2 (`0123`).
fn digits_but_not_number(text: &str) -> bool {
    let text = text.strip_prefix(['-', '+']).unwrap_or(text);
    text.len() > 1 && text.starts_with('0') && text[1..].bytes().all(|b| b.is_ascii_digit())
}

/// A decimal, `0x`, `0o` or `0b` integer with an optional sign; beyond 64 bits, the nearest float.
fn parse_int(text: &str) -> Option<Number> {
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(rest) = unsigned.strip_prefix("0x") {
        (16, rest)
    } else if let Some(rest) = unsigned.strip_prefix("0o") {
        (8, rest)
    } else if let Some(rest) = unsigned.strip_prefix("0b") {
        (2, rest)
    } else {
        if digits_but_not_number(unsigned) {
            return None;
        }
        (10, unsigned)
    };
    // `from_str_radix` would take a second sign.
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    let magnitude = u128::from_str_radix(digits, radix).ok()?;
    if negative {
        match i128::try_from(magnitude).map(|m| i64::try_from(-m)) {
            Ok(Ok(n)) => Some(Number::from(n)),
            _ => Number::from_f64(-(magnitude as f64)),
        }
    } else if let Ok(n) = u64::try_from(magnitude) {
        Some(Number::from(n))
    } else {
        Number::from_f64(magnitude as f64)
    }
}

/// A float as YAML writes it: Rust's syntax, plus `.inf`, `-.inf` and `.nan` in three cases each.
fn parse_float(text: &str) -> Option<f64> {
    let unsigned = match text.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => text,
    };
    if let ".inf" | ".Inf" | ".INF" = unsigned {
        return Some(f64::INFINITY);
    }
    if let "-.inf" | "-.Inf" | "-.INF" = text {
        return Some(f64::NEG_INFINITY);
    }
    if let ".nan" | ".NaN" | ".NAN" = text {
        return Some(f64::NAN);
    }
    // Rust also reads `inf`, `nan` and `infinity`, which YAML does not.
    unsigned.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// The JSON key for a scalar key, as `serde_yaml` printed it: `200` for `200:`, `null` for `~:`.
fn key_name(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some("null".to_owned()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

fn non_finite_name(f: f64) -> String {
    if f.is_nan() {
        ".nan".to_owned()
    } else if f > 0.0 {
        ".inf".to_owned()
    } else {
        "-.inf".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn value(text: &str) -> Value {
        parse(text).unwrap_or_else(|d| panic!("{d:?}")).0
    }

    /// The one finding that stops `text`: line, column, pointer, message.
    fn refusal(text: &str) -> (usize, usize, String, String) {
        let findings = parse(text).map(|(v, _)| v).unwrap_err();
        assert_eq!(findings.len(), 1, "{findings:?}");
        let d = &findings[0];
        assert_eq!(d.rule, Rule::YamlSyntax);
        (
            d.location.line,
            d.location.column,
            d.pointer.clone(),
            d.message.clone(),
        )
    }

    #[test]
    fn plain_scalars_are_typed_as_yaml_12_core_and_quoted_ones_stay_strings() {
        let text = "\
null: [~, null, Null, NULL, '~', \"null\"]
empty:
bool: [true, True, TRUE, false, FALSE, yes, no, on, 'true']
int: [0, -0, 42, +42, -17, 0x1F, -0x1F, 0o17, 0b101, 9223372036854775807, -9223372036854775808, 18446744073709551615]
float: [1.5, -2.5e3, .5, 1e3, 6.02E23]
string: [0123, '42', 1_000, 0x, 0xZZ, inf, nan, infinity, 1.2.3, '1.5', v1, 12:30, +-1]
block: |
  42
";
        assert_eq!(
            value(text),
            json!({
                "null": [null, null, null, null, "~", "null"],
                "empty": null,
                "bool": [true, true, true, false, false, "yes", "no", "on", "true"],
                "int": [0, 0, 42, 42, -17, 31, -31, 15, 5, 9223372036854775807_i64, -9223372036854775808_i64, 18446744073709551615_u64],
                "float": [1.5, -2500.0, 0.5, 1000.0, 6.02e23],
                "string": ["0123", "42", "1_000", "0x", "0xZZ", "inf", "nan", "infinity", "1.2.3", "1.5", "v1", "12:30", "+-1"],
                "block": "42\n",
            })
        );
        assert!(value("a: 42\n")["a"].is_u64());
        assert!(value("a: -42\n")["a"].is_i64());
        assert!(value("a: 1e3\n")["a"].is_f64());
    }

    #[test]
    fn integers_beyond_64_bits_become_floats_and_beyond_floats_are_refused_where_they_are() {
        assert_eq!(
            value("a: 18446744073709551616\nb: -9223372036854775809\nc: 0xFFFFFFFFFFFFFFFFFF\nd: 100000000000000000000000000000000000000000000000000\n"),
            json!({"a": 1.8446744073709552e19, "b": -9.223372036854776e18, "c": 4.722366482869645e21, "d": 1e50})
        );
        let huge = "9".repeat(400);
        let (line, column, pointer, message) = refusal(&format!("a: 1\nb: {huge}\n"));
        assert_eq!((line, column, pointer.as_str()), (2, 1, "/b"));
        assert!(
            message.starts_with("the integer 99999999999999999999… cannot be represented in JSON: it has 400 digits"),
            "{message}"
        );
        // As a key, it is a name like any other.
        assert_eq!(value(&format!("{huge}: 1\n")), json!({ huge: 1 }));
    }

    #[test]
    fn infinities_and_nan_are_refused_each_where_it_is() {
        let findings = parse("a: .inf\nb:\n  - -.Inf\n  - .NaN\nc: '.inf'\n").unwrap_err();
        let got: Vec<_> = findings
            .iter()
            .map(|d| {
                (
                    d.location.line,
                    d.location.column,
                    d.pointer.as_str(),
                    d.message.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (1, 1, "/a", "the number inf cannot be represented in JSON"),
                (
                    3,
                    5,
                    "/b/0",
                    "the number -inf cannot be represented in JSON"
                ),
                (4, 5, "/b/1", "the number NaN cannot be represented in JSON"),
            ]
        );
    }

    #[test]
    fn tags_force_a_type_or_are_ignored() {
        let text = "a: !!str 42\nb: !!int '42'\nc: !!float 1\nd: !!bool 'true'\ne: !!null ''\nf: !local 42\ng: !local '42'\nh: !!binary aGk=\ni: !thing {x: 1}\n";
        assert_eq!(
            value(text),
            json!({"a": "42", "b": 42, "c": 1.0, "d": true, "e": null, "f": 42, "g": "42", "h": "aGk=", "i": {"x": 1}})
        );
        let (line, _, pointer, message) = refusal("a: 1\nb: !!int abc\n");
        assert_eq!((line, pointer.as_str()), (2, "/b"));
        assert_eq!(message, "`abc` is not a valid !!int value");
    }

    #[test]
    fn scalar_keys_become_strings() {
        assert_eq!(
            value("200: a\n0x10: b\n1.5: c\ntrue: d\n~: e\n'x y': f\n.inf: g\n"),
            json!({"200": "a", "16": "b", "1.5": "c", "true": "d", "null": "e", "x y": "f", ".inf": "g"})
        );
    }

    #[test]
    fn collection_keys_are_refused_and_the_rest_still_read() {
        let findings = parse("? [x, y]\n: 1\nz: 2\n? {a: 1}\n: 3\n").unwrap_err();
        let messages: Vec<_> = findings.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "mapping keys must be scalars, found a sequence",
                "mapping keys must be scalars, found a mapping"
            ]
        );
    }

    #[test]
    fn aliases_copy_their_anchored_node_and_merge_keys_stay_ordinary_keys() {
        let text = "base: &b {x: 1, y: [2, 3]}\nname: &n hello\nuse: *b\nlist: [*n, *b]\nmerged:\n  <<: *b\n  z: 4\n*n : key\n";
        assert_eq!(
            value(text),
            json!({
                "base": {"x": 1, "y": [2, 3]},
                "name": "hello",
                "use": {"x": 1, "y": [2, 3]},
                "list": ["hello", {"x": 1, "y": [2, 3]}],
                "merged": {"<<": {"x": 1, "y": [2, 3]}, "z": 4},
                "hello": "key",
            })
        );
    }

    #[test]
    fn a_recursive_alias_is_refused() {
        // yaml-rust2 knows the anchor from its start, so the alias inside is no syntax error.
        let (line, column, _, message) = refusal("a: &a\n  b: *a\n");
        assert_eq!((line, column), (2, 6));
        assert!(
            message.ends_with("this alias refers to a node that contains it"),
            "{message}"
        );
    }

    #[test]
    fn an_alias_bomb_is_refused_at_the_alias_that_goes_over_the_budget() {
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let start = std::time::Instant::now();
        let (line, _, pointer, message) = refusal(&text);
        assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
        // a0 to a4 hold 11, 111, ... 111,111 nodes: a5's eighth alias would copy the millionth.
        assert_eq!(line, 6, "{pointer} {message}");
        assert_eq!(pointer, "/a5/7");
        assert_eq!(
            message,
            "cannot parse the document: its aliases expand to more than 1000000 nodes"
        );
    }

    #[test]
    fn nesting_is_bounded_without_using_the_stack() {
        for depth in [MAX_DEPTH, 10_000, 200_000] {
            let flow = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            let block: String = (0..depth.min(10_000))
                .map(|i| format!("{}k:\n", " ".repeat(i)))
                .collect();
            for text in [flow, block] {
                let result = parse(&text);
                if depth <= MAX_DEPTH {
                    assert!(result.is_ok());
                    continue;
                }
                let (line, column, _, message) = refusal(&text);
                assert_eq!(
                    message,
                    format!("cannot parse the document: it nests deeper than {MAX_DEPTH} levels")
                );
                if text.starts_with('[') {
                    // Where the scanner, reading ahead, stops: at its own limit of 255 flow levels.
                    assert_eq!((line, column), (1, 256));
                } else {
                    // The member whose value is one level too deep.
                    assert_eq!((line, column), (MAX_DEPTH, MAX_DEPTH));
                }
            }
        }
    }

    #[test]
    fn an_alias_may_not_nest_its_copy_past_the_bound() {
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let text = format!(
            "a: &a {deep}\nb: {}*a{}\n",
            "[".repeat(100),
            "]".repeat(100)
        );
        let (line, _, _, message) = refusal(&text);
        assert_eq!(line, 2);
        assert!(
            message.ends_with(&format!("deeper than {MAX_DEPTH} levels")),
            "{message}"
        );
    }

    #[test]
    fn duplicate_keys_are_refused_at_the_second_one_even_spelled_differently() {
        let (line, column, pointer, message) = refusal("a:\n  200: x\n  '200': y\n");
        assert_eq!((line, column, pointer.as_str()), (3, 3, "/a/200"));
        assert_eq!(
            message,
            "cannot parse the document: duplicate key `200` (first at line 2, column 3)"
        );
        // In JSON too.
        let (line, column, _, _) = refusal("{\"a\": 1,\n \"a\": 2}");
        assert_eq!((line, column), (2, 2));
    }

    #[test]
    fn a_second_document_is_refused_where_it_starts() {
        let (line, column, _, message) = refusal("a: 1\n---\nb: 2\n");
        assert_eq!((line, column), (2, 1));
        assert_eq!(
            message,
            "cannot parse the document: the text holds more than one YAML document"
        );
        // A single document may still start with `---` and end with `...`.
        assert_eq!(value("---\na: 1\n...\n"), json!({"a": 1}));
        assert_eq!(value(""), Value::Null);
    }

    #[test]
    fn json_reads_as_json() {
        let text = "{\"a\": [1, -0, 1.0, 1e300, -1.5E-7, \"x\\u00e9\\/\\n\", true, null, {}, []], \"b\": {\"c\": 18446744073709551616}}";
        let mut expected: Value = serde_json::from_str(text).unwrap();
        // YAML reads `-0` as the integer 0, where serde_json makes it the float -0.0.
        expected["a"][1] = json!(0);
        assert_eq!(value(text), expected);
        // Beyond floats, a number stays the text it is, as `serde_yaml` read it.
        assert_eq!(value("[1e400]"), json!(["1e400"]));
    }
}
