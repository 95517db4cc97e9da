//! The spec-independent runtime: ordinary, tested Rust in `generator/runtime/`, copied verbatim.

/// `(file name, contents)` of every runtime file, written under `src/runtime/`.
pub const FILES: &[(&str, &str)] = &[
    ("auth.rs", include_str!("../../runtime/auth.rs")),
    ("client.rs", include_str!("../../runtime/client.rs")),
    ("encryption.rs", include_str!("../../runtime/encryption.rs")),
    ("error.rs", include_str!("../../runtime/error.rs")),
    ("mod.rs", include_str!("../../runtime/mod.rs")),
    ("request.rs", include_str!("../../runtime/request.rs")),
    ("response.rs", include_str!("../../runtime/response.rs")),
    ("retry.rs", include_str!("../../runtime/retry.rs")),
    ("serde.rs", include_str!("../../runtime/serde.rs")),
    ("session.rs", include_str!("../../runtime/session.rs")),
    ("webhooks.rs", include_str!("../../runtime/webhooks.rs")),
];
