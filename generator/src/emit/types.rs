//! `src/types.rs`: one Rust type per named or hoisted schema.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{doc, format_marker, ident, redacting_debug, serde_with, ty, DebugField, Site};
use crate::ir::{Api, DateKind, Field, Ty, TypeDef, TypeKind};

/// The head of the `types` module: its docs, the custom date formats and the unknown value of open enums;
/// [`type_def`] gives each type after it.
pub fn head(api: &Api) -> TokenStream {
    let formats = if api.formats.is_empty() {
        quote!()
    } else {
        let decls = api.formats.iter().map(|f| {
            let marker = syn::Ident::new(&format_marker(f), proc_macro2::Span::call_site());
            let description = &f.description;
            let text = doc(&format!(
                "Reads and writes the spec's `{}` format (as `{}`).",
                f.pattern,
                match f.kind {
                    DateKind::Date => "time::Date",
                    DateKind::DateTime => "time::PrimitiveDateTime",
                }
            ));
            quote! {
                #text
                pub(crate) struct #marker;

                impl crate::runtime::serde::Format for #marker {
                    const ITEMS: &'static [time::format_description::BorrowedFormatItem<'static>] =
                        time::macros::format_description!(#description);
                }
            }
        });
        quote! {
            /// The spec's custom date formats, as serde adapters.
            pub(crate) mod formats {
                #(#decls)*
            }
        }
    };
    let has_enums = api
        .types
        .iter()
        .any(|t| matches!(t.kind, TypeKind::Enum { .. }));
    let unknown_value = if has_enums { unknown_value() } else { quote!() };
    quote! {
        //! The API's data types, one per schema of the spec.
        //!
        //! Structs are `#[non_exhaustive]`: build them in one expression with `new`, which takes the
        //! required members, then a chained setter per optional member, each taking `impl Into`
        //! (`Quote::new(amount).currency("GBP")`). Enums are open: a value this version does not know deserializes
        //! into their `Unknown` variant instead of failing.
        #formats
        #unknown_value
    }
}

