//! The browser as the core sees it: `fetch`, the clock, randomness, `chrome.*` storage, alarms,
//! notifications, the toolbar action, the media store and the task queue. Everything here is a
//! thin, typed binding; decisions are made by the sans-IO core.
//!
//! This module is the facade: the one set of functions the rest of the worker calls. Behind it,
//! - in the extension (wasm32), [`web`](self): the bindings to the real browser;
//! - everywhere else (`cargo test`), [`memory`]: an in-memory browser for the worker's native
//!   tests, which a test installs on its thread ([`memory::MemoryBrowser::install`]).
//!
//! No other file of the worker touches `wasm_bindgen`, `js_sys`, `web_sys` or the futures and
//! timers built on them (but for the exports in `worker/mod.rs`).

use std::future::Future;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::AppError;
use crate::http::{HttpRequest, HttpResponse};

#[cfg(not(target_arch = "wasm32"))]
pub mod memory;
mod types;
#[cfg(target_arch = "wasm32")]
mod web;

#[cfg(not(target_arch = "wasm32"))]
use memory as imp;
#[cfg(target_arch = "wasm32")]
use web as imp;

pub use types::{Area, MediaInfo, StoredMedia};

/// `crypto.getRandomValues` as the core's entropy source.
pub struct BrowserEntropy;

impl crate::vault::Entropy for BrowserEntropy {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), crate::vault::NoEntropy> {
        // It cannot fail in an extension context; if it ever did, the caller gets an error
        // (and writes nothing) instead of weak bytes or an exception that skips destructors.
        for chunk in buf.chunks_mut(65_536) {
            fill_random(chunk).map_err(|_| crate::vault::NoEntropy)?;
        }
        Ok(())
    }
}

// ----- chrome.storage -----

/// Reads one key; `None` when absent.
pub async fn get<T: DeserializeOwned>(area: Area, key: &str) -> Result<Option<T>, AppError> {
    imp::get(area, key).await
}

/// Writes one key.
pub async fn set<T: Serialize>(area: Area, key: &str, value: &T) -> Result<(), AppError> {
    imp::set(area, key, value).await
}

/// Writes several keys in one `set` call: Chrome applies them together, so a reader sees
/// all of them or none (a new vault record with the one it replaces kept beside it).
pub async fn set_many(area: Area, entries: &[(&str, Value)]) -> Result<(), AppError> {
    imp::set_many(area, entries).await
}

/// Removes one key.
pub async fn remove(area: Area, key: &str) -> Result<(), AppError> {
    imp::remove(area, key).await
}

// ----- chrome.alarms -----

/// Sets (or moves) a named alarm to fire once at `when_ms`.
pub async fn set_alarm(name: &str, when_ms: u64) -> Result<(), AppError> {
    imp::create_alarm(name, when_ms, None).await
}

/// Sets (or moves) a named alarm to fire first at `when_ms`, then every `period_minutes` until
/// it is set again or cleared.
pub async fn set_repeating_alarm(
    name: &str,
    when_ms: u64,
    period_minutes: f64,
) -> Result<(), AppError> {
    imp::create_alarm(name, when_ms, Some(period_minutes)).await
}

/// When a named alarm fires next (Unix milliseconds), or `None` when there is no such alarm.
pub async fn alarm_at(name: &str) -> Result<Option<u64>, AppError> {
    imp::alarm_at(name).await
}

/// Clears a named alarm (nothing happens when there is none).
pub async fn clear_alarm(name: &str) -> Result<(), AppError> {
    imp::clear_alarm(name).await
}

// ----- chrome.i18n, the user's locale and zone -----

/// A localised string from the extension's `_locales`, for text the worker shows itself
/// (notifications, context menus).
pub fn message(name: &str, substitutions: &[&str]) -> String {
    imp::message(name, substitutions)
}

/// A time as the user's locale writes it, with the weekday: "Tue 14:30".
pub fn local_time(ms: u64) -> String {
    imp::local_time(ms)
}

/// The user's zone at an instant: local time minus UTC, in milliseconds (the browser's `Date`).
pub fn zone_offset_ms(utc_ms: i64) -> i64 {
    imp::zone_offset_ms(utc_ms)
}

/// The user's zone as the browser's `Date` knows it, for the core ([`crate::civil::Zone`]):
/// the core asks it for the offset at an instant, so no zone data is in the wasm.
pub struct BrowserZone;

impl crate::civil::Zone for BrowserZone {
    fn offset_ms(&self, utc_ms: i64) -> i64 {
        zone_offset_ms(utc_ms)
    }
}

