//! How alike two declarations are, for rename candidates: a score in 0..=1.
//!
//! `score = 0.45 · name + 0.20 · signature + 0.35 · body`, then halved when the kinds cannot
//! stand for each other (a method may become a function, a struct an interface, a const a var;
//! a type never becomes a function), and × 0.95 outside the symbol's own package, so that with
//! equal evidence the same package wins.
//! - name: 1 for the same name, also when only its case differs (exported or unexported);
//!   else Jaro–Winkler of the lowercased names, 3/4 on the name itself and 1/4 on the
//!   receiver (`Type.Add` → `Typed.Add` keeps most of it; a method that became a function
//!   keeps 0.6 of the receiver part); different names are worth at most 0.8 of the name part.
//! - signature: Jaccard of the word tokens of the signature keys (each language's
//!   [`Engine::signature_key`](crate::item::Engine::signature_key)).
//! - body: Jaccard of the identifier sets of the whole declarations.
//!
//! Weights were set on the scheduler's and client-go's real history (`tests/real_source.rs` and
//! the synthetic fixtures): a body that survives a rename keeps most of its identifiers.

use std::collections::BTreeSet;

use crate::item::{Kind, QualName};

/// What is compared of one declaration.
pub struct Shape<'a> {
    pub name: &'a QualName,
    pub kind: Kind,
    /// The signature as its language's engine keys it (parameter names and spacing out).
    pub signature_key: String,
    pub text: &'a str,
}

pub fn score(old: &Shape<'_>, new: &Shape<'_>, same_package: bool) -> f64 {
    let name = name_similarity(old.name, new.name);
    let signature = jaccard(&tokens(&old.signature_key), &tokens(&new.signature_key));
    let body = jaccard(&tokens(old.text), &tokens(new.text));
    let mut s = 0.45 * name + 0.20 * signature + 0.35 * body;
    if !compatible(old.kind, new.kind) {
        s *= 0.5;
    }
    if !same_package {
        s *= 0.95;
    }
    (s * 1000.0).round() / 1000.0
}

fn name_similarity(a: &QualName, b: &QualName) -> f64 {
    // The same name is strong evidence; a longer name sharing a prefix (`Update` →
    // `UpdateScale`) is usually another declaration, so unequal names lose a fifth.
    // A name that differs only in case is the same word exported or unexported (Go spells
    // visibility with the first letter: v1.20.2's `scheduleOne` is `ScheduleOne` at v1.37.2).
    let leaf = if a.name.eq_ignore_ascii_case(&b.name) {
        1.0
    } else {
        0.8 * strsim::jaro_winkler(&a.name.to_lowercase(), &b.name.to_lowercase())
    };
    let receiver = match (&a.receiver, &b.receiver) {
        (Some(x), Some(y)) => strsim::jaro_winkler(&x.to_lowercase(), &y.to_lowercase()),
        (None, None) => 1.0,
        _ => 0.6,
    };
    0.75 * leaf + 0.25 * receiver
}

fn compatible(a: Kind, b: Kind) -> bool {
    let group = |k: Kind| match k {
        Kind::Func | Kind::Method => 0,
        Kind::Struct | Kind::Interface | Kind::Alias | Kind::Type | Kind::Enum | Kind::Trait => 1,
        Kind::Const | Kind::Var | Kind::Static => 2,
        Kind::InterfaceMethod | Kind::TraitMethod => 3,
        Kind::Macro => 4,
    };
    group(a) == group(b)
}

fn tokens(text: &str) -> BTreeSet<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .collect()
}

fn jaccard(a: &BTreeSet<&str>, b: &BTreeSet<&str>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let common = a.intersection(b).count();
    #[allow(clippy::cast_precision_loss)] // token counts are far below 2^52
    let ratio = common as f64 / (a.len() + b.len() - common) as f64;
    ratio
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape<'a>(name: &'a QualName, kind: Kind, signature: &'a str, text: &'a str) -> Shape<'a> {
        Shape {
            name,
            kind,
            signature_key: crate::golang::type_key(signature),
            text,
        }
    }

    #[test]
    fn generic_receiver_rename_beats_an_interface_method_and_a_stranger() {
        let old = QualName::method("Type", "Add");
        let typed = QualName::method("Typed", "Add");
        let iface = QualName::method("TypedInterface", "Add");
        let other = QualName::method("Cache", "Add");
        let body = "func (q *Type) Add(item interface{}) { q.cond.L.Lock(); if q.shuttingDown { return }; q.dirty.insert(item) }";
        let a = shape(
            &old,
            Kind::Method,
            "func (q *Type) Add(item interface{})",
            body,
        );
        let s_typed = score(
            &a,
            &shape(
                &typed,
                Kind::Method,
                "func (q *Typed[t]) Add(item t)",
                "func (q *Typed[t]) Add(item t) { q.cond.L.Lock(); if q.shuttingDown { return }; q.dirty.insert(item); q.metrics.add(item) }",
            ),
            true,
        );
        let s_iface = score(
            &a,
            &shape(&iface, Kind::InterfaceMethod, "Add(item T)", "Add(item T)"),
            true,
        );
        let s_other = score(
            &a,
            &shape(
                &other,
                Kind::Method,
                "func (c *Cache) Add(obj interface{}) error",
                "func (c *Cache) Add(obj interface{}) error { return c.store.Add(obj) }",
            ),
            false,
        );
        assert!(s_typed > 0.7, "{s_typed}");
        assert!(s_typed > s_iface + 0.2, "{s_typed} vs {s_iface}");
        assert!(s_typed > s_other + 0.1, "{s_typed} vs {s_other}");
    }

    /// v1.20.2's `Scheduler.scheduleOne` at v1.37.2: exported as `ScheduleOne`, which now
    /// delegates to `scheduleOnePod`. Exporting keeps the name; the longer name shares a
    /// prefix only.
    #[test]
    fn a_name_exported_is_the_same_name() {
        let old = QualName::method("Scheduler", "scheduleOne");
        let exported = QualName::method("Scheduler", "ScheduleOne");
        let longer = QualName::method("Scheduler", "scheduleOnePod");
        assert!((name_similarity(&old, &exported) - 1.0).abs() < 1e-9);
        assert!(
            name_similarity(&old, &longer) < 0.85,
            "{}",
            name_similarity(&old, &longer)
        );
    }

    #[test]
    #[allow(clippy::many_single_char_names)]
    fn identical_is_one_and_scores_are_bounded() {
        let n = QualName::plain("New");
        let s = shape(
            &n,
            Kind::Func,
            "func New() int",
            "func New() int { return 1 }",
        );
        assert!((score(&s, &s, true) - 1.0).abs() < 1e-9);
        let t = QualName::plain("Zzz");
        let u = shape(
            &t,
            Kind::Struct,
            "type Zzz struct",
            "type Zzz struct { x int }",
        );
        let v = score(&s, &u, false);
        assert!((0.0..0.5).contains(&v), "{v}");
    }
}
