use std::io::Write as _;

use clap::Args;
use k8s_study::Error;
use k8s_study::error::exit;
use serde::Serialize;

use super::output::short_commit;
use super::{Context, OutputArgs};

/// Fill the cache: fetch repos at their pins (or at REPO@VERSION).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  k8s-study fetch\n  k8s-study fetch kubernetes client-go@v0.32.3"
)]
pub struct FetchArgs {
    /// Repos to fetch, as NAME or NAME@VERSION [default: every repo at its pin].
    #[arg(value_name = "REPO[@VERSION]")]
    pub repos: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Serialize)]
struct Fetched {
    repo: String,
    version: String,
    commit: String,
    cached: bool,
    url: Option<String>,
    seconds: f64,
    /// Parts of the tree that could not be fetched, with why (the rest is usable).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unavailable: Vec<String>,
}

pub fn run(cx: &Context, args: &FetchArgs) -> Result<u8, Error> {
    let wanted: Vec<(String, String)> = if args.repos.is_empty() {
        cx.mapping
            .repos
            .values()
            .map(|r| (r.name.clone(), r.pin.clone()))
            .collect()
    } else {
        args.repos
            .iter()
            .map(|spec| {
                let (name, version) = spec
                    .split_once('@')
                    .map_or((spec.as_str(), None), |(n, v)| (n, Some(v)));
                let repo = cx.repo(name)?;
                Ok((
                    repo.name.clone(),
                    version.map_or_else(|| repo.pin.clone(), str::to_string),
                ))
            })
            .collect::<Result<_, Error>>()?
    };
    let mut out = std::io::stdout().lock();
    let mut results = Vec::new();
    // One unreachable repo does not stop the others; every failure is reported, the last
    // one through the caller (exit 2).
    let mut failures: Vec<Error> = Vec::new();
    for (name, version) in wanted {
        let repo = cx.repo(&name)?;
        let o = match cx.sources.fetch(&repo.spec(), &version) {
            Ok(o) => o,
            Err(e) => {
                failures.push(e.into());
                continue;
            }
        };
        let fetched = Fetched {
            repo: name,
            version: if o.version.is_empty() {
                version
            } else {
                o.version
            },
            commit: o.commit.clone(),
            cached: o.cached,
            url: o.url,
            seconds: o.elapsed.as_secs_f64(),
            unavailable: o.unavailable,
        };
        if !args.output.json() {
            let how = match &fetched.url {
                Some(url) => format!("fetched from {url} in {:.1}s", fetched.seconds),
                None => "cached".to_string(),
            };
            writeln!(
                out,
                "{} {} {} ({how})",
                fetched.repo,
                fetched.version,
                short_commit(&fetched.commit)
            )?;
            for why in &fetched.unavailable {
                writeln!(out, "  unavailable: {why}")?;
            }
        }
        results.push(fetched);
    }
    if args.output.json() {
        serde_json::to_writer_pretty(&mut out, &results).map_err(std::io::Error::from)?;
        writeln!(out)?;
    }
    if let Some(last) = failures.pop() {
        for e in failures {
            eprintln!("error: {e}");
        }
        return Err(last);
    }
    // Part of a tree missing is what exit 1 means: the command ran, something is missing.
    if results.iter().any(|r| !r.unavailable.is_empty()) {
        return Ok(exit::MISSING);
    }
    Ok(exit::OK)
}
