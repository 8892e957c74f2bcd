//! The figures a reader of the paper expects, as PNG: Figs. 8–11 (energy and rewards per
//! prosumer, case 1 and with new consumers), the MTTR distribution of the sweep with the
//! paper's 19 s marked, one run's MTTR phases against the paper's stated components, and
//! Table 8's latency and throughput per contract function against our Caliper benchmarks.
//!
//! Drawn with plotters into an RGB buffer and encoded with the `png` crate; text is rendered
//! in pure Rust from a TrueType font found on the system at run time (see [`load_font`]).

use super::ReproduceError;
use super::benchmark::{Benchmark, Benchmarks};
use super::mttr::{SweepResult, named_phases};
use super::paper::{self, timing};
use super::tables::AllocationCase;
use crate::caliper::RoundSummary;
use crate::sim::RunReport;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Environment variable naming a `.ttf` file to use instead of the standard locations.
pub const FONT_ENV: &str = "BLACKSTART_FONT";

/// Where common systems keep a sans-serif TrueType font, tried in order.
const FONT_PATHS: [&str; 8] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
    "C:\\Windows\\Fonts\\arial.ttf",
];

/// The font family name the figures use (registered by [`load_font`]).
const FAMILY: &str = "sans-serif";

/// The font file registered for this process.
static FONT: OnceLock<PathBuf> = OnceLock::new();

/// Finds a TrueType font (`$BLACKSTART_FONT` if set, else the standard locations) and
/// registers it for the figures; returns its path. Done once per process.
pub fn load_font() -> Result<PathBuf, ReproduceError> {
    if let Some(path) = FONT.get() {
        return Ok(path.clone());
    }
    let candidates: Vec<PathBuf> = match std::env::var_os(FONT_ENV) {
        Some(path) => vec![PathBuf::from(path)],
        None => FONT_PATHS.iter().map(PathBuf::from).collect(),
    };
    for path in &candidates {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        // plotters keeps fonts for the life of the process.
        let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        register_font(FAMILY, FontStyle::Normal, bytes)
            .map_err(|_| ReproduceError::FontInvalid { path: path.clone() })?;
        return Ok(FONT.get_or_init(|| path.clone()).clone());
    }
    Err(ReproduceError::FontMissing {
        searched: candidates,
    })
}

/// Width and height of every figure, pixels.
const SIZE: (u32, u32) = (1200, 700);

/// Series colours (Paul Tol's bright scheme, readable by colour-blind readers).
const COLOURS: [RGBColor; 7] = [
    RGBColor(0x44, 0x77, 0xAA),
    RGBColor(0xEE, 0x66, 0x77),
    RGBColor(0x22, 0x88, 0x33),
    RGBColor(0xCC, 0xBB, 0x44),
    RGBColor(0x66, 0xCC, 0xEE),
    RGBColor(0xAA, 0x33, 0x77),
    RGBColor(0xBB, 0xBB, 0xBB),
];

/// A grouped bar chart: one group per category, one bar per series (NaN: no bar).
struct Bars {
    title: String,
    x_label: &'static str,
    y_label: &'static str,
    categories: Vec<String>,
    series: Vec<(String, Vec<f64>)>,
}

/// Draws every figure into `dir`; returns the files written.
pub fn draw_all(
    dir: &Path,
    case_1: &AllocationCase,
    table_7: &AllocationCase,
    run: &RunReport,
    sweep: &SweepResult,
    benchmarks: &Benchmarks,
) -> Result<Vec<PathBuf>, ReproduceError> {
    let mut files = Vec::new();
    for (case, energy, rewards, what) in [
        (
            case_1,
            "fig08_case1_energy.png",
            "fig09_case1_rewards.png",
            "case 1",
        ),
        (
            table_7,
            "fig10_new_consumers_energy.png",
            "fig11_new_consumers_rewards.png",
            "new consumers (Table 7's data)",
        ),
    ] {
        let path = dir.join(energy);
        bar_chart(&path, &energy_bars(case, what))?;
        files.push(path);
        let path = dir.join(rewards);
        bar_chart(&path, &reward_bars(case, what))?;
        files.push(path);
    }
    let path = dir.join("mttr_distribution.png");
    histogram(&path, sweep)?;
    files.push(path);
    let path = dir.join("mttr_phases.png");
    bar_chart(&path, &phase_bars(run))?;
    files.push(path);
    for metric in [Metric::Latency, Metric::Throughput] {
        let path = dir.join(metric.file());
        bar_chart(&path, &benchmark_bars(benchmarks, metric))?;
        files.push(path);
    }
    Ok(files)
}

