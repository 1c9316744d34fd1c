//! Serialisation of one event into the canonical pre-hash string (CBV 2.0 section 8.9).
//!
//! Standard fields are emitted in the fixed CBV order as `name=value` (lists as the list name
//! followed by their sorted elements); fields not known to the algorithm (user extensions) are
//! emitted after the standard fields of the same object as `{namespace}localName=value`, sorted.

use super::context::{Context, RDFS_COMMENT};
use super::values::scalar_text;
use serde_json::{Map, Value};

const GS1_VOC: &str = "https://gs1.org/voc/";

/// How a standard field is serialised.
enum Spec {
    /// Literal value (timestamps and identifiers are normalised).
    Value,
    /// URI value; CURIEs with a defined prefix are expanded.
    Id,
    /// Vocabulary value; bare terms are appended to the given base URI.
    Vocab(&'static str),
    /// Array serialised as the field name followed by its sorted elements, each named as given.
    List(&'static str, &'static Spec),
    /// Object with standard sub-fields (in order) followed by sorted extension fields.
    Object(&'static [Field]),
}

/// A standard field name and its serialisation.
struct Field(&'static str, Spec);

const QUANTITY: Spec = Spec::List(
    "quantityElement",
    &Spec::Object(&[
        Field("epcClass", Spec::Id),
        Field("quantity", Spec::Value),
        Field("uom", Spec::Value),
    ]),
);
const EPCS: Spec = Spec::List("epc", &Spec::Id);
const LOCATION: Spec = Spec::Object(&[Field("id", Spec::Id)]);
const SENSOR_METADATA: &[Field] = &[
    Field("time", Spec::Value),
    Field("startTime", Spec::Value),
    Field("endTime", Spec::Value),
    Field("deviceID", Spec::Id),
    Field("deviceMetadata", Spec::Id),
    Field("rawData", Spec::Id),
    Field("dataProcessingMethod", Spec::Id),
    Field("bizRules", Spec::Id),
];
const SENSOR_REPORT: &[Field] = &[
    Field("type", Spec::Vocab(GS1_VOC)),
    Field("exception", Spec::Vocab(GS1_VOC)),
    Field("deviceID", Spec::Id),
    Field("deviceMetadata", Spec::Id),
    Field("rawData", Spec::Id),
    Field("dataProcessingMethod", Spec::Id),
    Field("time", Spec::Value),
    Field("microorganism", Spec::Id),
    Field("chemicalSubstance", Spec::Id),
    Field("value", Spec::Value),
    Field("component", Spec::Vocab("https://ref.gs1.org/cbv/Comp-")),
    Field("stringValue", Spec::Value),
    Field("booleanValue", Spec::Value),
    Field("hexBinaryValue", Spec::Value),
    Field("uriValue", Spec::Id),
    Field("minValue", Spec::Value),
    Field("maxValue", Spec::Value),
    Field("meanValue", Spec::Value),
    Field("sDev", Spec::Value),
    Field("percRank", Spec::Value),
    Field("percValue", Spec::Value),
    Field("uom", Spec::Value),
    Field("coordinateReferenceSystem", Spec::Id),
];

/// Standard event fields in canonical order (after `eventType`).
const EVENT_FIELDS: &[Field] = &[
    Field("eventTime", Spec::Value),
    Field("eventTimeZoneOffset", Spec::Value),
    Field("certificationInfo", Spec::Id),
    Field("parentID", Spec::Id),
    Field("epcList", EPCS),
    Field("inputEPCList", EPCS),
    Field("childEPCs", EPCS),
    Field("quantityList", QUANTITY),
    Field("childQuantityList", QUANTITY),
    Field("inputQuantityList", QUANTITY),
    Field("outputEPCList", EPCS),
    Field("outputQuantityList", QUANTITY),
    Field("action", Spec::Value),
    Field("transformationID", Spec::Id),
    Field("bizStep", Spec::Vocab("https://ref.gs1.org/cbv/BizStep-")),
    Field("disposition", Spec::Vocab("https://ref.gs1.org/cbv/Disp-")),
    Field(
        "persistentDisposition",
        Spec::Object(&[
            Field("set", Spec::Vocab("https://ref.gs1.org/cbv/Disp-")),
            Field("unset", Spec::Vocab("https://ref.gs1.org/cbv/Disp-")),
        ]),
    ),
    Field("readPoint", LOCATION),
    Field("bizLocation", LOCATION),
    Field(
        "bizTransactionList",
        Spec::List(
            "",
            &Spec::Object(&[
                Field("type", Spec::Vocab("https://ref.gs1.org/cbv/BTT-")),
                Field("bizTransaction", Spec::Id),
            ]),
        ),
    ),
    Field(
        "destinationList",
        Spec::List(
            "",
            &Spec::Object(&[
                Field("type", Spec::Vocab("https://ref.gs1.org/cbv/SDT-")),
                Field("destination", Spec::Id),
            ]),
        ),
    ),
    Field(
        "sourceList",
        Spec::List(
            "",
            &Spec::Object(&[
                Field("type", Spec::Vocab("https://ref.gs1.org/cbv/SDT-")),
                Field("source", Spec::Id),
            ]),
        ),
    ),
    Field(
        "sensorElementList",
        Spec::List(
            "sensorElement",
            &Spec::Object(&[
                Field("sensorMetadata", Spec::Object(SENSOR_METADATA)),
                Field("sensorReport", Spec::Object(SENSOR_REPORT)),
            ]),
        ),
    ),
    Field("ilmd", Spec::Object(&[])),
];

/// Top-level event fields that never contribute to the hash.
const IGNORED_EVENT_FIELDS: &[&str] = &["type", "eventID", "id", "recordTime", "errorDeclaration"];

/// Serialisation state: namespaces and the expanded names of fields to skip.
pub struct Canon<'a> {
    ctx: &'a Context,
    ignored: Vec<String>,
}

impl<'a> Canon<'a> {
    /// Creates a serialiser; `ignore_fields` are extra field names (CURIEs, full URIs or terms)
    /// that are left out wherever they occur.
    pub fn new(ctx: &'a Context, ignore_fields: &[String]) -> Self {
        let mut ignored: Vec<String> = ignore_fields.iter().map(|f| ctx.expand_key(f)).collect();
        ignored.push(RDFS_COMMENT.to_owned());
        Self { ctx, ignored }
    }

    /// Pre-hash string of `event`, whose `type` has already been read as `event_type`.
    pub fn event(&self, event_type: &str, event: &Map<String, Value>) -> String {
        let mut out = format!("eventType={event_type}");
        self.object_body(&mut out, event, EVENT_FIELDS, IGNORED_EVENT_FIELDS);
        out
    }

    /// Appends the standard fields of `obj` in order, then its sorted extension fields.
    fn object_body(
        &self,
        out: &mut String,
        obj: &Map<String, Value>,
        fields: &[Field],
        skip: &[&str],
    ) {
        for Field(name, spec) in fields {
            if let Some(value) = obj.get(*name) {
                out.push_str(&sorted_concat(self.field(name, value, spec)));
            }
        }
        let mut extensions = Vec::new();
        for (key, value) in obj {
            let known = fields.iter().any(|Field(name, _)| name == key);
            if known || skip.contains(&key.as_str()) || key.starts_with('@') {
                continue;
            }
            let name = self.ctx.expand_key(key);
            if self.ignored.contains(&name) || self.ignored.contains(key) {
                continue;
            }
            extensions.extend(self.generic(&name, value));
        }
        out.push_str(&sorted_concat(extensions));
    }

    /// Entries for a standard field (several when a single-valued spec meets an array).
    fn field(&self, name: &str, value: &Value, spec: &Spec) -> Vec<String> {
        match (spec, value) {
            (Spec::List(child, child_spec), Value::Array(items)) => {
                let entries = items
                    .iter()
                    .flat_map(|item| self.field(child, item, child_spec))
                    .collect();
                vec![format!("{name}{}", sorted_concat(entries))]
            }
            (_, Value::Array(items)) => items
                .iter()
                .flat_map(|item| self.field(name, item, spec))
                .collect(),
            (Spec::Object(fields), Value::Object(obj)) => {
                let mut out = name.to_owned();
                self.object_body(&mut out, obj, fields, &[]);
                vec![out]
            }
            (_, Value::Object(_)) => self.generic(name, value),
            (Spec::Vocab(base), Value::String(s)) => {
                vec![format!("{name}={}", self.ctx.expand_vocab(s.trim(), base))]
            }
            (Spec::Id, Value::String(s)) => {
                let s = s.trim();
                let expanded = self.ctx.expand_curie(s).unwrap_or_else(|| s.to_owned());
                scalar_entry(name, &Value::String(expanded))
            }
            _ => scalar_entry(name, value),
        }
    }

    /// Entries for an extension field: `name=value`, or `name` followed by its sorted children.
    fn generic(&self, name: &str, value: &Value) -> Vec<String> {
        match value {
            Value::Array(items) => items.iter().flat_map(|v| self.generic(name, v)).collect(),
            Value::Object(obj) => {
                if let Some(inner) = obj.get("@value").or_else(|| obj.get("@id")) {
                    return self.generic(name, inner);
                }
                let mut out = name.to_owned();
                self.object_body(&mut out, obj, &[], &[]);
                vec![out]
            }
            _ => scalar_entry(name, value),
        }
    }
}

fn scalar_entry(name: &str, value: &Value) -> Vec<String> {
    scalar_text(value)
        .map(|text| format!("{name}={text}"))
        .into_iter()
        .collect()
}

fn sorted_concat(mut entries: Vec<String>) -> String {
    entries.sort_unstable();
    entries.concat()
}
