//! What the user must decide about an item ([`ConfirmReason`]) and their answer
//! ([`Resolution`], [`ResolutionInput`]); [`Queue::resolve`] applies it.

use super::*;

/// What the user must decide about an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmReason {
    /// A request for the next step got no answer and the schedule cannot safely resend it.
    UnknownOutcome,
    /// It should have gone out a while ago (the browser was closed) and the user asked to be
    /// asked before late posts go out.
    Late,
    /// The previous step of the thread is on X but its id is unknown, so the next step has
    /// nothing to reply to.
    ReplyTargetUnknown,
}

impl ConfirmReason {
    /// A stable snake_case code.
    pub fn as_str(self) -> &'static str {
        match self {
            ConfirmReason::UnknownOutcome => "unknown_outcome",
            ConfirmReason::Late => "late",
            ConfirmReason::ReplyTargetUnknown => "reply_target_unknown",
        }
    }

    /// The answers that settle this question (what [`Queue::resolve`] accepts).
    pub fn resolutions(self) -> &'static [ResolutionKind] {
        match self {
            ConfirmReason::UnknownOutcome => &[ResolutionKind::Posted, ResolutionKind::Send],
            ConfirmReason::Late => &[ResolutionKind::Send],
            ConfirmReason::ReplyTargetUnknown => &[ResolutionKind::Posted],
        }
    }

    /// Whether a `Posted` answer must carry the post's id (the rest of the thread replies to
    /// it); otherwise [`Queue::resolve`] refuses it with [`ScheduleError::PostIdRequired`].
    pub fn post_id_required(self) -> bool {
        matches!(self, ConfirmReason::ReplyTargetUnknown)
    }
}

/// The user's answer to a `NeedsConfirmation` item (see [`Queue::resolve`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Resolution {
    /// `UnknownOutcome`: the step is on X (with its id if the user has it).
    /// `ReplyTargetUnknown`: here is the previous step's id (required).
    Posted {
        /// X's id of the post.
        post_id: Option<String>,
    },
    /// `UnknownOutcome`: it is not on X (or the user accepts the risk): send it now.
    /// `Late`: send it now.
    Send,
}

impl Resolution {
    /// The answer's kind.
    pub fn kind(&self) -> ResolutionKind {
        match self {
            Resolution::Posted { .. } => ResolutionKind::Posted,
            Resolution::Send => ResolutionKind::Send,
        }
    }
}

/// A [`Resolution`] without its data: what the queue page may offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResolutionKind {
    /// [`Resolution::Posted`]
    Posted,
    /// [`Resolution::Send`]
    Send,
}

impl ResolutionKind {
    /// The snake_case name (the same as the `kind` tag of [`Resolution`]).
    pub fn as_str(self) -> &'static str {
        match self {
            ResolutionKind::Posted => "posted",
            ResolutionKind::Send => "send",
        }
    }
}

/// The user's answer as the queue page sends it: [`Resolution`], with the post given as
/// `post_ref` (an id or a link to the post, as pasted) or, from older pages, `post_id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ResolutionInput {
    /// See [`Resolution::Posted`].
    Posted {
        /// The post as pasted: its id or its link on x.com or twitter.com.
        #[serde(default)]
        post_ref: Option<String>,
        /// The same, from pages older than `post_ref`.
        #[serde(default)]
        post_id: Option<String>,
    },
    /// See [`Resolution::Send`].
    Send,
}

impl ResolutionInput {
    /// The answer with the post's id parsed by [`x::post_id_from_ref`]. Blank means no id;
    /// anything else that is neither an id nor a link to a post is
    /// [`ScheduleError::PostRefInvalid`].
    pub fn parse(self) -> Result<Resolution, ScheduleError> {
        match self {
            ResolutionInput::Send => Ok(Resolution::Send),
            ResolutionInput::Posted { post_ref, post_id } => {
                let given = [post_ref, post_id]
                    .into_iter()
                    .flatten()
                    .find(|r| !r.trim().is_empty());
                let post_id = match given {
                    Some(text) => {
                        Some(x::post_id_from_ref(&text).ok_or(ScheduleError::PostRefInvalid)?)
                    }
                    None => None,
                };
                Ok(Resolution::Posted { post_id })
            }
        }
    }
}
