//! What pages watch of the vault, and a replaced vault kept for a while to restore.

use super::*;

/// What pages watch to follow the vault without asking for its status (which decrypts it):
/// whether a vault exists and whether it is unlocked, with a revision that grows with every
/// write. The worker writes it only when `exists` or `unlocked` changes ([`VaultState::next`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultState {
    /// A vault record is stored (a damaged one counts).
    pub exists: bool,
    /// It is unlocked (never without `exists`).
    pub unlocked: bool,
    /// Grows by one with each write, from 1.
    pub rev: u64,
}

impl VaultState {
    /// The state to write now that the vault `exists` and is `unlocked`, or `None` when
    /// `previous` (what is stored, if anything) already says so. A vault that does not exist
    /// is not unlocked.
    #[must_use]
    pub fn next(previous: Option<VaultState>, exists: bool, unlocked: bool) -> Option<VaultState> {
        let unlocked = unlocked && exists;
        match previous {
            Some(p) if p.exists == exists && p.unlocked == unlocked => None,
            _ => Some(VaultState {
                exists,
                unlocked,
                rev: previous.map_or(0, |p| p.rev).saturating_add(1),
            }),
        }
    }
}

/// How long a replaced vault is kept after the vault that replaced it was first unlocked:
/// seven days.
pub const PREVIOUS_KEEP_MS: u64 = 7 * 24 * 60 * 60 * 1000;

/// The vault an import replaced, kept (still encrypted, exactly as it was stored) so that
/// the replacement can be undone: until the new vault has been unlocked once, and then for
/// [`PREVIOUS_KEEP_MS`], unless the user discards it first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviousVault {
    /// The replaced record's JSON, as it was stored (even if it could not be parsed).
    pub record: String,
    /// When it was replaced (ms since the epoch).
    pub replaced_ms: u64,
    /// When the vault that replaced it was first unlocked, if it has been.
    #[serde(default)]
    pub new_unlocked_ms: Option<u64>,
}

impl PreviousVault {
    /// What to keep when `current` (the stored record's JSON, if any) is replaced at `now`,
    /// given what is kept already. While the current vault is itself an import that was
    /// never unlocked, the vault kept from before it stays (the current one came from a file
    /// the user still has); otherwise the current record is kept.
    #[must_use]
    pub fn on_replace(
        kept: Option<PreviousVault>,
        current: Option<String>,
        now_ms: u64,
    ) -> Option<PreviousVault> {
        match (kept, current) {
            (Some(kept), _) if kept.new_unlocked_ms.is_none() => Some(kept),
            (_, Some(record)) => Some(PreviousVault {
                record,
                replaced_ms: now_ms,
                new_unlocked_ms: None,
            }),
            (kept, None) => kept,
        }
    }

    /// The vault that replaced this one was unlocked at `now`: starts the countdown the first
    /// time. Whether it changed (and must be stored).
    pub fn on_unlock(&mut self, now_ms: u64) -> bool {
        if self.new_unlocked_ms.is_some() {
            return false;
        }
        self.new_unlocked_ms = Some(now_ms);
        true
    }

    /// When it will be dropped, once the new vault has been unlocked.
    #[must_use]
    pub fn expires_ms(&self) -> Option<u64> {
        self.new_unlocked_ms
            .map(|at| at.saturating_add(PREVIOUS_KEEP_MS))
    }

    /// Whether it may be dropped at `now`.
    #[must_use]
    pub fn expired(&self, now_ms: u64) -> bool {
        self.expires_ms().is_some_and(|at| now_ms >= at)
    }
}
