//! Probability distributions of scenario quantities (delays, latencies, factors).
//!
//! In YAML a plain number is a fixed value; anything else is a one-key map naming the law:
//!
//! ```yaml
//! detection_delay_s: 2.0
//! switching_delay_s: {normal: {mean: 60, std_dev: 5, min: 45, max: 90}}
//! latency_s: {lognormal: {mu: -3.0, sigma: 0.5}}
//! ```

use rand::Rng;
use rand_distr::Distribution as _;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

use super::OptimiserTime;

/// The law of a random quantity, with its parameters in the quantity's own unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Law {
    /// Always `value`.
    Fixed(f64),
    /// Uniform on `[min, max]`.
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Normal with `mean` and `std_dev`, truncated to `[min, max]` when bounds are given.
    Normal {
        /// Mean before truncation.
        mean: f64,
        /// Standard deviation before truncation.
        std_dev: f64,
        /// Lower truncation bound, if any.
        #[serde(default)]
        min: Option<f64>,
        /// Upper truncation bound, if any.
        #[serde(default)]
        max: Option<f64>,
    },
    /// Log-normal: `exp(N(mu, sigma))`; the median is `exp(mu)`.
    Lognormal {
        /// Mean of the logarithm.
        mu: f64,
        /// Standard deviation of the logarithm.
        sigma: f64,
    },
    /// Exponential with the given `mean` (the reciprocal of the rate).
    Exponential {
        /// The mean.
        mean: f64,
    },
    /// Weibull with `scale` (characteristic life) and `shape` (< 1 infant mortality, > 1 wear-out).
    Weibull {
        /// Characteristic life.
        scale: f64,
        /// Shape.
        shape: f64,
    },
    /// Gamma with `shape` and `scale`.
    Gamma {
        /// Shape.
        shape: f64,
        /// Scale.
        scale: f64,
    },
    /// Triangular on `[min, max]` with its peak at `mode` (three-point estimate).
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// PERT (a smoothed three-point estimate) on `[min, max]` with its peak at `mode`.
    Pert {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
}

/// A random quantity of a scenario: a plain number in YAML, or a one-key map naming its [`Law`].
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    /// The law and its parameters.
    pub law: Law,
}

/// The longest duration a scenario may give, s (about 31.7 years): every time a scenario
/// gives, and the [`Distribution::tail_bound`] of every delay, latency, service time and
/// interval, must be at most this (`docs/model.md §9`). Simulated time itself has room for far
/// more, so sums of such durations stay exact.
pub const MAX_DURATION_S: f64 = 1e9;

/// How rarely a law without an upper bound may draw above its [`Distribution::tail_bound`].
pub const TAIL_PROBABILITY: f64 = 1e-12;

/// The standard normal quantile at `1 - TAIL_PROBABILITY`.
const NORMAL_TAIL_Z: f64 = 7.034_486_5;

/// Draws behind an estimated [`Distribution::mean`], from a fixed seed.
const MEAN_DRAWS: u32 = 4096;

/// Most draws a truncated normal rejects before it falls back to clamping.
const MAX_TRUNCATION_TRIES: u32 = 100_000;

impl Distribution {
    /// A quantity that never varies.
    pub fn fixed(value: f64) -> Self {
        Distribution {
            law: Law::Fixed(value),
        }
    }

    /// Whether every draw is the same value.
    pub fn is_fixed(&self) -> bool {
        matches!(self.law, Law::Fixed(_))
    }

