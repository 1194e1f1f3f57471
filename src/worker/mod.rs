//! The worker's core: its exports to the extension's JavaScript, the message handlers, and
//! [`platform`], the one module that binds to the browser.
//!
//! The background service worker forwards every message from the extension's own pages to
//! `handle_message`; the answer is `{ok: ...}` or `{error: {code, ...}}`. The exports that
//! carry a `JsValue` exist in the wasm32 build only; the others are plain functions natively,
//! where `handle_json` stands for `handle_message` and the worker runs on the in-memory
//! browser of `platform::memory` (the worker's native tests).

pub mod at_rest;
mod changes;
mod clock;
mod config;
mod driver;
mod error;
mod history;
mod media;
mod msg_accounts;
mod msg_compose;
#[cfg(feature = "test-hooks")]
mod msg_core;
mod msg_vault;
mod net;
pub mod platform;
mod progress;
mod protocol;
mod rekey;
mod schedule;
mod send;
mod session;
mod set_aside;
mod status;
mod upload;

#[cfg(target_arch = "wasm32")]
use {serde::Serialize, serde_json::Value, wasm_bindgen::prelude::*};

pub use config::{api_base, request_timeout_ms};
pub use error::AppError;
pub use protocol::{MAX_MESSAGE_BYTES, check_message};

#[cfg(all(feature = "test-hooks", target_arch = "wasm32"))]
use crate::accounts::KeysForm;
#[cfg(all(feature = "test-hooks", target_arch = "wasm32"))]
use crate::oauth1;

/// The core's version (the extension's version).
#[cfg_attr(target_arch = "wasm32", wasm_bindgen)]
pub fn version() -> String {
    crate::VERSION.to_owned()
}

/// Signs one request and returns its `Authorization` header: the signer as the extension runs
/// it, exposed so that pages (and the end-to-end tests) can check it against the sandbox.
/// `form` is a list of `[name, value]` pairs sent as a form body; `keys` holds the four keys.
/// Sandbox builds only (cargo feature `test-hooks`): a release build does not export it.
#[cfg(all(feature = "test-hooks", target_arch = "wasm32"))]
#[wasm_bindgen]
pub fn sign_authorization(
    method: &str,
    url: &str,
    form: JsValue,
    keys: JsValue,
    nonce: &str,
    timestamp: f64,
) -> Result<String, JsValue> {
    let err = |code: &str| JsValue::from_str(code);
    let form: Vec<(String, String)> =
        serde_wasm_bindgen::from_value(form).map_err(|_| err("bad_arguments"))?;
    let keys: KeysForm = serde_wasm_bindgen::from_value(keys).map_err(|_| err("bad_arguments"))?;
    let signed = oauth1::sign(
        method,
        url,
        &form,
        &keys.credentials(),
        nonce,
        timestamp as u64,
    )
    .map_err(|e| err(e.code()))?;
    Ok(signed.authorization)
}

/// Handles one message from an extension page and resolves to `{ok}` or `{error}`. The
/// message is read as its JSON text and decoded strictly ([`protocol::decode`]): too large, unknown
/// type, unknown field and malformed messages are refused before anything runs.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub async fn handle_message(msg: JsValue) -> JsValue {
    to_js(&driver::message(message_text(&msg)).await)
}

/// `handle_message` natively: one message as its JSON text, answered as the JSON text of
/// `{ok}` or `{error}`, through the same decoding and handlers (on the installed in-memory
/// browser, `platform::memory`).
#[cfg(not(target_arch = "wasm32"))]
pub async fn handle_json(msg: &str) -> String {
    driver::message(Ok(msg.to_owned())).await.to_string()
}

/// An answer as a plain JavaScript object (`null` if it cannot be one).
#[cfg(target_arch = "wasm32")]
fn to_js(value: &Value) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// A message as JSON text, as `chrome.runtime.sendMessage` carried it. Its length in UTF-16
/// code units is checked before it is copied into the core: a text longer than
/// [`MAX_MESSAGE_BYTES`] units is longer than that in UTF-8 too.
#[cfg(target_arch = "wasm32")]
fn message_text(msg: &JsValue) -> Result<String, AppError> {
    // JSON.stringify answers `undefined` (not a string) for anything but an object here.
    if !msg.is_object() {
        return Err(AppError::new("bad_message"));
    }
    let text = js_sys::JSON::stringify(msg).map_err(|_| AppError::new("bad_message"))?;
    if text.length() as usize > MAX_MESSAGE_BYTES {
        return Err(protocol::decode::too_large());
    }
    text.as_string().ok_or_else(|| AppError::new("bad_message"))
}

/// Handles a `chrome.alarms` alarm by name.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen)]
pub async fn on_alarm(name: String) {
    driver::alarm(&name).await;
}

/// The worker started (its top-level code runs this): recover the schedule, send what is due,
/// and set the alarm from the stored queue.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen)]
pub async fn on_worker_start() {
    driver::worker_start().await;
}

/// `chrome.runtime.onStartup`: the browser started (the vault is locked).
#[cfg_attr(target_arch = "wasm32", wasm_bindgen)]
pub async fn on_startup() {
    driver::startup().await;
}

/// `chrome.runtime.onInstalled`: installed or updated. Answers whether the setup page should
/// open: only while no vault exists. Chromium reports an unpacked extension as newly
/// installed at every launch, so "reason = install" alone would reopen setup every time.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen)]
pub async fn on_installed() -> bool {
    driver::installed().await
}

/// `chrome.notifications.onClicked`.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen)]
pub async fn on_notification_click(id: String) {
    driver::notification_click(&id).await;
}

/// A right-click share: composes the text (selection quoted, page title and link when the
/// setting says so) and keeps it for the composer. Resolves to `{ok}` or `{error}`.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub async fn on_context_menu(info: JsValue, tab: JsValue) -> JsValue {
    let source = serde_wasm_bindgen::from_value(info).ok();
    let tab = serde_wasm_bindgen::from_value(tab).unwrap_or_default();
    to_js(&driver::share(source, tab).await)
}

/// `on_context_menu` natively: the click's `info` and `tab` as JSON text, answered as the JSON
/// text of `{ok}` or `{error}`.
#[cfg(not(target_arch = "wasm32"))]
pub async fn on_context_menu_json(info: &str, tab: &str) -> String {
    let source = serde_json::from_str(info).ok();
    let tab = serde_json::from_str(tab).unwrap_or_default();
    driver::share(source, tab).await.to_string()
}

// The pure functions pages call are in crate::page (also built alone as the pages' core);
// the worker's core exports them too, under their old path here.
pub use crate::page::{
    check_post, count_text, count_text_numbers, estimate_cost, limits, passphrase_strength,
    price_table, sniff_image, split_thread,
};
