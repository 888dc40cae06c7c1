use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use k8s_study::Error;
use k8s_study::draft::{self, Draft, extract};
use k8s_study::error::exit;

use super::Context;

/// Draft a mapping entry from a saved article (HTML as a browser saves it, or Markdown).
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  k8s-study draft saved/my-post.html --url https://example.com/my-post -o my-post.yaml
  k8s-study draft book/scheduler.md --repo kubernetes --at v1.13.0
  k8s-study draft post.md --format json

It reads GitHub blob links (the declaration at that line), path.go:LINE markers, function
headers and calls in code blocks, and names in inline code, resolves them at the version
the post states (or --at, or its links' tags, or the repo's pin), and writes an entry with
`note: TODO` per step, in the order the post first names them, plus what it left out and why.
Exit codes: 0 written, 1 no step found, 2 usage or source error.")]
pub struct DraftArgs {
    /// The saved article: `.html`/`.htm`, or Markdown.
    pub article: PathBuf,
    /// The article's address, for `url:` [default: TODO].
    #[arg(long)]
    pub url: Option<String>,
    /// The entry's id [default: from the file name].
    #[arg(long)]
    pub id: Option<String>,
    /// The repo whose code the article reads.
    #[arg(long, value_name = "NAME", default_value = "kubernetes")]
    pub repo: String,
    /// Read the code at this version, whatever the article says.
    #[arg(long, value_name = "VERSION")]
    pub at: Option<String>,
    /// Write the entry to FILE (refused if it exists, unless --force) [default: stdout].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite FILE.
    #[arg(long)]
    pub force: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: DraftFormat,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum DraftFormat {
    /// A mapping file with the entry, and the report as comments.
    #[default]
    Yaml,
    Json,
}

pub fn run(cx: &Context, args: &DraftArgs) -> Result<u8, Error> {
    let repo = cx.repo(&args.repo)?;
    if let Some(out) = &args.output
        && out.exists()
        && !args.force
    {
        return Err(Error::usage(
            format!("{} exists; nothing was written", out.display()),
            Some("pass --force to replace it, or -o another file".to_string()),
        ));
    }
    let bytes = std::fs::read(&args.article)
        .map_err(|e| Error::usage(format!("cannot read {}: {e}", args.article.display()), None))?;
    let text = String::from_utf8_lossy(&bytes);
    let extracted = extract::read(&text);
    let slug = repo
        .url
        .trim_end_matches('/')
        .trim_end_matches(".git")
        .rsplitn(3, '/')
        .take(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join("/");
    let (version, version_from) =
        draft::choose_version(args.at.as_deref(), &extracted, &slug, &repo.pin);
    // A stated version is a Kubernetes one: in the repo's numbering (client-go's `v0.18` for
    // `v1.18`); a repo with numbers of its own (controller-runtime) is read at its pin.
    let (version, version_from) = match version_from {
        "stated" => match k8s_study::versions::in_repo_numbering(repo, &version) {
            Some(v) => (v, "stated"),
            None => (repo.pin.clone(), "pin"),
        },
        _ => (version, version_from),
    };
    let snapshot = cx.sources.snapshot(&repo.spec(), &version)?;
    let progress = cx.file_progress("drafting: reading");
    let at_ref = |tag: &str| cx.sources.snapshot(&repo.spec(), tag).ok();
    let (steps, skipped) = draft::draft(
        &snapshot,
        repo.module.as_deref(),
        &extracted,
        &slug,
        &at_ref,
        &progress,
    )?;
    progress.finish_and_clear();
    let found = !steps.is_empty();
    let d = Draft {
        title: extracted.title.clone(),
        repo: repo.name.clone(),
        version: snapshot.version.clone(),
        version_from,
        commit: snapshot.commit.clone(),
        steps,
        skipped,
    };
    let id = args.id.clone().unwrap_or_else(|| id_from(&args.article));
    let url = args
        .url
        .clone()
        .unwrap_or_else(|| "https://TODO".to_string());
    let body = match args.format {
        DraftFormat::Yaml => draft::to_yaml(&d, &id, &url),
        DraftFormat::Json => {
            let mut s = serde_json::to_string_pretty(&serde_json::json!({
                "id": id, "url": url, "draft": d,
            }))
            .map_err(std::io::Error::from)?;
            s.push('\n');
            s
        }
    };
    match &args.output {
        Some(path) => {
            k8s_study::output::write_file_atomic(path, body.as_bytes())?;
            eprintln!(
                "wrote {}: {} step(s) at {} {} ({}), {} mention(s) left out",
                path.display(),
                d.steps.len(),
                d.repo,
                d.version,
                d.version_from,
                d.skipped.len()
            );
        }
        None => std::io::stdout().lock().write_all(body.as_bytes())?,
    }
    Ok(if found { exit::OK } else { exit::MISSING })
}

/// `saved/My Post.html` → `my-post`.
fn id_from(path: &std::path::Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut id = String::new();
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-').to_string();
    if id.is_empty() {
        "my-article".into()
    } else {
        id
    }
}
