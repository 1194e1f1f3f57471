//! What cannot be undone needs the owner, natively through the worker's message entry: a
//! locked vault cannot be exported, replaced, restored or discarded, nor its auto-lock
//! lengthened; wrong passphrases are throttled, across worker and browser restarts; an unlock
//! says when the passphrase is below today's floor. Each was possible on the code before it.

use keypost::worker::platform::Area;
use serde_json::{Value, json};

use crate::support::worker::{PASSPHRASE, World, error_code, ok};

const OTHER_PASSPHRASE: &str = "violet harbour lantern seventeen owls";

/// A backup of another vault (another browser's), and its passphrase.
fn foreign_backup(w: &World) -> String {
    let other = w.another_browser();
    ok(other.send(json!({ "type": "vault_create", "passphrase": OTHER_PASSPHRASE })));
    let file = ok(other.send(json!({ "type": "vault_export" })));
    file["json"].as_str().expect("the record").to_owned()
}

fn stored(w: &World, key: &str) -> Option<Value> {
    w.browser.stored(Area::Local, key)
}

#[test]
fn a_locked_vault_cannot_be_exported_replaced_restored_discarded_nor_left_unlocked_longer() {
    let w = World::new();
    let backup = foreign_backup(&w);
    // While unlocked, the owner may replace it: the old one is kept as the previous vault.
    let first = stored(&w, "vault");
    ok(w.send(
        json!({ "type": "vault_import", "json": backup, "replace": true,
        "passphrase": OTHER_PASSPHRASE }),
    ));
    assert!(stored(&w, "vault_previous").is_some());
    // The import locked it. Nobody who does not know its passphrase may go further.
    let vault = stored(&w, "vault");
    let previous = stored(&w, "vault_previous");
    let settings = stored(&w, "settings");
    for msg in [
        json!({ "type": "vault_export" }),
        json!({ "type": "vault_export_previous" }),
        json!({ "type": "vault_restore_previous" }),
        json!({ "type": "vault_discard_previous" }),
        json!({ "type": "vault_import", "json": first.as_ref().and_then(Value::as_str).unwrap(),
            "replace": true, "passphrase": PASSPHRASE }),
        json!({ "type": "settings_set", "settings": { "autolock": "restart" } }),
        json!({ "type": "settings_set", "settings": { "autolock": "240", "notify_sent": true } }),
    ] {
        let answer = w.send(msg.clone());
        assert_eq!(error_code(&answer), "vault_owner_required", "{msg}");
    }
    assert_eq!(stored(&w, "vault"), vault, "the vault is as it was");
    assert_eq!(
        stored(&w, "vault_previous"),
        previous,
        "the previous vault is kept"
    );
    assert_eq!(stored(&w, "settings"), settings, "no setting changed");
    // What does not weaken anything stays possible while locked.
    let shorter = w.send(json!({ "type": "settings_set", "settings": { "autolock": "5" } }));
    assert_eq!(ok(shorter)["settings"]["autolock"], "5");
    // Its owner unlocks it, and may.
    ok(w.send(json!({ "type": "vault_unlock", "passphrase": OTHER_PASSPHRASE })));
    let file = ok(w.send(json!({ "type": "vault_export_previous" })));
    assert!(file["json"].as_str().is_some());
    ok(w.send(json!({ "type": "settings_set", "settings": { "autolock": "restart" } })));
    ok(w.send(json!({ "type": "vault_discard_previous" })));
    assert_eq!(stored(&w, "vault_previous"), None);
}

#[test]
fn a_damaged_vault_can_still_be_replaced_from_a_backup() {
    let w = World::new();
    let backup = foreign_backup(&w);
    ok(w.send(json!({ "type": "vault_lock" })));
    w.browser
        .put(Area::Local, "vault", json!("{ not a vault record"));
    let answer = w.send(
        json!({ "type": "vault_import", "json": backup, "replace": true,
        "passphrase": OTHER_PASSPHRASE }),
    );
    assert_eq!(ok(answer)["exists"], true);
    ok(w.send(json!({ "type": "vault_unlock", "passphrase": OTHER_PASSPHRASE })));
}

#[test]
fn the_sixth_wrong_passphrase_waits_and_the_count_survives_a_restart() {
    let w = World::new();
    ok(w.send(json!({ "type": "vault_lock" })));
    let unlock = |p: &str| w.send(json!({ "type": "vault_unlock", "passphrase": p }));
    for i in 0..5 {
        let answer = unlock("not the passphrase at all");
        assert_eq!(error_code(&answer), "vault_wrong_passphrase", "try {i}");
    }
    let sixth = unlock("not the passphrase at all");
    assert_eq!(error_code(&sixth), "vault_throttled");
    assert_eq!(sixth["error"]["wait_ms"], 2_000);
    // Even the right one waits: the throttle answers before any check, so it tells nothing.
    assert_eq!(error_code(&unlock(PASSPHRASE)), "vault_throttled");
    // Closing the browser does not reset it.
    w.browser.browser_restart();
    w.start_worker();
    assert_eq!(error_code(&unlock(PASSPHRASE)), "vault_throttled");
    w.browser.set_now(w.browser.now_ms() + 2_000);
    let opened = ok(unlock(PASSPHRASE));
    assert_eq!(opened["unlocked"], true);
    assert_eq!(opened["passphrase_below_floor"], false);
    // A right passphrase clears the count: the next mistake is free again.
    ok(w.send(json!({ "type": "vault_lock" })));
    assert_eq!(error_code(&unlock("wrong again")), "vault_wrong_passphrase");
    assert_eq!(stored(&w, "unlock_throttle").unwrap()["failures"], 1);
}

