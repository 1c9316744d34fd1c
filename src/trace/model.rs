//! The answer of a trace: a graph of nodes (records, organisations, ear tags, places) and the edges between
//! them, always pointing downstream (from the farm towards the consumer), in a stable order.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// What a node stands for. Its place in the picture (the layer, left to right) follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// The place of origin named on an animal certificate (产地).
    Origin,
    /// 《动物检疫合格证明》（动物A/B）.
    AnimalCertificate,
    /// An ear tag (耳标), 15 digits.
    EarTag,
    /// One arrival of animals at a slaughterhouse (入场).
    Intake,
    /// A slaughter batch (屠宰批次).
    Batch,
    /// 动物检疫合格证明（产品A/B）.
    ProductCertificate,
    /// 广州市畜产品检验合格证.
    InspectionCertificate,
    /// A lot (批次产品) with its trace code, or a child lot split from one.
    Lot,
    /// A shipment (流通信息申报) from a seller to a buyer.
    Shipment,
    /// An organisation: the slaughterhouse or a buyer business holding lots.
    Organisation,
    /// A purchase ledger entry (进货台账).
    LedgerEntry,
    /// A receipt given to a customer (销售凭据).
    Receipt,
    /// A disposal (无害化处理).
    Disposal,
    /// A recall (召回).
    Recall,
}

impl NodeKind {
    /// The prefix of node ids of this kind (`lot:<uuid>`, `ear_tag:<15 digits>`, ...).
    pub fn prefix(self) -> &'static str {
        match self {
            NodeKind::Origin => "origin",
            NodeKind::AnimalCertificate => "animal_certificate",
            NodeKind::EarTag => "ear_tag",
            NodeKind::Intake => "intake",
            NodeKind::Batch => "batch",
            NodeKind::ProductCertificate => "product_certificate",
            NodeKind::InspectionCertificate => "inspection_certificate",
            NodeKind::Lot => "lot",
            NodeKind::Shipment => "shipment",
            NodeKind::Organisation => "org",
            NodeKind::LedgerEntry => "ledger_entry",
            NodeKind::Receipt => "receipt",
            NodeKind::Disposal => "disposal",
            NodeKind::Recall => "recall",
        }
    }

    /// The column of the picture, left to right: origin → certificate → ear tag → intake → batch →
    /// certificates of the batch → lot → shipment → holder → ledger, receipt, disposal, recall.
    pub fn layer(self) -> usize {
        match self {
            NodeKind::Origin => 0,
            NodeKind::AnimalCertificate => 1,
            NodeKind::EarTag => 2,
            NodeKind::Intake => 3,
            NodeKind::Batch => 4,
            NodeKind::ProductCertificate | NodeKind::InspectionCertificate => 5,
            NodeKind::Lot => 6,
            NodeKind::Shipment => 7,
            NodeKind::Organisation => 8,
            NodeKind::LedgerEntry | NodeKind::Receipt | NodeKind::Disposal | NodeKind::Recall => 9,
        }
    }

    /// Chinese name of the column.
    pub fn zh(self) -> &'static str {
        match self {
            NodeKind::Origin => "产地",
            NodeKind::AnimalCertificate => "动物检疫合格证明",
            NodeKind::EarTag => "耳标",
            NodeKind::Intake => "入场",
            NodeKind::Batch => "屠宰批次",
            NodeKind::ProductCertificate => "产品检疫证明",
            NodeKind::InspectionCertificate => "检验合格证",
            NodeKind::Lot => "产品（追溯码）",
            NodeKind::Shipment => "流通",
            NodeKind::Organisation => "经营者",
            NodeKind::LedgerEntry => "进货台账",
            NodeKind::Receipt => "销售凭据",
            NodeKind::Disposal => "无害化处理",
            NodeKind::Recall => "召回",
        }
    }
}

/// The id of a node of `kind` for the record `key`.
pub fn node_id(kind: NodeKind, key: &str) -> String {
    format!("{}:{key}", kind.prefix())
}

/// Where a trace started.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TraceStart {
    /// What the caller named: `trace_code`, `ledger_entry`, `receipt`, `animal_certificate`, `ear_tag`,
    /// `batch` or `lot`.
    pub kind: String,
    /// The value given (the canonical trace code, the id, the receipt number or the ear tag).
    pub id: String,
    /// The node of the graph it is.
    pub node: String,
}

