use std::io::Write as _;

use clap::Args;
use k8s_study::Error;
use k8s_study::error::exit;
use k8s_study::mapping::Article;
use k8s_study::resolve::{Status, resolve_each_repo};

use super::messages;
use super::output::{mark, write_detail};
use super::{AtArgs, Context, Format, OutputArgs};

/// Resolve every step of the given articles (default: all) to file, lines and signature.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  k8s-study resolve informer-zhonglinzhang
  k8s-study resolve --at v1.21.0 --format json")]
pub struct ResolveArgs {
    /// Article ids [default: every article].
    #[arg(value_name = "ARTICLE_ID")]
    pub articles: Vec<String>,
    #[command(flatten)]
    pub at: AtArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn select<'m>(cx: &'m Context, ids: &[String]) -> Result<Vec<&'m Article>, Error> {
    if ids.is_empty() {
        return Ok(cx.mapping.articles.iter().collect());
    }
    ids.iter()
        .map(|id| {
            cx.mapping.article(id).ok_or_else(|| {
                let near = cx
                    .mapping
                    .articles
                    .iter()
                    .min_by_key(|a| strsim::levenshtein(&a.id, id))
                    .map(|a| format!("did you mean `{}`?", a.id));
                Error::usage(format!("unknown article `{id}`"), near)
            })
        })
        .collect()
}

pub fn run(cx: &Context, args: &ResolveArgs) -> Result<u8, Error> {
    let articles = select(cx, &args.articles)?;
    // One repo that cannot be read does not stop the others; its error comes at the end.
    let (steps, failed) = resolve_each_repo(&cx.sources, &cx.mapping, &articles, args.at.at());
    let mut out = std::io::stdout().lock();
    match args.output.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &steps).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Text => {
            for article in &articles {
                let repo = cx.repo(&article.repo)?;
                let version = args.at.at().unwrap_or(&repo.pin);
                writeln!(
                    out,
                    "{}  {}\n  {}  [{} {version}]",
                    article.id, article.title, article.url, repo.name
                )?;
                if failed.iter().any(|(repo, _)| *repo == article.repo) {
                    writeln!(
                        out,
                        "   not read: repo {} (the error is below)",
                        article.repo
                    )?;
                }
                for s in steps.iter().filter(|s| s.article == article.id) {
                    let r = &s.resolution;
                    let kind = r
                        .kind
                        .map(|k| format!(" ({})", k.as_str()))
                        .unwrap_or_default();
                    writeln!(out, "  {:>2} {} {}{kind}", s.step, mark(r.status), r.symbol)?;
                    write_detail(&mut out, r, "       ")?;
                }
                writeln!(out)?;
            }
        }
    }
    let code = if steps.iter().all(|s| s.resolution.status == Status::Found) {
        exit::OK
    } else {
        exit::MISSING
    };
    Ok(messages::report_unread(failed, code))
}
