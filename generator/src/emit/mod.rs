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
    /// thousands of them has its items built and printed in parallel.
    Items {
        head: Box<dyn Fn() -> TokenStream + Send + Sync + 'a>,
        count: usize,
        item: Box<dyn Fn(usize) -> TokenStream + Send + Sync + 'a>,
    },
}

impl Build<'_> {
    /// Every part, in order, to `sink`.
    fn each(&self, sink: &mut dyn FnMut(TokenStream)) {
        match self {
            Build::Parts(build) => build(sink),
            Build::Items { head, count, item } => {
                sink(head());
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
                head: Box::new(|| types::head(api)),
                count: api.types.len(),
                item: Box::new(|i| types::type_def(&api.types[i])),
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
                head: Box::new(move || operations::group_head(api, index, krate)),
                count: ops.len(),
                item: Box::new(move |i| operations::group_item(api, index, ops[i], krate)),
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
            .map(|(path, build)| {
                let mut contents = header.rust("");
                let (result, built, format) = match &build {
                    Build::Parts(_) => parts(&path, &build, &mut |file| {
                        contents.push_str(&prettyplease::unparse(&file));
                    }),
                    Build::Items { head, count, item } => {
                        // The head, then the items on every core, each printed on its own and joined in order.
                        let head = print(&path, head);
                        let items: Vec<_> = (0..*count)
                            .into_par_iter()
                            .map(|i| print(&path, &|| item(i)))
                            .collect();
                        let (mut built, mut format) = (Duration::ZERO, Duration::ZERO);
                        let mut result = Ok(());
                        for (text, b, f) in std::iter::once(head).chain(items) {
                            built += b;
                            format += f;
                            match text {
                                Ok(text) if result.is_ok() => contents.push_str(&text),
                                Ok(_) => {}
                                Err(e) => result = result.and(Err(e)),
                            }
                        }
                        (result, built, format)
                    }
                };
                let file = result.map(|()| GeneratedFile { path, contents });
                (file, built, format)
            })
            .collect();
        for (file, built, format) in printed {
            timings.tokens += built;
            timings.format += format;
            match file {
                Ok(file) => files.push(file),
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
