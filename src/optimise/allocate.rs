//! Separable convex allocation: split a total among variables, each with a convex
//! piecewise-quadratic cost on an interval, at least total cost.
//!
//! By KKT the optimum is a marginal price `λ*` at which every variable minimises
//! `g_i(x) − λ*·x` and the minimisers add up to the total. The supply at price `λ`,
//! `Σ x_i(λ)`, is non-decreasing and piecewise linear in `λ`. argmin's Brent root finder
//! gets close to `λ*`; an exact walk over the few breakpoints left finishes it, and the
//! result is the whole optimal set (a [`Face`]), so ties are seen rather than hidden.

use super::OptimiseError;
use super::curve::{Curve, Quad};
use super::root::sign_change;

/// The set of optimal allocations: any `x` with `lo_i <= x_i <= hi_i` and `Σ x_i = total`
/// (the minimisers of every `g_i(x) − λ*·x` at the optimal marginal price `λ*`).
#[derive(Clone, Debug)]
pub(crate) struct Face {
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
    pub total: f64,
    /// Widths below this count as zero (rounding).
    eps: f64,
}

/// Minimises `Σ g_i(x_i)` subject to `Σ x_i = total`, `x_i` in each curve's domain.
/// The total must lie between the sums of the domains' ends.
pub(crate) fn allocate(curves: &[&Curve], total: f64) -> Result<Face, OptimiseError> {
    let lo_sum: f64 = curves.iter().map(|c| c.lo()).sum();
    let hi_sum: f64 = curves.iter().map(|c| c.hi()).sum();
    let eps = 1e-14 * (1.0 + lo_sum.abs() + hi_sum.abs());
    if total < lo_sum - 100.0 * eps || total > hi_sum + 100.0 * eps {
        return Err(OptimiseError::Solver(format!(
            "allocation total {total} outside the feasible range [{lo_sum}, {hi_sum}]"
        )));
    }
    let (p_min, p_max) = curves
        .iter()
        .map(|c| c.slope_range())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (a, b)| {
            (lo.min(a), hi.max(b))
        });
    let (p_lo, p_hi) = if curves.is_empty() {
        (0.0, 0.0)
    } else {
        (p_min - 1.0, p_max + 1.0)
    };
    let start = if hi_sum - lo_sum <= eps {
        p_lo
    } else {
        sign_change(|p| supply(curves, p).mid() - total, p_lo, p_hi)?
    };
    let lambda = walk(curves, total, start, eps)?;
    let (lo, hi) = curves.iter().map(|c| c.at_price(lambda)).unzip();
    Ok(Face {
        lo,
        hi,
        total,
        eps: 1e-9 * (1.0 + total.abs()),
    })
}

/// Total of the smallest and the largest minimisers at a price.
struct Supply {
    lo: f64,
    hi: f64,
}

impl Supply {
    fn mid(&self) -> f64 {
        0.5 * (self.lo + self.hi)
    }
}

fn supply(curves: &[&Curve], price: f64) -> Supply {
    curves.iter().fold(Supply { lo: 0.0, hi: 0.0 }, |s, c| {
        let (lo, hi) = c.at_price(price);
        Supply {
            lo: s.lo + lo,
            hi: s.hi + hi,
        }
    })
}

/// From `price`, follows the piecewise-linear supply up or down, breakpoint by breakpoint,
/// to the exact price at which it meets `total`.
fn walk(curves: &[&Curve], total: f64, mut price: f64, eps: f64) -> Result<f64, OptimiseError> {
    let breakpoints: usize = curves.iter().map(|c| 2 * c.len()).sum();
    for _ in 0..=breakpoints + 2 {
        let s = supply(curves, price);
        if s.hi < total - eps {
            let (rate, next) = curves
                .iter()
                .map(|c| c.step_up(price))
                .fold((0.0, f64::INFINITY), |(r, n), (rc, nc)| (r + rc, n.min(nc)));
            if rate > 0.0 && price + (total - s.hi) / rate <= next {
                return Ok(price + (total - s.hi) / rate);
            }
            price = next;
        } else if s.lo > total + eps {
            let (rate, prev) = curves
                .iter()
                .map(|c| c.step_down(price))
                .fold((0.0, f64::NEG_INFINITY), |(r, p), (rc, pc)| {
                    (r + rc, p.max(pc))
                });
            if rate > 0.0 && price - (s.lo - total) / rate >= prev {
                return Ok(price - (s.lo - total) / rate);
            }
            price = prev;
        } else {
            return Ok(price);
        }
        if !price.is_finite() {
            break;
        }
    }
    Err(OptimiseError::Solver(format!(
        "price walk did not reach total {total}"
    )))
}

