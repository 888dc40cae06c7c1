//! The one way every language fills a [`Resolution`] from what it found, and suggests near
//! names when it found nothing.

use super::{Candidate, Kind, Resolution, Status};
use crate::source::Snapshot;

/// One definition a language found for a query.
#[derive(Clone, Debug)]
pub struct Hit {
    /// The name it is defined as, in the mapping's spelling (a Rust re-export's original).
    pub symbol: String,
    pub file: String,
    pub start_line: usize,
    pub end_line: usize,
    pub kind: Kind,
    pub signature: String,
    pub doc: String,
    /// Built only for some platforms, tags or features (`_linux.go`, `#[cfg]`): several such
    /// twins are one item, not an ambiguity.
    pub constrained: bool,
}

impl Hit {
    pub fn candidate(&self) -> Candidate {
        Candidate {
            symbol: self.symbol.clone(),
            file: self.file.clone(),
            start_line: self.start_line,
            kind: self.kind,
        }
    }
}

/// How a language speaks of its definitions in messages.
pub struct Terms {
    /// "declarations" (Go), "definitions" (Rust).
    pub plural: &'static str,
    /// "declared" or "defined".
    pub placed: &'static str,
    /// What tells twins apart: "build constraints", "#[cfg]".
    pub constraints: &'static str,
}

impl Resolution {
    /// A missing resolution of `symbol` at `snapshot`, to be filled.
    pub fn empty(snapshot: &Snapshot, symbol: &str) -> Self {
        Self {
            symbol: symbol.to_string(),
            repo: snapshot.repo_name.clone(),
            version: snapshot.version.clone(),
            commit: snapshot.commit.clone(),
            status: Status::Missing,
            file: None,
            start_line: None,
            end_line: None,
            kind: None,
            signature: None,
            doc: None,
            candidates: Vec::new(),
            variants: Vec::new(),
            reason: None,
            permalink: None,
        }
    }

    /// Found (the hint's file first, build twins as variants) or ambiguous.
    ///
    /// # Panics
    /// If `hits` is empty.
    pub fn fill_found(&mut self, hits: &[Hit], hint: Option<&str>, terms: &Terms) {
        let pick = hint
            .and_then(|h| hits.iter().position(|x| x.file == h))
            .unwrap_or(0);
        let chosen = &hits[pick];
        // Several definitions are fine when build tags keep them apart; otherwise the name
        // is ambiguous and we say so rather than pick one.
        if hits.len() > 1 && !hits.iter().all(|h| h.constrained) {
            self.status = Status::Ambiguous;
            self.candidates = hits.iter().map(Hit::candidate).collect();
            self.reason = Some(format!(
                "{} {} and no {} to tell them apart",
                hits.len(),
                terms.plural,
                terms.constraints
            ));
            return;
        }
        self.status = Status::Found;
        self.variants = hits
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != pick)
            .map(|(_, h)| h.candidate())
            .collect();
        self.file = Some(chosen.file.clone());
        self.start_line = Some(chosen.start_line);
        self.end_line = Some(chosen.end_line);
        self.kind = Some(chosen.kind);
        self.signature = Some(chosen.signature.clone());
        self.doc = Some(chosen.doc.clone());
        if let Some(h) = hint
            && !hits.iter().any(|x| x.file == h)
        {
            self.reason = Some(format!(
                "file hint {h} is out of date: {} in {}",
                terms.placed, chosen.file
            ));
        }
    }
}

/// A definition that might be what a missing name became.
pub struct Near {
    /// The name as compared: lowercased, the language's last one or two parts.
    pub key: String,
    /// The item's own last name, case kept.
    pub leaf: String,
    pub candidate: Candidate,
}

/// How near `key`/`leaf` is to what is wanted: the same last name (0), the same letters in
/// another case (1), or a small edit away (2), then the edit distance; `None` when it is none
/// of these. The distance is computed only when the lengths allow it: a package has hundreds
/// of names and a run may miss dozens of steps.
pub fn nearness(wanted_key: &str, wanted_leaf: &str, key: &str, leaf: &str) -> Option<(u8, usize)> {
    let class = if leaf == wanted_leaf {
        0
    } else if leaf.eq_ignore_ascii_case(wanted_leaf) {
        1
    } else {
        2
    };
    let most = 2 + wanted_key.len() / 8;
    // An edit distance (in characters) is at least the difference of the lengths.
    if class == 2 && wanted_key.chars().count().abs_diff(key.chars().count()) > most {
        return None;
    }
    let distance = strsim::levenshtein(wanted_key, key);
    (class < 2 || distance <= most).then_some((class, distance))
}

/// Near names: the same last name (another receiver or module), the same letters in another
/// case, or a small edit away. Best first, at most five.
pub fn suggestions(wanted_key: &str, wanted_leaf: &str, pool: Vec<Near>) -> Vec<Candidate> {
    let mut scored: Vec<((u8, usize), Near)> = pool
        .into_iter()
        .filter_map(|n| Some((nearness(wanted_key, wanted_leaf, &n.key, &n.leaf)?, n)))
        .collect();
    scored.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.candidate.file.cmp(&b.1.candidate.file))
            .then(a.1.candidate.start_line.cmp(&b.1.candidate.start_line))
    });
    scored.dedup_by(|a, b| {
        a.1.candidate.symbol == b.1.candidate.symbol && a.1.candidate.file == b.1.candidate.file
    });
    scored
        .into_iter()
        .take(5)
        .map(|(_, n)| n.candidate)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::nearness;

    /// The length bound skips only what the edit distance would refuse.
    #[test]
    fn nearness_is_the_edit_distance_rule_with_a_shortcut() {
        let names = [
            "scheduleone",
            "scheduler.scheduleone",
            "scheduleOne",
            "run",
            "processnextworkitem",
            "worker",
            "sharedindexinformer.run",
            "schedüleone",
            "调度",
            "syncpod",
            "sync",
            "",
        ];
        for wanted in names {
            for key in names {
                let (wanted_leaf, leaf) = (
                    wanted.rsplit('.').next().unwrap(),
                    key.rsplit('.').next().unwrap(),
                );
                let class = if leaf == wanted_leaf {
                    0
                } else if leaf.eq_ignore_ascii_case(wanted_leaf) {
                    1
                } else {
                    2
                };
                let distance = strsim::levenshtein(wanted, key);
                let full =
                    (class < 2 || distance <= 2 + wanted.len() / 8).then_some((class, distance));
                assert_eq!(
                    nearness(wanted, wanted_leaf, key, leaf),
                    full,
                    "{wanted} ~ {key}"
                );
            }
        }
    }
}
