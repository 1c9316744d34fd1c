//! The trace graph as a picture for people (`format=svg`): a hand-written SVG, one column per kind of node
//! from left (origin, certificates) to right (ledger entries, receipts), boxes with Chinese labels and
//! arrows for the edges. At most [`MAX_DRAWN`] nodes are drawn; the picture says so when there are more.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use super::model::{Node, NodeKind, TraceGraph};

/// Most nodes drawn in one picture.
pub const MAX_DRAWN: usize = 500;

const BOX_W: i64 = 250;
const BOX_H: i64 = 42;
const GAP_X: i64 = 90;
const GAP_Y: i64 = 12;
const MARGIN: i64 = 20;
const TOP: i64 = 80;
/// Width units a line holds (a CJK character counts two).
const LINE_UNITS: usize = 38;

/// Escape text for XML, dropping the control characters XML 1.0 does not allow.
pub fn escape_xml(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n'))
        .collect();
    crate::lots::labels::escape_html(&clean)
}

/// Cut text to fit a line of the box.
fn fit(s: &str) -> String {
    let mut units = 0;
    let mut out = String::new();
    for c in s.chars() {
        units += if c.is_ascii() { 1 } else { 2 };
        if units > LINE_UNITS - 1 {
            out.push('…');
            return out;
        }
        out.push(c);
    }
    out
}

/// The second line of a box: what matters most about the node.
fn detail(n: &Node) -> String {
    let grams = |k: &str| {
        n.attrs
            .get(k)
            .and_then(|v| v.as_i64())
            .map(crate::lots::labels::format_weight)
    };
    match n.kind {
        NodeKind::Organisation => match grams("still_has_g") {
            Some(w) => format!("尚存 {w}"),
            None => n.kind.zh().to_string(),
        },
        NodeKind::Lot => {
            let status = match n.attrs.get("status").and_then(|v| v.as_str()) {
                Some("recalled") => "已召回",
                Some("disposed") => "已无害化处理",
                _ => "",
            };
            format!("{} {status}", grams("weight_g").unwrap_or_default())
        }
        NodeKind::LedgerEntry | NodeKind::Disposal | NodeKind::InspectionCertificate => {
            grams("weight_g").unwrap_or_else(|| n.kind.zh().to_string())
        }
        NodeKind::AnimalCertificate => {
            let owner = n.attrs.get("owner_name").and_then(|v| v.as_str());
            format!("货主 {}", owner.unwrap_or_default())
        }
        _ => n.kind.zh().to_string(),
    }
}

