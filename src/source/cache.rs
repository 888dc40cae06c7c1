//! The on-disk cache: bare repositories, locks, trusted-tag markers, fetching.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use git2::{
    AutotagOption, FetchOptions, ObjectType, Oid, RemoteCallbacks, Repository, TreeWalkMode,
    TreeWalkResult,
};
use indicatif::{ProgressBar, ProgressStyle};

use super::error::{SourceError, io_err};
use super::git_tree::GitTree;
use super::gomod::{GoEnv, ModuleTree};
use super::markers::{
    DAMAGED, MARKERS, marker_note, marker_path, read_marker, recorded_commit, trusted_commit,
    unmarker, write_atomic, write_marker,
};
use super::snapshot::Snapshot;
use super::spec::{RepoSource, RepoSpec};
use super::url::{Redirects, cache_key, check_url, local_path};

/// Which source reads a repo that could come from git or from Go modules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SourceMode {
    /// Git for a repo with a configured mirror (`--mirror`, `K8S_STUDY_MIRROR`) or without a
    /// Go module; Go modules otherwise.
    #[default]
    Auto,
    Git,
    Modules,
}

/// Where sources come from and go to.
#[derive(Clone)]
pub struct Sources {
    root: PathBuf,
    redirects: Redirects,
    progress: bool,
    verbose: bool,
    mode: SourceMode,
    /// Snapshots read and fill the declaration index under `INDEX_DIR` (off: `--no-index`).
    index: bool,
    go: std::sync::OnceLock<std::sync::Arc<GoEnv>>,
}

/// The folder of the cache that holds declaration indexes (one sub-folder per format).
pub const INDEX_DIR: &str = "index";

/// A repository in the cache, for `cache list`.
#[derive(Debug, serde::Serialize)]
pub struct CachedRepo {
    /// `git` (our cache of bare repositories) or `modules` (the user's Go module cache).
    pub source: &'static str,
    /// Path under the cache's `repos/`, e.g. `github.com/kubernetes/client-go.git`, or a
    /// module path.
    pub key: String,
    pub path: PathBuf,
    /// Tags (or commit pins) the cache trusts.
    pub versions: Vec<String>,
    /// Size on disk (a repository linked to a local mirror is small: the objects stay there).
    pub bytes: u64,
}

/// What a fetch did.
#[derive(Debug)]
pub struct FetchOutcome {
    /// A commit, or a module's go.sum hash.
    pub commit: String,
    /// The version fetched (a module query such as `v1.13` resolved).
    pub version: String,
    /// Served from the cache without touching any remote.
    pub cached: bool,
    /// The URL the objects came from (a mirror or the upstream), `None` when cached.
    pub url: Option<String>,
    pub elapsed: Duration,
    /// Parts of the tree that could not be fetched, each with why (a module tree's staging
    /// module the proxy does not serve); the rest of the tree is usable.
    pub unavailable: Vec<String>,
}

impl Sources {
    /// `cache`: the cache folder, or the platform's user cache folder when `None`.
    pub fn new(
        cache: Option<PathBuf>,
        redirects: Redirects,
        progress: bool,
    ) -> Result<Self, SourceError> {
        let root = match cache {
            Some(dir) => dir,
            None => directories::ProjectDirs::from("", "", "k8s-study")
                .ok_or(SourceError::NoCacheDir)?
                .cache_dir()
                .to_path_buf(),
        };
        Ok(Self {
            root,
            redirects,
            progress,
            verbose: false,
            mode: SourceMode::Auto,
            index: true,
            go: std::sync::OnceLock::new(),
        })
    }

    /// How repos that could come from either source are read (`--source`).
    #[must_use]
    pub fn mode(mut self, mode: SourceMode) -> Self {
        self.mode = mode;
        self
    }

    /// Whether snapshots use the declaration index.
    #[must_use]
    pub fn index(mut self, on: bool) -> Self {
        self.index = on;
        self
    }

    /// The folder of the declaration index, when snapshots use it.
    pub fn index_root(&self) -> Option<PathBuf> {
        self.index.then(|| self.root.join(INDEX_DIR))
    }

    /// Size on disk of the declaration index (every format version in it).
    pub fn index_bytes(&self) -> u64 {
        disk_usage(&self.root.join(INDEX_DIR))
    }

