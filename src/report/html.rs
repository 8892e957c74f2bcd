//! Drawing for the HTML reports: a page with inline CSS, figures with a title, a caption and
//! the provenance of what they show, and charts as inline SVG (line charts with bands,
//! histograms, heat maps), tables. No scripts and no external resource: a report opens from
//! disk anywhere.

use std::fmt::Write as _;

/// Where a figure's numbers come from, stated in its caption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// A quantity the paper reports, recomputed by the model.
    Reproduced,
    /// A quantity the paper does not report: this project's extension.
    Extension,
    /// An input of the scenario shown back.
    InputEchoed,
}

impl Provenance {
    fn label(self) -> &'static str {
        match self {
            Provenance::Reproduced => "reproduced",
            Provenance::Extension => "our extension",
            Provenance::InputEchoed => "input echoed",
        }
    }
}

/// `text` with HTML's special characters escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page: `title`, then `body` (HTML), with the reports' stylesheet inline.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{t}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{t}</h1>\n{body}\
         </body>\n</html>\n",
        t = escape(title)
    )
}

const STYLE: &str = "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}\
table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #bbb;padding:2px 8px;\
text-align:right}th{background:#eee}td:first-child{text-align:left}\
figure{margin:1.5em 0}figcaption{font-size:0.9em;color:#444;max-width:800px}\
.provenance{font-weight:bold}svg text{font-family:sans-serif;font-size:11px}\
section{border-top:1px solid #ccc;margin-top:2em}";

/// A section with its id (for links and checks), heading and body.
pub fn section(id: &str, heading: &str, body: &str) -> String {
    format!(
        "<section id=\"{}\">\n<h2>{}</h2>\n{body}</section>\n",
        escape(id),
        escape(heading)
    )
}

/// A paragraph of plain text.
pub fn paragraph(text: &str) -> String {
    format!("<p>{}</p>\n", escape(text))
}

/// A figure: its title, the chart, and a caption that says what it shows and where the numbers
/// come from.
pub fn figure(title: &str, svg: &str, caption: &str, provenance: Provenance) -> String {
    format!(
        "<figure>\n<h3>{}</h3>\n{svg}\n<figcaption><span class=\"provenance\">{}.</span> {}\
         </figcaption>\n</figure>\n",
        escape(title),
        escape(provenance.label()),
        escape(caption)
    )
}

/// A table with a header row; cells are plain text.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::from("<table>\n<tr>");
    for h in header {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{}</td>", escape(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    out
}

/// Plot area of every chart, in SVG units.
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 330.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 170.0;
const TOP: f64 = 15.0;
const BOTTOM: f64 = 50.0;

/// The series colours, in order.
pub const COLOURS: [&str; 6] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#555555",
];

/// An axis: its label (with its unit) and range.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The label, unit included, e.g. "time since the fault (h)".
    pub label: String,
    /// The smallest value shown.
    pub min: f64,
    /// The largest value shown.
    pub max: f64,
}

impl Axis {
    /// An axis labelled `label` over `[min, max]` (widened when empty).
    pub fn new(label: &str, min: f64, max: f64) -> Axis {
        let (min, max) = if max > min && min.is_finite() && max.is_finite() {
            (min, max)
        } else if min.is_finite() {
            (min - 0.5, min + 0.5)
        } else {
            (0.0, 1.0)
        };
        Axis {
            label: label.into(),
            min,
            max,
        }
    }

    /// About five round tick values within the range.
    fn ticks(&self) -> Vec<f64> {
        let span = self.max - self.min;
        let raw = span / 5.0;
        let magnitude = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .iter()
            .map(|m| m * magnitude)
            .find(|s| span / s <= 6.0)
            .unwrap_or(10.0 * magnitude);
        let first = (self.min / step).ceil() as i64;
        let last = (self.max / step).floor() as i64;
        (first..=last).map(|i| i as f64 * step).collect()
    }
}

