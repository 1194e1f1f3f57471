//! What the user wrote, sealed at rest with the vault's data key (the DEK).
//!
//! The vault seals the accounts; this module seals everything else the user wrote that the
//! worker keeps in `storage.local`: the composer's draft, its outbox (a post or thread on its
//! way), the Sent history, and the contents (texts and alt texts) of scheduled posts. Sans-IO:
//! the worker brings the key and the randomness and stores the strings this module returns.
//!
//! # Format
//!
//! A sealed value is one string, `kps1.` followed by standard base64 of a 12-byte nonce and the
//! AES-256-GCM ciphertext (tag appended) of the value's JSON. Every write draws a fresh nonce.
//! The associated data names the record kind (and, for a scheduled item, its id):
//! `keypost-sealed;v=1;kind=draft`, `...;kind=outbox`, `...;kind=history`,
//! `...;kind=queue_item;id=7`. So a blob moved from one record to another (the outbox into the
//! draft, item 3's text into item 7) does not open.
//!
//! # The queue
//!
//! The scheduler must work while the vault is locked (due times, states, "needs unlock", the
//! alarm), so the queue stays the core's [`Queue`] in clear with only each item's *contents*
//! taken out: every post's text and every image's alt text are blanked in the clear queue and
//! sealed per item in `contents` ([`StoredQueue`]). What stays clear: ids, account ids, due
//! times, states, attempts, the per-item history of outcomes, how many posts an item has, and
//! the media-store keys of its images (random UUIDs the scheduler needs to delete them).
//!
//! # Migration
//!
//! A record stored before sealing (plain JSON) still reads ([`Stored::Clear`]); the worker
//! writes it back sealed at its next write. A sealed record never goes back to clear.
//!
//! # Key rotation
//!
//! [`reseal`] opens a blob with the old key and seals it with the new one (same kind, fresh
//! nonce); [`StoredQueue::reseal`] does so for every item of a stored queue.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use zeroize::Zeroizing;

pub mod kept;
mod series;

use crate::schedule::{Item, ItemId, PlannedPost, Queue, ScheduleError, SeriesId};
use crate::vault::{self, Dek, Entropy};

/// What every sealed string starts with.
pub const PREFIX: &str = "kps1.";

/// Which record a sealed value belongs to: bound into the associated data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The composer's draft (`storage.local` `draft`).
    Draft,
    /// The composer's outbox (`outbox`).
    Outbox,
    /// The Sent history (`history`).
    History,
    /// The contents of one scheduled item (`queue`), by its id.
    QueueItem(ItemId),
    /// The texts of one recurring series (`queue`), by its id.
    Series(SeriesId),
}

impl Kind {
    fn aad(self) -> Vec<u8> {
        match self {
            Kind::Draft => b"keypost-sealed;v=1;kind=draft".to_vec(),
            Kind::Outbox => b"keypost-sealed;v=1;kind=outbox".to_vec(),
            Kind::History => b"keypost-sealed;v=1;kind=history".to_vec(),
            Kind::QueueItem(id) => {
                format!("keypost-sealed;v=1;kind=queue_item;id={}", id.0).into_bytes()
            }
            Kind::Series(id) => format!("keypost-sealed;v=1;kind=series;id={}", id.0).into_bytes(),
        }
    }
}

/// Why a sealed value could not be read or written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SealedError {
    /// Not a sealed string (no prefix, bad base64, too short).
    Malformed,
    /// It does not open with this key for this record: another key (the vault was replaced
    /// or its key rotated without this record), another record's blob, or altered bytes.
    Unopenable,
    /// Encryption failed (cannot happen with a 32-byte key).
    EncryptionFailed,
    /// The opened bytes are not the record's JSON (or the value could not be written as JSON).
    Json,
}

impl SealedError {
    /// A stable code.
    pub fn code(&self) -> &'static str {
        match self {
            SealedError::Malformed | SealedError::Json => "sealed_malformed",
            SealedError::Unopenable => "sealed_unopenable",
            SealedError::EncryptionFailed => "sealed_failed",
        }
    }
}

impl std::fmt::Display for SealedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl std::error::Error for SealedError {}

/// Whether `text` is a sealed string (it may still fail to open).
pub fn is_sealed(text: &str) -> bool {
    text.starts_with(PREFIX)
}

