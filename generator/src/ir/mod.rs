//! The intermediate representation: resolved, named, Rust-ready.
//!
//! [`build`] turns a loaded [`Spec`] into an [`Api`]: every schema a type (named components and the inline
//! schemas that need a name), every operation a method with typed parameters, a body and a response shape,
//! plus security schemes, servers and webhooks. Every Rust name is decided here; the emitters only print.

mod aliases;
mod envelopes;
pub mod extensions;
mod findings;
pub mod names;
mod operations;
mod recursion;
mod reserved;
mod resolve;
pub mod session;
mod shared;
mod table;
mod types;
pub mod webhooks;

use serde_json::Value;

pub use names::Ident;

use crate::diagnostic::Diagnostic;
use crate::load::Spec;

/// The API as the emitters see it.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `info.version`.
    pub version: String,
    /// Every type, sorted by name.
    pub types: Vec<TypeDef>,
    /// Operation groups (one per tag), in the order the spec lists its tags.
    pub groups: Vec<Group>,
    /// Every operation, grouped, in spec order within each group.
    pub operations: Vec<Operation>,
    /// Security schemes, sorted by spec name.
    pub schemes: Vec<Scheme>,
    /// The root servers.
    pub servers: Vec<Server>,
    /// The type of the error envelope's `error.code`, when the spec declares an error envelope.
    pub error_code: Option<Ty>,
    /// The member names of the response envelopes, when the spec declares them.
    pub envelopes: Option<envelopes::EnvelopeNames>,
    /// Custom date formats the types use.
    pub formats: Vec<DateFormat>,
    /// The session a token scheme declares (`x-fincode-session`).
    pub session: Option<session::SessionDef>,
    /// The webhook events and their signature scheme, when the spec declares both.
    pub webhooks: Option<webhooks::Webhooks>,
}

impl Api {
    /// The most steps the compiler takes to walk down through the types (see [`recursion::nesting_depth`]).
    pub fn nesting_depth(&self) -> usize {
        recursion::nesting_depth(&self.types)
    }

    /// The definition of the generated type `name`.
    pub fn def(&self, name: &str) -> Option<&TypeDef> {
        self.types
            .binary_search_by(|t| t.name.as_str().cmp(name))
            .ok()
            .and_then(|i| self.types.get(i))
    }

    /// The definition `name` stands for: its own, or through aliases of other generated types (an inline
    /// type of another's shape is an alias of it), the one that defines the shape.
    pub fn shape_of(&self, name: &str) -> Option<&TypeDef> {
        let mut def = self.def(name)?;
        for _ in 0..table::MAX_ALIASES {
            match &def.kind {
                TypeKind::Alias(Ty::Named(target)) => def = self.def(target.as_str())?,
                _ => return Some(def),
            }
        }
        Some(def)
    }

    /// The fields of the generated struct `ty` names, through options and aliases.
    pub fn fields(&self, ty: &Ty) -> Option<&[Field]> {
        table::struct_fields(|name| self.def(name), ty)
    }
}

/// A Rust type as a field, parameter or body holds it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ty {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `rust_decimal::Decimal`; `number` when the spec says `type: number` (written as a JSON number).
    Decimal {
        /// Written as a JSON number rather than a string.
        number: bool,
    },
    /// `time::OffsetDateTime` (RFC 3339).
    DateTime,
    /// `time::Date` (`YYYY-MM-DD`).
    Date,
    /// A date or date-time in a custom format (`x-fincode-date-format`): the name of the serde module
    /// declared for it and the Rust type it holds.
    Formatted(DateFormat),
    /// `uuid::Uuid`.
    Uuid,
    /// `Vec<u8>` (base64 in JSON; a file part in multipart bodies).
    Bytes,
    /// The parts of a `multipart/form-data` body the caller builds: `Vec<Part>` of the runtime, for a
    /// multipart body whose schema names no members.
    Parts,
    /// `serde_json::Value`: anything.
    Json,
    /// `()`.
    Unit,
    /// A generated type, by its Rust name.
    Named(Ident),
    /// `Vec<T>`.
    Vec(Box<Ty>),
    /// `BTreeMap<String, T>`.
    Map(Box<Ty>),
    /// `Option<T>`.
    Option(Box<Ty>),
    /// `Box<T>`, breaking a recursive type.
    Boxed(Box<Ty>),
}

/// A custom date format turned into a serde module.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateFormat {
    /// The module's name (`date_dd_mm_yyyy`).
    pub module: Ident,
    /// The `time` format description (`[day]/[month]/[year]`).
    pub description: String,
    /// The pattern as the spec gives it (`dd/MM/yyyy`).
    pub pattern: String,
    /// `Date` or `PrimitiveDateTime`.
    pub kind: DateKind,
}

