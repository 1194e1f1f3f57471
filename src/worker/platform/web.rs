//! The real browser behind the [facade](super), in the extension (wasm32): `fetch`, the clock,
//! randomness, `chrome.*` and the media store, each a thin binding. The facade documents what
//! each function does.

use js_sys::{Object, Promise, Reflect, Uint8Array};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Blob, BlobPropertyBag, FormData, Headers, RequestInit, Response};

use super::types::{Area, MediaInfo, StoredMedia};
use crate::http::{Body, HttpRequest, HttpResponse};
use crate::worker::error::AppError;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(input: &web_sys::Request) -> Promise;

    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &mut [u8]) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = get, catch)]
    fn local_get(keys: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = set, catch)]
    fn local_set(items: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = remove, catch)]
    fn local_remove(keys: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = get, catch)]
    fn session_get(keys: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = set, catch)]
    fn session_set(items: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = remove, catch)]
    fn session_remove(keys: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "alarms"], js_name = create, catch)]
    fn alarms_create(name: &str, info: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "alarms"], js_name = get, catch)]
    fn alarms_get(name: &str) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "alarms"], js_name = clear, catch)]
    fn alarms_clear(name: &str) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "notifications"], js_name = create, catch)]
    fn notifications_create(id: &str, options: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "notifications"], js_name = clear, catch)]
    fn notifications_clear(id: &str) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "i18n"], js_name = getMessage)]
    fn i18n_get_message(name: &str, substitutions: &JsValue) -> String;

    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = openOptionsPage, catch)]
    fn runtime_open_options_page() -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = getURL)]
    fn runtime_get_url(path: &str) -> String;
    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = getPlatformInfo, catch)]
    fn runtime_get_platform_info() -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "tabs"], js_name = create, catch)]
    fn tabs_create(props: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "action"], js_name = setBadgeText, catch)]
    fn action_set_badge_text(details: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "action"], js_name = setBadgeBackgroundColor, catch)]
    fn action_set_badge_background_color(details: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "action"], js_name = setTitle, catch)]
    fn action_set_title(details: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "i18n"], js_name = getUILanguage)]
    fn ui_language() -> String;
}

#[wasm_bindgen(module = "/extension/media-store.js")]
extern "C" {
    #[wasm_bindgen(js_name = getMedia, catch)]
    async fn get_media(id: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = deleteMedia, catch)]
    async fn delete_media(id: &str) -> Result<JsValue, JsValue>;
}

pub(super) async fn create_alarm(
    name: &str,
    when_ms: u64,
    period_minutes: Option<f64>,
) -> Result<(), AppError> {
    let info = Object::new();
    Reflect::set(&info, &"when".into(), &JsValue::from_f64(when_ms as f64))
        .map_err(js_err("platform_alarms"))?;
    if let Some(period) = period_minutes {
        Reflect::set(&info, &"periodInMinutes".into(), &JsValue::from_f64(period))
            .map_err(js_err("platform_alarms"))?;
    }
    let promise = alarms_create(name, &info).map_err(js_err("platform_alarms"))?;
    JsFuture::from(promise)
        .await
        .map_err(js_err("platform_alarms"))?;
    Ok(())
}

/// When a named alarm fires next (Unix milliseconds), or `None` when there is no such alarm.
pub(super) async fn alarm_at(name: &str) -> Result<Option<u64>, AppError> {
    let promise = alarms_get(name).map_err(js_err("platform_alarms"))?;
    let alarm = JsFuture::from(promise)
        .await
        .map_err(js_err("platform_alarms"))?;
    if alarm.is_undefined() || alarm.is_null() {
        return Ok(None);
    }
    let at = Reflect::get(&alarm, &"scheduledTime".into()).map_err(js_err("platform_alarms"))?;
    Ok(at.as_f64().map(|ms| ms as u64))
}

/// Clears a named alarm (nothing happens when there is none).
pub(super) async fn clear_alarm(name: &str) -> Result<(), AppError> {
    let promise = alarms_clear(name).map_err(js_err("platform_alarms"))?;
    JsFuture::from(promise)
        .await
        .map_err(js_err("platform_alarms"))?;
    Ok(())
}

/// A localised string from the extension's `_locales`, for text the worker shows itself
/// (notifications, context menus).
pub(super) fn message(name: &str, substitutions: &[&str]) -> String {
    let subs = js_sys::Array::new();
    for s in substitutions {
        subs.push(&JsValue::from_str(s));
    }
    i18n_get_message(name, &subs)
}

