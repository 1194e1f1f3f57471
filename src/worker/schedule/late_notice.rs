//! Late posts in the worker: the core's late policy applied before every send
//! ([`crate::schedule::Queue::apply_late`]), and one notification that lists what was missed
//! and what was done with each.

use super::store::{self, with_queue};
use crate::schedule::{LateDecision, LateReport, Queue};
use crate::worker::{AppError, platform, session};

/// The notification that lists the late posts (replaced by the next one).
const LATE_NOTIFICATION: &str = "schedule_late";

/// Judges every late post by its policy (else the default setting), then says what was done.
pub async fn apply() -> Result<(), AppError> {
    let default = session::settings().await?.default_late_policy();
    let report = with_queue(|q, now| Ok(q.apply_late(now, default))).await?;
    if !report.is_empty() {
        notify(&report).await;
    }
    Ok(())
}

/// A post's first words, when the user chose to see texts in notifications (else, and while
/// locked, when its text is sealed, its time alone names it).
fn name(queue: &Queue, id: crate::schedule::ItemId, notify_text: bool) -> Option<String> {
    let text = queue
        .get(id)
        .and_then(|i| i.posts.first())
        .map(|p| p.text.as_str())
        .unwrap_or("");
    crate::schedule::notice::words(text, notify_text)
}

/// One line per late post: its original time, its first words and what was done.
async fn notify(report: &LateReport) {
    let queue = store::read().await.unwrap_or_default();
    let notify_text = session::settings()
        .await
        .map(|s| s.notify_text)
        .unwrap_or(false);
    let lines: Vec<String> = report
        .entries
        .iter()
        .map(|e| {
            let key = match e.decision {
                LateDecision::Send => "lateLineSent",
                LateDecision::Ask => "lateLineAsk",
                LateDecision::Skip => "lateLineSkipped",
            };
            let minutes = (e.late_by_ms / 60_000).to_string();
            let line = platform::message(key, &[&platform::local_time(e.due_at_ms), &minutes]);
            match name(&queue, e.id, notify_text) {
                Some(words) => format!("{line}: “{words}”"),
                None => line,
            }
        })
        .collect();
    let title = platform::message("lateNotifyTitle", &[&report.entries.len().to_string()]);
    let _ = platform::notify(LATE_NOTIFICATION, &title, &lines.join("\n")).await;
}
