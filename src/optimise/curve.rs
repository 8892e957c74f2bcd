//! Convex piecewise-quadratic costs of one variable: the shape every prosumer's cost takes
//! in both models (and the tie-break), and the inverse of their marginal cost, which the
//! allocation solver walks along.

/// The quadratic `k0 + k1·x + k2·x²`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Quad {
    pub k0: f64,
    pub k1: f64,
    pub k2: f64,
}

impl Quad {
    /// The linear function `k1·x`.
    pub(super) fn linear(k1: f64) -> Quad {
        Quad {
            k0: 0.0,
            k1,
            k2: 0.0,
        }
    }

    /// Value at `x`.
    pub(super) fn value(&self, x: f64) -> f64 {
        self.k0 + x * (self.k1 + x * self.k2)
    }

    /// Derivative at `x`.
    pub(super) fn slope(&self, x: f64) -> f64 {
        self.k1 + 2.0 * self.k2 * x
    }

    /// `self − other`.
    fn minus(&self, other: &Quad) -> Quad {
        Quad {
            k0: self.k0 - other.k0,
            k1: self.k1 - other.k1,
            k2: self.k2 - other.k2,
        }
    }
}

/// Real roots of `a·x² + b·x + c = 0`, ascending, computed without cancellation
/// (a linear equation when `a == 0`; none when the equation is constant).
pub(crate) fn roots(a: f64, b: f64, c: f64) -> Vec<f64> {
    if a == 0.0 {
        return if b == 0.0 { vec![] } else { vec![-c / b] };
    }
    let disc = b * b - 4.0 * a * c;
    if disc < 0.0 {
        return vec![];
    }
    let q = -0.5 * (b + b.signum() * disc.sqrt());
    if q == 0.0 {
        return vec![0.0];
    }
    let (r1, r2) = (q / a, c / q);
    vec![r1.min(r2), r1.max(r2)]
}

/// One piece of a [`Curve`]: `quad` on `[a, b]`. `da..=db` is the range of marginal cost
/// (derivative) over the piece, kept non-decreasing along the curve.
#[derive(Clone, Copy, Debug)]
struct Seg {
    a: f64,
    b: f64,
    quad: Quad,
    da: f64,
    db: f64,
}

impl Seg {
    /// The point of the piece whose marginal cost is `price` (`da <= price <= db`, `da < db`).
    fn ramp(&self, price: f64) -> f64 {
        (self.a + (price - self.da) / (self.db - self.da) * (self.b - self.a)).clamp(self.a, self.b)
    }

    /// How fast the point moves with the price inside the piece.
    fn rate(&self) -> f64 {
        (self.b - self.a) / (self.db - self.da)
    }
}

/// A continuous convex function of one variable on `[lo, hi]`, made of quadratic pieces.
///
/// Besides its value it answers the question the dual solver asks: at a marginal price
/// `λ`, which points minimise `g(x) − λ·x`? That set is an interval `[x⁻(λ), x⁺(λ)]`,
/// non-decreasing in `λ` and piecewise linear in it.
#[derive(Clone, Debug)]
pub(crate) struct Curve {
    segs: Vec<Seg>,
}

impl Curve {
    /// Builds a curve from contiguous pieces `(a, b, quad)` in increasing `x`, which must
    /// form a convex function. Rounding can leave a kink very slightly non-convex; the
    /// marginal-cost ranges are repaired to be monotone so the price map stays consistent.
    pub(super) fn new(pieces: impl IntoIterator<Item = (f64, f64, Quad)>) -> Curve {
        let mut segs: Vec<Seg> = Vec::new();
        let mut floor = f64::NEG_INFINITY;
        for (a, b, quad) in pieces {
            let da = quad.slope(a).max(floor);
            let db = quad.slope(b).max(da);
            floor = db;
            segs.push(Seg { a, b, quad, da, db });
        }
        assert!(!segs.is_empty(), "a curve needs at least one piece");
        Curve { segs }
    }

