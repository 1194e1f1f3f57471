//! The message boundary (src/worker/protocol/decode.rs), natively: every message the pages send
//! decodes, and anything else is refused with its own code before a handler runs.

use keypost::worker::{MAX_MESSAGE_BYTES, check_message};
use serde_json::{Value, json};

/// One message of every type the pages send (extension/lib/protocol.js `Requests`), with
/// every field they may send.
pub fn page_messages() -> Vec<(Value, &'static str)> {
    let keys = json!({ "api_key": "k", "api_secret": "s", "access_token": "1-t", "access_token_secret": "ts" });
    let posts = json!([{ "text": "hi", "media": [{ "media_id": "m1", "alt": "a cat" }] }]);
    let draft = json!({
        "account_id": "a1",
        "posts": [{ "text": "hi", "media": [{ "media_id": "m1", "name": "cat.png", "type": "image/png", "size": 12, "alt": "" }] }],
        "updated_ms": 1_700_000_000_000u64,
    });
    vec![
        (json!({ "type": "vault_status" }), "vault"),
        (
            json!({ "type": "vault_create", "passphrase": "p" }),
            "vault",
        ),
        (
            json!({ "type": "vault_unlock", "passphrase": "p" }),
            "vault",
        ),
        (json!({ "type": "vault_lock" }), "vault"),
        (
            json!({ "type": "vault_change_passphrase", "old": "a", "new": "b" }),
            "vault",
        ),
        (json!({ "type": "vault_export" }), "vault"),
        (
            json!({ "type": "vault_import", "json": "{}", "replace": true }),
            "vault",
        ),
        (
            json!({ "type": "settings_set", "settings": { "autolock": "15", "share_page_link": true, "notify_sent": false, "hold_late": true } }),
            "vault",
        ),
        (
            json!({ "type": "account_add", "label": "Work", "keys": keys, "premium": false }),
            "accounts",
        ),
        (
            json!({ "type": "account_update", "id": "a1", "label": "Home", "keys": { "api_secret": "s2" }, "premium": true }),
            "accounts",
        ),
        (json!({ "type": "account_verify", "id": "a1" }), "accounts"),
        (json!({ "type": "account_remove", "id": "a1" }), "accounts"),
        (
            json!({ "type": "account_set_default", "id": "a1" }),
            "accounts",
        ),
        (json!({ "type": "draft_get" }), "compose"),
        (json!({ "type": "draft_save", "draft": draft }), "compose"),
        (
            json!({ "type": "draft_clear", "keep_media": true }),
            "compose",
        ),
        (
            json!({ "type": "post_send", "account_id": "a1", "posts": posts }),
            "compose",
        ),
        (
            json!({ "type": "post_resume", "decision": "on_x", "post_url": "https://x.com/a/status/1" }),
            "compose",
        ),
        (json!({ "type": "post_progress" }), "compose"),
        (
            json!({ "type": "history_list", "account_id": "a1" }),
            "compose",
        ),
        (
            json!({ "type": "schedule_add", "account_id": "a1", "posts": posts, "due_at_ms": 1_700_000_000_000u64 }),
            "schedule",
        ),
        (json!({ "type": "schedule_list" }), "schedule"),
        (
            json!({ "type": "schedule_edit", "id": 3, "posts": posts }),
            "schedule",
        ),
        (
            json!({ "type": "schedule_reschedule", "id": 3, "due_at_ms": 1_700_000_000_000u64 }),
            "schedule",
        ),
        (json!({ "type": "schedule_cancel", "id": 3 }), "schedule"),
        (json!({ "type": "schedule_post_now", "id": 3 }), "schedule"),
        (json!({ "type": "schedule_retry", "id": 3 }), "schedule"),
        (
            json!({ "type": "schedule_resolve", "id": 3, "resolution": { "kind": "posted", "post_id": "12" } }),
            "schedule",
        ),
        (
            json!({ "type": "schedule_resolve", "id": 3, "resolution": { "kind": "posted", "post_ref": "12" } }),
            "schedule",
        ),
        (
            json!({ "type": "schedule_resolve", "id": 3, "resolution": { "kind": "send" } }),
            "schedule",
        ),
        (json!({ "type": "schedule_remove", "id": 3 }), "schedule"),
        (json!({ "type": "slots_get" }), "slots"),
        (
            json!({ "type": "slots_set", "account_id": "a1", "slots": [{ "days": [0, 4], "time": "09:00" }] }),
            "slots",
        ),
        (json!({ "type": "slots_week" }), "slots"),
        (
            json!({ "type": "schedule_add_to_queue", "account_id": "a1", "posts": posts }),
            "slots",
        ),
    ]
}