#[test]
fn a_passphrase_change_with_a_wrong_old_passphrase_counts_too() {
    let w = World::new();
    let change = |old: &str| {
        w.send(json!({ "type": "vault_change_passphrase", "old": old,
            "new": "a brand new passphrase of some length 2026" }))
    };
    for _ in 0..5 {
        assert_eq!(
            error_code(&change("a wrong old one")),
            "vault_wrong_passphrase"
        );
    }
    assert_eq!(error_code(&change(PASSPHRASE)), "vault_throttled");
}

/// A backup file whose accounts payload is `accounts` (JSON), sealed with `OTHER_PASSPHRASE`
/// by the core as a real backup is, with the shipped KDF parameters.
fn crafted_backup(accounts: Vec<Value>) -> String {
    let payload = json!({ "accounts": accounts, "default_id": null }).to_string();
    let mut entropy = crate::support::keys::Counter(7, 13);
    let (record, _) = keypost::vault::create(
        &keypost::vault::Passphrase::from(OTHER_PASSPHRASE),
        keypost::vault::KdfParams::DEFAULT,
        payload.as_bytes(),
        &mut entropy,
    )
    .expect("a record");
    record.to_json()
}

/// An account as a vault stores it, with keys that pass the form's checks.
fn stored_account(i: usize, avatar: &str) -> Value {
    json!({
        "id": format!("a{i}"), "label": "", "premium": false,
        "keys": { "api_key": format!("ConsumerKey{i:06}Q7w2"),
            "api_secret": format!("ConsumerSecret{i:06}Z3k9p"),
            "access_token": format!("{}-AccessToken{i:06}R4t8", 1000 + i),
            "access_token_secret": format!("TokenSecret{i:06}M5n1b") },
        "user": { "id": format!("{}", 1000 + i), "username": format!("user{i}"), "name": "A",
            "profile_image_url": avatar },
    })
}

#[test]
fn a_crafted_backup_is_refused_before_anything_is_stored_and_quickly() {
    let w = World::new();
    let x_avatar = "https://pbs.twimg.com/profile_images/1/a.png";
    // X's default picture, for an account that never set one, is on X's other image host.
    let default_avatar =
        "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png";
    let fine = crafted_backup(vec![
        stored_account(5, x_avatar),
        stored_account(6, default_avatar),
    ]);
    let fresh = w.another_browser();
    ok(fresh.send(json!({ "type": "vault_import", "json": fine })));
    ok(fresh.send(json!({ "type": "vault_unlock", "passphrase": OTHER_PASSPHRASE })));
    let cases = [
        (
            (0..10_000)
                .map(|i| stored_account(i, x_avatar))
                .collect::<Vec<_>>(),
            "accounts_too_many",
        ),
        (
            vec![stored_account(1, "https://tracker.example/pixel.png")],
            "accounts_foreign_image",
        ),
        (
            vec![stored_account(
                1,
                "https://pbs.twimg.com.tracker.example/a.png",
            )],
            "accounts_foreign_image",
        ),
        (
            vec![stored_account(1, x_avatar), stored_account(1, x_avatar)],
            "accounts_malformed",
        ),
        (
            {
                let mut odd = stored_account(2, x_avatar);
                odd["keys"]["api_key"] = json!(" spaces and\u{200b}hidden characters ");
                vec![odd]
            },
            "accounts_malformed",
        ),
    ];
    let vault = stored(&w, "vault");
    for (accounts, code) in cases {
        let n = accounts.len();
        let backup = crafted_backup(accounts);
        let started = std::time::Instant::now();
        let answer = w.send(
            json!({ "type": "vault_import", "json": backup, "replace": true,
            "passphrase": OTHER_PASSPHRASE }),
        );
        let took = started.elapsed();
        assert_eq!(error_code(&answer), code, "{n} accounts");
        // The key derivation is most of it; the check itself is timed alone in
        // `accounts::a_backup_of_20000_accounts_is_refused_in_one_pass`. This bound only
        // catches a pathological slowdown on a busy machine.
        assert!(
            took.as_millis() < 5_000,
            "{n} accounts: refused in {took:?}"
        );
        assert_eq!(stored(&w, "vault"), vault, "{code}: the vault is as it was");
        assert_eq!(
            stored(&w, "vault_previous"),
            None,
            "{code}: nothing was set aside"
        );
    }
}

