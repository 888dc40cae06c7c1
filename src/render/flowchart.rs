//! The reading path as inline SVG: steps as boxes top to bottom, arrows in reading order and
//! curved arrows for calls between steps. HTML pages and mdBook chapters embed the same
//! drawing (mdBook has no Mermaid without a plugin).

use std::io::{self, Write};

use super::escape::esc;
use crate::guide::StepGuide;
use crate::item::EdgeKind;
use crate::resolve::Status;

/// The flowchart's rules, also shipped with the mdBook (whose chapters embed the same SVG).
pub(crate) const FLOWCHART_CSS: &str = include_str!("flowchart.css");

// Flowchart geometry, in SVG user units (1 = 1 CSS px at natural size).
const BOX_W: usize = 360;
const BOX_H: usize = 26;
const GAP: usize = 16;
const PAD: usize = 6;
/// Labels longer than this are cut with an ellipsis (12px monospace is ~7.2 units a char).
const LABEL_CHARS: usize = 46;

/// The edges a step draws to other steps of its article, with their label: `calls` (directly
/// or promoted), `runs` (passed as a value), `may dispatch` (an interface call one of whose
/// mapped implementations is that step).
pub(crate) fn step_edges(s: &StepGuide) -> Vec<(usize, &'static str)> {
    let mut out: Vec<(usize, &'static str)> = Vec::new();
    for c in &s.calls {
        let label = match c.kind {
            EdgeKind::Direct | EdgeKind::Promoted => "calls",
            EdgeKind::Runs => "runs",
            EdgeKind::Interface => "may dispatch",
        };
        if let Some(n) = c.step {
            out.push((n, label));
        }
        out.extend(
            c.may_dispatch_to
                .iter()
                .filter_map(|d| d.step)
                .map(|n| (n, "may dispatch")),
        );
    }
    out.retain(|(n, _)| *n != s.step);
    out.sort_unstable();
    out.dedup_by_key(|(n, _)| *n);
    out
}

/// Steps as boxes top to bottom, straight arrows in reading order, and curved arrows on the
/// right for "this step's code calls that step" (the `calls_steps` edges).
pub(crate) fn flowchart(out: &mut impl Write, steps: &[StepGuide]) -> io::Result<()> {
    let top = |i: usize| PAD + i * (BOX_H + GAP);
    let index_of = |n: usize| steps.iter().position(|s| s.step == n);
    let mut edges = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        for (n, _) in step_edges(s) {
            if let Some(j) = index_of(n).filter(|&j| j != i) {
                edges.push((i, j));
            }
        }
    }
    let bulge = |i: usize, j: usize| 28 + 14 * i.abs_diff(j).min(12);
    // A cubic curve with both control points at `bulge` reaches 3/4 of it.
    let reach = edges
        .iter()
        .map(|&(i, j)| bulge(i, j) * 3 / 4)
        .max()
        .unwrap_or(0);
    let width = PAD + BOX_W + reach + PAD + 6;
    let height = top(steps.len()) - GAP + PAD;
    writeln!(
        out,
        "<svg class=\"flowchart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\">"
    )?;
    writeln!(
        out,
        "<defs><marker id=\"arrow-next\" viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><polygon class=\"head-next\" points=\"0,0 8,4 0,8\"/></marker>\
<marker id=\"arrow-call\" viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><polygon class=\"head-call\" points=\"0,0 8,4 0,8\"/></marker></defs>"
    )?;
    let mid = PAD + BOX_W / 2;
    for i in 1..steps.len() {
        writeln!(
            out,
            "<line class=\"next\" x1=\"{mid}\" y1=\"{}\" x2=\"{mid}\" y2=\"{}\" marker-end=\"url(#arrow-next)\"/>",
            top(i - 1) + BOX_H,
            top(i) - 1
        )?;
    }
    let right = PAD + BOX_W;
    for &(i, j) in &edges {
        // Leave from the upper half, arrive at the lower half, so a pair of opposite
        // edges between the same boxes stays two visible curves.
        let (y1, y2) = (top(i) + BOX_H / 2 - 4, top(j) + BOX_H / 2 + 4);
        let c = right + bulge(i, j);
        writeln!(
            out,
            "<path class=\"call\" d=\"M{right},{y1} C{c},{y1} {c},{y2} {},{y2}\" marker-end=\"url(#arrow-call)\"/>",
            right + 1
        )?;
    }
    for (i, s) in steps.iter().enumerate() {
        let class = if s.status == Status::Found {
            "box"
        } else {
            "box unresolved"
        };
        let label = format!("{}. {}", s.step, s.symbol.short());
        let shown: String = if label.chars().count() > LABEL_CHARS {
            label
                .chars()
                .take(LABEL_CHARS - 1)
                .chain(std::iter::once('…'))
                .collect()
        } else {
            label
        };
        writeln!(
            out,
            "<a href=\"#step-{}\"><title>{}</title><rect class=\"{class}\" x=\"{PAD}\" y=\"{}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"4\"/><text x=\"{}\" y=\"{}\">{}</text></a>",
            s.step,
            esc(s.symbol.as_str()),
            top(i),
            PAD + 10,
            top(i) + BOX_H / 2 + 4,
            esc(&shown)
        )?;
    }
    writeln!(out, "</svg>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixture;

    #[test]
    fn long_labels_are_cut_with_an_ellipsis() {
        let steps = vec![fixture::step(
            1,
            "k8s.io/x.AVeryLongReceiverNameIndeed.AndAnEvenLongerMethodName",
            Status::Found,
        )];
        let mut svg = Vec::new();
        flowchart(&mut svg, &steps).unwrap();
        let svg = String::from_utf8(svg).unwrap();
        assert!(
            svg.contains(&format!(
                ">{}…</text>",
                &"1. x.AVeryLongReceiverNameIndeed.AndAnEvenLongerMethodName"[..LABEL_CHARS - 1]
            )),
            "{svg}"
        );
    }
}
