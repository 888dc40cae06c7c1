//! A repository's tree at one version, whichever source it is read from: git objects
//! (`git_tree`) or Go module zips (`gomod`). Callers see folders, files and content ids;
//! neither git2 nor zip types leave this module.

use git2::Oid;

use super::entry::{Entry, EntryKind, FileId, Id};
use super::error::SourceError;
use super::git_tree::GitTree;
use super::gomod::{Child, ModuleTree};

/// A file a filtered read kept: path and bytes.
type Kept = (String, Vec<u8>);

pub use super::gomod::hosting::Published;

pub struct Snapshot {
    pub repo_name: String,
    /// The version read: a tag, a commit pin, or a module version (`v1.13` resolved to
    /// `v1.13.0`).
    pub version: String,
    /// The commit of a git tree; for Go modules, the root module's go.sum hash (`h1:…`),
    /// the content id the checksum database vouches for.
    pub commit: String,
    /// The upstream the repo's permalinks name (`https://github.com/kubernetes/kubernetes`).
    pub upstream: String,
    /// Where the declaration index lives (`INDEX_DIR` under the cache); `None` reads without
    /// one (test snapshots, `--no-index`).
    pub index_root: Option<std::path::PathBuf>,
    tree: Tree,
}

enum Tree {
    Git(GitTree),
    Modules(ModuleTree),
}

impl Snapshot {
    pub(super) fn from_git(tree: GitTree, upstream: &str) -> Self {
        Self {
            repo_name: tree.repo_name.clone(),
            version: tree.version.clone(),
            commit: tree.commit.clone(),
            upstream: upstream_of(upstream),
            index_root: None,
            tree: Tree::Git(tree),
        }
    }

    pub(super) fn from_modules(
        repo_name: &str,
        version: String,
        sum: String,
        upstream: &str,
        tree: ModuleTree,
    ) -> Self {
        Self {
            repo_name: repo_name.to_string(),
            version,
            commit: sum,
            upstream: upstream_of(upstream),
            index_root: None,
            tree: Tree::Modules(tree),
        }
    }

    fn zip_error(&self, detail: String) -> SourceError {
        if let Tree::Modules(t) = &self.tree
            && let Some(refused) = t.root_error()
        {
            return refused;
        }
        SourceError::Corrupt {
            repo: self.repo_name.clone(),
            detail,
        }
    }

    /// The entries of a directory (`""` is the root); `None` when it is not a directory.
    pub fn list_dir(&self, dir: &str) -> Result<Option<Vec<Entry>>, SourceError> {
        match &self.tree {
            Tree::Git(t) => t.list_dir(dir),
            Tree::Modules(t) => Ok(t.list_dir(dir).map_err(|e| self.zip_error(e))?.map(|v| {
                v.into_iter()
                    .map(|(name, child, id)| Entry {
                        name,
                        kind: match child {
                            Child::File(_) => EntryKind::File,
                            Child::Dir => EntryKind::Dir,
                            Child::Symlink => EntryKind::Symlink,
                        },
                        id: FileId(id.map_or(Id::None, Id::Zip)),
                    })
                    .collect()
            })),
        }
    }

    pub fn is_dir(&self, dir: &str) -> bool {
        match &self.tree {
            Tree::Git(t) => t.is_dir(dir),
            Tree::Modules(t) => t.is_dir(dir),
        }
    }

    /// The index under `root`, for this snapshot's reads.
    #[must_use]
    pub fn with_index(mut self, root: Option<std::path::PathBuf>) -> Self {
        self.index_root = root;
        self
    }

    /// A file's bytes, by the id a listing gave.
    pub fn blob(&self, id: FileId) -> Result<Vec<u8>, SourceError> {
        match (&self.tree, id.0) {
            (Tree::Git(t), Id::Git(oid)) => t.blob(oid),
            (Tree::Modules(t), Id::Zip(z)) => t.read(z).map_err(|e| self.zip_error(e)),
            _ => Err(self.zip_error("a file id of another snapshot".into())),
        }
    }