fn code(text: &str) -> String {
    match check_message(text) {
        Ok(group) => format!("ok:{group}"),
        Err(e) => e.code,
    }
}

#[test]
fn every_message_the_pages_send_decodes_into_its_group() {
    for (message, group) in page_messages() {
        assert_eq!(
            check_message(&message.to_string()).map_err(|e| e.code),
            Ok(group),
            "{message}"
        );
    }
}

#[test]
fn an_unknown_field_anywhere_is_refused_and_named() {
    for (message, _) in page_messages() {
        let mut extra = message.clone();
        extra["zz_extra"] = json!(1);
        let refused = check_message(&extra.to_string()).expect_err(&extra.to_string());
        assert_eq!(refused.code, "unknown_field", "{extra}");
        assert_eq!(refused.details["field"], "zz_extra", "{extra}");
    }
    // Nested: in the keys, the settings, a post, an image, the draft, a resolution.
    for nested in [
        json!({ "type": "account_add", "keys": { "api_key": "k", "apikey": "typo" } }),
        json!({ "type": "settings_set", "settings": { "auto_lock": "5" } }),
        json!({ "type": "post_send", "account_id": "a", "posts": [{ "text": "x", "txt": "y" }] }),
        json!({ "type": "post_send", "account_id": "a", "posts": [{ "media": [{ "media_id": "m", "alt_text": "" }] }] }),
        json!({ "type": "draft_save", "draft": { "posts": [], "draft_id": 1 } }),
        json!({ "type": "schedule_resolve", "id": 1, "resolution": { "kind": "posted", "url": "u" } }),
    ] {
        assert_eq!(code(&nested.to_string()), "unknown_field", "{nested}");
    }
}

#[test]
fn malformed_messages_get_their_own_codes() {
    assert_eq!(code(r#"{"type":"drop_tables"}"#), "unknown_message");
    assert_eq!(code(r#"{"no_type":1}"#), "unknown_message");
    assert_eq!(code(r#"{"type":7}"#), "unknown_message");
    assert_eq!(code("[1,2]"), "bad_message");
    assert_eq!(code("not json"), "bad_message");
    let missing = check_message(r#"{"type":"vault_unlock"}"#).unwrap_err();
    assert_eq!(missing.code, "bad_message");
    assert_eq!(missing.details["field"], "passphrase");
    // A wrong type is refused without echoing the value (it may be a secret).
    let wrong = check_message(r#"{"type":"schedule_cancel","id":"hunter2-secret"}"#).unwrap_err();
    assert_eq!(wrong.code, "bad_message");
    assert!(!serde_json::to_string(&wrong).unwrap().contains("hunter2"));
    // Test messages exist only in sandbox builds.
    let status = code(r#"{"type":"status"}"#);
    if cfg!(feature = "test-hooks") {
        assert_eq!(status, "ok:core");
    } else {
        assert_eq!(status, "unknown_message");
    }
}

/// The size cap, measured: the largest draft the core accepts (50 posts of 30,000 characters,
/// four images each) written in 4-byte characters fits; a message past the cap does not.
#[test]
fn the_largest_draft_fits_under_the_size_cap_and_bigger_messages_are_refused() {
    let image = json!({ "media_id": "m".repeat(36), "name": "n".repeat(255), "type": "image/jpeg", "size": 5_242_880, "alt": "a".repeat(1000) });
    let post = json!({ "text": "😀".repeat(30_000), "media": [image, image, image, image] });
    let draft = json!({ "type": "draft_save", "draft": { "account_id": "a1", "posts": vec![post; 50], "updated_ms": 1 } });
    let text = draft.to_string();
    println!(
        "largest draft_save: {} bytes of JSON; the cap is {MAX_MESSAGE_BYTES}",
        text.len()
    );
    assert!(text.len() < MAX_MESSAGE_BYTES);
    assert_eq!(code(&text), "ok:compose");

    let over = json!({ "type": "vault_unlock", "passphrase": "a".repeat(MAX_MESSAGE_BYTES) });
    let refused = check_message(&over.to_string()).unwrap_err();
    assert_eq!(refused.code, "message_too_large");
    assert_eq!(refused.details["max_bytes"], MAX_MESSAGE_BYTES as u64);
}