impl Face {
    /// Whether the optimal set holds more than one allocation: at least two variables can
    /// move and the total leaves them room.
    pub(super) fn is_degenerate(&self) -> bool {
        let free = self
            .lo
            .iter()
            .zip(&self.hi)
            .filter(|(l, h)| *h - *l > self.eps)
            .count();
        let (lo_sum, hi_sum): (f64, f64) = (self.lo.iter().sum(), self.hi.iter().sum());
        free >= 2 && lo_sum + self.eps < self.total && self.total < hi_sum - self.eps
    }

    /// A vertex of the face: variables raised from `lo` towards `hi` in index order until
    /// the total is reached, so at most one ends strictly inside its range. The cost is
    /// the same at every point of the face.
    pub(super) fn vertex(&self) -> Vec<f64> {
        let mut room = self.total - self.lo.iter().sum::<f64>();
        self.lo
            .iter()
            .zip(&self.hi)
            .map(|(&l, &h)| {
                let x = (h - l).min(room.max(0.0));
                room -= x;
                l + x
            })
            .collect()
    }

    /// The point of the face minimising `Σ x_i² / cap_i`: each variable at the same share
    /// of its capacity `cap_i` as far as its range allows (`x_i = clamp(μ·cap_i, lo_i, hi_i)`).
    /// Strictly convex, so unique: the deterministic representative of a degenerate optimum
    /// and the fair model's tie-break.
    pub(super) fn spread(&self, caps: &[f64]) -> Result<Vec<f64>, OptimiseError> {
        if !self.is_degenerate() {
            return Ok(self.vertex());
        }
        let curves: Vec<Curve> = self
            .lo
            .iter()
            .zip(&self.hi)
            .zip(caps)
            .map(|((&l, &h), &cap)| {
                let k2 = if cap > 0.0 { 0.5 / cap } else { 0.0 };
                Curve::new([(
                    l,
                    h,
                    Quad {
                        k0: 0.0,
                        k1: 0.0,
                        k2,
                    },
                )])
            })
            .collect();
        let refs: Vec<&Curve> = curves.iter().collect();
        Ok(allocate(&refs, self.total)?.vertex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quad(a: f64, b: f64, k1: f64, k2: f64) -> Curve {
        Curve::new([(a, b, Quad { k0: 0.0, k1, k2 })])
    }

    #[test]
    fn equal_marginal_cost_for_quadratics() {
        // x² + 2y² with x + y = 3: x = 2, y = 1, λ = 4.
        let (a, b) = (quad(0.0, 10.0, 0.0, 1.0), quad(0.0, 10.0, 0.0, 2.0));
        let face = allocate(&[&a, &b], 3.0).unwrap();
        let x = face.vertex();
        assert!(
            (x[0] - 2.0).abs() < 1e-12 && (x[1] - 1.0).abs() < 1e-12,
            "{x:?}"
        );
        assert!(!face.is_degenerate());
    }

    #[test]
    fn bounds_bind_and_the_rest_takes_up_the_slack() {
        // x on [0, 1] is cheap but capped; y pays the rest.
        let (a, b) = (quad(0.0, 1.0, 0.0, 0.1), quad(0.0, 10.0, 0.0, 1.0));
        let x = allocate(&[&a, &b], 5.0).unwrap().vertex();
        assert_eq!(x[0], 1.0);
        assert!((x[1] - 4.0).abs() < 1e-12, "{x:?}");
    }

    #[test]
    fn equal_linear_costs_are_a_degenerate_face() {
        let (a, b, c) = (
            quad(0.0, 4.0, 3.0, 0.0),
            quad(0.0, 6.0, 3.0, 0.0),
            quad(0.0, 9.0, 5.0, 0.0),
        );
        let face = allocate(&[&a, &b, &c], 5.0).unwrap();
        assert_eq!(
            (face.lo.clone(), face.hi.clone()),
            (vec![0.0; 3], vec![4.0, 6.0, 0.0])
        );
        assert!(face.is_degenerate());
        // Spread evenly relative to capacity 4 and 6: 2 and 3.
        let x = face.spread(&[4.0, 6.0, 9.0]).unwrap();
        assert!(
            (x[0] - 2.0).abs() < 1e-12 && (x[1] - 3.0).abs() < 1e-12,
            "{x:?}"
        );
        assert_eq!(x[2], 0.0);
    }

    #[test]
    fn spread_respects_the_face() {
        let face = Face {
            lo: vec![0.0, 2.0, 0.0],
            hi: vec![1.0, 5.0, 5.0],
            total: 6.0,
            eps: 1e-9,
        };
        // μ·cap with caps 10, 10, 10 would give 2 each; x0 caps at 1, so 2.5 for the others.
        let x = face.spread(&[10.0, 10.0, 10.0]).unwrap();
        assert_eq!(x[0], 1.0);
        assert!(
            (x[1] - 2.5).abs() < 1e-12 && (x[2] - 2.5).abs() < 1e-12,
            "{x:?}"
        );
    }

    #[test]
    fn a_total_outside_the_domain_is_an_error() {
        let a = quad(0.0, 1.0, 1.0, 0.0);
        assert!(allocate(&[&a], 2.0).is_err());
    }
}
