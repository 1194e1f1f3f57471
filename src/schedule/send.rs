//! Sending a step: what goes ([`Queue::next_step`]), the mark that it went ([`Queue::begin`],
//! before the request), and what became of it ([`Queue::complete`]). The request itself is
//! [`super::PostAttempt`]'s.

use super::*;

impl Queue {
    /// The next step of an item, without changing anything: what [`Queue::begin`] will hand
    /// out. Lets the caller upload media before the post is begun.
    pub fn next_step(&self, id: ItemId) -> Result<SendStep, ScheduleError> {
        let item = self.get(id).ok_or(ScheduleError::NotFound { id })?;
        if item.is_finished() || matches!(item.state, State::Sending { .. }) {
            return Err(item.illegal(Op::Begin));
        }
        item.send_step()
    }

    /// Starts sending the next step of a due item: moves it to `Sending` and says what to
    /// send. The caller must persist the queue before making the request.
    ///
    /// When the step may already be on X and a resend is no longer safe, or a thread step has
    /// no id to reply to, the item moves to `NeedsConfirmation` instead and the answer is
    /// [`ScheduleError::NeedsConfirmation`].
    pub fn begin(&mut self, id: ItemId, now_ms: u64) -> Result<SendStep, ScheduleError> {
        let item = self.item_mut(id)?;
        item.check(Op::Begin)?;
        let Some(wake) = item.state.wake_at() else {
            return Err(item.illegal(Op::Begin));
        };
        if wake > now_ms {
            return Err(ScheduleError::NotDue { id, at_ms: wake });
        }
        if item.doubt_unresolvable(now_ms) {
            item.confirm(ConfirmReason::UnknownOutcome, now_ms);
            return Err(ScheduleError::NeedsConfirmation {
                id,
                reason: ConfirmReason::UnknownOutcome,
            });
        }
        let step = match item.send_step() {
            Ok(step) => step,
            Err(ScheduleError::NeedsConfirmation { reason, .. }) => {
                item.confirm(reason, now_ms);
                return Err(ScheduleError::NeedsConfirmation { id, reason });
            }
            Err(other) => return Err(other),
        };
        item.state = State::Sending {
            since_ms: now_ms,
            step: step.step,
        };
        Ok(step)
    }

    /// [`Queue::begin`] for a step the caller prepared (uploaded its media) from an earlier
    /// [`Queue::next_step`]: refused with [`ScheduleError::StepChanged`], changing nothing,
    /// when the item's next step is no longer exactly `prepared` (it was edited meanwhile), so
    /// X never receives content the user already changed.
    pub fn begin_prepared(
        &mut self,
        prepared: &SendStep,
        now_ms: u64,
    ) -> Result<SendStep, ScheduleError> {
        let id = prepared.item_id;
        let item = self.get(id).ok_or(ScheduleError::NotFound { id })?;
        if let Ok(current) = item.send_step()
            && current != *prepared
        {
            return Err(ScheduleError::StepChanged { id });
        }
        self.begin(id, now_ms)
    }

    /// Records what became of the request begun for an item, and returns its new state.
    /// `jitter` is a random number in `0..=1` that spreads retries.
    pub fn complete(
        &mut self,
        id: ItemId,
        outcome: Outcome,
        now_ms: u64,
        jitter: f64,
    ) -> Result<State, ScheduleError> {
        let item = self.item_mut(id)?;
        item.check(Op::Complete)?;
        let State::Sending { since_ms, step } = item.state else {
            return Err(item.illegal(Op::Complete));
        };
        let text_only = match item.posts.get(step) {
            Some(post) if step == item.step() => post.is_text_only(),
            _ => return Err(corrupt(id, "the step being sent does not match")),
        };
        match outcome {
            Outcome::Posted { id: post_id } => {
                item.mark_posted(Some(post_id), now_ms, PostedVia::Response, now_ms);
            }
            Outcome::Duplicate if text_only && item.doubt_since_ms.is_some() => {
                let at_ms = item.doubt_since_ms.unwrap_or(since_ms);
                item.mark_posted(None, at_ms, PostedVia::Duplicate, now_ms);
            }
            Outcome::Duplicate => {
                item.log(now_ms, "duplicate_content");
                item.fail("duplicate_content", now_ms);
            }
            Outcome::RateLimited {
                reset_at_s,
                user_24h_remaining,
                user_24h_reset_s,
                app_24h_remaining,
                app_24h_reset_s,
            } => {
                item.log(now_ms, "rate_limited");
                let attempt = item.attempts.saturating_add(1);
                let daily = daily_reset_s(
                    user_24h_remaining,
                    user_24h_reset_s,
                    app_24h_remaining,
                    app_24h_reset_s,
                );
                let until = rate_limit_until(now_ms, reset_at_s, daily, attempt, jitter);
                item.retry_later("rate_limited", until, now_ms);
            }
            Outcome::Transient { code } => {
                item.log(now_ms, &code);
                let until =
                    now_ms.saturating_add(backoff_ms(item.attempts.saturating_add(1), jitter));
                item.retry_later(&code, until, now_ms);
            }
            Outcome::Unknown { code } => {
                item.log(now_ms, &code);
                item.doubt_since_ms.get_or_insert(since_ms);
                let until =
                    now_ms.saturating_add(backoff_ms(item.attempts.saturating_add(1), jitter));
                item.retry_later(&code, until, now_ms);
            }
            Outcome::Permanent { code } => {
                item.log(now_ms, &code);
                item.fail(&code, now_ms);
            }
            Outcome::Locked => {
                item.log(now_ms, "vault_locked");
                item.state = State::NeedsUnlock { since_ms: now_ms };
            }
        }
        Ok(item.state.clone())
    }
}
