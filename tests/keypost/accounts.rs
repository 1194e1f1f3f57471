//! The accounts model: the four-field form's rules with X-shaped values, masking, the
//! document's operations and invariants, and views that carry no secret.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use keypost::accounts::{
    AccessLevel, AccountStatus, AccountsDoc, AccountsError, DisplayState, Field, FieldProblem,
    Keys, KeysForm, Problem, Verification, XUser, diagnose_401, mask, normalize_and_validate,
    normalize_and_validate_update, user_id_from_access_token,
};

// Made-up values with the shapes X issues: a 25-character API Key, a 50-character API Key
// Secret, an Access Token `<user id>-<letters and digits>`, a 45-character Access Token Secret.
const API_KEY: &str = "Xq3vN8bL2mR7tY5wK9pD4sF6h";
const API_SECRET: &str = "a7Kd93LmQp2Zx8Vn4Bc6Rt1Yw5Hs0Ju3Ge9Fi7Ok2Pl8Mn4Bq6";
const USER_ID: &str = "1587421930458210304";
const ACCESS_TOKEN: &str = "1587421930458210304-Zk4Rm8Tq2Wv6Ys0Xa3Nb7Pc5Ld9Fe1HgJ2";
const ACCESS_TOKEN_SECRET: &str = "T4yU8iO2pA6sD0fG3hJ7kL1zX5cV9bN2mQ8wE4rT6yU0i";

fn form(api_key: &str, api_secret: &str, access_token: &str, secret: &str) -> KeysForm {
    KeysForm {
        api_key: api_key.to_owned(),
        api_secret: api_secret.to_owned(),
        access_token: access_token.to_owned(),
        access_token_secret: secret.to_owned(),
    }
}

fn good_form() -> KeysForm {
    form(API_KEY, API_SECRET, ACCESS_TOKEN, ACCESS_TOKEN_SECRET)
}

fn keys() -> Keys {
    normalize_and_validate(&good_form()).unwrap()
}

fn problems(f: &KeysForm) -> Vec<(Field, Problem)> {
    normalize_and_validate(f)
        .unwrap_err()
        .into_iter()
        .map(|p| (p.field, p.problem))
        .collect()
}

#[test]
fn well_formed_keys_pass_unchanged() {
    let k = keys();
    assert_eq!(k.api_key, API_KEY);
    assert_eq!(k.api_secret, API_SECRET);
    assert_eq!(k.access_token, ACCESS_TOKEN);
    assert_eq!(k.access_token_secret, ACCESS_TOKEN_SECRET);
}

#[test]
fn pasted_whitespace_newlines_and_quotes_are_trimmed() {
    let messy = form(
        &format!("  \"{API_KEY}\"\n"),
        &format!("\u{201C}{API_SECRET}\u{201D}"),
        &format!("\t'{ACCESS_TOKEN}' \r\n"),
        &format!("\u{2018} {ACCESS_TOKEN_SECRET}\u{2019}\u{200B}"),
    );
    assert_eq!(normalize_and_validate(&messy).unwrap(), keys());
}

#[test]
fn each_missing_field_is_named() {
    let only_two = form(API_KEY, "", ACCESS_TOKEN, "  \n");
    assert_eq!(
        problems(&only_two),
        vec![
            (Field::ApiSecret, Problem::Missing),
            (Field::AccessTokenSecret, Problem::Missing),
        ]
    );
    let none = KeysForm::default();
    let all = problems(&none);
    assert_eq!(all.len(), 4);
    assert!(all.iter().all(|(_, p)| *p == Problem::Missing));
    assert_eq!(
        all.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(),
        [
            "api_key",
            "api_secret",
            "access_token",
            "access_token_secret"
        ]
    );
    // Quotes alone are nothing.
    assert_eq!(
        problems(&form("\"\"", API_SECRET, ACCESS_TOKEN, ACCESS_TOKEN_SECRET)),
        vec![(Field::ApiKey, Problem::Missing)]
    );
}

