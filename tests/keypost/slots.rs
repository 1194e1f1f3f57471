//! Posting slots: validation, the next free slot in a real zone's rules (Europe/Berlin: +01:00,
//! +02:00 from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC)
//! across both daylight-saving changes, month and year ends, a full calendar, and the week view.

use keypost::civil::{self, DAY, FixedOffset};
use keypost::slots::{
    LEAD_MS, MAX_SLOTS, SEARCH_WEEKS, Slot, SlotError, next_free, validate, week_view,
};

use crate::support::zones;
use zones::{HOUR, berlin, utc};

const MINUTE: i64 = 60_000;

fn slot(days: &[u8], time: &str) -> Slot {
    Slot {
        days: days.to_vec(),
        time: time.to_owned(),
    }
}

const WEEKDAYS: &[u8] = &[0, 1, 2, 3, 4];
const EVERY_DAY: &[u8] = &[0, 1, 2, 3, 4, 5, 6];

/// Takes the next free slot `n` times, as pressing "Add to queue" n times would.
fn fill(slots: &[Slot], now: i64, n: usize, zone: &impl civil::Zone) -> Vec<i64> {
    let mut taken = Vec::new();
    for _ in 0..n {
        let at = next_free(slots, &taken, now, zone).expect("a free slot");
        taken.push(at);
    }
    taken
}

#[test]
fn weekday_slots_fill_in_order_and_skip_the_weekend() {
    let slots = [slot(WEEKDAYS, "17:30"), slot(WEEKDAYS, "09:00")];
    // Friday 2026-12-04 08:00 in Berlin (07:00 UTC).
    let now = utc(2026, 12, 4, 7, 0);
    assert_eq!(
        fill(&slots, now, 4, &berlin),
        [
            utc(2026, 12, 4, 8, 0),   // Fri 09:00
            utc(2026, 12, 4, 16, 30), // Fri 17:30
            utc(2026, 12, 7, 8, 0),   // Mon 09:00
            utc(2026, 12, 7, 16, 30), // Mon 17:30
        ]
    );
}

#[test]
fn a_slot_less_than_a_minute_ahead_or_past_is_passed_over() {
    let slots = [slot(EVERY_DAY, "09:00")];
    let zone = FixedOffset(0);
    let nine = utc(2026, 12, 1, 9, 0);
    assert_eq!(next_free(&slots, &[], nine - LEAD_MS, &zone), Ok(nine));
    assert_eq!(
        next_free(&slots, &[], nine - LEAD_MS + 1, &zone),
        Ok(nine + DAY)
    );
    assert_eq!(next_free(&slots, &[], nine + 1, &zone), Ok(nine + DAY));
}

#[test]
fn taken_means_an_item_due_in_the_same_minute() {
    let slots = [slot(EVERY_DAY, "09:00")];
    let zone = FixedOffset(0);
    let now = utc(2026, 12, 1, 0, 0);
    let nine = utc(2026, 12, 1, 9, 0);
    // An item at 09:00:45 holds the 09:00 slot; one at 09:01 or 08:59:59 does not.
    assert_eq!(
        next_free(&slots, &[nine + 45_000], now, &zone),
        Ok(nine + DAY)
    );
    assert_eq!(next_free(&slots, &[nine + MINUTE], now, &zone), Ok(nine));
    assert_eq!(next_free(&slots, &[nine - 1000], now, &zone), Ok(nine));
}

#[test]
fn a_slot_in_the_spring_forward_gap_goes_out_at_the_first_instant_after_it() {
    // Sunday 2026-03-29: 02:00 CET becomes 03:00 CEST; 02:30 does not exist.
    let slots = [slot(EVERY_DAY, "02:30")];
    let now = utc(2026, 3, 28, 12, 0);
    assert_eq!(
        fill(&slots, now, 3, &berlin),
        [
            utc(2026, 3, 29, 1, 0),  // 03:00 CEST: the first instant after the gap
            utc(2026, 3, 30, 0, 30), // 02:30 CEST
            utc(2026, 3, 31, 0, 30),
        ]
    );
    // A 09:00 slot keeps the wall clock across the change.
    let nine = [slot(EVERY_DAY, "09:00")];
    assert_eq!(
        fill(&nine, now, 2, &berlin),
        [utc(2026, 3, 29, 7, 0), utc(2026, 3, 30, 7, 0)]
    );
}

