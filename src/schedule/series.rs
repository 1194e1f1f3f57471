//! Recurring posts: a series is a [`Rule`] and a text with its [`Variation`], and the queue
//! holds exactly one materialised occurrence of it at a time, an ordinary [`Item`](super::Item) with its own
//! id and its own text.
//!
//! - [`Queue::add_series`] checks the rule and the variation and queues the first occurrence.
//! - [`Queue::advance_series`] is the one step that moves series on. The worker runs it after
//!   every change of the queue, in the same serialised step: a series whose occurrence was
//!   sent, skipped or cancelled (or removed) gets its next one, at the first time of the rule
//!   not already past; a series past its end (date or count) ends. A failed occurrence holds
//!   the series until the user retries or removes it.
//! - [`Queue::edit_series`] changes future occurrences, and the waiting one when nothing of it
//!   has gone to X (a waiting one still `Scheduled` also moves to the new rule's next time).
//! - [`Queue::stop_series`] stops it and cancels the waiting occurrence (one being sent goes on).
//!
//! Texts: occurrence number `n` (counted over the series' life, never reset by an edit)
//! carries [`text_for`]`(text, variation, n)`, so a numbered suffix never repeats and a
//! rotation never repeats within [`crate::recur::MIN_SAME_TEXT_DAYS`]
//! ([`check_variation`]). A series posts one text-only post per occurrence: images would be
//! deleted from the media store after the first one is sent.
//!
//! Times are local to a caller-supplied [`Zone`] (the browser's, in the worker).

use serde::{Deserialize, Serialize};

use super::{
    ItemId, LatePolicy, NewItem, Op, PlannedPost, Queue, SCHEDULE_GRACE_MS, ScheduleError, State,
    StateKind,
};
use crate::civil::Zone;
use crate::recur::{End, Repeat, Rule, RuleError, Variation, check_variation, text_for};

/// A series' id, given by the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SeriesId(pub u64);

impl std::fmt::Display for SeriesId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Which occurrence of which series an item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occurrence {
    /// The series.
    pub series: SeriesId,
    /// The occurrence's number over the series' life (0 is the first): picks its text.
    pub number: u32,
}

/// What the user asks to repeat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesSpec {
    /// The account that posts.
    pub account_id: String,
    /// The rule, in local time.
    pub rule: Rule,
    /// The text (the first occurrence's, and the base of a numbered suffix).
    pub text: String,
    /// How occurrences differ.
    pub variation: Variation,
    /// What to do with an occurrence found late; `None` follows the default.
    pub late_policy: Option<LatePolicy>,
}

/// Where a series is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeriesState {
    /// Occurrences keep coming.
    Active,
    /// The user stopped it.
    Stopped,
    /// Past its end date or count.
    Ended,
}

/// A recurring post.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    /// The queue's id for it.
    pub id: SeriesId,
    /// What repeats.
    pub spec: SeriesSpec,
    /// Where it is.
    pub state: SeriesState,
    /// Occurrences queued so far (the next one's number).
    pub materialised: u32,
    /// Occurrences sent.
    pub sent: u32,
    /// The rule's index of the last occurrence queued (`None` before the first).
    pub last_index: Option<u32>,
    /// The waiting occurrence (at most one).
    pub current: Option<ItemId>,
    /// When it was added.
    pub created_at_ms: u64,
}

impl Series {
    /// Whether its texts are here: blank while they are sealed and the vault is locked, and
    /// then nothing is materialised from it.
    pub fn has_texts(&self) -> bool {
        !self.spec.text.trim().is_empty()
    }
}

/// The rule as words: a message key and its substitutions, which the pages localise.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleWords {
    /// `repeatRuleDaily`, `repeatRuleWeekdays`, `repeatRuleEveryDays`.
    pub key: &'static str,
    /// The local time `HH:MM`, then the weekdays (`0` Monday ... `6` Sunday, comma-separated)
    /// or the number of days.
    pub args: Vec<String>,
    /// `repeatEndOnDate` (`YYYY-MM-DD`) or `repeatEndAfter` (count).
    pub end_key: &'static str,
    /// The end's substitution.
    pub end_arg: String,
}

