//! The credential vault: round trips, wrong passphrases, tampering (every single-byte change
//! of a stored record), the frozen v1 record, parameter upgrades, passphrase changes, the
//! session path, and the passphrase strength estimate.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use keypost::accounts::AccountsDoc;
use keypost::vault::{
    self, Dek, Entropy, KdfParams, KdfRejection, Passphrase, StrengthHint, VaultError, VaultRecord,
    passphrase_strength,
};

/// Seeded SplitMix64: deterministic "randomness" for tests.
struct SplitMix(u64);

impl Entropy for SplitMix {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), keypost::vault::NoEntropy> {
        for chunk in buf.chunks_mut(8) {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            let bytes = z.to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

/// Milliseconds from an arbitrary origin (there is no `Instant` in wasm32-unknown-unknown).
fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::sync::OnceLock;
        use std::time::Instant;
        static START: OnceLock<Instant> = OnceLock::new();
        START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
    }
}

macro_rules! say {
    ($($t:tt)*) => {{
        #[cfg(target_arch = "wasm32")]
        wasm_bindgen_test::console_log!($($t)*);
        #[cfg(not(target_arch = "wasm32"))]
        println!($($t)*);
    }};
}

const PASS: &str = "river anchor quietly 47 lanterns";
const PAYLOAD: &[u8] = br#"{"accounts":[],"default_id":null}"#;
const FAST: KdfParams = KdfParams::OWASP_MIN;

fn pass(text: &str) -> Passphrase {
    Passphrase::from(text)
}

fn new_vault(seed: u64, payload: &[u8]) -> (VaultRecord, Dek) {
    vault::create(&pass(PASS), FAST, payload, &mut SplitMix(seed)).unwrap()
}

/// Replaces the top-level `key`'s object member `inner` (or the key itself when `inner` is
/// empty) in a record's JSON, to build hand-made bad records.
fn edit(json: &str, f: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    f(&mut v);
    v.to_string()
}

#[test]
fn round_trip_through_json_gives_back_the_payload_and_the_dek() {
    let (record, dek) = new_vault(1, PAYLOAD);
    let json = record.to_json();
    let parsed = VaultRecord::from_json(&json).unwrap();
    assert_eq!(parsed, record);
    assert_eq!(parsed.to_json(), json);
    assert_eq!(parsed.kdf_params(), FAST);

    let unlocked = vault::unlock(&parsed, &pass(PASS), FAST, &mut SplitMix(2)).unwrap();
    assert_eq!(&unlocked.payload[..], PAYLOAD);
    assert_eq!(*unlocked.dek.to_base64(), *dek.to_base64());
    assert!(unlocked.upgraded.is_none());
    // Nothing in the stored record is the plaintext.
    assert!(!json.contains("accounts\":[]"));
}

#[test]
fn two_vaults_of_the_same_payload_share_no_bytes_of_key_material() {
    let (a, dek_a) = new_vault(10, PAYLOAD);
    let (b, dek_b) = new_vault(11, PAYLOAD);
    assert_ne!(a.to_json(), b.to_json());
    assert_ne!(*dek_a.to_base64(), *dek_b.to_base64());
}

#[test]
fn wrong_passphrase_is_a_clean_error_and_the_record_still_opens_with_the_right_one() {
    let (record, _) = new_vault(3, PAYLOAD);
    let before = record.to_json();
    for wrong in [
        "river anchor quietly 47 lantern",
        "River anchor quietly 47 lanterns",
        "river anchor quietly 47 lanterns ",
        "something else entirely",
    ] {
        let err = vault::unlock(&record, &pass(wrong), FAST, &mut SplitMix(4)).unwrap_err();
        assert_eq!(err, VaultError::WrongPassphrase);
        assert_eq!(err.code(), "vault_wrong_passphrase");
        assert!(!err.to_string().contains(wrong));
    }
    assert_eq!(record.to_json(), before);
    let ok = vault::unlock(&record, &pass(PASS), FAST, &mut SplitMix(5)).unwrap();
    assert_eq!(&ok.payload[..], PAYLOAD);
}

#[test]
fn a_passphrase_below_todays_floor_is_known_after_it_opened_its_vault() {
    // Vaults made before the floor keep opening with such a passphrase; its owner is told.
    assert!(pass("hunter2").below_floor());
    assert!(pass("password password").below_floor());
    assert!(!pass("tangerine orbit falcon marble quietly 47").below_floor());
}

/// A source with no bytes to give.
struct Dry;

impl Entropy for Dry {
    fn fill(&mut self, _buf: &mut [u8]) -> Result<(), vault::NoEntropy> {
        Err(vault::NoEntropy)
    }
}

#[test]
fn no_randomness_is_an_error_and_nothing_is_made_of_weak_bytes() {
    let made = vault::create(&pass(PASS), FAST, PAYLOAD, &mut Dry);
    assert_eq!(made.err(), Some(VaultError::EntropyUnavailable));
    let (record, _) = new_vault(120, PAYLOAD);
    let changed = vault::change_passphrase(
        &record,
        &pass(PASS),
        &pass("another passphrase that is long 88"),
        FAST,
        &mut Dry,
    );
    assert_eq!(changed.err(), Some(VaultError::EntropyUnavailable));
}

#[test]
fn empty_or_blank_passphrases_are_refused() {
    for blank in ["", " ", "\t\n"] {
        let err = vault::create(&pass(blank), FAST, PAYLOAD, &mut SplitMix(6)).unwrap_err();
        assert_eq!(err.code(), "empty_passphrase");
    }
    let (record, _) = new_vault(7, PAYLOAD);
    let err = vault::unlock(&record, &pass(""), FAST, &mut SplitMix(8)).unwrap_err();
    assert_eq!(err, VaultError::EmptyPassphrase);
    let err = vault::change_passphrase(&record, &pass(PASS), &pass("  "), FAST, &mut SplitMix(9))
        .unwrap_err();
    assert_eq!(err, VaultError::EmptyPassphrase);
}

