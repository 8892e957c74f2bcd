//! Where a survival study's outages start: every meter interval of a year, or a sample
//! stratified by month × hour of day, each start with its weight in the year.

use crate::engine::seed::{Purpose, run_seed, stream};
use chrono::{Datelike, NaiveDate};
use rand::RngExt;

/// Days in the year a study covers, from the scenario's `time.start_date`.
pub const YEAR_DAYS: u64 = 365;

/// Months × hours of day: the strata of a sample.
pub const CELLS: usize = 12 * 24;

/// Which starts a study simulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Starts {
    /// Every meter interval of the year.
    All,
    /// This many, stratified by month × hour of day.
    Sample(u64),
}

/// One outage start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Start {
    /// The meter interval the outage starts at (interval k starts at k × the meter interval);
    /// the run's draws derive from (seed, `index`).
    pub index: u64,
    /// When the outage starts, s since midnight of the start date.
    pub start_s: f64,
    /// Its calendar month, 1–12.
    pub month: u32,
    /// Its hour of the day, 0–23 (simulated time: local time at the scenario's location).
    pub hour: u32,
    /// How many of the year's starts it stands for: the starts of its month × hour cell over the
    /// starts sampled in that cell (1 for `Starts::All`).
    pub weight: f64,
}

/// Why the starts cannot be chosen.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StartsError {
    /// The sample is too small to cover every month × hour cell.
    #[error(
        "--starts must be at least {CELLS} (12 months × 24 hours, so every cell has a start), \
         got {0}"
    )]
    TooFew(u64),
    /// The sample is larger than the year.
    #[error("--starts {asked} exceeds the {year} meter intervals of a year; use --starts all")]
    TooMany {
        /// Starts asked for.
        asked: u64,
        /// Meter intervals in a year.
        year: u64,
    },
}

/// The calendar of simulated time: month and hour of an instant.
#[derive(Debug, Clone, Copy)]
pub struct Calendar {
    /// The date of simulated time 0.
    pub start_date: NaiveDate,
    /// The meter interval, s.
    pub interval_s: f64,
}

impl Calendar {
    /// Meter intervals in the year.
    pub fn intervals(&self) -> u64 {
        (YEAR_DAYS as f64 * 86_400.0 / self.interval_s).floor() as u64
    }

    /// The start at meter interval `index`, with weight 1.
    pub fn start(&self, index: u64) -> Start {
        let start_s = index as f64 * self.interval_s;
        let day = (start_s / 86_400.0).floor();
        let date = self.start_date + chrono::Duration::days(day as i64);
        Start {
            index,
            start_s,
            month: date.month(),
            hour: ((start_s - day * 86_400.0) / 3600.0).floor() as u32,
            weight: 1.0,
        }
    }

    /// The month × hour cell of a start: `(month − 1) × 24 + hour`.
    pub fn cell(start: &Start) -> usize {
        (start.month as usize - 1) * 24 + start.hour as usize
    }

    /// The starts `which` selects, in time order. A sample draws, in every month × hour cell,
    /// `n / 288` starts without replacement (one more in `n mod 288` cells chosen at random),
    /// from the stream of `seed`: the same seed gives the same starts.
    pub fn starts(&self, which: Starts, seed: u64) -> Result<Vec<Start>, StartsError> {
        let all: Vec<Start> = (0..self.intervals()).map(|k| self.start(k)).collect();
        let n = match which {
            Starts::All => return Ok(all),
            Starts::Sample(n) if n < CELLS as u64 => return Err(StartsError::TooFew(n)),
            Starts::Sample(n) if n > all.len() as u64 => {
                return Err(StartsError::TooMany {
                    asked: n,
                    year: all.len() as u64,
                });
            }
            Starts::Sample(n) => n as usize,
        };
        let mut cells: Vec<Vec<Start>> = vec![Vec::new(); CELLS];
        for s in &all {
            cells[Calendar::cell(s)].push(*s);
        }
        let mut rng = stream(run_seed(seed, u64::MAX), Purpose::Plan);
        // Quotas: n / 288 each, the remainder to cells drawn at random; a cell smaller than its
        // quota (only when n is close to the year) passes the excess on to the next with room.
        let mut quota = vec![n / CELLS; CELLS];
        let mut order: Vec<usize> = (0..CELLS).collect();
        shuffle(&mut order, &mut rng);
        for &c in order.iter().take(n % CELLS) {
            quota[c] += 1;
        }
        let mut excess = 0;
        for c in 0..CELLS {
            if quota[c] > cells[c].len() {
                excess += quota[c] - cells[c].len();
                quota[c] = cells[c].len();
            }
        }
        for &c in order.iter().cycle().take(CELLS * n.max(1)) {
            if excess == 0 {
                break;
            }
            if quota[c] < cells[c].len() {
                quota[c] += 1;
                excess -= 1;
            }
        }
        let mut chosen = Vec::with_capacity(n);
        for (cell, q) in cells.iter_mut().zip(quota) {
            shuffle(cell, &mut rng);
            let weight = cell.len() as f64 / q as f64;
            chosen.extend(cell.iter().take(q).map(|s| Start { weight, ..*s }));
        }
        chosen.sort_by_key(|s| s.index);
        Ok(chosen)
    }
}

