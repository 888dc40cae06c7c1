//! The user's Go toolchain: where its module cache is, and `go mod download` for what is
//! missing. We never speak to a module proxy ourselves: the go command does, with the user's
//! GOPROXY, GOFLAGS, GOPRIVATE, GONOSUMDB and GOINSECURE, and verifies every checksum.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Deserialize;

use super::memo::{self, REFUSAL_TTL, Remembered};

/// The module cache and the go command that fills it.
#[derive(Clone, Debug)]
pub struct GoEnv {
    /// `go env GOMODCACHE`.
    pub modcache: PathBuf,
    /// The go command, when one runs: without it the cache is read, never filled.
    pub go: Option<PathBuf>,
    /// `go env GOPROXY`, only to explain a failed download.
    pub goproxy: String,
    /// Downloads refused before, not asked for again for a while (`None`: every time).
    pub refusals: Option<Remembered>,
    /// The newest patch of each minor, and whether a version is served, as asked lately
    /// (`None`: asked every time).
    pub newest: Option<Remembered>,
}

/// A module the cache holds: its zip, and the `h1:` hash go.sum records for it.
#[derive(Clone, Debug)]
pub struct CachedModule {
    pub zip: PathBuf,
    pub sum: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "UPPERCASE")]
struct GoEnvJson {
    #[serde(default)]
    gomodcache: String,
    #[serde(default)]
    goproxy: String,
}

/// One object of `go mod download -json`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Downloaded {
    path: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    error: String,
    #[serde(default)]
    zip: String,
    #[serde(default)]
    sum: String,
}

/// What `go mod download` said of one module.
#[derive(Debug)]
pub enum Download {
    Ok {
        version: String,
        module: CachedModule,
    },
    Failed(String),
}