#[test]
fn passphrase_is_unicode_normalised_so_composed_and_decomposed_accents_agree() {
    let composed = "caf\u{e9} au lait, s'il vous pla\u{ee}t";
    let decomposed = "cafe\u{301} au lait, s'il vous plai\u{302}t";
    let (record, _) = vault::create(&pass(composed), FAST, PAYLOAD, &mut SplitMix(12)).unwrap();
    let ok = vault::unlock(&record, &pass(decomposed), FAST, &mut SplitMix(13)).unwrap();
    assert_eq!(&ok.payload[..], PAYLOAD);
}

/// Every code a damaged record may legitimately produce.
const REJECTION_CODES: &[&str] = &[
    "vault_malformed",
    "vault_missing_field",
    "vault_unsupported_version",
    "vault_unsupported_kdf",
    "vault_bad_base64",
    "vault_bad_length",
    "vault_kdf_out_of_bounds",
    "vault_wrong_passphrase",
    "vault_tampered",
];

const B64_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

#[test]
fn every_single_byte_change_of_the_stored_record_is_rejected_without_a_panic() {
    // A small payload keeps the record short: each candidate that parses costs one KDF run.
    let (record, _) = new_vault(20, b"{\"accounts\":[]}");
    let json = record.to_json();
    let started = now_ms();
    let mut parsed_and_unlocked = 0usize;
    let mut variants = 0usize;
    for i in 0..json.len() {
        let original = json.as_bytes()[i];
        let mut candidates = vec![original ^ 0x01];
        // Also a different but valid base64 character (flipping the sextet's top bit keeps the
        // encoding canonical, so the change reaches the decoded bytes).
        if let Some(pos) = B64_ALPHABET.iter().position(|&c| c == original) {
            candidates.push(B64_ALPHABET[pos ^ 0x20]);
        }
        for replacement in candidates {
            variants += 1;
            let mut bytes = json.clone().into_bytes();
            bytes[i] = replacement;
            let Ok(mutated) = String::from_utf8(bytes) else {
                continue;
            };
            let result = VaultRecord::from_json(&mutated).and_then(|r| {
                parsed_and_unlocked += 1;
                vault::unlock(&r, &pass(PASS), FAST, &mut SplitMix(21)).map(|_| ())
            });
            let err = result.expect_err(&format!(
                "byte {i} changed from {:?} to {:?} was accepted",
                char::from(original),
                char::from(replacement)
            ));
            assert!(
                REJECTION_CODES.contains(&err.code()),
                "byte {i}: unexpected code {}",
                err.code()
            );
        }
    }
    let elapsed = now_ms() - started;
    say!(
        "byte-flip: {} bytes, {variants} variants, {parsed_and_unlocked} reached the KDF, {elapsed:.0} ms",
        json.len()
    );
    // The original, untouched, still opens.
    let ok = vault::unlock(
        &VaultRecord::from_json(&json).unwrap(),
        &pass(PASS),
        FAST,
        &mut SplitMix(22),
    )
    .unwrap();
    assert_eq!(&ok.payload[..], b"{\"accounts\":[]}");
}

#[test]
fn a_flipped_bit_in_the_accounts_ciphertext_is_reported_as_tampering() {
    let (record, dek) = new_vault(23, PAYLOAD);
    let json = edit(&record.to_json(), |v| {
        let ct = v["accounts"]["ct"].as_str().unwrap();
        let mut raw = base64_decode(ct);
        raw[3] ^= 0x80;
        v["accounts"]["ct"] = base64_encode(&raw).into();
    });
    let damaged = VaultRecord::from_json(&json).unwrap();
    let err = vault::unlock(&damaged, &pass(PASS), FAST, &mut SplitMix(24)).unwrap_err();
    assert_eq!(err.code(), "vault_tampered");
    assert_eq!(
        vault::open(&damaged, &dek).unwrap_err().code(),
        "vault_dek_mismatch"
    );
}

#[test]
fn editing_the_kdf_parameters_in_storage_is_detected_even_on_the_session_path() {
    let (record, dek) = new_vault(25, PAYLOAD);
    let json = edit(&record.to_json(), |v| v["kdf"]["t"] = 3.into());
    let edited = VaultRecord::from_json(&json).unwrap();
    // With the passphrase: the KEK differs, so the DEK does not unwrap.
    let err = vault::unlock(&edited, &pass(PASS), FAST, &mut SplitMix(26)).unwrap_err();
    assert_eq!(err, VaultError::WrongPassphrase);
    // With the DEK only: the header is bound to the accounts seal too.
    assert_eq!(
        vault::open(&edited, &dek).unwrap_err(),
        VaultError::DekMismatch
    );
    assert!(vault::open(&record, &dek).is_ok());
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

fn base64_encode(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b)
}

