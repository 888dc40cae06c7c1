//! Finding declarations by a bare or partial name, as readers search: `scheduleOne`,
//! `Scheduler.scheduleOne`, `informer.Run`, any case, or a fuzzy spelling. Ranked as gopls'
//! workspace symbol search ranks: exact, then prefix, then substring, then fuzzy.

use serde::Serialize;

use super::{NameFilter, NameHit, TreeIndex};

/// How a declaration matched; better first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Match {
    Exact,
    ExactIgnoringCase,
    Prefix,
    Substring,
    Fuzzy,
}

impl Match {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::ExactIgnoringCase => "exact-ignoring-case",
            Self::Prefix => "prefix",
            Self::Substring => "substring",
            Self::Fuzzy => "fuzzy",
        }
    }
}

/// How `query` matches a declaration named `name` (`Receiver.Name` or `Name`) of package
/// `import_path`, with a score within its tier (lower is better); `None` when it does not.
pub fn rank(
    query: &str,
    lower_query: &str,
    name: &str,
    import_path: &str,
) -> Option<(Match, usize)> {
    let package = package_name(import_path);
    // Every tier needs the query's letters in order in `package.name`: most of a tree's
    // names fail that, checked without allocating anything.
    let rest = matched_in_order(lower_query.as_bytes(), package.as_bytes());
    if !in_order(rest, name.as_bytes()) {
        return None;
    }
    rank_matching(query, lower_query, name, package)
}

/// The last element of an import path, which Go code names the package by.
fn package_name(import_path: &str) -> &str {
    memchr::memrchr(b'/', import_path.as_bytes()).map_or(import_path, |i| &import_path[i + 1..])
}

/// [`rank`] of a name whose `package.name` holds the query's letters in order.
fn rank_matching(
    query: &str,
    lower_query: &str,
    name: &str,
    package: &str,
) -> Option<(Match, usize)> {
    let leaf = memchr::memrchr(b'.', name.as_bytes()).map_or(name, |i| &name[i + 1..]);
    let forms = [leaf, name];
    let qualified = format!("{package}.{name}");
    let all = [leaf, name, qualified.as_str()];
    if all.contains(&query) {
        return Some((Match::Exact, 0));
    }
    if all.iter().any(|f| f.eq_ignore_ascii_case(query)) {
        return Some((Match::ExactIgnoringCase, 0));
    }
    let lower: Vec<String> = all.iter().map(|f| f.to_ascii_lowercase()).collect();
    if forms
        .iter()
        .zip(&lower)
        .chain(std::iter::once((&qualified.as_str(), &lower[2])))
        .any(|(_, l)| l.starts_with(lower_query))
    {
        return Some((Match::Prefix, name.len()));
    }
    if lower.iter().any(|l| l.contains(lower_query)) {
        return Some((Match::Substring, name.len()));
    }
    // A fuzzy spelling is of as many parts as the query has: the leaf name, the receiver's
    // too, the package's too. Letters of a part the query does not name do not count.
    let dots = lower_query.matches('.').count();
    let target = match dots {
        0 => &lower[0],
        d if d <= name.matches('.').count() => &lower[1],
        _ => &lower[2],
    };
    fuzzy(lower_query.as_bytes(), target.as_bytes()).map(|span| (Match::Fuzzy, span))
}

/// What of `query` is left once `package` and the dot after it have taken the bytes they
/// hold in order, ignoring ASCII case (greedy, which is exact for "in order").
fn matched_in_order<'q>(query: &'q [u8], package: &[u8]) -> &'q [u8] {
    let mut at = 0;
    for &b in package.iter().chain(b".") {
        if query.get(at) == Some(&b.to_ascii_lowercase()) {
            at += 1;
        }
    }
    &query[at..]
}

/// `query`'s bytes (lower case) appear in order in `text`, ignoring ASCII case.
fn in_order(query: &[u8], text: &[u8]) -> bool {
    let mut want = query.iter();
    let Some(mut next) = want.next() else {
        return true;
    };
    for &b in text {
        if *next == b.to_ascii_lowercase() {
            match want.next() {
                Some(q) => next = q,
                None => return true,
            }
        }
    }
    false
}

/// The shortest stretch of `text` holding `query`'s bytes in order (greedy from each start
/// of the first byte), or `None`.
fn fuzzy(query: &[u8], text: &[u8]) -> Option<usize> {
    let (&first, rest) = query.split_first()?;
    let mut best: Option<usize> = None;
    for (start, _) in text.iter().enumerate().filter(|(_, b)| **b == first) {
        let mut at = start + 1;
        let mut ok = true;
        for &q in rest {
            if let Some(i) = memchr::memchr(q, &text[at..]) {
                at += i + 1;
            } else {
                ok = false;
                break;
            }
        }
        if !ok {
            break;
        }
        let span = at - start;
        best = Some(best.map_or(span, |b| b.min(span)));
    }
    best
}

