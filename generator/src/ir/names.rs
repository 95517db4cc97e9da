//! Rust names for spec names: decided once, here, and nowhere else.
//!
//! Every rule has a unit test: keywords, leading digits, symbols, empty names, clashes.

use std::collections::BTreeSet;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Words Rust reserves, strict and reserved-for-future, in every edition the crate may be built with.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Whether Rust reserves `word`.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Names the generated types module uses unqualified (types, and tuple-struct constructors, which share the
/// value namespace with `Some` and `Ok`); a schema may not take them.
pub const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Self",
    "From",
    "Into",
    // The value of an open enum's unknown variant (`emit/types.rs`).
    "UnknownValue",
];

/// Further names the operation modules use unqualified; a request builder or group may not take them.
pub const RESERVED_IN_OPERATIONS: &[&str] = &["Send", "Into", "Clone"];

/// Splits a spec name into words, spelling out the symbols that carry meaning (`+1` is `plus_1`).
fn words(name: &str) -> String {
    // `OAuth` is one word, not `o_auth`.
    let name = name.replace("OAuth", "Oauth");
    let mut out = String::with_capacity(name.len());
    for (i, c) in name.chars().enumerate() {
        match c {
            '+' => out.push_str(" plus "),
            '-' if i == 0 => out.push_str(" minus "),
            '@' if i == 0 => out.push_str(" at "),
            '$' if i == 0 => out.push_str(" dollar "),
            c if c.is_ascii_alphanumeric() => out.push(c),
            c if c.is_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
    }
    out
}

/// Keeps only what an identifier may hold.
fn identifier_chars(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// A `snake_case` identifier for a field, method or parameter, as Rust source text (`r#type` for keywords).
pub fn snake(name: &str) -> String {
    let mut s = identifier_chars(&words(name).to_snake_case());
    if s.is_empty() {
        s = "value".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    escape(s)
}

/// An `UpperCamelCase` identifier for a type or variant.
pub fn camel(name: &str) -> String {
    let mut s = identifier_chars(&words(name).to_upper_camel_case());
    if s.is_empty() {
        s = "Value".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    escape(s)
}

/// A `SHOUTY_SNAKE_CASE` identifier for a constant; a name that starts with a digit (an operation id such
/// as `58acde292109180bdcacc40d`) keeps it behind `_`, as [`snake`] does.
pub fn shouty(name: &str) -> String {
    let mut s = identifier_chars(&words(name).to_shouty_snake_case());
    if s.is_empty() {
        s = "VALUE".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    escape(s)
}

fn escape(s: String) -> String {
    if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// The name without a raw-identifier prefix, for building longer names from it.
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// A Rust identifier, or a raw identifier (`r#type`), proven valid when it was made: only [`Ident::new`] and
/// [`Namespace::claim`] make one, and both check.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ident(String);

/// A name that is not a Rust identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidName(pub String);

impl std::fmt::Display for InvalidName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` cannot be made a Rust identifier", self.0)
    }
}

impl Ident {
    /// `text` as an identifier, if it is one: not empty, a letter or `_` and then letters, digits and `_`, and
    /// not a keyword (unless raw, `r#type`, for the keywords that may be raw).
    pub fn new(text: &str) -> Result<Ident, InvalidName> {
        let invalid = || InvalidName(text.to_owned());
        let bare = text.strip_prefix("r#");
        let word = bare.unwrap_or(text);
        let mut chars = word.chars();
        let starts = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        let continues = chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        let keyword = KEYWORDS.contains(&word);
        let valid = starts
            && continues
            && word != "_"
            && match bare {
                Some(_) => keyword && !NOT_RAW.contains(&word),
                None => !keyword,
            };
        if valid {
            Ok(Ident(text.to_owned()))
        } else {
            Err(invalid())
        }
    }

    /// The identifier as Rust source text (`r#type`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The identifier without its raw prefix (`type`), as it reads in docs and longer names.
    pub fn bare(&self) -> &str {
        bare(&self.0)
    }

    /// Whether it is a raw identifier (`r#type`).
    pub fn is_raw(&self) -> bool {
        self.0.starts_with("r#")
    }
}

/// Tests spell identifiers as literals; one that is not valid fails the test.
#[cfg(test)]
impl From<&str> for Ident {
    fn from(text: &str) -> Ident {
        Ident::new(text).expect("a valid identifier in a test")
    }
}

impl std::ops::Deref for Ident {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Ident {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Ident {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Ident {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// Hands out names unique within one namespace, suffixing `2`, `3`... on a clash.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// A namespace in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// A namespace in which `taken` are already taken.
    pub fn with_taken(taken: BTreeSet<String>) -> Self {
        Namespace { taken }
    }

    /// Takes `wanted`, or the first free `wanted2`, `wanted3`...; an error if `wanted` is not an identifier.
    pub fn claim(&mut self, wanted: &str) -> Result<Ident, InvalidName> {
        let wanted = Ident::new(wanted)?;
        let base = wanted.bare().to_owned();
        if !self.taken.contains(&base) {
            self.taken.insert(base);
            return Ok(wanted);
        }
        let found = (2..)
            .map(|n| format!("{base}{n}"))
            .filter(|candidate| !self.taken.contains(candidate))
            .find_map(|candidate| Ident::new(&candidate).ok())
            .ok_or_else(|| InvalidName(base.clone()))?;
        self.taken.insert(found.as_str().to_owned());
        Ok(found)
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(bare(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_become_raw_identifiers() {
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("async"), "r#async");
        assert_eq!(camel("type"), "Type");
    }

    #[test]
    fn keywords_that_cannot_be_raw_get_a_suffix() {
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("super"), "super_");
        assert_eq!(camel("self"), "Self_");
        assert_eq!(snake("crate"), "crate_");
    }

    #[test]
    fn leading_digits_get_a_prefix() {
        assert_eq!(snake("2fa_enabled"), "_2fa_enabled");
        assert_eq!(camel("3d_secure"), "V3dSecure");
        assert_eq!(camel("404"), "V404");
    }

    #[test]
    fn symbols_are_spelled_out_or_dropped() {
        assert_eq!(snake("+1"), "plus_1");
        assert_eq!(snake("-1"), "minus_1");
        assert_eq!(camel("+1"), "Plus1");
        assert_eq!(snake("@type"), "at_type");
        assert_eq!(snake("x-request-id"), "x_request_id");
        assert_eq!(snake("a.b/c"), "a_b_c");
    }

    #[test]
    fn names_without_letters_or_digits_get_a_placeholder() {
        assert_eq!(snake(""), "value");
        assert_eq!(snake("***"), "value");
        assert_eq!(camel(""), "Value");
    }

    #[test]
    fn oauth_is_one_word() {
        assert_eq!(snake("SonghaiOAuth"), "songhai_oauth");
        assert_eq!(camel("OAuth2"), "Oauth2");
    }

    #[test]
    fn case_conversion_follows_word_boundaries() {
        assert_eq!(
            snake("paymentAccountNumbeCurrencyCode"),
            "payment_account_numbe_currency_code"
        );
        assert_eq!(camel("call_quote"), "CallQuote");
        assert_eq!(camel("ISO-8601"), "Iso8601");
    }

    #[test]
    fn clashes_get_numbered_suffixes() {
        let mut ns = Namespace::with_reserved(RESERVED_TYPES);
        let mut claim = |name: &str| ns.claim(name).map(|i| i.as_str().to_owned());
        assert_eq!(claim("Pet").as_deref(), Ok("Pet"));
        assert_eq!(claim("Pet").as_deref(), Ok("Pet2"));
        assert_eq!(claim("Pet").as_deref(), Ok("Pet3"));
        assert_eq!(claim("Option").as_deref(), Ok("Option2"));
        assert_eq!(claim("String").as_deref(), Ok("String2"));
        assert_eq!(claim("Error").as_deref(), Ok("Error"));
    }

    #[test]
    fn raw_identifiers_clash_by_their_bare_name() {
        let mut ns = Namespace::default();
        assert_eq!(
            ns.claim("r#type").map(|i| i.to_string()).as_deref(),
            Ok("r#type")
        );
        assert_eq!(
            ns.claim("r#type").map(|i| i.to_string()).as_deref(),
            Ok("type2")
        );
        assert!(
            ns.claim("type").is_err(),
            "a bare keyword is not an identifier"
        );
    }

    #[test]
    fn identifiers_are_checked() {
        for valid in ["pet", "Pet", "_2fa", "r#type", "value_2", "self_"] {
            assert_eq!(
                Ident::new(valid).map(|i| i.to_string()).as_deref(),
                Ok(valid)
            );
        }
        for invalid in [
            "", "_", "2fa", "type", "self", "r#self", "r#crate", "r#pet", "a-b", "a b", "é", "r#",
        ] {
            assert!(Ident::new(invalid).is_err(), "{invalid:?}");
        }
        let mut ns = Namespace::default();
        assert!(ns.claim("not-an-ident").is_err());
    }

    #[test]
    fn every_spelled_name_is_an_identifier() {
        for name in [
            "", "_", "__", "***", "-1", "type", "self", "Self", "crate", "3d", "é", "a.b",
        ] {
            assert!(
                Ident::new(&snake(name)).is_ok(),
                "snake({name:?}) = {}",
                snake(name)
            );
            assert!(
                Ident::new(&camel(name)).is_ok(),
                "camel({name:?}) = {}",
                camel(name)
            );
        }
    }

    #[test]
    fn constants_keep_a_leading_digit_behind_an_underscore() {
        assert_eq!(
            shouty("58acde292109180bdcacc40d"),
            "_58ACDE292109180BDCACC40D"
        );
        assert_eq!(
            shouty("_4o_d_browse_by_date_feed"),
            "_4O_D_BROWSE_BY_DATE_FEED"
        );
        assert_eq!(shouty("get_pet_by_id"), "GET_PET_BY_ID");
        assert_eq!(shouty(""), "VALUE");
        assert!(Ident::new(&shouty("2.SendPaymentsPublic")).is_ok());
    }
}