#[test]
fn malformed_records_get_distinct_codes() {
    let (record, _) = new_vault(27, PAYLOAD);
    let good = record.to_json();
    let cases: Vec<(String, &str)> = vec![
        ("{\"v\":1,".to_owned(), "vault_malformed"),
        ("[1,2,3]".to_owned(), "vault_malformed"),
        ("".to_owned(), "vault_malformed"),
        (edit(&good, |v| v["v"] = "1".into()), "vault_malformed"),
        (
            edit(&good, |v| v["kdf"]["m"] = (-5).into()),
            "vault_malformed",
        ),
        (
            edit(&good, |v| v["kdf"]["t"] = 2.5.into()),
            "vault_malformed",
        ),
        (edit(&good, |v| v["extra"] = true.into()), "vault_malformed"),
        (
            edit(&good, |v| v["accounts"]["tag"] = "x".into()),
            "vault_malformed",
        ),
        (
            edit(&good, |v| {
                v.as_object_mut().unwrap().remove("salt");
            }),
            "vault_missing_field",
        ),
        (
            edit(&good, |v| {
                v["wrapped_dek"].as_object_mut().unwrap().remove("nonce");
            }),
            "vault_missing_field",
        ),
        (
            edit(&good, |v| {
                v.as_object_mut().unwrap().remove("v");
            }),
            "vault_missing_field",
        ),
        (
            edit(&good, |v| v["v"] = 3.into()),
            "vault_unsupported_version",
        ),
        (
            edit(&good, |v| {
                v.as_object_mut().unwrap().remove("gen");
            }),
            "vault_missing_field",
        ),
        (edit(&good, |v| v["gen"] = "1".into()), "vault_malformed"),
        // A version 1 record has no generation.
        (edit(&good, |v| v["v"] = 1.into()), "vault_malformed"),
        (
            "{\"v\":3,\"something\":\"new\"}".to_owned(),
            "vault_unsupported_version",
        ),
        (
            edit(&good, |v| v["kdf"]["alg"] = "scrypt".into()),
            "vault_unsupported_kdf",
        ),
        (
            edit(&good, |v| v["salt"] = "not base64!".into()),
            "vault_bad_base64",
        ),
        (
            edit(&good, |v| v["salt"] = "AAAA".into()),
            "vault_bad_length",
        ),
        (
            edit(&good, |v| {
                v["wrapped_dek"]["ct"] = base64_encode(&[0; 47]).into()
            }),
            "vault_bad_length",
        ),
        (
            edit(&good, |v| {
                v["accounts"]["ct"] = base64_encode(&[0; 15]).into()
            }),
            "vault_bad_length",
        ),
        (
            edit(&good, |v| {
                v["accounts"]["nonce"] = base64_encode(&[0; 16]).into()
            }),
            "vault_bad_length",
        ),
    ];
    for (json, code) in cases {
        let err = VaultRecord::from_json(&json).unwrap_err();
        assert_eq!(err.code(), code, "{json}");
    }
    // The field is named where it helps.
    let err = VaultRecord::from_json(&edit(&good, |v| {
        v["wrapped_dek"].as_object_mut().unwrap().remove("ct");
    }))
    .unwrap_err();
    assert_eq!(
        err,
        VaultError::MissingField {
            field: "wrapped_dek.ct"
        }
    );
}

/// THE FROZEN RECORD. `tests/data/vault-v1.json` was created once, with the passphrase below
/// (note the composed "é"), `KdfParams::OWASP_MIN`, `SplitMix(0x4B45_5950_4F53_5431)` as the
/// entropy, and `FROZEN_PAYLOAD` as the payload. It must NEVER be regenerated or edited: it
/// proves that records written by earlier versions still open. If this test fails, the change
/// broke every existing user's vault; fix the code, not the file.
const FROZEN_RECORD: &str = include_str!("../data/vault-v1.json");
const FROZEN_PASSPHRASE: &str = "Frozen fixture: caf\u{e9} 2026, never regenerate";
const FROZEN_PAYLOAD: &str = r#"{"accounts":[{"id":"acct-1","label":"Main","keys":{"api_key":"xvz1evFS4wEEPTGEFPHBog","api_secret":"kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw","access_token":"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb","access_token_secret":"LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"},"premium":false,"user":null,"status":{"state":"unverified"}}],"default_id":"acct-1"}"#;

#[test]
fn the_frozen_v1_record_still_unlocks_to_its_payload() {
    let record = VaultRecord::from_json(FROZEN_RECORD).unwrap();
    assert_eq!(record.kdf_params(), KdfParams::OWASP_MIN);
    let unlocked =
        vault::unlock(&record, &pass(FROZEN_PASSPHRASE), FAST, &mut SplitMix(30)).unwrap();
    assert_eq!(
        std::str::from_utf8(&unlocked.payload).unwrap(),
        FROZEN_PAYLOAD
    );
    // A version 1 record is upgraded at its unlock: the same DEK (generation 0) and payload,
    // now bound to a version 2 header; the session's key keeps opening it.
    let upgraded = unlocked.upgraded.as_ref().expect("a v1 record is upgraded");
    let upgraded = VaultRecord::from_json(&upgraded.to_json()).unwrap();
    assert_eq!((record.version(), record.generation()), (1, 0));
    assert_eq!((upgraded.version(), upgraded.generation()), (2, 0));
    assert!(upgraded.to_json().contains("\"v\":2"));
    assert_eq!(
        std::str::from_utf8(&vault::open(&upgraded, &unlocked.dek).unwrap()).unwrap(),
        FROZEN_PAYLOAD
    );
    let again =
        vault::unlock(&upgraded, &pass(FROZEN_PASSPHRASE), FAST, &mut SplitMix(33)).unwrap();
    assert!(again.upgraded.is_none());
    // Until then the session path keeps it a version 1 record that still opens.
    let resealed = vault::reseal(&record, &unlocked.dek, b"{}", &mut SplitMix(34)).unwrap();
    assert_eq!(resealed.version(), 1);
    assert!(vault::unlock(&resealed, &pass(FROZEN_PASSPHRASE), FAST, &mut SplitMix(35)).is_ok());
    // And the payload is still a readable accounts document.
    let doc = AccountsDoc::from_bytes(&unlocked.payload).unwrap();
    assert_eq!(doc.default_id.as_deref(), Some("acct-1"));
    assert_eq!(doc.accounts[0].keys.api_key, "xvz1evFS4wEEPTGEFPHBog");
    // Typed with a decomposed "é" (as some keyboards produce it): still the same passphrase.
    let decomposed = FROZEN_PASSPHRASE.replace('\u{e9}', "e\u{301}");
    assert!(vault::unlock(&record, &pass(&decomposed), FAST, &mut SplitMix(31)).is_ok());
    assert_eq!(
        vault::unlock(&record, &pass("Frozen fixture"), FAST, &mut SplitMix(32))
            .unwrap_err()
            .code(),
        "vault_wrong_passphrase"
    );
}

