//! The composer's post on its way to X, step by step, as a step machine over its [`Outbox`]:
//! the order the worker (`src/worker/msg_compose.rs`) runs in, doing each [`Action`] and
//! handing back the result.
//!
//! For every step left: the reply target must be known; its images go up (nothing is in
//! doubt yet); the step is marked in flight and the outbox stored; then the post request
//! (through the one post path, `schedule::PostAttempt`), whose outcome the outbox records and
//! which is stored before anything else happens; a post that went out joins the Sent list.
//! A stop anywhere leaves a stored outbox that says what is on X and what may be.

use super::outbox::{Outbox, ResumeError, StepResult};
use crate::schedule::Outcome;
use crate::x::NewPost;

/// What the machine asks the worker to do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Store the outbox as it is now ([`Poster::outbox`]); then [`Poster::stored`]. A failure
    /// ends the post with the storage error.
    Store,
    /// Upload this image of `step`, showing the composer's progress; then [`Poster::uploaded`]
    /// or [`Poster::upload_failed`].
    Upload {
        /// The step (0-based).
        step: usize,
        /// How many steps the post has.
        steps: usize,
        /// Its key in the media store.
        media_id: String,
        /// Its alt text.
        alt: String,
    },
    /// Send this post (its step is in flight and stored), showing "posting"; then
    /// [`Poster::posted`].
    Post {
        /// The step (0-based).
        step: usize,
        /// How many steps the post has.
        steps: usize,
        /// The request's contents.
        post: NewPost,
    },
    /// Add the step that went out to the Sent list (best effort: the outbox, stored already,
    /// is what counts); then [`Poster::followed`].
    RecordSent {
        /// X's id of the post.
        post_id: String,
        /// Its text.
        text: String,
    },
    /// Every step is on X.
    Finished,
    /// The post stopped here; the outbox is stored as it stands.
    Stopped(Stop),
}

/// Why the post stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The step may be on X (`post_outcome_unknown`): nothing is sent again until the user
    /// decides. `cause` is what kept the answer from being known.
    Unknown {
        /// The error code that hid the outcome (`timeout`, `x_server_error`, ...).
        cause: String,
    },
    /// X refused the step: its own error (the answer the worker has) stands.
    NotPosted,
    /// An image of the step did not go up: the upload's error stands. Nothing was sent.
    Upload,
    /// The step before is on X without a known id, and this one must reply to it.
    ReplyTarget(ResumeError),
}

#[derive(Debug)]
enum Stage {
    /// The outbox as given is being stored before anything is sent.
    Start,
    Uploading,
    /// The step is marked in flight and being stored.
    InFlight,
    Post,
    /// The outcome is recorded and being stored.
    Recorded(StepResult),
    Sent,
    Over,
}

/// A post (or thread) of the composer on its way.
#[derive(Debug)]
pub struct Poster {
    outbox: Outbox,
    stage: Stage,
    media_ids: Vec<String>,
    /// What hid the outcome of the step in doubt.
    unknown_cause: Option<String>,
}

impl Poster {
    /// Starts (or resumes) the outbox; the checks before it (lengths, images, a pasted key)
    /// are the caller's. The first action stores it as given.
    #[must_use]
    pub fn start(outbox: Outbox) -> (Self, Action) {
        let poster = Poster {
            outbox,
            stage: Stage::Start,
            media_ids: Vec::new(),
            unknown_cause: None,
        };
        (poster, Action::Store)
    }

    /// The outbox as it stands (what [`Action::Store`] stores).
    #[must_use]
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// The outbox, once the machine is done with it.
    #[must_use]
    pub fn into_outbox(self) -> Outbox {
        self.outbox
    }

    /// The outbox is stored.
    pub fn stored(&mut self) -> Action {
        match std::mem::replace(&mut self.stage, Stage::Over) {
            Stage::Start => self.next_step(),
            Stage::InFlight => self.post(),
            Stage::Recorded(result) => self.after(result),
            _ => Action::Stopped(Stop::NotPosted),
        }
    }

