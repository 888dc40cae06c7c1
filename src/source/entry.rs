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

/// What a file's bytes are, whatever tree it is in: the git blob id (SHA-1 of
/// `blob LEN\0BYTES`). A git tree lists it without reading the file; a module zip's entry
/// gets it by hashing its inflated bytes, so a file shared by a tag and a module version has
/// one id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentId(pub [u8; 20]);

impl ContentId {
    /// The git blob id of `bytes`.
    pub fn of_bytes(bytes: &[u8]) -> Self {
        let oid = Oid::hash_object(git2::ObjectType::Blob, bytes).unwrap_or(Oid::ZERO_SHA1);
        let mut id = [0; 20];
        id.copy_from_slice(&oid.as_bytes()[..20]);
        Self(id)
    }
}

impl std::fmt::Display for ContentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl FileId {
    /// The content id without reading the file, when the tree knows it (git).
    pub fn content_id(self) -> Option<ContentId> {
        match self.0 {
            Id::Git(oid) => {
                let mut id = [0; 20];
                id.copy_from_slice(&oid.as_bytes()[..20]);
                Some(ContentId(id))
            }
            Id::Zip(_) | Id::None => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub name: String,
    pub kind: EntryKind,
    pub id: FileId,
}
