//! Violations (违法违规行为, art. 九): a rule broken, by a registered organisation or an unregistered party,
//! with the records involved. They come from rules that detect them (a fee over its cap), from refused
//! rule-breaking requests (attempts, recorded against whoever tried), and, in later modules, from
//! inspections and substantiated complaints. Violations are evidence: added, never edited.

pub mod attempts;
pub mod demo;
pub mod export;
pub mod handlers;
pub mod labels;
pub mod model;
pub mod queries;
pub mod rules;
pub mod schedule;
pub mod search;
pub mod usecases;
pub mod workflow;
