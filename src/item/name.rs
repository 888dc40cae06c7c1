//! A declaration's name inside its package or module, in any language.

use std::fmt;

/// A declaration's name inside its package: `Name` or `Receiver.Name`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct QualName {
    pub receiver: Option<String>,
    pub name: String,
}

impl QualName {
    pub fn plain(name: impl Into<String>) -> Self {
        Self {
            receiver: None,
            name: name.into(),
        }
    }

    pub fn method(receiver: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            receiver: Some(receiver.into()),
            name: name.into(),
        }
    }
}

impl fmt::Display for QualName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.receiver {
            Some(r) => write!(f, "{r}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}
