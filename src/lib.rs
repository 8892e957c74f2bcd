//! blackstart: a discrete-event co-simulator of a microgrid through a power outage.
