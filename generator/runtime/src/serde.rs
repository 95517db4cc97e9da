//! How generated types read and write the values whose JSON form is not their Rust type's own: decimals written
//! as JSON numbers, dates, date-times, custom date formats and base64 bytes.
//!
//! Each is a marker type implementing serde_with's [`SerializeAs`] and [`DeserializeAs`], so the markers compose
//! with `Option`, `Vec`, maps and `Box` the way serde_with's adapters do: a field of type
//! `Option<Vec<time::Date>>` is written `#[serde(with = "As::<Option<Vec<IsoDate>>>")]`, and a parameter is
//! encoded through [`SerializeAsWrap`]. Fields of an `Option` type also need `#[serde(default)]`, so that an absent
//! member reads as `None`.

use std::fmt;
use std::marker::PhantomData;

use ::serde::de::{self, Deserializer, MapAccess, Visitor};
use ::serde::ser::{self, Serializer};
use ::serde::{Deserialize, Serialize};
use rust_decimal::Decimal;
pub use serde_with::ser::SerializeAsWrap;
pub use serde_with::{As, DeserializeAs, Same, SerializeAs};

/// Date-times as RFC 3339 strings.
pub use time::serde::rfc3339 as date_time;

/// A `Decimal` written as a JSON number with exactly its digits; reads a number or a string.
pub struct DecimalNumber;

impl SerializeAs<Decimal> for DecimalNumber {
    fn serialize_as<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        decimal_number::serialize(value, serializer)
    }
}

impl<'de> DeserializeAs<'de, Decimal> for DecimalNumber {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        decimal_number::deserialize(deserializer)
    }
}

/// A `time::Date` written as `YYYY-MM-DD`.
pub struct IsoDate;

impl SerializeAs<time::Date> for IsoDate {
    fn serialize_as<S: Serializer>(value: &time::Date, serializer: S) -> Result<S::Ok, S::Error> {
        date::serialize(value, serializer)
    }
}

impl<'de> DeserializeAs<'de, time::Date> for IsoDate {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<time::Date, D::Error> {
        date::deserialize(deserializer)
    }
}

/// A `time::OffsetDateTime` written as an RFC 3339 string.
pub struct Rfc3339;

impl SerializeAs<time::OffsetDateTime> for Rfc3339 {
    fn serialize_as<S: Serializer>(
        value: &time::OffsetDateTime,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        date_time::serialize(value, serializer)
    }
}

impl<'de> DeserializeAs<'de, time::OffsetDateTime> for Rfc3339 {
    fn deserialize_as<D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<time::OffsetDateTime, D::Error> {
        date_time::deserialize(deserializer)
    }
}

/// Bytes written as standard base64 (padding optional when reading).
pub struct Base64;

impl SerializeAs<Vec<u8>> for Base64 {
    fn serialize_as<S: Serializer>(value: &Vec<u8>, serializer: S) -> Result<S::Ok, S::Error> {
        base64_bytes::serialize(value, serializer)
    }
}

impl<'de> DeserializeAs<'de, Vec<u8>> for Base64 {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        base64_bytes::deserialize(deserializer)
    }
}

/// A custom date or date-time format: the `time` format description a [`Formatted`] marker reads and writes.
pub trait Format {
    /// The format, from `time::macros::format_description!`.
    const ITEMS: &'static [time::format_description::BorrowedFormatItem<'static>];
}

/// A `time::Date` or `time::PrimitiveDateTime` written in the custom format `F`.
pub struct Formatted<F>(PhantomData<F>);

macro_rules! formatted {
    ($($ty:ty),*) => {$(
        impl<F: Format> SerializeAs<$ty> for Formatted<F> {
            fn serialize_as<S: Serializer>(value: &$ty, serializer: S) -> Result<S::Ok, S::Error> {
                let text = value.format(F::ITEMS).map_err(ser::Error::custom)?;
                serializer.serialize_str(&text)
            }
        }

        impl<'de, F: Format> DeserializeAs<'de, $ty> for Formatted<F> {
            fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<$ty, D::Error> {
                let text = std::borrow::Cow::<str>::deserialize(deserializer)?;
                <$ty>::parse(&text, F::ITEMS)
                    .map_err(|e| de::Error::custom(format!("invalid date `{text}`: {e}")))
            }
        }
    )*};
}

