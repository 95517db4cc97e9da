//! Documentation text from the spec, made safe for rustdoc.
//!
//! Spec descriptions are Markdown written for other renderers: a fenced block without a language would become
//! a doctest, an indented line a code block, a tab a clippy warning. Fences get the `text` language,
//! lines lose their indentation outside fences, and tabs become spaces.

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
    use super::sanitize;

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
