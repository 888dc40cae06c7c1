//! Reading mapping files (embedded or from disk) and parsing them with positions.

use std::path::{Path, PathBuf};

use serde::de::IgnoredAny;
use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::granit_parser::ErrorKind;
use serde_saphyr::{Error, ExternalMessageSource, MessageFormatter, UserMessageFormatter};

use super::{Diagnostic, Mapping, MappingError, Origin, raw, remembered, validate};

/// Files bigger than this are refused before parsing: no real mapping comes close.
const MAX_FILE_BYTES: usize = 8 << 20;

/// One mapping file's name (as shown in messages) and bytes.
pub struct Source {
    pub name: String,
    pub bytes: Vec<u8>,
    /// The curation rules of our list apply (the built-in mapping, or `--strict`).
    pub curated: bool,
    /// Compiled into this binary from files the test suite parses: the untyped first pass
    /// that guards against hostile files is skipped.
    pub builtin: bool,
}

/// Which mapping files a run reads: the built-in mapping and the user's files on top.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Read the built-in mapping (not with `--no-builtin`).
    pub builtin: bool,
    /// The user's files and folders, in order.
    pub paths: Vec<PathBuf>,
    /// Hold the user's files to the curation rules of the built-in list (`--strict`).
    pub strict: bool,
    /// Only the files that declare repos (`repos:` at the top level): commands that look
    /// up code but no article (`find`) skip parsing the articles.
    pub repos_only: bool,
}

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_mapping.rs"));
}

/// The mapping compiled into the binary from the repository's `mappings/`.
pub fn load_builtin() -> Result<Mapping, MappingError> {
    load_sources(&builtin_sources())
}

fn builtin_sources() -> Vec<Source> {
    builtin::FILES
        .iter()
        .map(|(name, text)| Source {
            name: format!("mappings/{name}"),
            bytes: text.as_bytes().to_vec(),
            curated: true,
            builtin: true,
        })
        .collect()
}

/// The built-in mapping and the user's files, validated together: a user's article may use
/// the built-in repos and components, and an id defined twice is an error naming both
/// places.
pub fn load(selection: &Selection) -> Result<Mapping, MappingError> {
    load_remembered(selection, None)
}

/// [`load`], remembering the validated mapping in `memo` (the index folder of this build)
/// and reading it back there when the files are the same.
pub fn load_remembered(
    selection: &Selection,
    memo: Option<&Path>,
) -> Result<Mapping, MappingError> {
    let mut sources = if selection.builtin {
        builtin_sources()
    } else {
        Vec::new()
    };
    for path in &selection.paths {
        sources.extend(path_sources(path, selection.strict)?);
    }
    if sources.is_empty() {
        return Err(MappingError::Nothing);
    }
    let own: std::collections::BTreeSet<String> = sources
        .iter()
        .skip(if selection.builtin {
            builtin::FILES.len()
        } else {
            0
        })
        .map(|s| s.name.clone())
        .collect();
    if selection.repos_only {
        sources.retain(|s| declares_repos(&s.bytes));
    }
    if let Some(mapping) = memo.and_then(|m| remembered::read(m, &sources)) {
        return Ok(mapping);
    }
    let mut mapping = load_sources(&sources)?;
    mapping.own_files = own;
    if let Some(m) = memo {
        remembered::write(m, &sources, &mapping);
    }
    Ok(mapping)
}

/// A top-level `repos:` key: a line that starts with it.
fn declares_repos(bytes: &[u8]) -> bool {
    bytes.starts_with(b"repos:") || memchr::memmem::find(bytes, b"\nrepos:").is_some()
}

/// One mapping file or folder alone, with every curation rule: what `--no-builtin --strict
/// --mapping PATH` reads.
pub fn load_path(path: &Path) -> Result<Mapping, MappingError> {
    let sources = path_sources(path, true)?;
    let mut mapping = load_sources(&sources)?;
    mapping.own_files = sources.into_iter().map(|s| s.name).collect();
    Ok(mapping)
}

