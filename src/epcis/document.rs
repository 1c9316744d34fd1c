//! The EPCIS 2.0 document of one export: the events in the caller's scope, each with its CBV 2.0 event
//! hash ID, sorted by event time then ID, under the document's `@context`.

use serde_json::{json, Map, Value};

use crate::error::{AppError, AppResult};
use crate::policy::{Owner, Scope};
use crate::refusal::{Code, Refusal};

use super::events::{self, Draft};
use super::ids;
use super::queries::Records;
use super::range::TimeRange;

/// The most events one export may hold.
pub const MAX_EVENTS: usize = 50_000;

/// The GS1 EPCIS 2.0 JSON-LD context.
pub const EPCIS_CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

/// The document's `@context`: GS1's, and the `niuyang` prefix of the service's extension fields.
pub fn context(base: &str) -> Value {
    json!([EPCIS_CONTEXT, { "niuyang": ids::namespace(base) }])
}

/// Keep the drafts in `scope`: an event belongs to the organisation that did it.
fn in_scope(drafts: Vec<Draft>, scope: &Scope, records: &Records) -> Vec<Draft> {
    drafts
        .into_iter()
        .filter(|d| {
            records.orgs.get(&d.owner).is_some_and(|(kind, district)| {
                scope.covers(Owner {
                    org_id: &d.owner,
                    kind: *kind,
                    district: *district,
                })
            })
        })
        .collect()
}

/// Refuse more events than one document may hold.
fn check_count(n: usize) -> AppResult<()> {
    if n > MAX_EVENTS {
        return Err(Refusal::of(Code::TooManyEvents)
            .with("n", n)
            .with("max", MAX_EVENTS)
            .into());
    }
    Ok(())
}

/// The document for `records` as seen by `scope`.
pub fn build(
    base: &str,
    records: &Records,
    scope: &Scope,
    range: &TimeRange,
    created: chrono::NaiveDateTime,
) -> AppResult<Value> {
    let drafts = in_scope(events::drafts(base, records), scope, records);
    check_count(drafts.len())?;
    let ctx = context(base);
    let mut list = Vec::with_capacity(drafts.len());
    for d in drafts {
        let mut event = Value::Object(d.event);
        let id = super::event_hash_id(&event, &ctx)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("EPCIS event hash: {e}")))?;
        if let Value::Object(m) = &mut event {
            m.insert("eventID".into(), Value::String(id.clone()));
        }
        let time = event
            .get("eventTime")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        list.push((time, id, event));
    }
    list.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let mut doc = Map::new();
    doc.insert("@context".into(), ctx);
    doc.insert("type".into(), json!("EPCISDocument"));
    doc.insert("schemaVersion".into(), json!("2.0"));
    doc.insert("creationDate".into(), json!(events::event_time(created)));
    doc.insert(
        "epcisHeader".into(),
        json!({
            "niuyang:rangeStart": events::event_time(range.start),
            "niuyang:rangeEnd": events::event_time(range.end),
        }),
    );
    doc.insert(
        "epcisBody".into(),
        json!({ "eventList": list.into_iter().map(|(_, _, e)| e).collect::<Vec<_>>() }),
    );
    Ok(Value::Object(doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_count_is_capped() {
        assert!(check_count(MAX_EVENTS).is_ok());
        assert_eq!(
            check_count(MAX_EVENTS + 1)
                .err()
                .map(|e| e.code())
                .as_deref(),
            Some("too_many_events")
        );
    }
}
