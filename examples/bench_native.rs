//! Native Rust figures for `make bench` (bench/bench.mjs): the ceilings the wasm rows are
//! compared with, and the seeded queues of the queue-scale row. Not part of the extension.
//!
//! `bench_native sign FILE RUNS`: signs every request of FILE (a JSON list of
//! `{method, url, form: [[k, v]], keys: {api_key, api_secret, access_token,
//! access_token_secret}, nonce, timestamp}`) RUNS times; prints `{"ms": [..]}`, one figure a run.
//! `bench_native unlock RUNS`: a vault with the shipped KDF parameters, unlocked RUNS times;
//! prints `{"ms": [..], "m_kib", "t", "p"}`.
//! `bench_native queue RECORD_FILE PASSPHRASE N`: the `queue` value of `storage.local` holding N
//! scheduled items sealed under the data key of the vault record in RECORD_FILE.

use std::time::Instant;

use keypost::oauth1::{Credentials, sign};
use keypost::schedule::{NewItem, PlannedPost, Queue};
use keypost::sealed::LoadedQueue;
use keypost::vault::{self, Entropy, KdfParams, Passphrase, VaultRecord};
use serde::Deserialize;

/// A fast deterministic stream, seeded from the clock: enough for a benchmark's salts and nonces.
struct Stream(u64);

impl Entropy for Stream {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), keypost::vault::NoEntropy> {
        for b in buf {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            *b = (self.0 >> 24) as u8;
        }
        Ok(())
    }
}

fn stream() -> Stream {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64);
    Stream(nanos | 1)
}

#[derive(Deserialize)]
struct Keys {
    api_key: String,
    api_secret: String,
    access_token: String,
    access_token_secret: String,
}

#[derive(Deserialize)]
struct Request {
    method: String,
    url: String,
    form: Vec<(String, String)>,
    keys: Keys,
    nonce: String,
    timestamp: u64,
}

type Failure = Box<dyn std::error::Error>;

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["sign", file, runs] => sign_rows(file, runs.parse()?),
        ["unlock", runs] => unlock_rows(runs.parse()?),
        ["queue", record, passphrase, n] => seed_queue(record, passphrase, n.parse()?),
        _ => Err(
            "usage: bench_native sign FILE RUNS | unlock RUNS | queue RECORD PASSPHRASE N".into(),
        ),
    }
}

fn sign_rows(file: &str, runs: usize) -> Result<(), Failure> {
    let requests: Vec<Request> = serde_json::from_str(&std::fs::read_to_string(file)?)?;
    let mut ms = Vec::new();
    let mut total = 0usize;
    for _ in 0..runs {
        let start = Instant::now();
        for r in &requests {
            let creds = Credentials {
                consumer_key: &r.keys.api_key,
                consumer_secret: &r.keys.api_secret,
                token: &r.keys.access_token,
                token_secret: &r.keys.access_token_secret,
            };
            let signed = sign(&r.method, &r.url, &r.form, &creds, &r.nonce, r.timestamp)
                .map_err(|e| format!("signing failed: {}", e.code()))?;
            total += signed.authorization.len();
        }
        ms.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    println!("{}", serde_json::json!({ "ms": ms, "chars": total }));
    Ok(())
}

fn unlock_rows(runs: usize) -> Result<(), Failure> {
    let params = KdfParams::DEFAULT;
    let passphrase = || Passphrase::new("a bench passphrase, long enough 42".to_owned());
    let mut entropy = stream();
    let (record, _) = vault::create(&passphrase(), params, b"[]", &mut entropy)
        .map_err(|e| format!("create failed: {e:?}"))?;
    let mut ms = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        vault::unlock(&record, &passphrase(), params, &mut entropy)
            .map_err(|e| format!("unlock failed: {e:?}"))?;
        ms.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "{}",
        serde_json::json!({ "ms": ms, "m_kib": params.m_kib, "t": params.t, "p": params.p })
    );
    Ok(())
}

fn seed_queue(record: &str, passphrase: &str, n: usize) -> Result<(), Failure> {
    let record = VaultRecord::from_json(&std::fs::read_to_string(record)?)
        .map_err(|e| format!("record: {e:?}"))?;
    let mut entropy = stream();
    let unlocked = vault::unlock(
        &record,
        &Passphrase::new(passphrase.to_owned()),
        record.kdf_params(),
        &mut entropy,
    )
    .map_err(|e| format!("unlock failed: {e:?}"))?;
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as u64;
    let mut queue = Queue::new();
    for i in 0..n {
        let draft = NewItem {
            account_id: "1".to_owned(),
            posts: vec![PlannedPost::text(format!(
                "Scheduled post number {i}: a line of ordinary length with a link https://example.com/{i}"
            ))],
            // Spread over the coming days, an hour to a week ahead, so nothing is due at start.
            due_at_ms: now_ms + 3_600_000 + (i as u64 % 600) * 900_000,
        };
        queue
            .add(draft, now_ms)
            .map_err(|e| format!("add: {e:?}"))?;
    }
    let mut loaded = LoadedQueue::default();
    loaded.queue = queue;
    let json = loaded
        .to_json(Some(&unlocked.dek), &mut entropy)
        .map_err(|e| format!("seal: {e:?}"))?;
    println!("{json}");
    Ok(())
}