/// A user's mapping: one file, or every `*.yaml`/`*.yml` of a folder (not recursive), in
/// name order.
fn path_sources(path: &Path, curated: bool) -> Result<Vec<Source>, MappingError> {
    let io = |source| MappingError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    let files: Vec<PathBuf> = if meta.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(io)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.is_file()
                    && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
            })
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(MappingError::NoFiles(path.to_path_buf()));
        }
        files
    } else {
        vec![path.to_path_buf()]
    };
    let mut sources = Vec::with_capacity(files.len());
    for file in files {
        let len = std::fs::metadata(&file)
            .map_err(|source| MappingError::Io {
                path: file.clone(),
                source,
            })?
            .len();
        let name = file.display().to_string();
        if len > MAX_FILE_BYTES as u64 {
            return Err(MappingError::Invalid(vec![too_big(&name, len)]));
        }
        let bytes = std::fs::read(&file).map_err(|source| MappingError::Io {
            path: file.clone(),
            source,
        })?;
        sources.push(Source {
            name,
            bytes,
            curated,
            builtin: false,
        });
    }
    Ok(sources)
}

/// Parse every source, then validate them together; every problem of every file is reported.
pub fn load_sources(sources: &[Source]) -> Result<Mapping, MappingError> {
    use rayon::prelude::*;
    let mut diags = Vec::new();
    let mut parsed = Vec::new();
    // Files parse independently: in parallel, then taken in order.
    let results: Vec<Result<raw::File, Diagnostic>> = sources.par_iter().map(parse).collect();
    for (source, result) in sources.iter().zip(results) {
        match result {
            Ok(raw) => parsed.push(validate::Parsed {
                name: source.name.as_str(),
                raw,
                curated: source.curated,
            }),
            Err(d) => diags.push(d),
        }
    }
    let mapping = validate::merge(&parsed, &mut diags);
    // Messages quote the file's values and are printed to terminals: a `\e]0;…` in a
    // component name must not retitle the window. Control characters are shown escaped.
    for d in &mut diags {
        if d.message.chars().any(char::is_control) {
            d.message = d
                .message
                .chars()
                .map(|c| {
                    if c.is_control() {
                        c.escape_default().to_string()
                    } else {
                        c.to_string()
                    }
                })
                .collect();
        }
    }
    if diags.is_empty() {
        Ok(mapping)
    } else {
        Err(MappingError::Invalid(diags))
    }
}

fn parse(source: &Source) -> Result<raw::File, Diagnostic> {
    let at = |line, column| Origin {
        file: source.name.clone(),
        line,
        column,
    };
    if source.bytes.len() > MAX_FILE_BYTES {
        return Err(too_big(&source.name, source.bytes.len() as u64));
    }
    let text = std::str::from_utf8(&source.bytes).map_err(|e| {
        let (line, column) = line_col(&source.bytes[..e.valid_up_to()]);
        Diagnostic {
            origin: at(line, column),
            message: "not valid UTF-8: mapping files are UTF-8 text".into(),
        }
    })?;
    // The whole document first, untyped: a typed parse stops at the first field it cannot
    // use, so a syntax error after it would surface as a missing field, and an alias bomb in a
    // field it rejects would go unnoticed. Our own files are known to parse.
    if !source.builtin {
        match serde_saphyr::from_str_with_options::<Option<IgnoredAny>>(text, options()) {
            Ok(Some(IgnoredAny)) => {}
            Ok(None) => {
                return Err(Diagnostic {
                    origin: at(1, 1),
                    message: "empty mapping file: expected `schema: 1`".into(),
                });
            }
            Err(e) => return Err(yaml_error(&source.name, text, &e)),
        }
    }
    serde_saphyr::from_str_with_options::<raw::File>(text, options())
        .map_err(|e| yaml_error(&source.name, text, &e))
}

/// Events replayed from aliases per file. Mapping files have no need for anchors; this keeps a
/// few shared lists possible while an alias or merge-key bomb fails in milliseconds.
const MAX_REPLAYED_EVENTS: usize = 10_000;
/// Nodes (scalars, lists, maps) per file: the largest real mapping file has 1,186.
const MAX_NODES: usize = 250_000;
/// Nesting per file; a mapping file needs five levels.
const MAX_DEPTH: usize = 64;

