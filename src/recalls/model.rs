//! Recall records as stored: the recall, the lots it marked, its notices to holders, their responses, and its
//! withdrawal. All insert-only.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::lots::model::LotStatus;
use crate::schema::{lot_recalls, recall_notices, recall_responses, recall_withdrawals, recalls};

crate::text_enum! {
    /// What a recall names.
    pub enum RecallScope {
        /// One lot (and the lots split from it).
        Lot,
        /// A slaughter batch: every lot made from it.
        Batch,
        /// An animal certificate (动物检疫合格证明): every batch drawing on an intake of it.
        AnimalCertificate,
    }
}

crate::text_enum! {
    /// What a holder answered to a notice.
    pub enum ResponseKind {
        /// It has read the notice (once).
        Acknowledged,
        /// What it pulled from sale or disposed of.
        Report,
    }
}

/// A recall (召回) of a lot, a batch or an animal certificate.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = recalls)]
pub struct Recall {
    /// Id.
    pub id: String,
    /// What it names.
    pub scope: RecallScope,
    /// The lot, batch or animal certificate.
    pub scope_id: String,
    /// The slaughterhouse whose products it reaches.
    pub slaughterhouse_id: String,
    /// Why.
    pub reason: String,
    /// Who.
    pub recalled_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub recalled_at: NaiveDateTime,
}

impl crate::audit::Audited for Recall {
    const ENTITY: &'static str = "recall";
    fn audit_id(&self) -> &str {
        &self.id
    }
}

/// The mark a recall puts on one lot.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = lot_recalls)]
pub struct LotRecall {
    /// Id.
    pub id: String,
    /// The lot.
    pub lot_id: String,
    /// Why.
    pub reason: String,
    /// Who.
    pub recalled_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub recalled_at: NaiveDateTime,
    /// The recall that made the mark (absent on marks made before recalls were recorded: they always stand).
    /// Left out of the stored form when absent, so that older rows keep their audit hash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recall_id: Option<String>,
}

impl crate::audit::Audited for LotRecall {
    const ENTITY: &'static str = "lot_recall";
    fn audit_id(&self) -> &str {
        &self.id
    }
}

/// A notice of a recall to one holder about one lot, with what it held when notified.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = recall_notices)]
pub struct RecallNotice {
    /// Id.
    pub id: String,
    /// The recall.
    pub recall_id: String,
    /// The holder notified.
    pub holder_id: String,
    /// The lot.
    pub lot_id: String,
    /// What it held when notified, to pull from sale (grams; 0 when it was shipped some and has none left).
    pub weight_to_pull_g: i64,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub notified_at: NaiveDateTime,
}

impl crate::audit::Audited for RecallNotice {
    const ENTITY: &'static str = "recall_notice";
    fn audit_id(&self) -> &str {
        &self.id
    }
}

/// A holder's answer to a notice: its acknowledgement, or a report of what it pulled or disposed of.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = recall_responses)]
pub struct RecallResponse {
    /// Id.
    pub id: String,
    /// The notice.
    pub notice_id: String,
    /// Acknowledgement or report.
    pub kind: ResponseKind,
    /// Pulled from sale, grams.
    pub pulled_g: i64,
    /// Disposed of, grams (recorded as a disposal of held stock).
    pub disposed_g: i64,
    /// The disposal recorded for it.
    pub disposal_id: Option<String>,
    /// Note.
    pub note: Option<String>,
    /// Who.
    pub responded_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub responded_at: NaiveDateTime,
}

impl crate::audit::Audited for RecallResponse {
    const ENTITY: &'static str = "recall_response";
    fn audit_id(&self) -> &str {
        &self.id
    }
}

/// The withdrawal of a recall made in error.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = recall_withdrawals)]
pub struct RecallWithdrawal {
    /// The recall.
    pub recall_id: String,
    /// Why.
    pub reason: String,
    /// Who.
    pub withdrawn_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub withdrawn_at: NaiveDateTime,
}

impl crate::audit::Audited for RecallWithdrawal {
    const ENTITY: &'static str = "recall_withdrawal";
    fn audit_id(&self) -> &str {
        &self.recall_id
    }
}

/// A lot a recall reaches, as the recall found it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReachedLot {
    /// The lot.
    pub lot_id: String,
    /// Its trace code.
    pub trace_code: String,
    /// Product name.
    pub product_name: String,
    /// The lot it was split from, if any.
    pub parent_lot_id: Option<String>,
    /// Where it stands now.
    pub status: LotStatus,
    /// Did this recall mark it (a lot already disposed of is listed, not marked)?
    pub marked: bool,
}

/// A recall just made: the recall, the lots it reached and the notices it sent.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecallMade {
    /// The recall.
    pub recall: Recall,
    /// Lots reached.
    pub lots: Vec<ReachedLot>,
    /// Notices sent, one per holder and lot.
    pub notices: Vec<RecallNotice>,
}
