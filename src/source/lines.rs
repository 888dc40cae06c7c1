//! Lines of files of one snapshot, each file read once.

use std::collections::BTreeMap;

use super::{Snapshot, SourceError};

/// Files of one snapshot read once per file, for the lines of many declarations.
pub struct FileLines<'s> {
    snapshot: &'s Snapshot,
    files: BTreeMap<String, String>,
}

impl<'s> FileLines<'s> {
    pub fn new(snapshot: &'s Snapshot) -> Self {
        Self {
            snapshot,
            files: BTreeMap::new(),
        }
    }

    /// Lines `start..=end` (1-based) of `file`, each ending in a newline; empty for a file
    /// the snapshot does not have.
    ///
    /// # Errors
    /// When the file cannot be read.
    pub fn lines(&mut self, file: &str, start: usize, end: usize) -> Result<String, SourceError> {
        if !self.files.contains_key(file) {
            let bytes = self.snapshot.read(file)?.unwrap_or_default();
            self.files.insert(
                file.to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            );
        }
        let mut out = String::new();
        for line in self.files[file]
            .lines()
            .skip(start.saturating_sub(1))
            .take((end + 1).saturating_sub(start.max(1)))
        {
            out.push_str(line);
            out.push('\n');
        }
        Ok(out)
    }
}
