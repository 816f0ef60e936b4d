//! `CriteriaSet`: a validated, immutable criteria set.

use crate::convert::{from_js, to_js};
use crate::error::IntoJs;
use chamdiem::criteria::{Criterion, GroupKind};
use napi::bindgen_prelude::*;
use napi::{Env, Unknown};
use napi_derive::napi;
use serde::Serialize;
use std::sync::Arc;

/// A validated, immutable criteria set (bộ chỉ tiêu).
#[napi(js_name = "CriteriaSet")]
pub struct CriteriaSet {
    pub(crate) inner: Arc<chamdiem::CriteriaSet>,
}

impl CriteriaSet {
    fn wrap(set: chamdiem::CriteriaSet) -> Self {
        CriteriaSet {
            inner: Arc::new(set),
        }
    }
}

/// A group of the set with its place in the tree (`groups()`).
#[derive(Serialize)]
struct GroupInfo<'a> {
    code: &'a str,
    title: &'a str,
    description: &'a str,
    kind: GroupKind,
    #[serde(with = "chamdiem::decimal::serde_opt")]
    cap: Option<chamdiem::Decimal>,
    parent: Option<&'a str>,
    depth: usize,
    groups: Vec<&'a str>,
    criteria: Vec<&'a str>,
}

/// A criterion as written, with its group and derived bounds (`criteria()`).
#[derive(Serialize)]
struct CriterionInfo<'a> {
    #[serde(flatten)]
    criterion: &'a Criterion,
    group: &'a str,
    #[serde(with = "chamdiem::decimal::serde_points")]
    max: chamdiem::Decimal,
    #[serde(with = "chamdiem::decimal::serde_points")]
    min: chamdiem::Decimal,
}

fn criterion_info<'a>(set: &'a chamdiem::CriteriaSet, i: usize) -> CriterionInfo<'a> {
    let node = &set.criteria()[i];
    CriterionInfo {
        criterion: &node.criterion,
        group: &set.groups()[node.group].code,
        max: node.max,
        min: node.min,
    }
}

#[napi]
impl CriteriaSet {
    /// Reads and validates the JSON document.
    #[napi(factory)]
    pub fn from_json(env: Env, text: String) -> Result<Self> {
        chamdiem::CriteriaSet::from_json(&text)
            .map(Self::wrap)
            .into_js(&env)
    }

    /// Reads and validates the compact TOML form.
    #[napi(factory)]
    pub fn from_compact(env: Env, text: String) -> Result<Self> {
        chamdiem::CriteriaSet::from_compact(&text)
            .map(Self::wrap)
            .into_js(&env)
    }

    /// Reads either form: JSON when the text starts with `{`, else the compact form.
    #[napi(factory)]
    pub fn parse(env: Env, text: String) -> Result<Self> {
        chamdiem::CriteriaSet::parse(&text)
            .map(Self::wrap)
            .into_js(&env)
    }

    /// Reads and validates the JSON document given as a plain object.
    #[napi(factory, ts_args_type = "doc: CriteriaSetDocument")]
    pub fn from_object(env: Env, doc: Unknown) -> Result<Self> {
        let value: serde_json::Value = from_js(&env, &doc, "")?;
        chamdiem::CriteriaSet::from_json_value(value)
            .map(Self::wrap)
            .into_js(&env)
    }

    /// Stable id.
    #[napi(getter)]
    pub fn id(&self) -> &str {
        self.inner.id()
    }

    /// Revision.
    #[napi(getter)]
    pub fn revision(&self) -> u32 {
        self.inner.revision()
    }

    /// Display name.
    #[napi(getter)]
    pub fn name(&self) -> &str {
        self.inner.name()
    }

    /// Decimal places scaled values are rounded to.
    #[napi(getter)]
    pub fn precision(&self) -> u32 {
        self.inner.precision()
    }

    /// The JSON document, compact.
    #[napi]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The compact TOML form.
    #[napi]
    pub fn to_compact(&self) -> String {
        self.inner.to_compact()
    }

    /// The JSON document as a plain object.
    #[napi(ts_return_type = "CriteriaSetDocument")]
    pub fn to_object<'a>(&self, env: &'a Env) -> Result<Unknown<'a>> {
        to_js(env, &self.inner.to_doc())
    }

    /// Every group, in pre-order, with its parent, depth and children.
    #[napi(ts_return_type = "GroupInfo[]")]
    pub fn groups<'a>(&self, env: &'a Env) -> Result<Unknown<'a>> {
        let set = &*self.inner;
        let all = set.groups();
        let infos: Vec<GroupInfo> = all
            .iter()
            .map(|g| GroupInfo {
                code: &g.code,
                title: &g.title,
                description: &g.description,
                kind: g.kind,
                cap: g.cap,
                parent: g.parent.map(|p| all[p].code.as_str()),
                depth: g.depth,
                groups: g.groups.iter().map(|&s| all[s].code.as_str()).collect(),
                criteria: g
                    .criteria
                    .iter()
                    .map(|&c| set.criteria()[c].criterion.code.as_str())
                    .collect(),
            })
            .collect();
        to_js(env, &infos)
    }

    /// Every criterion, in reading order, with its group and bounds.
    #[napi(ts_return_type = "CriterionInfo[]")]
    pub fn criteria<'a>(&self, env: &'a Env) -> Result<Unknown<'a>> {
        let set = &*self.inner;
        let infos: Vec<CriterionInfo> = (0..set.criteria().len())
            .map(|i| criterion_info(set, i))
            .collect();
        to_js(env, &infos)
    }

    /// The criterion with this code, or `null`.
    #[napi(ts_return_type = "CriterionInfo | null")]
    pub fn criterion<'a>(&self, env: &'a Env, code: String) -> Result<Unknown<'a>> {
        let set = &*self.inner;
        to_js(
            env,
            &set.criterion_position(&code)
                .map(|i| criterion_info(set, i)),
        )
    }
}