    /// The bytes of a regular file, `None` if missing, a directory or a symlink.
    pub fn read(&self, path: &str) -> Result<Option<Vec<u8>>, SourceError> {
        match &self.tree {
            Tree::Git(t) => t.read(path),
            Tree::Modules(t) => match t.file(path) {
                Some(id) => t.read(id).map(Some).map_err(|e| self.zip_error(e)),
                None => t.root_error().map_or(Ok(None), Err),
            },
        }
    }

    /// A regular file exists at `path` (symlinks and directories are not files).
    pub fn is_file(&self, path: &str) -> bool {
        match &self.tree {
            Tree::Git(t) => t.is_file(path),
            Tree::Modules(t) => t.file(path).is_some(),
        }
    }

    /// Every regular file named `file_name`, skipping directories in `skip` at any depth.
    pub fn find_named(
        &self,
        file_name: &str,
        skip: &[&str],
    ) -> Result<Vec<(String, FileId)>, SourceError> {
        self.files_where(skip, &|name| name == file_name.as_bytes())
    }

    /// Every regular file whose name ends with `suffix`, skipping folders named in `skip` at
    /// any depth. Reads listings only, no contents. In a module tree this is the tree's own
    /// code (the root module and the modules it replaces by its own folders).
    pub fn files_with_suffix(
        &self,
        suffix: &str,
        skip: &[&str],
    ) -> Result<Vec<(String, FileId)>, SourceError> {
        self.files_where(skip, &|name| name.ends_with(suffix.as_bytes()))
    }

    /// Parts of the tree that whole-tree walks had to leave out, each with why: in a module
    /// tree, own folders whose module could not be read. Git trees have none.
    pub fn unreadable(&self) -> Vec<String> {
        match &self.tree {
            Tree::Git(_) => Vec::new(),
            Tree::Modules(t) => t.unreadable(),
        }
    }

    fn files_where(
        &self,
        skip: &[&str],
        wanted: &dyn Fn(&[u8]) -> bool,
    ) -> Result<Vec<(String, FileId)>, SourceError> {
        match &self.tree {
            Tree::Git(t) => Ok(t
                .files_where(skip, wanted)?
                .into_iter()
                .map(|(p, oid)| (p, FileId::git(oid)))
                .collect()),
            Tree::Modules(t) => {
                let files = t.files_where(skip, &|name| wanted(name.as_bytes()));
                if let Some(refused) = t.root_error() {
                    return Err(refused);
                }
                Ok(files
                    .into_iter()
                    .map(|(p, z)| (p, FileId(Id::Zip(z))))
                    .collect())
            }
        }
    }

