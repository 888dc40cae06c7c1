//! A repository's tree at one version, read straight from git objects (no checkout).

use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};

use super::entry::{Entry, EntryKind, FileId};
use super::error::SourceError;
use super::markers::distrust;

/// Opens the repository, verifying (and if need be repairing) the cache first.
pub(super) type Opener = Box<dyn FnOnce() -> Result<Repository, SourceError> + Send>;

pub(super) struct GitTree {
    pub(super) repo_name: String,
    pub(super) version: String,
    /// The commit, as the cache's marker records it (hex).
    pub(super) commit: String,
    /// The bare repository's folder.
    dir: std::path::PathBuf,
    /// The repository is opened on the first read: libgit2's start-up (OpenSSL's with it)
    /// costs a warm run more than its whole answer from the declaration index.
    opener: std::cell::RefCell<Option<Opener>>,
    opened: std::cell::OnceCell<Opened>,
    /// Why opening failed, told to every later reader.
    failed: std::cell::OnceCell<SourceError>,
}

struct Opened {
    git: Repository,
    tree: Oid,
}

impl GitTree {
    /// The tree of `commit` in the opened `git`, checked now.
    pub(super) fn new(
        repo_name: &str,
        version: &str,
        git: Repository,
        commit: Oid,
    ) -> Result<Self, SourceError> {
        let tree = tree_of(&git, commit).map_err(|e| SourceError::Corrupt {
            repo: repo_name.to_string(),
            detail: format!("commit {commit} of {version}: {}", e.message()),
        })?;
        Ok(Self {
            repo_name: repo_name.to_string(),
            version: version.to_string(),
            commit: commit.to_string(),
            dir: git.path().to_path_buf(),
            opener: std::cell::RefCell::new(None),
            opened: std::cell::OnceCell::from(Opened { git, tree }),
            failed: std::cell::OnceCell::new(),
        })
    }

    /// The tree of `commit` (hex) of the repository at `dir`, opened by `opener` when it is
    /// first read.
    pub(super) fn lazy(
        repo_name: &str,
        version: &str,
        dir: &std::path::Path,
        commit: &str,
        opener: Opener,
    ) -> Self {
        Self {
            repo_name: repo_name.to_string(),
            version: version.to_string(),
            commit: commit.to_string(),
            dir: dir.to_path_buf(),
            opener: std::cell::RefCell::new(Some(opener)),
            opened: std::cell::OnceCell::new(),
            failed: std::cell::OnceCell::new(),
        }
    }

    /// The repository and the commit's tree, opening them on first use. A failed opening is
    /// not tried again: every reader gets its error.
    fn opened(&self) -> Result<&Opened, SourceError> {
        if let Some(o) = self.opened.get() {
            return Ok(o);
        }
        if let Some(e) = self.failed.get() {
            return Err(e.again());
        }
        let open = self.opener.borrow_mut().take();
        let result = open
            .ok_or_else(|| SourceError::Corrupt {
                repo: self.repo_name.clone(),
                detail: format!("the cached repository of {} is not open", self.version),
            })
            .and_then(|open| open())
            .and_then(|git| {
                let commit = Oid::from_str(&self.commit).map_err(|e| self.corrupt("commit", &e))?;
                let tree = tree_of(&git, commit)
                    .map_err(|e| self.corrupt(&format!("commit {commit}"), &e))?;
                Ok(Opened { git, tree })
            });
        match result {
            Ok(o) => Ok(self.opened.get_or_init(|| o)),
            Err(e) => Err(self.failed.get_or_init(|| e).again()),
        }
    }

    /// An object of this version could not be read: stop trusting the version, so the next
    /// run verifies it and repairs the cache instead of failing the same way.
    fn corrupt(&self, what: &str, e: &git2::Error) -> SourceError {
        distrust(&self.dir, &self.version);
        SourceError::Corrupt {
            repo: self.repo_name.clone(),
            detail: format!("{what}: {}", e.message()),
        }
    }

