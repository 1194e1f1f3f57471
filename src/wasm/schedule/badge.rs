//! The toolbar badge, set from the core's [`crate::badge::badge`]: refreshed after every queue
//! write, every change of the vault's lock state and at every worker start.

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::store;
use crate::badge::{Badge, NeedsUser, badge};
use crate::wasm::{AppError, platform, session};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "action"], js_name = setBadgeText, catch)]
    fn action_set_badge_text(details: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "action"], js_name = setBadgeBackgroundColor, catch)]
    fn action_set_badge_background_color(details: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "action"], js_name = setTitle, catch)]
    fn action_set_title(details: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "i18n"], js_name = getUILanguage)]
    fn ui_language() -> String;
}

/// The badge for the stored queue and the vault's state now.
pub async fn current() -> Result<Badge, AppError> {
    let queue = store::read().await?;
    let unlocked = session::has_session().await?;
    Ok(badge(&queue, unlocked))
}

/// A time as the user's locale writes it, with the weekday: "Tue 14:30".
pub fn local_time(ms: u64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    let options = Object::new();
    let _ = Reflect::set(&options, &"weekday".into(), &"short".into());
    let _ = Reflect::set(&options, &"hour".into(), &"2-digit".into());
    let _ = Reflect::set(&options, &"minute".into(), &"2-digit".into());
    let _ = Reflect::set(&options, &"month".into(), &"short".into());
    let _ = Reflect::set(&options, &"day".into(), &"numeric".into());
    date.to_locale_string(&ui_language(), &options).into()
}

/// The tooltip: how many are queued, when the next goes and that Chrome must run then, and
/// why the badge is marked.
fn title(b: &Badge) -> String {
    let mut lines = vec![platform::message("actionTitle", &[])];
    if b.queued > 0 {
        lines.push(platform::message("badgeQueued", &[&b.queued.to_string()]));
    }
    if let Some(next) = b.next_due_ms {
        lines.push(platform::message("badgeNext", &[&local_time(next)]));
    }
    if let Some(reason) = b.reason {
        let key = match reason {
            NeedsUser::Failed => "badgeReasonFailed",
            NeedsUser::Decide => "badgeReasonDecide",
            NeedsUser::Unlock => "badgeReasonUnlock",
            NeedsUser::Locked => "badgeReasonLocked",
        };
        lines.push(platform::message(key, &[&b.needs_user.to_string()]));
    }
    lines.join("\n")
}

async fn call(
    f: fn(&JsValue) -> Result<Promise, JsValue>,
    details: &Object,
) -> Result<(), AppError> {
    let promise = f(details).map_err(|_| AppError::new("platform_action"))?;
    JsFuture::from(promise)
        .await
        .map_err(|_| AppError::new("platform_action"))?;
    Ok(())
}

fn details(key: &str, value: &str) -> Object {
    let o = Object::new();
    let _ = Reflect::set(&o, &key.into(), &value.into());
    o
}

/// Sets the badge from the stored queue and the vault's state.
pub async fn refresh() -> Result<(), AppError> {
    let b = current().await?;
    call(
        action_set_badge_background_color,
        &details("color", b.color),
    )
    .await?;
    call(action_set_badge_text, &details("text", &b.text)).await?;
    call(action_set_title, &details("title", &title(&b))).await
}

/// [`refresh`] in the background: callers may hold the queue's lock, which it takes.
pub fn refresh_soon() {
    wasm_bindgen_futures::spawn_local(async {
        let _ = refresh().await;
    });
}
