//! Rust source (kube-rs, the Rust counterpart of client-go and controller-runtime): items of
//! a workspace's crates found with syn, named by crate path, resolved into the same
//! [`Resolution`](crate::item::Resolution) Go symbols produce so every renderer works.
//!
//! [`crates`] reads the `Cargo.toml` files, [`index`] follows a crate's module tree and
//! [`items`] parses each file; [`resolve()`] answers queries, following `pub use` re-exports.

pub mod crates;
mod engine;
pub(crate) mod highlight;
pub mod index;
pub mod items;
pub mod resolve;
pub mod symbol;

pub use engine::Rust;
pub use resolve::resolve;
pub use symbol::{RustPath, RustPathError};

#[cfg(test)]
mod tests;
