//! JSON pointers (RFC 6901) as the findings print them: `#/paths/~1login/put`.

use serde_json::Value;

/// Appends one reference token to a pointer, escaping `~` and `/`.
pub fn push(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// Appends an array index to a pointer.
pub fn push_index(pointer: &str, index: usize) -> String {
    format!("{pointer}/{index}")
}

/// The parent of a pointer, or `None` for the root (`""`).
pub fn parent(pointer: &str) -> Option<&str> {
    pointer.rfind('/').map(|at| &pointer[..at])
}

/// Resolves a local `$ref` (`#/components/schemas/Pet`) inside `doc`.
///
/// Percent-encoded characters in the fragment are decoded first, as URI fragments allow.
/// Returns `None` for references that are not local or do not resolve.
pub fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let fragment = reference.strip_prefix('#')?;
    doc.pointer(&percent_decode(fragment)?)
}

/// The pointer of a local `$ref`, without its `#`, percent-decoded.
pub fn ref_pointer(reference: &str) -> Option<String> {
    percent_decode(reference.strip_prefix('#')?)
}

fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn push_escapes_tilde_and_slash() {
        assert_eq!(push("/paths", "/a~b/{id}"), "/paths/~1a~0b~1{id}");
    }

    #[test]
    fn resolve_follows_escaped_and_percent_encoded_refs() {
        let doc = json!({"paths": {"/a b": {"get": 1}}});
        assert_eq!(resolve(&doc, "#/paths/~1a%20b/get"), Some(&json!(1)));
        assert_eq!(resolve(&doc, "#/paths/~1a b/get"), Some(&json!(1)));
        assert_eq!(resolve(&doc, "#/paths/~1c"), None);
        assert_eq!(resolve(&doc, "other.yaml#/x"), None);
        assert_eq!(resolve(&doc, "#/paths/%zz"), None);
    }

    #[test]
    fn parent_walks_up() {
        assert_eq!(parent("/a/b"), Some("/a"));
        assert_eq!(parent("/a"), Some(""));
        assert_eq!(parent(""), None);
    }
}
