//! The version line as an SVG heat map: releases across, articles down (and, when asked, a
//! row per step under its article), each cell coloured by its worst state as `matrix`
//! colours its text. One self-contained drawing (presentation attributes only: no fonts,
//! stylesheets or scripts to fetch, no ids to collide), so the same string is a file of its
//! own, an mdBook figure or part of an HTML page.

use std::fmt::Write as _;

use super::escape::esc;
use super::words::{Words, words};
use crate::guide::Lang;
use crate::matrix::{ArticleLine, Cell, Column, RepoLine, State, StepLine};

/// Sans-serif with the common CJK faces named, so Chinese titles never fall back to tofu.
const SANS: &str = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK SC', \
                    'Source Han Sans SC', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', \
                    'WenQuanYi Micro Hei', 'Noto Color Emoji', 'Apple Color Emoji', 'Segoe UI Emoji', \
                    sans-serif";
const MONO: &str = "ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'DejaVu Sans Mono', \
                    'Noto Sans Mono CJK SC', monospace";

// Geometry in SVG user units (1 = 1 CSS px at natural size).
const MARGIN: usize = 12;
const CELL_W: usize = 54;
const CELL_H: usize = 24;
const STEP_H: usize = 18;
const GAP: usize = 2;
const FONT: usize = 12;
const HEAD_H: usize = 22;
/// Row labels are cut to this width with an ellipsis (the tooltip has them whole).
const LABEL_MAX: usize = 340;
/// Room for a step's `v1.13–v1.37` right of its strip.
const SPAN_W: usize = 96;

/// What to draw.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// A row per step under each article, with its since–until.
    pub steps: bool,
    /// Language of the legend and tooltips.
    pub lang: Lang,
}

/// Fill and text colour of a state: the green, yellow, red and grey of `matrix`'s text,
/// each paired with the text colour that reads on it.
pub fn colours(state: State) -> (&'static str, &'static str) {
    match state {
        State::Found => ("#1a7f37", "#ffffff"),
        State::Renamed => ("#e3b341", "#1f2328"),
        State::Missing => ("#cf222e", "#ffffff"),
        State::Unread => ("#d0d7de", "#57606a"),
    }
}

/// One mark per step cell, as the text strip shows it: ✓ found, r renamed, · missing, - not
/// read.
fn mark(state: State) -> &'static str {
    match state {
        State::Found => "✓",
        State::Renamed => "r",
        State::Missing => "·",
        State::Unread => "-",
    }
}

fn state_word(l: &Words, state: State) -> &'static str {
    l.line_states[match state {
        State::Found => 0,
        State::Renamed => 1,
        State::Missing => 2,
        State::Unread => 3,
    }]
}

/// Text for XML content or a quoted attribute, on one line: escaped, line breaks and tabs
/// made spaces, and the other characters XML 1.0 forbids (controls, U+FFFE, U+FFFF)
/// replaced. A hostile title can neither inject markup, nor make the document ill-formed, nor
/// put a blank line into it (which would end an HTML block around it in Markdown).
fn xml(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect();
    esc(&clean)
}

/// A tooltip of several lines, each through [`xml`], joined by character references.
fn tip<S: AsRef<str>>(lines: &[S]) -> String {
    lines
        .iter()
        .map(|line| xml(line.as_ref()))
        .collect::<Vec<_>>()
        .join("&#10;")
}

/// A character's advance in tenths of the font size: CJK and other wide characters take a
/// full em, the rest about 0.6 of one (an estimate; no font is measured).
fn advance(c: char) -> usize {
    let wide = matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
    if wide { 10 } else { 6 }
}

fn width(s: &str, size: usize) -> usize {
    s.chars().map(advance).sum::<usize>() * size / 10
}

