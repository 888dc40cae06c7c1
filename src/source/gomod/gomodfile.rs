//! The parts of a `go.mod` a module graph needs: `module`, `require` and `replace`.
//!
//! The file format is line-based (golang.org/x/mod/modfile): a directive, or a block
//! `verb ( ... )` with one entry per line, `//` comments, and paths that may be quoted.
//! Everything else (`go`, `toolchain`, `exclude`, `retract`, `godebug`, `tool`) is ignored.

/// Where a replaced module's code comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Another module at a version: `=> example.com/fork v1.2.3`.
    Module { path: String, version: String },
    /// A folder of the same tree: `=> ./staging/src/k8s.io/api` (stored without `./`).
    Dir(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replace {
    pub path: String,
    /// Only this version is replaced; `None` replaces every version.
    pub version: Option<String>,
    pub target: Target,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GoMod {
    pub module: Option<String>,
    pub require: Vec<(String, String)>,
    pub replace: Vec<Replace>,
}

impl GoMod {
    pub fn parse(bytes: &[u8]) -> Self {
        let text = String::from_utf8_lossy(bytes);
        let mut out = Self::default();
        let mut block: Option<String> = None;
        for raw in text.lines() {
            let line = strip_comment(raw).trim();
            if line.is_empty() {
                continue;
            }
            if let Some(verb) = &block {
                if line == ")" {
                    block = None;
                } else {
                    out.entry(&verb.clone(), &tokens(line));
                }
                continue;
            }
            let words = tokens(line);
            let Some((verb, rest)) = words.split_first() else {
                continue;
            };
            if rest.len() == 1 && rest[0] == "(" {
                block = Some(verb.clone());
            } else {
                out.entry(verb, rest);
            }
        }
        out
    }

    fn entry(&mut self, verb: &str, args: &[String]) {
        match (verb, args) {
            ("module", [path]) => self.module = Some(path.clone()),
            ("require", [path, version]) => self.require.push((path.clone(), version.clone())),
            ("replace", args) => {
                let Some(arrow) = args.iter().position(|a| a == "=>") else {
                    return;
                };
                let (left, right) = (&args[..arrow], &args[arrow + 1..]);
                let (path, version) = match left {
                    [p] => (p.clone(), None),
                    [p, v] => (p.clone(), Some(v.clone())),
                    _ => return,
                };
                let target = match right {
                    [dir] if is_local(dir) => Target::Dir(clean_dir(dir)),
                    [p, v] => Target::Module {
                        path: p.clone(),
                        version: v.clone(),
                    },
                    _ => return,
                };
                self.replace.push(Replace {
                    path,
                    version,
                    target,
                });
            }
            _ => {}
        }
    }

    /// The required modules after replacements: (module path, required version, where its
    /// code comes from). A module replaced by a folder of the tree belongs to it even when
    /// nothing requires it (the monorepo's `k8s.io/sample-controller`), at the placeholder
    /// version `v0.0.0`.
    pub fn graph(&self) -> Vec<(String, String, Target)> {
        let local_only = self.replace.iter().filter_map(|r| match &r.target {
            Target::Dir(dir) if !self.require.iter().any(|(p, _)| *p == r.path) => Some((
                r.path.clone(),
                "v0.0.0".to_string(),
                Target::Dir(dir.clone()),
            )),
            _ => None,
        });
        let required: Vec<(String, String, Target)> = self
            .require
            .iter()
            .map(|(path, version)| {
                let replaced = self
                    .replace
                    .iter()
                    .filter(|r| r.path == *path)
                    // A version-specific replace beats one for every version.
                    .max_by_key(|r| r.version.as_deref() == Some(version.as_str()))
                    .filter(|r| r.version.as_ref().is_none_or(|v| v == version));
                let target = replaced.map_or_else(
                    || Target::Module {
                        path: path.clone(),
                        version: version.clone(),
                    },
                    |r| r.target.clone(),
                );
                (path.clone(), version.clone(), target)
            })
            .collect();
        required.into_iter().chain(local_only).collect()
    }
}

fn strip_comment(line: &str) -> &str {
    // `//` inside a quoted path is vanishingly rare in go.mod files; modfile rejects it.
    line.find("//").map_or(line, |i| &line[..i])
}

/// Words of a line, with `"quoted"` and `` `raw` `` paths unquoted.
fn tokens(line: &str) -> Vec<String> {
    line.split_whitespace()
        .map(|w| w.trim_matches('"').trim_matches('`').to_string())
        .collect()
}

fn is_local(target: &str) -> bool {
    target.starts_with("./") || target.starts_with("../") || target == "." || target == ".."
}

fn clean_dir(dir: &str) -> String {
    dir.trim_start_matches("./")
        .trim_end_matches('/')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MONOREPO: &str = r#"// generated
module k8s.io/kubernetes

go 1.26.0

require (
	github.com/spf13/cobra v1.10.1
	k8s.io/api v0.0.0
	"k8s.io/client-go" v0.0.0 // indirect
	github.com/old/thing v1.0.0
)

require golang.org/x/net v0.40.0

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/client-go => ./staging/src/k8s.io/client-go/
	github.com/old/thing v1.0.0 => github.com/new/thing v1.1.0
	github.com/old/thing v0.9.0 => ../elsewhere
	k8s.io/sample-controller => ./staging/src/k8s.io/sample-controller
)
replace golang.org/x/net => golang.org/x/net v0.41.0
"#;

    #[test]
    fn requires_and_replaces_make_the_graph() {
        let m = GoMod::parse(MONOREPO.as_bytes());
        assert_eq!(m.module.as_deref(), Some("k8s.io/kubernetes"));
        assert_eq!(m.require.len(), 5);
        let graph = m.graph();
        let target = |p: &str| graph.iter().find(|(m, _, _)| m == p).unwrap().2.clone();
        assert_eq!(
            target("github.com/spf13/cobra"),
            Target::Module {
                path: "github.com/spf13/cobra".into(),
                version: "v1.10.1".into()
            }
        );
        assert_eq!(
            target("k8s.io/api"),
            Target::Dir("staging/src/k8s.io/api".into())
        );
        assert_eq!(
            target("k8s.io/client-go"),
            Target::Dir("staging/src/k8s.io/client-go".into())
        );
        assert_eq!(
            target("github.com/old/thing"),
            Target::Module {
                path: "github.com/new/thing".into(),
                version: "v1.1.0".into()
            }
        );
        assert_eq!(
            target("k8s.io/sample-controller"),
            Target::Dir("staging/src/k8s.io/sample-controller".into())
        );
        assert_eq!(graph.len(), 6);
        assert_eq!(
            target("golang.org/x/net"),
            Target::Module {
                path: "golang.org/x/net".into(),
                version: "v0.41.0".into()
            }
        );
    }

    #[test]
    fn synthesized_and_odd_files() {
        // The proxy's go.mod for a release without one holds only the module line.
        let m = GoMod::parse(b"module k8s.io/kubernetes\n");
        assert_eq!(m.module.as_deref(), Some("k8s.io/kubernetes"));
        assert!(m.graph().is_empty());
        let m = GoMod::parse(b"\xff\xfe module\nrequire (\nonly-one-word\n");
        assert_eq!(m, GoMod::default());
    }
}
