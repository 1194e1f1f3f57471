//! Recurring series in the queue: one waiting occurrence at a time, each its own item with its
//! own text, the next one queued when it is sent, skipped or cancelled; ends by count and date;
//! edits and stops; the wall clock kept across a daylight-saving change; variations that X
//! would not refuse as duplicates.

use crate::support::zones;

use keypost::civil::{self, Civil, FixedOffset};
use keypost::recur::{End, Repeat, Rule, Variation};
use keypost::schedule::{
    ItemId, LatePolicy, Outcome, Queue, SeriesId, SeriesSpec, SeriesState, State, StateKind,
    rule_words,
};
use zones::berlin;

const UTC: FixedOffset = FixedOffset(0);

fn utc(y: i64, mo: u32, d: u32, h: u32, mi: u32) -> u64 {
    u64::try_from(zones::utc(y, mo, d, h, mi)).unwrap_or(0)
}

fn rule(repeat: Repeat, start: (i64, u32, u32), hour: u32, end: End) -> Rule {
    Rule {
        repeat,
        start,
        hour,
        minute: 0,
        end,
    }
}

fn spec(rule: Rule, variation: Variation) -> SeriesSpec {
    SeriesSpec {
        account_id: "acc".into(),
        rule,
        text: "Daily tip".into(),
        variation,
        late_policy: None,
    }
}

fn waiting(q: &Queue, id: SeriesId) -> Option<ItemId> {
    q.get_series(id).and_then(|s| s.current)
}

fn text(q: &Queue, id: ItemId) -> String {
    q.get(id)
        .and_then(|i| i.posts.first())
        .map(|p| p.text.clone())
        .unwrap_or_default()
}

fn due(q: &Queue, id: ItemId) -> u64 {
    q.get(id).map_or(0, |i| i.due_at_ms)
}

fn kind(q: &Queue, id: ItemId) -> Option<StateKind> {
    q.get(id).map(|i| i.state.kind())
}

/// Sends the item at its due time, as the worker does, then moves the series on.
fn send(q: &mut Queue, id: ItemId, zone: &impl civil::Zone) -> u64 {
    let now = due(q, id);
    assert!(q.begin(id, now).is_ok(), "begin {id}");
    let posted = Outcome::Posted {
        id: format!("x{id}"),
    };
    assert!(q.complete(id, posted, now + 500, 0.5).is_ok());
    q.advance_series(zone, now + 500);
    now
}

fn upcoming_of(q: &Queue, id: SeriesId) -> usize {
    q.upcoming()
        .iter()
        .filter(|i| i.series.is_some_and(|o| o.series == id))
        .count()
}

#[test]
fn a_daily_series_queues_one_occurrence_at_a_time_each_with_its_own_text() {
    let mut q = Queue::new();
    let now = utc(2026, 12, 1, 8, 59);
    let daily = rule(Repeat::Daily, (2026, 12, 1), 9, End::After(3));
    let (sid, first) = q
        .add_series(spec(daily, Variation::NumberedSuffix), &UTC, now)
        .expect("added");
    assert_eq!(due(&q, first), utc(2026, 12, 1, 9, 0));
    assert_eq!(text(&q, first), "Daily tip");
    assert_eq!(upcoming_of(&q, sid), 1);
    // Nothing new while the first waits, however often the step runs.
    assert!(q.advance_series(&UTC, now).is_empty());
    assert_eq!(upcoming_of(&q, sid), 1);

    send(&mut q, first, &UTC);
    let second = waiting(&q, sid).expect("second queued");
    assert_ne!(second, first, "its own item");
    assert_eq!(due(&q, second), utc(2026, 12, 2, 9, 0));
    assert_eq!(text(&q, second), "Daily tip (2)");
    assert_eq!(q.get_series(sid).map(|s| s.sent), Some(1));
    assert_eq!(upcoming_of(&q, sid), 1);

    send(&mut q, second, &UTC);
    let third = waiting(&q, sid).expect("third queued");
    assert_eq!(text(&q, third), "Daily tip (3)");
    send(&mut q, third, &UTC);
    let series = q.get_series(sid).expect("kept");
    assert_eq!(series.state, SeriesState::Ended, "after 3");
    assert_eq!(series.sent, 3);
    assert_eq!(series.current, None);
    assert_eq!(upcoming_of(&q, sid), 0);
}

