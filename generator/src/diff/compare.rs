//! The rules: each kind of difference between two IRs, with its impact on the Rust API and, where clients
//! already deployed fail against the new API, what they do wrong.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::usage::Usage;
use super::{Found, Impact, Side};
use crate::emit::crate_files::server_constants;
use crate::ir::{Api, Body, Field, Operation, Param, ParamIn, Server, Ty, TypeDef, TypeKind};
use crate::pointer;

/// Compares two IRs (with the JSON of their specs, to point at enum values), adding what differs to `out`.
pub(super) fn compare(old: (&Api, &Value), new: (&Api, &Value), out: &mut Vec<Found>) {
    let mut cx = Cx {
        old: old.0,
        new: new.0,
        old_json: old.1,
        new_json: new.1,
        old_use: Usage::of(old.0),
        new_use: Usage::of(new.0),
        out,
    };
    cx.groups();
    cx.operations();
    cx.types();
    cx.servers();
    cx.schemes();
    cx.webhooks();
    cx.envelopes();
}

struct Cx<'a> {
    old: &'a Api,
    new: &'a Api,
    old_json: &'a Value,
    new_json: &'a Value,
    old_use: Usage,
    new_use: Usage,
    out: &'a mut Vec<Found>,
}

/// Where a change is: the spec and the pointer.
type At<'p> = (Side, &'p str);

