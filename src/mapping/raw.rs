//! The mapping files exactly as written: serde structs with source positions.
//!
//! Every struct denies unknown keys, so a typo is an error with a position rather than a
//! silently ignored field. [`super::validate`] turns these into the checked model.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    pub schema: Spanned<u32>,
    #[serde(default)]
    pub repos: BTreeMap<String, Spanned<Repo>>,
    #[serde(default)]
    pub components: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub articles: Vec<Article>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repo {
    pub url: Spanned<String>,
    pub pin: Spanned<String>,
    /// Import path of the repository root, for GOPATH-era code without a go.mod.
    #[serde(default)]
    pub module: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Article {
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    pub url: Spanned<String>,
    #[serde(default)]
    pub alt_urls: Vec<Spanned<String>>,
    pub author: Spanned<String>,
    #[serde(default)]
    pub kind: Option<Spanned<String>>,
    #[serde(default)]
    pub written_for: Option<Spanned<String>>,
    pub found: Spanned<bool>,
    #[serde(default)]
    pub evidence: Option<Spanned<String>>,
    #[serde(default)]
    pub source: Option<Spanned<String>>,
    #[serde(default)]
    pub reason: Option<Spanned<String>>,
    #[serde(default)]
    pub entry_points: Vec<Spanned<String>>,
    #[serde(default)]
    pub related: Vec<Spanned<String>>,
    pub components: Spanned<Vec<Spanned<String>>>,
    pub repo: Spanned<String>,
    pub steps: Spanned<Vec<Step>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub symbol: Spanned<String>,
    #[serde(default)]
    pub file: Option<Spanned<String>>,
    /// The article-era name when it differs from `symbol` at the pin.
    #[serde(default)]
    pub was: Option<Spanned<String>>,
    pub note: Spanned<String>,
    pub note_zh: Spanned<String>,
}