    /// Checks the parameters; the message names the parameter and the value.
    pub fn validate(&self) -> Result<(), String> {
        let finite = |name: &str, v: f64| {
            if v.is_finite() {
                Ok(())
            } else {
                Err(format!("{name} must be a finite number, got {v}"))
            }
        };
        let positive = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(format!("{name} must be > 0, got {v}"))
            }
        };
        let ordered = |min: f64, max: f64| {
            if min <= max {
                Ok(())
            } else {
                Err(format!("min ({min}) must not exceed max ({max})"))
            }
        };
        let three_point = |min: f64, mode: f64, max: f64| {
            finite("min", min)?;
            finite("mode", mode)?;
            finite("max", max)?;
            if min < max && min <= mode && mode <= max {
                Ok(())
            } else {
                Err(format!(
                    "need min < max and min <= mode <= max, got min {min}, mode {mode}, max {max}"
                ))
            }
        };
        match self.law {
            Law::Fixed(v) => finite("value", v),
            Law::Uniform { min, max } => {
                finite("min", min)?;
                finite("max", max)?;
                ordered(min, max)
            }
            Law::Normal {
                mean,
                std_dev,
                min,
                max,
            } => {
                finite("mean", mean)?;
                positive("std_dev", std_dev)?;
                let lo = min.unwrap_or(f64::NEG_INFINITY);
                let hi = max.unwrap_or(f64::INFINITY);
                ordered(lo, hi)?;
                // Rejection sampling needs real probability mass inside the bounds.
                if hi < mean - 4.0 * std_dev || lo > mean + 4.0 * std_dev {
                    return Err(format!(
                        "bounds [{lo}, {hi}] lie more than 4 std_dev from the mean {mean}"
                    ));
                }
                Ok(())
            }
            Law::Lognormal { mu, sigma } => {
                finite("mu", mu)?;
                positive("sigma", sigma)
            }
            Law::Exponential { mean } => positive("mean", mean),
            Law::Weibull { scale, shape } => {
                positive("scale", scale)?;
                positive("shape", shape)
            }
            Law::Gamma { shape, scale } => {
                positive("shape", shape)?;
                positive("scale", scale)
            }
            Law::Triangular { min, mode, max } | Law::Pert { min, mode, max } => {
                three_point(min, mode, max)
            }
        }
    }

    /// The smallest value a draw can take (−∞ for an untruncated normal).
    pub fn lower_bound(&self) -> f64 {
        match self.law {
            Law::Fixed(v) => v,
            Law::Uniform { min, .. } | Law::Triangular { min, .. } | Law::Pert { min, .. } => min,
            Law::Normal { min, .. } => min.unwrap_or(f64::NEG_INFINITY),
            Law::Lognormal { .. }
            | Law::Exponential { .. }
            | Law::Weibull { .. }
            | Law::Gamma { .. } => 0.0,
        }
    }

    /// The largest value a draw can take (+∞ for an unbounded law).
    pub fn upper_bound(&self) -> f64 {
        match self.law {
            Law::Fixed(v) => v,
            Law::Uniform { max, .. } | Law::Triangular { max, .. } | Law::Pert { max, .. } => max,
            Law::Normal { max, .. } => max.unwrap_or(f64::INFINITY),
            Law::Lognormal { .. }
            | Law::Exponential { .. }
            | Law::Weibull { .. }
            | Law::Gamma { .. } => f64::INFINITY,
        }
    }

    /// The value draws stay below: the upper bound of a bounded law, else the quantile at
    /// `1 - TAIL_PROBABILITY` (for a normal truncated below, about it). The distribution must
    /// have passed [`Distribution::validate`].
    pub fn tail_bound(&self) -> f64 {
        let ln_tail = -TAIL_PROBABILITY.ln();
        match self.law {
            Law::Normal {
                mean,
                std_dev,
                max: None,
                ..
            } => mean + NORMAL_TAIL_Z * std_dev,
            Law::Lognormal { mu, sigma } => (mu + NORMAL_TAIL_Z * sigma).exp(),
            Law::Exponential { mean } => mean * ln_tail,
            Law::Weibull { scale, shape } => scale * ln_tail.powf(1.0 / shape),
            Law::Gamma { shape, scale } => scale * unit_gamma_tail(shape, ln_tail),
            _ => self.upper_bound(),
        }
    }

    /// The mean: exact where it has a closed form, else (a truncated normal, a Weibull) the
    /// average of a fixed number of draws from a fixed seed, a reproducible estimate for checks
    /// such as "a block interval advances time". The distribution must have passed
    /// [`Distribution::validate`].
    pub fn mean(&self) -> f64 {
        match self.law {
            Law::Fixed(v) => v,
            Law::Uniform { min, max } => 0.5 * min + 0.5 * max,
            Law::Normal {
                mean,
                min: None,
                max: None,
                ..
            } => mean,
            Law::Lognormal { mu, sigma } => (mu + 0.5 * sigma * sigma).exp(),
            Law::Exponential { mean } => mean,
            Law::Gamma { shape, scale } => shape * scale,
            Law::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Law::Pert { min, mode, max } => (min + 4.0 * mode + max) / 6.0,
            Law::Normal { .. } | Law::Weibull { .. } => {
                let mut rng =
                    <rand::rngs::Xoshiro256PlusPlus as rand::SeedableRng>::seed_from_u64(0);
                let sum: f64 = (0..MEAN_DRAWS).map(|_| self.sample(&mut rng)).sum();
                sum / f64::from(MEAN_DRAWS)
            }
        }
    }

    /// Draws one value. The distribution must have passed [`Distribution::validate`].
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        const VALIDATED: &str = "distribution parameters are validated when the scenario loads";
        match self.law {
            Law::Fixed(v) => v,
            // Validation makes min ≤ max: this is a degenerate (fixed) uniform.
            Law::Uniform { min, max } if max <= min => min,
            Law::Uniform { min, max } => rand_distr::Uniform::new_inclusive(min, max)
                .expect(VALIDATED)
                .sample(rng),
            Law::Normal {
                mean,
                std_dev,
                min,
                max,
            } => {
                let normal = rand_distr::Normal::new(mean, std_dev).expect(VALIDATED);
                let lo = min.unwrap_or(f64::NEG_INFINITY);
                let hi = max.unwrap_or(f64::INFINITY);
                let mut draw = normal.sample(rng);
                for _ in 0..MAX_TRUNCATION_TRIES {
                    if (lo..=hi).contains(&draw) {
                        return draw;
                    }
                    draw = normal.sample(rng);
                }
                draw.clamp(lo, hi)
            }
            Law::Lognormal { mu, sigma } => rand_distr::LogNormal::new(mu, sigma)
                .expect(VALIDATED)
                .sample(rng),
            Law::Exponential { mean } => rand_distr::Exp::new(1.0 / mean)
                .expect(VALIDATED)
                .sample(rng),
            Law::Weibull { scale, shape } => rand_distr::Weibull::new(scale, shape)
                .expect(VALIDATED)
                .sample(rng),
            Law::Gamma { shape, scale } => rand_distr::Gamma::new(shape, scale)
                .expect(VALIDATED)
                .sample(rng),
            Law::Triangular { min, mode, max } => rand_distr::Triangular::new(min, max, mode)
                .expect(VALIDATED)
                .sample(rng),
            Law::Pert { min, mode, max } => rand_distr::Pert::new(min, max)
                .with_mode(mode)
                .expect(VALIDATED)
                .sample(rng),
        }
    }
}

