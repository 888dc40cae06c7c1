//! Commands about k8s-study itself: the no-argument orientation, shell completions and the
//! man page (both generated from the clap definition).

use std::io::Write as _;

use clap::{Args, CommandFactory as _};
use clap_complete::Shell;
use k8s_study::Error;
use k8s_study::error::exit;
use k8s_study::mapping::Mapping;

use super::Cli;

/// Print a shell completion script.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  k8s-study completions bash > ~/.local/share/bash-completion/completions/k8s-study
  k8s-study completions zsh > ~/.zfunc/_k8s-study
  k8s-study completions fish > ~/.config/fish/completions/k8s-study.fish")]
pub struct CompletionsArgs {
    pub shell: Shell,
}

pub fn completions(args: &CompletionsArgs) -> Result<u8, Error> {
    // Generated into memory: clap_complete panics when its writer fails, and a reader that
    // closes the pipe early is not an error.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "k8s-study", &mut script);
    std::io::stdout().lock().write_all(&script)?;
    Ok(exit::OK)
}

/// Print the man page (roff) to stdout: `k8s-study man > k8s-study.1`.
pub fn man() -> Result<u8, Error> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    std::io::stdout().lock().write_all(&page)?;
    Ok(exit::OK)
}

/// `k8s-study` alone: what is here and how to start.
pub fn orientation(mapping: &Mapping) -> Result<u8, Error> {
    let mut out = std::io::stdout().lock();
    let steps: usize = mapping.articles.iter().map(|a| a.steps.len()).sum();
    writeln!(
        out,
        "k8s-study: reading paths through the Kubernetes source\n\n{} articles of the reading list, {steps} steps, in {} components:\n",
        mapping.articles.len(),
        mapping.components.len()
    )?;
    for (name, description) in &mapping.components {
        let n = mapping
            .articles
            .iter()
            .filter(|a| a.components.contains(name))
            .count();
        writeln!(out, "  {name:<20} {n:>3}  {description}")?;
    }
    writeln!(
        out,
        "\nTry:\n  k8s-study lookup informer                       the informer articles, in reading order\n  k8s-study guide informer-zhonglinzhang -o guide  a Markdown study guide of one article\n  k8s-study find k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne\n\nMore: k8s-study --help"
    )?;
    Ok(exit::OK)
}
