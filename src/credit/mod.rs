//! Credit files (信用档案, art. 六): dated events per enterprise, slaughterhouses and buyers alike. Events are
//! evidence: added, never edited or deleted. Registry actions add theirs (designation, suspension, agreement
//! signed, ...); regulators add commendations, warnings and notes. The score derived from the file comes with
//! the violations module.

pub mod handlers;
pub mod model;
pub mod queries;
pub mod score;
pub mod usecases;
