//! The one place failures become messages, help lines and exit codes.

use crate::mapping::MappingError;
use crate::source::SourceError;

/// Exit codes, documented in docs/cli.md.
pub mod exit {
    /// Everything resolved.
    pub const OK: u8 = 0;
    /// The command ran, but something is missing or ambiguous.
    pub const MISSING: u8 = 1;
    /// Bad usage, a bad mapping, or an infrastructure failure (network, cache, git).
    pub const ERROR: u8 = 2;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Mapping(#[from] MappingError),
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("{message}")]
    Usage {
        message: String,
        help: Option<String>,
    },
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
    #[error("cannot rewrite the mapping: {0}")]
    Rewrite(#[from] crate::drift::rewrite::RewriteError),
}

impl Error {
    pub fn usage(message: impl Into<String>, help: impl Into<Option<String>>) -> Self {
        Self::Usage {
            message: message.into(),
            help: help.into(),
        }
    }

    pub fn help(&self) -> Option<String> {
        match self {
            Self::Mapping(MappingError::Invalid(_)) => {
                Some("fix the positions above; docs/mapping.md describes the schema".into())
            }
            Self::Mapping(MappingError::Nothing) => {
                Some("pass your files with --mapping PATH, or drop --no-builtin".into())
            }
            Self::Mapping(_) => Some("--mapping takes a YAML file or a folder of them".into()),
            Self::Source(e) => e.help(),
            Self::Usage { help, .. } => help.clone(),
            Self::Output(_) => None,
            Self::Rewrite(_) => Some(
                "nothing was written; reload the mapping (run bump again) or edit that step by hand"
                    .into(),
            ),
        }
    }

    pub fn exit_code(&self) -> u8 {
        exit::ERROR
    }

    /// Writing to a closed pipe (`k8s-study ... | head`) is the reader's choice, not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Self::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// A part of a command's work that failed and was gone past (a repo that cannot be read, a
/// file): the command reports it, does the rest, and exits non-zero at the end, as ripgrep
/// does with a file it cannot open.
#[derive(Debug)]
pub struct Skipped {
    /// What was skipped: `repo client-go`, `pkg/foo/foo.go of kubernetes@v1.20.2`.
    pub what: String,
    pub error: Error,
}

impl Skipped {
    pub fn new(what: impl Into<String>, error: impl Into<Error>) -> Self {
        Self {
            what: what.into(),
            error: error.into(),
        }
    }

    /// A repo [`crate::resolve::resolve_each_repo`] (or its like) could not read.
    pub fn repo(name: &str, error: impl Into<Error>) -> Self {
        Self::new(format!("repo {name}"), error)
    }
}
