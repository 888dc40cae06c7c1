//! What a snapshot lists: entries of a folder, and the opaque content ids of files.

use git2::Oid;

use super::gomod::ZipId;

/// A tree entry's kind. Symlinks are reported but never followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    Other,
}

/// The content id of a file: a git blob, or an entry of a module zip. Opaque: it is only
/// handed back to the snapshot it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileId(pub(super) Id);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Id {
    Git(Oid),
    Zip(ZipId),
    /// A folder or symlink: no content.
    None,
}

#[allow(non_upper_case_globals, non_snake_case)] // constructors that read like variants
impl FileId {
    pub(super) fn git(oid: Oid) -> Self {
        Self(Id::Git(oid))
    }
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub name: String,
    pub kind: EntryKind,
    pub id: FileId,
}
