//! The figures a reader of the paper expects, as PNG: Figs. 8–11 (energy and rewards per
//! prosumer, case 1 and with new consumers), the MTTR distribution of the sweep with the
//! paper's 19 s marked, one run's MTTR phases against the paper's stated components, and
//! Table 8's latency and throughput per contract function against our Caliper benchmarks.
//!
//! Drawn with plotters into an RGB buffer and encoded with the `png` crate; text is rendered
//! in pure Rust from a TrueType font found on the system at run time (see [`load_font`]):
//! titles, legends and annotations by [`super::text`], whose glyph placement is exact; tick
//! labels and axis names by plotters. Legends sit below the plots, never over bars.

use super::ReproduceError;
use super::benchmark::{Benchmark, Benchmarks};
use super::mttr::{SweepResult, named_phases};
use super::paper::{self, timing};
use super::tables::AllocationCase;
use super::text::{Align, Area, Writer};
use crate::caliper::RoundSummary;
use crate::sim::{RunReport, SUSTAINED_AFTER_S};
use plotters::coord::types::RangedCoordf64;
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

/// The font the figures use: its file, and its bytes, kept for the life of the process.
#[derive(Debug, Clone, Copy)]
pub struct FigureFont {
    /// The font file.
    pub path: &'static Path,
    /// Its contents.
    pub bytes: &'static [u8],
}

/// The font registered for this process.
static FONT: OnceLock<FigureFont> = OnceLock::new();

/// Finds a TrueType font (`$BLACKSTART_FONT` if set, else the standard locations) and
/// registers it for the figures. Done once per process.
pub fn load_font() -> Result<FigureFont, ReproduceError> {
    if let Some(font) = FONT.get() {
        return Ok(*font);
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
        let invalid = || ReproduceError::FontInvalid { path: path.clone() };
        Writer::new(bytes, TEXT_PX).ok_or_else(invalid)?;
        register_font(FAMILY, FontStyle::Normal, bytes).map_err(|_| invalid())?;
        let path: &'static Path = Box::leak(path.clone().into_boxed_path());
        return Ok(*FONT.get_or_init(|| FigureFont { path, bytes }));
    }
    Err(ReproduceError::FontMissing {
        searched: candidates,
    })
}

/// Width and height of every figure, pixels.
const SIZE: (u32, u32) = (1200, 700);
/// Text sizes, line heights in pixels: the title, a panel's subtitle, legends and
/// annotations, tick labels.
const TITLE_PX: f32 = 25.0;
const SUBTITLE_PX: f32 = 19.0;
const TEXT_PX: f32 = 17.0;
const TICK_PX: u32 = 17;
/// Height of the band holding the title, pixels.
const TITLE_BAND_PX: u32 = 48;

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

/// One series of bars: a value per category (NaN: no bar).
struct Series {
    name: String,
    colour: RGBColor,
    values: Vec<f64>,
}

/// A grouped bar chart: one group per category, one bar per series, with its own y axis.
struct Panel {
    subtitle: String,
    y_label: &'static str,
    categories: Vec<String>,
    series: Vec<Series>,
}

/// How a legend entry shows its series.
#[derive(Clone, Copy)]
enum Swatch {
    Bar(RGBColor),
    Line(RGBColor),
}

