//! Serde helpers for fields, used as `#[serde(with = "crate::runtime::serde::NAME")]`.
//!
//! Fields of an `Option` type also need `#[serde(default)]`, so that an absent member reads as `None`.

use std::fmt;

use ::serde::de::{self, Deserializer, MapAccess, Visitor};
use ::serde::ser::{self, Serializer};
use ::serde::{Deserialize, Serialize};
use rust_decimal::Decimal;

/// Date-times as RFC 3339 strings.
pub use time::serde::rfc3339 as date_time;
/// Optional date-times as RFC 3339 strings.
pub use time::serde::rfc3339::option as date_time_option;

/// `Decimal` as a JSON number with exactly its digits; reads a number or a string.
pub mod decimal_number {
    use super::*;

    /// Writes the decimal as a JSON number, digit for digit.
    pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        let raw = serde_json::value::RawValue::from_string(value.to_string())
            .map_err(ser::Error::custom)?;
        raw.serialize(serializer)
    }

    /// Reads a decimal from a JSON number (exactly, when read by `serde_json`) or a string.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        // serde_json hands the exact text of a number to a visitor that asks for its raw
        // value; other deserializers (such as the buffer behind an untagged enum) call
        // `visit_newtype_struct`, and the value is then read as whatever they hold.
        deserializer.deserialize_newtype_struct(RAW_VALUE_TOKEN, DecimalVisitor)
    }
}

/// `Option<Decimal>` as a JSON number or `null`; reads a number, a string or `null`.
pub mod decimal_number_option {
    use super::*;

    /// Writes the decimal as a JSON number, or `null`.
    pub fn serialize<S: Serializer>(
        value: &Option<Decimal>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => decimal_number::serialize(value, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Reads a decimal from a JSON number or a string, or `None` from `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Decimal>, D::Error> {
        #[derive(Deserialize)]
        struct Number(#[serde(with = "decimal_number")] Decimal);
        Ok(Option::<Number>::deserialize(deserializer)?.map(|n| n.0))
    }
}

/// A decimal read and written by [`decimal_number`], for the elements of lists and maps.
#[derive(Deserialize)]
#[serde(transparent)]
struct Exact(#[serde(with = "decimal_number")] Decimal);

/// A borrowed decimal written by [`decimal_number`].
struct ExactRef<'a>(&'a Decimal);

impl Serialize for ExactRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        decimal_number::serialize(self.0, serializer)
    }
}

/// `Vec<Decimal>` as JSON numbers with exactly their digits; reads numbers or strings.
pub mod decimal_number_list {
    use super::*;

    /// Writes each decimal as a JSON number.
    pub fn serialize<S: Serializer>(value: &[Decimal], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(value.iter().map(ExactRef))
    }

    /// Reads a list of decimals, each a JSON number or a string.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<Decimal>, D::Error> {
        Ok(Vec::<Exact>::deserialize(deserializer)?
            .into_iter()
            .map(|e| e.0)
            .collect())
    }
}

/// `Option<Vec<Decimal>>` as JSON numbers or `null`.
pub mod decimal_number_list_option {
    use super::*;

    /// Writes each decimal as a JSON number, or `null`.
    pub fn serialize<S: Serializer>(
        value: &Option<Vec<Decimal>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(list) => decimal_number_list::serialize(list, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Reads a list of decimals, or `None` from `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Vec<Decimal>>, D::Error> {
        Ok(Option::<Vec<Exact>>::deserialize(deserializer)?
            .map(|list| list.into_iter().map(|e| e.0).collect()))
    }
}

/// `BTreeMap<String, Decimal>` with JSON numbers as values.
pub mod decimal_number_map {
    use super::*;
    use std::collections::BTreeMap;

    /// Writes each value as a JSON number.
    pub fn serialize<S: Serializer>(
        value: &BTreeMap<String, Decimal>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_map(value.iter().map(|(k, v)| (k, ExactRef(v))))
    }

    /// Reads a map whose values are JSON numbers or strings.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<String, Decimal>, D::Error> {
        Ok(BTreeMap::<String, Exact>::deserialize(deserializer)?
            .into_iter()
            .map(|(k, e)| (k, e.0))
            .collect())
    }
}

/// `Option<BTreeMap<String, Decimal>>` with JSON numbers as values, or `null`.
pub mod decimal_number_map_option {
    use super::*;
    use std::collections::BTreeMap;

