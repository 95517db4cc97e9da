//! The names a generated method may not take, because the type it lands on already has a method of that name.
//!
//! The runtime's share is read from its source, so it cannot fall behind: the methods of every `impl` block of
//! `Client` and `ClientBuilder` in `generator/runtime/src/`. The generated code's own share (what the emitters
//! define on groups, request builders and the client builder) is listed here, beside the emitters' use of it.

use std::collections::BTreeSet;

/// The runtime sources that define `Client` and `ClientBuilder`.
const RUNTIME: &[&str] = &[
    include_str!("../../runtime/src/client.rs"),
    include_str!("../../runtime/src/session.rs"),
    include_str!("../../runtime/src/request.rs"),
];

/// The runtime's `client!` macro, which defines a generated crate's own `Client` and `ClientBuilder`.
const WRAPPER: &str = include_str!("../../runtime/src/wrapper.rs");

/// Methods every generated type may carry from a derived or implemented standard trait.
const STD_METHODS: &[&str] = &["clone", "clone_from", "fmt", "default", "eq", "ne"];

/// The constructor of a group struct (`Remittance::new`), which the emitters define.
pub const GROUP_CONSTRUCTOR: &str = "new";

/// What the emitters define on every struct of the types module besides its setters (`emit/types.rs`).
pub const MODEL: &[&str] = &["new"];

/// Trait methods a struct carries from its derives that a setter may not shadow.
const SERDE_METHODS: &[&str] = &["serialize", "deserialize"];

/// What the emitters define on every request builder: its fields and its methods.
pub const REQUEST_BUILDER: &[&str] = &[
    "client",
    "body",
    "options",
    "send",
    "into_future",
    "pages",
    "items",
];

/// What the emitters define on `ClientBuilder` for a session (`emit/session.rs`).
pub const SESSION_BUILDER: &[&str] = &["login", "resume_session"];

/// The methods a group accessor on `Client` may not take.
pub fn client_methods() -> BTreeSet<String> {
    let mut names = runtime_methods("Client");
    names.extend(STD_METHODS.iter().map(|s| (*s).to_owned()));
    names
}

/// The methods a security scheme's credential setter on `ClientBuilder` may not take.
pub fn client_builder_methods() -> BTreeSet<String> {
    let mut names = runtime_methods("ClientBuilder");
    names.extend(STD_METHODS.iter().map(|s| (*s).to_owned()));
    names.extend(SESSION_BUILDER.iter().map(|s| (*s).to_owned()));
    names
}

/// The methods an operation on a group struct (which derives `Debug`, `Clone` and `Copy`) may not take.
pub fn group_methods() -> BTreeSet<String> {
    let mut names: BTreeSet<String> = STD_METHODS.iter().map(|s| (*s).to_owned()).collect();
    names.insert(GROUP_CONSTRUCTOR.to_owned());
    names
}

/// The names a schema type may not take: what the types module uses unqualified, and what the crate root
/// exports (so that `crate::X` and `crate::types::X` are never two items).
pub fn type_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = super::names::RESERVED_TYPES.to_vec();
    names.extend(crate::emit::crate_files::ROOT_EXPORTS);
    names
}

/// The names a struct member's setter may not take.
pub fn model_methods() -> BTreeSet<String> {
    STD_METHODS
        .iter()
        .chain(MODEL)
        .chain(SERDE_METHODS)
        .map(|s| (*s).to_owned())
        .collect()
}

/// The names a parameter (a request builder's field and setter) may not take.
pub fn request_builder_members() -> BTreeSet<String> {
    REQUEST_BUILDER.iter().map(|s| (*s).to_owned()).collect()
}

/// The names of the functions of every `impl` block (inherent or of a trait) of the runtime type `name`.
fn runtime_methods(name: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for source in RUNTIME.iter().chain([&WRAPPER]) {
        // The runtime is compiled and tested on its own: it always parses. Were it not to, its names would be
        // missing, and the unit tests below fail.
        let Ok(file) = syn::parse_file(source) else {
            continue;
        };
        for item in file.items {
            if let syn::Item::Macro(m) = &item {
                macro_methods(m.mac.tokens.clone(), name, &mut names);
            }
            let syn::Item::Impl(block) = item else {
                continue;
            };
            let syn::Type::Path(path) = &*block.self_ty else {
                continue;
            };
            if path.path.segments.last().is_none_or(|s| s.ident != name) {
                continue;
            }
            for member in block.items {
                if let syn::ImplItem::Fn(f) = member {
                    names.insert(f.sig.ident.to_string());
                }
            }
        }
    }
    names
}

/// The functions of the `impl name { ... }` blocks written inside a `macro_rules!` body.
fn macro_methods(tokens: proc_macro2::TokenStream, name: &str, names: &mut BTreeSet<String>) {
    use proc_macro2::TokenTree;
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        let TokenTree::Group(group) = tree else {
            continue;
        };
        let is_impl = matches!(
            (i.checked_sub(2).and_then(|j| trees.get(j)), trees.get(i.wrapping_sub(1))),
            (Some(TokenTree::Ident(keyword)), Some(TokenTree::Ident(ty)))
                if keyword == "impl" && ty == name
        );
        if is_impl {
            let inner: Vec<TokenTree> = group.stream().into_iter().collect();
            for pair in inner.windows(2) {
                if let [TokenTree::Ident(keyword), TokenTree::Ident(method)] = pair {
                    if keyword == "fn" {
                        names.insert(method.to_string());
                    }
                }
            }
        } else {
            macro_methods(group.stream(), name, names);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_methods_are_read_from_its_source() {
        let client = client_methods();
        for name in [
            "builder",
            "execute",
            "session",
            "with_credential",
            "runtime",
            "from_runtime",
            "clone",
            "fmt",
        ] {
            assert!(client.contains(name), "Client::{name}");
        }
        let builder = client_builder_methods();
        for name in [
            "base_url",
            "credential",
            "login",
            "resume_session",
            "retry_policy",
            "timeout",
            "build",
            "fmt",
        ] {
            assert!(builder.contains(name), "ClientBuilder::{name}");
        }
        assert!(!builder.contains("builder"));
    }

    #[test]
    fn generated_members_are_reserved() {
        assert!(group_methods().contains("new"));
        for name in ["new", "clone", "fmt", "serialize"] {
            assert!(model_methods().contains(name), "{name}");
        }
        for name in ["send", "options", "body", "into_future", "client"] {
            assert!(request_builder_members().contains(name), "{name}");
        }
    }
}
