//! The texts of recurring series, sealed like the items' contents: a series' text and its
//! rotation are blanked in the clear queue and sealed per series under
//! `keypost-sealed;v=1;kind=series;id=N` (the stored queue's `series` map). While locked a
//! series stays blank, and a blank series queues nothing ([`Series::has_texts`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Kind, SealedError, open_json, seal_json};
use crate::recur::Variation;
use crate::schedule::{Queue, Series, SeriesId};
use crate::vault::{Dek, Entropy};

/// What of a series is sealed.
#[derive(Serialize, Deserialize)]
struct SeriesContents {
    text: String,
    #[serde(default)]
    rotate: Vec<String>,
}

fn rotation(series: &mut Series) -> Option<&mut Vec<String>> {
    match &mut series.spec.variation {
        Variation::Rotate(texts) => Some(texts),
        Variation::NumberedSuffix => None,
    }
}

fn contents(series: &Series) -> SeriesContents {
    SeriesContents {
        text: series.spec.text.clone(),
        rotate: match &series.spec.variation {
            Variation::Rotate(texts) => texts.clone(),
            Variation::NumberedSuffix => Vec::new(),
        },
    }
}

fn blank(series: &mut Series) {
    series.spec.text.clear();
    if let Some(texts) = rotation(series) {
        texts.iter_mut().for_each(String::clear);
    }
}

fn fill(series: &mut Series, c: SeriesContents) -> bool {
    match rotation(series) {
        Some(texts) if texts.len() == c.rotate.len() => *texts = c.rotate,
        None if c.rotate.is_empty() => {}
        _ => return false,
    }
    series.spec.text = c.text;
    true
}

/// Opens every series sealed in `stored` with `dek`; returns the sealed texts of those that did
/// not open (they stay blank).
pub(super) fn open_all(
    queue: &mut Queue,
    stored: &BTreeMap<String, String>,
    dek: Option<&Dek>,
) -> BTreeMap<SeriesId, String> {
    let mut kept = BTreeMap::new();
    for series in queue.series_all_mut() {
        let Some(blob) = stored.get(&series.id.0.to_string()) else {
            continue;
        };
        blank(series);
        let opened = dek
            .and_then(|dek| open_json::<SeriesContents>(dek, Kind::Series(series.id), blob).ok())
            .is_some_and(|c| fill(series, c));
        if !opened {
            blank(series);
            kept.insert(series.id, blob.clone());
        }
    }
    kept
}

/// Seals every series of the (clear copy of the) queue and blanks it: a series that did not
/// open and is still blank keeps its sealed texts; without `dek`, one that did open keeps them
/// too (it cannot be sealed anew).
pub(super) fn seal_all<E: Entropy + ?Sized>(
    clear: &mut Queue,
    kept: &BTreeMap<SeriesId, String>,
    dek: Option<&Dek>,
    entropy: &mut E,
) -> Result<BTreeMap<String, String>, SealedError> {
    let mut out = BTreeMap::new();
    for series in clear.series_all_mut() {
        let key = series.id.0.to_string();
        match (kept.get(&series.id), dek) {
            (Some(blob), _) if !series.has_texts() => {
                out.insert(key, blob.clone());
            }
            (_, Some(dek)) => {
                let blob = seal_json(dek, Kind::Series(series.id), &contents(series), entropy)?;
                out.insert(key, blob);
                blank(series);
            }
            (Some(blob), None) => {
                out.insert(key, blob.clone());
                blank(series);
            }
            // Never sealed and no key: series were introduced after sealing, so this is
            // refused rather than stored in clear.
            (None, None) => return Err(SealedError::Unopenable),
        }
    }
    Ok(out)
}

/// Opens the kept series' texts with `old` (a key rotation); answers the series that opened
/// with neither key, whose sealed texts stay kept as they were.
pub(super) fn reopen_kept(
    queue: &mut Queue,
    kept: &mut BTreeMap<SeriesId, String>,
    old: &Dek,
) -> Vec<SeriesId> {
    let mut unopenable = Vec::new();
    for series in queue.series_all_mut() {
        let Some(blob) = kept.get(&series.id) else {
            continue;
        };
        let opened = open_json::<SeriesContents>(old, Kind::Series(series.id), blob).ok();
        if opened.is_some_and(|c| fill(series, c)) {
            kept.remove(&series.id);
        } else {
            // Kept exactly as it was (its sealed texts stay in `kept`).
            unopenable.push(series.id);
        }
    }
    unopenable
}
