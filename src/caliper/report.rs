//! A benchmark's reports: the Caliper-style text table (stdout), `report.md`, a self-contained
//! `report.html` (inline CSS and SVG, no scripts, no external assets) and
//! `transactions.parquet`, one row per transaction (its columns: docs/outputs.md, table
//! `transactions`, the same record a run writes).

use super::{BenchReport, CaliperError, ResourceUsage, RoundSummary};
use crate::io::write_atomic;
use crate::ledger::{
    Function, TransactionRecord, TransactionStatus as Status, service_time, transaction_columns,
};
use crate::output::{OutputError, Provenance, Table, column, frame, write_parquet};
use crate::scenario::{Distribution, Law, Mining};
use polars::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

/// Caliper's result columns, then the percentiles blackstart adds.
const COLUMNS: [&str; 11] = [
    "Name",
    "Succ",
    "Fail",
    "Send Rate (TPS)",
    "Max Latency (s)",
    "Min Latency (s)",
    "Avg Latency (s)",
    "Throughput (TPS)",
    "p50 Latency (s)",
    "p95 Latency (s)",
    "p99 Latency (s)",
];

/// Columns of the resource table.
const RESOURCE_COLUMNS: [&str; 5] = [
    "Name",
    "CPU time (s)",
    "Wall time (s)",
    "CPU (%)",
    "Peak memory (MB)",
];

/// A value as Caliper prints it: fixed decimals, `-` when there is none.
fn fixed(value: Option<f64>, decimals: usize) -> String {
    value.map_or("-".into(), |v| format!("{v:.decimals$}"))
}

/// A round's row, formatted as Caliper formats it (latencies to 2 decimals, rates to 1).
fn row(r: &RoundSummary) -> Vec<String> {
    vec![
        r.name.clone(),
        r.succ.to_string(),
        r.fail.to_string(),
        fixed(r.send_rate_tps, 1),
        fixed(r.max_latency_s, 2),
        fixed(r.min_latency_s, 2),
        fixed(r.avg_latency_s, 2),
        fixed(r.throughput_tps, 1),
        fixed(r.p50_latency_s, 2),
        fixed(r.p95_latency_s, 2),
        fixed(r.p99_latency_s, 2),
    ]
}

fn resource_row(u: &ResourceUsage) -> Vec<String> {
    vec![
        u.label.clone(),
        format!("{:.2}", u.cpu_s),
        format!("{:.2}", u.wall_s),
        format!("{:.1}", u.cpu_percent),
        format!("{:.1}", u.peak_memory_mb),
    ]
}

/// Rows as a bordered text table like Caliper's console output.
fn text_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([header[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let rule: String = widths
        .iter()
        .map(|w| format!("+{}", "-".repeat(w + 2)))
        .collect::<String>()
        + "+\n";
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("| {cell:<w$} "))
            .collect::<String>()
            + "|\n"
    };
    let mut out = rule.clone();
    out += &line(header.iter().map(|h| h.to_string()).collect());
    out += &rule;
    for r in rows {
        out += &line(r.clone());
    }
    out + &rule
}

/// The stdout report: the Caliper table, the simulator's resources, notes.
pub fn text(report: &BenchReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} round(s), {} worker(s), chain profile `{}`, scenario `{}`, seed {}",
        report.name,
        report.rounds.len(),
        report.workers,
        report.chain_profile,
        report.scenario,
        report.seed
    );
    for r in &report.rounds {
        let _ = writeln!(
            out,
            "  {}: {}, {}, {} transactions",
            r.name,
            r.function.name(),
            r.rate_control,
            r.succ + r.fail
        );
    }
    out += &text_table(&COLUMNS, &report.rounds.iter().map(row).collect::<Vec<_>>());
    out += "\nResources of the blackstart process (the simulator itself, not a chain node):\n";
    out += &text_table(
        &RESOURCE_COLUMNS,
        &report
            .resources
            .iter()
            .map(resource_row)
            .collect::<Vec<_>>(),
    );
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    out
}

