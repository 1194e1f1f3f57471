//! Wall-clock time without a time-zone database: civil dates, a zone as an offset provider,
//! and the date-time forms the CSV import accepts.
//!
//! The core never reads a clock or a zone table. A [`Zone`] is whatever the caller supplies: in
//! the worker, the browser's `Date` (its offset at an instant); in native tests, a real zone
//! (chrono-tz, a dev-dependency only), so the wasm carries no zone data.

/// One minute, in milliseconds (signed: offsets and local times may be negative).
const MINUTE: i64 = 60_000;
/// One day, in milliseconds.
pub const DAY: i64 = 24 * 60 * MINUTE;

/// A time zone, as the caller knows it: the offset from UTC in force at an instant.
pub trait Zone {
    /// Local time minus UTC, in milliseconds, at the instant `utc_ms` (Unix milliseconds).
    fn offset_ms(&self, utc_ms: i64) -> i64;
}

/// A zone with one offset all year (UTC is `FixedOffset(0)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedOffset(pub i64);

impl Zone for FixedOffset {
    fn offset_ms(&self, _utc_ms: i64) -> i64 {
        self.0
    }
}

impl<F: Fn(i64) -> i64> Zone for F {
    fn offset_ms(&self, utc_ms: i64) -> i64 {
        self(utc_ms)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01: `(year, month, day)`.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The weekday of a day count since 1970-01-01: 0 for Monday ... 6 for Sunday.
pub fn weekday(days: i64) -> u32 {
    // 1970-01-01 was a Thursday.
    (days + 3).rem_euclid(7) as u32
}

/// Days in a month of a year.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// The instant of a local wall-clock time (milliseconds since 1970-01-01 as if the zone were
/// UTC). A time skipped by a spring-forward change is moved forward by the gap (02:30 becomes
/// 03:30); a time repeated in autumn is its first occurrence (the earlier instant).
pub fn local_to_utc(zone: &impl Zone, local_ms: i64) -> i64 {
    // Offsets a day either side bracket any one change near this time.
    let before = zone.offset_ms(local_ms.saturating_sub(DAY));
    let after = zone.offset_ms(local_ms.saturating_add(DAY));
    let fits = |offset: i64| {
        let utc = local_ms.saturating_sub(offset);
        (zone.offset_ms(utc) == offset).then_some(utc)
    };
    match (fits(before), fits(after)) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) | (None, Some(a)) => a,
        // In the gap: read with the offset before the change, which lands past it.
        (None, None) => local_ms.saturating_sub(before),
    }
}

/// The local wall-clock time of an instant (see [`local_to_utc`]).
pub fn utc_to_local(zone: &impl Zone, utc_ms: i64) -> i64 {
    utc_ms.saturating_add(zone.offset_ms(utc_ms))
}

/// A wall-clock time split into its fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    /// The year.
    pub year: i64,
    /// 1..=12.
    pub month: u32,
    /// 1..=31.
    pub day: u32,
    /// 0..=23.
    pub hour: u32,
    /// 0..=59.
    pub minute: u32,
    /// 0..=59.
    pub second: u32,
}

impl Civil {
    /// The fields of a local time in milliseconds (the sub-second part is dropped).
    pub fn of(local_ms: i64) -> Civil {
        let days = local_ms.div_euclid(DAY);
        let in_day = local_ms.rem_euclid(DAY) / 1000;
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: (in_day / 3600) as u32,
            minute: (in_day / 60 % 60) as u32,
            second: (in_day % 60) as u32,
        }
    }

    /// Milliseconds since 1970-01-01, as if the zone were UTC.
    pub fn to_ms(self) -> i64 {
        let days = days_from_civil(self.year, self.month, self.day);
        days * DAY
            + i64::from(self.hour) * 3_600_000
            + i64::from(self.minute) * MINUTE
            + i64::from(self.second) * 1000
    }
}

