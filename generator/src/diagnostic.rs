//! Findings about a spec: which rule, where (JSON pointer and `file:LINE:COL`), and what is wrong.

use std::fmt;

/// A 1-based line and column in the spec's source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1.
    pub column: usize,
}

macro_rules! rules {
    ($($variant:ident => $name:literal: $doc:literal,)*) => {
        /// The rule a finding breaks.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $(#[doc = $doc] $variant,)*
        }

        impl Rule {
            /// Every rule, in declaration order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The rule's name as findings print it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Rule::$variant => $name,)*
                }
            }

            /// What the rule checks, in one sentence.
            pub fn description(self) -> &'static str {
                match self {
                    $(Rule::$variant => $doc,)*
                }
            }
        }
    };
}

rules! {
    YamlSyntax => "yaml-syntax": "The text is valid YAML (or JSON) with unique keys.",
    OpenapiVersion => "openapi-version": "The document declares OpenAPI 3.0.x or 3.1.x, or Swagger 2.0.",
    OpenapiConversion => "openapi-conversion": "Every construct of an OpenAPI 3.1 or Swagger 2.0 document has an OpenAPI 3.0 equivalent.",
    OpenapiStructure => "openapi-structure": "The document has the structure of an OpenAPI description.",
    UnresolvedRef => "unresolved-ref": "Every `$ref` is local and points at something that exists.",
    OperationIdMissing => "operation-id-missing": "Every operation has an `operationId`.",
    OperationIdDuplicate => "operation-id-duplicate": "No two operations share an `operationId`.",
    PathParamUndeclared => "path-param-undeclared": "Every `{name}` of a path template is declared as a path parameter.",
    PathParamNotInTemplate => "path-param-not-in-template": "Every declared path parameter appears in its path template.",
    PathQueryString => "path-query-string": "A path key holds no query string with parameters (`?page={page}`): query parameters are declared with `in: query`.",
    OperationTagMissing => "operation-tag-missing": "Every operation has at least one tag.",
    OperationSummaryMissing => "operation-summary-missing": "Every operation has a non-empty summary.",
    SuccessResponseMissing => "success-response-missing": "Every operation documents a 2xx response.",
    ErrorResponsesMissing => "error-responses-missing": "Every operation documents its error responses (4xx, 5xx or default).",
    ExampleInvalid => "example-invalid": "Every example validates against its schema.",
    ComponentUnused => "component-unused": "Every component is referenced from outside the components it belongs to.",
    MoneyFloat => "money-float": "Money-named numeric fields use `format: decimal`, never a binary float.",
    PaginationInvalid => "pagination-invalid": "An `x-fincode-pagination` names integer parameters of its operation and an array of items in its 200 response.",
    CodegenUnsupported => "codegen-unsupported": "The generator can turn every part of the document into Rust.",
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule broken.
    pub rule: Rule,
    /// The JSON pointer of the element at fault, without the leading `#` (`""` is the document).
    pub pointer: String,
    /// Where the element starts in the source text.
    pub location: Location,
    /// What is wrong, in lowercase without a final period.
    pub message: String,
}

impl Diagnostic {
    fn sort_key(&self) -> (Location, Rule, &str, &str) {
        (self.location, self.rule, &self.pointer, &self.message)
    }
}

/// Every finding for one spec file, sorted by position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The file name the findings print.
    pub file: String,
    /// The findings, sorted by location, then rule, pointer and message.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Builds a report, sorting the findings and dropping exact duplicates.
    pub fn new(file: impl Into<String>, mut diagnostics: Vec<Diagnostic>) -> Self {
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        diagnostics.dedup();
        Report {
            file: file.into(),
            diagnostics,
        }
    }

    /// `true` when there is no finding.
    pub fn is_clean(&self) -> bool {
        self.diagnostics.is_empty()
    }
}

impl fmt::Display for Report {
    /// One line per finding, `FILE:LINE:COL: error[RULE] #POINTER: MESSAGE`, then the count.
    ///
    /// Control characters of the pointer and the message (a newline inside a `$ref` or a key) print escaped,
    /// `\n`, so that every finding stays on one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.diagnostics {
            writeln!(
                f,
                "{}:{}:{}: error[{}] #{}: {}",
                self.file,
                d.location.line,
                d.location.column,
                d.rule,
                OneLine(&d.pointer),
                OneLine(&d.message)
            )?;
        }
        let n = self.diagnostics.len();
        write!(
            f,
            "{}: {} finding{}",
            self.file,
            n,
            if n == 1 { "" } else { "s" }
        )
    }
}

/// Text with its control characters escaped (`\n`, `\t`, `\u{1b}`), for one-line output.
struct OneLine<'a>(&'a str);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_finding_prints_on_one_line() {
        let report = Report::new(
            "spec.yaml",
            vec![Diagnostic {
                rule: Rule::UnresolvedRef,
                pointer: "/paths/~1a\nb/$ref".to_owned(),
                location: Location { line: 3, column: 7 },
                message: "`#/components/schemas/A\nB\t\u{1b}` points at nothing in this document"
                    .to_owned(),
            }],
        );
        assert_eq!(
            report.to_string(),
            "spec.yaml:3:7: error[unresolved-ref] #/paths/~1a\\nb/$ref: `#/components/schemas/A\\nB\\t\\u{1b}` points at nothing in this document\nspec.yaml: 1 finding"
        );
    }
}
