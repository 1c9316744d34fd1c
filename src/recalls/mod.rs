//! Recalls (召回) by inspectors and regulators, with a reason: of a lot, a batch, or an animal certificate.
//! Every lot a recall reaches (with every lot split from it) is marked at once, so verification shows it;
//! every holder it was shipped to, recorded or not, is notified with the weight to pull from sale, and
//! acknowledges and reports what it pulled or disposed of; the recall report shows who has acknowledged and
//! what is still out. A recall made in error is withdrawn with a reason, and its marks stop counting.

pub mod handlers;
pub mod model;
pub mod queries;
pub mod report;
pub mod usecases;