/// `s` cut with an ellipsis to fit `max` units at `size`.
fn fit(s: &str, size: usize, max: usize) -> String {
    if width(s, size) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = width("…", size);
    for c in s.chars() {
        used += advance(c) * size / 10;
        if used > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// `k8s.io/x/pkg.Type.Method` → `pkg.Type.Method`.
fn short_symbol(symbol: &str) -> &str {
    symbol.rsplit('/').next().unwrap_or(symbol)
}

/// `present/steps`, or `-` when none of the cell was read.
fn cell_label(c: &Cell) -> String {
    if c.unread == c.steps {
        "-".into()
    } else {
        format!("{}/{}", c.found + c.renamed, c.steps)
    }
}

fn step_label(s: &StepLine) -> String {
    format!("{:>2} {}", s.step, short_symbol(&s.symbol))
}

/// The heat map of every repo's line, stacked, with one legend below.
pub fn svg(lines: &[RepoLine], opts: Options) -> String {
    let l = words(opts.lang);
    let label_w = lines
        .iter()
        .flat_map(|line| {
            let articles = line.articles.iter().map(|a| width(&a.title, FONT));
            let steps = line
                .steps
                .iter()
                .filter(|_| opts.steps)
                .map(|s| 14 + width(&step_label(s), FONT - 1));
            articles.chain(steps)
        })
        .max()
        .unwrap_or(0)
        .min(LABEL_MAX)
        + MARGIN;
    let left = MARGIN + label_w;
    let span_w = if opts.steps { SPAN_W } else { 0 };
    let mut body = String::new();
    let mut y = MARGIN;
    let mut right = 0;
    for line in lines {
        let end = left + line.columns.len() * (CELL_W + GAP) + span_w;
        right = right.max(end);
        y = repo_block(&mut body, line, opts, l, (label_w, left, y));
        y += MARGIN;
    }
    let (legend_w, legend_end) = legend(&mut body, l, opts.steps, y);
    let w = right.max(MARGIN + legend_w).max(240) + MARGIN;
    let h = legend_end + MARGIN;
    let names: Vec<&str> = lines.iter().map(|line| line.repo.as_str()).collect();
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" role=\"img\" font-family=\"{SANS}\" font-size=\"{FONT}\" \
         fill=\"#1f2328\">\n<title>{}: {}</title>\n\
         <rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n{body}</svg>\n",
        xml(l.version_line),
        xml(&names.join(", "))
    )
}

/// One repo: its heading, the release heads, then each article (and its steps). Returns the
/// y below it.
fn repo_block(
    out: &mut String,
    line: &RepoLine,
    opts: Options,
    l: &Words,
    (label_w, left, mut y): (usize, usize, usize),
) -> usize {
    let span = match (line.columns.first(), line.columns.last()) {
        (Some(a), Some(b)) => format!("{} … {}", a.minor, b.minor),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"14\" font-weight=\"bold\">{} · {} ({} {})</text>",
        y + 14,
        xml(&line.repo),
        xml(&span),
        xml(l.line_pin),
        xml(&line.pin)
    );
    y += HEAD_H;
    for (i, c) in line.columns.iter().enumerate() {
        column_head(out, c, &line.pin, left + i * (CELL_W + GAP), y, l);
    }
    y += HEAD_H - 4;
    for a in &line.articles {
        article_row(out, line, a, l, (label_w, left, y));
        y += CELL_H + GAP;
        if opts.steps {
            for s in line.steps.iter().filter(|s| s.article == a.id) {
                step_row(out, line, s, l, (label_w, left, y));
                y += STEP_H + GAP;
            }
        }
    }
    y
}

/// A release's head: bold at the pin, grey with the reason in its tooltip when not read.
fn column_head(out: &mut String, c: &Column, pin: &str, x: usize, y: usize, l: &Words) {
    let is_pin = c.version.as_deref() == Some(pin);
    let head_tip = match (&c.version, &c.unread) {
        (_, Some(why)) => format!("{}: {} — {why}", c.minor, l.line_states[3]),
        (Some(version), None) if is_pin => format!("{version} ({})", l.line_pin),
        (Some(version), None) => version.clone(),
        (None, None) => c.minor.clone(),
    };
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\"{}{}><title>{}</title>{}</text>",
        x + CELL_W / 2,
        y + 12,
        if is_pin { " font-weight=\"bold\"" } else { "" },
        if c.unread.is_some() {
            " fill=\"#57606a\""
        } else {
            ""
        },
        xml(&head_tip),
        xml(&c.minor)
    );
}

