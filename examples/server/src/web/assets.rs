//! The static assets, all served by the server (no CDN: the server runs on closed networks):
//! the stylesheet, the pages' script, and the browser package that computes the live totals
//! (embedded at build time from `bindings-wasm/dist/`, see `build.rs`).

use crate::app::AppState;
use crate::error::AppError;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

mod bundle {
    include!(concat!(env!("OUT_DIR"), "/wasm_bundle.rs"));
}

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(stylesheet))
        .routes(routes!(script))
        .routes(routes!(package_file))
}

/// Whether this build carries the browser package (the pages' live totals).
pub fn has_package() -> bool {
    bundle::BUNDLE.iter().any(|(n, _)| *n == "index.js")
}

const CACHE: &str = "public, max-age=3600";

/// The stylesheet.
#[utoipa::path(get, path = "/static/style.css", tag = "pages", operation_id = "static_stylesheet", security(()),
    responses((status = 200, description = "The stylesheet", content_type = "text/css")))]
pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        include_str!("../../static/style.css"),
    )
}

/// The pages' script: menus, the upload dialog with a progress bar per file, the live totals.
#[utoipa::path(get, path = "/static/app.js", tag = "pages", operation_id = "static_script", security(()),
    responses((status = 200, description = "The script", content_type = "text/javascript")))]
pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        include_str!("../../static/app.js"),
    )
}

/// A file of the browser package (`index.js`, `chamdiem_wasm_bg.wasm` …).
#[utoipa::path(get, path = "/static/chamdiem/{file}", tag = "pages", operation_id = "static_package", security(()),
    params(("file" = String, Path, description = "The file's name")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"),
              (status = 404, description = "No such file (or a build without the package)")))]
pub async fn package_file(Path(file): Path<String>) -> Response {
    let Some((_, bytes)) = bundle::BUNDLE.iter().find(|(n, _)| *n == file) else {
        return AppError::not_found("file", file).into_response();
    };
    let ty = if file.ends_with(".wasm") {
        "application/wasm"
    } else {
        "text/javascript; charset=utf-8"
    };
    (
        [(header::CONTENT_TYPE, ty), (header::CACHE_CONTROL, CACHE)],
        *bytes,
    )
        .into_response()
}