#[test]
fn an_access_token_in_another_field_is_spotted() {
    // The Access Token pasted into the API Key field, and the API Key into the token's.
    let swapped = form(ACCESS_TOKEN, API_SECRET, API_KEY, ACCESS_TOKEN_SECRET);
    assert_eq!(
        problems(&swapped),
        vec![
            (Field::ApiKey, Problem::LooksLikeAccessToken),
            (Field::AccessToken, Problem::AccessTokenShape),
        ]
    );
    // The Access Token in the Access Token Secret field.
    let in_secret = form(API_KEY, API_SECRET, ACCESS_TOKEN_SECRET, ACCESS_TOKEN);
    assert_eq!(
        problems(&in_secret),
        vec![
            (Field::AccessToken, Problem::AccessTokenShape),
            (Field::AccessTokenSecret, Problem::LooksLikeAccessToken),
        ]
    );
}

#[test]
fn an_access_token_without_its_shape_is_reported() {
    for bad in [
        "1587421930458210304Zk4Rm8Tq2Wv6Ys0Xa3Nb7Pc5Ld9Fe1HgJ2", // no dash
        "158742193O458210304-Zk4Rm8Tq2Wv6Ys0Xa3Nb7Pc5Ld9Fe1HgJ2", // letter O among digits
        "1587421930458210304-",                                  // nothing after the dash
        "-Zk4Rm8Tq2Wv6Ys0Xa3Nb7Pc5Ld9Fe1HgJ2",                   // no user id
        "1587421930458210304-Zk4Rm8Tq2Wv6_s0Xa3Nb7Pc5Ld9Fe1HgJ2", // underscore
    ] {
        assert_eq!(
            problems(&form(API_KEY, API_SECRET, bad, ACCESS_TOKEN_SECRET)),
            vec![(Field::AccessToken, Problem::AccessTokenShape)],
            "{bad}"
        );
    }
}

#[test]
fn the_same_value_in_two_fields_names_both() {
    let twice = form(API_KEY, API_SECRET, ACCESS_TOKEN, API_SECRET);
    let found = normalize_and_validate(&twice).unwrap_err();
    assert_eq!(
        found,
        vec![FieldProblem {
            field: Field::ApiSecret,
            problem: Problem::SameValue {
                other: Field::AccessTokenSecret
            }
        }]
    );
    assert_eq!(found[0].code(), "same_value");
    // Trimming happens first: a stray space does not make two values different.
    let spaced = form(
        API_KEY,
        &format!("{API_KEY} "),
        ACCESS_TOKEN,
        ACCESS_TOKEN_SECRET,
    );
    assert_eq!(
        problems(&spaced),
        vec![(
            Field::ApiKey,
            Problem::SameValue {
                other: Field::ApiSecret
            }
        )]
    );
}

#[test]
fn characters_that_cannot_be_in_keys_are_reported() {
    for bad in [
        "Xq3vN8bL2m R7tY5wK9pD4sF6h",        // inner space (two halves pasted)
        "Xq3vN8bL2m\nR7tY5wK9pD4sF6h",       // inner newline
        "\u{425}q3vN8bL2mR7tY5wK9pD4sF6h",   // Cyrillic Х, looks like X
        "Xq3vN8bL2mR7tY5wK9pD4sF6h\u{2026}", // a copied ellipsis
    ] {
        assert_eq!(
            problems(&form(bad, API_SECRET, ACCESS_TOKEN, ACCESS_TOKEN_SECRET)),
            vec![(Field::ApiKey, Problem::InvalidCharacters)],
            "{bad:?}"
        );
    }
    // In the Access Token field the character problem is the one reported.
    assert_eq!(
        problems(&form(
            API_KEY,
            API_SECRET,
            "1587421930458210304-Zk4Rm8 Tq2Wv6",
            ACCESS_TOKEN_SECRET
        )),
        vec![(Field::AccessToken, Problem::InvalidCharacters)]
    );
}

