//! Wind generation (docs/model.md §9): a wind speed with a Weibull marginal and persistence
//! from one meter interval to the next, through a turbine's power curve.
//!
//! The speed is `v = scale · ((X² + Y²) / 2)^(1/shape)` with `X` and `Y` two independent
//! Gaussian AR(1) processes of lag-1 correlation `persistence`: `(X² + Y²) / 2` is exactly a unit
//! exponential at every interval, so `v` is exactly Weibull, and consecutive speeds are
//! correlated (about `persistence²`). The process starts at the reference interval from the
//! reference speed (at a uniformly drawn angle of `(X, Y)`) and runs forward and backward from
//! there: a stationary Gaussian AR(1) is the same process in reverse.

use crate::engine::seed::Stream;
use crate::scenario::WindSpec;
use rand::{Rng, RngExt, SeedableRng};
use rand_distr::{Distribution as _, StandardNormal};

/// A wind plant's speed process and power curve.
#[derive(Debug, Clone)]
pub(super) struct Wind {
    scale_m_s: f64,
    shape: f64,
    persistence: f64,
    cut_in_m_s: f64,
    rated_m_s: f64,
    cut_out_m_s: f64,
    reference_m_s: f64,
}

impl Wind {
    /// From a validated `spec`.
    pub(super) fn new(spec: &WindSpec) -> Self {
        Wind {
            scale_m_s: spec.weibull_scale_m_s,
            shape: spec.weibull_shape,
            persistence: spec.persistence,
            cut_in_m_s: spec.cut_in_m_s,
            rated_m_s: spec.rated_m_s,
            cut_out_m_s: spec.cut_out_m_s,
            reference_m_s: spec.reference_speed_m_s.unwrap_or(spec.rated_m_s),
        }
    }

    /// The turbine's output at speed `v_m_s` as a fraction of its rated power: 0 below cut-in
    /// and from cut-out, rising as the cube of the speed from cut-in to rated, 1 from rated.
    pub(super) fn power_fraction(&self, v_m_s: f64) -> f64 {
        if v_m_s <= self.cut_in_m_s || v_m_s >= self.cut_out_m_s {
            0.0
        } else if v_m_s >= self.rated_m_s {
            1.0
        } else {
            (v_m_s.powi(3) - self.cut_in_m_s.powi(3))
                / (self.rated_m_s.powi(3) - self.cut_in_m_s.powi(3))
        }
    }

    /// The output fraction at the reference speed (> 0 by validation).
    pub(super) fn reference_fraction(&self) -> f64 {
        self.power_fraction(self.reference_m_s)
    }

    /// Wind speeds, m/s, of intervals `first..first + n`, the process anchored at interval
    /// `reference` (where the speed is the reference speed), drawn from `rng`. The same `rng`
    /// state gives the same speed for an interval whatever the window.
    pub(super) fn speeds(
        &self,
        rng: &mut Stream,
        reference: u64,
        first: u64,
        n: usize,
    ) -> Vec<f64> {
        let angle = rng.random_range(0.0..std::f64::consts::TAU);
        let mut forward = Stream::seed_from_u64(rng.next_u64());
        let mut backward = Stream::seed_from_u64(rng.next_u64());
        let radius = (2.0 * (self.reference_m_s / self.scale_m_s).powf(self.shape)).sqrt();
        let start = (radius * angle.cos(), radius * angle.sin());
        let speed =
            |(x, y): (f64, f64)| self.scale_m_s * (0.5 * (x * x + y * y)).powf(1.0 / self.shape);
        let innovation = (1.0 - self.persistence * self.persistence).sqrt();
        let step = |(x, y): (f64, f64), rng: &mut Stream| {
            let ex: f64 = StandardNormal.sample(rng);
            let ey: f64 = StandardNormal.sample(rng);
            (
                self.persistence * x + innovation * ex,
                self.persistence * y + innovation * ey,
            )
        };
        let last = first + n as u64; // exclusive
        let mut out = vec![0.0; n];
        // The reference interval has the reference speed itself, not its round trip through
        // (X, Y): its energy is then exactly the scenario's.
        if (first..last).contains(&reference) {
            out[(reference - first) as usize] = self.reference_m_s;
        }
        let mut put = |k: u64, state| {
            if (first..last).contains(&k) {
                out[(k - first) as usize] = speed(state);
            }
        };
        let mut state = start;
        for k in reference + 1..last {
            state = step(state, &mut forward);
            put(k, state);
        }
        let mut state = start;
        for k in (first..reference).rev() {
            state = step(state, &mut backward);
            put(k, state);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wind(persistence: f64) -> Wind {
        Wind::new(&WindSpec {
            persistence,
            ..WindSpec::default()
        })
    }

    #[test]
    fn the_power_curve_cuts_in_rises_as_the_cube_and_cuts_out() {
        let w = wind(0.9);
        assert_eq!(w.power_fraction(2.0), 0.0);
        assert_eq!(w.power_fraction(3.0), 0.0);
        assert!((w.power_fraction(7.5) - (7.5f64.powi(3) - 27.0) / (1728.0 - 27.0)).abs() < 1e-15);
        assert_eq!(w.power_fraction(12.0), 1.0);
        assert_eq!(w.power_fraction(24.9), 1.0);
        assert_eq!(w.power_fraction(25.0), 0.0);
    }

    #[test]
    fn speeds_are_weibull_start_at_the_reference_and_persist() {
        let w = wind(0.9);
        let mut rng = Stream::seed_from_u64(5);
        let n = 200_000;
        let v = w.speeds(&mut rng, 0, 0, n);
        assert_eq!(v[0], 12.0);
        // Weibull(7, 2): mean 7 Γ(1.5) = 6.2035.
        let mean = v.iter().sum::<f64>() / n as f64;
        assert!((mean - 6.2035).abs() < 0.1, "{mean}");
        let lag1 = |v: &[f64]| {
            let m = v.iter().sum::<f64>() / v.len() as f64;
            let var: f64 = v.iter().map(|x| (x - m).powi(2)).sum();
            v.windows(2).map(|p| (p[0] - m) * (p[1] - m)).sum::<f64>() / var
        };
        assert!(lag1(&v) > 0.7, "{}", lag1(&v));
        let fresh = wind(0.0).speeds(&mut Stream::seed_from_u64(5), 0, 0, n);
        assert!(lag1(&fresh).abs() < 0.02, "{}", lag1(&fresh));
    }

    #[test]
    fn a_window_sees_the_same_speeds_as_the_whole() {
        let w = wind(0.8);
        let all = w.speeds(&mut Stream::seed_from_u64(9), 50, 0, 200);
        let part = w.speeds(&mut Stream::seed_from_u64(9), 50, 30, 40);
        assert_eq!(&all[30..70], &part[..]);
        assert_eq!(all[50], 12.0);
    }
}
