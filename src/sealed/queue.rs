//! The queue sealed at rest: the core's queue in clear with each item's contents (texts and
//! alt texts) sealed per item ([`StoredQueue`], [`LoadedQueue`]); see the parent module's
//! "The queue".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Kind, SealedError, open_json, seal_json, series};
use crate::schedule::{Item, ItemId, PlannedPost, Queue, ScheduleError, SeriesId};
use crate::vault::{Dek, Entropy};

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
    pub(super) contents: BTreeMap<String, String>,
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
    pub(super) kept: BTreeMap<ItemId, (Vec<PlannedPost>, String)>,
    pub(super) kept_series: BTreeMap<SeriesId, String>,
    /// The items opened at load, with their posts then and their sealed contents: stored again
    /// under the same key and unchanged, an item keeps its sealed contents (no new nonce, no
    /// encryption: a write of a 10,000-item queue seals only what changed).
    pub(super) opened: BTreeMap<ItemId, (Vec<PlannedPost>, String)>,
    /// The key `opened` was opened with.
    pub(super) opened_with: Option<Dek>,
    /// Whether some item was stored in clear (from before sealing): the next write must seal it.
    pub(super) had_clear: bool,
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