/// A figure of Table 8.
#[derive(Clone, Copy)]
enum Metric {
    Latency,
    Throughput,
}

impl Metric {
    fn file(self) -> &'static str {
        match self {
            Metric::Latency => "table8_latency.png",
            Metric::Throughput => "table8_throughput.png",
        }
    }

    fn published(self, row: &paper::BenchmarkRow) -> f64 {
        match self {
            Metric::Latency => row.latency_s,
            Metric::Throughput => row.throughput_tps,
        }
    }

    fn of(self, round: &RoundSummary) -> Option<f64> {
        match self {
            Metric::Latency => round.avg_latency_s,
            Metric::Throughput => round.throughput_tps,
        }
    }
}

/// Table 8's average latency or throughput per function, against each of our benchmarks.
fn benchmark_bars(benchmarks: &Benchmarks, metric: Metric) -> Bars {
    let per_function = |benchmark: &Benchmark| {
        paper::TABLE_8
            .iter()
            .map(|row| {
                benchmark
                    .report
                    .rounds
                    .iter()
                    .find(|r| r.function.name() == row.function)
                    .and_then(|r| metric.of(r))
                    .unwrap_or(f64::NAN)
            })
            .collect()
    };
    let label = |benchmark: &Benchmark| {
        let rounds = if benchmark.config == super::benchmark::TABLE_8_COUNTS {
            "Table 8's counts"
        } else {
            "10 s rounds"
        };
        format!("ours: {rounds}, {}", benchmark.profile)
    };
    let mut series = vec![(
        "Table 8".to_string(),
        paper::TABLE_8.iter().map(|r| metric.published(r)).collect(),
    )];
    for benchmark in [&benchmarks.ten_second, &benchmarks.table_8_counts]
        .into_iter()
        .chain(&benchmarks.block_intervals)
    {
        series.push((label(benchmark), per_function(benchmark)));
    }
    let (title, y_label) = match metric {
        Metric::Latency => (
            "Table 8: average latency per function, fixed-rate 20 TPS",
            "average latency (s)",
        ),
        Metric::Throughput => (
            "Table 8: throughput per function, fixed-rate 20 TPS",
            "throughput (TPS)",
        ),
    };
    Bars {
        title: title.into(),
        x_label: "contract function",
        y_label,
        categories: paper::TABLE_8
            .iter()
            .map(|r| r.function.to_string())
            .collect(),
        series,
    }
}

fn prosumer_ids(case: &AllocationCase) -> Vec<String> {
    case.published
        .iter()
        .map(|row| row.id.to_string())
        .collect()
}

/// Figs. 8 and 10: export at t−1 and the extra contribution delta.
fn energy_bars(case: &AllocationCase, what: &str) -> Bars {
    let delta = |a: &crate::optimise::Allocation| a.prosumers.iter().map(|p| p.delta_kwh).collect();
    Bars {
        title: format!("Energy export at t−1 and extra contribution δ after the outage, {what}"),
        x_label: "prosumer",
        y_label: "energy per interval (kWh)",
        categories: prosumer_ids(case),
        series: vec![
            ("Pe at t−1".into(), case.export_prev_kwh.clone()),
            (
                format!("δ, {} (R_δ / BT)", case.table),
                case.published_delta().iter().map(|d| d.value).collect(),
            ),
            ("δ, ours: paper model".into(), delta(&case.paper)),
            ("δ, ours: fair model".into(), delta(&case.fair)),
        ],
    }
}

