//! One type for inline schemas of the same shape.
//!
//! Large descriptions repeat the same inline schema at many places: Microsoft Graph declares the same
//! `$select` enum of a few hundred members on every operation of an entity, GitHub the same small objects in
//! many responses. Each inline schema still gets its own public name, but an inline type whose shape is that of
//! another type becomes an alias of it (`pub type ListUsersSelectItem = GetUserSelectItem;`), so that the shape
//! is generated, compiled and documented once. Component schemas keep their own definitions: they are named by
//! the description, and two of them with the same members are still two types to their users.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use super::{Field, Ty, TypeDef, TypeKind};

/// Turns every inline type whose shape is that of another type into an alias of it.
///
/// Two types have the same shape when everything their definitions generate but their own name,
/// documentation and location is the same, with the types they hold compared by what they alias. The one kept
/// of a group is its first component schema by name, else its first type by name, so that the choice does not
/// depend on the order of the description. Types are compared again after each round of merges, so that
/// objects holding merged types merge too.
pub fn share(defs: &mut std::collections::BTreeMap<String, TypeDef>, components: &BTreeSet<&str>) {
    // Name -> the name it aliases now.
    let mut shared: HashMap<String, String> = HashMap::new();
    loop {
        let mut groups: HashMap<String, Vec<&str>> = HashMap::new();
        for (name, def) in defs.iter() {
            if shared.contains_key(name) {
                continue;
            }
            if let Some(key) = shape(&def.kind, &shared) {
                groups.entry(key).or_default().push(name);
            }
        }
        let mut merged = Vec::new();
        for members in groups.values().filter(|m| m.len() > 1) {
            // `defs` is sorted by name, and so is each group.
            let kept = members
                .iter()
                .find(|m| components.contains(**m))
                .unwrap_or(&members[0]);
            merged.extend(
                members
                    .iter()
                    .filter(|m| *m != kept && !components.contains(**m))
                    .map(|m| ((*m).to_owned(), (*kept).to_owned())),
            );
        }
        if merged.is_empty() {
            break;
        }
        shared.extend(merged);
    }
    for (name, kept) in &shared {
        if let (Some(target), Some(def)) =
            (defs.get(kept).map(|d| d.name.clone()), defs.get_mut(name))
        {
            def.kind = TypeKind::Alias(Ty::Named(target));
        }
    }
}

/// The shape of a type as a comparable text, or `None` for the kinds that are not shared (aliases and
/// newtypes are names already; an error body enum is its operation's).
fn shape(kind: &TypeKind, shared: &HashMap<String, String>) -> Option<String> {
    let mut out = String::new();
    match kind {
        TypeKind::Struct { fields, additional } => {
            out.push('S');
            for f in fields {
                field(f, shared, &mut out);
            }
            out.push('+');
            if let Some(f) = additional {
                field(f, shared, &mut out);
            }
        }
        TypeKind::Enum { variants, unknown } => {
            let _ = write!(out, "E{}", unknown.as_str());
            for v in variants {
                let _ = write!(out, "\0{}\0{}", v.name.as_str(), v.wire);
            }
        }
        TypeKind::Tagged {
            property,
            variants,
            unknown,
        } => {
            let _ = write!(out, "T{}\0{}", unknown.as_str(), property);
            for v in variants {
                let _ = write!(out, "\0{}\0{}\0", v.name.as_str(), v.tag);
                ty(&v.ty, shared, &mut out);
            }
        }
        TypeKind::Untagged { variants, other } => {
            let _ = write!(out, "U{}", other.as_str());
            for v in variants {
                let _ = write!(out, "\0{}\0", v.name.as_str());
                ty(&v.ty, shared, &mut out);
            }
        }
        TypeKind::Alias(_) | TypeKind::Newtype(_) | TypeKind::ErrorBody { .. } => return None,
    }
    Some(out)
}

fn field(f: &Field, shared: &HashMap<String, String>, out: &mut String) {
    let _ = write!(
        out,
        "\0{}\0{}\0{}{}{}{}\0{}\0",
        f.name.as_str(),
        f.wire,
        u8::from(f.required),
        u8::from(f.sensitive),
        u8::from(f.encrypted),
        u8::from(f.flatten),
        f.setter.as_ref().map_or("", |s| s.as_str()),
    );
    ty(&f.ty, shared, out);
    out.push('\0');
    out.push_str(&f.doc);
}

