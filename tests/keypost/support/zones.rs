//! Time zones and instants for the native tests of local-time rules (`support::zones`, used by
//! `recur`, `series` and `slots`), without a zone database.

use keypost::civil::{self, Civil, DAY};

/// One hour, in milliseconds.
pub const HOUR: i64 = 3_600_000;

/// Europe/Berlin's offset at an instant (the EU rule, in force since 1996): +01:00, and
/// +02:00 from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC.
pub fn berlin(utc_ms: i64) -> i64 {
    let year = Civil::of(utc_ms).year;
    let last_sunday = |month: u32| {
        let last = civil::days_from_civil(year, month, civil::days_in_month(year, month));
        last - i64::from((civil::weekday(last) + 1) % 7)
    };
    let summer_from = last_sunday(3) * DAY + HOUR;
    let summer_to = last_sunday(10) * DAY + HOUR;
    if (summer_from..summer_to).contains(&utc_ms) {
        2 * HOUR
    } else {
        HOUR
    }
}

/// The instant of a UTC date and time, Unix milliseconds.
pub fn utc(y: i64, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
    Civil {
        year: y,
        month: mo,
        day: d,
        hour: h,
        minute: mi,
        second: 0,
    }
    .to_ms()
}
