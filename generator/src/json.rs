//! The fast path for JSON texts: `serde_json` reads the tree, and positions wait until a finding needs one.
//!
//! It reads exactly the documents whose tree it builds the same as [`crate::yaml`] does: a duplicate key, a
//! negative zero (`-0` is the integer 0 in YAML, `-0.0` a float, and JSON's reader cannot tell them apart),
//! nesting deeper than `serde_json`'s bound, or anything that is not strict JSON ends the fast path, and the
//! text is read again as YAML, which reports what is wrong where.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// The tree of a strict JSON object text, or `None` where the YAML reader must decide.
pub(crate) fn parse(text: &str) -> Option<Value> {
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let mut reader = serde_json::Deserializer::from_str(text);
    let value = Strict.deserialize(&mut reader).ok()?;
    reader.end().ok()?;
    Some(value)
}

/// Builds a [`Value`] as `serde_json` does, but refuses what the YAML reader would read differently.
#[derive(Clone, Copy)]
struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Value, E> {
        if f == 0.0 && f.is_sign_negative() {
            return Err(E::custom("negative zero"));
        }
        Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| E::custom("not a finite number"))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        let mut list = Vec::with_capacity(items.size_hint().unwrap_or(0));
        while let Some(item) = items.next_element_seed(Strict)? {
            list.push(item);
        }
        Ok(Value::Array(list))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = members.next_key::<String>()? {
            let value = members.next_value_seed(Strict)?;
            if map.insert(key, value).is_some() {
                return Err(de::Error::custom("duplicate key"));
            }
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path's tree, checked against the YAML reader's.
    fn same_as_yaml(text: &str) -> Value {
        let fast = parse(text).expect("the fast path reads it");
        let (slow, _) = crate::yaml::parse(text).expect("YAML reads it");
        assert_eq!(fast, slow, "{text}");
        assert_eq!(
            serde_json::to_string(&fast).unwrap(),
            serde_json::to_string(&slow).unwrap(),
            "{text}"
        );
        fast
    }

    #[test]
    fn reads_json_as_the_yaml_reader_does() {
        let v = same_as_yaml(
            r#" {"openapi": "3.0.3", "n": [0, 1, -5, 18446744073709551615, 18446744073709551616, -9223372036854775809,
                 1.5, 1e2, 1E-3, 0.1, 2.2250738585072014e-308, 123456789012345678901234567890],
                 "s": ["", "a\"b\\c\/d\n\t\u00e9", "0123", "true", "~"],
                 "o": {"b": true, "a": false, "n": null, "200": {}}, "e": []}
            "#,
        );
        let keys: Vec<_> = v["o"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["b", "a", "n", "200"]);
        assert!(v["n"][1].is_u64() && v["n"][2].is_i64() && v["n"][6].is_f64());
    }

    #[test]
    fn reads_characters_escaped_as_surrogate_pairs() {
        let v = parse(r#"{"emoji": "\ud83d\ude00"}"#).unwrap();
        assert_eq!(v["emoji"], "\u{1f600}");
    }

    #[test]
    fn leaves_to_the_yaml_reader_what_it_would_read_differently_or_refuse() {
        for text in [
            r#"{"a": 1, "a": 2}"#,
            r#"{"a": -0}"#,
            r#"{"a": 1e400}"#,
            r#"{"a": 1} # a comment"#,
            "{\"a\": \"tab\there\"}",
            "a: 1",
            "[1, 2]",
            "",
            r#"{"a": 1}{"b": 2}"#,
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
        let deep = format!(
            "{}{}",
            "{\"a\": ".repeat(200),
            "1".to_owned() + &"}".repeat(200)
        );
        assert_eq!(parse(&deep), None);
        assert!(crate::yaml::parse(&deep).is_ok());
    }
}
