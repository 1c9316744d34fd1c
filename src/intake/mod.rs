//! Intake (进厂): live animals arriving at a slaughterhouse on an animal certificate, checked (回收) by an
//! official vet stationed there (art. 五). One delivery may come in several intakes; a certificate is never
//! used for more heads than it certifies; an ear tag is slaughtered at most once, ever.

pub mod domain;
pub mod handlers;
pub mod model;
pub mod queries;
pub mod usecases;
