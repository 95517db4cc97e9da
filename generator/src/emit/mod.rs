//! Emitters: the IR to files, one `quote!` module per concern, formatted with `prettyplease`.
//!
//! - [`types`]: models, open enums, unions;
//! - [`operations`]: one request builder per operation, grouped by tag;
//! - [`crate_files`]: `lib.rs`, security schemes, servers, `Cargo.toml`, `README.md`;
//! - [`webhooks`]: the webhook events and the signature scheme receivers verify;
//! - [`runtime`]: the runtime crate the client depends on, or whose source it copies.

pub(crate) mod crate_files;
mod docs;
mod examples;
mod operations;
mod runtime;
mod session;
mod tokens;
mod types;
mod webhooks;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use proc_macro2::TokenStream;
use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::ir::Api;
use crate::{Config, GeneratedFile};

/// Time spent in each stage of [`emit`], summed over the files (over the threads that emit them).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct EmitTimings {
    /// Building the token streams (`quote!`).
    pub tokens: Duration,
    /// Parsing them back with `syn` and printing them with `prettyplease`.
    pub format: Duration,
}

/// Builds a module's tokens and hands them to the sink, whole or in parts (items, in order).
type Sequential<'a> = Box<dyn Fn(&mut dyn FnMut(TokenStream)) + Send + Sync + 'a>;

/// How a module's tokens are built: in parts (items, in order).
enum Build<'a> {
    /// Whole or in parts, handed to the sink one after another.
    Parts(Sequential<'a>),
    /// A head, then `count` independent items (the types, a group's request builders): a file that may hold
    /// thousands of them has its items built and printed in parallel, and is split into parts (see
    /// [`SPLIT_AT`]).
    Items {
        /// The head, given the tokens of the methods its `impl` block holds.
        head: Box<dyn Fn(TokenStream) -> TokenStream + Send + Sync + 'a>,
        count: usize,
        item: Box<dyn Fn(usize) -> TokenStream + Send + Sync + 'a>,
        /// For an operation group: each item's method on the group's struct.
        methods: Option<Methods<'a>>,
    },
}

/// The methods an operation group's items add to its struct: item `i`'s method, and an `impl` block of the
/// struct holding some.
struct Methods<'a> {
    method: Box<dyn Fn(usize) -> TokenStream + Send + Sync + 'a>,
    block: Box<dyn Fn(TokenStream) -> TokenStream + Send + Sync + 'a>,
}

/// A file of items printed larger than this is split: the head stays in it, and the items go to parts of
/// about [`PART`] bytes in a directory beside it, each brought back in by `include!`, so that no generated
/// file is more than a few MB (Microsoft Graph beta's types are 41 MB) and the module's paths do not change.
const SPLIT_AT: usize = 4 << 20;

/// The size a part of a split file is filled up to (one item larger than this is a part of its own).
const PART: usize = 2 << 20;

impl Build<'_> {
    /// Every part, in order, to `sink`.
    fn each(&self, sink: &mut dyn FnMut(TokenStream)) {
        match self {
            Build::Parts(build) => build(sink),
            Build::Items {
                head,
                count,
                item,
                methods,
            } => {
                let inside = match methods {
                    Some(m) => (0..*count).map(|i| (m.method)(i)).collect(),
                    None => TokenStream::new(),
                };
                sink(head(inside));
                for i in 0..*count {
                    sink(item(i));
                }
            }
        }
    }
}

