//! Where each node of a YAML document starts, by JSON pointer.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, ScanError};

use crate::diagnostic::Location;
use crate::pointer;

/// Maps the JSON pointer of every node to where it starts in the source text.
///
/// A mapping member's position is its key's, so a finding about `get` points at the `get:` line.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    positions: HashMap<String, Location>,
}

impl SourceMap {
    /// Reads the positions of a YAML (or JSON) text; fails where the YAML is malformed, with the position,
    /// the pointer of the node at fault (`""` when unknown) and the reason.
    pub fn parse(text: &str) -> Result<Self, (Location, String, String)> {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        parser
            .load(&mut builder, false)
            .map_err(|e: ScanError| (location(e.marker()), String::new(), e.info().to_owned()))?;
        if let Some(duplicate) = builder.duplicate {
            return Err(duplicate);
        }
        Ok(SourceMap {
            positions: builder.positions,
        })
    }

    /// Where the node at `pointer` starts, or where its nearest existing ancestor starts.
    pub fn locate(&self, pointer: &str) -> Location {
        let mut at = Some(pointer);
        while let Some(p) = at {
            if let Some(loc) = self.positions.get(p) {
                return *loc;
            }
            at = pointer::parent(p);
        }
        Location { line: 1, column: 1 }
    }
}

fn location(mark: &Marker) -> Location {
    Location {
        line: mark.line(),
        // yaml-rust2's columns count from 0.
        column: mark.col() + 1,
    }
}

enum Frame {
    /// A mapping; `key` holds the pending key and its position once read.
    Map {
        pointer: String,
        key: Option<(String, Location)>,
        seen: HashMap<String, Location>,
        /// A block mapping's own mark is unreliable; a root or sequence-item mapping takes its first key's.
        locate_by_first_key: bool,
    },
    Seq {
        pointer: String,
        next: usize,
    },
    /// A complex (non-scalar) mapping key, skipped with its contents.
    Skip {
        depth: usize,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    positions: HashMap<String, Location>,
    /// The first duplicate mapping key: where it is, its pointer, and where its twin is.
    duplicate: Option<(Location, String, String)>,
}

impl Builder {
    /// The pointer and position of the node that starts now, or `None` when it is a mapping key.
    fn node_start(&mut self, ev: &Event, at: Location) -> Option<(String, Location)> {
        match self.stack.last_mut() {
            None => Some((String::new(), at)),
            Some(Frame::Seq { pointer: p, next }) => {
                let node = pointer::push_index(p, *next);
                *next += 1;
                Some((node, at))
            }
            Some(Frame::Map {
                pointer: p,
                key,
                seen,
                locate_by_first_key,
            }) => match key.take() {
                Some((k, key_at)) => Some((pointer::push(p, &k), key_at)),
                None => {
                    if std::mem::take(locate_by_first_key) {
                        self.positions.insert(p.clone(), at);
                    }
                    match ev {
                        Event::Scalar(text, ..) => {
                            if let Some(first) = seen.insert(text.clone(), at) {
                                self.duplicate.get_or_insert((
                                    at,
                                    pointer::push(p, text),
                                    format!(
                                        "duplicate key `{text}` (first at line {}, column {})",
                                        first.line, first.column
                                    ),
                                ));
                            }
                            *key = Some((text.clone(), at));
                        }
                        Event::Alias(_) => *key = Some(("*alias".to_owned(), at)),
                        _ => self.stack.push(Frame::Skip { depth: 1 }),
                    }
                    None
                }
            },
            Some(Frame::Skip { .. }) => None,
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if let Some(Frame::Skip { depth }) = self.stack.last_mut() {
            match ev {
                Event::MappingStart(..) | Event::SequenceStart(..) => *depth += 1,
                Event::MappingEnd | Event::SequenceEnd => {
                    *depth -= 1;
                    if *depth == 0 {
                        self.stack.pop();
                        if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
                            *key = Some(("?complex-key".to_owned(), location(&mark)));
                        }
                    }
                }
                _ => {}
            }
            return;
        }
        let at = location(&mark);
        match ev {
            Event::Scalar(..) | Event::Alias(_) => {
                if let Some((p, loc)) = self.node_start(&ev, at) {
                    self.positions.entry(p).or_insert(loc);
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let member = matches!(self.stack.last(), Some(Frame::Map { .. }));
                if let Some((p, loc)) = self.node_start(&ev, at) {
                    self.positions.entry(p.clone()).or_insert(loc);
                    self.stack.push(if matches!(ev, Event::MappingStart(..)) {
                        Frame::Map {
                            pointer: p,
                            key: None,
                            seen: HashMap::new(),
                            locate_by_first_key: !member,
                        }
                    } else {
                        Frame::Seq {
                            pointer: p,
                            next: 0,
                        }
                    });
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
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
    fn complex_keys_are_skipped_without_losing_later_positions() {
        let map = SourceMap::parse("? [x, y]\n: 1\nz: 2\n").unwrap();
        assert_eq!(at(&map, "/z"), (3, 1));
    }

    #[test]
    fn duplicate_keys_are_refused_where_the_second_one_is() {
        let (loc, at, msg) = SourceMap::parse("a:\n  b: 1\n  c: 2\n  b: 3\n").unwrap_err();
        assert_eq!((loc.line, loc.column), (4, 3));
        assert_eq!(at, "/a/b");
        assert_eq!(msg, "duplicate key `b` (first at line 2, column 3)");
    }

    #[test]
    fn malformed_yaml_reports_where() {
        let (loc, _, msg) = SourceMap::parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(loc.line >= 2, "{loc:?} {msg}");
        assert!(!msg.is_empty());
    }
}
