//! Counting verifications without slowing them: each verification of a known code adds one to an in-memory
//! tally keyed by lot, stall context and minute; a background thread writes the tally in batches (one
//! transaction per flush) and then runs the copied-label signals on the lots it touched. Nothing personal is
//! kept: no address, no device, no cookie.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{NaiveDateTime, Timelike};

/// A tally key: lot id, stall id (when the shopper came from a stall's board), the minute (UTC).
type Key = (String, Option<String>, NaiveDateTime);

/// A key with its count.
pub type Tally = (String, Option<String>, NaiveDateTime, i64);

/// The tally of verifications not yet written.
#[derive(Default)]
pub struct VerificationCounter {
    tally: Mutex<HashMap<Key, i64>>,
}

impl VerificationCounter {
    /// Count one verification of `lot_id`, from the board of `stall_id` if any.
    pub fn count(&self, lot_id: &str, stall_id: Option<&str>) {
        let now = crate::time::now();
        let minute = now
            .with_second(0)
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(now);
        let key = (lot_id.to_string(), stall_id.map(str::to_string), minute);
        if let Ok(mut t) = self.tally.lock() {
            *t.entry(key).or_insert(0) += 1;
        }
    }

    /// Take everything counted so far, leaving the tally empty.
    pub fn take(&self) -> Vec<Tally> {
        let taken = match self.tally.lock() {
            Ok(mut t) => std::mem::take(&mut *t),
            Err(_) => HashMap::new(),
        };
        taken
            .into_iter()
            .map(|((lot, stall, minute), n)| (lot, stall, minute, n))
            .collect()
    }

    /// Put back what a failed flush took, so no count is lost.
    pub fn restore(&self, rows: Vec<Tally>) {
        if let Ok(mut t) = self.tally.lock() {
            for (lot, stall, minute, n) in rows {
                *t.entry((lot, stall, minute)).or_insert(0) += n;
            }
        }
    }
}
