//! Accounts: creation (admin and command line), listing, disabling, password resets, and official vets'
//! assignments to slaughterhouses.

pub mod handlers;
pub mod model;
pub mod queries;
pub mod usecases;
