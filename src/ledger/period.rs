//! Calendar arithmetic for average-cost periods and the automatic-adjustment window.

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::config::{AccountingPeriod, AutomaticCostAdjustment, AverageCostPeriod};

/// The last day of the average-cost period that contains `date` (spec §1.4, §5.6).
///
/// Weeks run Monday to Sunday. `AccountingPeriod` ends the day before the next configured
/// period starts; a date after the last configured period falls back to its calendar month.
pub fn average_period_end(
    date: NaiveDate,
    period: AverageCostPeriod,
    accounting_periods: &[AccountingPeriod],
) -> NaiveDate {
    match period {
        AverageCostPeriod::Day => date,
        AverageCostPeriod::Week => {
            let days_to_sunday = 6 - date.weekday().num_days_from_monday();
            date.checked_add_days(Days::new(days_to_sunday.into()))
                .unwrap_or(date)
        }
        AverageCostPeriod::Month => month_end(date),
        AverageCostPeriod::Quarter => {
            let quarter_last_month = (date.month0() / 3) * 3 + 3;
            let first = NaiveDate::from_ymd_opt(date.year(), quarter_last_month, 1).unwrap_or(date);
            month_end(first)
        }
        AverageCostPeriod::Year => NaiveDate::from_ymd_opt(date.year(), 12, 31).unwrap_or(date),
        AverageCostPeriod::AccountingPeriod => accounting_periods
            .iter()
            .find(|next| next.starting_date > date)
            .filter(|_| {
                accounting_periods
                    .first()
                    .is_some_and(|p| p.starting_date <= date)
            })
            .and_then(|next| next.starting_date.pred_opt())
            .unwrap_or_else(|| month_end(date)),
    }
}

fn month_end(date: NaiveDate) -> NaiveDate {
    let first = date.with_day(1).unwrap_or(date);
    first
        .checked_add_months(Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(date)
}

/// Whether a posting dated `date` keeps online (automatic) adjustment allowed, measured back
/// from the work date (spec §5.3).
pub fn within_automatic_adjustment_window(
    date: NaiveDate,
    work_date: NaiveDate,
    setting: AutomaticCostAdjustment,
) -> bool {
    let earliest = match setting {
        AutomaticCostAdjustment::Never => return false,
        AutomaticCostAdjustment::Always => return true,
        AutomaticCostAdjustment::Day => work_date.checked_sub_days(Days::new(1)),
        AutomaticCostAdjustment::Week => work_date.checked_sub_days(Days::new(7)),
        AutomaticCostAdjustment::Month => work_date.checked_sub_months(Months::new(1)),
        AutomaticCostAdjustment::Quarter => work_date.checked_sub_months(Months::new(3)),
        AutomaticCostAdjustment::Year => work_date.checked_sub_months(Months::new(12)),
    };
    earliest.is_none_or(|earliest| date >= earliest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn period_ends() {
        let none = [];
        assert_eq!(
            average_period_end(d(2020, 2, 5), AverageCostPeriod::Day, &none),
            d(2020, 2, 5)
        );
        // 2020-02-05 is a Wednesday; the week ends Sunday 2020-02-09.
        assert_eq!(
            average_period_end(d(2020, 2, 5), AverageCostPeriod::Week, &none),
            d(2020, 2, 9)
        );
        assert_eq!(
            average_period_end(d(2020, 2, 5), AverageCostPeriod::Month, &none),
            d(2020, 2, 29)
        );
        assert_eq!(
            average_period_end(d(2020, 2, 5), AverageCostPeriod::Quarter, &none),
            d(2020, 3, 31)
        );
        assert_eq!(
            average_period_end(d(2020, 11, 5), AverageCostPeriod::Quarter, &none),
            d(2020, 12, 31)
        );
        assert_eq!(
            average_period_end(d(2020, 2, 5), AverageCostPeriod::Year, &none),
            d(2020, 12, 31)
        );
    }

    #[test]
    fn accounting_period_ends_before_the_next_start() {
        let periods = [
            AccountingPeriod {
                starting_date: d(2020, 1, 1),
                new_fiscal_year: true,
            },
            AccountingPeriod {
                starting_date: d(2020, 1, 26),
                new_fiscal_year: false,
            },
            AccountingPeriod {
                starting_date: d(2020, 3, 1),
                new_fiscal_year: false,
            },
        ];
        let end = average_period_end(d(2020, 2, 5), AverageCostPeriod::AccountingPeriod, &periods);
        assert_eq!(end, d(2020, 2, 29));
        let end = average_period_end(d(2020, 1, 5), AverageCostPeriod::AccountingPeriod, &periods);
        assert_eq!(end, d(2020, 1, 25));
    }

    #[test]
    fn adjustment_window() {
        let work = d(2020, 3, 15);
        assert!(within_automatic_adjustment_window(
            d(2020, 3, 14),
            work,
            AutomaticCostAdjustment::Day
        ));
        assert!(!within_automatic_adjustment_window(
            d(2020, 3, 13),
            work,
            AutomaticCostAdjustment::Day
        ));
        assert!(within_automatic_adjustment_window(
            d(2020, 2, 15),
            work,
            AutomaticCostAdjustment::Month
        ));
        assert!(!within_automatic_adjustment_window(
            d(2020, 2, 14),
            work,
            AutomaticCostAdjustment::Month
        ));
        assert!(!within_automatic_adjustment_window(
            work,
            work,
            AutomaticCostAdjustment::Never
        ));
        assert!(within_automatic_adjustment_window(
            d(1990, 1, 1),
            work,
            AutomaticCostAdjustment::Always
        ));
    }
}
