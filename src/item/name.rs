//! A declaration's name inside its package or module, in any language.

use std::fmt;

/// A declaration's name inside its package: `Name` or `Receiver.Name`.
#[derive(
    Clone,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
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

/// `text` with whitespace runs removed, except one space between two word characters
/// (`chan int`, `map[string]int`): how signatures are compared when only layout differs.
pub fn squeeze_spaces(text: &str) -> String {
    let compact: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<char> = compact.chars().collect();
    let word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric() || *c == '_');
    let mut out = String::with_capacity(compact.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            if word(i.checked_sub(1).and_then(|j| chars.get(j))) && word(chars.get(i + 1)) {
                out.push(' ');
            }
            continue;
        }
        out.push(c);
    }
    out
}
