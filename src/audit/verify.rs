//! Checking the audit trail: the chain, its tip, the last checkpoint, and every audited row's content.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::{content_hash, AuditEntry, Audited};
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::schema::{audit_checkpoints, audit_head, audit_log};

/// What a verification found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VerifyReport {
    /// True when nothing is wrong.
    pub ok: bool,
    /// Entries walked.
    pub entries_checked: i64,
    /// Audited rows whose content was recomputed.
    pub rows_checked: i64,
    /// The last entry's number.
    pub head_seq: i64,
    /// The first thing found broken, if any.
    pub first_broken: Option<Broken>,
}

/// The first broken entry or row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Broken {
    /// The entry concerned (for a row: its latest entry), when there is one.
    pub seq: Option<i64>,
    /// Machine code: `entry_altered`, `entry_missing`, `chain_broken`, `entries_cut_off`, `row_altered`,
    /// `row_not_audited`, `row_deleted`.
    pub reason: String,
    /// Entity of the broken row, for row checks.
    pub entity: Option<String>,
    /// Id of the broken row, for row checks.
    pub entity_id: Option<String>,
    /// Explanation in Chinese.
    pub detail: String,
    /// Explanation in English.
    pub detail_en: String,
}

fn broken(seq: Option<i64>, reason: &str, zh: String, en: String) -> Broken {
    Broken {
        seq,
        reason: reason.to_string(),
        entity: None,
        entity_id: None,
        detail: zh,
        detail_en: en,
    }
}

type Loader = fn(&mut DbConnection) -> QueryResult<Vec<(String, String)>>;

fn hashes<T: Audited>(rows: Vec<T>) -> Vec<(String, String)> {
    rows.iter()
        .map(|r| (r.audit_id().to_string(), content_hash(r)))
        .collect()
}

