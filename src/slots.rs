//! Posting slots: per account, weekly local times ("09:00 and 17:30 on weekdays"); "Add to
//! queue" takes the next one no waiting item of the account holds, and the queue view's coming
//! week by local day.
//!
//! Sans-IO: the zone is a [`Zone`] the caller supplies (in the worker, the browser's `Date`),
//! as in [`crate::recur`]. A local time skipped by a spring-forward change is taken at the
//! first instant after the gap (02:30 at 03:00); a time repeated in autumn at its first
//! occurrence ([`civil::local_to_utc`]).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::civil::{self, DAY, Zone};

/// The most slots one account may have.
pub const MAX_SLOTS: usize = 28;
/// How far ahead "Add to queue" looks for a free slot, in weeks.
pub const SEARCH_WEEKS: i64 = 8;
/// A slot closer than this to now is passed over (there would be no time to change one's mind
/// or for the worker to wake), in milliseconds.
pub const LEAD_MS: i64 = 60_000;
/// Days in the queue view's week.
pub const WEEK_DAYS: usize = 7;

const MINUTE: i64 = 60_000;

/// One slot as pages send and the worker stores it: weekdays (0 Monday ... 6 Sunday) and a
/// local time `HH:MM`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    /// The weekdays, 0 for Monday ... 6 for Sunday.
    pub days: Vec<u8>,
    /// Local wall-clock time, `HH:MM` (24-hour).
    pub time: String,
}

/// Why a slot list is refused. `index` is the slot's place in the list (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotError {
    /// The time is not `HH:MM` with 00..=23 and 00..=59.
    BadTime {
        /// Which slot.
        index: usize,
    },
    /// No weekday chosen.
    NoWeekday {
        /// Which slot.
        index: usize,
    },
    /// A weekday outside 0..=6.
    BadWeekday {
        /// Which slot.
        index: usize,
    },
    /// More than [`MAX_SLOTS`] slots.
    TooMany {
        /// How many were given.
        count: usize,
    },
    /// The same weekday and time as an earlier slot.
    Duplicate {
        /// Which slot repeats an earlier one.
        index: usize,
    },
    /// The account has no slots.
    NoSlots,
    /// Every slot in the next [`SEARCH_WEEKS`] weeks is taken.
    NoneFree {
        /// How many weeks were searched.
        weeks: i64,
    },
}

impl SlotError {
    /// A stable code.
    pub fn code(self) -> &'static str {
        match self {
            SlotError::BadTime { .. } => "slot_bad_time",
            SlotError::NoWeekday { .. } => "slot_no_weekday",
            SlotError::BadWeekday { .. } => "slot_bad_weekday",
            SlotError::TooMany { .. } => "slot_too_many",
            SlotError::Duplicate { .. } => "slot_duplicate",
            SlotError::NoSlots => "slot_none",
            SlotError::NoneFree { .. } => "slot_none_free",
        }
    }

    /// The slot the error is about, if one.
    pub fn index(self) -> Option<usize> {
        match self {
            SlotError::BadTime { index }
            | SlotError::NoWeekday { index }
            | SlotError::BadWeekday { index }
            | SlotError::Duplicate { index } => Some(index),
            _ => None,
        }
    }
}

/// A checked slot: weekday mask (bit 0 Monday) and minutes after local midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Checked {
    mask: u8,
    minute_of_day: i64,
}

fn parse_time(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 5 || b[2] != b':' {
        return None;
    }
    let two = |at: usize| -> Option<i64> {
        let (hi, lo) = (b[at], b[at + 1]);
        (hi.is_ascii_digit() && lo.is_ascii_digit())
            .then(|| i64::from(hi - b'0') * 10 + i64::from(lo - b'0'))
    };
    let (h, m) = (two(0)?, two(3)?);
    (h <= 23 && m <= 59).then_some(h * 60 + m)
}

fn check_all(slots: &[Slot]) -> Result<Vec<Checked>, SlotError> {
    if slots.len() > MAX_SLOTS {
        return Err(SlotError::TooMany { count: slots.len() });
    }
    let mut out: Vec<Checked> = Vec::with_capacity(slots.len());
    for (index, slot) in slots.iter().enumerate() {
        let minute_of_day = parse_time(&slot.time).ok_or(SlotError::BadTime { index })?;
        if slot.days.is_empty() {
            return Err(SlotError::NoWeekday { index });
        }
        let mut mask = 0u8;
        for &d in &slot.days {
            if d > 6 {
                return Err(SlotError::BadWeekday { index });
            }
            mask |= 1 << d;
        }
        if out
            .iter()
            .any(|c| c.minute_of_day == minute_of_day && c.mask & mask != 0)
        {
            return Err(SlotError::Duplicate { index });
        }
        out.push(Checked {
            mask,
            minute_of_day,
        });
    }
    Ok(out)
}