/// A Markdown table.
fn markdown_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("| {} |\n", header.join(" | "));
    out += &format!("|{}\n", "---|".repeat(header.len()));
    for r in rows {
        out += &format!("| {} |\n", r.join(" | "));
    }
    out
}

/// `report.md`.
pub fn markdown(report: &BenchReport) -> String {
    let mut out = format!("# Caliper-style benchmark: {}\n\n", report.name);
    if !report.description.is_empty() {
        let _ = writeln!(out, "{}\n", report.description);
    }
    let _ = writeln!(
        out,
        "{} worker(s); chain profile `{}` ({}); scenario `{}`; seed {}. Times are simulated.\n",
        report.workers,
        report.chain_profile,
        report.chain_description,
        report.scenario,
        report.seed
    );
    out += "## Summary of performance metrics\n\n";
    out += &markdown_table(&COLUMNS, &report.rounds.iter().map(row).collect::<Vec<_>>());
    out += "\n## Rounds\n\n";
    for r in &report.rounds {
        let _ = writeln!(
            out,
            "- **{}**: {}; rate control {}{}",
            r.name,
            r.function.name(),
            r.rate_control,
            if r.description.is_empty() {
                String::new()
            } else {
                format!("; {}", r.description)
            }
        );
    }
    out += "\n## Chain node\n\n";
    for (name, value) in chain_rows(report) {
        let _ = writeln!(out, "- {name}: {value}");
    }
    out += "\n## Resources of the blackstart process\n\n";
    out += "The simulator's own CPU, wall time and memory — not a chain node's.\n\n";
    out += &markdown_table(
        &RESOURCE_COLUMNS,
        &report
            .resources
            .iter()
            .map(resource_row)
            .collect::<Vec<_>>(),
    );
    if !report.notes.is_empty() {
        out += "\n## Notes\n\n";
        for note in &report.notes {
            let _ = writeln!(out, "- {note}");
        }
    }
    out
}

/// A distribution in words, e.g. `triangular 0.0476 / 0.0595 / 0.0714`.
fn describe(d: &Distribution) -> String {
    match &d.law {
        Law::Fixed(v) => format!("{v}"),
        Law::Triangular { min, mode, max } => format!("triangular {min} / {mode} / {max}"),
        other => format!("{other:?}"),
    }
}

/// The chain profile as (name, value) rows.
fn chain_rows(report: &BenchReport) -> Vec<(String, String)> {
    let c = &report.chain;
    let s = &c.service_time_s;
    let mut rows = vec![
        (
            "profile".to_string(),
            format!("{} — {}", report.chain_profile, report.chain_description),
        ),
        (
            "mining".into(),
            match c.mining {
                Mining::Instant => "instant (a block per transaction)".into(),
                Mining::Interval => format!(
                    "interval, every {} s",
                    c.block_interval_s.as_ref().map_or("?".into(), describe)
                ),
            },
        ),
        (
            "gas limit per block".into(),
            c.gas_limit_per_block.to_string(),
        ),
        ("confirmations".into(), c.confirmations.to_string()),
    ];
    for function in Function::ALL {
        rows.push((
            format!("service time of {} (s)", function.name()),
            describe(service_time(s, function)),
        ));
    }
    rows
}

/// Text with `backticked` spans set as `<code>`.
fn code_spans(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_string()
            }
        })
        .collect()
}