    /// Read `files` in parallel and keep those whose bytes pass `keep`; only kept files stay
    /// in memory.
    pub fn par_read_filtered(
        &self,
        files: &[(String, FileId)],
        keep: &(dyn Fn(&[u8]) -> bool + Sync),
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Vec<(String, Vec<u8>)>, SourceError> {
        match &self.tree {
            Tree::Git(t) => {
                let oids: Vec<(String, Oid)> = files
                    .iter()
                    .filter_map(|(p, id)| match id.0 {
                        Id::Git(oid) => Some((p.clone(), oid)),
                        _ => None,
                    })
                    .collect();
                t.par_read_filtered(&oids, keep, progress)
            }
            Tree::Modules(t) => {
                use rayon::prelude::*;
                let read: Vec<Result<Option<Kept>, String>> = files
                    .par_iter()
                    .map(|(path, id)| {
                        progress(1);
                        let Id::Zip(z) = id.0 else {
                            return Ok(None);
                        };
                        let bytes = t.read(z)?;
                        Ok(keep(&bytes).then(|| (path.clone(), bytes)))
                    })
                    .collect();
                let mut kept = Vec::new();
                for r in read {
                    if let Some(file) = r.map_err(|e| self.zip_error(e))? {
                        kept.push(file);
                    }
                }
                Ok(kept)
            }
        }
    }

    /// Download at once whatever modules the packages `import_paths` need (module trees;
    /// nothing to do for git). Saves one go command per package.
    pub fn prefetch(&self, import_paths: &[&str]) {
        if let Tree::Modules(t) = &self.tree {
            t.prefetch(import_paths, false);
        }
    }

    /// The Go modules of a module tree and their folders (root first); `None` for git, whose
    /// modules are found from its go.mod files.
    /// A module tree whose root has no go.mod (Kubernetes before v1.15): its staging
    /// folders are packages through GOPATH, not modules it declares.
    pub fn gopath_era(&self) -> bool {
        match &self.tree {
            Tree::Git(_) => false,
            Tree::Modules(t) => t.gopath_era(),
        }
    }

    /// The folder of the tree's own code that holds `dir`: the whole tree for git, the root
    /// or a replaced staging folder for modules; `None` for a required module's mount.
    pub fn own_mount(&self, dir: &str) -> Option<String> {
        match &self.tree {
            Tree::Git(_) => Some(String::new()),
            Tree::Modules(t) => t.own_mount(dir).map(str::to_string),
        }
    }

    /// The parts of the tree this run could not read so far (a module that would not
    /// download, a refused zip): what is computed from the tree may lack what is in them.
    pub fn unread_parts(&self) -> Vec<String> {
        match &self.tree {
            Tree::Git(_) => Vec::new(),
            Tree::Modules(t) => t.failed_mounts(),
        }
    }

    /// Whether part `dir` (one of [`Self::unread_parts`] of an earlier run) still cannot be
    /// read, asking nothing of the network: not in the module cache, and refused recently or
    /// not to be downloaded.
    pub fn still_unread(&self, dir: &str) -> bool {
        match &self.tree {
            Tree::Git(_) => false,
            Tree::Modules(t) => t.still_unread(dir),
        }
    }

    /// Folders of the tree's own code that whole-tree walks could not read.
    pub fn unreadable_dirs(&self) -> Vec<String> {
        match &self.tree {
            Tree::Git(_) => Vec::new(),
            Tree::Modules(t) => t.unreadable_dirs(),
        }
    }

    pub fn declared_modules(&self) -> Option<Vec<(String, String)>> {
        match &self.tree {
            Tree::Git(_) => None,
            Tree::Modules(t) => Some(t.modules()),
        }
    }

    /// Why package `import_path` cannot be read from this snapshot, when the source can say
    /// more than "not found" (vendored code of a GOPATH-era module, a module that would not
    /// download).
    pub fn why_missing(&self, import_path: &str) -> Option<String> {
        match &self.tree {
            Tree::Git(_) => None,
            Tree::Modules(t) => t.why_missing(import_path),
        }
    }

    /// A permalink base for `path`: `{repo}/blob/{rev}/{path}`. The tree's own files are at
    /// the repo's upstream and version; a third-party module's file is in its own repository
    /// at its own version. `None` off GitHub.
    pub fn published(&self, path: &str) -> Option<Published> {
        if let Tree::Modules(t) = &self.tree
            && let Some(other) = t.published(path)
        {
            return other;
        }
        self.upstream
            .starts_with("https://github.com/")
            .then(|| Published {
                repo: self.upstream.clone(),
                rev: self.version.clone(),
                path: path.to_string(),
            })
    }
}

fn upstream_of(url: &str) -> String {
    url.trim_end_matches('/')
        .trim_end_matches(".git")
        .to_string()
}

/// A snapshot of `files` (path, text) committed to a fresh repository in a temp folder, for
/// unit tests of the code that reads snapshots. Keep the folder alive as long as the snapshot.
#[cfg(test)]
pub(crate) fn test_snapshot(files: &[(&str, &str)]) -> (tempfile::TempDir, Snapshot) {
    let dir = tempfile::tempdir().unwrap();
    let git = git2::Repository::init(dir.path()).unwrap();
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    let mut index = git.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    let tree = git.find_tree(index.write_tree().unwrap()).unwrap();
    // A fixed time: the same files make the same commit, whichever second a test runs in.
    let when = git2::Time::new(1_700_000_000, 0);
    let sig = git2::Signature::new("test", "test@example.com", &when).unwrap();
    let commit = git.commit(None, &sig, &sig, "test", &tree, &[]).unwrap();
    drop(tree);
    let tree = GitTree::new("test", "v1", git, commit).unwrap();
    (
        dir,
        Snapshot::from_git(tree, "https://github.com/example/test"),
    )
}
