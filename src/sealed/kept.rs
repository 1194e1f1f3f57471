//! Sent histories that do not open with the current key are set aside, never replaced.
//!
//! A history sealed under another data key is normal after a backup replaced the vault (the
//! replaced vault's history stays under its key). Until round 3 the next post started the
//! history again and the old one was gone, also when restoring the replaced vault would have
//! opened it. Now it is set aside in a short list of sealed strings, and a history from the
//! list that opens with the current key (its vault was restored) comes back.

use crate::vault::Dek;

use super::{Kind, open};

/// How many set-aside histories are kept; beyond it the oldest goes (eight vault
/// replacements, each with a history of its own, before one is lost).
pub const MAX_KEPT: usize = 8;

/// Sets `unopenable` (a stored history that does not open with the current key) aside,
/// newest first. Answers `false` when it was already there (nothing changed).
pub fn set_aside(kept: &mut Vec<String>, unopenable: String) -> bool {
    if kept.contains(&unopenable) {
        return false;
    }
    kept.insert(0, unopenable);
    kept.truncate(MAX_KEPT);
    true
}

/// Takes out of `kept` the newest history that opens with `dek`, if there is one.
pub fn take_opening(kept: &mut Vec<String>, dek: &Dek) -> Option<String> {
    let at = kept
        .iter()
        .position(|blob| open(dek, Kind::History, blob).is_ok())?;
    Some(kept.remove(at))
}