    /// Remove the declaration index; `true` if there was one.
    pub fn clean_index(&self) -> Result<bool, SourceError> {
        let dir = self.root.join(INDEX_DIR);
        if !dir.exists() {
            return Ok(false);
        }
        fs::remove_dir_all(&dir).map_err(io_err("cannot remove", &dir))?;
        Ok(true)
    }

    /// The user's Go environment, asked once per run.
    pub fn go_env(&self) -> std::sync::Arc<GoEnv> {
        self.go
            .get_or_init(|| std::sync::Arc::new(GoEnv::detect(Some(&self.root))))
            .clone()
    }

    /// Whether `repo` is read from Go modules in this run.
    pub fn uses_modules(&self, repo: &RepoSpec) -> bool {
        let Some(_) = &repo.module else {
            return false;
        };
        match (repo.source, self.mode) {
            (RepoSource::Git, _) | (_, SourceMode::Git) => false,
            (RepoSource::Modules, _) | (_, SourceMode::Modules) => true,
            (RepoSource::Auto, SourceMode::Auto) => {
                !self.redirects.configured(&repo.name, &repo.url)
            }
        }
    }

    /// The Go module of `repo` at `version`: the repo's module path, with the major-version
    /// suffix Go requires from v2 on (`sigs.k8s.io/kubebuilder` at v3.0.0 is
    /// `sigs.k8s.io/kubebuilder/v3`).
    pub fn module_of(repo: &RepoSpec, version: &str) -> Option<String> {
        let base = repo.module.as_deref()?;
        let base = match base.rsplit_once('/') {
            Some((head, last)) if is_major_suffix(last) => head,
            _ => base,
        };
        let major: u64 = version
            .trim_start_matches('v')
            .split(['.', '-', '+'])
            .next()?
            .parse()
            .ok()?;
        let incompatible = version.ends_with("+incompatible");
        Some(if major >= 2 && !incompatible {
            format!("{base}/v{major}")
        } else {
            base.to_string()
        })
    }

    fn module_snapshot(
        &self,
        repo: &RepoSpec,
        version: &str,
        download: bool,
    ) -> Result<(Snapshot, FetchOutcome), SourceError> {
        let started = Instant::now();
        let module = Self::module_of(repo, version).ok_or_else(|| SourceError::Module {
            module: repo.module.clone().unwrap_or_default(),
            version: version.to_string(),
            detail: "not a module version (vX.Y.Z)".into(),
            go: true,
            goproxy: String::new(),
        })?;
        let env = self.go_env();
        let was_cached = env.cached(&module, version).is_some();
        let result = ModuleTree::open(env, &module, version, download, self.progress);
        if self.verbose {
            match &result {
                Ok(o) => eprintln!(
                    "{} {version}: Go module {module}@{} ({}), {}",
                    repo.name,
                    o.version,
                    if was_cached {
                        "module cache"
                    } else {
                        "downloaded"
                    },
                    o.sum
                ),
                Err(e) => eprintln!("{} {version}: {e}", repo.name),
            }
        }
        let opened = result?;
        let outcome = FetchOutcome {
            commit: opened.sum.clone(),
            version: opened.version.clone(),
            cached: was_cached,
            url: (!was_cached).then(|| format!("go mod download {module}@{version}")),
            elapsed: started.elapsed(),
            unavailable: Vec::new(),
        };
        let snapshot = Snapshot::from_modules(
            &repo.name,
            opened.version,
            opened.sum,
            &repo.url,
            opened.tree,
        )
        .with_index(self.index_root());
        Ok((snapshot, outcome))
    }