/// What the rule says, for a page to show in words.
pub fn rule_words(rule: &Rule) -> RuleWords {
    let time = format!("{:02}:{:02}", rule.hour, rule.minute);
    let (key, extra) = match rule.repeat {
        Repeat::Daily => ("repeatRuleDaily", None),
        Repeat::Weekdays(mask) => (
            "repeatRuleWeekdays",
            Some(
                (0..7)
                    .filter(|d| mask & (1 << d) != 0)
                    .map(|d: u32| d.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        ),
        Repeat::EveryDays(n) => ("repeatRuleEveryDays", Some(n.to_string())),
    };
    let (end_key, end_arg) = match rule.end {
        End::OnDate(y, m, d) => ("repeatEndOnDate", format!("{y:04}-{m:02}-{d:02}")),
        End::After(n) => ("repeatEndAfter", n.to_string()),
    };
    RuleWords {
        key,
        args: std::iter::once(time).chain(extra).collect(),
        end_key,
        end_arg,
    }
}

/// How the composer asks occurrences to differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VariationKind {
    /// ` (2)`, ` (3)`... after the one post's text.
    NumberedSuffix,
    /// The thread's posts are the alternatives, in turn.
    Rotate,
}

impl SeriesSpec {
    /// The spec for posts as the composer gives them: one post with a numbered suffix, or
    /// several posts as the texts of a rotation. Text only ([`ScheduleError::SeriesMedia`]).
    pub fn from_posts(
        account_id: String,
        posts: &[PlannedPost],
        rule: Rule,
        kind: VariationKind,
        late_policy: Option<LatePolicy>,
    ) -> Result<SeriesSpec, ScheduleError> {
        if posts.iter().any(|p| !p.media.is_empty()) {
            return Err(ScheduleError::SeriesMedia);
        }
        let texts: Vec<String> = posts.iter().map(|p| p.text.clone()).collect();
        let first = texts.first().cloned().ok_or(ScheduleError::NoPosts)?;
        let variation = match kind {
            VariationKind::NumberedSuffix if texts.len() > 1 => {
                return Err(ScheduleError::SeriesOnePost);
            }
            VariationKind::NumberedSuffix => Variation::NumberedSuffix,
            VariationKind::Rotate => Variation::Rotate(texts),
        };
        Ok(SeriesSpec {
            account_id,
            rule,
            text: first,
            variation,
            late_policy,
        })
    }

    /// Every text an occurrence may carry at its longest (the last numbered suffix, or each
    /// text of the rotation): what the post-length check must accept.
    pub fn longest_texts(&self) -> Vec<String> {
        match &self.variation {
            Variation::NumberedSuffix => vec![text_for(
                &self.text,
                &self.variation,
                self.rule.max_count().saturating_sub(1),
            )],
            Variation::Rotate(texts) => texts.clone(),
        }
    }
}

fn check_spec(spec: &SeriesSpec) -> Result<(), ScheduleError> {
    if spec.account_id.trim().is_empty() {
        return Err(ScheduleError::NoAccount);
    }
    if spec.text.trim().is_empty() {
        return Err(ScheduleError::EmptyPost { step: 0 });
    }
    spec.rule.check().map_err(ScheduleError::Recur)?;
    check_variation(&spec.rule, &spec.variation).map_err(ScheduleError::Recur)?;
    if let Some(policy) = spec.late_policy {
        policy.validate()?;
    }
    Ok(())
}

/// The first occurrence of `rule` after `last_index` and not before `now_ms` (less the
/// grace): its index and instant.
fn next_occurrence(
    rule: &Rule,
    zone: &impl Zone,
    last_index: Option<u32>,
    now_ms: u64,
) -> Option<(u32, u64)> {
    let from = i64::try_from(now_ms.saturating_sub(SCHEDULE_GRACE_MS)).ok()?;
    let (mut index, mut at) = rule.next_from(zone, from)?;
    if let Some(last) = last_index
        && index <= last
    {
        index = last.checked_add(1)?;
        at = rule.occurrence(zone, index)?;
    }
    Some((index, u64::try_from(at).ok()?))
}

impl Queue {
    /// Every series, in the order they were added.
    pub fn series(&self) -> &[Series] {
        &self.series
    }

    /// The series with this id.
    pub fn get_series(&self, id: SeriesId) -> Option<&Series> {
        self.series.iter().find(|s| s.id == id)
    }

    /// Every series, for the at-rest sealing of their texts ([`crate::sealed`]).
    pub(crate) fn series_all_mut(&mut self) -> &mut [Series] {
        &mut self.series
    }

    fn series_mut(&mut self, id: SeriesId) -> Result<&mut Series, ScheduleError> {
        self.series
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or(ScheduleError::SeriesNotFound { id })
    }

    /// Starts a series and queues its first occurrence (the first time of the rule not in the
    /// past). Refuses a rule or variation that cannot work ([`ScheduleError::Recur`]) and a
    /// rule with no occurrence left.
    pub fn add_series(
        &mut self,
        spec: SeriesSpec,
        zone: &impl Zone,
        now_ms: u64,
    ) -> Result<(SeriesId, ItemId), ScheduleError> {
        check_spec(&spec)?;
        self.check_room()?;
        let Some((index, at)) = next_occurrence(&spec.rule, zone, None, now_ms) else {
            return Err(ScheduleError::Recur(RuleError::Empty));
        };
        super::validate_due(at, now_ms)?;
        let id = SeriesId(self.next_series_id);
        self.next_series_id = self.next_series_id.saturating_add(1);
        self.series.push(Series {
            id,
            spec,
            state: SeriesState::Active,
            materialised: 0,
            sent: 0,
            last_index: None,
            current: None,
            created_at_ms: now_ms,
        });
        let item = self.materialise(id, index, at, now_ms)?;
        Ok((id, item))
    }

    /// Queues occurrence `index` (at `at`) of a series as an ordinary item.
    fn materialise(
        &mut self,
        id: SeriesId,
        index: u32,
        at: u64,
        now_ms: u64,
    ) -> Result<ItemId, ScheduleError> {
        let series = self
            .get_series(id)
            .ok_or(ScheduleError::SeriesNotFound { id })?;
        let number = series.materialised;
        let draft = NewItem {
            account_id: series.spec.account_id.clone(),
            posts: vec![PlannedPost::text(text_for(
                &series.spec.text,
                &series.spec.variation,
                number,
            ))],
            due_at_ms: at,
        };
        let late_policy = series.spec.late_policy;
        let item = self.add(draft, now_ms)?;
        self.set_late_policy(item, late_policy)?;
        let added = self.item_mut(item)?;
        added.series = Some(Occurrence { series: id, number });
        let series = self.series_mut(id)?;
        series.materialised = number.saturating_add(1);
        series.last_index = Some(index);
        series.current = Some(item);
        Ok(item)
    }

    /// Moves every active series on: counts a sent occurrence, queues the next one when the
    /// waiting one is done (sent, skipped, cancelled or removed), ends a series past its end.
    /// Returns the items it queued. Idempotent; run after every change of the queue.
    pub fn advance_series(&mut self, zone: &impl Zone, now_ms: u64) -> Vec<ItemId> {
        let mut queued = Vec::new();
        let ids: Vec<SeriesId> = self.series.iter().map(|s| s.id).collect();
        for id in ids {
            let Some(series) = self.get_series(id) else {
                continue;
            };
            let current = series
                .current
                .and_then(|c| self.get(c))
                .map(|i| i.state.kind());
            let done = match current {
                None => true,
                Some(StateKind::Sent) => {
                    if let Ok(s) = self.series_mut(id) {
                        s.sent = s.sent.saturating_add(1);
                        s.current = None;
                    }
                    true
                }
                Some(StateKind::Skipped | StateKind::Cancelled) => true,
                Some(_) => false,
            };
            let Some(series) = self.get_series(id) else {
                continue;
            };
            if !done || series.state != SeriesState::Active || !series.has_texts() {
                if done && let Ok(s) = self.series_mut(id) {
                    s.current = None;
                }
                continue;
            }
            match next_occurrence(&series.spec.rule, zone, series.last_index, now_ms) {
                Some((index, at)) => {
                    if let Ok(item) = self.materialise(id, index, at, now_ms) {
                        queued.push(item);
                    } else if let Ok(s) = self.series_mut(id) {
                        // Out of the queue's reach (more than a year ahead): tried again at
                        // the next change.
                        s.current = None;
                    }
                }
                None => {
                    if let Ok(s) = self.series_mut(id) {
                        s.current = None;
                        s.state = SeriesState::Ended;
                    }
                }
            }
        }
        queued
    }

    /// Changes a series: future occurrences follow `spec` (same account required), and so does
    /// the waiting one when nothing of it has gone to X: its text always, its time too while
    /// it is `Scheduled` (the new rule's next time; none left cancels it and ends the series).
    pub fn edit_series(
        &mut self,
        id: SeriesId,
        spec: SeriesSpec,
        zone: &impl Zone,
        now_ms: u64,
    ) -> Result<(), ScheduleError> {
        check_spec(&spec)?;
        let series = self.series_mut(id)?;
        if series.state != SeriesState::Active {
            return Err(ScheduleError::SeriesNotActive { id });
        }
        if series.spec.account_id != spec.account_id {
            return Err(ScheduleError::NoAccount);
        }
        let rule_changed = series.spec.rule != spec.rule;
        series.spec = spec;
        if rule_changed {
            // The new rule counts its own occurrences from its own start.
            series.last_index = None;
        }
        let Some(current) = series.current else {
            return Ok(());
        };
        let spec = series.spec.clone();
        let Ok(item) = self.item_mut(current) else {
            return Ok(());
        };
        let untouched = item.posted.is_empty() && item.doubt_since_ms.is_none();
        if !untouched || item.check(Op::Edit).is_err() {
            // Being sent (or in doubt): it stays as it is; the next one follows the edit.
            return Ok(());
        }
        let number = item.series.map_or(0, |o| o.number);
        item.posts = vec![PlannedPost::text(text_for(
            &spec.text,
            &spec.variation,
            number,
        ))];
        item.late_policy = spec.late_policy;
        if !rule_changed || !matches!(item.state, State::Scheduled { .. }) {
            return Ok(());
        }
        match next_occurrence(&spec.rule, zone, None, now_ms) {
            Some((index, at)) => {
                super::validate_due(at, now_ms)?;
                let item = self.item_mut(current)?;
                item.due_at_ms = at;
                item.state = State::Scheduled { at_ms: at };
                self.series_mut(id)?.last_index = Some(index);
            }
            None => {
                self.cancel(current, now_ms)?;
                let series = self.series_mut(id)?;
                series.current = None;
                series.state = SeriesState::Ended;
            }
        }
        Ok(())
    }

    /// Stops a series: no more occurrences, and the waiting one is cancelled unless it is being
    /// sent. Returns the cancelled item, if any.
    pub fn stop_series(
        &mut self,
        id: SeriesId,
        now_ms: u64,
    ) -> Result<Option<ItemId>, ScheduleError> {
        let series = self.series_mut(id)?;
        series.state = SeriesState::Stopped;
        let Some(current) = series.current else {
            return Ok(None);
        };
        let cancellable = self
            .get(current)
            .is_some_and(|i| i.check(Op::Cancel).is_ok());
        if cancellable {
            self.cancel(current, now_ms)?;
            self.series_mut(id)?.current = None;
            return Ok(Some(current));
        }
        Ok(None)
    }
}
