//! Every message the extension's pages send to the worker, by group; each group is an
//! internally tagged enum (by `type`) that denies unknown fields. The boundary
//! ([`super::decode`]) decodes a page's JSON into one of them before any handler runs; the
//! handlers take them as they are. The answers are in [`super::answers`]; the pages' side of
//! both is `extension/lib/protocol.js` (docs/PROTOCOL.md).

use serde::Deserialize;

use crate::accounts::KeysForm;
use crate::compose::{Decision, Draft, PostInput};
use crate::recur::{End, Repeat};
use crate::schedule::{LatePolicy, ResolutionInput, VariationKind};
use crate::settings::SettingsPatch;
use crate::slots::Slot;

/// Vault messages.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum VaultMsg {
    /// Whether a vault exists, whether it is unlocked, the settings and the accounts.
    VaultStatus,
    /// First run: create the vault.
    VaultCreate {
        /// The chosen passphrase.
        passphrase: String,
    },
    /// Unlock with the passphrase.
    VaultUnlock {
        /// The passphrase.
        passphrase: String,
    },
    /// Lock now.
    VaultLock,
    /// Change the passphrase and the data key (everything sealed with it is re-sealed).
    VaultChangePassphrase {
        /// The current passphrase.
        old: String,
        /// The new one.
        new: String,
    },
    /// The encrypted record, for a backup file.
    VaultExport,
    /// Replace (or create) the vault from a backup file.
    VaultImport {
        /// The file's text.
        json: String,
        /// Replace an existing vault.
        #[serde(default)]
        replace: bool,
        /// The backup's passphrase: required to replace a vault (the backup must open before
        /// anything is changed), checked when given for an import into an empty browser.
        #[serde(default)]
        passphrase: Option<String>,
    },
    /// Put back the vault an import replaced (the replaced one is kept in its place).
    VaultRestorePrevious,
    /// The vault an import replaced, encrypted, for a backup file.
    VaultExportPrevious,
    /// Drop the vault an import replaced now.
    VaultDiscardPrevious,
    /// Change some settings.
    SettingsSet {
        /// The settings to change.
        settings: SettingsPatch,
    },
}

/// Account messages, each named on the wire as `account_` + its name.
#[derive(Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum AccountMsg {
    /// Add an account: check the form, verify with X, then save.
    #[serde(rename = "account_add")]
    Add {
        /// A name for the account.
        #[serde(default)]
        label: String,
        /// The four keys as typed.
        keys: KeysForm,
        /// Long posts allowed.
        #[serde(default)]
        premium: bool,
    },
    /// Change an account; new keys are verified before they are saved.
    #[serde(rename = "account_update")]
    Update {
        /// The account's `id`, as the vault status lists it.
        id: String,
        /// A new label.
        label: Option<String>,
        /// Keys to rotate (blank fields keep the saved ones).
        keys: Option<KeysForm>,
        /// Long posts allowed.
        premium: Option<bool>,
    },
    /// Verify a saved account again.
    #[serde(rename = "account_verify")]
    Verify {
        /// The account's `id`, as the vault status lists it.
        id: String,
    },
    /// Remove an account.
    #[serde(rename = "account_remove")]
    Remove {
        /// The account's `id`, as the vault status lists it.
        id: String,
    },
    /// Make an account the default.
    #[serde(rename = "account_set_default")]
    SetDefault {
        /// The account's `id`, as the vault status lists it.
        id: String,
    },
}

/// Compose messages.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ComposeMsg {
    /// The saved draft and any pending right-click share.
    DraftGet,
    /// Saves the draft (refused, and nothing stored, when it is not a well-formed draft).
    DraftSave {
        /// The draft.
        draft: Draft,
    },
    /// Discards the draft and, unless `keep_media` (the images now belong to a scheduled post),
    /// its images.
    DraftClear {
        /// Keep the images in the media store.
        #[serde(default)]
        keep_media: bool,
    },
    /// Posts one post or a thread.
    PostSend {
        /// The account.
        account_id: String,
        /// The posts, in order.
        posts: Vec<PostInput>,
    },
    /// Continues a post or thread that failed part-way. When the last request's outcome is
    /// unknown (it may be on X), a `decision` is required: nothing is resent blindly.
    PostResume {
        /// What the user decided about the step whose outcome is unknown.
        #[serde(default)]
        decision: Option<Decision>,
        /// A link to that step on X (or its id), when the user found it there: needed to
        /// continue a thread after it.
        #[serde(default)]
        post_url: Option<String>,
    },
    /// Where the current post is.
    PostProgress,
    /// Sent posts, newest first.
    HistoryList {
        /// Only this account's.
        account_id: Option<String>,
    },
}

