//! Units (organisations) and actors.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The kind of a unit. A period maps each kind of assessed unit to its criteria set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Tỉnh: the province, usually the assessing unit.
    Province,
    /// Sở, ban, ngành: a provincial department.
    Department,
    /// Chi cục: a sub-department.
    SubDepartment,
    /// Huyện, thị xã, thành phố: a district.
    District,
    /// Xã, phường, thị trấn: a commune.
    Commune,
}

impl UnitKind {
    /// All kinds, in hierarchy order.
    pub const ALL: [UnitKind; 5] = [
        UnitKind::Province,
        UnitKind::Department,
        UnitKind::SubDepartment,
        UnitKind::District,
        UnitKind::Commune,
    ];

    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Province => "province",
            UnitKind::Department => "department",
            UnitKind::SubDepartment => "sub_department",
            UnitKind::District => "district",
            UnitKind::Commune => "commune",
        }
    }

    /// The Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            UnitKind::Province => "Tỉnh",
            UnitKind::Department => "Sở, ban, ngành",
            UnitKind::SubDepartment => "Chi cục",
            UnitKind::District => "Huyện, thị xã, thành phố",
            UnitKind::Commune => "Xã, phường, thị trấn",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for UnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An organisation in the tree of units: the province, its departments, districts…
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// Stable id chosen by the host.
    pub id: String,
    /// Short code, used to order rankings (`SO-TC`, `H-YD`).
    pub code: String,
    /// Display name (`Sở Tài chính`).
    pub name: String,
    /// Kind of unit.
    pub kind: UnitKind,
    /// The parent unit's id, `None` for the root.
    #[serde(default)]
    pub parent: Option<String>,
}

impl Unit {
    /// Checks the fields a unit must have.
    pub fn validate(&self) -> crate::Result<()> {
        for (field, v) in [("id", &self.id), ("code", &self.code), ("name", &self.name)] {
            if v.trim().is_empty() {
                return Err(crate::Error::invalid_input(
                    field,
                    format!("a unit needs a non-empty {field}"),
                ));
            }
        }
        if self.parent.as_deref() == Some(self.id.as_str()) {
            return Err(crate::Error::invalid_input(
                "parent",
                format!("unit `{}` cannot be its own parent", self.id),
            ));
        }
        Ok(())
    }
}

/// What an actor is, as far as the workflow is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A member of the dossier's assessed unit.
    Unit,
    /// A member of the dossier's assessing unit (the province).
    Reviewer,
    /// An administrator: unlocks deadlines; sees everything.
    Admin,
    /// A reader: sees what has been released.
    Viewer,
}

impl Role {
    /// All roles.
    pub const ALL: [Role; 4] = [Role::Unit, Role::Reviewer, Role::Admin, Role::Viewer];

    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Unit => "unit",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
            Role::Viewer => "viewer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who issues a command: the host authenticates the user and says who they are; the core decides
/// what they may do.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    /// The user's id (or account name), recorded in the history.
    pub user: String,
    /// The user's role.
    pub role: Role,
    /// The id of the unit the user belongs to.
    pub unit: String,
}

impl Actor {
    /// Builds an actor.
    pub fn new(user: impl Into<String>, role: Role, unit: impl Into<String>) -> Self {
        Actor {
            user: user.into(),
            role,
            unit: unit.into(),
        }
    }
}