    /// Report on stderr where every tree comes from (`-v`).
    #[must_use]
    pub fn verbose(mut self, on: bool) -> Self {
        self.verbose = on;
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every cached repository, sorted by key.
    pub fn cached(&self) -> Result<Vec<CachedRepo>, SourceError> {
        let repos = self.root.join("repos");
        let mut found = Vec::new();
        let mut pending = vec![repos.clone()];
        while let Some(dir) = pending.pop() {
            let Ok(entries) = fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.filter_map(Result::ok) {
                let path = entry.path();
                if !entry.file_type().is_ok_and(|t| t.is_dir()) {
                    continue;
                }
                if path.extension().is_some_and(|e| e == "git") {
                    let key = path
                        .strip_prefix(&repos)
                        .unwrap_or(&path)
                        .display()
                        .to_string();
                    // Trusted versions only: not temp files of a marker being written, not
                    // versions on record but damaged or moved.
                    let mut versions: Vec<String> = fs::read_dir(path.join(MARKERS))
                        .map(|d| {
                            d.filter_map(Result::ok)
                                .filter(|e| read_marker(&e.path()).is_some())
                                .map(|e| unmarker(&e.file_name().to_string_lossy()))
                                .collect()
                        })
                        .unwrap_or_default();
                    versions.sort();
                    found.push(CachedRepo {
                        source: "git",
                        key,
                        bytes: disk_usage(&path),
                        path,
                        versions,
                    });
                } else {
                    pending.push(path);
                }
            }
        }
        found.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(found)
    }

    /// The versions of `repos`' Go modules in the user's module cache, one entry per module
    /// (sizes are the zips'). Read only: that cache is the go command's to clean.
    pub fn cached_modules(&self, repos: &[RepoSpec]) -> Vec<CachedRepo> {
        let env = self.go_env();
        let mut by_module: std::collections::BTreeMap<String, CachedRepo> =
            std::collections::BTreeMap::new();
        for module in repos.iter().filter_map(|r| r.module.as_deref()) {
            for (path, version, bytes) in env.cached_versions(module) {
                let entry = by_module.entry(path.clone()).or_insert_with(|| CachedRepo {
                    source: "modules",
                    path: env.modcache.join("cache/download").join(&path),
                    key: path,
                    versions: Vec::new(),
                    bytes: 0,
                });
                if !entry.versions.contains(&version) {
                    entry.versions.push(version);
                    entry.bytes += bytes;
                }
            }
        }
        by_module.into_values().collect()
    }

    /// Remove one repo's cache (under its lock, so a running fetch finishes first) or the
    /// whole cache of repositories. Returns how many repositories were removed.
    pub fn clean(&self, repo: Option<&RepoSpec>) -> Result<usize, SourceError> {
        let Some(repo) = repo else {
            let n = self.cached()?.len();
            let repos = self.root.join("repos");
            if repos.exists() {
                fs::remove_dir_all(&repos).map_err(io_err("cannot remove", &repos))?;
            }
            return Ok(n);
        };
        let dir = self.repo_dir(repo);
        if !dir.exists() {
            return Ok(0);
        }
        let _lock = lock_repo(&dir)?; // held until the folder is gone
        fs::remove_dir_all(&dir).map_err(io_err("cannot remove", &dir))?;
        Ok(1)
    }

    fn repo_dir(&self, repo: &RepoSpec) -> PathBuf {
        self.root.join("repos").join(cache_key(&repo.url))
    }

    /// `version` made exact: a bare minor (`v1.13`, `v0.5`) is its newest patch that can be
    /// read. From Go modules that is the newest the go command can get (see
    /// [`GoEnv::newest_patch`]); from git, or without a go command, the newest in the module
    /// cache, else patch 0. A version with a patch is returned as it is.
    pub fn exact_version(&self, repo: &RepoSpec, version: &str) -> String {
        let numbers = version.trim_start_matches('v').split('.').count();
        if numbers != 2 {
            return self.incompatible(repo, version);
        }
        if self.uses_modules(repo)
            && let Some(module) = Self::module_of(repo, &format!("{version}.0"))
        {
            let env = self.go_env();
            if let Some(v) = env
                .newest_patch(&module, version)
                .or_else(|| env.newest_cached(&module, version))
            {
                return v;
            }
        }
        format!("{version}.0")
    }

    /// A v2+ tag of a module without a `/vN` path (client-go `v6.0.0`, from before it had a
    /// go.mod) is served as `v6.0.0+incompatible`; from git it is the tag itself.
    fn incompatible(&self, repo: &RepoSpec, version: &str) -> String {
        let major: u64 = version
            .trim_start_matches('v')
            .split(['.', '-', '+'])
            .next()
            .and_then(|m| m.parse().ok())
            .unwrap_or(0);
        if major < 2 || version.contains('+') || !self.uses_modules(repo) {
            return version.to_string();
        }
        let Some(base) = repo.module.as_deref() else {
            return version.to_string();
        };
        let plus = format!("{version}+incompatible");
        let env = self.go_env();
        if env.served(&format!("{base}/v{major}"), version) != Some(true)
            && env.served(base, &plus) == Some(true)
        {
            plus
        } else {
            version.to_string()
        }
    }

    /// The tree of `repo` at `version`, fetching it first if the cache does not trust it yet.
    pub fn snapshot(&self, repo: &RepoSpec, version: &str) -> Result<Snapshot, SourceError> {
        if self.uses_modules(repo) {
            return self.module_snapshot(repo, version, true).map(|(s, _)| s);
        }
        let dir = self.repo_dir(repo);
        if let Some(commit) = trusted_commit(&marker_path(&dir, version)) {
            // Trusted: opened, verified (and repaired if objects went missing) on first read.
            if self.verbose {
                eprintln!("{} {version}: cached, commit {commit}", repo.name);
            }
            let sources = self.clone();
            let (spec, tag) = (repo.clone(), version.to_string());
            let opener = Box::new(move || {
                let result = sources.ensure_quietly(&spec, &tag);
                if sources.verbose {
                    match &result {
                        Ok((_, o)) if !o.cached => Self::say_fetched(&spec, &tag, o),
                        Err(e) => eprintln!("{} {tag}: {e}", spec.name),
                        Ok(_) => {}
                    }
                }
                result.map(|(git, _)| git)
            });
            let tree = GitTree::lazy(&repo.name, version, &dir, &commit, opener);
            return Ok(Snapshot::from_git(tree, &repo.url).with_index(self.index_root()));
        }
        let (git, outcome) = self.ensure(repo, version)?;
        let commit = Oid::from_str(&outcome.commit).map_err(|e| SourceError::Corrupt {
            repo: repo.name.clone(),
            detail: e.message().to_string(),
        })?;
        Ok(
            Snapshot::from_git(GitTree::new(&repo.name, version, git, commit)?, &repo.url)
                .with_index(self.index_root()),
        )
    }

    /// The tree of `repo` at `version` only if the cache already holds it: never fetches or
    /// downloads.
    pub fn cached_snapshot(&self, repo: &RepoSpec, version: &str) -> Option<Snapshot> {
        if self.uses_modules(repo) {
            return self
                .module_snapshot(repo, version, false)
                .ok()
                .map(|(s, _)| s);
        }
        let dir = self.repo_dir(repo);
        let marker = marker_path(&dir, version);
        let commit = trusted_commit(&marker)?;
        let (name, folder) = (repo.name.clone(), dir.clone());
        // Opened on first read, and only if its objects are still all there.
        let opener = Box::new(move || {
            trusted(&folder, &marker, Instant::now())
                .map(|(git, _)| git)
                .ok_or_else(|| SourceError::Corrupt {
                    repo: name,
                    detail: format!("the cached commit of {} cannot be read", folder.display()),
                })
        });
        let tree = GitTree::lazy(&repo.name, version, &dir, &commit, opener);
        Some(Snapshot::from_git(tree, &repo.url).with_index(self.index_root()))
    }

    /// Make sure `version` of `repo` is in the cache. For Go modules: the root module and
    /// every module it replaces by its own folders (the monorepo's staging repos), so later
    /// runs read the tree's own code without a download.
    pub fn fetch(&self, repo: &RepoSpec, version: &str) -> Result<FetchOutcome, SourceError> {
        if self.uses_modules(repo) {
            let started = Instant::now();
            // Asked for by name: what was refused before is asked for again.
            self.go_env().forget_refusals();
            let (snapshot, mut outcome) = self.module_snapshot(repo, version, true)?;
            snapshot.files_with_suffix(".go", &[])?;
            outcome.unavailable = snapshot.unreadable();
            outcome.elapsed = started.elapsed();
            return Ok(outcome);
        }
        self.ensure(repo, version).map(|(_, o)| o)
    }

    fn ensure(
        &self,
        repo: &RepoSpec,
        version: &str,
    ) -> Result<(Repository, FetchOutcome), SourceError> {
        let result = self.ensure_quietly(repo, version).map(|(git, mut o)| {
            o.version = version.to_string();
            (git, o)
        });
        if self.verbose {
            match &result {
                Ok((_, o)) if o.cached => {
                    eprintln!("{} {version}: cached, commit {}", repo.name, o.commit);
                }
                Ok((_, o)) => Self::say_fetched(repo, version, o),
                Err(e) => eprintln!("{} {version}: {e}", repo.name),
            }
        }
        result
    }

    fn say_fetched(repo: &RepoSpec, version: &str, o: &FetchOutcome) {
        eprintln!(
            "{} {version}: fetched from {} in {:.2}s, commit {}",
            repo.name,
            o.url.as_deref().unwrap_or("?"),
            o.elapsed.as_secs_f64(),
            o.commit
        );
    }

    fn ensure_quietly(
        &self,
        repo: &RepoSpec,
        version: &str,
    ) -> Result<(Repository, FetchOutcome), SourceError> {
        let started = Instant::now();
        let dir = self.repo_dir(repo);
        let marker = marker_path(&dir, version);
        // Fast path, no lock: markers are written by rename, so a present one is complete.
        // The commit and its tree are read back (a millisecond): objects can vanish after the
        // marker was written (a deleted mirror behind alternates, a pruned pack), and then
        // the tag is fetched again instead of failing later in the middle of a read.
        if let Some(hit) = trusted(&dir, &marker, started) {
            return Ok(hit);
        }
        fs::create_dir_all(dir.parent().unwrap_or(&self.root))
            .map_err(io_err("cannot create", &self.root))?;
        let lock = lock_repo(&dir)?;
        // Another process may have finished the same fetch while we waited for the lock.
        if let Some(hit) = trusted(&dir, &marker, started) {
            return Ok(hit);
        }
        // The commit this version had when it was last verified, trusted or not: a tag that
        // now names another commit has moved.
        let recorded = recorded_commit(&marker);
        let existed = dir.exists();
        if existed && marker_note(&marker).as_deref() == Some(DAMAGED) {
            // A read failed last run. Fetching into the same objects would verify the same
            // broken pack (its index still lists the object): start the repository over.
            reset_repo(&dir, repo)?;
        }
        let mut fetched = self.fetch_into(&dir, repo, version);
        if existed && matches!(fetched, Err(SourceError::Corrupt { .. })) {
            // Objects a fetch cannot bring back (a damaged pack, an object lost behind a ref
            // that says we have it): start the repository over, keeping what was verified.
            reset_repo(&dir, repo)?;
            fetched = self.fetch_into(&dir, repo, version);
        }
        let (git, commit, url) = fetched?;
        if let Some(was) = recorded
            && was != commit
        {
            write_atomic(&marker, format!("{was} moved-to {commit}\n").as_bytes())?;
            return Err(SourceError::TagMoved {
                repo: repo.name.clone(),
                tag: version.into(),
                url,
                was: was.to_string(),
                now: commit.to_string(),
            });
        }
        write_marker(&marker, commit)?;
        drop(lock);
        let outcome = FetchOutcome {
            commit: commit.to_string(),
            version: version.to_string(),
            cached: false,
            url: Some(url),
            elapsed: started.elapsed(),
            unavailable: Vec::new(),
        };
        Ok((git, outcome))
    }

    /// Open (or start) the repository, bring `version` in from the first candidate URL that
    /// has it, and verify every object of its tree.
    fn fetch_into(
        &self,
        dir: &Path,
        repo: &RepoSpec,
        version: &str,
    ) -> Result<(Repository, Oid, String), SourceError> {
        let git = match Repository::open_bare(dir) {
            Ok(g) if refs_resolve(&g) => g,
            Ok(_) => {
                // Refs that name missing objects (a deleted pack, a mirror gone from behind
                // alternates): a fetch into this would negotiate with objects we lack.
                reset_repo(dir, repo)?;
                open(repo, dir)?
            }
            Err(_) => {
                // A folder without a readable repository is the leftover of a killed first
                // fetch: start over.
                if dir.exists() {
                    fs::remove_dir_all(dir).map_err(io_err("cannot remove", dir))?;
                }
                Repository::init_bare(dir).map_err(|e| SourceError::Corrupt {
                    repo: repo.name.clone(),
                    detail: e.message().to_string(),
                })?
            }
        };
        let mut last_err = None;
        for url in self.redirects.candidates(&repo.name, &repo.url) {
            check_url(&url)?;
            let result = match local_path(&url) {
                Some(path) => link_local(dir, repo, &path, version),
                None => self.fetch_remote(&git, repo, &url, version),
            };
            match result {
                Ok(()) => {
                    // Reopen: libgit2 reads alternates when a repository is opened.
                    let git = open(repo, dir)?;
                    let commit = verify(&git, repo, version)?;
                    return Ok((git, commit, url));
                }
                Err(e @ SourceError::TagNotFound { .. }) => return Err(e),
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.expect("at least one candidate URL"))
    }

    fn fetch_remote(
        &self,
        git: &Repository,
        repo: &RepoSpec,
        url: &str,
        tag: &str,
    ) -> Result<(), SourceError> {
        let fail = |e: git2::Error| SourceError::Fetch {
            repo: repo.name.clone(),
            tag: tag.into(),
            url: url.into(),
            detail: e.message().to_string(),
        };
        let bar = self.progress.then(|| {
            let bar = ProgressBar::new(0).with_message(format!("{} {tag}", repo.name));
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} fetching {msg} [{bar:30}] {pos}/{len} objects {binary_bytes}",
                )
                .expect("static template")
                .progress_chars("=> "),
            );
            bar
        });
        let mut callbacks = RemoteCallbacks::new();
        callbacks.transfer_progress(|p| {
            if let Some(bar) = &bar {
                bar.set_length(p.total_objects() as u64);
                bar.set_position(p.received_objects() as u64);
            }
            true
        });
        let mut options = FetchOptions::new();
        options
            .remote_callbacks(callbacks)
            .download_tags(AutotagOption::None)
            .depth(1);
        let mut remote = git.remote_anonymous(url).map_err(fail)?;
        let refspec = match commit_pin(tag) {
            Some(_) => format!("+{tag}:{}", local_ref(tag)),
            None => format!("+refs/tags/{tag}:refs/tags/{tag}"),
        };
        remote
            .fetch(&[&refspec], Some(&mut options), None)
            .map_err(fail)?;
        drop(remote);
        drop(options);
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        if git.find_reference(&local_ref(tag)).is_err() {
            return Err(SourceError::TagNotFound {
                repo: repo.name.clone(),
                tag: tag.into(),
                url: url.into(),
            });
        }
        Ok(())
    }
}