/// Shows (or replaces) a basic notification with the extension's icon.
pub(super) async fn notify(id: &str, title: &str, text: &str) -> Result<(), AppError> {
    let options = Object::new();
    let set = |k: &str, v: &JsValue| Reflect::set(&options, &k.into(), v);
    set("type", &"basic".into()).map_err(js_err("platform_notifications"))?;
    set("iconUrl", &"icons/icon128.png".into()).map_err(js_err("platform_notifications"))?;
    set("title", &title.into()).map_err(js_err("platform_notifications"))?;
    set("message", &text.into()).map_err(js_err("platform_notifications"))?;
    let promise = notifications_create(id, &options).map_err(js_err("platform_notifications"))?;
    JsFuture::from(promise)
        .await
        .map_err(js_err("platform_notifications"))?;
    Ok(())
}

/// Removes a notification.
pub(super) async fn clear_notification(id: &str) -> Result<(), AppError> {
    let promise = notifications_clear(id).map_err(js_err("platform_notifications"))?;
    JsFuture::from(promise)
        .await
        .map_err(js_err("platform_notifications"))?;
    Ok(())
}

/// Opens the extension's options page (or focuses it when it is open).
pub(super) async fn open_options_page() -> Result<(), AppError> {
    let promise = runtime_open_options_page().map_err(js_err("platform_tabs"))?;
    JsFuture::from(promise)
        .await
        .map_err(js_err("platform_tabs"))?;
    Ok(())
}

/// Opens one of the extension's own pages (`path` inside the package) in a new tab.
pub(super) async fn open_tab(path: &str) -> Result<(), AppError> {
    let props = Object::new();
    Reflect::set(&props, &"url".into(), &runtime_get_url(path).into())
        .map_err(js_err("platform_tabs"))?;
    let promise = tabs_create(&props).map_err(js_err("platform_tabs"))?;
    JsFuture::from(promise)
        .await
        .map_err(js_err("platform_tabs"))?;
    Ok(())
}

/// `navigator.onLine`: whether the browser believes it has a network (true when it cannot
/// tell).
pub(super) fn browser_online() -> bool {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).ok();
    navigator
        .and_then(|n| Reflect::get(&n, &"onLine".into()).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(true)
}

/// Milliseconds since the Unix epoch.
pub(super) fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Fills a buffer from the platform's CSPRNG (`crypto.getRandomValues`, at most 65,536 bytes).
pub(super) fn fill_random(buf: &mut [u8]) -> Result<(), AppError> {
    get_random_values(buf).map_err(|_| AppError::new("platform_no_random"))?;
    Ok(())
}

/// Waits `ms`, cut into the core's keep-alive slices ([`crate::upload::keep_alive_slices`]),
/// with a cheap extension API call (`chrome.runtime.getPlatformInfo`) after each: Chrome stops
/// a service worker after 30 s without one, and a timer alone does not count.
pub(super) async fn sleep_awake(ms: u64) {
    for slice in crate::upload::keep_alive_slices(ms) {
        gloo_timers::future::TimeoutFuture::new(u32::try_from(slice).unwrap_or(u32::MAX)).await;
        if let Ok(promise) = runtime_get_platform_info() {
            let _ = JsFuture::from(promise).await;
        }
    }
}

/// Waits `ms` on a plain timer.
pub(super) async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// Runs a task on the worker's event loop.
pub(super) fn spawn(task: impl std::future::Future<Output = ()> + 'static) {
    wasm_bindgen_futures::spawn_local(task);
}

/// A time as the user's locale writes it, with the weekday: "Tue 14:30".
pub(super) fn local_time(ms: u64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    let options = Object::new();
    let _ = Reflect::set(&options, &"weekday".into(), &"short".into());
    let _ = Reflect::set(&options, &"hour".into(), &"2-digit".into());
    let _ = Reflect::set(&options, &"minute".into(), &"2-digit".into());
    let _ = Reflect::set(&options, &"month".into(), &"short".into());
    let _ = Reflect::set(&options, &"day".into(), &"numeric".into());
    date.to_locale_string(&ui_language(), &options).into()
}

/// The browser's zone at an instant, local minus UTC in milliseconds.
pub(super) fn zone_offset_ms(utc_ms: i64) -> i64 {
    // getTimezoneOffset is UTC minus local, in minutes.
    let minutes = js_sys::Date::new(&JsValue::from_f64(utc_ms as f64)).get_timezone_offset();
    -(minutes * 60_000.0) as i64
}

