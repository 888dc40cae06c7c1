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
    rank_matching(query, lower_query, name, package, &mut String::new())
}

/// The last element of an import path, which Go code names the package by.
fn package_name(import_path: &str) -> &str {
    memchr::memrchr(b'/', import_path.as_bytes()).map_or(import_path, |i| &import_path[i + 1..])
}

/// [`rank`] of a name whose `package.name` holds the query's letters in order; `lower`
/// is a buffer for `package.name` in lower case, reused from name to name.
fn rank_matching(
    query: &str,
    lower_query: &str,
    name: &str,
    package: &str,
    lower: &mut String,
) -> Option<(Match, usize)> {
    let leaf_at = memchr::memrchr(b'.', name.as_bytes()).map_or(0, |i| i + 1);
    let qualified = |q: &str| {
        q.len() == package.len() + 1 + name.len()
            && q.starts_with(package)
            && q.ends_with(name)
            && q.as_bytes()[package.len()] == b'.'
    };
    if &name[leaf_at..] == query || name == query || qualified(query) {
        return Some((Match::Exact, 0));
    }
    // The forms in lower case: `package.name`, and its tails `name` and the leaf name.
    lower.clear();
    lower.push_str(package);
    lower.push('.');
    lower.push_str(name);
    lower.make_ascii_lowercase();
    let name_at = package.len() + 1;
    let (leaf, whole, with_package) = (&lower[name_at + leaf_at..], &lower[name_at..], &lower[..]);
    let all = [leaf, whole, with_package];
    if all.contains(&lower_query) {
        return Some((Match::ExactIgnoringCase, 0));
    }
    if all.iter().any(|l| l.starts_with(lower_query)) {
        return Some((Match::Prefix, name.len()));
    }
    // The other forms are tails of `package.name`.
    if with_package.contains(lower_query) {
        return Some((Match::Substring, name.len()));
    }
    // A fuzzy spelling is of as many parts as the query has: the leaf name, the receiver's
    // too, the package's too. Letters of a part the query does not name do not count.
    let dots = lower_query.matches('.').count();
    let target = match dots {
        0 => leaf,
        d if d <= name.matches('.').count() => whole,
        _ => with_package,
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
    /// [`rank_matching`]'s buffer.
    lower: String,
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
        rank_matching(
            self.query,
            &self.lower_query,
            name,
            &self.package,
            &mut self.lower,
        )
        .is_some_and(|r| {
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
/// matched in all; `None` when the index's names fail their check. Only the ones shown are
/// made into hits: a short query matches tens of thousands.
pub fn search(index: &TreeIndex, query: &str, limit: usize) -> Option<(Vec<Ranked>, usize)> {
    let mut search = Search {
        query,
        lower_query: query.to_ascii_lowercase(),
        package: String::new(),
        rest: 0,
        ranks: Vec::new(),
        lower: String::new(),
    };
    let kept = index.names_kept(&mut search)?;
    let ranks = search.ranks;
    let total = kept.len();
    let key = |i: usize| {
        let (how, score) = ranks[i];
        // Ties in the listing's order, as a stable sort would leave them.
        let (path, name, file) = (kept.import_path(i), kept.name(i), kept.file(i));
        (how, score, path, name, file, kept.line(i), i)
    };
    let order = |a: &usize, b: &usize| key(*a).cmp(&key(*b));
    let mut best: Vec<usize> = (0..total).collect();
    if limit < total {
        best.select_nth_unstable_by(limit, order);
        best.truncate(limit);
    }
    best.sort_unstable_by(order);
    let ranked = best
        .into_iter()
        .map(|i| Ranked {
            how: ranks[i].0,
            score: ranks[i].1,
            hit: kept.hit(i),
        })
        .collect();
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
