//! Posting slots in the worker: the slot messages (the slots themselves are kept by
//! [`slots_store`]), and "Add to queue", which takes the next free slot through the same add
//! path as `schedule_add` ([`add::add`]).
//!
//! The core decides ([`crate::slots`]): validation, the next free slot, the week's local days;
//! the zone is the browser's ([`BrowserZone`]). Pages never compute slot times.

use serde_json::{Map, Value, json};

use super::add::{self, Due};
use super::{slots_store, store};
use crate::slots::{self, Slot, SlotError};
use crate::worker::changes::{self, Change};
use crate::worker::error::Coded;
use crate::worker::platform::BrowserZone;
use crate::worker::protocol::answers::{AllSlots, SlotsSaved, Week, WeekDayView, WeekItem};
use crate::worker::protocol::{Answer, SlotMsg, reply};
use crate::worker::{AppError, session};

impl Coded for SlotError {
    fn code(&self) -> &'static str {
        SlotError::code(*self)
    }

    fn details(&self) -> Map<String, Value> {
        let mut details = Map::new();
        if let Some(index) = self.index() {
            details.insert("index".to_owned(), json!(index));
        }
        match self {
            SlotError::TooMany { count } => {
                details.insert("count".to_owned(), json!(count));
                details.insert("max".to_owned(), json!(slots::MAX_SLOTS));
            }
            SlotError::NoneFree { weeks } => {
                details.insert("weeks".to_owned(), json!(weeks));
            }
            _ => {}
        }
        details
    }
}

/// Handles a slot message.
pub async fn handle(msg: SlotMsg) -> Result<Answer, AppError> {
    match msg {
        SlotMsg::SlotsGet => reply(&AllSlots {
            accounts: slots_store::all().await?,
        }),
        SlotMsg::SlotsSet { account_id, slots } => reply(&set(account_id, slots).await?),
        SlotMsg::SlotsWeek => week().await,
        SlotMsg::ScheduleAddToQueue {
            account_id,
            posts,
            late_policy,
            from_draft,
        } => {
            let slots = slots_store::of(&account_id).await?;
            if slots.is_empty() {
                return Err(SlotError::NoSlots.into());
            }
            let answer = add::add(
                account_id,
                posts,
                Due::NextSlot(slots),
                late_policy,
                from_draft,
            )
            .await?;
            // What is due goes out now; the alarm follows the queue.
            changes::mark(Change::Plans);
            reply(&answer)
        }
    }
}

/// Checks and stores one account's slots: `{slots}` in their stored form, or the core's refusal
/// with nothing changed. The account must exist (the vault unlocked).
async fn set(account_id: String, input: Vec<Slot>) -> Result<SlotsSaved, AppError> {
    let checked = slots::validate(&input)?;
    let open = session::open(true).await?;
    if open.doc.get(&account_id).is_none() {
        return Err(AppError::new("account_not_found"));
    }
    drop(open);
    let stored = checked.clone();
    slots_store::change(move |record| {
        if stored.is_empty() {
            record.remove(&account_id);
        } else {
            record.insert(account_id, stored);
        }
        Ok(())
    })
    .await?;
    Ok(SlotsSaved { slots: checked })
}

/// `{days: [{date, weekday, items: [{id, account_id, username, due_at_ms}]}]}`: the coming
/// seven local days (today first) and the waiting items due on each, earliest first.
async fn week() -> Result<Answer, AppError> {
    let queue = store::read().await?;
    let names = store::usernames().await?;
    let waiting: Vec<_> = queue.items().iter().filter(|i| !i.is_finished()).collect();
    let due: Vec<i64> = waiting
        .iter()
        .map(|i| i64::try_from(i.due_at_ms).unwrap_or(i64::MAX))
        .collect();
    let now = i64::try_from(crate::worker::clock::now().await).unwrap_or(i64::MAX);
    let days: Vec<WeekDayView> = slots::week_view(&due, now, &BrowserZone)
        .into_iter()
        .map(|day| WeekDayView {
            items: day
                .items
                .iter()
                .filter_map(|&i| waiting.get(i))
                .map(|item| WeekItem {
                    id: item.id.0,
                    account_id: &item.account_id,
                    username: names.get(&item.account_id).map(String::as_str),
                    due_at_ms: item.due_at_ms,
                })
                .collect(),
            date: day.date,
            weekday: day.weekday,
        })
        .collect();
    reply(&Week { days })
}