    /// Writes each value as a JSON number, or `null`.
    pub fn serialize<S: Serializer>(
        value: &Option<BTreeMap<String, Decimal>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(map) => decimal_number_map::serialize(map, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Reads a map of decimals, or `None` from `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<BTreeMap<String, Decimal>>, D::Error> {
        Ok(
            Option::<BTreeMap<String, Exact>>::deserialize(deserializer)?
                .map(|map| map.into_iter().map(|(k, e)| (k, e.0)).collect()),
        )
    }
}

/// `Vec<u8>` as a standard base64 string (padding optional when reading).
pub mod base64_bytes {
    use super::*;

    /// Writes the bytes as standard base64.
    pub fn serialize<S: Serializer>(value: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&base64::Engine::encode(&BASE64, value))
    }

    /// Reads bytes from a standard base64 string.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(deserializer)?;
        base64::Engine::decode(&BASE64, text.as_bytes())
            .map_err(|e| de::Error::custom(format!("invalid base64: {e}")))
    }
}

/// `Option<Vec<u8>>` as a standard base64 string or `null`.
pub mod base64_bytes_option {
    use super::*;

    /// Writes the bytes as standard base64, or `null`.
    pub fn serialize<S: Serializer>(
        value: &Option<Vec<u8>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => base64_bytes::serialize(value, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Reads bytes from a standard base64 string, or `None` from `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Vec<u8>>, D::Error> {
        #[derive(Deserialize)]
        struct Bytes(#[serde(with = "base64_bytes")] Vec<u8>);
        Ok(Option::<Bytes>::deserialize(deserializer)?.map(|b| b.0))
    }
}

/// `time::Date` as `YYYY-MM-DD`.
pub mod date {
    use super::*;

    /// Writes the date as `YYYY-MM-DD`.
    pub fn serialize<S: Serializer>(value: &time::Date, serializer: S) -> Result<S::Ok, S::Error> {
        let text = value.format(DATE_FORMAT).map_err(ser::Error::custom)?;
        serializer.serialize_str(&text)
    }

    /// Reads a date from `YYYY-MM-DD`.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<time::Date, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(deserializer)?;
        time::Date::parse(&text, DATE_FORMAT)
            .map_err(|e| de::Error::custom(format!("invalid date `{text}`: {e}")))
    }
}

/// `Option<time::Date>` as `YYYY-MM-DD` or `null`.
pub mod date_option {
    use super::*;

    /// Writes the date as `YYYY-MM-DD`, or `null`.
    pub fn serialize<S: Serializer>(
        value: &Option<time::Date>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => date::serialize(value, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Reads a date from `YYYY-MM-DD`, or `None` from `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<time::Date>, D::Error> {
        #[derive(Deserialize)]
        struct Date(#[serde(with = "date")] time::Date);
        Ok(Option::<Date>::deserialize(deserializer)?.map(|d| d.0))
    }
}

const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// Standard base64, writing padding and accepting input with or without it.
const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

/// The newtype name under which serde_json passes a value's raw text.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

struct DecimalVisitor;

impl DecimalVisitor {
    fn parse<E: de::Error>(text: &str) -> Result<Decimal, E> {
        let text = text.trim();
        let parsed = if text.contains(['e', 'E']) {
            Decimal::from_scientific(text)
        } else {
            text.parse::<Decimal>()
        };
        parsed.map_err(|e| E::custom(format!("invalid decimal `{text}`: {e}")))
    }
}

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number or a string holding one")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
        // serde_json's raw value: a single entry whose value is the JSON text.
        let Some((_, raw)) = map.next_entry::<de::IgnoredAny, std::borrow::Cow<'de, str>>()? else {
            return Err(de::Error::invalid_length(0, &self));
        };
        match serde_json::from_str::<String>(&raw) {
            Ok(text) => Self::parse(&text),
            Err(_) => Self::parse(&raw),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        Self::parse(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        Decimal::try_from(v).map_err(|e| E::custom(format!("invalid decimal {v}: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use ::serde::{Deserialize, Serialize};
    use serde_json::json;

    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Amounts {
        #[serde(with = "decimal_number")]
        amount: Decimal,
        #[serde(default, with = "decimal_number_option")]
        fee: Option<Decimal>,
        #[serde(default)]
        as_string: Option<Decimal>,
    }

    const DIGITS: &str = "12345678901234567890.123456789";

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).expect("a decimal")
    }

    #[test]
    fn decimal_numbers_keep_every_digit() {
        let amounts = Amounts {
            amount: dec(DIGITS),
            fee: Some(dec("-0.50")),
            as_string: Some(dec("10.00")),
        };
        let text = serde_json::to_string(&amounts).expect("serializes");
        assert_eq!(
            text,
            format!(r#"{{"amount":{DIGITS},"fee":-0.50,"as_string":"10.00"}}"#)
        );
        let back: Amounts = serde_json::from_str(&text).expect("deserializes");
        assert_eq!(back, amounts);
        assert_eq!(back.amount.to_string(), DIGITS);
        assert_eq!(back.fee.map(|f| f.to_string()).as_deref(), Some("-0.50"));
    }

    #[test]
    fn decimal_numbers_read_strings_nulls_and_exponents() {
        let text = format!(r#"{{"amount":"{DIGITS}","fee":null,"as_string":12.5}}"#);
        let read: Amounts = serde_json::from_str(&text).expect("deserializes");
        assert_eq!(read.amount.to_string(), DIGITS);
        assert_eq!(read.fee, None);
        assert_eq!(read.as_string, Some(dec("12.5")));

        let read: Amounts = serde_json::from_str(r#"{"amount":1.5e3}"#).expect("deserializes");
        assert_eq!(read.amount, dec("1500"));
        assert_eq!(read.fee, None);

        let bad = serde_json::from_str::<Amounts>(r#"{"amount":"ten"}"#);
        assert!(bad.is_err_and(|e| e.to_string().starts_with("invalid decimal `ten`")));
        let bad = serde_json::from_str::<Amounts>(r#"{"amount":true}"#);
        assert!(bad.is_err());
    }

    #[test]
    fn decimal_numbers_work_inside_untagged_enums_and_flatten() {
        #[derive(Debug, PartialEq, Deserialize)]
        #[serde(untagged)]
        enum Either {
            Amounts(Amounts),
            Other(String),
        }
        #[derive(Debug, PartialEq, Deserialize)]
        struct Outer {
            id: u32,
            #[serde(flatten)]
            amounts: Amounts,
        }
        let either: Either =
            serde_json::from_str(r#"{"amount":"1.25","fee":2}"#).expect("deserializes");
        assert_eq!(
            either,
            Either::Amounts(Amounts {
                amount: dec("1.25"),
                fee: Some(dec("2")),
                as_string: None
            })
        );
        let outer: Outer =
            serde_json::from_str(r#"{"id":1,"amount":0.1,"fee":null}"#).expect("deserializes");
        assert_eq!(outer.amounts.amount, dec("0.1"));
        assert_eq!(outer.id, 1);
        let value: Amounts = serde_json::from_value(json!({"amount": 7})).expect("deserializes");
        assert_eq!(value.amount, dec("7"));
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Blob {
        #[serde(with = "base64_bytes")]
        bytes: Vec<u8>,
        #[serde(default, with = "base64_bytes_option")]
        thumb: Option<Vec<u8>>,
    }

    #[test]
    fn base64_round_trip() {
        let blob = Blob {
            bytes: b"hello?>".to_vec(),
            thumb: None,
        };
        let text = serde_json::to_string(&blob).expect("serializes");
        assert_eq!(text, r#"{"bytes":"aGVsbG8/Pg==","thumb":null}"#);
        assert_eq!(serde_json::from_str::<Blob>(&text).ok(), Some(blob));
        let read: Blob =
            serde_json::from_str(r#"{"bytes":"aGk","thumb":"AAE="}"#).expect("deserializes");
        assert_eq!(read.bytes, b"hi");
        assert_eq!(read.thumb, Some(vec![0, 1]));
        assert!(serde_json::from_str::<Blob>(r#"{"bytes":"***"}"#).is_err());
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Dates {
        #[serde(with = "date")]
        day: time::Date,
        #[serde(default, with = "date_option")]
        due: Option<time::Date>,
        #[serde(with = "date_time")]
        at: time::OffsetDateTime,
    }

    #[test]
    fn dates_round_trip() {
        let dates = Dates {
            day: time::macros::date!(2027 - 12 - 01),
            due: Some(time::macros::date!(2024 - 02 - 29)),
            at: time::macros::datetime!(2024-01-05 10:30:00 UTC),
        };
        let text = serde_json::to_string(&dates).expect("serializes");
        assert_eq!(
            text,
            r#"{"day":"2027-12-01","due":"2024-02-29","at":"2024-01-05T10:30:00Z"}"#
        );
        assert_eq!(serde_json::from_str::<Dates>(&text).ok(), Some(dates));
        let bad = serde_json::from_str::<Dates>(r#"{"day":"2023-02-29","at":"x"}"#);
        assert!(bad.is_err_and(|e| e.to_string().starts_with("invalid date `2023-02-29`")));
    }

    #[test]
    fn decimal_lists_and_maps_are_json_numbers_with_their_digits() {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct Rates {
            #[serde(with = "super::decimal_number_list")]
            list: Vec<Decimal>,
            #[serde(with = "super::decimal_number_map")]
            map: std::collections::BTreeMap<String, Decimal>,
            #[serde(default, with = "super::decimal_number_list_option")]
            maybe: Option<Vec<Decimal>>,
        }
        let text = r#"{"list":[1.10,"2.000"],"map":{"GBP":100.50},"maybe":null}"#;
        let rates: Rates = serde_json::from_str(text).expect("rates");
        assert_eq!(rates.list[0].to_string(), "1.10");
        assert_eq!(rates.list[1].to_string(), "2.000");
        assert_eq!(
            serde_json::to_string(&rates).expect("json"),
            r#"{"list":[1.10,2.000],"map":{"GBP":100.50},"maybe":null}"#
        );
    }
}
