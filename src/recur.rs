//! Recurring posts: a rule in local wall-clock time (daily, chosen weekdays, every N days,
//! ending on a date or after a count) and the instant of each occurrence, with the text
//! variations that keep X from refusing a repeat as a duplicate.
//!
//! Sans-IO: the zone is a [`Zone`] the caller supplies (in the worker, the browser's `Date`),
//! so there is no zone database in the wasm. An occurrence is computed one at a time, by its
//! index, so a queue can hold only the next one. (Wiring into the queue is still to come.)

use crate::civil::{self, DAY, Zone};

/// How often.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Repeat {
    /// Every day.
    Daily,
    /// On these weekdays: bit 0 is Monday ... bit 6 Sunday.
    Weekdays(u8),
    /// Every `n` days from the first date (`n >= 1`).
    EveryDays(u32),
}

/// When the series stops.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// After this local date (the date itself included): year, month, day.
    OnDate(i64, u32, u32),
    /// After this many occurrences.
    After(u32),
}

/// A recurrence, all in the user's local time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// How often.
    pub repeat: Repeat,
    /// The first local date the series may fall on: year, month, day.
    pub start: (i64, u32, u32),
    /// Local hour, 0..=23.
    pub hour: u32,
    /// Local minute, 0..=59.
    pub minute: u32,
    /// When it stops.
    pub end: End,
}

/// Why a rule cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleError {
    /// No weekday chosen, `every 0 days`, a count of 0, an end before the start.
    Empty,
    /// An hour, minute or date out of range.
    BadTime,
}

impl RuleError {
    /// A stable code.
    pub fn code(self) -> &'static str {
        match self {
            RuleError::Empty => "recur_empty",
            RuleError::BadTime => "recur_bad_time",
        }
    }
}

/// Days scanned for one occurrence at most (a weekday rule finds one within 7).
const MAX_SCAN_DAYS: i64 = 7;
/// The most occurrences a series may have (a count end above it is refused, and a date end is
/// cut there).
pub const MAX_OCCURRENCES: u32 = 1000;

fn valid_date((y, m, d): (i64, u32, u32)) -> bool {
    (1..=12).contains(&m) && d >= 1 && d <= civil::days_in_month(y, m)
}

impl Rule {
    /// Checks the rule.
    pub fn check(&self) -> Result<(), RuleError> {
        if self.hour > 23 || self.minute > 59 || !valid_date(self.start) {
            return Err(RuleError::BadTime);
        }
        match self.repeat {
            Repeat::Weekdays(mask) if mask & 0x7f == 0 => return Err(RuleError::Empty),
            Repeat::EveryDays(0) => return Err(RuleError::Empty),
            _ => {}
        }
        match self.end {
            End::After(0) => Err(RuleError::Empty),
            End::After(n) if n > MAX_OCCURRENCES => Err(RuleError::Empty),
            End::OnDate(y, m, d) if !valid_date((y, m, d)) => Err(RuleError::BadTime),
            _ if self.occurrence(&civil::FixedOffset(0), 0).is_none() => Err(RuleError::Empty),
            _ => Ok(()),
        }
    }

    fn start_day(&self) -> i64 {
        let (y, m, d) = self.start;
        civil::days_from_civil(y, m, d)
    }

    fn matches(&self, day: i64) -> bool {
        match self.repeat {
            Repeat::Daily => true,
            Repeat::Weekdays(mask) => mask & (1 << civil::weekday(day)) != 0,
            Repeat::EveryDays(n) => (day - self.start_day()).rem_euclid(i64::from(n.max(1))) == 0,
        }
    }

    /// The local day (days since 1970-01-01) of the occurrence after `day`, or of the first
    /// one when `day` is `None`.
    fn next_day(&self, day: Option<i64>) -> Option<i64> {
        let from = match (day, &self.repeat) {
            (None, _) => self.start_day(),
            (Some(d), Repeat::EveryDays(n)) => return Some(d + i64::from(*n)),
            (Some(d), _) => d + 1,
        };
        (from..from + MAX_SCAN_DAYS).find(|d| self.matches(*d))
    }

    fn within_end(&self, index: u32, day: i64) -> bool {
        index < MAX_OCCURRENCES
            && match self.end {
                End::After(n) => index < n,
                End::OnDate(y, m, d) => day <= civil::days_from_civil(y, m, d),
            }
    }

    /// The instant (Unix milliseconds) of occurrence `index` (0 is the first), or `None` past
    /// the end. A time skipped by a spring-forward change goes out after the gap (02:30 at
    /// 03:30); a time repeated in autumn goes out once, at its first occurrence.
    pub fn occurrence(&self, zone: &impl Zone, index: u32) -> Option<i64> {
        let mut day = self.next_day(None)?;
        for _ in 0..index {
            day = self.next_day(Some(day))?;
        }
        if !self.within_end(index, day) {
            return None;
        }
        let local = day * DAY + i64::from(self.hour) * 3_600_000 + i64::from(self.minute) * 60_000;
        Some(civil::local_to_utc(zone, local))
    }

    /// The first occurrence at or after `now_ms`: its index and instant (what to queue next
    /// when a series starts or resumes).
    pub fn next_from(&self, zone: &impl Zone, now_ms: i64) -> Option<(u32, i64)> {
        (0..MAX_OCCURRENCES)
            .map_while(|i| self.occurrence(zone, i).map(|at| (i, at)))
            .find(|(_, at)| *at >= now_ms)
    }
}

/// How each occurrence's text differs from the last, so X does not refuse it as a duplicate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Variation {
    /// ` (2)`, ` (3)`, ... after the text from the second occurrence on.
    NumberedSuffix,
    /// The texts in turn (at least two).
    Rotate(Vec<String>),
}

/// The text of occurrence `index`.
pub fn text_for(base: &str, variation: &Variation, index: u32) -> String {
    match variation {
        Variation::NumberedSuffix if index == 0 => base.to_owned(),
        Variation::NumberedSuffix => format!("{base} ({})", index + 1),
        Variation::Rotate(texts) if texts.is_empty() => base.to_owned(),
        Variation::Rotate(texts) => texts
            .get(index as usize % texts.len())
            .cloned()
            .unwrap_or_else(|| base.to_owned()),
    }
}

/// Whether two neighbouring occurrences would carry the same text (which X refuses).
pub fn repeats_text(base: &str, variation: &Variation, count: u32) -> bool {
    (1..count.min(MAX_OCCURRENCES))
        .any(|i| text_for(base, variation, i) == text_for(base, variation, i - 1))
}