const STRONGER: KdfParams = KdfParams {
    m_kib: 24_576,
    t: 3,
    p: 1,
};

#[test]
fn a_weaker_record_is_upgraded_on_unlock_with_the_same_dek_and_payload() {
    let (weak, dek) = new_vault(40, PAYLOAD);
    assert!(weak.needs_upgrade(&STRONGER));
    let unlocked = vault::unlock(&weak, &pass(PASS), STRONGER, &mut SplitMix(41)).unwrap();
    assert_eq!(&unlocked.payload[..], PAYLOAD);
    let upgraded = unlocked.upgraded.expect("an upgraded record");
    assert_eq!(upgraded.kdf_params(), STRONGER);
    assert!(!upgraded.needs_upgrade(&STRONGER));

    // Stored and read back, the upgraded record opens with the passphrase, with no further
    // upgrade, and gives the same DEK and payload.
    let upgraded = VaultRecord::from_json(&upgraded.to_json()).unwrap();
    let again = vault::unlock(&upgraded, &pass(PASS), STRONGER, &mut SplitMix(42)).unwrap();
    assert!(again.upgraded.is_none());
    assert_eq!(&again.payload[..], PAYLOAD);
    assert_eq!(*again.dek.to_base64(), *dek.to_base64());
    // The session DEK keeps working across the upgrade.
    assert_eq!(&vault::open(&upgraded, &dek).unwrap()[..], PAYLOAD);
    // A new salt.
    let salt = |r: &VaultRecord| {
        serde_json::from_str::<serde_json::Value>(&r.to_json()).unwrap()["salt"].clone()
    };
    assert_ne!(salt(&weak), salt(&upgraded));
    // The wrong passphrase neither unlocks nor upgrades.
    assert_eq!(
        vault::unlock(&weak, &pass("nope nope nope"), STRONGER, &mut SplitMix(43))
            .unwrap_err()
            .code(),
        "vault_wrong_passphrase"
    );
}

#[test]
fn an_upgrade_never_weakens_either_parameter() {
    let mixed = KdfParams {
        m_kib: 24_576,
        t: 2,
        p: 1,
    };
    let (record, _) = vault::create(&pass(PASS), mixed, PAYLOAD, &mut SplitMix(44)).unwrap();
    let target = KdfParams {
        m_kib: 19_456,
        t: 3,
        p: 1,
    };
    let unlocked = vault::unlock(&record, &pass(PASS), target, &mut SplitMix(45)).unwrap();
    assert_eq!(
        unlocked.upgraded.unwrap().kdf_params(),
        KdfParams {
            m_kib: 24_576,
            t: 3,
            p: 1
        }
    );
    // A record already at least as strong as the target is left alone.
    let (strong, _) = vault::create(&pass(PASS), STRONGER, PAYLOAD, &mut SplitMix(46)).unwrap();
    let unlocked = vault::unlock(&strong, &pass(PASS), FAST, &mut SplitMix(47)).unwrap();
    assert!(unlocked.upgraded.is_none());
}

#[test]
fn a_rewrap_raises_weaker_parameters_and_never_lowers_stronger_ones() {
    let target = KdfParams::DEFAULT;
    assert_eq!(KdfParams::OWASP_MIN.at_least(target), target);
    assert_eq!(target.at_least(target), target);
    // Stronger in memory, weaker in passes, more lanes: memory kept, passes raised, the
    // target's lanes.
    let stronger_memory = KdfParams {
        m_kib: 98_304,
        t: 2,
        p: 4,
    };
    assert_eq!(
        stronger_memory.at_least(target),
        KdfParams {
            m_kib: 98_304,
            t: target.t,
            p: target.p,
        }
    );
    // The result is never weaker than either side.
    for current in [KdfParams::OWASP_MIN, stronger_memory, STRONGER, target] {
        let rewrap = current.at_least(target);
        assert!(rewrap.is_at_least(&current) && rewrap.is_at_least(&target));
    }
}

#[test]
fn changing_the_passphrase_draws_a_new_dek_and_reseals_the_accounts() {
    let (record, dek) = new_vault(50, PAYLOAD);
    assert_eq!((record.version(), record.generation()), (2, 1));
    let new_pass = "seven copper kettles hum at dawn";
    let rotation = vault::change_passphrase(
        &record,
        &pass(PASS),
        &pass(new_pass),
        FAST,
        &mut SplitMix(51),
    )
    .unwrap();
    // The rotation hands over both keys: the old one is the vault's, the new one differs.
    assert_eq!(*rotation.old_dek().to_base64(), *dek.to_base64());
    assert_ne!(*rotation.new_dek().to_base64(), *dek.to_base64());
    let changed = VaultRecord::from_json(&rotation.record.to_json()).unwrap();
    assert_eq!(changed.generation(), 2);
    // Both the wrapped DEK and the accounts ciphertext differ.
    assert_ne!(changed.accounts_ciphertext(), record.accounts_ciphertext());
    assert_ne!(
        changed.wrapped_dek_ciphertext(),
        record.wrapped_dek_ciphertext()
    );
    assert_eq!(
        vault::unlock(&changed, &pass(PASS), FAST, &mut SplitMix(52))
            .unwrap_err()
            .code(),
        "vault_wrong_passphrase"
    );
    let ok = vault::unlock(&changed, &pass(new_pass), FAST, &mut SplitMix(53)).unwrap();
    assert_eq!(&ok.payload[..], PAYLOAD);
    assert_eq!(*ok.dek.to_base64(), *rotation.new_dek().to_base64());
    // The old DEK (say, leaked from an old session) opens nothing of the new record.
    assert_eq!(
        vault::open(&changed, &dek).unwrap_err(),
        VaultError::DekMismatch
    );
    // A wrong old passphrase changes nothing.
    let err = vault::change_passphrase(
        &record,
        &pass("not it at all"),
        &pass(new_pass),
        FAST,
        &mut SplitMix(54),
    )
    .unwrap_err();
    assert_eq!(err, VaultError::WrongPassphrase);
}

