//! What a language tells drift about items gone from where they were: the declarations
//! each one may have become, in any language.

use super::{ItemRef, Kind, QualName};

/// A declaration at the new version, with its text, that a missing item may have become.
#[derive(Clone, Debug)]
pub struct Found {
    /// Its full name in the language's spelling (`k8s.io/x/cache.T.M`, `kube_core::T::m`).
    pub symbol: String,
    /// Its package: a Go import path, a Rust module path.
    pub package: String,
    pub name: QualName,
    pub kind: Kind,
    pub file: String,
    pub start_line: usize,
    pub end_line: usize,
    pub signature: String,
    pub text: String,
}

/// An item found at the old version and missing at the new one.
#[derive(Clone, Copy, Debug)]
pub struct Missing<'a> {
    pub item: &'a ItemRef,
    /// Where it was declared at the old version.
    pub file: &'a str,
}

/// Where to look for one missing item, as its language sees it.
#[derive(Clone, Debug, Default)]
pub struct Leads {
    /// Its package at the old version, and its own name there.
    pub package: String,
    pub name: QualName,
    /// Still reachable without a declaration of its own (a Go method promoted through an
    /// embedded field): the declaration reached, and the chain of types walked to it.
    pub promoted: Option<(Found, Vec<String>)>,
    /// Every declaration of its old package at the new version.
    pub same_package: Vec<Found>,
    /// Declarations elsewhere worth scoring: the same name in other packages, and the
    /// packages its neighbours moved to.
    pub elsewhere: Vec<Found>,
}
