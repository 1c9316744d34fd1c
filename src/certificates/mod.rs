//! Origin animal quarantine certificates (《动物检疫合格证明》动物A: inter-provincial, 动物B: in-province,
//! art. 五), with the ear tags they certify. Recorded when the animals arrive, by the receiving
//! slaughterhouse or the official vet stationed there; numbers are unique across the system; validity
//! windows come from configuration.

pub mod domain;
pub mod handlers;
pub mod model;
pub mod queries;
pub mod usecases;