    /// The entries of a directory (`""` is the root); `None` when it is not a directory.
    pub(super) fn list_dir(&self, dir: &str) -> Result<Option<Vec<Entry>>, SourceError> {
        let o = self.opened()?;
        let root = o
            .git
            .find_tree(o.tree)
            .map_err(|e| self.corrupt("root tree", &e))?;
        let tree = if dir.is_empty() {
            root
        } else {
            match root.get_path(std::path::Path::new(dir)) {
                Ok(entry) if entry.kind() == Some(ObjectType::Tree) => o
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
                    id: FileId::git(e.id()),
                })
                .collect(),
        ))
    }

    pub(super) fn is_dir(&self, dir: &str) -> bool {
        let Ok(o) = self.opened() else {
            return false;
        };
        let Ok(root) = o.git.find_tree(o.tree) else {
            return false;
        };
        dir.is_empty()
            || root
                .get_path(std::path::Path::new(dir))
                .is_ok_and(|e| e.kind() == Some(ObjectType::Tree) && e.filemode() == 0o040_000)
    }

    /// A blob's bytes.
    pub(super) fn blob(&self, oid: Oid) -> Result<Vec<u8>, SourceError> {
        self.opened()?
            .git
            .find_blob(oid)
            .map(|b| b.content().to_vec())
            .map_err(|e| self.corrupt(&format!("blob {oid}"), &e))
    }

    /// The bytes of a regular file, `None` if missing, a directory or a symlink.
    pub(super) fn read(&self, path: &str) -> Result<Option<Vec<u8>>, SourceError> {
        let o = self.opened()?;
        let root = o
            .git
            .find_tree(o.tree)
            .map_err(|e| self.corrupt("root tree", &e))?;
        match root.get_path(std::path::Path::new(path)) {
            Ok(e) if kind(&e) == EntryKind::File => self.blob(e.id()).map(Some),
            _ => Ok(None),
        }
    }

    /// A regular file exists at `path` (symlinks and directories are not files).
    pub(super) fn is_file(&self, path: &str) -> bool {
        let Ok(o) = self.opened() else {
            return false;
        };
        let Ok(root) = o.git.find_tree(o.tree) else {
            return false;
        };
        root.get_path(std::path::Path::new(path))
            .is_ok_and(|e| kind(&e) == EntryKind::File)
    }

    /// Every regular file whose name passes `wanted`, with its blob id, skipping folders
    /// named in `skip` at any depth. Reads trees only, no blobs.
    pub(super) fn files_where(
        &self,
        skip: &[&str],
        wanted: impl Fn(&[u8]) -> bool,
    ) -> Result<Vec<(String, Oid)>, SourceError> {
        let o = self.opened()?;
        let root = o
            .git
            .find_tree(o.tree)
            .map_err(|e| self.corrupt("root tree", &e))?;
        let mut found = Vec::new();
        root.walk(TreeWalkMode::PreOrder, |dir, entry| {
            let name = entry.name_bytes();
            match kind(entry) {
                EntryKind::Dir if skip.iter().any(|s| s.as_bytes() == name) => TreeWalkResult::Skip,
                EntryKind::File if wanted(name) => {
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

/// A file a filtered read kept: path and bytes.
type Kept = Option<(String, Vec<u8>)>;

impl GitTree {
    /// Read `files` in parallel and keep those whose bytes pass `keep`. Each worker opens its
    /// own handle on the repository (libgit2 handles are not shared between threads); only
    /// kept files stay in memory, so a pass over the whole tree costs one file per thread.
    ///
    /// libgit2 re-hashes every object it reads (SHA-1 with collision detection) unless told
    /// not to; git itself does not when it reads objects (`git grep`, `git cat-file`). Over
    /// 14,000 blobs that check was a quarter of the pass, so it is off while the pass runs and
    /// back on after. Commits and trees are still read, and verified, outside this pass.
    pub(super) fn par_read_filtered(
        &self,
        files: &[(String, Oid)],
        keep: &(dyn Fn(&[u8]) -> bool + Sync),
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Vec<(String, Vec<u8>)>, SourceError> {
        use rayon::prelude::*;
        let path = self.opened()?.git.path().to_path_buf();
        let repo_name = self.repo_name.as_str();
        let corrupt = |what: &str, e: &git2::Error| SourceError::Corrupt {
            repo: repo_name.to_string(),
            detail: format!("{what}: {}", e.message()),
        };
        git2::opts::strict_hash_verification(false);
        let results: Vec<Result<Kept, SourceError>> = files
            .par_iter()
            .map_init(
                || Repository::open(&path),
                |repo, (name, oid)| {
                    progress(1);
                    let repo = repo.as_ref().map_err(|e| corrupt("reopen", e))?;
                    let blob = repo
                        .find_blob(*oid)
                        .map_err(|e| corrupt(&format!("blob {oid} ({name})"), &e))?;
                    Ok(keep(blob.content()).then(|| (name.clone(), blob.content().to_vec())))
                },
            )
            .collect();
        git2::opts::strict_hash_verification(true);
        let mut kept = Vec::new();
        for r in results {
            if let Some(file) = r? {
                kept.push(file);
            }
        }
        Ok(kept)
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

fn tree_of(git: &Repository, commit: Oid) -> Result<Oid, git2::Error> {
    git.find_commit(commit)
        .and_then(|c| c.tree())
        .map(|t| t.id())
}