/// Formats an instant as ISO 8601 local time with its offset: `2026-12-01T09:00:00+01:00`.
pub fn format_with_offset(zone: &impl Zone, utc_ms: i64) -> String {
    let offset = zone.offset_ms(utc_ms);
    let c = Civil::of(utc_ms.saturating_add(offset));
    let sign = if offset < 0 { '-' } else { '+' };
    let minutes = offset.abs() / MINUTE;
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}",
        c.year,
        c.month,
        c.day,
        c.hour,
        c.minute,
        c.second,
        sign,
        minutes / 60,
        minutes % 60
    )
}

/// Reads `YYYY-MM-DD[T| ]HH:MM[:SS]`, then optionally `Z` or an offset `±HH:MM` / `±HHMM`.
/// Without a zone the time is local to `zone`. Returns Unix milliseconds, or `None` for
/// anything else (a 31st of April, 24:00, a missing time...).
pub fn parse_date_time(text: &str, zone: &impl Zone) -> Option<i64> {
    let s = text.trim();
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let part = b.get(from..from + len)?;
        if part.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(part).ok()?.parse().ok()
        } else {
            None
        }
    };
    let sep = |at: usize, options: &[u8]| b.get(at).is_some_and(|c| options.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"T t") && sep(13, b":")) {
        return None;
    }
    let year = i64::from(num(0, 4)?);
    let (month, day, hour, minute) = (num(5, 2)?, num(8, 2)?, num(11, 2)?, num(14, 2)?);
    let mut at = 16;
    let mut second = 0;
    if sep(16, b":") {
        second = num(17, 2)?;
        at = 19;
    }
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let local = Civil {
        year,
        month,
        day,
        hour,
        minute,
        second,
    }
    .to_ms();
    let rest = s.get(at..)?.trim_start();
    match rest.as_bytes() {
        [] => Some(local_to_utc(zone, local)),
        [b'Z' | b'z'] => Some(local),
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let digits: Vec<u8> = tail.iter().copied().filter(|c| *c != b':').collect();
            let colons = tail.len() - digits.len();
            if digits.len() != 4 || colons > 1 || !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            if colons == 1 && tail.get(2) != Some(&b':') {
                return None;
            }
            let value = |i: usize| i64::from(digits.get(i).map_or(0, |c| c - b'0'));
            let hh = value(0) * 10 + value(1);
            let mm = value(2) * 10 + value(3);
            if hh > 18 || mm > 59 {
                return None;
            }
            let offset = (hh * 60 + mm) * MINUTE;
            Some(if *sign == b'+' {
                local - offset
            } else {
                local + offset
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trips_across_centuries_and_leap_days() {
        for days in (-800_000..800_000).step_by(97) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(weekday(days_from_civil(2026, 11, 30)), 0, "a Monday");
    }

    #[test]
    fn parses_utc_offsets_and_local() {
        let utc = FixedOffset(0);
        let t = parse_date_time("2026-12-01T09:00:00Z", &utc);
        let expected = Civil {
            year: 2026,
            month: 12,
            day: 1,
            hour: 9,
            minute: 0,
            second: 0,
        };
        assert_eq!(t, Some(expected.to_ms()));
        assert_eq!(parse_date_time("2026-12-01 10:00+01:00", &utc), t);
        assert_eq!(parse_date_time("2026-12-01T04:00-0500", &utc), t);
        let plus_two = FixedOffset(2 * 3_600_000);
        assert_eq!(parse_date_time("2026-12-01 11:00", &plus_two), t);
        for bad in [
            "2026-04-31 09:00",
            "2026-02-29 09:00",
            "2026-12-01 24:00",
            "2026-12-01",
            "01/12/2026 09:00",
            "2026-12-01 09:00 CET",
            "2026-12-01 09:00+1:00",
            "",
        ] {
            assert_eq!(parse_date_time(bad, &utc), None, "{bad}");
        }
        assert!(parse_date_time("2028-02-29 09:00", &utc).is_some());
    }

    #[test]
    fn formats_with_the_offset() {
        let zone = FixedOffset(-5 * 3_600_000 - 30 * 60_000);
        let t = parse_date_time("2026-12-01T09:00:00-05:30", &zone).unwrap_or_default();
        assert_eq!(format_with_offset(&zone, t), "2026-12-01T09:00:00-05:30");
    }
}
