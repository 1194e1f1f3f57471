//! Fuzz targets, run on the stable toolchain with proptest (cargo-fuzz needs nightly): random
//! and mutated inputs for every parser that reads outside data. A target fails on a panic or a
//! broken property, and proptest then shrinks the input to a minimal one, which it prints.
//!
//! - `vault_record`: opening a vault record from arbitrary bytes, arbitrary JSON and
//!   mutations of a real record (`VaultRecord::from_json`, `open`, the KDF bounds).
//! - `x_responses`: X's answers (status, headers, body) through every parser of `x`.
//! - `text_counter`: the character counter and the thread splitter on arbitrary Unicode.
//! - `oauth1_signing`: percent-encoding and signing arbitrary parameters, checked against an
//!   independent build of the base string and HMAC.
//! - `messages`: decoding arbitrary and mutated page messages (`worker::check_message`).
//!
//! The targets are `#[ignore]`d so that plain `cargo test` stays quick; `--ignored` runs them.
//! By default each runs a smoke run of `FUZZ_CASES` cases (2,000), as `make test` does;
//! `FUZZ_SECONDS=N` (as `make fuzz` sets) runs each for N seconds instead. Each prints
//! `fuzz <target>: <cases> cases in <s> s, 0 findings`.

use std::fmt::Debug;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use serde_json::{Value, json};

/// Runs one target: cases in batches of fresh random seeds until the budget is spent.
fn fuzz<S>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S: Strategy,
    S::Value: Debug,
{
    let seconds = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok());
    let smoke_cases = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
        .unwrap_or(2_000);
    let start = Instant::now();
    let deadline = seconds.map(|s| start + Duration::from_secs(s));
    let batch = if deadline.is_some() { 500 } else { smoke_cases };
    let mut cases: u64 = 0;
    loop {
        let mut runner = TestRunner::new(Config {
            cases: batch,
            failure_persistence: None,
            max_shrink_iters: 2_000,
            ..Config::default()
        });
        match runner.run(&strategy, &test) {
            Ok(()) => cases += u64::from(batch),
            Err(TestError::Fail(reason, input)) => panic!(
                "fuzz {name}: FINDING after {cases} cases: {reason}\nminimal input: {input:#?}"
            ),
            Err(TestError::Abort(reason)) => panic!("fuzz {name}: aborted: {reason}"),
        }
        match deadline {
            Some(deadline) if Instant::now() < deadline => {}
            _ => break,
        }
    }
    println!(
        "fuzz {name}: {cases} cases in {:.1} s, 0 findings",
        start.elapsed().as_secs_f64()
    );
}

