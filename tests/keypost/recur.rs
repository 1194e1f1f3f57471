//! Recurrence rules in local time: daily, weekdays, every N days, end by date or count, the
//! daylight-saving changes of a real zone's rules (Europe/Berlin: +01:00, +02:00 from the last
//! Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC), month and year ends, and
//! the text variations.

use keypost::civil::{self, Civil, FixedOffset};
use keypost::recur::{End, Repeat, Rule, RuleError, Variation, repeats_text, text_for};

use crate::support::zones;
use zones::{HOUR, berlin, utc};

fn daily(start: (i64, u32, u32), hour: u32, minute: u32, end: End) -> Rule {
    Rule {
        repeat: Repeat::Daily,
        start,
        hour,
        minute,
        end,
    }
}

fn all(rule: &Rule, zone: &impl civil::Zone) -> Vec<i64> {
    (0..).map_while(|i| rule.occurrence(zone, i)).collect()
}

#[test]
fn a_02_30_daily_post_on_the_spring_forward_day_goes_out_at_03_30() {
    let rule = daily((2026, 3, 28), 2, 30, End::After(3));
    assert_eq!(
        all(&rule, &berlin),
        [
            utc(2026, 3, 28, 1, 30), // 02:30 CET
            utc(2026, 3, 29, 1, 30), // 02:30 does not exist: 03:30 CEST
            utc(2026, 3, 30, 0, 30), // 02:30 CEST
        ]
    );
}

#[test]
fn the_repeated_autumn_hour_posts_once_at_its_first_occurrence() {
    let rule = daily((2026, 10, 24), 2, 30, End::After(3));
    let times = all(&rule, &berlin);
    assert_eq!(
        times,
        [
            utc(2026, 10, 24, 0, 30), // 02:30 CEST
            utc(2026, 10, 25, 0, 30), // 02:30 CEST, the first of the two
            utc(2026, 10, 26, 1, 30), // 02:30 CET
        ]
    );
    // 25 hours between the last two, 24 elsewhere: the wall clock stays at 02:30.
    assert_eq!(times[2] - times[1], 25 * HOUR);
    for t in times {
        let local = Civil::of(civil::utc_to_local(&berlin, t));
        assert_eq!((local.hour, local.minute), (2, 30));
    }
}

#[test]
fn a_daily_09_00_keeps_the_wall_clock_across_both_changes() {
    let rule = daily((2026, 3, 27), 9, 0, End::OnDate(2026, 11, 1));
    let times = all(&rule, &berlin);
    assert_eq!(times.len(), 220, "27 March to 1 November, both included");
    for t in &times {
        let local = Civil::of(civil::utc_to_local(&berlin, *t));
        assert_eq!((local.hour, local.minute), (9, 0));
    }
}

#[test]
fn month_and_year_ends_and_every_n_days() {
    let rule = daily((2026, 12, 30), 23, 45, End::After(3));
    let days: Vec<(i64, u32, u32)> = all(&rule, &FixedOffset(0))
        .into_iter()
        .map(|t| {
            let c = Civil::of(t);
            (c.year, c.month, c.day)
        })
        .collect();
    assert_eq!(days, [(2026, 12, 30), (2026, 12, 31), (2027, 1, 1)]);
    let every3 = Rule {
        repeat: Repeat::EveryDays(3),
        start: (2027, 2, 26),
        hour: 8,
        minute: 0,
        end: End::OnDate(2027, 3, 7),
    };
    let dates: Vec<(u32, u32)> = all(&every3, &FixedOffset(0))
        .into_iter()
        .map(|t| (Civil::of(t).month, Civil::of(t).day))
        .collect();
    assert_eq!(
        dates,
        [(2, 26), (3, 1), (3, 4), (3, 7)],
        "2027 has no 29 February"
    );
    let leap = Rule {
        start: (2028, 2, 27),
        ..every3
    };
    assert_eq!(
        Civil::of(leap.occurrence(&FixedOffset(0), 1).unwrap_or(0)).day,
        1
    );
}

#[test]
fn weekdays_start_on_the_first_matching_day_and_end_by_count() {
    // Monday and Friday; 2026-12-02 is a Wednesday.
    let rule = Rule {
        repeat: Repeat::Weekdays(0b001_0001),
        start: (2026, 12, 2),
        hour: 17,
        minute: 30,
        end: End::After(4),
    };
    let days: Vec<u32> = all(&rule, &FixedOffset(HOUR))
        .into_iter()
        .map(|t| Civil::of(t + HOUR).day)
        .collect();
    assert_eq!(days, [4, 7, 11, 14]);
    assert_eq!(
        rule.next_from(&FixedOffset(HOUR), utc(2026, 12, 7, 16, 31)),
        Some((2, utc(2026, 12, 11, 16, 30)))
    );
}

#[test]
fn empty_or_out_of_range_rules_are_refused() {
    let base = daily((2026, 12, 1), 9, 0, End::After(2));
    assert_eq!(base.check(), Ok(()));
    let none = Rule {
        repeat: Repeat::Weekdays(0),
        ..base.clone()
    };
    assert_eq!(none.check(), Err(RuleError::Empty));
    let zero = Rule {
        repeat: Repeat::EveryDays(0),
        ..base.clone()
    };
    assert_eq!(zero.check(), Err(RuleError::Empty));
    let ended = Rule {
        end: End::OnDate(2026, 11, 30),
        ..base.clone()
    };
    assert_eq!(ended.check(), Err(RuleError::Empty));
    let bad = Rule {
        hour: 24,
        ..base.clone()
    };
    assert_eq!(bad.check(), Err(RuleError::BadTime));
    let bad_date = Rule {
        start: (2026, 2, 30),
        ..base
    };
    assert_eq!(bad_date.check(), Err(RuleError::BadTime));
}

#[test]
fn variations_never_repeat_the_previous_text() {
    let suffix = Variation::NumberedSuffix;
    assert_eq!(text_for("Daily tip", &suffix, 0), "Daily tip");
    assert_eq!(text_for("Daily tip", &suffix, 1), "Daily tip (2)");
    assert!(!repeats_text("Daily tip", &suffix, 100));
    let rotate = Variation::Rotate(vec!["a".into(), "b".into(), "c".into()]);
    let texts: Vec<String> = (0..4).map(|i| text_for("", &rotate, i)).collect();
    assert_eq!(texts, ["a", "b", "c", "a"]);
    assert!(!repeats_text("", &rotate, 10));
    assert!(repeats_text("", &Variation::Rotate(vec!["same".into()]), 2));
}