fn open(repo: &RepoSpec, dir: &Path) -> Result<Repository, SourceError> {
    Repository::open_bare(dir).map_err(|e| SourceError::Corrupt {
        repo: repo.name.clone(),
        detail: format!("{}: {}", dir.display(), e.message()),
    })
}

/// Borrow a local mirror's objects through `objects/info/alternates` and copy its tag ref.
fn link_local(dir: &Path, repo: &RepoSpec, mirror: &Path, tag: &str) -> Result<(), SourceError> {
    if !mirror.exists() {
        return Err(SourceError::MirrorMissing {
            repo: repo.name.clone(),
            path: mirror.to_path_buf(),
        });
    }
    let url = mirror.display().to_string();
    let fail = |e: git2::Error| SourceError::Fetch {
        repo: repo.name.clone(),
        tag: tag.into(),
        url: url.clone(),
        detail: e.message().to_string(),
    };
    let source = Repository::open(mirror).map_err(fail)?;
    let target = match commit_pin(tag) {
        Some(oid) => source.find_commit(oid).ok().map(|c| c.id()),
        None => source
            .find_reference(&format!("refs/tags/{tag}"))
            .ok()
            .and_then(|r| r.target()),
    };
    let Some(target) = target else {
        return Err(SourceError::TagNotFound {
            repo: repo.name.clone(),
            tag: tag.into(),
            url,
        });
    };
    let objects = fs::canonicalize(source.path().join("objects")).map_err(|e| SourceError::Io {
        action: "cannot resolve",
        path: source.path().join("objects"),
        source: e,
    })?;
    let alternates = dir.join("objects/info/alternates");
    let existing = fs::read_to_string(&alternates).unwrap_or_default();
    let line = objects.display().to_string();
    if !existing.lines().any(|l| l == line) {
        let mut text = existing;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&line);
        text.push('\n');
        write_atomic(&alternates, text.as_bytes())?;
    }
    // Reopen so the new alternate is seen; the caller verifies that the objects are readable.
    let linked = Repository::open_bare(dir).map_err(fail)?;
    linked
        .reference(
            &local_ref(tag),
            target,
            true,
            "k8s-study: linked from local mirror",
        )
        .map_err(fail)?;
    Ok(())
}