/// Schedule messages.
// The variant names are the message types (`schedule_add`, ...), as the pages send them.
#[allow(clippy::enum_variant_names)]
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ScheduleMsg {
    /// Plans a post or thread.
    ScheduleAdd {
        /// The account that posts.
        account_id: String,
        /// The posts, in thread order.
        posts: Vec<PostInput>,
        /// When, Unix milliseconds.
        due_at_ms: u64,
        /// What to do if it is found late; absent follows the default setting.
        #[serde(default)]
        late_policy: Option<LatePolicy>,
        /// Repeats it (`repeat`): a recurring series starting at `due_at_ms`.
        #[serde(default)]
        repeat: Option<RepeatInput>,
        /// The posts are the composer's draft: it is removed in the same write that queues
        /// them (its images then belong to the queued post).
        #[serde(default)]
        from_draft: bool,
    },
    /// The recurring series.
    SeriesList,
    /// Changes a recurring series.
    SeriesEdit {
        /// The series' id.
        id: u64,
        /// Its post (numbered suffix) or the rotation's texts.
        posts: Vec<PostInput>,
        /// The new first time (local date and time of the rule).
        due_at_ms: u64,
        /// The rule.
        repeat: RepeatInput,
        /// What to do with an occurrence found late.
        #[serde(default)]
        late_policy: Option<LatePolicy>,
    },
    /// Stops a recurring series.
    SeriesStop {
        /// The series' id.
        id: u64,
    },
    /// The queue: upcoming and past items, at most `limit` of each (all without it).
    ScheduleList {
        /// How many of each list to answer with; their totals come with them.
        #[serde(default)]
        limit: Option<usize>,
    },
    /// What the toolbar badge shows: queued count, what needs the user, the next due time.
    ScheduleSummary,
    /// Replaces the posts of an item.
    ScheduleEdit {
        /// The queue's id of the item to change.
        id: u64,
        /// The new posts.
        posts: Vec<PostInput>,
    },
    /// Moves an item to another time.
    ScheduleReschedule {
        /// The queue's id of the item to move.
        id: u64,
        /// The new time, Unix milliseconds.
        due_at_ms: u64,
    },
    /// Sets or clears a waiting item's own late policy.
    ScheduleLatePolicy {
        /// The queue's id of the item.
        id: u64,
        /// Its policy; `null`: the default setting's.
        late_policy: Option<LatePolicy>,
    },
    /// Cancels an item.
    ScheduleCancel {
        /// The queue's id of the item to cancel.
        id: u64,
    },
    /// Sends an item now.
    SchedulePostNow {
        /// The queue's id of the item to send.
        id: u64,
    },
    /// Tries a failed item again.
    ScheduleRetry {
        /// The queue's id of the failed item.
        id: u64,
    },
    /// Answers an item that needs confirmation.
    ScheduleResolve {
        /// The queue's id of the item that waits for the answer.
        id: u64,
        /// `{kind: "posted", post_ref?}` (or `post_id?`, from older pages) or `{kind: "send"}`.
        resolution: ResolutionInput,
    },
    /// Deletes a finished item from the list.
    ScheduleRemove {
        /// The queue's id of the finished item.
        id: u64,
    },
    /// Queues every post of a CSV file, or none (`plans`).
    ScheduleImport {
        /// The file's text.
        csv: String,
        /// The images picked with it, already in the media store.
        #[serde(default)]
        files: Vec<ImportFile>,
    },
    /// The waiting posts as CSV (`plans`).
    ScheduleExport,
}

/// The `repeat` of `schedule_add` and `series_edit`: the rule starts at the message's
/// `due_at_ms` (its local date and time).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepeatInput {
    /// How often.
    pub repeat: Repeat,
    /// When it ends.
    pub end: End,
    /// How occurrences differ.
    pub variation: VariationKind,
}

/// An image file picked with the CSV, already in the media store.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportFile {
    /// The file's name, as the CSV's `media` column names it.
    pub name: String,
    /// Its key in the media store.
    pub media_id: String,
}

