//! The wasm exports that need no browser, called as JavaScript calls them, under Node.
#![cfg(target_arch = "wasm32")]

use keypost::worker;
use serde_json::{Value, json};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test as test;

/// Plain objects and arrays, as pages send them (not ES `Map`s).
fn js(v: &Value) -> JsValue {
    use serde::Serialize;
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .expect("to js")
}

fn rust(v: JsValue) -> Value {
    serde_wasm_bindgen::from_value(v).expect("from js")
}

#[test]
fn counter_export_matches_the_core() {
    let v = rust(worker::count_text("see https://example.com 漢字", false));
    assert_eq!(v["weighted_length"], 4 + 23 + 1 + 4);
    assert_eq!(v["has_url"], true);
    let over = rust(worker::count_text(&"a".repeat(300), false));
    assert_eq!(over["valid"], false);
    assert_eq!(over["over_limit_from_utf16"], 280);
    assert_eq!(
        rust(worker::count_text(&"a".repeat(300), true))["valid"],
        true
    );
}

#[test]
fn thread_and_cost_exports() {
    let parts = worker::split_thread(&"word ".repeat(120), false);
    assert!(parts.len() >= 3);
    assert!(parts[0].ends_with(&format!("(1/{})", parts.len())));
    let cost = rust(worker::estimate_cost(js(
        &json!([{ "text": "hi" }, { "text": "x.com", "media": 1, "alt_texts": 1 }]),
    )));
    assert_eq!(cost["micro_usd"], 15_000 + 200_000 + 5_000);
    assert_eq!(cost["has_url"], true);
    // An image's upload has no published price: said, not counted as zero.
    assert_eq!(cost["media_upload_unpublished"], true);
    let table = rust(worker::price_table());
    assert_eq!(table["post_with_url"]["since"], "2026-04-20");
    assert!(table["media_upload"]["usd"].is_null());
    assert_eq!(table["user_read"]["usd"], 0.01);
}

#[test]
fn check_post_export_gives_the_workers_error() {
    let two = rust(worker::check_post(js(
        &json!([{ "text": "ok" }, { "text": "$TSLA $AAPL", "media_types": [] }]),
    )));
    assert_eq!(two, json!({ "code": "post_too_many_cashtags", "step": 1 }));
    let mixed = rust(worker::check_post(js(
        &json!([{ "text": "", "media_types": ["image/gif", "image/png"] }]),
    )));
    assert_eq!(mixed, json!({ "code": "media_gif_not_alone", "step": 0 }));
    assert!(
        worker::check_post(js(
            &json!([{ "text": "$TSLA", "media_types": ["image/gif"] }])
        ))
        .is_null()
    );
}

#[test]
fn limits_and_sniff_exports() {
    let limits = rust(worker::limits());
    assert_eq!(limits["max_images"], 4);
    assert_eq!(limits["max_image_bytes"], 5 * 1024 * 1024);
    assert_eq!(limits["image_types"][0], "image/jpeg");
    assert_eq!(limits["premium_text_limit"], 25_000);
    assert_eq!(
        worker::sniff_image(b"\x89PNG\r\n\x1a\n\x00\x00\x00\r").as_deref(),
        Some("image/png")
    );
    assert_eq!(worker::sniff_image(b"<svg"), None);
}

// sign_authorization exists only in sandbox builds (`--features test-hooks`).
#[cfg(feature = "test-hooks")]
#[test]
fn sign_export_reproduces_the_x_docs_header() {
    let keys = json!({
        "api_key": "xvz1evFS4wEEPTGEFPHBog",
        "api_secret": "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
        "access_token": "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        "access_token_secret": "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
    });
    let form = json!([
        ["include_entities", "true"],
        [
            "status",
            "Hello Ladies + Gentlemen, a signed OAuth request!"
        ]
    ]);
    let header = worker::sign_authorization(
        "POST",
        "https://api.twitter.com/1.1/statuses/update.json",
        js(&form),
        js(&keys),
        "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
        1_318_622_958.0,
    )
    .expect("signs");
    assert!(
        header.contains(r#"oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D""#),
        "{header}"
    );
    // Keys as pasted, with white space around them, sign the same.
    let pasted = json!({
        "api_key": " xvz1evFS4wEEPTGEFPHBog\n",
        "api_secret": "\tkAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
        "access_token": "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb ",
        "access_token_secret": "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
    });
    let again = worker::sign_authorization(
        "POST",
        "https://api.twitter.com/1.1/statuses/update.json",
        js(&form),
        js(&pasted),
        "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
        1_318_622_958.0,
    )
    .expect("signs");
    assert_eq!(again, header);
    let bad = worker::sign_authorization("GET", "not a url", js(&json!([])), js(&keys), "n", 1.0);
    assert_eq!(
        bad.unwrap_err().as_string().as_deref(),
        Some("oauth_invalid_url")
    );
}

#[wasm_bindgen_test::wasm_bindgen_test]
async fn messages_are_checked_before_anything_runs() {
    let unknown = rust(worker::handle_message(js(&json!({ "type": "drop_tables" }))).await);
    assert_eq!(unknown["error"]["code"], "unknown_message");
    let extra =
        rust(worker::handle_message(js(&json!({ "type": "vault_lock", "force": true }))).await);
    assert_eq!(extra["error"]["code"], "unknown_field");
    assert_eq!(extra["error"]["field"], "force");
    let big = "a".repeat(worker::MAX_MESSAGE_BYTES);
    let too_large = rust(
        worker::handle_message(js(&json!({ "type": "vault_unlock", "passphrase": big }))).await,
    );
    assert_eq!(too_large["error"]["code"], "message_too_large");
    let not_an_object = rust(worker::handle_message(JsValue::UNDEFINED).await);
    assert_eq!(not_an_object["error"]["code"], "bad_message");
}

#[cfg(feature = "test-hooks")]
#[wasm_bindgen_test::wasm_bindgen_test]
async fn test_messages_answer_in_sandbox_builds() {
    let malformed = rust(worker::handle_message(js(&json!({ "type": "verify_keys" }))).await);
    assert_eq!(malformed["error"]["code"], "bad_message");
    assert_eq!(malformed["error"]["field"], "keys");
    let status = rust(worker::handle_message(js(&json!({ "type": "status" }))).await);
    assert_eq!(status["ok"]["version"], keypost::VERSION);
}

#[cfg(not(feature = "test-hooks"))]
#[wasm_bindgen_test::wasm_bindgen_test]
async fn test_messages_do_not_exist_in_release_builds() {
    for kind in ["status", "verify_keys", "test_trap", "test_age_queue"] {
        let answer = rust(worker::handle_message(js(&json!({ "type": kind }))).await);
        assert_eq!(answer["error"]["code"], "unknown_message", "{kind}");
    }
}
