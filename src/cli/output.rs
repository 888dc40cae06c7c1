//! Shared text rendering of resolutions.

use std::io::Write;

use anstyle::{AnsiColor, Style};

use k8s_study::item::{Resolution, Status};

pub fn short_commit(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}

/// ✓ ✗ ? — green, red, yellow when stdout takes colour (see [`colours`]).
pub fn mark(status: Status) -> String {
    let (sign, colour) = match status {
        Status::Found => ("✓", AnsiColor::Green),
        Status::Missing => ("✗", AnsiColor::Red),
        Status::Ambiguous => ("?", AnsiColor::Yellow),
    };
    if colours() {
        let style = Style::new().fg_color(Some(colour.into()));
        format!("{style}{sign}{style:#}")
    } else {
        sign.to_string()
    }
}

/// `text` in `colour` when stdout takes colour (see [`colours`]), else as it is.
pub fn paint(text: &str, colour: AnsiColor) -> String {
    if colours() {
        let style = Style::new().fg_color(Some(colour.into()));
        format!("{style}{text}{style:#}")
    } else {
        text.to_string()
    }
}

/// Whether stdout gets colour, decided once by anstream: never with `NO_COLOR`
/// (no-color.org), always with `CLICOLOR_FORCE` (even into a pipe), never with `CLICOLOR=0`,
/// otherwise only on a terminal that is not `TERM=dumb`.
fn colours() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| {
        anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
    })
}

/// Text from Go source or file names, made safe for a terminal: an escape sequence in a doc
/// comment or a file name must not drive it. Control characters are shown escaped.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(char::is_control) {
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

/// One resolution as an indented block: place, signature, first doc line, candidates.
pub fn write_detail(out: &mut impl Write, r: &Resolution, indent: &str) -> std::io::Result<()> {
    if let (Some(file), Some(start), Some(end)) = (&r.file, r.start_line, r.end_line) {
        writeln!(out, "{indent}{}:{start}-{end}", printable(file))?;
    }
    if let Some(sig) = &r.signature {
        writeln!(out, "{indent}{}", printable(sig))?;
    }
    if let Some(first) = r
        .doc
        .as_deref()
        .and_then(|d| d.lines().next())
        .filter(|l| !l.is_empty())
    {
        writeln!(out, "{indent}// {}", printable(first))?;
    }
    for v in &r.variants {
        writeln!(
            out,
            "{indent}also (build-constrained): {}:{}",
            printable(&v.file),
            v.start_line
        )?;
    }
    if let Some(reason) = &r.reason {
        writeln!(
            out,
            "{indent}{}: {}",
            if r.status == Status::Found {
                "note"
            } else {
                "why"
            },
            printable(reason)
        )?;
    }
    let label = if r.status == Status::Ambiguous {
        "matches"
    } else {
        "did you mean"
    };
    for c in &r.candidates {
        writeln!(
            out,
            "{indent}{label}: {} ({}, {}:{})",
            printable(&c.symbol),
            c.kind.as_str(),
            printable(&c.file),
            c.start_line
        )?;
    }
    Ok(())
}

/// One GitHub Actions workflow command (`::warning file=F,line=L,col=C,title=T::message`),
/// so a CI job shows it on that line of the mapping file.
pub fn github_annotation(
    out: &mut impl Write,
    level: &str,
    at: &k8s_study::mapping::Origin,
    title: &str,
    message: &str,
) -> std::io::Result<()> {
    writeln!(
        out,
        "::{level} file={},line={},col={},title={}::{}",
        property(&at.file),
        at.line,
        at.column,
        property(title),
        data(message)
    )
}

/// Escaping of workflow command values (actions/toolkit `command.ts`).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
