//! A repository's tree at one version, read straight from git objects (no checkout).

use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};

use super::SourceError;

/// A tree entry's kind. Symlinks are reported but never followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    Other,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub name: String,
    pub kind: EntryKind,
    pub oid: Oid,
}

pub struct Snapshot {
    pub repo_name: String,
    pub version: String,
    pub commit: Oid,
    tree: Oid,
    git: Repository,
}

impl Snapshot {
    pub(super) fn new(
        repo_name: &str,
        version: &str,
        git: Repository,
        commit: Oid,
    ) -> Result<Self, SourceError> {
        let tree = git
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map(|t| t.id())
            .map_err(|e| SourceError::Corrupt {
                repo: repo_name.to_string(),
                detail: format!("commit {commit} of {version}: {}", e.message()),
            })?;
        Ok(Self {
            repo_name: repo_name.to_string(),
            version: version.to_string(),
            commit,
            tree,
            git,
        })
    }

    /// An object of this version could not be read: stop trusting the version, so the next
    /// run verifies it and repairs the cache instead of failing the same way.
    fn corrupt(&self, what: &str, e: &git2::Error) -> SourceError {
        super::cache::distrust(self.git.path(), &self.version);
        SourceError::Corrupt {
            repo: self.repo_name.clone(),
            detail: format!("{what}: {}", e.message()),
        }
    }

    /// The entries of a directory (`""` is the root); `None` when it is not a directory.
    pub fn list_dir(&self, dir: &str) -> Result<Option<Vec<Entry>>, SourceError> {
        let root = self
            .git
            .find_tree(self.tree)
            .map_err(|e| self.corrupt("root tree", &e))?;
        let tree = if dir.is_empty() {
            root
        } else {
            match root.get_path(std::path::Path::new(dir)) {
                Ok(entry) if entry.kind() == Some(ObjectType::Tree) => self
                    .git
                    .find_tree(entry.id())
                    .map_err(|e| self.corrupt(dir, &e))?,
                _ => return Ok(None),
            }
        };
        Ok(Some(
            tree.iter()
                .map(|e| Entry {
                    name: String::from_utf8_lossy(e.name_bytes()).into_owned(),
                    kind: kind(&e),
                    oid: e.id(),
                })
                .collect(),
        ))
    }

    pub fn is_dir(&self, dir: &str) -> bool {
        let Ok(root) = self.git.find_tree(self.tree) else {
            return false;
        };
        dir.is_empty()
            || root
                .get_path(std::path::Path::new(dir))
                .is_ok_and(|e| e.kind() == Some(ObjectType::Tree) && e.filemode() == 0o040_000)
    }

    /// A blob's bytes.
    pub fn blob(&self, oid: Oid) -> Result<Vec<u8>, SourceError> {
        self.git
            .find_blob(oid)
            .map(|b| b.content().to_vec())
            .map_err(|e| self.corrupt(&format!("blob {oid}"), &e))
    }

    /// The bytes of a regular file, `None` if missing, a directory or a symlink.
    pub fn read(&self, path: &str) -> Result<Option<Vec<u8>>, SourceError> {
        let root = self
            .git
            .find_tree(self.tree)
            .map_err(|e| self.corrupt("root tree", &e))?;
        match root.get_path(std::path::Path::new(path)) {
            Ok(e) if kind(&e) == EntryKind::File => self.blob(e.id()).map(Some),
            _ => Ok(None),
        }
    }

    /// Every regular file named `file_name`, skipping directories in `skip` at any depth.
    pub fn find_named(
        &self,
        file_name: &str,
        skip: &[&str],
    ) -> Result<Vec<(String, Oid)>, SourceError> {
        let root = self
            .git
            .find_tree(self.tree)
            .map_err(|e| self.corrupt("root tree", &e))?;
        let mut found = Vec::new();
        root.walk(TreeWalkMode::PreOrder, |dir, entry| {
            let name = entry.name_bytes();
            match kind(entry) {
                EntryKind::Dir if skip.iter().any(|s| s.as_bytes() == name) => TreeWalkResult::Skip,
                EntryKind::File if name == file_name.as_bytes() => {
                    found.push((
                        format!("{dir}{}", String::from_utf8_lossy(name)),
                        entry.id(),
                    ));
                    TreeWalkResult::Ok
                }
                _ => TreeWalkResult::Ok,
            }
        })
        .map_err(|e| self.corrupt("tree walk", &e))?;
        Ok(found)
    }
}

fn kind(e: &git2::TreeEntry<'_>) -> EntryKind {
    match e.filemode() {
        0o040_000 => EntryKind::Dir,
        0o100_644 | 0o100_755 | 0o100_664 => EntryKind::File,
        0o120_000 => EntryKind::Symlink,
        _ => EntryKind::Other,
    }
}