/// A legend entry.
struct Entry {
    label: String,
    swatch: Swatch,
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
    let font = load_font()?.bytes;
    let mut files = Vec::new();
    let mut write = |name: &str, draw: &dyn Fn(&Area<'_>) -> Result<(), String>| {
        let path = dir.join(name);
        render(&path, draw)?;
        files.push(path);
        Ok::<_, ReproduceError>(())
    };
    for (case, energy, rewards, what) in [
        (
            case_1,
            "fig08_case1_energy.png",
            "fig09_case1_rewards.png",
            "case 1 (Table 6)",
        ),
        (
            table_7,
            "fig10_new_consumers_energy.png",
            "fig11_new_consumers_rewards.png",
            "new consumers (Table 7's data)",
        ),
    ] {
        let title = format!("Energy per prosumer before and after the outage, {what}");
        write(energy, &|root| {
            bar_figure(root, font, &title, &energy_panels(case))
        })?;
        let title = format!("Rewards per prosumer before and after the outage, {what}");
        write(rewards, &|root| {
            bar_figure(root, font, &title, &reward_panels(case))
        })?;
    }
    write("mttr_distribution.png", &|root| {
        histogram(root, font, sweep)
    })?;
    write("mttr_phases.png", &|root| phase_stacks(root, font, run))?;
    for metric in [Metric::Latency, Metric::Throughput] {
        write(metric.file(), &|root| {
            bar_figure(
                root,
                font,
                metric.title(),
                &[benchmark_panel(benchmarks, metric)?],
            )
        })?;
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

    fn title(self) -> &'static str {
        match self {
            Metric::Latency => "Table 8: average latency per contract function, fixed-rate 20 TPS",
            Metric::Throughput => "Table 8: throughput per contract function, fixed-rate 20 TPS",
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
/// More benchmarks than colours is refused rather than some dropped.
fn benchmark_panel(benchmarks: &Benchmarks, metric: Metric) -> Result<Panel, String> {
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
            "Fig. 12's 10 s rounds"
        };
        format!("ours: {rounds}, {} chain", benchmark.profile)
    };
    let mut series = vec![Series {
        name: "Table 8".into(),
        colour: COLOURS[0],
        values: paper::TABLE_8.iter().map(|r| metric.published(r)).collect(),
    }];
    let ours: Vec<&Benchmark> = [&benchmarks.ten_second, &benchmarks.table_8_counts]
        .into_iter()
        .chain(&benchmarks.block_intervals)
        .collect();
    if ours.len() >= COLOURS.len() {
        return Err(format!(
            "{} benchmarks and Table 8, but only {} colours",
            ours.len(),
            COLOURS.len()
        ));
    }
    for (benchmark, colour) in ours.into_iter().zip(&COLOURS[1..]) {
        series.push(Series {
            name: label(benchmark),
            colour: *colour,
            values: per_function(benchmark),
        });
    }
    let (subtitle, y_label) = match metric {
        Metric::Latency => (
            "latency follows from queueing at the node; Table 8's counts queue far longer",
            "average latency (s)",
        ),
        Metric::Throughput => (
            "the ganache chain's service times are fitted to Table 8's throughputs (1/X)",
            "throughput (TPS)",
        ),
    };
    Ok(Panel {
        subtitle: subtitle.into(),
        y_label,
        categories: paper::TABLE_8
            .iter()
            .map(|r| r.function.to_string())
            .collect(),
        series,
    })
}

fn prosumer_ids(case: &AllocationCase) -> Vec<String> {
    case.published
        .iter()
        .map(|row| row.id.to_string())
        .collect()
}

/// Figs. 8 and 10: export at t−1, and the extra contribution δ on its own axis.
fn energy_panels(case: &AllocationCase) -> [Panel; 2] {
    let delta = |a: &crate::optimise::Allocation| a.prosumers.iter().map(|p| p.delta_kwh).collect();
    [
        Panel {
            subtitle: "Pe, exported at t−1".into(),
            y_label: "energy per interval (kWh)",
            categories: prosumer_ids(case),
            series: vec![Series {
                name: "Pe at t−1 (Table 5)".into(),
                colour: COLOURS[6],
                values: case.export_prev_kwh.clone(),
            }],
        },
        Panel {
            subtitle: "δ, the extra contribution after the outage".into(),
            y_label: "energy per interval (kWh)",
            categories: prosumer_ids(case),
            series: vec![
                Series {
                    name: format!("δ, {} (R_δ / BT)", case.table),
                    colour: COLOURS[0],
                    values: case.published_delta().iter().map(|d| d.value).collect(),
                },
                Series {
                    name: "δ, ours: paper model".into(),
                    colour: COLOURS[1],
                    values: delta(&case.paper),
                },
                Series {
                    name: "δ, ours: fair model (an extension)".into(),
                    colour: COLOURS[2],
                    values: delta(&case.fair),
                },
            ],
        },
    ]
}

/// Figs. 9 and 11: reward at t−1, and the reward for the extra contribution on its own axis.
fn reward_panels(case: &AllocationCase) -> [Panel; 2] {
    let after = |a: &crate::optimise::Allocation| {
        a.prosumers
            .iter()
            .map(|p| p.reward_delta_inr + p.reward_extra_inr)
            .collect()
    };
    [
        Panel {
            subtitle: "Pe × BT, the reward at t−1".into(),
            y_label: "reward (INR)",
            categories: prosumer_ids(case),
            series: vec![Series {
                name: "Pe × BT at t−1 (Table 5)".into(),
                colour: COLOURS[6],
                values: case
                    .export_prev_kwh
                    .iter()
                    .map(|pe| pe * paper::BASE_TARIFF_INR_PER_KWH)
                    .collect(),
            }],
        },
        Panel {
            subtitle: "R_δ + R_extra, the reward after the outage".into(),
            y_label: "reward (INR)",
            categories: prosumer_ids(case),
            series: vec![
                Series {
                    name: format!("R_δ + R_extra, {}", case.table),
                    colour: COLOURS[0],
                    values: case.published_reward_inr(),
                },
                Series {
                    name: "ours: paper model".into(),
                    colour: COLOURS[1],
                    values: after(&case.paper),
                },
                Series {
                    name: "ours: fair model (an extension)".into(),
                    colour: COLOURS[2],
                    values: after(&case.fair),
                },
            ],
        },
    ]
}

/// Draws `title` centred at the top of `root`; returns the area below it.
fn titled<'a>(root: &Area<'a>, font: &[u8], title: &str) -> Result<Area<'a>, String> {
    let writer = writer(font, TITLE_PX)?;
    let width = root.dim_in_pixel().0 as f32;
    writer.draw(root, title, (width / 2.0, 12.0), Align::Centre, &BLACK)?;
    Ok(root.split_vertically(TITLE_BAND_PX).1)
}

