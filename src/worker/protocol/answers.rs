//! Every answer the worker gives a page, as `{ok: <answer>}` (a refusal is `{error}`,
//! [`AppError`]). Each message's answer is one of the types here (or a core type marked
//! [`Reply`] below); a handler turns it into JSON with [`reply`], which takes nothing else, so
//! no answer is an ad-hoc JSON block. The pages' side is `extension/lib/protocol.js`
//! (docs/PROTOCOL.md).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::accounts::AccountView;
use crate::badge::Badge;
use crate::compose::{Draft, PostFailure, Posted, SentPost};
use crate::recur::{Rule, Variation};
use crate::schedule::{
    Attempt, LatePolicy, Lateness, OverDailyLimit, PostedVia, RuleWords, SeriesState, State,
};
use crate::settings::Settings;
use crate::slots::Slot;
use crate::worker::AppError;

/// A type that is a message's answer. Only the types of this module and the core's answers
/// named below are: a handler cannot answer anything else.
pub trait Reply: Serialize {}

/// An answer as it goes to the page: made only by [`reply`], from a [`Reply`] type, so a
/// handler (which returns this) cannot answer anything else.
pub struct Answer(Value);

impl Answer {
    /// The JSON that goes to the page inside `{ok}`.
    pub fn into_json(self) -> Value {
        self.0
    }
}

/// The answer to a message.
pub fn reply<T: Reply>(answer: &T) -> Result<Answer, AppError> {
    // Serialising these types cannot fail (string keys, no custom serialiser); should it, the
    // page is told rather than answered with nothing.
    serde_json::to_value(answer)
        .map(Answer)
        .map_err(|_| AppError::new("internal"))
}

/// `{}`: done; the page has nothing to redraw from the answer.
#[derive(Serialize)]
pub struct Done {}
impl Reply for Done {}

// ----- the core -----

/// `status` (test builds): the core's version and where it sends.
#[cfg(feature = "test-hooks")]
#[derive(Serialize)]
pub struct CoreStatus {
    /// The core's (and the extension's) version.
    pub version: &'static str,
    /// X's API base, or the sandbox's.
    pub api_base: String,
    /// Always `ready`: the core answered.
    pub core: &'static str,
}
#[cfg(feature = "test-hooks")]
impl Reply for CoreStatus {}

/// `test_clock_advance` (test builds): the scheduler clock's offset now.
#[cfg(feature = "test-hooks")]
#[derive(Serialize)]
pub struct ClockOffset {
    /// Milliseconds ahead of the browser's clock.
    pub offset_ms: u64,
}
#[cfg(feature = "test-hooks")]
impl Reply for ClockOffset {}

/// `test_idle` (test builds): idle, and when the schedule alarm is due, if it is set.
#[cfg(feature = "test-hooks")]
#[derive(Serialize)]
pub struct Idle {
    /// Unix milliseconds, browser clock.
    pub alarm_at_ms: Option<u64>,
}
#[cfg(feature = "test-hooks")]
impl Reply for Idle {}

/// `verify_keys` (test builds): who the keys are, as X said.
#[cfg(feature = "test-hooks")]
impl Reply for crate::x::Verified {}

// ----- the vault and its accounts -----

/// What every page draws from: `vault_status`, and the answer of every vault and account
/// change but `account_*`'s own.
#[derive(Serialize)]
pub struct VaultStatus {
    /// A vault record is stored (or one that cannot be read).
    pub exists: bool,
    /// This session holds its key.
    pub unlocked: bool,
    /// The settings; `late_policy` is the one that applies.
    pub settings: Settings,
    /// The accounts (empty while locked).
    pub accounts: Vec<AccountView>,
    /// The default account's id.
    pub default_id: Option<String>,
    /// The vault an import replaced, while it is kept.
    pub previous: Option<PreviousView>,
}
impl Reply for VaultStatus {}

/// What a page shows of a kept previous vault.
#[derive(Serialize)]
pub struct PreviousView {
    /// When it was replaced.
    pub replaced_ms: u64,
    /// When it will be dropped; `None` until the new vault has been unlocked once.
    pub expires_ms: Option<u64>,
}

/// `vault_unlock`: the status, and whether the passphrase that unlocked is below today's floor
/// for a new one (the page then suggests changing it).
#[derive(Serialize)]
pub struct Unlocked {
    /// The vault status after the unlock.
    #[serde(flatten)]
    pub status: VaultStatus,
    /// The passphrase would not be accepted as a new one today.
    pub passphrase_below_floor: bool,
}
impl Reply for Unlocked {}

/// `vault_change_passphrase`: the status, and what the change kept as it was because it opened
/// with neither key (`unopenable`, all counts 0 when nothing was).
#[derive(Serialize)]
pub struct PassphraseChanged {
    /// The vault status after the change.
    #[serde(flatten)]
    pub status: VaultStatus,
    /// The records kept as they were.
    pub unopenable: crate::rekey::Unopenable,
}
impl Reply for PassphraseChanged {}

