//! Self-contained HTML reports (inline CSS and SVG drawn by [`html`], no scripts, no external
//! resource) of a sweep ([`sweep_html`]) and of a survival study ([`survival_html`]). Every
//! figure has a title, axes labelled with their units, and a caption saying what it shows and
//! whether it is reproduced from the paper, our extension, or an input echoed.

pub mod html;
mod survival;
mod sweep;

pub use survival::survival_html;
pub use sweep::{REFERENCE_COLUMNS, ResilienceCurve, sweep_html};
