//! The one place the optimiser calls argmin: its Brent root finder, for the monotone scalar
//! equations the solver reduces to (a market-clearing marginal price, a tie-break level,
//! the slope of a convex envelope's bridge). argmin has no constrained solver; these
//! one-dimensional roots are where a solver is needed once the constraints are handled
//! by reformulation.

use argmin::core::{CostFunction, Error, Executor};
use argmin::solver::brent::BrentRoot;

use super::OptimiseError;

/// A scalar function as an argmin problem.
struct Scalar<F>(F);

impl<F: Fn(f64) -> f64> CostFunction for Scalar<F> {
    type Param = f64;
    type Output = f64;

    fn cost(&self, x: &f64) -> Result<f64, Error> {
        Ok((self.0)(*x))
    }
}

/// A point near where the non-decreasing `f` changes sign in `[lo, hi]`
/// (`f(lo) <= 0 <= f(hi)`), to within about `1e-12` of the bracket's scale.
/// Callers that need exactness finish from here (see `allocate`).
pub(crate) fn sign_change(f: impl Fn(f64) -> f64, lo: f64, hi: f64) -> Result<f64, OptimiseError> {
    let tol = 1e-12 * (1.0 + lo.abs().max(hi.abs()));
    let result = Executor::new(Scalar(f), BrentRoot::new(lo, hi, tol))
        .configure(|state| state.max_iters(200))
        .run()
        .map_err(|e| OptimiseError::Solver(format!("Brent root finder: {e}")))?;
    result
        .state
        .param
        .ok_or_else(|| OptimiseError::Solver("Brent root finder returned no point".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_smooth_root() {
        let x = sign_change(|x| x * x - 2.0, 0.0, 2.0).unwrap();
        assert!((x - 2f64.sqrt()).abs() < 1e-11);
    }

    #[test]
    fn finds_the_jump_of_a_step() {
        let x = sign_change(|x| if x < 0.3 { -1.0 } else { 1.0 }, 0.0, 1.0).unwrap();
        assert!((x - 0.3).abs() < 1e-11, "{x}");
    }

    #[test]
    fn rejects_a_bracket_without_sign_change() {
        let err = sign_change(|x| x + 10.0, 0.0, 1.0).unwrap_err();
        assert!(matches!(err, OptimiseError::Solver(m) if m.contains("different signs")));
    }
}
