//! Guides at every release of the version line, for a site that moves through time.
//!
//! The line itself (columns, and the name each step had at each release) is the matrix's
//! ([`crate::matrix::matrix`]); each read column is then built as if the repo were pinned
//! there, with each step under the name the matrix followed it to, so a view has that
//! release's permalinks, excerpts and file places.

use indicatif::ProgressBar;
use rayon::prelude::*;

use super::{ArticleGuide, Era, Lang, build};
use crate::error::Skipped;
use crate::mapping::{Article, Mapping};
use crate::matrix::{Range, RepoLine, State, matrix};
use crate::source::Sources;

/// The version line of some articles and their guides at each release.
pub struct SiteLine {
    pub repos: Vec<RepoLine>,
    /// Per repo line, per column: the guides of the line's articles at that release (in
    /// mapping order, which may not be the line's); `None` when the column was not read,
    /// and for the pin's own release, whose view is the guide at the pin (with its era and
    /// counterparts).
    pub views: Vec<Vec<Option<Vec<ArticleGuide>>>>,
}

impl SiteLine {
    /// `article` at column `column` of its line, when that column was read.
    pub fn view(&self, article: &str, column: usize) -> Option<&ArticleGuide> {
        self.repos
            .iter()
            .zip(&self.views)
            .find_map(|(line, views)| {
                line.articles.iter().find(|a| a.id == article)?;
                views
                    .get(column)?
                    .as_ref()?
                    .iter()
                    .find(|g| g.id == article)
            })
    }

    /// The repo line `article` is on.
    pub fn line_of(&self, article: &str) -> Option<&RepoLine> {
        self.repos
            .iter()
            .find(|l| l.articles.iter().any(|a| a.id == article))
    }
}

/// The line of `articles` over `range`, and each read column's guides (notes in `lang`).
/// Views are built without the era comparison and without Rust counterparts: both belong to
/// the pin's page, and would be the same at every release.
pub fn build_line(
    sources: &Sources,
    mapping: &Mapping,
    articles: &[&Article],
    lang: Lang,
    range: &Range,
    progress: &ProgressBar,
) -> (SiteLine, Vec<Skipped>) {
    let repos = matrix(sources, mapping, articles, range, progress);
    let mut skipped = Vec::new();
    let mut views = Vec::with_capacity(repos.len());
    for line in &repos {
        // The bar goes on over the views, each as long as a release of the matrix.
        progress.set_length(progress.length().unwrap_or(0) + line.columns.len() as u64);
        progress.set_message(format!("{} guides", line.repo));
        let built: Vec<Option<(Vec<ArticleGuide>, Vec<Skipped>)>> = (0..line.columns.len())
            .into_par_iter()
            .map(|col| {
                let built = at_column(mapping, line, col).map(|view| {
                    let refs: Vec<&Article> = view
                        .articles
                        .iter()
                        .filter(|a| line.articles.iter().any(|l| l.id == a.id))
                        .collect();
                    build(sources, &view, &refs, lang, Era::Off)
                });
                progress.inc(1);
                built
            })
            .collect();
        views.push(
            built
                .into_iter()
                .map(|b| {
                    b.map(|(guides, s)| {
                        skipped.extend(s);
                        guides
                    })
                })
                .collect(),
        );
    }
    (SiteLine { repos, views }, skipped)
}

/// The mapping as if `line`'s repo were pinned at column `col`: each step of the line's
/// articles under the name found there. `None` when the column was not read or is the pin.
fn at_column(mapping: &Mapping, line: &RepoLine, col: usize) -> Option<Mapping> {
    let version = line.columns[col]
        .version
        .clone()
        .filter(|v| *v != line.pin)?;
    let mut view = mapping.clone();
    let repo = view.repos.get_mut(&line.repo)?;
    repo.pin = version;
    let lang = repo.lang;
    for article in view
        .articles
        .iter_mut()
        .filter(|a| line.articles.iter().any(|l| l.id == a.id))
    {
        for (i, step) in article.steps.iter_mut().enumerate() {
            let Some(sl) = line
                .steps
                .iter()
                .find(|s| s.article == article.id && s.step == i + 1)
            else {
                continue;
            };
            if let Some(Some(name)) = sl.names.get(col)
                && let Ok(item) = crate::languages::parse(lang, name)
            {
                step.symbol = item;
            }
            // The pin's file hint and `gone:` speak of the pin, not of this release.
            step.file = None;
            if matches!(sl.states.get(col), Some(State::Found | State::Renamed)) {
                step.gone = None;
            }
            step.counterpart = None;
        }
    }
    Some(view)
}