/// Writes a type, naming a merged type by what it aliases. `Ty` nests only through its one-child wrappers,
/// so a loop walks it whatever its depth.
fn ty(mut t: &Ty, shared: &HashMap<String, String>, out: &mut String) {
    loop {
        let (mark, inner) = match t {
            Ty::Vec(inner) => ('[', inner),
            Ty::Map(inner) => ('{', inner),
            Ty::Option(inner) => ('?', inner),
            Ty::Boxed(inner) => ('^', inner),
            Ty::Named(name) => {
                let name = name.as_str();
                out.push_str(shared.get(name).map_or(name, String::as_str));
                return;
            }
            other => {
                let _ = write!(out, "{other:?}");
                return;
            }
        };
        out.push(mark);
        t = inner;
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{Api, Ty, TypeDef, TypeKind};

    fn api(text: &str) -> Api {
        let Ok((spec, _)) = crate::load::load(text) else {
            panic!("the spec loads")
        };
        match crate::ir::build(&spec) {
            Ok(api) => api,
            Err(findings) => panic!("the spec builds: {findings:?}"),
        }
    }

    fn at<'a>(api: &'a Api, pointer: &str) -> &'a TypeDef {
        api.types
            .iter()
            .find(|t| t.pointer == pointer)
            .unwrap_or_else(|| panic!("a type at {pointer}: {:#?}", api.types))
    }

    fn aliased(def: &TypeDef) -> Option<&str> {
        match &def.kind {
            TypeKind::Alias(Ty::Named(target)) => Some(target.as_str()),
            _ => None,
        }
    }

    const ENUMS: &str = r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      operationId: listA
      parameters:
        - {name: color, in: query, schema: {type: string, enum: [red, green]}}
        - {name: other, in: query, schema: {type: string, enum: [red, blue]}}
      responses: {'204': {description: ok}}
  /b:
    get:
      operationId: listB
      parameters:
        - {name: color, in: query, schema: {type: string, enum: [red, green]}}
        - {name: mode, in: query, schema: {type: string, enum: [fast, slow]}}
      responses: {'204': {description: ok}}
  /c:
    get:
      operationId: listC
      parameters:
        - {name: mode, in: query, schema: {type: string, enum: [fast, slow]}}
      responses: {'204': {description: ok}}
components:
  schemas:
    Shade: {type: string, enum: [red, green]}
    Color: {type: string, enum: [red, green]}
"#;

    #[test]
    fn an_inline_enum_of_a_components_shape_aliases_the_first_such_component() {
        let api = api(ENUMS);
        let a = at(&api, "/paths/~1a/get/parameters/0/schema");
        let b = at(&api, "/paths/~1b/get/parameters/0/schema");
        assert_eq!(aliased(a), Some("Color"));
        assert_eq!(aliased(b), Some("Color"));
        // Components keep their own definitions, whatever their shape.
        for name in ["Color", "Shade"] {
            let def = api.def(name).expect("the component is a type");
            assert!(matches!(def.kind, TypeKind::Enum { .. }), "{name}: {def:?}");
        }
        // Another set of values is another shape.
        let other = at(&api, "/paths/~1a/get/parameters/1/schema");
        assert!(matches!(other.kind, TypeKind::Enum { .. }), "{other:?}");
    }

    #[test]
    fn inline_types_of_one_shape_alias_the_first_by_name() {
        let api = api(ENUMS);
        let b = at(&api, "/paths/~1b/get/parameters/1/schema");
        let c = at(&api, "/paths/~1c/get/parameters/0/schema");
        let (first, second) = if b.name.as_str() < c.name.as_str() {
            (b, c)
        } else {
            (c, b)
        };
        assert!(matches!(first.kind, TypeKind::Enum { .. }), "{first:?}");
        assert_eq!(aliased(second), Some(first.name.as_str()));
        // The alias keeps its own name and documentation: its users still find it where the spec put it.
        assert!(second.doc.contains("/paths/~1"), "{second:?}");
        // Operations still name their own type.
        let op = api
            .operations
            .iter()
            .find(|o| o.id == "listC")
            .expect("listC");
        assert_eq!(op.params[0].ty, Ty::Named(c.name.clone()));
    }

    #[test]
    fn objects_holding_types_of_one_shape_are_one_shape_and_documentation_tells_apart() {
        let object = |doc: &str| {
            format!(
                "{{type: object, properties: {{inner: {{type: object, properties: {{state: {{type: string, enum: [on, off]}}}}}}, n: {{type: integer, description: {doc}}}}}}}"
            )
        };
        let text = format!(
            r#"openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /a:
    get:
      operationId: getA
      responses: {{'200': {{description: ok, content: {{application/json: {{schema: {a}}}}}}}}}
  /b:
    get:
      operationId: getB
      responses: {{'200': {{description: ok, content: {{application/json: {{schema: {b}}}}}}}}}
  /c:
    get:
      operationId: getC
      responses: {{'200': {{description: ok, content: {{application/json: {{schema: {c}}}}}}}}}
"#,
            a = object("count"),
            b = object("count"),
            c = object("another count"),
        );
        let api = api(&text);
        let schema = |path: &str| {
            format!("/paths/~1{path}/get/responses/200/content/application~1json/schema")
        };
        let a = at(&api, &schema("a"));
        let b = at(&api, &schema("b"));
        let c = at(&api, &schema("c"));
        // The enums merge first, then the objects holding them, then the objects holding those.
        assert!(matches!(a.kind, TypeKind::Struct { .. }), "{a:?}");
        assert_eq!(aliased(b), Some(a.name.as_str()));
        // A member documented differently generates different documentation: not the same shape.
        assert!(matches!(c.kind, TypeKind::Struct { .. }), "{c:?}");
        // Its inner object is the same shape as the others', though.
        let inner = |p: &str| at(&api, &format!("{}/properties/inner", schema(p)));
        assert_eq!(aliased(inner("c")), Some(inner("a").name.as_str()));
    }
}