#[test]
fn problems_serialise_with_stable_codes_for_the_ui() {
    let swapped = form(ACCESS_TOKEN, "", API_KEY, API_KEY);
    let json = serde_json::to_value(normalize_and_validate(&swapped).unwrap_err()).unwrap();
    assert_eq!(
        json,
        serde_json::json!([
            {"field": "api_key", "code": "looks_like_access_token"},
            {"field": "api_secret", "code": "missing"},
            {"field": "access_token", "code": "access_token_shape"},
            {"field": "access_token", "code": "same_value", "other": "access_token_secret"},
        ])
    );
}

#[test]
fn rotating_some_keys_keeps_the_others() {
    let current = keys();
    let new_secret = "Q9wE8rT7yU6iO5pA4sD3fG2hJ1kL0zX9cV8bN7mQ6wE5rT4yU3";
    let rotated =
        normalize_and_validate_update(&form("", &format!(" {new_secret}\n"), "", ""), &current)
            .unwrap();
    assert_eq!(rotated.api_secret, new_secret);
    assert_eq!(rotated.api_key, API_KEY);
    assert_eq!(rotated.access_token, ACCESS_TOKEN);
    assert_eq!(rotated.access_token_secret, ACCESS_TOKEN_SECRET);
    // The merged four are checked together.
    let err = normalize_and_validate_update(&form("", API_KEY, "", ""), &current).unwrap_err();
    assert_eq!(
        err[0].problem,
        Problem::SameValue {
            other: Field::ApiSecret
        }
    );
}

#[test]
fn user_id_comes_from_the_access_token() {
    assert_eq!(user_id_from_access_token(ACCESS_TOKEN), Some(USER_ID));
    assert_eq!(
        user_id_from_access_token("2244994945-abcDEF123"),
        Some("2244994945")
    );
    assert_eq!(user_id_from_access_token(API_KEY), None);
    assert_eq!(user_id_from_access_token("12345-"), None);
    assert_eq!(user_id_from_access_token(""), None);
}

#[test]
fn the_access_token_names_its_user() {
    assert!(keys().names_user(USER_ID));
    assert!(!keys().names_user("158742193045821030"));
    assert!(!keys().names_user(""));
}

#[test]
fn only_a_typed_key_counts_as_typed() {
    assert!(!KeysForm::default().any_typed());
    // What normalising removes is not a key.
    assert!(!form(" ", "\"\"", "\u{200B}\n", "\u{2018}\u{2019}").any_typed());
    for one in 0..4 {
        let mut fields = ["", "", "", ""];
        fields[one] = "k";
        assert!(form(fields[0], fields[1], fields[2], fields[3]).any_typed());
    }
}

#[test]
fn keys_sign_as_themselves_and_a_form_signs_trimmed() {
    let k = keys();
    let c = k.credentials();
    assert_eq!(
        (c.consumer_key, c.consumer_secret, c.token, c.token_secret),
        (API_KEY, API_SECRET, ACCESS_TOKEN, ACCESS_TOKEN_SECRET)
    );
    let typed = form(
        &format!(" {API_KEY}\n"),
        &format!("\t{API_SECRET}"),
        &format!("{ACCESS_TOKEN}  "),
        ACCESS_TOKEN_SECRET,
    );
    let c = typed.credentials();
    assert_eq!(
        (c.consumer_key, c.consumer_secret, c.token, c.token_secret),
        (API_KEY, API_SECRET, ACCESS_TOKEN, ACCESS_TOKEN_SECRET)
    );
}

#[test]
fn a_401_with_the_key_longer_than_its_secret_suggests_a_swap() {
    assert_eq!(diagnose_401(&keys()), None);
    let mut swapped = keys();
    std::mem::swap(&mut swapped.api_key, &mut swapped.api_secret);
    assert_eq!(diagnose_401(&swapped), Some("api_key_secret_swapped"));
}

