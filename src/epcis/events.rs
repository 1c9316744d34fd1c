//! The records of a range as EPCIS 2.0 events (docs/epcis.md, "Mapping"), each with the organisation that
//! owns it for the caller's scope. The `eventID` is added later, over the event exactly as built here.

use chrono::NaiveDateTime;
use serde_json::{json, Map, Value};

use super::ids;
use super::queries::{LotRef, Records};

/// An event before its hash ID, and the organisation whose record it is.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The organisation that did it (the scope filters on it).
    pub owner: String,
    /// The event.
    pub event: Map<String, Value>,
}

/// Event time as exported: UTC, milliseconds, `Z`.
pub fn event_time(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

struct Builder<'a> {
    base: &'a str,
    records: &'a Records,
}

impl Builder<'_> {
    fn lot(&self, id: &str) -> String {
        match self.records.lots.get(id) {
            Some(LotRef { trace_code, gtin }) => ids::lot(self.base, trace_code, gtin.as_deref()),
            // A lot row always exists for an id the chain refers to; name it by id rather than fail.
            None => format!("{}/lot/{id}", self.base.trim_end_matches('/')),
        }
    }

    fn org(&self, id: &str) -> Value {
        json!({ "id": ids::org(self.base, id) })
    }

    fn kg(&self, epc_class: String, grams: i64) -> Value {
        json!({ "epcClass": epc_class, "quantity": ids::kilograms(grams), "uom": "KGM" })
    }

    /// An ObjectEvent at `place` (read point and business location).
    fn object(
        &self,
        time: NaiveDateTime,
        action: &str,
        biz_step: &str,
        disposition: &str,
        quantities: Vec<Value>,
        place: &str,
    ) -> Map<String, Value> {
        let mut e = Map::new();
        e.insert("type".into(), json!("ObjectEvent"));
        e.insert("eventTime".into(), json!(event_time(time)));
        e.insert("eventTimeZoneOffset".into(), json!("+08:00"));
        e.insert("action".into(), json!(action));
        e.insert("bizStep".into(), json!(biz_step));
        e.insert("disposition".into(), json!(disposition));
        e.insert("quantityList".into(), Value::Array(quantities));
        e.insert("readPoint".into(), self.org(place));
        e.insert("bizLocation".into(), self.org(place));
        e
    }

    fn parties(&self, e: &mut Map<String, Value>, from: &str, to: &str) {
        let list = |key: &str, org: &str| {
            let uri = ids::org(self.base, org);
            json!([{ "type": "owning_party", key: uri }, { "type": "location", key: uri }])
        };
        e.insert("sourceList".into(), list("source", from));
        e.insert("destinationList".into(), list("destination", to));
    }

    fn certificate(&self, issuer: &str, kind: &str, number: &str) -> Value {
        json!({ "type": "cert", "bizTransaction": ids::document(self.base, issuer, kind, number) })
    }

    fn all(&self) -> Vec<Draft> {
        let r = self.records;
        let mut out = Vec::new();
        let mut push = |owner: &str, event| {
            out.push(Draft {
                owner: owner.to_string(),
                event,
            })
        };
        for c in &r.commissioned {
            let uri = ids::lot(self.base, &c.trace_code, c.gtin.as_deref());
            let mut e = self.object(
                c.created_at,
                "ADD",
                "commissioning",
                "active",
                vec![self.kg(uri, c.weight_g)],
                &c.slaughterhouse_id,
            );
            e.insert(
                "ilmd".into(),
                json!({
                    "cbvmda:lotNumber": c.trace_code,
                    "cbvmda:itemExpirationDate": c.use_by.to_string(),
                    "niuyang:batch": ids::batch(self.base, &c.batch_id),
                    "niuyang:batchNo": c.batch_no,
                    "niuyang:slaughterDate": c.slaughter_date.to_string(),
                    "niuyang:halal": c.halal,
                    "niuyang:productKind": c.product_kind,
                    "niuyang:productName": c.product_name,
                    "niuyang:storage": c.storage,
                }),
            );
            push(&c.slaughterhouse_id, e);
        }
        for q in &r.quarantined {
            let batch = ids::batch(self.base, &q.batch_id);
            let heads = |n: i32| json!({ "epcClass": batch, "quantity": n, "uom": "H87" });
            for (n, disposition) in [
                (q.heads_passed, "conformant"),
                (q.heads_failed, "non_conformant"),
            ] {
                if n <= 0 {
                    continue;
                }
                let mut e = self.object(
                    q.recorded_at,
                    "OBSERVE",
                    "inspecting",
                    disposition,
                    vec![heads(n)],
                    &q.slaughterhouse_id,
                );
                e.insert("niuyang:inspection".into(), json!("slaughter_quarantine"));
                if let (Some(no), "conformant") = (&q.certificate_no, disposition) {
                    e.insert(
                        "bizTransactionList".into(),
                        json!([self.certificate(&q.slaughterhouse_id, "product-certificate", no)]),
                    );
                }
                push(&q.slaughterhouse_id, e);
            }
        }
        for i in &r.inspected {
            let disposition = if i.passed {
                "conformant"
            } else {
                "non_conformant"
            };
            let mut e = self.object(
                i.inspected_at,
                "OBSERVE",
                "inspecting",
                disposition,
                vec![self.kg(ids::batch(self.base, &i.batch_id), i.weight_g)],
                &i.slaughterhouse_id,
            );
            e.insert("niuyang:inspection".into(), json!("meat_inspection"));
            e.insert(
                "bizTransactionList".into(),
                json!([self.certificate(
                    &i.slaughterhouse_id,
                    "inspection-certificate",
                    &i.number
                )]),
            );
            push(&i.slaughterhouse_id, e);
        }
        for s in &r.shipped {
            let lines = s
                .lines
                .iter()
                .map(|(lot, w)| self.kg(self.lot(lot), *w))
                .collect();
            let mut e = self.object(
                s.recorded_at,
                "OBSERVE",
                "shipping",
                "in_transit",
                lines,
                &s.seller_id,
            );
            self.parties(&mut e, &s.seller_id, &s.buyer_id);
            e.insert(
                "bizTransactionList".into(),
                json!([{
                    "type": "desadv",
                    "bizTransaction": ids::document(self.base, &s.seller_id, "voucher", &s.voucher_no),
                }]),
            );
            push(&s.seller_id, e);
        }
        for l in &r.received {
            let mut e = self.object(
                l.recorded_at,
                "OBSERVE",
                "receiving",
                "in_progress",
                vec![self.kg(self.lot(&l.lot_id), l.weight_g)],
                &l.buyer_id,
            );
            self.parties(&mut e, &l.supplier_id, &l.buyer_id);
            push(&l.buyer_id, e);
        }
        for d in &r.disposed {
            let what = match (&d.lot_id, &d.batch_id) {
                (Some(lot), _) => self.lot(lot),
                (None, Some(batch)) => ids::batch(self.base, batch),
                (None, None) => ids::org(self.base, &d.org_id),
            };
            let quantity = if d.weight_g > 0 || d.heads <= 0 {
                self.kg(what, d.weight_g)
            } else {
                json!({ "epcClass": what, "quantity": d.heads, "uom": "H87" })
            };
            let mut e = self.object(
                d.disposed_at,
                "OBSERVE",
                "destroying",
                "destroyed",
                vec![quantity],
                &d.org_id,
            );
            e.insert("niuyang:disposalTarget".into(), json!(d.target));
            e.insert("niuyang:disposalReason".into(), json!(d.reason));
            e.insert("niuyang:disposalMethod".into(), json!(d.method));
            e.insert("niuyang:heads".into(), json!(d.heads));
            push(&d.org_id, e);
        }
        for c in &r.recalled {
            let mut e = self.object(
                c.recalled_at,
                "OBSERVE",
                "holding",
                "recalled",
                vec![json!({ "epcClass": self.lot(&c.lot_id) })],
                &c.slaughterhouse_id,
            );
            if let Some(org) = &c.recalled_by_org {
                e.insert("niuyang:recalledBy".into(), json!(ids::org(self.base, org)));
            }
            e.insert("niuyang:recallReason".into(), json!(c.reason));
            push(&c.slaughterhouse_id, e);
        }
        for s in &r.splits {
            let total: i64 = s.children.iter().map(|(_, w)| w).sum();
            let mut e = Map::new();
            e.insert("type".into(), json!("TransformationEvent"));
            e.insert("eventTime".into(), json!(event_time(s.recorded_at)));
            e.insert("eventTimeZoneOffset".into(), json!("+08:00"));
            e.insert(
                "inputQuantityList".into(),
                json!([self.kg(self.lot(&s.parent_lot_id), total)]),
            );
            e.insert(
                "outputQuantityList".into(),
                Value::Array(
                    s.children
                        .iter()
                        .map(|(c, w)| self.kg(self.lot(c), *w))
                        .collect(),
                ),
            );
            e.insert("bizStep".into(), json!("repackaging"));
            e.insert("disposition".into(), json!("active"));
            e.insert("readPoint".into(), self.org(&s.holder_id));
            e.insert("bizLocation".into(), self.org(&s.holder_id));
            push(&s.holder_id, e);
        }
        out
    }
}

/// Every event of the records, unsorted and without IDs.
pub fn drafts(base: &str, records: &Records) -> Vec<Draft> {
    Builder { base, records }.all()
}
