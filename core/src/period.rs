//! Periods (kỳ đánh giá): a year's assessment, its criteria sets per kind of unit, deadlines.

use crate::criteria::CriteriaSet;
use crate::dossier::{Dossier, OpenDossier, SetRef};
use crate::error::{Error, Result};
use crate::format::{PeriodFormat, Tag, Version};
use crate::time::Timestamp;
use crate::unit::{Actor, Unit, UnitKind};
use serde::{Deserialize, Serialize};

/// Which criteria set the units of one kind are scored on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodSet {
    /// The kind of assessed unit.
    pub unit_kind: UnitKind,
    /// The criteria set.
    pub criteria_set: SetRef,
}

/// An assessment period, e.g. the year 2026.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    #[serde(default)]
    format: Tag<PeriodFormat>,
    #[serde(default)]
    format_version: Version<PeriodFormat>,
    /// Stable id (`2026`).
    pub id: String,
    /// Display name (`Đánh giá năm 2026`).
    pub name: String,
    /// The year assessed, if the period is a year.
    #[serde(default)]
    pub year: Option<i32>,
    /// The assessing unit (the province).
    pub assessing_unit: String,
    /// One criteria set per kind of assessed unit.
    pub criteria_sets: Vec<PeriodSet>,
    /// The self-assessment deadline.
    #[serde(default)]
    pub self_deadline: Option<Timestamp>,
    /// Whether units must attach the signed self-assessment report to submit.
    #[serde(default)]
    pub requires_report: bool,
}

impl Period {
    /// A period.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        assessing_unit: impl Into<String>,
        criteria_sets: Vec<PeriodSet>,
    ) -> Self {
        Period {
            format: Tag::default(),
            format_version: Version::default(),
            id: id.into(),
            name: name.into(),
            year: None,
            assessing_unit: assessing_unit.into(),
            criteria_sets,
            self_deadline: None,
            requires_report: false,
        }
    }

    /// Checks the period's fields.
    pub fn validate(&self) -> Result<()> {
        for (field, v) in [
            ("id", &self.id),
            ("name", &self.name),
            ("assessing_unit", &self.assessing_unit),
        ] {
            if v.trim().is_empty() {
                return Err(Error::invalid_input(
                    field,
                    format!("a period needs a non-empty {field}"),
                ));
            }
        }
        if self.criteria_sets.is_empty() {
            return Err(Error::invalid_input(
                "criteria_sets",
                "a period needs at least one criteria set",
            ));
        }
        for (i, a) in self.criteria_sets.iter().enumerate() {
            if self.criteria_sets[..i]
                .iter()
                .any(|b| b.unit_kind == a.unit_kind)
            {
                return Err(Error::invalid_input(
                    format!("criteria_sets[{i}]"),
                    format!(
                        "two criteria sets are given for units of kind `{}`",
                        a.unit_kind
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The criteria set for units of `kind`.
    pub fn set_for(&self, kind: UnitKind) -> Option<&SetRef> {
        self.criteria_sets
            .iter()
            .find(|s| s.unit_kind == kind)
            .map(|s| &s.criteria_set)
    }

    /// Opens the dossier of `unit` in this period against `set`, which must be the set the
    /// period gives units of its kind.
    pub fn open_dossier(
        &self,
        dossier_id: impl Into<String>,
        unit: &Unit,
        set: &CriteriaSet,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Dossier> {
        let Some(expected) = self.set_for(unit.kind) else {
            return Err(Error::invalid_input(
                "unit",
                format!(
                    "period `{}` has no criteria set for units of kind `{}` (unit `{}`)",
                    self.id, unit.kind, unit.id
                ),
            ));
        };
        if expected.id != set.id() || expected.revision != set.revision() {
            return Err(Error::invalid_input(
                "criteria_set",
                format!(
                    "period `{}` scores units of kind `{}` on `{}` revision {}, not `{}` revision {}",
                    self.id,
                    unit.kind,
                    expected.id,
                    expected.revision,
                    set.id(),
                    set.revision()
                ),
            ));
        }
        Dossier::open(
            OpenDossier {
                id: dossier_id.into(),
                period: self.id.clone(),
                unit: unit.id.clone(),
                assessing_unit: self.assessing_unit.clone(),
                self_deadline: self.self_deadline,
                requires_report: self.requires_report,
            },
            set,
            actor,
            now,
        )
    }

    /// Reads the JSON form.
    pub fn from_json(text: &str) -> Result<Period> {
        let p: Period = crate::error::from_json_str(text)?;
        p.validate()?;
        Ok(p)
    }

    /// The JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a period always serializes")
    }
}