#[test]
fn masks_show_at_most_four_characters() {
    assert_eq!(mask(API_KEY), "Xq3v…");
    assert_eq!(mask(ACCESS_TOKEN), "1587…");
    assert_eq!(mask("abcdefghijkl"), "abc…");
    assert_eq!(mask("abcdefgh"), "ab…");
    assert_eq!(mask("abc"), "…");
    assert_eq!(mask(""), "");
    // Counted in characters, never splitting one.
    assert_eq!(mask("ééééééééééééééééé"), "éééé…");
}

fn user(id: &str) -> XUser {
    XUser {
        id: id.to_owned(),
        username: "keypostdemo".to_owned(),
        name: "Keypost Demo".to_owned(),
        profile_image_url: Some("https://pbs.twimg.com/profile_images/1/a_normal.png".to_owned()),
    }
}

fn other_keys() -> Keys {
    normalize_and_validate(&form(
        "Bn5mK8jH2gF4dS6aP9oI1uY3t",
        "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8Nn7Mm6Ll5Kk4Jj3",
        "44196397-Hh2Gg3Ff4Ee5Dd6Cc7Bb8Aa9Zz0Yy1Xx2Ww3Vv4Uu5",
        "Mm1Nn2Bb3Vv4Cc5Xx6Zz7Ll8Kk9Jj0Hh1Gg2Ff3Dd4Ss5",
    ))
    .unwrap()
}

#[test]
fn the_first_account_becomes_the_default_and_removing_it_moves_the_default() {
    let mut doc = AccountsDoc::new();
    assert!(doc.default_account().is_none());
    doc.add("a1".into(), "Work".into(), keys(), false).unwrap();
    assert_eq!(doc.default_id.as_deref(), Some("a1"));
    doc.add("a2".into(), "Personal".into(), other_keys(), true)
        .unwrap();
    assert_eq!(doc.default_id.as_deref(), Some("a1"));
    assert_eq!(doc.accounts.len(), 2);

    doc.set_default("a2").unwrap();
    assert_eq!(doc.default_account().unwrap().label, "Personal");
    assert_eq!(
        doc.set_default("nope").unwrap_err().code(),
        "account_not_found"
    );
    assert_eq!(doc.default_id.as_deref(), Some("a2"));

    // Removing a non-default account leaves the default alone.
    doc.remove("a1").unwrap();
    assert_eq!(doc.default_id.as_deref(), Some("a2"));
    doc.add("a3".into(), "Third".into(), keys(), false).unwrap();
    // Removing the default moves it to the first remaining account.
    let removed = doc.remove("a2").unwrap();
    assert_eq!(removed.label, "Personal");
    assert_eq!(doc.default_id.as_deref(), Some("a3"));
    doc.remove("a3").unwrap();
    assert_eq!(doc.default_id, None);
    assert_eq!(doc.remove("a3").unwrap_err().code(), "account_not_found");
}

#[test]
fn ids_and_access_tokens_are_unique() {
    let mut doc = AccountsDoc::new();
    doc.add("a1".into(), "Work".into(), keys(), false).unwrap();
    let err = doc
        .add("a1".into(), "Again".into(), other_keys(), false)
        .unwrap_err();
    assert_eq!(err.code(), "account_duplicate_id");
    let err = doc
        .add("a2".into(), "Same keys".into(), keys(), false)
        .unwrap_err();
    assert_eq!(err.code(), "account_already_added");
    assert_eq!(
        err.to_string(),
        "these keys are already saved as account a1"
    );
    assert_eq!(doc.accounts.len(), 1);
    // Nor can another account's keys be updated into a duplicate.
    doc.add("a2".into(), "Other".into(), other_keys(), false)
        .unwrap();
    assert_eq!(
        doc.update_keys("a2", keys()).unwrap_err().code(),
        "account_already_added"
    );
}