#[test]
fn daily_at_09_00_in_berlin_stays_09_00_across_the_spring_change() {
    let mut q = Queue::new();
    // Saturday 28 March 2026, 09:00 CET; Sunday 29 March is 09:00 CEST.
    let daily = rule(Repeat::Daily, (2026, 3, 28), 9, End::OnDate(2026, 3, 30));
    let (sid, first) = q
        .add_series(
            spec(daily, Variation::NumberedSuffix),
            &berlin,
            utc(2026, 3, 27, 12, 0),
        )
        .expect("added");
    assert_eq!(due(&q, first), utc(2026, 3, 28, 8, 0), "09:00 at +01:00");
    send(&mut q, first, &berlin);
    let second = waiting(&q, sid).expect("second");
    assert_eq!(due(&q, second), utc(2026, 3, 29, 7, 0), "09:00 at +02:00");
    assert_eq!(due(&q, second) - due(&q, first), 23 * 3_600_000);
    send(&mut q, second, &berlin);
    let third = waiting(&q, sid).expect("third");
    assert_eq!(due(&q, third), utc(2026, 3, 30, 7, 0));
    send(&mut q, third, &berlin);
    assert_eq!(
        q.get_series(sid).map(|s| s.state),
        Some(SeriesState::Ended),
        "the end date is included, then it ends"
    );
    for item in q.items() {
        let local = Civil::of(civil::utc_to_local(
            &berlin,
            i64::try_from(item.due_at_ms).unwrap_or(0),
        ));
        assert_eq!((local.hour, local.minute), (9, 0));
    }
}

#[test]
fn autumn_change_keeps_09_00_in_a_weekday_series() {
    let mut q = Queue::new();
    // Fridays and Mondays; Sunday 25 October 2026 is the change back to +01:00.
    let rule = rule(
        Repeat::Weekdays(0b001_0001),
        (2026, 10, 23),
        9,
        End::After(2),
    );
    let (sid, first) = q
        .add_series(
            spec(rule, Variation::NumberedSuffix),
            &berlin,
            utc(2026, 10, 20, 0, 0),
        )
        .expect("added");
    assert_eq!(due(&q, first), utc(2026, 10, 23, 7, 0), "Friday 09:00 CEST");
    send(&mut q, first, &berlin);
    let second = waiting(&q, sid).expect("Monday");
    assert_eq!(due(&q, second), utc(2026, 10, 26, 8, 0), "Monday 09:00 CET");
}

#[test]
fn skipped_cancelled_or_removed_occurrences_bring_the_next_a_failed_one_holds_it() {
    let mut q = Queue::new();
    let now = utc(2026, 12, 1, 0, 0);
    let daily = rule(Repeat::Daily, (2026, 12, 1), 9, End::After(10));
    let mut s = spec(daily, Variation::NumberedSuffix);
    s.late_policy = Some(LatePolicy::SkipAfter { minutes: 5 });
    let (sid, first) = q.add_series(s, &UTC, now).expect("added");
    // The browser was closed for two days: the first is skipped as late.
    let later = utc(2026, 12, 3, 8, 0);
    q.apply_late(later, LatePolicy::PostLate);
    assert_eq!(kind(&q, first), Some(StateKind::Skipped));
    q.advance_series(&UTC, later);
    let next = waiting(&q, sid).expect("next");
    assert_eq!(
        due(&q, next),
        utc(2026, 12, 3, 9, 0),
        "the first time not already past, not a burst of missed ones"
    );
    assert_eq!(text(&q, next), "Daily tip (2)");
    assert_eq!(
        q.get(next).and_then(|i| i.late_policy),
        Some(LatePolicy::SkipAfter { minutes: 5 })
    );

    assert!(q.cancel(next, later).is_ok());
    q.advance_series(&UTC, later);
    let after_cancel = waiting(&q, sid).expect("after cancel");
    assert_eq!(due(&q, after_cancel), utc(2026, 12, 4, 9, 0));

    // A refusal by X fails the occurrence: the series waits for the user.
    let at = due(&q, after_cancel);
    assert!(q.begin(after_cancel, at).is_ok());
    let refused = Outcome::Permanent {
        code: "x_forbidden".into(),
    };
    assert!(q.complete(after_cancel, refused, at, 0.5).is_ok());
    assert!(q.advance_series(&UTC, at + 1).is_empty());
    assert_eq!(waiting(&q, sid), Some(after_cancel));
    assert!(q.remove(after_cancel).is_ok());
    q.advance_series(&UTC, at + 1);
    let after_remove = waiting(&q, sid).expect("after remove");
    assert_eq!(due(&q, after_remove), utc(2026, 12, 5, 9, 0));
    assert_eq!(q.get_series(sid).map(|s| s.sent), Some(0));
}

