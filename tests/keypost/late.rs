//! Late posts (issue 14, item 3): after sleep or a closed browser, each late post follows its
//! policy (its own, else the default): post late, ask first, or skip after N minutes late,
//! including the N-minute edge; a locked vault does not let a post slip past its skip limit;
//! what the user told a post to do is not judged again; and the report says what was done.
//! Runs natively and under wasm-bindgen-test.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use keypost::schedule::{
    ConfirmReason, ItemId, LATE_THRESHOLD_MS, LateDecision, LatePolicy, MINUTE_MS, NewItem, Op,
    Outcome, PlannedPost, Queue, Resolution, ScheduleError, State, StateKind, decide, late_by,
};

/// 2027-01-15T08:00:00Z, an arbitrary "now".
const T0: u64 = 1_800_000_000_000;

fn draft(text: &str, due_at_ms: u64) -> NewItem {
    NewItem {
        account_id: "acct-1".to_owned(),
        posts: vec![PlannedPost::text(text)],
        due_at_ms,
    }
}

fn kind(q: &Queue, id: ItemId) -> StateKind {
    q.get(id).unwrap().state.kind()
}

const SKIP_30: LatePolicy = LatePolicy::SkipAfter { minutes: 30 };

#[test]
fn a_post_is_late_only_beyond_the_threshold() {
    assert_eq!(late_by(T0, T0 + LATE_THRESHOLD_MS), None);
    assert_eq!(
        late_by(T0, T0 + LATE_THRESHOLD_MS + 1),
        Some(LATE_THRESHOLD_MS + 1)
    );
    assert_eq!(late_by(T0 + 1_000, T0), None, "not due yet");
    for policy in [LatePolicy::PostLate, LatePolicy::Ask, SKIP_30] {
        assert_eq!(decide(policy, T0, T0 + LATE_THRESHOLD_MS), None);
    }
}

#[test]
fn each_policy_decides_and_skip_after_n_minutes_keeps_the_nth_minute() {
    let late = T0 + 10 * MINUTE_MS;
    assert_eq!(
        decide(LatePolicy::PostLate, T0, late),
        Some(LateDecision::Send)
    );
    assert_eq!(decide(LatePolicy::Ask, T0, late), Some(LateDecision::Ask));
    // The edge: exactly 30 minutes late still goes; one millisecond more is skipped.
    assert_eq!(
        decide(SKIP_30, T0, T0 + 30 * MINUTE_MS),
        Some(LateDecision::Send)
    );
    assert_eq!(
        decide(SKIP_30, T0, T0 + 30 * MINUTE_MS + 1),
        Some(LateDecision::Skip)
    );
    // "Skip after 1 minute": anything late at all (beyond the 2-minute threshold) is skipped.
    let skip_1 = LatePolicy::SkipAfter { minutes: 1 };
    assert_eq!(decide(skip_1, T0, T0 + LATE_THRESHOLD_MS), None);
    assert_eq!(
        decide(skip_1, T0, T0 + LATE_THRESHOLD_MS + 1),
        Some(LateDecision::Skip)
    );
    // A month-long skip limit does not overflow.
    let huge = LatePolicy::SkipAfter { minutes: u32::MAX };
    assert_eq!(decide(huge, 0, u64::MAX), Some(LateDecision::Skip));
}

