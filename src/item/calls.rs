//! Call edges between items, as a language resolves them: what a step's body calls or runs,
//! and how.

use serde::Serialize;

use super::ItemRef;

/// How a body reaches another function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EdgeKind {
    /// A function, or a method of the value's own type.
    Direct,
    /// A method of an interface-typed value: the edge names the interface's method, and
    /// [`CallEdge::dispatch`] the implementations that the call may reach.
    Interface,
    /// A method of an embedded field, promoted to the value's type.
    Promoted,
    /// Not called here but passed as a value (`go wait.Until(s.run, 0)`, `Run: s.run`): a
    /// reader follows it like a call.
    Runs,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Direct => "direct",
            EdgeKind::Interface => "interface",
            EdgeKind::Promoted => "promoted",
            EdgeKind::Runs => "runs",
        }
    }
}

/// One function a body calls or runs, resolved by type.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CallEdge {
    /// The callee in the language's naming (`k8s.io/x.T.M`).
    pub target: String,
    pub kind: EdgeKind,
    /// For an interface method: the given candidates whose type implements the interface.
    pub dispatch: Vec<ItemRef>,
    /// Every place the body reaches the target is inside a branch a feature gate decides;
    /// `None` when at least one is not.
    pub gate: Option<Gate>,
}

/// A feature gate that decides whether a call happens: the call sits in the branch of an
/// `if ….Enabled(features.Name)` taken when the gate is `on` (or, in its `else`, when it is
/// off).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Gate {
    /// The gate's name as the code spells it (`InOrderInformers`).
    pub name: String,
    /// The call happens when the gate is on (`true`) or off (`false`).
    pub on: bool,
}

impl std::fmt::Display for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = if self.on { "on" } else { "off" };
        write!(f, "when the `{}` feature gate is {state}", self.name)
    }
}

/// A function or method whose body is read for calls: the item and where it was found.
#[derive(Clone, Copy, Debug)]
pub struct Caller<'a> {
    pub item: &'a ItemRef,
    pub file: &'a str,
    pub start_line: usize,
}