/// One `chrome.action` call with `{key: value}`.
async fn action(
    f: fn(&JsValue) -> Result<Promise, JsValue>,
    key: &str,
    value: &str,
) -> Result<(), AppError> {
    let details = Object::new();
    let _ = Reflect::set(&details, &key.into(), &value.into());
    let promise = f(&details).map_err(js_err("platform_action"))?;
    JsFuture::from(promise)
        .await
        .map_err(js_err("platform_action"))?;
    Ok(())
}

pub(super) async fn set_badge_text(text: &str) -> Result<(), AppError> {
    action(action_set_badge_text, "text", text).await
}

pub(super) async fn set_badge_color(color: &str) -> Result<(), AppError> {
    action(action_set_badge_background_color, "color", color).await
}

pub(super) async fn set_action_title(title: &str) -> Result<(), AppError> {
    action(action_set_title, "title", title).await
}

/// The media store's record for `id` (`{type, bytes: ArrayBuffer}`), or `None`.
async fn media_record(id: &str) -> Result<Option<JsValue>, AppError> {
    let stored = get_media(id).await.map_err(js_err("platform_media"))?;
    if stored.is_null() || stored.is_undefined() {
        return Ok(None);
    }
    Ok(Some(stored))
}

/// A record's `type` (empty when it has none).
fn media_type(stored: &JsValue) -> String {
    Reflect::get(stored, &"type".into())
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_default()
}

pub(super) async fn media_get(id: &str) -> Result<Option<StoredMedia>, AppError> {
    let Some(stored) = media_record(id).await? else {
        return Ok(None);
    };
    let bytes = Reflect::get(&stored, &"bytes".into())
        .map(|b| Uint8Array::new(&b).to_vec())
        .map_err(js_err("platform_media"))?;
    Ok(Some(StoredMedia {
        media_type: media_type(&stored),
        bytes,
    }))
}

pub(super) async fn media_info(id: &str) -> Result<Option<MediaInfo>, AppError> {
    let Some(stored) = media_record(id).await? else {
        return Ok(None);
    };
    let size = Reflect::get(&stored, &"bytes".into())
        .ok()
        .and_then(|b| Reflect::get(&b, &"byteLength".into()).ok())
        .and_then(|n| n.as_f64())
        .unwrap_or(0.0) as u64;
    Ok(Some(MediaInfo {
        media_type: media_type(&stored),
        size,
    }))
}

pub(super) async fn media_delete(id: &str) -> Result<(), AppError> {
    delete_media(id).await.map_err(js_err("platform_media"))?;
    Ok(())
}

fn js_err(code: &'static str) -> impl Fn(JsValue) -> AppError {
    move |_| AppError::new(code)
}