/// Seals `plaintext` for `kind` under `dek` with a fresh nonce.
///
/// # Errors
/// [`SealedError::EncryptionFailed`].
pub fn seal<E: Entropy + ?Sized>(
    dek: &Dek,
    kind: Kind,
    plaintext: &[u8],
    entropy: &mut E,
) -> Result<String, SealedError> {
    let raw = vault::seal_blob(dek, &kind.aad(), plaintext, entropy)
        .map_err(|_| SealedError::EncryptionFailed)?;
    Ok(format!("{PREFIX}{}", B64.encode(raw)))
}

/// Opens a string written by [`seal`] for the same `kind` and key.
///
/// # Errors
/// [`SealedError::Malformed`] or [`SealedError::Unopenable`].
pub fn open(dek: &Dek, kind: Kind, sealed: &str) -> Result<Zeroizing<Vec<u8>>, SealedError> {
    let body = sealed.strip_prefix(PREFIX).ok_or(SealedError::Malformed)?;
    let raw = B64
        .decode(body.as_bytes())
        .map_err(|_| SealedError::Malformed)?;
    vault::open_blob(dek, &kind.aad(), &raw).map_err(|e| match e {
        vault::VaultError::BadLength { .. } => SealedError::Malformed,
        _ => SealedError::Unopenable,
    })
}

/// Seals a value's JSON.
///
/// # Errors
/// [`SealedError::Json`] or [`SealedError::EncryptionFailed`].
pub fn seal_json<T: Serialize, E: Entropy + ?Sized>(
    dek: &Dek,
    kind: Kind,
    value: &T,
    entropy: &mut E,
) -> Result<String, SealedError> {
    let json = Zeroizing::new(serde_json::to_vec(value).map_err(|_| SealedError::Json)?);
    seal(dek, kind, &json, entropy)
}

/// Opens a value sealed by [`seal_json`].
///
/// # Errors
/// As [`open`], and [`SealedError::Json`] when the opened bytes are not a `T`.
pub fn open_json<T: DeserializeOwned>(
    dek: &Dek,
    kind: Kind,
    sealed: &str,
) -> Result<T, SealedError> {
    let bytes = open(dek, kind, sealed)?;
    serde_json::from_slice(&bytes).map_err(|_| SealedError::Json)
}

/// Re-seals a blob from `old` to `new` (same kind, fresh nonce): for a change of the DEK.
///
/// # Errors
/// As [`open`] with `old`, and [`SealedError::EncryptionFailed`].
pub fn reseal<E: Entropy + ?Sized>(
    old: &Dek,
    new: &Dek,
    kind: Kind,
    sealed: &str,
    entropy: &mut E,
) -> Result<String, SealedError> {
    let plain = open(old, kind, sealed)?;
    seal(new, kind, &plain, entropy)
}

/// A stored record as read: sealed (to be opened with the DEK) or from before sealing.
#[derive(Clone, Debug, PartialEq)]
pub enum Stored<T> {
    /// A sealed string.
    Sealed(String),
    /// A record written before sealing, in clear: read once, written back sealed.
    Clear(T),
}

impl<T: DeserializeOwned> Stored<T> {
    /// Classifies what `storage.local` holds for a record: a sealed string or the record's
    /// own JSON.
    ///
    /// # Errors
    /// [`SealedError::Json`] when it is neither.
    pub fn from_value(value: Value) -> Result<Self, SealedError> {
        match value {
            Value::String(s) if is_sealed(&s) => Ok(Stored::Sealed(s)),
            other => serde_json::from_value(other)
                .map(Stored::Clear)
                .map_err(|_| SealedError::Json),
        }
    }

    /// The record: opened with `dek`, or as it was stored in clear.
    ///
    /// # Errors
    /// As [`open_json`].
    pub fn open(self, dek: &Dek, kind: Kind) -> Result<T, SealedError> {
        match self {
            Stored::Sealed(s) => open_json(dek, kind, &s),
            Stored::Clear(v) => Ok(v),
        }
    }
}

/// What of an item is sealed: each post's text and its images' alt texts.
#[derive(Serialize, Deserialize)]
struct Contents {
    posts: Vec<PostContents>,
}

#[derive(Serialize, Deserialize)]
struct PostContents {
    text: String,
    alts: Vec<String>,
}

impl Contents {
    fn of(posts: &[PlannedPost]) -> Self {
        Contents {
            posts: posts
                .iter()
                .map(|p| PostContents {
                    text: p.text.clone(),
                    alts: p.media.iter().map(|m| m.alt_text.clone()).collect(),
                })
                .collect(),
        }
    }