/// Figs. 9 and 11: reward at t−1 and the reward for the extra contribution.
fn reward_bars(case: &AllocationCase, what: &str) -> Bars {
    let after = |a: &crate::optimise::Allocation| {
        a.prosumers
            .iter()
            .map(|p| p.reward_delta_inr + p.reward_extra_inr)
            .collect()
    };
    Bars {
        title: format!("Rewards at t−1 and for the extra contribution after the outage, {what}"),
        x_label: "prosumer",
        y_label: "reward (INR)",
        categories: prosumer_ids(case),
        series: vec![
            (
                "Pe × BT at t−1".into(),
                case.export_prev_kwh
                    .iter()
                    .map(|pe| pe * paper::BASE_TARIFF_INR_PER_KWH)
                    .collect(),
            ),
            (
                format!("R_δ + R_extra, {}", case.table),
                case.published_reward_inr(),
            ),
            (
                "R_δ + R_extra, ours: paper model".into(),
                after(&case.paper),
            ),
            ("R_δ + R_extra, ours: fair model".into(), after(&case.fair)),
        ],
    }
}

/// One run's phases and MTTR against the paper's stated components and 19 s.
fn phase_bars(run: &RunReport) -> Bars {
    let phases = named_phases(&run.phases);
    let mut categories: Vec<String> = phases.iter().map(|(name, _)| name.to_string()).collect();
    categories.push("MTTR".into());
    let mut ours: Vec<f64> = phases.iter().map(|(_, s)| *s).collect();
    ours.push(run.mttr_s.unwrap_or(f64::NAN));
    let paper = vec![
        timing::DETECTION_MAX_S,
        f64::NAN,
        timing::CHAIN_S,
        timing::OPTIMISATION_MAX_S,
        timing::SWITCHING_S,
        f64::NAN,
        paper::MTTR_S.value,
    ];
    Bars {
        title: "MTTR and its phases: the paper's stated figures and one simulated outage".into(),
        x_label: "phase of the restoration",
        y_label: "time (s)",
        categories,
        series: vec![
            (
                "paper (detection and optimisation: upper bounds)".into(),
                paper,
            ),
            ("ours, one run of campus13".into(), ours),
        ],
    }
}

/// Why plotters failed on `path`.
fn drawing_error(path: &Path) -> impl Fn(String) -> ReproduceError + '_ {
    move |message| ReproduceError::Figure {
        path: path.to_path_buf(),
        message,
    }
}

fn bar_chart(path: &Path, bars: &Bars) -> Result<(), ReproduceError> {
    let fail = drawing_error(path);
    if bars.series.len() > COLOURS.len() {
        return Err(fail(format!(
            "{} series, but only {} colours",
            bars.series.len(),
            COLOURS.len()
        )));
    }
    render(path, |root| {
        let groups = bars.categories.len() as f64;
        let top = bars
            .series
            .iter()
            .flat_map(|(_, values)| values.iter().copied())
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        let mut chart = ChartBuilder::on(root)
            .caption(&bars.title, (FAMILY, 26))
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d(0.0..groups, 0.0..top * 1.25)
            .map_err(|e| fail(e.to_string()))?;
        let categories = &bars.categories;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(2 * categories.len() + 1)
            .x_label_formatter(&|x| {
                let i = (x - 0.5).round();
                if (x - 0.5 - i).abs() < 1e-6 && i >= 0.0 {
                    categories.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|y| format!("{y:.0}"))
            .x_desc(bars.x_label)
            .y_desc(bars.y_label)
            .label_style((FAMILY, 18))
            .axis_desc_style((FAMILY, 20))
            .draw()
            .map_err(|e| fail(e.to_string()))?;
        let width = 0.8 / bars.series.len() as f64;
        for (k, ((name, values), colour)) in bars.series.iter().zip(COLOURS).enumerate() {
            let rectangles = values
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_finite())
                .map(move |(i, &v)| {
                    let left = i as f64 + 0.1 + k as f64 * width;
                    Rectangle::new([(left, 0.0), (left + width * 0.9, v)], colour.filled())
                });
            chart
                .draw_series(rectangles)
                .map_err(|e| fail(e.to_string()))?
                .label(name.as_str())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 14, y + 6)], colour.filled())
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .label_font((FAMILY, 18))
            .draw()
            .map_err(|e| fail(e.to_string()))
    })
}

