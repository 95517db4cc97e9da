//! A path template and its parameters must agree, or a method could never build its URL:
//! `path-param-undeclared` and `path-param-not-in-template`; and a path key is a path, without a query string
//! (`path-query-string`).

use std::collections::BTreeSet;

use serde_json::Value;

use super::{entries, resolve};
use crate::diagnostic::{Diagnostic, Rule};
use crate::load::Spec;
use crate::pointer::{self, push};
use crate::METHODS;

/// Reports every template parameter no operation declares, and every declared one the template lacks.
pub(crate) fn check(spec: &Spec, out: &mut Vec<Diagnostic>) {
    for (path, item) in entries(spec.value.get("paths")) {
        let item_at = push("/paths", path);
        // A constant query (`/v1/messages?beta=true`) is sent as written; a templated one cannot be filled.
        let query_names = path
            .split_once('?')
            .map(|(_, query)| (query, template_params(query)))
            .filter(|(_, names)| !names.is_empty());
        if let Some((query, names)) = query_names {
            let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            let declare = match quoted.as_slice() {
                [one] => format!("declare {one} as a parameter `in: query`"),
                many => format!("declare {} as parameters `in: query`", many.join(", ")),
            };
            out.push(spec.diagnostic(
                Rule::PathQueryString,
                item_at,
                format!(
                    "the path key `{path}` carries a query string with parameters (`?{query}`), which a path \
                     may not: {declare} and remove `?{query}` from the key"
                ),
            ));
            continue;
        }
        let item = resolve(spec, item);
        let template = template_params(path);
        let shared = declared_path_params(spec, path, &template, &item_at, item, out);
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let at = push(&item_at, method);
            let mut declared = shared.clone();
            declared.extend(declared_path_params(spec, path, &template, &at, op, out));
            for name in &template {
                if !declared.contains(name.as_str()) {
                    out.push(spec.diagnostic(
                        Rule::PathParamUndeclared,
                        at.clone(),
                        format!("path parameter `{name}` of `{path}` is not declared"),
                    ));
                }
            }
        }
    }
}

/// The `{name}`s of a path template, in order.
fn template_params(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_owned());
        rest = &rest[start + len + 1..];
    }
    out
}

/// The `in: path` parameters of an operation or path item, by name; reports those not in the template.
fn declared_path_params<'a>(
    spec: &'a Spec,
    path: &str,
    template: &[String],
    owner_at: &str,
    owner: &'a Value,
    out: &mut Vec<Diagnostic>,
) -> BTreeSet<&'a str> {
    let mut names = BTreeSet::new();
    let list = owner.get("parameters").and_then(Value::as_array);
    for (i, p) in list.into_iter().flatten().enumerate() {
        let p = resolve(spec, p);
        if p.get("in").and_then(Value::as_str) != Some("path") {
            continue;
        }
        let Some(name) = p.get("name").and_then(Value::as_str) else {
            continue;
        };
        if !template.iter().any(|t| t == name) {
            out.push(spec.diagnostic(
                Rule::PathParamNotInTemplate,
                pointer::push_index(&push(owner_at, "parameters"), i),
                format!("path parameter `{name}` does not appear in `{path}`"),
            ));
        }
        names.insert(name);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::template_params;

    #[test]
    fn template_params_in_order() {
        assert_eq!(template_params("/a/{x}/b/{y-z}"), ["x", "y-z"]);
        assert_eq!(template_params("/a/{unclosed"), Vec::<String>::new());
        assert!(template_params("/plain").is_empty());
    }
}
