//! Every operation on complaints, as the JSON API and the pages call them: each takes the caller (an
//! [`crate::policy::Actor`], or nobody for the public's filings, look-ups and claims) and a typed command,
//! checks it, runs one transaction with its audit entries, and answers a typed result or a refusal.
//!
//! - [`filing`]: filing (the public web form and API, the 12345 hotline), the reporter's look-up and reward
//!   claim;
//! - [`workflow`]: the staff's lists, one complaint, the officers it may go to, and the moves (dispatch,
//!   investigate, conclude, reward, payment, close).

pub mod filing;
pub mod workflow;

pub use filing::{
    claim_reward, file_form, file_phone, file_web, lookup, ClaimRequest, FileRequest, TicketRequest,
};
pub use workflow::{
    close, conclude, dispatch, get_one, investigate, list, officers, overdue, reward, reward_paid,
    ConcludeRequest, DispatchRequest, ListQuery, NoteRequest, PaidRequest, RewardRequest,
};
