//! Writing generated files to disk (the only IO of this crate, used by the CLI and `cargo xtask codegen`).
