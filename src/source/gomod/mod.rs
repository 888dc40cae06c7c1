//! A tree read from Go modules: a root module's zip, with the modules its go.mod requires
//! mounted where a git checkout of the same release keeps them.
//!
//! - A `replace M => ./DIR` (the monorepo's staging repos) mounts module M at `DIR`. A
//!   requirement of `v0.0.0` there is the monorepo's placeholder: for `k8s.io/kubernetes`
//!   `v1.Y.Z` it means the published `v0.Y.Z`, built from the same code.
//! - Every other requirement (after replacements) is mounted at `vendor/IMPORT/PATH`, where
//!   `go mod vendor` would put it.
//! - A root without a go.mod (GOPATH era, before v1.15) mounts nothing: its staging code is in
//!   its own zip, its third-party code was vendored, and module zips hold no `vendor/`.
//!
//! Mounts are opened on first use, and a missing one is downloaded by the user's go command.
//! The rest of the crate sees paths, as in a git tree, and never a zip.

// `expect`s here are on a mutex no code panics under, and on mount counts far below u32.
#![allow(clippy::missing_panics_doc)]

mod gocmd;
mod gomodfile;
pub mod hosting;
mod memo;
mod zipmod;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

pub use gocmd::{CachedModule, Download, GoEnv};
pub use gomodfile::{GoMod, Target};
pub use zipmod::{Child, MAX_ZIP_BYTES, ZipModule};

/// How a reason says that a module was needed but the cache does not hold it (and nothing
/// may be downloaded): the code was not read, which is not the same as not there.
pub const NOT_IN_CACHE: &str = "is not in the Go module cache";

use super::error::SourceError;

/// A module placed at a folder of the tree.
struct Mount {
    /// `""` for the root.
    dir: String,
    /// The import path the tree knows it by (the requirement).
    import_path: String,
    /// The module whose zip holds the code, and its version; `Err` says why there is none.
    source: Result<(String, String), String>,
    /// The tree's own code (the root, or a `replace => ./DIR`), walked by whole-tree searches.
    local: bool,
    zip: OnceLock<Result<Arc<ZipModule>, String>>,
}

pub struct ModuleTree {
    mounts: Vec<Mount>,
    env: Arc<GoEnv>,
    /// Missing modules may be downloaded (false for a cache-only snapshot).
    download: bool,
    progress: bool,
    /// The root has no go.mod: a GOPATH-era release.
    gopath_era: bool,
    /// Downloads that failed this run, so each is tried once.
    failed: Mutex<HashMap<(String, String), String>>,
}

/// A folder entry: name, kind, and the id of a file.
pub type Listed = (String, Child, Option<ZipId>);

/// A root module opened at a version.
pub struct Opened {
    pub tree: ModuleTree,
    /// The version the query resolved to (`v1.13` → `v1.13.0`).
    pub version: String,
    /// go.sum's `h1:` hash of the root module: the content id a module source names.
    pub sum: String,
}

/// How a file of the tree is addressed: a mount and an entry of its zip.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ZipId {
    pub mount: u32,
    pub entry: u32,
}

