//! Rust names for spec names: decided once, here, and nowhere else.
//!
//! Every rule has a unit test: keywords, leading digits, symbols, empty names, clashes.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words Rust reserves, strict and reserved-for-future, in every edition the crate may be built with.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Names the generated types module uses unqualified (types, and tuple-struct constructors, which share the
/// value namespace with `Some` and `Ok`); a schema may not take them.
pub const RESERVED_TYPES: &[&str] = &[
    "Option", "Some", "None", "Result", "Ok", "Err", "String", "Vec", "Box", "Self", "From",
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

    /// Takes `wanted`, or the first free `wanted2`, `wanted3`...
    pub fn claim(&mut self, wanted: &str) -> String {
        let base = bare(wanted);
        if !self.taken.contains(base) {
            self.taken.insert(base.to_owned());
            return wanted.to_owned();
        }
        (2..)
            .map(|n| format!("{base}{n}"))
            .find(|candidate| !self.taken.contains(candidate))
            .inspect(|found| {
                self.taken.insert(found.clone());
            })
            .unwrap_or_else(|| wanted.to_owned())
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
        assert_eq!(ns.claim("Pet"), "Pet");
        assert_eq!(ns.claim("Pet"), "Pet2");
        assert_eq!(ns.claim("Pet"), "Pet3");
        assert_eq!(ns.claim("Option"), "Option2");
        assert_eq!(ns.claim("String"), "String2");
        assert_eq!(ns.claim("Error"), "Error");
    }

    #[test]
    fn raw_identifiers_clash_by_their_bare_name() {
        let mut ns = Namespace::default();
        assert_eq!(ns.claim("r#type"), "r#type");
        assert_eq!(ns.claim("type"), "type2");
    }
}