fn writer(font: &[u8], size_px: f32) -> Result<Writer<'_>, String> {
    Writer::new(font, size_px).ok_or_else(|| "the font cannot be read".to_string())
}

/// Splits `area` into the plots above and a legend below, sized for `entries` in columns;
/// draws the legend and returns the plots' area.
fn with_legend<'a>(area: &Area<'a>, font: &[u8], entries: &[Entry]) -> Result<Area<'a>, String> {
    const SWATCH_PX: f32 = 16.0;
    const ROW_PX: f32 = 26.0;
    const GAP_PX: f32 = 36.0;
    let writer = writer(font, TEXT_PX)?;
    let (width, height) = area.dim_in_pixel();
    let column_px = entries
        .iter()
        .map(|e| writer.width_px(&e.label))
        .fold(0.0, f32::max)
        + SWATCH_PX
        + 8.0
        + GAP_PX;
    let columns = ((width as f32 - 40.0) / column_px).floor().max(1.0) as usize;
    let columns = columns.min(entries.len().max(1));
    let rows = entries.len().div_ceil(columns);
    let band_px = (rows as f32 * ROW_PX + 16.0) as u32;
    let (plots, legend) = area.split_vertically(height.saturating_sub(band_px));
    let left = (width as f32 - columns as f32 * column_px + GAP_PX) / 2.0;
    for (k, entry) in entries.iter().enumerate() {
        let x = left + (k % columns) as f32 * column_px;
        let y = 4.0 + (k / columns) as f32 * ROW_PX;
        let middle = (y + writer.height_px() / 2.0) as i32;
        let (x0, x1) = (x as i32, (x + SWATCH_PX) as i32);
        match entry.swatch {
            Swatch::Bar(colour) => legend.draw(&Rectangle::new(
                [(x0, middle - 7), (x1, middle + 7)],
                colour.filled(),
            )),
            Swatch::Line(colour) => legend.draw(&PathElement::new(
                vec![(x0, middle), (x1, middle)],
                colour.stroke_width(3),
            )),
        }
        .map_err(|e| e.to_string())?;
        writer.draw(
            &legend,
            &entry.label,
            (x + SWATCH_PX + 8.0, y),
            Align::Left,
            &BLACK,
        )?;
    }
    Ok(plots)
}

/// A figure of bar panels side by side (widths in proportion to their bars), with one
/// legend below for every series.
fn bar_figure(root: &Area<'_>, font: &[u8], title: &str, panels: &[Panel]) -> Result<(), String> {
    let body = titled(root, font, title)?;
    let entries: Vec<Entry> = panels
        .iter()
        .flat_map(|p| &p.series)
        .map(|s| Entry {
            label: s.name.clone(),
            swatch: Swatch::Bar(s.colour),
        })
        .collect();
    let plots = with_legend(&body, font, &entries)?;
    // Each panel's share of the width: its bars plus room for its y axis.
    let weights: Vec<f64> = panels
        .iter()
        .map(|p| (p.series.len() as f64).sqrt() + 1.0)
        .collect();
    let total: f64 = weights.iter().sum();
    let width = f64::from(plots.dim_in_pixel().0);
    let mut rest = plots;
    for (k, (panel, weight)) in panels.iter().zip(&weights).enumerate() {
        let area = if k + 1 == panels.len() {
            rest.clone()
        } else {
            let (this, next) = rest.split_horizontally((width * weight / total) as u32);
            rest = next;
            this
        };
        draw_panel(root, font, &area, panel)?;
    }
    Ok(())
}

