//! Niuyang (牛羊): the traceability service for Guangzhou's cattle and sheep designated-slaughter rule,
//! 穗府规〔2018〕8号. See `docs/architecture.md` for the layers and the path of a request.

pub mod app;
pub mod audit;
pub mod auth;
pub mod batches;
pub mod bootstrap;
pub mod buyers;
pub mod certificates;
pub mod cli;
pub mod config;
pub mod credit;
pub mod db;
pub mod demo;
pub mod disposals;
pub mod error;
pub mod health;
pub mod intake;
pub mod ledger;
pub mod lots;
pub mod organisations;
pub mod paging;
pub mod policy;
pub mod recalls;
pub mod receipts;
pub mod routes;
pub mod schema;
pub mod shipments;
pub mod slaughterhouses;
pub mod stalls;
pub mod stock;
pub mod telemetry;
pub mod time;
pub mod users;
pub mod validate;
pub mod verify;
pub mod violations;
