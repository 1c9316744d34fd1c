//! GS1 CBV 2.0 event hash IDs for EPCIS 2.0 JSON / JSON-LD events.
//!
//! Implements the algorithm of CBV 2.0 section 8.9 as realised by the reference implementation
//! (RalphTro/epcis-event-hash-generator): each event is serialised to a canonical *pre-hash
//! string*, whose SHA-256 digest gives the ID `ni:///sha-256;<lowercase hex>?ver=CBV2.0`.
//!
//! Canonicalisation rules:
//! * `eventType=<type>` first, then the standard fields in CBV order (`eventTime`,
//!   `eventTimeZoneOffset`, `certificationInfo`, `parentID`, EPC and quantity lists, `action`,
//!   `transformationID`, `bizStep`, `disposition`, `persistentDisposition`, `readPoint`,
//!   `bizLocation`, `bizTransactionList`, `destinationList`, `sourceList`,
//!   `sensorElementList`, `ilmd`), then user extensions; no separators between fields.
//! * Elements of a list (and repeated values of one field) are sorted by their serialisation;
//!   user extensions are written as `{namespace}localName=value` and sorted.
//! * Timestamps become UTC with millisecond precision (rounded half up); EPC URNs, EPC class
//!   URNs and GS1 Digital Link URIs on any domain become canonical `https://id.gs1.org/…` URIs;
//!   CBV terms and CURIEs are expanded to full URIs using the document's `@context`.
//! * `eventID`, `recordTime`, `errorDeclaration`, `rdfs:comment` and the fields listed in a
//!   document's `…:ignoreFields` array are left out.
//!
//! On top of it, `GET /api/v1/epcis/events` exports the chain as an EPCIS 2.0 document whose events carry
//! these IDs ([`handlers`]; mapping, identifiers and ranges in docs/epcis.md).

mod canon;
mod context;
mod dl;
mod document;
mod events;
pub mod handlers;
mod ids;
mod queries;
mod range;
pub mod usecases;
mod values;

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fmt;

pub use dl::normalise_identifier;
pub use values::normalise_timestamp;

/// Errors raised while computing hash IDs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HashError {
    /// The named JSON value was expected to be an object.
    NotAnObject(&'static str),
    /// The event has no string `type` member.
    MissingEventType,
    /// The document has neither `epcisBody.eventList` nor
    /// `epcisBody.queryResults.resultsBody.eventList`.
    MissingEventList,
}

impl fmt::Display for HashError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAnObject(what) => write!(f, "{what} is not a JSON object"),
            Self::MissingEventType => f.write_str("event has no string \"type\""),
            Self::MissingEventList => f.write_str("document has no event list"),
        }
    }
}

impl std::error::Error for HashError {}

/// Options of the hash computation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HashOptions {
    /// Additional field names (CURIEs such as `example:captureID`, full URIs or terms) to leave
    /// out of the pre-hash string wherever they occur.
    pub ignore_fields: Vec<String>,
}

/// Canonical pre-hash string of one event; `context` is the document's `@context` value.
pub fn prehash_string(event: &Value, context: &Value) -> Result<String, HashError> {
    prehash_string_with(event, context, &HashOptions::default())
}

/// [`prehash_string`] with explicit [`HashOptions`].
pub fn prehash_string_with(
    event: &Value,
    context: &Value,
    options: &HashOptions,
) -> Result<String, HashError> {
    let obj = event.as_object().ok_or(HashError::NotAnObject("event"))?;
    let event_type = obj
        .get("type")
        .and_then(Value::as_str)
        .ok_or(HashError::MissingEventType)?;
    let event_type = event_type
        .strip_prefix("https://ref.gs1.org/epcis/")
        .or_else(|| event_type.strip_prefix("epcis:"))
        .unwrap_or(event_type);
    let mut ctx = context::Context::new(context);
    if let Some(local) = obj.get("@context") {
        ctx.extend(local);
    }
    let canon = canon::Canon::new(&ctx, &options.ignore_fields);
    Ok(canon.event(event_type, obj))
}

/// Event hash ID `ni:///sha-256;<hex>?ver=CBV2.0` of one event.
pub fn event_hash_id(event: &Value, context: &Value) -> Result<String, HashError> {
    event_hash_id_with(event, context, &HashOptions::default())
}

/// [`event_hash_id`] with explicit [`HashOptions`].
pub fn event_hash_id_with(
    event: &Value,
    context: &Value,
    options: &HashOptions,
) -> Result<String, HashError> {
    prehash_string_with(event, context, options).map(|p| hash_id_of_prehash(&p))
}

/// Hash ID of an already computed pre-hash string.
pub fn hash_id_of_prehash(prehash: &str) -> String {
    let digest = Sha256::digest(prehash.as_bytes());
    format!("ni:///sha-256;{}?ver=CBV2.0", hex::encode(digest))
}

/// Events of an `EPCISDocument` (`epcisBody.eventList`) or `EPCISQueryDocument`
/// (`epcisBody.queryResults.resultsBody.eventList`).
pub fn document_events(doc: &Value) -> Result<&[Value], HashError> {
    let body = doc
        .as_object()
        .ok_or(HashError::NotAnObject("document"))?
        .get("epcisBody")
        .ok_or(HashError::MissingEventList)?;
    body.get("eventList")
        .or_else(|| body.pointer("/queryResults/resultsBody/eventList"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .ok_or(HashError::MissingEventList)
}

/// Options derived from a document: the fields of any `…:ignoreFields` member of the document,
/// its `epcisHeader`, `epcisBody` or `epcisBody.queryResults`.
pub fn document_options(doc: &Value) -> HashOptions {
    let holders = [
        Some(doc),
        doc.get("epcisHeader"),
        doc.get("epcisBody"),
        doc.pointer("/epcisBody/queryResults"),
    ];
    let mut ignore_fields = Vec::new();
    for obj in holders.into_iter().flatten().filter_map(Value::as_object) {
        for (key, value) in obj {
            if key == "ignoreFields" || key.ends_with(":ignoreFields") {
                match value {
                    Value::Array(items) => ignore_fields
                        .extend(items.iter().filter_map(Value::as_str).map(str::to_owned)),
                    Value::String(s) => ignore_fields.push(s.clone()),
                    _ => {}
                }
            }
        }
    }
    HashOptions { ignore_fields }
}

/// Pre-hash strings of all events of a document, in document order.
pub fn document_prehash_strings(doc: &Value) -> Result<Vec<String>, HashError> {
    let context = doc.get("@context").unwrap_or(&Value::Null);
    let options = document_options(doc);
    document_events(doc)?
        .iter()
        .map(|event| prehash_string_with(event, context, &options))
        .collect()
}

/// Hash IDs of all events of a document, in document order.
pub fn document_hash_ids(doc: &Value) -> Result<Vec<String>, HashError> {
    Ok(document_prehash_strings(doc)?
        .iter()
        .map(|p| hash_id_of_prehash(p))
        .collect())
}