/// A scan's state: the package entered last, and how much of the query its name took.
struct Search<'q> {
    query: &'q str,
    lower_query: String,
    package: String,
    /// Where the query's rest starts: what the package's name did not take.
    rest: usize,
    ranks: Vec<(Match, usize)>,
}

impl NameFilter for Search<'_> {
    fn enter(&mut self, import_path: &str) -> u64 {
        self.package = package_name(import_path).to_string();
        let q = self.lower_query.as_bytes();
        self.rest = q.len() - matched_in_order(q, self.package.as_bytes()).len();
        super::name_table::letters(&q[self.rest..])
    }

    fn keep(&mut self, name: &str) -> bool {
        if !in_order(&self.lower_query.as_bytes()[self.rest..], name.as_bytes()) {
            return false;
        }
        rank_matching(self.query, &self.lower_query, name, &self.package).is_some_and(|r| {
            self.ranks.push(r);
            true
        })
    }
}

/// A declaration found by name.
#[derive(Clone, Debug)]
pub struct Ranked {
    pub how: Match,
    pub score: usize,
    pub hit: NameHit,
}

/// The declarations of the tree `query` names, best first, at most `limit`, and how many
/// matched in all; `None` when the index's names fail their check.
pub fn search(index: &TreeIndex, query: &str, limit: usize) -> Option<(Vec<Ranked>, usize)> {
    let mut search = Search {
        query,
        lower_query: query.to_ascii_lowercase(),
        package: String::new(),
        rest: 0,
        ranks: Vec::new(),
    };
    let hits = index.names_in_packages(&mut search)?;
    let ranks = search.ranks;
    let total = hits.len();
    let mut ranked: Vec<Ranked> = hits
        .into_iter()
        .zip(ranks)
        .map(|(hit, (how, score))| Ranked { how, score, hit })
        .collect();
    ranked.sort_by(|a, b| {
        (
            a.how,
            a.score,
            &a.hit.import_path,
            &a.hit.name,
            &a.hit.file,
            a.hit.line,
        )
            .cmp(&(
                b.how,
                b.score,
                &b.hit.import_path,
                &b.hit.name,
                &b.hit.file,
                b.hit.line,
            ))
    });
    ranked.truncate(limit);
    Some((ranked, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(query: &str, name: &str, path: &str) -> Option<Match> {
        rank(query, &query.to_ascii_lowercase(), name, path).map(|(m, _)| m)
    }

    #[test]
    fn tiers() {
        let sched = "k8s.io/kubernetes/pkg/scheduler";
        let cache = "k8s.io/client-go/tools/cache";
        assert_eq!(
            r("scheduleOne", "Scheduler.scheduleOne", sched),
            Some(Match::Exact)
        );
        assert_eq!(
            r("Scheduler.scheduleOne", "Scheduler.scheduleOne", sched),
            Some(Match::Exact)
        );
        assert_eq!(
            r(
                "scheduler.Scheduler.scheduleOne",
                "Scheduler.scheduleOne",
                sched
            ),
            Some(Match::Exact)
        );
        assert_eq!(
            r("scheduleone", "Scheduler.scheduleOne", sched),
            Some(Match::ExactIgnoringCase)
        );
        assert_eq!(
            r("schedule", "Scheduler.scheduleOne", sched),
            Some(Match::Prefix)
        );
        assert_eq!(
            r("informer.Run", "sharedIndexInformer.Run", cache),
            Some(Match::Substring)
        );
        assert_eq!(r("cache.NewInf", "NewInformer", cache), Some(Match::Prefix));
        assert_eq!(
            r("schdOne", "Scheduler.scheduleOne", sched),
            Some(Match::Fuzzy)
        );
        assert_eq!(r("zzz", "Scheduler.scheduleOne", sched), None);
        // The package's letters do not make a fuzzy match of the name.
        assert_eq!(r("scheduleOne", "Scheduler.onServiceAdd", sched), None);
        assert_eq!(
            r("sched.onAdd", "Scheduler.onServiceAdd", sched),
            Some(Match::Fuzzy)
        );
        assert_eq!(fuzzy(b"sdo", b"scheduler.scheduleone"), Some(9));
    }
}