/// What a custom date format holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DateKind {
    /// `time::Date`.
    Date,
    /// `time::PrimitiveDateTime`.
    DateTime,
}

impl Ty {
    /// `Option<self>`, unless it already is one.
    pub fn optional(self) -> Ty {
        match self {
            Ty::Option(_) => self,
            other => Ty::Option(Box::new(other)),
        }
    }

    /// The type without its outer `Option`: where absence is handled elsewhere.
    pub fn required(self) -> Ty {
        match self {
            Ty::Option(inner) => *inner,
            other => other,
        }
    }
}

/// A generated type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust name.
    pub name: Ident,
    /// Documentation, from `title`/`description`.
    pub doc: String,
    /// What it is.
    pub kind: TypeKind,
    /// The JSON pointer of the schema it was made from.
    pub pointer: String,
}

/// The shape of a generated type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct {
        /// The fields, in spec order.
        fields: Vec<Field>,
        /// `additionalProperties`, flattened into a map field.
        additional: Option<Field>,
    },
    /// An open string enum.
    Enum {
        /// Known values.
        variants: Vec<EnumVariant>,
        /// The name of the variant holding unknown values (`Unknown`, or `UnknownValue` when a value is called `Unknown`).
        unknown: Ident,
    },
    /// `oneOf`/`anyOf` with a discriminator: the variant is chosen by a property's value.
    Tagged {
        /// The discriminating property.
        property: String,
        /// `(variant name, discriminator value, payload type)`.
        variants: Vec<TaggedVariant>,
        /// The name of the variant keeping an unknown discriminator's whole object.
        unknown: Ident,
    },
    /// `oneOf`/`anyOf` without a discriminator: the first variant that deserializes wins.
    Untagged {
        /// Variants in spec order; an `Other(serde_json::Value)` variant follows them.
        variants: Vec<UntaggedVariant>,
        /// The name of the catch-all variant.
        other: Ident,
    },
    /// A name for another type (`pub type Name = T;`).
    Alias(Ty),
    /// A wrapper around another type (`pub struct Name(pub T);`), for aliases that name themselves.
    Newtype(Ty),
    /// The body of an operation's declared non-2xx responses where their schemas differ: a variant per
    /// status, chosen by the status rather than by the body.
    ErrorBody {
        /// One per declared status with a JSON body, in the spec's order; the index of a variant is what
        /// the runtime passes to decode it.
        variants: Vec<ErrorVariant>,
    },
}

/// A variant of an operation's error body enum: the body of one declared status.
#[derive(Debug, Clone)]
pub struct ErrorVariant {
    /// The Rust name, after the status (`NotFound`, `Status499`, `ClientError`, `Other` for `default`).
    pub name: Ident,
    /// The statuses it covers.
    pub status: StatusMatch,
    /// Its payload.
    pub ty: Ty,
    /// Documentation: the status and the response's description.
    pub doc: String,
}

/// The statuses one declared response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// A class of statuses by its first digit: `Range(4)` is `4XX`.
    Range(u16),
    /// `default`: any status the operation declares nothing else for.
    Default,
}

impl std::fmt::Display for StatusMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusMatch::Code(code) => write!(f, "{code}"),
            StatusMatch::Range(digit) => write!(f, "{digit}XX"),
            StatusMatch::Default => f.write_str("default"),
        }
    }
}

/// The bodies of an operation's declared non-2xx responses, typed.
#[derive(Debug, Clone)]
pub struct ErrorBodies {
    /// The type they decode into: the one type every status with a JSON body shares, or the operation's
    /// [`TypeKind::ErrorBody`] enum.
    pub ty: Ty,
    /// Whether `ty` is the operation's enum with a variant per status.
    pub per_status: bool,
    /// Every declared non-2xx status, in the spec's order, with the index of its variant (0 for a shared
    /// type) when it has a JSON body of `ty`, `None` when it has none (or is the error envelope's).
    pub statuses: Vec<(StatusMatch, Option<usize>)>,
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// The Rust name (a raw identifier for keywords).
    pub name: Ident,
    /// The JSON member name.
    pub wire: String,
    /// The type, `Option` when the member may be absent or null.
    pub ty: Ty,
    /// Whether the spec lists the member as required.
    pub required: bool,
    /// Documentation.
    pub doc: String,
    /// Whether the value is a secret that `Debug` must not print.
    pub sensitive: bool,
    /// Whether the value is encrypted with the tenant's public key before sending (`x-fincode-encrypted`).
    pub encrypted: bool,
    /// Whether the members of the value are the object's own (`#[serde(flatten)]`): unions of `allOf`
    /// parts and `additionalProperties`.
    pub flatten: bool,
    /// The chained setter of a member `new` does not take (`None` for the members it takes); unique among
    /// the type's methods.
    pub setter: Option<Ident>,
    /// The JSON pointer of the member's schema (of the schema holding the flattened members).
    pub pointer: String,
}