impl GoEnv {
    /// Ask the go command (`go env -json`), or recall its answer from `memo_dir` (our cache)
    /// when nothing it depends on has changed. Without a go command, read the cache where Go
    /// would have put it: `$GOMODCACHE`, else the first `$GOPATH` entry's `pkg/mod`, else
    /// `~/go/pkg/mod`. With `memo_dir`, refused downloads and the newest patch of each minor
    /// are remembered there too.
    pub fn detect(memo_dir: Option<&Path>) -> Self {
        let go =
            std::env::var_os("K8S_STUDY_GO").map_or_else(|| PathBuf::from("go"), PathBuf::from);
        let refusals =
            memo_dir.map(|d| Remembered::new(d.join("modules-refused.tsv"), REFUSAL_TTL));
        let newest = memo_dir.map(|d| Remembered::new(d.join("modules-newest.tsv"), REFUSAL_TTL));
        let memo = memo_dir
            .zip(memo::go_env_stamp(&go))
            .map(|(d, stamp)| (d.join("go-env"), stamp));
        if let Some((file, stamp)) = &memo
            && let Some((modcache, goproxy)) = memo::recall_go_env(file, stamp)
        {
            return Self {
                modcache: PathBuf::from(modcache),
                go: Some(go),
                goproxy,
                refusals,
                newest,
            };
        }
        let asked = Command::new(&go)
            .args(["env", "-json", "GOMODCACHE", "GOPROXY"])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output();
        if let Ok(out) = asked
            && out.status.success()
            && let Ok(env) = serde_json::from_slice::<GoEnvJson>(&out.stdout)
            && !env.gomodcache.is_empty()
        {
            if let Some((file, stamp)) = &memo {
                memo::remember_go_env(file, stamp, &env.gomodcache, &env.goproxy);
            }
            return Self {
                modcache: PathBuf::from(env.gomodcache),
                go: Some(go),
                goproxy: env.goproxy,
                refusals,
                newest,
            };
        }
        let modcache = std::env::var_os("GOMODCACHE")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("GOPATH")
                    .and_then(|p| std::env::split_paths(&p).next())
                    .filter(|p| !p.as_os_str().is_empty())
                    .map(|p| p.join("pkg/mod"))
            })
            .or_else(|| directories::BaseDirs::new().map(|d| d.home_dir().join("go/pkg/mod")))
            .unwrap_or_else(|| PathBuf::from("go/pkg/mod"));
        Self {
            modcache,
            go: None,
            goproxy: std::env::var("GOPROXY").unwrap_or_default(),
            refusals: None,
            newest: None,
        }
    }

    /// `cache/download/MODULE/@v/VERSION` without the extension, escaped as Go escapes them.
    fn stem(&self, module: &str, version: &str) -> Option<PathBuf> {
        Some(
            self.modcache
                .join("cache/download")
                .join(escape(module)?)
                .join("@v")
                .join(escape(version)?),
        )
    }

    /// The module if the cache holds it completely. The go command writes the `.ziphash`
    /// after the zip is in place and verified, so a zip without one is an interrupted
    /// download and does not count.
    pub fn cached(&self, module: &str, version: &str) -> Option<CachedModule> {
        let stem = self.stem(module, version)?;
        let zip = stem.with_extension(ext(&stem, "zip"));
        let sum = std::fs::read_to_string(stem.with_extension(ext(&stem, "ziphash"))).ok()?;
        let sum = sum.trim().to_string();
        (zip.is_file() && sum.starts_with("h1:")).then_some(CachedModule { zip, sum })
    }

    /// The `.mod` file the go command keeps beside a cached zip: the module's go.mod (checked
    /// against go.sum like the zip), or `module PATH` written by the go command for a module
    /// without one. Reading it spares opening a large zip just for its go.mod.
    pub fn cached_go_mod(&self, module: &str, version: &str) -> Option<Vec<u8>> {
        let stem = self.stem(module, version)?;
        std::fs::read(stem.with_extension(ext(&stem, "mod"))).ok()
    }

    /// The newest cached version of `module` that starts with `prefix` (a bare minor such as
    /// `v1.13`), for when the go command cannot be asked.
    pub fn newest_cached(&self, module: &str, prefix: &str) -> Option<String> {
        let dir = self
            .modcache
            .join("cache/download")
            .join(escape(module)?)
            .join("@v");
        let mut best: Option<(Vec<u64>, String)> = None;
        for entry in std::fs::read_dir(dir).ok()?.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(version) = name.strip_suffix(".ziphash") else {
                continue;
            };
            let Some(rest) = version.strip_prefix(prefix) else {
                continue;
            };
            if !(rest.is_empty() || rest.starts_with('.')) || version.contains('-') {
                continue;
            }
            let key: Vec<u64> = version
                .trim_start_matches('v')
                .split('.')
                .map(|p| p.parse().unwrap_or(0))
                .collect();
            if best.as_ref().is_none_or(|(k, _)| key > *k) && self.cached(module, version).is_some()
            {
                best = Some((key, version.to_string()));
            }
        }
        best.map(|(_, v)| v)
    }

    /// Every complete version of `module` in the cache, with its zip's size, newest last,
    /// and the major-version modules beside it (`sigs.k8s.io/kubebuilder/v3`). For
    /// `cache list`: the cache itself belongs to the go command (`go clean -modcache`).
    pub fn cached_versions(&self, module: &str) -> Vec<(String, String, u64)> {
        let Some(base) = escape(module) else {
            return Vec::new();
        };
        let root = self.modcache.join("cache/download").join(base);
        let mut dirs = vec![(module.to_string(), root.join("@v"))];
        for entry in std::fs::read_dir(&root).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name
                .strip_prefix('v')
                .is_some_and(|n| n.parse::<u32>().is_ok_and(|n| n >= 2))
            {
                dirs.push((format!("{module}/{name}"), entry.path().join("@v")));
            }
        }
        let mut out = Vec::new();
        for (path, dir) in dirs {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let Some(version) = name.strip_suffix(".ziphash").and_then(unescape) else {
                    continue;
                };
                if let Some(m) = self.cached(&path, &version) {
                    let bytes = std::fs::metadata(&m.zip).map_or(0, |m| m.len());
                    out.push((path.clone(), version, bytes));
                }
            }
        }
        out.sort_by(|a, b| (&a.0, version_key(&a.1)).cmp(&(&b.0, version_key(&b.1))));
        out
    }

    /// Whether the go command can get `module@version` (its `.info`, a few hundred bytes;
    /// nothing is downloaded). `None` without a go command.
    pub fn served(&self, module: &str, version: &str) -> Option<bool> {
        if self.cached(module, version).is_some() {
            return Some(true);
        }
        let go = self.go.as_ref()?;
        // Kept with the newest patches: `served:` keys never meet a minor's.
        let key = format!("served:{version}");
        if let Some(known) = self.newest.as_ref().and_then(|n| n.recall(module, &key)) {
            return Some(known.value == "yes");
        }
        let out = Command::new(go)
            .args(["list", "-m", "-json", &format!("{module}@{version}")])
            .current_dir(std::env::temp_dir())
            .env("GOWORK", "off")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        let served = out.status.success();
        if let Some(memory) = &self.newest {
            let value = if served { "yes" } else { "no" };
            memory.update(&[(module.to_string(), key, value.to_string())], &[]);
        }
        Some(served)
    }

    /// The newest patch of `minor` (`v1.9`) the go command can get: the go command's own
    /// answer for the query when the module's version list names one, else patch after patch
    /// from `.0` while each is served (a list may omit versions that are served). `None`
    /// when not even `.0` is, or without a go command.
    pub fn newest_patch(&self, module: &str, minor: &str) -> Option<String> {
        let go = self.go.as_ref()?;
        if let Some(known) = self.newest.as_ref().and_then(|n| n.recall(module, minor)) {
            return (known.value != "-").then_some(known.value);
        }
        let newest = self.newest_patch_now(go, module, minor);
        if let Some(memory) = &self.newest {
            let value = newest.clone().unwrap_or_else(|| "-".into());
            memory.update(&[(module.to_string(), minor.to_string(), value)], &[]);
        }
        newest
    }

    fn newest_patch_now(&self, go: &Path, module: &str, minor: &str) -> Option<String> {
        let listed = Command::new(go)
            .args(["list", "-m", "-json", &format!("{module}@{minor}")])
            .current_dir(std::env::temp_dir())
            .env("GOWORK", "off")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| serde_json::from_slice::<Listed>(&o.stdout).ok())
            .map(|l| l.version);
        // The list may name only some patches: look past the listed one too.
        let start: u32 = listed
            .as_deref()
            .and_then(|v| v.rsplit('.').next()?.parse().ok())
            .unwrap_or(0);
        let mut newest = listed;
        for patch in start..start + 40 {
            let candidate = format!("{minor}.{patch}");
            if newest.as_deref() == Some(candidate.as_str()) {
                continue;
            }
            if self.served(module, &candidate) == Some(true) {
                newest = Some(candidate);
            } else if newest.is_some() {
                break;
            } else {
                return None;
            }
        }
        newest
    }

    /// Run `go mod download -json` for every `MODULE@QUERY` at once. One answer per request,
    /// in order; a query such as `v1.13` comes back as the version it resolved to. A request
    /// refused within the last 12 h is answered from memory, without the go command.
    pub fn download(
        &self,
        wanted: &[(String, String)],
        progress: bool,
    ) -> Result<Vec<Download>, String> {
        let Some(refusals) = &self.refusals else {
            return self.download_now(wanted, progress);
        };
        let recalled: Vec<Option<String>> = wanted
            .iter()
            .map(|(m, v)| {
                refusals
                    .recall(m, v)
                    .map(|r| r.explain(m, v, refusals.ttl()))
            })
            .collect();
        let ask: Vec<(String, String)> = wanted
            .iter()
            .zip(&recalled)
            .filter(|(_, r)| r.is_none())
            .map(|(w, _)| w.clone())
            .collect();
        let mut answers = self.download_now(&ask, progress)?.into_iter();
        let mut failed = Vec::new();
        let mut served = Vec::new();
        let mut out = Vec::with_capacity(wanted.len());
        for ((module, query), recalled) in wanted.iter().zip(recalled) {
            if let Some(why) = recalled {
                out.push(Download::Failed(why));
                continue;
            }
            let Some(answer) = answers.next() else {
                break;
            };
            match &answer {
                Download::Failed(why) => failed.push((module.clone(), query.clone(), why.clone())),
                Download::Ok { .. } => served.push((module.clone(), query.clone())),
            }
            out.push(answer);
        }
        refusals.update(&failed, &served);
        Ok(out)
    }

    /// Whether a download of `module@version` was refused within the refusal memory.
    pub fn refused(&self, module: &str, version: &str) -> bool {
        self.refusals
            .as_ref()
            .is_some_and(|r| r.recall(module, version).is_some())
    }

    /// Ask again for everything refused before (an explicit `fetch`).
    pub fn forget_refusals(&self) {
        if let Some(r) = &self.refusals {
            r.forget_all();
        }
    }

    #[allow(clippy::missing_panics_doc)] // the progress template is static
    fn download_now(
        &self,
        wanted: &[(String, String)],
        progress: bool,
    ) -> Result<Vec<Download>, String> {
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let Some(go) = &self.go else {
            return Err("no go command was found".into());
        };
        let bar = progress.then(|| {
            let bar = ProgressBar::new_spinner().with_message(match wanted {
                [(m, v)] => format!("{m}@{v}"),
                [(m, v), rest @ ..] => format!("{m}@{v} and {} more", rest.len()),
                [] => String::new(),
            });
            bar.set_style(
                ProgressStyle::with_template("{spinner} go mod download {msg} ({elapsed})")
                    .expect("static template"),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        let mut cmd = Command::new(go);
        cmd.args(["mod", "download", "-json"])
            .args(wanted.iter().map(|(m, v)| format!("{m}@{v}")))
            // Outside any module of the user's, so their go.mod or go.work plays no part.
            .current_dir(std::env::temp_dir())
            .env("GOWORK", "off")
            .stdin(Stdio::null());
        let out = cmd
            .output()
            .map_err(|e| format!("cannot run {}: {e}", go.display()));
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        let out = out?;
        let mut answers: Vec<Downloaded> = serde_json::Deserializer::from_slice(&out.stdout)
            .into_iter::<Downloaded>()
            .filter_map(Result::ok)
            .collect();
        let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
        Ok(wanted
            .iter()
            .map(|(module, query)| {
                let found = answers.iter().position(|d| d.path == *module);
                match found.map(|i| answers.remove(i)) {
                    Some(d) if d.error.is_empty() && !d.zip.is_empty() => Download::Ok {
                        version: d.version,
                        module: CachedModule {
                            zip: PathBuf::from(d.zip),
                            sum: d.sum,
                        },
                    },
                    Some(d) if !d.error.is_empty() => Download::Failed(d.error),
                    _ if !stderr.is_empty() => Download::Failed(stderr.clone()),
                    _ => Download::Failed(format!(
                        "go mod download gave no answer for {module}@{query}"
                    )),
                }
            })
            .collect())
    }
}

#[derive(serde::Deserialize)]
struct Listed {
    #[serde(rename = "Version")]
    version: String,
}

/// `stem.EXT`, keeping the dots a version already has (`v1.2.3` + `zip`).
fn ext(stem: &Path, ext: &str) -> String {
    match stem.extension() {
        Some(e) => format!("{}.{ext}", e.to_string_lossy()),
        None => ext.to_string(),
    }
}

/// Go's case encoding of module paths and versions in the cache (golang.org/x/mod/module):
/// each upper-case letter becomes `!` and its lower case. `None` for a path that may not be
/// a file name (a `!`, `..`, or a character Go refuses).
pub fn escape(s: &str) -> Option<String> {
    if s.is_empty() || s.contains("..") || s.starts_with('/') || s.ends_with('/') {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'A'..='Z' => {
                out.push('!');
                out.push(c.to_ascii_lowercase());
            }
            'a'..='z' | '0'..='9' | '.' | '-' | '_' | '~' | '/' | '+' => out.push(c),
            _ => return None,
        }
    }
    Some(out)
}

/// The inverse of [`escape`]: `!a` is `A`.
fn unescape(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut bang = false;
    for c in s.chars() {
        match (bang, c) {
            (false, '!') => bang = true,
            (true, 'a'..='z') => {
                out.push(c.to_ascii_uppercase());
                bang = false;
            }
            (true, _) => return None,
            (false, _) => out.push(c),
        }
    }
    (!bang).then_some(out)
}

/// Semantic order of `vX.Y.Z[-pre]`, close enough to sort a listing.
fn version_key(v: &str) -> (Vec<u64>, String) {
    let (core, pre) = v
        .trim_start_matches('v')
        .split_once('-')
        .unwrap_or((v.trim_start_matches('v'), "~"));
    (
        core.split('.').map(|p| p.parse().unwrap_or(0)).collect(),
        pre.to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_encoding_as_go_does_it() {
        assert_eq!(
            escape("github.com/Azure/go-autorest").as_deref(),
            Some("github.com/!azure/go-autorest")
        );
        assert_eq!(
            escape("k8s.io/kubernetes").as_deref(),
            Some("k8s.io/kubernetes")
        );
        assert_eq!(
            escape("v1.2.3+incompatible").as_deref(),
            Some("v1.2.3+incompatible")
        );
        assert_eq!(escape("../etc/passwd"), None);
        assert_eq!(escape("/abs"), None);
        assert_eq!(escape("a!b"), None);
        assert_eq!(escape("a b"), None);
    }

    #[test]
    fn a_zip_without_its_hash_is_not_cached() {
        let dir = tempfile::tempdir().unwrap();
        let env = GoEnv {
            modcache: dir.path().to_path_buf(),
            go: None,
            goproxy: String::new(),
            refusals: None,
            newest: None,
        };
        let at = dir.path().join("cache/download/example.com/!m/@v");
        std::fs::create_dir_all(&at).unwrap();
        std::fs::write(at.join("v1.2.0.zip"), b"zip").unwrap();
        assert!(env.cached("example.com/M", "v1.2.0").is_none());
        std::fs::write(at.join("v1.2.0.ziphash"), b"h1:abc=\n").unwrap();
        let m = env.cached("example.com/M", "v1.2.0").unwrap();
        assert_eq!(m.sum, "h1:abc=");
        std::fs::write(at.join("v1.2.10.zip"), b"zip").unwrap();
        std::fs::write(at.join("v1.2.10.ziphash"), b"h1:def=\n").unwrap();
        std::fs::write(at.join("v1.3.0.zip"), b"zip").unwrap();
        std::fs::write(at.join("v1.3.0.ziphash"), b"h1:x=\n").unwrap();
        assert_eq!(
            env.newest_cached("example.com/M", "v1.2").as_deref(),
            Some("v1.2.10")
        );
        assert!(env.download(&[("a".into(), "v1".into())], false).is_err());
        let listed: Vec<String> = env
            .cached_versions("example.com/M")
            .into_iter()
            .map(|(m, v, bytes)| format!("{m}@{v}:{bytes}"))
            .collect();
        assert_eq!(
            listed,
            [
                "example.com/M@v1.2.0:3",
                "example.com/M@v1.2.10:3",
                "example.com/M@v1.3.0:3"
            ]
        );
        let v2 = dir.path().join("cache/download/example.com/!m/v2/@v");
        std::fs::create_dir_all(&v2).unwrap();
        std::fs::write(v2.join("v2.0.0-!r!c1.zip"), b"zipzip").unwrap();
        std::fs::write(v2.join("v2.0.0-!r!c1.ziphash"), b"h1:y=\n").unwrap();
        assert_eq!(
            env.cached_versions("example.com/M").last().unwrap(),
            &("example.com/M/v2".to_string(), "v2.0.0-RC1".to_string(), 6)
        );
        assert_eq!(unescape("!azure"), Some("Azure".into()));
        assert_eq!(unescape("a!"), None);
        assert_eq!(unescape("!A"), None);
    }
}