    /// Fills blanked posts back in; `false` (nothing changed) when the shapes differ.
    fn fill(self, posts: &mut [PlannedPost]) -> bool {
        let fits = self.posts.len() == posts.len()
            && self
                .posts
                .iter()
                .zip(posts.iter())
                .all(|(c, p)| c.alts.len() == p.media.len());
        if !fits {
            return false;
        }
        for (c, p) in self.posts.into_iter().zip(posts.iter_mut()) {
            p.text = c.text;
            for (alt, m) in c.alts.into_iter().zip(p.media.iter_mut()) {
                m.alt_text = alt;
            }
        }
        true
    }
}

/// The posts with every text and alt text blanked (what stays in clear).
fn blanked(posts: &[PlannedPost]) -> Vec<PlannedPost> {
    let mut out = posts.to_vec();
    for p in &mut out {
        p.text.clear();
        for m in &mut p.media {
            m.alt_text.clear();
        }
    }
    out
}

/// The queue as stored: the core's queue with the contents blanked, and each item's contents
/// sealed by item id. Items absent from `contents` are in clear (stored before sealing).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredQueue {
    /// The format's version (1).
    sealed_queue: u32,
    /// The queue, contents blanked for every item in `contents`.
    queue: Value,
    /// Item id (as text) to its sealed contents.
    contents: BTreeMap<String, String>,
    /// Series id (as text) to its sealed texts (`sealed/series.rs`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    series: BTreeMap<String, String>,
}

/// Just enough of a stored queue to tell the sealed format from a plain queue.
#[derive(Deserialize)]
struct FormatProbe {
    sealed_queue: Option<u32>,
}

/// [`StoredQueue`] as read, its queue straight into [`Queue`] (checked after).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredQueueIn {
    sealed_queue: u32,
    queue: crate::schedule::UncheckedQueue,
    contents: BTreeMap<String, String>,
    #[serde(default)]
    series: BTreeMap<String, String>,
}

/// [`StoredQueue`] as written, borrowing the queue instead of building a `Value` of it.
#[derive(Serialize)]
struct StoredQueueOut<'a> {
    sealed_queue: u32,
    queue: &'a Queue,
    contents: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    series: &'a BTreeMap<String, String>,
}

/// A queue as loaded, and what is needed to store it again without a key: the sealed contents
/// of items that were not opened, with their blanked posts, so they are written back as they
/// were unless they changed.
#[derive(Clone, Debug, Default)]
pub struct LoadedQueue {
    /// The queue, with the contents of every item that could be opened (or was clear).
    pub queue: Queue,
    kept: BTreeMap<ItemId, (Vec<PlannedPost>, String)>,
    kept_series: BTreeMap<SeriesId, String>,
    /// The items opened at load, with their posts then and their sealed contents: stored again
    /// under the same key and unchanged, an item keeps its sealed contents (no new nonce, no
    /// encryption: a write of a 10,000-item queue seals only what changed).
    opened: BTreeMap<ItemId, (Vec<PlannedPost>, String)>,
    /// The key `opened` was opened with.
    opened_with: Option<Dek>,
    /// Whether some item was stored in clear (from before sealing): the next write must seal it.
    had_clear: bool,
}

impl LoadedQueue {
    /// Whether this item's contents are here (opened or clear), not only sealed: an item whose
    /// contents are not must never be sent (its texts are blank).
    pub fn has_contents(&self, id: ItemId) -> bool {
        !self.kept.contains_key(&id)
    }

    /// Whether storing the queue again would change what is stored even if the queue did not
    /// change: some item was in clear and a key is here to seal it.
    pub fn needs_sealing(&self, dek: Option<&Dek>) -> bool {
        self.had_clear && dek.is_some()
    }

