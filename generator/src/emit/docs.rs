//! Documentation text from the spec, made safe for rustdoc.
//!
//! Spec descriptions are Markdown written for other renderers: a fenced block without a language would become
//! a doctest, an indented line a code block, a tab a clippy warning. Fences get the `text` language,
//! lines lose their indentation outside fences, and tabs become spaces.

use std::cell::RefCell;

thread_local! {
    /// The documentation blocks of the part being built on this thread, while they are deferred.
    static DEFERRED: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// What starts a deferred block's marker, as its attribute's text: no documentation line starts with it.
const MARK: char = '\0';

/// Builds a part with its documentation deferred, returning the part and the blocks.
///
/// Each block of doc lines is then one marker attribute in the tokens, and its text waits beside them, so
/// that a long description is not escaped into a literal, parsed back and unescaped again on its way to the
/// printed file: most of a large API's text is documentation. [`expand`] puts the text in place of the
/// markers.
pub fn deferring<T>(build: impl FnOnce() -> T) -> (T, Vec<String>) {
    let previous = DEFERRED.with(|d| d.replace(Some(Vec::new())));
    let built = build();
    let blocks = DEFERRED.with(|d| d.replace(previous)).unwrap_or_default();
    (built, blocks)
}

/// The marker standing for the doc lines `text`, when the part being built defers its documentation.
pub fn defer(text: &str) -> Option<String> {
    DEFERRED.with(|d| {
        let mut d = d.borrow_mut();
        let blocks = d.as_mut()?;
        blocks.push(text.to_owned());
        Some(format!("{MARK}{}", blocks.len() - 1))
    })
}

/// The printed part with each marker's line replaced by its block's `///` lines, at the marker's
/// indentation and as `prettyplease` prints doc attributes (trailing spaces trimmed). A block whose tokens
/// were used twice is written twice.
///
/// `None` when a marker did not come out as a line of its own (the printed text holds no other raw
/// [`MARK`]: string literals are printed escaped) or a block was left out: the caller then builds the part
/// again without deferring.
pub fn expand(printed: &str, blocks: &[String]) -> Option<String> {
    let extra: usize = blocks
        .iter()
        .map(|b| b.len() + 64 * b.lines().count())
        .sum();
    let mut out = String::with_capacity(printed.len() + extra);
    let mut used = vec![false; blocks.len()];
    let mut markers = 0;
    for line in printed.split_inclusive('\n') {
        let body = line.trim_start_matches(' ');
        let Some(rest) = body.strip_prefix("///").and_then(|r| r.strip_prefix(MARK)) else {
            out.push_str(line);
            continue;
        };
        let indent = &line[..line.len() - body.len()];
        let index = rest.trim_end().parse::<usize>().ok()?;
        for text in blocks.get(index)?.lines() {
            let start = out.len();
            out.push_str(indent);
            out.push_str("/// ");
            out.push_str(text);
            out.truncate(start + out[start..].trim_end_matches(' ').len());
            out.push('\n');
        }
        used[index] = true;
        markers += 1;
    }
    let all_lines = printed.matches(MARK).count() == markers;
    (all_lines && used.iter().all(|u| *u)).then_some(out)
}

/// The description, safe to put in `///` comments.
pub fn sanitize(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for raw in text.replace("\r\n", "\n").replace('\t', "    ").lines() {
        let trimmed = raw.trim_start();
        if let Some(rest) = trimmed.strip_prefix("```") {
            if in_fence {
                out.push("```".to_owned());
            } else {
                let lang = rest.trim();
                let rust = matches!(lang, "rust" | "rs");
                out.push(if rust || lang.is_empty() || lang == "text" {
                    "```text".to_owned()
                } else {
                    format!(
                        "```{}",
                        lang.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "")
                    )
                });
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(raw.trim_end().to_owned());
        } else {
            out.push(trimmed.trim_end().to_owned());
        }
    }
    if in_fence {
        out.push("```".to_owned());
    }
    // No leading or trailing blank lines, no runs of blank lines.
    let mut joined: Vec<String> = Vec::new();
    for line in out {
        if line.is_empty() && joined.last().is_none_or(|l: &String| l.is_empty()) {
            continue;
        }
        joined.push(line);
    }
    while joined.last().is_some_and(String::is_empty) {
        joined.pop();
    }
    joined.join("\n")
}

#[cfg(test)]
mod tests {
    use super::{deferring, expand, sanitize};
    use crate::emit::tokens::doc_verbatim;
    use quote::quote;

    /// A struct with documentation at two depths, printed.
    fn printed(part: proc_macro2::TokenStream) -> String {
        prettyplease::unparse(&syn::parse2(part).expect("the part parses"))
    }

    fn part() -> proc_macro2::TokenStream {
        let outer = doc_verbatim("First line.\n\n  indented, trailing spaces   \n/ a slash\nü and `code` and \"quotes\" \\ and \t");
        let inner = doc_verbatim("The member.");
        let empty = doc_verbatim("");
        quote! {
            #outer
            pub struct Pet {
                #inner
                pub name: String,
                #empty
                pub age: i64,
            }
            impl Pet {
                #outer
                pub fn new() -> Self { todo!() }
            }
        }
    }

    #[test]
    fn deferred_documentation_prints_as_the_attributes_would() {
        let (tokens, blocks) = deferring(part);
        // The block used twice is deferred once and written twice.
        assert_eq!(blocks.len(), 2, "{blocks:?}");
        let deferred = printed(tokens);
        assert!(deferred.len() < printed(part()).len() / 2, "{deferred}");
        assert_eq!(
            expand(&deferred, &blocks).as_deref(),
            Some(printed(part()).as_str())
        );
    }

    #[test]
    fn a_marker_not_on_a_line_of_its_own_asks_for_the_attributes() {
        let (tokens, blocks) = deferring(part);
        let deferred = printed(tokens);
        // A marker that did not come out as a `///` line of its own is not expanded in part.
        let first = deferred
            .lines()
            .find(|l| l.contains('\0'))
            .expect("a marker line");
        let inline = deferred.replacen(first, &format!("pub struct Other; {}", first.trim()), 1);
        assert_eq!(expand(&inline, &blocks), None);
        // Nor is a part that lost a block's only marker, or whose marker names no block.
        let second = deferred
            .lines()
            .filter(|l| l.contains('\0'))
            .nth(1)
            .expect("a second marker");
        assert_eq!(expand(&deferred.replacen(second, "", 1), &blocks), None);
        assert_eq!(expand(&deferred, &blocks[..1]), None);
        // Outside `deferring`, documentation is attributes.
        let (_, none) = deferring(|| ());
        assert!(none.is_empty());
        assert!(!printed(part()).contains('\0'));
    }

    #[test]
    fn fences_never_become_doctests() {
        assert_eq!(
            sanitize("a\n```\nlet x = 1;\n```"),
            "a\n```text\nlet x = 1;\n```"
        );
        assert_eq!(sanitize("```json\n{}\n```"), "```json\n{}\n```");
        assert_eq!(
            sanitize("```rust\nfn f() {}\n```"),
            "```text\nfn f() {}\n```"
        );
        assert_eq!(sanitize("```\nunclosed"), "```text\nunclosed\n```");
    }

    #[test]
    fn indentation_and_tabs_go() {
        assert_eq!(
            sanitize("para\n\n    indented code\n\ttab"),
            "para\n\nindented code\ntab"
        );
    }

    #[test]
    fn blank_lines_collapse() {
        assert_eq!(sanitize("\n\na\n\n\n\nb\n\n"), "a\n\nb");
    }
}