/// Slot messages.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum SlotMsg {
    /// Every account's slots.
    SlotsGet,
    /// Replaces one account's slots (an empty list removes them).
    SlotsSet {
        /// The account.
        account_id: String,
        /// Its slots.
        slots: Vec<Slot>,
    },
    /// The coming seven local days with the waiting items due on each.
    SlotsWeek,
    /// Plans a post or thread in the account's next free slot.
    ScheduleAddToQueue {
        /// The account that posts.
        account_id: String,
        /// The posts, in thread order.
        posts: Vec<PostInput>,
        /// What to do if it is found late; absent follows the default setting.
        #[serde(default)]
        late_policy: Option<LatePolicy>,
        /// The posts are the composer's draft (see `schedule_add`).
        #[serde(default)]
        from_draft: bool,
    },
}

/// Core messages: test builds only (cargo feature `test-hooks`).
#[cfg(feature = "test-hooks")]
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum CoreMsg {
    /// The core's version and configuration.
    Status,
    /// Test builds only: verifies four keys with a signed `GET /2/users/me` without storing
    /// them (the end-to-end tests' check of the signer against the sandbox; the pages verify
    /// through `account_add`/`account_verify`).
    VerifyKeys {
        /// The keys as typed.
        keys: KeysForm,
    },
    /// Test builds only: moves the scheduler's clock `by_ms` forward (due times, the alarm,
    /// late posts, recurring series), then runs the queue; requests stay signed with the true
    /// time.
    TestClockAdvance {
        /// How far, in milliseconds.
        by_ms: u64,
    },
    /// Test builds only: takes the vault write lock and then traps, as a panic does in a
    /// release build (`panic = "abort"`), to prove that the background recovers the core.
    TestTrap,
    /// Test builds only: moves every waiting post's times `by_ms` into the past, as if that
    /// long had passed with the browser closed or the computer asleep. Nothing is sent until
    /// the next run (an alarm, a message or a worker start).
    TestAgeQueue {
        /// How far back, in milliseconds.
        by_ms: u64,
    },
    /// Test builds only: answers once no scheduler run is under way and the schedule alarm is
    /// not due before `until_ms` (browser clock): from then until `until_ms` nothing is sent
    /// unless a page asks. A test's proof that "nothing went out" is exact and instant.
    TestIdle {
        /// Unix milliseconds, browser clock.
        until_ms: u64,
    },
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::decode::{Message, decode};
    use super::*;

    /// The account message a page's JSON reads as, if it is one.
    fn read(message: Value) -> Option<AccountMsg> {
        match decode(&message.to_string()) {
            Ok(Message::Accounts(msg)) => Some(msg),
            _ => None,
        }
    }

    #[test]
    fn the_pages_messages_keep_their_shapes() {
        let keys = json!({ "api_key": "k", "api_secret": "s", "access_token": "1-t", "access_token_secret": "ts" });
        let add =
            read(json!({ "type": "account_add", "label": "Work", "keys": keys, "premium": true }));
        assert!(matches!(
            add,
            Some(AccountMsg::Add { ref label, ref keys, premium: true })
                if label == "Work" && keys.access_token == "1-t"
        ));
        let bare = read(json!({ "type": "account_add", "keys": {} }));
        assert!(
            matches!(bare, Some(AccountMsg::Add { ref label, premium: false, .. }) if label.is_empty())
        );
        assert!(read(json!({ "type": "account_add", "label": "No keys" })).is_none());

        let rotate =
            read(json!({ "type": "account_update", "id": "a1", "keys": { "api_secret": "s2" } }));
        assert!(matches!(
            rotate,
            Some(AccountMsg::Update { ref id, label: None, keys: Some(ref keys), premium: None })
                if id == "a1" && keys.api_secret == "s2" && keys.api_key.is_empty()
        ));
        let rename = read(
            json!({ "type": "account_update", "id": "a1", "label": "Home", "premium": false }),
        );
        assert!(matches!(
            rename,
            Some(AccountMsg::Update {
                label: Some(_),
                keys: None,
                premium: Some(false),
                ..
            })
        ));
        for (kind, expect) in [
            ("account_verify", 0),
            ("account_remove", 1),
            ("account_set_default", 2),
        ] {
            let msg = read(json!({ "type": kind, "id": "a1" }));
            let got = match msg {
                Some(AccountMsg::Verify { id }) if id == "a1" => 0,
                Some(AccountMsg::Remove { id }) if id == "a1" => 1,
                Some(AccountMsg::SetDefault { id }) if id == "a1" => 2,
                _ => -1,
            };
            assert_eq!(got, expect, "{kind}");
        }
        assert!(read(json!({ "type": "account_verify" })).is_none());
        // Vault messages stay in their own group.
        assert!(matches!(
            decode(r#"{"type":"vault_status"}"#),
            Ok(Message::Vault(_))
        ));
    }
}
