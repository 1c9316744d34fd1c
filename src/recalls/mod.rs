//! Recall of a lot (召回) by an inspector or a regulator, with a reason: the lot, and every lot split from it,
//! stops moving at once. The supervision module extends recall to batches and certificates, with notices to
//! holders.

pub mod handlers;
pub mod model;
