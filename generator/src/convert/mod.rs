//! OpenAPI 3.1 and Swagger 2.0 documents, rewritten in their JSON tree into the OpenAPI 3.0 documents they mean.
//!
//! The rest of the generator reads OpenAPI 3.0 (the model of `openapiv3`). A conversion changes the tree in
//! place, records where every node it moved was written (so that findings still point into the user's file),
//! and refuses what has no 3.0 equivalent with a finding at the construct.

pub(crate) mod openapi31;
pub(crate) mod swagger2;

use crate::pointer;

/// What a conversion did besides rewriting the tree.
#[derive(Debug, Default)]
pub(crate) struct Conversion {
    /// `(to, from)`: the node now at `to` was written at `from`.
    pub moves: Vec<(String, String)>,
    /// `(pointer, message)`: a construct with no OpenAPI 3.0 equivalent, at its pointer in the source.
    pub refusals: Vec<(String, String)>,
}

impl Conversion {
    fn moved(&mut self, to: String, from: String) {
        self.moves.push((to, from));
    }

    fn refuse(&mut self, at: String, message: impl Into<String>) {
        self.refusals.push((at, message.into()));
    }
}

/// Members whose value maps names to elements: a member of that map named `example` or `x-...` is an
/// element like any other.
const NAME_MAPS: [&str; 20] = [
    "paths",
    "webhooks",
    "properties",
    "responses",
    "content",
    "headers",
    "callbacks",
    "links",
    "schemas",
    "parameters",
    "requestBodies",
    "securitySchemes",
    "pathItems",
    "definitions",
    "securityDefinitions",
    "encoding",
    "variables",
    "scopes",
    "mapping",
    "$defs",
];

/// Whether the members of `key`'s value are names rather than fixed fields.
pub(crate) fn names_map(key: &str) -> bool {
    NAME_MAPS.contains(&key)
}

/// `pointer` with the tokens `tokens` appended.
fn at(pointer: &str, tokens: &[&str]) -> String {
    tokens
        .iter()
        .fold(pointer.to_owned(), |p, t| pointer::push(&p, t))
}