impl Field {
    /// Whether the struct's `new` takes this member: required members, and flattened unions.
    pub fn in_constructor(&self) -> bool {
        self.required && !(self.flatten && matches!(self.ty, Ty::Map(_)))
    }
}

/// A value of an open enum.
#[derive(Debug, Clone)]
pub struct EnumVariant {
    /// The Rust name.
    pub name: Ident,
    /// The value as sent.
    pub wire: String,
}

/// A variant of a discriminated union.
#[derive(Debug, Clone)]
pub struct TaggedVariant {
    /// The Rust name.
    pub name: Ident,
    /// The discriminator value that selects it.
    pub tag: String,
    /// Its payload.
    pub ty: Ty,
}

/// A variant of an undiscriminated union.
#[derive(Debug, Clone)]
pub struct UntaggedVariant {
    /// The Rust name.
    pub name: Ident,
    /// Its payload.
    pub ty: Ty,
}

/// A group of operations: one accessor on the client (`client.remittance()`).
#[derive(Debug, Clone)]
pub struct Group {
    /// The tag, as the spec names it.
    pub tag: String,
    /// The accessor method (`remittance`).
    pub method: Ident,
    /// The struct the accessor returns (`Remittance`).
    pub struct_name: Ident,
    /// The module holding the group's operations (`remittance`).
    pub module: Ident,
    /// Documentation, from the tag's description.
    pub doc: String,
}

/// An operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `operationId`, or one derived from method and path.
    pub id: String,
    /// The index of its group in [`Api::groups`].
    pub group: usize,
    /// The method on the group (`call_quote`).
    pub method_name: Ident,
    /// The request builder struct (`CallQuote`).
    pub builder: Ident,
    /// The `static` describing it (`CALL_QUOTE`).
    pub constant: Ident,
    /// The HTTP method.
    pub http_method: http::Method,
    /// The path template.
    pub path: String,
    /// Documentation: summary, description, and what the spec says about the operation.
    pub doc: String,
    /// Whether the spec marks it deprecated.
    pub deprecated: bool,
    /// Parameters: required ones first, in the order the method takes them.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// How the success response is read.
    pub response: ResponseDef,
    /// The type of the JSON bodies of its declared non-2xx responses, when at least one has one.
    pub errors: Option<ErrorBodies>,
    /// Operation- or path-level servers; `None` means the root servers.
    pub servers: Option<Vec<Server>>,
    /// Security alternatives, each a list of indices into [`Api::schemes`].
    pub security: Vec<Vec<usize>>,
    /// The header parameter carrying the idempotency key (`Idempotency-Key`, `X-Idempotency-Key`), if any.
    pub idempotency_key: Option<String>,
    /// JSON pointers, into the request body, of the members to encrypt (`*` for every array item).
    pub encrypted: Vec<String>,
    /// How a listing operation is read page by page (`x-fincode-pagination`).
    pub pagination: Option<Pagination>,
    /// The JSON pointer of the operation object.
    pub pointer: String,
}

/// A listing operation's pages: which parameters number and size them, where the items are.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// The parameter carrying the page number (an integer).
    pub page: Ident,
    /// The parameter carrying the page size (an integer).
    pub size: Ident,
    /// The member of the result holding the items, and whether it is an `Option`; `None` when the
    /// result is the list.
    pub items: Option<(Ident, bool)>,
    /// The type of one item.
    pub item: Ty,
    /// The member of the result holding the total number of items, and whether it is an `Option`.
    pub total: Option<(Ident, bool)>,
    /// The number of the first page (0 or 1).
    pub first: i64,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamIn {
    /// A `{name}` of the path template.
    Path,
    /// The query string.
    Query,
    /// A header.
    Header,
    /// A cookie, sent as a `Cookie` header.
    Cookie,
}

