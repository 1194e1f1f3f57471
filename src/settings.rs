//! The user's settings, with their defaults, and the auto-lock rule.

use serde::{Deserialize, Serialize};

use crate::schedule::LatePolicy;

/// When the vault locks itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AutoLock {
    /// After 5 minutes without activity.
    #[serde(rename = "5")]
    Minutes5,
    /// After 15 minutes without activity.
    #[serde(rename = "15")]
    Minutes15,
    /// After an hour without activity (the default).
    #[default]
    #[serde(rename = "60")]
    Minutes60,
    /// After 4 hours without activity.
    #[serde(rename = "240")]
    Minutes240,
    /// Only when the browser quits or restarts (which always locks): "unattended", so that
    /// scheduled posts go out while nobody is at the computer. The data key stays in
    /// `storage.session` (memory) until then, so anyone using this browser profile meanwhile
    /// can post with the accounts.
    #[serde(rename = "restart")]
    OnRestart,
}

impl AutoLock {
    /// The idle time after which the vault locks, if any.
    pub fn idle_ms(self) -> Option<u64> {
        let minutes = match self {
            AutoLock::Minutes5 => 5,
            AutoLock::Minutes15 => 15,
            AutoLock::Minutes60 => 60,
            AutoLock::Minutes240 => 240,
            AutoLock::OnRestart => return None,
        };
        Some(minutes * 60_000)
    }

    /// Whether the vault stays unlocked, unattended, until the browser quits.
    pub fn is_unattended(self) -> bool {
        self.idle_ms().is_none()
    }

    /// When a vault last used at `last_active_ms` locks, if it does.
    pub fn deadline(self, last_active_ms: u64) -> Option<u64> {
        self.idle_ms()
            .map(|idle| last_active_ms.saturating_add(idle))
    }

    /// Whether a vault last used at `last_active_ms` must be locked at `now_ms`.
    pub fn expired(self, last_active_ms: u64, now_ms: u64) -> bool {
        self.deadline(last_active_ms)
            .is_some_and(|deadline| now_ms >= deadline)
    }
}

fn yes() -> bool {
    true
}

/// Everything the options page sets. Missing fields take their defaults, so older stored
/// settings keep loading.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// When the vault locks itself.
    #[serde(default)]
    pub autolock: AutoLock,
    /// Sharing a selection adds the page's title and link.
    #[serde(default = "yes")]
    pub share_page_link: bool,
    /// Notify when a scheduled post is sent (failures always notify).
    #[serde(default)]
    pub notify_sent: bool,
    /// Show the start of a post's text in notifications. Off by default: the system keeps
    /// notifications in a history of its own (and on a lock screen), outside the vault, so a
    /// notification names a post by its account and time unless the user asks for more.
    #[serde(default)]
    pub notify_text: bool,
    /// Hold posts that fell due while the browser was closed until the user confirms. Read
    /// from older settings; [`Settings::late_policy`] replaces it.
    #[serde(default)]
    pub hold_late: bool,
    /// What to do with a post found late, unless the post says otherwise; `None` follows
    /// `hold_late` (see [`Settings::default_late_policy`]).
    #[serde(default)]
    pub late_policy: Option<LatePolicy>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            autolock: AutoLock::default(),
            share_page_link: true,
            notify_sent: false,
            notify_text: false,
            hold_late: false,
            late_policy: None,
        }
    }
}

/// A change to some settings; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsPatch {
    /// See [`Settings::autolock`].
    pub autolock: Option<AutoLock>,
    /// See [`Settings::share_page_link`].
    pub share_page_link: Option<bool>,
    /// See [`Settings::notify_sent`].
    pub notify_sent: Option<bool>,
    /// See [`Settings::notify_text`].
    pub notify_text: Option<bool>,
    /// See [`Settings::hold_late`].
    pub hold_late: Option<bool>,
    /// See [`Settings::late_policy`].
    pub late_policy: Option<LatePolicy>,
}

impl Settings {
    /// Whether a patch weakens protection: an auto-lock that waits longer than the current one
    /// (the longest is "only when the browser quits"), or posts' texts shown in notifications.
    /// Such a change needs the owner: an unlocked vault, never a locked one at an unattended
    /// browser.
    #[must_use]
    pub fn weakened_by(&self, patch: &SettingsPatch) -> bool {
        let wait = |a: AutoLock| a.idle_ms().unwrap_or(u64::MAX);
        let longer = patch
            .autolock
            .is_some_and(|next| wait(next) > wait(self.autolock));
        let texts_out = patch.notify_text == Some(true) && !self.notify_text;
        longer || texts_out
    }

