//! Conversion between JavaScript values and the core's JSON forms.
//!
//! Inputs go through `JSON.stringify` and the core's own JSON readers, so a plain object is read
//! exactly as the same JSON text would be (decimals as strings or integers, `undefined`
//! properties absent, a fraction given as a number refused). Outputs are the core's JSON text
//! turned into objects by `JSON.parse`, which is faster than building them property by property.

use crate::error::{IntoJs, core_error};
use chamdiem::Timestamp;
use napi::bindgen_prelude::*;
use napi::{Env, JsValue, Unknown, ValueType};
use serde::Serialize;
use serde::de::DeserializeOwned;

type ParseFn = FunctionRef<String, Unknown<'static>>;
type StringifyFn = FunctionRef<Unknown<'static>, Unknown<'static>>;
/// `(code, message, details) => Error`, set by the JavaScript entry point.
pub(crate) type ErrorFactory =
    FunctionRef<FnArgs<(&'static str, String, Unknown<'static>)>, Unknown<'static>>;

/// What the addon keeps per JavaScript environment (main thread or worker).
pub(crate) struct Shared {
    parse: ParseFn,
    stringify: StringifyFn,
    pub(crate) error_factory: Option<ErrorFactory>,
}

/// The environment's [`Shared`], created on first use.
pub(crate) fn shared(env: &Env) -> Result<&'static mut Shared> {
    if let Some(s) = env.get_instance_data::<Shared>()? {
        return Ok(s);
    }
    let json: Object = env.get_global()?.get_named_property("JSON")?;
    let parse: Function<String, Unknown<'static>> = json.get_named_property("parse")?;
    let stringify: Function<Unknown<'static>, Unknown<'static>> =
        json.get_named_property("stringify")?;
    let s = Shared {
        parse: parse.create_ref()?,
        stringify: stringify.create_ref()?,
        error_factory: None,
    };
    env.set_instance_data(s, (), |_| {})?;
    env.get_instance_data::<Shared>()?
        .ok_or_else(|| Error::from_reason("the addon's instance data is missing"))
}

/// Gives a value a lifetime its holder asks for; it is used only during this call.
fn rebind<'a>(v: &Unknown<'_>) -> Unknown<'a> {
    let raw = v.value();
    // SAFETY: the same live handle, in the same environment, within the same call.
    unsafe { Unknown::from_raw_unchecked(raw.env, raw.value) }
}

/// Turns a serializable value into a plain JavaScript object.
pub(crate) fn to_js<'a, T: Serialize + ?Sized>(env: &'a Env, value: &T) -> Result<Unknown<'a>> {
    let text = serde_json::to_string(value)
        .map_err(|e| Error::from_reason(format!("cannot serialize a result: {e}")))?;
    json_to_js(env, text)
}

/// `JSON.parse(text)`.
pub(crate) fn json_to_js(env: &Env, text: String) -> Result<Unknown<'_>> {
    let v = shared(env)?.parse.borrow_back(env)?.call(text)?;
    Ok(rebind(&v))
}

/// The JSON text of a JavaScript value (`JSON.stringify`); `None` for `undefined` (and for
/// functions and symbols, which JSON cannot hold).
pub(crate) fn js_to_json(env: &Env, value: &Unknown<'_>, path: &str) -> Result<Option<String>> {
    let out = shared(env)?
        .stringify
        .borrow_back(env)?
        .call(rebind(value))
        .map_err(|e| {
            core_error(
                env,
                chamdiem::Error::invalid_input(
                    path,
                    format!("the value cannot be written as JSON: {}", e.reason),
                ),
            )
        })?;
    match out.get_type()? {
        ValueType::String => Ok(Some(unsafe { out.cast::<String>()? })),
        _ => Ok(None),
    }
}

/// Whether an optional argument was given (not `undefined`, not `null`).
pub(crate) fn is_given(value: &Option<Unknown<'_>>) -> Result<bool> {
    match value {
        None => Ok(false),
        Some(v) => Ok(!matches!(
            v.get_type()?,
            ValueType::Undefined | ValueType::Null
        )),
    }
}

/// Reads a JavaScript value as `T`, with the core's JSON rules; `path` names the argument in
/// errors (`actor`, `command.entries[0].value`).
pub(crate) fn from_js<T: DeserializeOwned>(
    env: &Env,
    value: &Unknown<'_>,
    path: &str,
) -> Result<T> {
    let text = js_to_json(env, value, path)?.unwrap_or_else(|| "null".to_owned());
    parse_json(&text, path).into_js(env)
}

/// Reads JSON text as `T`, reporting the path of the first problem as `invalid_input`.
pub(crate) fn parse_json<T: DeserializeOwned>(text: &str, path: &str) -> chamdiem::Result<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner_path = e.path().to_string();
        let full = match (path.is_empty(), inner_path.as_str()) {
            (_, ".") => path.to_owned(),
            (true, p) => p.to_owned(),
            (false, p) => format!("{path}.{p}"),
        };
        chamdiem::Error::invalid_input(full, e.into_inner().to_string())
    })
}

/// Reads an RFC 3339 instant.
pub(crate) fn instant(env: &Env, text: &str, path: &str) -> Result<Timestamp> {
    Timestamp::parse(text)
        .map_err(|m| chamdiem::Error::invalid_input(path, m))
        .into_js(env)
}