/// Arbitrary JSON, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,40}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::from),
            prop::collection::btree_map(".{0,12}", inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replaces the value at a random path of `doc` (objects and arrays) with `new`.
fn mutate(doc: &mut Value, mut path: Vec<usize>, new: Value) {
    let Some(step) = path.pop() else {
        *doc = new;
        return;
    };
    match doc {
        Value::Object(map) if !map.is_empty() => {
            let key = map
                .keys()
                .nth(step % map.len())
                .cloned()
                .unwrap_or_default();
            if let Some(child) = map.get_mut(&key) {
                mutate(child, path, new);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let len = items.len();
            mutate(&mut items[step % len], path, new);
        }
        _ => *doc = new,
    }
}

mod vault_record {
    use super::*;
    use keypost::vault::{self, Dek, Entropy, KdfParams, Passphrase, VaultRecord};

    struct Counter(u64);
    impl Entropy for Counter {
        fn fill(&mut self, buf: &mut [u8]) -> Result<(), keypost::vault::NoEntropy> {
            for b in buf {
                self.0 = self
                    .0
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                *b = (self.0 >> 56) as u8;
            }
            Ok(())
        }
    }

    /// Whatever a stored or imported text is, opening it never panics; a record that parses
    /// has sane KDF parameters, writes back to a text that parses to the same record, and
    /// does not open under a key that is not its own.
    fn check(text: &str, real_dek: &Dek) -> Result<(), TestCaseError> {
        if let Ok(record) = VaultRecord::from_json(text) {
            prop_assert!(record.kdf_params().check_sane().is_ok());
            let again = VaultRecord::from_json(&record.to_json());
            prop_assert_eq!(again.as_ref().ok(), Some(&record));
            let other = Dek::from_base64("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").ok();
            if let Some(other) = other {
                prop_assert!(vault::open(&record, &other).is_err());
            }
            // Under the real DEK a mutated record either opens to the real payload or is
            // refused: never a different plaintext.
            if let Ok(payload) = vault::open(&record, real_dek) {
                prop_assert_eq!(payload.as_slice(), PAYLOAD);
            }
        }
        Ok(())
    }

    const PAYLOAD: &[u8] = br#"{"accounts":[],"default_id":null}"#;

    #[test]
    #[ignore = "a fuzz target: make fuzz, or make test's fuzz-smoke layer"]
    fn vault_record() {
        let (record, dek) = vault::create(
            &Passphrase::new("fuzzing passphrase, 41".to_owned()),
            KdfParams::OWASP_MIN,
            PAYLOAD,
            &mut Counter(7),
        )
        .expect("a record to mutate");
        let real: Value = serde_json::from_str(&record.to_json()).expect("record JSON");
        let bytes = prop::collection::vec(any::<u8>(), 0..600)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned());
        let json = any_json().prop_map(|v| v.to_string());
        let mutated = (prop::collection::vec(any::<usize>(), 0..4), any_json()).prop_map(
            move |(path, new)| {
                let mut doc = real.clone();
                mutate(&mut doc, path, new);
                doc.to_string()
            },
        );
        fuzz("vault_record", prop_oneof![bytes, json, mutated], |text| {
            check(&text, &dek)
        });
    }
}

mod x_responses {
    use super::*;
    use keypost::http::HttpResponse;
    use keypost::x::{self, RateLimits};

    fn header_name() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("date".to_owned()),
            Just("x-rate-limit-reset".to_owned()),
            Just("x-rate-limit-remaining".to_owned()),
            Just("x-rate-limit-limit".to_owned()),
            Just("x-user-limit-24hour-reset".to_owned()),
            Just("x-user-limit-24hour-remaining".to_owned()),
            Just("x-user-limit-24hour-limit".to_owned()),
            Just("x-app-limit-24hour-remaining".to_owned()),
            Just("x-access-level".to_owned()),
            Just("retry-after".to_owned()),
            Just("content-type".to_owned()),
            ".{0,20}",
        ]
    }

    fn header_value() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<u64>().prop_map(|n| n.to_string()),
            any::<i64>().prop_map(|n| n.to_string()),
            (
                any::<u64>(),
                0..12usize,
                any::<i64>(),
                any::<u64>(),
                any::<u64>(),
                any::<u64>()
            )
                .prop_map(|(d, m, y, h, mi, s)| {
                    let months = [
                        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                        "Nov", "Dec",
                    ];
                    format!("Sun, {d} {} {y} {h}:{mi}:{s} GMT", months[m])
                }),
            (
                1u64..=31,
                0..12usize,
                1970i64..=9999,
                0u64..24,
                0u64..60,
                0u64..61
            )
                .prop_map(|(d, m, y, h, mi, s)| {
                    let months = [
                        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                        "Nov", "Dec",
                    ];
                    format!("Mon, {d:02} {} {y} {h:02}:{mi:02}:{s:02} GMT", months[m])
                }),
            Just("read-write".to_owned()),
            ".{0,40}",
        ]
    }

    fn body() -> impl Strategy<Value = String> {
        let shapes = prop_oneof![
            Just(json!({ "data": { "id": "1", "name": "n", "username": "u" } })),
            Just(json!({ "data": { "id": "1", "text": "t" } })),
            Just(
                json!({ "data": { "id": "1", "media_key": "k", "processing_info": { "state": "pending", "check_after_secs": 5 } } })
            ),
            Just(json!({ "errors": [{ "code": 135, "message": "Timestamp out of bounds." }] })),
            Just(
                json!({ "title": "Forbidden", "detail": "duplicate content", "status": 403, "type": "about:blank" })
            ),
            Just(json!({ "title": "Too Many Requests", "status": 429 })),
        ];
        let mutated = (
            shapes,
            prop::collection::vec(any::<usize>(), 0..4),
            any_json(),
        )
            .prop_map(|(mut doc, path, new)| {
                mutate(&mut doc, path, new);
                doc.to_string()
            });
        prop_oneof![mutated, any_json().prop_map(|v| v.to_string()), ".{0,200}"]
    }

    fn response() -> impl Strategy<Value = HttpResponse> {
        (
            prop_oneof![
                any::<u16>(),
                prop::sample::select(vec![200u16, 201, 400, 401, 403, 404, 429, 500, 503])
            ],
            prop::collection::vec((header_name(), header_value()), 0..6),
            body(),
        )
            .prop_map(|(status, headers, body)| HttpResponse {
                status,
                headers,
                body,
            })
    }

    #[test]
    #[ignore = "a fuzz target: make fuzz, or make test's fuzz-smoke layer"]
    fn x_responses() {
        fuzz("x_responses", response(), |resp| {
            let error = x::classify_error(&resp);
            let _ = (error.code(), error.is_transient());
            let limits = RateLimits::from_response(&resp);
            let _ = (limits.retry_at(), limits.daily_limit_spent());
            let ok = (200..300).contains(&resp.status);
            // A non-2xx answer is never read as a success.
            for parsed in [
                x::parse_users_me(&resp).map(|_| ()),
                x::parse_create_post(&resp).map(|_| ()),
                x::parse_media_initialize(&resp).map(|_| ()),
                x::parse_media_processing(&resp).map(|_| ()),
                x::parse_ok(&resp),
            ] {
                prop_assert!(ok || parsed.is_err());
            }
            for (_, value) in &resp.headers {
                if let Some(t) = x::parse_http_date(value) {
                    prop_assert!(t <= 253_402_300_800, "{value} -> {t}");
                }
                if let Some(offset) =
                    x::clock_offset(x::parse_http_date(value).unwrap_or(0), 1_800_000_000)
                {
                    prop_assert!(offset.abs() <= x::MAX_CLOCK_OFFSET_SECS);
                }
                let _ = x::post_id_from_ref(value);
            }
            Ok(())
        });
    }
}

