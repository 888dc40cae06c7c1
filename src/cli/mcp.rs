//! `k8s-study mcp`: a Model Context Protocol server over stdio (the official Rust SDK,
//! rmcp), so an assistant reads Kubernetes code at a version it names.
//!
//! Each tool runs the same library calls as its command (`find`, `resolve`/`guide`,
//! `lookup`, `diff`, `bump`) on a blocking thread and answers with JSON text. Wherever code
//! is read the version is a required argument (or, for `read_step`, the article's own pin,
//! which the answer names): there is no silent "latest". Every answer that read code carries
//! the commit (a git commit, or a module's `h1:` go.sum hash) and the GitHub permalink.
//! Failures (an unknown symbol, a version that does not exist, a source that cannot be
//! reached) are tool errors with the same `error:`/`help:` text as the command line; the
//! server keeps serving.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use clap::Args;
use k8s_study::Error;
use k8s_study::drift;
use k8s_study::error::exit;
use k8s_study::guide::{self, Era, Lang};
use k8s_study::item::{Resolution, Status};
use k8s_study::lookup::{component_articles, nearest, symbol_matches, title_matches};
use k8s_study::mapping::Article;
use k8s_study::source::Snapshot;
use k8s_study::versions;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{Implementation, ServerCapabilities, ServerConfig};
use rmcp::{ServerHandler, ServiceExt as _, tool, tool_handler, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::diff::compare_symbol;
use super::find::{FindArgs, find};
use super::{Context, Format, OutputArgs, SymbolRepoArgs};

/// Serve the Model Context Protocol on stdin/stdout, for assistants.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  k8s-study mcp                                   serve on stdio (an assistant starts it)
  K8S_STUDY_SOURCE=modules k8s-study mcp          read releases from the Go module cache

Tools: find_symbol, read_step, list_articles, diff_symbol, bump_report (docs/mcp.md).
The server reads JSON-RPC from stdin and writes only protocol messages to stdout.")]
pub struct McpArgs {}

#[derive(Debug, Deserialize, JsonSchema)]
struct FindSymbol {
    /// A Go symbol, `<import path>.<Name>` or `<import path>.<Receiver>.<Method>`
    /// (e.g. `k8s.io/kubernetes/pkg/scheduler.Scheduler.ScheduleOne`), or a kube-rs path
    /// with `::` (e.g. `kube_runtime::controller::Controller::run`).
    symbol: String,
    /// The repo of the mapping to read: `kubernetes` (default for Go; it holds client-go and
    /// the other staging repos, and third-party code), `client-go`, `controller-runtime`,
    /// `kubebuilder`, or `kube` (default for Rust paths).
    repo: Option<String>,
    /// The release to read, required: a tag such as `v1.37.2` (kubernetes), `v0.37.2`
    /// (client-go), `v0.25.3` (controller-runtime), or a bare minor such as `v1.30`.
    version: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
struct ReadStep {
    /// The article id (`list_articles` gives them), e.g. `informer-zhonglinzhang`.
    article: String,
    /// The step number, from 1, in reading order.
    #[schemars(range(min = 1))]
    step: usize,
    /// The release to read the step's code at. Default: the article's pin in the mapping,
    /// named in the answer.
    version: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
struct ListArticles {
    /// A component, e.g. `informer`, `scheduler`, `kubelet`, `workqueue`, `crd`.
    component: Option<String>,
    /// Words of a title (English or Chinese), or part of a Go symbol the articles walk
    /// through. Give this or `component`.
    query: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
struct DiffSymbol {
    /// The symbol at `from` (Go or kube-rs, as for `find_symbol`).
    symbol: String,
    /// The older release, required (e.g. `v1.20.2`).
    from: String,
    /// The newer release, required (e.g. `v1.37.2`).
    to: String,
    /// The repo holding the symbol [default: kubernetes; kube for a Rust path].
    repo: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
struct BumpReport {
    /// The repo to move. Without it, `to` is a Kubernetes version and kubernetes moves there
    /// with its staging repos (client-go and friends at the matching v0.Y.Z).
    repo: Option<String>,
    /// The version to compare every step against, required (e.g. `v1.37.2`).
    to: String,
}

/// An article as `list_articles` shows it.
#[derive(Serialize)]
struct Listed<'m> {
    id: &'m str,
    title: &'m str,
    url: &'m str,
    repo: &'m str,
    components: &'m [String],
    written_for: Option<&'m str>,
    steps: usize,
}

impl<'m> From<&'m Article> for Listed<'m> {
    fn from(a: &'m Article) -> Self {
        Self {
            id: &a.id,
            title: &a.title,
            url: &a.url,
            repo: &a.repo,
            components: &a.components,
            written_for: a.written_for.as_deref(),
            steps: a.steps.len(),
        }
    }
}

/// `read_step`'s answer: where and when first, then the step, then its Rust counterpart.
#[derive(Serialize)]
struct StepAnswer {
    article: String,
    title: String,
    url: String,
    written_for: Option<String>,
    repo: String,
    /// The version read: the one asked, or the article's pin.
    version: String,
    commit: Option<String>,
    /// How many steps the article has.
    steps: usize,
    note_zh: String,
    step: guide::StepGuide,
    counterpart: Option<guide::CounterpartGuide>,
}

/// A step of `bump_report` that does not simply hold, with the lines on GitHub on both sides.
#[derive(Serialize)]
struct ChangedStep<'a> {
    #[serde(flatten)]
    drift: &'a drift::StepDrift,
    from_permalink: Option<String>,
    to_permalink: Option<String>,
}

/// `diff_symbol`'s answer.
#[derive(Serialize)]
struct DiffAnswer {
    symbol: String,
    repo: String,
    category: &'static str,
    detail: String,
    from_permalink: Option<String>,
    to_permalink: Option<String>,
    comparison: drift::Compared,
    diff: String,
}

#[derive(Clone)]
struct Server {
    cx: Arc<Context>,
    tool_router: ToolRouter<Self>,
}

/// A tool's answer: JSON text, or the error as the command line prints it.
type Answer = Result<String, String>;

#[tool_router]
impl Server {
    fn new(cx: Context) -> Self {
        Self {
            cx: Arc::new(cx),
            tool_router: Self::tool_router(),
        }
    }

    /// Run `work` on a blocking thread (it reads git objects or zips and parses Go); a
    /// panic there becomes a tool error, not a dead server.
    async fn blocking<T: Serialize + Send + 'static>(
        &self,
        work: impl FnOnce(&Context) -> Result<T, Error> + Send + 'static,
    ) -> Answer {
        let cx = self.cx.clone();
        match tokio::task::spawn_blocking(move || work(&cx)).await {
            Ok(Ok(value)) => serde_json::to_string_pretty(&value).map_err(|e| e.to_string()),
            Ok(Err(e)) => Err(error_text(&e)),
            Err(join) => Err(format!("error: internal failure: {join}")),
        }
    }

    #[tool(
        description = "Where a Go symbol (or kube-rs item) is declared at one release: file, lines, kind, signature, doc comment, GitHub permalink and the commit read. The version is required. A symbol that is not there, or names several declarations, is a tool error with the reason and near names."
    )]
    async fn find_symbol(&self, Parameters(p): Parameters<FindSymbol>) -> Answer {
        self.blocking(move |cx| {
            let args = FindArgs {
                symbol: p.symbol,
                repo: SymbolRepoArgs { repo: p.repo },
                at: Some(p.version),
                limit: 20,
                output: OutputArgs {
                    format: Format::Json,
                },
            };
            let found = find(cx, &args)?;
            not_found_is_an_error(found)
        })
        .await
    }

    #[tool(
        description = "One step of an article's reading path: our note (English and Chinese), the symbol's place, signature, excerpt and permalink at the version, the later steps it calls, what changed since the article's own release, and the kube-rs counterpart when there is one. The version defaults to the article's pin and is always named in the answer."
    )]
    async fn read_step(&self, Parameters(p): Parameters<ReadStep>) -> Answer {
        self.blocking(move |cx| read_step(cx, &p)).await
    }

    #[tool(
        description = "Articles of the reading list (Chinese source-analysis posts on client-go, the scheduler, kubelet, controllers, CRDs…) for a component, or whose title or mapped symbols match a query. Offline: reads only the mapping."
    )]
    async fn list_articles(&self, Parameters(p): Parameters<ListArticles>) -> Answer {
        self.blocking(move |cx| list_articles(cx, &p)).await
    }

    #[tool(
        description = "What happened to one declaration between two releases: unchanged, body-changed, signature-changed, moved-file, moved-package, renamed, ambiguous or removed, following moves and renames, with both places (commit, permalink) and a unified diff. Both versions are required."
    )]
    async fn diff_symbol(&self, Parameters(p): Parameters<DiffSymbol>) -> Answer {
        self.blocking(move |cx| {
            let d = compare_symbol(
                cx,
                &p.symbol,
                &SymbolRepoArgs { repo: p.repo },
                &p.from,
                &p.to,
            )?;
            Ok(DiffAnswer {
                symbol: p.symbol,
                repo: d.repo,
                category: d.compared.category.as_str(),
                detail: d.compared.detail.clone(),
                from_permalink: d.compared.from.as_ref().and_then(|s| permalink(s, &d.old)),
                to_permalink: d.compared.to.as_ref().and_then(|s| permalink(s, &d.new)),
                diff: drift::unified_diff(&d.compared),
                comparison: d.compared,
            })
        })
        .await
    }

    #[tool(
        description = "How every step of the mapping fares at another release (what `k8s-study bump` reports): a count per category, and each step that does not simply hold, with where it went and the commits compared. The target version is required."
    )]
    async fn bump_report(&self, Parameters(p): Parameters<BumpReport>) -> Answer {
        self.blocking(move |cx| bump_report(cx, &p)).await
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("k8s-study", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "Kubernetes source at a named release, tied to the articles people learn it \
                 from. Name the version wherever code is read; every answer carries the commit \
                 and GitHub permalink it was read at. Start with list_articles, then read_step, \
                 or find_symbol for any Go symbol.",
            )
    }
}

