//! The registry of designated slaughterhouses (notice arts. 一, 二, 三, 四, 六): designation, licence and halal
//! certification, suspension and revocation with their history, quality-safety agreements, the approved fee
//! schedule, and the two questions later modules ask: may this slaughterhouse slaughter species S on day D,
//! and is it in the network on day D?

pub mod domain;
pub mod handlers;
pub mod model;
pub mod queries;
pub mod uscc;
pub mod usecases;
pub mod views;
