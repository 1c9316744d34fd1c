//! The stall board (明示当日检疫、检验证明, art. 七): for a buyer and today, the lots it holds stock of with
//! their product and inspection certificates, as a public printable page and as JSON, with a QR code that
//! opens the page.

pub mod handlers;
pub mod usecases;
