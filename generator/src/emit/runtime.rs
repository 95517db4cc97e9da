//! The spec-independent runtime: ordinary, tested Rust in `generator/runtime/`, copied verbatim.

/// `(file name, contents)` of every runtime file, written under `src/runtime/`.
pub const FILES: &[(&str, &str)] = &[
    ("auth.rs", include_str!("../../runtime/src/auth.rs")),
    ("client.rs", include_str!("../../runtime/src/client.rs")),
    (
        "encryption.rs",
        include_str!("../../runtime/src/encryption.rs"),
    ),
    ("error.rs", include_str!("../../runtime/src/error.rs")),
    ("mod.rs", include_str!("../../runtime/src/lib.rs")),
    ("request.rs", include_str!("../../runtime/src/request.rs")),
    ("response.rs", include_str!("../../runtime/src/response.rs")),
    ("retry.rs", include_str!("../../runtime/src/retry.rs")),
    ("serde.rs", include_str!("../../runtime/src/serde.rs")),
    ("session.rs", include_str!("../../runtime/src/session.rs")),
    ("webhooks.rs", include_str!("../../runtime/src/webhooks.rs")),
];