#[test]
fn an_access_token_is_free_unless_another_account_has_it() {
    let mut doc = AccountsDoc::new();
    assert_eq!(doc.ensure_token_free(&keys(), None), Ok(()));
    doc.add("a1".into(), "Work".into(), keys(), false).unwrap();
    doc.add("a2".into(), "Other".into(), other_keys(), false)
        .unwrap();
    let taken = AccountsError::AlreadyAdded {
        existing_id: "a1".into(),
    };
    assert_eq!(doc.ensure_token_free(&keys(), None), Err(taken.clone()));
    assert_eq!(doc.ensure_token_free(&keys(), Some("a2")), Err(taken));
    // An account's own token is free for it (its other keys may rotate).
    assert_eq!(doc.ensure_token_free(&keys(), Some("a1")), Ok(()));
    let mut rotated = keys();
    rotated.api_secret = "Q9wE8rT7yU6iO5pA4sD3fG2hJ1kL0zX9cV8bN7mQ6wE5rT4yU3".into();
    assert_eq!(doc.ensure_token_free(&rotated, Some("a1")), Ok(()));
    doc.update_keys("a1", rotated).unwrap();
    // Whatever the other keys, the Access Token decides.
    assert_eq!(
        doc.update_keys("a2", keys()),
        Err(AccountsError::AlreadyAdded {
            existing_id: "a1".into()
        })
    );
}

#[test]
fn premium_flag_and_label_are_per_account() {
    let mut doc = AccountsDoc::new();
    doc.add("a1".into(), "Work".into(), keys(), false).unwrap();
    doc.set_premium("a1", true).unwrap();
    doc.set_label("a1", "Work (Premium)".into()).unwrap();
    let a = doc.get("a1").unwrap();
    assert!(a.premium);
    assert_eq!(a.label, "Work (Premium)");
    assert_eq!(
        doc.set_premium("zz", true).unwrap_err().code(),
        "account_not_found"
    );
}

#[test]
fn verification_results_are_recorded() {
    let mut doc = AccountsDoc::new();
    doc.add("a1".into(), "Work".into(), keys(), false).unwrap();
    assert_eq!(doc.get("a1").unwrap().status, AccountStatus::Unverified);

    doc.record_verification(
        "a1",
        Verification::Ok {
            user: user(USER_ID),
            access_level: AccessLevel::from_header("read-write"),
            at_ms: 1_767_225_600_000,
        },
    )
    .unwrap();
    let a = doc.get("a1").unwrap();
    assert_eq!(a.user.as_ref().unwrap().username, "keypostdemo");
    assert_eq!(
        a.status,
        AccountStatus::Verified {
            at_ms: 1_767_225_600_000,
            access_level: Some(AccessLevel::ReadWrite)
        }
    );

    // Rotating the secret keeps the user (same token user) but needs a new check.
    let mut rotated = keys();
    rotated.api_secret = "Q9wE8rT7yU6iO5pA4sD3fG2hJ1kL0zX9cV8bN7mQ6wE5rT4yU3".into();
    doc.update_keys("a1", rotated).unwrap();
    let a = doc.get("a1").unwrap();
    assert_eq!(a.status, AccountStatus::Unverified);
    assert!(a.user.is_some());
    // A token for another user forgets the old user.
    doc.update_keys("a1", other_keys()).unwrap();
    assert!(doc.get("a1").unwrap().user.is_none());

    // X answering with a user other than the token's is not a success.
    doc.record_verification(
        "a1",
        Verification::Ok {
            user: user("999"),
            access_level: None,
            at_ms: 5,
        },
    )
    .unwrap();
    assert_eq!(
        doc.get("a1").unwrap().status,
        AccountStatus::NeedsAttention {
            code: "x_user_mismatch".into(),
            at_ms: 5
        }
    );
    doc.record_verification(
        "a1",
        Verification::Failed {
            code: "x_oauth1_permissions".into(),
            at_ms: 6,
        },
    )
    .unwrap();
    assert_eq!(
        doc.get("a1").unwrap().status,
        AccountStatus::NeedsAttention {
            code: "x_oauth1_permissions".into(),
            at_ms: 6
        }
    );
}

