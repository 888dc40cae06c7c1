//! Reading mapping files (embedded or from disk) and parsing them with positions.

use std::path::{Path, PathBuf};

use serde_saphyr::{DefaultMessageFormatter, MessageFormatter};

use super::{Diagnostic, Mapping, MappingError, Origin, raw, validate};

/// Files bigger than this are refused before parsing: no real mapping comes close.
const MAX_FILE_BYTES: usize = 8 << 20;

/// One mapping file's name (as shown in messages) and bytes.
pub struct Source {
    pub name: String,
    pub bytes: Vec<u8>,
}

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_mapping.rs"));
}

/// The mapping compiled into the binary from the repository's `mappings/`.
pub fn load_builtin() -> Result<Mapping, MappingError> {
    let sources: Vec<Source> = builtin::FILES
        .iter()
        .map(|(name, text)| Source {
            name: format!("mappings/{name}"),
            bytes: text.as_bytes().to_vec(),
        })
        .collect();
    load_sources(&sources)
}

/// A user's mapping: one file, or every `*.yaml`/`*.yml` of a folder (not recursive), in
/// name order.
pub fn load_path(path: &Path) -> Result<Mapping, MappingError> {
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
        sources.push(Source { name, bytes });
    }
    load_sources(&sources)
}

/// Parse every source, then validate them together; every problem of every file is reported.
pub fn load_sources(sources: &[Source]) -> Result<Mapping, MappingError> {
    let mut diags = Vec::new();
    let mut parsed = Vec::new();
    for source in sources {
        match parse(source) {
            Ok(file) => parsed.push((source.name.as_str(), file)),
            Err(d) => diags.push(d),
        }
    }
    let mapping = validate::merge(&parsed, &mut diags);
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
    if text.trim().is_empty() {
        return Err(Diagnostic {
            origin: at(1, 1),
            message: "empty mapping file: expected `schema: 1`".into(),
        });
    }
    serde_saphyr::from_str_with_options::<raw::File>(text, serde_saphyr::Options::default())
        .map_err(|e| {
            let loc = e.location();
            let message = DefaultMessageFormatter.format_message(e.without_snippet());
            Diagnostic {
                origin: at(loc.map_or(1, |l| l.line()), loc.map_or(1, |l| l.column())),
                message: message
                    .chars()
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .collect(),
            }
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
