//! Lots (批次产品): what leaves the slaughterhouse as one labelled unit, each with a trace code and a QR
//! label that encodes its public verification address. Lots are evidence: a weight is corrected by a new
//! correction record, never by editing the lot.

pub mod handlers;
pub mod labels;
pub mod model;
pub mod queries;
pub mod trace_code;
pub mod usecases;