/// `vault_export` and `vault_export_previous`: a backup file to save.
#[derive(Serialize)]
pub struct BackupFile {
    /// The name to save it under.
    pub file_name: String,
    /// The encrypted record, as JSON text.
    pub json: String,
    /// For the previous vault: when it was replaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_ms: Option<u64>,
}
impl Reply for BackupFile {}

/// `account_add`, `account_update`, `account_verify`: the account as the vault now holds it,
/// and what X's answer warns about (a read-only token, say).
#[derive(Serialize)]
pub struct AccountAnswer {
    /// The account.
    pub account: AccountView,
    /// A warning code, e.g. `read_only`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<&'static str>,
}
impl Reply for AccountAnswer {}

// ----- compose -----

/// `draft_get`: the draft (a pending right-click share added to it), and what the composer may
/// resume.
#[derive(Serialize)]
pub struct DraftAnswer {
    /// The draft, if there is one.
    pub draft: Option<Draft>,
    /// A right-click share was just added to it.
    pub shared: bool,
    /// The half-posted thread the composer may continue.
    pub resumable: Option<PostFailure>,
}
impl Reply for DraftAnswer {}

/// `post_send`, `post_resume`: every step is on X.
#[derive(Serialize)]
pub struct PostedAnswer {
    /// Each step, with its link.
    pub posted: Vec<Posted>,
    /// The account's username.
    pub username: String,
}
impl Reply for PostedAnswer {}

/// `history_list`: sent posts, newest first.
#[derive(Serialize)]
pub struct HistoryAnswer {
    /// The posts.
    pub items: Vec<SentPost>,
}
impl Reply for HistoryAnswer {}

/// `post_progress` (and `storage.session` key `post_progress`): one moment of the composer's
/// post.
#[derive(Serialize, Deserialize)]
pub struct Progress {
    /// Whether a post is under way.
    pub active: bool,
    /// The step (post of the thread) under way.
    #[serde(default)]
    pub step: usize,
    /// How many steps the thread has.
    #[serde(default)]
    pub steps: usize,
    /// Where that step is.
    #[serde(default)]
    pub phase: Phase,
    /// Bytes of the current image sent so far.
    #[serde(default)]
    pub uploaded_bytes: u64,
    /// The current image's size.
    #[serde(default)]
    pub total_bytes: u64,
}
impl Reply for Progress {}

/// Where a step of the composer's post is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// An image goes to X.
    Uploading,
    /// The post goes to X.
    Posting,
    /// Nothing is under way.
    #[default]
    Done,
}

// ----- the schedule -----

/// `schedule_add`, `schedule_add_to_queue`: the new item, and a warning when it would take the
/// account over the 24-hour limit X last announced.
#[derive(Serialize)]
pub struct Added {
    /// The queue's id of the item.
    pub id: u64,
    /// When it is due.
    pub due_at_ms: u64,
    /// Over X's daily limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<OverDailyLimit>,
}
impl Reply for Added {}

/// `schedule_add` with `repeat`: the series and its first occurrence.
#[derive(Serialize)]
pub struct SeriesAdded {
    /// The first occurrence's item id.
    pub id: u64,
    /// The series' id.
    pub series_id: u64,
    /// When the first occurrence is due.
    pub due_at_ms: Option<u64>,
    /// The rule in words.
    pub words: RuleWords,
}
impl Reply for SeriesAdded {}

/// `series_stop`: the waiting occurrence it cancelled, if any.
#[derive(Serialize)]
pub struct SeriesStopped {
    /// Its item id.
    pub cancelled: Option<u64>,
}
impl Reply for SeriesStopped {}

/// `series_list`: every series.
#[derive(Serialize)]
pub struct SeriesList<'a> {
    /// The series.
    pub series: Vec<SeriesView<'a>>,
}
impl Reply for SeriesList<'_> {}

/// One series as the queue page draws it.
#[derive(Serialize)]
pub struct SeriesView<'a> {
    /// Its id.
    pub id: u64,
    /// The account that posts.
    pub account_id: &'a str,
    /// That account's username, when known.
    pub username: Option<&'a str>,
    /// Running, ended or stopped.
    pub state: &'a SeriesState,
    /// The rule in words.
    pub words: RuleWords,
    /// The rule.
    pub rule: &'a Rule,
    /// How occurrences differ.
    pub variation: &'a Variation,
    /// Its late policy.
    pub late_policy: Option<LatePolicy>,
    /// Its text (empty while locked).
    pub text: &'a str,
    /// Whether the texts are open.
    pub contents_available: bool,
    /// How many occurrences went out.
    pub sent: u32,
    /// The waiting occurrence.
    pub next_item: Option<u64>,
    /// When it is due.
    pub next_at_ms: Option<u64>,
    /// Its first post's text.
    pub next_text: Option<&'a str>,
}

/// `schedule_list`: upcoming and past items, and how many need the user.
#[derive(Serialize)]
pub struct QueueList<'a> {
    /// The clock the views were drawn at.
    pub now_ms: u64,
    /// Waiting items, soonest first (at most `limit`).
    pub upcoming: Vec<ItemView<'a>>,
    /// How many items wait in all.
    pub upcoming_total: usize,
    /// Finished items, newest first (at most `limit`).
    pub past: Vec<ItemView<'a>>,
    /// How many finished items there are.
    pub past_total: usize,
    /// How many need the user.
    pub needs_user: usize,
    /// What the toolbar badge shows.
    pub summary: Badge,
}
impl Reply for QueueList<'_> {}

