//! The composer's outbox: a post or thread on its way to X, and what is already there, so that
//! nothing is posted twice. Its rules are decided here; the worker stores it and makes the
//! requests.
//!
//! A step is marked in flight (and stored) before its `POST /2/tweets`. When X's answer says
//! what happened the mark goes; when it cannot (a timeout, a cut connection, a 5xx, a worker
//! stopped meanwhile) the step stays in flight, and nothing is sent again until the user
//! decides: it is on X (optionally with its link, needed to continue a thread), or send
//! anyway, in which case X's duplicate answer proves the first request was posted.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::PostInput;
use crate::schedule::Outcome;

/// One step that is on X.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posted {
    /// Its post id; empty when X confirmed it only by refusing a resend as a duplicate, or the
    /// user said it is on X without its link.
    pub id: String,
    /// Its link (empty with the id).
    pub url: String,
}

/// Why a post or thread stopped, as the page shows it: `{code, step, steps, posted, ...}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PostFailure {
    /// The error code (`post_outcome_unknown` when the last step may be on X).
    pub code: String,
    /// The step that failed (0-based).
    pub step: usize,
    /// How many steps the post has.
    pub steps: usize,
    /// The steps already on X.
    #[serde(default)]
    pub posted: Vec<Posted>,
    /// The error's other facts (retry time, X's status and text).
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

/// What the user decided about a step whose outcome is unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// It is on X (the user checked): record it as posted.
    OnX,
    /// Send it again.
    SendAnyway,
}

/// Why a resume was refused (nothing changed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResumeError {
    /// The last step may be on X: a decision is needed first.
    OutcomeUnknown {
        /// The step in doubt.
        step: usize,
    },
    /// A step is on X without a known id and the rest of the thread must reply to it.
    PostIdRequired {
        /// That step.
        step: usize,
    },
}

impl ResumeError {
    /// A stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ResumeError::OutcomeUnknown { .. } => "post_outcome_unknown",
            ResumeError::PostIdRequired { .. } => "post_id_required",
        }
    }

    /// The step it is about.
    pub fn step(&self) -> usize {
        match self {
            ResumeError::OutcomeUnknown { step } | ResumeError::PostIdRequired { step } => *step,
        }
    }
}

/// What to do with the answer to a step's request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepResult {
    /// On X with this id.
    Posted(String),
    /// On X, proven by X's duplicate answer to the user's resend; its id is unknown.
    PostedWithoutId,
    /// Not posted; the error stands.
    NotPosted,
    /// It may be on X: the step stays in flight.
    Unknown,
}

/// A post (or thread) on its way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outbox {
    /// The account that posts.
    pub account_id: String,
    /// Every step, as it was when the post was sent.
    pub posts: Vec<PostInput>,
    /// The steps already on X, in order.
    pub posted: Vec<Posted>,
    /// Why it stopped, if it did.
    #[serde(default)]
    pub failed: Option<PostFailure>,
    /// The step whose request was sent and whose answer is not known.
    #[serde(default)]
    pub in_flight: Option<usize>,
    /// The next request for the in-flight step is a resend the user asked for.
    #[serde(default)]
    pub resend: bool,
}

impl Outbox {
    /// A new outbox for these steps.
    pub fn new(account_id: String, posts: Vec<PostInput>) -> Self {
        Outbox {
            account_id,
            posts,
            posted: Vec::new(),
            failed: None,
            in_flight: None,
            resend: false,
        }
    }

    /// The next step to send, if any is left.
    pub fn next_step(&self) -> Option<usize> {
        (self.posted.len() < self.posts.len()).then_some(self.posted.len())
    }

    /// The id the next step replies to: `Ok(None)` for the first step, an error when the
    /// previous step is on X without a known id.
    pub fn reply_target(&self) -> Result<Option<&str>, ResumeError> {
        match self.posted.last() {
            None => Ok(None),
            Some(p) if p.id.is_empty() => Err(ResumeError::PostIdRequired {
                step: self.posted.len() - 1,
            }),
            Some(p) => Ok(Some(p.id.as_str())),
        }
    }

