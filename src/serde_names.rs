//! The enums that spell their names twice, once in `#[serde(rename_all = …)]` for JSON and
//! once in a hand-written `as_str` for text output, must spell them the same. One test per
//! enum checks every variant; the list of variants is an exhaustive `match`, so a variant
//! added to an enum and not here fails to compile.
//!
//! Covered: `item::Kind`, `drift::Category`, `mapping::Kind`.

/// Every variant of `$ty`, listed once; an unlisted variant is a compile error.
macro_rules! every {
    ($ty:ident: $($variant:ident),+ $(,)?) => {{
        let _exhaustive = |v: $ty| match v {
            $($ty::$variant)|+ => (),
        };
        [$($ty::$variant),+]
    }};
}

/// The name serde writes for a unit variant.
fn serde_name(value: impl serde::Serialize) -> String {
    match serde_json::to_value(value).expect("a unit variant serializes") {
        serde_json::Value::String(name) => name,
        other => panic!("not a unit variant: {other}"),
    }
}

#[test]
fn item_kind() {
    use crate::item::Kind;
    for kind in every!(Kind: Func, Method, Struct, Interface, Alias, Type, InterfaceMethod,
        Const, Var, Enum, Trait, TraitMethod, Static, Macro)
    {
        assert_eq!(kind.as_str(), serde_name(kind), "{kind:?}");
    }
}

#[test]
fn drift_category() {
    use crate::drift::Category;
    let all = every!(Category: Unchanged, BodyChanged, SignatureChanged, MovedFile, MovedPackage,
        Renamed, Ambiguous, Removed, Unresolved, PathBroken);
    let (mut listed, mut declared) = (all.to_vec(), Category::ALL.to_vec());
    listed.sort();
    declared.sort();
    assert_eq!(listed, declared, "Category::ALL lists every category");
    for category in all {
        assert_eq!(category.as_str(), serde_name(category), "{category:?}");
    }
}

#[test]
fn mapping_kind() {
    use crate::mapping::Kind;
    for kind in every!(Kind: Article, Series, NoCode) {
        assert_eq!(kind.as_str(), serde_name(kind), "{kind:?}");
    }
}
