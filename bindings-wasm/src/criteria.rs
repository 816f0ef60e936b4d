//! `CriteriaSet`: a validated, immutable criteria set.

use crate::convert::{js_to_value, to_js};
use crate::error::IntoJs;
use chamdiem::criteria::{Criterion, GroupKind};
use serde::Serialize;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A validated, immutable criteria set (bộ chỉ tiêu).
#[wasm_bindgen]
pub struct CriteriaSet {
    pub(crate) inner: Rc<chamdiem::CriteriaSet>,
}

impl CriteriaSet {
    fn wrap(set: chamdiem::CriteriaSet) -> Self {
        CriteriaSet {
            inner: Rc::new(set),
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

fn criterion_info(set: &chamdiem::CriteriaSet, i: usize) -> CriterionInfo<'_> {
    let node = &set.criteria()[i];
    CriterionInfo {
        criterion: &node.criterion,
        group: &set.groups()[node.group].code,
        max: node.max,
        min: node.min,
    }
}

#[wasm_bindgen]
impl CriteriaSet {
    /// Reads and validates the JSON document.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str) -> Result<CriteriaSet, JsValue> {
        chamdiem::CriteriaSet::from_json(text)
            .map(Self::wrap)
            .into_js()
    }

    /// Reads and validates the compact TOML form.
    #[wasm_bindgen(js_name = fromCompact)]
    pub fn from_compact(text: &str) -> Result<CriteriaSet, JsValue> {
        chamdiem::CriteriaSet::from_compact(text)
            .map(Self::wrap)
            .into_js()
    }

    /// Reads either form: JSON when the text starts with `{`, else the compact form.
    pub fn parse(text: &str) -> Result<CriteriaSet, JsValue> {
        chamdiem::CriteriaSet::parse(text).map(Self::wrap).into_js()
    }

    /// Reads and validates the JSON document given as a plain object.
    #[wasm_bindgen(js_name = fromObject)]
    pub fn from_object(
        #[wasm_bindgen(unchecked_param_type = "CriteriaSetDocument")] doc: JsValue,
    ) -> Result<CriteriaSet, JsValue> {
        let value = js_to_value(&doc, "")?;
        chamdiem::CriteriaSet::from_json_value(value)
            .map(Self::wrap)
            .into_js()
    }

    /// Stable id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.inner.id().to_owned()
    }

    /// Revision.
    #[wasm_bindgen(getter)]
    pub fn revision(&self) -> u32 {
        self.inner.revision()
    }

    /// Display name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// Decimal places scaled values are rounded to.
    #[wasm_bindgen(getter)]
    pub fn precision(&self) -> u32 {
        self.inner.precision()
    }

    /// The JSON document, compact.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The compact TOML form.
    #[wasm_bindgen(js_name = toCompact)]
    pub fn to_compact(&self) -> String {
        self.inner.to_compact()
    }

    /// The JSON document as a plain object.
    #[wasm_bindgen(js_name = toObject, unchecked_return_type = "CriteriaSetDocument")]
    pub fn to_object(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.to_doc())
    }

    /// Every group, in pre-order, with its parent, depth and children.
    #[wasm_bindgen(unchecked_return_type = "GroupInfo[]")]
    pub fn groups(&self) -> Result<JsValue, JsValue> {
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
        to_js(&infos)
    }

    /// Every criterion, in reading order, with its group and bounds.
    #[wasm_bindgen(unchecked_return_type = "CriterionInfo[]")]
    pub fn criteria(&self) -> Result<JsValue, JsValue> {
        let set = &*self.inner;
        let infos: Vec<CriterionInfo> = (0..set.criteria().len())
            .map(|i| criterion_info(set, i))
            .collect();
        to_js(&infos)
    }

    /// The criterion with this code, or `null`.
    #[wasm_bindgen(unchecked_return_type = "CriterionInfo | null")]
    pub fn criterion(&self, code: &str) -> Result<JsValue, JsValue> {
        let set = &*self.inner;
        to_js(&set.criterion_position(code).map(|i| criterion_info(set, i)))
    }
}
