//! `src/webhooks.rs`: the event enum, the envelope, the signature scheme the spec declares, and the entry
//! points that verify and read deliveries (with the runtime's `webhooks` module); plus the crate-docs section
//! on receiving webhooks.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{doc, ident, ty, Site};
use crate::ir::webhooks::{SignedPart, Webhooks};
use crate::ir::Api;
use crate::Config;

/// The module's declaration in `lib.rs`, when the spec has webhooks.
pub fn declaration(api: &Api) -> TokenStream {
    match api.webhooks {
        Some(_) => quote! {
            #[rustfmt::skip]
            pub mod webhooks;
        },
        None => quote!(),
    }
}

/// `src/webhooks.rs`, when the spec has webhooks.
pub fn module(api: &Api) -> Option<TokenStream> {
    let hooks = api.webhooks.as_ref()?;
    let scheme = scheme(hooks);
    let unknown = ident(&hooks.unknown);
    let variants: Vec<_> = hooks.events.iter().map(|e| ident(&e.variant)).collect();
    let names: Vec<&str> = hooks.events.iter().map(|e| e.name.as_str()).collect();
    let payloads = hooks.events.iter().map(|e| ty(&e.ty, Site::Outside));
    let variant_docs = hooks.events.iter().map(|e| {
        if e.doc.is_empty() {
            doc(&format!("`{}`.", e.name))
        } else {
            doc(&format!("`{}`: {}", e.name, e.doc))
        }
    });
    let dedupe_fields = hooks.events.iter().map(|e| ident(&e.dedupe_field));
    let dedupe_member = &hooks.signature.dedupe_member;
    let dedupe_doc = doc(&format!(
        "The key to de-duplicate redeliveries on: the body's `{dedupe_member}`, which a redelivered event keeps.\n\n\
         An event can arrive more than once: handle each key once, and answer later deliveries of it with a success too."
    ));
    let envelope = hooks.envelope.as_ref().map(|envelope| {
        let t = ty(envelope, Site::Outside);
        quote! {
            /// The envelope every delivery's body shares, whatever its event; an [`UnknownEvent`]'s body can be
            /// read as one.
            pub type Envelope = #t;
        }
    });
    Some(quote! {
        //! The webhook events the API sends to a receiver's endpoint, and the verification of their signatures.
        //!
        //! Deliveries are signed as [`SCHEME`] says. A [`Verifier`] holds the endpoint's signing secrets (several
        //! during a rotation) and a tolerance against replays; [`Verifier::verify_and_parse`] checks a delivery
        //! (the exact bytes received, and its headers), then reads it into an [`Event`], and
        //! [`verify_and_parse`] does the same with one secret. [`Event::dedupe_key`] is the key to de-duplicate
        //! redeliveries on.
        //!
        //! [`parse_unverified`] reads a body without any check: use it only for deliveries verified otherwise.
        //! The crate documentation shows a whole receiver.

        pub use crate::runtime::webhooks::{Error, FromDelivery, Headers, UnknownEvent};

        #scheme

        #envelope

        /// An event the API sends, typed by its name; events this version does not know are kept, not rejected.
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            #(#variant_docs #variants(#payloads),)*
            /// An event this version of the crate does not know, with its name, key and body.
            #unknown(UnknownEvent),
        }

        impl Event {
            /// The event's name, as the API sends it.
            pub fn name(&self) -> &str {
                match self {
                    #(Self::#variants(_) => #names,)*
                    Self::#unknown(event) => &event.name,
                }
            }

            #dedupe_doc
            pub fn dedupe_key(&self) -> &str {
                match self {
                    #(Self::#variants(event) => &event.#dedupe_fields,)*
                    Self::#unknown(event) => &event.dedupe_key,
                }
            }
        }

        impl FromDelivery for Event {
            fn parse_unverified(body: &[u8]) -> Result<Self, Error> {
                let delivery = crate::runtime::webhooks::Delivery::read(body, &SCHEME)?;
                Ok(match delivery.name() {
                    #(#names => Self::#variants(delivery.payload()?),)*
                    _ => Self::#unknown(delivery.into_unknown()),
                })
            }
        }

        /// Checks deliveries against [`SCHEME`] and one or more signing secrets (several during a
        /// rotation); `Debug` never prints the secrets.
        #[derive(Clone, Debug)]
        pub struct Verifier(crate::runtime::webhooks::Verifier);

        impl Verifier {
            /// A verifier for [`SCHEME`] accepting `secret`, the endpoint's signing secret, with the scheme's
            /// tolerance; [`Verifier::add_secret`] accepts the previous secret too during a rotation.
            pub fn new(secret: impl Into<crate::runtime::Secret>) -> Self {
                Verifier(crate::runtime::webhooks::Verifier::with_scheme(&SCHEME, secret))
            }

            /// Accepts deliveries signed with `secret` too, as during a rotation.
            pub fn add_secret(self, secret: impl Into<crate::runtime::Secret>) -> Self {
                Verifier(self.0.add_secret(secret))
            }

            /// How far a delivery's timestamp may be from the receiver's clock, in either direction (whole
            /// seconds count; the default is the scheme's).
            pub fn tolerance(self, tolerance: std::time::Duration) -> Self {
                Verifier(self.0.tolerance(tolerance))
            }

            /// Verifies a delivery against the system clock: `body` exactly as received, and its headers.
            pub fn verify(&self, body: &[u8], headers: &(impl Headers + ?Sized)) -> Result<(), Error> {
                self.0.verify(body, headers)
            }

            /// Verifies a delivery as [`Verifier::verify`] does, with `now` as the receiver's clock.
            pub fn verify_at(
                &self,
                body: &[u8],
                headers: &(impl Headers + ?Sized),
                now: std::time::SystemTime,
            ) -> Result<(), Error> {
                self.0.verify_at(body, headers, now)
            }

            /// Verifies a delivery against the system clock, then reads it into an [`Event`].
            pub fn verify_and_parse(
                &self,
                body: &[u8],
                headers: &(impl Headers + ?Sized),
            ) -> Result<Event, Error> {
                self.0.verify_and_parse(body, headers)
            }

            /// Verifies a delivery with `now` as the receiver's clock, then reads it into an [`Event`].
            pub fn verify_and_parse_at(
                &self,
                body: &[u8],
                headers: &(impl Headers + ?Sized),
                now: std::time::SystemTime,
            ) -> Result<Event, Error> {
                self.0.verify_and_parse_at(body, headers, now)
            }
        }

        /// Verifies a delivery (the exact bytes received, and its headers) with one secret and the scheme's
        /// tolerance against the system clock, then reads it.
        pub fn verify_and_parse(
            body: &[u8],
            headers: &(impl Headers + ?Sized),
            secret: impl Into<crate::runtime::Secret>,
        ) -> Result<Event, Error> {
            Verifier::new(secret).verify_and_parse(body, headers)
        }

        /// Reads a delivery without verifying its signature or its timestamp: anyone can send such a body.
        ///
        /// Use it only for deliveries verified otherwise; [`verify_and_parse`] checks them first.
        pub fn parse_unverified(body: &[u8]) -> Result<Event, Error> {
            <Event as FromDelivery>::parse_unverified(body)
        }
    })
}

