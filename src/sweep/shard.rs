//! Which slice of a sweep a process runs: `--shard K/N`, or the index a cluster scheduler gives
//! an array task (Slurm job arrays, Kubernetes Indexed Jobs).

use std::ops::Range;

/// Shard `index` of `count` (0-based): a contiguous slice of the sweep's run indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, `0..count`.
    pub index: u64,
    /// How many shards split the sweep.
    pub count: u64,
}

/// A shard that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ShardError(String);

impl Shard {
    /// The whole sweep in one shard.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Parses `K/N` (0 ≤ K < N).
    pub fn parse(text: &str) -> Result<Shard, ShardError> {
        let bad = || ShardError(format!("--shard must be K/N with 0 <= K < N, got `{text}`"));
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index = k.trim().parse().map_err(|_| bad())?;
        let count = n.trim().parse().map_err(|_| bad())?;
        Shard::new(index, count).map_err(|_| bad())
    }

    /// Shard `index` of `count`, checked.
    pub fn new(index: u64, count: u64) -> Result<Shard, ShardError> {
        if count == 0 || index >= count {
            return Err(ShardError(format!(
                "shard {index} of {count}: need 0 <= index < count"
            )));
        }
        Ok(Shard { index, count })
    }

    /// The shard a cluster scheduler assigned through the environment `var`: Slurm job arrays
    /// (`SLURM_ARRAY_TASK_ID` from `SLURM_ARRAY_TASK_MIN`, `SLURM_ARRAY_TASK_COUNT`), or a
    /// Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`, with the count from `shards`). `None`
    /// when no scheduler variable is set.
    pub fn from_env(
        var: impl Fn(&str) -> Option<String>,
        shards: Option<u64>,
    ) -> Result<Option<Shard>, ShardError> {
        let number = |name: &str| -> Result<Option<u64>, ShardError> {
            var(name)
                .map(|v| {
                    v.trim()
                        .parse()
                        .map_err(|_| ShardError(format!("{name}={v} is not a number")))
                })
                .transpose()
        };
        if let Some(task) = number("SLURM_ARRAY_TASK_ID")? {
            let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let count = match shards {
                Some(n) => n,
                None => number("SLURM_ARRAY_TASK_COUNT")?.ok_or_else(|| {
                    ShardError("SLURM_ARRAY_TASK_COUNT is not set: give --shards N".into())
                })?,
            };
            return Shard::new(task.saturating_sub(min), count).map(Some);
        }
        if let Some(index) = number("JOB_COMPLETION_INDEX")? {
            let count = shards.ok_or_else(|| {
                ShardError(
                    "JOB_COMPLETION_INDEX is set: give --shards N (the Job's completions)".into(),
                )
            })?;
            return Shard::new(index, count).map(Some);
        }
        Ok(None)
    }

    /// This shard's run indices out of `runs`: contiguous, the shards together cover all runs
    /// once.
    pub fn runs(&self, runs: u64) -> Range<u64> {
        // In 128 bits: `runs * index` overflows 64 bits for large sweeps split finely.
        let bound = |index: u64| {
            let at = u128::from(runs) * u128::from(index) / u128::from(self.count);
            u64::try_from(at).expect("index <= count, so the bound is at most `runs`")
        };
        bound(self.index)..bound(self.index + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn parses_k_of_n() {
        assert_eq!(Shard::parse("2/5"), Ok(Shard { index: 2, count: 5 }));
        assert!(Shard::parse("5/5").is_err());
        assert!(Shard::parse("1").is_err());
        assert!(Shard::parse("a/b").is_err());
    }

    #[test]
    fn shards_cover_every_run_once() {
        for count in 1..7 {
            let mut covered = Vec::new();
            for index in 0..count {
                covered.extend(Shard { index, count }.runs(100));
            }
            assert_eq!(covered, (0..100).collect::<Vec<_>>());
        }
    }

    #[test]
    fn large_sweeps_split_without_overflow() {
        let runs = 10_000_000_000_000;
        let half = Shard {
            index: 5_000_000_000_000,
            count: 10_000_000_000_000,
        };
        assert_eq!(half.runs(runs), 5_000_000_000_000..5_000_000_000_001);
        let last = Shard {
            index: u64::MAX - 1,
            count: u64::MAX,
        };
        assert_eq!(last.runs(u64::MAX), u64::MAX - 1..u64::MAX);
    }

    #[test]
    fn reads_slurm_and_kubernetes_indices() {
        let env = |pairs: &[(&str, &str)]| {
            let map: HashMap<String, String> = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            move |name: &str| map.get(name).cloned()
        };
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "10"),
        ]);
        assert_eq!(
            Shard::from_env(slurm, None),
            Ok(Some(Shard {
                index: 3,
                count: 10
            }))
        );
        let k8s = env(&[("JOB_COMPLETION_INDEX", "7")]);
        assert_eq!(
            Shard::from_env(&k8s, Some(8)),
            Ok(Some(Shard { index: 7, count: 8 }))
        );
        assert!(Shard::from_env(&k8s, None).is_err());
        assert_eq!(Shard::from_env(env(&[]), None), Ok(None));
    }
}