/// The value an open enum's unknown variant holds: readable, comparable, and made only in this module.
fn unknown_value() -> TokenStream {
    quote! {
        /// A value of an open enum that this version of the client does not know, kept as sent.
        ///
        /// Only reading a value (`From<&str>`, `FromStr`, deserialization) makes one, so it never holds a
        /// spelling the enum knows: a known spelling is always its own variant.
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct UnknownValue(String);

        impl UnknownValue {
            /// The value as the API sent it.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for UnknownValue {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    }
}

/// One type of the `types` module.
pub fn type_def(def: &TypeDef) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc(&def.doc);
    match &def.kind {
        TypeKind::Struct { fields, additional } => structure(def, fields, additional.as_ref()),
        TypeKind::Enum { variants, unknown } => {
            let unknown = ident(unknown);
            let idents: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
            let wires: Vec<_> = variants.iter().map(|v| v.wire.as_str()).collect();
            let variant_docs = variants.iter().map(|v| doc(&format!("`{}`", v.wire)));
            quote! {
                #docs
                #[derive(Clone, Debug, PartialEq, Eq, Hash)]
                #[non_exhaustive]
                pub enum #name {
                    #(#variant_docs #idents,)*
                    /// A value this version of the client does not know, kept as sent; only reading a
                    /// value makes one, so a known spelling is always its own variant.
                    #unknown(UnknownValue),
                }

                impl #name {
                    /// The value as the API sends it.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #(Self::#idents => #wires,)*
                            Self::#unknown(value) => value.as_str(),
                        }
                    }
                }

                impl std::fmt::Display for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }

                impl From<&str> for #name {
                    fn from(value: &str) -> Self {
                        match value {
                            #(#wires => Self::#idents,)*
                            other => Self::#unknown(UnknownValue(other.to_owned())),
                        }
                    }
                }

                impl std::str::FromStr for #name {
                    type Err = std::convert::Infallible;
                    fn from_str(value: &str) -> Result<Self, Self::Err> {
                        Ok(Self::from(value))
                    }
                }

                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }

                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                        Ok(Self::from(value.as_ref()))
                    }
                }
            }
        }
        TypeKind::Tagged {
            property,
            variants,
            unknown,
        } => {
            let unknown = ident(unknown);
            let idents: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
            let tags: Vec<_> = variants.iter().map(|v| v.tag.as_str()).collect();
            let tys: Vec<_> = variants.iter().map(|v| ty(&v.ty, Site::Types)).collect();
            let variant_docs = variants
                .iter()
                .map(|v| doc(&format!("`{property}` is `{}`.", v.tag)));
            let unknown_doc = doc(&format!(
                "An object whose `{property}` this version of the client does not know, kept whole."
            ));
            quote! {
                #docs
                #[derive(Clone, Debug, PartialEq)]
                #[non_exhaustive]
                // Variants hold whole schemas; boxing them all would cost every user an allocation.
                #[allow(clippy::large_enum_variant)]
                pub enum #name {
                    #(#variant_docs #idents(#tys),)*
                    #unknown_doc
                    #unknown(serde_json::Value),
                }

                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        match self {
                            #(Self::#idents(value) => value.serialize(serializer),)*
                            Self::#unknown(value) => value.serialize(serializer),
                        }
                    }
                }

                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let value = serde_json::Value::deserialize(deserializer)?;
                        match value.get(#property).and_then(serde_json::Value::as_str) {
                            #(Some(#tags) => serde_json::from_value(value).map(Self::#idents).map_err(serde::de::Error::custom),)*
                            _ => Ok(Self::#unknown(value)),
                        }
                    }
                }
            }
        }
        TypeKind::Untagged { variants, other } => {
            let other = ident(other);
            let idents: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
            let tys: Vec<_> = variants
                .iter()
                .map(|v| {
                    let t = ty(&v.ty, Site::Types);
                    match serde_with(&v.ty) {
                        Some(with) => quote!(#[serde(with = #with)] #t),
                        None => t,
                    }
                })
                .collect();
            let variant_docs = variants.iter().enumerate().map(|(i, _)| {
                doc(&format!(
                    "The schema's variant {} (tried in the spec's order).",
                    i + 1
                ))
            });
            quote! {
                #docs
                ///
                /// Deserialization tries the variants in the order the spec lists them; a value none of them
                /// accepts is kept in `Other`.
                #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(untagged)]
                #[non_exhaustive]
                // Variants hold whole schemas; boxing them all would cost every user an allocation.
                #[allow(clippy::large_enum_variant)]
                pub enum #name {
                    #(#variant_docs #idents(#tys),)*
                    /// A value no variant accepts, kept as sent.
                    #other(serde_json::Value),
                }
            }
        }
        TypeKind::ErrorBody { variants } => {
            let idents: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
            let tys = variants.iter().map(|v| ty(&v.ty, Site::Types));
            let variant_docs = variants.iter().map(|v| doc(&v.doc));
            let indexes = (0..variants.len()).map(proc_macro2::Literal::usize_unsuffixed);
            quote! {
                #docs
                #[derive(Clone, Debug, PartialEq)]
                #[non_exhaustive]
                // Variants hold whole schemas; boxing them all would cost every user an allocation.
                #[allow(clippy::large_enum_variant)]
                pub enum #name {
                    #(#variant_docs #idents(#tys),)*
                }

                impl crate::runtime::codegen::ErrorVariants for #name {
                    fn decode_variant(index: usize, body: &[u8]) -> Result<Self, serde_json::Error> {
                        match index {
                            #(#indexes => serde_json::from_slice(body).map(Self::#idents),)*
                            _ => Err(serde::de::Error::custom("the operation declares no status of this index")),
                        }
                    }
                }
            }
        }
        TypeKind::Alias(t) => {
            let t = ty(t, Site::Types);
            quote! {
                #docs
                pub type #name = #t;
            }
        }
        TypeKind::Newtype(inner) => {
            let t = ty(inner, Site::Types);
            let t = match serde_with(inner) {
                Some(with) => quote!(#[serde(with = #with)] #t),
                None => t,
            };
            quote! {
                #docs
                #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(
                    /// The wrapped value.
                    pub #t,
                );
            }
        }
    }
}

