//! Who may read what. The core decides what an actor may *do*; the server decides what an
//! actor may *see* of the stored data, and answers `not_found` for anything outside that, so
//! nothing leaks about dossiers of other units:
//!
//! - a `unit` member reads the dossiers of its unit;
//! - a `reviewer` reads the dossiers its unit assesses;
//! - a `viewer` reads the dossiers assessed by, or of, its unit and the units below it;
//! - an `admin` reads everything.
//!
//! Units and periods belong to a *province* — the root of the unit tree: people see the
//! units and periods of their own province (administrators see all).

use chamdiem::store::{DossierSummary, Store};
use chamdiem::{Actor, Role, Unit};
use std::collections::{HashMap, HashSet};

/// The unit tree, for scope decisions.
#[derive(Debug, Clone)]
pub struct Tree {
    parent: HashMap<String, Option<String>>,
}

impl Tree {
    /// The tree of the stored units.
    pub fn load(store: &dyn Store) -> chamdiem::Result<Tree> {
        Ok(Tree::of(&store.units()?))
    }

    /// The tree of these units.
    pub fn of(units: &[Unit]) -> Tree {
        Tree {
            parent: units
                .iter()
                .map(|u| (u.id.clone(), u.parent.clone()))
                .collect(),
        }
    }

    /// The root of a unit's tree (itself if unknown).
    pub fn root<'a>(&'a self, mut unit: &'a str) -> &'a str {
        let mut seen = 0;
        while let Some(Some(p)) = self.parent.get(unit) {
            unit = p;
            seen += 1;
            if seen > 64 {
                break;
            }
        }
        unit
    }

    /// Whether `unit` is `ancestor` or below it.
    pub fn within<'a>(&'a self, mut unit: &'a str, ancestor: &str) -> bool {
        for _ in 0..64 {
            if unit == ancestor {
                return true;
            }
            match self.parent.get(unit) {
                Some(Some(p)) => unit = p,
                _ => return false,
            }
        }
        false
    }

    /// The units of `ancestor` and below.
    pub fn subtree(&self, ancestor: &str) -> HashSet<String> {
        self.parent
            .keys()
            .filter(|u| self.within(u, ancestor))
            .cloned()
            .collect()
    }
}

/// Whether `actor` may read a dossier of `unit` assessed by `assessing`.
pub fn reads(tree: &Tree, actor: &Actor, unit: &str, assessing: &str) -> bool {
    match actor.role {
        Role::Admin => true,
        Role::Unit => actor.unit == unit,
        Role::Reviewer => actor.unit == assessing,
        Role::Viewer => tree.within(assessing, &actor.unit) || tree.within(unit, &actor.unit),
    }
}

/// Whether `actor` may read a listed dossier.
pub fn reads_summary(tree: &Tree, actor: &Actor, d: &DossierSummary) -> bool {
    reads(tree, actor, &d.unit, &d.assessing_unit)
}

/// Whether `actor` sees things of `unit`'s province.
pub fn same_province(tree: &Tree, actor: &Actor, unit: &str) -> bool {
    actor.role == Role::Admin || tree.root(&actor.unit) == tree.root(unit)
}

/// The stored dossier `id` if `actor` may read it; `not_found` otherwise (as if it did not
/// exist).
pub fn dossier(store: &dyn Store, actor: &Actor, id: &str) -> chamdiem::Result<chamdiem::Dossier> {
    visible(store, actor, store.dossier(id)?)
}

/// `d` if `actor` reads it; `not_found` otherwise.
fn visible(
    store: &dyn Store,
    actor: &Actor,
    d: chamdiem::Dossier,
) -> chamdiem::Result<chamdiem::Dossier> {
    let tree = Tree::load(store)?;
    if reads(&tree, actor, d.unit(), d.assessing_unit()) {
        Ok(d)
    } else {
        Err(chamdiem::Error::not_found("dossier", d.id()))
    }
}

/// As [`dossier`], without the history (the store's `dossier_state`): for answers that need
/// only the present state, such as the results, or only the scope check, such as a command.
pub fn dossier_state(
    store: &dyn Store,
    actor: &Actor,
    id: &str,
) -> chamdiem::Result<chamdiem::Dossier> {
    visible(store, actor, store.dossier_state(id)?)
}

/// The stored period `id` if `actor` sees its province; `not_found` otherwise.
pub fn period(store: &dyn Store, actor: &Actor, id: &str) -> chamdiem::Result<chamdiem::Period> {
    let p = store.period(id)?;
    let tree = Tree::load(store)?;
    if same_province(&tree, actor, &p.assessing_unit) {
        Ok(p)
    } else {
        Err(chamdiem::Error::not_found("period", id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chamdiem::UnitKind;

    fn u(id: &str, parent: Option<&str>) -> Unit {
        Unit {
            id: id.into(),
            code: id.into(),
            name: id.into(),
            kind: UnitKind::Department,
            parent: parent.map(Into::into),
        }
    }

    #[test]
    fn scope_follows_roles_and_the_tree() {
        let tree = Tree::of(&[
            u("P", None),
            u("A", Some("P")),
            u("A1", Some("A")),
            u("Q", None),
        ]);
        assert_eq!(tree.root("A1"), "P");
        assert!(tree.within("A1", "P"));
        assert!(!tree.within("Q", "P"));
        let unit = Actor::new("a", Role::Unit, "A");
        assert!(reads(&tree, &unit, "A", "P"));
        assert!(!reads(&tree, &unit, "A1", "P"));
        let rev = Actor::new("r", Role::Reviewer, "Q");
        assert!(!reads(&tree, &rev, "A", "P"));
        let viewer = Actor::new("v", Role::Viewer, "P");
        assert!(reads(&tree, &viewer, "A1", "P"));
        assert!(!same_province(&tree, &rev, "P"));
        assert_eq!(tree.subtree("A").len(), 2);
    }
}
