//! Shipments (流通信息申报 / 出厂交易, art. 六): a slaughterhouse in the network, or a buyer shipping onwards,
//! declares each sale to a registered buyer: date, voucher number, lines of lot + weight + unit price. Every
//! rule of arts. 五, 六 and 九 it could break is checked, and a refused rule-breaking request is recorded as
//! an attempt.

pub mod handlers;
pub mod model;
pub mod queries;
pub mod usecases;