#[test]
fn access_level_header_values() {
    assert_eq!(AccessLevel::from_header("read"), Some(AccessLevel::Read));
    assert_eq!(
        AccessLevel::from_header(" Read-Write-DirectMessages "),
        Some(AccessLevel::ReadWriteDirectMessages)
    );
    assert_eq!(AccessLevel::from_header("admin"), None);
    assert!(!AccessLevel::Read.can_post());
    assert!(AccessLevel::ReadWrite.can_post());
}

fn sample_doc() -> AccountsDoc {
    let mut doc = AccountsDoc::new();
    doc.add("a1".into(), "Work \u{1F4BC}".into(), keys(), true)
        .unwrap();
    doc.add("a2".into(), "Personal".into(), other_keys(), false)
        .unwrap();
    doc.record_verification(
        "a1",
        Verification::Ok {
            user: user(USER_ID),
            access_level: Some(AccessLevel::Read),
            at_ms: 42,
        },
    )
    .unwrap();
    doc
}

#[test]
fn the_document_round_trips_through_the_vault_payload_bytes() {
    let doc = sample_doc();
    let bytes = doc.to_bytes().unwrap();
    assert_eq!(AccountsDoc::from_bytes(&bytes).unwrap(), doc);
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(json["accounts"][0]["status"]["state"], "verified");
    assert_eq!(json["accounts"][0]["status"]["access_level"], "read");
    assert_eq!(json["accounts"][1]["status"]["state"], "unverified");
}

#[test]
fn a_bad_payload_is_a_typed_error_and_a_dangling_default_is_repaired() {
    assert_eq!(
        AccountsDoc::from_bytes(b"not json").unwrap_err().code(),
        "accounts_malformed"
    );
    let mut json: serde_json::Value =
        serde_json::from_slice(&sample_doc().to_bytes().unwrap()).unwrap();
    json["accounts"][1]["id"] = "a1".into();
    let dup = serde_json::to_vec(&json).unwrap();
    assert_eq!(
        AccountsDoc::from_bytes(&dup).unwrap_err().code(),
        "accounts_malformed"
    );

    json["accounts"][1]["id"] = "a2".into();
    json["default_id"] = "gone".into();
    let repaired = AccountsDoc::from_bytes(&serde_json::to_vec(&json).unwrap()).unwrap();
    assert_eq!(repaired.default_id.as_deref(), Some("a1"));
    // An older document without the optional fields still reads.
    let minimal = format!(
        r#"{{"accounts":[{{"id":"x","label":"","keys":{{"api_key":"{API_KEY}","api_secret":"{API_SECRET}","access_token":"{ACCESS_TOKEN}","access_token_secret":"{ACCESS_TOKEN_SECRET}"}}}}]}}"#
    );
    let doc = AccountsDoc::from_bytes(minimal.as_bytes()).unwrap();
    assert_eq!(doc.default_id.as_deref(), Some("x"));
    assert_eq!(doc.accounts[0].status, AccountStatus::Unverified);
}

/// Every window of `len` characters of `secret`.
fn windows(secret: &str, len: usize) -> Vec<&str> {
    (0..=secret.len().saturating_sub(len))
        .map(|i| &secret[i..i + len])
        .collect()
}

#[test]
fn views_for_the_ui_carry_no_secret() {
    let doc = sample_doc();
    let views = doc.views();
    assert_eq!(views.len(), 2);
    assert!(views[0].is_default && !views[1].is_default);
    assert_eq!(views[0].masked.api_key, "Xq3v…");
    assert_eq!(views[0].masked.access_token, "1587…");
    assert_eq!(views[0].user.as_ref().unwrap().id, USER_ID);
    let json = serde_json::to_string(&views).unwrap();
    for k in [keys(), other_keys()] {
        // No 8 characters in a row of either secret; no 5 of the masked keys (the mask shows 4).
        for secret in [&k.api_secret, &k.access_token_secret] {
            for w in windows(secret, 8) {
                assert!(!json.contains(w), "secret fragment {w} in {json}");
            }
        }
        for shown in [
            k.api_key.as_str(),
            k.access_token.split_once('-').unwrap().1,
        ] {
            for w in windows(shown, 5) {
                assert!(!json.contains(w), "key fragment {w} in {json}");
            }
        }
    }
}