/// A symbol that is missing or ambiguous is the assistant's mistake to correct: a tool error
/// naming the version read and the near names, not a result to build on.
fn not_found_is_an_error(r: Resolution) -> Result<Resolution, Error> {
    if r.status == Status::Found {
        return Ok(r);
    }
    let what = if r.status == Status::Ambiguous {
        "is ambiguous"
    } else {
        "is not found"
    };
    let names: Vec<String> = r
        .candidates
        .iter()
        .take(5)
        .map(|c| format!("{} ({}:{})", c.symbol, c.file, c.start_line))
        .collect();
    Err(Error::usage(
        format!(
            "{} {what} in {} {} (commit {}): {}",
            r.symbol,
            r.repo,
            r.version,
            r.commit,
            r.reason.as_deref().unwrap_or("no declaration of that name")
        ),
        (!names.is_empty()).then(|| format!("did you mean: {}", names.join(", "))),
    ))
}

/// The GitHub lines of one side of a comparison, where its snapshot says the file is published.
fn permalink(side: &drift::Side, snapshot: &Snapshot) -> Option<String> {
    snapshot.published(&side.file).map(|p| {
        format!(
            "{}/blob/{}/{}#L{}-L{}",
            p.repo, p.rev, p.path, side.start_line, side.end_line
        )
    })
}