/// Every audited table, with how to load its rows' ids and content hashes. A new audited table is added
/// here.
fn audited_tables() -> Vec<(&'static str, Loader)> {
    use crate::credit::model::CreditEvent;
    use crate::organisations::model::Organisation;
    use crate::schema::*;
    use crate::slaughterhouses::model::{
        FeeItem, QualityAgreement, SlaughterhouseRecord, StatusChange,
    };
    use crate::users::model::{User, VetAssignment};
    vec![
        (Organisation::ENTITY, |c| {
            Ok(hashes(
                organisations::table
                    .select(Organisation::as_select())
                    .load(c)?,
            ))
        }),
        (User::ENTITY, |c| {
            Ok(hashes(users::table.select(User::as_select()).load(c)?))
        }),
        (VetAssignment::ENTITY, |c| {
            Ok(hashes(
                vet_assignments::table
                    .select(VetAssignment::as_select())
                    .load(c)?,
            ))
        }),
        (SlaughterhouseRecord::ENTITY, |c| {
            Ok(hashes(
                slaughterhouses::table
                    .select(SlaughterhouseRecord::as_select())
                    .load(c)?,
            ))
        }),
        (StatusChange::ENTITY, |c| {
            Ok(hashes(
                slaughterhouse_status_changes::table
                    .select(StatusChange::as_select())
                    .load(c)?,
            ))
        }),
        (QualityAgreement::ENTITY, |c| {
            Ok(hashes(
                quality_agreements::table
                    .select(QualityAgreement::as_select())
                    .load(c)?,
            ))
        }),
        (FeeItem::ENTITY, |c| {
            Ok(hashes(
                fee_items::table.select(FeeItem::as_select()).load(c)?,
            ))
        }),
        (CreditEvent::ENTITY, |c| {
            Ok(hashes(
                credit_events::table
                    .select(CreditEvent::as_select())
                    .load(c)?,
            ))
        }),
        ("violation_event", |c| {
            Ok(hashes(
                violation_events::table
                    .select(crate::violations::model::ViolationEvent::as_select())
                    .load(c)?,
            ))
        }),
        ("animal_certificate", |c| {
            Ok(hashes(crate::certificates::queries::all(c)?))
        }),
        ("intake", |c| Ok(hashes(crate::intake::queries::all(c)?))),
        ("intake_check", |c| {
            Ok(hashes(
                intake_checks::table
                    .select(crate::intake::model::IntakeCheck::as_select())
                    .load(c)?,
            ))
        }),
        ("slaughter_batch", |c| {
            Ok(hashes(crate::batches::queries::all(c)?))
        }),
        ("quarantine_result", |c| {
            Ok(hashes(
                quarantine_results::table
                    .select(crate::batches::model::QuarantineResult::as_select())
                    .load(c)?,
            ))
        }),
        ("product_certificate", |c| {
            Ok(hashes(
                product_certificates::table
                    .select(crate::batches::model::ProductCertificate::as_select())
                    .load(c)?,
            ))
        }),
        ("inspection_certificate", |c| {
            Ok(hashes(
                inspection_certificates::table
                    .select(crate::batches::model::InspectionCertificate::as_select())
                    .load(c)?,
            ))
        }),
        ("fee_charge", |c| {
            Ok(hashes(
                fee_charges::table
                    .select(crate::batches::model::FeeCharge::as_select())
                    .load(c)?,
            ))
        }),
        ("lot", |c| Ok(hashes(crate::lots::queries::all(c)?))),
        ("correction", |c| {
            Ok(hashes(crate::lots::queries::all_corrections(c)?))
        }),
        ("disposal", |c| {
            Ok(hashes(crate::disposals::queries::all(c)?))
        }),
        ("violation", |c| {
            Ok(hashes(crate::violations::queries::all_with_records(c)?))
        }),
        ("buyer_profile", |c| {
            Ok(hashes(
                buyer_profiles::table
                    .select(crate::buyers::model::BuyerProfile::as_select())
                    .load(c)?,
            ))
        }),
        ("shipment", |c| {
            Ok(hashes(crate::shipments::queries::all(c)?))
        }),
        ("receipt", |c| Ok(hashes(crate::receipts::queries::all(c)?))),
        ("sold_out_mark", |c| {
            Ok(hashes(
                sold_out_marks::table
                    .select(crate::stock::model::SoldOutMark::as_select())
                    .load(c)?,
            ))
        }),
        ("complaint", |c| {
            Ok(hashes(
                complaints::table
                    .select(crate::complaints::model::Complaint::as_select())
                    .load(c)?,
            ))
        }),
        ("complaint_event", |c| {
            Ok(hashes(
                complaint_events::table
                    .select(crate::complaints::model::ComplaintEvent::as_select())
                    .load(c)?,
            ))
        }),
        ("ledger_entry", |c| {
            Ok(hashes(crate::ledger::queries::all(c)?))
        }),
        ("lot_recall", |c| {
            Ok(hashes(
                lot_recalls::table
                    .select(crate::recalls::model::LotRecall::as_select())
                    .load(c)?,
            ))
        }),
        ("recall", |c| {
            Ok(hashes(
                recalls::table
                    .select(crate::recalls::model::Recall::as_select())
                    .load(c)?,
            ))
        }),
        ("recall_notice", |c| {
            Ok(hashes(
                recall_notices::table
                    .select(crate::recalls::model::RecallNotice::as_select())
                    .load(c)?,
            ))
        }),
        ("recall_response", |c| {
            Ok(hashes(
                recall_responses::table
                    .select(crate::recalls::model::RecallResponse::as_select())
                    .load(c)?,
            ))
        }),
        ("recall_withdrawal", |c| {
            Ok(hashes(
                recall_withdrawals::table
                    .select(crate::recalls::model::RecallWithdrawal::as_select())
                    .load(c)?,
            ))
        }),
    ]
}

const PAGE: i64 = 5_000;

