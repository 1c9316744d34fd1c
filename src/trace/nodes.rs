//! Turning loaded records into nodes and edges: labels in Chinese and English, facts as attributes
//! (grams, heads, China time), organisations added last in one query with what each still holds.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{json, Value};

use super::balance::Holding;
use super::model::{attrs, node_id, GraphBuilder, NodeKind, TraceGraph, TraceStart};
use super::queries;
use crate::batches::model::{InspectionCertificate, ProductCertificate, SlaughterBatch};
use crate::certificates::model::AnimalCertificate;
use crate::db::DbConnection;
use crate::intake::model::Intake;
use crate::lots::model::Lot;

fn show(t: chrono::NaiveDateTime) -> Value {
    Value::String(crate::time::show(t))
}

fn kg(grams: i64) -> String {
    crate::lots::labels::format_weight(grams)
}

/// A graph being built, with the organisations it refers to and what they hold.
#[derive(Default)]
pub struct TraceBuilder {
    /// Nodes and edges.
    pub g: GraphBuilder,
    orgs: BTreeSet<String>,
    holdings: BTreeMap<String, Vec<(String, Value)>>,
}

impl TraceBuilder {
    /// The node id of an organisation (its node is added by [`TraceBuilder::finish`]).
    pub fn org(&mut self, id: &str) -> String {
        self.orgs.insert(id.to_string());
        node_id(NodeKind::Organisation, id)
    }

    /// Record what `org` has of `lot`, with the edge lot → holder.
    pub fn holding(&mut self, org: &str, lot: &Lot, h: Holding) {
        let holder = self.org(org);
        self.g
            .edge(&node_id(NodeKind::Lot, &lot.id), &holder, "held_by");
        self.holdings
            .entry(org.to_string())
            .or_default()
            .push((lot.trace_code.clone(), h.to_json(lot)));
    }

    /// Add the origin, certificate, ear tags, intakes and batches, and the edges between them. Ear tags:
    /// those listed (`(certificate, tag)`) and those seen at intake (`(intake, tag)`) passed in.
    pub fn slaughter_side(
        &mut self,
        certificates: &[AnimalCertificate],
        listed: &[(String, String)],
        intakes: &[Intake],
        seen: &[(String, String)],
        draws: &[(String, String, i32)],
        batches: &[SlaughterBatch],
    ) {
        for c in certificates {
            let origin = self.g.node(
                NodeKind::Origin,
                &c.origin_place,
                c.origin_place.clone(),
                Some(format!("origin {}", c.origin_place)),
                attrs([("place", json!(c.origin_place))]),
            );
            let destination = self.org(&c.destination_id);
            let id = self.g.node(
                NodeKind::AnimalCertificate,
                &c.id,
                format!("动物检疫合格证明 {}", c.number),
                Some(format!("animal certificate {}", c.number)),
                attrs([
                    ("number", json!(c.number)),
                    ("cert_type", json!(c.cert_type)),
                    ("species", json!(c.species)),
                    ("head_count", json!(c.head_count)),
                    ("owner_name", json!(c.owner_name)),
                    ("origin_place", json!(c.origin_place)),
                    ("carrier", json!(c.carrier)),
                    ("vehicle_plate", json!(c.vehicle_plate)),
                    ("issued_at", show(c.issued_at)),
                    ("valid_until", json!(c.valid_until)),
                    ("destination", json!(destination)),
                ]),
            );
            self.g.edge(&origin, &id, "origin_of");
        }
        for (cert, tag) in listed.iter().chain(seen.iter()) {
            let t = self.tag(tag);
            if listed.iter().any(|(c, l)| c == cert && l == tag) {
                self.g
                    .edge(&node_id(NodeKind::AnimalCertificate, cert), &t, "lists");
            }
        }
        for (intake, tag) in seen {
            self.g.edge(
                &node_id(NodeKind::EarTag, tag),
                &node_id(NodeKind::Intake, intake),
                "seen_at",
            );
        }
        for i in intakes {
            let house = self.org(&i.slaughterhouse_id);
            let id = self.g.node(
                NodeKind::Intake,
                &i.id,
                format!(
                    "入场 {} {} 头",
                    crate::time::china_date(i.received_at),
                    i.heads_alive
                ),
                Some(format!(
                    "intake {}, {} alive",
                    crate::time::china_date(i.received_at),
                    i.heads_alive
                )),
                attrs([
                    ("species", json!(i.species)),
                    ("heads_alive", json!(i.heads_alive)),
                    ("heads_dead", json!(i.heads_dead)),
                    ("vehicle_plate", json!(i.vehicle_plate)),
                    ("received_at", show(i.received_at)),
                    ("slaughterhouse", json!(house)),
                ]),
            );
            self.g.edge(
                &node_id(NodeKind::AnimalCertificate, &i.certificate_id),
                &id,
                "arrived_as",
            );
        }
        for b in batches {
            self.batch(b, draws);
        }
        for (batch, intake, _) in draws {
            self.g.edge(
                &node_id(NodeKind::Intake, intake),
                &node_id(NodeKind::Batch, batch),
                "slaughtered_in",
            );
        }
    }

