//! Rows of the SQL stores: how dossiers, entries and events are split into rows and put back
//! together, and the checks made on everything read back.

use crate::criteria::CriteriaSet;
use crate::dossier::{Dossier, Entry};
use crate::error::{Error, Result};
use crate::period::Period;
use crate::unit::Unit;
use crate::workflow::{Event, State};

/// A `storage` error about stored data that does not parse or does not fit.
pub(crate) fn corrupt(what: String) -> Error {
    Error::Storage {
        message: format!("{what}; the stored data is damaged or was written by a newer release"),
        transient: false,
    }
}

/// The JSON kept in the dossier row: the dossier without entries and history.
pub(crate) fn header_json(d: &Dossier) -> String {
    serde_json::to_string(&d.header()).unwrap_or_default()
}

pub(crate) fn entry_json(e: &Entry) -> String {
    serde_json::to_string(e).unwrap_or_default()
}

pub(crate) fn event_json(e: &Event) -> String {
    serde_json::to_string(e).unwrap_or_default()
}

pub(crate) fn decode_entry(dossier: &str, position: i64, text: &str) -> Result<Entry> {
    serde_json::from_str(text).map_err(|e| {
        corrupt(format!(
            "dossier `{dossier}`: stored entry {position} does not parse ({e})"
        ))
    })
}

pub(crate) fn decode_event(dossier: &str, seq: i64, text: &str) -> Result<Event> {
    serde_json::from_str(text).map_err(|e| {
        corrupt(format!(
            "dossier `{dossier}`: stored event {seq} does not parse ({e})"
        ))
    })
}

pub(crate) fn decode_unit(id: &str, text: &str) -> Result<Unit> {
    serde_json::from_str(text)
        .map_err(|e| corrupt(format!("unit `{id}`: the stored row does not parse ({e})")))
}

pub(crate) fn decode_period(id: &str, text: &str) -> Result<Period> {
    crate::error::from_json_str::<Period>(text).map_err(|e| {
        corrupt(format!(
            "period `{id}`: the stored row does not parse ({e})"
        ))
    })
}

pub(crate) fn decode_set(id: &str, revision: i64, text: &str) -> Result<CriteriaSet> {
    CriteriaSet::from_json(text).map_err(|e| {
        corrupt(format!(
            "criteria set `{id}` revision {revision}: the stored document does not parse ({e})"
        ))
    })
}

/// The columns of a dossier row that [`assemble`] checks against the header.
pub(crate) struct DossierRow {
    pub id: String,
    pub version: i64,
    pub state: String,
    pub header: String,
}

/// Rebuilds a dossier from its row, its entries (ordered by position, with their positions)
/// and, when loaded, its events (ordered by seq, with their seqs). Everything is checked: a
/// row that does not parse or does not fit is a `storage` error naming the dossier.
pub(crate) fn assemble(
    row: DossierRow,
    entries: Vec<(i64, String)>,
    history: Option<Vec<(i64, String)>>,
) -> Result<Dossier> {
    let id = row.id.as_str();
    let mut d: Dossier = serde_json::from_str(&row.header).map_err(|e| {
        corrupt(format!(
            "dossier `{id}`: the stored dossier row does not parse ({e})"
        ))
    })?;
    let state = State::parse(&row.state);
    if d.id != id || i64::try_from(d.version).ok() != Some(row.version) || state != Some(d.state) {
        return Err(corrupt(format!(
            "dossier `{id}`: the stored row disagrees with itself (id `{}`, version {} / {}, \
             state `{}` / `{}`)",
            d.id, d.version, row.version, d.state, row.state
        )));
    }
    d.entries.reserve(entries.len());
    for (i, (pos, text)) in entries.into_iter().enumerate() {
        if pos != i as i64 {
            return Err(corrupt(format!(
                "dossier `{id}`: stored entry {i} is missing"
            )));
        }
        let e = decode_entry(id, pos, &text)?;
        if e.version > d.version {
            return Err(corrupt(format!(
                "dossier `{id}`: entry `{}` is at version {}, newer than the dossier ({})",
                e.criterion, e.version, d.version
            )));
        }
        d.entries.push(e);
    }
    if let Some(events) = history {
        d.history.reserve(events.len());
        let mut prev = 0;
        for (i, (seq, text)) in events.into_iter().enumerate() {
            if seq != i as i64 + 1 {
                return Err(corrupt(format!(
                    "dossier `{id}`: stored event {} is missing",
                    i + 1
                )));
            }
            let e = decode_event(id, seq, &text)?;
            if e.version < prev {
                return Err(corrupt(format!(
                    "dossier `{id}`: stored event {seq} goes back to version {}",
                    e.version
                )));
            }
            prev = e.version;
            d.history.push(e);
        }
        if prev != d.version {
            return Err(corrupt(format!(
                "dossier `{id}`: the history ends at version {prev} but the dossier is at \
                 version {}",
                d.version
            )));
        }
    }
    Ok(d)
}