formatted!(time::Date, time::PrimitiveDateTime);

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
        #[serde(default, with = "As::<Option<DecimalNumber>>")]
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
        #[serde(default, with = "As::<Option<Base64>>")]
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
        #[serde(default, with = "As::<Option<IsoDate>>")]
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
            #[serde(with = "As::<Vec<DecimalNumber>>")]
            list: Vec<Decimal>,
            #[serde(with = "As::<std::collections::BTreeMap<Same, DecimalNumber>>")]
            map: std::collections::BTreeMap<String, Decimal>,
            #[serde(default, with = "As::<Option<Vec<DecimalNumber>>>")]
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

    struct DayMonthYear;

    impl Format for DayMonthYear {
        const ITEMS: &'static [time::format_description::BorrowedFormatItem<'static>] =
            time::macros::format_description!("[day]/[month]/[year]");
    }

    #[test]
    fn markers_compose_with_options_lists_and_maps() {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct Shapes {
            #[serde(default, with = "As::<Option<Vec<Rfc3339>>>")]
            times: Option<Vec<time::OffsetDateTime>>,
            #[serde(with = "As::<std::collections::BTreeMap<Same, IsoDate>>")]
            days: std::collections::BTreeMap<String, time::Date>,
            #[serde(with = "As::<Vec<Vec<Base64>>>")]
            blobs: Vec<Vec<Vec<u8>>>,
            #[serde(with = "As::<Vec<Formatted<DayMonthYear>>>")]
            local: Vec<time::Date>,
            #[serde(default, with = "As::<Option<Box<DecimalNumber>>>")]
            boxed: Option<Box<Decimal>>,
        }
        let text = r#"{"times":["2024-01-15T10:30:00Z"],"days":{"due":"2024-02-29"},"blobs":[["aGk=",""]],"local":["01/12/2026"],"boxed":0.10}"#;
        let shapes: Shapes = serde_json::from_str(text).expect("deserializes");
        assert_eq!(
            shapes.times,
            Some(vec![time::macros::datetime!(2024-01-15 10:30:00 UTC)])
        );
        assert_eq!(shapes.days["due"], time::macros::date!(2024 - 02 - 29));
        assert_eq!(shapes.blobs, vec![vec![b"hi".to_vec(), Vec::new()]]);
        assert_eq!(shapes.local, vec![time::macros::date!(2026 - 12 - 01)]);
        assert_eq!(
            shapes.boxed.as_deref().map(ToString::to_string).as_deref(),
            Some("0.10")
        );
        assert_eq!(serde_json::to_string(&shapes).expect("serializes"), text);

        let absent: Shapes =
            serde_json::from_str(r#"{"days":{},"blobs":[],"local":[]}"#).expect("deserializes");
        assert_eq!(absent.times, None);
        let bad =
            serde_json::from_str::<Shapes>(r#"{"days":{"x":"2023-02-29"},"blobs":[],"local":[]}"#);
        assert!(bad.is_err_and(|e| e.to_string().starts_with("invalid date `2023-02-29`")));
        let bad =
            serde_json::from_str::<Shapes>(r#"{"days":{},"blobs":[],"local":["2026-12-01"]}"#);
        assert!(bad.is_err_and(|e| e.to_string().starts_with("invalid date `2026-12-01`")));
    }

    #[test]
    fn parameters_encode_through_the_same_markers() {
        let at = time::macros::datetime!(2024-01-15 10:30:00 UTC);
        let value = serde_json::to_value(SerializeAsWrap::<_, Rfc3339>::new(&at)).expect("encodes");
        assert_eq!(value, json!("2024-01-15T10:30:00Z"));
        let days = vec![time::macros::date!(2024 - 01 - 15)];
        let value =
            serde_json::to_value(SerializeAsWrap::<_, Vec<IsoDate>>::new(&days)).expect("encodes");
        assert_eq!(value, json!(["2024-01-15"]));
        let none: Option<time::Date> = None;
        let value = serde_json::to_value(
            SerializeAsWrap::<_, Option<Formatted<DayMonthYear>>>::new(&none),
        )
        .expect("encodes");
        assert_eq!(value, json!(null));
    }
}
