//! The event log of a run: what happened, when and where — the restoration report's timeline
//! and the `events` table of a sweep.

use serde::Serialize;

/// What kind of thing happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A fault opened a line.
    LineOpened,
    /// Part of the grid lost its supply and became an island.
    IslandFormed,
    /// An RTDCCU detected loss of supply.
    OutageDetected,
    /// The coordinator has the island's latest readings.
    ReadingsGathered,
    /// The island's entities, readings, balance and tariffs are on chain.
    ChainUpdated,
    /// The optimiser produced an allocation.
    Optimised,
    /// The allocation is recorded on chain.
    AllocationRecorded,
    /// The chain rejected a transaction.
    TransactionReverted,
    /// Relays were commanded.
    RelaysCommanded,
    /// Every commanded relay switched: the island's consumers are supplied.
    Restored,
    /// A prosumer's reading shows it did not deliver its share.
    BackOffDetected,
    /// A prosumer's reward was paid.
    Settled,
    /// The optimiser could not produce an allocation.
    OptimisationFailed,
    /// A message was lost more times than the sender retries.
    MessageDropped,
}

/// One entry of the event log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEvent {
    /// When it happened, s since midnight.
    pub time_s: f64,
    /// The model it happened in.
    pub source: String,
    /// What happened.
    pub kind: EventKind,
    /// Details for people.
    pub detail: String,
}

impl LogEvent {
    /// An event at `time_s` in `source`.
    pub fn new(time_s: f64, source: impl Into<String>, kind: EventKind, detail: String) -> Self {
        LogEvent {
            time_s,
            source: source.into(),
            kind,
            detail,
        }
    }
}
