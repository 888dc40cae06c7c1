//! What can go wrong reading a source, and what the user can do about it.

use std::path::{Path, PathBuf};

use super::url;

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("no cache folder: the platform has no user cache directory; pass --cache DIR")]
    NoCacheDir,
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot fetch {tag} of {repo} from {url}: {detail}")]
    Fetch {
        repo: String,
        tag: String,
        url: String,
        detail: String,
    },
    #[error("tag {tag} of {repo} does not exist at {url}")]
    TagNotFound {
        repo: String,
        tag: String,
        url: String,
    },
    #[error("mirror of {repo} not found: {path} does not exist")]
    MirrorMissing { repo: String, path: PathBuf },
    #[error("the cache of {repo} is damaged ({detail})")]
    Corrupt { repo: String, detail: String },
    #[error("tag {tag} of {repo} moved: the cache verified commit {was}, {url} now names {now}")]
    TagMoved {
        repo: String,
        tag: String,
        url: String,
        was: String,
        now: String,
    },
    #[error("cannot read Go module {module}@{version}: {detail}")]
    Module {
        module: String,
        version: String,
        detail: String,
        /// A go command was found (downloads were possible).
        go: bool,
        goproxy: String,
    },
    #[error("the zip of Go module {module}@{version} is refused ({}): {detail}", zip.display())]
    ModuleZip {
        module: String,
        version: String,
        zip: PathBuf,
        detail: String,
    },
    #[error(transparent)]
    Url(#[from] url::UrlError),
}

impl SourceError {
    /// The same error once more, for a second reader of what failed once (an I/O error keeps
    /// its kind and message).
    #[must_use]
    pub fn again(&self) -> Self {
        match self {
            Self::NoCacheDir => Self::NoCacheDir,
            Self::Io {
                action,
                path,
                source,
            } => Self::Io {
                action,
                path: path.clone(),
                source: std::io::Error::new(source.kind(), source.to_string()),
            },
            Self::Fetch {
                repo,
                tag,
                url,
                detail,
            } => Self::Fetch {
                repo: repo.clone(),
                tag: tag.clone(),
                url: url.clone(),
                detail: detail.clone(),
            },
            Self::TagNotFound { repo, tag, url } => Self::TagNotFound {
                repo: repo.clone(),
                tag: tag.clone(),
                url: url.clone(),
            },
            Self::MirrorMissing { repo, path } => Self::MirrorMissing {
                repo: repo.clone(),
                path: path.clone(),
            },
            Self::Corrupt { repo, detail } => Self::Corrupt {
                repo: repo.clone(),
                detail: detail.clone(),
            },
            Self::TagMoved {
                repo,
                tag,
                url,
                was,
                now,
            } => Self::TagMoved {
                repo: repo.clone(),
                tag: tag.clone(),
                url: url.clone(),
                was: was.clone(),
                now: now.clone(),
            },
            Self::Module {
                module,
                version,
                detail,
                go,
                goproxy,
            } => Self::Module {
                module: module.clone(),
                version: version.clone(),
                detail: detail.clone(),
                go: *go,
                goproxy: goproxy.clone(),
            },
            Self::ModuleZip {
                module,
                version,
                zip,
                detail,
            } => Self::ModuleZip {
                module: module.clone(),
                version: version.clone(),
                zip: zip.clone(),
                detail: detail.clone(),
            },
            Self::Url(e) => Self::Url(e.clone()),
        }
    }

    /// What the user can do about it.
    pub fn help(&self) -> Option<String> {
        match self {
            Self::Fetch { url, .. } if url.contains("github.com") => Some(
                "cannot reach github.com? point at a mirror: K8S_STUDY_MIRROR=BASE or --mirror NAME=URL (docs/cli.md)".into(),
            ),
            Self::Fetch { .. } | Self::MirrorMissing { .. } => {
                Some("check the mirror URL (--mirror NAME=URL or K8S_STUDY_MIRROR)".into())
            }
            Self::TagNotFound { .. } => Some("check the version: tags look like v1.20.2 (kubernetes) or v0.20.2 (client-go)".into()),
            Self::Corrupt { repo, .. } => Some(format!(
                "the damaged version is fetched again on the next run; if the damage persists, `k8s-study cache clean {repo}` starts the repo's cache afresh (and check the mirror)"
            )),
            Self::TagMoved { repo, .. } => Some(format!(
                "a published tag should not move, and notes written for the old commit may not fit the new one; if the move is intended, `k8s-study cache clean {repo}` forgets the old commit"
            )),
            Self::Module { go: false, .. } => Some(
                "Go modules are downloaded by your go command, and none was found: install Go (or set K8S_STUDY_GO to it), or read the repo from git with --source git".into(),
            ),
            Self::Module { goproxy, module, version, .. } if goproxy.split([',', '|']).all(|p| p.trim() == "off") && !goproxy.is_empty() => Some(format!(
                "GOPROXY=off forbids downloads and the module is not in your module cache: run `go mod download {module}@{version}` where a proxy is reachable, or unset GOPROXY=off"
            )),
            Self::Module { .. } => Some(
                "check the version (`go list -m -versions MODULE` lists what your proxy serves) and your GOPROXY, GOFLAGS and GONOSUMDB settings; or read the repo from git with --source git".into(),
            ),
            Self::ModuleZip { zip, .. } => Some(format!(
                "the go command verifies what it downloads, so this file changed after it was downloaded: delete {} (and its .ziphash) and run again to download it afresh",
                zip.display()
            )),
            Self::NoCacheDir => None,
            Self::Io { .. } => Some("check the permissions and free space of the cache folder (--cache DIR)".into()),
            Self::Url(_) => Some("use an https, http, ssh, git or file URL".into()),
        }
    }
}

/// A `map_err` for an I/O failure: `action` (`cannot write`) on `path`.
pub(super) fn io_err(
    action: &'static str,
    path: &Path,
) -> impl FnOnce(std::io::Error) -> SourceError {
    let path = path.to_path_buf();
    move |source| SourceError::Io {
        action,
        path,
        source,
    }
}