/// Verify the whole trail on one snapshot, and when it is sound keep a checkpoint of its tip (in a short
/// write of its own), so that entries cut off later are detected.
pub fn verify_and_checkpoint(db: &crate::db::Db) -> AppResult<VerifyReport> {
    super::seal_all(db)?;
    let (report, tip_hash) = db.snapshot_now(verify)?;
    if report.ok {
        db.write_now(|conn| {
            diesel::insert_into(audit_checkpoints::table)
                .values((
                    audit_checkpoints::id.eq(uuid::Uuid::new_v4().to_string()),
                    audit_checkpoints::seq.eq(report.head_seq),
                    audit_checkpoints::hash.eq(&tip_hash),
                    audit_checkpoints::verified_at.eq(crate::time::now()),
                ))
                .execute(conn)?;
            Ok(())
        })?;
    }
    Ok(report)
}

/// Verify the whole trail, read only. Returns the report and the hash of the last entry walked.
pub fn verify(conn: &mut DbConnection) -> AppResult<(VerifyReport, String)> {
    let mut report = VerifyReport {
        ok: true,
        entries_checked: 0,
        rows_checked: 0,
        head_seq: 0,
        first_broken: None,
    };
    let genesis = "0".repeat(64);
    let mut last_hash = genesis.clone();
    let mut expected_seq = 1_i64;
    // Latest content hash and entry per (entity, id).
    let mut latest: HashMap<(String, String), (Option<i64>, String)> = HashMap::new();

    'walk: loop {
        let page: Vec<AuditEntry> = audit_log::table
            .filter(audit_log::seq.ge(expected_seq))
            .order(audit_log::seq.asc())
            .limit(PAGE)
            .select(AuditEntry::as_select())
            .load(conn)?;
        if page.is_empty() {
            break;
        }
        for e in page {
            if e.seq != expected_seq {
                report.first_broken = Some(broken(
                    Some(expected_seq),
                    "entry_missing",
                    format!("审计记录第 {expected_seq} 条缺失（已被删除）"),
                    format!("audit entry {expected_seq} is missing (deleted)"),
                ));
                break 'walk;
            }
            if e.prev_hash != last_hash {
                report.first_broken = Some(broken(
                    Some(e.seq),
                    "chain_broken",
                    format!("审计记录第 {} 条与前一条的链接不符", e.seq),
                    format!("audit entry {} does not link to the one before it", e.seq),
                ));
                break 'walk;
            }
            if e.expected_hash() != e.hash {
                report.first_broken = Some(broken(
                    Some(e.seq),
                    "entry_altered",
                    format!("审计记录第 {} 条的内容已被改动", e.seq),
                    format!("audit entry {} has been altered", e.seq),
                ));
                break 'walk;
            }
            report.entries_checked += 1;
            expected_seq += 1;
            last_hash = e.hash.clone();
            if !super::is_access(&e.action) {
                latest.insert((e.entity, e.entity_id), (Some(e.seq), e.content_hash));
            }
        }
    }
    report.head_seq = expected_seq - 1;
    // Writes committed since the last seal are not chained yet, but they are the latest for their rows.
    let pending: Vec<super::PendingEntry> = crate::schema::audit_pending::table
        .order((
            crate::schema::audit_pending::at.asc(),
            crate::schema::audit_pending::id.asc(),
        ))
        .select(super::PendingEntry::as_select())
        .load(conn)?;
    for p in pending {
        if !super::is_access(&p.action) {
            latest.insert((p.entity, p.entity_id), (None, p.content_hash));
        }
    }

    if report.first_broken.is_none() {
        report.first_broken = check_tip(conn, report.head_seq, &last_hash)?;
    }
    if report.first_broken.is_none() {
        report.first_broken = check_rows(conn, &latest, &mut report.rows_checked)?;
    }
    report.ok = report.first_broken.is_none();
    Ok((report, last_hash))
}

