//! Vault races, natively: two messages run at once through the worker's entry, at every
//! interleaving of their await points ([`interleave`]), or one of them while the other waits on
//! X ([`while_paused`]). What is checked is what the user would see: whether the vault is
//! locked, which passphrase opens it, which accounts it holds and which is the default.

use keypost::worker::on_alarm;
use keypost::worker::platform::Area;
use keypost::worker::platform::memory::block_on;
use serde_json::{Value, json};

use crate::support::fake_x::user;
use crate::support::worker::{
    PASSPHRASE, World, call, error_code, every_interleaving, interleave, ok, polls_of, while_paused,
};

const NEW_PASSPHRASE: &str = "seven copper kettles hum at dawn 1912";

/// `vault_status` in a worker of its own.
fn status(w: &World) -> Value {
    ok(w.send(json!({ "type": "vault_status" })))
}

fn account_labels(status: &Value) -> Vec<String> {
    let mut labels: Vec<String> = status["accounts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["label"].as_str().map(str::to_owned))
        .collect();
    labels.sort();
    labels
}

/// What the pages watch (`vault_state` in `storage.session`) says of the lock.
fn watched_unlocked(w: &World) -> Option<bool> {
    w.browser
        .stored(Area::Session, "vault_state")
        .and_then(|s| s["unlocked"].as_bool())
}

/// The data key is gone, and everything that shows the vault says it is locked.
fn assert_locked(w: &World, at: &str) {
    assert!(
        !w.key_in_session(),
        "{at}: the data key is still in storage.session"
    );
    assert_eq!(watched_unlocked(w), Some(false), "{at}: vault_state");
    assert_eq!(status(w)["unlocked"], false, "{at}");
}

#[test]
fn lock_now_stays_locked_whatever_activity_lands_beside_it() {
    let start = World::new();
    let lock = json!({ "type": "vault_lock" });
    // Each of these opens the vault and counts as activity (the last fails: no such account).
    let touches = [
        json!({ "type": "account_set_default", "id": start.demo }),
        json!({ "type": "account_update", "id": start.demo, "label": "Renamed" }),
        json!({ "type": "account_set_default", "id": "no-such-account" }),
    ];
    for touch in touches {
        every_interleaving(&start, &lock, &touch, |w, locked, _touched, at| {
            assert_eq!(ok(locked)["unlocked"], false, "{at}");
            assert_locked(w, at);
            // Later activity does not bring the key back either.
            let later = w.send(json!({ "type": "account_set_default", "id": w.demo }));
            assert_eq!(error_code(&later), "locked", "{at}");
            assert!(!w.key_in_session(), "{at}");
        });
    }
}

#[test]
fn lock_now_racing_activity_leaves_nothing_of_the_session_behind() {
    let start = World::new();
    let lock = json!({ "type": "vault_lock" });
    let touch = json!({ "type": "account_set_default", "id": start.demo });
    every_interleaving(&start, &lock, &touch, |w, _, _, at| {
        assert_eq!(w.browser.keys(Area::Session), ["vault_state"], "{at}");
        assert!(!w.browser.alarms().contains_key("autolock"), "{at}");
    });
}

#[test]
fn an_unlock_and_a_lock_at_once_leave_one_state_that_everything_agrees_on() {
    let start = World::new();
    ok(start.send(json!({ "type": "vault_lock" })));
    let unlock = json!({ "type": "vault_unlock", "passphrase": PASSPHRASE });
    let lock = json!({ "type": "vault_lock" });
    let span = polls_of(&start, &lock);
    let mut seen = [false, false];
    for head in 0..=span {
        let w = start.fork();
        let (u, l) = (unlock.clone(), lock.clone());
        // The lock starts `head` polls after the unlock did.
        let (unlocked, locked) = w.worker(move || block_on(interleave(call(u), call(l), head)));
        let at = format!("the lock {head} polls after the unlock");
        ok(unlocked);
        ok(locked);
        let key = w.key_in_session();
        seen[usize::from(key)] = true;
        // What pages watch, what the worker answers and the auto-lock alarm all agree.
        assert_eq!(watched_unlocked(&w), Some(key), "{at}");
        assert_eq!(status(&w)["unlocked"], key, "{at}");
        assert_eq!(w.browser.alarms().contains_key("autolock"), key, "{at}");
        if key {
            // Unlocked: it locks an hour after the last activity, as always.
            w.pass(60 * 60_000);
            assert_locked(&w, &at);
        }
    }
    assert_eq!(seen, [true, true], "both ends are reached");
}

#[test]
fn a_passphrase_change_made_while_a_verification_waits_on_x_is_kept() {
    let w = World::new();
    let x = w.x.clone();
    let verify = json!({ "type": "account_verify", "id": w.demo });
    let change =
        json!({ "type": "vault_change_passphrase", "old": PASSPHRASE, "new": NEW_PASSPHRASE });
    let (verified, changed) = w.worker(move || {
        block_on(while_paused(
            call(verify),
            || x.requests("GET", "/2/users/me") == 1,
            call(change),
        ))
    });
    assert_eq!(ok(verified)["account"]["status"]["state"], "verified");
    ok(changed);

    ok(w.send(json!({ "type": "vault_lock" })));
    let old = w.send(json!({ "type": "vault_unlock", "passphrase": PASSPHRASE }));
    assert_eq!(error_code(&old), "vault_wrong_passphrase");
    let unlocked = ok(w.send(json!({ "type": "vault_unlock", "passphrase": NEW_PASSPHRASE })));
    assert_eq!(account_labels(&unlocked), ["Demo"]);
    assert_eq!(unlocked["accounts"][0]["user"]["username"], "keypost_demo");
}

#[test]
fn an_account_added_while_x_is_slow_keeps_a_default_chosen_meanwhile() {
    let w = World::new();
    let second = ok(w.send(json!({ "type": "account_add", "label": "Second",
        "keys": user("keypost_second").keys() })))["account"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(status(&w)["default_id"], w.demo.as_str());
    let x = w.x.clone();
    let asked = x.requests("GET", "/2/users/me");
    let add =
        json!({ "type": "account_add", "label": "Third", "keys": user("keypost_third").keys() });
    let choose = json!({ "type": "account_set_default", "id": second });
    let (added, chosen) = w.worker(move || {
        block_on(while_paused(
            call(add),
            || x.requests("GET", "/2/users/me") > asked,
            call(choose),
        ))
    });
    assert_eq!(ok(chosen)["default_id"], second.as_str());
    ok(added);
    let after = status(&w);
    assert_eq!(
        after["default_id"],
        second.as_str(),
        "the add undid the default"
    );
    assert_eq!(account_labels(&after), ["Demo", "Second", "Third"]);
}

#[test]
fn an_account_add_and_a_label_change_at_every_interleaving_both_stay() {
    let start = World::new();
    let add =
        json!({ "type": "account_add", "label": "Second", "keys": user("keypost_second").keys() });
    let rename = json!({ "type": "account_update", "id": start.demo, "label": "Renamed" });
    every_interleaving(&start, &add, &rename, |w, added, renamed, at| {
        assert!(added.get("ok").is_some(), "{at}: {added}");
        assert!(renamed.get("ok").is_some(), "{at}: {renamed}");
        assert_eq!(account_labels(&status(w)), ["Renamed", "Second"], "{at}");
    });
}

#[test]
fn a_lock_while_x_checks_a_new_account_saves_nothing() {
    let w = World::new();
    let x = w.x.clone();
    let add =
        json!({ "type": "account_add", "label": "Second", "keys": user("keypost_second").keys() });
    let (added, locked) = w.worker(move || {
        block_on(while_paused(
            call(add),
            || x.requests("GET", "/2/users/me") == 1,
            call(json!({ "type": "vault_lock" })),
        ))
    });
    assert_eq!(ok(locked)["unlocked"], false);
    assert_eq!(error_code(&added), "locked");
    assert_locked(&w, "after the add");
    let unlocked = ok(w.send(json!({ "type": "vault_unlock", "passphrase": PASSPHRASE })));
    assert_eq!(account_labels(&unlocked), ["Demo"]);
}

#[test]
fn activity_racing_the_auto_lock_alarm_keeps_the_vault_unlocked_for_another_hour() {
    let start = World::new();
    const HOUR: u64 = 60 * 60_000;
    let deadline = start.browser.alarms()["autolock"].scheduled_ms;
    // A minute before the deadline the user acts; the alarm fires while that message runs
    // (Chrome may deliver both at once). Every interleaving of the two.
    start.browser.set_now(deadline - 60_000);
    let touch = json!({ "type": "account_set_default", "id": start.demo });
    let span = polls_of(&start, &touch) + 12;
    for head in 0..=span {
        for alarm_first in [true, false] {
            let w = start.fork();
            let t = touch.clone();
            let touched = w.worker(move || {
                if alarm_first {
                    block_on(interleave(on_alarm("autolock".to_owned()), call(t), head)).1
                } else {
                    block_on(interleave(call(t), on_alarm("autolock".to_owned()), head)).0
                }
            });
            let at = format!("head start {head} (alarm first: {alarm_first})");
            ok(touched);
            w.pass_time_to(deadline - 60_000 + HOUR - 1);
            assert!(
                w.key_in_session(),
                "{at}: locked before an hour without activity"
            );
            w.pass_time_to(deadline - 60_000 + HOUR);
            assert_locked(&w, &at);
        }
    }
}
