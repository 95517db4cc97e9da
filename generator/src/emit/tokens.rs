//! Small token builders shared by the emitters.

use proc_macro2::{Span, TokenStream};
use quote::quote;

use super::docs;
use crate::ir::{DateKind, Ident, Ty};

/// The identifier of a name the IR decided (`r#type` becomes a raw identifier).
///
/// [`Ident`] is checked when made, so both constructors here accept it.
pub fn ident(name: &Ident) -> syn::Ident {
    if name.is_raw() {
        syn::Ident::new_raw(name.bare(), Span::call_site())
    } else {
        syn::Ident::new(name.as_str(), Span::call_site())
    }
}

/// A field as a redacting `Debug` prints it.
pub struct DebugField<'a> {
    /// The name printed.
    pub label: &'a str,
    /// The field.
    pub name: syn::Ident,
    /// Whether its value is a secret, printed as `<redacted>`.
    pub sensitive: bool,
    /// Whether it is an `Option`, whose absence still prints as `None`.
    pub optional: bool,
}

/// `impl Debug for #target` printing `label { fields }`, secrets as `<redacted>`.
pub fn redacting_debug<'a>(
    target: TokenStream,
    label: &str,
    fields: impl IntoIterator<Item = DebugField<'a>>,
) -> TokenStream {
    let entries = fields.into_iter().map(|f| {
        let (fname, label) = (f.name, f.label);
        match (f.sensitive, f.optional) {
            (false, _) => quote!(.field(#label, &self.#fname)),
            (true, true) => quote!(.field(#label, &self.#fname.as_ref().map(|_| "<redacted>"))),
            (true, false) => quote!(.field(#label, &"<redacted>")),
        }
    });
    quote! {
        /// Prints every member but the secrets, which show as `<redacted>`.
        impl std::fmt::Debug for #target {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#label) #(#entries)* .finish()
            }
        }
    }
}

/// `#[doc = "..."]` attributes for a documentation text.
pub fn doc(text: &str) -> TokenStream {
    doc_verbatim(&docs::sanitize(text))
}

/// Doc lines written by the generator itself (examples in the crate's own words), taken as they are: unlike
/// [`doc`], which makes a spec's text safe for rustdoc, it keeps a code fence's attributes.
pub fn doc_verbatim(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// Where a type is written: inside `types.rs` (bare names) or elsewhere (`crate::types::Name`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Site {
    /// Inside the types module.
    Types,
    /// Anywhere else.
    Outside,
}

/// The Rust type.
pub fn ty(t: &Ty, site: Site) -> TokenStream {
    match t {
        Ty::String => quote!(String),
        Ty::Bool => quote!(bool),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::F32 => quote!(f32),
        Ty::F64 => quote!(f64),
        Ty::Decimal { .. } => quote!(rust_decimal::Decimal),
        Ty::DateTime => quote!(time::OffsetDateTime),
        Ty::Date => quote!(time::Date),
        Ty::Formatted(f) => match f.kind {
            DateKind::Date => quote!(time::Date),
            DateKind::DateTime => quote!(time::PrimitiveDateTime),
        },
        Ty::Uuid => quote!(uuid::Uuid),
        Ty::Bytes => quote!(Vec<u8>),
        Ty::Json => quote!(serde_json::Value),
        Ty::Unit => quote!(()),
        Ty::Named(name) => {
            let name = ident(name);
            match site {
                Site::Types => quote!(#name),
                Site::Outside => quote!(crate::types::#name),
            }
        }
        Ty::Vec(inner) => {
            let inner = ty(inner, site);
            quote!(Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = ty(inner, site);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        Ty::Option(inner) => {
            let inner = ty(inner, site);
            quote!(Option<#inner>)
        }
        Ty::Boxed(inner) => {
            let inner = ty(inner, site);
            quote!(Box<#inner>)
        }
    }
}

/// The serde helper module a field of this type needs (`with = "..."`), if any.
pub fn serde_with(t: &Ty) -> Option<String> {
    let (inner, optional) = match t {
        Ty::Option(inner) => (&**inner, true),
        other => (other, false),
    };
    let base = match inner {
        Ty::Decimal { number: true } => "crate::runtime::serde::decimal_number".to_owned(),
        Ty::Vec(element) if **element == (Ty::Decimal { number: true }) => {
            "crate::runtime::serde::decimal_number_list".to_owned()
        }
        Ty::Map(element) if **element == (Ty::Decimal { number: true }) => {
            "crate::runtime::serde::decimal_number_map".to_owned()
        }
        Ty::DateTime => "time::serde::rfc3339".to_owned(),
        Ty::Date => "crate::runtime::serde::date".to_owned(),
        Ty::Bytes => "crate::runtime::serde::base64_bytes".to_owned(),
        Ty::Formatted(f) => format!("formats::{}", f.module),
        _ => return None,
    };
    Some(match (optional, inner) {
        (false, _) => base,
        (true, Ty::DateTime | Ty::Formatted(_)) => format!("{base}::option"),
        (true, _) => format!("{base}_option"),
    })
}
