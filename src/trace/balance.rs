//! What each holder still has of each lot, and where a lot stands, worked out from the rows a trace already
//! loaded (no query per lot). The rule is [`crate::stock::queries::holding`]'s: what the holder took in (made
//! the lot, split it into this child, or recorded it in its ledger) minus what went out (shipped on, sold,
//! disposed of, split off); plus, as the copied-label signals count it, what was shipped to it and it never
//! recorded (a buyer that skips its ledger still has the meat).

use std::collections::HashMap;

use serde_json::{json, Value};

use super::queries::Circulation;
use crate::disposals::model::DisposalTarget;
use crate::lots::model::{Lot, LotStatus};

/// One holder's balance of one lot, grams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holding {
    /// By its own records (as `stock::queries::holding`).
    pub held_g: i64,
    /// Shipped to it and not recorded in its ledger.
    pub unrecorded_g: i64,
}

impl Holding {
    /// What it still has.
    pub fn still_has_g(self) -> i64 {
        self.held_g + self.unrecorded_g
    }

    /// As a node attribute.
    pub fn to_json(self, lot: &Lot) -> Value {
        json!({
            "lot": super::model::node_id(super::model::NodeKind::Lot, &lot.id),
            "trace_code": lot.trace_code,
            "held_g": self.held_g,
            "unrecorded_g": self.unrecorded_g,
            "still_has_g": self.still_has_g(),
        })
    }
}

impl Circulation {
    /// The weight in force of a lot.
    pub fn weight(&self, lot: &Lot) -> i64 {
        self.weights.get(&lot.id).copied().unwrap_or(lot.weight_g)
    }

    /// The holder that cut a child lot, if it is one.
    pub fn split_holder(&self, lot: &str) -> Option<&str> {
        self.splits
            .iter()
            .find(|s| s.child == lot)
            .map(|s| s.holder.as_str())
    }

    /// Who made the lot: its slaughterhouse, or the holder that split it.
    pub fn maker<'a>(&'a self, lot: &'a Lot) -> &'a str {
        match (&lot.parent_lot_id, self.split_holder(&lot.id)) {
            (Some(_), Some(h)) => h,
            _ => &lot.slaughterhouse_id,
        }
    }

    /// Everyone who held the lot: its maker, then every buyer shipped it or recording it, sorted.
    pub fn holders(&self, lot: &Lot) -> Vec<String> {
        let mut others: Vec<String> = self
            .shipments
            .iter()
            .filter(|s| s.lot_id == lot.id)
            .map(|s| s.shipment.buyer_id.clone())
            .chain(
                self.ledger
                    .iter()
                    .filter(|e| e.lot_id == lot.id)
                    .map(|e| e.buyer_id.clone()),
            )
            .collect();
        others.sort();
        others.dedup();
        let maker = self.maker(lot).to_string();
        others.retain(|o| *o != maker);
        let mut out = vec![maker];
        out.extend(others);
        out
    }

    /// What `org` has of the lot.
    pub fn holding(&self, org: &str, lot: &Lot) -> Holding {
        let of_lot = lot.id.as_str();
        let shipped_to: i64 = self
            .shipments
            .iter()
            .filter(|s| s.lot_id == of_lot && s.shipment.buyer_id == org)
            .map(|s| s.weight_g)
            .sum();
        let shipped_by: i64 = self
            .shipments
            .iter()
            .filter(|s| s.lot_id == of_lot && s.shipment.seller_id == org)
            .map(|s| s.weight_g)
            .sum();
        let recorded: i64 = self
            .ledger
            .iter()
            .filter(|e| e.lot_id == of_lot && e.buyer_id == org)
            .map(|e| e.weight_g)
            .sum();
        let sold: i64 = self
            .receipts
            .iter()
            .filter(|r| r.lot_id == of_lot && r.seller_id == org)
            .map(|r| r.weight_g)
            .sum();
        let disposed: i64 = self
            .disposals
            .iter()
            .filter(|d| d.lot_id.as_deref() == Some(of_lot) && d.org_id == org)
            .map(|d| d.weight_g)
            .sum();
        let split_off: i64 = self
            .splits
            .iter()
            .filter(|s| s.parent == of_lot && s.holder == org)
            .map(|s| self.weights.get(&s.child).copied().unwrap_or(0))
            .sum();
        let made = (lot.parent_lot_id.is_none() && lot.slaughterhouse_id == org)
            || self.split_holder(of_lot) == Some(org);
        let took_in = if made { self.weight(lot) } else { recorded };
        Holding {
            held_g: took_in - shipped_by - sold - disposed - split_off,
            unrecorded_g: (shipped_to - recorded).max(0),
        }
    }

    /// Where the lot stands: disposed of at its slaughterhouse, else recalled (it or a lot it was cut from),
    /// else active. `by_id` holds the lots of the trace, to walk up the splits.
    pub fn status(&self, lot: &Lot, by_id: &HashMap<String, &Lot>) -> LotStatus {
        let disposed = self.disposals.iter().any(|d| {
            d.target == DisposalTarget::Lot
                && d.lot_id.as_deref() == Some(lot.id.as_str())
                && d.org_id == lot.slaughterhouse_id
        });
        if disposed {
            return LotStatus::Disposed;
        }
        let mut current = Some(lot.id.as_str());
        let mut depth = 0;
        while let Some(id) = current {
            if self.recalls.iter().any(|r| r.lot_id == id) {
                return LotStatus::Recalled;
            }
            depth += 1;
            if depth > super::queries::MAX_GENERATIONS {
                break;
            }
            current = by_id
                .get(id)
                .and_then(|l| l.parent_lot_id.as_deref())
                .filter(|p| by_id.contains_key(*p));
        }
        // Recalls loaded for lots upstream of the trace (its start's ancestors) recall everything in it.
        let upstream = self.recalls.iter().any(|r| !by_id.contains_key(&r.lot_id));
        if upstream && lot.parent_lot_id.is_some() {
            return LotStatus::Recalled;
        }
        LotStatus::Active
    }
}
