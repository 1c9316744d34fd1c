//! Organisations of every kind (domain.md): created by the admin or by the registries of later modules
//! (designating a slaughterhouse creates its organisation).

pub mod handlers;
pub mod model;
pub mod queries;
pub mod usecases;
