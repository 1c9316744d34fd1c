//! Sales receipts (销售凭据, art. 七): a vendor's sale to a consumer or an unregistered customer, out of the
//! stock it holds, with a number and a QR code anyone can verify. A sale to a registered buyer is a
//! shipment, never also a receipt.

pub mod handlers;
pub mod list;
pub mod model;
pub mod queries;
pub mod usecases;