/// The chart of bars over `categories` in `area`, its frame and y ticks drawn; the
/// categories and the y axis's name lettered by [`name_axes`].
type CategoryChart<'a, 'b> =
    ChartContext<'a, BitMapBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Builds a chart with one slot per category and y from 0 to `top`, and draws its frame,
/// horizontal grid and y ticks.
fn category_chart<'a, 'b>(
    area: &'a Area<'b>,
    categories: usize,
    top: f64,
) -> Result<CategoryChart<'a, 'b>, String> {
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(84)
        .build_cartesian_2d(0.0..categories as f64, 0.0..top)
        .map_err(|e| e.to_string())?;
    let decimals = tick_decimals(top);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xDD, 0xDD, 0xDD))
        .y_label_formatter(&|y| format!("{y:.decimals$}"))
        .label_style((FAMILY, TICK_PX))
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(chart)
}

/// Decimals of the y ticks of an axis from 0 to `top`.
fn tick_decimals(top: f64) -> usize {
    if top >= 10.0 {
        0
    } else if top >= 1.0 {
        1
    } else {
        2
    }
}

/// Letters a category chart: each category centred under its slot, and the y axis's name
/// upright along the left edge of `area`.
fn name_axes(
    root: &Area<'_>,
    font: &[u8],
    area: &Area<'_>,
    chart: &CategoryChart<'_, '_>,
    categories: &[String],
    y_name: &str,
) -> Result<(), String> {
    let text = writer(font, TEXT_PX)?;
    for (i, name) in categories.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
        text.draw(
            root,
            name,
            (x as f32, y as f32 + 8.0),
            Align::Centre,
            &BLACK,
        )?;
    }
    let (_, rows) = chart.plotting_area().get_pixel_range();
    let left = area.get_base_pixel().0 as f32 + 4.0 + text.height_px() / 2.0;
    text.draw_upwards(
        root,
        y_name,
        (left, (rows.start + rows.end) as f32 / 2.0),
        &BLACK,
    )
}

/// One grouped bar chart with its subtitle above it.
fn draw_panel(root: &Area<'_>, font: &[u8], area: &Area<'_>, panel: &Panel) -> Result<(), String> {
    let (head, plot) = area.split_vertically(30);
    let width = head.dim_in_pixel().0 as f32;
    writer(font, SUBTITLE_PX)?.draw(
        &head,
        &panel.subtitle,
        (width / 2.0, 2.0),
        Align::Centre,
        &BLACK,
    )?;
    let top = panel
        .series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let mut chart = category_chart(&plot, panel.categories.len(), nice_top(top))?;
    let width = 0.8 / panel.series.len() as f64;
    for (k, series) in panel.series.iter().enumerate() {
        let colour = series.colour;
        let rectangles = series
            .values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(move |(i, &v)| {
                let left = i as f64 + 0.1 + k as f64 * width;
                Rectangle::new([(left, 0.0), (left + width * 0.9, v)], colour.filled())
            });
        chart.draw_series(rectangles).map_err(|e| e.to_string())?;
    }
    name_axes(root, font, area, &chart, &panel.categories, panel.y_label)
}

/// The top of a y axis: a little above `top`, so the highest bar does not touch the frame.
fn nice_top(top: f64) -> f64 {
    if top > 0.0 { top * 1.08 } else { 1.0 }
}

/// One stacked bar: its name under it, its segments (colour, seconds) from the bottom up,
/// and its total over it.
struct Stack {
    name: &'static str,
    segments: Vec<(RGBColor, f64)>,
    total: String,
}