/// One node of the graph.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Node {
    /// `kind:key`, e.g. `lot:<uuid>`, `org:<uuid>`, `ear_tag:<15 digits>`.
    pub id: String,
    /// What it is.
    pub kind: NodeKind,
    /// Chinese label.
    pub label: String,
    /// English label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
    /// The record's facts: weights in grams, heads as integers, times in China time. An organisation holding
    /// lots has `holdings`: per lot, what it holds by its own records (`held_g`), what was shipped to it and
    /// it never recorded (`unrecorded_g`) and the two together (`still_has_g`).
    #[schema(value_type = Object)]
    pub attrs: BTreeMap<String, Value>,
}

/// One edge, pointing downstream.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
pub struct Edge {
    /// From this node.
    pub from: String,
    /// To this node.
    pub to: String,
    /// What links them: `origin_of`, `lists`, `arrived_as`, `seen_at`, `slaughtered_in`, `slaughtered_at`,
    /// `quarantined`, `inspected`, `cut_into`, `split_into`, `shipped_in`, `sent`, `delivered_to`,
    /// `held_by`, `recorded_in`, `kept`, `sold_on`, `issued`, `disposed`, `recalled`.
    pub kind: String,
}

/// A trace: where it started, the nodes sorted by id, the edges sorted by (from, to, kind).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TraceGraph {
    /// Where it started.
    pub start: TraceStart,
    /// Nodes, sorted by id.
    pub nodes: Vec<Node>,
    /// Edges, sorted.
    pub edges: Vec<Edge>,
}

/// Collects nodes and edges; adding a node or edge twice keeps one.
#[derive(Debug, Default)]
pub struct GraphBuilder {
    nodes: BTreeMap<String, Node>,
    edges: BTreeSet<Edge>,
}

impl GraphBuilder {
    /// Add a node (the first one added under an id is kept); returns its id.
    pub fn node(
        &mut self,
        kind: NodeKind,
        key: &str,
        label: String,
        label_en: Option<String>,
        attrs: BTreeMap<String, Value>,
    ) -> String {
        let id = node_id(kind, key);
        self.nodes.entry(id.clone()).or_insert_with(|| Node {
            id: id.clone(),
            kind,
            label,
            label_en,
            attrs,
        });
        id
    }

    /// Is the node there?
    pub fn has(&self, id: &str) -> bool {
        self.nodes.contains_key(id)
    }

    /// Set an attribute of a node already added.
    pub fn set_attr(&mut self, id: &str, key: &str, value: Value) {
        if let Some(n) = self.nodes.get_mut(id) {
            n.attrs.insert(key.to_string(), value);
        }
    }

    /// Add an edge.
    pub fn edge(&mut self, from: &str, to: &str, kind: &str) {
        self.edges.insert(Edge {
            from: from.to_string(),
            to: to.to_string(),
            kind: kind.to_string(),
        });
    }

    /// The graph, sorted; edges whose ends are not both nodes are left out.
    pub fn finish(self, start: TraceStart) -> TraceGraph {
        let nodes = self.nodes;
        let edges = self
            .edges
            .into_iter()
            .filter(|e| nodes.contains_key(&e.from) && nodes.contains_key(&e.to))
            .collect();
        TraceGraph {
            start,
            nodes: nodes.into_values().collect(),
            edges,
        }
    }
}

/// Attributes from `(name, value)` pairs.
pub fn attrs<const N: usize>(pairs: [(&str, Value); N]) -> BTreeMap<String, Value> {
    pairs
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_and_edges_come_out_sorted_and_once() {
        let mut g = GraphBuilder::default();
        let b = g.node(NodeKind::Lot, "b", "b".into(), None, BTreeMap::new());
        let a = g.node(NodeKind::Batch, "a", "a".into(), None, BTreeMap::new());
        g.node(NodeKind::Lot, "b", "again".into(), None, BTreeMap::new());
        g.edge(&a, &b, "cut_into");
        g.edge(&a, &b, "cut_into");
        g.edge(&a, "lot:missing", "cut_into");
        let out = g.finish(TraceStart {
            kind: "batch".into(),
            id: "a".into(),
            node: a.clone(),
        });
        let ids: Vec<&str> = out.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["batch:a", "lot:b"]);
        assert_eq!(out.nodes[1].label, "b");
        assert_eq!(out.edges.len(), 1);
    }
}