/// Adds the history (events ordered by seq, with their seqs) to a dossier state, checked.
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
pub(crate) fn with_history(mut d: Dossier, events: Vec<(i64, String)>) -> Result<Dossier> {
    let id = d.id.clone();
    d.history = Vec::with_capacity(events.len());
    let mut prev = 0;
    for (i, (seq, text)) in events.into_iter().enumerate() {
        if seq != i as i64 + 1 {
            return Err(corrupt(format!(
                "dossier `{id}`: stored event {} is missing",
                i + 1
            )));
        }
        let e = decode_event(&id, seq, &text)?;
        if e.version < prev {
            return Err(corrupt(format!(
                "dossier `{id}`: stored event {seq} goes back to version {}",
                e.version
            )));
        }
        prev = e.version;
        d.history.push(e);
    }
    if prev != d.version {
        return Err(corrupt(format!(
            "dossier `{id}`: the history ends at version {prev} but the dossier is at version {}",
            d.version
        )));
    }
    Ok(d)
}

/// An event as a row of the events table.
pub(crate) struct EventRow {
    pub seq: i64,
    pub version: i64,
    pub at: i64,
    pub actor_user: String,
    pub actor_role: &'static str,
    pub actor_unit: String,
    pub from: &'static str,
    pub to: &'static str,
    pub kind: &'static str,
    pub criterion: Option<String>,
    pub payload: String,
}

pub(crate) fn event_row(seq: i64, e: &Event) -> EventRow {
    EventRow {
        seq,
        version: e.version as i64,
        at: e.at.as_millis(),
        actor_user: e.actor.user.clone(),
        actor_role: e.actor.role.as_str(),
        actor_unit: e.actor.unit.clone(),
        from: e.from.as_str(),
        to: e.to.as_str(),
        kind: e.change.type_name(),
        criterion: e.change.criterion().map(str::to_owned),
        payload: event_json(e),
    }
}

/// What a write changes: the entries newer than the base version, the new events, the row.
pub(crate) struct WritePlan {
    /// (position, criterion, version, JSON)
    pub entries: Vec<(i64, String, i64, String)>,
    pub events: Vec<EventRow>,
    pub state: &'static str,
    pub version: i64,
    pub last_seq: i64,
    pub updated_at: i64,
    pub header: String,
}

/// Plans the write of `after` over a stored dossier at `base_version` whose last event has
/// sequence number `base_seq`; `events` are the events newer than `base_version`.
pub(crate) fn plan(
    after: &Dossier,
    base_version: u64,
    base_seq: i64,
    events: &[Event],
) -> WritePlan {
    let entries = after
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.version > base_version)
        .map(|(i, e)| {
            (
                i as i64,
                e.criterion.clone(),
                e.version as i64,
                entry_json(e),
            )
        })
        .collect();
    let events: Vec<EventRow> = events
        .iter()
        .enumerate()
        .map(|(i, e)| event_row(base_seq + 1 + i as i64, e))
        .collect();
    WritePlan {
        entries,
        state: after.state.as_str(),
        version: after.version as i64,
        last_seq: base_seq + events.len() as i64,
        updated_at: events.last().map_or(0, |e| e.at),
        events,
        header: header_json(after),
    }
}
