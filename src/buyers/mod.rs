//! The buyer registry (肉品经营者, arts. 七 and 八): supermarkets, market stalls, meat shops, wholesale
//! traders, restaurants, canteens and processors, registered by the circulation administration. Vendor
//! accounts belong to one buyer and act only for it.

pub mod handlers;
pub mod model;
pub mod queries;
pub mod usecases;
