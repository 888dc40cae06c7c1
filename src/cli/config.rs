//! Which mapping files a run reads: the flags, then `K8S_STUDY_MAPPING` (a path list), then a
//! config file (`K8S_STUDY_CONFIG`, else `config.toml` in the user's config folder, e.g.
//! `~/.config/k8s-study/config.toml` on Linux), so a guide writer names their files once.
//!
//! ```toml
//! mappings = ["posts/scheduler.yaml", "~/notes/k8s"]   # relative to this file; ~ is home
//! no_builtin = false
//! strict = false
//! ```

use std::path::{Path, PathBuf};

use k8s_study::Error;
use k8s_study::mapping::Selection;
use serde::Deserialize;

use super::MappingArgs;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    #[serde(default)]
    mappings: Vec<PathBuf>,
    #[serde(default)]
    no_builtin: bool,
    #[serde(default)]
    strict: bool,
}

/// The files of this run. `--mapping` flags replace the environment's list, which replaces
/// the config file's; the booleans are on when any of flag, environment or file says so.
pub fn selection(global: &MappingArgs) -> Result<Selection, Error> {
    let config = read_config()?;
    let paths = if !global.mapping.is_empty() {
        global.mapping.clone()
    } else if let Some(list) = std::env::var_os("K8S_STUDY_MAPPING").filter(|v| !v.is_empty()) {
        std::env::split_paths(&list).collect()
    } else {
        config.mappings
    };
    Ok(Selection {
        builtin: !(global.no_builtin || config.no_builtin),
        paths,
        strict: global.strict || config.strict,
        repos_only: false,
    })
}

fn config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("K8S_STUDY_CONFIG").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "k8s-study").map(|d| d.config_dir().join("config.toml"))
}

fn read_config() -> Result<Config, Error> {
    let Some(path) = config_path() else {
        return Ok(Config::default());
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => {
            return Err(Error::usage(
                format!("cannot read the config file {}: {e}", path.display()),
                None,
            ));
        }
    };
    let mut config: Config = toml::from_str(&text).map_err(|e| {
        Error::usage(
            format!("config file {}: {}", path.display(), e.message()),
            Some(
                "it holds `mappings = [\"PATH\", …]`, `no_builtin = BOOL` and `strict = BOOL`"
                    .to_string(),
            ),
        )
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    for p in &mut config.mappings {
        *p = resolve(base, p);
    }
    Ok(config)
}

/// `~/x` is in the home folder; a relative path is relative to the config file.
fn resolve(base: &Path, p: &Path) -> PathBuf {
    if let Ok(rest) = p.strip_prefix("~")
        && let Some(home) = directories::BaseDirs::new()
    {
        return home.home_dir().join(rest);
    }
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_paths_are_relative_to_the_file() {
        let base = Path::new("/etc/k8s-study");
        assert_eq!(
            resolve(base, Path::new("posts/a.yaml")),
            base.join("posts/a.yaml")
        );
        assert_eq!(
            resolve(base, Path::new("/abs.yaml")),
            Path::new("/abs.yaml")
        );
        let home = directories::BaseDirs::new().unwrap();
        assert_eq!(resolve(base, Path::new("~/n")), home.home_dir().join("n"));
        let c: Config = toml::from_str("mappings = [\"a.yaml\"]\nstrict = true\n").unwrap();
        assert!(c.strict && !c.no_builtin && c.mappings == [PathBuf::from("a.yaml")]);
        assert!(toml::from_str::<Config>("mapping = []").is_err());
    }
}
