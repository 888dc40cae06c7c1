//! Qualified Go names as the mapping writes them.
//!
//! `<import path>.<Name>` for funcs, types, consts and vars, `<import path>.<Receiver>.<Method>`
//! for methods and interface methods. Import paths may contain dots (`gopkg.in/yaml.v2`), so a
//! name alone does not say where the path ends: [`Symbol::splits`] yields every reading and the
//! resolver keeps the one whose package exists.

use std::fmt;

pub use crate::item::QualName;

/// A syntactically valid qualified Go symbol.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Symbol {
    text: String,
}

/// One way to read a [`Symbol`]: a package import path and a name inside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub import_path: &'a str,
    pub name: QualName,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SymbolError {
    #[error("empty symbol")]
    Empty,
    #[error("symbol contains whitespace")]
    Whitespace,
    #[error("expected <import path>.<Name> or <import path>.<Receiver>.<Method>")]
    NoName,
    #[error("`{0}` is not a Go identifier (write receivers without `*` or type parameters)")]
    BadIdentifier(String),
    #[error("empty element in import path")]
    EmptyPathElement,
}

impl Symbol {
    pub fn parse(text: &str) -> Result<Self, SymbolError> {
        if text.is_empty() {
            return Err(SymbolError::Empty);
        }
        if text.chars().any(char::is_whitespace) {
            return Err(SymbolError::Whitespace);
        }
        let (dir, tail) = split_last_segment(text);
        if !dir.is_empty() && dir.split('/').any(str::is_empty) {
            return Err(SymbolError::EmptyPathElement);
        }
        let parts: Vec<&str> = tail.split('.').collect();
        if parts.len() < 2 || parts[0].is_empty() {
            return Err(SymbolError::NoName);
        }
        // Name parts are identifiers; the rest belongs to the import path, where `*`, `[`
        // and friends never occur, so `cache.*informer.Run` is an error, not a package.
        if let Some(bad) = parts[1..]
            .iter()
            .find(|p| !is_identifier(p) && !is_path_element(p))
        {
            return Err(SymbolError::BadIdentifier((*bad).to_string()));
        }
        let last = parts[parts.len() - 1];
        if !is_identifier(last) {
            return Err(SymbolError::BadIdentifier(last.to_string()));
        }
        if !dir.split('/').chain([parts[0]]).all(is_path_element) {
            return Err(SymbolError::BadIdentifier(dir.to_string()));
        }
        Ok(Self {
            text: text.to_string(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Every reading of the symbol, methods first: `a/b.T.M` is `T.M` in `a/b` before it is
    /// `M` in package `a/b.T`. Only readings whose name parts are identifiers are produced.
    pub fn splits(&self) -> Vec<Split<'_>> {
        let (_, tail) = split_last_segment(&self.text);
        let prefix_len = self.text.len() - tail.len();
        let parts: Vec<&str> = tail.split('.').collect();
        let n = parts.len();
        let mut out = Vec::with_capacity(2);
        let mut push = |name_parts: usize, name: QualName| {
            let pkg_parts = &parts[..n - name_parts];
            let pkg_len: usize =
                pkg_parts.iter().map(|p| p.len()).sum::<usize>() + pkg_parts.len() - 1;
            out.push(Split {
                import_path: &self.text[..prefix_len + pkg_len],
                name,
            });
        };
        if n >= 3 && is_identifier(parts[n - 2]) {
            push(2, QualName::method(parts[n - 2], parts[n - 1]));
        }
        push(1, QualName::plain(parts[n - 1]));
        out
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn split_last_segment(text: &str) -> (&str, &str) {
    match text.rfind('/') {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => ("", text),
    }
}

/// Characters Go module paths allow in one path element.
fn is_path_element(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~+".contains(c))
}

/// Go identifiers: a letter or `_`, then letters, digits or `_` (Unicode letters allowed).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readings(s: &str) -> Vec<(String, String)> {
        Symbol::parse(s)
            .unwrap()
            .splits()
            .into_iter()
            .map(|sp| (sp.import_path.to_string(), sp.name.to_string()))
            .collect()
    }

    #[test]
    fn method_reading_comes_first() {
        assert_eq!(
            readings("k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne"),
            vec![
                (
                    "k8s.io/kubernetes/pkg/scheduler".into(),
                    "Scheduler.scheduleOne".into()
                ),
                (
                    "k8s.io/kubernetes/pkg/scheduler.Scheduler".into(),
                    "scheduleOne".into()
                ),
            ]
        );
    }

    #[test]
    fn dotted_import_paths_keep_their_dots() {
        assert_eq!(
            readings("gopkg.in/yaml.v2.Unmarshal"),
            vec![
                ("gopkg.in/yaml".into(), "v2.Unmarshal".into()),
                ("gopkg.in/yaml.v2".into(), "Unmarshal".into()),
            ]
        );
        assert_eq!(
            readings("k8s.io/klog/v2.Infof"),
            vec![("k8s.io/klog/v2".into(), "Infof".into())]
        );
    }

    #[test]
    fn malformed_symbols_are_rejected() {
        assert_eq!(Symbol::parse(""), Err(SymbolError::Empty));
        assert_eq!(Symbol::parse("k8s.io/x. Run"), Err(SymbolError::Whitespace));
        assert_eq!(
            Symbol::parse("k8s.io/client-go/tools/cache"),
            Err(SymbolError::NoName)
        );
        assert_eq!(
            Symbol::parse("k8s.io/x/cache.*sharedIndexInformer.Run"),
            Err(SymbolError::BadIdentifier("*sharedIndexInformer".into()))
        );
        assert_eq!(
            Symbol::parse("k8s.io/x.Typed[T]"),
            Err(SymbolError::BadIdentifier("Typed[T]".into()))
        );
        assert_eq!(
            Symbol::parse("k8s.io//x.Run"),
            Err(SymbolError::EmptyPathElement)
        );
        assert_eq!(
            Symbol::parse("k8s.io/x.Run."),
            Err(SymbolError::BadIdentifier(String::new()))
        );
    }
}