fn error_text(e: &Error) -> String {
    match e.help() {
        Some(help) => format!("error: {e}\nhelp: {help}"),
        None => format!("error: {e}"),
    }
}

fn read_step(cx: &Context, p: &ReadStep) -> Result<StepAnswer, Error> {
    let article = super::resolve::select(cx, std::slice::from_ref(&p.article))?.remove(0);
    let Some(step) = p.step.checked_sub(1).and_then(|i| article.steps.get(i)) else {
        return Err(Error::usage(
            format!(
                "article `{}` has steps 1 to {}, not {}",
                article.id,
                article.steps.len(),
                p.step
            ),
            None,
        ));
    };
    // Another version is the same guide with the article's repo pinned there.
    let mut mapping = cx.mapping.clone();
    if let Some(version) = &p.version {
        let repo = mapping
            .repos
            .get_mut(&article.repo)
            .expect("validated: articles name known repos");
        repo.pin.clone_from(version);
    }
    // What could not be read is in the step's reason, which the answer carries.
    let (guides, _skipped) = guide::build(&cx.sources, &mapping, &[article], Lang::En, Era::Cached);
    let guide = guides.into_iter().next().expect("one article asked");
    let mut shown = guide
        .steps
        .into_iter()
        .nth(p.step - 1)
        .expect("one guide step per step");
    if shown.status != Status::Found
        && let Some(why) = &shown.reason
        && guide.commit.is_none()
    {
        // The repo could not be read at all at that version: an error, not a step.
        return Err(Error::usage(why.clone(), None));
    }
    let counterpart = shown.counterpart.take();
    Ok(StepAnswer {
        article: guide.id,
        title: guide.title,
        url: guide.url,
        written_for: guide.written_for,
        repo: guide.repo,
        version: guide.version,
        commit: guide.commit,
        steps: article.steps.len(),
        note_zh: step.note_zh.clone(),
        step: shown,
        counterpart,
    })
}