/// `schedule_summary`: what the toolbar badge shows, and how many unfinished posts the queue
/// may hold (the options page shows the queue's use against it).
#[derive(Serialize)]
pub struct Summary {
    /// The badge.
    #[serde(flatten)]
    pub badge: Badge,
    /// [`crate::schedule::MAX_WAITING_ITEMS`].
    pub max_queued: usize,
}
impl Reply for Summary {}

/// One item as the queue view draws it.
#[derive(Serialize)]
pub struct ItemView<'a> {
    /// Its id.
    pub id: u64,
    /// The account that posts.
    pub account_id: &'a str,
    /// That account's username, when known.
    pub username: Option<&'a str>,
    /// Where it is.
    pub state: &'a State,
    /// When it is due.
    pub due_at_ms: u64,
    /// When it goes out next (for the countdown), if it waits for a time.
    pub wake_at_ms: Option<u64>,
    /// Found late.
    pub late: bool,
    /// For a late post: its original time and when it went (or was skipped, or now).
    pub lateness: Option<Lateness>,
    /// Its own late policy (`None`: the default setting's).
    pub late_policy: Option<LatePolicy>,
    /// How many times it was tried.
    pub attempts: u32,
    /// Its posts.
    pub posts: Vec<PostView<'a>>,
    /// The steps on X.
    pub posted: Vec<PostedView>,
    /// Its attempts.
    pub history: &'a [Attempt],
    /// What the user may do now (`Item::allowed_ops`): the suffixes of the schedule messages.
    pub actions: Vec<&'static str>,
    /// The answers `schedule_resolve` accepts now (empty unless it needs confirmation).
    pub resolutions: Vec<&'static str>,
    /// Whether a `posted` answer must name the post (`post_ref`).
    pub post_ref_required: bool,
    /// How many leading posts `schedule_edit` must leave as they are (on X, or maybe on X).
    pub fixed_steps: usize,
    /// Whether `posts` hold the texts: they are sealed, so while the vault is locked (or for
    /// contents that do not open) the texts and alt texts are empty.
    pub contents_available: bool,
}

/// A post of an item.
#[derive(Serialize)]
pub struct PostView<'a> {
    /// Its text.
    pub text: &'a str,
    /// Its images.
    pub media: Vec<MediaView<'a>>,
}

/// An image of a post.
#[derive(Serialize)]
pub struct MediaView<'a> {
    /// Its key in the media store.
    pub media_id: &'a str,
    /// Its alt text.
    pub alt: &'a str,
}

/// A step of an item that is on X.
#[derive(Serialize)]
pub struct PostedView {
    /// X's id, when known.
    pub id: Option<String>,
    /// Its link, when the id and the username are known.
    pub url: Option<String>,
    /// When it went.
    pub at_ms: u64,
    /// How Keypost knows.
    pub via: PostedVia,
}

/// `schedule_import`: how many items were queued, and the images they took.
#[derive(Serialize)]
pub struct Imported {
    /// Items queued.
    pub queued: usize,
    /// The media ids the queued items now own.
    pub media_used: Vec<String>,
}
impl Reply for Imported {}

/// `schedule_export`: the waiting posts as a CSV file.
#[derive(Serialize)]
pub struct CsvFile {
    /// The name to save it under.
    pub file_name: &'static str,
    /// The file's text.
    pub csv: String,
    /// How many items it holds.
    pub count: usize,
}
impl Reply for CsvFile {}

// ----- posting slots -----

/// `slots_get`: every account's slots.
#[derive(Serialize)]
pub struct AllSlots {
    /// Account id to its slots.
    pub accounts: HashMap<String, Vec<Slot>>,
}
impl Reply for AllSlots {}

/// `slots_set`: the account's slots as stored.
#[derive(Serialize)]
pub struct SlotsSaved {
    /// The slots.
    pub slots: Vec<Slot>,
}
impl Reply for SlotsSaved {}

/// `slots_week`: the coming seven local days, today first.
#[derive(Serialize)]
pub struct Week<'a> {
    /// The days.
    pub days: Vec<WeekDayView<'a>>,
}
impl Reply for Week<'_> {}

/// One local day and the waiting items due on it, earliest first.
#[derive(Serialize)]
pub struct WeekDayView<'a> {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// 0 for Monday ... 6 for Sunday.
    pub weekday: u32,
    /// The items.
    pub items: Vec<WeekItem<'a>>,
}

/// An item due on a day of the week view.
#[derive(Serialize)]
pub struct WeekItem<'a> {
    /// Its id.
    pub id: u64,
    /// The account that posts.
    pub account_id: &'a str,
    /// That account's username, when known.
    pub username: Option<&'a str>,
    /// When it is due.
    pub due_at_ms: u64,
}
