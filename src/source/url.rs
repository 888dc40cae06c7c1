//! Which URLs we fetch from, and where a mirror redirects them.
//!
//! Only transports that move data are allowed: `ext::` and friends run commands, and an
//! argument starting with `-` could be read as an option by a git that shells out.

use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("URL is empty")]
    Empty,
    #[error("URL `{0}` contains whitespace or control characters")]
    BadCharacters(String),
    #[error("URL `{0}` starts with `-`")]
    LeadingDash(String),
    #[error(
        "URL `{url}` uses the `{scheme}` transport; only https, http, ssh, git and file are allowed"
    )]
    Transport { url: String, scheme: String },
}

/// Accept `https`, `http`, `ssh`, `git`, `file` URLs, scp-like `user@host:path`, and absolute
/// local paths; refuse everything else, notably `ext::cmd` and `fd::`.
pub fn check_url(url: &str) -> Result<(), UrlError> {
    if url.is_empty() {
        return Err(UrlError::Empty);
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UrlError::BadCharacters(url.to_string()));
    }
    if url.starts_with('-') {
        return Err(UrlError::LeadingDash(url.to_string()));
    }
    if let Some((scheme, _)) = url.split_once("://") {
        return match scheme.to_ascii_lowercase().as_str() {
            "https" | "http" | "ssh" | "git" | "file" => Ok(()),
            _ => Err(UrlError::Transport {
                url: url.to_string(),
                scheme: scheme.to_string(),
            }),
        };
    }
    if let Some((transport, _)) = url.split_once("::") {
        return Err(UrlError::Transport {
            url: url.to_string(),
            scheme: transport.to_string(),
        });
    }
    if url.starts_with('/') {
        return Ok(());
    }
    // scp-like ssh: user@host:path (a colon before any slash).
    match (url.find(':'), url.find('/')) {
        (Some(c), slash) if slash.is_none_or(|s| c < s) && c > 0 => Ok(()),
        _ => Err(UrlError::Transport {
            url: url.to_string(),
            scheme: "unknown".into(),
        }),
    }
}

/// The local directory behind a `file://` URL or a plain absolute path.
pub fn local_path(url: &str) -> Option<PathBuf> {
    if let Some(rest) = url.strip_prefix("file://") {
        return Some(PathBuf::from(rest));
    }
    url.starts_with('/').then(|| PathBuf::from(url))
}

/// Where to fetch each upstream from instead of its own URL.
#[derive(Clone, Debug, Default)]
pub struct Redirects {
    /// `--mirror NAME=URL`: one repo, exact URL.
    pub per_repo: BTreeMap<String, String>,
    /// `K8S_STUDY_MIRROR=BASE`: replaces `https://github.com/` in every upstream URL.
    pub base: Option<String>,
}

impl Redirects {
    /// The URLs to try for a repo, in order. A base mirror may hold `owner/name.git` or
    /// `owner/name`; for a local base only the one that exists is returned.
    pub fn candidates(&self, repo_name: &str, upstream: &str) -> Vec<String> {
        if let Some(url) = self.per_repo.get(repo_name) {
            return vec![url.clone()];
        }
        let Some(base) = &self.base else {
            return vec![upstream.to_string()];
        };
        let Some(rest) = upstream.strip_prefix("https://github.com/") else {
            return vec![upstream.to_string()];
        };
        let rest = rest.trim_end_matches('/').trim_end_matches(".git");
        let base = base.trim_end_matches('/');
        let both = [format!("{base}/{rest}.git"), format!("{base}/{rest}")];
        if let Some(dir) = local_path(base) {
            let existing: Vec<String> = both
                .iter()
                .zip([format!("{rest}.git"), rest.to_string()])
                .filter(|(_, p)| dir.join(p).exists())
                .map(|(u, _)| u.clone())
                .collect();
            if !existing.is_empty() {
                return existing;
            }
        }
        both.to_vec()
    }

    /// Whether a mirror serves this repo: a `--mirror` for it, a remote base, or a local base
    /// that holds it.
    pub fn configured(&self, repo_name: &str, upstream: &str) -> bool {
        if self.per_repo.contains_key(repo_name) {
            return true;
        }
        match &self.base {
            None => false,
            Some(base) if local_path(base).is_none() => true,
            Some(_) => self
                .candidates(repo_name, upstream)
                .iter()
                .any(|u| local_path(u).is_some_and(|p| p.exists())),
        }
    }
}

/// A filesystem-safe relative path for an upstream URL inside the cache:
/// `https://github.com/kubernetes/client-go` → `github.com/kubernetes/client-go.git`.
pub fn cache_key(upstream: &str) -> PathBuf {
    let rest = upstream.split_once("://").map_or(upstream, |(_, r)| r);
    let rest = rest
        .rsplit_once('@')
        .map_or(rest, |(_, r)| r)
        .replace(':', "/");
    let mut key = PathBuf::new();
    for part in rest
        .trim_end_matches('/')
        .trim_end_matches(".git")
        .split('/')
    {
        let clean: String = part
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if !clean.is_empty() && clean != "." && clean != ".." {
            key.push(clean);
        }
    }
    let name = key.file_name().map_or_else(
        || "repo.git".into(),
        |n| format!("{}.git", n.to_string_lossy()),
    );
    key.set_file_name(name);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_data_transports_are_allowed() {
        for ok in [
            "https://github.com/a/b",
            "http://x/y",
            "ssh://git@h/x",
            "git://h/x",
            "file:///srv/m",
            "/srv/m",
            "git@github.com:a/b.git",
        ] {
            assert_eq!(check_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "ext::sh -c touch% /tmp/pwned",
            "ext::sh",
            "fd::17",
            "ftp://x/y",
            "-uhttps://x",
            "https://x/ y",
            "relative/path",
            "",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn base_mirror_replaces_github() {
        let r = Redirects {
            base: Some("https://mirror.example/git/".into()),
            ..Redirects::default()
        };
        assert_eq!(
            r.candidates("client-go", "https://github.com/kubernetes/client-go"),
            vec![
                "https://mirror.example/git/kubernetes/client-go.git",
                "https://mirror.example/git/kubernetes/client-go"
            ]
        );
        let mut per = Redirects::default();
        per.per_repo
            .insert("client-go".into(), "file:///m/cg".into());
        assert_eq!(
            per.candidates("client-go", "https://github.com/kubernetes/client-go"),
            vec!["file:///m/cg"]
        );
        assert_eq!(
            per.candidates("kubernetes", "https://github.com/kubernetes/kubernetes"),
            vec!["https://github.com/kubernetes/kubernetes"]
        );
    }

    #[test]
    fn local_base_picks_the_existing_layout() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("kubernetes/client-go")).unwrap();
        let base = format!("file://{}", dir.path().display());
        let r = Redirects {
            base: Some(base.clone()),
            ..Redirects::default()
        };
        assert_eq!(
            r.candidates("client-go", "https://github.com/kubernetes/client-go"),
            vec![format!("{base}/kubernetes/client-go")]
        );
    }

    #[test]
    fn cache_keys_stay_inside_the_cache() {
        assert_eq!(
            cache_key("https://github.com/kubernetes/client-go"),
            PathBuf::from("github.com/kubernetes/client-go.git")
        );
        assert_eq!(
            cache_key("git@github.com:a/b.git"),
            PathBuf::from("github.com/a/b.git")
        );
        assert_eq!(
            cache_key("https://h/../../etc/x"),
            PathBuf::from("h/etc/x.git")
        );
    }
}