/// Peel the tag to a commit and check every object of its tree: the proof that the objects
/// arrived. Trees are read, blobs only looked up (a Kubernetes tag is ~5,000 trees and ~23,000
/// blobs: a fraction of a second, once per fetch).
fn verify(git: &Repository, repo: &RepoSpec, tag: &str) -> Result<Oid, SourceError> {
    let corrupt = |e: &git2::Error| SourceError::Corrupt {
        repo: repo.name.clone(),
        detail: format!("{tag}: {}", e.message()),
    };
    let commit = git
        .find_reference(&local_ref(tag))
        .and_then(|r| r.peel_to_commit())
        .map_err(|e| corrupt(&e))?;
    let tree = commit.tree().map_err(|e| corrupt(&e))?;
    let odb = git.odb().map_err(|e| corrupt(&e))?;
    let mut missing = None;
    tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
        if entry.kind() == Some(ObjectType::Blob) && !odb.exists(entry.id()) {
            missing = Some(format!(
                "{tag}: object {} ({dir}{}) is missing",
                entry.id(),
                String::from_utf8_lossy(entry.name_bytes())
            ));
            return TreeWalkResult::Abort;
        }
        TreeWalkResult::Ok
    })
    .map_err(|e| corrupt(&e))
    .or_else(|e| if missing.is_some() { Ok(()) } else { Err(e) })?;
    if let Some(detail) = missing {
        return Err(SourceError::Corrupt {
            repo: repo.name.clone(),
            detail,
        });
    }
    Ok(commit.id())
}