/// A tick value as text: no more decimals than it needs.
fn tick_text(v: f64) -> String {
    let text = format!("{v:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

/// The frame of a chart: axes with ticks and labels; returns the SVG so far and the mapping of
/// data to SVG coordinates.
fn frame(x: &Axis, y: &Axis) -> (String, impl Fn(f64, f64) -> (f64, f64) + use<>) {
    let (x0, x1, y0, y1) = (x.min, x.max, y.min, y.max);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let at = move |vx: f64, vy: f64| {
        (
            LEFT + (vx - x0) / (x1 - x0) * plot_w,
            TOP + (1.0 - (vy - y0) / (y1 - y0)) * plot_h,
        )
    };
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\">\n\
         <rect x=\"{LEFT}\" y=\"{TOP}\" width=\"{plot_w}\" height=\"{plot_h}\" fill=\"none\" \
         stroke=\"#888\"/>\n"
    );
    for t in x.ticks() {
        let (px, py) = at(t, y0);
        let _ = writeln!(
            svg,
            "<line x1=\"{px:.1}\" y1=\"{py:.1}\" x2=\"{px:.1}\" y2=\"{:.1}\" stroke=\"#888\"/>\
             <text x=\"{px:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            py + 4.0,
            py + 16.0,
            tick_text(t)
        );
    }
    for t in y.ticks() {
        let (px, py) = at(x0, t);
        let _ = writeln!(
            svg,
            "<line x1=\"{:.1}\" y1=\"{py:.1}\" x2=\"{:.1}\" y2=\"{py:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            px,
            px + plot_w,
            px - 5.0,
            py + 4.0,
            tick_text(t)
        );
    }
    let _ = writeln!(
        svg,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\
         <text transform=\"translate(16,{:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
        LEFT + plot_w / 2.0,
        HEIGHT - 12.0,
        escape(&x.label),
        TOP + plot_h / 2.0,
        escape(&y.label)
    );
    (svg, at)
}

/// One line of a line chart, with an optional band around it.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Its name in the legend.
    pub name: String,
    /// Its points, in x order.
    pub points: Vec<(f64, f64)>,
    /// A band: (x, low, high), in x order; empty for none.
    pub band: Vec<(f64, f64, f64)>,
    /// Dashed rather than solid.
    pub dashed: bool,
}

/// A line chart of `lines` (colours in [`COLOURS`] order) on axes `x` and `y`, bands shaded.
pub fn line_chart(x: &Axis, y: &Axis, lines: &[Line]) -> String {
    let (mut svg, at) = frame(x, y);
    for (i, line) in lines.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        if !line.band.is_empty() {
            let upper = line.band.iter().map(|&(vx, _, hi)| at(vx, hi));
            let lower = line.band.iter().rev().map(|&(vx, lo, _)| at(vx, lo));
            let points: Vec<String> = upper
                .chain(lower)
                .map(|(px, py)| format!("{px:.1},{py:.1}"))
                .collect();
            let _ = writeln!(
                svg,
                "<polygon points=\"{}\" fill=\"{colour}\" fill-opacity=\"0.2\" stroke=\"none\"/>",
                points.join(" ")
            );
        }
        let points: Vec<String> = line
            .points
            .iter()
            .map(|&(vx, vy)| {
                let (px, py) = at(vx, vy);
                format!("{px:.1},{py:.1}")
            })
            .collect();
        let dash = if line.dashed {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let _ = writeln!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/>",
            points.join(" ")
        );
        if line.points.len() <= 48 {
            for &(vx, vy) in &line.points {
                let (px, py) = at(vx, vy);
                let _ = writeln!(
                    svg,
                    "<circle cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"3\" fill=\"{colour}\"/>"
                );
            }
        }
        legend(&mut svg, i, colour, &line.name, line.dashed);
    }
    svg.push_str("</svg>");
    svg
}

