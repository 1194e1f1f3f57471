//! The order of a scheduled send (`schedule::Run`), driven against a real `Queue` as the worker
//! drives it: the gate, room to record, uploads, begin, the post, the record and what follows.
//! The randomized crash simulation (`schedule.rs`) drives the same machine with stops between
//! any two actions; these cases pin each path by name.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use keypost::leak::{ContainsSecret, Place, Reason};
use keypost::schedule::gate::Facts;
use keypost::schedule::run::Action;
use keypost::schedule::{
    MediaRef, NewItem, Outcome, PlannedPost, Queue, Run, ScheduleError, State, StateKind,
    UploadFailed,
};
use keypost::x::NewPost;

const T0: u64 = 1_800_000_000_000;

fn facts() -> Facts<'static> {
    Facts {
        has_contents: true,
        unlocked: true,
        account_known: true,
        leak: None,
    }
}

/// A queue with one due item of `posts`.
fn queue_with(posts: Vec<PlannedPost>) -> (Queue, keypost::schedule::ItemId) {
    let mut q = Queue::new();
    let id = q
        .add(
            NewItem {
                account_id: "acct-1".to_owned(),
                posts,
                due_at_ms: T0 + 60_000,
            },
            T0,
        )
        .unwrap();
    (q, id)
}

fn with_image(text: &str, local_id: &str) -> PlannedPost {
    PlannedPost {
        text: text.to_owned(),
        media: vec![MediaRef {
            local_id: local_id.to_owned(),
            alt_text: format!("alt of {local_id}"),
        }],
    }
}

/// Runs the machine to its end as the worker would, against `q`, answering uploads and the
/// post from the given closures; returns every action it asked for, in order.
fn drive(
    q: &mut Queue,
    id: keypost::schedule::ItemId,
    facts: &Facts<'_>,
    notify_sent: bool,
    mut upload: impl FnMut(&str) -> Result<String, UploadFailed>,
    mut post: impl FnMut(&NewPost) -> Outcome,
) -> Vec<Action> {
    let now = T0 + 60_000;
    let prepared = q.next_step(id).unwrap();
    let (mut run, mut action) = Run::start(prepared, facts, notify_sent);
    let mut seen = Vec::new();
    loop {
        seen.push(action.clone());
        action = match action {
            Action::Done => return seen,
            Action::ReserveRoom => run.room(),
            Action::Upload { local_id, .. } => run.uploaded(upload(&local_id)),
            Action::Begin(step) => run.begun(q.begin_prepared(&step, now).map(|_| ())).unwrap(),
            Action::Post(p) => run.posted(post(&p)),
            Action::Finish(outcome) => {
                let state = q.complete(id, outcome, now, 0.5).unwrap();
                run.finished(Some(&state))
            }
            Action::ForgetMedia | Action::Notify | Action::RecordSent { .. } => run.followed(),
        };
    }
}

fn names(actions: &[Action]) -> Vec<&'static str> {
    actions
        .iter()
        .map(|a| match a {
            Action::ReserveRoom => "room",
            Action::Upload { .. } => "upload",
            Action::Begin(_) => "begin",
            Action::Post(_) => "post",
            Action::Finish(_) => "finish",
            Action::ForgetMedia => "forget_media",
            Action::Notify => "notify",
            Action::RecordSent { .. } => "record_sent",
            Action::Done => "done",
        })
        .collect()
}

#[test]
fn a_post_with_images_uploads_them_before_it_begins_and_records_before_anything_else() {
    let (mut q, id) = queue_with(vec![PlannedPost {
        text: "two cats".to_owned(),
        media: vec![
            MediaRef {
                local_id: "img-1".to_owned(),
                alt_text: "one".to_owned(),
            },
            MediaRef {
                local_id: "img-2".to_owned(),
                alt_text: "two".to_owned(),
            },
        ],
    }]);
    let mut sent = None;
    let actions = drive(
        &mut q,
        id,
        &facts(),
        true,
        |local| Ok(format!("x-{local}")),
        |p| {
            sent = Some(p.clone());
            Outcome::Posted { id: "900".into() }
        },
    );
    assert_eq!(
        names(&actions),
        [
            "room",
            "upload",
            "upload",
            "begin",
            "post",
            "finish",
            "forget_media",
            "notify",
            "record_sent",
            "done"
        ]
    );
    let sent = sent.unwrap();
    assert_eq!(sent.text, "two cats");
    assert_eq!(sent.media_ids, ["x-img-1", "x-img-2"], "X's ids, in order");
    assert!(actions.contains(&Action::RecordSent {
        post_id: "900".into()
    }));
    assert_eq!(q.get(id).unwrap().state.kind(), StateKind::Sent);
}