/// Whether every ref of the cache names an object it can read.
fn refs_resolve(git: &Repository) -> bool {
    let Ok(refs) = git.references() else {
        return false;
    };
    refs.filter_map(Result::ok)
        .all(|r| r.peel(ObjectType::Any).is_ok())
}

/// Remove a damaged repository, keeping the commit each marker recorded (as untrusted) so a
/// tag that moved meanwhile is still noticed when it is fetched again.
fn reset_repo(dir: &Path, repo: &RepoSpec) -> Result<(), SourceError> {
    let markers = dir.join(MARKERS);
    let mut recorded = Vec::new();
    for entry in fs::read_dir(&markers).into_iter().flatten().flatten() {
        if let Some(commit) = recorded_commit(&entry.path()) {
            recorded.push((entry.file_name(), commit));
        }
    }
    fs::remove_dir_all(dir).map_err(io_err("cannot remove", dir))?;
    Repository::init_bare(dir).map_err(|e| SourceError::Corrupt {
        repo: repo.name.clone(),
        detail: e.message().to_string(),
    })?;
    for (name, commit) in recorded {
        write_atomic(
            &markers.join(name),
            format!("{commit} repaired\n").as_bytes(),
        )?;
    }
    Ok(())
}

/// A pin written as a full commit id, for repositories without release tags.
fn commit_pin(pin: &str) -> Option<Oid> {
    (pin.len() == 40 && pin.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| Oid::from_str(pin).ok())
        .flatten()
}