    fn tag(&mut self, tag: &str) -> String {
        self.g.node(
            NodeKind::EarTag,
            tag,
            format!("耳标 {tag}"),
            Some(format!("ear tag {tag}")),
            attrs([("ear_tag", json!(tag))]),
        )
    }

    /// Add a batch, with the edge to its slaughterhouse.
    pub fn batch(&mut self, b: &SlaughterBatch, draws: &[(String, String, i32)]) -> String {
        let house = self.org(&b.slaughterhouse_id);
        let mut drawn: Vec<Value> = draws
            .iter()
            .filter(|(batch, _, _)| *batch == b.id)
            .map(|(_, intake, heads)| {
                json!({"intake": node_id(NodeKind::Intake, intake), "heads": heads})
            })
            .collect();
        drawn.sort_by_key(|d| d["intake"].as_str().unwrap_or_default().to_string());
        let id = self.g.node(
            NodeKind::Batch,
            &b.id,
            format!("屠宰批次 {}", b.batch_no),
            Some(format!("batch {}", b.batch_no)),
            attrs([
                ("batch_no", json!(b.batch_no)),
                ("species", json!(b.species)),
                ("halal", json!(b.halal)),
                ("slaughter_date", json!(b.slaughter_date)),
                ("heads", json!(b.heads)),
                ("slaughterhouse", json!(house)),
                ("draws", Value::Array(drawn)),
            ]),
        );
        self.g.edge(&id, &house, "slaughtered_at");
        id
    }

    /// Add the certificates lots were made under, with edges from their batch.
    pub fn batch_certificates(
        &mut self,
        products: &[ProductCertificate],
        inspections: &[InspectionCertificate],
    ) {
        for p in products {
            let id = self.g.node(
                NodeKind::ProductCertificate,
                &p.id,
                format!("产品检疫证明 {}", p.number),
                Some(format!("product certificate {}", p.number)),
                attrs([
                    ("number", json!(p.number)),
                    ("cert_type", json!(p.cert_type)),
                    ("product", json!(p.product)),
                    ("quantity", json!(p.quantity)),
                    ("unit", json!(p.unit)),
                    ("issued_at", show(p.issued_at)),
                    ("valid_until", json!(p.valid_until)),
                ]),
            );
            self.g
                .edge(&node_id(NodeKind::Batch, &p.batch_id), &id, "quarantined");
        }
        for i in inspections {
            let id = self.g.node(
                NodeKind::InspectionCertificate,
                &i.id,
                format!("检验合格证 {}", i.number),
                Some(format!("inspection certificate {}", i.number)),
                attrs([
                    ("number", json!(i.number)),
                    ("weight_g", json!(i.weight_g)),
                    ("inspector", json!(i.inspector)),
                    ("passed", json!(i.passed)),
                    ("inspected_at", show(i.inspected_at)),
                ]),
            );
            self.g
                .edge(&node_id(NodeKind::Batch, &i.batch_id), &id, "inspected");
        }
    }

    /// Add the organisations referred to (one query), with their holdings sorted by trace code, and finish.
    pub fn finish(
        mut self,
        conn: &mut DbConnection,
        start: TraceStart,
    ) -> diesel::QueryResult<TraceGraph> {
        let ids: Vec<String> = self.orgs.iter().cloned().collect();
        let orgs = queries::organisations(conn, &ids)?;
        for id in ids {
            let Some(o) = orgs.get(&id) else { continue };
            let mut held = self.holdings.remove(&id).unwrap_or_default();
            held.sort_by(|a, b| a.0.cmp(&b.0));
            let total: i64 = held
                .iter()
                .filter_map(|(_, v)| v["still_has_g"].as_i64())
                .sum();
            let mut a = attrs([
                ("name", json!(o.name)),
                ("org_kind", json!(o.kind)),
                ("district", json!(o.district)),
                ("district_zh", json!(o.district.map(|d| d.zh()))),
            ]);
            if !held.is_empty() {
                a.insert(
                    "holdings".into(),
                    Value::Array(held.into_iter().map(|(_, v)| v).collect()),
                );
                a.insert("still_has_g".into(), json!(total));
            }
            let label = match o.district {
                Some(d) => format!("{}（{}）", o.name, d.zh()),
                None => o.name.clone(),
            };
            let label_en = if total > 0 {
                format!("{}, still has {}", o.kind, kg(total))
            } else {
                o.kind.to_string()
            };
            self.g
                .node(NodeKind::Organisation, &o.id, label, Some(label_en), a);
        }
        Ok(self.g.finish(start))
    }
}

/// Lots by id, for walking up splits.
pub fn by_id(list: &[Lot]) -> HashMap<String, &Lot> {
    list.iter().map(|l| (l.id.clone(), l)).collect()
}