#[test]
fn policies_are_validated_and_serialised_with_a_kind_tag() {
    assert_eq!(
        serde_json::to_string(&SKIP_30).unwrap(),
        r#"{"kind":"skip_after","minutes":30}"#
    );
    assert_eq!(
        serde_json::from_str::<LatePolicy>(r#"{"kind":"ask"}"#).unwrap(),
        LatePolicy::Ask
    );
    let mut q = Queue::new();
    let id = q.add(draft("p", T0 + MINUTE_MS), T0).unwrap();
    for minutes in [0, 7 * 24 * 60 + 1] {
        let refused = q.set_late_policy(id, Some(LatePolicy::SkipAfter { minutes }));
        assert_eq!(
            refused,
            Err(ScheduleError::LatePolicyInvalid { minutes }),
            "{minutes}"
        );
        assert_eq!(refused.unwrap_err().code(), "schedule_late_policy_invalid");
    }
    assert_eq!(
        q.get(id).unwrap().late_policy,
        None,
        "a refusal changes nothing"
    );
}

/// Three posts with a policy each (post late, ask, skip after 30 minutes) and one without, all due at T0.
fn three_policies() -> (Queue, [ItemId; 4]) {
    let mut q = Queue::new();
    let post_late = q.add(draft("post late", T0), T0 - 1).unwrap();
    let ask = q.add(draft("ask", T0), T0 - 1).unwrap();
    let skip = q.add(draft("skip", T0), T0 - 1).unwrap();
    let default_one = q.add(draft("default", T0), T0 - 1).unwrap();
    q.set_late_policy(post_late, Some(LatePolicy::PostLate))
        .unwrap();
    q.set_late_policy(ask, Some(LatePolicy::Ask)).unwrap();
    q.set_late_policy(skip, Some(SKIP_30)).unwrap();
    (q, [post_late, ask, skip, default_one])
}

#[test]
fn each_post_follows_its_own_policy_else_the_default() {
    let now = T0 + 45 * MINUTE_MS;
    let (mut q, [post_late, ask, skip, default_one]) = three_policies();
    let report = q.apply_late(now, LatePolicy::Ask);
    let decided: Vec<(ItemId, LateDecision)> =
        report.entries.iter().map(|e| (e.id, e.decision)).collect();
    assert_eq!(
        decided,
        vec![
            (post_late, LateDecision::Send),
            (ask, LateDecision::Ask),
            (skip, LateDecision::Skip),
            (default_one, LateDecision::Ask),
        ]
    );
    assert!(
        report
            .entries
            .iter()
            .all(|e| e.late_by_ms == 45 * MINUTE_MS)
    );
    assert_eq!(kind(&q, post_late), StateKind::Scheduled);
    assert_eq!(
        q.get(ask).unwrap().state,
        State::NeedsConfirmation {
            reason: ConfirmReason::Late,
            since_ms: now
        }
    );
    assert_eq!(q.get(skip).unwrap().state, State::Skipped { at_ms: now });
    assert_eq!(kind(&q, default_one), StateKind::NeedsConfirmation);
    // Only the post-late one may go; every one is marked late, with a history line.
    assert_eq!(q.sendable(now), vec![post_late]);
    for id in [post_late, ask, skip, default_one] {
        let item = q.get(id).unwrap();
        assert!(item.late);
        assert_eq!(
            item.history.iter().filter(|h| h.outcome == "late").count(),
            1
        );
    }
    // The queue offers the ask-first post "Post now" and "send", and the skipped one a new
    // time, Post now and Remove.
    let ops = |id| q.get(id).unwrap().allowed_ops();
    assert!(ops(ask).contains(&Op::PostNow) && ops(ask).contains(&Op::Resolve));
    assert_eq!(
        ops(skip),
        vec![Op::Reschedule, Op::PostNow, Op::Remove],
        "a skipped post can still be sent or moved"
    );
    // A second pass finds nothing new to tell.
    assert!(q.apply_late(now + MINUTE_MS, LatePolicy::Ask).is_empty());
}

#[test]
fn the_default_policy_applies_to_posts_without_one() {
    let now = T0 + 10 * MINUTE_MS;
    for (default, expected) in [
        (LatePolicy::PostLate, StateKind::Scheduled),
        (LatePolicy::Ask, StateKind::NeedsConfirmation),
        (LatePolicy::SkipAfter { minutes: 5 }, StateKind::Skipped),
        (LatePolicy::SkipAfter { minutes: 10 }, StateKind::Scheduled),
    ] {
        let mut q = Queue::new();
        let id = q.add(draft("p", T0), T0 - 1).unwrap();
        q.apply_late(now, default);
        assert_eq!(kind(&q, id), expected, "{default:?}");
    }
}

#[test]
fn posts_not_yet_late_and_posts_already_under_way_are_not_judged() {
    let mut q = Queue::new();
    let on_time = q.add(draft("on time", T0), T0 - 1).unwrap();
    let future = q.add(draft("future", T0 + 60 * MINUTE_MS), T0 - 1).unwrap();
    let sending = q.add(draft("sending", T0), T0 - 1).unwrap();
    q.begin(sending, T0).unwrap();
    // Within the threshold: not late.
    assert!(
        q.apply_late(T0 + LATE_THRESHOLD_MS, LatePolicy::Ask)
            .is_empty()
    );
    // A post in flight, or whose first request got no answer, is the recovery's business.
    q.complete(
        sending,
        Outcome::Unknown {
            code: "timeout".into(),
        },
        T0 + 1_000,
        0.5,
    )
    .unwrap();
    let report = q.apply_late(T0 + 20 * MINUTE_MS, SKIP_30);
    assert_eq!(
        report.entries.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![on_time]
    );
    assert_eq!(kind(&q, sending), StateKind::RetryWaiting);
    assert!(!q.get(future).unwrap().late);
}

#[test]
fn a_locked_vault_does_not_let_a_post_slip_past_its_skip_limit() {
    let mut q = Queue::new();
    let id = q.add(draft("p", T0), T0 - 1).unwrap();
    // The browser opens 5 minutes late: within 30 minutes, it may go, but the vault is locked.
    let report = q.apply_late(T0 + 5 * MINUTE_MS, SKIP_30);
    assert_eq!(report.entries[0].decision, LateDecision::Send);
    q.mark_needs_unlock(T0 + 5 * MINUTE_MS);
    // Still waiting 10 minutes later: nothing new to say.
    assert!(q.apply_late(T0 + 15 * MINUTE_MS, SKIP_30).is_empty());
    assert_eq!(kind(&q, id), StateKind::NeedsUnlock);
    // Unlocked an hour after its time: it is skipped, not sent.
    q.unlocked(T0 + 60 * MINUTE_MS);
    let report = q.apply_late(T0 + 60 * MINUTE_MS, SKIP_30);
    assert_eq!(report.entries[0].decision, LateDecision::Skip);
    assert_eq!(kind(&q, id), StateKind::Skipped);
    assert!(q.sendable(T0 + 60 * MINUTE_MS).is_empty());
}

#[test]
fn what_the_user_said_is_not_judged_again() {
    let now = T0 + 45 * MINUTE_MS;
    // "Ask first", answered "send it": goes out however late.
    let mut q = Queue::new();
    let asked = q.add(draft("asked", T0), T0 - 1).unwrap();
    q.apply_late(now, LatePolicy::Ask);
    q.resolve(asked, Resolution::Send, now + MINUTE_MS).unwrap();
    assert!(
        q.apply_late(now + 2 * MINUTE_MS, LatePolicy::Ask)
            .is_empty()
    );
    assert_eq!(q.sendable(now + 2 * MINUTE_MS), vec![asked]);
    // Skipped, then "Post now": it goes.
    let skipped = q.add(draft("skipped", T0 + 1), T0 - 1).unwrap();
    q.apply_late(now, SKIP_30);
    assert_eq!(kind(&q, skipped), StateKind::Skipped);
    q.post_now(skipped, now + MINUTE_MS).unwrap();
    assert!(q.apply_late(now + 2 * MINUTE_MS, SKIP_30).is_empty());
    assert!(q.sendable(now + 2 * MINUTE_MS).contains(&skipped));
    // Rescheduled: judged afresh at its new time.
    let moved = q.add(draft("moved", T0 + 2), T0 - 1).unwrap();
    q.apply_late(now, SKIP_30);
    q.reschedule(moved, now + 60 * MINUTE_MS, now).unwrap();
    assert!(!q.get(moved).unwrap().late);
    let report = q.apply_late(now + 100 * MINUTE_MS, SKIP_30);
    assert_eq!(report.entries[0].id, moved);
    assert_eq!(kind(&q, moved), StateKind::Skipped);
}

#[test]
fn the_queue_knows_each_late_posts_original_and_actual_time() {
    let mut q = Queue::new();
    let sent = q.add(draft("sent", T0), T0 - 1).unwrap();
    let skipped = q.add(draft("skipped", T0), T0 - 1).unwrap();
    let on_time = q.add(draft("on time", T0 + HOUR), T0 - 1).unwrap();
    q.set_late_policy(skipped, Some(LatePolicy::SkipAfter { minutes: 5 }))
        .unwrap();
    let now = T0 + 10 * MINUTE_MS;
    q.apply_late(now, LatePolicy::PostLate);
    q.begin(sent, now + 1_000).unwrap();
    q.complete(sent, Outcome::Posted { id: "9".into() }, now + 2_000, 0.5)
        .unwrap();
    let l = q.get(sent).unwrap().lateness(now + 5_000).unwrap();
    assert_eq!(
        (l.due_at_ms, l.actual_ms, l.late_by_ms),
        (T0, now + 2_000, 10 * MINUTE_MS + 2_000)
    );
    let l = q.get(skipped).unwrap().lateness(now + 5_000).unwrap();
    assert_eq!((l.actual_ms, l.late_by_ms), (now, 10 * MINUTE_MS));
    assert_eq!(q.get(on_time).unwrap().lateness(now), None);
    // A skipped post stays in the past list and is pruned like a sent one.
    assert!(q.past().iter().any(|i| i.id == skipped));
    let pruned = q.prune_past(0);
    assert_eq!(pruned.len(), 2);
}

#[test]
fn a_stored_queue_keeps_the_policy_and_older_queues_load() {
    let mut q = Queue::new();
    let id = q.add(draft("p", T0), T0 - 1).unwrap();
    q.set_late_policy(id, Some(SKIP_30)).unwrap();
    let back = Queue::from_json(&q.to_json().unwrap()).unwrap();
    assert_eq!(back.get(id).unwrap().late_policy, Some(SKIP_30));
    // A queue written before late policies (no field) loads with none.
    let old = q
        .to_json()
        .unwrap()
        .replace(r#","late_policy":{"kind":"skip_after","minutes":30}"#, "");
    assert!(!old.contains("late_policy"));
    assert_eq!(
        Queue::from_json(&old).unwrap().get(id).unwrap().late_policy,
        None
    );
}

const HOUR: u64 = 60 * MINUTE_MS;

#[test]
fn skipping_a_post_that_asked_first_shows_it_skipped_and_the_policy_changes_only_before_it_is_judged()
 {
    let now = T0 + 45 * MINUTE_MS;
    let (mut q, [post_late, ask, skip, default_one]) = three_policies();
    // Before anything is late, each waiting post's own policy may change (or be cleared).
    assert!(
        q.get(default_one)
            .unwrap()
            .allowed_ops()
            .contains(&Op::LatePolicy)
    );
    q.set_late_policy(default_one, Some(LatePolicy::PostLate))
        .unwrap();
    q.set_late_policy(post_late, None).unwrap();
    assert_eq!(q.get(post_late).unwrap().late_policy, None);
    let report = q.apply_late(now, LatePolicy::Ask);
    assert!(
        report
            .entries
            .iter()
            .any(|e| e.id == default_one && e.decision == LateDecision::Send)
    );
    // Judged late: the policy can no longer change, and asking to is refused unchanged.
    let before = q.clone();
    for id in [ask, skip] {
        assert!(!q.get(id).unwrap().allowed_ops().contains(&Op::LatePolicy));
        assert!(matches!(
            q.set_late_policy(id, Some(LatePolicy::PostLate)),
            Err(ScheduleError::IllegalTransition { .. })
        ));
    }
    assert_eq!(q, before);
    // "Skip" on the post that asked first: skipped, not cancelled; it can still be posted now.
    q.cancel(ask, now + MINUTE_MS).unwrap();
    assert_eq!(
        q.get(ask).unwrap().state,
        State::Skipped {
            at_ms: now + MINUTE_MS
        }
    );
    assert!(q.get(ask).unwrap().allowed_ops().contains(&Op::PostNow));
    // Cancelling a post that is not late stays a cancel.
    let later = q.add(draft("later", now + 3_600_000), now).unwrap();
    q.cancel(later, now).unwrap();
    assert_eq!(kind(&q, later), StateKind::Cancelled);
}