#[test]
fn a_crafted_backup_imported_into_an_empty_browser_never_opens_a_session() {
    let w = World::new();
    let fresh = w.another_browser();
    let backup = crafted_backup(vec![stored_account(3, "https://tracker.example/p.png")]);
    // Without a vault there is nothing to protect, and no passphrase is asked at import.
    ok(fresh.send(json!({ "type": "vault_import", "json": backup })));
    let answer = fresh.send(json!({ "type": "vault_unlock", "passphrase": OTHER_PASSPHRASE }));
    assert_eq!(error_code(&answer), "accounts_foreign_image");
    assert!(!fresh.key_in_session(), "no session began");
}

#[test]
fn a_passphrase_change_brings_a_costly_backup_back_to_today_s_parameters() {
    let base = World::new(); // holds the right to drive the worker
    let w = base.another_browser();
    // A backup at the edge of what is accepted: four times the memory, 6 passes.
    let costly = keypost::vault::KdfParams {
        m_kib: 4 * 47_104,
        t: 6,
        p: 1,
    };
    let payload = json!({ "accounts": [], "default_id": null }).to_string();
    let (record, _) = keypost::vault::create(
        &keypost::vault::Passphrase::from(OTHER_PASSPHRASE),
        costly,
        payload.as_bytes(),
        &mut crate::support::keys::Counter(3, 5),
    )
    .expect("a record");
    ok(w.send(json!({ "type": "vault_import", "json": record.to_json() })));
    ok(w.send(json!({ "type": "vault_unlock", "passphrase": OTHER_PASSPHRASE })));
    let kdf_of = |w: &World| {
        let json = stored(w, "vault").and_then(|v| v.as_str().map(str::to_owned));
        keypost::vault::VaultRecord::from_json(&json.expect("a vault"))
            .expect("a record")
            .kdf_params()
    };
    assert_eq!(kdf_of(&w), costly, "an unlock keeps stronger parameters");
    ok(w.send(
        json!({ "type": "vault_change_passphrase", "old": OTHER_PASSPHRASE,
        "new": "a new and rather long passphrase 2026" }),
    ));
    assert_eq!(kdf_of(&w), keypost::vault::KdfParams::DEFAULT);
}

#[test]
fn restoring_the_replaced_vault_brings_back_its_draft_sent_list_and_scheduled_posts() {
    use crate::support::worker::post;
    let w = World::new();
    // This vault's world: a post sent (on the Sent list), one scheduled for later, a draft.
    ok(w.send(json!({ "type": "post_send", "account_id": w.demo,
        "posts": [post("already out", &[])] })));
    let queued = w.schedule(
        json!([post("due tomorrow", &[])]),
        24 * 3_600_000,
        json!({}),
    );
    ok(w.send(
        json!({ "type": "draft_save", "draft": { "account_id": w.demo,
        "posts": [{ "text": "half written", "media": [] }], "updated_ms": 1 } }),
    ));
    let backup = foreign_backup(&w);
    ok(w.send(
        json!({ "type": "vault_import", "json": backup, "replace": true,
        "passphrase": OTHER_PASSPHRASE }),
    ));
    // The new vault starts with none of it, and none of it is failed or dropped meanwhile.
    ok(w.send(json!({ "type": "vault_unlock", "passphrase": OTHER_PASSPHRASE })));
    assert!(
        w.items().is_empty(),
        "the replaced vault's posts are set aside"
    );
    assert_eq!(
        ok(w.send(json!({ "type": "history_list" })))["items"],
        json!([])
    );
    assert_eq!(
        ok(w.send(json!({ "type": "draft_get" })))["draft"],
        Value::Null
    );
    ok(
        w.send(json!({ "type": "draft_save", "draft": { "account_id": null,
        "posts": [{ "text": "the new vault's draft", "media": [] }], "updated_ms": 2 } })),
    );
    w.pass(48 * 3_600_000);
    assert_eq!(
        w.x.texts(),
        ["already out"],
        "the set-aside post did not go out"
    );
    // Restored (by its owner: auto-lock struck meanwhile), everything of it is back, and the
    // scheduled post goes out as planned.
    ok(w.send(json!({ "type": "vault_unlock", "passphrase": OTHER_PASSPHRASE })));
    ok(w.send(json!({ "type": "vault_restore_previous" })));
    ok(w.send(json!({ "type": "vault_unlock", "passphrase": PASSPHRASE })));
    let draft = ok(w.send(json!({ "type": "draft_get" })));
    assert_eq!(draft["draft"]["posts"][0]["text"], "half written");
    // It fell due while set aside: late now, it goes out by the default late policy.
    w.pass(3 * 60_000);
    assert_eq!(w.x.texts(), ["already out", "due tomorrow"]);
    assert_eq!(w.item(queued)["state"]["kind"], "sent");
    let sent = ok(w.send(json!({ "type": "history_list" })));
    let texts: Vec<&str> = sent["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["text"].as_str())
        .collect();
    assert_eq!(
        texts,
        ["due tomorrow", "already out"],
        "the Sent list, newest first"
    );
    // And the other vault's draft waits beside it, in its turn.
    let aside = stored(&w, "vault_previous_records").expect("the other vault's records");
    assert!(aside.get("draft").is_some());
}
