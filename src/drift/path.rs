//! Path drift: a symbol can survive while the reading path through it breaks.
//!
//! A step N that calls step N+1 at the pin is followed at the new version, through up to
//! [`MAX_HOPS`] calls inside the two steps' packages (a method that now only forwards to a
//! `…WithContext` twin, a helper that took over the construction). The path holds when step N+1 is reached on a branch no feature
//! gate decides. It is broken when it is not reached at all, or only inside an
//! `if ….Enabled(features.X)` branch: client-go's informers reach `NewDeltaFIFOWithOptions`
//! only when `InOrderInformers` is off and build a `RealFIFO` otherwise.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;

use super::Side;
use crate::item::{CallEdge, Caller, EdgeKind, Engine, Gate, ItemRef, Query, Status};
use crate::source::{Snapshot, SourceError};

/// How many calls deep the new version is searched for the next step.
pub const MAX_HOPS: usize = 3;
/// Functions followed per link and hop: a wide body is not searched exhaustively.
const MAX_FRONTIER: usize = 64;
/// How many "calls instead" are named.
const MAX_INSTEAD: usize = 3;

/// A step that called the next one at the pin and does not reach it the same way at the new
/// version.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PathBreak {
    /// The article's next step (1-based) and its symbol at the new version.
    pub next_step: usize,
    pub next_symbol: String,
    /// Set when the next step is still reached, but only on this gate's branch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<Gate>,
    /// What the step reaches in its place, most like the next step first.
    pub calls_instead: Vec<String>,
    /// One sentence for people.
    pub detail: String,
}

/// Two consecutive steps, found at both versions.
pub struct Link<'a> {
    pub step: &'a Side,
    pub step_new: &'a Side,
    pub next: &'a Side,
    pub next_new: &'a Side,
    /// 1-based position of the next step in its article.
    pub next_step: usize,
}

/// For each link: `None` when the path holds, or when the step did not call the next one at
/// the pin (nothing is claimed then); otherwise how it broke.
///
/// # Errors
/// When a snapshot cannot be read.
pub fn path_breaks(
    engine: &dyn Engine,
    old: &Snapshot,
    new: &Snapshot,
    root_module: Option<&str>,
    links: &[Link<'_>],
) -> Result<Vec<Option<PathBreak>>, SourceError> {
    let parse = |s: &str| engine.parse(s).ok();
    let old_items: Vec<Option<ItemRef>> = links.iter().map(|l| parse(&l.step.symbol)).collect();
    let old_candidates = methods(links.iter().map(|l| l.next.symbol.as_str()), &parse);
    let callers: Vec<Caller<'_>> = links
        .iter()
        .zip(&old_items)
        .filter_map(|(l, item)| Some(caller(item.as_ref()?, l.step)))
        .collect();
    let before = engine.calls(old, root_module, &callers, &old_candidates)?;
    let mut before = before.into_iter();
    let mut searched: Vec<(usize, Vec<CallEdge>)> = Vec::new();
    for (i, (l, item)) in links.iter().zip(&old_items).enumerate() {
        if item.is_none() {
            continue;
        }
        let edges = before.next().unwrap_or_default();
        if edges.iter().any(|e| reaches(e, &l.next.symbol)) {
            searched.push((i, edges));
        }
    }
    let mut out = vec![None; links.len()];
    if searched.is_empty() {
        return Ok(out);
    }
    let new_candidates = methods(
        searched
            .iter()
            .map(|(i, _)| links[*i].next_new.symbol.as_str()),
        &parse,
    );
    let mut walk = Walk::new(engine, new, root_module, &new_candidates);
    for (i, old_edges) in searched {
        let l = &links[i];
        out[i] = walk.follow(l, &old_edges)?;
    }
    Ok(out)
}

/// The methods among `symbols`: the implementations an interface call may dispatch to.
fn methods<'s>(
    symbols: impl Iterator<Item = &'s str>,
    parse: &dyn Fn(&str) -> Option<ItemRef>,
) -> Vec<ItemRef> {
    let set: BTreeSet<&str> = symbols.collect();
    set.into_iter()
        .filter_map(parse)
        .filter(|i| i.name().receiver.is_some())
        .collect()
}

fn caller<'a>(item: &'a ItemRef, side: &'a Side) -> Caller<'a> {
    Caller {
        item,
        file: &side.file,
        start_line: side.start_line,
    }
}

/// The edge reaches `symbol`: calls or runs it, or may dispatch to it.
fn reaches(edge: &CallEdge, symbol: &str) -> bool {
    edge.target == symbol || edge.dispatch.iter().any(|d| d.as_str() == symbol)
}

/// The calls of functions at the new version, each function's body read once.
struct Walk<'e, 's> {
    engine: &'e dyn Engine,
    snapshot: &'s Snapshot,
    root_module: Option<&'s str>,
    candidates: &'e [ItemRef],
    edges: BTreeMap<String, Vec<CallEdge>>,
}