/// YAML 1.2 booleans only (`found: yes` is an error, not `true`), and budgets that keep hostile
/// files cheap to refuse.
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        strict_booleans: true,
        // Comments are read past, never kept: collecting them was a third of the parse.
        emit_comments: false,
        budget: serde_saphyr::budget! {
            max_nodes: MAX_NODES,
            max_depth: MAX_DEPTH,
            flow_nesting_limit: MAX_DEPTH,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: MAX_REPLAYED_EVENTS,
        },
    }
}

/// serde-saphyr's user-facing text at its position, in our words where its own would name
/// internal counters or point away from the fix.
fn yaml_error(name: &str, text: &str, e: &serde_saphyr::Error) -> Diagnostic {
    let e = e.without_snippet();
    let (mut line, mut column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
    // An error met while replaying an alias is wrapped; its position is where the alias is used.
    let e = match e {
        Error::AliasError { error, .. } => error,
        e => e,
    };
    let scan_error = |kind| {
        matches!(e, Error::ExternalMessage { source, .. }
            if matches!(&**source, ExternalMessageSource::Parser(scan) if *scan.kind() == kind))
    };
    let message = match e {
        _ if scan_error(ErrorKind::TabInPlainScalar) => {
            // Reported at the start of the scalar the tab-indented line would continue.
            if let Some(tab) = indenting_tab(text, line) {
                (line, column) = tab;
            }
            "tab in indentation: YAML indents with spaces".to_string()
        }
        Error::AliasReplayLimitExceeded { .. } => {
            format!("anchors and aliases expand to more than {MAX_REPLAYED_EVENTS} YAML events")
        }
        Error::Budget {
            breach: BudgetBreach::Nodes { .. },
            ..
        } => format!("more than {MAX_NODES} YAML values in one file"),
        Error::Budget {
            breach: BudgetBreach::Depth { .. },
            ..
        } => format!("nested more than {MAX_DEPTH} levels deep"),
        _ if scan_error(ErrorKind::RecursionLimitExceeded) => {
            format!("nested more than {MAX_DEPTH} levels deep")
        }
        _ => UserMessageFormatter
            .format_message(e)
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect(),
    };
    Diagnostic {
        origin: Origin {
            file: name.to_string(),
            line,
            column,
        },
        message,
    }
}

/// Line and column of the first tab in the indentation of a non-blank line after `line`.
fn indenting_tab(text: &str, line: u64) -> Option<(u64, u64)> {
    text.lines()
        .zip(1..)
        .skip_while(|&(_, n)| n <= line)
        .find_map(|(l, n)| {
            let content = l.trim_start_matches([' ', '\t']);
            if content.is_empty() || content.starts_with('#') {
                return None;
            }
            let indent = &l[..l.len() - content.len()];
            indent.find('\t').map(|i| (n, i as u64 + 1))
        })
}

fn too_big(name: &str, len: u64) -> Diagnostic {
    Diagnostic {
        origin: Origin {
            file: name.to_string(),
            line: 1,
            column: 1,
        },
        message: format!(
            "file is {len} bytes; mapping files are limited to {MAX_FILE_BYTES} bytes"
        ),
    }
}

/// 1-based line and column of the position just after `prefix`.
fn line_col(prefix: &[u8]) -> (u64, u64) {
    let line = memchr::memchr_iter(b'\n', prefix).count() as u64 + 1;
    let line_start = prefix
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&prefix[line_start..])
        .chars()
        .count() as u64
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in files skip the untyped first pass at run time: they pass it here.
    #[test]
    fn the_builtin_files_pass_the_checks_they_skip() {
        let mut sources = builtin_sources();
        assert!(sources.iter().all(|s| s.builtin));
        for s in &mut sources {
            s.builtin = false;
        }
        let checked = load_sources(&sources).expect("the built-in mapping parses fully");
        let fast = load_builtin().unwrap();
        assert_eq!(checked.articles.len(), fast.articles.len());
        assert_eq!(checked.repos.len(), fast.repos.len());
    }
}