#[test]
fn a_repeated_autumn_time_is_its_first_occurrence_and_used_once() {
    // Sunday 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
    let slots = [slot(&[6], "02:30")];
    let now = utc(2026, 10, 24, 12, 0);
    let first = utc(2026, 10, 25, 0, 30); // 02:30 CEST
    assert_eq!(next_free(&slots, &[], now, &berlin), Ok(first));
    // Once taken, the next is a week later (not the second 02:30 an hour on).
    assert_eq!(
        next_free(&slots, &[first], now, &berlin),
        Ok(utc(2026, 11, 1, 1, 30))
    );
}

#[test]
fn month_and_year_ends_roll_over() {
    let slots = [slot(EVERY_DAY, "23:30"), slot(EVERY_DAY, "00:15")];
    // 2026-12-31 23:00 in Berlin.
    let now = utc(2026, 12, 31, 22, 0);
    assert_eq!(
        fill(&slots, now, 3, &berlin),
        [
            utc(2026, 12, 31, 22, 30), // 31 Dec 23:30
            utc(2026, 12, 31, 23, 15), // 1 Jan 2027 00:15
            utc(2027, 1, 1, 22, 30),   // 1 Jan 23:30
        ]
    );
    // 28 February 2027 (not a leap year) goes to 1 March; 2028's 29 February exists.
    let monday = [slot(&[0], "10:00")];
    assert_eq!(
        next_free(&monday, &[], utc(2027, 2, 27, 0, 0), &FixedOffset(0)),
        Ok(utc(2027, 3, 1, 10, 0))
    );
    let tuesday = [slot(&[1], "10:00")];
    assert_eq!(
        next_free(&tuesday, &[], utc(2028, 2, 27, 0, 0), &FixedOffset(0)),
        Ok(utc(2028, 2, 29, 10, 0))
    );
}

#[test]
fn a_zone_far_from_utc_uses_its_own_local_days() {
    // UTC+13 (Tonga): Monday 09:00 local is Sunday 20:00 UTC.
    let zone = FixedOffset(13 * HOUR);
    let slots = [slot(&[0], "09:00")];
    let now = utc(2026, 11, 29, 12, 0); // Sunday noon UTC, Monday 01:00 local
    assert_eq!(
        next_free(&slots, &[], now, &zone),
        Ok(utc(2026, 11, 29, 20, 0))
    );
    // UTC-10 (Hawaii): Sunday 23:30 local is Monday 09:30 UTC.
    let hawaii = FixedOffset(-10 * HOUR);
    let sunday = [slot(&[6], "23:30")];
    assert_eq!(
        next_free(&sunday, &[], utc(2026, 11, 30, 0, 0), &hawaii),
        Ok(utc(2026, 11, 30, 9, 30))
    );
}

#[test]
fn a_full_calendar_answers_none_free_instead_of_looping() {
    let slots = [slot(WEEKDAYS, "09:00")];
    // Tuesday 2026-12-01 01:00 Berlin: the search covers 8 weeks from today, 40 weekdays.
    let now = utc(2026, 12, 1, 0, 0);
    let weeks = usize::try_from(SEARCH_WEEKS).unwrap_or(0);
    let taken = fill(&slots, now, weeks * 5, &berlin);
    assert_eq!(
        taken.last(),
        Some(&utc(2027, 1, 25, 8, 0)),
        "a Monday, 8 weeks on"
    );
    assert_eq!(
        next_free(&slots, &taken, now, &berlin),
        Err(SlotError::NoneFree {
            weeks: SEARCH_WEEKS
        })
    );
    assert_eq!(next_free(&[], &[], now, &berlin), Err(SlotError::NoSlots));
}

