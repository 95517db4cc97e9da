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

use proc_macro2::TokenStream;

use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::ir::Api;
use crate::{Config, GeneratedFile};

/// Emits every file of the crate, sorted by path.
pub fn emit(api: &Api, file: &str, config: &Config) -> Result<Vec<GeneratedFile>, Vec<Diagnostic>> {
    let header = Header {
        command: config.command.clone(),
        spec: file.to_owned(),
    };
    let mut modules: Vec<(String, TokenStream)> = vec![
        ("src/lib.rs".to_owned(), crate_files::lib_rs(api, config)),
        ("src/security.rs".to_owned(), crate_files::security(api)),
        ("src/servers.rs".to_owned(), crate_files::servers(api)),
        ("src/types.rs".to_owned(), types::types(api)),
        ("src/operations/mod.rs".to_owned(), operations::module(api)),
    ];
    if let Some(tokens) = webhooks::module(api) {
        modules.push(("src/webhooks.rs".to_owned(), tokens));
    }
    for (index, group) in api.groups.iter().enumerate() {
        let path = format!(
            "src/operations/{}.rs",
            crate::ir::names::bare(&group.module)
        );
        let krate = config.crate_name.replace('-', "_");
        let krate = (!config.single_file).then_some(krate.as_str());
        modules.push((path, operations::group(api, index, krate)));
    }
    let mut errors = Vec::new();
    let mut parsed: BTreeMap<String, syn::File> = BTreeMap::new();
    for (path, tokens) in modules {
        match syn::parse2::<syn::File>(tokens) {
            Ok(file) => {
                parsed.insert(path, file);
            }
            Err(e) => errors.push(internal(format!(
                "the generated `{path}` does not parse as Rust: {e}"
            ))),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut files = Vec::new();
    let vendored = config.runtime == crate::Runtime::Vendored;
    if config.single_file {
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
        let combined = inline_modules(root, "src/", &mut parsed);
        files.push(GeneratedFile {
            path: format!("{}.rs", config.crate_name.replace('-', "_")),
            contents: header.rust(&prettyplease::unparse(&combined)),
        });
    } else {
        for (path, file) in &parsed {
            files.push(GeneratedFile {
                path: path.clone(),
                contents: header.rust(&prettyplease::unparse(file)),
            });
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
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
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