impl ModuleTree {
    /// Open `module@query` from the cache, downloading it if allowed and missing.
    #[allow(clippy::too_many_lines)] // one linear story: root, go.mod, mounts
    pub fn open(
        env: Arc<GoEnv>,
        module: &str,
        query: &str,
        download: bool,
        progress: bool,
    ) -> Result<Opened, SourceError> {
        let unavailable = |detail: String| SourceError::Module {
            module: module.to_string(),
            version: query.to_string(),
            detail,
            go: env.go.is_some(),
            goproxy: env.goproxy.clone(),
        };
        let (version, cached) = match env.cached(module, query) {
            Some(c) => (query.to_string(), c),
            None if !download => {
                let Some(v) = (!is_full_version(query))
                    .then(|| env.newest_cached(module, query))
                    .flatten()
                else {
                    return Err(unavailable("not in the Go module cache".into()));
                };
                let c = env.cached(module, &v).expect("newest_cached checked it");
                (v, c)
            }
            None => match env
                .download(&[(module.to_string(), query.to_string())], progress)
                .map_err(unavailable)?
                .pop()
            {
                Some(Download::Ok { version, module }) => (version, module),
                Some(Download::Failed(why)) => return Err(unavailable(why)),
                None => return Err(unavailable("go mod download gave no answer".into())),
            },
        };
        // The go.mod from the cache's `.mod` file when there is one: the root zip (20 MB for
        // kubernetes) is then opened only when a file of the root is read.
        let (root, go_mod) = if let Some(text) = env.cached_go_mod(module, &version) {
            let synthesized = is_synthesized_go_mod(&text, module);
            (OnceLock::new(), (!synthesized).then_some(text))
        } else {
            let zip_error = |detail| SourceError::ModuleZip {
                module: module.to_string(),
                version: version.clone(),
                zip: cached.zip.clone(),
                detail,
            };
            let root = ZipModule::open(&cached.zip, module, &version).map_err(zip_error)?;
            let go_mod = match root.file("go.mod") {
                Some(i) => Some(root.read(i).map_err(zip_error)?),
                None => None,
            };
            (OnceLock::from(Ok(Arc::new(root))), go_mod)
        };
        let mut mounts = vec![Mount {
            dir: String::new(),
            import_path: module.to_string(),
            source: Ok((module.to_string(), version.clone())),
            local: true,
            zip: root,
        }];
        if let Some(go_mod) = &go_mod {
            let parsed = GoMod::parse(go_mod);
            let mut seen = BTreeSet::new();
            for (path, required, target) in parsed.graph() {
                if !seen.insert(path.clone()) || path == module {
                    continue;
                }
                mounts.push(match target {
                    Target::Dir(dir) => Mount {
                        source: local_version(module, &version, &path, &required, &dir)
                            .map(|v| (path.clone(), v)),
                        dir,
                        import_path: path,
                        local: true,
                        zip: OnceLock::new(),
                    },
                    Target::Module {
                        path: from,
                        version: v,
                    } => Mount {
                        dir: format!("vendor/{path}"),
                        import_path: path,
                        source: Ok((from, v)),
                        local: false,
                        zip: OnceLock::new(),
                    },
                });
            }
        }
        // A replaced folder that climbs out of the tree (`../x`) cannot be mounted.
        for m in &mut mounts {
            if m.dir
                .split('/')
                .any(|p| p == ".." || p == "." || p.is_empty())
                && !m.dir.is_empty()
            {
                m.source = Err(format!(
                    "replaced by the folder {}, outside the module",
                    m.dir
                ));
                m.dir = format!("vendor/{}", m.import_path);
            }
        }
        Ok(Opened {
            tree: Self {
                mounts,
                env,
                download,
                progress,
                gopath_era: go_mod.is_none(),
                failed: Mutex::new(HashMap::new()),
            },
            version,
            sum: cached.sum,
        })
    }

    /// Modules of the tree and their folders, root first, for import path → folder.
    pub fn modules(&self) -> Vec<(String, String)> {
        self.mounts
            .iter()
            .map(|m| (m.import_path.clone(), m.dir.clone()))
            .collect()
    }

    pub fn gopath_era(&self) -> bool {
        self.gopath_era
    }