/// Emits every file of the crate, sorted by path.
///
/// Each module's tokens are built, parsed and printed one part at a time (a type, a request builder),
/// so that no more than one part's tokens and syntax tree are alive at once on a thread; the files are
/// emitted in parallel.
pub(crate) fn emit(
    api: &Api,
    file: &str,
    config: &Config,
    timings: &mut EmitTimings,
) -> Result<Vec<GeneratedFile>, Vec<Diagnostic>> {
    let header = Header {
        command: config.command.clone(),
        spec: file.to_owned(),
    };
    let krate = config.crate_name.replace('-', "_");
    let krate = (!config.single_file).then_some(krate);
    let entire = |build: fn(&Api) -> TokenStream| -> Build<'_> {
        Build::Parts(Box::new(move |sink| sink(build(api))))
    };
    let mut modules: Vec<(String, Build<'_>)> = vec![
        (
            "src/lib.rs".to_owned(),
            Build::Parts(Box::new(|sink| sink(crate_files::lib_rs(api, config)))),
        ),
        ("src/security.rs".to_owned(), entire(crate_files::security)),
        ("src/servers.rs".to_owned(), entire(crate_files::servers)),
        (
            "src/types.rs".to_owned(),
            Build::Items {
                head: Box::new(|_| types::head(api)),
                count: api.types.len(),
                item: Box::new(|i| types::type_def(&api.types[i])),
                methods: None,
            },
        ),
        (
            "src/operations/mod.rs".to_owned(),
            entire(operations::module),
        ),
    ];
    if api.webhooks.is_some() {
        modules.push((
            "src/webhooks.rs".to_owned(),
            Build::Parts(Box::new(|sink| {
                sink(webhooks::module(api).unwrap_or_default())
            })),
        ));
    }
    for (index, group) in api.groups.iter().enumerate() {
        let path = format!(
            "src/operations/{}.rs",
            crate::ir::names::bare(&group.module)
        );
        let krate = krate.as_deref();
        let ops: Vec<usize> = (0..api.operations.len())
            .filter(|&o| api.operations[o].group == index)
            .collect();
        modules.push((
            path,
            Build::Items {
                head: Box::new(move |methods| operations::group_head(api, index, methods)),
                count: ops.len(),
                item: {
                    let ops = ops.clone();
                    Box::new(move |i| operations::group_item(api, index, ops[i], krate))
                },
                methods: Some(Methods {
                    method: Box::new(move |i| operations::group_method(api, ops[i], krate)),
                    block: Box::new(move |methods| operations::group_impl(api, index, methods)),
                }),
            },
        ));
    }
    // Builds the module at `path` and hands each part to `each`, parsed; the time spent building
    // tokens and the time spent parsing and in `each`.
    let parts = |path: &str,
                 build: &Build<'_>,
                 each: &mut dyn FnMut(syn::File)|
     -> (Result<(), Diagnostic>, Duration, Duration) {
        let (mut tokens, mut format) = (Duration::ZERO, Duration::ZERO);
        let mut result = Ok(());
        let mut last = Instant::now();
        build.each(&mut |part: TokenStream| {
            let built = Instant::now();
            tokens += built - last;
            if result.is_ok() {
                match syn::parse2::<syn::File>(part) {
                    Ok(file) => each(file),
                    Err(e) => {
                        result = Err(internal(format!(
                            "the generated `{path}` does not parse as Rust: {e}"
                        )))
                    }
                }
            }
            last = Instant::now();
            format += last - built;
        });
        tokens += last.elapsed();
        (result, tokens, format)
    };
    let mut errors = Vec::new();
    let mut files = Vec::new();
    let vendored = config.runtime == crate::Runtime::Vendored;
    if config.single_file {
        let mut parsed: BTreeMap<String, syn::File> = BTreeMap::new();
        for (path, build) in &modules {
            let mut whole: Option<syn::File> = None;
            let (result, built, format) = parts(path, build, &mut |file| match &mut whole {
                Some(whole) => whole.items.extend(file.items),
                None => whole = Some(file),
            });
            timings.tokens += built;
            timings.format += format;
            let file = result.and_then(|()| match whole {
                Some(file) => Ok(file),
                None => syn::parse2(TokenStream::new())
                    .map_err(|e| internal(format!("`{path}` is empty and does not parse: {e}"))),
            });
            match file {
                Ok(file) => {
                    parsed.insert(path.clone(), file);
                }
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        if vendored {
            for (name, text) in runtime::FILES {
                match syn::parse_file(runtime::without_tests(text)) {
                    Ok(file) => {
                        let name = if *name == "lib.rs" { "mod.rs" } else { name };
                        parsed.insert(format!("src/runtime/{name}"), file);
                    }
                    Err(e) => errors.push(internal(format!(
                        "the runtime's `{name}` does not parse: {e}"
                    ))),
                }
            }
        }
        let Some(root) = parsed.remove("src/lib.rs") else {
            return Err(vec![internal("no crate root was generated".to_owned())]);
        };
        let started = Instant::now();
        let combined = inline_modules(root, "src/", &mut parsed);
        files.push(GeneratedFile {
            path: format!("{}.rs", config.crate_name.replace('-', "_")),
            contents: header.rust(&prettyplease::unparse(&combined)),
        });
        timings.format += started.elapsed();
    } else {
        // Each file on its own, on as many threads as the machine has cores: a file's tokens and
        // syntax tree live only while it is printed.
        let printed: Vec<_> = modules
            .into_par_iter()
            .map(|(path, build)| match &build {
                Build::Parts(_) => {
                    let mut contents = header.rust("");
                    let (result, built, format) = parts(&path, &build, &mut |file| {
                        contents.push_str(&prettyplease::unparse(&file));
                    });
                    let file = result.map(|()| vec![GeneratedFile { path, contents }]);
                    (file, built, format)
                }
                Build::Items {
                    head,
                    count,
                    item,
                    methods,
                } => {
                    // The head, then the items (and their methods) on every core, each printed on its own,
                    // then put together in order.
                    let head = print(&path, &|| head(TokenStream::new()));
                    let items: Vec<_> = (0..*count)
                        .into_par_iter()
                        .map(|i| {
                            let method = methods
                                .as_ref()
                                .map(|m| print(&path, &|| (m.block)((m.method)(i))));
                            (method, print(&path, &|| item(i)))
                        })
                        .collect();
                    let (mut built, mut format) = (head.1, head.2);
                    let mut result = head.0;
                    let mut texts = Vec::with_capacity(items.len());
                    for (method, (text, b, f)) in items {
                        built += b;
                        format += f;
                        let method = match method {
                            Some((text, b, f)) => {
                                built += b;
                                format += f;
                                text.map(Some)
                            }
                            None => Ok(None),
                        };
                        match (method, text) {
                            (Ok(method), Ok(text)) => texts.push((method, text)),
                            (Err(e), _) | (_, Err(e)) => result = result.and(Err(e)),
                        }
                    }
                    let files = result.and_then(|head| assemble(&path, &header, head, texts));
                    (files, built, format)
                }
            })
            .collect();
        for (printed, built, format) in printed {
            timings.tokens += built;
            timings.format += format;
            match printed {
                Ok(printed) => files.extend(printed),
                Err(e) => errors.push(e),
            }
        }
        if vendored {
            for (name, text) in runtime::FILES {
                let name = if *name == "lib.rs" { "mod.rs" } else { name };
                files.push(GeneratedFile {
                    path: format!("src/runtime/{name}"),
                    contents: header.rust(runtime::without_tests(text)),
                });
            }
        }
        for (name, source) in &config.examples {
            files.push(GeneratedFile {
                path: format!("examples/{name}.rs"),
                contents: header.rust(source),
            });
        }
        if config.manifest {
            let started = Instant::now();
            match crate_files::cargo_toml(api, config) {
                Ok(manifest) => files.push(GeneratedFile {
                    path: "Cargo.toml".to_owned(),
                    contents: header.hash(&manifest),
                }),
                Err(message) => errors.push(internal(message)),
            }
            files.push(GeneratedFile {
                path: "README.md".to_owned(),
                contents: header.markdown(&crate_files::readme(api, config)),
            });
            timings.tokens += started.elapsed();
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The files of a module printed as a head and items, each item with its method on the group's struct when
/// it has one: one file, or the head and parts when it would be larger than [`SPLIT_AT`].
fn assemble(
    path: &str,
    header: &Header,
    head: String,
    items: Vec<(Option<String>, String)>,
) -> Result<Vec<GeneratedFile>, Diagnostic> {
    // A method was printed in an `impl` block of its own: its first line opens the block, its last closes it.
    let mut open = None;
    let mut members = Vec::with_capacity(items.len());
    for (method, item) in items {
        let body = match method {
            Some(method) => {
                let (first, body) = impl_body(&method).ok_or_else(|| {
                    internal(format!(
                        "a method of `{path}` is not printed as an `impl` block"
                    ))
                })?;
                open.get_or_insert_with(|| first.to_owned());
                Some(body.to_owned())
            }
            None => None,
        };
        members.push((body, item));
    }
    let size =
        |(body, item): &(Option<String>, String)| body.as_ref().map_or(0, String::len) + item.len();
    let total = head.len() + members.iter().map(size).sum::<usize>();
    if total <= SPLIT_AT {
        let mut contents = header.rust("");
        contents.reserve(total);
        // The methods join the head's `impl` block, its last item.
        let open = match &open {
            Some(_) => Some(head.strip_suffix("}\n").ok_or_else(|| {
                internal(format!(
                    "the head of `{path}` does not end with its `impl` block"
                ))
            })?),
            None => {
                contents.push_str(&head);
                None
            }
        };
        push_members(&mut contents, open, &members);
        return Ok(vec![GeneratedFile {
            path: path.to_owned(),
            contents,
        }]);
    }
    let mut chunks: Vec<Vec<(Option<String>, String)>> = vec![Vec::new()];
    let mut filled = 0;
    for member in members {
        let len = size(&member);
        if filled > 0 && filled + len > PART {
            chunks.push(Vec::new());
            filled = 0;
        }
        filled += len;
        if let Some(chunk) = chunks.last_mut() {
            chunk.push(member);
        }
    }
    let stem = path.strip_suffix(".rs").unwrap_or(path);
    let name = stem.rsplit('/').next().unwrap_or(stem);
    let width = chunks.len().to_string().len();
    let mut main = header.rust("");
    main.push_str(&head);
    let mut files = Vec::with_capacity(chunks.len() + 1);
    for (i, chunk) in chunks.into_iter().enumerate() {
        let part = format!("part_{:0width$}.rs", i + 1);
        main.push_str(&format!("include!(\"{name}/{part}\");\n"));
        let mut contents = header.rust("");
        push_members(&mut contents, open.as_deref(), &chunk);
        files.push(GeneratedFile {
            path: format!("{stem}/{part}"),
            contents,
        });
    }
    files.push(GeneratedFile {
        path: path.to_owned(),
        contents: main,
    });
    Ok(files)
}

/// Writes `members`: when they have methods, `open` (the opening of an `impl` block), their methods and the
/// block's closing brace; then their items.
fn push_members(out: &mut String, open: Option<&str>, members: &[(Option<String>, String)]) {
    if let Some(open) = open {
        out.push_str(open);
        members
            .iter()
            .flat_map(|(body, _)| body)
            .for_each(|b| out.push_str(b));
        out.push_str("}\n");
    }
    members.iter().for_each(|(_, item)| out.push_str(item));
}

/// The opening of a printed `impl` block (its header, on one line or wrapped over several, up to the line
/// that ends with `{`) and the items inside it.
fn impl_body(text: &str) -> Option<(&str, &str)> {
    let mut end = 0;
    for line in text.split_inclusive('\n') {
        end += line.len();
        if line.ends_with("{\n") {
            break;
        }
    }
    let (first, rest) = text.split_at(end);
    (first.starts_with("impl") && first.ends_with("{\n")).then_some(())?;
    Some((first, rest.strip_suffix("}\n")?))
}

/// One part built and printed: the text, the time spent building its tokens and the time spent parsing and
/// printing them.
fn print(
    path: &str,
    build: &dyn Fn() -> TokenStream,
) -> (Result<String, Diagnostic>, Duration, Duration) {
    let started = Instant::now();
    let (part, blocks) = docs::deferring(build);
    let built = started.elapsed();
    let unparse = |part: TokenStream| {
        syn::parse2::<syn::File>(part)
            .map(|file| prettyplease::unparse(&file))
            .map_err(|e| {
                internal(format!(
                    "the generated `{path}` does not parse as Rust: {e}"
                ))
            })
    };
    let text = unparse(part).and_then(|text| match docs::expand(&text, &blocks) {
        Some(text) => Ok(text),
        // A marker printed other than as a line of its own: the part is printed again, documentation and all.
        None => unparse(build()),
    });
    (text, built, started.elapsed() - built)
}

fn internal(message: String) -> Diagnostic {
    Diagnostic {
        rule: Rule::CodegenUnsupported,
        pointer: String::new(),
        location: Location { line: 1, column: 1 },
        message,
    }
}

/// One file for `include!` at a crate root: every `mod x;` replaced by its contents, crate-level attributes
/// and unit tests left out.
fn inline_modules(
    mut file: syn::File,
    dir: &str,
    files: &mut BTreeMap<String, syn::File>,
) -> syn::File {
    file.attrs.clear();
    file.items = inline_items(std::mem::take(&mut file.items), dir, files);
    file
}

fn inline_items(
    items: Vec<syn::Item>,
    dir: &str,
    files: &mut BTreeMap<String, syn::File>,
) -> Vec<syn::Item> {
    items
        .into_iter()
        .filter(|item| !is_test_module(item))
        .map(|item| match item {
            syn::Item::Mod(mut m) if m.content.is_none() => {
                let name = m.ident.to_string();
                let name = name.trim_start_matches("r#").to_owned();
                let child_dir = format!("{dir}{name}/");
                let found = files
                    .remove(&format!("{dir}{name}.rs"))
                    .or_else(|| files.remove(&format!("{dir}{name}/mod.rs")));
                if let Some(f) = found {
                    // The file's inner attributes (`//!` docs) join the declaration's outer ones.
                    m.attrs.extend(f.attrs.into_iter().map(|mut a| {
                        a.style = syn::AttrStyle::Outer;
                        a
                    }));
                    let items = inline_items(f.items, &child_dir, files);
                    m.content = Some((syn::token::Brace::default(), items));
                    m.semi = None;
                }
                syn::Item::Mod(m)
            }
            other => other,
        })
        .collect()
}

fn is_test_module(item: &syn::Item) -> bool {
    let syn::Item::Mod(m) = item else {
        return false;
    };
    m.attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test")
    })
}

/// The `@generated` line every file starts with.
struct Header {
    command: String,
    spec: String,
}

impl Header {
    fn line(&self) -> String {
        format!(
            "@generated by `{}` from `{}`: do not edit by hand",
            self.command, self.spec
        )
    }

    fn rust(&self, text: &str) -> String {
        format!("// {}\n\n{text}", self.line())
    }

    fn hash(&self, text: &str) -> String {
        format!("# {}\n\n{text}", self.line())
    }

    fn markdown(&self, text: &str) -> String {
        format!("<!-- {} -->\n\n{text}", self.line())
    }
}

#[cfg(test)]
mod tests {
    use super::{assemble, Header, PART, SPLIT_AT};

    fn header() -> Header {
        Header {
            command: "gen".to_owned(),
            spec: "api.yaml".to_owned(),
        }
    }

    const HEAD: &str = "//! Operations.\npub struct Pets<'a> {\n    client: &'a crate::Client,\n}\nimpl<'a> Pets<'a> {\n    pub(crate) fn new() {}\n}\n";

    /// `n` items of about `size` bytes, each with its method printed in an `impl` block of its own.
    fn items(n: usize, size: usize) -> Vec<(Option<String>, String)> {
        (0..n)
            .map(|i| {
                let method = format!("impl<'a> Pets<'a> {{\n    pub fn op{i}(&self) {{}}\n}}\n");
                let item = format!("/// {}\npub struct Op{i};\n", "x".repeat(size));
                (Some(method), item)
            })
            .collect()
    }

    /// The text of a split module put back together: the head file's `include!`s replaced by the parts,
    /// their headers and the blocks around their methods left out.
    fn joined(files: &[crate::GeneratedFile], main: &str) -> (String, usize) {
        let main = files
            .iter()
            .find(|f| f.path == main)
            .expect("the head file");
        let mut methods = String::new();
        let mut items = String::new();
        let mut includes = 0;
        for line in main.contents.lines().skip(2) {
            if let Some(part) = line
                .strip_prefix("include!(\"")
                .and_then(|l| l.strip_suffix("\");"))
            {
                includes += 1;
                let path = format!("src/operations/{part}");
                let part = files
                    .iter()
                    .find(|f| f.path == path)
                    .expect("the included part");
                let text = part.contents.split_once("\n\n").expect("a header").1;
                // The block closes on the first line that is only `}`: its methods are indented.
                let (block, rest) = text.split_once("\n}\n").expect("the methods' block");
                methods.push_str(
                    block
                        .strip_prefix("impl<'a> Pets<'a> {\n")
                        .expect("the block opens"),
                );
                methods.push('\n');
                items.push_str(rest);
            }
        }
        let head = main.contents.split_once("\n\n").expect("a header").1;
        let head = head.split("include!").next().unwrap_or_default();
        let head = head
            .strip_suffix("}\n")
            .expect("the head ends with its block");
        (format!("{head}{methods}}}\n{items}"), includes)
    }

    #[test]
    fn a_small_module_is_one_file_with_the_methods_in_the_heads_block() {
        let files = assemble(
            "src/operations/pets.rs",
            &header(),
            HEAD.to_owned(),
            items(3, 10),
        )
        .expect("assembled");
        assert_eq!(files.len(), 1);
        let text = files[0].contents.split_once("\n\n").expect("a header").1;
        let (head, rest) = text.split_once("    pub fn op0").expect("the first method");
        assert!(head.ends_with("pub(crate) fn new() {}\n"), "{text}");
        assert!(
            rest.contains("    pub fn op2(&self) {}\n}\n/// x"),
            "{text}"
        );
        assert_eq!(text.matches("impl<'a> Pets<'a> {").count(), 1, "{text}");
    }

    #[test]
    fn a_large_module_is_split_into_parts_of_a_few_mb_that_include_brings_back() {
        let n = 300;
        let items = items(n, 30_000);
        let files = assemble(
            "src/operations/pets.rs",
            &header(),
            HEAD.to_owned(),
            items.clone(),
        )
        .expect("assembled");
        assert!(items.iter().map(|(_, i)| i.len()).sum::<usize>() > SPLIT_AT);
        assert!(files.len() > 2, "{} files", files.len());
        for f in &files {
            assert!(
                f.contents.len() <= PART + 64 * 1024,
                "{}: {}",
                f.path,
                f.contents.len()
            );
            assert!(
                f.contents
                    .starts_with("// @generated by `gen` from `api.yaml`"),
                "{}",
                f.path
            );
        }
        assert!(files
            .iter()
            .any(|f| f.path == "src/operations/pets/part_1.rs"));
        // Put back together, the parts are the module a single file would hold.
        let (text, includes) = joined(&files, "src/operations/pets.rs");
        assert_eq!(includes, files.len() - 1);
        let mut single = HEAD.strip_suffix("}\n").unwrap_or_default().to_owned();
        for (method, _) in &items {
            let method = method.as_deref().unwrap_or_default();
            single.push_str(&method["impl<'a> Pets<'a> {\n".len()..method.len() - 2]);
        }
        single.push_str("}\n");
        items.iter().for_each(|(_, item)| single.push_str(item));
        assert!(
            text == single,
            "{} bytes put back, {} expected",
            text.len(),
            single.len()
        );
    }

    #[test]
    fn a_method_not_printed_as_a_block_is_an_internal_error() {
        let bad = vec![(
            Some("pub fn op(&self) {}\n".to_owned()),
            "pub struct Op;\n".to_owned(),
        )];
        let e = assemble("src/operations/pets.rs", &header(), HEAD.to_owned(), bad)
            .expect_err("refused");
        assert!(
            e.message.contains("not printed as an `impl` block"),
            "{}",
            e.message
        );
    }
}