/// The legend entry `i` of a chart.
fn legend(svg: &mut String, i: usize, colour: &str, name: &str, dashed: bool) {
    let lx = WIDTH - RIGHT + 12.0;
    let ly = TOP + 12.0 + 18.0 * i as f64;
    let dash = if dashed {
        " stroke-dasharray=\"6 4\""
    } else {
        ""
    };
    let _ = writeln!(
        svg,
        "<line x1=\"{lx}\" y1=\"{ly}\" x2=\"{}\" y2=\"{ly}\" stroke=\"{colour}\" \
         stroke-width=\"2\"{dash}/><text x=\"{}\" y=\"{}\">{}</text>",
        lx + 22.0,
        lx + 27.0,
        ly + 4.0,
        escape(name)
    );
}

/// A histogram of each of `samples` (name, values) over `bins` equal bins spanning all of them,
/// bars side by side within a bin; y is the count of values.
pub fn histogram(x_label: &str, samples: &[(&str, &[f64])], bins: usize) -> String {
    let all = samples.iter().flat_map(|(_, v)| v.iter().copied());
    let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let x = Axis::new(x_label, lo, hi);
    let bins = bins.max(1);
    let width = (x.max - x.min) / bins as f64;
    let counts: Vec<Vec<usize>> = samples
        .iter()
        .map(|(_, values)| {
            let mut c = vec![0; bins];
            for &v in *values {
                let b = (((v - x.min) / width).floor() as usize).min(bins - 1);
                c[b] += 1;
            }
            c
        })
        .collect();
    let top = counts.iter().flatten().copied().max().unwrap_or(0).max(1);
    let y = Axis::new("runs (count)", 0.0, top as f64 * 1.05);
    let (mut svg, at) = frame(&x, &y);
    let share = width / samples.len().max(1) as f64;
    for (i, ((name, _), c)) in samples.iter().zip(&counts).enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        for (b, &n) in c.iter().enumerate() {
            if n == 0 {
                continue;
            }
            let left = x.min + b as f64 * width + i as f64 * share;
            let (px0, py) = at(left, n as f64);
            let (px1, base) = at(left + share, 0.0);
            let _ = writeln!(
                svg,
                "<rect x=\"{px0:.1}\" y=\"{py:.1}\" width=\"{:.1}\" height=\"{:.1}\" \
                 fill=\"{colour}\" fill-opacity=\"0.8\"><title>{n}</title></rect>",
                (px1 - px0).max(0.5),
                base - py
            );
        }
        legend(&mut svg, i, colour, name, false);
    }
    svg.push_str("</svg>");
    svg
}