impl Cx<'_> {
    /// Records a change, returning it so that a runtime consequence can be added.
    fn add(
        &mut self,
        impact: Impact,
        rule: &'static str,
        item: impl Into<String>,
        message: impl Into<String>,
        at: At,
    ) -> &mut Found {
        self.out.push(Found {
            impact,
            rule,
            item: item.into(),
            message: message.into(),
            runtime: None,
            side: at.0,
            pointer: at.1.to_owned(),
        });
        let last = self.out.len() - 1;
        &mut self.out[last]
    }

    // ---- groups and operations -------------------------------------------------------------------------

    fn groups(&mut self) {
        let accessor = |api: &Api| -> BTreeMap<String, (String, String)> {
            api.groups
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    let at = api
                        .operations
                        .iter()
                        .find(|o| o.group == i)
                        .map(|o| pointer::push(&o.pointer, "tags"))
                        .unwrap_or_default();
                    (g.method.as_str().to_owned(), (g.tag.clone(), at))
                })
                .collect()
        };
        let (old, new) = (accessor(self.old), accessor(self.new));
        for (method, (tag, at)) in &old {
            if !new.contains_key(method) {
                self.add(
                    Impact::Major,
                    "group-removed",
                    format!("Client::{method}"),
                    format!("the accessor of the operations tagged `{tag}` is gone"),
                    (Side::Old, at),
                );
            }
        }
        for (method, (tag, at)) in &new {
            if !old.contains_key(method) {
                self.add(
                    Impact::Minor,
                    "group-added",
                    format!("Client::{method}"),
                    format!("a new accessor for the operations tagged `{tag}`"),
                    (Side::New, at),
                );
            }
        }
    }

    fn operations(&mut self) {
        let start = self.out.len();
        let old_ids: BTreeSet<&str> = self.old.operations.iter().map(|o| o.id.as_str()).collect();
        let mut matched: BTreeSet<&str> = BTreeSet::new();
        let (old_api, new_api) = (self.old, self.new);
        for o in &old_api.operations {
            if let Some(n) = new_api.operations.iter().find(|n| n.id == o.id) {
                matched.insert(&n.id);
                self.operation(o, n);
                continue;
            }
            // The same method and path under an id the old spec does not have: the operationId was renamed.
            let renamed = new_api.operations.iter().find(|n| {
                n.http_method == o.http_method
                    && n.path == o.path
                    && !old_ids.contains(n.id.as_str())
                    && !matched.contains(n.id.as_str())
            });
            if let Some(n) = renamed {
                matched.insert(&n.id);
                self.add(
                    Impact::Major,
                    "operation-renamed",
                    op_item(old_api, o),
                    format!(
                        "`operationId` `{}` became `{}`: the method is now `{}` and its request type `{}`",
                        o.id,
                        n.id,
                        op_item(new_api, n),
                        n.builder.as_str()
                    ),
                    (Side::New, &pointer::push(&n.pointer, "operationId")),
                );
                self.operation(o, n);
                continue;
            }
            self.add(
                Impact::Major,
                "operation-removed",
                op_item(old_api, o),
                format!(
                    "the operation `{}` (`{} {}`) and its request type `{}` are gone",
                    o.id,
                    o.http_method,
                    o.path,
                    o.builder.as_str()
                ),
                (Side::Old, &o.pointer),
            )
            .runtime = Some(format!(
                "old clients call `{} {}`, which the API no longer describes",
                o.http_method, o.path
            ));
        }
        for n in &new_api.operations {
            if !matched.contains(n.id.as_str()) {
                self.add(
                    Impact::Minor,
                    "operation-added",
                    op_item(new_api, n),
                    format!(
                        "a new operation `{}` (`{} {}`)",
                        n.id, n.http_method, n.path
                    ),
                    (Side::New, &n.pointer),
                );
            }
        }
        self.merge_security(start, matched.len());
    }

    /// The same security change on every operation both specs have is one change of the spec's root
    /// `security`, reported once.
    fn merge_security(&mut self, start: usize, operations: usize) {
        let found: Vec<usize> = (start..self.out.len())
            .filter(|&i| self.out[i].rule == "security-changed")
            .collect();
        let Some(&first) = found.first() else {
            return;
        };
        let same = |i: &usize| {
            self.out[*i].message == self.out[first].message
                && self.out[*i].runtime == self.out[first].runtime
        };
        if operations < 2 || found.len() != operations || !found.iter().all(same) {
            return;
        }
        let mut merged = self.out.remove(first);
        self.out
            .retain(|c| c.rule != "security-changed" || c.message != merged.message);
        merged.item = format!("every operation ({operations})");
        merged.pointer = "/security".to_owned();
        self.out.push(merged);
    }

    fn operation(&mut self, o: &Operation, n: &Operation) {
        let (old_api, new_api) = (self.old, self.new);
        let item = op_item(new_api, n);
        let at = (Side::New, n.pointer.as_str());
        let old_group = &old_api.groups[o.group];
        let new_group = &new_api.groups[n.group];
        if old_group.struct_name != new_group.struct_name {
            self.add(
                Impact::Major,
                "operation-moved",
                &item,
                format!(
                    "now on `client.{}()` (tag `{}`) instead of `client.{}()` (tag `{}`)",
                    new_group.method.as_str(),
                    new_group.tag,
                    old_group.method.as_str(),
                    old_group.tag
                ),
                (Side::New, &pointer::push(&n.pointer, "tags")),
            );
        } else if o.method_name != n.method_name && o.id == n.id {
            self.add(
                Impact::Major,
                "operation-method-renamed",
                &item,
                format!(
                    "the method `{}` is now `{}`",
                    o.method_name.as_str(),
                    n.method_name.as_str()
                ),
                at,
            );
        }
        if o.builder != n.builder && o.id == n.id {
            self.add(
                Impact::Major,
                "request-type-renamed",
                &item,
                format!(
                    "the request type `{}` is now `{}`",
                    o.builder.as_str(),
                    n.builder.as_str()
                ),
                at,
            );
        }
        if o.http_method != n.http_method || o.path != n.path {
            self.add(
                Impact::Patch,
                "operation-endpoint-changed",
                &item,
                format!(
                    "sends `{} {}` instead of `{} {}`",
                    n.http_method, n.path, o.http_method, o.path
                ),
                at,
            )
            .runtime = Some(format!(
                "old clients still call `{} {}`",
                o.http_method, o.path
            ));
        }
        match (o.deprecated, n.deprecated) {
            (false, true) => {
                self.add(
                    Impact::Minor,
                    "operation-deprecated",
                    &item,
                    "marked `#[deprecated]`: calls still compile, with a warning",
                    (Side::New, &pointer::push(&n.pointer, "deprecated")),
                );
            }
            (true, false) => {
                self.add(
                    Impact::Patch,
                    "operation-undeprecated",
                    &item,
                    "no longer deprecated",
                    at,
                );
            }
            _ => {}
        }
        self.params(o, n, &item);
        self.body(o, n, &item);
        self.response(o, n, &item);
        self.pagination(o, n, &item);
        self.security(o, n, &item);
        self.operation_servers(o, n, &item);
        if o.encrypted != n.encrypted {
            self.add(
                Impact::Patch,
                "encryption-changed",
                &item,
                format!(
                    "the members encrypted before sending are {} instead of {}",
                    list(&n.encrypted),
                    list(&o.encrypted)
                ),
                at,
            )
            .runtime = Some(
                "old clients encrypt the members the old spec marked, and only those".to_owned(),
            );
        }
    }

    fn params(&mut self, o: &Operation, n: &Operation, item: &str) {
        let key = |p: &Param| (location(p.location), p.wire.clone());
        let mut matched_new: BTreeSet<usize> = BTreeSet::new();
        let mut pairs: Vec<(&Param, &Param)> = Vec::new();
        for op in &o.params {
            let found = n
                .params
                .iter()
                .position(|np| key(np) == key(op))
                // Moved (another location, or another wire name) under the same Rust name.
                .or_else(|| {
                    n.params.iter().enumerate().position(|(i, np)| {
                        np.name == op.name && !matched_new.contains(&i) && {
                            !o.params.iter().any(|other| key(other) == key(np))
                        }
                    })
                });
            match found {
                Some(i) if !matched_new.contains(&i) => {
                    matched_new.insert(i);
                    pairs.push((op, &n.params[i]));
                }
                _ => {
                    let what = if op.required {
                        format!("the argument `{}` is gone", op.name.bare())
                    } else {
                        format!("the builder method `{}` is gone", op.name.bare())
                    };
                    self.add(
                        Impact::Major,
                        "parameter-removed",
                        format!("{item}({})", op.name.bare()),
                        format!(
                            "the {} parameter `{}` was removed: {what}",
                            location(op.location),
                            op.wire
                        ),
                        (Side::Old, &op.pointer),
                    );
                }
            }
        }
        for (i, np) in n.params.iter().enumerate() {
            if matched_new.contains(&i) {
                continue;
            }
            let pitem = format!("{item}({})", np.name.bare());
            if np.required {
                self.add(
                    Impact::Major,
                    "parameter-added-required",
                    pitem,
                    format!(
                        "a new required {} parameter `{}`: a new argument of the method",
                        location(np.location),
                        np.wire
                    ),
                    (Side::New, &np.pointer),
                )
                .runtime = Some(format!(
                    "old clients do not send the required {} parameter `{}`",
                    location(np.location),
                    np.wire
                ));
            } else {
                self.add(
                    Impact::Minor,
                    "parameter-added",
                    pitem,
                    format!(
                        "a new optional {} parameter `{}`: a new builder method `{}`",
                        location(np.location),
                        np.wire,
                        np.name.bare()
                    ),
                    (Side::New, &np.pointer),
                );
            }
        }
        for (op, np) in &pairs {
            self.param(op, np, item);
        }
        // The method's arguments are positional: the ones both versions take must keep their order.
        let old_order: Vec<_> = pairs
            .iter()
            .filter(|(a, b)| a.required && b.required)
            .map(|(a, _)| key(a))
            .collect();
        let mut new_order: Vec<_> = pairs
            .iter()
            .filter(|(a, b)| a.required && b.required)
            .map(|(a, b)| {
                let at = n.params.iter().position(|p| key(p) == key(b)).unwrap_or(0);
                (at, key(a))
            })
            .collect();
        new_order.sort();
        let new_order: Vec<_> = new_order.into_iter().map(|(_, k)| k).collect();
        if old_order != new_order {
            self.add(
                Impact::Major,
                "arguments-reordered",
                item,
                format!(
                    "the method takes {} in another order",
                    new_order
                        .iter()
                        .map(|(_, w)| format!("`{w}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                (Side::New, &n.pointer),
            );
        }
    }

    fn param(&mut self, o: &Param, n: &Param, item: &str) {
        let pitem = format!("{item}({})", n.name.bare());
        let at = (Side::New, n.pointer.as_str());
        if location(o.location) != location(n.location) || o.wire != n.wire {
            self.add(
                Impact::Patch,
                "parameter-moved",
                &pitem,
                format!(
                    "sent as the {} parameter `{}` instead of the {} parameter `{}`",
                    location(n.location),
                    n.wire,
                    location(o.location),
                    o.wire
                ),
                at,
            )
            .runtime = Some(format!(
                "old clients send it as the {} parameter `{}`",
                location(o.location),
                o.wire
            ));
        }
        match (o.required, n.required) {
            (false, true) => {
                self.add(
                    Impact::Major,
                    "parameter-made-required",
                    &pitem,
                    format!(
                        "`{}` is now an argument of the method instead of a builder method",
                        n.wire
                    ),
                    at,
                )
                .runtime = Some(format!(
                    "old clients may leave out the now required parameter `{}`",
                    n.wire
                ));
            }
            (true, false) => {
                self.add(
                    Impact::Major,
                    "parameter-made-optional",
                    &pitem,
                    format!(
                        "`{}` is now a builder method instead of an argument of the method",
                        n.wire
                    ),
                    at,
                );
            }
            _ => {}
        }
        if !o.required && !n.required && o.name != n.name {
            self.add(
                Impact::Major,
                "parameter-renamed",
                &pitem,
                format!(
                    "the builder method `{}` is now `{}`",
                    o.name.bare(),
                    n.name.bare()
                ),
                at,
            );
        }
        self.retyped(&o.ty, &n.ty, "parameter-retyped", &pitem, at);
    }

    /// A type that changed in the Rust API (major) or only on the wire (patch, breaking old clients).
    fn retyped(&mut self, o: &Ty, n: &Ty, rule: &'static str, item: &str, at: At) -> bool {
        if o == n {
            return false;
        }
        if show(o) != show(n) {
            self.add(
                Impact::Major,
                rule,
                item,
                format!("the type `{}` is now `{}`", show(o), show(n)),
                at,
            );
        } else {
            self.add(
                Impact::Patch,
                "wire-form-changed",
                item,
                format!("still `{}`, written in another form on the wire", show(n)),
                at,
            )
            .runtime = Some("old clients read and write the old form".to_owned());
        }
        true
    }

    fn body(&mut self, o: &Operation, n: &Operation, item: &str) {
        let bitem = format!("{item}(body)");
        match (&o.body, &n.body) {
            (None, None) => {}
            (Some(ob), None) => {
                self.add(
                    Impact::Major,
                    "body-removed",
                    bitem,
                    if ob.required {
                        "the request body is gone: the argument `body` is gone"
                    } else {
                        "the request body is gone: the builder method `body` is gone"
                    },
                    (Side::Old, &pointer::push(&o.pointer, "requestBody")),
                );
            }
            (None, Some(nb)) => {
                let at = pointer::push(&n.pointer, "requestBody");
                if nb.required {
                    self.add(
                        Impact::Major,
                        "body-added-required",
                        bitem,
                        format!(
                            "a required request body `{}`: a new argument `body`",
                            show(&nb.ty)
                        ),
                        (Side::New, &at),
                    )
                    .runtime = Some("old clients send no body".to_owned());
                } else {
                    self.add(
                        Impact::Minor,
                        "body-added",
                        bitem,
                        format!(
                            "an optional request body `{}`: a new builder method `body`",
                            show(&nb.ty)
                        ),
                        (Side::New, &at),
                    );
                }
            }
            (Some(ob), Some(nb)) => self.bodies(ob, nb, &bitem, &n.pointer),
        }
    }

    fn bodies(&mut self, o: &Body, n: &Body, item: &str, op: &str) {
        let at_ptr = pointer::push(op, "requestBody");
        let at = (Side::New, at_ptr.as_str());
        match (o.required, n.required) {
            (false, true) => {
                self.add(
                    Impact::Major,
                    "body-made-required",
                    item,
                    "the body is now an argument of the method instead of a builder method",
                    at,
                )
                .runtime = Some("old clients may send no body".to_owned());
            }
            (true, false) => {
                self.add(
                    Impact::Major,
                    "body-made-optional",
                    item,
                    "the body is now a builder method instead of an argument of the method",
                    at,
                );
            }
            _ => {}
        }
        self.retyped(&o.ty, &n.ty, "body-retyped", item, at);
        if o.media_type != n.media_type {
            self.add(
                Impact::Patch,
                "body-media-type-changed",
                item,
                format!("sent as `{}` instead of `{}`", n.media_type, o.media_type),
                at,
            )
            .runtime = Some(format!("old clients send `{}`", o.media_type));
        }
    }

    fn response(&mut self, o: &Operation, n: &Operation, item: &str) {
        let at_ptr = pointer::push(&n.pointer, "responses");
        let at = (Side::New, at_ptr.as_str());
        self.retyped(&o.response.ty, &n.response.ty, "response-retyped", item, at);
        if o.response.shape != n.response.shape {
            // An old client that reads no body is not disturbed by one.
            let ignored = o.response.shape == crate::ir::Shape::Empty;
            self.add(
                Impact::Patch,
                "response-shape-changed",
                item,
                format!(
                    "the response is read as {:?} instead of {:?}",
                    n.response.shape, o.response.shape
                ),
                at,
            )
            .runtime = (!ignored)
                .then(|| format!("old clients read the response as {:?}", o.response.shape));
        }
        self.error_bodies(o, n, item);
    }

    /// The type an operation's declared error responses decode into: callers name it in
    /// `error.error_body::<T>()`, which still compiles with another type but no longer finds the body.
    fn error_bodies(&mut self, o: &Operation, n: &Operation, item: &str) {
        let eitem = format!("{item}(error body)");
        match (&o.errors, &n.errors) {
            (None, None) => {}
            (None, Some(b)) => {
                self.add(
                    Impact::Minor,
                    "error-body-added",
                    eitem,
                    format!(
                        "declared error responses decode into `{}` (before: an unexpected status)",
                        show(&b.ty)
                    ),
                    (Side::New, &pointer::push(&n.pointer, "responses")),
                );
            }
            (Some(a), None) => {
                self.add(
                    Impact::Major,
                    "error-body-removed",
                    eitem,
                    format!(
                        "error responses no longer decode into `{}`: `error_body::<{}>()` finds nothing",
                        show(&a.ty),
                        show(&a.ty)
                    ),
                    (Side::Old, &pointer::push(&o.pointer, "responses")),
                );
            }
            (Some(a), Some(b)) => {
                if show(&a.ty) != show(&b.ty) {
                    self.add(
                        Impact::Major,
                        "error-body-retyped",
                        eitem,
                        format!(
                            "error responses decode into `{}` instead of `{}`: `error_body::<{}>()` finds nothing",
                            show(&b.ty),
                            show(&a.ty),
                            show(&a.ty)
                        ),
                        (Side::New, &pointer::push(&n.pointer, "responses")),
                    );
                }
            }
        }
    }

    fn pagination(&mut self, o: &Operation, n: &Operation, item: &str) {
        let at = (Side::New, n.pointer.as_str());
        match (&o.pagination, &n.pagination) {
            (None, Some(_)) => {
                self.add(
                    Impact::Minor,
                    "operation-paged",
                    item,
                    "the request gains `pages()` and `items()` (and `Clone`)",
                    at,
                );
            }
            (Some(_), None) => {
                self.add(
                    Impact::Major,
                    "operation-unpaged",
                    item,
                    "the request's `pages()` and `items()` are gone",
                    (Side::Old, &o.pointer),
                );
            }
            (Some(a), Some(b)) => {
                if show(&a.item) != show(&b.item) {
                    self.add(
                        Impact::Major,
                        "page-item-retyped",
                        item,
                        format!(
                            "`items()` yields `{}` instead of `{}`",
                            show(&b.item),
                            show(&a.item)
                        ),
                        at,
                    );
                }
                if a.page != b.page
                    || a.size != b.size
                    || a.items != b.items
                    || a.total != b.total
                    || a.first != b.first
                {
                    self.add(
                        Impact::Patch,
                        "paging-changed",
                        item,
                        "the pages are numbered, sized or read through other members",
                        at,
                    )
                    .runtime = Some("old clients page the listing the old way".to_owned());
                }
            }
            (None, None) => {}
        }
    }

    fn security(&mut self, o: &Operation, n: &Operation, item: &str) {
        let alternatives = |api: &Api, op: &Operation| -> BTreeSet<Vec<String>> {
            let mut set: BTreeSet<Vec<String>> = op
                .security
                .iter()
                .map(|alt| {
                    let mut names: Vec<String> = alt
                        .iter()
                        .filter_map(|i| api.schemes.get(*i))
                        .map(|s| s.name.clone())
                        .collect();
                    names.sort();
                    names
                })
                .collect();
            if set.is_empty() {
                set.insert(Vec::new());
            }
            set
        };
        let (a, b) = (alternatives(self.old, o), alternatives(self.new, n));
        if a == b {
            return;
        }
        let show = |set: &BTreeSet<Vec<String>>| {
            set.iter()
                .map(|alt| {
                    if alt.is_empty() {
                        "none".to_owned()
                    } else {
                        alt.join(" + ")
                    }
                })
                .collect::<Vec<_>>()
                .join(" or ")
        };
        let lost: Vec<&Vec<String>> = a.difference(&b).collect();
        let change = self.add(
            Impact::Patch,
            "security-changed",
            item,
            format!("authenticates with {} instead of {}", show(&b), show(&a)),
            (Side::New, &n.pointer),
        );
        if !lost.is_empty() {
            change.runtime = Some(format!(
                "old clients may authenticate with {}, which the operation no longer accepts",
                lost.iter()
                    .map(|alt| if alt.is_empty() {
                        "no credential".to_owned()
                    } else {
                        alt.join(" + ")
                    })
                    .collect::<Vec<_>>()
                    .join(" or ")
            ));
        }
    }

    fn operation_servers(&mut self, o: &Operation, n: &Operation, item: &str) {
        if o.servers.is_none() && n.servers.is_none() {
            return;
        }
        let urls = |api: &Api, op: &Operation| -> Vec<String> {
            op.servers
                .as_ref()
                .unwrap_or(&api.servers)
                .iter()
                .map(|s| s.url.clone())
                .collect()
        };
        let (a, b) = (urls(self.old, o), urls(self.new, n));
        if a == b {
            return;
        }
        let gone: Vec<&String> = a.iter().filter(|u| !b.contains(u)).collect();
        let change = self.add(
            Impact::Patch,
            "operation-servers-changed",
            item,
            format!("served from {} instead of {}", list(&b), list(&a)),
            (Side::New, &n.pointer),
        );
        if !gone.is_empty() {
            change.runtime = Some(format!(
                "old clients call {}, which no longer serves it",
                gone.iter()
                    .map(|u| format!("`{u}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }

    // ---- types -------------------------------------------------------------------------------------------

    fn types(&mut self) {
        let (old_api, new_api) = (self.old, self.new);
        let error_code = |api: &Api| match &api.error_code {
            Some(Ty::Named(name)) => Some(name.as_str().to_owned()),
            _ => None,
        };
        if error_code(old_api) != error_code(new_api) && old_api.error_code != new_api.error_code {
            let described = |t: &Option<Ty>| t.as_ref().map_or("none".to_owned(), show);
            self.add(
                Impact::Major,
                "error-code-retyped",
                "Error",
                format!(
                    "the error code type is `{}` instead of `{}`",
                    described(&new_api.error_code),
                    described(&old_api.error_code)
                ),
                (Side::New, "/x-fincode-envelopes"),
            );
        }
        let code = error_code(new_api);
        for o in &old_api.types {
            match new_api.def(o.name.as_str()) {
                Some(n) => self.type_def(o, n, code.as_deref() == Some(n.name.as_str())),
                None => {
                    self.add(
                        Impact::Major,
                        "type-removed",
                        format!("types::{}", o.name.as_str()),
                        format!("the type `{}` is gone", o.name.as_str()),
                        (Side::Old, &o.pointer),
                    );
                }
            }
        }
        for n in &new_api.types {
            if old_api.def(n.name.as_str()).is_none() {
                self.add(
                    Impact::Minor,
                    "type-added",
                    format!("types::{}", n.name.as_str()),
                    format!("a new {} `{}`", kind_name(&n.kind), n.name.as_str()),
                    (Side::New, &n.pointer),
                );
            }
        }
    }

    fn type_def(&mut self, o: &TypeDef, n: &TypeDef, error_code: bool) {
        let item = format!("types::{}", n.name.as_str());
        let at = (Side::New, n.pointer.as_str());
        // An inline type of another type's shape is an alias of it: where one side is such an alias and the
        // other is not, the shapes the names stand for are compared, so that a type that becomes (or stops
        // being) one of several of the same shape is no change to its users.
        let (ok, nk) = match (&o.kind, &n.kind) {
            (TypeKind::Alias(_), TypeKind::Alias(_)) => (&o.kind, &n.kind),
            (TypeKind::Alias(Ty::Named(_)), _) | (_, TypeKind::Alias(Ty::Named(_))) => (
                &self.old.shape_of(o.name.as_str()).unwrap_or(o).kind,
                &self.new.shape_of(n.name.as_str()).unwrap_or(n).kind,
            ),
            _ => (&o.kind, &n.kind),
        };
        match (ok, nk) {
            (
                TypeKind::Struct {
                    fields: of,
                    additional: oa,
                },
                TypeKind::Struct {
                    fields: nf,
                    additional: na,
                },
            ) => {
                let of: Vec<&Field> = of.iter().chain(oa).collect();
                let nf: Vec<&Field> = nf.iter().chain(na).collect();
                self.structure(n, &of, &nf, &item);
            }
            (
                TypeKind::Enum {
                    variants: ov,
                    unknown: ou,
                },
                TypeKind::Enum {
                    variants: nv,
                    unknown: nu,
                },
            ) => {
                let (old_json, new_json) = (self.old_json, self.new_json);
                let sent = self.new_use.sent(n.name.as_str()) || self.old_use.sent(o.name.as_str());
                let read = self.new_use.read(n.name.as_str()) || self.old_use.read(o.name.as_str());
                let rule = |enum_rule: &'static str, code_rule: &'static str| {
                    if error_code {
                        code_rule
                    } else {
                        enum_rule
                    }
                };
                for v in ov {
                    match nv.iter().find(|w| w.wire == v.wire) {
                        None => {
                            self.add(
                                Impact::Major,
                                rule("enum-value-removed", "error-code-removed"),
                                format!("{item}::{}", v.name.as_str()),
                                format!(
                                    "the value `{}` (variant `{}`) is gone",
                                    v.wire,
                                    v.name.as_str()
                                ),
                                (Side::Old, &enum_value(old_json, &o.pointer, &v.wire)),
                            )
                            .runtime = sent.then(|| {
                                format!(
                                    "old clients may send `{}`, which the API no longer accepts",
                                    v.wire
                                )
                            });
                        }
                        Some(w) if w.name != v.name => {
                            self.add(
                                Impact::Major,
                                "enum-variant-renamed",
                                format!("{item}::{}", v.name.as_str()),
                                format!(
                                    "the value `{}` is the variant `{}` now",
                                    v.wire,
                                    w.name.as_str()
                                ),
                                (Side::New, &enum_value(new_json, &n.pointer, &w.wire)),
                            );
                        }
                        Some(_) => {}
                    }
                }
                for w in nv {
                    if !ov.iter().any(|v| v.wire == w.wire) {
                        self.add(
                            Impact::Minor,
                            rule("enum-value-added", "error-code-added"),
                            format!("{item}::{}", w.name.as_str()),
                            if read {
                                format!(
                                    "a new value `{}`: `{}` is open and `#[non_exhaustive]`, so matches already have \
                                     a wildcard arm, and old clients read the value as `{}::{}`",
                                    w.wire,
                                    n.name.as_str(),
                                    n.name.as_str(),
                                    ou.as_str()
                                )
                            } else {
                                format!(
                                    "a new value `{}` to send: `{}` is `#[non_exhaustive]`, so matches already have a \
                                     wildcard arm",
                                    w.wire,
                                    n.name.as_str()
                                )
                            },
                            (Side::New, &enum_value(new_json, &n.pointer, &w.wire)),
                        );
                    }
                }
                if ou != nu {
                    self.add(
                        Impact::Major,
                        "enum-unknown-renamed",
                        &item,
                        format!(
                            "the variant for unknown values is `{}` instead of `{}`",
                            nu.as_str(),
                            ou.as_str()
                        ),
                        at,
                    );
                }
            }
            (
                TypeKind::Tagged {
                    property: op,
                    variants: ov,
                    unknown: ou,
                },
                TypeKind::Tagged {
                    property: np,
                    variants: nv,
                    unknown: nu,
                },
            ) => {
                for v in ov {
                    match nv.iter().find(|w| w.tag == v.tag) {
                        None => {
                            self.add(
                                Impact::Major,
                                "variant-removed",
                                format!("{item}::{}", v.name.as_str()),
                                format!(
                                    "the variant `{}` (`{op}` = `{}`) is gone",
                                    v.name.as_str(),
                                    v.tag
                                ),
                                (Side::Old, &o.pointer),
                            );
                        }
                        Some(w) => {
                            if w.name != v.name {
                                self.add(
                                    Impact::Major,
                                    "variant-renamed",
                                    format!("{item}::{}", v.name.as_str()),
                                    format!(
                                        "`{op}` = `{}` is the variant `{}` now",
                                        v.tag,
                                        w.name.as_str()
                                    ),
                                    at,
                                );
                            }
                            let vitem = format!("{item}::{}", w.name.as_str());
                            self.retyped(&v.ty, &w.ty, "variant-retyped", &vitem, at);
                        }
                    }
                }
                for w in nv {
                    if !ov.iter().any(|v| v.tag == w.tag) {
                        self.add(
                            Impact::Minor,
                            "variant-added",
                            format!("{item}::{}", w.name.as_str()),
                            format!(
                                "a new variant for `{np}` = `{}`: the enum is `#[non_exhaustive]`, and old clients \
                                 keep such objects in `{}`",
                                w.tag,
                                ou.as_str()
                            ),
                            at,
                        );
                    }
                }
                if op != np {
                    self.add(
                        Impact::Patch,
                        "discriminator-changed",
                        &item,
                        format!("the variant is chosen by `{np}` instead of `{op}`"),
                        at,
                    )
                    .runtime = Some(format!("old clients choose the variant by `{op}`"));
                }
                if ou != nu {
                    self.add(
                        Impact::Major,
                        "enum-unknown-renamed",
                        &item,
                        format!(
                            "the variant for unknown objects is `{}` instead of `{}`",
                            nu.as_str(),
                            ou.as_str()
                        ),
                        at,
                    );
                }
            }
            (
                TypeKind::Untagged {
                    variants: ov,
                    other: oo,
                },
                TypeKind::Untagged {
                    variants: nv,
                    other: no,
                },
            ) => {
                // Users name variants, so a variant is the same by name wherever it moved.
                for v in ov {
                    match nv.iter().find(|w| w.name == v.name) {
                        None => {
                            self.add(
                                Impact::Major,
                                "variant-removed",
                                format!("{item}::{}", v.name.as_str()),
                                format!("the variant `{}` is gone", v.name.as_str()),
                                (Side::Old, &o.pointer),
                            );
                        }
                        Some(w) => {
                            let vitem = format!("{item}::{}", w.name.as_str());
                            self.retyped(&v.ty, &w.ty, "variant-retyped", &vitem, at);
                        }
                    }
                }
                for w in nv {
                    if !ov.iter().any(|v| v.name == w.name) {
                        self.add(
                            Impact::Minor,
                            "variant-added",
                            format!("{item}::{}", w.name.as_str()),
                            format!(
                                "a new variant `{}`: the enum is `#[non_exhaustive]`",
                                w.name.as_str()
                            ),
                            at,
                        );
                    }
                }
                let kept = |list: &[crate::ir::UntaggedVariant],
                            other: &[crate::ir::UntaggedVariant]| {
                    list.iter()
                        .filter(|v| other.iter().any(|w| w.name == v.name))
                        .map(|v| v.name.as_str().to_owned())
                        .collect::<Vec<_>>()
                };
                if kept(ov, nv) != kept(nv, ov) {
                    self.add(
                        Impact::Patch,
                        "variants-reordered",
                        &item,
                        "deserialization tries the variants in another order",
                        at,
                    )
                    .runtime = Some(
                        "old clients may read a value as another variant than new ones".to_owned(),
                    );
                }
                if oo != no {
                    self.add(
                        Impact::Major,
                        "enum-unknown-renamed",
                        &item,
                        format!(
                            "the catch-all variant is `{}` instead of `{}`",
                            no.as_str(),
                            oo.as_str()
                        ),
                        at,
                    );
                }
            }
            (TypeKind::ErrorBody { variants: ov }, TypeKind::ErrorBody { variants: nv }) => {
                for v in ov {
                    let vitem = format!("{item}::{}", v.name.as_str());
                    match nv.iter().find(|w| w.name == v.name) {
                        None => {
                            self.add(
                                Impact::Major,
                                "variant-removed",
                                vitem,
                                format!(
                                    "the variant `{}` is gone: a `{}` response no longer has a typed body",
                                    v.name.as_str(),
                                    v.status
                                ),
                                (Side::Old, &o.pointer),
                            );
                        }
                        Some(w) => {
                            self.retyped(&v.ty, &w.ty, "variant-retyped", &vitem, at);
                        }
                    }
                }
                for w in nv.iter().filter(|w| !ov.iter().any(|v| v.name == w.name)) {
                    self.add(
                        Impact::Minor,
                        "variant-added",
                        format!("{item}::{}", w.name.as_str()),
                        format!(
                            "a new variant `{}` for `{}` responses: the enum is `#[non_exhaustive]`",
                            w.name.as_str(),
                            w.status
                        ),
                        at,
                    );
                }
            }
            (TypeKind::Alias(a), TypeKind::Alias(b)) => {
                self.retyped(a, b, "alias-retyped", &item, at);
            }
            (TypeKind::Newtype(a), TypeKind::Newtype(b)) => {
                self.retyped(a, b, "newtype-retyped", &item, at);
            }
            (a, b) => {
                self.add(
                    Impact::Major,
                    "type-kind-changed",
                    &item,
                    format!("was {}, is {}", kind_name(a), kind_name(b)),
                    at,
                );
            }
        }
    }

    fn structure(&mut self, n: &TypeDef, of: &[&Field], nf: &[&Field], item: &str) {
        let name = n.name.as_str();
        let sent = self.new_use.sent(name);
        let read = self.new_use.read(name) || self.old_use.read(name);
        let key = |f: &Field| {
            if f.flatten || f.wire.is_empty() {
                format!("#{}", f.name.as_str())
            } else {
                f.wire.clone()
            }
        };
        let mut pairs: Vec<(&Field, &Field)> = Vec::new();
        let mut matched: BTreeSet<usize> = BTreeSet::new();
        for f in of {
            let found = nf.iter().position(|g| key(g) == key(f)).or_else(|| {
                // The same Rust name for another member: its wire name changed.
                nf.iter().enumerate().position(|(i, g)| {
                    g.name == f.name
                        && !matched.contains(&i)
                        && !of.iter().any(|h| key(h) == key(g))
                })
            });
            match found {
                Some(i) if !matched.contains(&i) => {
                    matched.insert(i);
                    pairs.push((f, nf[i]));
                }
                _ => {
                    let change = self.add(
                        Impact::Major,
                        "member-removed",
                        format!("{item}::{}", f.name.bare()),
                        format!("the member `{}` is gone", f.name.bare()),
                        (Side::Old, &f.pointer),
                    );
                    if read && !matches!(f.ty, Ty::Option(_) | Ty::Map(_)) {
                        change.runtime = Some(format!(
                            "old clients fail to read `{name}` without its required member `{}`",
                            f.wire
                        ));
                    }
                }
            }
        }
        for (i, g) in nf.iter().enumerate() {
            if matched.contains(&i) {
                continue;
            }
            let fitem = format!("{item}::{}", g.name.bare());
            if g.in_constructor() {
                let change = self.add(
                    Impact::Major,
                    "member-added-required",
                    fitem,
                    format!(
                        "a new required member `{}`: a new argument of `{name}::new`{}",
                        g.name.bare(),
                        if of.iter().any(|f| f.in_constructor()) {
                            String::new()
                        } else {
                            format!(", and `{name}` no longer implements `Default`")
                        }
                    ),
                    (Side::New, &g.pointer),
                );
                if sent {
                    change.runtime = Some(format!(
                        "old clients send `{name}` without its required member `{}`",
                        g.wire
                    ));
                }
            } else {
                self.add(
                    Impact::Minor,
                    "member-added",
                    fitem,
                    format!(
                        "a new optional member `{}` with the setter `{}`: `{name}` is `#[non_exhaustive]` and \
                         built with `new` and setters, so no code builds it with a struct literal",
                        g.name.bare(),
                        g.setter.as_ref().map_or(g.name.bare(), |s| s.bare())
                    ),
                    (Side::New, &g.pointer),
                );
            }
        }
        for (f, g) in &pairs {
            self.member(f, g, item, name, (sent, read));
        }
        // `new` takes its arguments by position.
        let old_args: Vec<String> = of
            .iter()
            .filter(|f| f.in_constructor())
            .map(|f| key(f))
            .collect();
        let kept: Vec<String> = pairs
            .iter()
            .filter(|(f, g)| f.in_constructor() && g.in_constructor())
            .map(|(f, _)| key(f))
            .collect();
        let new_order: Vec<String> = nf
            .iter()
            .filter(|g| g.in_constructor())
            .filter_map(|g| {
                pairs
                    .iter()
                    .find(|(_, h)| std::ptr::eq(*h, *g))
                    .map(|(f, _)| key(f))
            })
            .filter(|k| kept.contains(k))
            .collect();
        let old_order: Vec<String> = old_args.into_iter().filter(|k| kept.contains(k)).collect();
        if old_order != new_order {
            self.add(
                Impact::Major,
                "constructor-reordered",
                format!("{item}::new"),
                "`new` takes the required members in another order",
                (Side::New, &n.pointer),
            );
        }
    }

    fn member(&mut self, f: &Field, g: &Field, item: &str, name: &str, (sent, read): (bool, bool)) {
        let fitem = format!("{item}::{}", g.name.bare());
        let at = (Side::New, g.pointer.as_str());
        if f.wire != g.wire {
            let change = self.add(
                Impact::Patch,
                "member-wire-renamed",
                &fitem,
                format!("written as `{}` instead of `{}`", g.wire, f.wire),
                at,
            );
            change.runtime = Some(format!("old clients read and write `{}`", f.wire));
        }
        if f.name != g.name {
            self.add(
                Impact::Major,
                "member-renamed",
                &fitem,
                format!("the field `{}` is now `{}`", f.name.bare(), g.name.bare()),
                at,
            );
        }
        let optional = |t: &Ty| matches!(t, Ty::Option(_));
        if f.ty != g.ty && !optional(&f.ty) && g.ty == f.ty.clone().optional() {
            let change = self.add(
                Impact::Major,
                "member-made-optional",
                &fitem,
                format!(
                    "the field is `{}` instead of `{}`",
                    show(&g.ty),
                    show(&f.ty)
                ),
                at,
            );
            if read {
                change.runtime = Some(format!(
                    "old clients fail to read `{name}` when `{}` is absent or null",
                    g.wire
                ));
            }
        } else if f.ty != g.ty && optional(&f.ty) && f.ty == g.ty.clone().optional() {
            let change = self.add(
                Impact::Major,
                "member-made-required",
                &fitem,
                format!(
                    "the field is `{}` instead of `{}`, and an argument of `{name}::new`",
                    show(&g.ty),
                    show(&f.ty)
                ),
                at,
            );
            if sent {
                change.runtime = Some(format!(
                    "old clients may send `{name}` without `{}`",
                    g.wire
                ));
            }
        } else if !self.retyped(&f.ty, &g.ty, "member-retyped", &fitem, at)
            && f.in_constructor() != g.in_constructor()
        {
            // Same type, but `new` takes it now, or no longer does (a nullable member made required or not).
            let change = self.add(
                Impact::Major,
                "constructor-changed",
                &fitem,
                if g.in_constructor() {
                    format!("`{name}::new` takes `{}` now", g.name.bare())
                } else {
                    format!("`{name}::new` no longer takes `{}`", g.name.bare())
                },
                at,
            );
            if sent && g.required {
                change.runtime = Some(format!(
                    "old clients may send `{name}` without `{}`",
                    g.wire
                ));
            }
        }
        if let (Some(a), Some(b)) = (&f.setter, &g.setter) {
            if a != b {
                self.add(
                    Impact::Major,
                    "setter-renamed",
                    &fitem,
                    format!("the setter `{}` is now `{}`", a.bare(), b.bare()),
                    at,
                );
            }
        }
        if f.sensitive != g.sensitive {
            self.add(
                Impact::Patch,
                "member-secrecy-changed",
                &fitem,
                if g.sensitive {
                    "now printed as `<redacted>` by `Debug`"
                } else {
                    "no longer redacted by `Debug`"
                },
                at,
            );
        }
        if f.encrypted != g.encrypted && sent {
            self.add(
                Impact::Patch,
                "member-encryption-changed",
                &fitem,
                if g.encrypted {
                    "encrypted before sending"
                } else {
                    "no longer encrypted before sending"
                },
                at,
            )
            .runtime = Some(if g.encrypted {
                format!("old clients send `{}` in clear", g.wire)
            } else {
                format!("old clients send `{}` encrypted", g.wire)
            });
        }
    }

    // ---- servers, security, webhooks, envelopes ---------------------------------------------------------

    fn servers(&mut self) {
        let (old_api, new_api) = (self.old, self.new);
        let (oc, nc) = (server_constants(old_api), server_constants(new_api));
        let constant = |list: &[Option<crate::ir::Ident>], i: usize| {
            list.get(i)
                .cloned()
                .flatten()
                .map(|c| c.as_str().to_owned())
        };
        let item = |c: &Option<String>, i: usize| {
            c.as_ref().map_or_else(
                || format!("servers::SERVERS[{i}]"),
                |c| format!("servers::{c}"),
            )
        };
        // The same URL is the same server; otherwise the same constant is, at another URL.
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for (i, s) in old_api.servers.iter().enumerate() {
            if let Some(j) = new_api.servers.iter().position(|t| t.url == s.url) {
                pairs.push((i, j));
            }
        }
        for i in 0..old_api.servers.len() {
            if pairs.iter().any(|(a, _)| *a == i) {
                continue;
            }
            let by_constant = (0..new_api.servers.len()).find(|j| {
                !pairs.iter().any(|(_, b)| b == j)
                    && constant(&oc, i).is_some()
                    && constant(&oc, i) == constant(&nc, *j)
            });
            if let Some(j) = by_constant {
                pairs.push((i, j));
            }
        }
        for (i, s) in old_api.servers.iter().enumerate() {
            let old_const = constant(&oc, i);
            let Some(&(_, j)) = pairs.iter().find(|(a, _)| *a == i) else {
                self.add(
                    if old_const.is_some() {
                        Impact::Major
                    } else {
                        Impact::Patch
                    },
                    "server-removed",
                    item(&old_const, i),
                    format!(
                        "the server `{}` is gone{}",
                        s.url,
                        if i == 0 { " (it was the default)" } else { "" }
                    ),
                    (Side::Old, &pointer::push_index("/servers", i)),
                )
                .runtime = Some(format!("old clients call `{}`", s.url));
                continue;
            };
            let t = &new_api.servers[j];
            let new_const = constant(&nc, j);
            let at_ptr = pointer::push_index("/servers", j);
            let at = (Side::New, at_ptr.as_str());
            if old_const != new_const {
                self.add(
                    Impact::Major,
                    "server-constant-renamed",
                    item(&old_const, i),
                    format!(
                        "the constant of `{}` is `{}` instead of `{}`",
                        t.url,
                        new_const.as_deref().unwrap_or("none"),
                        old_const.as_deref().unwrap_or("none")
                    ),
                    at,
                );
            }
            if s.url != t.url {
                self.add(
                    Impact::Patch,
                    "server-url-changed",
                    item(&new_const, j),
                    format!("the server is `{}` instead of `{}`", t.url, s.url),
                    at,
                )
                .runtime = Some(format!("old clients call `{}`", s.url));
            }
            if s.variables != t.variables {
                self.add(
                    Impact::Patch,
                    "server-variables-changed",
                    item(&new_const, j),
                    format!("the variables of `{}` are {}", t.url, variables(t)),
                    at,
                );
            }
        }
        for (j, t) in new_api.servers.iter().enumerate() {
            if !pairs.iter().any(|(_, b)| *b == j) {
                self.add(
                    Impact::Minor,
                    "server-added",
                    item(&constant(&nc, j), j),
                    format!(
                        "a new server `{}`{}",
                        t.url,
                        if j == 0 { ", the default" } else { "" }
                    ),
                    (Side::New, &pointer::push_index("/servers", j)),
                );
            }
        }
    }

    fn schemes(&mut self) {
        let (old_api, new_api) = (self.old, self.new);
        for s in &old_api.schemes {
            let at_old = pointer::push("/components/securitySchemes", &s.name);
            let used = old_api.operations.iter().any(|o| {
                o.security
                    .iter()
                    .flatten()
                    .any(|i| old_api.schemes.get(*i).is_some_and(|x| x.name == s.name))
            });
            match new_api.schemes.iter().find(|t| t.name == s.name) {
                None => {
                    let change = self.add(
                        Impact::Major,
                        "security-scheme-removed",
                        format!("ClientBuilder::{}", s.method.as_str()),
                        format!("the scheme `{}` and its credential setter are gone", s.name),
                        (Side::Old, &at_old),
                    );
                    if used {
                        change.runtime = Some(format!(
                            "old clients authenticate with `{}`, which the API no longer describes",
                            s.name
                        ));
                    }
                }
                Some(t) => {
                    let at = pointer::push("/components/securitySchemes", &t.name);
                    let item = format!("ClientBuilder::{}", t.method.as_str());
                    if s.method != t.method || s.constant != t.constant {
                        self.add(
                            Impact::Major,
                            "security-scheme-renamed",
                            &item,
                            format!(
                                "the setter and static are `{}` and `{}` instead of `{}` and `{}`",
                                t.method.as_str(),
                                t.constant.as_str(),
                                s.method.as_str(),
                                s.constant.as_str()
                            ),
                            (Side::New, &at),
                        );
                    }
                    if s.kind != t.kind {
                        let basic =
                            |k: &crate::ir::SchemeKind| matches!(k, crate::ir::SchemeKind::Basic);
                        let change = self.add(
                            if basic(&s.kind) != basic(&t.kind) {
                                Impact::Major
                            } else {
                                Impact::Patch
                            },
                            "security-scheme-changed",
                            &item,
                            format!(
                                "sends its credential as {:?} instead of {:?}",
                                t.kind, s.kind
                            ),
                            (Side::New, &at),
                        );
                        change.runtime =
                            Some(format!("old clients send the credential as {:?}", s.kind));
                    }
                }
            }
        }
        for t in &new_api.schemes {
            if !old_api.schemes.iter().any(|s| s.name == t.name) {
                self.add(
                    Impact::Minor,
                    "security-scheme-added",
                    format!("ClientBuilder::{}", t.method.as_str()),
                    format!("a new scheme `{}` with its credential setter", t.name),
                    (
                        Side::New,
                        &pointer::push("/components/securitySchemes", &t.name),
                    ),
                );
            }
        }
    }

    fn webhooks(&mut self) {
        let (old_api, new_api) = (self.old, self.new);
        match (&old_api.webhooks, &new_api.webhooks) {
            (None, None) => {}
            (None, Some(_)) => {
                self.add(
                    Impact::Minor,
                    "webhooks-added",
                    "webhooks",
                    "a new module `webhooks`: the events and their verification",
                    (Side::New, "/x-webhooks"),
                );
            }
            (Some(_), None) => {
                self.add(
                    Impact::Major,
                    "webhooks-removed",
                    "webhooks",
                    "the module `webhooks` is gone",
                    (Side::Old, "/x-webhooks"),
                );
            }
            (Some(o), Some(n)) => {
                for e in &o.events {
                    let item = format!("webhooks::Event::{}", e.variant.as_str());
                    match n.events.iter().find(|f| f.name == e.name) {
                        None => {
                            self.add(
                                Impact::Major,
                                "webhook-event-removed",
                                item,
                                format!("the event `{}` is gone", e.name),
                                (Side::Old, &pointer::push("/x-webhooks", &e.name)),
                            );
                        }
                        Some(f) => {
                            let at_ptr = pointer::push("/x-webhooks", &f.name);
                            let at = (Side::New, at_ptr.as_str());
                            if e.variant != f.variant {
                                self.add(
                                    Impact::Major,
                                    "webhook-event-renamed",
                                    &item,
                                    format!(
                                        "the event `{}` is the variant `{}` now",
                                        f.name,
                                        f.variant.as_str()
                                    ),
                                    at,
                                );
                            }
                            self.retyped(&e.ty, &f.ty, "webhook-event-retyped", &item, at);
                        }
                    }
                }
                for f in &n.events {
                    if !o.events.iter().any(|e| e.name == f.name) {
                        self.add(
                            Impact::Minor,
                            "webhook-event-added",
                            format!("webhooks::Event::{}", f.variant.as_str()),
                            format!(
                                "a new event `{}`: `Event` is `#[non_exhaustive]`, and old receivers keep it as `Event::{}`",
                                f.name,
                                o.unknown.as_str()
                            ),
                            (Side::New, &pointer::push("/x-webhooks", &f.name)),
                        );
                    }
                }
                if o.unknown != n.unknown {
                    self.add(
                        Impact::Major,
                        "enum-unknown-renamed",
                        "webhooks::Event",
                        format!(
                            "the variant for unknown events is `{}` instead of `{}`",
                            n.unknown.as_str(),
                            o.unknown.as_str()
                        ),
                        (Side::New, "/x-webhooks"),
                    );
                }
                if o.event_member != n.event_member
                    || format!("{:?}", o.signature) != format!("{:?}", n.signature)
                {
                    self.add(
                        Impact::Patch,
                        "webhook-signature-changed",
                        "webhooks::SCHEME",
                        "deliveries are named, signed or de-duplicated differently",
                        (Side::New, "/x-fincode-webhook-signature"),
                    )
                    .runtime = Some(
                        "deployed receivers verify and read deliveries the old way".to_owned(),
                    );
                }
                if let (Some(a), Some(b)) = (&o.envelope, &n.envelope) {
                    self.retyped(
                        a,
                        b,
                        "webhook-envelope-retyped",
                        "webhooks::Envelope",
                        (Side::New, "/x-webhooks"),
                    );
                }
            }
        }
    }

    fn envelopes(&mut self) {
        if self.old.envelopes != self.new.envelopes {
            self.add(
                Impact::Patch,
                "envelopes-changed",
                "servers::ENVELOPES",
                "the response envelopes' member names changed",
                (Side::New, "/x-fincode-envelopes"),
            )
            .runtime = Some("old clients unwrap responses by the old member names".to_owned());
        }
    }
}

/// `Group::method`, the operation as users call it.
fn op_item(api: &Api, op: &Operation) -> String {
    let group = api
        .groups
        .get(op.group)
        .map_or("", |g| g.struct_name.as_str());
    format!("{group}::{}", op.method_name.bare())
}

fn location(l: ParamIn) -> &'static str {
    match l {
        ParamIn::Path => "path",
        ParamIn::Query => "query",
        ParamIn::Header => "header",
        ParamIn::Cookie => "cookie",
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct { .. } => "struct",
        TypeKind::Enum { .. } => "enum",
        TypeKind::Tagged { .. } => "tagged union",
        TypeKind::Untagged { .. } => "untagged union",
        TypeKind::Alias(_) => "type alias",
        TypeKind::Newtype(_) => "newtype",
        TypeKind::ErrorBody { .. } => "error body enum",
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        return "none".to_owned();
    }
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn variables(s: &Server) -> String {
    if s.variables.is_empty() {
        return "none".to_owned();
    }
    s.variables
        .iter()
        .map(|(k, v)| format!("`{k}` = `{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The pointer of `wire` in the `enum` of the schema at `ptr`, or the schema's when it is not there.
fn enum_value(doc: &Value, ptr: &str, wire: &str) -> String {
    let list = pointer::push(ptr, "enum");
    doc.pointer(&list)
        .and_then(Value::as_array)
        .and_then(|values| values.iter().position(|v| v.as_str() == Some(wire)))
        .map_or_else(|| ptr.to_owned(), |i| pointer::push_index(&list, i))
}

/// The type as Rust source: what the API shows, so wire-only distinctions (a decimal written as a number
/// or a string, a date's format) do not count.
fn show(ty: &Ty) -> String {
    match ty {
        Ty::String => "String".to_owned(),
        Ty::Bool => "bool".to_owned(),
        Ty::I32 => "i32".to_owned(),
        Ty::I64 => "i64".to_owned(),
        Ty::F32 => "f32".to_owned(),
        Ty::F64 => "f64".to_owned(),
        Ty::Decimal { .. } => "Decimal".to_owned(),
        Ty::DateTime => "OffsetDateTime".to_owned(),
        Ty::Date => "Date".to_owned(),
        Ty::Formatted(f) => match f.kind {
            crate::ir::DateKind::Date => "Date".to_owned(),
            crate::ir::DateKind::DateTime => "PrimitiveDateTime".to_owned(),
        },
        Ty::Uuid => "Uuid".to_owned(),
        Ty::Bytes => "Vec<u8>".to_owned(),
        Ty::Parts => "Vec<Part>".to_owned(),
        Ty::Json => "serde_json::Value".to_owned(),
        Ty::Unit => "()".to_owned(),
        Ty::Named(name) => name.as_str().to_owned(),
        Ty::Vec(t) => format!("Vec<{}>", show(t)),
        Ty::Map(t) => format!("BTreeMap<String, {}>", show(t)),
        Ty::Option(t) => format!("Option<{}>", show(t)),
        Ty::Boxed(t) => format!("Box<{}>", show(t)),
    }
}
