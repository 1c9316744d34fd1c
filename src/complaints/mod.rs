//! 12345 complaints (notice art. 十): public filing and hotline entry, routing to the administration that
//! handles it, the investigation workflow with working-day deadlines, the reporter's confidentiality (food
//! safety law art. 115) and the erasure of their personal data once its retention period is over (个人信息保护法),
//! substantiated complaints becoming violations, and rewards.

pub mod demo;
pub mod domain;
pub mod fields;
pub mod form;
pub mod handlers;
pub mod html;
pub mod model;
pub mod outcome;
pub mod pages;
pub mod queries;
pub mod retention;
pub mod usecases;
pub mod views;
