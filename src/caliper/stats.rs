//! A round's Caliper figures, computed as caliper-core's report does (`report.js`,
//! `getResultValues`): latencies over the successful transactions; Send Rate = all
//! transactions / (last submission − first submission); Throughput = all transactions
//! (successful and failed) / (last finish − first submission). Plus latency percentiles, which
//! Caliper does not report.

use super::RoundSummary;
use crate::ledger::{TransactionRecord, TransactionStatus as Status};

/// The summary of one round's `records` (all of the same round).
pub(super) fn summarise(
    name: &str,
    description: &str,
    function: crate::ledger::Function,
    rate_control: String,
    records: &[&TransactionRecord],
) -> RoundSummary {
    let succ = records
        .iter()
        .filter(|r| r.status == Status::Success)
        .count() as u64;
    let fail = records.len() as u64 - succ;
    let mut latencies: Vec<f64> = records
        .iter()
        .filter(|r| r.status == Status::Success)
        .map(|r| r.latency_s)
        .collect();
    latencies.sort_by(f64::total_cmp);
    let first_submit_s = records.iter().map(|r| r.submitted_s).reduce(f64::min);
    let last_submit_s = records.iter().map(|r| r.submitted_s).reduce(f64::max);
    let last_finish_s = records.iter().map(|r| r.confirmed_s).reduce(f64::max);
    let all = (succ + fail) as f64;
    let rate = |end: Option<f64>| match (first_submit_s, end) {
        (Some(first), Some(last)) if last > first => Some(all / (last - first)),
        _ => None,
    };
    RoundSummary {
        name: name.to_string(),
        description: description.to_string(),
        function,
        rate_control,
        succ,
        fail,
        send_rate_tps: rate(last_submit_s),
        max_latency_s: latencies.last().copied(),
        min_latency_s: latencies.first().copied(),
        avg_latency_s: (!latencies.is_empty())
            .then(|| latencies.iter().sum::<f64>() / latencies.len() as f64),
        throughput_tps: rate(last_finish_s),
        p50_latency_s: percentile(&latencies, 0.50),
        p95_latency_s: percentile(&latencies, 0.95),
        p99_latency_s: percentile(&latencies, 0.99),
    }
}

/// The `q` quantile of ascending `sorted` values, interpolating linearly between the two
/// nearest ranks (numpy's default), or `None` if there are none.
pub(super) fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = q * last as f64;
    let below = rank.floor() as usize;
    let above = (below + 1).min(last);
    Some(sorted[below] + (sorted[above] - sorted[below]) * (rank - below as f64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::Function;

    fn record(submitted_s: f64, confirmed_s: f64, status: Status) -> TransactionRecord {
        TransactionRecord {
            tx_id: 0,
            function: Function::PowerData,
            submitted_s,
            processed_s: confirmed_s,
            included_s: confirmed_s,
            confirmed_s,
            latency_s: confirmed_s - submitted_s,
            status,
            revert_reason: None,
            gas_used: 0,
            block: 0,
        }
    }

    #[test]
    fn caliper_formulas() {
        let records = [
            record(0.0, 1.0, Status::Success),
            record(1.0, 4.0, Status::Success),
            record(2.0, 2.5, Status::Fail),
            record(4.0, 9.0, Status::Success),
        ];
        let records: Vec<&TransactionRecord> = records.iter().collect();
        let s = summarise("r", "", Function::PowerData, String::new(), &records);
        assert_eq!((s.succ, s.fail), (3, 1));
        // Failed transactions count in both rates, not in the latencies.
        assert_eq!(s.send_rate_tps, Some(4.0 / 4.0));
        assert_eq!(s.throughput_tps, Some(4.0 / 9.0));
        assert_eq!(s.max_latency_s, Some(5.0));
        assert_eq!(s.min_latency_s, Some(1.0));
        assert_eq!(s.avg_latency_s, Some(3.0));
        assert_eq!(s.p50_latency_s, Some(3.0));
    }

    #[test]
    fn percentiles_interpolate() {
        let v: Vec<f64> = (0..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.95), Some(95.0));
        assert_eq!(percentile(&[1.0, 2.0], 0.5), Some(1.5));
        assert_eq!(percentile(&[], 0.5), None);
    }
}