#[test]
fn the_display_state_is_derived_from_the_status_in_one_place() {
    let verified = |access_level| AccountStatus::Verified {
        at_ms: 1,
        access_level,
    };
    let cases = [
        (
            AccountStatus::Unverified,
            DisplayState::Unverified,
            "unverified",
        ),
        (verified(None), DisplayState::Verified, "verified"),
        (
            verified(Some(AccessLevel::ReadWrite)),
            DisplayState::Verified,
            "verified",
        ),
        (
            verified(Some(AccessLevel::ReadWriteDirectMessages)),
            DisplayState::Verified,
            "verified",
        ),
        (
            verified(Some(AccessLevel::Read)),
            DisplayState::ReadOnly,
            "read_only",
        ),
        (
            AccountStatus::NeedsAttention {
                code: "x_unauthorized".to_owned(),
                at_ms: 1,
            },
            DisplayState::NeedsAttention,
            "needs_attention",
        ),
    ];
    for (status, state, wire) in cases {
        assert_eq!(status.display_state(), state, "{status:?}");
        assert_eq!(serde_json::to_value(state).unwrap(), wire);
    }
    // The view carries it next to the status it comes from (a1 is verified read only).
    let views = serde_json::to_value(sample_doc().views()).unwrap();
    assert_eq!(views[0]["status"]["state"], "verified");
    assert_eq!(views[0]["display_state"], "read_only");
    assert_eq!(views[1]["display_state"], "unverified");
}

#[test]
fn debug_output_is_redacted() {
    let doc = sample_doc();
    let shown = format!("{doc:?} {:?} {:?}", keys(), good_form());
    for secret in [API_KEY, API_SECRET, ACCESS_TOKEN, ACCESS_TOKEN_SECRET] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("redacted"));
}

/// A payload of `n` accounts as a vault stores them, every id and Access Token different.
fn payload_of(n: usize) -> String {
    let accounts: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({ "id": format!("a{i}"), "label": "",
                "keys": { "api_key": API_KEY, "api_secret": "s", "access_token": format!("{i}-t"),
                    "access_token_secret": "ts" } })
        })
        .collect();
    serde_json::json!({ "accounts": accounts, "default_id": null }).to_string()
}

#[test]
fn a_backup_of_20000_accounts_is_refused_in_one_pass() {
    let payload = payload_of(20_000);
    // Timed natively (wasm32-unknown-unknown has no clock in std).
    #[cfg(not(target_arch = "wasm32"))]
    let started = std::time::Instant::now();
    let doc = AccountsDoc::from_bytes(payload.as_bytes()).expect("well-formed");
    let refused = doc.check_foreign(&keypost::accounts::X_IMAGE_ORIGINS);
    assert_eq!(
        refused,
        Err(AccountsError::TooMany {
            max: keypost::accounts::MAX_ACCOUNTS
        })
    );
    // Read and refused in one pass: pairwise duplicate checks took seconds at this size.
    #[cfg(not(target_arch = "wasm32"))]
    {
        let took = started.elapsed();
        println!("20,000 accounts read and refused in {took:?}");
        assert!(took.as_millis() < 1_000, "{took:?}");
    }
    // A duplicate id anywhere is still found.
    let twice = payload.replacen("\"a19999\"", "\"a0\"", 1);
    assert_eq!(
        AccountsDoc::from_bytes(twice.as_bytes()).err(),
        Some(AccountsError::Malformed)
    );
}