fn article_row(
    out: &mut String,
    line: &RepoLine,
    a: &ArticleLine,
    l: &Words,
    (label_w, left, y): (usize, usize, usize),
) {
    let mut label_tip = vec![format!("{} ({})", a.title, a.id)];
    label_tip.extend(a.era.as_deref().map(|e| format!("{}: {e}", l.line_era)));
    let _ = writeln!(
        out,
        "<text x=\"{MARGIN}\" y=\"{}\"><title>{}</title>{}</text>",
        y + CELL_H / 2 + 4,
        tip(&label_tip),
        xml(&fit(&a.title, FONT, label_w - MARGIN))
    );
    for (i, (c, col)) in a.cells.iter().zip(&line.columns).enumerate() {
        let x = left + i * (CELL_W + GAP);
        let (fill, ink) = colours(c.worst());
        let is_era = a.era.as_deref() == Some(col.minor.as_str());
        let version = col
            .version
            .as_deref()
            .map(|v| format!(" ({v})"))
            .unwrap_or_default();
        let era = if is_era {
            format!(" · {}", l.line_era)
        } else {
            String::new()
        };
        let counts = format!(
            "{} {} · {} {} · {} {} · {} {} / {}",
            c.found,
            l.line_states[0],
            c.renamed,
            l.line_states[1],
            c.missing,
            l.line_states[2],
            c.unread,
            l.line_states[3],
            l.steps(c.steps),
        );
        let title = tip(&[
            format!("{} ({})", a.title, a.id),
            format!("{}{version}{era}", col.minor),
            counts,
        ]);
        // The era's cell is outlined: where the article was written.
        let outline = if is_era {
            " stroke=\"#1f2328\" stroke-width=\"2\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<g><title>{}</title><rect x=\"{x}\" y=\"{y}\" width=\"{CELL_W}\" height=\"{CELL_H}\" \
             rx=\"3\" fill=\"{fill}\"{outline}/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" \
             fill=\"{ink}\">{}</text></g>",
            title,
            x + CELL_W / 2,
            y + CELL_H / 2 + 4,
            xml(&cell_label(c))
        );
    }
}

fn step_row(
    out: &mut String,
    line: &RepoLine,
    step: &StepLine,
    l: &Words,
    (label_w, left, y): (usize, usize, usize),
) {
    let label = step_label(step);
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" font-family=\"{MONO}\" font-size=\"{}\" fill=\"#424a53\">\
         <title>{} {}: {}</title>{}</text>",
        MARGIN + 14,
        y + STEP_H / 2 + 4,
        FONT - 1,
        xml(l.step),
        step.step,
        xml(&step.symbol),
        xml(&fit(&label, FONT - 1, label_w - MARGIN - 14))
    );
    for (i, (st, col)) in step.states.iter().zip(&line.columns).enumerate() {
        let x = left + i * (CELL_W + GAP);
        let (fill, ink) = colours(*st);
        let name = step
            .names
            .get(i)
            .and_then(Option::as_deref)
            .map(|n| format!(" — {}", short_symbol(n)))
            .unwrap_or_default();
        let title = tip(&[
            format!("{} {} · {}", l.step, step.step, short_symbol(&step.symbol)),
            format!("{}: {}{name}", col.minor, state_word(l, *st)),
        ]);
        let _ = writeln!(
            out,
            "<g><title>{}</title><rect x=\"{x}\" y=\"{y}\" width=\"{CELL_W}\" height=\"{STEP_H}\" \
             rx=\"2\" fill=\"{fill}\" fill-opacity=\"0.85\"/><text x=\"{}\" y=\"{}\" \
             text-anchor=\"middle\" font-size=\"{}\" fill=\"{ink}\">{}</text></g>",
            title,
            x + CELL_W / 2,
            y + STEP_H / 2 + 4,
            FONT - 1,
            mark(*st)
        );
    }
    let span = match (&step.since, &step.until) {
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => l.line_never.to_string(),
    };
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"#424a53\">{}</text>",
        left + line.columns.len() * (CELL_W + GAP) + 6,
        y + STEP_H / 2 + 4,
        FONT - 1,
        xml(&span)
    );
}

