//! One step of one due item, from the send-time gate to the Sent list: the order a scheduled
//! send runs in, as a step machine. The worker (`src/worker/schedule/run.rs`) does what each
//! [`Action`] asks (storage, an upload, the post request through [`super::PostAttempt`], a
//! notification) and hands the result back; the randomized crash simulation in
//! `tests/keypost/schedule.rs` drives this same machine, stopping the worker between any two
//! actions.
//!
//! The order is what makes a stop at any point safe:
//! - the gate first ([`gate::before_send`]): nothing blank, nothing for a missing account,
//!   no pasted key;
//! - room to record the send is checked before any upload (a send that could not be recorded
//!   would be uploaded again by the next run);
//! - media are uploaded before the step is begun: a stop meanwhile leaves nothing in doubt;
//! - the step is begun (stored as `Sending`) only as it was prepared: an edit made during the
//!   upload is what the next pass sends;
//! - only then the post request, and its outcome is recorded before anything else (forgetting
//!   the images, the notification, the Sent list).

use std::collections::VecDeque;

use super::gate::{self, Facts, Gate};
use super::{Outcome, ScheduleError, SendStep, State, notice};
use crate::x::NewPost;

/// What the machine asks the worker to do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Check that storage has room to record the send; answer with [`Run::room`] (a failure
    /// ends the run with the storage error: nothing was sent).
    ReserveRoom,
    /// Upload this image of the step; answer with [`Run::uploaded`].
    Upload {
        /// Its key in the media store.
        local_id: String,
        /// Its alt text.
        alt: String,
    },
    /// Begin the step in the stored queue ([`super::Queue::begin_prepared`]) and persist it;
    /// answer with [`Run::begun`].
    Begin(SendStep),
    /// Send this post (the one post path, [`super::PostAttempt`]); answer with [`Run::posted`].
    Post(NewPost),
    /// Record the outcome in the stored queue ([`super::Queue::complete`], then prune the
    /// past) and persist it; answer with [`Run::finished`] and the item's new state.
    Finish(Outcome),
    /// The item is on X: delete its images from the browser; then [`Run::followed`].
    ForgetMedia,
    /// Tell the user about the item (its notification); then [`Run::followed`].
    Notify,
    /// Add the post to the Sent list (best effort: the queue, stored already, is what counts);
    /// then [`Run::followed`].
    RecordSent {
        /// X's id of the post.
        post_id: String,
    },
    /// Nothing more for this item in this run.
    Done,
}

/// A failed upload, as the worker saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadFailed {
    /// The error code (`x_rate_limited`, `media_missing`, `offline`, ...).
    pub code: String,
    /// When X said to try again, Unix seconds, if it did.
    pub retry_at_s: Option<u64>,
}

#[derive(Debug)]
enum Stage {
    Room,
    Uploading,
    Begin,
    Post,
    Finish,
    After,
    Over,
}

/// One step of one due item on its way to X.
#[derive(Debug)]
pub struct Run {
    prepared: SendStep,
    notify_sent: bool,
    stage: Stage,
    /// Refused by the gate: begun, then recorded as failed for good with this code.
    refusing: Option<&'static str>,
    media_ids: Vec<String>,
    /// An upload that failed: recorded as this outcome once the step is begun.
    upload_failed: Option<Outcome>,
    posted_id: Option<String>,
    after: VecDeque<Action>,
}

impl Run {
    /// Starts the step the queue prepared ([`super::Queue::next_step`]) with the gate's facts;
    /// `notify_sent` is the user's setting. Returns the machine and its first action.
    #[must_use]
    pub fn start(prepared: SendStep, facts: &Facts<'_>, notify_sent: bool) -> (Self, Action) {
        let mut run = Run {
            prepared,
            notify_sent,
            stage: Stage::Over,
            refusing: None,
            media_ids: Vec::new(),
            upload_failed: None,
            posted_id: None,
            after: VecDeque::new(),
        };
        let action = match gate::before_send(facts) {
            Gate::Leave => Action::Done,
            Gate::Refuse(code) => {
                run.refusing = Some(code);
                run.begin()
            }
            Gate::Send => {
                run.stage = Stage::Room;
                Action::ReserveRoom
            }
        };
        (run, action)
    }

    /// The item this run is for.
    #[must_use]
    pub fn step(&self) -> &SendStep {
        &self.prepared
    }

    /// Storage has room to record the send.
    pub fn room(&mut self) -> Action {
        if !matches!(self.stage, Stage::Room) {
            return self.out_of_order();
        }
        self.stage = Stage::Uploading;
        self.next_upload()
    }

