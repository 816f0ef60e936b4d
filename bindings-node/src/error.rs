//! The core's errors as JavaScript errors.
//!
//! The JavaScript entry point registers a factory `(code, message, details) => Error` that
//! builds the right `ChamdiemError` subclass; without it (the addon loaded directly) the error is
//! a plain `Error` with `code` and `details`. Either way the thrown value is a real `Error`.

use crate::convert::{ErrorFactory, shared, to_js};
use napi::bindgen_prelude::*;
use napi::{Env, Unknown};

/// Registers the factory of error objects (called once by the JavaScript entry point).
#[napi_derive::napi(
    ts_args_type = "factory: (code: string, message: string, details: Record<string, unknown>) => Error"
)]
pub fn set_error_factory(env: Env, factory: ErrorFactory) -> Result<()> {
    shared(&env)?.error_factory = Some(factory);
    Ok(())
}

/// Every stable error code of the core, in declaration order.
#[napi_derive::napi]
pub fn error_codes() -> Vec<&'static str> {
    chamdiem::Error::CODES.to_vec()
}

/// The JavaScript error for a core error.
pub(crate) fn core_error(env: &Env, e: chamdiem::Error) -> Error {
    match js_error(env, &e) {
        Ok(v) => Error::from(v),
        Err(_) => Error::new(Status::GenericFailure, e.to_string()),
    }
}

fn js_error<'a>(env: &'a Env, e: &chamdiem::Error) -> Result<Unknown<'a>> {
    let details = to_js(env, &e.details())?;
    if let Some(factory) = &shared(env)?.error_factory {
        let details = unsafe { Unknown::from_raw_unchecked(env.raw(), details.raw()) };
        return factory
            .borrow_back(env)?
            .call(FnArgs::from((e.code(), e.to_string(), details)));
    }
    let mut obj = env.create_error(Error::new(Status::GenericFailure, e.to_string()))?;
    obj.set_named_property("code", e.code())?;
    obj.set_named_property("details", details)?;
    Ok(obj.to_unknown())
}

/// `result.into_js(env)`: a core result with its error mapped to the JavaScript error.
pub(crate) trait IntoJs<T> {
    fn into_js(self, env: &Env) -> Result<T>;
}

impl<T> IntoJs<T> for chamdiem::Result<T> {
    fn into_js(self, env: &Env) -> Result<T> {
        self.map_err(|e| core_error(env, e))
    }
}
