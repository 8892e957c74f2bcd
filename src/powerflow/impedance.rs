//! Series impedances: a line's 3×3 phase matrix from its line code, and a transformer's ideal
//! ratio with its leakage impedance.

use super::phasor::{Matrix, Phasors, ZERO};
use crate::scenario::{LineCode, TransformerRating, WindingConnection};
use num_complex::Complex64;

/// A line's series impedance matrix, Ω, for a line of `length_km` whose conductors carry
/// `phases` (0-based, in the code's conductor order): the code's phase matrices when it has
/// them, else its sequence values as Zs = (2·Z1 + Z0)/3 on the diagonal and Zm = (Z0 − Z1)/3
/// off it (zero-sequence values not given are taken as the positive-sequence ones: no mutual
/// coupling). Rows and columns of phases the line does not carry are zero.
pub(crate) fn line_ohm(
    code: &LineCode,
    phases: &[usize],
    length_km: f64,
) -> Result<Matrix, String> {
    let n = phases.len();
    let mut z = [ZERO; 3];
    if !code.r_matrix_ohm_per_km.is_empty() {
        let fits = |m: &Vec<Vec<f64>>| m.len() == n && m.iter().all(|row| row.len() == n);
        let x = &code.x_matrix_ohm_per_km;
        if !fits(&code.r_matrix_ohm_per_km) || !(x.is_empty() || fits(x)) {
            return Err(format!(
                "its code's matrices are not {n} × {n}, for its {n} phases"
            ));
        }
        for (i, &p) in phases.iter().enumerate() {
            for (j, &q) in phases.iter().enumerate() {
                let x_ohm_per_km = x.get(i).map_or(0.0, |row| row[j]);
                z[p][q] = Complex64::new(code.r_matrix_ohm_per_km[i][j], x_ohm_per_km) * length_km;
            }
        }
        return Ok(z);
    }
    let (Some(r1), Some(x1)) = (code.r1_ohm_per_km, code.x1_ohm_per_km) else {
        return Err("its code has neither phase matrices nor r1 and x1".to_string());
    };
    let z1 = Complex64::new(r1, x1);
    let z0 = Complex64::new(
        code.r0_ohm_per_km.unwrap_or(r1),
        code.x0_ohm_per_km.unwrap_or(x1),
    );
    let self_ohm = (2.0 * z1 + z0) / 3.0 * length_km;
    let mutual_ohm = (z0 - z1) / 3.0 * length_km;
    for &p in phases {
        for &q in phases {
            z[p][q] = if p == q { self_ohm } else { mutual_ohm };
        }
    }
    Ok(z)
}

/// A two-winding transformer seen from its primary (the side toward the reference): ideal
/// windings of a fixed ratio (taps at 1) and each winding pair's leakage impedance referred to
/// the secondary. A delta winding k joins phases k and k−1 (1–3, 2–1, 3–2), as OpenDSS's do:
/// a delta–wye transformer's wye side lags its delta side by 30°.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Transformer {
    primary: WindingConnection,
    secondary: WindingConnection,
    /// Primary winding voltage over secondary winding voltage.
    turns_ratio: f64,
    /// Leakage impedance of one winding pair, referred to the secondary winding, Ω.
    leakage_ohm: Complex64,
}

impl Transformer {
    /// The transformer of `rating` between buses of line-to-line bases `primary_kv` and
    /// `secondary_kv` (its rated voltages are taken to be its buses' bases), `phases` of them
    /// carrying one winding pair each; `reversed` when the reference is on the rating's `to`
    /// side. The rating's %r and %x are on its own kVA, shared equally by the winding pairs.
    pub(crate) fn new(
        rating: &TransformerRating,
        reversed: bool,
        primary_kv: f64,
        secondary_kv: f64,
        phases: usize,
    ) -> Self {
        let (primary, secondary) = if reversed {
            (rating.to_connection, rating.from_connection)
        } else {
            (rating.from_connection, rating.to_connection)
        };
        let winding_kv = |kv: f64, c: WindingConnection| match c {
            WindingConnection::Wye => kv / 3f64.sqrt(),
            WindingConnection::Delta => kv,
        };
        let secondary_winding_kv = winding_kv(secondary_kv, secondary);
        let winding_kva = rating.kva / phases as f64;
        let base_ohm = secondary_winding_kv.powi(2) * 1000.0 / winding_kva;
        Transformer {
            primary,
            secondary,
            turns_ratio: winding_kv(primary_kv, primary) / secondary_winding_kv,
            leakage_ohm: Complex64::new(rating.r_pct, rating.x_pct) / 100.0 * base_ohm,
        }
    }

    /// Whether either winding is delta (which needs all three phases).
    pub(crate) fn has_delta(&self) -> bool {
        [self.primary, self.secondary].contains(&WindingConnection::Delta)
    }

    /// The secondary's phase-to-neutral voltages given the primary's and the currents the
    /// secondary delivers (a delta secondary's voltages carry no zero sequence).
    pub(crate) fn secondary_v(&self, primary_v: &Phasors, secondary_a: &Phasors) -> Phasors {
        let primary_winding_v = winding_voltages(self.primary, primary_v);
        let secondary_winding_a = winding_currents(self.secondary, secondary_a);
        let secondary_winding_v: Phasors = std::array::from_fn(|k| {
            primary_winding_v[k] / self.turns_ratio - self.leakage_ohm * secondary_winding_a[k]
        });
        match self.secondary {
            WindingConnection::Wye => secondary_winding_v,
            WindingConnection::Delta => std::array::from_fn(|k| {
                (secondary_winding_v[k] - secondary_winding_v[(k + 1) % 3]) / 3.0
            }),
        }
    }

    /// The currents the primary draws when the secondary delivers `secondary_a`.
    pub(crate) fn primary_a(&self, secondary_a: &Phasors) -> Phasors {
        let winding_a = winding_currents(self.secondary, secondary_a).map(|i| i / self.turns_ratio);
        match self.primary {
            WindingConnection::Wye => winding_a,
            WindingConnection::Delta => {
                std::array::from_fn(|k| winding_a[k] - winding_a[(k + 1) % 3])
            }
        }
    }
}

/// The voltages across the windings given the phase-to-neutral voltages.
fn winding_voltages(connection: WindingConnection, v: &Phasors) -> Phasors {
    match connection {
        WindingConnection::Wye => *v,
        WindingConnection::Delta => std::array::from_fn(|k| v[k] - v[(k + 2) % 3]),
    }
}

/// The currents in the windings given the line currents (a delta's without circulating
/// current).
fn winding_currents(connection: WindingConnection, line_a: &Phasors) -> Phasors {
    match connection {
        WindingConnection::Wye => *line_a,
        WindingConnection::Delta => {
            std::array::from_fn(|k| (line_a[k] - line_a[(k + 2) % 3]) / 3.0)
        }
    }
}