    /// The image asked for last went up as `Ok(X's media id)`, or failed: the step is then
    /// begun and recorded with the failure's outcome (never sent without its image).
    pub fn uploaded(&mut self, result: Result<String, UploadFailed>) -> Action {
        if !matches!(self.stage, Stage::Uploading) {
            return self.out_of_order();
        }
        match result {
            Ok(media_id) => {
                self.media_ids.push(media_id);
                self.next_upload()
            }
            Err(failed) => {
                self.upload_failed = Some(Outcome::before_request(&failed.code, failed.retry_at_s));
                self.begin()
            }
        }
    }

    /// What [`Action::Begin`] did. A refusal that asked the user (`NeedsConfirmation`, stored
    /// by the worker) is told to them; one that means "nothing to send now" (edited,
    /// rescheduled, cancelled or sent meanwhile) ends the run quietly; any other is returned.
    pub fn begun(&mut self, result: Result<(), ScheduleError>) -> Result<Action, ScheduleError> {
        if !matches!(self.stage, Stage::Begin) {
            return Ok(self.out_of_order());
        }
        match result {
            Ok(()) => {}
            Err(ScheduleError::NeedsConfirmation { .. }) => {
                self.stage = Stage::After;
                self.after = VecDeque::from([Action::Notify]);
                return Ok(self.followed());
            }
            Err(e) if e.is_not_sendable_now() => {
                self.stage = Stage::Over;
                return Ok(Action::Done);
            }
            Err(e) => {
                self.stage = Stage::Over;
                return Err(e);
            }
        }
        if let Some(code) = self.refusing {
            return Ok(self.finish(Outcome::Permanent {
                code: code.to_owned(),
            }));
        }
        if let Some(outcome) = self.upload_failed.take() {
            return Ok(self.finish(outcome));
        }
        self.stage = Stage::Post;
        // The step is `Sending` on disk now: whatever happens next, no second post.
        Ok(Action::Post(NewPost {
            text: self.prepared.text.clone(),
            in_reply_to: self.prepared.in_reply_to.clone(),
            media_ids: std::mem::take(&mut self.media_ids),
        }))
    }

    /// What became of the post request.
    pub fn posted(&mut self, outcome: Outcome) -> Action {
        if !matches!(self.stage, Stage::Post) {
            return self.out_of_order();
        }
        if let Outcome::Posted { id } = &outcome {
            self.posted_id = Some(id.clone());
        }
        self.finish(outcome)
    }

    /// The outcome is recorded; `state` is the item's state now (`None` when it is gone). What
    /// follows: a sent item's images leave the browser, the user is told when the core's rule
    /// says so, and a post that went out joins the Sent list.
    pub fn finished(&mut self, state: Option<&State>) -> Action {
        if !matches!(self.stage, Stage::Finish) {
            return self.out_of_order();
        }
        self.stage = Stage::After;
        if let Some(state) = state {
            if matches!(state, State::Sent { .. }) {
                self.after.push_back(Action::ForgetMedia);
            }
            if notice::notice_for(state, self.notify_sent).is_some() {
                self.after.push_back(Action::Notify);
            }
        }
        if let Some(post_id) = self.posted_id.take() {
            self.after.push_back(Action::RecordSent { post_id });
        }
        self.followed()
    }

    /// The next follow-up after [`Action::ForgetMedia`], [`Action::Notify`] or
    /// [`Action::RecordSent`], whatever became of it.
    pub fn followed(&mut self) -> Action {
        match self.after.pop_front() {
            Some(action) => action,
            None => {
                self.stage = Stage::Over;
                Action::Done
            }
        }
    }

    fn next_upload(&mut self) -> Action {
        match self.prepared.media.get(self.media_ids.len()) {
            Some(media) => Action::Upload {
                local_id: media.local_id.clone(),
                alt: media.alt_text.clone(),
            },
            None => self.begin(),
        }
    }

    fn begin(&mut self) -> Action {
        self.stage = Stage::Begin;
        Action::Begin(self.prepared.clone())
    }

    fn finish(&mut self, outcome: Outcome) -> Action {
        self.stage = Stage::Finish;
        Action::Finish(outcome)
    }

    /// An answer the machine did not ask for: the run ends, having sent nothing more.
    fn out_of_order(&mut self) -> Action {
        self.stage = Stage::Over;
        self.after.clear();
        Action::Done
    }
}
