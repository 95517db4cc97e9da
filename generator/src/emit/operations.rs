//! `src/operations/`: one module per tag, one request builder per operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::tokens::{doc, doc_verbatim, encoded, ident, redacting_debug, ty, DebugField, Site};
use crate::ir::{
    Api, Body, BodyKind, ErrorBodies, Operation, Pagination, Param, ParamIn, Shape, StatusMatch, Ty,
};

/// `src/operations/mod.rs`: the group modules and the client's accessors.
pub fn module(api: &Api) -> TokenStream {
    let mods = api.groups.iter().map(|g| {
        let module = ident(&g.module);
        let text = doc(&g.doc);
        quote! {
            #text
            pub mod #module;
        }
    });
    let accessors = api.groups.iter().map(|g| {
        let module = ident(&g.module);
        let method = ident(&g.method);
        let strukt = ident(&g.struct_name);
        let text = doc(&g.doc);
        quote! {
            #text
            pub fn #method(&self) -> #module::#strukt<'_> {
                #module::#strukt::new(self)
            }
        }
    });
    let reexports = api.groups.iter().map(|g| {
        let module = ident(&g.module);
        let strukt = ident(&g.struct_name);
        quote!(pub use #module::#strukt;)
    });
    quote! {
        //! The API's operations, grouped by tag: `client.<group>().<operation>(...)`.
        //!
        //! Each operation returns a request builder. Required parameters are the method's arguments;
        //! optional ones are set on the builder. `.await` the builder (or call `send`) to run it.
        #(#mods)*
        #(#reexports)*

        impl crate::Client {
            #(#accessors)*
        }
    }
}

/// The head of a group's module, `src/operations/<group>.rs`: the group's struct and its `impl` block, holding
/// `methods` (from [`group_method`]) after its constructor. [`group_item`] gives each operation's request
/// builder after it.
pub fn group_head(api: &Api, index: usize, methods: TokenStream) -> TokenStream {
    let Some(g) = api.groups.get(index) else {
        return TokenStream::new();
    };
    let strukt = ident(&g.struct_name);
    let text = doc(&g.doc);
    let module_doc = if g.tag.is_empty() {
        " Operations the spec gives no tag.".to_owned()
    } else {
        format!(" Operations tagged `{}`.", g.tag)
    };
    let body = quote! {
        pub(crate) fn new(client: &'a crate::Client) -> Self {
            Self { client }
        }

        #methods
    };
    let block = group_impl(api, index, body);
    quote! {
        #![doc = #module_doc]

        #text
        #[derive(Debug, Clone, Copy)]
        pub struct #strukt<'a> {
            client: &'a crate::Client,
        }

        #block
    }
}

/// An `impl` block of group `index`'s struct holding `items`.
pub fn group_impl(api: &Api, index: usize, items: TokenStream) -> TokenStream {
    let Some(g) = api.groups.get(index) else {
        return TokenStream::new();
    };
    let strukt = ident(&g.struct_name);
    quote! {
        impl<'a> #strukt<'a> {
            #items
        }
    }
}

/// The method on its group's struct that starts operation `op` (an index into the API's operations).
///
/// `krate` is the crate's name as user code writes it, for the examples in the docs (`None` when the code is
/// included into another crate, whose name the examples cannot know).
pub fn group_method(api: &Api, op: usize, krate: Option<&str>) -> TokenStream {
    match api.operations.get(op) {
        Some(op) => entry_method(api, op, krate),
        None => TokenStream::new(),
    }
}

/// The request builder of operation `op` (an index into the API's operations) of group `index`.
pub fn group_item(api: &Api, index: usize, op: usize, krate: Option<&str>) -> TokenStream {
    let (Some(g), Some(op)) = (api.groups.get(index), api.operations.get(op)) else {
        return TokenStream::new();
    };
    let module = crate::ir::names::bare(&g.module);
    builder(api, op, krate.map(|k| (k, module)))
}

/// The argument type of a parameter or body: `impl Into<String>` for strings.
fn arg_ty(t: &Ty) -> TokenStream {
    match t {
        Ty::String => quote!(impl Into<String>),
        other => ty(other, Site::Outside),
    }
}