    /// Reads what `storage.local` holds under `queue` (the stored JSON text): a [`StoredQueue`]
    /// or a plain queue from before sealing. With `dek`, items' contents are opened; an item
    /// whose contents do not open (or without `dek`) stays blank and keeps its sealed contents.
    ///
    /// # Errors
    /// [`ScheduleError::Corrupt`] when it is not a queue.
    pub fn from_json(json: &str, dek: Option<&Dek>) -> Result<Self, ScheduleError> {
        let corrupt = |detail: &str| ScheduleError::Corrupt {
            detail: detail.to_owned(),
        };
        // One pass to tell the format apart (skipping everything else), one to read it: the
        // queue is read straight into its types, never through a `Value`.
        let probe: FormatProbe = serde_json::from_str(json).map_err(|e| corrupt(&e.to_string()))?;
        if probe.sealed_queue.is_none() {
            let queue = Queue::from_json(json)?;
            let had_clear = !queue.items().is_empty();
            return Ok(LoadedQueue {
                queue,
                had_clear,
                ..LoadedQueue::default()
            });
        }
        let stored: StoredQueueIn =
            serde_json::from_str(json).map_err(|e| corrupt(&e.to_string()))?;
        if stored.sealed_queue != 1 {
            return Err(corrupt("unknown sealed queue version"));
        }
        let mut queue = stored.queue.checked()?;
        let mut kept = BTreeMap::new();
        let mut opened = BTreeMap::new();
        let mut had_clear = false;
        for item in queue.items_mut() {
            let Some(blob) = stored.contents.get(&item.id.0.to_string()) else {
                had_clear = true;
                continue;
            };
            item.posts = blanked(&item.posts);
            let filled = dek
                .and_then(|dek| open_json::<Contents>(dek, Kind::QueueItem(item.id), blob).ok())
                .is_some_and(|contents| contents.fill(&mut item.posts));
            if filled {
                opened.insert(item.id, (item.posts.clone(), blob.clone()));
            } else {
                item.posts = blanked(&item.posts);
                kept.insert(item.id, (item.posts.clone(), blob.clone()));
            }
        }
        let kept_series = series::open_all(&mut queue, &stored.series, dek);
        Ok(LoadedQueue {
            queue,
            kept,
            kept_series,
            opened,
            opened_with: dek.cloned(),
            had_clear,
        })
    }

    /// The JSON text to store. With `dek` every item's contents are sealed (fresh nonces),
    /// except an unchanged item that was not opened, whose sealed contents are kept, and an
    /// item opened at load with this same key and unchanged since, whose sealed contents are
    /// stored again as they were. Without
    /// `dek`, items keep their sealed contents; only an item that was in clear when loaded
    /// (stored before sealing) stays in clear.
    ///
    /// # Errors
    /// [`ScheduleError::Corrupt`] when sealing or writing fails.
    pub fn to_json<E: Entropy + ?Sized>(
        &self,
        dek: Option<&Dek>,
        entropy: &mut E,
    ) -> Result<String, ScheduleError> {
        let corrupt = |detail: &str| ScheduleError::Corrupt {
            detail: detail.to_owned(),
        };
        let mut clear = self.queue.clone();
        let mut contents = BTreeMap::new();
        let same_key = match (dek, &self.opened_with) {
            (Some(now), Some(then)) => now.same_as(then),
            _ => false,
        };
        for item in clear.items_mut() {
            match (self.kept.get(&item.id), dek) {
                (Some((posts, blob)), _) if *posts == item.posts => {
                    contents.insert(item.id.0.to_string(), blob.clone());
                }
                (None, Some(_))
                    if same_key
                        && self
                            .opened
                            .get(&item.id)
                            .is_some_and(|(posts, _)| *posts == item.posts) =>
                {
                    if let Some((_, blob)) = self.opened.get(&item.id) {
                        contents.insert(item.id.0.to_string(), blob.clone());
                    }
                    item.posts = blanked(&item.posts);
                }
                (_, Some(dek)) => {
                    let blob = seal_item(dek, item, entropy).map_err(|e| corrupt(e.code()))?;
                    contents.insert(item.id.0.to_string(), blob);
                    item.posts = blanked(&item.posts);
                }
                // Loaded in clear and no key now: it stays as it was until a write with the key.
                (None, None) => {}
                // Changed contents of an item that never opened, and no key: keep what was
                // sealed (the change cannot be sealed, and must not be stored in clear).
                (Some((posts, blob)), None) => {
                    contents.insert(item.id.0.to_string(), blob.clone());
                    item.posts = posts.clone();
                }
            }
        }
        let series = series::seal_all(&mut clear, &self.kept_series, dek, entropy)
            .map_err(|e| corrupt(e.code()))?;
        serde_json::to_string(&StoredQueueOut {
            sealed_queue: 1,
            queue: &clear,
            contents: &contents,
            series: &series,
        })
        .map_err(|e| corrupt(&e.to_string()))
    }
}

fn seal_item<E: Entropy + ?Sized>(
    dek: &Dek,
    item: &Item,
    entropy: &mut E,
) -> Result<String, SealedError> {
    seal_json(
        dek,
        Kind::QueueItem(item.id),
        &Contents::of(&item.posts),
        entropy,
    )
}

