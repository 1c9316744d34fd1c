//! Trace (issue 6 point 5): backward from a trace code, ledger entry or receipt to the batch, intakes,
//! animal certificates, ear tags and origin; forward from an animal certificate, ear tag, batch or lot to
//! every lot, shipment, ledger entry and receipt, with what each holder still has. One request each; the
//! answer is a graph (nodes, edges) or, for people, an SVG picture of it. Regulators of both sides and
//! inspectors may trace; district-level ones start only from a record of their district.

pub mod access;
pub mod backward;
pub mod balance;
pub mod flow;
pub mod forward;
pub mod handlers;
pub mod model;
pub mod nodes;
pub mod queries;
pub mod svg;
pub mod usecases;