    /// The pointwise maximum of `quads` (each convex) on `[a, b]`: convex, split into the
    /// pieces where one quadratic is the largest.
    pub(super) fn max_of(quads: &[Quad], a: f64, b: f64) -> Curve {
        let mut cuts = vec![a, b];
        for (i, p) in quads.iter().enumerate() {
            for q in &quads[i + 1..] {
                let d = p.minus(q);
                cuts.extend(
                    roots(d.k2, d.k1, d.k0)
                        .into_iter()
                        .filter(|&x| x > a && x < b),
                );
            }
        }
        cuts.sort_by(f64::total_cmp);
        cuts.dedup();
        let top = |x: f64| {
            *quads
                .iter()
                .max_by(|p, q| p.value(x).total_cmp(&q.value(x)))
                .expect("at least one quadratic")
        };
        if cuts.len() == 1 {
            return Curve::new([(a, b, top(a))]);
        }
        let mut pieces: Vec<(f64, f64, Quad)> = Vec::new();
        for w in cuts.windows(2) {
            let quad = top(0.5 * (w[0] + w[1]));
            match pieces.last_mut() {
                Some(last) if last.2 == quad => last.1 = w[1],
                _ => pieces.push((w[0], w[1], quad)),
            }
        }
        Curve::new(pieces)
    }

    /// The same function restricted to `[a, b]` (within its domain, `a <= b`).
    pub(super) fn restrict(&self, a: f64, b: f64) -> Curve {
        let pieces: Vec<_> = self
            .segs
            .iter()
            .filter(|s| s.b >= a && s.a <= b)
            .map(|s| (s.a.max(a), s.b.min(b), s.quad))
            .collect();
        if pieces.is_empty() {
            return Curve::new([(a, b, self.segs[0].quad)]);
        }
        Curve::new(pieces)
    }