/// Sends a request, abandoned after `timeout_ms`. A network failure or timeout is
/// `offline`/`timeout`; any HTTP status is a response for the core to classify.
pub(super) async fn send(req: &HttpRequest, timeout_ms: u32) -> Result<HttpResponse, AppError> {
    let init = RequestInit::new();
    init.set_method(req.method.as_str());
    let headers = Headers::new().map_err(js_err("platform_fetch"))?;
    for (k, v) in &req.headers {
        headers.append(k, v).map_err(js_err("platform_fetch"))?;
    }
    match &req.body {
        Body::Empty => {}
        Body::Json { text } => {
            headers
                .set("content-type", "application/json")
                .map_err(js_err("platform_fetch"))?;
            init.set_body(&JsValue::from_str(text));
        }
        Body::Form { params } => {
            headers
                .set("content-type", "application/x-www-form-urlencoded")
                .map_err(js_err("platform_fetch"))?;
            let body: Vec<String> = params
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}={}",
                        crate::oauth1::percent_encode(k),
                        crate::oauth1::percent_encode(v)
                    )
                })
                .collect();
            init.set_body(&JsValue::from_str(&body.join("&")));
        }
        Body::Multipart { parts } => {
            // The browser writes the boundary and the part headers.
            let form = FormData::new().map_err(js_err("platform_fetch"))?;
            for part in parts {
                match &part.filename {
                    Some(name) => {
                        let bytes = Uint8Array::from(part.data.as_slice());
                        let seq = js_sys::Array::of1(&bytes);
                        let bag = BlobPropertyBag::new();
                        if let Some(ct) = &part.content_type {
                            bag.set_type(ct);
                        }
                        let blob = Blob::new_with_u8_array_sequence_and_options(&seq, &bag)
                            .map_err(js_err("platform_fetch"))?;
                        form.append_with_blob_and_filename(&part.name, &blob, name)
                            .map_err(js_err("platform_fetch"))?;
                    }
                    None => {
                        let text = String::from_utf8_lossy(&part.data);
                        form.append_with_str(&part.name, &text)
                            .map_err(js_err("platform_fetch"))?;
                    }
                }
            }
            init.set_body(&form);
        }
    }
    init.set_headers(&headers);
    let controller = AbortController::new().map_err(js_err("platform_fetch"))?;
    init.set_signal(Some(&controller.signal()));
    let request = web_sys::Request::new_with_str_and_init(&req.url, &init)
        .map_err(js_err("platform_bad_request"))?;
    let fired = std::rc::Rc::new(std::cell::Cell::new(false));
    let flag = fired.clone();
    // Abandoned after `timeout_ms`: below the service worker's 30-second limit for a pending
    // `fetch` (`net` passes the core's `upload::REQUEST_TIMEOUT_MS`, shorter in sandbox builds
    // when a test asks: `config`).
    let timeout = gloo_timers::callback::Timeout::new(timeout_ms, move || {
        flag.set(true);
        controller.abort();
    });
    let result = JsFuture::from(global_fetch(&request)).await;
    drop(timeout.cancel());
    let timed_out = fired.get();
    let resp: Response = match result {
        Ok(v) => v.dyn_into().map_err(js_err("platform_fetch"))?,
        Err(_) if timed_out => return Err(AppError::new("timeout")),
        Err(_) => return Err(AppError::new("offline")),
    };
    // From here on X has answered: a failure to read the answer leaves the outcome unknown
    // (the request was processed), never "offline".
    let status = resp.status();
    let unreadable = move |_| AppError::new("response_unreadable").with("status", status);
    let mut header_list = Vec::new();
    let iter = js_sys::try_iter(&resp.headers())
        .ok()
        .flatten()
        .ok_or_else(|| unreadable(JsValue::NULL))?;
    for entry in iter {
        let entry = entry.map_err(unreadable)?;
        let pair = js_sys::Array::from(&entry);
        if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            header_list.push((k, v));
        }
    }
    let text = resp.text().map_err(unreadable)?;
    let body = JsFuture::from(text)
        .await
        .map_err(unreadable)?
        .as_string()
        .unwrap_or_default();
    Ok(HttpResponse {
        status,
        headers: header_list,
        body,
    })
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, AppError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|_| AppError::new("platform_storage"))
}

/// Reads one key; `None` when absent.
pub(super) async fn get<T: DeserializeOwned>(area: Area, key: &str) -> Result<Option<T>, AppError> {
    let keys = JsValue::from_str(key);
    let promise = match area {
        Area::Local => local_get(&keys),
        Area::Session => session_get(&keys),
    }
    .map_err(js_err("platform_storage"))?;
    let items = JsFuture::from(promise)
        .await
        .map_err(js_err("platform_storage"))?;
    let value = Reflect::get(&items, &keys).map_err(js_err("platform_storage"))?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    serde_wasm_bindgen::from_value(value)
        .map(Some)
        .map_err(|_| AppError::new("storage_malformed"))
}

/// Writes one key.
pub(super) async fn set<T: Serialize>(area: Area, key: &str, value: &T) -> Result<(), AppError> {
    let items = Object::new();
    Reflect::set(&items, &JsValue::from_str(key), &to_js(value)?)
        .map_err(js_err("platform_storage"))?;
    write(area, &items).await
}

/// Writes several keys in one `set` call: Chrome applies them together, so a reader sees
/// all of them or none (a new vault record with the one it replaces kept beside it).
pub(super) async fn set_many(area: Area, entries: &[(&str, Value)]) -> Result<(), AppError> {
    let items = Object::new();
    for (key, value) in entries {
        Reflect::set(&items, &JsValue::from_str(key), &to_js(value)?)
            .map_err(js_err("platform_storage"))?;
    }
    write(area, &items).await
}

/// One `chrome.storage.<area>.set(items)` call.
async fn write(area: Area, items: &Object) -> Result<(), AppError> {
    let promise = match area {
        Area::Local => local_set(items),
        Area::Session => session_set(items),
    }
    .map_err(js_err("platform_storage"))?;
    JsFuture::from(promise)
        .await
        .map_err(js_err("platform_storage"))?;
    Ok(())
}

/// Removes one key.
pub(super) async fn remove(area: Area, key: &str) -> Result<(), AppError> {
    let keys = JsValue::from_str(key);
    let promise = match area {
        Area::Local => local_remove(&keys),
        Area::Session => session_remove(&keys),
    }
    .map_err(js_err("platform_storage"))?;
    JsFuture::from(promise)
        .await
        .map_err(js_err("platform_storage"))?;
    Ok(())
}
