//! The JSON API under `/api/v1`, and `/healthz`, `/readyz`, `/api/openapi.json`.
//!
//! Conventions (docs/server.md has the full list): JSON in and out; the core's documents
//! (views, results, rankings, criteria sets, events) are returned in their own formats from
//! docs/formats.md; errors are `{code, message, details}` with the core's stable codes;
//! authentication by session cookie (plus the `X-CSRF-Token` header on state-changing
//! requests) or by a personal API token (`Authorization: Bearer …`).

pub mod account;
pub mod admin;
pub mod dossiers;
pub mod evidence;
pub mod health;
pub mod reference;
pub mod scope;

use crate::app::AppState;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{InfoBuilder, LicenseBuilder, OpenApi};
use utoipa_axum::router::OpenApiRouter;

/// The API's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().merge(health::router()).nest(
        "/api/v1",
        OpenApiRouter::new()
            .merge(account::router())
            .merge(reference::router())
            .merge(dossiers::router())
            .merge(evidence::router())
            .merge(admin::router()),
    )
}

/// Adds the document's information, security schemes and tags.
pub fn decorate(mut doc: OpenApi) -> OpenApi {
    doc.info = InfoBuilder::new()
        .title("chamdiem reference server")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(
            "Self-assessment, review and explanation of public-sector scoring dossiers. \
             Documents of the core (views, results, rankings, criteria sets, events, commands) \
             use the formats of docs/formats.md; errors are {code, message, details}.",
        ))
        .license(Some(
            LicenseBuilder::new()
                .name("MIT OR Apache-2.0")
                .identifier(Some("MIT OR Apache-2.0"))
                .build(),
        ))
        .build();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "token",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("A personal API token (POST /api/v1/me/tokens)."))
                .build(),
        ),
    );
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            "chamdiem_session",
            "The session cookie (`__Host-chamdiem_session` with --secure-cookies). \
             State-changing requests also need the X-CSRF-Token header.",
        ))),
    );
    doc.security = Some(vec![
        utoipa::openapi::security::SecurityRequirement::new("token", Vec::<String>::new()),
        utoipa::openapi::security::SecurityRequirement::new("session", Vec::<String>::new()),
    ]);
    doc.tags = Some(
        [
            ("health", "Liveness, readiness and this document."),
            (
                "account",
                "Log in and out, account settings, password, API tokens.",
            ),
            ("reference", "Units, criteria sets, periods, rankings."),
            (
                "dossiers",
                "Dossiers: views, entries, results, history, commands.",
            ),
            (
                "admin",
                "Administration: units, users, criteria sets, periods.",
            ),
            (
                "pages",
                "The HTML pages (server-rendered; forms post back to them).",
            ),
        ]
        .into_iter()
        .map(|(n, d)| TagBuilder::new().name(n).description(Some(d)).build())
        .collect(),
    );
    doc
}