    /// Marks a step in flight: call, and store the outbox, before its request.
    pub fn begin(&mut self, step: usize) {
        self.in_flight = Some(step);
    }

    /// Records what X's answer (classified as for scheduled posts) says of the in-flight step,
    /// and says what to do next.
    pub fn record(&mut self, outcome: &Outcome) -> StepResult {
        let result = match outcome {
            Outcome::Posted { id } => StepResult::Posted(id.clone()),
            Outcome::Duplicate if self.resend => StepResult::PostedWithoutId,
            Outcome::Unknown { .. } => return StepResult::Unknown,
            _ => StepResult::NotPosted,
        };
        self.in_flight = None;
        self.resend = false;
        match &result {
            StepResult::Posted(id) => self.posted.push(Posted {
                id: id.clone(),
                url: String::new(),
            }),
            StepResult::PostedWithoutId => self.posted.push(Posted::default()),
            _ => {}
        }
        result
    }

    /// The step that keeps a new post from going out: one whose outcome is unknown (it may be
    /// on X; a new send could repeat it), until the user settles it with `post_resume`.
    #[must_use]
    pub fn blocks_new_post(&self) -> Option<usize> {
        self.in_flight
    }

    /// What the composer offers to continue, as the popup sees it: a failure stays resumable
    /// only while its draft does (discarding the draft gives it up) and while no send of this
    /// worker is running.
    #[must_use]
    pub fn resumable_with(&self, draft_exists: bool, running: bool) -> Option<PostFailure> {
        if !draft_exists || running {
            return None;
        }
        self.resumable()
    }

    /// What the composer may offer: the failure that stopped this outbox when it can be
    /// continued (a step in doubt, a step on X without its id, or a thread with some of it on
    /// X; such a thread is read-only until it is resumed or discarded), else `None`. A worker
    /// stopped mid-send leaves no failure: it is reported as `post_outcome_unknown` when a
    /// request was out, else as `interrupted`.
    pub fn resumable(&self) -> Option<PostFailure> {
        let steps = self.posts.len();
        let failure = match &self.failed {
            Some(f) => f.clone(),
            None => PostFailure {
                code: if self.in_flight.is_some() {
                    "post_outcome_unknown"
                } else {
                    "interrupted"
                }
                .to_owned(),
                step: self.posted.len(),
                steps,
                posted: self.posted.clone(),
                details: Map::new(),
            },
        };
        let continuable = self.in_flight.is_some()
            || self.reply_target().is_err()
            || (steps > 1 && !self.posted.is_empty());
        continuable.then_some(failure)
    }

    /// Applies the user's decision about the step in doubt, and a pasted post id for a step on
    /// X without one, before resuming. Refuses (changing nothing) to resume a step in doubt
    /// without a decision, and to go on after a step whose id is unknown.
    pub fn settle(
        &mut self,
        decision: Option<Decision>,
        pasted_id: Option<String>,
    ) -> Result<(), ResumeError> {
        let mut next = self.clone();
        if let Some(step) = next.in_flight {
            match decision {
                None => return Err(ResumeError::OutcomeUnknown { step }),
                Some(Decision::SendAnyway) => next.resend = true,
                Some(Decision::OnX) => {
                    next.posted.push(Posted {
                        id: pasted_id.unwrap_or_default(),
                        url: String::new(),
                    });
                    next.in_flight = None;
                    next.resend = false;
                }
            }
        } else if let (Some(last), Some(id)) = (next.posted.last_mut(), pasted_id)
            && last.id.is_empty()
        {
            last.id = id;
        }
        if next.next_step().is_some() {
            next.reply_target()?;
        }
        next.failed = None;
        *self = next;
        Ok(())
    }
}
