//! What a command went past, on stderr, as ripgrep's `messages.rs` does: one
//! `k8s-study: WHAT: WHY` line per repo, file or step that could not be read, with the help
//! line when there is something to do. The command does everything else first, then exits
//! non-zero.

use k8s_study::error::{Skipped, exit};
use k8s_study::source::SourceError;

/// Report every skipped part, after the command's output. The exit code is `code`, raised to
/// `at_least` when anything was skipped.
pub fn report(skipped: &[Skipped], code: u8, at_least: u8) -> u8 {
    let mut said = std::collections::BTreeSet::new();
    for s in skipped {
        // A repo of both steps and counterparts fails once for each, the same way.
        if !said.insert((s.what.as_str(), s.error.to_string())) {
            continue;
        }
        eprintln!("k8s-study: {}: {}", s.what, s.error);
        if let Some(help) = s.error.help() {
            eprintln!("help: {help}");
        }
    }
    if skipped.is_empty() {
        code
    } else {
        code.max(at_least)
    }
}

/// Repos that could not be read are an infrastructure failure (docs/cli.md, exit codes).
pub fn report_unread(failed: Vec<(String, SourceError)>, code: u8) -> u8 {
    let skipped: Vec<Skipped> = failed
        .into_iter()
        .map(|(repo, e)| Skipped::repo(&repo, e))
        .collect();
    report(&skipped, code, exit::ERROR)
}
