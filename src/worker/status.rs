//! The vault status every page draws from (`vault_status`, and the answer of every vault and
//! account change): whether a vault exists and is unlocked, the settings, the accounts, and the
//! vault an import replaced. Read from the stores; shared by the vault's and the accounts'
//! handlers, which do not call each other.

use super::protocol::answers::{PreviousView, VaultStatus};
use super::{AppError, clock, session};

/// The vault status every page draws from (`accounts` is empty while locked).
pub async fn status() -> Result<VaultStatus, AppError> {
    // Whatever changed behind the worker's back, the watched state catches up here too (a
    // failure to write it does not keep the page from its answer).
    let _ = session::publish_state().await;
    let mut settings = session::settings().await?;
    // Pages show the policy that applies (older settings held late posts with `hold_late`).
    settings.late_policy = Some(settings.default_late_policy());
    let exists = exists_or_unreadable().await;
    let open = if exists && session::is_unlocked().await? {
        session::open(false).await.ok()
    } else {
        None
    };
    let (accounts, default_id) = match &open {
        Some(o) => (o.doc.views(), o.doc.default_id.clone()),
        None => (Vec::new(), None),
    };
    let now = clock::now().await;
    let previous = session::previous()
        .await?
        .filter(|p| !p.expired(now))
        .map(|p| PreviousView {
            replaced_ms: p.replaced_ms,
            expires_ms: p.expires_ms(),
        });
    Ok(VaultStatus {
        exists,
        unlocked: open.is_some(),
        settings,
        accounts,
        default_id,
        previous,
    })
}

/// Whether a vault record is stored; one that cannot be read counts as one (it is not
/// overwritten without `replace`).
// Stays in the worker: a fact of what storage holds (a record that does not parse), not of the vault.
pub async fn exists_or_unreadable() -> bool {
    session::record().await.map(|r| r.is_some()).unwrap_or(true)
}