#[test]
fn editing_changes_the_waiting_occurrence_and_the_future_ones() {
    let mut q = Queue::new();
    let now = utc(2026, 12, 1, 0, 0);
    let daily = rule(Repeat::Daily, (2026, 12, 1), 9, End::After(10));
    let (sid, first) = q
        .add_series(spec(daily, Variation::NumberedSuffix), &UTC, now)
        .expect("added");
    let mut edited = spec(
        rule(Repeat::EveryDays(2), (2026, 12, 1), 18, End::After(10)),
        Variation::Rotate(vec!["Tip A".into(), "Tip B".into()]),
    );
    edited.text = "Tip A".into();
    assert!(q.edit_series(sid, edited.clone(), &UTC, now).is_ok());
    assert_eq!(waiting(&q, sid), Some(first), "the same item");
    assert_eq!(due(&q, first), utc(2026, 12, 1, 18, 0));
    assert_eq!(text(&q, first), "Tip A");
    send(&mut q, first, &UTC);
    let second = waiting(&q, sid).expect("second");
    assert_eq!(due(&q, second), utc(2026, 12, 3, 18, 0));
    assert_eq!(text(&q, second), "Tip B");

    // While the waiting one is being sent it stays as it is; the next follows the edit.
    let at = due(&q, second);
    assert!(q.begin(second, at).is_ok());
    edited.variation = Variation::Rotate(vec!["Tip C".into(), "Tip D".into()]);
    assert!(q.edit_series(sid, edited, &UTC, at).is_ok());
    assert_eq!(text(&q, second), "Tip B");
    assert!(
        q.complete(second, Outcome::Posted { id: "2".into() }, at, 0.5)
            .is_ok()
    );
    q.advance_series(&UTC, at);
    let third = waiting(&q, sid).expect("third");
    assert_eq!(
        text(&q, third),
        "Tip C",
        "occurrence 3 of a rotation of two"
    );
    // Another account is refused: a series posts from one account.
    let mut other = spec(
        rule(Repeat::Daily, (2026, 12, 1), 9, End::After(10)),
        Variation::NumberedSuffix,
    );
    other.account_id = "other".into();
    assert_eq!(
        q.edit_series(sid, other, &UTC, at).map_err(|e| e.code()),
        Err("schedule_no_account")
    );
}

#[test]
fn stopping_cancels_the_waiting_occurrence_and_queues_nothing_more() {
    let mut q = Queue::new();
    let now = utc(2026, 12, 1, 0, 0);
    let daily = rule(Repeat::Daily, (2026, 12, 1), 9, End::After(10));
    let (sid, first) = q
        .add_series(spec(daily.clone(), Variation::NumberedSuffix), &UTC, now)
        .expect("added");
    assert_eq!(q.stop_series(sid, now).ok(), Some(Some(first)));
    assert_eq!(kind(&q, first), Some(StateKind::Cancelled));
    assert!(q.advance_series(&UTC, now + 3 * 86_400_000).is_empty());
    assert_eq!(
        q.get_series(sid).map(|s| s.state),
        Some(SeriesState::Stopped)
    );
    assert_eq!(
        q.edit_series(
            sid,
            spec(daily.clone(), Variation::NumberedSuffix),
            &UTC,
            now
        )
        .map_err(|e| e.code()),
        Err("series_not_active")
    );

    // Stopped while its occurrence is being sent: that one goes, and counts; nothing follows.
    let (sid, item) = q
        .add_series(spec(daily, Variation::NumberedSuffix), &UTC, now)
        .expect("added");
    let at = due(&q, item);
    assert!(q.begin(item, at).is_ok());
    assert_eq!(q.stop_series(sid, at).ok(), Some(None));
    assert!(matches!(
        q.get(item).map(|i| &i.state),
        Some(State::Sending { .. })
    ));
    assert!(
        q.complete(item, Outcome::Posted { id: "9".into() }, at, 0.5)
            .is_ok()
    );
    assert!(q.advance_series(&UTC, at).is_empty());
    assert_eq!(q.get_series(sid).map(|s| s.sent), Some(1));
}

