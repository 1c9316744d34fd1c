//! The purchase ledger (进货台账, arts. 七 and 八): a buyer scans the QR label of what arrived and gets the
//! entry filled in from the trace code; confirming it records the entry. Caterers and processors record
//! the document check (票据查验). A repeated confirmation with the same `Idempotency-Key` is recorded once.

pub mod handlers;
pub mod model;
pub mod queries;
pub mod usecases;
