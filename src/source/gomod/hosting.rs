//! Where a module's code is published, for permalinks: a GitHub repository at a ref.
//!
//! `k8s.io/NAME` is `github.com/kubernetes/NAME`, `sigs.k8s.io/NAME` is
//! `github.com/kubernetes-sigs/NAME`, and `github.com/OWNER/REPO[/DIR]` is itself. A module
//! in a folder of its repository is tagged `DIR/vX.Y.Z`; a pseudo-version names a commit.
//! Other hosts (gopkg.in, golang.org/x, go.opentelemetry.io...) get no permalink: their
//! repositories cannot be told from the path alone.

/// A file's place upstream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    /// `https://github.com/OWNER/REPO`.
    pub repo: String,
    /// A tag or a commit.
    pub rev: String,
    /// The file's path in that repository.
    pub path: String,
}

/// Where `file` (relative to the module root) of `module@version` lives on GitHub.
pub fn published(module: &str, version: &str, file: &str) -> Option<Published> {
    let mut parts = module.split('/');
    let (owner, repo) = match parts.next()? {
        "k8s.io" => ("kubernetes", parts.next()?),
        "sigs.k8s.io" => ("kubernetes-sigs", parts.next()?),
        "github.com" => (parts.next()?, parts.next()?),
        _ => return None,
    };
    let mut dir: Vec<&str> = parts.collect();
    // `/vN` at the end is the major version of the import path, not a folder (Go's
    // "major branch" layout, which Kubernetes and its dependencies use).
    if dir.last().is_some_and(|d| is_major(d)) {
        dir.pop();
    }
    let dir = dir.join("/");
    let version = version.trim_end_matches("+incompatible");
    let rev = match pseudo_commit(version) {
        Some(commit) => commit.to_string(),
        None if dir.is_empty() => version.to_string(),
        None => format!("{dir}/{version}"),
    };
    let path = if dir.is_empty() {
        file.to_string()
    } else {
        format!("{dir}/{file}")
    };
    Some(Published {
        repo: format!("https://github.com/{owner}/{repo}"),
        rev,
        path,
    })
}

fn is_major(s: &str) -> bool {
    s.strip_prefix('v').is_some_and(|n| {
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && n != "0" && n != "1"
    })
}

/// The commit of a pseudo-version (`v0.0.0-20240101000000-0123456789ab`).
fn pseudo_commit(version: &str) -> Option<&str> {
    let last = version.rsplit('-').next()?;
    let time = version.rsplit('-').nth(1)?;
    let time = time.rsplit('.').next()?;
    (last.len() == 12
        && last.bytes().all(|b| b.is_ascii_hexdigit())
        && time.len() == 14
        && time.bytes().all(|b| b.is_ascii_digit()))
    .then_some(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(module: &str, version: &str, file: &str) -> Option<String> {
        published(module, version, file).map(|p| format!("{}/blob/{}/{}", p.repo, p.rev, p.path))
    }

    #[test]
    fn published_places() {
        assert_eq!(
            link("k8s.io/client-go", "v0.37.2", "tools/cache/reflector.go").as_deref(),
            Some("https://github.com/kubernetes/client-go/blob/v0.37.2/tools/cache/reflector.go")
        );
        assert_eq!(
            link(
                "sigs.k8s.io/controller-runtime",
                "v0.25.3",
                "pkg/builder/controller.go"
            )
            .as_deref(),
            Some(
                "https://github.com/kubernetes-sigs/controller-runtime/blob/v0.25.3/pkg/builder/controller.go"
            )
        );
        assert_eq!(
            link("github.com/spf13/cobra", "v1.10.1", "command.go").as_deref(),
            Some("https://github.com/spf13/cobra/blob/v1.10.1/command.go")
        );
        assert_eq!(
            link(
                "github.com/coreos/go-systemd/v22",
                "v22.7.0",
                "dbus/dbus.go"
            )
            .as_deref(),
            Some("https://github.com/coreos/go-systemd/blob/v22.7.0/dbus/dbus.go")
        );
        assert_eq!(
            link("github.com/google/cadvisor/lib", "v0.60.5", "x.go").as_deref(),
            Some("https://github.com/google/cadvisor/blob/lib/v0.60.5/lib/x.go")
        );
        assert_eq!(
            link(
                "github.com/coreos/go-oidc",
                "v2.5.0+incompatible",
                "oidc.go"
            )
            .as_deref(),
            Some("https://github.com/coreos/go-oidc/blob/v2.5.0/oidc.go")
        );
        assert_eq!(
            link(
                "github.com/JeffAshton/win_pdh",
                "v0.0.0-20161109143554-76bb4ee9f0ab",
                "pdh.go"
            )
            .as_deref(),
            Some("https://github.com/JeffAshton/win_pdh/blob/76bb4ee9f0ab/pdh.go")
        );
        assert_eq!(link("gopkg.in/yaml.v2", "v2.4.0", "yaml.go"), None);
        assert_eq!(link("golang.org/x/net", "v0.40.0", "http2/http2.go"), None);
        assert_eq!(link("github.com/only-owner", "v1.0.0", "x.go"), None);
    }
}