/// A stored queue re-sealed to a new key ([`StoredQueue::reseal`]).
#[derive(Debug)]
pub struct Resealed {
    /// The queue's JSON text, every item and series that opened now under the new key.
    pub json: String,
    /// The items whose contents opened with neither key: kept exactly as they were.
    pub unopenable: Vec<ItemId>,
    /// The series whose texts opened with neither key: kept exactly as they were.
    pub unopenable_series: Vec<SeriesId>,
}

impl StoredQueue {
    /// Re-seals every item's contents of a stored queue (its JSON text) from `old` to `new`.
    /// Items already under `new` stay readable (it may run twice); items in clear (from
    /// before sealing) are sealed with `new`. An item or series that opens with neither key
    /// (one from a vault that a backup replaced) is kept exactly as it was and named in the
    /// answer: it is never a reason to leave the others under a key about to be retired.
    ///
    /// # Errors
    /// [`ScheduleError::Corrupt`] when it is not a queue.
    pub fn reseal<E: Entropy + ?Sized>(
        json: &str,
        old: &Dek,
        new: &Dek,
        entropy: &mut E,
    ) -> Result<Resealed, ScheduleError> {
        let mut loaded = LoadedQueue::from_json(json, Some(new))?;
        let unopened: Vec<(ItemId, String)> = loaded
            .kept
            .iter()
            .map(|(id, (_, blob))| (*id, blob.clone()))
            .collect();
        let mut unopenable = Vec::new();
        for (id, blob) in unopened {
            let opened = open_json::<Contents>(old, Kind::QueueItem(id), &blob).ok();
            let item = loaded.queue.items_mut().iter_mut().find(|i| i.id == id);
            let filled = match (opened, item) {
                (Some(contents), Some(item)) => contents.fill(&mut item.posts),
                _ => false,
            };
            if filled {
                loaded.kept.remove(&id);
            } else {
                unopenable.push(id);
            }
        }
        let unopenable_series =
            series::reopen_kept(&mut loaded.queue, &mut loaded.kept_series, old);
        Ok(Resealed {
            json: loaded.to_json(Some(new), entropy)?,
            unopenable,
            unopenable_series,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{Draft, MediaRef};

    /// Deterministic, distinct bytes per call (tests only).
    struct Counter(u8);

    impl Entropy for Counter {
        fn fill(&mut self, buf: &mut [u8]) {
            for b in buf.iter_mut() {
                self.0 = self.0.wrapping_add(1);
                *b = self.0;
            }
        }
    }

    fn dek(byte: u8) -> Dek {
        Dek::from_base64(&B64.encode([byte; 32])).expect("32 bytes")
    }

    /// `queue` as stored with `k`, nonces from `Counter(seed)`.
    fn stored(queue: &Queue, k: &Dek, seed: u8) -> String {
        LoadedQueue {
            queue: queue.clone(),
            ..LoadedQueue::default()
        }
        .to_json(Some(k), &mut Counter(seed))
        .expect("store")
    }

    #[test]
    fn seal_and_open_round_trip_with_fresh_nonces() {
        let k = dek(1);
        let mut e = Counter(0);
        let a = seal(&k, Kind::Draft, b"hello marker", &mut e).expect("seal");
        let b = seal(&k, Kind::Draft, b"hello marker", &mut e).expect("seal");
        assert!(a.starts_with(PREFIX));
        assert_ne!(a, b, "a fresh nonce per write");
        assert!(!a.contains("hello"));
        assert_eq!(
            &open(&k, Kind::Draft, &a).expect("open")[..],
            b"hello marker"
        );
    }

    #[test]
    fn another_kind_another_item_or_another_key_does_not_open() {
        let k = dek(1);
        let mut e = Counter(0);
        let draft = seal(&k, Kind::Draft, b"x", &mut e).expect("seal");
        assert_eq!(open(&k, Kind::Outbox, &draft), Err(SealedError::Unopenable));
        assert_eq!(
            open(&k, Kind::History, &draft),
            Err(SealedError::Unopenable)
        );
        assert_eq!(
            open(&dek(2), Kind::Draft, &draft),
            Err(SealedError::Unopenable)
        );
        let item3 = seal(&k, Kind::QueueItem(ItemId(3)), b"x", &mut e).expect("seal");
        assert_eq!(
            open(&k, Kind::QueueItem(ItemId(7)), &item3),
            Err(SealedError::Unopenable)
        );
        assert!(open(&k, Kind::QueueItem(ItemId(3)), &item3).is_ok());
    }

    #[test]
    fn altered_or_malformed_blobs_are_refused() {
        let k = dek(1);
        let sealed = seal(&k, Kind::History, b"abc", &mut Counter(0)).expect("seal");
        let mut raw = B64.decode(&sealed[PREFIX.len()..]).expect("b64");
        if let Some(last) = raw.last_mut() {
            *last ^= 1;
        }
        let altered = format!("{PREFIX}{}", B64.encode(raw));
        assert_eq!(
            open(&k, Kind::History, &altered),
            Err(SealedError::Unopenable)
        );
        assert_eq!(open(&k, Kind::History, "abc"), Err(SealedError::Malformed));
        assert_eq!(
            open(&k, Kind::History, "kps1.!!"),
            Err(SealedError::Malformed)
        );
        assert_eq!(
            open(&k, Kind::History, "kps1.AAAA"),
            Err(SealedError::Malformed)
        );
    }

    #[test]
    fn reseal_moves_a_blob_to_the_new_key() {
        let (old, new) = (dek(1), dek(2));
        let mut e = Counter(0);
        let blob = seal(&old, Kind::Outbox, b"thread", &mut e).expect("seal");
        let moved = reseal(&old, &new, Kind::Outbox, &blob, &mut e).expect("reseal");
        assert_eq!(
            &open(&new, Kind::Outbox, &moved).expect("open")[..],
            b"thread"
        );
        assert_eq!(
            open(&old, Kind::Outbox, &moved),
            Err(SealedError::Unopenable)
        );
        assert_eq!(
            reseal(&new, &old, Kind::Outbox, &blob, &mut e),
            Err(SealedError::Unopenable)
        );
    }

    #[test]
    fn stored_records_read_sealed_or_clear() {
        let k = dek(1);
        let v = vec!["a".to_owned()];
        let sealed = seal_json(&k, Kind::History, &v, &mut Counter(0)).expect("seal");
        let s = Stored::<Vec<String>>::from_value(Value::String(sealed)).expect("sealed");
        assert!(matches!(s, Stored::Sealed(_)));
        assert_eq!(s.open(&k, Kind::History).expect("open"), v);
        let c = Stored::<Vec<String>>::from_value(serde_json::json!(["a"])).expect("clear");
        assert_eq!(c, Stored::Clear(v.clone()));
        assert!(Stored::<Vec<String>>::from_value(serde_json::json!("plain")).is_err());
    }

    fn queue_with(text: &str, alt: &str) -> Queue {
        let mut q = Queue::new();
        q.add(
            Draft {
                account_id: "acct".to_owned(),
                posts: vec![
                    PlannedPost {
                        text: text.to_owned(),
                        media: vec![MediaRef {
                            local_id: "media-1".to_owned(),
                            alt_text: alt.to_owned(),
                        }],
                    },
                    PlannedPost::text("second step"),
                ],
                due_at_ms: 2_000_000,
            },
            1_000_000,
        )
        .expect("add");
        q
    }

    #[test]
    fn a_stored_queue_holds_no_contents_in_clear_and_reopens() {
        let k = dek(1);
        let loaded = LoadedQueue {
            queue: queue_with("QUEUE-MARKER text", "ALT-MARKER"),
            ..LoadedQueue::default()
        };
        let json = loaded.to_json(Some(&k), &mut Counter(0)).expect("store");
        assert!(!json.contains("QUEUE-MARKER") && !json.contains("ALT-MARKER"));
        assert!(!json.contains("second step"));
        assert!(json.contains("media-1") && json.contains("acct") && json.contains("2000000"));

        let opened = LoadedQueue::from_json(&json, Some(&k)).expect("load");
        assert_eq!(opened.queue, loaded.queue);
        assert!(
            opened
                .queue
                .items()
                .iter()
                .all(|i| opened.has_contents(i.id))
        );

        // Locked: the scheduler still sees the item, its time and its two steps, blank.
        let locked = LoadedQueue::from_json(&json, None).expect("load");
        let item = locked.queue.items().first().expect("item");
        assert_eq!(item.posts.len(), 2);
        assert_eq!(item.due_at_ms, 2_000_000);
        assert!(item.posts.iter().all(|p| p.text.is_empty()));
        assert!(!locked.has_contents(item.id));
        // Stored again while locked, the sealed contents are kept as they were.
        let again = locked.to_json(None, &mut Counter(50)).expect("store");
        assert_eq!(
            LoadedQueue::from_json(&again, Some(&k))
                .expect("load")
                .queue,
            loaded.queue
        );
        // Another key does not open it, and does not lose it either.
        let wrong = LoadedQueue::from_json(&json, Some(&dek(9))).expect("load");
        let kept = wrong
            .to_json(Some(&dek(9)), &mut Counter(80))
            .expect("store");
        assert_eq!(
            LoadedQueue::from_json(&kept, Some(&k)).expect("load").queue,
            loaded.queue
        );
    }

    #[test]
    fn a_clear_queue_migrates_at_the_next_write_with_the_key() {
        let k = dek(1);
        let clear = queue_with("OLD-CLEAR", "").to_json().expect("json");
        let locked = LoadedQueue::from_json(&clear, None).expect("load");
        assert_eq!(locked.queue.items().len(), 1);
        // No key: it cannot be sealed yet, and stays readable.
        let still = locked.to_json(None, &mut Counter(0)).expect("store");
        assert!(still.contains("OLD-CLEAR"));
        let sealed = LoadedQueue::from_json(&still, Some(&k))
            .expect("load")
            .to_json(Some(&k), &mut Counter(0))
            .expect("store");
        assert!(!sealed.contains("OLD-CLEAR"));
    }

    #[test]
    fn swapped_item_contents_do_not_open() {
        let k = dek(1);
        let mut q = queue_with("first", "");
        q.add(
            Draft {
                account_id: "acct".to_owned(),
                posts: vec![PlannedPost::text("other"), PlannedPost::text("x")],
                due_at_ms: 3_000_000,
            },
            1_000_000,
        )
        .expect("add");
        let json = stored(&q, &k, 0);
        let mut stored: StoredQueue = serde_json::from_str(&json).expect("stored");
        let ids: Vec<String> = stored.contents.keys().cloned().collect();
        let (a, b) = (ids[0].clone(), ids[1].clone());
        let blob_a = stored.contents[&a].clone();
        let blob_b = stored.contents[&b].clone();
        stored.contents.insert(a, blob_b);
        stored.contents.insert(b, blob_a);
        let swapped = serde_json::to_string(&stored).expect("json");
        let loaded = LoadedQueue::from_json(&swapped, Some(&k)).expect("load");
        assert!(
            loaded
                .queue
                .items()
                .iter()
                .all(|i| !loaded.has_contents(i.id))
        );
    }

    #[test]
    fn a_write_seals_only_what_changed_and_everything_under_another_key() {
        let k = dek(1);
        let mut q = queue_with("first", "alt one");
        q.add(
            Draft {
                account_id: "acct".to_owned(),
                posts: vec![PlannedPost::text("second")],
                due_at_ms: 4_000_000,
            },
            1_000_000,
        )
        .expect("add");
        let json = stored(&q, &k, 0);
        let blobs = |json: &str| {
            serde_json::from_str::<StoredQueue>(json)
                .expect("stored")
                .contents
        };
        let before = blobs(&json);
        // Stored again unchanged: the same sealed contents, byte for byte.
        let loaded = LoadedQueue::from_json(&json, Some(&k)).expect("load");
        assert_eq!(
            blobs(&loaded.to_json(Some(&k), &mut Counter(50)).expect("store")),
            before
        );
        // One item edited: only its contents are sealed again, and they open to the edit.
        let mut edited = LoadedQueue::from_json(&json, Some(&k)).expect("load");
        let first = edited.queue.items()[0].id;
        let second = edited.queue.items()[1].id;
        edited
            .queue
            .edit(second, vec![PlannedPost::text("second, edited")])
            .expect("edit");
        let after_edit = edited.to_json(Some(&k), &mut Counter(90)).expect("store");
        let after = blobs(&after_edit);
        assert_eq!(after[&first.0.to_string()], before[&first.0.to_string()]);
        assert_ne!(after[&second.0.to_string()], before[&second.0.to_string()]);
        let reread = LoadedQueue::from_json(&after_edit, Some(&k)).expect("load");
        assert_eq!(
            reread.queue.get(second).expect("item").posts[0].text,
            "second, edited"
        );
        assert_eq!(
            reread.queue.get(first).expect("item").posts[0].text,
            "first"
        );
        // Under another key, nothing is reused: every item opens with the new key only.
        let other = dek(2);
        let moved = LoadedQueue::from_json(&json, Some(&k))
            .expect("load")
            .to_json(Some(&other), &mut Counter(130))
            .expect("store");
        let with_other = LoadedQueue::from_json(&moved, Some(&other)).expect("load");
        assert!(
            with_other
                .queue
                .items()
                .iter()
                .all(|i| with_other.has_contents(i.id))
        );
        assert!(
            LoadedQueue::from_json(&moved, Some(&k))
                .expect("load")
                .queue
                .items()
                .iter()
                .all(|i| i.posts.iter().all(|p| p.text.is_empty()))
        );
    }

    #[test]
    fn a_stored_queue_reseals_to_a_new_key() {
        let (old, new) = (dek(1), dek(2));
        let original = queue_with("rotate me", "alt");
        let json = stored(&original, &old, 0);
        let moved = StoredQueue::reseal(&json, &old, &new, &mut Counter(9))
            .expect("reseal")
            .json;
        assert_eq!(
            LoadedQueue::from_json(&moved, Some(&new))
                .expect("load")
                .queue,
            original
        );
        let stale = LoadedQueue::from_json(&moved, Some(&old)).expect("load");
        assert!(
            stale
                .queue
                .items()
                .iter()
                .all(|i| !stale.has_contents(i.id))
        );
        // Twice is harmless; keys that open nothing change nothing.
        let twice = StoredQueue::reseal(&moved, &old, &new, &mut Counter(30))
            .expect("again")
            .json;
        assert_eq!(
            LoadedQueue::from_json(&twice, Some(&new))
                .expect("load")
                .queue,
            original
        );
        // Keys that open nothing leave every item as it was, and say which.
        let foreign = StoredQueue::reseal(&json, &dek(7), &dek(8), &mut Counter(0)).expect("kept");
        assert_eq!(foreign.unopenable.len(), original.items().len());
        assert_eq!(
            LoadedQueue::from_json(&foreign.json, Some(&old))
                .expect("load")
                .queue,
            original
        );
    }

    #[test]
    fn series_texts_are_sealed_blank_while_locked_and_kept() {
        use crate::civil::FixedOffset;
        use crate::recur::{End, Repeat, Rule, Variation};
        use crate::schedule::SeriesSpec;
        let k = dek(1);
        let mut q = Queue::new();
        let spec = SeriesSpec {
            account_id: "acct".to_owned(),
            rule: Rule {
                repeat: Repeat::Daily,
                start: (2026, 12, 1),
                hour: 9,
                minute: 0,
                end: End::After(5),
            },
            text: "SERIES-MARKER".to_owned(),
            variation: Variation::Rotate(vec!["ROT-A".to_owned(), "ROT-B".to_owned()]),
            late_policy: None,
        };
        let now = 1_796_083_200_000; // 2026-12-01T00:00Z
        let (sid, _) = q.add_series(spec, &FixedOffset(0), now).expect("series");
        let loaded = LoadedQueue {
            queue: q,
            ..LoadedQueue::default()
        };
        let json = loaded.to_json(Some(&k), &mut Counter(0)).expect("store");
        for marker in ["SERIES-MARKER", "ROT-A", "ROT-B"] {
            assert!(!json.contains(marker), "{marker} in clear");
        }
        let opened = LoadedQueue::from_json(&json, Some(&k)).expect("load");
        assert_eq!(opened.queue, loaded.queue);
        let mut locked = LoadedQueue::from_json(&json, None).expect("load");
        let blank = locked.queue.get_series(sid).expect("series");
        assert!(!blank.has_texts());
        // Locked, a blank series queues nothing, and is stored back as it was.
        assert!(locked.queue.stop_series(sid, now).is_ok());
        locked.queue.advance_series(&FixedOffset(0), now);
        let again = locked.to_json(None, &mut Counter(9)).expect("store");
        let reopened = LoadedQueue::from_json(&again, Some(&k)).expect("load");
        let series = reopened.queue.get_series(sid).expect("series");
        assert_eq!(series.spec.text, "SERIES-MARKER");
        // Key rotation carries the series too.
        let moved = StoredQueue::reseal(&json, &k, &dek(2), &mut Counter(20)).expect("reseal");
        assert!(moved.unopenable_series.is_empty());
        let under_new = LoadedQueue::from_json(&moved.json, Some(&dek(2))).expect("load");
        assert_eq!(under_new.queue, loaded.queue);
        // A series that opens with neither key is kept as it was, and named.
        let foreign = StoredQueue::reseal(&json, &dek(5), &dek(6), &mut Counter(21)).expect("kept");
        assert_eq!(foreign.unopenable_series, vec![sid]);
        let still = LoadedQueue::from_json(&foreign.json, Some(&k)).expect("load");
        assert_eq!(
            still.queue.get_series(sid).expect("series").spec.text,
            "SERIES-MARKER"
        );
    }
}
