//! Recursive types: a type that holds itself by value gets a `Box`, an alias that names itself becomes a newtype.

use std::collections::{BTreeMap, BTreeSet};

use super::{Ty, TypeDef, TypeKind};

/// Boxes every by-value use of a type that lies on a cycle, and turns self-referential aliases into newtypes.
///
/// Returns the aliases that are nothing but themselves (`A: {$ref: B}`, `B: {$ref: A}`): no value can have
/// such a type, so the caller refuses them.
pub fn break_cycles(defs: &mut BTreeMap<String, TypeDef>) -> Vec<String> {
    let empty = empty_cycles(defs);
    newtype_recursive_aliases(defs);
    let edges: BTreeMap<String, BTreeSet<String>> = defs
        .iter()
        .map(|(name, def)| {
            let mut out = BTreeSet::new();
            for ty in payloads(&def.kind) {
                by_value(ty, &mut out);
            }
            (name.clone(), out)
        })
        .collect();
    let component = components(&edges);
    for (name, def) in defs.iter_mut() {
        let Some(&mine) = component.get(name) else {
            continue;
        };
        let same = |other: &str| component.get(other) == Some(&mine);
        for ty in payloads_mut(&mut def.kind) {
            box_cycles(ty, &same);
        }
    }
    empty
}

