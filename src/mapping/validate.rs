//! Merging parsed files into one [`Mapping`] and checking everything a loader cannot:
//! references between files, symbol syntax, safe paths, duplicates.

use std::collections::{BTreeMap, HashMap};

use serde_saphyr::{Location, Spanned};

use super::{
    Article, COUNTERPART_REPO, Counterpart, Diagnostic, EraSource, Gone, Kind, Mapping, Origin,
    Repo, RepoSource, SCHEMA_VERSION, Step, raw,
};
use crate::golang::symbol::Symbol;
use crate::item::Language;
use crate::source::url::check_url;

struct Ctx<'a> {
    file: &'a str,
    /// The curation rules of our own list apply (`found`/`evidence`/`source`, 3 to 12 steps,
    /// `author`, `components`, `note_zh`): the built-in mapping, or a user's with `--strict`.
    curated: bool,
    diags: &'a mut Vec<Diagnostic>,
}

/// One parsed mapping file and whether the curation rules apply to it.
pub struct Parsed<'a> {
    pub name: &'a str,
    pub raw: raw::File,
    pub curated: bool,
}

impl Parsed<'_> {
    fn cx<'d>(&'d self, diags: &'d mut Vec<Diagnostic>) -> Ctx<'d> {
        Ctx {
            file: self.name,
            curated: self.curated,
            diags,
        }
    }
}

/// The component of a user's article that names none, so every index still lists it.
pub const OWN_COMPONENT: &str = "own";

impl Ctx<'_> {
    fn origin(&self, loc: &Location) -> Origin {
        Origin {
            file: self.file.to_string(),
            line: loc.line(),
            column: loc.column(),
        }
    }

    fn error(&mut self, loc: &Location, message: impl Into<String>) {
        let origin = self.origin(loc);
        self.diags.push(Diagnostic {
            origin,
            message: message.into(),
        });
    }

    fn require_text(&mut self, field: &str, value: &Spanned<String>) {
        if value.value.trim().is_empty() {
            self.error(&value.referenced, format!("`{field}` is empty"));
        }
    }

    /// A field the curation rules require: missing is an error only when they apply; given,
    /// it must not be empty.
    fn curated_text(&mut self, field: &str, value: Option<&Spanned<String>>, at: &Location) {
        match value {
            Some(v) => self.require_text(field, v),
            None if self.curated => self.error(
                at,
                format!(
                    "`{field}` is missing (required in the built-in mapping and with --strict)"
                ),
            ),
            None => {}
        }
    }
}