/// Draw the graph.
pub fn render(graph: &TraceGraph) -> String {
    let mut drawn: Vec<&Node> = graph.nodes.iter().collect();
    drawn.sort_by(|a, b| (a.kind.layer(), &a.id).cmp(&(b.kind.layer(), &b.id)));
    let total = drawn.len();
    drawn.truncate(MAX_DRAWN);
    // Columns: only the layers that have nodes, left to right.
    let mut columns: BTreeMap<usize, Vec<&Node>> = BTreeMap::new();
    for n in &drawn {
        columns.entry(n.kind.layer()).or_default().push(n);
    }
    let mut place: HashMap<&str, (i64, i64)> = HashMap::new();
    let mut rows = 0;
    for (col, (_, nodes)) in columns.iter().enumerate() {
        let x = MARGIN + col as i64 * (BOX_W + GAP_X);
        for (row, n) in nodes.iter().enumerate() {
            place.insert(n.id.as_str(), (x, TOP + row as i64 * (BOX_H + GAP_Y)));
        }
        rows = rows.max(nodes.len() as i64);
    }
    let width = (MARGIN * 2 + columns.len().max(1) as i64 * (BOX_W + GAP_X) - GAP_X).max(600);
    let height = TOP + rows * (BOX_H + GAP_Y) + MARGIN + 20;
    let mut s = String::with_capacity(4096 + drawn.len() * 400);
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="'Noto Sans CJK SC','Microsoft YaHei',sans-serif" font-size="12">"##
    );
    let title = format!(
        "追溯图 Trace graph — 起点 start: {} {}",
        graph.start.kind, graph.start.id
    );
    let _ = write!(
        s,
        r##"<title>{t}</title><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#666"/></marker></defs><rect width="100%" height="100%" fill="#fff"/><text x="{MARGIN}" y="24" font-size="15" font-weight="bold">{t}</text>"##,
        t = escape_xml(&title)
    );
    let note = if total > drawn.len() {
        format!(
            "共 {total} 个节点，仅画出前 {} 个 ({total} nodes, the first {} drawn)",
            drawn.len(),
            drawn.len()
        )
    } else {
        format!("{total} 个节点 nodes, {} 条连线 edges", graph.edges.len())
    };
    let _ = write!(
        s,
        r##"<text x="{MARGIN}" y="44" fill="#555">{}</text>"##,
        escape_xml(&note)
    );
    for (col, (layer, nodes)) in columns.iter().enumerate() {
        let x = MARGIN + col as i64 * (BOX_W + GAP_X);
        let heading = nodes
            .iter()
            .map(|n| n.kind.zh())
            .fold(Vec::<&str>::new(), |mut v, k| {
                if !v.contains(&k) {
                    v.push(k);
                }
                v
            })
            .join(" / ");
        let _ = write!(
            s,
            r##"<text x="{x}" y="66" fill="#333" font-weight="bold" data-layer="{layer}">{}</text>"##,
            escape_xml(&fit(&heading))
        );
    }
    s.push_str(r##"<g fill="none" stroke="#888" stroke-width="1.2">"##);
    for e in &graph.edges {
        let (Some(&(x1, y1)), Some(&(x2, y2))) =
            (place.get(e.from.as_str()), place.get(e.to.as_str()))
        else {
            continue;
        };
        let (sx, sy) = (x1 + BOX_W, y1 + BOX_H / 2);
        let (tx, ty) = (x2, y2 + BOX_H / 2);
        let bend = ((tx - sx).abs() / 2).max(40);
        let _ = write!(
            s,
            r##"<path d="M{sx},{sy} C{},{sy} {},{ty} {tx},{ty}" marker-end="url(#arrow)"><title>{}</title></path>"##,
            sx + bend,
            tx - bend,
            escape_xml(&e.kind)
        );
    }
    s.push_str("</g>");
    for n in &drawn {
        let Some(&(x, y)) = place.get(n.id.as_str()) else {
            continue;
        };
        let fill = match n.kind.layer() {
            0..=3 => "#eef6ee",
            4 | 5 => "#fdf3e6",
            6 => "#e8f0fb",
            7 | 8 => "#f3ecf9",
            _ => "#f5f5f5",
        };
        let (stroke, stroke_w) = if n.id == graph.start.node {
            ("#c0392b", "2.5")
        } else {
            ("#777", "1")
        };
        let _ = write!(
            s,
            r##"<g><title>{id}</title><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="5" fill="{fill}" stroke="{stroke}" stroke-width="{stroke_w}"/><text x="{tx}" y="{y1}">{l1}</text><text x="{tx}" y="{y2}" fill="#555">{l2}</text></g>"##,
            id = escape_xml(&n.id),
            tx = x + 8,
            y1 = y + 17,
            y2 = y + 34,
            l1 = escape_xml(&fit(&n.label)),
            l2 = escape_xml(&fit(&detail(n))),
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::model::{attrs, GraphBuilder, TraceStart};
    use serde_json::json;

    #[test]
    fn labels_are_escaped_and_cut_to_fit() {
        assert_eq!(escape_xml("a<b>&\"c\u{1}"), "a&lt;b&gt;&amp;&quot;c");
        let long = "广".repeat(40);
        assert!(fit(&long).chars().count() < 20);
        assert!(fit(&long).ends_with('…'));
        assert_eq!(fit("short"), "short");
    }

    #[test]
    fn a_picture_caps_its_nodes_and_says_so() {
        let mut g = GraphBuilder::default();
        for i in 0..(MAX_DRAWN + 3) {
            g.node(
                NodeKind::EarTag,
                &format!("{i:015}"),
                format!("<耳标> {i}"),
                None,
                attrs([("x", json!(1))]),
            );
        }
        let graph = g.finish(TraceStart {
            kind: "ear_tag".into(),
            id: "0".into(),
            node: "ear_tag:000000000000000".into(),
        });
        let svg = render(&graph);
        assert!(svg.starts_with("<svg"));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("仅画出前 500 个"));
        assert!(!svg.contains("<耳标>"));
        assert_eq!(svg.matches("<rect x=").count(), MAX_DRAWN);
    }
}
