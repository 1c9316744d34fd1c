//! Working days (工作日): weekends and configured public holidays are off, configured make-up working days
//! (调休) are on. Deadlines "within N working days" of a day end with the Nth working day after it.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// The calendar deadlines are counted in.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    holidays: BTreeSet<NaiveDate>,
    makeup_workdays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// A calendar with these holidays and make-up working days.
    pub fn new(
        holidays: impl IntoIterator<Item = NaiveDate>,
        makeup_workdays: impl IntoIterator<Item = NaiveDate>,
    ) -> Calendar {
        Calendar {
            holidays: holidays.into_iter().collect(),
            makeup_workdays: makeup_workdays.into_iter().collect(),
        }
    }

    /// Is `day` a working day?
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.makeup_workdays.contains(&day) {
            return true;
        }
        if self.holidays.contains(&day) {
            return false;
        }
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The last day of a period of `n` working days starting the day after `from` (a complaint received on
    /// a Friday with one working day to be dispatched is due on Monday). `n = 0` gives `from` itself.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut day = from;
        let mut left = n;
        while left > 0 {
            match day.checked_add_days(Days::new(1)) {
                Some(next) => day = next,
                None => return day,
            }
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn weekends_are_skipped() {
        let c = Calendar::default();
        // 2026-11-27 is a Friday.
        assert_eq!(c.add_working_days(d("2026-11-27"), 1), d("2026-11-30"));
        assert_eq!(c.add_working_days(d("2026-11-28"), 1), d("2026-11-30"));
        assert_eq!(c.add_working_days(d("2026-11-30"), 15), d("2026-12-21"));
        assert_eq!(c.add_working_days(d("2026-11-30"), 0), d("2026-11-30"));
    }

    #[test]
    fn holidays_are_off_and_makeup_days_are_on() {
        // National Day 2026: 1–7 October off, Saturday 10 October worked.
        let holidays = (1..=7).map(|n| NaiveDate::from_ymd_opt(2026, 10, n).unwrap());
        let c = Calendar::new(holidays, [d("2026-10-10")]);
        assert!(!c.is_working_day(d("2026-10-05")));
        assert!(c.is_working_day(d("2026-10-10")));
        // Received on Wednesday 30 September: the next working day is Thursday 8 October.
        assert_eq!(c.add_working_days(d("2026-09-30"), 1), d("2026-10-08"));
        // 8, 9, 10 (Saturday, make-up), 12 October.
        assert_eq!(c.add_working_days(d("2026-09-30"), 4), d("2026-10-12"));
    }

    proptest! {
        #[test]
        fn the_deadline_is_a_working_day_with_exactly_n_working_days_up_to_it(
            offset in 0u64..800, n in 1u32..30,
        ) {
            let c = Calendar::new([d("2026-10-01"), d("2026-10-02"), d("2027-01-01")], [d("2026-10-10")]);
            let from = d("2026-01-01").checked_add_days(Days::new(offset)).unwrap();
            let due = c.add_working_days(from, n);
            prop_assert!(c.is_working_day(due));
            let counted = from.iter_days().skip(1).take_while(|x| *x <= due)
                .filter(|x| c.is_working_day(*x)).count();
            prop_assert_eq!(counted, n as usize);
        }
    }
}
