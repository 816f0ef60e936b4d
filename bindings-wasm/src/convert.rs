//! Conversion between JavaScript values and the core's JSON forms.
//!
//! Inputs go through `JSON.stringify` and the core's own JSON readers, so a plain object is read
//! exactly as the same JSON text would be: decimals as strings or integers, `undefined`
//! properties absent, a number with a fraction refused. Outputs are the core's JSON text turned
//! into objects by `JSON.parse`, which is faster than building them property by property and
//! keeps the code small. The Node package does the same, so both give identical objects.

use crate::error::{IntoJs, js_error};
use chamdiem::Timestamp;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = JSON, js_name = parse)]
    fn json_parse(text: &str) -> JsValue;

    #[wasm_bindgen(catch, js_namespace = JSON, js_name = stringify)]
    fn json_stringify(value: &JsValue) -> Result<JsValue, JsValue>;
}

/// Turns a serializable value into a plain JavaScript object.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|e| {
        js_error(&chamdiem::Error::invalid_input(
            "",
            format!("cannot write a result as JSON: {e}"),
        ))
    })?;
    Ok(json_to_js(&text))
}

/// `JSON.parse(text)` of text the core wrote.
pub(crate) fn json_to_js(text: &str) -> JsValue {
    json_parse(text)
}

/// The JSON text of a JavaScript value (`JSON.stringify`); `None` for `undefined` (and for
/// functions and symbols, which JSON cannot hold).
pub(crate) fn js_to_json(value: &JsValue, path: &str) -> Result<Option<String>, JsValue> {
    let out = json_stringify(value).map_err(|e| {
        let why = e
            .dyn_ref::<ThrownError>()
            .map(ThrownError::message)
            .unwrap_or_else(|| "it is not plain data".to_owned());
        js_error(&chamdiem::Error::invalid_input(
            path,
            format!("the value cannot be written as JSON: {why}"),
        ))
    })?;
    Ok(out.as_string())
}

/// Reads a JavaScript value as `T`, with the core's JSON rules; `path` names the argument in
/// errors (`actor`, `command.entries[0].value`).
pub(crate) fn from_js<T: DeserializeOwned>(value: &JsValue, path: &str) -> Result<T, JsValue> {
    let text = js_to_json(value, path)?.unwrap_or_else(|| "null".to_owned());
    parse_json(&text, path).into_js()
}

/// Reads a JavaScript value as a `serde_json::Value` (what `JSON.stringify` makes of it).
pub(crate) fn js_to_value(value: &JsValue, path: &str) -> Result<serde_json::Value, JsValue> {
    let text = js_to_json(value, path)?.unwrap_or_else(|| "null".to_owned());
    json_value(&text, path).into_js()
}

/// Reads JSON text as `T`, reporting the path of the first problem as `invalid_input`.
///
/// The text is read into a `serde_json::Value` first, and `T` from that value: every type is
/// then read by one deserializer, the one the core's own readers use (`from_json_value`), so
/// the module carries one copy of each type's reading code instead of two (84 KB less `.wasm`).
pub(crate) fn parse_json<T: DeserializeOwned>(text: &str, path: &str) -> chamdiem::Result<T> {
    from_value(json_value(text, path)?, path)
}

/// Reads JSON text as a `serde_json::Value` (syntax errors only).
pub(crate) fn json_value(text: &str, path: &str) -> chamdiem::Result<serde_json::Value> {
    serde_json::from_str(text).map_err(|e| chamdiem::Error::invalid_input(path, e.to_string()))
}

/// Reads `T` from a JSON value, reporting the path of the first problem as `invalid_input`.
pub(crate) fn from_value<T: DeserializeOwned>(
    value: serde_json::Value,
    path: &str,
) -> chamdiem::Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner = e.path().to_string();
        let full = match (path.is_empty(), inner.as_str()) {
            (_, ".") => path.to_owned(),
            (true, p) => p.to_owned(),
            (false, p) => format!("{path}.{p}"),
        };
        chamdiem::Error::invalid_input(full, e.into_inner().to_string())
    })
}

/// Whether an optional argument was given (not `undefined`, not `null`).
pub(crate) fn given(value: &Option<JsValue>) -> Option<&JsValue> {
    value.as_ref().filter(|v| !v.is_undefined() && !v.is_null())
}

/// Reads an RFC 3339 instant.
pub(crate) fn instant(text: &str, path: &str) -> Result<Timestamp, JsValue> {
    Timestamp::parse(text)
        .map_err(|m| chamdiem::Error::invalid_input(path, m))
        .into_js()
}

#[wasm_bindgen]
extern "C" {
    /// The JavaScript `Error` class, to read the message of what `JSON.stringify` threw.
    #[wasm_bindgen(js_name = Error)]
    type ThrownError;

    #[wasm_bindgen(method, getter)]
    fn message(this: &ThrownError) -> String;
}
