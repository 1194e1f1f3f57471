//! The composer's post on its way (`compose::Poster`), driven as the worker drives it: each
//! path by name, then a randomized simulation of a faulty X and a worker stopped between any
//! two actions, resumed from what was stored the way the popup offers it, asserting that no
//! step is posted twice, every reply goes to the step before it, and the thread ends on X.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use std::collections::HashMap;

use keypost::compose::poster::Action;
use keypost::compose::{Decision, MediaInput, Outbox, PostInput, Poster, ResumeError, Stop};
use keypost::schedule::Outcome;
use keypost::x::NewPost;

use crate::support::rng::Rng;

fn text(t: &str) -> PostInput {
    PostInput {
        text: t.to_owned(),
        media: Vec::new(),
    }
}

fn with_image(t: &str, media_id: &str) -> PostInput {
    PostInput {
        text: t.to_owned(),
        media: vec![MediaInput {
            media_id: media_id.to_owned(),
            alt: format!("alt of {media_id}"),
        }],
    }
}

/// What one action was, by name.
fn name(a: &Action) -> &'static str {
    match a {
        Action::Store => "store",
        Action::Upload { .. } => "upload",
        Action::Post { .. } => "post",
        Action::RecordSent { .. } => "record_sent",
        Action::Finished => "finished",
        Action::Stopped(_) => "stopped",
    }
}

/// Runs the poster to its end; uploads succeed unless `upload` says not, posts answer `post`.
/// Returns the actions' names, the last action and the outbox as stored last.
fn drive(
    outbox: Outbox,
    upload_ok: bool,
    mut post: impl FnMut(&NewPost) -> Outcome,
) -> (Vec<&'static str>, Action, Outbox) {
    let (mut poster, mut action) = Poster::start(outbox);
    let mut names = Vec::new();
    let mut stored = poster.outbox().clone();
    loop {
        names.push(name(&action));
        action = match action {
            Action::Finished | Action::Stopped(_) => return (names, action, stored),
            Action::Store => {
                stored = poster.outbox().clone();
                poster.stored()
            }
            Action::Upload { media_id, .. } if upload_ok => {
                poster.uploaded(format!("x-{media_id}"))
            }
            Action::Upload { .. } => poster.upload_failed(),
            Action::Post { post: p, .. } => poster.posted(&post(&p)),
            Action::RecordSent { .. } => poster.followed(),
        };
    }
}

#[test]
fn a_thread_uploads_marks_in_flight_posts_records_then_goes_on_replying() {
    let outbox = Outbox::new("a".into(), vec![with_image("one", "img-1"), text("two")]);
    let mut sent: Vec<NewPost> = Vec::new();
    let (names, last, stored) = drive(outbox, true, |p| {
        sent.push(p.clone());
        Outcome::Posted {
            id: format!("{}", 100 + sent.len()),
        }
    });
    assert_eq!(
        names,
        [
            "store",
            "upload",
            "store",
            "post",
            "store",
            "record_sent",
            "store",
            "post",
            "store",
            "record_sent",
            "finished"
        ]
    );
    assert_eq!(last, Action::Finished);
    assert_eq!(sent[0].media_ids, ["x-img-1"]);
    assert_eq!(sent[0].in_reply_to, None);
    assert_eq!(
        sent[1].in_reply_to.as_deref(),
        Some("101"),
        "replies to the step before"
    );
    assert!(
        sent[1].media_ids.is_empty(),
        "the first step's images are not the second's"
    );
    assert_eq!(stored.posted.len(), 2);
    assert_eq!(stored.in_flight, None);
}

#[test]
fn a_failed_upload_stops_before_the_step_is_in_flight() {
    let outbox = Outbox::new("a".into(), vec![with_image("one", "img-1")]);
    let (names, last, stored) = drive(outbox, false, |_| panic!("nothing is posted"));
    assert_eq!(names, ["store", "upload", "stopped"]);
    assert_eq!(last, Action::Stopped(Stop::Upload));
    assert_eq!(stored.in_flight, None, "nothing in doubt");
    assert_eq!(stored.blocks_new_post(), None);
}

#[test]
fn an_unknown_outcome_is_stored_in_flight_and_stops_with_its_cause() {
    let outbox = Outbox::new("a".into(), vec![text("one"), text("two")]);
    let (names, last, stored) = drive(outbox, true, |_| Outcome::Unknown {
        code: "timeout".into(),
    });
    assert_eq!(names, ["store", "store", "post", "store", "stopped"]);
    assert_eq!(
        last,
        Action::Stopped(Stop::Unknown {
            cause: "timeout".into()
        })
    );
    assert_eq!(
        stored.in_flight,
        Some(0),
        "stored as in doubt before the stop"
    );
    assert_eq!(stored.blocks_new_post(), Some(0));
}

#[test]
fn a_refusal_stops_with_x_s_error_and_keeps_what_is_on_x() {
    let outbox = Outbox::new("a".into(), vec![text("one"), text("two")]);
    let mut n = 0;
    let (_, last, stored) = drive(outbox, true, |_| {
        n += 1;
        if n == 1 {
            Outcome::Posted { id: "7".into() }
        } else {
            Outcome::Permanent {
                code: "x_forbidden".into(),
            }
        }
    });
    assert_eq!(last, Action::Stopped(Stop::NotPosted));
    assert_eq!(stored.posted.len(), 1);
    assert_eq!(stored.in_flight, None);
    assert!(
        stored.resumable().is_some(),
        "a thread part-way on X can be continued"
    );
}