#[test]
fn an_older_accounts_blob_spliced_into_the_new_record_is_refused() {
    let (record, _) = new_vault(58, PAYLOAD);
    let new_pass = "seven copper kettles hum at dawn";
    let rotation = vault::change_passphrase(
        &record,
        &pass(PASS),
        &pass(new_pass),
        FAST,
        &mut SplitMix(59),
    )
    .unwrap();
    let old: serde_json::Value = serde_json::from_str(&record.to_json()).unwrap();
    let new_json = rotation.record.to_json();
    // The previous generation's accounts blob in the new record.
    let spliced = edit(&new_json, |v| v["accounts"] = old["accounts"].clone());
    let spliced = VaultRecord::from_json(&spliced).unwrap();
    let err = vault::unlock(&spliced, &pass(new_pass), FAST, &mut SplitMix(60)).unwrap_err();
    assert_eq!(err.code(), "vault_tampered");
    assert_eq!(
        vault::open(&spliced, rotation.new_dek()).unwrap_err(),
        VaultError::DekMismatch
    );
    // Nor does rewinding the generation number help: it is bound into both seals.
    let rewound = edit(&new_json, |v| {
        v["accounts"] = old["accounts"].clone();
        v["gen"] = 1.into();
    });
    let rewound = VaultRecord::from_json(&rewound).unwrap();
    assert!(vault::unlock(&rewound, &pass(new_pass), FAST, &mut SplitMix(61)).is_err());
    let bumped = edit(&new_json, |v| v["gen"] = 3.into());
    let bumped = VaultRecord::from_json(&bumped).unwrap();
    assert!(vault::unlock(&bumped, &pass(new_pass), FAST, &mut SplitMix(62)).is_err());
    assert!(vault::open(&bumped, rotation.new_dek()).is_err());
}

#[test]
fn the_blob_primitive_binds_key_and_associated_data() {
    let (_, dek) = new_vault(63, PAYLOAD);
    let (_, other) = new_vault(64, PAYLOAD);
    let mut rng = SplitMix(65);
    let blob = vault::seal_blob(&dek, b"draft", b"my draft text", &mut rng).unwrap();
    assert_eq!(
        &vault::open_blob(&dek, b"draft", &blob).unwrap()[..],
        b"my draft text"
    );
    assert_eq!(
        vault::open_blob(&dek, b"history", &blob).unwrap_err(),
        VaultError::DekMismatch
    );
    assert_eq!(
        vault::open_blob(&other, b"draft", &blob).unwrap_err(),
        VaultError::DekMismatch
    );
    assert_eq!(
        vault::open_blob(&dek, b"x", &[1, 2, 3]).unwrap_err().code(),
        "vault_bad_length"
    );
}

#[test]
fn changing_the_passphrase_and_the_parameters_reseals_the_payload_under_the_new_header() {
    let (record, dek) = new_vault(55, PAYLOAD);
    let rotation = vault::change_passphrase(
        &record,
        &pass(PASS),
        &pass("another fine passphrase here"),
        STRONGER,
        &mut SplitMix(56),
    )
    .unwrap();
    let changed = rotation.record.clone();
    assert_eq!(changed.kdf_params(), STRONGER);
    assert_ne!(changed.accounts_ciphertext(), record.accounts_ciphertext());
    assert!(vault::open(&changed, &dek).is_err());
    assert_eq!(
        &vault::open(&changed, rotation.new_dek()).unwrap()[..],
        PAYLOAD
    );
    let ok = vault::unlock(
        &changed,
        &pass("another fine passphrase here"),
        STRONGER,
        &mut SplitMix(57),
    )
    .unwrap();
    assert_eq!(&ok.payload[..], PAYLOAD);
}

#[test]
fn absurd_parameters_are_rejected_before_any_kdf_runs() {
    let (record, _) = new_vault(60, PAYLOAD);
    let good = record.to_json();
    let started = now_ms();
    let cases = [
        (262_145u64, 2u64, 1u64, KdfRejection::MemoryTooHigh),
        (1_048_576, 2, 1, KdfRejection::MemoryTooHigh),
        (2_097_152, 2, 1, KdfRejection::MemoryTooHigh),
        (4_294_967_295, 2, 1, KdfRejection::MemoryTooHigh),
        (99_999_999_999, 2, 1, KdfRejection::MemoryTooHigh),
        (19_456, 11, 1, KdfRejection::TimeTooHigh),
        (19_456, 4_000_000_000, 1, KdfRejection::TimeTooHigh),
        (19_456, 2, 5, KdfRejection::ParallelismTooHigh),
        (19_456, 1, 1, KdfRejection::TimeTooLow),
        (19_456, 0, 1, KdfRejection::TimeTooLow),
        (19_456, 2, 0, KdfRejection::ParallelismTooLow),
        (19_455, 2, 1, KdfRejection::MemoryTooLow),
        (8, 1, 1, KdfRejection::MemoryTooLow),
        (7, 2, 1, KdfRejection::MemoryTooLow),
    ];
    for (m, t, p, why) in cases {
        let json = edit(&good, |v| {
            v["kdf"]["m"] = m.into();
            v["kdf"]["t"] = t.into();
            v["kdf"]["p"] = p.into();
        });
        let err = VaultRecord::from_json(&json).unwrap_err();
        assert_eq!(err, VaultError::KdfParamsRejected(why), "m={m} t={t} p={p}");
        assert_eq!(err.code(), "vault_kdf_out_of_bounds");
    }
    // Nor can a vault be created or upgraded with them, nor with less than OWASP's minimum.
    let absurd = KdfParams {
        m_kib: 4_000_000,
        t: 1,
        p: 1,
    };
    let err = vault::create(&pass(PASS), absurd, PAYLOAD, &mut SplitMix(61)).unwrap_err();
    assert_eq!(
        err,
        VaultError::KdfParamsRejected(KdfRejection::MemoryTooHigh)
    );
    let err = vault::unlock(&record, &pass(PASS), absurd, &mut SplitMix(62)).unwrap_err();
    assert_eq!(
        err,
        VaultError::KdfParamsRejected(KdfRejection::MemoryTooHigh)
    );
    let weak = KdfParams {
        m_kib: 4096,
        t: 2,
        p: 1,
    };
    let err = vault::create(&pass(PASS), weak, PAYLOAD, &mut SplitMix(63)).unwrap_err();
    assert_eq!(
        err,
        VaultError::KdfParamsRejected(KdfRejection::MemoryTooLow)
    );
    let elapsed = now_ms() - started;
    say!(
        "absurd parameters: {} rejections in {elapsed:.1} ms",
        cases.len() + 3
    );
    // A single OWASP-minimum KDF run takes tens of milliseconds; a 1 GiB one, seconds.
    assert!(
        elapsed < 500.0,
        "rejections took {elapsed} ms: did a KDF run?"
    );
}