    /// The mount holding `path`, and the path inside it.
    fn at<'p>(&self, path: &'p str) -> (usize, &'p str) {
        let mut best = (0, path);
        let mut best_len = 0;
        for (i, m) in self.mounts.iter().enumerate().skip(1) {
            if m.dir.len() > best_len
                && let Some(rest) = path.strip_prefix(m.dir.as_str())
                && (rest.is_empty() || rest.starts_with('/'))
            {
                best = (i, rest.trim_start_matches('/'));
                best_len = m.dir.len();
            }
        }
        best
    }

    /// The zip of mount `i`, opening (and if need be downloading) it on first use.
    fn zip(&self, i: usize) -> Result<&Arc<ZipModule>, String> {
        let m = &self.mounts[i];
        m.zip
            .get_or_init(|| {
                let (module, version) = m.source.clone()?;
                let cached = match self.env.cached(&module, &version) {
                    Some(c) => c,
                    None => self.fetch_one(&module, &version)?,
                };
                ZipModule::open(&cached.zip, &module, &version)
                    .map(Arc::new)
                    .map_err(|e| {
                        format!(
                            "{module}@{version}: the zip {} is refused: {e}",
                            cached.zip.display()
                        )
                    })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn fetch_one(&self, module: &str, version: &str) -> Result<CachedModule, String> {
        let key = (module.to_string(), version.to_string());
        if let Some(why) = self.failed.lock().expect("not poisoned").get(&key) {
            return Err(why.clone());
        }
        if !self.download {
            return Err(format!("{module}@{version} {NOT_IN_CACHE}"));
        }
        let result = match self.env.download(std::slice::from_ref(&key), self.progress) {
            Ok(mut answers) => match answers.pop() {
                Some(Download::Ok { module, .. }) => Ok(module),
                Some(Download::Failed(why)) => Err(failure(module, version, &why)),
                None => Err(format!(
                    "{module}@{version}: go mod download gave no answer"
                )),
            },
            Err(why) => Err(format!("{module}@{version}: {why}")),
        };
        if let Err(why) = &result {
            self.failed
                .lock()
                .expect("not poisoned")
                .insert(key, why.clone());
        }
        result
    }

    /// Download in one go command every missing module that holds one of `import_paths`
    /// (or every local mount, with `all_local`), instead of one command per package.
    pub fn prefetch(&self, import_paths: &[&str], all_local: bool) {
        if !self.download {
            return;
        }
        let mut wanted: Vec<(String, String)> = Vec::new();
        for (i, m) in self.mounts.iter().enumerate().skip(1) {
            let needed = (all_local && m.local)
                || import_paths.iter().any(|p| {
                    p.strip_prefix(m.import_path.as_str())
                        .is_some_and(|r| r.is_empty() || r.starts_with('/'))
                        && self.owner_of(p) == Some(i)
                });
            if let (true, None, Ok((module, version))) = (needed, m.zip.get(), &m.source)
                && self.env.cached(module, version).is_none()
                && !wanted.iter().any(|(w, _)| w == module)
            {
                wanted.push((module.clone(), version.clone()));
            }
        }
        if wanted.is_empty() {
            return;
        }
        let answers = self.env.download(&wanted, self.progress);
        let mut failed = self.failed.lock().expect("not poisoned");
        match answers {
            Ok(answers) => {
                for ((module, version), answer) in wanted.into_iter().zip(answers) {
                    if let Download::Failed(why) = answer {
                        let why = failure(&module, &version, &why);
                        failed.insert((module, version), why);
                    }
                }
            }
            Err(why) => {
                for (module, version) in wanted {
                    failed.insert(
                        (module.clone(), version.clone()),
                        format!("{module}@{version}: {why}"),
                    );
                }
            }
        }
    }

    /// The mount whose module path is the longest prefix of `import_path`.
    fn owner_of(&self, import_path: &str) -> Option<usize> {
        self.mounts
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                import_path
                    .strip_prefix(m.import_path.as_str())
                    .is_some_and(|r| r.is_empty() || r.starts_with('/'))
            })
            .max_by_key(|(_, m)| m.import_path.len())
            .map(|(i, _)| i)
    }

    /// Why the package `import_path` cannot be read here, if this tree can say.
    pub fn why_missing(&self, import_path: &str) -> Option<String> {
        let root = &self.mounts[0];
        let (module, version) = root.source.as_ref().ok()?;
        if self.gopath_era {
            let own = import_path
                .strip_prefix(module.as_str())
                .is_some_and(|r| r.is_empty() || r.starts_with('/'))
                || import_path.starts_with("k8s.io/");
            if !own {
                return Some(format!(
                    "{module}@{version} has no go.mod: its third-party code was vendored, and module zips hold no vendor/, so {import_path} is unavailable from Go modules at this version (read it from git instead)"
                ));
            }
            return None;
        }
        match self.owner_of(import_path) {
            None => Some(format!(
                "{import_path} is in no module that {module}@{version}'s go.mod requires"
            )),
            // A module in the cache is not opened just to say why a package is not in it.
            Some(i) => match (self.mounts[i].zip.get(), &self.mounts[i].source) {
                (Some(opened), _) => opened.as_ref().err().cloned(),
                (None, Ok((m, v))) if self.env.cached(m, v).is_some() => None,
                _ => self.zip(i).err(),
            },
        }
    }

    pub fn list_dir(&self, dir: &str) -> Result<Option<Vec<Listed>>, String> {
        let (i, rel) = self.at(dir);
        let mut out: BTreeMap<String, (Child, Option<ZipId>)> = BTreeMap::new();
        let zip = self.zip(i).ok();
        let mut exists = false;
        if let Some(zip) = zip
            && let Some(children) = zip.list_dir(rel)
        {
            exists = true;
            let mount = u32::try_from(i).expect("few mounts");
            for (name, child) in children {
                let id = match child {
                    Child::File(entry) => Some(ZipId {
                        mount,
                        entry: *entry,
                    }),
                    _ => None,
                };
                out.insert(name.clone(), (child.clone(), id));
            }
        }
        // Folders that lead to mounts below this one.
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        for m in &self.mounts[1..] {
            if let Some(rest) = m.dir.strip_prefix(prefix.as_str())
                && !rest.is_empty()
            {
                exists = true;
                let name = rest.split('/').next().unwrap_or(rest);
                out.entry(name.to_string()).or_insert((Child::Dir, None));
            }
        }
        Ok(exists.then(|| {
            out.into_iter()
                .map(|(name, (child, id))| (name, child, id))
                .collect()
        }))
    }

    pub fn is_dir(&self, dir: &str) -> bool {
        let (i, rel) = self.at(dir);
        // Module zips hold no vendor/: asking for one must not open (or download) the mount,
        // the root's included (`vendor/P` of a required module is that module's mount).
        let in_vendor = rel == "vendor" || rel.starts_with("vendor/");
        if i != 0 && in_vendor {
            return false;
        }
        if !in_vendor && self.zip(i).is_ok_and(|z| z.is_dir(rel)) {
            return true;
        }
        let prefix = format!("{dir}/");
        dir.is_empty() || self.mounts[1..].iter().any(|m| m.dir.starts_with(&prefix))
    }

    /// The id of a regular file.
    pub fn file(&self, path: &str) -> Option<ZipId> {
        let (i, rel) = self.at(path);
        let entry = self.zip(i).ok()?.file(rel)?;
        Some(ZipId {
            mount: u32::try_from(i).ok()?,
            entry,
        })
    }

    /// The root module's zip refused, once something of it was asked for: the root is
    /// opened on first use, and a refused root is an error, not an empty tree.
    pub fn root_error(&self) -> Option<SourceError> {
        self.mounts[0].zip.get()?.as_ref().err()?;
        let (module, version) = self.mounts[0].source.clone().ok()?;
        let zip = self.env.cached(&module, &version)?.zip;
        let detail = ZipModule::open(&zip, &module, &version).err()?;
        Some(SourceError::ModuleZip {
            module,
            version,
            zip,
            detail,
        })
    }

    pub fn read(&self, id: ZipId) -> Result<Vec<u8>, String> {
        self.zip(id.mount as usize)?.read(id.entry)
    }

    /// Every regular file of the tree's own code (the root and local mounts) that passes
    /// `wanted`, with its id. Third-party modules are not walked: they are read when a
    /// symbol's package is in one. A local mount that cannot be read (a staging module the
    /// proxy does not serve, a refused zip) is left out, not an error: [`Self::unreadable`]
    /// says which and why, and only its own packages go missing.
    pub fn files_where(
        &self,
        skip: &[&str],
        wanted: &dyn Fn(&str) -> bool,
    ) -> Vec<(String, ZipId)> {
        self.prefetch(&[], true);
        let mut out = Vec::new();
        for (i, m) in self.mounts.iter().enumerate() {
            if !m.local || m.source.is_err() {
                continue;
            }
            let Ok(zip) = self.zip(i) else {
                continue;
            };
            let mount = u32::try_from(i).expect("few mounts");
            for (rel, entry) in zip.files() {
                let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
                if !wanted(name) || dir.split('/').any(|d| skip.contains(&d)) {
                    continue;
                }
                let path = if m.dir.is_empty() {
                    rel.to_string()
                } else {
                    format!("{}/{rel}", m.dir)
                };
                out.push((path, ZipId { mount, entry }));
            }
        }
        out.sort();
        out
    }

    /// The folder of the innermost mount holding `dir` when that mount is the tree's own
    /// code (the root, or a folder the root replaces a module by).
    pub fn own_mount(&self, dir: &str) -> Option<&str> {
        let m = &self.mounts[self.at(dir).0];
        m.local.then_some(m.dir.as_str())
    }

    /// Whether the mount at `dir` cannot be read, without asking the network: its zip was
    /// refused this run, or it is not in the cache and either may not be downloaded or its
    /// download was refused recently. A folder that is no mount (any more) can be read.
    pub fn still_unread(&self, dir: &str) -> bool {
        let Some(m) = self.mounts.iter().find(|m| m.dir == dir) else {
            return false;
        };
        match (&m.source, m.zip.get()) {
            (Err(_), _) => true,
            (_, Some(opened)) => opened.is_err(),
            (Ok((module, version)), None) => {
                self.env.cached(module, version).is_none()
                    && (!self.download || self.env.refused(module, version))
            }
        }
    }

    /// Mounts this run could not read so far.
    fn failed(&self) -> impl Iterator<Item = &Mount> {
        self.mounts
            .iter()
            .filter(|m| m.source.is_err() || matches!(m.zip.get(), Some(Err(_))))
    }

    /// The folders of every mount this run could not read so far (own or required).
    pub fn failed_mounts(&self) -> Vec<String> {
        self.failed().map(|m| m.dir.clone()).collect()
    }

    /// The folders of the tree's own mounts that could not be read (after
    /// [`Self::files_where`] tried them).
    pub fn unreadable_dirs(&self) -> Vec<String> {
        self.failed()
            .filter(|m| m.local)
            .map(|m| m.dir.clone())
            .collect()
    }

    /// The tree's own folders that could not be opened, each with why (after
    /// [`Self::files_where`] or a read tried them).
    pub fn unreadable(&self) -> Vec<String> {
        self.mounts
            .iter()
            .filter(|m| m.local)
            .filter_map(|m| match (&m.source, m.zip.get()) {
                (Err(why), _) => Some(format!("{}: {why}", m.import_path)),
                (_, Some(Err(why))) => Some(why.clone()),
                _ => None,
            })
            .collect()
    }

    /// Where `path` is published when it is not the tree's own code: a third-party module's
    /// own repository at its version. `None` for the tree's own files.
    pub fn published(&self, path: &str) -> Option<Option<hosting::Published>> {
        let (i, rel) = self.at(path);
        let m = &self.mounts[i];
        if m.local {
            return None;
        }
        let (module, version) = m.source.as_ref().ok()?;
        Some(hosting::published(module, version, rel))
    }
}