#[test]
fn a_resend_x_calls_a_duplicate_is_on_x_without_an_id_and_the_thread_waits_for_it() {
    let mut outbox = Outbox::new("a".into(), vec![text("one"), text("two")]);
    outbox.begin(0);
    // The user asked to send the step in doubt again; X says it has it.
    outbox.settle(Some(Decision::SendAnyway), None).unwrap();
    let (names, last, stored) = drive(outbox, true, |_| Outcome::Duplicate);
    assert_eq!(names, ["store", "store", "post", "store", "stopped"]);
    assert_eq!(
        last,
        Action::Stopped(Stop::ReplyTarget(ResumeError::PostIdRequired { step: 0 }))
    );
    assert_eq!(stored.posted.len(), 1, "on X, proven by the duplicate");
    assert!(stored.posted[0].id.is_empty());
}

#[test]
fn an_answer_it_did_not_ask_for_sends_nothing_more() {
    let (mut poster, _) = Poster::start(Outbox::new("a".into(), vec![text("one")]));
    let stopped = poster.posted(&Outcome::Posted { id: "1".into() });
    assert!(matches!(stopped, Action::Stopped(_)));
    assert!(poster.outbox().posted.is_empty(), "nothing recorded");
}

// ---------------------------------------------------------------------------------------------
// Randomized: stops anywhere, resumed as the popup offers it
// ---------------------------------------------------------------------------------------------

/// An X that records every post and refuses a text-only resend as a duplicate.
#[derive(Default)]
struct FakeX {
    /// text -> (id, what it replied to)
    posts: HashMap<String, (String, Option<String>)>,
}

impl FakeX {
    fn post(&mut self, p: &NewPost) -> Outcome {
        if self.posts.contains_key(&p.text) {
            assert!(p.media_ids.is_empty(), "{:?} was posted twice", p.text);
            return Outcome::Duplicate;
        }
        let id = format!("x{}", self.posts.len() + 1);
        self.posts
            .insert(p.text.clone(), (id.clone(), p.in_reply_to.clone()));
        Outcome::Posted { id }
    }
}

/// One post of `steps` steps through a faulty X and a worker stopped at random; returns how
/// many times it was resumed.
fn simulate(seed: u64, steps: usize) -> usize {
    let mut rng = Rng(seed);
    let posts: Vec<PostInput> = (0..steps)
        .map(|i| {
            let t = format!("seed {seed} step {i}");
            if rng.chance(30) {
                with_image(&t, &format!("img-{i}"))
            } else {
                text(&t)
            }
        })
        .collect();
    let mut x = FakeX::default();
    // What storage holds: the outbox as stored last.
    let mut stored = Outbox::new("a".into(), posts.clone());
    let mut resumes = 0;
    'worker: for _ in 0..500 {
        let (mut poster, mut action) = Poster::start(stored.clone());
        loop {
            if rng.chance(4) {
                // The worker is stopped: memory is lost, storage stays.
                resumes += 1;
                break;
            }
            action = match action {
                Action::Finished => break 'worker,
                Action::Stopped(_) => {
                    resumes += 1;
                    break;
                }
                Action::Store => {
                    stored = poster.outbox().clone();
                    poster.stored()
                }
                Action::Upload { media_id, .. } => {
                    if rng.chance(10) {
                        poster.upload_failed()
                    } else {
                        poster.uploaded(format!("x-{media_id}"))
                    }
                }
                Action::Post { post, .. } => {
                    if rng.chance(10) {
                        // Stopped mid-request: X may or may not have it.
                        if rng.chance(50) {
                            let _ = x.post(&post);
                        }
                        resumes += 1;
                        break;
                    }
                    let outcome = match rng.below(10) {
                        0 => {
                            if rng.chance(50) {
                                let _ = x.post(&post);
                            }
                            Outcome::Unknown {
                                code: "timeout".into(),
                            }
                        }
                        1 => Outcome::Transient {
                            code: "x_server_error".into(),
                        },
                        _ => x.post(&post),
                    };
                    poster.posted(&outcome)
                }
                Action::RecordSent { .. } => poster.followed(),
            };
        }
        // The popup offers to continue what was stored: the user checks X for the step in
        // doubt and says so, with its link when it is there.
        if let Some(step) = stored.in_flight {
            let on_x = x.posts.get(&posts[step].text).map(|(id, _)| id.clone());
            let decision = match on_x {
                Some(id) => (Decision::OnX, Some(id)),
                None => (Decision::SendAnyway, None),
            };
            stored.settle(Some(decision.0), decision.1).unwrap();
        } else {
            stored.settle(None, None).unwrap();
        }
    }
    assert_eq!(
        stored.posted.len(),
        steps,
        "seed {seed}: the thread ended on X"
    );
    for (i, p) in posts.iter().enumerate() {
        let (id, reply) = x.posts.get(&p.text).expect("every step is on X");
        assert_eq!(
            &stored.posted[i].id, id,
            "seed {seed} step {i}: the recorded id"
        );
        let parent = (i > 0).then(|| x.posts[&posts[i - 1].text].0.clone());
        assert_eq!(
            reply, &parent,
            "seed {seed} step {i} replies to the step before"
        );
    }
    resumes
}

#[test]
fn simulation_a_thread_stopped_anywhere_ends_on_x_once_in_order() {
    let mut resumes = 0;
    for seed in 1..=200 {
        resumes += simulate(seed, 1 + (seed as usize % 5));
    }
    assert!(resumes > 100, "stops were exercised ({resumes})");
}