#[test]
fn variations_never_repeat_a_text_within_the_duplicate_window() {
    let daily = rule(Repeat::Daily, (2026, 12, 1), 9, End::After(60));
    let now = utc(2026, 12, 1, 0, 0);
    // One text for a daily rule: refused with its own code.
    let mut q = Queue::new();
    let one = Variation::Rotate(vec!["Only".into()]);
    assert_eq!(
        q.add_series(spec(daily.clone(), one.clone()), &UTC, now)
            .map_err(|e| e.code()),
        Err("recur_rotation_too_short")
    );
    // ...but fine every other day, or on Mondays and Thursdays.
    let every2 = rule(Repeat::EveryDays(2), (2026, 12, 1), 9, End::After(5));
    assert!(q.add_series(spec(every2, one.clone()), &UTC, now).is_ok());
    let mon_thu = rule(
        Repeat::Weekdays(0b000_1001),
        (2026, 12, 1),
        9,
        End::After(5),
    );
    assert!(q.add_series(spec(mon_thu, one.clone()), &UTC, now).is_ok());
    let mon_tue = rule(
        Repeat::Weekdays(0b000_0011),
        (2026, 12, 1),
        9,
        End::After(5),
    );
    assert_eq!(
        q.add_series(spec(mon_tue.clone(), one), &UTC, now)
            .map_err(|e| e.code()),
        Err("recur_rotation_too_short")
    );
    let two = Variation::Rotate(vec!["A".into(), "B".into()]);
    assert!(q.add_series(spec(mon_tue, two), &UTC, now).is_ok());
    let same = Variation::Rotate(vec!["A".into(), "A ".into(), "B".into()]);
    assert_eq!(
        q.add_series(spec(daily.clone(), same), &UTC, now)
            .map_err(|e| e.code()),
        Err("recur_rotation_repeats")
    );

    // Sixty daily occurrences of each variation: no text comes back within two days.
    for variation in [
        Variation::NumberedSuffix,
        Variation::Rotate(vec!["A".into(), "B".into()]),
    ] {
        let mut q = Queue::new();
        let (sid, mut item) = q
            .add_series(spec(daily.clone(), variation), &UTC, now)
            .expect("added");
        let mut sent: Vec<(u64, String)> = Vec::new();
        loop {
            let t = text(&q, item);
            let at = send(&mut q, item, &UTC);
            sent.push((at, t));
            match waiting(&q, sid) {
                Some(next) => item = next,
                None => break,
            }
        }
        assert_eq!(sent.len(), 60);
        for (i, (at, t)) in sent.iter().enumerate() {
            for (at2, t2) in sent.iter().skip(i + 1) {
                if at2 - at < 2 * 86_400_000 {
                    assert_ne!(t, t2, "same text {at} and {at2}");
                }
            }
        }
    }
}

#[test]
fn bad_rules_and_rules_without_occurrences_are_refused() {
    let mut q = Queue::new();
    let now = utc(2026, 12, 1, 12, 0);
    let none = rule(Repeat::Weekdays(0), (2026, 12, 1), 9, End::After(2));
    assert_eq!(
        q.add_series(spec(none, Variation::NumberedSuffix), &UTC, now)
            .map_err(|e| e.code()),
        Err("recur_empty")
    );
    // Ends today at 09:00, and it is already noon.
    let over = rule(Repeat::Daily, (2026, 12, 1), 9, End::OnDate(2026, 12, 1));
    assert_eq!(
        q.add_series(spec(over, Variation::NumberedSuffix), &UTC, now)
            .map_err(|e| e.code()),
        Err("recur_empty")
    );
    let mut blank = spec(
        rule(Repeat::Daily, (2026, 12, 1), 9, End::After(2)),
        Variation::NumberedSuffix,
    );
    blank.text = "  ".into();
    assert!(q.add_series(blank, &UTC, now).is_err());
    assert!(
        q.items().is_empty() && q.series().is_empty(),
        "nothing queued"
    );
}

#[test]
fn a_queue_with_series_round_trips_through_json_and_words_describe_the_rule() {
    let mut q = Queue::new();
    let now = utc(2026, 12, 1, 0, 0);
    let weekdays = rule(
        Repeat::Weekdays(0b001_0101),
        (2026, 12, 1),
        9,
        End::After(4),
    );
    let (sid, item) = q
        .add_series(spec(weekdays.clone(), Variation::NumberedSuffix), &UTC, now)
        .expect("added");
    let json = q.to_json().unwrap_or_default();
    let back = Queue::from_json(&json).expect("reads");
    assert_eq!(back, q);
    assert_eq!(
        back.get(item).and_then(|i| i.series).map(|o| o.series),
        Some(sid)
    );
    let words = rule_words(&weekdays);
    assert_eq!(words.key, "repeatRuleWeekdays");
    assert_eq!(words.args, ["09:00", "0,2,4"]);
    assert_eq!(
        (words.end_key, words.end_arg.as_str()),
        ("repeatEndAfter", "4")
    );
    // A new series after reading gets a new id.
    let mut back = back;
    let (sid2, _) = back
        .add_series(spec(weekdays, Variation::NumberedSuffix), &UTC, now)
        .expect("added");
    assert_ne!(sid2, sid);
}