/// The tip row and the last checkpoint must both agree with the chain as walked.
fn check_tip(conn: &mut DbConnection, last_seq: i64, last_hash: &str) -> AppResult<Option<Broken>> {
    let cut = |seq: i64| {
        broken(
            Some(seq),
            "entries_cut_off",
            format!("审计记录在第 {last_seq} 条之后被截断（应至少有第 {seq} 条）"),
            format!("the audit trail was cut off after entry {last_seq} (entry {seq} existed)"),
        )
    };
    let (head_seq, head_hash): (i64, String) = audit_head::table
        .find(1)
        .select((audit_head::seq, audit_head::hash))
        .first(conn)?;
    if head_seq > last_seq {
        return Ok(Some(cut(last_seq + 1)));
    }
    if head_seq != last_seq || head_hash != last_hash {
        return Ok(Some(broken(
            Some(last_seq),
            "chain_broken",
            "审计链末端与记录不符".to_string(),
            "the audit chain's tip does not match its entries".to_string(),
        )));
    }
    let checkpoint: Option<(i64, String)> = audit_checkpoints::table
        .order((
            audit_checkpoints::seq.desc(),
            audit_checkpoints::verified_at.desc(),
        ))
        .select((audit_checkpoints::seq, audit_checkpoints::hash))
        .first(conn)
        .optional()?;
    if let Some((cp_seq, cp_hash)) = checkpoint {
        if cp_seq > last_seq {
            return Ok(Some(cut(last_seq + 1)));
        }
        if cp_seq > 0 {
            let at_cp: Option<String> = audit_log::table
                .find(cp_seq)
                .select(audit_log::hash)
                .first(conn)
                .optional()?;
            if at_cp.as_deref() != Some(cp_hash.as_str()) {
                return Ok(Some(broken(
                    Some(cp_seq),
                    "chain_broken",
                    format!("审计记录第 {cp_seq} 条与上次核验的检查点不符"),
                    format!("audit entry {cp_seq} differs from the last verification's checkpoint"),
                )));
            }
        }
    }
    Ok(None)
}

/// Every audited row must match the content hash of its latest entry; every audited id must still exist.
fn check_rows(
    conn: &mut DbConnection,
    latest: &HashMap<(String, String), (Option<i64>, String)>,
    rows_checked: &mut i64,
) -> AppResult<Option<Broken>> {
    let mut seen = 0_usize;
    let mut first: Option<Broken> = None;
    let mut consider = |b: Broken| {
        if first
            .as_ref()
            .is_none_or(|f| b.seq < f.seq || f.seq.is_none())
        {
            first = Some(b);
        }
    };
    for (entity, load) in audited_tables() {
        for (id, hash) in load(conn)? {
            *rows_checked += 1;
            match latest.get(&(entity.to_string(), id.clone())) {
                None => consider(Broken {
                    entity: Some(entity.to_string()),
                    entity_id: Some(id.clone()),
                    ..broken(
                        None,
                        "row_not_audited",
                        format!("{entity} {id} 在审计记录之外写入"),
                        format!("{entity} {id} was written outside the service"),
                    )
                }),
                Some((seq, audited)) => {
                    seen += 1;
                    if *audited != hash {
                        consider(Broken {
                            entity: Some(entity.to_string()),
                            entity_id: Some(id.clone()),
                            ..broken(
                                *seq,
                                "row_altered",
                                format!("{entity} {id} 的内容与其最后一条审计记录不符（被绕过服务修改）"),
                                format!(
                                    "{entity} {id} no longer matches its latest audit entry (edited behind the service's back)"
                                ),
                            )
                        });
                    }
                }
            }
        }
    }
    if seen < latest.len() {
        // Some audited id has no row any more: find the earliest such entry.
        let mut present: std::collections::HashSet<(String, String)> = Default::default();
        for (entity, load) in audited_tables() {
            for (id, _) in load(conn)? {
                present.insert((entity.to_string(), id));
            }
        }
        for ((entity, id), (seq, _)) in latest {
            if !present.contains(&(entity.clone(), id.clone())) {
                consider(Broken {
                    entity: Some(entity.clone()),
                    entity_id: Some(id.clone()),
                    ..broken(
                        *seq,
                        "row_deleted",
                        format!("{entity} {id} 已被删除"),
                        format!("{entity} {id} was deleted"),
                    )
                });
            }
        }
    }
    Ok(first)
}
