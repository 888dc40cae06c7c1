//! Compatibility path: Go symbols now live in [`crate::golang::symbol`], names in [`crate::item`].

pub use crate::golang::symbol::*;