    /// The pieces `(a, b, quad)` in increasing `x`.
    pub(super) fn pieces(&self) -> impl Iterator<Item = (f64, f64, Quad)> + '_ {
        self.segs.iter().map(|s| (s.a, s.b, s.quad))
    }

    /// Number of pieces.
    pub(super) fn len(&self) -> usize {
        self.segs.len()
    }

    /// Left end of the domain.
    pub(super) fn lo(&self) -> f64 {
        self.segs[0].a
    }

    /// Right end of the domain.
    pub(super) fn hi(&self) -> f64 {
        self.segs[self.segs.len() - 1].b
    }

    /// Smallest and largest marginal cost on the domain.
    pub(super) fn slope_range(&self) -> (f64, f64) {
        (self.segs[0].da, self.segs[self.segs.len() - 1].db)
    }

    /// Value at `x` (clamped into the domain).
    pub(super) fn value(&self, x: f64) -> f64 {
        let x = x.clamp(self.lo(), self.hi());
        let seg = self.segs.iter().find(|s| x <= s.b).unwrap_or(&self.segs[0]);
        seg.quad.value(x)
    }

    /// The points minimising `g(x) − price·x`: the interval `[x⁻, x⁺]`.
    pub(super) fn at_price(&self, price: f64) -> (f64, f64) {
        (self.lowest_at(price), self.highest_at(price))
    }

    fn lowest_at(&self, price: f64) -> f64 {
        for s in &self.segs {
            if price <= s.da {
                return s.a;
            }
            if price < s.db {
                return s.ramp(price);
            }
        }
        self.hi()
    }

    fn highest_at(&self, price: f64) -> f64 {
        for s in &self.segs {
            if price < s.da {
                return s.a;
            }
            if price < s.db {
                return s.ramp(price);
            }
        }
        self.hi()
    }

    /// Just above `price`: how fast `x⁺` grows with the price, and the next price at which
    /// that rate changes (`+∞` when `x⁺` is at the top of the domain).
    pub(super) fn step_up(&self, price: f64) -> (f64, f64) {
        for s in &self.segs {
            if price < s.da {
                return (0.0, s.da);
            }
            if price < s.db {
                return (s.rate(), s.db);
            }
        }
        (0.0, f64::INFINITY)
    }

    /// Just below `price`: how fast `x⁻` falls as the price falls, and the previous price at
    /// which that rate changes (`−∞` at the bottom of the domain).
    pub(super) fn step_down(&self, price: f64) -> (f64, f64) {
        for s in self.segs.iter().rev() {
            if price > s.db {
                return (0.0, s.db);
            }
            if price > s.da {
                return (s.rate(), s.da);
            }
        }
        (0.0, f64::NEG_INFINITY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_are_ascending_and_stable() {
        assert_eq!(roots(1.0, -3.0, 2.0), vec![1.0, 2.0]);
        assert_eq!(roots(0.0, 2.0, -4.0), vec![2.0]);
        assert!(roots(1.0, 0.0, 1.0).is_empty());
        // Cancellation-prone: x² − 1e8·x + 1 has a root near 1e-8.
        let r = roots(1.0, -1e8, 1.0);
        assert!((r[0] - 1e-8).abs() < 1e-20, "{r:?}");
    }

    #[test]
    fn max_of_finds_the_active_pieces() {
        // max(x, x² − 2) on [0, 3]: linear up to x = 2, then the parabola.
        let c = Curve::max_of(
            &[
                Quad::linear(1.0),
                Quad {
                    k0: -2.0,
                    k1: 0.0,
                    k2: 1.0,
                },
            ],
            0.0,
            3.0,
        );
        assert_eq!(c.segs.len(), 2);
        assert!((c.segs[0].b - 2.0).abs() < 1e-12);
        assert_eq!(c.value(1.0), 1.0);
        assert_eq!(c.value(3.0), 7.0);
        assert_eq!(c.slope_range(), (1.0, 6.0));
    }

    #[test]
    fn price_map_covers_flats_kinks_and_ramps() {
        // 2x on [0, 1], a kink to 3x − 1 on [1, 2], then x² − x + 3 on [2, 4].
        let c = Curve::new([
            (0.0, 1.0, Quad::linear(2.0)),
            (
                1.0,
                2.0,
                Quad {
                    k0: -1.0,
                    k1: 3.0,
                    k2: 0.0,
                },
            ),
            (
                2.0,
                4.0,
                Quad {
                    k0: 3.0,
                    k1: -1.0,
                    k2: 1.0,
                },
            ),
        ]);
        // Flat at price 2: the whole first piece minimises.
        assert_eq!(c.at_price(2.0), (0.0, 1.0));
        // Between the two linear slopes: the kink.
        assert_eq!(c.at_price(2.5), (1.0, 1.0));
        // Ramp: slope of x² − x + 3 is 2x − 1, equal to 4 at x = 2.5.
        assert_eq!(c.at_price(4.0), (2.5, 2.5));
        assert_eq!(c.at_price(100.0), (4.0, 4.0));
        assert_eq!(c.at_price(-1.0), (0.0, 0.0));
        assert_eq!(c.step_up(3.5), (0.5, 7.0));
        assert_eq!(c.step_down(3.5), (0.5, 3.0));
        assert_eq!(c.step_up(2.5), (0.0, 3.0));
        assert_eq!(c.step_down(2.5), (0.0, 2.0));
        assert_eq!(c.value(1.5), 3.5);
    }

    #[test]
    fn restrict_keeps_the_function() {
        let c = Curve::max_of(
            &[
                Quad::linear(1.0),
                Quad {
                    k0: -2.0,
                    k1: 0.0,
                    k2: 1.0,
                },
            ],
            0.0,
            3.0,
        );
        let r = c.restrict(1.0, 2.5);
        assert_eq!((r.lo(), r.hi()), (1.0, 2.5));
        assert_eq!(r.value(2.5), c.value(2.5));
        assert_eq!(r.value(1.5), 1.5);
    }
}
