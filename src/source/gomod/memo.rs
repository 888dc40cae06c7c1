//! What the go command said before, kept in our cache so warm runs do not ask it again:
//!
//! - **`go env`**, remembered with a stamp of everything its answer depends on (the go
//!   binary, its `go.env`, the user's `go env -w` file, the variables that override them).
//!   Starting the go command is about 15 ms: most of a warm `find`.
//! - **Refused downloads**: a module version the proxy would not serve (or a download that
//!   failed) is not asked for again for [`REFUSAL_TTL`]. A refusal costs a network round trip
//!   of about half a second, on every run that names the module's packages.
//!   `k8s-study fetch` always asks again.
//!
//! Both files are small and rewritten whole, atomically; one that cannot be read is ignored,
//! and losing an entry only means asking again.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long a refused module version is not asked for again, and a minor's newest patch is
/// taken as known.
pub const REFUSAL_TTL: Duration = Duration::from_secs(12 * 60 * 60);

/// The environment variables `go env GOMODCACHE GOPROXY` depends on.
const GO_ENV_VARS: [&str; 11] = [
    "GOMODCACHE",
    "GOPATH",
    "GOPROXY",
    "GOENV",
    "GOFLAGS",
    "GOROOT",
    "GOTOOLCHAIN",
    "HOME",
    "XDG_CONFIG_HOME",
    "PATH",
    "K8S_STUDY_GO",
];

/// A file's identity and age, or its absence: a file changed in place changes its stamp.
fn file_stamp(path: &Path) -> String {
    match std::fs::metadata(path) {
        Ok(m) => {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}:{}:{modified}", path.display(), m.len())
        }
        Err(_) => format!("{}:-", path.display()),
    }
}

/// The go command `name` as the shell would run it: an absolute or relative path as given,
/// else the first executable file of that name on `PATH`.
fn on_path(name: &Path) -> Option<PathBuf> {
    if name.components().count() > 1 {
        return name.is_file().then(|| name.to_path_buf());
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

/// Everything `go env GOMODCACHE GOPROXY` reads, as one string; `None` when the go command
/// cannot be found (then it is asked, and fails, as before).
pub fn go_env_stamp(go: &Path) -> Option<String> {
    let binary = std::fs::canonicalize(on_path(go)?).ok()?;
    let mut parts = vec![file_stamp(&binary)];
    // `$GOROOT/go.env`, beside `bin/` of the toolchain.
    if let Some(root) = binary.parent().and_then(Path::parent) {
        parts.push(file_stamp(&root.join("go.env")));
    }
    // The `go env -w` file: `$GOENV`, else the user config folder's `go/env`.
    let goenv = std::env::var_os("GOENV")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_CONFIG_HOME")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
                .map(|c| c.join("go/env"))
        });
    if let Some(goenv) = goenv {
        parts.push(file_stamp(&goenv));
    }
    for var in GO_ENV_VARS {
        parts.push(format!(
            "{var}={}",
            std::env::var_os(var).unwrap_or_default().to_string_lossy()
        ));
    }
    Some(parts.join("\n"))
}

/// The remembered `go env` answer (module cache, proxy) for `stamp`.
pub fn recall_go_env(file: &Path, stamp: &str) -> Option<(String, String)> {
    let text = std::fs::read_to_string(file).ok()?;
    let (head, rest) = text.split_once("\n\n")?;
    if head != stamp {
        return None;
    }
    let mut lines = rest.lines();
    let modcache = lines.next()?.strip_prefix("GOMODCACHE=")?.to_string();
    let goproxy = lines.next()?.strip_prefix("GOPROXY=")?.to_string();
    (!modcache.is_empty() && lines.next().is_none()).then_some((modcache, goproxy))
}

pub fn remember_go_env(file: &Path, stamp: &str, modcache: &str, goproxy: &str) {
    if modcache.contains('\n') || goproxy.contains('\n') {
        return;
    }
    let text = format!("{stamp}\n\nGOMODCACHE={modcache}\nGOPROXY={goproxy}\n");
    let _ = write(file, text.as_bytes());
}

fn write(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    crate::output::write_file_atomic(file, bytes)
}

/// Answers of the go command kept for a while, by module and version (or query): a
/// download's refusal and why, the newest patch of a minor. One line per answer: seconds,
/// module, version, value (newlines and tabs escaped).
#[derive(Clone, Debug)]
pub struct Remembered {
    file: PathBuf,
    ttl: Duration,
}

/// A remembered answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub value: String,
    pub at: SystemTime,
}

impl Answer {
    /// The go command's words, and when k8s-study asks again. No clock time: the text goes
    /// into reports that are compared and remembered.
    pub fn explain(&self, module: &str, version: &str, ttl: Duration) -> String {
        format!(
            "{} (a refusal is remembered for {} h; `k8s-study fetch` of the release that needs {module}@{version} asks again now)",
            self.value,
            ttl.as_secs() / 3600
        )
    }
}

fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// One line per refusal: seconds, module, version, why (newlines and tabs folded).
fn parse_line(line: &str) -> Option<((String, String), Answer)> {
    let mut parts = line.splitn(4, '\t');
    let at: u64 = parts.next()?.parse().ok()?;
    let module = parts.next()?.to_string();
    let version = parts.next()?.to_string();
    let value = unescape(parts.next()?);
    Some((
        (module, version),
        Answer {
            value,
            at: UNIX_EPOCH + Duration::from_secs(at),
        },
    ))
}

