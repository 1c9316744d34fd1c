//! Paging of lists: `limit` (1 to 200, default 50) and `offset`, answered with the total.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Largest page.
pub const MAX_LIMIT: i64 = 200;

/// Paging parameters of a list request.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
pub struct PageParams {
    /// Items per page, 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// Items to skip (default 0).
    pub offset: Option<i64>,
}

impl PageParams {
    /// The limit in force, clamped to 1..=200.
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(1, MAX_LIMIT)
    }

    /// The offset in force, never negative.
    pub fn offset(&self) -> i64 {
        self.offset.unwrap_or(0).max(0)
    }
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// All items matching the filters.
    pub total: i64,
    /// Limit used.
    pub limit: i64,
    /// Offset used.
    pub offset: i64,
}

impl<T> Page<T> {
    /// A page from its items, the total and the parameters used.
    pub fn new(items: Vec<T>, total: i64, p: PageParams) -> Page<T> {
        Page {
            items,
            total,
            limit: p.limit(),
            offset: p.offset(),
        }
    }

    /// The same page with its items converted.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            limit: self.limit,
            offset: self.offset,
        }
    }
}
