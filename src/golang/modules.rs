//! Import path → directory, from the tree itself.
//!
//! Every `go.mod` outside `vendor/` and `testdata/` declares a module rooted at its folder (in
//! the monorepo: `k8s.io/kubernetes` at the root and one module per `staging/src/k8s.io/*`).
//! Third-party packages live under a module's `vendor/`. Symlinks are never followed: the
//! monorepo's `vendor/k8s.io/*` are symlinks into staging, which the staging modules already
//! cover.

use crate::source::{EntryKind, Snapshot, SourceError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Module {
    pub path: String,
    /// Folder of the `go.mod`, `""` for the root.
    pub dir: String,
}

#[derive(Clone, Debug, Default)]
pub struct ModuleMap {
    /// Longest module path first, so the most specific module wins.
    modules: Vec<Module>,
    /// Read from module zips, which hold no `vendor/`: only the root's `vendor/P`, where a
    /// required module is mounted, can hold a package.
    root_vendor_only: bool,
}

impl ModuleMap {
    pub fn build(snapshot: &Snapshot) -> Result<Self, SourceError> {
        // A tree read from Go modules knows its modules: the root and its requirements,
        // mounted where a checkout keeps them. Listing them beats walking every folder.
        if let Some(declared) = snapshot.declared_modules() {
            let mut map = Self::from_modules(
                declared
                    .into_iter()
                    .map(|(path, dir)| Module { path, dir })
                    .collect(),
            );
            map.root_vendor_only = true;
            // A root with a go.mod replaces each staging folder by its module already.
            if snapshot.gopath_era() {
                map.add_gopath_staging(snapshot)?;
            }
            return Ok(map);
        }
        let mut modules = Vec::new();
        for (path, oid) in
            snapshot.find_named("go.mod", &["vendor", "testdata", ".git", "node_modules"])?
        {
            let bytes = snapshot.blob(oid)?;
            if let Some(module) = module_path(&bytes) {
                let dir = path
                    .strip_suffix("go.mod")
                    .unwrap_or_default()
                    .trim_end_matches('/')
                    .to_string();
                modules.push(Module { path: module, dir });
            }
        }
        let mut map = Self::from_modules(modules);
        map.add_gopath_staging(snapshot)?;
        Ok(map)
    }

    /// The modules of `snapshot`, plus `root_module` at its root for a GOPATH-era tree
    /// without a go.mod there (the repo's `module:` in the mapping).
    pub fn with_root(snapshot: &Snapshot, root_module: Option<&str>) -> Result<Self, SourceError> {
        let mut map = Self::build(snapshot)?;
        if let Some(path) = root_module {
            map.add(Module {
                path: path.to_string(),
                dir: String::new(),
            });
        }
        Ok(map)
    }

    /// Before go.mod files (Kubernetes up to v1.14), the monorepo's staging folders were
    /// packages of their own import paths through GOPATH symlinks: `staging/src/k8s.io/NAME`
    /// is `k8s.io/NAME`. A staging folder that declares its module already has one.
    fn add_gopath_staging(&mut self, snapshot: &Snapshot) -> Result<(), SourceError> {
        const STAGING: &str = "staging/src/k8s.io";
        for entry in snapshot.list_dir(STAGING)?.unwrap_or_default() {
            let dir = format!("{STAGING}/{}", entry.name);
            if entry.kind == EntryKind::Dir && !self.modules.iter().any(|m| m.dir == dir) {
                self.add(Module {
                    path: format!("k8s.io/{}", entry.name),
                    dir,
                });
            }
        }
        Ok(())
    }

    pub fn from_modules(mut modules: Vec<Module>) -> Self {
        modules.sort_by(|a, b| b.path.len().cmp(&a.path.len()).then(a.dir.cmp(&b.dir)));
        Self {
            modules,
            root_vendor_only: false,
        }
    }

    /// Add a module the tree does not declare (a GOPATH-era root). A folder that already
    /// declares a module keeps its own.
    pub fn add(&mut self, module: Module) {
        if self.modules.iter().any(|m| m.dir == module.dir) {
            return;
        }
        let mut modules = std::mem::take(&mut self.modules);
        modules.push(module);
        *self = Self {
            root_vendor_only: self.root_vendor_only,
            ..Self::from_modules(modules)
        };
    }

    pub fn modules(&self) -> &[Module] {
        &self.modules
    }

    /// The folders that may hold `import_path`, most likely first: inside a module of the
    /// tree, then in each module's `vendor/`. The caller keeps the first that exists.
    pub fn candidate_dirs(&self, import_path: &str) -> Vec<String> {
        let mut dirs = Vec::new();
        for m in &self.modules {
            if let Some(rest) = import_path.strip_prefix(m.path.as_str())
                && (rest.is_empty() || rest.starts_with('/'))
            {
                dirs.push(join(&m.dir, rest.trim_start_matches('/')));
            }
        }
        if self.root_vendor_only {
            dirs.push(join("vendor", import_path));
            return dirs;
        }
        let mut roots: Vec<&Module> = self.modules.iter().collect();
        roots.sort_by_key(|m| m.dir.len());
        for m in roots {
            dirs.push(join(&join(&m.dir, "vendor"), import_path));
        }
        dirs
    }

    /// The import path of the package in folder `dir`: under a `vendor/` folder, the path
    /// after it; otherwise the innermost module holding the folder.
    pub fn import_path_of(&self, dir: &str) -> Option<String> {
        if let Some(i) = dir.rfind("vendor/")
            && (i == 0 || dir.as_bytes()[i - 1] == b'/')
        {
            return Some(dir[i + "vendor/".len()..].to_string());
        }
        self.modules
            .iter()
            .filter_map(|m| {
                let rest = if m.dir.is_empty() {
                    Some(dir)
                } else {
                    dir.strip_prefix(m.dir.as_str())
                        .filter(|r| r.is_empty() || r.starts_with('/'))
                }?;
                Some((m.dir.len(), join(&m.path, rest.trim_start_matches('/'))))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, path)| path)
    }

    /// The folder of `import_path` in this tree, if any.
    pub fn locate(&self, snapshot: &Snapshot, import_path: &str) -> Option<String> {
        self.locate_by(import_path, &mut |d| snapshot.is_dir(d))
    }

    /// The first candidate folder of `import_path` that `is_dir` accepts.
    pub fn locate_by(
        &self,
        import_path: &str,
        is_dir: &mut dyn FnMut(&str) -> bool,
    ) -> Option<String> {
        self.candidate_dirs(import_path)
            .into_iter()
            .find(|d| is_dir(d))
    }
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}/{b}"),
    }
}

