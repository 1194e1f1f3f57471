//! What this build talks to and how long it waits for an answer.
//!
//! A release build has both compiled in: X's origin (`X_API_BASE` at build time, else
//! [`x::DEFAULT_API_BASE`]) and the core's [`REQUEST_TIMEOUT_MS`]. A sandbox build (cargo
//! feature `test-hooks`) also reads `storage.local["test_config"]`, which the end-to-end
//! harness writes right after it starts Chromium: `api_base` points the build at the sandbox
//! of one test file (so one build serves every file, each on its own port, two at a time),
//! and `request_timeout_ms` shortens the timeout so a slow-link test does not wait 25 s of
//! real time. A release build never reads that key.

use crate::upload::REQUEST_TIMEOUT_MS;
use crate::x;

/// The origin compiled into this build.
fn compiled_api_base() -> &'static str {
    option_env!("X_API_BASE").unwrap_or(x::DEFAULT_API_BASE)
}

/// The X API origin requests go to.
pub async fn api_base() -> String {
    #[cfg(feature = "test-hooks")]
    if let Some(base) = hooks::read().await.api_base {
        return base;
    }
    compiled_api_base().to_owned()
}

/// Where an account's avatar may come from: X's image host; in a sandbox build also the
/// sandbox, which serves its accounts' avatars.
pub async fn image_origins() -> Vec<String> {
    let origins: Vec<String> = crate::accounts::X_IMAGE_ORIGINS
        .iter()
        .map(|o| (*o).to_owned())
        .collect();
    #[cfg(feature = "test-hooks")]
    let origins = {
        let mut origins = origins;
        origins.push(api_base().await);
        origins
    };
    origins
}

/// How long one request may take before it is abandoned.
pub async fn request_timeout_ms() -> u32 {
    #[cfg(feature = "test-hooks")]
    if let Some(ms) = hooks::read().await.request_timeout_ms {
        return ms;
    }
    REQUEST_TIMEOUT_MS
}

#[cfg(feature = "test-hooks")]
mod hooks {
    use serde::Deserialize;

    use crate::worker::platform::{self, Area};

    /// `storage.local` key of the overrides (sandbox builds only).
    const KEY: &str = "test_config";

    /// The overrides; a field left out keeps the compiled value.
    #[derive(Debug, Default, Deserialize)]
    pub struct TestConfig {
        pub api_base: Option<String>,
        pub request_timeout_ms: Option<u32>,
    }

    /// Read at every use, not cached: the harness writes it after the worker has started, and
    /// the spare core instance (background.js) must see the same value.
    pub async fn read() -> TestConfig {
        platform::get::<TestConfig>(Area::Local, KEY)
            .await
            .ok()
            .flatten()
            .unwrap_or_default()
    }
}
