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
    if text.lines().next().is_none() {
        return TokenStream::new();
    }
    if let Some(marker) = docs::defer(text) {
        return quote!(#[doc = #marker]);
    }
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
        Ty::Parts => quote!(Vec<crate::runtime::Part>),
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

/// The serde_with adapter of a value of this type whose JSON form is not its Rust type's own (a decimal written
/// as a number, a date, a date-time, a custom date format, base64 bytes), composed through `Option`, `Vec`, maps
/// and `Box`; `None` when serde's own form is the spec's.
enum Adapter {
    /// A marker type: `crate::runtime::serde::IsoDate`, `crate::runtime::serde::Formatted<...>`.
    Marker(&'static str, Option<String>),
    /// A container of adapted values: `Option<...>`, `Vec<...>`, `Box<...>`.
    Wrap(&'static str, Box<Adapter>),
    /// A map of adapted values.
    Map(Box<Adapter>),
}

impl Adapter {
    fn of(t: &Ty) -> Option<Adapter> {
        Some(match t {
            Ty::Decimal { number: true } => Adapter::Marker("DecimalNumber", None),
            Ty::DateTime => Adapter::Marker("Rfc3339", None),
            Ty::Date => Adapter::Marker("IsoDate", None),
            Ty::Bytes => Adapter::Marker("Base64", None),
            Ty::Formatted(f) => Adapter::Marker("Formatted", Some(format_marker(f))),
            Ty::Option(inner) => Adapter::Wrap("Option", Box::new(Adapter::of(inner)?)),
            Ty::Vec(inner) => Adapter::Wrap("Vec", Box::new(Adapter::of(inner)?)),
            Ty::Boxed(inner) => Adapter::Wrap("Box", Box::new(Adapter::of(inner)?)),
            Ty::Map(inner) => Adapter::Map(Box::new(Adapter::of(inner)?)),
            _ => return None,
        })
    }

    /// As written in a `with = "..."` attribute.
    fn text(&self) -> String {
        match self {
            Adapter::Marker(name, None) => format!("crate::runtime::serde::{name}"),
            Adapter::Marker(name, Some(format)) => {
                format!("crate::runtime::serde::{name}<crate::types::formats::{format}>")
            }
            Adapter::Wrap(outer, inner) => format!("{outer}<{}>", inner.text()),
            Adapter::Map(inner) => format!(
                "std::collections::BTreeMap<crate::runtime::serde::Same, {}>",
                inner.text()
            ),
        }
    }

    /// As a type in code.
    fn tokens(&self) -> TokenStream {
        match self {
            Adapter::Marker(name, format) => {
                let name = syn::Ident::new(name, Span::call_site());
                match format {
                    None => quote!(crate::runtime::serde::#name),
                    Some(format) => {
                        let format = syn::Ident::new(format, Span::call_site());
                        quote!(crate::runtime::serde::#name<crate::types::formats::#format>)
                    }
                }
            }
            Adapter::Wrap(outer, inner) => {
                let outer = syn::Ident::new(outer, Span::call_site());
                let inner = inner.tokens();
                quote!(#outer<#inner>)
            }
            Adapter::Map(inner) => {
                let inner = inner.tokens();
                quote!(std::collections::BTreeMap<crate::runtime::serde::Same, #inner>)
            }
        }
    }
}

/// `with = "..."` for a field or variant of this type, if it needs an adapter.
pub fn serde_with(t: &Ty) -> Option<String> {
    Adapter::of(t).map(|adapter| format!("crate::runtime::serde::As::<{}>", adapter.text()))
}

/// The value of a parameter as it is encoded: through its adapter where it has one.
pub fn encoded(t: &Ty, value: TokenStream) -> TokenStream {
    match Adapter::of(t) {
        Some(adapter) => {
            let adapter = adapter.tokens();
            quote!(&crate::runtime::serde::SerializeAsWrap::<_, #adapter>::new(#value))
        }
        None => value,
    }
}

/// The marker type of a custom date format, in `types::formats`.
pub fn format_marker(f: &crate::ir::DateFormat) -> String {
    heck::ToUpperCamelCase::to_upper_camel_case(f.module.bare())
}
