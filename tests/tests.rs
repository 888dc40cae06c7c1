//! Integration tests: the real binary against git repositories made in temp folders, and
//! (ignored unless mirrors are built) against real Kubernetes source.

mod bad_mappings;
mod calls;
mod cli;
mod declarations;
mod draft;
mod drift;
mod faults;
mod hostile_go;
mod index;
mod keep_going;
mod mapping;
mod matrix;
mod mcp;
mod modules;
mod real_modules;
mod real_source;
mod rust_items;
mod site;
mod util;