/// A swatch per state, the era's outline and, with steps, their marks. Returns its width and
/// the y below it.
fn legend(out: &mut String, l: &Words, steps: bool, y: usize) -> (usize, usize) {
    let mut x = MARGIN;
    for st in [State::Found, State::Renamed, State::Missing, State::Unread] {
        let (fill, _) = colours(st);
        let word = if steps {
            format!("{} {}", mark(st), state_word(l, st))
        } else {
            state_word(l, st).to_string()
        };
        let _ = writeln!(
            out,
            "<rect x=\"{x}\" y=\"{}\" width=\"14\" height=\"14\" rx=\"2\" fill=\"{fill}\"/>\
             <text x=\"{}\" y=\"{}\">{}</text>",
            y + 2,
            x + 20,
            y + 13,
            xml(&word)
        );
        x += 20 + width(&word, FONT) + 16;
    }
    let _ = writeln!(
        out,
        "<rect x=\"{x}\" y=\"{}\" width=\"14\" height=\"14\" rx=\"2\" fill=\"#ffffff\" \
         stroke=\"#1f2328\" stroke-width=\"2\"/><text x=\"{}\" y=\"{}\">{}</text>",
        y + 2,
        x + 20,
        y + 13,
        xml(l.line_era)
    );
    x += 20 + width(l.line_era, FONT);
    (x, y + 18)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixture::line as report;

    fn en(steps: bool) -> Options {
        Options {
            steps,
            lang: Lang::En,
        }
    }

    /// A small XML 1.0 well-formedness check (no parser is in the dependency tree): tags
    /// nest and close, attribute values are quoted, `<` appears only as markup and `&` only
    /// as a known entity or a character reference.
    fn well_formed(doc: &str) -> Result<(), String> {
        fn entities(text: &str) -> Result<(), String> {
            let mut rest = text;
            while let Some(i) = rest.find('&') {
                let end = rest[i..].find(';').ok_or(format!("bare & in {text:?}"))?;
                let name = &rest[i + 1..i + end];
                let known = ["amp", "lt", "gt", "quot", "apos"].contains(&name)
                    || name
                        .strip_prefix('#')
                        .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
                if !known {
                    return Err(format!("unknown entity &{name}; in {text:?}"));
                }
                rest = &rest[i + end..];
            }
            if text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t')
            {
                return Err(format!("control character in {text:?}"));
            }
            Ok(())
        }
        let mut stack: Vec<&str> = Vec::new();
        let mut rest = doc;
        while let Some(open) = rest.find('<') {
            entities(&rest[..open])?;
            let close = rest[open..].find('>').ok_or("unclosed tag")? + open;
            let tag = &rest[open + 1..close];
            if let Some(name) = tag.strip_prefix('/') {
                if stack.pop() != Some(name) {
                    return Err(format!("</{name}> closes nothing open"));
                }
            } else {
                let empty = tag.ends_with('/');
                let tag = tag.trim_end_matches('/');
                let name = tag.split_whitespace().next().ok_or("empty tag")?;
                let mut attrs = tag[name.len()..].trim();
                while !attrs.is_empty() {
                    let (key, value) =
                        attrs.split_once("=\"").ok_or(format!("bad attr {attrs}"))?;
                    if key.contains(char::is_whitespace) || key.is_empty() {
                        return Err(format!("bad attribute name {key:?}"));
                    }
                    let end = value.find('"').ok_or("unquoted attribute")?;
                    entities(&value[..end])?;
                    attrs = value[end + 1..].trim_start();
                }
                if !empty {
                    stack.push(name);
                }
            }
            rest = &rest[close + 1..];
        }
        entities(rest)?;
        if stack.is_empty() {
            Ok(())
        } else {
            Err(format!("never closed: {stack:?}"))
        }
    }

    #[test]
    fn the_checker_rejects_what_is_not_well_formed() {
        for bad in [
            "<svg><g></svg>",
            "<svg>a & b</svg>",
            "<svg x=1></svg>",
            "<svg><title>&nbsp;</title></svg>",
            "<svg>\u{1}</svg>",
        ] {
            assert!(well_formed(bad).is_err(), "{bad}");
        }
        assert!(well_formed("<svg a=\"1 &amp; 2\"><g/>x &lt; y</svg>").is_ok());
    }

    #[test]
    fn a_cell_per_article_and_release_coloured_by_its_worst_state() {
        let svg = svg(&report("The scheduler"), en(false));
        well_formed(&svg).unwrap();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        // Three cells, each with its tooltip; found+renamed → yellow, unread → grey, a
        // missing step → red, whatever else the cell holds.
        assert_eq!(svg.matches("<g><title>").count(), 3, "{svg}");
        let fills: Vec<&str> = svg
            .match_indices("rx=\"3\" fill=\"")
            .map(|(i, m)| &svg[i + m.len()..i + m.len() + 7])
            .collect();
        assert_eq!(fills, ["#e3b341", "#d0d7de", "#cf222e"]);
        assert!(svg.contains(">2/2</text>"), "{svg}");
        assert!(svg.contains(">-</text>"), "{svg}");
        assert!(svg.contains(">1/2</text>"), "{svg}");
        // Counts by state in the tooltip, the exact version and the era.
        assert!(
            svg.contains(
                "<title>The scheduler (sched)&#10;v1.1 (v1.1.9) · the article&#39;s era&#10;\
                 1 found · 1 renamed · 0 missing · 0 not read / 2 steps</title>"
            ),
            "{svg}"
        );
        // The era's cell is outlined, the pin's head bold, the unread head says why.
        assert_eq!(svg.matches("stroke-width=\"2\"/><text").count(), 2);
        assert!(svg.contains("font-weight=\"bold\"><title>v1.3.4 (pin)</title>v1.3</text>"));
        assert!(svg.contains("v1.2: not read — no v1.2 release in the cache"));
        // The legend: every state's swatch in its colour.
        for st in [State::Found, State::Renamed, State::Missing, State::Unread] {
            let (fill, _) = colours(st);
            assert!(
                svg.contains(&format!("height=\"14\" rx=\"2\" fill=\"{fill}\"")),
                "{st:?}"
            );
        }
        // No per-step rows unless asked.
        assert!(!svg.contains("Scheduler.fit"));
    }

    #[test]
    fn steps_add_a_strip_per_step_with_its_names_and_span() {
        let svg = svg(&report("The scheduler"), en(true));
        well_formed(&svg).unwrap();
        assert_eq!(svg.matches("<g><title>").count(), 3 + 6);
        assert!(svg.contains(" 2 sched.Scheduler.fit</text>"), "{svg}");
        assert!(
            svg.contains(
                "<title>step 2 · sched.Scheduler.fit&#10;v1.1: renamed — sched.fitOld</title>"
            ),
            "{svg}"
        );
        assert!(svg.contains(">v1.1–v1.3</text>"));
        assert!(svg.contains("fill=\"#1a7f37\" fill-opacity=\"0.85\""));
        assert!(svg.contains("fill=\"#cf222e\" fill-opacity=\"0.85\""));
    }

    #[test]
    fn hostile_titles_stay_text_and_the_document_well_formed() {
        let hostile = "<script>alert(1)</script> & \"q\" 'a' \u{1}\u{FFFF}]]>\n\n# x";
        let svg = svg(&report(hostile), en(true));
        well_formed(&svg).unwrap();
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;"));
        assert!(!svg.contains('\u{1}'));
        assert!(!svg.contains('\u{FFFF}'));
        assert!(
            !svg.contains("\n\n"),
            "no blank line to end an HTML block in Markdown"
        );
    }

    #[test]
    fn long_and_chinese_labels_are_cut_to_fit_and_the_fonts_name_cjk_faces() {
        let title = "深入理解 Kubernetes 调度器：".repeat(10);
        let svg = svg(
            &report(&title),
            Options {
                steps: false,
                lang: Lang::Zh,
            },
        );
        well_formed(&svg).unwrap();
        let label = fit(&title, FONT, LABEL_MAX);
        assert!(label.ends_with('…') && width(&label, FONT) <= LABEL_MAX);
        assert!(svg.contains(&format!(">{label}</text>")));
        // Whole in the tooltip.
        assert!(svg.contains(&format!("<title>{title} (sched)")));
        assert!(svg.contains("'Noto Sans CJK SC'") && svg.contains("'Microsoft YaHei'"));
        assert!(svg.contains("存在"), "the legend in the book's language");
        // Wide characters count a full em: 10 of them are as wide as ~17 Latin ones.
        assert_eq!(width("调度调度调度调度调度", 12), 120);
        assert_eq!(width("abcdefghij", 12), 72);
    }
}