/// `MODULE@VERSION: why`, without repeating the prefix the go command already wrote.
fn failure(module: &str, version: &str, why: &str) -> String {
    let prefix = format!("{module}@{version}: ");
    if why.starts_with(&prefix) {
        why.to_string()
    } else {
        format!("{prefix}{why}")
    }
}

/// The version of a module the tree replaces by its own folder `dir`.
fn local_version(
    root: &str,
    root_version: &str,
    path: &str,
    required: &str,
    dir: &str,
) -> Result<String, String> {
    if required != "v0.0.0" {
        return Ok(required.to_string());
    }
    if root == "k8s.io/kubernetes"
        && let Some(rest) = root_version.strip_prefix("v1.")
    {
        return Ok(format!("v0.{rest}"));
    }
    Err(format!(
        "{path} is replaced by the folder {dir} at the placeholder v0.0.0, and no published version is known for it"
    ))
}

/// The `.mod` the go command writes for a module whose zip has no go.mod: `module PATH` and
/// nothing else (a GOPATH-era release). A real go.mod of just that line mounts nothing
/// either.
fn is_synthesized_go_mod(text: &[u8], module: &str) -> bool {
    let text = String::from_utf8_lossy(text);
    let line = text.trim();
    line == format!("module {module}") || line == format!("module \"{module}\"")
}

fn is_full_version(v: &str) -> bool {
    v.trim_start_matches('v')
        .split(['-', '+'])
        .next()
        .is_some_and(|core| core.split('.').count() == 3)
}

#[cfg(test)]
mod tests;
