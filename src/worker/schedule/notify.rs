//! The scheduler's notifications and their texts: posts waiting for an unlock, one item's
//! news (sent, failed, waiting for a decision), and a storage fault that stops the runs.

use super::store;
use crate::schedule::notice::{self, ClickTarget, UNLOCK_NOTIFICATION};
use crate::schedule::{ConfirmReason, Item, ItemId, State};
use crate::worker::{platform, session};

/// The notification that says scheduled posts are paused because storage failed.
const STORAGE_NOTIFICATION: &str = "schedule_storage";

/// Says how many posts wait for the vault (nothing when none do).
pub async fn notify_unlock(waiting: usize) {
    if waiting == 0 {
        return;
    }
    let title = platform::message("scheduleNotifyUnlockTitle", &[]);
    let text = platform::message("scheduleNotifyUnlockText", &[&waiting.to_string()]);
    let _ = platform::notify(UNLOCK_NOTIFICATION, &title, &text).await;
}

/// Takes back the unlock notification: nothing waits for the vault any more.
pub async fn clear_unlock() {
    let _ = platform::clear_notification(UNLOCK_NOTIFICATION).await;
}

/// Says that scheduled posts are paused because the queue could not be read or written:
/// nothing was uploaded or sent after the failed write.
pub async fn notify_storage_fault() {
    let title = platform::message("scheduleNotifyStorageTitle", &[]);
    let text = platform::message("scheduleNotifyStorageText", &[]);
    let _ = platform::notify(STORAGE_NOTIFICATION, &title, &text).await;
}

/// How a notification names an item: its first words in quotes when the user chose to see
/// texts in notifications (the core's rule, [`notice::words`]), else its account and time.
async fn name(item: &Item) -> String {
    let notify_text = session::settings()
        .await
        .map(|s| s.notify_text)
        .unwrap_or(false);
    let text = item.posts.first().map_or("", |p| p.text.as_str());
    if let Some(words) = notice::words(text, notify_text) {
        return format!("“{words}”");
    }
    let names = store::usernames().await.unwrap_or_default();
    let account = names
        .get(&item.account_id)
        .map_or_else(|| item.account_id.clone(), |u| format!("@{u}"));
    platform::message(
        "scheduleNotifyPostOf",
        &[&account, &platform::local_time(item.due_at_ms)],
    )
}

/// Tells the user about one item's state (sent, failed, waiting for a decision).
pub async fn notify_item(id: ItemId) {
    let Ok(queue) = store::read().await else {
        return;
    };
    let Some(item) = queue.get(id) else {
        return;
    };
    let text = name(item).await;
    let (key, detail) = match &item.state {
        State::Sent { .. } => ("scheduleNotifySent", String::new()),
        State::Failed { code, .. } => ("scheduleNotifyFailed", error_text(code)),
        State::NeedsConfirmation { reason, .. } => (
            "scheduleNotifyConfirm",
            platform::message(confirm_key(*reason), &[]),
        ),
        _ => return,
    };
    let title = platform::message(&format!("{key}Title"), &[]);
    let body = platform::message(&format!("{key}Text"), &[&text, &detail]);
    let _ = platform::notify(&format!("schedule_item_{}", id.0), &title, &body).await;
}

/// The locale key of the question an item waits on.
fn confirm_key(reason: ConfirmReason) -> &'static str {
    match reason {
        ConfirmReason::UnknownOutcome => "scheduleReasonUnknownOutcome",
        ConfirmReason::Late => "scheduleReasonLate",
        ConfirmReason::ReplyTargetUnknown => "scheduleReasonReplyTargetUnknown",
    }
}

/// The localised text of an error code (the code itself when there is none).
fn error_text(code: &str) -> String {
    let text = platform::message(&format!("err_{code}"), &[]);
    if text.is_empty() {
        code.to_owned()
    } else {
        text
    }
}

/// A notification was clicked: the unlock one opens the options page (where the vault is
/// unlocked), the others open the queue view.
pub async fn on_notification_click(id: &str) {
    let _ = match notice::click_target(id) {
        None => return,
        Some(ClickTarget::Options) => platform::open_options_page().await,
        Some(ClickTarget::Queue) => platform::open_tab("queue.html").await,
    };
    let _ = platform::clear_notification(id).await;
}
