//! The core's errors as JavaScript errors.
//!
//! `errors.js` (next to the glue in the package) holds the `ChamdiemError` classes, one per
//! stable code; its `errorFor(code, message, details)` builds the right one. Every refused call
//! throws that real `Error` object, with `.code`, `.details` and each detail as a property.

use crate::convert::to_js;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(raw_module = "./errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = errorFor)]
    fn error_for(code: &str, message: &str, details: JsValue) -> JsValue;
}

/// The JavaScript error for a core error.
pub(crate) fn js_error(e: &chamdiem::Error) -> JsValue {
    let details = to_js(&e.details()).unwrap_or(JsValue::NULL);
    error_for(e.code(), &e.to_string(), details)
}

/// `result.into_js()`: a core result with its error mapped to the JavaScript error.
pub(crate) trait IntoJs<T> {
    fn into_js(self) -> Result<T, JsValue>;
}

impl<T> IntoJs<T> for chamdiem::Result<T> {
    fn into_js(self) -> Result<T, JsValue> {
        self.map_err(|e| js_error(&e))
    }
}