/// Escapes text for HTML.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn html_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::from("<table>\n<tr>");
    for h in header {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out += "</tr>\n";
    for r in rows {
        out += "<tr>";
        for cell in r {
            let _ = write!(out, "<td>{}</td>", esc(cell));
        }
        out += "</tr>\n";
    }
    out + "</table>\n"
}

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;\
color:#222;background:#f4f6f8}header{background:#1f3a5f;color:#fff;padding:18px 32px}\
header h1{margin:0 0 4px;font-size:24px}header p{margin:0;opacity:.85}\
main{padding:16px 32px;max-width:1200px}section{background:#fff;border-radius:6px;\
box-shadow:0 1px 3px rgba(0,0,0,.12);padding:12px 20px;margin:16px 0}\
h2{font-size:19px;color:#1f3a5f;margin:6px 0 10px}h3{font-size:16px;margin:14px 0 6px}\
table{border-collapse:collapse;margin:6px 0 10px;font-size:13px}\
th,td{border:1px solid #cfd6de;padding:4px 9px;text-align:right}\
th{background:#e8eef5}td:first-child,th:first-child{text-align:left}\
dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px;font-size:13px}\
dt{color:#555}dd{margin:0}.note,li{font-size:13px;color:#444}\
svg{background:#fbfcfd;border:1px solid #dde3ea}";

/// Latency of each transaction against its submission time, as an inline SVG.
fn latency_chart(records: &[&TransactionRecord]) -> String {
    const W: f64 = 760.0;
    const H: f64 = 220.0;
    const PAD: f64 = 44.0;
    let max_t = records.iter().map(|r| r.submitted_s).fold(0.0, f64::max);
    let max_l = records.iter().map(|r| r.latency_s).fold(0.0, f64::max);
    let (max_t, max_l) = (max_t.max(1e-9), max_l.max(1e-9));
    let x = |t: f64| PAD + (W - 2.0 * PAD) * t / max_t;
    let y = |l: f64| H - PAD + (-(H - 2.0 * PAD)) * l / max_l;
    let mut out = format!(
        "<svg width=\"{W}\" height=\"{H}\" \
         viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"latency against submission time\">\n"
    );
    let _ = writeln!(
        out,
        "<line x1=\"{PAD}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#555\"/>\
         <line x1=\"{PAD}\" y1=\"{PAD}\" x2=\"{PAD}\" y2=\"{b}\" stroke=\"#555\"/>",
        b = H - PAD,
        r = W - PAD
    );
    let _ = writeln!(
        out,
        "<text x=\"{cx}\" y=\"{ty}\" font-size=\"12\" text-anchor=\"middle\">submitted (s) — 0 to {max_t:.1}</text>\
         <text x=\"12\" y=\"{PAD}\" font-size=\"12\">latency (s), max {max_l:.2}</text>",
        cx = W / 2.0,
        ty = H - 10.0
    );
    let points: Vec<String> = records
        .iter()
        .filter(|r| r.status == Status::Success)
        .map(|r| format!("{:.1},{:.1}", x(r.submitted_s), y(r.latency_s)))
        .collect();
    let _ = writeln!(
        out,
        "<polyline fill=\"none\" stroke=\"#2b6cb0\" stroke-width=\"1.2\" points=\"{}\"/>",
        points.join(" ")
    );
    for r in records.iter().filter(|r| r.status == Status::Fail) {
        let _ = writeln!(
            out,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"#c53030\"/>",
            x(r.submitted_s),
            y(r.latency_s)
        );
    }
    out + "</svg>\n"
}

/// `report.html`: self-contained, readable offline in any browser.
pub fn html(report: &BenchReport) -> String {
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        out,
        "<title>Caliper-style benchmark: {}</title>\n<style>{CSS}</style>\n</head>\n<body>",
        esc(&report.name)
    );
    let _ = writeln!(
        out,
        "<header><h1>Caliper-style benchmark: {}</h1><p>{} — {} worker(s), chain profile \
         <b>{}</b>, scenario <b>{}</b>, seed {}. Simulated by blackstart: times are simulated \
         seconds.</p></header>\n<main>",
        esc(&report.name),
        esc(&report.description),
        report.workers,
        esc(&report.chain_profile),
        esc(&report.scenario),
        report.seed
    );
    out += "<section><h2>Summary of performance metrics</h2>\n";
    out += &html_table(&COLUMNS, &report.rounds.iter().map(row).collect::<Vec<_>>());
    out += "<p class=\"note\">Send Rate = transactions / (last submission − first submission); \
            Throughput = transactions (successful and failed) / (last confirmation − first \
            submission); latencies over successful transactions — as Caliper computes them. \
            p50/p95/p99 are blackstart's addition.</p></section>\n";
    for (index, r) in report.rounds.iter().enumerate() {
        let records: Vec<&TransactionRecord> = report
            .transactions
            .iter()
            .filter(|t| t.round_index == index)
            .map(|t| &t.record)
            .collect();
        let _ = writeln!(
            out,
            "<section><h2>Round {}: {}</h2>\n<dl><dt>function</dt><dd>{}</dd>\
             <dt>description</dt><dd>{}</dd><dt>rate control</dt><dd>{}</dd>\
             <dt>transactions</dt><dd>{} ({} failed)</dd></dl>",
            index + 1,
            esc(&r.name),
            r.function.name(),
            esc(&r.description),
            esc(&r.rate_control),
            records.len(),
            r.fail
        );
        out += &html_table(&COLUMNS, &[row(r)]);
        out += "<h3>Latency against submission time</h3>\n";
        out += &latency_chart(&records);
        let reasons = revert_reasons(&records);
        if !reasons.is_empty() {
            out += "<h3>Failures</h3>\n";
            out += &html_table(&["Revert reason", "Count"], &reasons);
        }
        out += "</section>\n";
    }
    out += "<section><h2>Chain node (profile)</h2>\n<dl>";
    for (name, value) in chain_rows(report) {
        let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", esc(&name), esc(&value));
    }
    out += "</dl></section>\n";
    out += "<section><h2>Resources of the blackstart process</h2>\n<p class=\"note\">The \
            simulator's own CPU, wall time and peak memory while it ran each round — not a \
            chain node's (the node is simulated).</p>\n";
    out += &html_table(
        &RESOURCE_COLUMNS,
        &report
            .resources
            .iter()
            .map(resource_row)
            .collect::<Vec<_>>(),
    );
    out += "</section>\n";
    if !report.notes.is_empty() {
        out += "<section><h2>Notes</h2><ul>";
        for note in &report.notes {
            let _ = write!(out, "<li>{}</li>", code_spans(&esc(note)));
        }
        out += "</ul></section>\n";
    }
    out + "</main>\n</body>\n</html>\n"
}

/// Each revert reason with its count, most frequent first.
fn revert_reasons(records: &[&TransactionRecord]) -> Vec<Vec<String>> {
    let mut counts = std::collections::BTreeMap::<&str, u64>::new();
    for r in records {
        if let Some(reason) = &r.revert_reason {
            *counts.entry(reason).or_default() += 1;
        }
    }
    let mut rows: Vec<(&str, u64)> = counts.into_iter().collect();
    rows.sort_by_key(|row| std::cmp::Reverse(row.1));
    rows.into_iter()
        .map(|(reason, n)| vec![reason.to_string(), n.to_string()])
        .collect()
}

/// The `transactions` table of a benchmark: the round and worker of each transaction, then the
/// columns of every `transactions` table.
pub fn transactions_frame(report: &BenchReport) -> DataFrame {
    let t = &report.transactions;
    let mut columns = vec![
        column(
            "round",
            t.iter().map(|r| r.round.as_str()).collect::<Vec<&str>>(),
        ),
        column(
            "round_index",
            t.iter().map(|r| r.round_index as u64).collect::<Vec<u64>>(),
        ),
        column(
            "worker",
            t.iter().map(|r| u64::from(r.worker)).collect::<Vec<u64>>(),
        ),
    ];
    columns.extend(transaction_columns(t.iter().map(|r| &r.record)));
    frame(columns)
}

/// Writes `report.html`, `report.md` and `transactions.parquet` into `dir` (created if
/// needed), each atomically; `provenance` goes into the Parquet metadata.
pub fn write_all(
    report: &BenchReport,
    dir: &Path,
    provenance: &Provenance,
) -> Result<(), CaliperError> {
    write_text(&dir.join("report.html"), &html(report))?;
    write_text(&dir.join("report.md"), &markdown(report))?;
    write_parquet(
        &dir.join("transactions.parquet"),
        Table::Transactions,
        &mut transactions_frame(report),
        provenance,
    )?;
    Ok(())
}

/// Writes `text` to `path` atomically.
fn write_text(path: &Path, text: &str) -> Result<(), CaliperError> {
    write_atomic(path, text.as_bytes()).map_err(|source| {
        CaliperError::Report(OutputError::Io {
            path: path.to_path_buf(),
            source,
        })
    })
}
