//! Consumer verification (art. 七, 九): anyone scans a label and learns the truth about the meat: status
//! (disposed, then recalled, then expired, then valid; `mistyped` and `unknown` for codes that fail their
//! check character or are not known), the slaughterhouse and its standing, origin, both certificates, and the
//! chain of holders by kind and district. Nothing personal. Answers are cached (what never changes is most of
//! it) and the cache is emptied the moment a lot is recalled or disposed of. Each verification of a known code is counted (the stall it came from, the minute; nothing
//! personal), and the counts feed the copied-label signals (`signals.rs`).

pub mod cache;
pub mod counter;
pub mod handlers;
pub mod model;
pub mod queries;
pub mod signals;
pub mod usecases;
