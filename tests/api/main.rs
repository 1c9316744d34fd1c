//! API tests. They run on SQLite by default, and on PostgreSQL when `NIUYANG_TEST_POSTGRES_URL` is set;
//! every test has a database of its own, so they run in parallel.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod build;
mod common;

mod audit;
mod auth;
mod circulation;
mod cli;
mod complaints;
mod confidentiality;
mod contract;
mod epcis;
mod epcis_export;
mod errors;
mod idempotency;
mod idempotency_creates;
mod login_flood;
mod old_database;
mod openapi_copy;
mod ops;
mod outage;
mod recalls;
mod registry;
mod retention;
mod scope;
mod signals;
mod slaughter;
mod snapshots;
mod storage;
mod supervision;
mod trace;
mod verify;
mod wire;