pub fn merge(files: &[Parsed<'_>], diags: &mut Vec<Diagnostic>) -> Mapping {
    let mut mapping = Mapping::default();
    merge_vocabulary(files, diags, &mut mapping);
    let uncategorised = files.iter().any(|f| {
        f.raw
            .articles
            .iter()
            .any(|a| a.components.as_ref().is_none_or(|c| c.value.is_empty()))
    });
    if uncategorised && !mapping.components.contains_key(OWN_COMPONENT) {
        mapping.components.insert(
            OWN_COMPONENT.to_string(),
            "Your own articles (from your mapping files) that name no component".to_string(),
        );
    }

    // Pass 2: articles, checked against the whole vocabulary.
    let mut article_origin: BTreeMap<String, Origin> = BTreeMap::new();
    for parsed in files {
        let raw = &parsed.raw;
        let mut cx = parsed.cx(diags);
        for article in &raw.articles {
            if let Some(a) = check_article(&mut cx, article, &mapping, &mut article_origin) {
                for c in a.steps.iter().filter_map(|s| s.counterpart.as_ref()) {
                    if !mapping.repos.contains_key(&c.repo) {
                        cx.diags.push(Diagnostic {
                            origin: c.origin.clone(),
                            message: format!(
                                "counterpart repo `{}` is not in `repos` (kube-rs: `kube: {{ url: https://github.com/kube-rs/kube, pin: TAG, lang: rust }}`)",
                                c.repo
                            ),
                        });
                    }
                }
                mapping.articles.push(a);
            }
        }
    }
    // Pass 3: `related` may point at any article of any file.
    for parsed in files {
        let raw = &parsed.raw;
        let mut cx = parsed.cx(diags);
        for related in raw.articles.iter().flat_map(|a| &a.related) {
            if !article_origin.contains_key(&related.value) {
                cx.error(
                    &related.referenced,
                    format!("`related` names unknown article `{}`", related.value),
                );
            }
        }
    }
    mapping
}

/// Pass 1: the vocabulary (repos, components), so articles may refer to any file.
#[allow(clippy::too_many_lines)] // one pass over repos and components, field by field
fn merge_vocabulary(files: &[Parsed<'_>], diags: &mut Vec<Diagnostic>, mapping: &mut Mapping) {
    let mut repo_origin: HashMap<String, Origin> = HashMap::new();
    let mut component_origin: HashMap<String, Origin> = HashMap::new();

    // Pass 1: the vocabulary (repos, components), so articles may refer to any file.
    for parsed in files {
        let raw = &parsed.raw;
        let mut cx = parsed.cx(diags);
        if raw.schema.value != SCHEMA_VERSION {
            cx.error(
                &raw.schema.referenced,
                format!(
                    "unsupported schema {}: this k8s-study reads schema {SCHEMA_VERSION}",
                    raw.schema.value
                ),
            );
        }
        for (name, repo) in &raw.repos {
            let origin = cx.origin(&repo.referenced);
            if !is_name(name) {
                cx.error(
                    &repo.referenced,
                    format!("repo name `{name}` must use only letters, digits, `-`, `_`, `.`"),
                );
            }
            if let Some(first) = repo_origin.get(name) {
                cx.error(
                    &repo.referenced,
                    format!("repo `{name}` is already defined at {first}"),
                );
                continue;
            }
            if let Err(e) = check_url(&repo.value.url.value) {
                cx.error(&repo.value.url.referenced, format!("repo `{name}`: {e}"));
            }
            let pin = &repo.value.pin;
            if pin.value.is_empty()
                || pin.value.starts_with('-')
                || pin.value.chars().any(char::is_whitespace)
            {
                cx.error(
                    &pin.referenced,
                    format!("repo `{name}`: `pin` must be a tag name like v1.20.2"),
                );
            }
            if let Some(module) = &repo.value.module
                && Symbol::parse(&format!("{}.X", module.value)).is_err()
            {
                cx.error(
                    &module.referenced,
                    format!("repo `{name}`: `module` must be a Go import path"),
                );
            }
            let source = match repo.value.source.as_ref() {
                None => RepoSource::Auto,
                Some(s) => match s.value.as_str() {
                    "auto" => RepoSource::Auto,
                    "git" => RepoSource::Git,
                    "modules" => RepoSource::Modules,
                    other => {
                        cx.error(
                            &s.referenced,
                            format!(
                                "repo `{name}`: `source` is `{}`; use auto, git or modules",
                                other.escape_default()
                            ),
                        );
                        RepoSource::Auto
                    }
                },
            };
            if let (RepoSource::Modules, None, Some(at)) =
                (source, &repo.value.module, &repo.value.source)
            {
                cx.error(
                    &at.referenced,
                    format!("repo `{name}`: `source: modules` needs the repo's Go `module`"),
                );
            }
            let lang = match repo.value.lang.as_ref() {
                None => Language::Go,
                Some(l) => match l.value.as_str() {
                    "go" => Language::Go,
                    "rust" => Language::Rust,
                    other => {
                        cx.error(
                            &l.referenced,
                            format!(
                                "repo `{name}`: `lang` is `{}`; use go or rust",
                                other.escape_default()
                            ),
                        );
                        Language::Go
                    }
                },
            };
            repo_origin.insert(name.clone(), origin);
            mapping.repos.insert(
                name.clone(),
                Repo {
                    name: name.clone(),
                    url: repo.value.url.value.clone(),
                    pin: pin.value.clone(),
                    module: repo.value.module.as_ref().map(|m| m.value.clone()),
                    source,
                    lang,
                    pin_origin: cx.origin(&pin.referenced),
                },
            );
        }
        for (name, description) in &raw.components {
            if !is_id(name) {
                cx.error(
                    &description.referenced,
                    format!("component `{name}` must be lowercase letters, digits and `-`"),
                );
            }
            if let Some(first) = component_origin.get(name) {
                cx.error(
                    &description.referenced,
                    format!("component `{name}` is already defined at {first}"),
                );
                continue;
            }
            cx.require_text("description", description);
            component_origin.insert(name.clone(), cx.origin(&description.referenced));
            mapping
                .components
                .insert(name.clone(), description.value.clone());
        }
    }
}

fn check_article(
    cx: &mut Ctx<'_>,
    raw: &raw::Article,
    mapping: &Mapping,
    seen: &mut BTreeMap<String, Origin>,
) -> Option<Article> {
    let id = &raw.id.value;
    let errors_before = cx.diags.len();
    if !is_id(id) {
        cx.error(
            &raw.id.referenced,
            format!("article id `{id}` must be lowercase letters, digits and `-`"),
        );
    }
    if let Some(first) = seen.get(id) {
        cx.error(
            &raw.id.referenced,
            format!("duplicate article id `{id}`: first defined at {first}"),
        );
    } else {
        seen.insert(id.clone(), cx.origin(&raw.id.referenced));
    }
    cx.require_text("title", &raw.title);
    cx.curated_text("author", raw.author.as_ref(), &raw.id.referenced);
    if !(raw.url.value.starts_with("https://") || raw.url.value.starts_with("http://")) {
        cx.error(
            &raw.url.referenced,
            "article `url` must start with https:// or http://",
        );
    }
    let components: &[Spanned<String>] = raw.components.as_ref().map_or(&[], |c| &c.value);
    if components.is_empty() && cx.curated {
        let at = raw
            .components
            .as_ref()
            .map_or(&raw.id.referenced, |c| &c.referenced);
        cx.error(at, "`components` is empty: name at least one component");
    }
    for c in components {
        if !mapping.components.contains_key(&c.value) {
            let known = mapping
                .components
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            cx.error(
                &c.referenced,
                format!("unknown component `{}` (known: {known})", c.value),
            );
        }
    }
    if !mapping.repos.contains_key(&raw.repo.value) {
        let known = mapping.repos.keys().cloned().collect::<Vec<_>>().join(", ");
        cx.error(
            &raw.repo.referenced,
            format!("unknown repo `{}` (known: {known})", raw.repo.value),
        );
    }
    let kind = check_kind(cx, raw);
    for url in &raw.alt_urls {
        if !(url.value.starts_with("https://") || url.value.starts_with("http://")) {
            cx.error(
                &url.referenced,
                "`alt_urls` entries must start with https:// or http://",
            );
        }
    }
    let era = check_era(cx, raw);
    let steps: Vec<Step> = raw
        .steps
        .value
        .iter()
        .filter_map(|s| check_step(cx, s, &raw.repo.value, mapping))
        .collect();
    if cx.diags.len() > errors_before {
        return None;
    }
    let text = |v: &Option<Spanned<String>>| v.as_ref().map(|s| s.value.clone());
    let list = |v: &[Spanned<String>]| v.iter().map(|s| s.value.clone()).collect::<Vec<_>>();
    Some(Article {
        id: id.clone(),
        title: raw.title.value.clone(),
        url: raw.url.value.clone(),
        alt_urls: list(&raw.alt_urls),
        author: text(&raw.author).unwrap_or_default(),
        kind,
        written_for: text(&raw.written_for),
        era,
        found: raw.found.as_ref().is_none_or(|f| f.value),
        evidence: text(&raw.evidence),
        reason: text(&raw.reason),
        entry_points: list(&raw.entry_points),
        related: list(&raw.related),
        components: if components.is_empty() {
            vec![OWN_COMPONENT.to_string()]
        } else {
            components.iter().map(|c| c.value.clone()).collect()
        },
        repo: raw.repo.value.clone(),
        steps,
        origin: cx.origin(&raw.id.referenced),
    })
}

/// Kind, provenance and step-count rules: an article is read in 3 to 12 steps (1 to 12 in a
/// user's file), a series needs steps or related parts, a no-code entry says why; in the
/// curated list `found: false` must be marked `source: inferred`.
fn check_kind(cx: &mut Ctx<'_>, raw: &raw::Article) -> Kind {
    let kind = match &raw.kind {
        None => Kind::Article,
        Some(k) => match k.value.as_str() {
            "article" => Kind::Article,
            "series" => Kind::Series,
            "no-code" => Kind::NoCode,
            other => {
                cx.error(
                    &k.referenced,
                    format!("unknown kind `{other}` (article, series, no-code)"),
                );
                Kind::Article
            }
        },
    };
    let steps = raw.steps.value.len();
    let least = if cx.curated { 3 } else { 1 };
    match kind {
        Kind::Article if !(least..=12).contains(&steps) => {
            cx.error(
                &raw.steps.referenced,
                format!(
                    "article `{}` has {steps} steps: an article is read in {least} to 12",
                    raw.id.value
                ),
            );
        }
        Kind::Series if steps > 12 || (steps == 0 && raw.related.is_empty()) => {
            cx.error(
                &raw.steps.referenced,
                format!(
                    "series `{}` needs 1 to 12 steps or `related` parts",
                    raw.id.value
                ),
            );
        }
        Kind::NoCode
            if raw
                .reason
                .as_ref()
                .is_none_or(|r| r.value.trim().is_empty()) =>
        {
            cx.error(
                &raw.id.referenced,
                format!("no-code entry `{}` needs a one-line `reason`", raw.id.value),
            );
        }
        _ => {}
    }
    if kind != Kind::NoCode && !raw.entry_points.is_empty() {
        cx.error(
            &raw.entry_points[0].referenced,
            "`entry_points` belong to no-code entries",
        );
    }
    if !cx.curated {
        return kind;
    }
    let Some(found) = &raw.found else {
        cx.error(
            &raw.id.referenced,
            "`found` is missing (required in the built-in mapping and with --strict): true when the article's text was read, with `evidence`",
        );
        return kind;
    };
    match (found.value, raw.source.as_ref()) {
        (true, Some(s)) => cx.error(
            &s.referenced,
            "`source: inferred` contradicts `found: true`",
        ),
        (true, None)
            if raw
                .evidence
                .as_ref()
                .is_none_or(|e| e.value.trim().is_empty()) =>
        {
            cx.error(
                &found.referenced,
                "`found: true` needs `evidence`: where the article was read",
            );
        }
        (false, None) => cx.error(&found.referenced, "`found: false` needs `source: inferred`"),
        (_, Some(s)) if s.value != "inferred" => {
            cx.error(&s.referenced, "`source` can only be `inferred`");
        }
        _ => {}
    }
    kind
}

/// `written_for` and `era` go together; the curation rules want both on every entry.
fn check_era(cx: &mut Ctx<'_>, raw: &raw::Article) -> Option<EraSource> {
    if let Some(w) = &raw.written_for
        && !is_version(&w.value)
        && !is_commit(&w.value)
    {
        cx.error(
            &w.referenced,
            format!(
                "`written_for` is `{}`; write a version like v1.13, v1.13.4 or v0.5, or the full commit id the article reads (a repo without release tags)",
                w.value.escape_default()
            ),
        );
    }
    let era = match raw.era.as_ref() {
        None => None,
        Some(e) => match e.value.as_str() {
            "stated" => Some(EraSource::Stated),
            "dated" => Some(EraSource::Dated),
            other => {
                cx.error(
                    &e.referenced,
                    format!(
                        "`era` is `{}`; use stated (the text names the version) or dated (the release current at the post's date)",
                        other.escape_default()
                    ),
                );
                None
            }
        },
    };
    match (&raw.written_for, &raw.era) {
        (None, Some(e)) => cx.error(&e.referenced, "`era` says how `written_for` is known: give `written_for` too"),
        (Some(w), None) => cx.error(&w.referenced, "`written_for` needs `era: stated` (the text names the version) or `era: dated` (the release current at the post's date)"),
        (None, None) if cx.curated => cx.error(
            &raw.id.referenced,
            "`written_for` is missing: the version the article reads, with `era: stated` or `era: dated` (required in the built-in mapping and with --strict)",
        ),
        _ => {}
    }
    era
}

/// `v1.13`, `v1.13.4`, `v0.5`, `4.2.0`: a release number, `v` optional.
fn is_version(s: &str) -> bool {
    let digits = s.strip_prefix('v').unwrap_or(s);
    let parts: Vec<&str> = digits.split('.').collect();
    (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// A full git commit id: the only way to name the version of a repo that has no tags.
fn is_commit(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn check_step(cx: &mut Ctx<'_>, raw: &raw::Step, repo: &str, mapping: &Mapping) -> Option<Step> {
    let symbol = parse_symbol(cx, &raw.symbol, repo, mapping);
    if let Some(file) = &raw.file
        && let Err(why) = check_repo_path(&file.value)
    {
        cx.error(&file.referenced, format!("file `{}` {why}", file.value));
    }
    // `was` is one symbol, the article-era name; prose about what changed is a note.
    let was = raw.was.as_ref().and_then(|w| {
        let lang = mapping.repo(repo).map(|r| r.lang).unwrap_or_default();
        crate::languages::parse(lang, &w.value)
            .map_err(|e| {
                cx.error(
                    &w.referenced,
                    format!(
                        "`was` is the article-era name, one whole symbol (write what changed in the note): {e}"
                    ),
                );
            })
            .ok()
    });
    let gone = raw.gone.as_ref().map(|g| {
        if !is_version(&g.since.value) {
            cx.error(
                &g.since.referenced,
                format!(
                    "`gone.since` is `{}`; write the first release without it, like v1.24",
                    g.since.value.escape_default()
                ),
            );
        }
        Gone {
            since: g.since.value.clone(),
            successor: g
                .successor
                .as_ref()
                .and_then(|s| parse_symbol(cx, s, repo, mapping)),
        }
    });
    cx.require_text("note", &raw.note);
    cx.curated_text("note_zh", raw.note_zh.as_ref(), &raw.symbol.referenced);
    Some(Step {
        symbol: symbol?,
        file: raw.file.as_ref().map(|f| f.value.clone()),
        was,
        gone,
        review: raw.review.as_ref().map(|r| r.value.clone()),
        note: raw.note.value.clone(),
        note_zh: raw
            .note_zh
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_default(),
        origin: cx.origin(&raw.symbol.referenced),
        file_origin: raw.file.as_ref().map(|f| cx.origin(&f.referenced)),
        review_origin: raw.review.as_ref().map(|r| cx.origin(&r.referenced)),
        counterpart: raw
            .counterpart
            .as_ref()
            .and_then(|c| check_counterpart(cx, c, mapping)),
    })
}

fn check_counterpart(
    cx: &mut Ctx<'_>,
    raw: &raw::Counterpart,
    mapping: &Mapping,
) -> Option<Counterpart> {
    let repo = raw
        .repo
        .as_ref()
        .map_or(COUNTERPART_REPO, |r| r.value.as_str());
    let symbol = parse_symbol(cx, &raw.symbol, repo, mapping);
    let mut ok = true;
    if let Some(file) = &raw.file
        && let Err(why) = check_repo_path(&file.value)
    {
        cx.error(&file.referenced, format!("file `{}` {why}", file.value));
        ok = false;
    }
    cx.require_text("note", &raw.note);
    cx.curated_text("note_zh", raw.note_zh.as_ref(), &raw.symbol.referenced);
    let symbol = symbol.filter(|_| ok)?;
    Some(Counterpart {
        repo: raw
            .repo
            .as_ref()
            .map_or(COUNTERPART_REPO.to_string(), |r| r.value.clone()),
        symbol,
        file: raw.file.as_ref().map(|f| f.value.clone()),
        note: raw.note.value.clone(),
        note_zh: raw
            .note_zh
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_default(),
        review: raw.review.as_ref().map(|r| r.value.clone()),
        origin: cx.origin(&raw.symbol.referenced),
        file_origin: raw.file.as_ref().map(|f| cx.origin(&f.referenced)),
        review_origin: raw.review.as_ref().map(|r| cx.origin(&r.referenced)),
    })
}

/// A path inside a repository: relative, `/`-separated, never leaving the tree.
/// A symbol in the language of `repo` (Go when the repo is unknown, which is reported
/// elsewhere).
fn parse_symbol(
    cx: &mut Ctx<'_>,
    raw: &Spanned<String>,
    repo: &str,
    mapping: &Mapping,
) -> Option<crate::item::ItemRef> {
    let lang = mapping.repo(repo).map(|r| r.lang).unwrap_or_default();
    crate::languages::parse(lang, &raw.value)
        .map_err(|e| cx.error(&raw.referenced, e))
        .ok()
}

pub fn check_repo_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("is empty");
    }
    if path.starts_with('/') || path.starts_with('\\') || path.as_bytes().get(1) == Some(&b':') {
        return Err("must be relative to the repository root, not absolute");
    }
    if path.contains('\\') {
        return Err("must use `/` as separator");
    }
    if path.split('/').any(|c| c == "..") {
        return Err("must not contain `..`");
    }
    if path.split('/').any(|c| c.is_empty() || c == ".") || path.chars().any(char::is_control) {
        return Err("is not a clean path (empty, `.` or control characters in it)");
    }
    Ok(())
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        && !s.starts_with('.')
}

#[cfg(test)]
mod tests {
    use super::super::MappingError;
    use super::super::load::{Source, load_sources};
    use super::*;

    const HEADER: &str = "schema: 1\nrepos:\n  kubernetes: { url: https://github.com/kubernetes/kubernetes, pin: v1.20.2 }\ncomponents:\n  informer: shared informers\n";

    fn errors(files: &[(&str, &str)]) -> Vec<String> {
        let sources: Vec<Source> = files
            .iter()
            .map(|(n, t)| Source {
                name: (*n).into(),
                bytes: t.as_bytes().to_vec(),
                curated: true,
                builtin: false,
            })
            .collect();
        match load_sources(&sources) {
            Ok(_) => vec![],
            Err(MappingError::Invalid(d)) => d.iter().map(ToString::to_string).collect(),
            Err(e) => vec![e.to_string()],
        }
    }

    fn article(steps: &str) -> String {
        format!(
            "{HEADER}articles:\n  - id: a\n    title: T\n    url: https://example.com/a\n    author: me\n    components: [informer]\n    repo: kubernetes\n    steps:\n{steps}    found: false\n    source: inferred\n    written_for: v1.13\n    era: dated\n"
        )
    }

    const STEP: &str = "      - symbol: k8s.io/client-go/tools/cache.sharedIndexInformer.Run\n        file: staging/src/k8s.io/client-go/tools/cache/shared_informer.go\n        note: n\n        note_zh: 中\n";

    /// A user's own file needs only id, title, url, repo and steps with symbol and note; it
    /// may use the built-in file's repos and components; the curation rules come back with
    /// `--strict`; an id defined twice names both places.
    #[test]
    fn a_users_file_on_top_of_a_curated_one() {
        let own = "schema: 1\narticles:\n  - id: mine\n    title: My post\n    url: https://example.com/mine\n    repo: kubernetes\n    steps:\n      - symbol: k8s.io/client-go/tools/cache.NewReflector\n        note: where it starts\n";
        let load = |own_curated: bool, own: &str| {
            load_sources(&[
                Source {
                    name: "mappings/base.yaml".into(),
                    bytes: article(&STEP.repeat(3)).into_bytes(),
                    curated: true,
                    builtin: false,
                },
                Source {
                    name: "mine.yaml".into(),
                    bytes: own.as_bytes().to_vec(),
                    curated: own_curated,
                    builtin: false,
                },
            ])
        };
        let m = load(false, own).unwrap();
        let mine = m.article("mine").unwrap();
        assert_eq!(mine.components, [OWN_COMPONENT]);
        assert!(m.components.contains_key(OWN_COMPONENT));
        assert!(mine.found && mine.author.is_empty());
        assert_eq!(mine.steps[0].note_zh, "");
        let Err(MappingError::Invalid(strict)) = load(true, own) else {
            panic!("--strict accepted a bare entry")
        };
        let strict: Vec<String> = strict.iter().map(ToString::to_string).collect();
        assert_eq!(
            strict,
            [
                "mine.yaml:3:9: `author` is missing (required in the built-in mapping and with --strict)",
                "mine.yaml:3:9: `components` is empty: name at least one component",
                "mine.yaml:8:7: article `mine` has 1 steps: an article is read in 3 to 12",
                "mine.yaml:3:9: `found` is missing (required in the built-in mapping and with --strict): true when the article's text was read, with `evidence`",
                "mine.yaml:3:9: `written_for` is missing: the version the article reads, with `era: stated` or `era: dated` (required in the built-in mapping and with --strict)",
                "mine.yaml:8:17: `note_zh` is missing (required in the built-in mapping and with --strict)",
            ]
        );
        let twice = own.replace("id: mine", "id: a");
        let Err(MappingError::Invalid(d)) = load(false, &twice) else {
            panic!("a duplicate id was accepted")
        };
        assert_eq!(
            d[0].to_string(),
            "mine.yaml:3:9: duplicate article id `a`: first defined at mappings/base.yaml:7:9"
        );
        // A bare article still names real things: an unknown repo is an error.
        let Err(MappingError::Invalid(d)) =
            load(false, &own.replace("repo: kubernetes", "repo: nope"))
        else {
            panic!("an unknown repo was accepted")
        };
        assert!(
            d[0].to_string()
                .starts_with("mine.yaml:6:11: unknown repo `nope`"),
            "{}",
            d[0]
        );
    }

    #[test]
    fn a_valid_mapping_loads() {
        assert_eq!(
            errors(&[("m.yaml", &article(&STEP.repeat(3)))]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_position() {
        let bad = article(
            "      - symbol: k8s.io/x.*T.Run\n        file: ../etc/passwd\n        note: n\n        note_zh: z\n      - symbol: k8s.io/y.F\n        file: /abs/y.go\n        note: n\n        note_zh: z\n",
        )
        .replace("components: [informer]", "components: [informr]")
        .replace("repo: kubernetes", "repo: kubernets");
        let errs = errors(&[("m.yaml", &bad)]);
        assert_eq!(
            errs,
            vec![
                "m.yaml:11:18: unknown component `informr` (known: informer)",
                "m.yaml:12:11: unknown repo `kubernets` (known: kubernetes)",
                "m.yaml:14:7: article `a` has 2 steps: an article is read in 3 to 12",
                "m.yaml:14:17: malformed Go symbol `k8s.io/x.*T.Run`: `*T` is not a Go identifier (write receivers without `*` or type parameters)",
                "m.yaml:15:15: file `../etc/passwd` must not contain `..`",
                "m.yaml:19:15: file `/abs/y.go` must be relative to the repository root, not absolute",
            ]
        );
    }

    #[test]
    fn duplicates_across_files_name_the_first_definition() {
        let a = article(&STEP.repeat(3));
        let b = "schema: 1\narticles:\n  - id: a\n    title: T\n    url: https://e.com\n    author: me\n    components: [informer]\n    repo: kubernetes\n    steps: []\n    found: false\n    source: inferred\n    written_for: v1.13\n    era: dated\n";
        assert_eq!(
            errors(&[("a.yaml", &a), ("b.yaml", b)]),
            vec![
                "b.yaml:3:9: duplicate article id `a`: first defined at a.yaml:7:9",
                "b.yaml:9:12: article `a` has 0 steps: an article is read in 3 to 12"
            ]
        );
    }

    #[test]
    fn kinds_and_provenance_rules() {
        let base = article(&STEP.repeat(3));
        let no_code = base.replace(
            "    found: false\n",
            "    kind: no-code\n    entry_points: [make]\n    found: false\n",
        );
        assert_eq!(
            errors(&[("n.yaml", &no_code)]),
            vec!["n.yaml:7:9: no-code entry `a` needs a one-line `reason`"]
        );
        let series = article("      []\n").replace(
            "    found: false\n",
            "    kind: series\n    related: [nope]\n    found: false\n",
        );
        assert_eq!(
            errors(&[("s.yaml", &series)]),
            vec!["s.yaml:16:15: `related` names unknown article `nope`"]
        );
        let found = base.replace(
            "    found: false\n    source: inferred\n",
            "    found: true\n",
        );
        assert_eq!(
            errors(&[("f.yaml", &found)]),
            vec!["f.yaml:26:12: `found: true` needs `evidence`: where the article was read"]
        );
        let inferred = base.replace("    source: inferred\n", "");
        assert_eq!(
            errors(&[("i.yaml", &inferred)]),
            vec!["i.yaml:26:12: `found: false` needs `source: inferred`"]
        );
        let entry = base.replace(
            "    found: false\n",
            "    entry_points: [make]\n    found: false\n",
        );
        assert_eq!(
            errors(&[("e.yaml", &entry)]),
            vec!["e.yaml:26:20: `entry_points` belong to no-code entries"]
        );
    }

    #[test]
    fn unknown_keys_and_bad_schema_are_positioned() {
        let errs = errors(&[(
            "k.yaml",
            &article(&STEP.repeat(3)).replace("author: me", "auther: me"),
        )]);
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].starts_with("k.yaml:10:5: ") && errs[0].contains("auther"),
            "{errs:?}"
        );
        let errs = errors(&[("s.yaml", "schema: 2\n")]);
        assert_eq!(
            errs,
            vec!["s.yaml:1:9: unsupported schema 2: this k8s-study reads schema 1"]
        );
    }

    #[test]
    fn non_utf8_and_empty_files_are_refused() {
        let sources = [Source {
            name: "u.yaml".into(),
            bytes: b"schema: 1\n# caf\xe9\n".to_vec(),
            curated: true,
            builtin: false,
        }];
        let Err(MappingError::Invalid(d)) = load_sources(&sources) else {
            panic!("accepted non-UTF-8")
        };
        assert_eq!(
            d[0].to_string(),
            "u.yaml:2:6: not valid UTF-8: mapping files are UTF-8 text"
        );
        assert_eq!(
            errors(&[("e.yaml", "\n")]),
            vec!["e.yaml:1:1: empty mapping file: expected `schema: 1`"]
        );
    }

    #[test]
    fn repo_paths_cannot_escape() {
        for bad in ["/etc", "a/../b", "..", "C:/x", "a\\b", "a//b", "./a"] {
            assert!(check_repo_path(bad).is_err(), "{bad}");
        }
        check_repo_path("pkg/scheduler/scheduler.go").unwrap();
    }

    #[test]
    fn eras_was_and_gone_are_checked() {
        let base = article(&STEP.repeat(3));
        let bad_era = base.replace("    era: dated\n", "    era: guessed\n");
        assert!(
            errors(&[("e.yaml", &bad_era)])
                .iter()
                .any(|e| e.contains("`era` is `guessed`; use stated")),
        );
        let no_version = base.replace("    written_for: v1.13\n", "");
        assert!(
            errors(&[("w.yaml", &no_version)])
                .iter()
                .any(|e| e.contains("give `written_for` too")),
        );
        let odd_version = base.replace("written_for: v1.13", "written_for: thirteen");
        assert!(
            errors(&[("o.yaml", &odd_version)])
                .iter()
                .any(|e| e.contains("`written_for` is `thirteen`")),
        );
        // A repo without tags names the commit the article reads; a short id is ambiguous.
        let commit = base.replace(
            "written_for: v1.13",
            "written_for: 1ba97aa6f2bdbd1e3b4a1b7cf4a6a3e1c0d2b9f1",
        );
        assert!(errors(&[("c.yaml", &commit)]).is_empty());
        let short = base.replace("written_for: v1.13", "written_for: 1ba97aa");
        assert!(
            errors(&[("s.yaml", &short)])
                .iter()
                .any(|e| e.contains("the full commit id")),
        );
        let prose = base.replacen(
            "        note: n\n",
            "        was: the old Run (pkg/x)\n        note: n\n",
            1,
        );
        let errs = errors(&[("p.yaml", &prose)]);
        assert!(
            errs.iter()
                .any(|e| e.contains("`was` is the article-era name, one whole symbol")),
            "{errs:?}"
        );
        let gone = base.replacen(
            "        note: n\n",
            "        gone: { since: soon, successor: k8s.io/x.New }\n        note: n\n",
            1,
        );
        let errs = errors(&[("g.yaml", &gone)]);
        assert!(
            errs.iter().any(|e| e.contains("`gone.since` is `soon`")),
            "{errs:?}"
        );
        let fine = base.replacen(
            "        note: n\n",
            "        was: k8s.io/x.OldRun\n        gone: { since: v1.24, successor: k8s.io/x.New }\n        note: n\n",
            1,
        );
        assert_eq!(errors(&[("f.yaml", &fine)]), Vec::<String>::new());
    }
}