/// Fisher–Yates, from `rng`.
fn shuffle<T>(items: &mut [T], rng: &mut crate::engine::seed::Stream) {
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calendar() -> Calendar {
        Calendar {
            start_date: NaiveDate::from_ymd_opt(2024, 5, 1).unwrap(),
            interval_s: 900.0,
        }
    }

    #[test]
    fn a_start_has_its_month_and_hour() {
        let c = calendar();
        assert_eq!(c.intervals(), 35_040);
        let s = c.start(4 * 19 + 1); // 19:15 on 1 May
        assert_eq!((s.month, s.hour, s.start_s), (5, 19, 69_300.0));
        let s = c.start(31 * 96); // midnight, 1 June
        assert_eq!((s.month, s.hour), (6, 0));
        let last = c.start(c.intervals() - 1); // 23:45 on 30 April 2025
        assert_eq!((last.month, last.hour), (4, 23));
    }

    #[test]
    fn a_sample_covers_every_cell_evenly_and_weighs_each_start_by_its_cell() {
        let c = calendar();
        let sample = c.starts(Starts::Sample(2000), 7).unwrap();
        assert_eq!(sample.len(), 2000);
        let mut per_cell = vec![0usize; CELLS];
        for s in &sample {
            per_cell[Calendar::cell(s)] += 1;
        }
        // 2000 = 6 × 288 + 272: every cell has 6 or 7 starts.
        assert!(per_cell.iter().all(|&k| k == 6 || k == 7), "{per_cell:?}");
        assert_eq!(per_cell.iter().filter(|&&k| k == 7).count(), 272);
        // The weights add up to the year.
        let total: f64 = sample.iter().map(|s| s.weight).sum();
        assert!((total - 35_040.0).abs() < 1e-6, "{total}");
        // May's 19:00 cell: 31 days × 4 starts.
        let may19 = sample
            .iter()
            .find(|s| s.month == 5 && s.hour == 19)
            .unwrap();
        let k = per_cell[Calendar::cell(may19)] as f64;
        assert_eq!(may19.weight, 124.0 / k);
        // Distinct, in time order.
        assert!(sample.windows(2).all(|w| w[0].index < w[1].index));
    }

    #[test]
    fn a_sample_is_determined_by_its_seed() {
        let c = calendar();
        let a = c.starts(Starts::Sample(300), 1).unwrap();
        assert_eq!(a, c.starts(Starts::Sample(300), 1).unwrap());
        assert_ne!(a, c.starts(Starts::Sample(300), 2).unwrap());
    }

    #[test]
    fn a_sample_must_cover_the_cells_and_fit_the_year() {
        let c = calendar();
        assert_eq!(
            c.starts(Starts::Sample(100), 1),
            Err(StartsError::TooFew(100))
        );
        assert!(matches!(
            c.starts(Starts::Sample(40_000), 1),
            Err(StartsError::TooMany { year: 35_040, .. })
        ));
        let all = c.starts(Starts::Sample(35_040), 1).unwrap();
        assert!(all.iter().all(|s| (s.weight - 1.0).abs() < 1e-12));
        assert_eq!(c.starts(Starts::All, 1).unwrap().len(), 35_040);
    }
}