/// Where the cache keeps a pin: the tag itself, or a private ref for a commit pin.
fn local_ref(pin: &str) -> String {
    match commit_pin(pin) {
        Some(_) => format!("refs/k8s-study/pins/{pin}"),
        None => format!("refs/tags/{pin}"),
    }
}

/// Hold `DIR.lock` exclusively: fetches and cleans of one repository take turns.
fn lock_repo(dir: &Path) -> Result<File, SourceError> {
    let lock_path = dir.with_extension("lock");
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(io_err("cannot open", &lock_path))?;
    lock.lock().map_err(io_err("cannot lock", &lock_path))?;
    Ok(lock)
}

/// The cached tag, if its marker exists and its commit and tree can still be read.
fn trusted(dir: &Path, marker: &Path, started: Instant) -> Option<(Repository, FetchOutcome)> {
    let commit = read_marker(marker)?;
    let git = Repository::open_bare(dir).ok()?;
    git.find_commit(commit).and_then(|c| c.tree()).ok()?;
    let outcome = FetchOutcome {
        commit: commit.to_string(),
        version: String::new(),
        cached: true,
        url: None,
        elapsed: started.elapsed(),
        unavailable: Vec::new(),
    };
    Some((git, outcome))
}

/// `v2`, `v3`…: the last element of a Go module path at major version 2 or more.
fn is_major_suffix(s: &str) -> bool {
    s.strip_prefix('v').is_some_and(|n| {
        !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && n.parse::<u64>().is_ok_and(|m| m >= 2)
    })
}

/// Bytes of regular files under `dir`; symlinks are not followed.
fn disk_usage(dir: &Path) -> u64 {
    let mut total = 0;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for e in entries.filter_map(Result::ok) {
            match e.file_type() {
                Ok(t) if t.is_dir() => pending.push(e.path()),
                Ok(t) if t.is_file() => total += e.metadata().map_or(0, |m| m.len()),
                _ => {}
            }
        }
    }
    total
}