fn list_articles(cx: &Context, p: &ListArticles) -> Result<serde_json::Value, Error> {
    let m = &cx.mapping;
    match (&p.component, &p.query) {
        (Some(c), _) => {
            let Some(description) = m.components.get(c) else {
                return Err(Error::usage(
                    format!("unknown component `{c}`"),
                    Some(format!(
                        "components: {}",
                        m.components.keys().cloned().collect::<Vec<_>>().join(", ")
                    )),
                ));
            };
            let articles: Vec<Listed> = component_articles(m, c)
                .into_iter()
                .map(Listed::from)
                .collect();
            Ok(json!({"component": c, "description": description, "articles": articles}))
        }
        (None, Some(q)) => {
            let titled: Vec<Listed> = title_matches(m, q).into_iter().map(Listed::from).collect();
            let symbols = symbol_matches(m, q);
            if titled.is_empty() && symbols.is_empty() {
                return Err(Error::usage(
                    format!("nothing in the mapping matches `{q}`"),
                    nearest(m, q).map(|n| format!("did you mean `{n}`?")),
                ));
            }
            Ok(json!({"query": q, "articles": titled, "symbols": symbols}))
        }
        (None, None) => Err(Error::usage(
            "give `component` or `query`",
            Some("e.g. {\"component\": \"informer\"} or {\"query\": \"scheduleOne\"}".to_string()),
        )),
    }
}

fn bump_report(cx: &Context, p: &BumpReport) -> Result<serde_json::Value, Error> {
    let repos: Vec<String> = p.repo.iter().cloned().collect();
    for name in &repos {
        cx.repo(name)?;
    }
    let targets =
        versions::targets(&cx.mapping, &p.to, &repos).map_err(|m| Error::usage(m, None))?;
    let articles: Vec<_> = cx.mapping.articles.iter().collect();
    let drifts = drift::bump(
        &cx.sources,
        &cx.mapping,
        &articles,
        &targets,
        &indicatif::ProgressBar::hidden(),
    )?;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &drifts {
        *counts.entry(d.compared.category.as_str()).or_default() += 1;
    }
    let moved: BTreeMap<&String, (&str, &String)> = targets
        .iter()
        .filter_map(|(name, to)| Some((name, (cx.mapping.repo(name)?.pin.as_str(), to))))
        .collect();
    // Each changed step with the permalinks of both sides: one snapshot per repo and version.
    let mut snapshots: HashMap<(String, String), Option<Snapshot>> = HashMap::new();
    let mut link = |repo: &str, side: Option<&drift::Side>| -> Option<String> {
        let side = side?;
        let snapshot = snapshots
            .entry((repo.to_string(), side.version.clone()))
            .or_insert_with(|| {
                let r = cx.mapping.repo(repo)?;
                cx.sources.snapshot(&r.spec(), &side.version).ok()
            })
            .as_ref()?;
        permalink(side, snapshot)
    };
    let changed: Vec<ChangedStep> = drifts
        .iter()
        .filter(|d| !d.compared.category.holds())
        .map(|d| ChangedStep {
            from_permalink: link(&d.repo, d.compared.from.as_ref()),
            to_permalink: link(&d.repo, d.compared.to.as_ref()),
            drift: d,
        })
        .collect();
    Ok(json!({
        "repos": moved.iter().map(|(name, (from, to))| json!({"repo": name, "from": from, "to": to})).collect::<Vec<_>>(),
        "steps": drifts.len(),
        "categories": counts,
        "changed": changed,
    }))
}

/// Answer on stdio until the client closes stdin.
pub fn run(cx: Context, _args: &McpArgs) -> Result<u8, Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let service = Server::new(cx)
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| Error::usage(format!("MCP initialisation failed: {e}"), None))?;
        service
            .waiting()
            .await
            .map_err(|e| Error::usage(format!("MCP server stopped: {e}"), None))?;
        Ok(exit::OK)
    })
}