/// The paper's stated components stacked (69 s) beside its 19 s, and one run's six phases.
fn phase_stacks(root: &Area<'_>, font: &[u8], run: &RunReport) -> Result<(), String> {
    let body = titled(
        root,
        font,
        "MTTR and its phases: the paper's components, its 19 s, and one simulated outage",
    )?;
    let phases = named_phases(&run.phases);
    let reported = COLOURS[6];
    let mut entries: Vec<Entry> = phases
        .iter()
        .zip(COLOURS)
        .map(|((name, _), colour)| Entry {
            label: (*name).to_string(),
            swatch: Swatch::Bar(colour),
        })
        .collect();
    entries.push(Entry {
        label: "MTTR as reported, no breakdown".into(),
        swatch: Swatch::Bar(reported),
    });
    let plots = with_legend(&body, font, &entries)?;
    let paper_components = [
        timing::DETECTION_MAX_S,
        0.0,
        timing::CHAIN_S,
        timing::OPTIMISATION_MAX_S,
        timing::SWITCHING_S,
        0.0,
    ];
    let ours: Vec<f64> = phases.iter().map(|(_, s)| *s).collect();
    let paper_total_s: f64 = paper_components.iter().sum();
    let ours_total_s = run.mttr_s.unwrap_or(f64::NAN);
    let stacks = [
        Stack {
            name: "the paper's components (§VIII.C)",
            segments: COLOURS.iter().copied().zip(paper_components).collect(),
            total: format!("{paper_total_s:.0} s"),
        },
        Stack {
            name: "the paper's MTTR (eq. 15)",
            segments: vec![(reported, paper::MTTR_S.value)],
            total: format!("{:.0} s", paper::MTTR_S.value),
        },
        Stack {
            name: "ours: one run of campus13",
            segments: COLOURS.iter().copied().zip(ours).collect(),
            total: format!("{ours_total_s:.1} s"),
        },
    ];
    let top = nice_top(paper_total_s.max(ours_total_s).max(paper::MTTR_S.value) * 1.08);
    let (head, plot) = plots.split_vertically(30);
    let width = head.dim_in_pixel().0 as f32;
    writer(font, SUBTITLE_PX)?.draw(
        &head,
        "detection (< 5 s) and optimisation (< 1 s) at the paper's upper bounds",
        (width / 2.0, 2.0),
        Align::Centre,
        &BLACK,
    )?;
    let mut chart = category_chart(&plot, stacks.len(), top)?;
    let names: Vec<String> = stacks.iter().map(|s| s.name.to_string()).collect();
    name_axes(root, font, &plots, &chart, &names, "time (s)")?;
    let text = writer(font, TEXT_PX)?;
    for (
        i,
        Stack {
            segments, total, ..
        },
    ) in stacks.iter().enumerate()
    {
        let (left, right) = (i as f64 + 0.3, i as f64 + 0.7);
        let mut bottom = 0.0;
        for &(colour, seconds) in segments.iter().filter(|(_, s)| *s > 0.0) {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(left, bottom), (right, bottom + seconds)],
                    colour.filled(),
                )))
                .map_err(|e| e.to_string())?;
            // Values of segments tall enough to hold them.
            let (_, y_low) = chart.backend_coord(&(left, bottom));
            let (_, y_high) = chart.backend_coord(&(left, bottom + seconds));
            if y_low - y_high > 24 {
                let (x, _) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
                let y = (y_low + y_high) as f32 / 2.0 - text.height_px() / 2.0;
                text.draw(
                    root,
                    &format!("{seconds:.1} s"),
                    (x as f32, y),
                    Align::Centre,
                    &BLACK,
                )?;
            }
            bottom += seconds;
        }
        let (x, y) = chart.backend_coord(&(i as f64 + 0.5, bottom));
        text.draw(
            root,
            total,
            (x as f32, y as f32 - 24.0),
            Align::Centre,
            &BLACK,
        )?;
    }
    Ok(())
}

