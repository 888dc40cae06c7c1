//! k8s-study: annotated reading paths through the Kubernetes source.
//!
//! The mapping ([`mapping`]) ties articles to Go symbols; [`source`] fetches the pinned trees
//! into a git2 cache; [`golang`] finds declarations with tree-sitter-go; [`resolve`] answers
//! where each symbol is at a version; [`drift`] what changed between two versions; [`lookup`]
//! and [`stats`] answer from the mapping alone. The `k8s-study` binary is a thin clap layer
//! over these.

pub mod draft;
pub mod drift;
pub mod era;
pub mod error;
pub mod golang;
pub mod guide;
pub mod item;
pub mod languages;
pub mod lookup;
pub mod mapping;
pub mod matrix;
pub mod memo;
pub mod output;
pub mod render;
pub mod resolve;
pub mod rustlang;
#[cfg(test)]
mod serde_names;
pub mod source;
pub mod stats;
pub mod versions;

pub use error::Error;