/// The sweep's MTTR distribution on a log time axis, with the paper's 19 s marked.
fn histogram(path: &Path, sweep: &SweepResult) -> Result<(), ReproduceError> {
    let fail = drawing_error(path);
    let values = &sweep.mttr_s;
    let paper_s = paper::MTTR_S.value;
    // From the power of ten below everything, so the axis has a labelled decade at each end.
    let low_s = 10f64.powf(
        (values.iter().copied().fold(paper_s, f64::min) * 0.8)
            .log10()
            .floor(),
    );
    let high_s = values.iter().copied().fold(paper_s, f64::max) * 1.25;
    const BINS: usize = 100;
    let ratio = (high_s / low_s).ln() / BINS as f64;
    let edge = |k: usize| low_s * (ratio * k as f64).exp();
    let mut counts = [0u32; BINS];
    for v in values {
        let k = (((v / low_s).ln() / ratio) as usize).min(BINS - 1);
        counts[k] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(0).max(1);
    render(path, |root| {
        let title = format!(
            "MTTR over {} simulated outages of campus13 (log scale)",
            sweep.summary.runs
        );
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FAMILY, 26))
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d((low_s..high_s).log_scale(), 0.0..f64::from(top) * 1.15)
            .map_err(|e| fail(e.to_string()))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc("MTTR (s)")
            .y_desc("runs")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .label_style((FAMILY, 18))
            .axis_desc_style((FAMILY, 20))
            .draw()
            .map_err(|e| fail(e.to_string()))?;
        let bars = counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(k, &c)| {
                Rectangle::new(
                    [(edge(k), 0.0), (edge(k + 1), f64::from(c))],
                    COLOURS[0].filled(),
                )
            });
        chart
            .draw_series(bars)
            .map_err(|e| fail(e.to_string()))?
            .label("runs per bin (blackstart)")
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], COLOURS[0].filled()));
        let marker_top = f64::from(top) * 1.1;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(paper_s, 0.0), (paper_s, marker_top)],
                COLOURS[1].stroke_width(3),
            )))
            .map_err(|e| fail(e.to_string()))?
            .label(format!("the paper's MTTR, {paper_s} s"))
            .legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 14, y)], COLOURS[1].stroke_width(3))
            });
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .label_font((FAMILY, 18))
            .draw()
            .map_err(|e| fail(e.to_string()))
    })
}

/// Draws with `draw` on a white canvas of [`SIZE`] and writes it to `path` as PNG.
fn render(
    path: &Path,
    draw: impl FnOnce(&DrawingArea<BitMapBackend, Shift>) -> Result<(), ReproduceError>,
) -> Result<(), ReproduceError> {
    let (width, height) = SIZE;
    let mut rgb = vec![0u8; (width * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
        root.fill(&WHITE)
            .map_err(|e| drawing_error(path)(e.to_string()))?;
        draw(&root)?;
        root.present()
            .map_err(|e| drawing_error(path)(e.to_string()))?;
    }
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder
        .write_header()
        .and_then(|mut writer| {
            writer.write_image_data(&rgb)?;
            writer.finish()
        })
        .map_err(|e| drawing_error(path)(e.to_string()))?;
    super::write_file(path, &bytes)
}