/// The sweep's MTTR distribution on a logarithmic time axis: the paper's 19 s, the mean,
/// median and p90 marked, and its two modes (one round; a back-off) labelled.
fn histogram(root: &Area<'_>, font: &[u8], sweep: &SweepResult) -> Result<(), String> {
    let values = &sweep.mttr_s;
    let stats = sweep
        .summary
        .mttr
        .as_ref()
        .ok_or("no run restored its outage")?;
    let paper_s = paper::MTTR_S.value;
    let title = format!(
        "MTTR over {} simulated outages of campus13 ({} restored), time axis logarithmic",
        sweep.summary.runs, stats.runs
    );
    let body = titled(root, font, &title)?;
    let markers = [
        (
            format!("the paper's MTTR for one outage: {paper_s:.0} s"),
            paper_s,
            COLOURS[1],
        ),
        (
            format!("mean: {}", duration(stats.mean_s)),
            stats.mean_s,
            COLOURS[2],
        ),
        (
            format!("median: {}", duration(stats.p50_s)),
            stats.p50_s,
            COLOURS[5],
        ),
        (
            format!("p90: {}", duration(stats.p90_s)),
            stats.p90_s,
            BLACK,
        ),
    ];
    let mut entries = vec![Entry {
        label: "runs per bin".into(),
        swatch: Swatch::Bar(COLOURS[0]),
    }];
    entries.extend(markers.iter().map(|(label, _, colour)| Entry {
        label: label.clone(),
        swatch: Swatch::Line(*colour),
    }));
    let plots = with_legend(&body, font, &entries)?;
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
    let bin = |v: f64| (((v / low_s).ln() / ratio) as usize).min(BINS - 1);
    let mut counts = [0u32; BINS];
    for &v in values {
        counts[bin(v)] += 1;
    }
    let top = f64::from(counts.iter().copied().max().unwrap_or(0).max(1)) * 1.25;
    let mut chart = ChartBuilder::on(&plots)
        .margin(16)
        .x_label_area_size(60)
        .y_label_area_size(84)
        .build_cartesian_2d((low_s..high_s).log_scale(), 0.0..top)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xDD, 0xDD, 0xDD))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .label_style((FAMILY, TICK_PX))
        .draw()
        .map_err(|e| e.to_string())?;
    // The markers first, so the bars stay visible in front of them.
    for (_, at_s, colour) in &markers {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(*at_s, 0.0), (*at_s, top)],
                colour.stroke_width(2),
            )))
            .map_err(|e| e.to_string())?;
    }
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
    chart.draw_series(bars).map_err(|e| e.to_string())?;
    let text = writer(font, TEXT_PX)?;
    let (columns, rows) = chart.plotting_area().get_pixel_range();
    let (plot_left, plot_right) = (columns.start as f32, columns.end as f32);
    text.draw(
        root,
        "MTTR (s), logarithmic axis",
        ((plot_left + plot_right) / 2.0, rows.end as f32 + 34.0),
        Align::Centre,
        &BLACK,
    )?;
    let left = plots.get_base_pixel().0 as f32 + 4.0 + text.height_px() / 2.0;
    text.draw_upwards(
        root,
        "runs (linear axis)",
        (left, (rows.start + rows.end) as f32 / 2.0),
        &BLACK,
    )?;
    // The two modes: restored in the first round, and after a back-off exposed by a later
    // meter reading (eq. 14).
    for (in_mode, what) in [
        (
            (|s: f64| s <= SUSTAINED_AFTER_S) as fn(f64) -> bool,
            "restored in the first round",
        ),
        (
            |s: f64| s > SUSTAINED_AFTER_S,
            "with a back-off, restored after a later meter reading (eq. 14)",
        ),
    ] {
        let mode: Vec<f64> = values.iter().copied().filter(|&s| in_mode(s)).collect();
        let (Some(first), Some(last)) = (
            mode.iter().copied().reduce(f64::min),
            mode.iter().copied().reduce(f64::max),
        ) else {
            continue;
        };
        let peak = (bin(first)..=bin(last))
            .map(|k| counts[k])
            .max()
            .unwrap_or(0);
        let label = format!("{} runs {what}", mode.len());
        let (x, y) = chart.backend_coord(&((first * last).sqrt(), f64::from(peak)));
        let half = text.width_px(&label) / 2.0 + 4.0;
        let x = (x as f32).clamp(plot_left + half, plot_right - half);
        text.draw_on_white(root, &label, (x, y as f32 - 28.0), Align::Centre, &BLACK)?;
    }
    Ok(())
}

/// A duration in seconds, with minutes beyond five minutes.
fn duration(seconds: f64) -> String {
    if seconds > SUSTAINED_AFTER_S {
        format!("{seconds:.0} s ({:.1} min)", seconds / 60.0)
    } else {
        format!("{seconds:.1} s")
    }
}

/// Draws with `draw` on a white canvas of [`SIZE`] and writes it to `path` as PNG.
fn render(
    path: &Path,
    draw: &dyn Fn(&Area<'_>) -> Result<(), String>,
) -> Result<(), ReproduceError> {
    let fail = |message: String| ReproduceError::Figure {
        path: path.to_path_buf(),
        message,
    };
    let (width, height) = SIZE;
    let mut rgb = vec![0u8; (width * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(e.to_string()))?;
        draw(&root).map_err(fail)?;
        root.present().map_err(|e| fail(e.to_string()))?;
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
        .map_err(|e| fail(e.to_string()))?;
    super::write_file(path, &bytes)
}
