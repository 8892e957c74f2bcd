//! The event log of a run: what happened, when and where — the restoration report's timeline
//! and the `events` table of a sweep. Besides its text for people, an event carries the
//! structured fields a script needs (island, round, entities, deficit, amount).

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
    /// A faulted line was repaired.
    LineRepaired,
    /// An island's supply is back and, after the resynchronisation delay, its entities are on
    /// the grid again: the island dissolves.
    Reconnected,
}

impl EventKind {
    /// The kind's name, as in JSON and Parquet (`line_opened`, …).
    pub fn as_str(&self) -> &'static str {
        match self {
            EventKind::LineOpened => "line_opened",
            EventKind::IslandFormed => "island_formed",
            EventKind::OutageDetected => "outage_detected",
            EventKind::ReadingsGathered => "readings_gathered",
            EventKind::ChainUpdated => "chain_updated",
            EventKind::Optimised => "optimised",
            EventKind::AllocationRecorded => "allocation_recorded",
            EventKind::TransactionReverted => "transaction_reverted",
            EventKind::RelaysCommanded => "relays_commanded",
            EventKind::Restored => "restored",
            EventKind::BackOffDetected => "back_off_detected",
            EventKind::Settled => "settled",
            EventKind::OptimisationFailed => "optimisation_failed",
            EventKind::MessageDropped => "message_dropped",
            EventKind::LineRepaired => "line_repaired",
            EventKind::Reconnected => "reconnected",
        }
    }
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
    /// The island concerned, numbered as `blackstart island` numbers it (1-based).
    pub island: Option<usize>,
    /// The island's allocation round (1, or more after back-offs).
    pub round: Option<u32>,
    /// The entities concerned, by id: the entity that detected the outage, the consumers an
    /// allocation sheds, the prosumers that backed off, the prosumer a settlement pays.
    pub entities: Vec<String>,
    /// The island's deficit the allocation covers, kWh per interval.
    pub deficit_kwh: Option<f64>,
    /// Money: the allocation's cost, or the reward credited, INR.
    pub amount_inr: Option<f64>,
    /// Details for people.
    pub detail: String,
}

impl LogEvent {
    /// An event at `time_s` in `source`, with no structured fields yet.
    pub fn new(time_s: f64, source: impl Into<String>, kind: EventKind, detail: String) -> Self {
        LogEvent {
            time_s,
            source: source.into(),
            kind,
            island: None,
            round: None,
            entities: Vec::new(),
            deficit_kwh: None,
            amount_inr: None,
            detail,
        }
    }

    /// This event about island `number` (1-based) and, when given, its round.
    pub fn island(mut self, number: usize, round: Option<u32>) -> Self {
        self.island = Some(number);
        self.round = round;
        self
    }

    /// This event naming `entities`.
    pub fn entities(mut self, entities: Vec<String>) -> Self {
        self.entities = entities;
        self
    }

    /// This event with a deficit, kWh.
    pub fn deficit_kwh(mut self, deficit_kwh: f64) -> Self {
        self.deficit_kwh = Some(deficit_kwh);
        self
    }

    /// This event with an amount of money, INR.
    pub fn amount_inr(mut self, amount_inr: f64) -> Self {
        self.amount_inr = Some(amount_inr);
        self
    }
}
