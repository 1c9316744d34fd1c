//! Stock and mass balance (art. 九): who holds how much of each lot, computed from the evidence (shipments,
//! ledger entries, receipts, disposals, splits), and the lock that makes concurrent movements of one lot
//! take turns. Per lot and holder: shipped ≤ lot weight; recorded ≤ shipped to that holder; sold, shipped on,
//! split off and disposed ≤ recorded.

pub mod handlers;
pub mod model;
pub mod queries;
pub mod usecases;