impl<'e, 's> Walk<'e, 's> {
    fn new(
        engine: &'e dyn Engine,
        snapshot: &'s Snapshot,
        root_module: Option<&'s str>,
        candidates: &'e [ItemRef],
    ) -> Self {
        Self {
            engine,
            snapshot,
            root_module,
            candidates,
            edges: BTreeMap::new(),
        }
    }

    /// The calls of each symbol (found where `hint` says, or resolved), read once.
    fn load(&mut self, symbols: &[(String, Option<&Side>)]) -> Result<(), SourceError> {
        let wanted: Vec<&(String, Option<&Side>)> = symbols
            .iter()
            .filter(|(s, _)| !self.edges.contains_key(s))
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let items: Vec<Option<ItemRef>> = wanted
            .iter()
            .map(|(s, _)| self.engine.parse(s).ok())
            .collect();
        // Where each function is: the step's own side, or resolved at the new version.
        let unknown: Vec<Query<'_>> = wanted
            .iter()
            .zip(&items)
            .filter(|((_, side), _)| side.is_none())
            .filter_map(|(_, item)| {
                item.as_ref().map(|item| Query {
                    item,
                    file_hint: None,
                })
            })
            .collect();
        let resolved = self
            .engine
            .resolve(self.snapshot, self.root_module, &unknown)?;
        let mut resolved = resolved.into_iter();
        let mut places: Vec<Option<(String, usize)>> = Vec::new();
        for ((_, side), item) in wanted.iter().zip(&items) {
            places.push(match (side, item) {
                (Some(side), Some(_)) => Some((side.file.clone(), side.start_line)),
                (None, Some(_)) => resolved.next().and_then(|r| {
                    (r.status == Status::Found)
                        .then_some(())
                        .and(Some((r.file?, r.start_line?)))
                }),
                _ => None,
            });
        }
        let callers: Vec<(usize, Caller<'_>)> = items
            .iter()
            .zip(&places)
            .enumerate()
            .filter_map(|(i, (item, place))| {
                let (file, line) = place.as_ref()?;
                Some((
                    i,
                    Caller {
                        item: item.as_ref()?,
                        file,
                        start_line: *line,
                    },
                ))
            })
            .collect();
        let plain: Vec<Caller<'_>> = callers.iter().map(|(_, c)| *c).collect();
        let found = self
            .engine
            .calls(self.snapshot, self.root_module, &plain, self.candidates)?;
        // A function that cannot be read has no edges: it is not read again.
        for (s, _) in &wanted {
            self.edges.insert(s.clone(), Vec::new());
        }
        for ((i, _), edges) in callers.iter().zip(found) {
            self.edges.insert(wanted[*i].0.clone(), edges);
        }
        Ok(())
    }

    /// Search the new version from `l.step_new` for `l.next_new`.
    fn follow(
        &mut self,
        l: &Link<'_>,
        old_edges: &[CallEdge],
    ) -> Result<Option<PathBreak>, SourceError> {
        let target = l.next_new.symbol.as_str();
        let start = l.step_new.symbol.clone();
        // A path that now forwards (`Run` → `RunWithContext` → `newQueueFIFO`) stays in the
        // step's package or enters the next step's: only those are searched, or one step's
        // search would read half the tree.
        let package = |s: &str| self.engine.parse(s).ok().map(|i| i.package().to_string());
        let searched: Vec<String> = [package(&start), package(target)]
            .into_iter()
            .flatten()
            .collect();
        let in_scope = |t: &str| package(t).is_some_and(|p| searched.contains(&p));
        self.load(&[(start.clone(), Some(l.step_new))])?;
        let mut seen: HashSet<String> = HashSet::from([start.clone()]);
        let mut frontier: Vec<(String, Option<Gate>)> = vec![(start.clone(), None)];
        let mut gated: Option<(Gate, Vec<String>)> = None;
        for _ in 0..MAX_HOPS {
            let mut next: Vec<(String, Option<Gate>)> = Vec::new();
            for (caller, gate_in) in &frontier {
                let edges = self.edges.get(caller).cloned().unwrap_or_default();
                for e in &edges {
                    let gate = gate_in.clone().or_else(|| e.gate.clone());
                    if reaches(e, target) {
                        match gate {
                            None => return Ok(None),
                            Some(g) if gated.is_none() => {
                                let other: Vec<String> = edges
                                    .iter()
                                    .filter(|o| {
                                        o.kind != EdgeKind::Runs
                                            && o.gate.as_ref().is_some_and(|og| {
                                                og.name == g.name && og.on != g.on
                                            })
                                    })
                                    .map(|o| o.target.clone())
                                    .collect();
                                gated = Some((g, other));
                            }
                            Some(_) => {}
                        }
                        continue;
                    }
                    for t in followed(e) {
                        if next.len() < MAX_FRONTIER && in_scope(&t) && seen.insert(t.clone()) {
                            next.push((t, gate.clone()));
                        }
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            let load: Vec<(String, Option<&Side>)> =
                next.iter().map(|(s, _)| (s.clone(), None)).collect();
            self.load(&load)?;
            frontier = next;
        }
        Ok(Some(self.broken(l, gated, old_edges)))
    }

    /// How the path from `l`'s step broke: reached only on one branch of a gate, or not at
    /// all (then what the step calls now that it did not call at the pin).
    fn broken(
        &self,
        l: &Link<'_>,
        gated: Option<(Gate, Vec<String>)>,
        old_edges: &[CallEdge],
    ) -> PathBreak {
        let target = l.next_new.symbol.as_str();
        let start = &l.step_new.symbol;
        let next_name = short(target);
        if let Some((gate, other)) = gated {
            let calls_instead = ranked(other, target);
            let off = Gate {
                name: gate.name.clone(),
                on: !gate.on,
            };
            let instead = if calls_instead.is_empty() {
                String::new()
            } else {
                let names: Vec<&str> = calls_instead.iter().map(|s| short(s)).collect();
                format!("; {off} it calls {} instead", names.join(", "))
            };
            return PathBreak {
                next_step: l.next_step,
                next_symbol: target.to_string(),
                detail: format!(
                    "reaches step {} ({next_name}) only {gate}{instead}",
                    l.next_step
                ),
                gate: Some(gate),
                calls_instead,
            };
        }
        // What the step reaches now that it did not reach at the pin.
        let before: HashSet<&str> = old_edges.iter().map(|e| short(&e.target)).collect();
        let now: Vec<String> = self
            .edges
            .get(start)
            .map(|edges| {
                edges
                    .iter()
                    .filter(|e| !before.contains(short(&e.target)))
                    .map(|e| e.target.clone())
                    .collect()
            })
            .unwrap_or_default();
        let calls_instead = ranked(now, target);
        let instead = if calls_instead.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = calls_instead.iter().map(|s| short(s)).collect();
            format!("; it now calls {}", names.join(", "))
        };
        PathBreak {
            next_step: l.next_step,
            next_symbol: target.to_string(),
            gate: None,
            detail: format!(
                "no longer reaches step {} ({next_name}) within {MAX_HOPS} calls{instead}",
                l.next_step
            ),
            calls_instead,
        }
    }
}

/// The functions a search goes on through: what an edge calls, or the implementations it may
/// dispatch to (an interface method has no body). The standard library is not searched.
fn followed(e: &CallEdge) -> Vec<String> {
    let targets: Vec<String> = if e.kind == EdgeKind::Interface {
        e.dispatch.iter().map(|d| d.as_str().to_string()).collect()
    } else {
        vec![e.target.clone()]
    };
    targets
        .into_iter()
        // A module path starts with a domain (`k8s.io/…`); the standard library's do not.
        .filter(|t| {
            t.split_once('/')
                .is_some_and(|(host, _)| host.contains('.'))
        })
        .collect()
}

/// `symbols` most like `target` by name first, at most [`MAX_INSTEAD`].
fn ranked(mut symbols: Vec<String>, target: &str) -> Vec<String> {
    symbols.sort();
    symbols.dedup();
    let name = short(target);
    let mut scored: Vec<(f64, String)> = symbols
        .into_iter()
        .map(|s| (strsim::jaro_winkler(short(&s), name), s))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored
        .into_iter()
        .take(MAX_INSTEAD)
        .map(|(_, s)| s)
        .collect()
}

/// `pkg.Type.Method` → `Type.Method`, `pkg.Func` → `Func`: the name as a reader says it.
fn short(symbol: &str) -> &str {
    let tail = symbol.rsplit('/').next().unwrap_or(symbol);
    tail.split_once('.').map_or(tail, |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_drop_the_package() {
        assert_eq!(
            short("k8s.io/client-go/tools/cache.NewDeltaFIFOWithOptions"),
            "NewDeltaFIFOWithOptions"
        );
        assert_eq!(
            short("k8s.io/client-go/tools/cache.sharedIndexInformer.Run"),
            "sharedIndexInformer.Run"
        );
    }

    #[test]
    fn the_standard_library_is_not_searched() {
        let e = |t: &str| CallEdge {
            target: t.to_string(),
            kind: EdgeKind::Direct,
            dispatch: Vec::new(),
            gate: None,
        };
        assert!(followed(&e("fmt.Sprintf")).is_empty());
        assert_eq!(followed(&e("k8s.io/x.New")), ["k8s.io/x.New"]);
    }
}
