//! The examples in an operation's docs: a call built from the spec's examples, compiled as a `no_run` doctest.
//!
//! A value the spec gives becomes the Rust expression that builds it: a model through `new` and its setters, an
//! enum by its variant, a decimal or a date parsed from its text. What cannot be written that way (a union, a
//! free-form object) is read from its JSON with `serde_json`. A required parameter without an example gets a
//! plain value of its type, and a secret one is read from the environment, so that no example shows one.

use std::fmt::Write as _;

use heck::ToShoutySnakeCase;
use serde_json::Value;

use crate::ir::names::bare;
use crate::ir::{Api, DateKind, Operation, Ty, TypeDef, TypeKind};

/// How deep models are built inside models before the rest is read from JSON.
const MAX_DEPTH: usize = 4;
/// How many optional members of a model an example sets.
const MAX_SETTERS: usize = 6;

/// The example of `op`'s method in a crate called `krate`, as doc lines (a `rust,no_run` fence).
pub fn operation(api: &Api, op: &Operation, krate: &str) -> String {
    let writer = Writer { api, krate };
    let group = api
        .groups
        .get(op.group)
        .map_or("api", |g| g.method.as_str());
    let mut lets = String::new();
    let mut args = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        let value = if p.sensitive {
            format!(
                "std::env::var(\"{}\")?",
                bare(&p.name).to_shouty_snake_case()
            )
        } else {
            match &p.example {
                Some(example) => writer.expr(&p.ty, example, 0, true),
                None => writer.placeholder(&p.ty, bare(&p.name)),
            }
        };
        args.push(value);
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let value = match &body.example {
            Some(example) => writer.expr(&body.ty, example, 0, true),
            None => writer.placeholder(&body.ty, "body"),
        };
        let _ = writeln!(lets, "let body = {value};");
        args.push("body".to_owned());
    }
    let optional_body = op
        .body
        .as_ref()
        .filter(|b| !b.required)
        .and_then(|b| {
            Some(format!(
                ".body({})",
                writer.expr(&b.ty, b.example.as_ref()?, 0, true)
            ))
        })
        .unwrap_or_default();
    let call = format!(
        "client.{group}().{}({}){optional_body}",
        op.method_name.as_str(),
        args.join(", ")
    );
    let signature = format!(
        "async fn example(client: {krate}::Client) -> Result<(), Box<dyn std::error::Error>>"
    );
    let body = format!(
        "{lets}let response = {call}.await?;\nprintln!(\"{{:?}}\", response.data());\nOk(())"
    );
    format!(
        "# Example\n\n```rust,no_run\n{}\n```",
        formatted(&signature, &body)
    )
}

