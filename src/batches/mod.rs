//! Slaughter batches and what happens to them at the slaughterhouse (arts. 三, 四, 五): heads drawn from
//! checked intakes, slaughter quarantine by the official vet with the product certificate (产品A/B) for what
//! passes, the slaughterhouse's inspection certificate (广州市畜产品检验合格证), and the fees charged against
//! the approved schedule.

pub mod domain;
pub mod handlers;
pub mod model;
pub mod queries;
pub mod usecases;
