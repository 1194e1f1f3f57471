//! Rules that lived in the worker with no test below Chromium (the architecture review's list
//! of them), now the core's plain functions: the send-time gate, the 24-hour warning, the
//! next free slot, where a notification click leads, which failed checks of keys are
//! remembered, and when the composer must refuse or offer to continue.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use keypost::accounts::{AccessLevel, Verification, access_warning};
use keypost::civil::FixedOffset;
use keypost::compose::{Outbox, PostInput};
use keypost::leak::{self, Place};
use keypost::schedule::gate::{self, Facts, Gate};
use keypost::schedule::notice::{ClickTarget, click_target};
use keypost::schedule::{NewItem, Outcome, PlannedPost, Queue, over_daily_limit};
use keypost::slots::{LEAD_MS, Slot};
use serde_json::json;

fn facts(has_contents: bool, unlocked: bool, account_known: bool) -> Facts<'static> {
    Facts {
        has_contents,
        unlocked,
        account_known,
        leak: None,
    }
}

#[test]
fn a_due_item_is_sent_left_or_refused_in_the_schedulers_order() {
    assert_eq!(gate::before_send(&facts(true, true, true)), Gate::Send);
    // Blank because the vault was locked meanwhile: left for the unlock, never sent blank.
    assert_eq!(gate::before_send(&facts(false, false, true)), Gate::Leave);
    // Blank with the key at hand: another vault's contents.
    assert_eq!(
        gate::before_send(&facts(false, true, false)),
        Gate::Refuse("sealed_unopenable")
    );
    assert_eq!(
        gate::before_send(&facts(true, true, false)),
        Gate::Refuse("account_not_found")
    );
    let found = leak::check_step(
        0,
        "fine text",
        ["my key is AAAAAAAAAAAAAAAAAAAAAAAAA1"],
        &["AAAAAAAAAAAAAAAAAAAAAAAAA1"],
    )
    .expect_err("a pasted key in an alt text");
    assert_eq!(found.place, Place::Alt);
    let leaking = Facts {
        leak: Some(&found),
        ..facts(true, true, true)
    };
    assert_eq!(
        gate::before_send(&leaking),
        Gate::Refuse("post_contains_secret")
    );
}

#[test]
fn the_24_hour_warning_appears_only_over_a_limit_x_announced() {
    assert_eq!(
        over_daily_limit(500, None),
        None,
        "pay-per-use: no limit, no warning"
    );
    assert_eq!(over_daily_limit(17, Some(17)), None);
    let warning = over_daily_limit(18, Some(17)).expect("over");
    assert_eq!(
        serde_json::to_value(warning).expect("json"),
        json!({ "code": "schedule_over_24h_limit", "planned": 18, "limit": 17 })
    );
}

#[test]
fn the_next_free_slot_skips_times_taken_by_the_accounts_waiting_posts_only() {
    let utc = FixedOffset(0);
    // 2026-01-05 is a Monday; 08:00 UTC.
    let now: u64 = 1_767_600_000_000;
    let every_day_at_nine = [Slot {
        days: (0..7).collect(),
        time: "09:00".to_owned(),
    }];
    let mut q = Queue::new();
    let first = q
        .next_free_slot("a1", &every_day_at_nine, now, &utc)
        .expect("a slot");
    assert_eq!(first, now + 3_600_000, "today 09:00");
    assert!(first >= now + u64::try_from(LEAD_MS).expect("positive"));
    let add = |q: &mut Queue, account: &str, at: u64| {
        q.add(
            NewItem {
                account_id: account.to_owned(),
                posts: vec![PlannedPost::text("x")],
                due_at_ms: at,
            },
            now,
        )
        .expect("add")
    };
    // Another account's post at 09:00 does not take this account's slot.
    add(&mut q, "a2", first);
    assert_eq!(
        q.next_free_slot("a1", &every_day_at_nine, now, &utc),
        Ok(first)
    );
    // This account's does: the next day at 09:00.
    let id = add(&mut q, "a1", first);
    assert_eq!(
        q.next_free_slot("a1", &every_day_at_nine, now, &utc),
        Ok(first + 86_400_000)
    );
    // Once it is finished (cancelled), the slot is free again.
    q.cancel(id, now).expect("cancel");
    assert_eq!(
        q.next_free_slot("a1", &every_day_at_nine, now, &utc),
        Ok(first)
    );
}

#[test]
fn a_click_on_the_unlock_notice_opens_the_options_page_and_others_the_queue() {
    assert_eq!(click_target("schedule_unlock"), Some(ClickTarget::Options));
    assert_eq!(click_target("schedule_item_7"), Some(ClickTarget::Queue));
    assert_eq!(click_target("schedule_storage"), Some(ClickTarget::Queue));
    assert_eq!(click_target("share_done"), None, "not the scheduler's");
}

#[test]
fn xs_verdict_on_the_keys_is_remembered_and_a_network_problem_is_not() {
    assert_eq!(
        Verification::of_failure("x_unauthorized", 5),
        Some(Verification::Failed {
            code: "x_unauthorized".to_owned(),
            at_ms: 5
        })
    );
    for passing in [
        "offline",
        "timeout",
        "platform_storage",
        "response_unreadable",
    ] {
        assert_eq!(Verification::of_failure(passing, 5), None, "{passing}");
    }
    assert_eq!(access_warning(Some(AccessLevel::Read)), Some("read_only"));
    assert_eq!(access_warning(Some(AccessLevel::ReadWrite)), None);
    assert_eq!(access_warning(None), None);
}

#[test]
fn a_step_in_doubt_blocks_a_new_post_and_a_failure_is_offered_only_with_its_draft() {
    let mut outbox = Outbox::new(
        "a1".to_owned(),
        vec![
            PostInput {
                text: "one".to_owned(),
                media: Vec::new(),
            },
            PostInput {
                text: "two".to_owned(),
                media: Vec::new(),
            },
        ],
    );
    assert_eq!(outbox.blocks_new_post(), None);
    outbox.begin(0);
    outbox.record(&Outcome::Posted { id: "1".to_owned() });
    outbox.begin(1);
    outbox.record(&Outcome::Unknown {
        code: "timeout".to_owned(),
    });
    assert_eq!(outbox.blocks_new_post(), Some(1), "step 2 may be on X");
    assert!(outbox.resumable_with(true, false).is_some());
    assert!(
        outbox.resumable_with(false, false).is_none(),
        "discarding the draft gave it up"
    );
    assert!(
        outbox.resumable_with(true, true).is_none(),
        "not while this worker is sending"
    );
}
