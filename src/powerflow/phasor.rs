//! Three-phase phasors and 3×3 complex matrices, indexed by phase 0–2 (phases 1–3).

use num_complex::Complex64;

/// One complex value per phase.
pub(crate) type Phasors = [Complex64; 3];

/// A 3×3 complex matrix (rows and columns by phase).
pub(crate) type Matrix = [[Complex64; 3]; 3];

/// Zero on every phase.
pub(crate) const ZERO: Phasors = [Complex64::new(0.0, 0.0); 3];

/// `m · v`.
pub(crate) fn times(m: &Matrix, v: &Phasors) -> Phasors {
    std::array::from_fn(|i| (0..3).map(|j| m[i][j] * v[j]).sum())
}

/// Balanced positive-sequence phasors of magnitude `magnitude`, phase 1 at angle 0.
pub(crate) fn balanced(magnitude: f64) -> Phasors {
    std::array::from_fn(|k| {
        Complex64::from_polar(magnitude, -2.0 * std::f64::consts::PI * k as f64 / 3.0)
    })
}