#[test]
fn bad_slot_lists_are_refused_with_the_slot_named() {
    let ok = slot(WEEKDAYS, "09:00");
    let cases: Vec<(Vec<Slot>, SlotError)> = vec![
        (
            vec![ok.clone(), slot(WEEKDAYS, "24:00")],
            SlotError::BadTime { index: 1 },
        ),
        (
            vec![slot(WEEKDAYS, "9:00")],
            SlotError::BadTime { index: 0 },
        ),
        (
            vec![slot(WEEKDAYS, "09:60")],
            SlotError::BadTime { index: 0 },
        ),
        (vec![slot(WEEKDAYS, "")], SlotError::BadTime { index: 0 }),
        (
            vec![slot(WEEKDAYS, "０９:00")],
            SlotError::BadTime { index: 0 },
        ),
        (vec![slot(&[], "09:00")], SlotError::NoWeekday { index: 0 }),
        (
            vec![slot(&[7], "09:00")],
            SlotError::BadWeekday { index: 0 },
        ),
        (
            vec![ok.clone(), slot(&[4, 5], "09:00")],
            SlotError::Duplicate { index: 1 },
        ),
        (
            (0..=MAX_SLOTS)
                .map(|i| slot(&[0], &format!("{:02}:{:02}", i / 60, i % 60)))
                .collect(),
            SlotError::TooMany {
                count: MAX_SLOTS + 1,
            },
        ),
    ];
    for (slots, expected) in cases {
        assert_eq!(validate(&slots), Err(expected), "{slots:?}");
        assert_eq!(
            next_free(&slots, &[], 0, &FixedOffset(0)),
            Err(expected),
            "{slots:?}"
        );
        assert!(expected.code().starts_with("slot_"));
    }
    // The same time on other weekdays is no duplicate; the stored form is sorted.
    let max: Vec<Slot> = (0..MAX_SLOTS)
        .map(|i| slot(&[0], &format!("{:02}:{:02}", i / 60, i % 60)))
        .collect();
    assert_eq!(validate(&max).map(|s| s.len()), Ok(MAX_SLOTS));
    assert_eq!(
        validate(&[
            slot(&[5, 6, 5], "17:30"),
            slot(WEEKDAYS, "17:30"),
            ok.clone()
        ]),
        Ok(vec![ok, slot(WEEKDAYS, "17:30"), slot(&[5, 6], "17:30"),])
    );
}

#[test]
fn the_week_view_buckets_by_local_day_across_a_change() {
    // Saturday 2026-10-24 12:00 Berlin; the change is on Sunday.
    let now = utc(2026, 10, 24, 10, 0);
    let due = [
        utc(2026, 10, 25, 23, 30), // Monday 00:30 CET
        utc(2026, 10, 24, 21, 59), // Saturday 23:59 CEST
        utc(2026, 10, 24, 22, 0),  // Sunday 00:00 CEST
        utc(2026, 10, 31, 23, 0),  // Sunday 1 Nov 00:00: the eighth day, left out
        utc(2026, 10, 24, 5, 0),   // earlier today: still today
    ];
    let week = week_view(&due, now, &berlin);
    let dates: Vec<&str> = week.iter().map(|d| d.date.as_str()).collect();
    assert_eq!(
        dates,
        [
            "2026-10-24",
            "2026-10-25",
            "2026-10-26",
            "2026-10-27",
            "2026-10-28",
            "2026-10-29",
            "2026-10-30"
        ]
    );
    assert_eq!(week[0].weekday, 5, "Saturday");
    assert_eq!(week[0].items, [4, 1]);
    assert_eq!(week[1].items, [2]);
    assert_eq!(week[2].items, [0]);
    assert!(week[3..].iter().all(|d| d.items.is_empty()));
}