#[test]
fn a_backup_asking_for_1_gib_is_refused_at_once_with_its_own_code() {
    let (record, _) = new_vault(66, PAYLOAD);
    let backup = edit(&record.to_json(), |v| v["kdf"]["m"] = 1_048_576.into());
    let started = now_ms();
    let err = VaultRecord::from_json(&backup).unwrap_err();
    let elapsed = now_ms() - started;
    assert_eq!(
        err,
        VaultError::KdfParamsRejected(KdfRejection::MemoryTooHigh)
    );
    assert_eq!(err.code(), "vault_kdf_out_of_bounds");
    assert!(elapsed < 50.0, "took {elapsed} ms");
    // The bounds themselves are allowed (no derivation is run here: it would take seconds).
    let edge = KdfParams {
        m_kib: KdfParams::MAX_M_KIB,
        t: KdfParams::MAX_T,
        p: KdfParams::MAX_P,
    };
    assert_eq!(edge.check_sane(), Ok(()));
    assert_eq!(KdfParams::MAX_M_KIB, 256 * 1024);
    assert_eq!(KdfParams::OWASP_MIN.check_sane(), Ok(()));
    assert_eq!(KdfParams::DEFAULT.check_sane(), Ok(()));
}

#[test]
fn the_passphrase_floor_refuses_short_and_weak_passphrases_at_create_and_at_change() {
    use keypost::vault::{MIN_PASSPHRASE_CHARS, check_new_passphrase, strength_report};
    assert_eq!(MIN_PASSPHRASE_CHARS, 12);
    for short in [
        "abcd",
        "k8#Q",
        "Maple7!x",
        "caf\u{e9}caf\u{e9}",
        "e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}",
    ] {
        let err = vault::create(&pass(short), FAST, PAYLOAD, &mut SplitMix(100)).unwrap_err();
        assert_eq!(
            err,
            VaultError::PassphraseTooShort { min_chars: 12 },
            "{short}"
        );
        assert_eq!(err.code(), "passphrase_too_short");
    }
    for weak in [
        "password1234",
        "Password1234",
        "aaaaaaaaaaaaaaaa",
        "abcdefghijklmnop",
        "123456789012",
        "maple orbit candle",
    ] {
        let err = vault::create(&pass(weak), FAST, PAYLOAD, &mut SplitMix(101)).unwrap_err();
        assert_eq!(err.code(), "passphrase_too_weak", "{weak}");
        let VaultError::PassphraseTooWeak { score, hint } = err else {
            panic!("{weak}: {err:?}");
        };
        assert!(score < 3, "{weak}");
        assert_ne!(hint, StrengthHint::Strong);
        let report = strength_report(weak);
        assert!(!report.acceptable);
        assert_eq!(report.refusal, Some("passphrase_too_weak"));
    }
    let err = vault::create(&pass("password1234"), FAST, PAYLOAD, &mut SplitMix(102)).unwrap_err();
    assert_eq!(
        err,
        VaultError::PassphraseTooWeak {
            score: 0,
            hint: StrengthHint::Common
        }
    );
    // At change too, before any KDF runs: the vault is untouched and the old passphrase
    // still opens it.
    let (record, _) = new_vault(103, PAYLOAD);
    for new in ["abcd", "password1234"] {
        let err =
            vault::change_passphrase(&record, &pass(PASS), &pass(new), FAST, &mut SplitMix(104))
                .unwrap_err();
        assert!(
            matches!(
                err,
                VaultError::PassphraseTooShort { .. } | VaultError::PassphraseTooWeak { .. }
            ),
            "{new}: {err:?}"
        );
    }
    // Unlocking never applies the floor (only new passphrases must meet it).
    assert!(vault::unlock(&record, &pass(PASS), FAST, &mut SplitMix(105)).is_ok());
    // What passes.
    for strong in [
        PASS,
        "maple orbit candle frost",
        "seven copper kettles hum at dawn",
        "Frozen fixture: caf\u{e9} 2026, never regenerate",
        "k8#Qz!2mW@9xLp$4",
    ] {
        assert!(check_new_passphrase(strong).is_ok(), "{strong}");
        let report = strength_report(strong);
        assert!(report.acceptable && report.refusal.is_none(), "{strong}");
    }
    let empty = strength_report("");
    assert_eq!(empty.refusal, Some("empty_passphrase"));
    assert_eq!(
        strength_report("abcd").refusal,
        Some("passphrase_too_short")
    );
    // A floor error never repeats the passphrase.
    let err = vault::create(&pass("password1234"), FAST, PAYLOAD, &mut SplitMix(106)).unwrap_err();
    assert!(!format!("{err} {err:?}").contains("password1234"));
}