/// An operation parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// The name as sent.
    pub wire: String,
    /// The Rust name (argument or builder method).
    pub name: Ident,
    /// Where it goes.
    pub location: ParamIn,
    /// Its type (never `Option`; absence is handled by the builder).
    pub ty: Ty,
    /// Whether the caller must give it: an argument of the operation's method.
    pub required: bool,
    /// A default sent when the caller gives nothing (only for required parameters with a scalar default).
    pub default: Option<String>,
    /// Documentation.
    pub doc: String,
    /// Whether the value is a secret that `Debug` must not print (`format: password`, `x-fincode-sensitive`).
    pub sensitive: bool,
    /// The JSON pointer of the parameter (path- or operation-level).
    pub pointer: String,
    /// The spec's example value, for the docs' examples.
    pub example: Option<serde_json::Value>,
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// JSON.
    Json,
    /// JSON wrapped in the spec's request envelope.
    JsonEnvelope,
    /// `multipart/form-data`.
    Multipart,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `text/*`.
    Text,
    /// Any other media type, as bytes.
    Raw,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// How it is encoded.
    pub kind: BodyKind,
    /// The media type sent.
    pub media_type: String,
    /// Its type.
    pub ty: Ty,
    /// Whether the operation requires it.
    pub required: bool,
    /// Documentation.
    pub doc: String,
    /// For multipart bodies of a generated struct: its fields, to become parts.
    pub parts: Vec<Field>,
    /// For multipart bodies: the content type of a file part, by member (the first the spec's `encoding` lists).
    pub part_types: std::collections::BTreeMap<String, String>,
    /// Whether the body is a secret that `Debug` must not print (`format: password`, `x-fincode-sensitive`).
    pub sensitive: bool,
    /// The spec's example of the body (the media type's, else its schema's), for the docs' examples.
    pub example: Option<serde_json::Value>,
}

/// How a success response is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The success envelope, unwrapped to `data`.
    Success,
    /// The status envelope, unwrapped to `data`.
    Status,
    /// The body is the result.
    Json,
    /// A text body.
    Text,
    /// A binary body.
    Bytes,
    /// No body.
    Empty,
}

/// The success response of an operation.
#[derive(Debug, Clone)]
pub struct ResponseDef {
    /// How it is read.
    pub shape: Shape,
    /// The result type.
    pub ty: Ty,
}

/// A security scheme.
#[derive(Debug, Clone)]
pub struct Scheme {
    /// The spec's name (`XAuthToken`).
    pub name: String,
    /// The `static` describing it (`X_AUTH_TOKEN`).
    pub constant: Ident,
    /// The client builder method that sets its credential (`x_auth_token`).
    pub method: Ident,
    /// What it sends.
    pub kind: SchemeKind,
    /// Documentation.
    pub doc: String,
}

/// What a security scheme sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// A header carrying the token.
    ApiKeyHeader(String),
    /// A query parameter carrying the token.
    ApiKeyQuery(String),
    /// A cookie carrying the token.
    ApiKeyCookie(String),
    /// `Authorization: Bearer` (HTTP bearer, OAuth 2, OpenID Connect).
    Bearer,
    /// `Authorization: Basic`.
    Basic,
}

/// A server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// The URL template.
    pub url: String,
    /// `(variable, default)`.
    pub variables: Vec<(String, String)>,
    /// The description.
    pub description: Option<String>,
}

/// Builds the IR, or fails with every problem found.
pub fn build(spec: &Spec) -> Result<Api, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    if !crate::check::refs::unresolved(spec, &mut diagnostics) {
        return Err(diagnostics);
    }
    let Some(openapi) = spec.openapi.as_ref() else {
        return Err(diagnostics);
    };
    // A path template and its parameters must agree, or a method could never build its URL.
    crate::check::path_params::check(spec, &mut diagnostics);
    let mut ctx = types::Types::new(spec, openapi);
    let envelopes = operations::Envelopes::read(spec, &mut ctx);
    let ops = operations::build(openapi, &mut ctx, &envelopes);
    let webhooks = webhooks::build(spec, &mut ctx);
    let error_code = envelopes.error_code.clone();
    let formats = ctx.formats();
    let (types, mut found) = ctx.finish();
    diagnostics.append(&mut found);
    let (groups, mut operations, schemes) = ops;
    let mut types = types;
    aliases::expand(&mut types, &mut operations);
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let mut api = Api {
        title: openapi.info.title.clone(),
        description: openapi.info.description.clone(),
        version: openapi.info.version.clone(),
        types,
        groups,
        operations,
        schemes,
        servers: operations::servers(&openapi.servers),
        error_code,
        envelopes: envelopes::read(spec),
        formats,
        session: None,
        webhooks,
    };
    api.session = session::build(spec, &api, &mut diagnostics);
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    Ok(api)
}

/// The text of a string-valued extension or member.
fn str_of(value: Option<&Value>) -> Option<&str> {
    value.and_then(Value::as_str)
}

/// Joins documentation paragraphs, skipping empty ones.
fn doc_join(parts: &[Option<&str>]) -> String {
    parts
        .iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}