/// The least `x` with `P(X > x) <= exp(-ln_tail)` by the Chernoff bound for a Gamma(`shape`, 1)
/// variable `X`: `P(X > x) <= exp(-(x - shape - shape ln(x / shape)))` for `x > shape`.
fn unit_gamma_tail(shape: f64, ln_tail: f64) -> f64 {
    let exponent = |x: f64| x - shape - shape * (x / shape).ln();
    let mut hi = shape + ln_tail;
    while exponent(hi) < ln_tail {
        hi *= 2.0;
        if !hi.is_finite() {
            return f64::INFINITY;
        }
    }
    let mut lo = shape;
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if exponent(mid) < ln_tail {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

/// Reads a plain number as a fixed value and a one-key map as a named law; with
/// `accept_measured`, also the word `measured` (for [`OptimiserTime`]).
struct NumberOrLaw {
    accept_measured: bool,
}

impl<'de> Visitor<'de> for NumberOrLaw {
    type Value = OptimiserTime;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number or a distribution such as {uniform: {min: 1, max: 5}}")?;
        if self.accept_measured {
            f.write_str(", or `measured`")?;
        }
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<OptimiserTime, E> {
        Ok(OptimiserTime::Modelled(Distribution::fixed(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<OptimiserTime, E> {
        self.visit_f64(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<OptimiserTime, E> {
        self.visit_f64(v as f64)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<OptimiserTime, E> {
        if self.accept_measured && v == "measured" {
            Ok(OptimiserTime::Measured)
        } else {
            Err(E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<OptimiserTime, A::Error> {
        let law = Law::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(OptimiserTime::Modelled(Distribution { law }))
    }
}

impl Serialize for Distribution {
    /// As written in YAML: a fixed value as a plain number, any other law as a one-key map
    /// (serde_yaml would otherwise write an enum as a YAML tag, which the schema does not read).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.law {
            Law::Fixed(value) => serializer.serialize_f64(value),
            ref law => serde_json::to_value(law)
                .map_err(serde::ser::Error::custom)?
                .serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Distribution {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let visitor = NumberOrLaw {
            accept_measured: false,
        };
        match deserializer.deserialize_any(visitor)? {
            OptimiserTime::Modelled(distribution) => Ok(distribution),
            OptimiserTime::Measured => unreachable!("`measured` is only accepted when asked for"),
        }
    }
}

impl<'de> Deserialize<'de> for OptimiserTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NumberOrLaw {
            accept_measured: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus as StdRng;

    fn parse(yaml: &str) -> Distribution {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn numbers_are_fixed_and_maps_name_the_law() {
        assert_eq!(parse("5"), Distribution::fixed(5.0));
        assert_eq!(parse("2.5"), Distribution::fixed(2.5));
        assert_eq!(parse("{fixed: 3}"), Distribution::fixed(3.0));
        assert_eq!(
            parse("{uniform: {min: 1, max: 5}}").law,
            Law::Uniform { min: 1.0, max: 5.0 }
        );
        assert_eq!(
            parse("{normal: {mean: 60, std_dev: 5, min: 45}}").law,
            Law::Normal {
                mean: 60.0,
                std_dev: 5.0,
                min: Some(45.0),
                max: None
            }
        );
    }

    #[test]
    fn unknown_parameters_and_laws_are_rejected() {
        let err = serde_yaml::from_str::<Distribution>("{uniform: {min: 1, maxx: 5}}")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `maxx`"), "{err}");
        let err = serde_yaml::from_str::<Distribution>("{gaussian: {mean: 1}}")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown variant `gaussian`"), "{err}");
    }

    #[test]
    fn validation_names_the_parameter() {
        assert_eq!(
            parse("{exponential: {mean: 0}}").validate().unwrap_err(),
            "mean must be > 0, got 0"
        );
        assert!(
            parse("{triangular: {min: 1, mode: 7, max: 5}}")
                .validate()
                .is_err()
        );
        assert!(
            parse("{normal: {mean: 0, std_dev: 1, min: 10}}")
                .validate()
                .is_err()
        );
        assert!(parse("{uniform: {min: 5, max: 1}}").validate().is_err());
    }

    #[test]
    fn draws_respect_support_and_mean() {
        let mut rng = StdRng::seed_from_u64(7);
        let cases = [
            ("{uniform: {min: 1, max: 5}}", 3.0, 1.0, 5.0),
            (
                "{normal: {mean: 60, std_dev: 5, min: 55, max: 90}}",
                f64::NAN,
                55.0,
                90.0,
            ),
            ("{exponential: {mean: 2}}", 2.0, 0.0, f64::INFINITY),
            ("{triangular: {min: 0, mode: 3, max: 6}}", 3.0, 0.0, 6.0),
            ("{pert: {min: 0, mode: 3, max: 6}}", 3.0, 0.0, 6.0),
            ("{weibull: {scale: 1, shape: 1}}", 1.0, 0.0, f64::INFINITY),
            ("{gamma: {shape: 2, scale: 1.5}}", 3.0, 0.0, f64::INFINITY),
        ];
        for (yaml, mean, lo, hi) in cases {
            let d = parse(yaml);
            d.validate().unwrap();
            let n = 20_000;
            let draws: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
            assert!(draws.iter().all(|x| (lo..=hi).contains(x)), "{yaml}");
            if mean.is_finite() {
                let m = draws.iter().sum::<f64>() / n as f64;
                assert!((m - mean).abs() < 0.05 * mean, "{yaml}: mean {m}");
            }
        }
    }

    #[test]
    fn tail_bounds_are_the_support_or_a_far_quantile() {
        let bound = |yaml: &str| parse(yaml).tail_bound();
        assert_eq!(bound("{uniform: {min: 1, max: 5}}"), 5.0);
        assert_eq!(
            bound("{triangular: {min: 0, mode: 1, max: 18446744073709551616}}"),
            2f64.powi(64)
        );
        // Exponential: mean × ln(1e12).
        assert!((bound("{exponential: {mean: 2}}") - 2.0 * 27.631_021_115_928_547).abs() < 1e-9);
        // Lognormal: exp(mu + 7.0345 sigma).
        assert!((bound("{lognormal: {mu: 0, sigma: 1}}") - 7.034_486_5f64.exp()).abs() < 1e-6);
        assert!((bound("{normal: {mean: 10, std_dev: 2}}") - 24.068_973).abs() < 1e-6);
        // Weibull of shape 1 is the exponential; of shape 2, scale × sqrt(ln 1e12).
        assert!(
            (bound("{weibull: {scale: 3, shape: 1}}") - 3.0 * 27.631_021_115_928_547).abs() < 1e-9
        );
        assert!(
            (bound("{weibull: {scale: 1, shape: 2}}") - 27.631_021_115_928_547f64.sqrt()).abs()
                < 1e-9
        );
        assert_eq!(bound("{weibull: {scale: 1, shape: 1e-300}}"), f64::INFINITY);
        assert_eq!(bound("{lognormal: {mu: 1000, sigma: 1}}"), f64::INFINITY);
        assert!(bound("{exponential: {mean: 1e300}}") > 1e300);
        // Gamma of shape 1 is the exponential: the Chernoff bound lies a little above its
        // exact quantile 27.63.
        let g = bound("{gamma: {shape: 1, scale: 1}}");
        assert!((27.63..34.0).contains(&g), "{g}");
        // And it holds empirically for a larger shape.
        let d = parse("{gamma: {shape: 50, scale: 1}}");
        let b = d.tail_bound();
        let mut rng = StdRng::seed_from_u64(3);
        assert!((0..100_000).all(|_| d.sample(&mut rng) < b), "{b}");
        assert!((50.0..200.0).contains(&b), "{b}");
    }

    #[test]
    fn means_are_exact_or_estimated_reproducibly() {
        assert_eq!(parse("{uniform: {min: 0, max: 0}}").mean(), 0.0);
        assert_eq!(parse("0.001").mean(), 0.001);
        assert_eq!(parse("{exponential: {mean: 12}}").mean(), 12.0);
        assert_eq!(parse("{pert: {min: 0, mode: 3, max: 12}}").mean(), 4.0);
        let weibull = parse("{weibull: {scale: 12, shape: 1}}");
        assert_eq!(weibull.mean(), weibull.mean());
        assert!((weibull.mean() - 12.0).abs() < 0.6, "{}", weibull.mean());
    }

    #[test]
    fn optimiser_time_is_a_distribution_or_measured() {
        let t: OptimiserTime = serde_yaml::from_str("measured").unwrap();
        assert_eq!(t, OptimiserTime::Measured);
        let t: OptimiserTime = serde_yaml::from_str("1.5").unwrap();
        assert_eq!(t, OptimiserTime::Modelled(Distribution::fixed(1.5)));
        assert!(serde_yaml::from_str::<Distribution>("measured").is_err());
        assert!(serde_yaml::from_str::<OptimiserTime>("wallclock").is_err());
    }

    #[test]
    fn serialises_back_to_what_it_reads() {
        for yaml in [
            "2.5",
            "{uniform: {min: 1, max: 5}}",
            "{normal: {mean: 60, std_dev: 5, min: 45}}",
        ] {
            let d = parse(yaml);
            let written = serde_yaml::to_string(&d).unwrap();
            assert_eq!(parse(&written), d, "{written}");
        }
    }

    #[test]
    fn same_seed_same_draws() {
        let d = parse("{lognormal: {mu: -3, sigma: 0.5}}");
        let a: Vec<f64> = {
            let mut rng = StdRng::seed_from_u64(1);
            (0..5).map(|_| d.sample(&mut rng)).collect()
        };
        let mut rng = StdRng::seed_from_u64(1);
        let b: Vec<f64> = (0..5).map(|_| d.sample(&mut rng)).collect();
        assert_eq!(a, b);
    }
}