mod text_counter {
    use super::*;
    use keypost::text;

    fn any_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a",
            " ",
            "\n",
            "é",
            "e\u{301}",
            "漢",
            "😀",
            "👩\u{200d}👩\u{200d}👧",
            "🇫🇷",
            "1\u{fe0f}\u{20e3}",
            "https://",
            "x.com",
            ".",
            "/",
            "@",
            "#",
            "\u{fffe}",
            "\u{feff}",
            "\u{200b}",
            "www.",
            "example.com/path?q=1",
            "xn--",
            "ß",
            "\u{1f3fb}",
            "\u{e0067}",
        ]);
        prop_oneof![
            ".{0,300}",
            any::<Vec<char>>().prop_map(|c| c.into_iter().collect()),
            prop::collection::vec(pieces, 0..80).prop_map(|p| p.concat()),
        ]
    }

    #[test]
    #[ignore = "a fuzz target: make fuzz, or make test's fuzz-smoke layer"]
    fn text_counter() {
        fuzz(
            "text_counter",
            (any_text(), prop::bool::ANY),
            |(s, premium)| {
                let limit = if premium {
                    text::PREMIUM_LIMIT
                } else {
                    text::DEFAULT_LIMIT
                };
                let counted = text::count(&s, limit);
                let utf16 = s.encode_utf16().count() as u32;
                prop_assert_eq!(
                    counted.remaining,
                    i64::from(limit) - i64::from(counted.weighted_length)
                );
                if counted.valid {
                    prop_assert!(counted.weighted_length <= limit);
                }
                if let Some(from) = counted.over_limit_from_utf16 {
                    prop_assert!(from <= utf16, "{} > {}", from, utf16);
                }
                for url in text::extract_urls(&s) {
                    prop_assert!(url.start_utf16 < url.end_utf16 && url.end_utf16 <= utf16);
                }
                for part in text::split_thread(&s, limit) {
                    prop_assert!(!part.trim().is_empty());
                }
                Ok(())
            },
        );
    }
}

mod oauth1_signing {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use hmac::{Hmac, KeyInit, Mac};
    use keypost::oauth1::{self, Credentials};
    use percent_encoding::percent_decode_str;
    use sha1::Sha1;

    fn word() -> impl Strategy<Value = String> {
        prop_oneof![".{0,12}", "[a-zA-Z0-9_.~ +%&=!*'()-]{0,12}"]
    }