fn structure(def: &TypeDef, fields: &[Field], additional: Option<&Field>) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc(&def.doc);
    let all: Vec<&Field> = fields.iter().chain(additional).collect();
    let decls = all.iter().map(|f| {
        let fname = ident(&f.name);
        let fdoc = doc(&f.doc);
        let fty = ty(&f.ty, Site::Types);
        let mut attrs = Vec::new();
        if f.flatten {
            attrs.push(quote!(flatten));
        } else if f.wire != crate::ir::names::bare(&f.name) {
            let wire = &f.wire;
            attrs.push(quote!(rename = #wire));
        }
        if matches!(f.ty, Ty::Option(_)) {
            attrs.push(quote!(default));
            if !f.required {
                attrs.push(quote!(skip_serializing_if = "Option::is_none"));
            }
        }
        if matches!(f.ty, Ty::Map(_)) && f.flatten {
            attrs.push(quote!(
                skip_serializing_if = "std::collections::BTreeMap::is_empty"
            ));
        }
        if let Some(with) = serde_with(&f.ty) {
            attrs.push(quote!(with = #with));
        }
        let serde = if attrs.is_empty() {
            quote!()
        } else {
            quote!(#[serde(#(#attrs),*)])
        };
        quote! {
            #fdoc
            #serde
            pub #fname: #fty,
        }
    });
    // `new` takes what must be there: required members that are not optional, and flattened unions.
    let args: Vec<&Field> = all.iter().copied().filter(|f| f.in_constructor()).collect();
    let arg_decls = args.iter().map(|f| {
        let fname = ident(&f.name);
        let fty = ty(&f.ty, Site::Types);
        quote!(#fname: impl Into<#fty>)
    });
    let inits = all.iter().map(|f| {
        let fname = ident(&f.name);
        if f.in_constructor() {
            quote!(#fname: #fname.into())
        } else if matches!(f.ty, Ty::Map(_)) {
            quote!(#fname: std::collections::BTreeMap::new())
        } else {
            quote!(#fname: None)
        }
    });
    let setters = all.iter().filter_map(|f| {
        let setter = ident(f.setter.as_ref()?);
        let fname = ident(&f.name);
        let sdoc = doc(&format!("Sets `{}`.", f.name.bare()));
        let (value_ty, value) = match &f.ty {
            Ty::Option(inner) => (ty(inner, Site::Types), quote!(Some(value.into()))),
            other => (ty(other, Site::Types), quote!(value.into())),
        };
        Some(quote! {
            #sdoc
            #[must_use]
            pub fn #setter(mut self, value: impl Into<#value_ty>) -> Self {
                self.#fname = #value;
                self
            }
        })
    });
    let sensitive = all.iter().any(|f| f.sensitive);
    let derives = match (args.is_empty(), sensitive) {
        (true, false) => {
            quote!(#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)])
        }
        (true, true) => {
            quote!(#[derive(Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)])
        }
        (false, false) => {
            quote!(#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)])
        }
        (false, true) => quote!(#[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]),
    };
    let too_many = if args.len() > 7 {
        quote! {
            // One argument per required member: the compiler checks that none is missing.
            #[allow(clippy::too_many_arguments)]
        }
    } else {
        quote!()
    };
    let constructor = if args.is_empty() {
        quote! {
            /// An empty value: every member is optional.
            #[must_use]
            pub fn new() -> Self {
                Self::default()
            }
        }
    } else {
        quote! {
            /// A value with the required members; the optional ones start empty.
            #too_many
            #[must_use]
            pub fn new(#(#arg_decls),*) -> Self {
                Self { #(#inits,)* }
            }
        }
    };
    let debug = if sensitive {
        let fields = all.iter().map(|f| DebugField {
            label: crate::ir::names::bare(&f.name),
            name: ident(&f.name),
            sensitive: f.sensitive,
            optional: matches!(f.ty, Ty::Option(_)),
        });
        redacting_debug(quote!(#name), crate::ir::names::bare(&def.name), fields)
    } else {
        quote!()
    };
    quote! {
        #docs
        #derives
        #[non_exhaustive]
        pub struct #name {
            #(#decls)*
        }

        impl #name {
            #constructor
            #(#setters)*
        }

        #debug
    }
}