/// A heat map of `values[row][column]` in [0, 1] (`None` or NaN: no data, hatched grey), rows
/// labelled `rows` top to bottom, columns `columns` left to right, with a colour scale.
pub fn heat_map(
    x_label: &str,
    y_label: &str,
    rows: &[String],
    columns: &[String],
    values: &[Vec<Option<f64>>],
) -> String {
    let cell_w = ((WIDTH - LEFT - RIGHT) / columns.len().max(1) as f64).floor();
    let cell_h = 18.0;
    let height = TOP + cell_h * rows.len() as f64 + BOTTOM;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\" role=\"img\">\n"
    );
    for (r, label) in rows.iter().enumerate() {
        let py = TOP + r as f64 * cell_h;
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT - 5.0,
            py + cell_h - 5.0,
            escape(label)
        );
        for (c, value) in values[r].iter().enumerate() {
            let px = LEFT + c as f64 * cell_w;
            let (fill, text) = match value.filter(|v| v.is_finite()) {
                Some(v) => (shade(v), format!("{:.1} %", 100.0 * v)),
                None => ("#cccccc".to_string(), "no starts".to_string()),
            };
            let _ = writeln!(
                svg,
                "<rect x=\"{px:.1}\" y=\"{py:.1}\" width=\"{cell_w}\" height=\"{cell_h}\" \
                 fill=\"{fill}\"><title>{} {}: {text}</title></rect>",
                escape(label),
                escape(&columns[c])
            );
        }
    }
    let base = TOP + rows.len() as f64 * cell_h;
    for (c, label) in columns.iter().enumerate() {
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            LEFT + (c as f64 + 0.5) * cell_w,
            base + 14.0,
            escape(label)
        );
    }
    let _ = writeln!(
        svg,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\
         <text transform=\"translate(14,{:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
        LEFT + cell_w * columns.len() as f64 / 2.0,
        base + 36.0,
        escape(x_label),
        TOP + (base - TOP) / 2.0,
        escape(y_label)
    );
    // The colour scale.
    let lx = WIDTH - RIGHT + 30.0;
    for i in 0..=10 {
        let v = i as f64 / 10.0;
        let py = TOP + (10 - i) as f64 * 12.0;
        let _ = writeln!(
            svg,
            "<rect x=\"{lx}\" y=\"{py}\" width=\"16\" height=\"12\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\">{} %</text>",
            shade(v),
            lx + 22.0,
            py + 10.0,
            i * 10
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The colour of a probability: red (0) through yellow to green (1).
fn shade(v: f64) -> String {
    let v = v.clamp(0.0, 1.0);
    let (r, g) = if v < 0.5 {
        (215.0, 48.0 + (v / 0.5) * (200.0 - 48.0))
    } else {
        (
            215.0 - ((v - 0.5) / 0.5) * (215.0 - 40.0),
            200.0 - ((v - 0.5) / 0.5) * 40.0,
        )
    };
    format!("#{:02x}{:02x}{:02x}", r as u8, g as u8, 60)
}

/// The ranks the `q` quantile of `len` sorted values (not none) interpolates between, as numpy
/// does, and the weight of the upper one.
pub fn quantile_ranks(len: usize, q: f64) -> (usize, usize, f64) {
    let pos = q * (len - 1) as f64;
    let i = pos.floor() as usize;
    (i, (i + 1).min(len - 1), pos - i as f64)
}

/// The `q` quantile of `len` sorted values (ascending, not none), the value of each rank given
/// by `at`, interpolating linearly as numpy does.
pub fn quantile(len: usize, q: f64, at: impl Fn(usize) -> f64) -> f64 {
    let (i, j, weight) = quantile_ranks(len, q);
    let (below, above) = (at(i), at(j));
    below + weight * (above - below)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("<a & 'b'>"), "&lt;a &amp; &#39;b&#39;&gt;");
    }

    #[test]
    fn ticks_are_round() {
        let texts = |a: Axis| a.ticks().into_iter().map(tick_text).collect::<Vec<_>>();
        assert_eq!(
            texts(Axis::new("x", 0.0, 1.0)),
            ["0", "0.2", "0.4", "0.6", "0.8", "1"]
        );
        assert_eq!(texts(Axis::new("x", 0.0, 18.0)), ["0", "5", "10", "15"]);
        assert_eq!(tick_text(2.5), "2.5");
        assert_eq!(tick_text(10.0), "10");
    }

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(v.len(), 0.5, |i| v[i]), 3.0);
        assert_eq!(quantile(v.len(), 0.05, |i| v[i]), 1.2);
        assert_eq!(quantile(1, 0.95, |_| 7.0), 7.0);
    }

    #[test]
    fn a_page_requests_nothing_outside_itself() {
        let svg = line_chart(
            &Axis::new("t (h)", 0.0, 2.0),
            &Axis::new("share", 0.0, 1.0),
            &[Line {
                name: "a".into(),
                points: vec![(0.0, 0.0), (2.0, 1.0)],
                band: vec![(0.0, 0.0, 0.1), (2.0, 0.9, 1.0)],
                dashed: false,
            }],
        );
        let html = page("t", &figure("f", &svg, "c", Provenance::Extension));
        assert!(!html.contains("src=") && !html.contains("href=") && !html.contains("<script"));
        assert!(html.contains("<polygon") && html.contains("<polyline"));
        assert!(html.contains("our extension."));
    }
}