fn arg_value(name: &syn::Ident, t: &Ty) -> TokenStream {
    match t {
        Ty::String => quote!(#name.into()),
        _ => quote!(#name),
    }
}

/// `name` (shorthand), or `name: name.into()` for strings.
fn field_init(name: &syn::Ident, t: &Ty) -> TokenStream {
    match t {
        Ty::String => quote!(#name: #name.into()),
        _ => quote!(#name),
    }
}

fn required_params(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| p.required)
}

fn optional_params(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| !p.required)
}

fn body_required(op: &Operation) -> Option<&Body> {
    op.body.as_ref().filter(|b| b.required)
}

/// The method on the group struct that starts a request.
fn entry_method(api: &Api, op: &Operation, krate: Option<&str>) -> TokenStream {
    let method = ident(&op.method_name);
    let builder = ident(&op.builder);
    let mut text = op.doc.clone();
    let args_doc: Vec<String> = required_params(op)
        .map(|p| {
            format!(
                "- `{}`: {}",
                crate::ir::names::bare(&p.name),
                first_line(&p.doc)
            )
        })
        .chain(body_required(op).map(|b| format!("- `body`: {}", first_line(&b.doc))))
        .collect();
    let free_form = matches!(&op.response.ty, Ty::Json)
        || matches!(&op.response.ty, Ty::Map(inner) if **inner == Ty::Json);
    if free_form && !text.contains("free-form") {
        text.push_str("\n\nThe result is free-form JSON: the spec does not describe its members.");
    }
    if !args_doc.is_empty() {
        text.push_str("\n\n# Arguments\n\n");
        text.push_str(&args_doc.join("\n"));
    }
    if let Some(errors) = &op.errors {
        text.push_str("\n\n# Errors\n\n");
        text.push_str(&errors_doc(errors));
    }
    let mut docs = doc(&text);
    if let Some(krate) = krate {
        let example = super::examples::operation(api, op, krate);
        docs.extend(doc_verbatim(&format!("\n{example}")));
    }
    let deprecated = if op.deprecated {
        quote!(#[deprecated(note = "the API marks this operation deprecated")])
    } else {
        quote!()
    };
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for p in required_params(op) {
        let name = ident(&p.name);
        let t = arg_ty(&p.ty);
        args.push(quote!(#name: #t));
        inits.push(field_init(&name, &p.ty));
    }
    for p in optional_params(op) {
        let name = ident(&p.name);
        inits.push(quote!(#name: None));
    }
    if let Some(body) = &op.body {
        if body.required {
            let t = arg_ty(&body.ty);
            args.push(quote!(body: #t));
            inits.push(field_init(&format_ident!("body"), &body.ty));
        } else {
            inits.push(quote!(body: None));
        }
    }
    quote! {
        #docs
        #deprecated
        pub fn #method(&self, #(#args),*) -> #builder<'a> {
            #builder {
                client: self.client,
                #(#inits,)*
                options: crate::runtime::RequestOptions::new(),
            }
        }
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or("").trim().to_owned()
}

fn builder(api: &Api, op: &Operation, place: Option<(&str, &str)>) -> TokenStream {
    let builder = ident(&op.builder);
    let constant = ident(&op.constant);
    let method_name = crate::ir::names::bare(&op.method_name);
    let group = api
        .groups
        .get(op.group)
        .map(|g| g.struct_name.as_str())
        .unwrap_or("");
    let builder_doc = doc(&format!(
        "The request of [`{group}::{method_name}`](super::{group}::{method_name}) (`{} {}`): {}`.await` it or call [`send`](Self::send).",
        op.http_method,
        op.path,
        if optional_params(op).next().is_some() || op.body.as_ref().is_some_and(|b| !b.required) {
            "set optional parameters, then "
        } else {
            ""
        }
    ));
    let mut fields = vec![quote!(client: &'a crate::Client)];
    for p in &op.params {
        let name = ident(&p.name);
        let t = ty(&p.ty, Site::Outside);
        fields.push(if p.required {
            quote!(#name: #t)
        } else {
            quote!(#name: Option<#t>)
        });
    }
    if let Some(body) = &op.body {
        let t = ty(&body.ty, Site::Outside);
        fields.push(if body.required {
            quote!(body: #t)
        } else {
            quote!(body: Option<#t>)
        });
    }
    fields.push(quote!(options: crate::runtime::RequestOptions));
    let setters = optional_params(op).map(|p| {
        let name = ident(&p.name);
        let t = arg_ty(&p.ty);
        let value = arg_value(&format_ident!("value"), &p.ty);
        let text = doc(&p.doc);
        quote! {
            #text
            pub fn #name(mut self, value: #t) -> Self {
                self.#name = Some(#value);
                self
            }
        }
    });
    let body_setter = match &op.body {
        Some(body) if !body.required => {
            let t = arg_ty(&body.ty);
            let value = arg_value(&format_ident!("value"), &body.ty);
            let text = doc(&body.doc);
            quote! {
                #text
                pub fn body(mut self, value: #t) -> Self {
                    self.body = Some(#value);
                    self
                }
            }
        }
        _ => quote!(),
    };
    let param_stmts = op.params.iter().map(param_stmt);
    let body_stmt = op.body.as_ref().map(body_stmt).unwrap_or_default();
    let shape = match op.response.shape {
        Shape::Success => quote!(Success),
        Shape::Status => quote!(Status),
        Shape::Json => quote!(Json),
        Shape::Text => quote!(Text),
        Shape::Bytes => quote!(Bytes),
        Shape::Empty => quote!(Empty),
    };
    let output = ty(&op.response.ty, Site::Outside);
    // The IR holds only the standard methods, each an associated constant of `reqwest::Method`.
    let method = format_ident!("{}", op.http_method.as_str());
    let id = &op.id;
    let path = &op.path;
    let servers = match &op.servers {
        None => quote!(None),
        Some(list) => {
            let items = list.iter().map(super::crate_files::server);
            quote!(Some(&[#(#items),*]))
        }
    };
    let alternatives = op.security.iter().map(|alt| {
        let schemes = alt.iter().filter_map(|i| api.schemes.get(*i)).map(|s| {
            let c = ident(&s.constant);
            quote!(&crate::security::#c)
        });
        quote!(&[#(#schemes),*])
    });
    let constant_doc = format!(" `{} {}`.", op.http_method, op.path);
    let idempotency = match &op.idempotency_key {
        Some(name) => quote!(Some(#name)),
        None => quote!(None),
    };
    let encrypted = &op.encrypted;
    let error_body = error_body(op.errors.as_ref());
    // A builder holding a secret parameter or body prints it as `<redacted>`.
    let secret_body = op.body.as_ref().is_some_and(|b| b.sensitive);
    // A paged request is sent once per page, each time as a copy of the builder.
    let paged = op.pagination.is_some();
    let (derive, debug) = match (op.params.iter().any(|p| p.sensitive) || secret_body, paged) {
        (true, false) => (quote!(), builder_debug(op)),
        (true, true) => (quote!(#[derive(Clone)]), builder_debug(op)),
        (false, false) => (quote!(#[derive(Debug)]), quote!()),
        (false, true) => (quote!(#[derive(Debug, Clone)]), quote!()),
    };
    let paging = match &op.pagination {
        Some(pagination) => paging(op, pagination, &output, place),
        None => quote!(),
    };
    quote! {
        #builder_doc
        #[must_use = "a request does nothing until it is sent or awaited"]
        #derive
        pub struct #builder<'a> {
            #(#fields,)*
        }

        #debug

        impl<'a> #builder<'a> {
            #(#setters)*
            #body_setter

            /// Options of this call (timeout, retry policy, extra headers), instead of the client's.
            pub fn options(mut self, options: crate::runtime::RequestOptions) -> Self {
                self.options = options;
                self
            }

            /// Sends the request and reads the response.
            pub fn send(self) -> impl std::future::Future<Output = crate::Result<crate::Response<#output>>> + Send + use<'a> {
                let mut request = crate::runtime::codegen::Request::new(&#constant);
                #(#param_stmts)*
                #body_stmt
                request.options(self.options);
                self.client
                    .execute(request, crate::runtime::codegen::ResponseShape::#shape)
            }

            #paging
        }

        impl<'a> std::future::IntoFuture for #builder<'a> {
            type Output = crate::Result<crate::Response<#output>>;
            type IntoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send + 'a>>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }

        #[doc = #constant_doc]
        static #constant: crate::runtime::codegen::Operation = crate::runtime::codegen::Operation {
            id: #id,
            method: crate::runtime::reqwest::Method::#method,
            path: #path,
            servers: #servers,
            security: &[#(#alternatives),*],
            idempotency_key: #idempotency,
            encrypted: &[#(#encrypted),*],
            error_body: #error_body,
        };
    }
}

/// The `# Errors` section of an operation with typed error bodies: which statuses decode into which type.
fn errors_doc(errors: &ErrorBodies) -> String {
    let statuses: Vec<String> = errors
        .statuses
        .iter()
        .filter(|(_, index)| index.is_some())
        .map(|(status, _)| format!("`{status}`"))
        .collect();
    let name = type_label(&errors.ty);
    let link = match &errors.ty {
        Ty::Named(named) => format!("[`{name}`](crate::types::{})", named.bare()),
        _ => format!("`{name}`"),
    };
    let statuses = match statuses.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => statuses.concat(),
    };
    let what = if errors.per_status {
        ", an enum with a variant per status,"
    } else {
        ","
    };
    format!(
        "The body of a {statuses} response decodes into {link}{what} which the error keeps: \
         `error.error_body::<{name}>()` gives it."
    )
}

/// A type as the types module writes it, on one line, for docs and messages.
fn type_label(t: &Ty) -> String {
    ty(t, Site::Types).to_string().replace(' ', "")
}

/// The `error_body` of an operation's description: its declared statuses and how their bodies decode.
fn error_body(errors: Option<&ErrorBodies>) -> TokenStream {
    let Some(errors) = errors else {
        return quote!(None);
    };
    let t = ty(&errors.ty, Site::Outside);
    let name = type_label(&errors.ty);
    let statuses = errors.statuses.iter().map(|(status, index)| {
        let status = match status {
            StatusMatch::Code(code) => {
                let code = proc_macro2::Literal::u16_unsuffixed(*code);
                quote!(crate::runtime::codegen::StatusMatch::Code(#code))
            }
            StatusMatch::Range(digit) => {
                let digit = proc_macro2::Literal::u16_unsuffixed(*digit);
                quote!(crate::runtime::codegen::StatusMatch::Range(#digit))
            }
            StatusMatch::Default => quote!(crate::runtime::codegen::StatusMatch::Default),
        };
        let index = match index {
            Some(index) => {
                let index = proc_macro2::Literal::usize_unsuffixed(*index);
                quote!(Some(#index))
            }
            None => quote!(None),
        };
        quote!((#status, #index))
    });
    let decode = if errors.per_status {
        quote!(crate::runtime::codegen::decode_variant::<#t>)
    } else {
        quote!(crate::runtime::codegen::decode_as::<#t>)
    };
    quote! {
        Some(crate::runtime::codegen::ErrorBody {
            type_name: #name,
            statuses: &[#(#statuses),*],
            decode: #decode,
        })
    }
}

/// `pages()` and `items()` of a paged operation's request builder.
/// `pages()` and `items()` of a paged request; `place` is the crate and module the request type is in, for the
/// compiled examples of their docs.
fn paging(
    op: &Operation,
    pagination: &Pagination,
    output: &TokenStream,
    place: Option<(&str, &str)>,
) -> TokenStream {
    let param = |name: &crate::ir::Ident| op.params.iter().find(|p| &p.name == name);
    let (Some(page), Some(size)) = (param(&pagination.page), param(&pagination.size)) else {
        return quote!();
    };
    let page_name = ident(&page.name);
    let size_name = ident(&size.name);
    let first = pagination.first;
    let start = if page.required {
        quote!(i64::from(self.#page_name))
    } else {
        quote!(self.#page_name.map_or(#first, i64::from))
    };
    let size_value = if size.required {
        quote!(u64::try_from(self.#size_name).ok())
    } else {
        quote!(self.#size_name.and_then(|size| u64::try_from(size).ok()))
    };
    let page_ty = ty(&page.ty, Site::Outside);
    let set_page = if page.required {
        quote!(call.#page_name = number;)
    } else {
        quote!(call.#page_name = Some(number);)
    };
    let count = match &pagination.items {
        None => quote!(response.data().len()),
        Some((member, false)) => {
            let member = ident(member);
            quote!(response.data().#member.len())
        }
        Some((member, true)) => {
            let member = ident(member);
            quote!(response.data().#member.as_ref().map_or(0, |items| items.len()))
        }
    };
    let total = match &pagination.total {
        None => quote!(None),
        Some((member, false)) => {
            let member = ident(member);
            quote!(u64::try_from(response.data().#member).ok())
        }
        Some((member, true)) => {
            let member = ident(member);
            quote!(response.data().#member.and_then(|total| u64::try_from(total).ok()))
        }
    };
    let take = match &pagination.items {
        None => quote!(response.into_data()),
        Some((member, false)) => {
            let member = ident(member);
            quote!(response.into_data().#member)
        }
        Some((member, true)) => {
            let member = ident(member);
            quote!(response.into_data().#member.unwrap_or_default())
        }
    };
    let item = ty(&pagination.item, Site::Outside);
    let page_wire = &page.wire;
    let builder_name = crate::ir::names::bare(&op.builder);
    // A compiled example (`no_run`: it needs a server) where the crate's name is known, else text.
    let example = |body: &str| {
        match place {
        Some((krate, module)) => format!(
            "```rust,no_run\n\
             # async fn run(request: {krate}::operations::{module}::{builder_name}<'_>) -> {krate}::Result<()> {{\n\
             use futures_util::TryStreamExt;\n\n\
             {body}\n\
             # Ok(())\n\
             # }}\n\
             ```"
        ),
        None => format!("```text\n{body}\n```"),
    }
    };
    let pages_doc = doc_verbatim(&format!(
        "The pages of this listing, as a stream: from the page set with `{page_wire}` (or page {first}, the first), \
         each page one call with this request's other parameters and options. \
         It ends after a page shorter than the page size, an empty page, or the page that reaches the total; \
         it asks for each page once, and ends after yielding an error.\n\n{}",
        example(
            "let mut pages = std::pin::pin!(request.pages());\n\
             while let Some(page) = pages.try_next().await? {\n    \
                 println!(\"HTTP {}\", page.status());\n\
             }"
        )
    ));
    let items_doc = doc_verbatim(&format!(
        "The items of every page of this listing, in order, as a stream: see [`pages`](Self::pages).\n\n{}",
        example("let all: Vec<_> = request.items().try_collect().await?;\nprintln!(\"{} items\", all.len());")
    ));
    quote! {
        #pages_doc
        pub fn pages(self) -> impl crate::runtime::Stream<Item = crate::Result<crate::Response<#output>>> + Send + 'a {
            let start = #start;
            let size = #size_value;
            crate::runtime::codegen::pages(
                start,
                size,
                move |page: i64| {
                    let mut call = self.clone();
                    let number = #page_ty::try_from(page).unwrap_or(#page_ty::MAX);
                    #set_page
                    call.send()
                },
                |response: &crate::Response<#output>| crate::runtime::codegen::PageInfo {
                    items: #count,
                    total: #total,
                },
            )
        }

        #items_doc
        pub fn items(self) -> impl crate::runtime::Stream<Item = crate::Result<#item>> + Send + 'a {
            crate::runtime::codegen::items(self.pages(), |response: crate::Response<#output>| #take)
        }
    }
}

/// The `Debug` of a request builder with a secret parameter or body: every field, secrets as `<redacted>`.
fn builder_debug(op: &Operation) -> TokenStream {
    let builder = ident(&op.builder);
    let plain = |label: &'static str| DebugField {
        label,
        name: format_ident!("{label}"),
        sensitive: false,
        optional: false,
    };
    let params = op.params.iter().map(|p| DebugField {
        label: crate::ir::names::bare(&p.name),
        name: ident(&p.name),
        sensitive: p.sensitive,
        optional: !p.required,
    });
    let fields = std::iter::once(plain("client"))
        .chain(params)
        .chain(op.body.as_ref().map(|b| DebugField {
            sensitive: b.sensitive,
            optional: !b.required,
            ..plain("body")
        }))
        .chain([plain("options")]);
    redacting_debug(
        quote!(#builder<'_>),
        crate::ir::names::bare(&op.builder),
        fields,
    )
}

fn param_stmt(p: &Param) -> TokenStream {
    let name = ident(&p.name);
    let wire = &p.wire;
    let call = match p.location {
        ParamIn::Path => quote!(path_param),
        ParamIn::Query => quote!(query),
        ParamIn::Header => quote!(header),
        ParamIn::Cookie => quote!(cookie),
    };
    match (p.required, &p.default) {
        (true, _) => {
            let value = encoded(&p.ty, quote!(&self.#name));
            quote!(request.#call(#wire, #value);)
        }
        (false, Some(default)) => {
            let value = encoded(&p.ty, quote!(value));
            // A header's default is sent as the text it is, without encoding it again on every call.
            let default = match p.location {
                ParamIn::Header => quote!(request.header_text(#wire, #default)),
                _ => quote!(request.#call(#wire, &#default)),
            };
            quote! {
                match &self.#name {
                    Some(value) => request.#call(#wire, #value),
                    None => #default,
                };
            }
        }
        (false, None) => {
            let value = encoded(&p.ty, quote!(value));
            quote! {
                if let Some(value) = &self.#name {
                    request.#call(#wire, #value);
                }
            }
        }
    }
}

fn body_stmt(body: &Body) -> TokenStream {
    let media = &body.media_type;
    // `body` is a reference to the value, except for text and raw bodies, which are moved.
    let encode = match body.kind {
        BodyKind::Json => {
            quote!(request.json_body(body, crate::runtime::codegen::RequestEnvelope::None);)
        }
        BodyKind::JsonEnvelope => {
            quote!(request.json_body(body, crate::runtime::codegen::RequestEnvelope::Wrap);)
        }
        BodyKind::Form => quote!(request.form_body(body);),
        BodyKind::Text => quote!(request.text_body(body, #media);),
        BodyKind::Raw => quote!(request.raw_body(body, #media);),
        BodyKind::Multipart if body.ty == Ty::Parts => quote!(request.multipart_body(body);),
        BodyKind::Multipart => {
            // The body is owned here: file bytes move into their parts, other members are encoded as text.
            let parts = body.parts.iter().map(|f| {
                let fname = ident(&f.name);
                let wire = &f.wire;
                let part = |v: TokenStream| {
                    if is_bytes(&f.ty) {
                        match body.part_types.get(&f.wire) {
                            Some(content_type) => quote! {
                                crate::runtime::codegen::Part::file(#wire, #v).with_content_type(#content_type)
                            },
                            None => quote!(crate::runtime::codegen::Part::file(#wire, #v)),
                        }
                    } else {
                        quote!(crate::runtime::codegen::Part::text(#wire, &#v))
                    }
                };
                let each = |list: TokenStream| {
                    let p = part(quote!(value));
                    quote! {
                        for value in #list {
                            parts.push(#p);
                        }
                    }
                };
                match &f.ty {
                    Ty::Option(inner) if matches!(**inner, Ty::Vec(_)) => {
                        let each = each(quote!(values));
                        quote! {
                            if let Some(values) = body.#fname {
                                #each
                            }
                        }
                    }
                    Ty::Option(_) => {
                        let p = part(quote!(value));
                        quote! {
                            if let Some(value) = body.#fname {
                                parts.push(#p);
                            }
                        }
                    }
                    Ty::Vec(_) => each(quote!(body.#fname)),
                    _ => {
                        let p = part(quote!(body.#fname));
                        quote!(parts.push(#p);)
                    }
                }
            });
            quote! {
                let mut parts = Vec::new();
                #(#parts)*
                request.multipart_body(parts);
            }
        }
    };
    let moved = matches!(
        body.kind,
        BodyKind::Text | BodyKind::Raw | BodyKind::Multipart
    );
    match (body.required, moved) {
        (true, true) => quote! {
            let body = self.body;
            #encode
        },
        (true, false) => quote! {
            let body = &self.body;
            #encode
        },
        (false, true) => quote! {
            if let Some(body) = self.body {
                #encode
            }
        },
        (false, false) => quote! {
            if let Some(body) = &self.body {
                #encode
            }
        },
    }
}

fn is_bytes(t: &Ty) -> bool {
    match t {
        Ty::Bytes => true,
        Ty::Option(inner) => is_bytes(inner),
        _ => false,
    }
}