    /// RFC 5849 3.6 by hand: unreserved bytes as they are, every other byte `%XX` (upper).
    fn reference_pct(s: &str) -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    }

    #[test]
    #[ignore = "a fuzz target: make fuzz, or make test's fuzz-smoke layer"]
    fn oauth1_signing() {
        let params = || prop::collection::vec((word(), word()), 0..6);
        let secrets = (word(), word());
        let url = prop_oneof![
            Just("https://api.x.com/2/tweets".to_owned()),
            Just("https://upload.x.com/2/media/upload".to_owned()),
            "[a-z:/.?=&%]{0,30}",
        ];
        fuzz(
            "oauth1_signing",
            (
                params(),
                params(),
                secrets,
                url,
                any::<u64>(),
                "[a-f0-9]{0,32}",
                ".{0,30}",
            ),
            |(query, form, (cs, ts), base, timestamp, nonce, raw)| {
                // Encoding: the reference encoding, and it decodes back.
                let enc = oauth1::percent_encode(&raw);
                prop_assert_eq!(&enc, &reference_pct(&raw));
                prop_assert_eq!(
                    percent_decode_str(&enc)
                        .decode_utf8()
                        .ok()
                        .map(|d| d.into_owned()),
                    Some(raw.clone())
                );
                prop_assert_eq!(
                    oauth1::signing_key(&cs, &ts).to_string(),
                    format!("{}&{}", reference_pct(&cs), reference_pct(&ts))
                );
                let _ = oauth1::parse_url(&raw);
                let _ = oauth1::parse_form(&raw);
                // Signing: the base string and signature built independently.
                let qs: Vec<String> = query
                    .iter()
                    .map(|(k, v)| format!("{}={}", reference_pct(k), reference_pct(v)))
                    .collect();
                let url = if qs.is_empty() {
                    base.clone()
                } else {
                    format!("{base}?{}", qs.join("&"))
                };
                let creds = Credentials {
                    consumer_key: "ck",
                    consumer_secret: &cs,
                    token: "tk",
                    token_secret: &ts,
                };
                let Ok(signed) = oauth1::sign("POST", &url, &form, &creds, &nonce, timestamp)
                else {
                    // Only an unusable URL is refused.
                    prop_assert!(oauth1::parse_url(&url).is_err());
                    return Ok(());
                };
                let ts_text = timestamp.to_string();
                let mut all: Vec<(String, String)> = [
                    ("oauth_consumer_key", "ck"),
                    ("oauth_nonce", nonce.as_str()),
                    ("oauth_signature_method", "HMAC-SHA1"),
                    ("oauth_timestamp", ts_text.as_str()),
                    ("oauth_token", "tk"),
                    ("oauth_version", "1.0"),
                ]
                .iter()
                .map(|(k, v)| (reference_pct(k), reference_pct(v)))
                .collect();
                let parsed = oauth1::parse_url(&url).expect("signed, so it parsed");
                all.extend(
                    parsed
                        .query
                        .iter()
                        .chain(form.iter())
                        .map(|(k, v)| (reference_pct(k), reference_pct(v))),
                );
                all.sort();
                let normalized: Vec<String> = all.iter().map(|(k, v)| format!("{k}={v}")).collect();
                let base_string = format!(
                    "POST&{}&{}",
                    reference_pct(&parsed.base_uri),
                    reference_pct(&normalized.join("&"))
                );
                prop_assert_eq!(&signed.base_string, &base_string);
                let key = format!("{}&{}", reference_pct(&cs), reference_pct(&ts));
                let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(key.as_bytes())
                    .expect("any key length");
                mac.update(base_string.as_bytes());
                prop_assert_eq!(
                    signed.signature,
                    STANDARD.encode(mac.finalize().into_bytes())
                );
                Ok(())
            },
        );
    }
}

mod messages {
    use super::*;
    use keypost::worker::check_message;

    const CODES: [&str; 4] = [
        "unknown_message",
        "unknown_field",
        "bad_message",
        "message_too_large",
    ];
    const TYPES: [&str; 33] = [
        "vault_status",
        "vault_create",
        "vault_unlock",
        "vault_lock",
        "vault_change_passphrase",
        "vault_export",
        "vault_import",
        "settings_set",
        "account_add",
        "account_update",
        "account_verify",
        "account_remove",
        "account_set_default",
        "draft_get",
        "draft_save",
        "draft_clear",
        "post_send",
        "post_resume",
        "post_progress",
        "history_list",
        "schedule_add",
        "schedule_list",
        "schedule_edit",
        "schedule_reschedule",
        "schedule_cancel",
        "schedule_post_now",
        "schedule_retry",
        "schedule_resolve",
        "schedule_remove",
        "status",
        "verify_keys",
        "test_trap",
        "drop_tables",
    ];
    const FIELDS: [&str; 16] = [
        "passphrase",
        "old",
        "new",
        "json",
        "replace",
        "settings",
        "label",
        "keys",
        "premium",
        "id",
        "draft",
        "keep_media",
        "account_id",
        "posts",
        "due_at_ms",
        "resolution",
    ];

    /// A message of a known type with known and unknown fields of any value.
    fn message() -> impl Strategy<Value = String> {
        let typed = (
            prop::sample::select(TYPES.to_vec()),
            prop::collection::vec(
                (
                    prop_oneof![
                        prop::sample::select(FIELDS.to_vec()).prop_map(str::to_owned),
                        ".{0,8}"
                    ],
                    any_json(),
                ),
                0..5,
            ),
        )
            .prop_map(|(t, fields)| {
                let mut map: serde_json::Map<String, Value> = fields.into_iter().collect();
                map.insert("type".to_owned(), Value::from(t));
                Value::Object(map).to_string()
            });
        prop_oneof![typed, any_json().prop_map(|v| v.to_string()), ".{0,100}"]
    }

    #[test]
    #[ignore = "a fuzz target: make fuzz, or make test's fuzz-smoke layer"]
    fn messages() {
        fuzz("messages", message(), |text| {
            match check_message(&text) {
                Ok(group) => {
                    // Decoded: it is an object of a known type with no field beyond its own.
                    let v: Value = serde_json::from_str(&text).expect("decoded, so JSON");
                    prop_assert!(v["type"].is_string(), "{}", group);
                }
                Err(e) => prop_assert!(CODES.contains(&e.code.as_str()), "{}", e.code),
            }
            Ok(())
        });
    }
}