#[test]
fn a_replaced_vault_is_kept_until_the_new_one_was_unlocked_and_then_seven_days() {
    use keypost::vault::{PREVIOUS_KEEP_MS, PreviousVault};
    let day = 24 * 60 * 60 * 1000;
    // The first import keeps the vault it replaced.
    let kept = PreviousVault::on_replace(None, Some("A".into()), 1_000).unwrap();
    assert_eq!((kept.record.as_str(), kept.replaced_ms), ("A", 1_000));
    assert_eq!(kept.expires_ms(), None);
    assert!(!kept.expired(u64::MAX));
    // Another import before the first one was unlocked keeps the original vault, not the
    // import that was never used.
    let again = PreviousVault::on_replace(Some(kept.clone()), Some("B".into()), 2_000).unwrap();
    assert_eq!(again, kept);
    // The new vault is unlocked: seven days from then.
    let mut unlocked = kept.clone();
    assert!(unlocked.on_unlock(5_000));
    assert!(!unlocked.on_unlock(9_000), "only the first unlock counts");
    assert_eq!(unlocked.expires_ms(), Some(5_000 + PREVIOUS_KEEP_MS));
    assert_eq!(PREVIOUS_KEEP_MS, 7 * day);
    assert!(!unlocked.expired(5_000 + 7 * day - 1));
    assert!(unlocked.expired(5_000 + 7 * day));
    // An import after the new vault was used keeps that vault instead.
    let next = PreviousVault::on_replace(Some(unlocked), Some("B".into()), 9_000).unwrap();
    assert_eq!((next.record.as_str(), next.new_unlocked_ms), ("B", None));
    // Nothing stored, nothing kept.
    assert_eq!(PreviousVault::on_replace(None, None, 1), None);
    // Stored form: unknown fields refused.
    let json = serde_json::to_string(&next).unwrap();
    assert_eq!(serde_json::from_str::<PreviousVault>(&json).unwrap(), next);
    assert!(
        serde_json::from_str::<PreviousVault>(r#"{"record":"x","replaced_ms":1,"extra":1}"#)
            .is_err()
    );
}

#[test]
fn a_backup_is_proved_to_open_before_it_replaces_anything() {
    let (record, _) = new_vault(110, PAYLOAD);
    assert_eq!(
        vault::check_opens(&record, &pass(PASS)).map(|p| p.to_vec()),
        Ok(PAYLOAD.to_vec()),
        "it opens, with the accounts to check"
    );
    assert_eq!(
        vault::check_opens(&record, &pass("definitely not the passphrase 42")).err(),
        Some(VaultError::WrongPassphrase)
    );
    assert_eq!(
        vault::check_opens(&record, &pass(" ")).err(),
        Some(VaultError::EmptyPassphrase)
    );
    // A well-formed backup with a damaged accounts blob does not count as opening.
    let damaged = edit(&record.to_json(), |v| {
        let ct = v["accounts"]["ct"].as_str().unwrap().to_owned();
        let mut bytes = base64_decode(&ct);
        bytes[0] ^= 1;
        v["accounts"]["ct"] = base64_encode(&bytes).into();
    });
    let damaged = VaultRecord::from_json(&damaged).unwrap();
    assert_eq!(
        vault::check_opens(&damaged, &pass(PASS)).err(),
        Some(VaultError::Tampered)
    );
    // The frozen v1 backup opens too.
    let frozen = VaultRecord::from_json(FROZEN_RECORD).unwrap();
    assert!(vault::check_opens(&frozen, &pass(FROZEN_PASSPHRASE)).is_ok());
}

#[test]
fn the_session_path_opens_and_reseals_with_the_dek_alone() {
    let (record, dek) = new_vault(70, PAYLOAD);
    // The DEK goes to session storage as base64 and comes back after a worker restart.
    let stored = dek.to_base64();
    let restored = Dek::from_base64(&stored).unwrap();
    assert_eq!(&vault::open(&record, &restored).unwrap()[..], PAYLOAD);

    let new_payload = br#"{"accounts":[{"id":"a"}],"default_id":"a"}"#;
    let resealed = vault::reseal(&record, &restored, new_payload, &mut SplitMix(71)).unwrap();
    let resealed = VaultRecord::from_json(&resealed.to_json()).unwrap();
    assert_eq!(&vault::open(&resealed, &restored).unwrap()[..], new_payload);
    assert_ne!(resealed.accounts_ciphertext(), record.accounts_ciphertext());
    // Sealing the same payload twice never repeats the ciphertext (fresh nonce).
    let twice = vault::reseal(&resealed, &restored, new_payload, &mut SplitMix(72)).unwrap();
    assert_ne!(twice.accounts_ciphertext(), resealed.accounts_ciphertext());
    // The passphrase still unlocks it and sees the new payload.
    let ok = vault::unlock(&resealed, &pass(PASS), FAST, &mut SplitMix(73)).unwrap();
    assert_eq!(&ok.payload[..], new_payload);

    // A DEK from another vault neither opens nor reseals (no record that nothing opens).
    let (_, other_dek) = new_vault(74, PAYLOAD);
    assert_eq!(
        vault::open(&record, &other_dek).unwrap_err().code(),
        "vault_dek_mismatch"
    );
    assert_eq!(
        vault::reseal(&record, &other_dek, new_payload, &mut SplitMix(75))
            .unwrap_err()
            .code(),
        "vault_dek_mismatch"
    );
}

#[test]
fn a_damaged_session_dek_is_a_typed_error() {
    assert_eq!(
        Dek::from_base64("%%%").unwrap_err().code(),
        "vault_bad_base64"
    );
    assert_eq!(Dek::from_base64("").unwrap_err().code(), "vault_bad_length");
    assert_eq!(
        Dek::from_base64(&base64_encode(&[7; 31]))
            .unwrap_err()
            .code(),
        "vault_bad_length"
    );
    assert!(Dek::from_base64(&base64_encode(&[7; 32])).is_ok());
}

#[test]
fn secrets_never_show_in_debug_output_or_error_messages() {
    let (record, dek) = new_vault(80, b"SECRET-PAYLOAD-TEXT");
    let dek_b64 = dek.to_base64();
    let p = pass(PASS);
    let unlocked = vault::unlock(&record, &p, STRONGER, &mut SplitMix(81)).unwrap();
    let shown = format!("{p:?} {dek:?} {unlocked:?} {record:?}");
    assert!(!shown.contains(PASS), "{shown}");
    assert!(!shown.contains(dek_b64.as_str()), "{shown}");
    assert!(!shown.contains("SECRET-PAYLOAD-TEXT"), "{shown}");
    assert!(shown.contains("redacted"));
    let err =
        vault::unlock(&record, &pass("hunter2 hunter2"), FAST, &mut SplitMix(82)).unwrap_err();
    assert!(!format!("{err} {err:?}").contains("hunter2"));
}

#[test]
fn unlock_time_for_owasp_minimum_and_default_parameters() {
    for params in [KdfParams::OWASP_MIN, KdfParams::DEFAULT] {
        let (record, _) = vault::create(&pass(PASS), params, PAYLOAD, &mut SplitMix(90)).unwrap();
        let started = now_ms();
        let ok = vault::unlock(&record, &pass(PASS), params, &mut SplitMix(91)).unwrap();
        let elapsed = now_ms() - started;
        assert_eq!(&ok.payload[..], PAYLOAD);
        say!(
            "unlock with m={} KiB t={} p={}: {elapsed:.0} ms ({})",
            params.m_kib,
            params.t,
            params.p,
            if cfg!(target_arch = "wasm32") {
                "wasm"
            } else {
                "native"
            }
        );
    }
}

#[test]
fn strength_estimate_flags_the_usual_mistakes() {
    let s = passphrase_strength("");
    assert_eq!((s.score, s.hint), (0, StrengthHint::Empty));
    for common in [
        "password",
        "Password1",
        "P@ssw0rd!",
        "qwerty123",
        "123456789",
        "iloveyou",
        "pass-word",
        "Tw1tter2024",
        "correct horse battery staple",
    ] {
        let s = passphrase_strength(common);
        assert_eq!((s.score, s.hint), (0, StrengthHint::Common), "{common}");
        assert_eq!(s.hint.code(), "passphrase_common");
    }
    for patterned in [
        "aaaaaaaaaaaaaaaa",
        "abcdefghijklmnop",
        "1234567890123",
        "asdfasdfasdfasdf",
    ] {
        let s = passphrase_strength(patterned);
        assert!(s.score <= 1, "{patterned}: {s:?}");
        assert_eq!(s.hint, StrengthHint::Repetitive, "{patterned}");
    }
    let s = passphrase_strength("Summer2024!");
    assert_eq!((s.score, s.hint), (0, StrengthHint::Common), "{s:?}");
    let s = passphrase_strength("Maple7!x");
    assert!(s.score <= 1, "{s:?}");
    assert_eq!(s.hint, StrengthHint::TooShort);
    let s = passphrase_strength("maple orbit");
    assert!(s.score <= 1, "{s:?}");
    let four = passphrase_strength("maple orbit candle frost");
    assert!(four.score >= 3, "{four:?}");
    let five = passphrase_strength("maple orbit candle frost quiver");
    assert_eq!(
        (five.score, five.hint),
        (4, StrengthHint::Strong),
        "{five:?}"
    );
    assert!(five.bits > four.bits);
    let random = passphrase_strength("k8#Qz!2mW@9xLp$4");
    assert_eq!(random.score, 4, "{random:?}");
    // Longer is never weaker.
    let mut text = String::new();
    let mut last = 0;
    for word in ["violet", "harbor", "seventy", "quill", "drift", "nimbus"] {
        text.push_str(word);
        text.push(' ');
        let s = passphrase_strength(text.trim_end());
        assert!(s.bits >= last, "{text}");
        last = s.bits;
    }
}

#[test]
fn the_watched_vault_state_is_written_only_when_it_changes() {
    use keypost::vault::VaultState;
    // After a browser restart nothing is stored: the first write is rev 1.
    let first = VaultState::next(None, true, false).unwrap();
    assert_eq!(
        first,
        VaultState {
            exists: true,
            unlocked: false,
            rev: 1
        }
    );
    // The same again writes nothing.
    assert_eq!(VaultState::next(Some(first), true, false), None);
    let unlocked = VaultState::next(Some(first), true, true).unwrap();
    assert_eq!((unlocked.unlocked, unlocked.rev), (true, 2));
    assert_eq!(VaultState::next(Some(unlocked), true, true), None);
    let locked = VaultState::next(Some(unlocked), true, false).unwrap();
    assert_eq!(
        (locked.exists, locked.unlocked, locked.rev),
        (true, false, 3)
    );
    // A session without a vault (removed meanwhile) is not unlocked.
    let gone = VaultState::next(Some(unlocked), false, true).unwrap();
    assert_eq!((gone.exists, gone.unlocked, gone.rev), (false, false, 3));
    assert_eq!(VaultState::next(Some(gone), false, true), None);
    // The stored shape pages read.
    assert_eq!(
        serde_json::to_value(first).unwrap(),
        serde_json::json!({"exists": true, "unlocked": false, "rev": 1})
    );
}