/// The `module` directive of a go.mod.
pub fn module_path(go_mod: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(go_mod);
    text.lines().find_map(|line| {
        let line = line.split("//").next()?.trim();
        let rest = line.strip_prefix("module")?;
        if !rest.starts_with([' ', '\t', '"']) {
            return None;
        }
        let path = rest.trim().trim_matches('"').trim_matches('`');
        (!path.is_empty()).then(|| path.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_directive_forms() {
        assert_eq!(
            module_path(b"// c\nmodule k8s.io/kubernetes\n\ngo 1.15\n").as_deref(),
            Some("k8s.io/kubernetes")
        );
        assert_eq!(
            module_path(b"module \"k8s.io/client-go\" // x\n").as_deref(),
            Some("k8s.io/client-go")
        );
        assert_eq!(module_path(b"go 1.15\nmodulex foo\n"), None);
    }

    #[test]
    fn folder_to_import_path() {
        let map = ModuleMap::from_modules(vec![
            Module {
                path: "k8s.io/kubernetes".into(),
                dir: String::new(),
            },
            Module {
                path: "k8s.io/client-go".into(),
                dir: "staging/src/k8s.io/client-go".into(),
            },
        ]);
        let of = |d| map.import_path_of(d);
        assert_eq!(
            of("pkg/scheduler").as_deref(),
            Some("k8s.io/kubernetes/pkg/scheduler")
        );
        assert_eq!(of("").as_deref(), Some("k8s.io/kubernetes"));
        assert_eq!(
            of("staging/src/k8s.io/client-go/util/workqueue").as_deref(),
            Some("k8s.io/client-go/util/workqueue")
        );
        assert_eq!(
            of("vendor/github.com/spf13/cobra").as_deref(),
            Some("github.com/spf13/cobra")
        );
        assert_eq!(
            of("staging/src/k8s.io/client-goo").as_deref(),
            Some("k8s.io/kubernetes/staging/src/k8s.io/client-goo")
        );
        assert_eq!(ModuleMap::default().import_path_of("pkg"), None);
    }

    #[test]
    fn staging_beats_root_and_vendor_comes_last() {
        let map = ModuleMap::from_modules(vec![
            Module {
                path: "k8s.io/kubernetes".into(),
                dir: String::new(),
            },
            Module {
                path: "k8s.io/client-go".into(),
                dir: "staging/src/k8s.io/client-go".into(),
            },
        ]);
        assert_eq!(
            map.candidate_dirs("k8s.io/client-go/tools/cache"),
            vec![
                "staging/src/k8s.io/client-go/tools/cache",
                "vendor/k8s.io/client-go/tools/cache",
                "staging/src/k8s.io/client-go/vendor/k8s.io/client-go/tools/cache"
            ]
        );
        assert_eq!(
            map.candidate_dirs("k8s.io/kubernetes-extra/x")[0],
            "vendor/k8s.io/kubernetes-extra/x"
        );
        assert_eq!(map.candidate_dirs("k8s.io/kubernetes")[0], "");
    }
}