    /// Applies a patch.
    pub fn apply(&mut self, patch: SettingsPatch) {
        if let Some(v) = patch.autolock {
            self.autolock = v;
        }
        if let Some(v) = patch.share_page_link {
            self.share_page_link = v;
        }
        if let Some(v) = patch.notify_sent {
            self.notify_sent = v;
        }
        if let Some(v) = patch.notify_text {
            self.notify_text = v;
        }
        if let Some(v) = patch.hold_late {
            self.hold_late = v;
        }
        if let Some(v) = patch.late_policy {
            self.late_policy = Some(v);
        }
    }

    /// The late policy of posts that have none of their own: the one chosen, else "ask first"
    /// for settings that held late posts, else "post late".
    pub fn default_late_policy(&self) -> LatePolicy {
        self.late_policy.unwrap_or(if self.hold_late {
            LatePolicy::Ask
        } else {
            LatePolicy::PostLate
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_issue() {
        let s: Settings = serde_json::from_str("{}").unwrap();
        assert_eq!(s, Settings::default());
        assert_eq!(s.autolock, AutoLock::Minutes60);
        assert!(s.share_page_link && !s.notify_sent && !s.hold_late);
    }

    #[test]
    fn only_a_longer_auto_lock_weakens_protection() {
        let s = Settings::default(); // an hour
        let patch = |json: &str| serde_json::from_str::<SettingsPatch>(json).unwrap();
        assert!(s.weakened_by(&patch(r#"{"autolock":"240"}"#)));
        assert!(s.weakened_by(&patch(r#"{"autolock":"restart"}"#)));
        assert!(!s.weakened_by(&patch(r#"{"autolock":"60"}"#)), "the same");
        assert!(
            !s.weakened_by(&patch(r#"{"autolock":"5"}"#)),
            "shorter is stronger"
        );
        assert!(!s.weakened_by(&patch(r#"{"notify_sent":true,"share_page_link":false}"#)));
        assert!(
            s.weakened_by(&patch(r#"{"notify_text":true}"#)),
            "texts leave the vault"
        );
        assert!(!s.weakened_by(&patch(r#"{"notify_text":false}"#)));
        let unattended = Settings {
            autolock: AutoLock::OnRestart,
            ..Settings::default()
        };
        assert!(!unattended.weakened_by(&patch(r#"{"autolock":"restart"}"#)));
    }

    #[test]
    fn autolock_deadlines() {
        assert_eq!(AutoLock::Minutes5.deadline(1_000), Some(301_000));
        assert!(!AutoLock::Minutes5.expired(1_000, 300_999));
        assert!(AutoLock::Minutes5.expired(1_000, 301_000));
        assert_eq!(AutoLock::OnRestart.deadline(1_000), None);
        assert!(!AutoLock::OnRestart.expired(0, u64::MAX));
        let s: Settings = serde_json::from_str(r#"{"autolock":"restart"}"#).unwrap();
        assert_eq!(s.autolock, AutoLock::OnRestart);
        assert!(serde_json::from_str::<Settings>(r#"{"autolock":"7"}"#).is_err());
    }

    #[test]
    fn the_late_policy_defaults_to_post_late_and_follows_older_settings() {
        let s: Settings = serde_json::from_str("{}").unwrap();
        assert_eq!(s.default_late_policy(), LatePolicy::PostLate);
        let held: Settings = serde_json::from_str(r#"{"hold_late":true}"#).unwrap();
        assert_eq!(held.default_late_policy(), LatePolicy::Ask);
        let mut chosen = held.clone();
        chosen.apply(
            serde_json::from_str(r#"{"late_policy":{"kind":"skip_after","minutes":30}}"#).unwrap(),
        );
        assert_eq!(
            chosen.default_late_policy(),
            LatePolicy::SkipAfter { minutes: 30 }
        );
        assert!(
            serde_json::from_str::<SettingsPatch>(r#"{"late_policy":{"kind":"sometimes"}}"#)
                .is_err()
        );
    }

    #[test]
    fn only_the_restart_choice_is_unattended() {
        assert!(AutoLock::OnRestart.is_unattended());
        for a in [
            AutoLock::Minutes5,
            AutoLock::Minutes15,
            AutoLock::Minutes60,
            AutoLock::Minutes240,
        ] {
            assert!(!a.is_unattended());
        }
    }

    #[test]
    fn patches_change_only_what_they_name() {
        let mut s = Settings::default();
        s.apply(serde_json::from_str(r#"{"notify_sent":true}"#).unwrap());
        assert!(s.notify_sent && s.share_page_link);
        assert_eq!(s.autolock, AutoLock::Minutes60);
    }
}
