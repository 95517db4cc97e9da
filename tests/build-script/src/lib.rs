//! A client generated at build time: `build.rs` turns `petstore.yaml` into one Rust file, included here.
//!
//! ```no_run
//! # async fn run() -> petstore_build_script::Result<()> {
//! let client = petstore_build_script::Client::builder()
//!     .base_url("https://petstore.example.com/v1")
//!     .api_key("secret")
//!     .build()?;
//! let pets = client.pets().list_pets().limit(10).await?;
//! println!("{} pets", pets.data().len());
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