/// Checks a slot list and returns it in its stored form: each slot's weekdays sorted without
/// repeats, the slots by time then first weekday.
pub fn validate(slots: &[Slot]) -> Result<Vec<Slot>, SlotError> {
    let checked = check_all(slots)?;
    let mut out: Vec<(i64, u8, Slot)> = checked
        .iter()
        .zip(slots)
        .map(|(c, s)| {
            let days: Vec<u8> = (0..7u8).filter(|d| c.mask & (1 << d) != 0).collect();
            let first = days.first().copied().unwrap_or(0);
            (
                c.minute_of_day,
                first,
                Slot {
                    days,
                    time: s.time.clone(),
                },
            )
        })
        .collect();
    out.sort_by_key(|(minute, first, _)| (*minute, *first));
    Ok(out.into_iter().map(|(_, _, s)| s).collect())
}

/// The instant of a local slot time: [`civil::local_to_utc`], except that a time skipped by a
/// spring-forward change is the first instant after the gap (the change itself: 02:30 on the
/// change day is 03:00 after it), not moved by the gap's length.
fn slot_instant(zone: &impl Zone, local_ms: i64) -> i64 {
    let utc = civil::local_to_utc(zone, local_ms);
    let gap = civil::utc_to_local(zone, utc).saturating_sub(local_ms);
    if gap <= 0 {
        return utc;
    }
    // In the gap: the change lies in (utc - gap, utc]; find its first instant.
    let before = zone.offset_ms(utc.saturating_sub(gap));
    let (mut lo, mut hi) = (utc.saturating_sub(gap), utc);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if zone.offset_ms(mid) == before {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

/// The first slot instant (Unix milliseconds) at least [`LEAD_MS`] after `now_ms` that no
/// instant of `taken` falls in the same minute of (`taken`: the due times of the account's
/// waiting items). A slot time skipped by a spring-forward change counts at the first instant
/// after the gap; one repeated in autumn at its first occurrence. Refuses an empty or invalid
/// list, and answers [`SlotError::NoneFree`] when the next [`SEARCH_WEEKS`] weeks are full.
pub fn next_free(
    slots: &[Slot],
    taken: &[i64],
    now_ms: i64,
    zone: &impl Zone,
) -> Result<i64, SlotError> {
    let checked = check_all(slots)?;
    if checked.is_empty() {
        return Err(SlotError::NoSlots);
    }
    let taken: HashSet<i64> = taken.iter().map(|t| t.div_euclid(MINUTE)).collect();
    let earliest = now_ms.saturating_add(LEAD_MS);
    // Today and the following days, SEARCH_WEEKS weeks in all.
    let today = civil::utc_to_local(zone, now_ms).div_euclid(DAY);
    for day in today..today + SEARCH_WEEKS * 7 {
        let weekday = civil::weekday(day);
        let mut instants: Vec<i64> = checked
            .iter()
            .filter(|c| c.mask & (1 << weekday) != 0)
            .map(|c| slot_instant(zone, day * DAY + c.minute_of_day * MINUTE))
            .collect();
        instants.sort_unstable();
        if let Some(at) = instants
            .into_iter()
            .find(|at| *at >= earliest && !taken.contains(&at.div_euclid(MINUTE)))
        {
            return Ok(at);
        }
    }
    Err(SlotError::NoneFree {
        weeks: SEARCH_WEEKS,
    })
}

/// One local day of the queue view's week.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WeekDay {
    /// The local date, `YYYY-MM-DD`.
    pub date: String,
    /// 0 for Monday ... 6 for Sunday.
    pub weekday: u32,
    /// The positions in the given list of the instants that fall on this day, earliest first.
    pub items: Vec<usize>,
}

/// The coming [`WEEK_DAYS`] local days from today (today included), each with the positions
/// of the `due` instants that fall on it, earliest first. Instants on other days (a late item
/// from yesterday, a post next month) are left out.
pub fn week_view(due: &[i64], now_ms: i64, zone: &impl Zone) -> Vec<WeekDay> {
    let today = civil::utc_to_local(zone, now_ms).div_euclid(DAY);
    let mut days: Vec<WeekDay> = (0..WEEK_DAYS as i64)
        .map(|i| {
            let (y, m, d) = civil::civil_from_days(today + i);
            WeekDay {
                date: format!("{y:04}-{m:02}-{d:02}"),
                weekday: civil::weekday(today + i),
                items: Vec::new(),
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..due.len()).collect();
    order.sort_by_key(|&i| due.get(i).copied().unwrap_or_default());
    for i in order {
        let Some(&at) = due.get(i) else { continue };
        let offset = civil::utc_to_local(zone, at).div_euclid(DAY) - today;
        if let Some(day) = usize::try_from(offset).ok().and_then(|o| days.get_mut(o)) {
            day.items.push(i);
        }
    }
    days
}
