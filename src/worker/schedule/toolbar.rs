//! The toolbar badge, set from the core's [`crate::badge::badge`]: the driver refreshes it
//! after every queue write, every change of the vault's lock state and at every worker start.

use super::store;
use crate::badge::{Badge, NeedsUser, badge};
use crate::worker::{AppError, platform, session};

/// The badge for the stored queue and the vault's state now.
pub async fn current() -> Result<Badge, AppError> {
    let queue = store::read().await?;
    let unlocked = session::has_session().await?;
    Ok(badge(&queue, unlocked))
}

/// The tooltip: how many are queued, when the next goes and that Chrome must run then, and
/// why the badge is marked.
fn title(b: &Badge) -> String {
    let mut lines = vec![platform::message("actionTitle", &[])];
    if b.queued > 0 {
        lines.push(platform::message("badgeQueued", &[&b.queued.to_string()]));
    }
    if let Some(next) = b.next_due_ms {
        lines.push(platform::message(
            "badgeNext",
            &[&platform::local_time(next)],
        ));
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

/// Sets the badge from the stored queue and the vault's state.
pub async fn refresh() -> Result<(), AppError> {
    let b = current().await?;
    platform::set_badge_color(b.color).await?;
    platform::set_badge_text(&b.text).await?;
    platform::set_action_title(&title(&b)).await
}
