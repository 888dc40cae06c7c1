use std::path::PathBuf;

use clap::{Args, ValueEnum};
use k8s_study::Error;
use k8s_study::error::exit;
use k8s_study::guide::line::build_line;
use k8s_study::guide::{self, Era, Lang};
use k8s_study::lookup::component_articles;
use k8s_study::mapping::Article;
use k8s_study::matrix::Range;
use k8s_study::output::write_dir_atomic;
use k8s_study::render::{self, SiteInput};
use k8s_study::resolve::Status;

use super::{Context, messages};

/// Write annotated reading paths: Markdown, an mdBook, static HTML, JSON or `CodeTour` tours.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  k8s-study guide informer-zhonglinzhang --format md -o guide
  k8s-study guide scheduler kubelet --format html --lang zh -o site
  k8s-study guide --format mdbook -o book && mdbook build book
  k8s-study guide scheduler --format mdbook --from v1.18 -o book   # + the version line
  k8s-study guide --format codetour -o .        # .tours/*.tour for VS Code's CodeTour
  k8s-study guide scheduler --format html --line -o site   # + every release from the era to the pin
  k8s-study guide informer --format html --from v1.20 --to v1.30 --fetch -o site
  k8s-study fetch kubernetes@v1.13.0 && k8s-study guide scheduler -o guide   # + changes since v1.13

The output folder is replaced atomically. Unresolved steps are written with their reason;
the command then exits 1.")]
pub struct GuideArgs {
    /// Article ids or components [default: every article].
    #[arg(value_name = "ARTICLE_ID|COMPONENT")]
    pub select: Vec<String>,
    #[arg(long, value_enum, default_value_t = GuideFormat::Md)]
    pub format: GuideFormat,
    #[arg(long, value_enum, default_value_t = GuideLang::En)]
    pub lang: GuideLang,
    /// Output folder (replaced as a whole).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Compare each step with the article's `written_for` version ("changed since the
    /// article"): from the cache only, fetching it, or not at all.
    #[arg(long, value_enum, default_value_t = EraArg::Cached)]
    pub era: EraArg,
    /// Also draw the version line of each article, from its era to the pin as `matrix`
    /// reads it. HTML: every article at every minor release, with a release selector, each
    /// step's state there, its code across releases side by side, the matrix and its heat
    /// map. mdBook: a chapter per component, and each step's since and until.
    #[arg(long)]
    pub line: bool,
    /// First minor release of the line (implies --line).
    #[arg(long, value_name = "VERSION")]
    pub from: Option<String>,
    /// Last minor release of the line (implies --line; default: the pin's).
    #[arg(long, value_name = "VERSION")]
    pub to: Option<String>,
    /// Download releases of the line that are not in the cache (as `matrix --fetch`);
    /// without it they are listed as not read (implies --line).
    #[arg(long)]
    pub fetch: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EraArg {
    Off,
    Cached,
    Fetch,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GuideFormat {
    Md,
    Mdbook,
    Html,
    Json,
    Codetour,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GuideLang {
    En,
    Zh,
}

// The library never imports clap: these mirror its enums, and the exhaustive matches below
// stop the build when a variant is added on one side only.
impl From<GuideLang> for Lang {
    fn from(l: GuideLang) -> Self {
        match l {
            GuideLang::En => Lang::En,
            GuideLang::Zh => Lang::Zh,
        }
    }
}

impl From<EraArg> for Era {
    fn from(e: EraArg) -> Self {
        match e {
            EraArg::Off => Era::Off,
            EraArg::Cached => Era::Cached,
            EraArg::Fetch => Era::Fetch,
        }
    }
}

pub fn select<'m>(cx: &'m Context, names: &[String]) -> Result<Vec<&'m Article>, Error> {
    if names.is_empty() {
        return Ok(cx.mapping.articles.iter().collect());
    }
    let mut out: Vec<&Article> = Vec::new();
    for name in names {
        let found: Vec<&Article> = match cx.mapping.article(name) {
            Some(a) => vec![a],
            None if cx.mapping.components.contains_key(name) => {
                component_articles(&cx.mapping, name)
            }
            None => {
                let near = cx
                    .mapping
                    .components
                    .keys()
                    .chain(cx.mapping.articles.iter().map(|a| &a.id));
                let near = near
                    .min_by_key(|n| strsim::levenshtein(n, name))
                    .map(|n| format!("did you mean `{n}`?"));
                return Err(Error::usage(
                    format!("`{name}` is neither an article id nor a component"),
                    near,
                ));
            }
        };
        for a in found {
            if !out.iter().any(|o| o.id == a.id) {
                out.push(a);
            }
        }
    }
    Ok(out)
}

pub fn run(cx: &Context, args: &GuideArgs) -> Result<u8, Error> {
    let wants_line = args.line || args.from.is_some() || args.to.is_some() || args.fetch;
    if wants_line && !matches!(args.format, GuideFormat::Html | GuideFormat::Mdbook) {
        return Err(Error::usage(
            "--line, --from, --to and --fetch draw the version line, which --format html and --format mdbook show".to_string(),
            Some("`k8s-study matrix` prints it as text, JSON, Markdown or SVG".to_string()),
        ));
    }
    let articles = select(cx, &args.select)?;
    let lang = Lang::from(args.lang);
    // A repo or file that cannot be read is written as unresolved, or without an excerpt,
    // with the reason; it is named on stderr at the end (exit 1, as for any unresolved step).
    let (guides, mut skipped) =
        guide::build(&cx.sources, &cx.mapping, &articles, lang, args.era.into());
    let range = Range {
        from: args.from.clone(),
        to: args.to.clone(),
        fetch: args.fetch,
    };
    // HTML reads every article at every release of the line; mdBook needs the matrix only.
    let site_line = (wants_line && args.format == GuideFormat::Html).then(|| {
        let progress = super::matrix::progress_bar(cx);
        let (line, s) = build_line(&cx.sources, &cx.mapping, &articles, lang, &range, &progress);
        progress.finish_and_clear();
        skipped.extend(s);
        line
    });
    let matrix_line = if wants_line && site_line.is_none() {
        super::matrix::line(cx, &articles, &range)
    } else {
        Vec::new()
    };
    let input = SiteInput {
        guides: &guides,
        components: &cx.mapping.components,
        lang,
        line: site_line.as_ref().map_or(&matrix_line, |l| &l.repos),
    };
    let files = match args.format {
        GuideFormat::Md => render::markdown::site(&input)?,
        GuideFormat::Mdbook => render::mdbook::site(&input)?,
        GuideFormat::Html => match &site_line {
            Some(line) => render::html::site_with_line(&input, line),
            None => render::html::site(&input),
        },
        GuideFormat::Json => render::json::site(&input)?,
        GuideFormat::Codetour => render::codetour::site(&input)?,
    };
    write_dir_atomic(&args.output, &files)?;
    let unresolved: Vec<String> = guides
        .iter()
        .flat_map(|g| {
            g.steps
                .iter()
                .filter(|s| s.status != Status::Found)
                .map(move |s| format!("{} step {}", g.id, s.step))
        })
        .collect();
    eprintln!(
        "wrote {} files for {} articles to {}",
        files.len(),
        guides.len(),
        args.output.display()
    );
    let code = if unresolved.is_empty() {
        exit::OK
    } else {
        eprintln!(
            "{} unresolved step(s), shown in the guide with the reason: {}",
            unresolved.len(),
            unresolved.join(", ")
        );
        exit::MISSING
    };
    Ok(messages::report(&skipped, code, exit::MISSING))
}