    /// The image asked for last went up with this X media id.
    pub fn uploaded(&mut self, media_id: String) -> Action {
        if !matches!(self.stage, Stage::Uploading) {
            return self.out_of_order();
        }
        self.media_ids.push(media_id);
        self.next_upload()
    }

    /// The image asked for last did not go up: the post stops before its step is sent.
    pub fn upload_failed(&mut self) -> Action {
        self.stage = Stage::Over;
        Action::Stopped(Stop::Upload)
    }

    /// What X's answer to the post request means ([`Outcome`], the scheduler's classification).
    pub fn posted(&mut self, outcome: &Outcome) -> Action {
        if !matches!(self.stage, Stage::Post) {
            return self.out_of_order();
        }
        let result = self.outbox.record(outcome);
        if let (StepResult::Unknown, Outcome::Unknown { code }) = (&result, outcome) {
            self.unknown_cause = Some(code.clone());
        }
        // What is on X (or may be) is written down before anything else can fail.
        self.stage = Stage::Recorded(result);
        Action::Store
    }

    /// The Sent list was written to (or could not be: the post goes on).
    pub fn followed(&mut self) -> Action {
        if !matches!(self.stage, Stage::Sent) {
            return self.out_of_order();
        }
        self.next_step()
    }

    fn next_step(&mut self) -> Action {
        let Some(_) = self.outbox.next_step() else {
            self.stage = Stage::Over;
            return Action::Finished;
        };
        if let Err(e) = self.outbox.reply_target() {
            self.stage = Stage::Over;
            return Action::Stopped(Stop::ReplyTarget(e));
        }
        self.media_ids.clear();
        self.stage = Stage::Uploading;
        self.next_upload()
    }

    fn next_upload(&mut self) -> Action {
        let step = self.outbox.posted.len();
        let steps = self.outbox.posts.len();
        let next = self
            .outbox
            .posts
            .get(step)
            .and_then(|p| p.media.get(self.media_ids.len()));
        match next {
            Some(media) => Action::Upload {
                step,
                steps,
                media_id: media.media_id.clone(),
                alt: media.alt.clone(),
            },
            None => {
                // Uploading is not posting: the step is in flight only from here.
                self.outbox.begin(step);
                self.stage = Stage::InFlight;
                Action::Store
            }
        }
    }

    fn post(&mut self) -> Action {
        let step = self.outbox.posted.len();
        let steps = self.outbox.posts.len();
        let in_reply_to = match self.outbox.reply_target() {
            Ok(target) => target.map(str::to_owned),
            Err(e) => {
                self.stage = Stage::Over;
                return Action::Stopped(Stop::ReplyTarget(e));
            }
        };
        let text = self.text_of(step);
        self.stage = Stage::Post;
        Action::Post {
            step,
            steps,
            post: NewPost {
                text,
                in_reply_to,
                media_ids: std::mem::take(&mut self.media_ids),
            },
        }
    }

    fn after(&mut self, result: StepResult) -> Action {
        match result {
            StepResult::Posted(post_id) => {
                let text = self.text_of(self.outbox.posted.len().saturating_sub(1));
                self.stage = Stage::Sent;
                Action::RecordSent { post_id, text }
            }
            StepResult::PostedWithoutId => self.next_step(),
            StepResult::NotPosted => {
                self.stage = Stage::Over;
                Action::Stopped(Stop::NotPosted)
            }
            StepResult::Unknown => {
                self.stage = Stage::Over;
                Action::Stopped(Stop::Unknown {
                    cause: self.unknown_cause.take().unwrap_or_default(),
                })
            }
        }
    }

    fn text_of(&self, step: usize) -> String {
        self.outbox
            .posts
            .get(step)
            .map(|p| p.text.clone())
            .unwrap_or_default()
    }

    /// An answer the machine did not ask for: the post stops, sending nothing more.
    fn out_of_order(&mut self) -> Action {
        self.stage = Stage::Over;
        Action::Stopped(Stop::NotPosted)
    }
}