/// The `SCHEME` static.
fn scheme(hooks: &Webhooks) -> TokenStream {
    let s = &hooks.signature;
    let (signature_header, timestamp_header, label) =
        (&s.signature_header, &s.timestamp_header, &s.label);
    let parts = s.signed_payload.iter().map(|p| match p {
        SignedPart::Timestamp => quote!(crate::runtime::webhooks::SignedPart::Timestamp),
        SignedPart::Body => quote!(crate::runtime::webhooks::SignedPart::Body),
        SignedPart::Text(text) => quote!(crate::runtime::webhooks::SignedPart::Text(#text)),
    });
    let tolerance = proc_macro2::Literal::u64_unsuffixed(s.tolerance_seconds);
    let (event_member, dedupe_member) = (&hooks.event_member, &s.dedupe_member);
    let mut text = format!(
        "How the API signs webhook deliveries: an HMAC-SHA256 of \
         `{}` in `{signature_header}` as `{label}=<hex>` entries, the signing time in `{timestamp_header}` \
         (Unix seconds), a tolerance of {} s.",
        template(&s.signed_payload),
        s.tolerance_seconds
    );
    if let Some(description) = &s.description {
        text.push_str("\n\n");
        text.push_str(description);
    }
    let text = doc(&text);
    quote! {
        #text
        pub static SCHEME: crate::runtime::webhooks::Scheme = crate::runtime::webhooks::Scheme {
            signature_header: #signature_header,
            timestamp_header: #timestamp_header,
            label: #label,
            signed_payload: &[#(#parts),*],
            tolerance_seconds: #tolerance,
            event_member: #event_member,
            dedupe_member: #dedupe_member,
        };
    }
}

/// The signed payload as the spec writes it (`{timestamp}.{body}`).
fn template(parts: &[SignedPart]) -> String {
    parts
        .iter()
        .map(|p| match p {
            SignedPart::Timestamp => "{timestamp}",
            SignedPart::Body => "{body}",
            SignedPart::Text(text) => text.as_str(),
        })
        .collect()
}

/// The crate docs' bullet and section on receiving webhooks (a doctest), when the spec has webhooks.
pub fn guide(api: &Api, config: &Config) -> Option<String> {
    Some(format!(
        "- [`webhooks`]: the events the API sends to a receiver, and the verification of their signatures.\n\n{}",
        section(api, config)?
    ))
}

/// The README's section on receiving webhooks: the crate docs' section without rustdoc links or hidden lines.
pub fn readme(api: &Api, config: &Config) -> Option<String> {
    let text = section(api, config)?;
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with("# ")).collect();
    Some(lines.join("\n").replace("[`", "`").replace("`]", "`"))
}

/// The section on receiving webhooks, with its example.
fn section(api: &Api, config: &Config) -> Option<String> {
    let hooks = api.webhooks.as_ref()?;
    let krate = config.crate_name.replace('-', "_");
    let s = &hooks.signature;
    let first = hooks.events.iter().find(|e| e.example.is_some());
    let (body, name, arm) = match first {
        Some(event) => (
            event
                .example
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            event.name.clone(),
            format!(
                "    Event::{}(payload) => println!(\"{{payload:?}}\"),\n",
                event.variant
            ),
        ),
        None => (
            serde_json::Value::Object(
                [
                    (hooks.event_member.clone(), "example.unknown".into()),
                    (s.dedupe_member.clone(), "example-key".into()),
                ]
                .into_iter()
                .collect(),
            )
            .to_string(),
            "example.unknown".to_owned(),
            String::new(),
        ),
    };
    let hashes = "#".repeat((1..).find(|n| !body.contains(&format!("\"{}", "#".repeat(*n))))?);
    Some(format!(
        "## Receiving webhooks\n\n\
         Verify each delivery before reading it: [`webhooks::Verifier`] checks the HMAC-SHA256 signature in \
         `{sig}` over the exact bytes received, in constant time, and the timestamp in `{ts}` against a tolerance \
         of {tol} s; it accepts several secrets during a rotation.\n\
         [`webhooks::Event`] has a variant per event, and keeps events this version does not know in `Unknown`.\n\
         An event can be delivered more than once: de-duplicate on [`webhooks::Event::dedupe_key`].\n\n\
         ```rust\n\
         use {krate}::webhooks::{{Event, Verifier, SCHEME}};\n\n\
         # fn main() -> Result<(), {krate}::webhooks::Error> {{\n\
         // The endpoint's signing secret; `add_secret` accepts the previous one during a rotation.\n\
         let verifier = Verifier::new(\"whsec_example\");\n\n\
         // A delivery as the API sends it (`SCHEME.sign` lets tests build their own).\n\
         let body = br{hashes}\"{body}\"{hashes};\n\
         let now = std::time::SystemTime::now()\n    .duration_since(std::time::UNIX_EPOCH)\n    .map_or(0, |d| d.as_secs());\n\
         let headers = [\n    (\"{ts}\", now.to_string()),\n    (\"{sig}\", SCHEME.sign(&{krate}::Secret::new(\"whsec_example\"), now, body)),\n];\n\n\
         // In the receiver: the body exactly as received, and the request's headers (an `http::HeaderMap` too).\n\
         let event: Event = verifier.verify_and_parse(body, &headers)?;\n\
         assert_eq!(event.name(), \"{name}\");\n\
         println!(\"handle {{}} once\", event.dedupe_key());\n\
         match event {{\n\
         {arm}    Event::Unknown(unknown) => println!(\"an event this version does not know: {{}}\", unknown.name),\n\
         \x20   other => println!(\"{{}}\", other.name()),\n\
         }}\n\
         # Ok(())\n\
         # }}\n\
         ```",
        sig = s.signature_header,
        ts = s.timestamp_header,
        tol = s.tolerance_seconds,
    ))
}