#[test]
fn without_the_sent_notification_setting_a_sent_post_is_not_announced() {
    let (mut q, id) = queue_with(vec![PlannedPost::text("quiet")]);
    let actions = drive(
        &mut q,
        id,
        &facts(),
        false,
        |_| unreachable!(),
        |_| Outcome::Posted { id: "1".into() },
    );
    assert_eq!(
        names(&actions),
        [
            "room",
            "begin",
            "post",
            "finish",
            "forget_media",
            "record_sent",
            "done"
        ]
    );
}

#[test]
fn a_failed_upload_is_recorded_without_a_post_request_and_retried_later() {
    let (mut q, id) = queue_with(vec![with_image("a cat", "img-1")]);
    let actions = drive(
        &mut q,
        id,
        &facts(),
        true,
        |_| {
            Err(UploadFailed {
                code: "x_server_error".into(),
                retry_at_s: None,
            })
        },
        |_| panic!("nothing is posted without its image"),
    );
    assert_eq!(
        names(&actions),
        ["room", "upload", "begin", "finish", "done"]
    );
    assert_eq!(q.get(id).unwrap().state.kind(), StateKind::RetryWaiting);
}

#[test]
fn the_gate_leaves_a_locked_item_and_refuses_a_pasted_key_without_any_request() {
    let (mut q, id) = queue_with(vec![PlannedPost::text("sealed")]);
    let locked = Facts {
        has_contents: false,
        unlocked: false,
        ..facts()
    };
    let actions = drive(
        &mut q,
        id,
        &locked,
        true,
        |_| unreachable!(),
        |_| unreachable!(),
    );
    assert_eq!(names(&actions), ["done"]);
    assert_eq!(
        q.get(id).unwrap().state.kind(),
        StateKind::Scheduled,
        "untouched"
    );

    let leak = ContainsSecret {
        step: 0,
        place: Place::Text,
        reason: Reason::StoredKey,
    };
    let pasted = Facts {
        leak: Some(&leak),
        ..facts()
    };
    let actions = drive(
        &mut q,
        id,
        &pasted,
        true,
        |_| unreachable!(),
        |_| unreachable!(),
    );
    assert_eq!(names(&actions), ["begin", "finish", "notify", "done"]);
    assert!(matches!(
        &q.get(id).unwrap().state,
        State::Failed { code, .. } if code == "post_contains_secret"
    ));
}

#[test]
fn an_item_edited_during_its_upload_is_not_begun_and_the_run_moves_on() {
    let (mut q, id) = queue_with(vec![with_image("first text", "img-1")]);
    let prepared = q.next_step(id).unwrap();
    let (mut run, action) = Run::start(prepared, &facts(), true);
    assert_eq!(action, Action::ReserveRoom);
    assert!(matches!(run.room(), Action::Upload { .. }));
    // The user edits the item while its image goes up.
    q.edit(id, vec![with_image("edited text", "img-1")])
        .unwrap();
    let Action::Begin(step) = run.uploaded(Ok("x-1".into())) else {
        panic!("begins after the upload");
    };
    let refused = q.begin_prepared(&step, T0 + 60_000).unwrap_err();
    assert!(matches!(refused, ScheduleError::StepChanged { .. }));
    assert_eq!(run.begun(Err(refused)).unwrap(), Action::Done);
    assert_eq!(
        q.next_step(id).unwrap().text,
        "edited text",
        "sent next time"
    );
}

#[test]
fn a_step_that_needs_the_user_is_announced_and_a_fault_stops_the_run() {
    let (q, id) = queue_with(vec![PlannedPost::text("t")]);
    let (mut run, _) = Run::start(q.next_step(id).unwrap(), &facts(), true);
    run.room();
    let asked = run.begun(Err(ScheduleError::NeedsConfirmation {
        id,
        reason: keypost::schedule::ConfirmReason::UnknownOutcome,
    }));
    assert_eq!(asked.unwrap(), Action::Notify);
    assert_eq!(run.followed(), Action::Done);

    let (mut run, _) = Run::start(q.next_step(id).unwrap(), &facts(), true);
    run.room();
    let fault = ScheduleError::Corrupt {
        detail: "test".into(),
    };
    assert!(run.begun(Err(fault)).is_err(), "a fault is the run's error");
}

#[test]
fn an_answer_it_did_not_ask_for_ends_the_run_without_a_request() {
    let (q, id) = queue_with(vec![PlannedPost::text("t")]);
    let (mut run, _) = Run::start(q.next_step(id).unwrap(), &facts(), true);
    // A post outcome before any begin: nothing may follow, certainly no post.
    assert_eq!(run.posted(Outcome::Posted { id: "1".into() }), Action::Done);
    assert_eq!(run.room(), Action::Done);
}
