//! Kubernetes version rules: `kubernetes` is tagged `v1.Y.Z` and every repo published from
//! its `staging/src/k8s.io/` (client-go, apimachinery, api...) `v0.Y.Z` for the same release.
//! Drift uses them to pick a bump's targets, the guide and `draft` to read an article at the
//! version it was written for.

use std::collections::BTreeMap;

use crate::mapping::{Mapping, Repo};

/// The repos a bump moves, and to which version.
///
/// With no `repos`, `version` is a Kubernetes version (`v1.X.Y`): `kubernetes` goes there and
/// every published staging repo in the mapping (client-go, apimachinery...) to `v0.X.Y`.
pub fn targets(
    mapping: &Mapping,
    version: &str,
    repos: &[String],
) -> Result<BTreeMap<String, String>, String> {
    if !repos.is_empty() {
        return Ok(repos
            .iter()
            .map(|r| (r.clone(), version.to_string()))
            .collect());
    }
    let staging_version = version
        .strip_prefix("v1.")
        .map(|rest| format!("v0.{rest}"))
        .ok_or_else(|| {
            format!(
                "`{version}` is not a Kubernetes version like v1.32.3; name the repo with --repo to bump it to any tag"
            )
        })?;
    let mut out = BTreeMap::new();
    for (name, repo) in &mapping.repos {
        match upstream_name(&repo.url) {
            Some("kubernetes") => {
                out.insert(name.clone(), version.to_string());
            }
            Some(n) if STAGING.contains(&n) => {
                out.insert(name.clone(), staging_version.clone());
            }
            _ => {}
        }
    }
    if out.is_empty() {
        return Err("no kubernetes repo in the mapping; name one with --repo".into());
    }
    Ok(out)
}

/// Kubernetes version `v1.X[.Y]` in `repo`'s own numbering, as precise as given: `v1.X[.Y]`
/// for `kubernetes`, `v0.X[.Y]` for a published staging repo (so a bare minor stays a query
/// for its newest patch), `None` for other repos or a version we cannot read.
pub fn in_repo_numbering(repo: &Repo, kubernetes_version: &str) -> Option<String> {
    let digits = kubernetes_version.trim().trim_start_matches('v');
    let parts: Vec<&str> = digits.split('.').collect();
    let numbers: Vec<u32> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let (1, [minor, rest @ ..]) = (numbers[0], &numbers[1..]) else {
        return None;
    };
    let patch = match rest {
        [] => String::new(),
        [p] => format!(".{p}"),
        _ => return None,
    };
    let name = upstream_name(&repo.url)?;
    if name == "kubernetes" {
        Some(format!("v1.{minor}{patch}"))
    } else if name == "client-go" && (CLIENT_GO_MAJORS).contains(minor) {
        // Before the v0.Y.Z scheme, client-go was numbered by its own majors: v4.0.0 is
        // Kubernetes 1.7, … v11.0.0 is 1.14 (its README's compatibility matrix).
        Some(format!("v{}.0.0", minor - 3))
    } else if STAGING.contains(&name) {
        Some(format!("v0.{minor}{patch}"))
    } else {
        None
    }
}

/// The Kubernetes minors whose client-go release is a major of its own (`v{minor-3}.0.0`).
const CLIENT_GO_MAJORS: std::ops::RangeInclusive<u32> = 7..=14;

/// `kubernetes/client-go` → `client-go`, for repos under github.com/kubernetes only.
fn upstream_name(url: &str) -> Option<&str> {
    if !url.contains("github.com/kubernetes/") {
        return None;
    }
    url.trim_end_matches('/')
        .trim_end_matches(".git")
        .rsplit('/')
        .next()
}

/// Repos published from the monorepo's `staging/src/k8s.io/`, tagged `v0.X.Y` for `v1.X.Y`.
const STAGING: &[&str] = &[
    "api",
    "apiextensions-apiserver",
    "apimachinery",
    "apiserver",
    "cli-runtime",
    "client-go",
    "cloud-provider",
    "cluster-bootstrap",
    "code-generator",
    "component-base",
    "component-helpers",
    "controller-manager",
    "cri-api",
    "csi-translation-lib",
    "dynamic-resource-allocation",
    "endpointslice",
    "kms",
    "kube-aggregator",
    "kube-controller-manager",
    "kube-proxy",
    "kube-scheduler",
    "kubectl",
    "kubelet",
    "legacy-cloud-providers",
    "metrics",
    "mount-utils",
    "pod-security-admission",
    "sample-apiserver",
    "sample-cli-plugin",
    "sample-controller",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_versions_move_staging_repos() {
        let mapping = crate::mapping::load_builtin().unwrap();
        let t = targets(&mapping, "v1.32.3", &[]).unwrap();
        assert_eq!(t.get("kubernetes").map(String::as_str), Some("v1.32.3"));
        assert_eq!(t.get("client-go").map(String::as_str), Some("v0.32.3"));
        assert!(!t.contains_key("controller-runtime"));
        assert!(targets(&mapping, "v0.9.0", &[]).is_err());
        let only = targets(&mapping, "v0.9.0", &["controller-runtime".into()]).unwrap();
        assert_eq!(only.len(), 1);
        let client_go = mapping.repo("client-go").unwrap();
        assert_eq!(
            in_repo_numbering(client_go, "v1.18").as_deref(),
            Some("v0.18")
        );
        assert_eq!(
            in_repo_numbering(client_go, "v1.18.4").as_deref(),
            Some("v0.18.4")
        );
        // Before v0.Y.Z, client-go's own majors: v1.8 is v5.0.0, v1.13 v10.0.0.
        assert_eq!(
            in_repo_numbering(client_go, "v1.8").as_deref(),
            Some("v5.0.0")
        );
        assert_eq!(
            in_repo_numbering(client_go, "v1.13.4").as_deref(),
            Some("v10.0.0")
        );
        assert_eq!(in_repo_numbering(client_go, "v2.1"), None);
        let k8s = mapping.repo("kubernetes").unwrap();
        assert_eq!(in_repo_numbering(k8s, "1.20.2").as_deref(), Some("v1.20.2"));
        assert_eq!(in_repo_numbering(k8s, "v1.x"), None);
        assert_eq!(
            in_repo_numbering(mapping.repo("kube").unwrap(), "v1.13"),
            None
        );
    }
}
