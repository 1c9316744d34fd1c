//! Harmless disposal (无害化处理, art. 五): failed heads, a whole batch, or a lot, by one of the approved
//! methods, under an official vet's supervision, with the handover slip when outsourced. A lot disposed of
//! at its slaughterhouse is closed: nothing may happen to it afterwards.

pub mod handlers;
pub mod model;
pub mod queries;
pub mod usecases;
