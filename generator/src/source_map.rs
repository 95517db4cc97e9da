//! Where each node of a YAML document starts, by JSON pointer.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::diagnostic::Location;
use crate::pointer;

/// Maps the JSON pointer of every node to where it starts in the source text.
///
/// A mapping member's position is its key's, so a finding about `get` points at the `get:` line.
/// Nodes copied by an alias have no position of their own: they are located at the alias.
/// Nodes a conversion moved (a Swagger 2.0 `definitions` entry now under `components/schemas`) are located
/// where they were written.
///
/// A map made by [`SourceMap::deferred`] reads the positions from its text the first time a node is located,
/// so that a document that needs no position (a generation without findings) never pays for them.
#[derive(Default, Clone)]
pub struct SourceMap {
    positions: OnceLock<HashMap<String, Location>>,
    /// The text the positions are read from when first needed.
    text: Option<Arc<str>>,
    /// Where each moved node was written, by its pointer after the move.
    moved: HashMap<String, String>,
}

impl std::fmt::Debug for SourceMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceMap")
            .field("positions", &self.positions.get().map(HashMap::len))
            .field("text_bytes", &self.text.as_ref().map(|t| t.len()))
            .field("moved", &self.moved)
            .finish()
    }
}

impl SourceMap {
    pub(crate) fn new(positions: HashMap<String, Location>) -> Self {
        SourceMap {
            positions: OnceLock::from(positions),
            text: None,
            moved: HashMap::new(),
        }
    }

    /// A map whose positions are read from `text` (YAML or JSON) when a node is first located.
    pub(crate) fn deferred(text: Arc<str>) -> Self {
        SourceMap {
            positions: OnceLock::new(),
            text: Some(text),
            moved: HashMap::new(),
        }
    }

    fn positions(&self) -> &HashMap<String, Location> {
        self.positions.get_or_init(|| {
            self.text
                .as_deref()
                .and_then(|text| SourceMap::parse(text).ok())
                .and_then(|source| source.positions.into_inner())
                .unwrap_or_default()
        })
    }

    /// Records that the node now at `to` (and everything under it) was written at `from`.
    pub(crate) fn moved(&mut self, to: String, from: String) {
        if to != from {
            self.moved.insert(to, from);
        }
    }

    /// Reads the positions of a YAML (or JSON) text; fails with the findings that stop the parse.
    pub fn parse(text: &str) -> Result<Self, Vec<crate::Diagnostic>> {
        crate::yaml::parse(text).map(|(_, source)| source)
    }

    /// Where the node at `pointer` starts, or where its nearest existing ancestor starts.
    pub fn locate(&self, pointer: &str) -> Location {
        let positions = self.positions();
        let mut pointer = pointer.to_owned();
        // Each move followed shortens nothing, so a bound keeps a cycle of moves from looping.
        'moves: for _ in 0..=self.moved.len() {
            let mut at = Some(pointer.as_str());
            while let Some(p) = at {
                if let Some(from) = self.moved.get(p) {
                    pointer = format!("{from}{}", &pointer[p.len()..]);
                    continue 'moves;
                }
                if let Some(loc) = positions.get(p) {
                    return *loc;
                }
                at = pointer::parent(p);
            }
            break;
        }
        Location { line: 1, column: 1 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(map: &SourceMap, p: &str) -> (usize, usize) {
        let l = map.locate(p);
        (l.line, l.column)
    }

    #[test]
    fn members_point_at_their_keys_and_items_at_themselves() {
        let text = "a:\n  b: 1\n  list:\n    - x\n    - {c: 2}\n    - e: 3\n      f: 4\n'200':\n  d: [1, 2]\n";
        let map = SourceMap::parse(text).unwrap();
        assert_eq!(at(&map, ""), (1, 1));
        assert_eq!(at(&map, "/a"), (1, 1));
        assert_eq!(at(&map, "/a/b"), (2, 3));
        assert_eq!(at(&map, "/a/list/0"), (4, 7));
        assert_eq!(at(&map, "/a/list/1/c"), (5, 8));
        assert_eq!(at(&map, "/a/list/2"), (6, 7));
        assert_eq!(at(&map, "/a/list/2/f"), (7, 7));
        assert_eq!(at(&map, "/200/d/1"), (9, 10));
    }

    #[test]
    fn missing_nodes_fall_back_to_their_nearest_ancestor() {
        let map = SourceMap::parse("a:\n  b: 1\n").unwrap();
        assert_eq!(at(&map, "/a/b/c/d"), (2, 3));
        assert_eq!(at(&map, "/zzz"), (1, 1));
    }

    #[test]
    fn nodes_copied_by_an_alias_are_located_at_the_alias() {
        let map = SourceMap::parse("a: &x\n  b: 1\nc: *x\n").unwrap();
        assert_eq!(at(&map, "/a/b"), (2, 3));
        assert_eq!(at(&map, "/c/b"), (3, 1));
    }

    #[test]
    fn moved_nodes_are_located_where_they_were_written() {
        let mut map = SourceMap::parse("a:\n  b:\n    c: 1\nd: 2\n").unwrap();
        map.moved("/x/y".into(), "/a/b".into());
        map.moved("/z".into(), "/x/y/c".into());
        assert_eq!(at(&map, "/x/y/c"), (3, 5));
        assert_eq!(at(&map, "/z"), (3, 5));
        assert_eq!(at(&map, "/x"), (1, 1));
        assert_eq!(at(&map, "/d"), (4, 1));
        map.moved("/d".into(), "/q".into());
        map.moved("/q".into(), "/d".into());
        assert_eq!(at(&map, "/d"), (1, 1));
    }

    #[test]
    fn deferred_maps_read_the_positions_when_first_asked() {
        let text = "{\n  \"a\": {\n    \"b\": [1, {\"c\": 2}]\n  }\n}\n";
        let mut map = SourceMap::deferred(Arc::from(text));
        assert!(map.positions.get().is_none());
        map.moved("/x".into(), "/a/b".into());
        assert_eq!(at(&map, "/a/b/1/c"), (3, 15));
        assert_eq!(at(&map, "/x/0"), (3, 11));
        assert_eq!(at(&map, "/a"), (2, 3));
        assert!(map.positions.get().is_some());
        assert_eq!(
            format!("{map:?}"),
            "SourceMap { positions: Some(6), text_bytes: Some(40), moved: {\"/x\": \"/a/b\"} }"
        );
    }

    #[test]
    fn duplicate_keys_are_refused_where_the_second_one_is() {
        let findings = SourceMap::parse("a:\n  b: 1\n  c: 2\n  b: 3\n").unwrap_err();
        let d = &findings[0];
        assert_eq!((d.location.line, d.location.column), (4, 3));
        assert_eq!(d.pointer, "/a/b");
        assert_eq!(
            d.message,
            "cannot parse the document: duplicate key `b` (first at line 2, column 3)"
        );
    }

    #[test]
    fn malformed_yaml_reports_where() {
        let findings = SourceMap::parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(findings[0].location.line >= 2, "{findings:?}");
        assert!(findings[0]
            .message
            .starts_with("cannot parse the document: "));
    }
}
