//! Upstream sources: a git2 cache of pinned tags, redirectable to mirrors, and Go modules
//! read from the user's module cache (`gomod`). Both give a [`Snapshot`].
//!
//! One bare repository per upstream under the cache folder. Over the network only the tag is
//! fetched, shallow. A local mirror (`file://` or a path) is linked through git alternates
//! instead: libgit2 refuses shallow fetches over its local transport, and a full copy of the
//! Kubernetes history would cost seconds and hundreds of megabytes for nothing (see
//! docs/performance.md). A tag is trusted only once its commit and tree were read back and a
//! marker was written; a fetch killed half-way leaves no marker, so the next run fetches again.

mod cache;
mod entry;
mod error;
mod git_tree;
pub mod gomod;
mod lines;
mod markers;
mod snapshot;
mod spec;
pub mod url;

pub use cache::{CachedRepo, FetchOutcome, INDEX_DIR, SourceMode, Sources};
pub use entry::{ContentId, Entry, EntryKind, FileId};
pub use error::SourceError;
pub use lines::FileLines;
#[cfg(test)]
pub(crate) use snapshot::test_snapshot;
pub use snapshot::{Published, Snapshot};
pub use spec::{RepoSource, RepoSpec};