/// A reason on one line: backslash, newline and tab written as `\\`, `\n`, `\t`.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

impl Remembered {
    pub fn new(file: PathBuf, ttl: Duration) -> Self {
        Self { file, ttl }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Every refusal still in force.
    fn read(&self) -> Vec<((String, String), Answer)> {
        let now = SystemTime::now();
        std::fs::read_to_string(&self.file)
            .unwrap_or_default()
            .lines()
            .filter_map(parse_line)
            .filter(|(_, r)| now.duration_since(r.at).is_ok_and(|age| age < self.ttl))
            .collect()
    }

    /// The refusal of `module@version`, if one is still in force.
    pub fn recall(&self, module: &str, version: &str) -> Option<Answer> {
        self.read()
            .into_iter()
            .find(|((m, v), _)| m == module && v == version)
            .map(|(_, r)| r)
    }

    /// Record what this download said: `failed` are remembered (now), `served` forgotten.
    pub fn update(&self, failed: &[(String, String, String)], served: &[(String, String)]) {
        if failed.is_empty() && (served.is_empty() || !self.file.exists()) {
            return;
        }
        let mut kept: Vec<((String, String), Answer)> = self
            .read()
            .into_iter()
            .filter(|((m, v), _)| {
                !failed.iter().any(|(fm, fv, _)| fm == m && fv == v)
                    && !served.iter().any(|(sm, sv)| sm == m && sv == v)
            })
            .collect();
        let now = SystemTime::now();
        for (m, v, why) in failed {
            kept.push((
                (m.clone(), v.clone()),
                Answer {
                    value: why.clone(),
                    at: now,
                },
            ));
        }
        let mut text = String::new();
        for ((m, v), r) in &kept {
            if [m, v].iter().any(|s| s.contains(['\t', '\n'])) {
                continue;
            }
            let why = escape(&r.value);
            let _ = writeln!(text, "{}\t{m}\t{v}\t{why}", unix(r.at));
        }
        let _ = write(&self.file, text.as_bytes());
    }

    /// Forget every refusal (an explicit `fetch` asks again).
    pub fn forget_all(&self) {
        let _ = std::fs::remove_file(&self.file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_recalled_until_they_expire_and_forgotten_when_served() {
        let dir = tempfile::tempdir().unwrap();
        let r = Remembered::new(dir.path().join("refused"), Duration::from_secs(3600));
        assert!(r.recall("k8s.io/a", "v1").is_none());
        r.update(
            &[
                (
                    "k8s.io/a".into(),
                    "v1".into(),
                    "403\tForbidden\nnot \\n available".into(),
                ),
                ("k8s.io/b".into(), "v2".into(), "dial tcp: timeout".into()),
            ],
            &[],
        );
        let a = r.recall("k8s.io/a", "v1").unwrap();
        assert_eq!(a.value, "403\tForbidden\nnot \\n available");
        assert!(r.recall("k8s.io/a", "v2").is_none());
        r.update(&[], &[("k8s.io/a".into(), "v1".into())]);
        assert!(r.recall("k8s.io/a", "v1").is_none());
        assert!(r.recall("k8s.io/b", "v2").is_some());
        // An entry older than the TTL is not in force.
        std::fs::write(
            dir.path().join("refused"),
            "1\tk8s.io/old\tv1\tgone\nnot a line\n",
        )
        .unwrap();
        assert!(r.recall("k8s.io/old", "v1").is_none());
        let explained = a.explain("k8s.io/a", "v1", r.ttl());
        assert!(explained.contains("for 1 h") && explained.contains("k8s-study fetch"));
        r.forget_all();
        assert!(r.recall("k8s.io/b", "v2").is_none());
    }

    #[test]
    fn go_env_is_recalled_only_for_the_same_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("go-env");
        assert!(recall_go_env(&file, "s1").is_none());
        remember_go_env(&file, "s1\nPATH=/bin", "/m", "direct");
        assert_eq!(
            recall_go_env(&file, "s1\nPATH=/bin"),
            Some(("/m".into(), "direct".into()))
        );
        assert!(recall_go_env(&file, "s1\nPATH=/usr/bin").is_none());
        std::fs::write(&file, "garbage").unwrap();
        assert!(recall_go_env(&file, "s1\nPATH=/bin").is_none());
    }

    #[test]
    fn a_stamp_changes_with_the_go_binary() {
        let dir = tempfile::tempdir().unwrap();
        let go = dir.path().join("bin/go");
        std::fs::create_dir_all(go.parent().unwrap()).unwrap();
        std::fs::write(&go, "#!/bin/sh\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&go, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let before = go_env_stamp(&go).unwrap();
        std::fs::write(dir.path().join("go.env"), "GOPROXY=off\n").unwrap();
        let after = go_env_stamp(&go).unwrap();
        assert_ne!(before, after, "the toolchain's go.env is part of the stamp");
        assert!(go_env_stamp(&dir.path().join("none/go")).is_none());
    }
}