/// The UTC day of an instant as ISO 8601 writes it (`2026-03-01`), as the first ten
/// characters of `Date.prototype.toISOString` give it (for backup file names).
pub fn iso_day(ms: u64) -> String {
    let ms = i64::try_from(ms).unwrap_or(i64::MAX);
    let c = crate::civil::Civil::of(ms);
    // toISOString writes a year outside 0..=9999 with a sign and six digits.
    let full = if (0..=9999).contains(&c.year) {
        format!("{:04}-{:02}-{:02}", c.year, c.month, c.day)
    } else {
        let sign = if c.year < 0 { '-' } else { '+' };
        format!("{sign}{:06}-{:02}-{:02}", c.year.abs(), c.month, c.day)
    };
    full.chars().take(10).collect()
}

// ----- chrome.notifications, chrome.action, tabs -----

/// Shows (or replaces) a basic notification with the extension's icon.
pub async fn notify(id: &str, title: &str, text: &str) -> Result<(), AppError> {
    imp::notify(id, title, text).await
}

/// Removes a notification.
pub async fn clear_notification(id: &str) -> Result<(), AppError> {
    imp::clear_notification(id).await
}

/// Sets the toolbar badge's text (`chrome.action.setBadgeText`).
pub async fn set_badge_text(text: &str) -> Result<(), AppError> {
    imp::set_badge_text(text).await
}

/// Sets the toolbar badge's colour (`chrome.action.setBadgeBackgroundColor`, a CSS colour).
pub async fn set_badge_color(color: &str) -> Result<(), AppError> {
    imp::set_badge_color(color).await
}

/// Sets the toolbar button's tooltip (`chrome.action.setTitle`).
pub async fn set_action_title(title: &str) -> Result<(), AppError> {
    imp::set_action_title(title).await
}

/// Opens the extension's options page (or focuses it when it is open).
pub async fn open_options_page() -> Result<(), AppError> {
    imp::open_options_page().await
}

/// Opens one of the extension's own pages (`path` inside the package) in a new tab.
pub async fn open_tab(path: &str) -> Result<(), AppError> {
    imp::open_tab(path).await
}

// ----- the media store (extension/media-store.js) -----

/// An image from the media store, or `None` when it holds none under `id`.
pub async fn media_get(id: &str) -> Result<Option<StoredMedia>, AppError> {
    imp::media_get(id).await
}

/// An image's type and size, without its bytes, or `None` when the store holds none.
pub async fn media_info(id: &str) -> Result<Option<MediaInfo>, AppError> {
    imp::media_info(id).await
}

/// Deletes one image from the media store (nothing happens when there is none).
pub async fn media_delete(id: &str) -> Result<(), AppError> {
    imp::media_delete(id).await
}

// ----- network, clock, randomness, tasks -----

/// `navigator.onLine`: whether the browser believes it has a network (true when it cannot
/// tell).
pub fn browser_online() -> bool {
    imp::browser_online()
}

/// Sends a request, abandoned after `timeout_ms` (the caller's: `config::request_timeout_ms`).
/// A network failure or timeout is `offline`/`timeout`; any HTTP status is a response for the
/// core to classify.
pub async fn send(req: &HttpRequest, timeout_ms: u32) -> Result<HttpResponse, AppError> {
    imp::send(req, timeout_ms).await
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    imp::now_ms()
}

/// Fills a buffer from the platform's CSPRNG (`crypto.getRandomValues`, at most 65,536 bytes).
pub fn fill_random(buf: &mut [u8]) -> Result<(), AppError> {
    imp::fill_random(buf)
}

/// `N` random bytes from the platform's CSPRNG.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], AppError> {
    let mut buf = [0u8; N];
    fill_random(&mut buf)?;
    Ok(buf)
}

/// Waits `ms`, keeping the service worker alive: cut into the core's keep-alive slices
/// ([`crate::upload::keep_alive_slices`]) with a cheap extension API call after each, since
/// Chrome stops a service worker after 30 s without one and a timer alone does not count.
pub async fn sleep_awake(ms: u64) {
    imp::sleep_awake(ms).await
}

/// Waits `ms` (a plain timer: short waits only, it does not keep the worker alive).
pub async fn sleep(ms: u32) {
    imp::sleep(ms).await
}

/// Runs a task in the background, on this thread (the worker has one).
pub fn spawn(task: impl Future<Output = ()> + 'static) {
    imp::spawn(task)
}