/// Aliases on a cycle of aliases that hold each other by value: types without any value.
fn empty_cycles(defs: &BTreeMap<String, TypeDef>) -> Vec<String> {
    let edges: BTreeMap<String, BTreeSet<String>> = defs
        .iter()
        .filter_map(|(name, def)| match &def.kind {
            TypeKind::Alias(ty) => {
                let mut out = BTreeSet::new();
                by_value(ty, &mut out);
                out.retain(|n| matches!(defs.get(n).map(|d| &d.kind), Some(TypeKind::Alias(_))));
                Some((name.clone(), out))
            }
            _ => None,
        })
        .collect();
    let component = components(&edges);
    edges
        .iter()
        .filter(|(name, targets)| {
            targets.contains(*name)
                || targets
                    .iter()
                    .any(|t| t != *name && component.get(t) == component.get(*name))
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// The types a definition holds.
fn payloads(kind: &TypeKind) -> Vec<&Ty> {
    match kind {
        TypeKind::Struct { fields, additional } => fields
            .iter()
            .chain(additional.iter())
            .map(|f| &f.ty)
            .collect(),
        TypeKind::Tagged { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Untagged { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
        TypeKind::ErrorBody { variants } => variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias(ty) | TypeKind::Newtype(ty) => vec![ty],
        TypeKind::Enum { .. } => Vec::new(),
    }
}

fn payloads_mut(kind: &mut TypeKind) -> Vec<&mut Ty> {
    match kind {
        TypeKind::Struct { fields, additional } => fields
            .iter_mut()
            .chain(additional.iter_mut())
            .map(|f| &mut f.ty)
            .collect(),
        TypeKind::Tagged { variants, .. } => variants.iter_mut().map(|v| &mut v.ty).collect(),
        TypeKind::Untagged { variants, .. } => variants.iter_mut().map(|v| &mut v.ty).collect(),
        TypeKind::ErrorBody { variants } => variants.iter_mut().map(|v| &mut v.ty).collect(),
        TypeKind::Alias(ty) | TypeKind::Newtype(ty) => vec![ty],
        TypeKind::Enum { .. } => Vec::new(),
    }
}

/// Names held by value (not behind a `Vec`, map or `Box`).
fn by_value(ty: &Ty, out: &mut BTreeSet<String>) {
    match ty {
        Ty::Named(n) => {
            out.insert(n.to_string());
        }
        Ty::Option(inner) => by_value(inner, out),
        _ => {}
    }
}

/// Every name a type mentions, at any depth.
fn mentions(ty: &Ty, out: &mut BTreeSet<String>) {
    match ty {
        Ty::Named(n) => {
            out.insert(n.to_string());
        }
        Ty::Option(inner) | Ty::Vec(inner) | Ty::Map(inner) | Ty::Boxed(inner) => {
            mentions(inner, out)
        }
        _ => {}
    }
}

fn box_cycles(ty: &mut Ty, same: &dyn Fn(&str) -> bool) {
    match ty {
        Ty::Named(n) if same(n) => {
            let inner = std::mem::replace(ty, Ty::Unit);
            *ty = Ty::Boxed(Box::new(inner));
        }
        Ty::Option(inner) => box_cycles(inner, same),
        _ => {}
    }
}

/// Aliases that reach themselves through other aliases cannot be written as `type`: they become newtypes.
fn newtype_recursive_aliases(defs: &mut BTreeMap<String, TypeDef>) {
    let edges: BTreeMap<String, BTreeSet<String>> = defs
        .iter()
        .filter_map(|(name, def)| match &def.kind {
            TypeKind::Alias(ty) => {
                let mut out = BTreeSet::new();
                mentions(ty, &mut out);
                out.retain(|n| matches!(defs.get(n).map(|d| &d.kind), Some(TypeKind::Alias(_))));
                Some((name.clone(), out))
            }
            _ => None,
        })
        .collect();
    let component = components(&edges);
    let mut size: BTreeMap<usize, usize> = BTreeMap::new();
    for c in component.values() {
        *size.entry(*c).or_default() += 1;
    }
    for (name, targets) in &edges {
        let mine = component.get(name);
        let cyclic =
            targets.contains(name) || mine.is_some_and(|c| size.get(c).copied().unwrap_or(0) > 1);
        if cyclic {
            if let Some(def) = defs.get_mut(name) {
                if let TypeKind::Alias(ty) = &def.kind {
                    def.kind = TypeKind::Newtype(ty.clone());
                }
            }
        }
    }
}

/// The most steps the compiler takes to walk from a type down through the types it holds (each generated
/// type, `Option`, `Vec`, `Box` and map is a step): how deep it recurses to lay the types out, find their
/// drop glue and prove their auto traits (`Send`, `Sync`), which stops at the crate's recursion limit.
///
/// The walk is the compiler's: depth first, member by member, a type met again on the way ending it. It is
/// made from every type of a cycle of types, and once for each type outside cycles.
pub fn nesting_depth(types: &[TypeDef]) -> usize {
    let defs: BTreeMap<String, &TypeDef> = types.iter().map(|d| (d.name.to_string(), d)).collect();
    let alias = |n: &str| {
        defs.get(n)
            .is_some_and(|d| matches!(d.kind, TypeKind::Alias(_)))
    };
    // Each named type a definition mentions, in member order, with the steps from the definition to it.
    let steps: BTreeMap<String, Vec<(String, usize)>> = defs
        .iter()
        .map(|(name, def)| {
            let mut out = Vec::new();
            for ty in payloads(&def.kind) {
                mentions_at(ty, 1, &mut out);
            }
            out.retain(|(n, _)| defs.contains_key(n));
            (name.clone(), out)
        })
        .collect();
    let edges: BTreeMap<String, BTreeSet<String>> = steps
        .iter()
        .map(|(name, out)| (name.clone(), out.iter().map(|(n, _)| n.clone()).collect()))
        .collect();
    let component = components(&edges);
    let mut members: BTreeMap<usize, Vec<&String>> = BTreeMap::new();
    for (name, c) in &component {
        members.entry(*c).or_default().push(name);
    }
    // Components are numbered from the sources of the graph of components to its sinks: the highest first
    // puts every component after those it mentions.
    let mut depth: BTreeMap<&String, usize> = BTreeMap::new();
    for (c, names) in members.iter().rev() {
        let walk = Walk {
            steps: &steps,
            inside: &|n: &str| component.get(n) == Some(c),
            below: &|n: &String| depth.get(n).copied().unwrap_or(0),
            alias: &alias,
        };
        let walked: Vec<usize> = if names.len() > MAX_WALKED {
            // Too many to walk from each: every type of the cycle, behind the most steps any member takes.
            let most = names
                .iter()
                .flat_map(|n| steps[*n].iter().map(|(_, s)| *s))
                .max()
                .unwrap_or(1);
            vec![names.len() * most; names.len()]
        } else {
            names.iter().map(|n| walk.deepest(n)).collect()
        };
        depth.extend(names.iter().copied().zip(walked));
    }
    depth.into_values().max().unwrap_or(0)
}

/// Above this many types in one cycle, the walk of [`Walk::deepest`] (quadratic in them) is not made.
const MAX_WALKED: usize = 2_000;

/// The compiler's walk through the types of one cycle (or one type outside cycles).
struct Walk<'a> {
    steps: &'a BTreeMap<String, Vec<(String, usize)>>,
    inside: &'a dyn Fn(&str) -> bool,
    below: &'a dyn Fn(&String) -> usize,
    alias: &'a dyn Fn(&str) -> bool,
}

impl Walk<'_> {
    /// The most steps the walk from `root` takes, those below its cycle included.
    fn deepest(&self, root: &str) -> usize {
        let Some((root, _)) = self.steps.get_key_value(root) else {
            return 0;
        };
        // An alias is the type it names: no step of its own.
        let own = |n: &str| usize::from(!(self.alias)(n));
        let mut seen: BTreeSet<&str> = BTreeSet::from([root.as_str()]);
        let mut stack: Vec<(&str, usize, usize)> = vec![(root.as_str(), 0, own(root))];
        let mut deepest = own(root);
        while let Some((node, next, at)) = stack.last_mut() {
            let (node, at) = (*node, *at);
            let Some((to, step)) = self.steps[node].get(*next) else {
                stack.pop();
                continue;
            };
            *next += 1;
            // `step` counts `to` itself, as `below` and `own` do.
            if !(self.inside)(to) {
                deepest = deepest.max((at + step + (self.below)(to)).saturating_sub(1));
            } else if seen.insert(to.as_str()) {
                let reached = (at + step + own(to)).saturating_sub(1);
                deepest = deepest.max(reached);
                stack.push((to.as_str(), 0, reached));
            }
        }
        deepest
    }
}

/// Every name a type mentions, with the steps to it: one for the name, one for each container around it.
fn mentions_at(ty: &Ty, step: usize, out: &mut Vec<(String, usize)>) {
    match ty {
        Ty::Named(n) => out.push((n.to_string(), step)),
        Ty::Option(inner) | Ty::Vec(inner) | Ty::Map(inner) | Ty::Boxed(inner) => {
            mentions_at(inner, step + 1, out)
        }
        _ => {}
    }
}

/// Strongly connected components (Kosaraju, iterative): name -> component number.
fn components(edges: &BTreeMap<String, BTreeSet<String>>) -> BTreeMap<String, usize> {
    let nodes: Vec<&String> = edges.keys().collect();
    let index: BTreeMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let forward: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            edges[*n]
                .iter()
                .filter_map(|t| index.get(t.as_str()).copied())
                .collect()
        })
        .collect();
    let mut reverse = vec![Vec::new(); nodes.len()];
    for (from, targets) in forward.iter().enumerate() {
        for &to in targets {
            reverse[to].push(from);
        }
    }
    // First pass: finishing order.
    let mut visited = vec![false; nodes.len()];
    let mut order = Vec::with_capacity(nodes.len());
    for start in 0..nodes.len() {
        if visited[start] {
            continue;
        }
        visited[start] = true;
        let mut stack = vec![(start, 0usize)];
        while let Some((node, next)) = stack.pop() {
            if let Some(&to) = forward[node].get(next) {
                stack.push((node, next + 1));
                if !visited[to] {
                    visited[to] = true;
                    stack.push((to, 0));
                }
            } else {
                order.push(node);
            }
        }
    }
    // Second pass, on the reversed graph, in reverse finishing order.
    let mut component = vec![usize::MAX; nodes.len()];
    let mut count = 0;
    for &start in order.iter().rev() {
        if component[start] != usize::MAX {
            continue;
        }
        component[start] = count;
        let mut stack = vec![start];
        while let Some(node) = stack.pop() {
            for &from in &reverse[node] {
                if component[from] == usize::MAX {
                    component[from] = count;
                    stack.push(from);
                }
            }
        }
        count += 1;
    }
    nodes
        .iter()
        .zip(component)
        .map(|(n, c)| ((*n).clone(), c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Field;

    fn field(name: &str, ty: Ty) -> Field {
        Field {
            name: name.into(),
            wire: name.into(),
            ty,
            required: true,
            doc: String::new(),
            sensitive: false,
            encrypted: false,
            flatten: false,
            setter: None,
            pointer: String::new(),
        }
    }

    fn def(name: &str, kind: TypeKind) -> (String, TypeDef) {
        let d = TypeDef {
            name: name.into(),
            doc: String::new(),
            kind,
            pointer: String::new(),
        };
        (name.into(), d)
    }

    fn structure(fields: Vec<Field>) -> TypeKind {
        TypeKind::Struct {
            fields,
            additional: None,
        }
    }

    #[test]
    fn self_reference_by_value_is_boxed_but_not_through_vec() {
        let named = |n: &str| Ty::Named(n.into());
        let mut defs: BTreeMap<_, _> = [
            def(
                "Node",
                structure(vec![
                    field("parent", named("Node").optional()),
                    field("children", Ty::Vec(Box::new(named("Node")))),
                    field("leaf", named("Leaf")),
                ]),
            ),
            def("Leaf", structure(vec![field("v", Ty::String)])),
        ]
        .into_iter()
        .collect();
        break_cycles(&mut defs);
        let TypeKind::Struct { fields, .. } = &defs["Node"].kind else {
            panic!("not a struct")
        };
        assert_eq!(
            fields[0].ty,
            Ty::Option(Box::new(Ty::Boxed(Box::new(named("Node")))))
        );
        assert_eq!(fields[1].ty, Ty::Vec(Box::new(named("Node"))));
        assert_eq!(fields[2].ty, named("Leaf"));
    }

    #[test]
    fn mutual_recursion_boxes_both_sides() {
        let named = |n: &str| Ty::Named(n.into());
        let mut defs: BTreeMap<_, _> = [
            def("A", structure(vec![field("b", named("B").optional())])),
            def("B", structure(vec![field("a", named("A"))])),
        ]
        .into_iter()
        .collect();
        break_cycles(&mut defs);
        let TypeKind::Struct { fields, .. } = &defs["B"].kind else {
            panic!("not a struct")
        };
        assert_eq!(fields[0].ty, Ty::Boxed(Box::new(named("A"))));
    }

    #[test]
    fn aliases_of_each_other_are_reported() {
        let mut defs: BTreeMap<_, _> = [
            def("A", TypeKind::Alias(Ty::Named("B".into()))),
            def("B", TypeKind::Alias(Ty::Named("A".into()).optional())),
            def("C", TypeKind::Alias(Ty::Named("A".into()))),
        ]
        .into_iter()
        .collect();
        assert_eq!(break_cycles(&mut defs), ["A", "B"]);
    }

    #[test]
    fn an_alias_of_itself_becomes_a_newtype() {
        let mut defs: BTreeMap<_, _> = [
            def(
                "Tree",
                TypeKind::Alias(Ty::Vec(Box::new(Ty::Named("Tree".into())))),
            ),
            def("Name", TypeKind::Alias(Ty::String)),
        ]
        .into_iter()
        .collect();
        break_cycles(&mut defs);
        assert!(matches!(defs["Tree"].kind, TypeKind::Newtype(_)));
        assert!(matches!(defs["Name"].kind, TypeKind::Alias(_)));
    }

    fn holding(name: &str, members: Vec<Ty>) -> (String, TypeDef) {
        let fields = members
            .into_iter()
            .enumerate()
            .map(|(i, ty)| field(&format!("m{i}"), ty))
            .collect();
        def(name, structure(fields))
    }

    fn named(name: &str) -> Ty {
        Ty::Named(name.into())
    }

    fn depth(defs: Vec<(String, TypeDef)>) -> usize {
        let types: Vec<TypeDef> = defs.into_iter().map(|(_, d)| d).collect();
        nesting_depth(&types)
    }

    #[test]
    fn nesting_depth_counts_each_type_and_container_on_the_deepest_path() {
        // A, B (held by value), the Option and the Vec around C, C: five steps.
        let chain = vec![
            holding("A", vec![Ty::String, named("B")]),
            holding(
                "B",
                vec![Ty::Option(Box::new(Ty::Vec(Box::new(named("C")))))],
            ),
            holding("C", vec![Ty::I64]),
        ];
        assert_eq!(depth(chain), 5);
        // An alias adds no step of its own.
        let aliased = vec![
            holding("A", vec![named("Alias")]),
            def("Alias", TypeKind::Alias(named("C"))),
            holding("C", vec![Ty::I64]),
        ];
        assert_eq!(depth(aliased), 2);
        // 300 types, each holding the next by value.
        let long: Vec<_> = (0..300)
            .map(|i| holding(&format!("S{i}"), vec![named(&format!("S{}", i + 1))]))
            .collect();
        assert_eq!(depth(long), 300);
    }

    #[test]
    fn nesting_depth_walks_a_cycle_once_round() {
        // A ring of 50 boxed references: the walk goes round once, two steps a type.
        let ring: Vec<_> = (0..50)
            .map(|i| {
                let next = named(&format!("R{}", (i + 1) % 50));
                holding(&format!("R{i}"), vec![Ty::Boxed(Box::new(next))])
            })
            .collect();
        assert_eq!(depth(ring), 1 + 49 * 2);
        // What hangs below the cycle counts from where the walk meets it: from Y, the walk takes Y, the Box,
        // X, Leaf and Deeper.
        let mut below: Vec<_> = vec![
            holding("X", vec![named("Y"), named("Leaf")]),
            holding("Y", vec![Ty::Boxed(Box::new(named("X")))]),
        ];
        below.push(holding("Leaf", vec![named("Deeper")]));
        below.push(holding("Deeper", vec![Ty::I64]));
        assert_eq!(depth(below), 5);
    }
}