/// The function, formatted as rustfmt would, its signature and result hidden (`# `) from the rendered docs.
fn formatted(signature: &str, body: &str) -> String {
    let source = format!("{signature} {{\n{body}\n}}");
    let lines: Vec<String> = match syn::parse_file(&source) {
        Ok(file) => prettyplease::unparse(&file)
            .lines()
            .map(str::to_owned)
            .collect(),
        Err(_) => source.lines().map(str::to_owned).collect(),
    };
    // The signature may take several lines (a long crate name): it ends at the first line opening the body.
    let signature_end = lines.iter().position(|l| l.ends_with('{')).unwrap_or(0);
    let last = lines.len().saturating_sub(1);
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let line = line.strip_prefix("    ").unwrap_or(line);
            if i <= signature_end || i == last || line.trim() == "Ok(())" {
                format!("# {line}")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

struct Writer<'a> {
    api: &'a Api,
    krate: &'a str,
}

impl Writer<'_> {
    /// The definition of the shape `name` stands for (through aliases): an alias is written with the
    /// expressions of what it aliases.
    fn def(&self, name: &str) -> Option<&TypeDef> {
        self.api.shape_of(name)
    }

    fn path(&self, name: &str) -> String {
        format!("{}::types::{name}", self.krate)
    }

    /// The value read from its JSON, for what has no simpler expression.
    fn read_json(&self, ty: &Ty, value: &Value) -> String {
        format!(
            "serde_json::from_value::<{}>(serde_json::json!({value}))?",
            self.rust_type(ty)
        )
    }

    fn rust_type(&self, ty: &Ty) -> String {
        match ty {
            Ty::String => "String".to_owned(),
            Ty::Bool => "bool".to_owned(),
            Ty::I32 => "i32".to_owned(),
            Ty::I64 => "i64".to_owned(),
            Ty::F32 => "f32".to_owned(),
            Ty::F64 => "f64".to_owned(),
            Ty::Decimal { .. } => "rust_decimal::Decimal".to_owned(),
            Ty::DateTime => "time::OffsetDateTime".to_owned(),
            Ty::Date => "time::Date".to_owned(),
            Ty::Formatted(f) => match f.kind {
                DateKind::Date => "time::Date".to_owned(),
                DateKind::DateTime => "time::PrimitiveDateTime".to_owned(),
            },
            Ty::Uuid => "uuid::Uuid".to_owned(),
            Ty::Bytes => "Vec<u8>".to_owned(),
            Ty::Parts => format!("Vec<{}::Part>", self.krate),
            Ty::Json => "serde_json::Value".to_owned(),
            Ty::Unit => "()".to_owned(),
            Ty::Named(name) => self.path(name.as_str()),
            Ty::Vec(inner) => format!("Vec<{}>", self.rust_type(inner)),
            Ty::Map(inner) => format!(
                "std::collections::BTreeMap<String, {}>",
                self.rust_type(inner)
            ),
            Ty::Option(inner) => format!("Option<{}>", self.rust_type(inner)),
            Ty::Boxed(inner) => format!("Box<{}>", self.rust_type(inner)),
        }
    }

    /// The expression of `value` as a `ty`; `loose` where an `impl Into<String>` takes it (a bare literal).
    fn expr(&self, ty: &Ty, value: &Value, depth: usize, loose: bool) -> String {
        let text = |v: &Value| v.as_str().map(str::to_owned);
        let written = match (ty, value) {
            (Ty::String, Value::String(s)) => Some(if loose {
                format!("{s:?}")
            } else {
                format!("{s:?}.to_owned()")
            }),
            (Ty::Bool, Value::Bool(b)) => Some(b.to_string()),
            (Ty::I32, Value::Number(n)) => n
                .as_i64()
                .filter(|n| i32::try_from(*n).is_ok())
                .map(|n| n.to_string()),
            (Ty::I64, Value::Number(n)) => n.as_i64().map(|n| n.to_string()),
            (Ty::F32 | Ty::F64, Value::Number(n)) => n.as_f64().map(|f| format!("{f:?}")),
            (Ty::Decimal { .. }, Value::Number(_) | Value::String(_)) => {
                let digits = text(value).unwrap_or_else(|| value.to_string());
                Some(format!("{digits:?}.parse::<rust_decimal::Decimal>()?"))
            }
            (Ty::DateTime, Value::String(s)) => Some(format!(
                "time::OffsetDateTime::parse({s:?}, &time::format_description::well_known::Rfc3339)?"
            )),
            (Ty::Date, Value::String(s)) => Some(format!(
                "time::Date::parse({s:?}, time::macros::format_description!(\"[year]-[month]-[day]\"))?"
            )),
            (Ty::Formatted(f), Value::String(s)) => {
                let kind = match f.kind {
                    DateKind::Date => "time::Date",
                    DateKind::DateTime => "time::PrimitiveDateTime",
                };
                Some(format!(
                    "{kind}::parse({s:?}, time::macros::format_description!({:?}))?",
                    f.description
                ))
            }
            (Ty::Uuid, Value::String(s)) => Some(format!("{s:?}.parse::<uuid::Uuid>()?")),
            (Ty::Json, v) => Some(format!("serde_json::json!({v})")),
            // Parts are built by the caller, not read from JSON.
            (Ty::Parts, _) => Some(format!("vec![{}::Part::text(\"field\", \"value\")]", self.krate)),
            (Ty::Option(_), Value::Null) => Some("None".to_owned()),
            (Ty::Option(inner), v) => Some(format!("Some({})", self.expr(inner, v, depth, false))),
            (Ty::Boxed(inner), v) => Some(format!("Box::new({})", self.expr(inner, v, depth, false))),
            (Ty::Vec(inner), Value::Array(items)) => {
                let items: Vec<String> = items
                    .iter()
                    .map(|item| self.expr(inner, item, depth + 1, false))
                    .collect();
                Some(format!("vec![{}]", items.join(", ")))
            }
            (Ty::Named(name), v) => self.named(name.as_str(), v, depth),
            _ => None,
        };
        written.unwrap_or_else(|| self.read_json(ty, value))
    }

    fn named(&self, name: &str, value: &Value, depth: usize) -> Option<String> {
        let def = self.def(name)?;
        match (&def.kind, value) {
            (TypeKind::Enum { variants, .. }, Value::String(s)) => {
                let variant = variants.iter().find(|v| &v.wire == s)?;
                Some(format!("{}::{}", self.path(name), variant.name.as_str()))
            }
            (TypeKind::Struct { fields, additional }, Value::Object(members))
                if depth < MAX_DEPTH && additional.is_none() =>
            {
                // Members the example has that the model does not know cannot be set: read it from JSON.
                if members
                    .keys()
                    .any(|k| !fields.iter().any(|f| !f.flatten && &f.wire == k))
                {
                    return None;
                }
                let mut args = Vec::new();
                for f in fields.iter().filter(|f| f.in_constructor()) {
                    let member = members.get(&f.wire)?;
                    args.push(self.expr(&f.ty, member, depth + 1, true));
                }
                let mut text = format!("{}::new({})", self.path(name), args.join(", "));
                let setters = fields
                    .iter()
                    .filter(|f| !f.in_constructor())
                    .filter_map(|f| Some((f, members.get(&f.wire)?, f.setter.as_ref()?)))
                    .filter(|(_, member, _)| !member.is_null())
                    .take(MAX_SETTERS);
                for (f, member, setter) in setters {
                    let inner = f.ty.clone().required();
                    let _ = write!(
                        text,
                        "\n    .{}({})",
                        setter.as_str(),
                        self.expr(&inner, member, depth + 1, true)
                    );
                }
                Some(text)
            }
            _ => None,
        }
    }

    /// A plain value of `ty` for a required argument the spec gives no example of.
    fn placeholder(&self, ty: &Ty, name: &str) -> String {
        match ty {
            Ty::String => format!("{:?}", format!("<{name}>")),
            Ty::Bool => "true".to_owned(),
            Ty::I32 | Ty::I64 => "1".to_owned(),
            Ty::F32 | Ty::F64 => "1.0".to_owned(),
            Ty::Decimal { .. } => "rust_decimal::Decimal::ONE".to_owned(),
            Ty::DateTime => "time::OffsetDateTime::now_utc()".to_owned(),
            Ty::Date
            | Ty::Formatted(crate::ir::DateFormat {
                kind: DateKind::Date,
                ..
            }) => "time::OffsetDateTime::now_utc().date()".to_owned(),
            Ty::Formatted(_) => "time::PrimitiveDateTime::MIN".to_owned(),
            Ty::Uuid => "uuid::Uuid::new_v4()".to_owned(),
            Ty::Json => "serde_json::json!({})".to_owned(),
            Ty::Vec(_) => "Vec::new()".to_owned(),
            Ty::Map(_) => "std::collections::BTreeMap::new()".to_owned(),
            Ty::Option(_) => "None".to_owned(),
            Ty::Bytes => "b\"...\".to_vec()".to_owned(),
            Ty::Parts => format!(
                "vec![{krate}::Part::text(\"name\", \"value\"), {krate}::Part::file(\"file\", b\"...\".to_vec())]",
                krate = self.krate
            ),
            Ty::Named(n) => match self.def(n.as_str()).map(|d| &d.kind) {
                Some(TypeKind::Struct { fields, .. })
                    if !fields.iter().any(|f| f.in_constructor()) =>
                {
                    format!("{}::new()", self.path(n.as_str()))
                }
                Some(TypeKind::Enum { variants, .. }) if !variants.is_empty() => {
                    format!("{}::{}", self.path(n.as_str()), variants[0].name.as_str())
                }
                _ => format!(
                    "serde_json::from_value::<{}>(serde_json::json!({{}}))?",
                    self.path(n.as_str())
                ),
            },
            other => format!("{}::default()", self.rust_type(other)),
        }
    }
}
